/// Thunderbird's autoconfig document (`clientConfig` version 1.1, the format of Mozilla's ISPDB),
/// served at `/.well-known/autoconfig/mail/config-v1.1.xml` and `/mail/config-v1.1.xml` (the
/// `autoconfig.<domain>` host). Thunderbird, and clients that read the same format (K-9/Thunderbird
/// for Android, Evolution, KMail), fill in every server from the address alone; the user types
/// only the password — a client-specific one once a phone is bound (A8).
///
/// The user name is the placeholder `%EMAILADDRESS%`: the document is public, so it says nothing
/// about whether an address exists, only which domains this server serves.
enum ThunderbirdAutoconfig {
    /// The document for `domains` (the first one names the provider), implicit TLS listed first.
    static func document(domains: [String], setup: ClientSetup) -> String {
        let host = XMLText.escape(setup.hostname)
        let provider = XMLText.escape(domains.first ?? setup.hostname)
        func server(_ element: String, _ type: String, _ port: Int, _ socket: String) -> String {
            """
                <\(element) type="\(type)">
                  <hostname>\(host)</hostname>
                  <port>\(port)</port>
                  <socketType>\(socket)</socketType>
                  <authentication>password-cleartext</authentication>
                  <username>%EMAILADDRESS%</username>
                </\(element)>

            """
        }
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <clientConfig version="1.1">
              <emailProvider id="\(provider)">

            """
        for domain in domains { text += "    <domain>\(XMLText.escape(domain))</domain>\n" }
        text += """
                <displayName>\(provider) (Mailward)</displayName>
                <displayShortName>\(provider)</displayShortName>

            """
        text += server("incomingServer", "imap", setup.imapTLS, "SSL")
        text += server("incomingServer", "imap", setup.imap, "STARTTLS")
        text += server("incomingServer", "pop3", setup.pop3TLS, "SSL")
        text += server("incomingServer", "pop3", setup.pop3, "STARTTLS")
        text += server("outgoingServer", "smtp", setup.submissionTLS, "SSL")
        text += server("outgoingServer", "smtp", setup.submission, "STARTTLS")
        text += """
              </emailProvider>
            </clientConfig>

            """
        return text
    }
}
