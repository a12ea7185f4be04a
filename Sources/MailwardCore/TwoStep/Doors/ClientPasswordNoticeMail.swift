import Foundation
import MailwardMIME

/// The message an account receives when a mail client signed in with the right account password
/// but was refused because two-step verification is on or enforced (SPEC B2): which client, from
/// where, over which protocol, and how to make a client-specific password — Chinese first, then
/// English, as the webmail's default language. The protocol refusal says the same in one line,
/// but Foxmail or iPhone Mail often shows only "password wrong"; the mail reaches the user in the
/// webmail, where the fix is made. Pure: the caller supplies time and identifiers.
public enum ClientPasswordNoticeMail {
    public struct Attempt: Sendable, Equatable {
        public var door: DoorKind
        public var ip: String
        /// What the client called itself (IMAP `ID`), when it did.
        public var clientID: String?
        public var at: Date
        /// Two-step verification is required by the administrator and no phone is bound yet.
        public var enforcedWithoutPhone: Bool

        public init(door: DoorKind, ip: String, clientID: String?, at: Date, enforcedWithoutPhone: Bool) {
            self.door = door
            self.ip = ip
            self.clientID = clientID
            self.at = at
            self.enforcedWithoutPhone = enforcedWithoutPhone
        }
    }

    /// The complete message (CRLF lines, 7-bit: the text is base64 UTF-8).
    public static func compose(to address: EmailAddress, attempt: Attempt, messageID: String) -> [UInt8] {
        let from = "postmaster@\(address.domain)"
        let subject = "邮件客户端需要使用客户端专用密码 / A mail client needs a client-specific password"
        let header = """
            From: \(EncodedWord.encodeWords("邮件系统").joined(separator: " ")) <\(from)>\r
            To: <\(address)>\r
            Subject: \(EncodedWord.encodeWords(subject).joined(separator: "\r\n "))\r
            Date: \(MailDate.format(attempt.at))\r
            Message-ID: <\(messageID)@\(address.domain)>\r
            Auto-Submitted: auto-generated\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=UTF-8\r
            Content-Transfer-Encoding: base64\r
            \r

            """
        return Array(header.utf8) + Base64.encode(Array(text(to: address, attempt: attempt).utf8)) + Array("\r\n".utf8)
    }

    /// The body text, both languages.
    static func text(to address: EmailAddress, attempt: Attempt) -> String {
        let time = MailDate.format(attempt.at)
        let door = attempt.door.rawValue.uppercased()
        let client = attempt.clientID.map { Self.clean($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let zhClient = client.map { "邮件客户端“\($0)”" } ?? "一个邮件客户端"
        let enClient = client.map { "A mail client (\($0))" } ?? "A mail client"
        let zhWhy = attempt.enforcedWithoutPhone
            ? "管理员要求您的帐号开启二次验证，请先登录 Webmail 按提示绑定手机，然后"
            : "您的帐号已开启二次验证，邮件客户端（Foxmail、iPhone 邮件、Outlook 等）不能再使用帐号密码。请登录 Webmail，"
        let enWhy = attempt.enforcedWithoutPhone
            ? "The administrator requires two-step verification for your account: sign in to the webmail and bind a phone as it asks, then"
            : "Two-step verification is on for your account, so mail clients (Foxmail, iPhone Mail, Outlook …) can no longer use the account password. Sign in to the webmail,"
        return """
            您好：

            \(zhClient)于 \(time) 从 IP \(Self.clean(attempt.ip)) 通过 \(door) 使用帐号密码登录邮箱 \(address)，密码正确，但登录被拒绝。

            \(zhWhy)进入 设置 › 个人信息 › 邮箱密码，点击“+”，输入名称（例如“Foxmail”）并生成客户端专用密码，再在该客户端的密码栏填入这个密码（可以忽略空格和大小写）。

            如果这不是您自己的设备，说明有人知道您的帐号密码：请立即在 Webmail 中修改密码。

            此通知每天最多发送一次。

            ----

            Hello,

            \(enClient) signed in to \(address) over \(door) from IP \(Self.clean(attempt.ip)) at \(time) with the right account password, and was refused.

            \(enWhy) open Settings › Personal info › Mailbox password, press "+", give a name (such as "Foxmail") and generate a client-specific password, then enter that password in the client (spaces and case do not matter).

            If this was not your own device, someone knows your account password: change it in the webmail at once.

            This notice is sent at most once a day.

            """.replacingOccurrences(of: "\n", with: "\r\n")
    }

    /// A client's own name or an address as text in the body: no control characters, bounded.
    static func clean(_ text: String) -> String {
        String(String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }).prefix(100))
    }
}
