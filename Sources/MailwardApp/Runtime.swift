import Foundation
import Logging
import MailwardConfig
import MailwardCore
import MailwardDelivery
import StoreSQLite

/// Everything the server and the command line share once the configuration is read and the
/// store is open: the composition of concrete parts behind Core's ports.
public struct Runtime: Sendable {
    public let folder: DataFolder
    public let configuration: MailwardConfiguration
    public let store: SQLiteStore
    public let accounts: AccountService
    public let mail: MailService
    /// The one credential check of the protocol doors.
    public let authenticator: ProtocolAuthenticator
    public let blobs: FileBlobStore
    public let clock: any WallClock
    /// The durable outbound queue doors hand remote (and bounced) mail to.
    public let outbound: DeliveryQueue

    /// Reads the configuration (file + `MAILWARD_*` environment) and opens the store in `dataPath`.
    public static func open(dataPath: String, configFile: String?,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            clock: any WallClock = SystemWallClock()) async throws -> Runtime {
        let folder = try DataFolder.prepare(dataPath)
        let configuration = try await ConfigurationLoader.load(file: folder.configFile(explicit: configFile),
                                                               environment: environment)
        return try Runtime(folder: folder, configuration: configuration, clock: clock)
    }

    public init(folder: DataFolder, configuration: MailwardConfiguration, clock: any WallClock = SystemWallClock()) throws {
        self.folder = folder
        self.configuration = configuration
        self.clock = clock
        do {
            store = try SQLiteStore(path: folder.databasePath)
        } catch {
            throw AppError("cannot open the database \(folder.databasePath): \(error)")
        }
        do {
            blobs = try FileBlobStore(root: folder.blobsPath)
        } catch {
            throw AppError("cannot use the message folder \(folder.blobsPath): \(error)")
        }
        let mail = MailService(store: store, blobs: blobs, clock: clock, defaultQuota: Int64(configuration.mail.defaultQuota))
        self.mail = mail
        accounts = AccountService(store: store, clock: clock, onAccountCreated: { account in
            try await mail.provision(accountID: account.id)
        })
        authenticator = ProtocolAuthenticator(accounts: accounts)
        outbound = DeliveryQueue(store: store, blobs: blobs)
    }
}
