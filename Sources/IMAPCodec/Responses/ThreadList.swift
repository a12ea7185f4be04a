/// The threads of a `* THREAD` response (RFC 5256 §4), as they are written: opening
/// parentheses, message numbers and closing parentheses in order. Flat, so that a thread
/// nested thousands deep costs no recursion to build, to write or to free.
///
/// `(3 6 (4 23)(44 7 96))` is: open, 3, 6, open, 4, 23, close, open, 44, 7, 96, close, close.
public struct ThreadList: Sendable, Equatable {
    public enum Token: Sendable, Equatable {
        case open
        case close
        case message(UInt32)
    }

    public var tokens: [Token]

    public init(_ tokens: [Token] = []) {
        self.tokens = tokens
    }
}
