import Crypto
import Foundation
import MailwardNet
import SwiftASN1
import X509

/// A private certificate authority for tests: a root that no system trust store knows, and the
/// server certificates it signs — what an institution's own relay or a partner's server may
/// present. (The server's own self-signed certificate is no root: it says it is not a CA.)
public struct TestCertificateAuthority: Sendable {
    public let certificatePEM: String
    private let key: P256.Signing.PrivateKey
    private let name: DistinguishedName

    public init(now: Date = Date()) throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName("Mailward test CA")
            OrganizationName("Mailward tests")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(24 * 3600),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        self.certificatePEM = try certificate.serializeAsPEM().pemString
        self.key = key
        self.name = name
    }

    /// A server certificate for these names and IPv4 addresses, signed by this authority; the
    /// PEM files are written into `folder` (`<stem>.crt`, `<stem>.key`) and their paths returned.
    public func issueServerCertificate(hostnames: [String], ipv4: [[UInt8]] = [[127, 0, 0, 1]], into folder: String,
                                       stem: String = "server", now: Date = Date()) throws -> (certificatePath: String, keyPath: String) {
        let serverKey = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(hostnames.first ?? "localhost") }
        let names = hostnames.map { GeneralName.dnsName($0) } + ipv4.map { .ipAddress(ASN1OctetString(contentBytes: ArraySlice($0))) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(24 * 3600),
            issuer: name, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try SelfSignedCertificate.serverExtensions(names),
            issuerPrivateKey: Certificate.PrivateKey(key))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let certificatePath = (folder as NSString).appendingPathComponent("\(stem).crt")
        let keyPath = (folder as NSString).appendingPathComponent("\(stem).key")
        try Data(try certificate.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: certificatePath))
        try Data(serverKey.pemRepresentation.utf8).write(to: URL(fileURLWithPath: keyPath))
        return (certificatePath, keyPath)
    }

    /// Writes the authority's certificate (the trust root to configure) into `folder`.
    public func writeCertificate(into folder: String, name: String = "ca.crt") throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent(name)
        try Data(certificatePEM.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
