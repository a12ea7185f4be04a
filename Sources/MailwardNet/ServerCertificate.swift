import Foundation
import NIOCore
import NIOSSL
import Synchronization
import X509

/// The server's certificate chain and private key (the self-signed bootstrap pair or an
/// administrator's PEM files), read from their files at start and again
/// on ``reload()`` (the server calls it on SIGHUP): every TLS handshake takes the pair current
/// at that moment — NIOSSL's per-handshake context callback —, so a renewed certificate
/// (Let's Encrypt's every 60–90 days) serves new connections without a restart; connections
/// already open keep theirs.
public final class ServerCertificate: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let current: Mutex<Pair>

    struct Pair: Sendable {
        var chain: [NIOSSLCertificateSource]
        var key: NIOSSLPrivateKeySource
    }

    public init(certificatePath: String, keyPath: String) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        current = Mutex(try Self.load(certificatePath: certificatePath, keyPath: keyPath))
    }

    /// Reads both files again and uses them from the next handshake on. A pair that cannot be
    /// used (a half-written renewal, a key of another certificate) throws and changes nothing.
    public func reload() throws {
        let pair = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
        current.withLock { $0 = pair }
    }

    /// What an administrator should hear about the certificate in service: expired, or expiring
    /// within `soon` (clients then refuse every TLS connection), or not naming `hostname` — the
    /// name mail clients are set up with (iPhone Mail and Foxmail then warn every user). Empty
    /// when all is well.
    public func warnings(now: Date = Date(), soon: TimeInterval = 14 * 86_400, hostname: String? = nil) -> [String] {
        guard case .certificate(let leaf)? = current.withLock({ $0.chain.first }) else { return [] }
        var warnings: [String] = []
        let notAfter = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
        if notAfter <= now {
            warnings.append("the TLS certificate \(certificatePath) expired on \(notAfter): clients refuse TLS connections")
        } else if notAfter.timeIntervalSince(now) < soon {
            warnings.append("the TLS certificate \(certificatePath) expires on \(notAfter); renew it and send the server SIGHUP")
        }
        if let hostname, let names = Self.dnsNames(of: leaf), !Self.names(names, cover: hostname) {
            let listed = names.isEmpty ? "no DNS name" : names.joined(separator: ", ")
            warnings.append("the TLS certificate \(certificatePath) is for \(listed), not for the hostname \(hostname):"
                            + " mail clients connecting to \(hostname) warn their users")
        }
        return warnings
    }

    /// The DNS names of a certificate's subjectAltName extension (what clients check; the
    /// common name is ignored by them); nil when the certificate cannot be read.
    static func dnsNames(of certificate: NIOSSLCertificate) -> [String]? {
        guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return nil }
        guard let alternatives = try? parsed.extensions.subjectAlternativeNames else { return [] }
        return alternatives.compactMap { name in
            if case .dnsName(let dns) = name { return dns }
            return nil
        }
    }

    /// Whether one of `names` matches `hostname` as a TLS client matches it (RFC 6125 §6.4):
    /// case-insensitively, a `*.` wildcard standing for exactly one leftmost label.
    static func names(_ names: [String], cover hostname: String) -> Bool {
        let host = hostname.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return names.contains { name in
            let name = name.lowercased()
            if name == host { return true }
            guard name.hasPrefix("*."), let dot = host.firstIndex(of: ".") else { return false }
            return host[host.index(after: dot)...] == name.dropFirst(2) && dot != host.startIndex
        }
    }

    /// Whether the certificate in `path` names `hostname` (false when unreadable).
    public static func file(_ path: String, names hostname: String) -> Bool {
        guard let leaf = try? NIOSSLCertificate.fromPEMFile(path).first, let names = dnsNames(of: leaf) else { return false }
        return Self.names(names, cover: hostname)
    }

    /// How long a closing connection waits for the client's `close_notify` after sending its own.
    /// Waiting is optional for the side that closes (RFC 8446 §6.1) and tells a server nothing it
    /// needs after LOGOUT or QUIT; NIOSSL's 5 s default held the socket of every client that
    /// keeps it open after LOGOUT (some do) — a file descriptor and a per-IP slot for 5 s.
    static let closeNotifyWait: TimeAmount = .seconds(1)

    /// A server context whose handshakes take the current pair.
    public func makeContext() throws -> NIOSSLContext {
        let pair = current.withLock { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: pair.chain, privateKey: pair.key)
        configuration.minimumTLSVersion = .tlsv12
        configuration.shutdownTimeout = Self.closeNotifyWait
        configuration.sslContextCallback = { [self] _, promise in
            let pair = current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain
            override.privateKey = pair.key
            promise.succeed(override)
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// Both files read and checked against each other; each failure names its file.
    static func load(certificatePath: String, keyPath: String) throws -> Pair {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw TLSFileError("cannot read the TLS certificate \(certificatePath): \(Self.reason(error, path: certificatePath))")
        }
        guard !certificates.isEmpty else {
            throw TLSFileError("no PEM certificate in \(certificatePath)")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw TLSFileError("cannot read the TLS private key \(keyPath): \(Self.reason(error, path: keyPath))"
                               + " (an unencrypted PEM key — PKCS#1, PKCS#8 or SEC1 — is needed)")
        }
        let pair = Pair(chain: certificates.map { .certificate($0) }, key: .privateKey(key))
        do {
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: pair.chain, privateKey: pair.key)
            configuration.minimumTLSVersion = .tlsv12
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSFileError("the TLS private key \(keyPath) does not belong to the certificate \(certificatePath)"
                               + " (the first certificate in the file must be the server's own, then its chain)")
        }
        return pair
    }

    private static func reason(_ error: any Error, path: String) -> String {
        guard FileManager.default.isReadableFile(atPath: path) else { return "no such file, or not readable by this user" }
        switch error as? NIOSSLError {
        case .failedToLoadCertificate?: return "not a PEM certificate"
        case .failedToLoadPrivateKey?: return "not a PEM private key"
        default: return "\(error)"
        }
    }
}

/// A certificate or key file that cannot be used; the text names the file.
public struct TLSFileError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
