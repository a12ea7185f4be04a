import Foundation
import MailwardCore
import MailwardMIME

/// Sample mail for `serve --demo` (issue 7 item 5): Chinese and English, HTML and plain text,
/// attachments, a GBK-encoded message with a Chinese subject, an HTML mail with a remote image
/// (blocked until allowed). Filled into a demo user's INBOX once, when the account is created.
enum DemoMail {
    static func messages(for address: String, name: String, now: Date) -> [[UInt8]] {
        let office = "office@\(DemoSeeder.domain)"
        var list: [[UInt8]] = []
        var generator = SystemRandomNumberGenerator()

        var welcome = MessageBuilder(date: now.addingTimeInterval(-3600))
        welcome.from = [MailAddress(displayName: "办公室 Office", address: office)]
        welcome.to = [MailAddress(displayName: name, address: address)]
        welcome.subject = "欢迎使用 Mailward 邮件系统"
        welcome.textBody = """
        \(name)，您好！

        欢迎使用 Mailward 邮件系统。您可以在网页上收发邮件、管理文件夹、搜索邮件（支持中文），
        也可以在 Foxmail、iPhone 邮件等客户端中使用本邮箱。

        安全提示：建议在“个人设置 › 安全设置 › 二次验证设置”中绑定手机，开启二次验证。
        使用帮助：https://example.com/mailward/help

        办公室
        """
        list.append(welcome.build(using: &generator).bytes)

        var newsletter = MessageBuilder(date: now.addingTimeInterval(-7200))
        newsletter.from = [MailAddress(displayName: "Campus News", address: "news@\(DemoSeeder.domain)")]
        newsletter.to = [MailAddress(address: address)]
        newsletter.subject = "Campus News: library opening hours"
        newsletter.textBody = "The library is open from 8:00 to 22:00 during the exam weeks."
        newsletter.htmlBody = """
        <html><body><h2 style="color:#1f4e8c">Campus News</h2>
        <p>The <b>library</b> is open from <i>8:00 to 22:00</i> during the exam weeks.</p>
        <p><img src="https://images.example.com/library.jpg" alt="Library" width="320"></p>
        <p><a href="https://example.com/news">Read more</a></p></body></html>
        """
        list.append(newsletter.build(using: &generator).bytes)

        var report = MessageBuilder(date: now.addingTimeInterval(-86_400))
        report.from = [MailAddress(displayName: "Bob 李", address: "bob@\(DemoSeeder.domain)")]
        report.to = [MailAddress(address: address)]
        report.subject = "季度报告 / Quarterly report"
        report.textBody = "附件是本季度的报告摘要，请查收。\nThe quarterly summary is attached.\n"
        report.attachments = [
            .init(filename: "季度报告摘要.txt", contentType: "text/plain",
                  data: Array("季度报告摘要\n收入增长 12%\nRevenue up 12%\n".utf8)),
        ]
        list.append(report.build(using: &generator).bytes)

        // Written by an old client: GBK body and subject.
        let gbk = """
        From: =?GBK?B?sOy5q8rS?= <\(office)>\r
        To: <\(address)>\r
        Subject: =?GBK?B?z+7Ev734tsi74dLpzajWqg==?=\r
        Date: \(MailDate.format(now.addingTimeInterval(-2 * 86_400), offsetSeconds: 8 * 3600))\r
        Message-ID: <demo-gbk-\(UUID().uuidString)@\(DemoSeeder.domain)>\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=GBK\r
        Content-Transfer-Encoding: base64\r
        \r
        uPfOu82sysKjug0KDQqxvtbczuXPws7nyP2149TayP3Cpbvh0unK0tXZv6rP7sS/vfi2yLvh0umjrMfr17zKsbLOvNOhow0Ku+HS6dLps8yjug0KMS4gyc/Uwrmk1/fX3L3hDQoyLiDPwr3Xts68xruuDQoNCrDsuavK0g0K\r

        """
        list.append(Array(gbk.utf8))
        return list
    }
}
