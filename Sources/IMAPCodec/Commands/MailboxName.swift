/// A mailbox name as sent on the wire: modified UTF-7 (RFC 3501 §5.1.3) or, after
/// `ENABLE UTF8=ACCEPT`, raw UTF-8 (RFC 6855).
///
/// `INBOX` is case-insensitive (RFC 3501 §5.1): any spelling is normalised to `INBOX` on init.
public struct MailboxName: Sendable, Hashable, CustomStringConvertible {
    /// The wire bytes (after INBOX normalisation).
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        if bytes.count == 5, String(decoding: bytes, as: UTF8.self).uppercased() == "INBOX" {
            self.bytes = Array("INBOX".utf8)
        } else {
            self.bytes = bytes
        }
    }

    /// Encodes a Unicode name for the wire: modified UTF-7, or UTF-8 when `utf8Accept` is on.
    public init(_ name: String, utf8Accept: Bool = false) {
        self.init(bytes: Array((utf8Accept ? name : ModifiedUTF7.encode(name)).utf8))
    }

    public static let inbox = MailboxName(bytes: Array("INBOX".utf8))

    public var isInbox: Bool { self == .inbox }

    /// The Unicode name. In the default mode, decodes modified UTF-7 and rejects malformed
    /// input; with `utf8Accept`, the bytes must be valid UTF-8.
    public func decoded(utf8Accept: Bool = false) throws(ModifiedUTF7.DecodingError) -> String {
        if utf8Accept {
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw ModifiedUTF7.DecodingError(reason: "mailbox name is not valid UTF-8")
            }
            return s
        }
        return try ModifiedUTF7.decode(bytes)
    }

    public var description: String { String(decoding: bytes, as: UTF8.self) }
}
