/// The part of CBOR (RFC 8949) that WebAuthn's attestation objects and COSE keys use: unsigned
/// and negative integers, byte and text strings, arrays, maps and the simple values. Decoding is
/// bounded (nesting, lengths within the input), as the input comes from a browser.
public indirect enum CBOR: Sendable, Equatable, Hashable {
    case unsigned(UInt64)
    case negative(UInt64)  // the value is -1 - n
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([CBOR: CBOR])
    case bool(Bool)
    case null

    public struct DecodingError: Error, Equatable {
        public let reason: String
    }

    /// Decodes one item that must fill `bytes` exactly.
    public static func decode(_ bytes: [UInt8]) throws -> CBOR {
        var reader = Reader(bytes: bytes)
        let item = try reader.item(depth: 0)
        guard reader.offset == bytes.count else { throw DecodingError(reason: "bytes after the item") }
        return item
    }

    /// Decodes one item at the start of `bytes`; returns it and how many bytes it took (an
    /// attested credential's public key is followed by extensions).
    public static func decodePrefix(_ bytes: ArraySlice<UInt8>) throws -> (CBOR, Int) {
        var reader = Reader(bytes: Array(bytes))
        let item = try reader.item(depth: 0)
        return (item, reader.offset)
    }

    public subscript(key: Int) -> CBOR? {
        guard case .map(let map) = self else { return nil }
        return map[key >= 0 ? .unsigned(UInt64(key)) : .negative(UInt64(-1 - key))]
    }

    public subscript(key: String) -> CBOR? {
        guard case .map(let map) = self else { return nil }
        return map[.text(key)]
    }

    public var integer: Int? {
        switch self {
        case .unsigned(let n) where n <= UInt64(Int.max): Int(n)
        case .negative(let n) where n < UInt64(Int.max): -1 - Int(n)
        default: nil
        }
    }

    public var byteString: [UInt8]? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    public var textString: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        static let maximumDepth = 16

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw DecodingError(reason: "truncated") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func take(_ count: UInt64) throws -> [UInt8] {
            guard count <= UInt64(bytes.count - offset) else { throw DecodingError(reason: "a length past the end") }
            defer { offset += Int(count) }
            return Array(bytes[offset..<offset + Int(count)])
        }

        mutating func argument(_ info: UInt8) throws -> UInt64 {
            switch info {
            case 0..<24: return UInt64(info)
            case 24...27:
                var value: UInt64 = 0
                for _ in 0..<(1 << (info - 24)) { value = value << 8 | UInt64(try byte()) }
                return value
            default: throw DecodingError(reason: "indefinite lengths and reserved values are not used here")
            }
        }

        mutating func item(depth: Int) throws -> CBOR {
            guard depth < Self.maximumDepth else { throw DecodingError(reason: "nested too deeply") }
            let initial = try byte()
            let major = initial >> 5
            let info = initial & 0x1F
            switch major {
            case 0: return .unsigned(try argument(info))
            case 1: return .negative(try argument(info))
            case 2: return .bytes(try take(try argument(info)))
            case 3:
                guard let text = String(validating: try take(try argument(info)), as: UTF8.self) else {
                    throw DecodingError(reason: "text that is not UTF-8")
                }
                return .text(text)
            case 4:
                let count = try argument(info)
                // Every item takes at least a byte: a count beyond what is left is a lie.
                guard count <= UInt64(bytes.count - offset) else { throw DecodingError(reason: "an array past the end") }
                return .array(try (0..<count).map { _ in try item(depth: depth + 1) })
            case 5:
                let count = try argument(info)
                guard count <= UInt64(bytes.count - offset) / 2 else { throw DecodingError(reason: "a map past the end") }
                var map: [CBOR: CBOR] = [:]
                for _ in 0..<count {
                    let key = try item(depth: depth + 1)
                    guard map[key] == nil else { throw DecodingError(reason: "a key twice") }
                    map[key] = try item(depth: depth + 1)
                }
                return .map(map)
            case 7:
                switch info {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22: return .null
                default: throw DecodingError(reason: "floats and other simple values are not used here")
                }
            default:
                throw DecodingError(reason: "tags are not used here")
            }
        }
    }
}
