import Crypto
import CryptoExtras
import Foundation
import MailwardMIME

/// The result of one DKIM signature's verification (RFC 6376 §6.1, RFC 8601 §2.7.1).
public struct DKIMOutcome: Sendable, Equatable {
    public enum Result: String, Sendable, Equatable {
        case pass, fail, neutral, temperror, permerror
    }

    public var result: Result
    /// The signing domain (`d=`), lowercased.
    public var domain: String
    public var selector: String
    /// The first characters of the signature (`header.b`), to tell signatures apart.
    public var signaturePrefix: String
    public var reason: String
}

/// Verifies the `DKIM-Signature` fields of a message (RFC 6376 §6): rsa-sha256 (RSA keys of
/// 1024 bits or more) and ed25519-sha256 (RFC 8463); rsa-sha1 is not accepted (RFC 8301).
/// Keys come from `<selector>._domainkey.<domain>` TXT records.
struct DKIMVerifier: Sendable {
    let dns: AuthenticationDNS
    /// At most this many signatures of one message are verified (a message can carry hundreds).
    var maxSignatures = 5

    func verify(_ raw: [UInt8], now: Date) async -> [DKIMOutcome] {
        let fields = DKIMCanonicalization.fields(of: raw)
        var outcomes: [DKIMOutcome] = []
        for field in fields where field.name == "dkim-signature" {
            guard outcomes.count < maxSignatures else { break }
            outcomes.append(await verify(field, fields: fields, raw: raw, now: now))
        }
        return outcomes
    }

