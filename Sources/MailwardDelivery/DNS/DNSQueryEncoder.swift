/// Encodes a standard recursive query with one question (RFC 1035 §4.1). Pure.
public enum DNSQueryEncoder {
    /// `name` is a host or domain name (a trailing dot is allowed); each label 1...63 bytes,
    /// the whole name at most 253 characters.
    public static func encode(id: UInt16, name: String, type: DNSRecordType) throws(DNSMessageError) -> [UInt8] {
        var bytes: [UInt8] = [
            UInt8(id >> 8), UInt8(id & 0xFF),
            0x01, 0x00,  // QR=0, OPCODE=0, RD=1
            0x00, 0x01,  // QDCOUNT
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // AN, NS, AR
        ]
        bytes += try encodeName(name)
        bytes += [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xFF), 0x00, 0x01]  // QCLASS IN
        return bytes
    }

    static func encodeName(_ name: String) throws(DNSMessageError) -> [UInt8] {
        var trimmed = Substring(name)
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        guard !trimmed.isEmpty, trimmed.utf8.count <= 253 else { throw DNSMessageError("bad name length") }
        var bytes: [UInt8] = []
        for label in trimmed.split(separator: ".", omittingEmptySubsequences: false) {
            let utf8 = Array(label.utf8)
            guard (1...63).contains(utf8.count),
                  utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ".") }) else {
                throw DNSMessageError("bad label in name")
            }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes.append(0)
        return bytes
    }
}
