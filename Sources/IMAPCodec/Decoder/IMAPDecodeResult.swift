/// What ``IMAPCommandDecoder/next(_:)`` found in the bytes received so far.
public enum IMAPDecodeResult: Sendable, Equatable {
    /// The buffer holds an incomplete command; call again once more bytes arrived.
    case needMoreData
    /// A complete, well-formed command.
    case command(TaggedCommand)
    /// The client announced a synchronizing literal `{n}` and waits for the server:
    /// send `+ Ready` (or a tagged `NO`/`BAD` to refuse). Reported exactly once per literal.
    case continuationNeeded(tag: String)
    /// While ``IMAPCommandDecoder/expectIdleDone()`` was in force, the client sent `DONE`.
    case idleDone
    /// While ``IMAPCommandDecoder/expectAuthenticateResponse()`` was in force, the client answered.
    case authenticateResponse(AuthenticateResponse)
    /// Bad input. The decoder has already recovered (skipped the rest of the bad command
    /// without buffering it); the server answers `BAD` (or `NO [TOOBIG]` for
    /// ``IMAPDecodeError/Reason/literalTooBig(announced:limit:)``) with ``IMAPDecodeError/tag``.
    case error(IMAPDecodeError)
}
