/// `SEARCH [RETURN (...)] [CHARSET x] keys` (RFC 3501 §6.4.4, RFC 4731, RFC 5182).
public struct SearchCommand: Sendable, Equatable {
    /// The CHARSET argument, if given (the server answers `NO [BADCHARSET]` for ones it lacks).
    public var charset: String?
    /// The search keys, implicitly AND-ed; never empty.
    public var keys: [SearchKey]
    /// ESEARCH return options; `nil` when no `RETURN` was given (classic `* SEARCH`).
    public var returnOptions: [SearchReturnOption]?

    public init(charset: String? = nil, keys: [SearchKey], returnOptions: [SearchReturnOption]? = nil) {
        self.charset = charset
        self.keys = keys
        self.returnOptions = returnOptions
    }
}
