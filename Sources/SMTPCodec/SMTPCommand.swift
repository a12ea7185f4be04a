/// A command a client sends to an SMTP server (RFC 5321 §4.1 and extensions).
public enum SMTPCommand: Hashable, Sendable {
    case ehlo(SMTPHost)
    case helo(SMTPHost)
    /// `MAIL FROM:<reverse-path> [params]`; the path may be ``SMTPPath/null``.
    case mail(reversePath: SMTPPath, parameters: SMTPMailParameters)
    /// `RCPT TO:<forward-path> [params]`; the path may be the bare `<postmaster>`.
    /// If ``SMTPPath/isInternationalized`` the server must check that MAIL carried SMTPUTF8.
    case rcpt(forwardPath: SMTPPath, parameters: SMTPRecipientParameters)
    case data
    /// RFC 3030 `BDAT size [LAST]`: `size` octets follow the command line.
    case bdat(size: Int, last: Bool)
    case rset
    case noop
    case quit
    case vrfy(String)
    case expn(String)
    case help(String?)
    case startTLS
    /// RFC 4954 `AUTH mechanism [initial-response]`; the mechanism is uppercased and the
    /// initial response is kept as sent (`=` means "empty"; see ``SASLResponse``).
    case auth(mechanism: String, initialResponse: String?)
}
