import Crypto

/// Verifies SHA-256-crypt (`$5$`) and SHA-512-crypt (`$6$`) hashes (Ulrich Drepper's
/// "Unix crypt using SHA-256 and SHA-512"), so accounts imported from an older mail system
/// (Dovecot `{SHA512-CRYPT}`, /etc/shadow) keep their passwords until their next sign-in.
enum SHACrypt {
    static func verify(_ password: String, hash: String) -> Bool {
        let fields = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0].isEmpty else { return false }
        let is512: Bool
        switch fields[1] {
        case "5": is512 = false
        case "6": is512 = true
        default: return false
        }
        var rounds = 5000
        var roundsSpecified = false
        var index = 2
        if fields[2].hasPrefix("rounds=") {
            guard let r = Int(fields[2].dropFirst(7)) else { return false }
            rounds = min(max(r, 1000), 999_999_999)
            roundsSpecified = true
            index = 3
        }
        guard fields.count == index + 2 else { return false }
        let salt = Array(fields[index].utf8.prefix(16))
        let computed = is512
            ? crypt(Array(password.utf8), salt, rounds, SHA512.self, order: order512)
            : crypt(Array(password.utf8), salt, rounds, SHA256.self, order: order256)
        var expected = "$\(fields[1])$"
        if roundsSpecified { expected += "rounds=\(rounds)$" }
        expected += String(decoding: salt, as: UTF8.self) + "$" + computed
        return ConstantTime.equals(Array(expected.utf8), Array(hash.utf8))
    }

    private static func digest<H: HashFunction>(_: H.Type, _ parts: [UInt8]...) -> [UInt8] {
        var h = H()
        for p in parts { h.update(data: p) }
        return Array(h.finalize())
    }

    private static func repeated(_ source: [UInt8], count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count { out.append(contentsOf: source.prefix(count - out.count)) }
        return out
    }

    private static func crypt<H: HashFunction>(_ key: [UInt8], _ salt: [UInt8], _ rounds: Int,
                                               _ h: H.Type, order: [(Int, Int, Int)]) -> String {
        let b = digest(h, key, salt, key)
        var a = H()
        a.update(data: key)
        a.update(data: salt)
        a.update(data: repeated(b, count: key.count))
        var length = key.count
        while length > 0 {
            a.update(data: (length & 1) != 0 ? b : key)
            length >>= 1
        }
        var current = Array(a.finalize())
        var dp = H()
        for _ in 0..<key.count { dp.update(data: key) }
        let p = repeated(Array(dp.finalize()), count: key.count)
        var ds = H()
        for _ in 0..<(16 + Int(current[0])) { ds.update(data: salt) }
        let s = repeated(Array(ds.finalize()), count: salt.count)
        for i in 0..<rounds {
            var c = H()
            c.update(data: (i & 1) != 0 ? p : current)
            if i % 3 != 0 { c.update(data: s) }
            if i % 7 != 0 { c.update(data: p) }
            c.update(data: (i & 1) != 0 ? current : p)
            current = Array(c.finalize())
        }
        var out = ""
        for (x, y, z) in order { out += b64(current[x], current[y], current[z], 4) }
        if current.count == 64 {
            out += b64(0, 0, current[63], 2)
        } else {
            out += b64(0, current[31], current[30], 3)
        }
        return out
    }

    private static let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    private static func b64(_ b2: UInt8, _ b1: UInt8, _ b0: UInt8, _ n: Int) -> String {
        var w = UInt32(b2) << 16 | UInt32(b1) << 8 | UInt32(b0)
        var s = ""
        for _ in 0..<n {
            s.append(alphabet[Int(w & 0x3F)])
            w >>= 6
        }
        return s
    }

    private static let order256: [(Int, Int, Int)] = [
        (0, 10, 20), (21, 1, 11), (12, 22, 2), (3, 13, 23), (24, 4, 14),
        (15, 25, 5), (6, 16, 26), (27, 7, 17), (18, 28, 8), (9, 19, 29),
    ]
    private static let order512: [(Int, Int, Int)] = [
        (0, 21, 42), (22, 43, 1), (44, 2, 23), (3, 24, 45), (25, 46, 4), (47, 5, 26), (6, 27, 48),
        (28, 49, 7), (50, 8, 29), (9, 30, 51), (31, 52, 10), (53, 11, 32), (12, 33, 54),
        (34, 55, 13), (56, 14, 35), (15, 36, 57), (37, 58, 16), (59, 17, 38), (18, 39, 60),
        (40, 61, 19), (62, 20, 41),
    ]
}
