import NIOCore

/// One message of an APPEND: optional flags and date, and the message bytes (no copy: a slice
/// of the received buffer).
public struct AppendMessage: Sendable, Equatable {
    public var flags: [Flag]
    public var internalDate: IMAPDateTime?
    public var data: ByteBuffer
    /// Sent as `literal8` (`~{n}`, RFC 3516) or inside `UTF8 (...)` (RFC 6855).
    public var isBinary: Bool

    public init(flags: [Flag] = [], internalDate: IMAPDateTime? = nil, data: ByteBuffer, isBinary: Bool = false) {
        self.flags = flags
        self.internalDate = internalDate
        self.data = data
        self.isBinary = isBinary
    }
}
