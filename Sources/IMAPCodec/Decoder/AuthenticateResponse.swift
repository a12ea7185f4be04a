/// The client's line during an `AUTHENTICATE` exchange.
public enum AuthenticateResponse: Sendable, Equatable {
    /// Base64-decoded response bytes (empty for an empty line).
    case data([UInt8])
    /// The client sent `*` to abort the exchange; answer tagged `BAD`.
    case cancelled
}
