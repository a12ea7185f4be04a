import Testing
@testable import MailwardWeb

/// The RP ID of a request's Host (B1): a host name, never an IP address.
@Suite struct WebAuthnPartyTests {
    @Test func hostNamesOnly() {
        #expect(WebAuthnParty.hostName(of: "Mail.Example.edu.cn") == "mail.example.edu.cn")
        #expect(WebAuthnParty.hostName(of: "localhost:8080") == "localhost")
        for authority in ["127.0.0.1:8080", "10.0.0.1", "[::1]:8080", "", ":80", "mail example", "邮件.example.cn", "a/b"] {
            #expect(WebAuthnParty.hostName(of: authority) == nil, "\(authority)")
        }
    }
}
