/// The outcome of one step of an incremental SMTP decoder.
///
/// "Not enough bytes yet" and "these bytes are wrong" are different answers: the first means
/// "call again when more input arrived", the second means "answer the peer with
/// ``SMTPDecodeError/reply`` and carry on with the next line".
public enum SMTPDecodeResult<Value: Sendable>: Sendable {
    /// The buffer does not yet hold a complete unit; nothing that matters was lost.
    case needMoreData
    /// One complete unit was decoded and consumed from the buffer.
    case value(Value)
    /// One complete unit was consumed from the buffer but it is malformed.
    case error(SMTPDecodeError)
}

extension SMTPDecodeResult: Equatable where Value: Equatable {}
extension SMTPDecodeResult: Hashable where Value: Hashable {}