    private func verify(_ field: DKIMCanonicalization.Field, fields: [DKIMCanonicalization.Field], raw: [UInt8], now: Date) async -> DKIMOutcome {
        let value = String(decoding: field.bytes.drop { $0 != UInt8(ascii: ":") }.dropFirst(), as: UTF8.self)
        let tags = DKIMTagList.parse(value) ?? [:]
        let domain = (tags["d"] ?? "").lowercased()
        let selector = tags["s"] ?? ""
        let signature = DKIMTagList.compact(tags["b"] ?? "")
        var outcome = DKIMOutcome(result: .permerror, domain: domain, selector: selector,
                                  signaturePrefix: String(signature.prefix(8)), reason: "")
        func finish(_ result: DKIMOutcome.Result, _ reason: String) -> DKIMOutcome {
            outcome.result = result
            outcome.reason = reason
            return outcome
        }
        let parsed: Signature
        do {
            parsed = try Signature(tags, now: now)
        } catch {
            return finish(error.result, error.reason)
        }

        // The key (§3.6.2): the first TXT record that reads as one.
        let records: [String]
        do {
            records = try await dns.txt("\(parsed.selector)._domainkey.\(parsed.domain)")
        } catch {
            return finish(.temperror, "\(error)")
        }
        guard let key = records.lazy.compactMap(KeyRecord.init).first else {
            return finish(.permerror, "no key for \(parsed.selector)._domainkey.\(parsed.domain)")
        }
        if key.publicKey.isEmpty { return finish(.permerror, "key revoked") }
        if key.keyType != parsed.keyType { return finish(.permerror, "key type \(key.keyType) does not match \(parsed.algorithm)") }
        if let hashes = key.hashes, !hashes.contains("sha256") { return finish(.permerror, "key does not allow sha256") }
        if key.strictIdentity, parsed.identityDomain != parsed.domain {
            return finish(.permerror, "key allows no subdomain in i=")
        }
        guard key.services.contains("*") || key.services.contains("email") else { return finish(.permerror, "key is not for email") }

        // Body hash (§3.7).
        var body = parsed.relaxedBody
            ? DKIMCanonicalization.relaxedBody(DKIMCanonicalization.body(of: raw))
            : Self.simpleBody(DKIMCanonicalization.body(of: raw))
        if let length = parsed.bodyLength {
            guard length <= body.count else { return finish(.permerror, "l= is longer than the body") }
            body = Array(body.prefix(length))
        }
        guard Data(SHA256.hash(data: body)).base64EncodedString() == parsed.bodyHash else {
            return finish(.fail, "body hash did not verify")
        }

        // Header hash: each h= name takes the lowest unused field of that name (§5.4.2).
        var used = Set<Int>()
        var hashed: [UInt8] = []
        for name in parsed.signedFields {
            guard let index = fields.indices.last(where: { fields[$0].name == name && !used.contains($0) }) else { continue }
            used.insert(index)
            hashed += parsed.relaxedHeaders ? DKIMCanonicalization.relaxedHeader(fields[index].bytes) : Self.simpleHeader(fields[index].bytes)
        }
        let own = Self.withoutSignatureValue(field.bytes)
        if parsed.relaxedHeaders {
            hashed += DKIMCanonicalization.relaxedHeader(ArraySlice(own), lineEnd: false)
        } else {
            var simple = Self.simpleHeader(ArraySlice(own))
            if simple.suffix(2) == [13, 10] { simple.removeLast(2) }
            hashed += simple
        }
        guard let signatureBytes = Data(base64Encoded: parsed.signature) else { return finish(.permerror, "b= is not base64") }
        switch parsed.keyType {
        case "rsa":
            guard let publicKey = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: key.publicKey) else {
                return finish(.permerror, "unusable RSA key (under 1024 bits or not a key)")
            }
            let valid = publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signatureBytes), for: hashed,
                                                   padding: .insecurePKCS1v1_5)
            return valid ? finish(.pass, "good signature") : finish(.fail, "signature did not verify")
        default:
            guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key.publicKey) else {
                return finish(.permerror, "unusable Ed25519 key")
            }
            let valid = publicKey.isValidSignature(signatureBytes, for: Data(SHA256.hash(data: hashed)))
            return valid ? finish(.pass, "good signature") : finish(.fail, "signature did not verify")
        }
    }

    /// Why a signature cannot be verified, and what that makes its result.
    struct Invalid: Error {
        var result: DKIMOutcome.Result = .permerror
        var reason: String
    }

    /// A `DKIM-Signature` field's tags, checked (§3.5, §6.1.1).
    struct Signature {
        var algorithm: String
        var keyType: String
        var signature: String
        var bodyHash: String
        var relaxedHeaders: Bool
        var relaxedBody: Bool
        var domain: String
        var selector: String
        var signedFields: [String]
        var identityDomain: String
        var bodyLength: Int?

        init(_ tags: [String: String], now: Date) throws(Invalid) {
            guard !tags.isEmpty else { throw Invalid(reason: "unreadable tag list") }
            for required in ["v", "a", "b", "bh", "d", "h", "s"] where tags[required] == nil {
                throw Invalid(reason: "no \(required)= tag")
            }
            guard tags["v"] == "1" else { throw Invalid(reason: "unknown version v=\(tags["v"] ?? "")") }
            algorithm = tags["a"]!.lowercased()
            switch algorithm {
            case "rsa-sha256": keyType = "rsa"
            case "ed25519-sha256": keyType = "ed25519"
            case "rsa-sha1": throw Invalid(reason: "rsa-sha1 is not accepted (RFC 8301)")
            default: throw Invalid(reason: "unknown algorithm \(algorithm)")
            }
            signature = DKIMTagList.compact(tags["b"]!)
            bodyHash = DKIMTagList.compact(tags["bh"]!)
            let canonicalization = (tags["c"] ?? "simple/simple").lowercased().split(separator: "/", omittingEmptySubsequences: false)
            guard (1...2).contains(canonicalization.count),
                  canonicalization.allSatisfy({ $0 == "simple" || $0 == "relaxed" }) else { throw Invalid(reason: "unknown c=") }
            relaxedHeaders = canonicalization[0] == "relaxed"
            relaxedBody = canonicalization.count == 2 && canonicalization[1] == "relaxed"
            domain = tags["d"]!.lowercased()
            selector = tags["s"]!
            guard !domain.isEmpty, !selector.isEmpty, !domain.contains(" "), !selector.contains(" ") else {
                throw Invalid(reason: "bad d= or s=")
            }
            signedFields = tags["h"]!.split(separator: ":").map { String($0.trimmingFWS).lowercased() }
            guard signedFields.contains("from") else { throw Invalid(reason: "From is not signed") }
            if let query = tags["q"], !query.split(separator: ":").contains(where: { $0.trimmingFWS.lowercased() == "dns/txt" }) {
                throw Invalid(reason: "unknown q=")
            }
            identityDomain = domain
            if let identity = tags["i"] {
                guard let at = identity.lastIndex(of: "@") else { throw Invalid(reason: "bad i=") }
                identityDomain = identity[identity.index(after: at)...].lowercased()
                guard identityDomain == domain || identityDomain.hasSuffix("." + domain) else {
                    throw Invalid(reason: "i= is not in d=")
                }
            }
            if let length = tags["l"] {
                guard let value = Int(length), value >= 0 else { throw Invalid(reason: "bad l=") }
                bodyLength = value
            }
            if let expiry = tags["x"] {
                guard let seconds = Double(expiry) else { throw Invalid(reason: "bad x=") }
                if let signed = tags["t"].flatMap(Double.init), seconds < signed { throw Invalid(reason: "x= before t=") }
                if Date(timeIntervalSince1970: seconds) < now { throw Invalid(result: .fail, reason: "signature expired") }
            }
        }
    }

    /// A key record's tags (§3.6.1).
    struct KeyRecord {
        var keyType: String
        var publicKey: [UInt8]
        var hashes: [String]?
        var strictIdentity: Bool
        var services: [String]

        init?(_ text: String) {
            guard let tags = DKIMTagList.parse(text), let p = tags["p"] else { return nil }
            if let version = tags["v"], version != "DKIM1" { return nil }
            let compact = DKIMTagList.compact(p)
            guard compact.isEmpty || Data(base64Encoded: compact) != nil else { return nil }
            publicKey = compact.isEmpty ? [] : Array(Data(base64Encoded: compact)!)
            keyType = (tags["k"] ?? "rsa").lowercased()
            hashes = tags["h"].map { $0.split(separator: ":").map { String($0.trimmingFWS).lowercased() } }
            let flags = (tags["t"] ?? "").split(separator: ":").map { String($0.trimmingFWS) }
            strictIdentity = flags.contains("s")
            services = (tags["s"] ?? "*").split(separator: ":").map { String($0.trimmingFWS).lowercased() }
        }
    }

    /// "simple" header canonicalization: the field unchanged, bare LF line ends as CRLF.
    static func simpleHeader(_ field: ArraySlice<UInt8>) -> [UInt8] {
        crlf(field)
    }

    /// "simple" body canonicalization: empty lines at the end removed, a CRLF at the end (§3.4.3).
    static func simpleBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out = crlf(body)
        while out.count >= 2, out.suffix(2) == [13, 10] {
            out.removeLast(2)
        }
        // `out` ended in text, or was nothing but line ends: one CRLF either way.
        out += [13, 10]
        return out
    }

    private static func crlf(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 10, previous != 13 { out.append(13) }
            out.append(byte)
            previous = byte
        }
        return out
    }

    /// The signature field with the value of its `b=` tag removed, everything else as it was
    /// (§3.7: the field is hashed with an empty b=).
    static func withoutSignatureValue(_ field: ArraySlice<UInt8>) -> [UInt8] {
        guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { return Array(field) }
        var out = Array(field[...colon])
        var specStart = colon + 1
        while specStart <= field.endIndex {
            let specEnd = field[specStart...].firstIndex(of: UInt8(ascii: ";")) ?? field.endIndex
            let spec = field[specStart..<specEnd]
            if let equals = spec.firstIndex(of: UInt8(ascii: "=")),
               spec[..<equals].filter({ ![32, 9, 13, 10].contains($0) }) == [UInt8(ascii: "b")] {
                out += field[specStart...equals]
                // The value goes; whitespace after it (up to ";" or the field's end) stays, as
                // other verifiers read it.
                if let last = spec[(equals + 1)...].lastIndex(where: { ![32, 9, 13, 10].contains($0) }) {
                    out += spec[(last + 1)...]
                } else {
                    out += spec[(equals + 1)...]
                }
            } else {
                out += spec
            }
            if specEnd == field.endIndex { break }
            out.append(UInt8(ascii: ";"))
            specStart = specEnd + 1
        }
        return out
    }
}
