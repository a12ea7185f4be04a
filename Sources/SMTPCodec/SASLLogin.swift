/// The non-standard but ubiquitous LOGIN mechanism (draft-murchison-sasl-login): the server
/// prompts `334 VXNlcm5hbWU6` ("Username:") then `334 UGFzc3dvcmQ6` ("Password:"), and the
/// client answers each with a base64 line. An `AUTH LOGIN <base64-username>` initial response
/// skips the first prompt.
public enum SASLLogin {
    /// base64("Username:")
    public static let usernameChallenge = "VXNlcm5hbWU6"
    /// base64("Password:")
    public static let passwordChallenge = "UGFzc3dvcmQ6"

    /// The 334 reply asking for the user name.
    public static var usernamePrompt: SMTPReply { .authenticationChallenge(Self.usernameChallenge) }
    /// The 334 reply asking for the password.
    public static var passwordPrompt: SMTPReply { .authenticationChallenge(Self.passwordChallenge) }

    /// Decodes one client answer (user name or password): strict base64 of non-empty UTF-8
    /// without NUL, at most ``SASLPlain/maximumFieldLength`` octets. Nil if malformed; check for
    /// `*` (cancel) first with ``SASLResponse``.
    public static func decodeField(_ base64: some StringProtocol) -> String? {
        guard let bytes = SASLBase64.decode(base64), !bytes.isEmpty, bytes.count <= SASLPlain.maximumFieldLength,
            !bytes.contains(0)
        else { return nil }
        return validUTF8String(bytes)
    }
}
