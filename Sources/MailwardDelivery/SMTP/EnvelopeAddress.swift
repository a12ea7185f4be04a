import MailwardCore

/// How a queued address is written into the SMTP envelope: with an internationalized domain in
/// its ASCII form (`user@测试.cn` → `user@xn--0zwm56d.cn`, RFC 5890). That form is the same
/// domain to every peer, and it needs no SMTPUTF8 (RFC 6531), which many peers do not offer —
/// only a non-ASCII local part does. Anything that is not a valid domain name (an address
/// literal, a malformed domain) is left as queued.
enum EnvelopeAddress {
    static func ascii(_ address: String) -> String {
        guard address.utf8.contains(where: { $0 >= 0x80 }), let at = address.lastIndex(of: "@"),
              let domain = try? DomainName.ascii(String(address[address.index(after: at)...])) else { return address }
        return address[..<at] + "@" + domain
    }

    static func isASCII(_ address: String) -> Bool {
        address.utf8.allSatisfy { $0 < 0x80 }
    }
}
