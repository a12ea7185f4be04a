import Crypto
import Foundation
import MailwardCore

/// A FIDO2 authenticator in software for the tests: makes ES256 credentials and signs as a
/// security key does (attestation `none`), so the relying party's checks meet real signatures.
final class SoftwareSecurityKey: @unchecked Sendable {
    let privateKey = P256.Signing.PrivateKey()
    let credentialID: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }
    var signCount: UInt32 = 0

    /// `navigator.credentials.create`: the attestation object and client data for `challenge`.
    func register(challenge: [UInt8], rpID: String, origin: String) -> (attestationObject: [UInt8], clientDataJSON: [UInt8]) {
        let clientData = Self.clientData(type: "webauthn.create", challenge: challenge, origin: origin)
        let raw = Array(privateKey.publicKey.x963Representation)
        let coseKey = CBORWriter.map([
            (.int(1), .int(2)), (.int(3), .int(-7)), (.int(-1), .int(1)),
            (.int(-2), .bytes(Array(raw[1..<33]))), (.int(-3), .bytes(Array(raw[33..<65]))),
        ])
        var authData = Array(SHA256.hash(data: Data(rpID.utf8)))
        authData.append(0x41)  // user present, attested credential data
        authData += Self.counter(signCount)
        authData += [UInt8](repeating: 0, count: 16)  // AAGUID
        authData += [UInt8(credentialID.count >> 8), UInt8(credentialID.count & 0xFF)] + credentialID + coseKey
        let attestation = CBORWriter.map([
            (.text("fmt"), .text("none")), (.text("attStmt"), .raw(CBORWriter.map([]))), (.text("authData"), .bytes(authData)),
        ])
        return (attestation, clientData)
    }

    /// `navigator.credentials.get`: authenticator data, client data and signature.
    func sign(challenge: [UInt8], rpID: String, origin: String, type: String = "webauthn.get",
              userPresent: Bool = true) -> SecurityKeyAssertion {
        signCount += 1
        let clientData = Self.clientData(type: type, challenge: challenge, origin: origin)
        let authData = Array(SHA256.hash(data: Data(rpID.utf8))) + [userPresent ? 0x01 : 0x00] + Self.counter(signCount)
        let signature = try! privateKey.signature(for: authData + Array(SHA256.hash(data: clientData)))
        return SecurityKeyAssertion(credentialID: credentialID, clientDataJSON: clientData, authenticatorData: authData,
                                    signature: Array(signature.derRepresentation))
    }

    static func clientData(type: String, challenge: [UInt8], origin: String) -> [UInt8] {
        Array(#"{"type":"\#(type)","challenge":"\#(Base64URL.encode(challenge))","origin":"\#(origin)","crossOrigin":false}"#.utf8)
    }

    static func counter(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

/// Just enough CBOR encoding for the software key.
enum CBORWriter {
    enum Value {
        case int(Int)
        case bytes([UInt8])
        case text(String)
        case raw([UInt8])
    }

    static func head(_ major: UInt8, _ value: UInt64) -> [UInt8] {
        switch value {
        case 0..<24: return [major << 5 | UInt8(value)]
        case 24..<256: return [major << 5 | 24, UInt8(value)]
        default: return [major << 5 | 25, UInt8(value >> 8), UInt8(value & 0xFF)]
        }
    }

    static func encode(_ value: Value) -> [UInt8] {
        switch value {
        case .int(let n): return n >= 0 ? head(0, UInt64(n)) : head(1, UInt64(-1 - n))
        case .bytes(let b): return head(2, UInt64(b.count)) + b
        case .text(let t): return head(3, UInt64(t.utf8.count)) + Array(t.utf8)
        case .raw(let r): return r
        }
    }

    static func map(_ pairs: [(Value, Value)]) -> [UInt8] {
        head(5, UInt64(pairs.count)) + pairs.flatMap { encode($0.0) + encode($0.1) }
    }
}
