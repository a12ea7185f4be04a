/// Anything the server writes: `tag OK ...`, `* ...`, or `+ ...`.
public enum Response: Sendable, Equatable {
    case tagged(tag: String, StatusResponse)
    case untagged(UntaggedResponse)
    /// `+ text` (continuation request; for AUTHENTICATE, the text is the base64 challenge).
    case continuation(String)
}

extension Response {
    /// `+ base64` — an AUTHENTICATE challenge (an empty challenge is written as `+ `).
    public static func authenticationChallenge(_ bytes: [UInt8]) -> Response {
        .continuation(Base64.encode(bytes))
    }
}
