import Foundation

/// The one folder the embedded mode keeps everything in (SPEC O1): the database, message
/// blobs, the bootstrap certificate, the server key and the SMS outbox.
public struct DataFolder: Sendable, Equatable {
    public let path: String

    public var databasePath: String { path + "/mailward.sqlite" }
    public var defaultConfigPath: String { path + "/mailward.yaml" }
    public var blobsPath: String { path + "/blobs" }
    public var smsOutboxPath: String { path + "/sms-outbox.jsonl" }
    public var serverKeyPath: String { path + "/server.key" }

    /// The folder at `rawPath` (made absolute), whether or not it exists; nothing is created.
    public static func located(_ rawPath: String) -> DataFolder {
        DataFolder(path: URL(fileURLWithPath: rawPath).standardizedFileURL.path)
    }

    /// Whether something (a folder, or a file in its way) exists at the path.
    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Creates the folder (mode 0700: it holds hashes and keys) when missing.
    public static func prepare(_ rawPath: String) throws -> DataFolder {
        let absolute = located(rawPath).path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw AppError("data folder \(absolute) exists and is not a folder")
            }
        } else {
            try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        return DataFolder(path: absolute)
    }

    /// The configuration file to read: the one named, else `mailward.yaml` in the data folder if present.
    public func configFile(explicit: String?) -> String? {
        if let explicit { return explicit }
        return FileManager.default.fileExists(atPath: defaultConfigPath) ? defaultConfigPath : nil
    }
}

/// A start-up or command failure with a one-line message for the administrator.
public struct AppError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
