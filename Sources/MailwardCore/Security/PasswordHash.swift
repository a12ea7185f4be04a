import Crypto
import CryptoExtras
import Foundation

/// Account password hashes in the PHC string format, so every stored hash names its algorithm
/// and parameters: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64 without padding).
///
/// Verification accepts every format we ever wrote (and imported SHA-crypt hashes); a hash whose
/// parameters are weaker than the current policy verifies but reports `needsRehash`, so the
/// caller can store a fresh hash right after a successful sign-in (the upgrade path).
public struct ScryptParameters: Sendable, Equatable {
    /// log2(N)
    public var logN: Int
    public var r: Int
    public var p: Int

    public init(logN: Int, r: Int, p: Int) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// DESIGN.md: N=2^15, r=8, p=1 (about 130 ms in release, 32 MiB of memory).
    public static let current = ScryptParameters(logN: 15, r: 8, p: 1)
}

public enum PasswordVerification: Equatable, Sendable {
    case valid(needsRehash: Bool)
    case invalid

    public var isValid: Bool { if case .valid = self { return true } else { return false } }
}

public enum PasswordHash {
    static let saltBytes = 16
    static let hashBytes = 32

    /// Hashes synchronously; call through `PasswordHasher` from async code.
    public static func make(_ password: String, parameters: ScryptParameters = .current,
                            random: any RandomSource = SystemRandomSource()) throws -> String {
        let salt = random.bytes(saltBytes)
        let derived = try scrypt(password, salt: salt, parameters: parameters)
        return "$scrypt$ln=\(parameters.logN),r=\(parameters.r),p=\(parameters.p)$"
            + Base64NoPad.encode(salt) + "$" + Base64NoPad.encode(derived)
    }

    public static func verify(_ password: String, against stored: String,
                              policy: ScryptParameters = .current) -> PasswordVerification {
        if stored.hasPrefix("$scrypt$") { return verifyScrypt(password, stored, policy: policy) }
        if stored.hasPrefix("$5$") || stored.hasPrefix("$6$") {
            // Imported from an older system: valid, but always upgraded to scrypt.
            return SHACrypt.verify(password, hash: stored) ? .valid(needsRehash: true) : .invalid
        }
        return .invalid
    }

    private static func verifyScrypt(_ password: String, _ stored: String,
                                     policy: ScryptParameters) -> PasswordVerification {
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
        // ["", "scrypt", "ln=15,r=8,p=1", salt, hash]
        guard fields.count == 5, let parameters = parseParameters(fields[2]),
              let salt = Base64NoPad.decode(fields[3]), let expected = Base64NoPad.decode(fields[4]),
              !expected.isEmpty,
              let derived = try? scrypt(password, salt: salt, parameters: parameters, length: expected.count)
        else { return .invalid }
        guard ConstantTime.equals(derived, expected) else { return .invalid }
        let weaker = parameters.logN < policy.logN || parameters.r < policy.r || parameters.p < policy.p
        return .valid(needsRehash: weaker)
    }

    static func parseParameters(_ text: Substring) -> ScryptParameters? {
        var values: [String: Int] = [:]
        for pair in text.split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let v = Int(kv[1]) else { return nil }
            values[String(kv[0])] = v
        }
        // Refuse absurd parameters from a tampered row: they would pin a CPU or exhaust memory.
        guard let ln = values["ln"], let r = values["r"], let p = values["p"],
              (1...20).contains(ln), (1...32).contains(r), (1...16).contains(p) else { return nil }
        return ScryptParameters(logN: ln, r: r, p: p)
    }

    static func scrypt(_ password: String, salt: [UInt8], parameters: ScryptParameters,
                       length: Int = hashBytes) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: length,
            rounds: 1 << parameters.logN, blockSize: parameters.r, parallelism: parameters.p,
            maxMemory: 256 * 1024 * 1024)
        return key.withUnsafeBytes { Array($0) }
    }
}

/// Runs the deliberately slow hashing on its own threads, never on an event loop or the
/// cooperative pool, so a burst of sign-ins cannot stall the protocol doors. Answers are
/// remembered in ``PasswordVerdictCache`` (shared by every copy of this hasher), so the same
/// client signing in again — with the right password or a stale one — is not hashed again.
public struct PasswordHasher: Sendable {
    private static let queue = DispatchQueue(label: "mailward.password-hashing", attributes: .concurrent)
    public var parameters: ScryptParameters
    public let recent: PasswordVerdictCache

    /// What a check of a password found.
    public enum Judgement: Sendable, Equatable {
        case right(needsRehash: Bool)
        case wrong
        /// Wrong, and the same password was found wrong for the same subject lately.
        case repeatedWrong
    }

    public init(parameters: ScryptParameters = .current, recent: PasswordVerdictCache = PasswordVerdictCache()) {
        self.parameters = parameters
        self.recent = recent
    }

    public func hash(_ password: String) async throws -> String {
        let parameters = self.parameters
        return try await Self.queue.run { try PasswordHash.make(password, parameters: parameters) }
    }

    /// Checks `password` against `stored`. `subject` names what the answer is remembered for:
    /// the stored hash itself unless given (a name without an account is checked against a
    /// stand-in hash, and its answers are the name's own).
    public func judge(_ password: String, against stored: String, subject: String? = nil) async -> Judgement {
        let subject = subject ?? stored
        switch recent.verdict(password, subject: subject) {
        // Only hashes that need no upgrade are remembered as right.
        case .right?: return .right(needsRehash: false)
        case .wrong?: return .repeatedWrong
        case nil: break
        }
        let parameters = self.parameters
        let result = await Self.queue.run { PasswordHash.verify(password, against: stored, policy: parameters) }
        switch result {
        case .valid(let needsRehash):
            if !needsRehash { recent.remember(.right, password, subject: subject) }
            return .right(needsRehash: needsRehash)
        case .invalid:
            recent.remember(.wrong, password, subject: subject)
            return .wrong
        }
    }

    public func verify(_ password: String, against stored: String) async -> PasswordVerification {
        switch await judge(password, against: stored) {
        case .right(let needsRehash): .valid(needsRehash: needsRehash)
        case .wrong, .repeatedWrong: .invalid
        }
    }
}

/// Standard base64 without `=` padding, as PHC strings use.
enum Base64NoPad {
    static func encode(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        var padded = String(text)
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).map { Array($0) }
    }
}
