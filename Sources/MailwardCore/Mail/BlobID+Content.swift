import Crypto

extension BlobID {
    /// The content address of a body: its SHA-256 in lowercase hex (identical bodies are stored once).
    public static func of(_ bytes: [UInt8]) -> BlobID {
        BlobID(hex: SHA256.hash(data: bytes).lowercaseHex)
    }
}
