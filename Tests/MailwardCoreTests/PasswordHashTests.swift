import Foundation
@testable import MailwardCore
import Testing

@Suite struct PasswordHashTests {
    /// RFC 7914 §12, second vector: scrypt("password", "NaCl", N=1024, r=8, p=16, dkLen=64).
    @Test func rfc7914VectorVerifies() {
        let hash = [0xfd, 0xba, 0xbe, 0x1c, 0x9d, 0x34, 0x72, 0x00, 0x78, 0x56, 0xe7, 0x19, 0x0d, 0x01, 0xe9, 0xfe,
                    0x7c, 0x6a, 0xd7, 0xcb, 0xc8, 0x23, 0x78, 0x30, 0xe7, 0x73, 0x76, 0x63, 0x4b, 0x37, 0x31, 0x62,
                    0x2e, 0xaf, 0x30, 0xd9, 0x2e, 0x22, 0xa3, 0x88, 0x6f, 0xf1, 0x09, 0x27, 0x9d, 0x98, 0x30, 0xda,
                    0xc7, 0x27, 0xaf, 0xb9, 0x4a, 0x83, 0xee, 0x6d, 0x83, 0x60, 0xcb, 0xdf, 0xa2, 0xcc, 0x06, 0x40] as [UInt8]
        let stored = "$scrypt$ln=10,r=8,p=16$" + Base64NoPad.encode(Array("NaCl".utf8)) + "$" + Base64NoPad.encode(hash)
        #expect(PasswordHash.verify("password", against: stored) == .valid(needsRehash: true))
        #expect(PasswordHash.verify("Password", against: stored) == .invalid)
    }

    @Test func hashRoundTripAndFormat() throws {
        let stored = try PasswordHash.make("correct horse battery")
        #expect(stored.hasPrefix("$scrypt$ln=15,r=8,p=1$"))
        #expect(!stored.contains("correct"))
        #expect(PasswordHash.verify("correct horse battery", against: stored) == .valid(needsRehash: false))
        #expect(PasswordHash.verify("correct horse batter", against: stored) == .invalid)
        #expect(PasswordHash.verify("", against: stored) == .invalid)
    }

    @Test func saltsDiffer() throws {
        #expect(try PasswordHash.make("same password") != PasswordHash.make("same password"))
    }

    @Test func weakerParametersAskForUpgrade() throws {
        let old = try PasswordHash.make("upgrade me please", parameters: ScryptParameters(logN: 12, r: 8, p: 1))
        #expect(PasswordHash.verify("upgrade me please", against: old) == .valid(needsRehash: true))
    }

    @Test(arguments: [
        "", "plain", "$scrypt$", "$scrypt$ln=15,r=8,p=1$$", "$scrypt$ln=40,r=8,p=1$c2FsdA$aGFzaA",
        "$scrypt$ln=15,r=8$c2FsdA$aGFzaA", "$scrypt$ln=15,r=8,p=1$!!!$aGFzaA", "$2b$10$abcdefghijklmnopqrstuu",
    ])
    func malformedStoredHashesNeverVerify(_ stored: String) {
        #expect(PasswordHash.verify("anything", against: stored) == .invalid)
    }

    /// Vectors made with `openssl passwd -5/-6 -salt …` (Drepper's SHA-crypt).
    @Test(arguments: [
        "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
        "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
        "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
    ])
    func importedSHACryptHashes(_ stored: String) {
        #expect(PasswordHash.verify("Hello world!", against: stored) == .valid(needsRehash: true))
        #expect(PasswordHash.verify("Hello world?", against: stored) == .invalid)
    }

    @Test func hasherRunsOffTheCallerAndVerifies() async throws {
        let hasher = PasswordHasher()
        let stored = try await hasher.hash("a long passphrase")
        #expect(await hasher.verify("a long passphrase", against: stored).isValid)
        #expect(await !hasher.verify("another passphrase", against: stored).isValid)
    }

    @Test func constantTimeEquals() {
        #expect(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2] as [UInt8], [1, 2, 3] as [UInt8]))
    }
}
