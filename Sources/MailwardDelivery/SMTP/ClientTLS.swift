import NIOSSL
import Synchronization

/// The TLS an outbound connection puts in front of SMTP: opportunistic (nothing checked, as
/// towards any MX), verified (the chain ends in the trust roots and names the relay), or pinned
/// (the relay presents exactly the certificate it was configured with — a self-signed one).
///
/// Each kind is made once per process and kept: a context with the system's trust store reads and
/// parses the whole bundle, more work than the handshake it serves. A file that cannot be read is
/// tried again at the next connection; one that changes is read again after a restart.
struct ClientTLS: Sendable {
    let context: NIOSSLContext
    /// DER of the one certificate the peer must present; nil: the context's own checks.
    let pinned: [UInt8]?

    private struct Kind: Hashable {
        var verified: Bool
        var trustRootsFile: String?
        var pinnedCertificateFile: String?
    }

    private static let made = Mutex<[Kind: ClientTLS]>([:])

    static func opportunistic() throws -> ClientTLS {
        try cached(Kind(verified: false)) {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return ClientTLS(context: try NIOSSLContext(configuration: configuration), pinned: nil)
        }
    }

    /// For a configured relay: its pinned certificate, or a chain to its trust roots (or the
    /// system's) that names it (NIOSSL checks the peer's address when no name is given).
    static func verifying(_ security: RelaySecurity) throws -> ClientTLS {
        let kind = Kind(verified: true, trustRootsFile: security.trustRootsFile, pinnedCertificateFile: security.pinnedCertificateFile)
        return try cached(kind) {
            let pinned = try security.pinnedCertificateFile.map { file -> [UInt8] in
                guard let certificate = try NIOSSLCertificate.fromPEMFile(file).first else { throw NIOSSLError.failedToLoadCertificate }
                return try certificate.toDERBytes()
            }
            var configuration = TLSConfiguration.makeClientConfiguration()
            // A pinned certificate is the whole check: NIOSSL would still match its names against
            // the relay's with `.fullVerification`, and the custom callback runs only when some
            // verification is on.
            configuration.certificateVerification = pinned == nil ? .fullVerification : .noHostnameVerification
            if let file = security.trustRootsFile { configuration.trustRoots = .file(file) }
            return ClientTLS(context: try NIOSSLContext(configuration: configuration), pinned: pinned)
        }
    }

    private static func cached(_ kind: Kind, make: () throws -> ClientTLS) throws -> ClientTLS {
        if let known = made.withLock({ $0[kind] }) { return known }
        let fresh = try make()
        return made.withLock { made in
            if let known = made[kind] { return known }
            made[kind] = fresh
            return fresh
        }
    }

    /// The handler for one connection; `serverName` goes into SNI (and is checked unless pinned).
    func handler(serverName: String?) throws -> NIOSSLClientHandler {
        guard let pinned else { return try NIOSSLClientHandler(context: context, serverHostname: serverName) }
        return try NIOSSLClientHandler(context: context, serverHostname: serverName) { certificates, promise in
            let presented = try? certificates.first?.toDERBytes()
            promise.succeed(presented == pinned ? .certificateVerified : .failed)
        }
    }
}
