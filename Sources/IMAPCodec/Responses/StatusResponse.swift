/// `resp-cond-state` / `resp-cond-bye`: `OK [code] text`.
public struct StatusResponse: Sendable, Equatable {
    public var status: ResponseStatus
    public var code: ResponseCode?
    /// Human-readable text; CR and LF are replaced by spaces when written.
    public var text: String

    public init(_ status: ResponseStatus, code: ResponseCode? = nil, text: String) {
        self.status = status
        self.code = code
        self.text = text
    }
}
