/// Where mail clients reach this server (SPEC B7): its host name and the port of each mail door,
/// as the setup documents (Thunderbird autoconfig, Outlook autodiscover, an Apple configuration
/// profile) and the settings page tell them. The ports are those the doors listen on, so a
/// server on the embedded default ports hands out 1993, 1465…, and one on 993, 465… those.
public struct ClientSetup: Sendable, Equatable {
    /// The name clients connect to (`hostname`, also the certificate's name).
    public var hostname: String
    /// IMAP with STARTTLS, IMAP over TLS.
    public var imap: Int
    public var imapTLS: Int
    /// POP3 with STLS, POP3 over TLS.
    public var pop3: Int
    public var pop3TLS: Int
    /// Submission with STARTTLS, submission over TLS.
    public var submission: Int
    public var submissionTLS: Int

    public init(hostname: String, imap: Int, imapTLS: Int, pop3: Int, pop3TLS: Int, submission: Int, submissionTLS: Int) {
        self.hostname = hostname
        self.imap = imap
        self.imapTLS = imapTLS
        self.pop3 = pop3
        self.pop3TLS = pop3TLS
        self.submission = submission
        self.submissionTLS = submissionTLS
    }

    /// Asked per request: the ports are known only once the doors listen (port 0 in tests).
    public typealias Source = @Sendable () async -> ClientSetup
}

/// Text for XML documents (and property lists): the five markup characters as entities, and the
/// characters XML 1.0 cannot carry at all (controls other than tab and line ends) left out.
enum XMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0's Char: no C0 controls, no U+FFFE/U+FFFF.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
