/// The parameters of `MAIL FROM:<path> [params]` the codec understands; anything else is kept
/// in ``unrecognized`` so the server can answer 555 5.5.4 (``SMTPReply/parameterNotRecognized``).
public struct SMTPMailParameters: Hashable, Sendable {
    /// RFC 1870 `SIZE=`; values beyond `Int.max` are clamped to `Int.max`.
    public var size: Int?
    /// RFC 6152 / 3030 `BODY=`.
    public var body: SMTPBodyType?
    /// RFC 6531 `SMTPUTF8`.
    public var smtpUTF8: Bool
    /// RFC 4954 `AUTH=` value as sent (xtext, or `<>`).
    public var auth: String?
    /// RFC 3461 `RET=` (`FULL` or `HDRS`, uppercased); tolerated, not acted upon by the codec.
    public var ret: String?
    /// RFC 3461 `ENVID=` as sent (xtext).
    public var envelopeID: String?
    /// Parameters the codec does not know, in order.
    public var unrecognized: [SMTPParameter]

    public init(
        size: Int? = nil, body: SMTPBodyType? = nil, smtpUTF8: Bool = false, auth: String? = nil,
        ret: String? = nil, envelopeID: String? = nil, unrecognized: [SMTPParameter] = []
    ) {
        self.size = size
        self.body = body
        self.smtpUTF8 = smtpUTF8
        self.auth = auth
        self.ret = ret
        self.envelopeID = envelopeID
        self.unrecognized = unrecognized
    }
}
