/// Bounds the ``IMAPCommandDecoder`` enforces on hostile input.
///
/// Every byte the decoder keeps waiting for a line end or a literal counts against one of
/// these limits, so a client can never make the server buffer without bound.
public struct IMAPDecoderLimits: Sendable, Hashable {
    /// Longest single line (up to and including CRLF, excluding literal bytes).
    public var maxLineLength: Int
    /// Largest literal accepted in an `APPEND` command (the message itself).
    public var maxAppendLiteralSize: Int
    /// Largest literal accepted in any other command (user names, passwords, search strings).
    public var maxOtherLiteralSize: Int
    /// Largest whole APPEND command: all lines plus all literals (MULTIAPPEND included).
    public var maxCommandSize: Int
    /// Largest whole command other than APPEND, so many small literals cannot add up.
    public var maxOtherCommandSize: Int

    public init(
        maxLineLength: Int = 64 * 1024,
        maxAppendLiteralSize: Int = 50 * 1024 * 1024,
        maxOtherLiteralSize: Int = 64 * 1024,
        maxCommandSize: Int = 50 * 1024 * 1024 + 256 * 1024,
        maxOtherCommandSize: Int = 1024 * 1024
    ) {
        self.maxOtherCommandSize = maxOtherCommandSize
        self.maxLineLength = maxLineLength
        self.maxAppendLiteralSize = maxAppendLiteralSize
        self.maxOtherLiteralSize = maxOtherLiteralSize
        self.maxCommandSize = maxCommandSize
    }

    /// The defaults: 64 KiB lines, 50 MiB APPEND literals, 64 KiB other literals, 1 MiB other commands.
    public static let `default` = IMAPDecoderLimits()
}
