/// A QR code (ISO/IEC 18004, model 2) of some bytes, for the authenticator app's setup (B1): the
/// phone's camera reads the `otpauth:` link off the screen instead of the user typing 32
/// characters. Byte mode, error correction level M (15 %), the smallest version (1–40) that
/// holds the bytes, and of the eight masks the one with the lowest penalty (ISO 18004 §7.8.3).
/// Pure: no I/O, the page draws ``modules`` itself.
struct QRCode: Sendable, Equatable {
    /// The side in modules (21 for version 1, 4 more per version).
    let size: Int
    /// Row-major, true for dark.
    let modules: [Bool]

    subscript(x x: Int, y y: Int) -> Bool { modules[y * size + x] }

    /// Rows as strings of `1` (dark) and `0`, what the JSON API hands the page.
    var rows: [String] {
        (0..<size).map { y in String((0..<size).map { self[x: $0, y: y] ? "1" : "0" }) }
    }

    /// nil when the bytes do not fit version 40 (2 331 bytes at level M).
    init?(bytes: [UInt8]) {
        guard let version = (1...40).first(where: { Self.dataCapacity(version: $0) * 8 >= Self.bitLength(count: bytes.count, version: $0) })
        else { return nil }
        var grid = Grid(version: version)
        grid.drawFunctionPatterns()
        let codewords = Self.interleavedCodewords(Self.dataCodewords(bytes, version: version), version: version)
        grid.drawCodewords(codewords)
        var best = grid
        var bestPenalty = Int.max
        for mask in 0..<8 {
            var candidate = grid
            candidate.apply(mask: mask)
            candidate.drawFormatBits(mask: mask)
            let penalty = candidate.penalty()
            if penalty < bestPenalty {
                best = candidate
                bestPenalty = penalty
            }
        }
        size = best.size
        modules = best.dark
    }

    // MARK: Capacity (level M)

    /// Error correction codewords per block, by version (ISO 18004 Table 9, level M).
    static let eccPerBlock = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28,
                              28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28]
    /// Error correction blocks, by version (level M).
    static let blocks = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25,
                         26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49]

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawDataModules(version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCapacity(version: Int) -> Int {
        rawDataModules(version: version) / 8 - eccPerBlock[version] * blocks[version]
    }

    /// Mode indicator, character count and the bytes.
    static func bitLength(count: Int, version: Int) -> Int {
        let countBits = version <= 9 ? 8 : 16
        guard count < 1 << countBits else { return Int.max }
        return 4 + countBits + 8 * count
    }

    /// The data codewords: byte mode, the count, the bytes, the terminator and the pad bytes.
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version <= 9 ? 8 : 16)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacity = dataCapacity(version: version) * 8
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacity / 8 {
            codewords.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return codewords
    }

    /// The data split into blocks, each followed by its Reed–Solomon codewords, interleaved.
    static func interleavedCodewords(_ data: [UInt8], version: Int) -> [UInt8] {
        let count = blocks[version]
        let eccLength = eccPerBlock[version]
        let raw = rawDataModules(version: version) / 8
        let shortBlocks = count - raw % count
        let shortLength = raw / count
        let divisor = ReedSolomon.divisor(degree: eccLength)
        var split: [[UInt8]] = []
        var offset = 0
        for index in 0..<count {
            let length = shortLength - eccLength + (index < shortBlocks ? 0 : 1)
            var block = Array(data[offset..<offset + length])
            offset += length
            let ecc = ReedSolomon.remainder(block, divisor: divisor)
            if index < shortBlocks { block.append(0) }
            split.append(block + ecc)
        }
        var result: [UInt8] = []
        for position in 0..<split[0].count {
            for (index, block) in split.enumerated() where position != shortLength - eccLength || index >= shortBlocks {
                result.append(block[position])
            }
        }
        return result
    }
}

private struct BitBuffer {
    var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
    }

    var bytes: [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { ($0 << 1) | ($1 ? 1 : 0) }
        }
    }
}

/// Reed–Solomon error correction over GF(2⁸) with the QR code's polynomial x⁸+x⁴+x³+x²+1.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var product = 0
        for bit in stride(from: 7, through: 0, by: -1) {
            product = (product << 1) ^ ((product >> 7) * 0x11D)
            product ^= Int((y >> UInt8(bit)) & 1) * Int(x)
        }
        return UInt8(product)
    }

    /// The generator polynomial's coefficients (highest degree first, its leading 1 left out).
    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                result[index] = multiply(result[index], root)
                if index + 1 < degree { result[index] ^= result[index + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for index in result.indices { result[index] ^= multiply(divisor[index], factor) }
        }
        return result
    }
}

