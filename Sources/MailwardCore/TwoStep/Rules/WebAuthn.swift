import Crypto
import Foundation

/// The relying party's checks of WebAuthn (W3C Web Authentication, level 2) for security keys as
/// a second factor (B1): registration (§7.1) and authentication (§7.2), with ES256 (P-256) keys —
/// what every FIDO2 security key, Windows Hello, Touch ID and Android offer — and attestation
/// `none` (the key's make is not checked: any key the user owns is welcome). Pure: the caller
/// supplies the challenge it issued and the origin and RP ID the browser used.
public enum WebAuthn {
    public struct Refusal: Error, Equatable, Sendable {
        public let reason: String

        public init(reason: String) {
            self.reason = reason
        }
    }

    /// Where the ceremony happens: the page's origin (`https://mail.example.edu.cn`) and the RP ID
    /// (its host name) credentials are scoped to.
    public struct RelyingParty: Sendable, Equatable {
        public let id: String
        public let origin: String

        public init(id: String, origin: String) {
            self.id = id
            self.origin = origin
        }
    }

    public struct NewCredential: Sendable, Equatable {
        public let credentialID: [UInt8]
        /// The P-256 public key, uncompressed (X9.63: `04 ‖ x ‖ y`).
        public let publicKey: [UInt8]
        public let signCount: UInt32
    }

    /// COSE algorithm ES256 (ECDSA over P-256 with SHA-256), the only one asked for.
    public static let es256 = -7

    /// §7.1 steps 5–21 without attestation trust: the client data says `webauthn.create` for our
    /// challenge and origin, the authenticator data is for our RP ID with the user present, and
    /// carries an ES256 credential.
    public static func verifyRegistration(attestationObject: [UInt8], clientDataJSON: [UInt8], challenge: [UInt8],
                                          party: RelyingParty) throws -> NewCredential {
        try checkClientData(clientDataJSON, type: "webauthn.create", challenge: challenge, origin: party.origin)
        let attestation: CBOR
        do { attestation = try CBOR.decode(attestationObject) } catch { throw Refusal(reason: "the attestation object is not CBOR") }
        guard let authData = attestation["authData"]?.byteString else { throw Refusal(reason: "no authenticator data") }
        let data = try AuthenticatorData(authData)
        try data.check(rpID: party.id)
        guard let attested = data.attested else { throw Refusal(reason: "no credential in the authenticator data") }
        return NewCredential(credentialID: attested.credentialID, publicKey: try publicKey(fromCOSE: attested.publicKey),
                             signCount: data.signCount)
    }

    /// §7.2 steps 11–21: the client data says `webauthn.get` for our challenge and origin, the
    /// authenticator data is for the RP ID the credential was made for with the user present, and
    /// the signature over it and the client data's hash is the credential's. Returns the new
    /// signature counter.
    public static func verifyAssertion(authenticatorData: [UInt8], clientDataJSON: [UInt8], signature: [UInt8],
                                       publicKey: [UInt8], challenge: [UInt8], party: RelyingParty) throws -> UInt32 {
        try checkClientData(clientDataJSON, type: "webauthn.get", challenge: challenge, origin: party.origin)
        let data = try AuthenticatorData(authenticatorData)
        try data.check(rpID: party.id)
        guard let key = try? P256.Signing.PublicKey(x963Representation: publicKey),
              let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: signature) else {
            throw Refusal(reason: "an unreadable key or signature")
        }
        let signed = authenticatorData + Array(SHA256.hash(data: clientDataJSON))
        guard key.isValidSignature(ecdsa, for: signed) else { throw Refusal(reason: "the signature does not verify") }
        return data.signCount
    }

    static func checkClientData(_ json: [UInt8], type: String, challenge: [UInt8], origin: String) throws {
        guard json.count <= 8_192,
              let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            throw Refusal(reason: "the client data is not JSON")
        }
        guard object["type"] as? String == type else { throw Refusal(reason: "the client data is not for \(type)") }
        guard let sent = object["challenge"] as? String, let decoded = Base64URL.decode(sent),
              ConstantTime.equals(decoded, challenge) else { throw Refusal(reason: "not our challenge") }
        guard object["origin"] as? String == origin else { throw Refusal(reason: "another origin") }
        guard object["crossOrigin"] as? Bool != true else { throw Refusal(reason: "made in a cross-origin frame") }
    }

    /// The P-256 key of an EC2/ES256 COSE key, uncompressed.
    static func publicKey(fromCOSE key: CBOR) throws -> [UInt8] {
        guard key[1]?.integer == 2, key[3]?.integer == es256, key[-1]?.integer == 1,
              let x = key[-2]?.byteString, let y = key[-3]?.byteString, x.count == 32, y.count == 32 else {
            throw Refusal(reason: "not an ES256 key")
        }
        let raw = [0x04] + x + y
        guard (try? P256.Signing.PublicKey(x963Representation: raw)) != nil else { throw Refusal(reason: "not a point on P-256") }
        return raw
    }

    /// The authenticator data (§6.1): RP ID hash, flags, counter, and when made, the credential.
    struct AuthenticatorData {
        let rpIDHash: [UInt8]
        let flags: UInt8
        let signCount: UInt32
        let attested: (credentialID: [UInt8], publicKey: CBOR)?

        init(_ bytes: [UInt8]) throws {
            guard bytes.count >= 37, bytes.count <= 4_096 else { throw Refusal(reason: "authenticator data of a wrong size") }
            rpIDHash = Array(bytes[0..<32])
            flags = bytes[32]
            signCount = bytes[33..<37].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard flags & 0x40 != 0 else {
                attested = nil
                return
            }
            // AAGUID (16 bytes), the credential id's length (2) and id, then its COSE key.
            guard bytes.count >= 55 else { throw Refusal(reason: "truncated credential data") }
            let length = Int(bytes[53]) << 8 | Int(bytes[54])
            guard length >= 16, length <= 1_023, bytes.count >= 55 + length + 1 else { throw Refusal(reason: "a wrong credential id length") }
            let credentialID = Array(bytes[55..<55 + length])
            do {
                let (key, _) = try CBOR.decodePrefix(bytes[(55 + length)...])
                attested = (credentialID, key)
            } catch {
                throw Refusal(reason: "an unreadable credential public key")
            }
        }

        func check(rpID: String) throws {
            guard ConstantTime.equals(rpIDHash, Array(SHA256.hash(data: Data(rpID.utf8)))) else {
                throw Refusal(reason: "made for another site")
            }
            guard flags & 0x01 != 0 else { throw Refusal(reason: "the user was not present") }
        }
    }
}
