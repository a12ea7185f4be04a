/// Decodes DNS responses (RFC 1035 §4.1) defensively: every read is bounds-checked, names
/// are at most 255 bytes, and compression pointers must point strictly before the run of labels
/// that holds them, so a pointer loop cannot exist; the number of jumps is capped too.
/// Only the header, the first question and the answer section are read. Pure.
public enum DNSMessageParser {
    static let maximumNameLength = 255
    static let maximumPointerJumps = 32
    static let maximumAnswers = 256

    public static func parse(_ bytes: [UInt8]) throws(DNSMessageError) -> DNSResponse {
        var reader = Reader(bytes: bytes)
        let id = try reader.u16()
        let flags = try reader.u16()
        let questionCount = try reader.u16()
        let answerCount = try reader.u16()
        _ = try reader.u16()
        _ = try reader.u16()
        var questionName: String?
        var questionType: UInt16?
        for index in 0..<Int(questionCount) {
            let name = try readName(bytes, &reader.offset)
            let type = try reader.u16()
            _ = try reader.u16()
            if index == 0 {
                questionName = name
                questionType = type
            }
        }
        guard answerCount <= maximumAnswers else { throw DNSMessageError("too many answers") }
        var answers: [DNSResourceRecord] = []
        for _ in 0..<Int(answerCount) {
            let name = try readName(bytes, &reader.offset)
            let type = try reader.u16()
            let recordClass = try reader.u16()
            let ttl = try reader.u32()
            let length = Int(try reader.u16())
            let start = reader.offset
            guard start + length <= bytes.count else { throw DNSMessageError("record data past the end") }
            reader.offset += length
            guard recordClass == 1 else { continue }
            let data = try decodeData(type: type, bytes: bytes, start: start, length: length)
            answers.append(DNSResourceRecord(name: name, type: type, ttl: ttl, data: data))
        }
        return DNSResponse(id: id, isResponse: flags & 0x8000 != 0, isTruncated: flags & 0x0200 != 0,
                           responseCode: UInt8(flags & 0x000F), questionName: questionName,
                           questionType: questionType, answers: answers)
    }

    static func decodeData(type: UInt16, bytes: [UInt8], start: Int, length: Int) throws(DNSMessageError) -> DNSRecordData {
        let slice = Array(bytes[start..<(start + length)])
        switch DNSRecordType(rawValue: type) {
        case .a:
            guard length == 4 else { throw DNSMessageError("A record of \(length) bytes") }
            return .a(slice.map(String.init).joined(separator: "."))
        case .aaaa:
            guard length == 16 else { throw DNSMessageError("AAAA record of \(length) bytes") }
            let groups = stride(from: 0, to: 16, by: 2).map { String(UInt16(slice[$0]) << 8 | UInt16(slice[$0 + 1]), radix: 16) }
            return .aaaa(groups.joined(separator: ":"))
        case .mx:
            guard length >= 3 else { throw DNSMessageError("short MX record") }
            var offset = start + 2
            let exchange = try readName(bytes, &offset)
            guard offset == start + length else { throw DNSMessageError("MX name does not fill its record") }
            return .mx(preference: UInt16(slice[0]) << 8 | UInt16(slice[1]), exchange: exchange)
        case .cname, .ptr:
            var offset = start
            let name = try readName(bytes, &offset)
            guard offset == start + length else { throw DNSMessageError("\(type == 5 ? "CNAME" : "PTR") does not fill its record") }
            return type == 5 ? .cname(name) : .ptr(name)
        case .txt:
            var strings: [[UInt8]] = []
            var index = 0
            while index < slice.count {
                let count = Int(slice[index])
                guard index + 1 + count <= slice.count else { throw DNSMessageError("TXT string past its record") }
                strings.append(Array(slice[(index + 1)..<(index + 1 + count)]))
                index += 1 + count
            }
            return .txt(strings)
        case nil:
            return .other(type: type, bytes: slice)
        }
    }

    /// Reads a possibly compressed name at `offset` and moves `offset` past it (past the first
    /// pointer, if any). Lowercased, without the trailing dot; the root is `""`.
    static func readName(_ bytes: [UInt8], _ offset: inout Int) throws(DNSMessageError) -> String {
        var labels: [String] = []
        var length = 0
        var position = offset
        var jumps = 0
        var resumeAt: Int?
        // Where the current run of labels began: a pointer must point before it, so every
        // jump lands strictly lower than the last and no loop can exist.
        var segmentStart = offset
        while true {
            guard position < bytes.count else { throw DNSMessageError("name past the end") }
            let byte = bytes[position]
            switch byte & 0xC0 {
            case 0x00:
                let count = Int(byte)
                if count == 0 {
                    offset = resumeAt ?? position + 1
                    return labels.joined(separator: ".")
                }
                guard position + 1 + count <= bytes.count else { throw DNSMessageError("label past the end") }
                length += count + 1
                guard length <= maximumNameLength else { throw DNSMessageError("name too long") }
                labels.append(String(decoding: bytes[(position + 1)...(position + count)], as: UTF8.self).lowercased())
                position += 1 + count
            case 0xC0:
                guard position + 1 < bytes.count else { throw DNSMessageError("pointer past the end") }
                let target = Int(byte & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < segmentStart else { throw DNSMessageError("compression pointer does not point backwards") }
                jumps += 1
                guard jumps <= maximumPointerJumps else { throw DNSMessageError("too many compression pointers") }
                if resumeAt == nil { resumeAt = position + 2 }
                position = target
                segmentStart = target
            default:
                throw DNSMessageError("reserved label type")
            }
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func u16() throws(DNSMessageError) -> UInt16 {
            guard offset + 2 <= bytes.count else { throw DNSMessageError("truncated") }
            defer { offset += 2 }
            return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
        }

        mutating func u32() throws(DNSMessageError) -> UInt32 {
            UInt32(try u16()) << 16 | UInt32(try u16())
        }
    }
}