/// The symbol being drawn: dark modules, and which of them belong to function patterns (never
/// masked, never carrying data).
private struct Grid {
    let version: Int
    let size: Int
    var dark: [Bool]
    var function: [Bool]

    init(version: Int) {
        self.version = version
        size = version * 4 + 17
        dark = [Bool](repeating: false, count: size * size)
        function = dark
    }

    mutating func set(_ x: Int, _ y: Int, _ isDark: Bool) {
        dark[y * size + x] = isDark
        function[y * size + x] = true
    }

    mutating func drawFunctionPatterns() {
        for index in 0..<size {
            set(6, index, index % 2 == 0)
            set(index, 6, index % 2 == 0)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(x + dx) && (0..<size).contains(y + dy) {
                    let distance = max(abs(dx), abs(dy))
                    set(x + dx, y + dy, distance != 2 && distance != 4)
                }
            }
        }
        let centres = alignmentCentres()
        for (i, x) in centres.enumerated() {
            for (j, y) in centres.enumerated() {
                // Not over the three finder patterns.
                if (i == 0 && j == 0) || (i == 0 && j == centres.count - 1) || (i == centres.count - 1 && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { set(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        drawFormatBits(mask: 0)  // reserves the modules; drawn for real once the mask is chosen
        if version >= 7 {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for index in 0..<18 {
                let isDark = (bits >> index) & 1 == 1
                let a = size - 11 + index % 3
                let b = index / 3
                set(a, b, isDark)
                set(b, a, isDark)
            }
        }
    }

    func alignmentCentres() -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var result = [6]
        var position = size - 7
        for _ in 0..<(count - 1) {
            result.insert(position, at: 1)
            position -= step
        }
        return result
    }

    /// Level M (`00`) and the mask, BCH-coded, in both copies; and the dark module.
    mutating func drawFormatBits(mask: Int) {
        let data = 0b00 << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { set(8, index, bit(index)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for index in 9..<15 { set(14 - index, 8, bit(index)) }
        for index in 0..<8 { set(size - 1 - index, 8, bit(index)) }
        for index in 8..<15 { set(8, size - 15 + index, bit(index)) }
        set(8, size - 8, true)
    }

    /// Places the codewords' bits in the two-module-wide columns, right to left, up and down.
    mutating func drawCodewords(_ codewords: [UInt8]) {
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for offset in 0..<2 {
                    let x = right - offset
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    guard !function[y * size + x], index < codewords.count * 8 else { continue }
                    dark[y * size + x] = (codewords[index >> 3] >> (7 - UInt8(index & 7))) & 1 == 1
                    index += 1
                }
            }
            right -= 2
        }
    }

    mutating func apply(mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !function[y * size + x] {
                let invert = switch mask {
                case 0: (x + y) % 2 == 0
                case 1: y % 2 == 0
                case 2: x % 3 == 0
                case 3: (x + y) % 3 == 0
                case 4: (x / 3 + y / 2) % 2 == 0
                case 5: x * y % 2 + x * y % 3 == 0
                case 6: (x * y % 2 + x * y % 3) % 2 == 0
                default: ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if invert { dark[y * size + x].toggle() }
            }
        }
    }

    /// ISO 18004 §7.8.3: runs of five or more, 2×2 blocks, finder-like patterns, and the balance
    /// of dark and light.
    func penalty() -> Int {
        var result = 0
        func line(_ at: (Int) -> Bool) -> Int {
            var score = 0
            var run = 1
            for index in 1..<size {
                if at(index) == at(index - 1) {
                    run += 1
                } else {
                    if run >= 5 { score += run - 2 }
                    run = 1
                }
            }
            if run >= 5 { score += run - 2 }
            // 1:1:3:1:1 with four light modules on one side.
            let pattern: [Bool] = [true, false, true, true, true, false, true]
            for start in 0...(size - 7) where (0..<7).allSatisfy({ at(start + $0) == pattern[$0] }) {
                let before = start >= 4 && (start - 4..<start).allSatisfy { !at($0) }
                let after = start + 11 <= size && (start + 7..<start + 11).allSatisfy { !at($0) }
                if before || after { score += 40 }
            }
            return score
        }
        for y in 0..<size { result += line { self.dark[y * size + $0] } }
        for x in 0..<size { result += line { self.dark[$0 * size + x] } }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = dark[y * size + x]
                if dark[y * size + x + 1] == colour && dark[(y + 1) * size + x] == colour && dark[(y + 1) * size + x + 1] == colour {
                    result += 3
                }
            }
        }
        let darkCount = dark.filter { $0 }.count
        let total = size * size
        result += (abs(darkCount * 20 - total * 10) + total - 1) / total * 10 - 10
        return result
    }
}
