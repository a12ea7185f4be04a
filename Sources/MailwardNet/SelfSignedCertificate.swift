import Crypto
import Foundation
import SwiftASN1
import X509

/// The bootstrap certificate of the embedded mode (SPEC O1): made once at first start in the
/// data folder, so STARTTLS and implicit TLS work before an administrator installs a real one.
public enum SelfSignedCertificate {
    public struct Files: Sendable, Equatable {
        public var certificatePath: String
        public var keyPath: String

        public init(certificatePath: String, keyPath: String) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }

    /// Returns the certificate and key files in `directory`, creating them when missing — and
    /// again when `hostname` changed since (the old pair named another host, and every client
    /// connecting to the new name would be warned about it).
    public static func ensure(in directory: String, hostname: String, now: Date = Date()) throws -> Files {
        if let files = existing(in: directory, hostname: hostname) { return files }
        let files = files(in: directory)
        let (certificatePEM, keyPEM) = try make(hostname: hostname, now: now)
        try write(keyPEM, to: files.keyPath, permissions: 0o600)
        try write(certificatePEM, to: files.certificatePath, permissions: 0o644)
        return files
    }

    /// The pair in `directory` when it is there and names `hostname` (what ``ensure(in:hostname:now:)``
    /// would keep); nil when it would make a new one.
    public static func existing(in directory: String, hostname: String) -> Files? {
        let files = files(in: directory)
        let fm = FileManager.default
        guard fm.fileExists(atPath: files.certificatePath), fm.fileExists(atPath: files.keyPath),
              ServerCertificate.file(files.certificatePath, names: hostname) else { return nil }
        return files
    }

    static func files(in directory: String) -> Files {
        Files(certificatePath: directory + "/tls-selfsigned.crt", keyPath: directory + "/tls-selfsigned.key")
    }

    /// A P-256 certificate valid for ten years for `hostname`, `localhost`, 127.0.0.1 and ::1.
    public static func make(hostname: String, now: Date) throws -> (certificatePEM: String, keyPEM: String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName(hostname)
            OrganizationName("Mailward self-signed")
        }
        var names: [GeneralName] = [.dnsName(hostname)]
        if hostname != "localhost" { names.append(.dnsName("localhost")) }
        names.append(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])))
        names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))))
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(10 * 365 * 24 * 3600),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try serverExtensions(names),
            issuerPrivateKey: Certificate.PrivateKey(key))
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    /// What a TLS server's certificate says of itself: no CA, a key for signing and key
    /// exchange, server authentication, and the names it is valid for.
    public static func serverExtensions(_ names: [GeneralName]) throws -> Certificate.Extensions {
        try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(names)
        }
    }

    static func write(_ text: String, to path: String, permissions: Int) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: permissions]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
