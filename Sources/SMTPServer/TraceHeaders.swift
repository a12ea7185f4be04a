import Foundation
import MailwardMIME

/// The trace fields a receiving server prepends (RFC 5321 §4.4): `Return-Path:` (at final
/// delivery only) and `Received:`.
public enum TraceHeaders {
    /// `Received: from helo ([ip]) by hostname with ESMTPSA id … for <rcpt>; date`.
    /// The protocol keyword follows RFC 3848 (`ESMTP`, `ESMTPS` with TLS, `…A` authenticated),
    /// and RFC 6531 §3.7.3 for a transaction under SMTPUTF8 (`UTF8SMTP`, `UTF8SMTPS`, …).
    public static func received(client: SMTPClientInfo, hostname: String, queueID: String,
                                recipients: [String], date: Date, smtpUTF8: Bool = false) -> String {
        var with = smtpUTF8 && client.esmtp ? "UTF8SMTP" : client.esmtp ? "ESMTP" : "SMTP"
        if client.tls { with += "S" }
        if client.account != nil && client.esmtp { with += "A" }
        let tls = client.tls ? " (using TLS)" : ""
        let forClause = recipients.count == 1 ? "\r\n\tfor <\(sanitized(recipients[0]))>" : ""
        return "Received: from \(sanitized(client.helo)) (\(addressLiteral(client.remoteIP)))\r\n"
            + "\tby \(sanitized(hostname)) (Mailward) with \(with)\(tls) id \(queueID)\(forClause);\r\n"
            + "\t\(MailDate.format(date))\r\n"
    }

    /// The client's address as RFC 5321 §4.4's TCP-info writes it: `[192.0.2.1]`, `[IPv6:2001:db8::1]`.
    static func addressLiteral(_ ip: String) -> String {
        let clean = sanitized(ip)
        return clean.utf8.contains(UInt8(ascii: ":")) ? "[IPv6:\(clean)]" : "[\(clean)]"
    }

    /// `Return-Path: <sender>` (`<>` for the null reverse-path).
    public static func returnPath(_ sender: String) -> String {
        "Return-Path: <\(sanitized(sender))>\r\n"
    }

    /// Client-supplied text (EHLO argument, addresses) cannot break out of the header: control
    /// characters become spaces, and `(`/`)` cannot unbalance the comment.
    static func sanitized(_ text: String) -> String {
        // Usually there is nothing to replace: the text itself, not a copy built scalar by scalar.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ")") }) else {
            return text
        }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.value < 0x20 || scalar.value == 0x7F || scalar == "(" || scalar == ")" ? " " : scalar
        }))
    }
}
