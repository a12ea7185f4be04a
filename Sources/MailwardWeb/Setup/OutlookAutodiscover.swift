import Foundation

/// Outlook's autodiscover for IMAP accounts ("POX" autodiscover: the client POSTs an XML request
/// naming the address to `/autodiscover/autodiscover.xml` of the domain or `autodiscover.<domain>`)
/// and the settings it gets back: IMAP, POP3 and SMTP over implicit TLS, the full address as the
/// login name. Also read by other clients that look for autodiscover (eM Client, some phones).
///
/// Like the autoconfig document, the answer depends only on the domain: a local domain's
/// address gets the settings whether or not the account exists.
enum OutlookAutodiscover {
    /// Requests larger than this are refused unread (a real one is ~400 bytes).
    static let requestLimit = 16 * 1024

    static let responseNamespace = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
    static let outlookNamespace = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"

    /// The address of the request's `EMailAddress` element (the request schema's spelling,
    /// matched without regard to ASCII case: some clients write `EmailAddress`); nil when there is none.
    static func requestedAddress(in request: [UInt8]) -> String? {
        guard let open = find("<emailaddress>", in: request, from: 0),
              let close = find("</emailaddress>", in: request, from: open.upperBound) else { return nil }
        let address = String(decoding: request[open.upperBound..<close.lowerBound], as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return address.isEmpty || address.utf8.count > 320 ? nil : address
    }

    /// Whether the request accepts the Outlook settings: it names no `AcceptableResponseSchema`,
    /// or Outlook's (`…/outlook/responseschema/2006a`) — not ActiveSync's (`…/mobilesync/…`).
    static func acceptsOutlookSettings(_ request: [UInt8]) -> Bool {
        guard let open = find("<acceptableresponseschema>", in: request, from: 0),
              let close = find("</acceptableresponseschema>", in: request, from: open.upperBound) else { return true }
        let schema = String(decoding: request[open.upperBound..<close.lowerBound], as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return schema.isEmpty || schema == outlookNamespace.lowercased()
    }

    /// Where `needle` (lower-case ASCII) first occurs in `bytes` at or after `from`, ignoring ASCII case.
    private static func find(_ needle: String, in bytes: [UInt8], from: Int) -> Range<Int>? {
        let pattern = Array(needle.utf8)
        var start = from
        while start + pattern.count <= bytes.count {
            var matches = true
            for (offset, expected) in pattern.enumerated() {
                var byte = bytes[start + offset]
                if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte += 32 }
                if byte != expected { matches = false; break }
            }
            if matches { return start..<(start + pattern.count) }
            start += 1
        }
        return nil
    }

    /// The account settings for `address`.
    static func settings(for address: String, setup: ClientSetup) -> String {
        let host = XMLText.escape(setup.hostname)
        let login = XMLText.escape(address)
        func server(_ type: String, _ port: Int) -> String {
            """
                  <Protocol>
                    <Type>\(type)</Type>
                    <Server>\(host)</Server>
                    <Port>\(port)</Port>
                    <LoginName>\(login)</LoginName>
                    <DomainRequired>off</DomainRequired>
                    <SPA>off</SPA>
                    <SSL>on</SSL>
                    <AuthRequired>on</AuthRequired>
                  </Protocol>

            """
        }
        return """
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="\(responseNamespace)">
              <Response xmlns="\(outlookNamespace)">
                <Account>
                  <AccountType>email</AccountType>
                  <Action>settings</Action>

            """ + server("IMAP", setup.imapTLS) + server("POP3", setup.pop3TLS) + server("SMTP", setup.submissionTLS) + """
                </Account>
              </Response>
            </Autodiscover>

            """
    }

    /// The error answer: 600 for a request that names no address, 601 for a schema other than
    /// Outlook's, 500 for an address this server does not serve (Exchange's codes; the client
    /// then tries its next method).
    static func error(code: Int, message: String) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <Autodiscover xmlns="\(responseNamespace)">
          <Response>
            <Error Id="0">
              <ErrorCode>\(code)</ErrorCode>
              <Message>\(XMLText.escape(message))</Message>
              <DebugData />
            </Error>
          </Response>
        </Autodiscover>

        """
    }
}
