import Foundation
@testable import MailwardWeb
import MailwardCore
import Testing

/// The setup documents of SPEC B7 as text: escaping, the request parse, names.
struct ClientSetupDocumentTests {
    let setup = ClientSetup(hostname: "mail.example.edu.cn", imap: 143, imapTLS: 993, pop3: 110, pop3TLS: 995,
                            submission: 587, submissionTLS: 465)

    @Test func aProfileStaysAValidPropertyListWhateverTheNames() throws {
        let hostile = "Zhang <\"&'>\u{1}\u{7}\u{FFFE}张三"
        let text = AppleMailProfile.document(address: "zhang@example.edu.cn", displayName: hostile, password: "abcd efgh ijkl mnop",
                                             setup: setup, language: .zhCN)
        let profile = try #require(try PropertyListSerialization.propertyList(from: Data(text.utf8), format: nil) as? [String: Any])
        let account = try #require((profile["PayloadContent"] as? [[String: Any]])?.first)
        #expect(account["EmailAccountName"] as? String == "Zhang <\"&'>张三")
        #expect(account["IncomingPassword"] as? String == "abcd efgh ijkl mnop")
        #expect(account["IncomingMailServerHostName"] as? String == "mail.example.edu.cn")
        #expect(account["IncomingMailServerPortNumber"] as? Int == 993)
        #expect(account["OutgoingMailServerPortNumber"] as? Int == 465)
        #expect(account["OutgoingPasswordSameAsIncomingPassword"] as? Bool == true)
        #expect(profile["PayloadIdentifier"] as? String == "cn.edu.example.mail.mailward.zhang-40example.edu.cn")
        #expect(account["PayloadIdentifier"] as? String == "cn.edu.example.mail.mailward.zhang-40example.edu.cn.account")
        #expect(profile["PayloadUUID"] as? String != account["PayloadUUID"] as? String)
        // No display name: the address.
        let plain = AppleMailProfile.document(address: "a@b.c", displayName: "", password: "p", setup: setup, language: .en)
        #expect(plain.contains("<key>EmailAccountName</key><string>a@b.c</string>"))
    }

    /// One identifier per address: a device keeps one profile per identifier, so two accounts
    /// whose identifiers met would replace each other (the audit's 张三 and 李四, a_b and a+b).
    @Test func everyAddressHasAnIdentifierOfItsOwn() {
        let addresses = ["张三@demo.test", "李四@demo.test", "a_b@demo.test", "a+b@demo.test", "a-b@demo.test", "a.b@demo.test",
                         "a-2Bb@demo.test", "A@demo.test", "a@demo.test"]
        let identifiers = addresses.map { AppleMailProfile.identifier(address: $0, hostname: "mail.demo.test") }
        #expect(Set(identifiers).count == addresses.count, "\(identifiers)")
        #expect(identifiers[2] == "test.demo.mail.mailward.a-5Fb-40demo.test")
        #expect(identifiers.allSatisfy { $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") } })
        #expect(AppleMailProfile.fileName(address: "张三@例子.中国") == "张三@例子.中国.mobileconfig")
        #expect(ContentDisposition.attachment("张三@例子.中国.mobileconfig")
            == "attachment; filename=\"__@__.__.mobileconfig\"; filename*=UTF-8''%E5%BC%A0%E4%B8%89%40%E4%BE%8B%E5%AD%90.%E4%B8%AD%E5%9B%BD.mobileconfig")
    }

    @Test func theAutodiscoverRequestsAddressIsFoundWhateverTheCase() {
        func address(_ text: String) -> String? { OutlookAutodiscover.requestedAddress(in: Array(text.utf8)) }
        #expect(address("<Request><EMailAddress>a@b.c</EMailAddress></Request>") == "a@b.c")
        #expect(address("<x>İİİ</x><emailaddress>\n  a@b.c \n</EMAILADDRESS>") == "a@b.c")
        #expect(address("<EMailAddress></EMailAddress>") == nil)
        #expect(address("<EMailAddress>a@b.c") == nil)
        #expect(address("</EMailAddress>a@b.c<EMailAddress>") == nil)
        #expect(address("<EMailAddress>" + String(repeating: "a", count: 400) + "@b.c</EMailAddress>") == nil)
    }

    @Test func activeSyncIsNotOutlook() {
        func accepts(_ text: String) -> Bool { OutlookAutodiscover.acceptsOutlookSettings(Array(text.utf8)) }
        #expect(accepts("<Request><EMailAddress>a@b.c</EMailAddress></Request>"))
        #expect(accepts("<AcceptableResponseSchema> http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a </AcceptableResponseSchema>"))
        #expect(!accepts("<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema>"))
    }

    @Test func theHostNamesTheDomain() {
        #expect(ClientSetupRoutes.domain(ofHost: "autoconfig.Example.EDU.cn:8443") == "example.edu.cn")
        #expect(ClientSetupRoutes.domain(ofHost: "example.edu.cn") == "example.edu.cn")
        #expect(ClientSetupRoutes.domain(ofHost: "[::1]:8080") == nil)
        #expect(ClientSetupRoutes.domain(ofHost: nil) == nil)
    }

    @Test func documentsEscapeWhatTheyEcho() {
        let odd = ClientSetup(hostname: "a<b>&c", imap: 1, imapTLS: 2, pop3: 3, pop3TLS: 4, submission: 5, submissionTLS: 6)
        let autoconfig = ThunderbirdAutoconfig.document(domains: ["x&y"], setup: odd)
        #expect(autoconfig.contains("<hostname>a&lt;b&gt;&amp;c</hostname>") && autoconfig.contains("<domain>x&amp;y</domain>"))
        let autodiscover = OutlookAutodiscover.settings(for: "q\"<r>@s", setup: odd)
        #expect(autodiscover.contains("<LoginName>q&quot;&lt;r&gt;@s</LoginName>"))
        #expect(OutlookAutodiscover.error(code: 500, message: "<x>").contains("<Message>&lt;x&gt;</Message>"))
    }
}
