import Crypto

extension BlobID {
    /// The content address of a body: its SHA-256 in lowercase hex (identical bodies are stored once).
    public static func of(_ bytes: [UInt8]) -> BlobID {
        BlobID(hex: lowercaseHex(SHA256.hash(data: bytes)))
    }

    /// Lowercase hex without `String(format:)`, which costs a formatter per byte.
    static func lowercaseHex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
