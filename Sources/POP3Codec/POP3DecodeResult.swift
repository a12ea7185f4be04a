/// The outcome of one step of ``POP3CommandDecoder``: "need more bytes" and "bad input" are
/// distinct answers.
public enum POP3DecodeResult<Value: Sendable>: Sendable {
    /// No complete line yet; call again after more bytes arrived.
    case needMoreData
    /// One line was consumed and decoded.
    case value(Value)
    /// One line was consumed but is malformed; answer ``POP3DecodeError/response``.
    case error(POP3DecodeError)
}

extension POP3DecodeResult: Equatable where Value: Equatable {}
extension POP3DecodeResult: Hashable where Value: Hashable {}
