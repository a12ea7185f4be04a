import Foundation
import MailwardCore
import ProtocolFuzzing
import Testing

/// B1's parsers of hostile input, fuzzed: the security key's answers mutated (bit flips, cuts,
/// splices, CBOR and JSON tokens) are never accepted unless unchanged, and never crash; CBOR
/// decoding of mutated attestation objects stays within its input.
@Suite struct SecurityKeyFuzzTests {
    let party = WebAuthn.RelyingParty(id: "mail.example.edu.cn", origin: "https://mail.example.edu.cn")
    static let tokens = ["\"type\"", "\"challenge\"", "\"origin\"", "webauthn.get", "webauthn.create", "\"crossOrigin\":true",
                         "https://mail.example.edu.cn", "fmt", "none", "authData", "attStmt", "\u{A5}", "\u{58}\u{20}", "\u{5A}\u{FF}\u{FF}\u{FF}\u{FF}"]

    @Test func mutatedAssertionsAreRefused() throws {
        let key = SoftwareSecurityKey()
        let challenge = Array(repeating: UInt8(3), count: 32)
        let made = key.register(challenge: challenge, rpID: party.id, origin: party.origin)
        let publicKey = try WebAuthn.verifyRegistration(attestationObject: made.attestationObject, clientDataJSON: made.clientDataJSON,
                                                        challenge: challenge, party: party).publicKey
        let answer = key.sign(challenge: challenge, rpID: party.id, origin: party.origin)
        var mutator = ProtocolMutator(seed: 61, interesting: [0x00, 0x01, 0x22, 0x7B, 0x7D, 0x3A, 0xFF, 0x41, 0x58, 0xA5],
                                      tokens: Self.tokens)
        let corpus = [answer.authenticatorData, answer.clientDataJSON, answer.signature]
        var accepted = 0
        var unchangedRounds = 0
        for round in 0..<6_000 {
            var authData = answer.authenticatorData, clientData = answer.clientDataJSON, signature = answer.signature
            switch round % 3 {
            case 0: authData = mutator.mutate(authData, corpus: corpus)
            case 1: clientData = mutator.mutate(clientData, corpus: corpus)
            default: signature = mutator.mutate(signature, corpus: corpus)
            }
            let unchanged = authData == answer.authenticatorData && clientData == answer.clientDataJSON && signature == answer.signature
            if unchanged { unchangedRounds += 1 }
            if (try? WebAuthn.verifyAssertion(authenticatorData: authData, clientDataJSON: clientData, signature: signature,
                                              publicKey: publicKey, challenge: challenge, party: party)) != nil {
                accepted += 1
                // The signature covers the authenticator data and the client data's hash.
                #expect(unchanged, "round \(round) accepted a changed answer")
            }
        }
        #expect(accepted == unchangedRounds, "an unchanged answer (mutations that cancel out) still verifies")
    }

    @Test func mutatedRegistrationsAreRefusedOrUnchanged() throws {
        let key = SoftwareSecurityKey()
        let challenge = Array(repeating: UInt8(4), count: 32)
        let made = key.register(challenge: challenge, rpID: party.id, origin: party.origin)
        let original = try WebAuthn.verifyRegistration(attestationObject: made.attestationObject, clientDataJSON: made.clientDataJSON,
                                                       challenge: challenge, party: party)
        var mutator = ProtocolMutator(seed: 62, interesting: [0x00, 0x18, 0x19, 0x1B, 0x5B, 0x9B, 0xBB, 0xBF, 0xF6, 0xFF],
                                      tokens: Self.tokens)
        for round in 0..<6_000 {
            let object = round % 2 == 0 ? mutator.mutate(made.attestationObject, corpus: [made.attestationObject]) : made.attestationObject
            let clientData = round % 2 == 1 ? mutator.mutate(made.clientDataJSON, corpus: [made.clientDataJSON]) : made.clientDataJSON
            _ = try? CBOR.decode(object)
            guard let credential = try? WebAuthn.verifyRegistration(attestationObject: object, clientDataJSON: clientData,
                                                                    challenge: challenge, party: party) else { continue }
            // Registration has no signature (attestation none): what passes must still be a
            // well-formed credential for this site and challenge, with a real P-256 key.
            #expect(credential.publicKey.count == 65 && credential.publicKey.first == 0x04, "round \(round)")
            #expect(!credential.credentialID.isEmpty)
            if object == made.attestationObject { #expect(credential == original) }
        }
    }
}
