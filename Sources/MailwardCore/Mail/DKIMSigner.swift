import Crypto
import CryptoExtras
import Foundation
import MailwardMIME

/// A domain's DKIM signing key (RFC 6376): RSA, 2048 bits when made by Mailward, published in
/// DNS as a TXT record at `<selector>._domainkey.<domain>`.
public struct DKIMKey: Sendable {
    public let domain: String
    public let selector: String
    let privateKey: _RSA.Signing.PrivateKey

    public init(domain: String, selector: String, pem: String) throws {
        self.domain = domain
        self.selector = selector
        privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
    }

    /// A new 2048-bit key.
    public static func generate(domain: String, selector: String) throws -> DKIMKey {
        try DKIMKey(domain: domain, selector: selector, pem: _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation)
    }

    /// The private key as PEM, for the key file.
    public var pem: String { privateKey.pemRepresentation }

    /// Where the public key goes in DNS: an internationalized domain in its ASCII form
    /// (`xn--…`), as DNS and the `d=` a receiver looks up have it.
    public var dnsName: String { "\(selector)._domainkey." + ((try? DomainName.ascii(domain)) ?? domain) }

    /// The TXT record's text: the public key as SubjectPublicKeyInfo, base64.
    public var dnsRecord: String { "v=DKIM1; k=rsa; p=" + publicKeyBase64 }

    /// The public key as its record's `p=` carries it.
    public var publicKeyBase64: String { privateKey.publicKey.derRepresentation.base64EncodedString() }
}

/// Signs outgoing mail for the domains that have a key: a `DKIM-Signature` (rsa-sha256,
/// relaxed/relaxed) by the domain of the `From:` address — the one DMARC checks alignment with.
public struct DKIMSigner: Sendable {
    /// The fields signed when present (each once, its last occurrence): what identifies and
    /// describes the message. `From` is always signed.
    public static let signedFields = ["from", "sender", "reply-to", "to", "cc", "subject", "date", "message-id",
                                      "in-reply-to", "references", "mime-version", "content-type",
                                      "content-transfer-encoding"]

    private let keys: [String: DKIMKey]

    public init(keys: [DKIMKey]) {
        var byDomain: [String: DKIMKey] = [:]
        for key in keys { byDomain[(try? DomainName.normalize(key.domain)) ?? key.domain.lowercased()] = key }
        self.keys = byDomain
    }

    public var domains: [String] { keys.keys.sorted() }

    /// `raw` with a `DKIM-Signature` field on top when the `From:` domain has a key; else `raw`.
    public func sign(_ raw: [UInt8], at time: Date) throws -> [UInt8] {
        guard let address = MIMEParser.authors(of: raw).last?.first?.address,
              let at = address.lastIndex(of: "@"),
              let key = keys[(try? DomainName.normalize(String(address[address.index(after: at)...]))) ?? ""]
        else { return raw }
        return try Self.sign(raw, fields: DKIMCanonicalization.fields(of: raw), key: key, time: time)
    }

    static func sign(_ raw: [UInt8], fields: [DKIMCanonicalization.Field], key: DKIMKey, time: Date) throws -> [UInt8] {
        let bodyHash = Data(SHA256.hash(data: DKIMCanonicalization.relaxedBody(DKIMCanonicalization.body(of: raw))))
        var signedNames: [String] = []
        var hashed: [UInt8] = []
        for name in signedFields {
            guard let field = fields.last(where: { $0.name == name }) else { continue }
            signedNames.append(name)
            hashed += DKIMCanonicalization.relaxedHeader(field.bytes)
        }
        // Domains in the signature are ASCII (an internationalized one as its A-label).
        let domain = (try? DomainName.ascii(key.domain)) ?? key.domain
        let tags = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=\(domain); s=\(key.selector); t=\(Int(time.timeIntervalSince1970)); "
            + "h=\(signedNames.joined(separator: ":")); bh=\(bodyHash.base64EncodedString()); b="
        hashed += DKIMCanonicalization.relaxedHeader(ArraySlice(Array("DKIM-Signature: \(tags)".utf8)), lineEnd: false)
        let signature = try key.privateKey.signature(for: hashed, padding: .insecurePKCS1v1_5)
        let field = folded("DKIM-Signature: " + tags, signature: signature.rawRepresentation.base64EncodedString())
        // The new field's line ends follow the message's.
        let crlf = fields.first.map { $0.bytes.contains(UInt8(ascii: "\r")) } ?? true
        return Array((crlf ? field : field.replacingOccurrences(of: "\r\n", with: "\n")).utf8) + raw
    }

    /// The field folded to lines of at most 78 characters: at the tags' spaces, and the
    /// signature in pieces (folding whitespace inside b= is ignored by verifiers).
    static func folded(_ head: String, signature: String) -> String {
        var lines: [String] = []
        var line = ""
        for word in head.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty && line.count + 1 + word.count > 76 {
                lines.append(line)
                line = "\t" + word
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        var rest = Substring(signature)
        while !rest.isEmpty {
            let room = max(8, 76 - line.count)
            line += rest.prefix(room)
            rest = rest.dropFirst(room)
            if !rest.isEmpty {
                lines.append(line)
                line = "\t"
            }
        }
        lines.append(line)
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
