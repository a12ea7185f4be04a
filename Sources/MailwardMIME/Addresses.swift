/// An address as IMAP ENVELOPE sends it (RFC 3501 §7.4.2): raw strings, encoded words kept.
///
/// Group syntax becomes markers: a start marker with `mailbox` = group name and `host` = nil,
/// then the members, then an end marker with `mailbox` and `host` nil. An address without a domain
/// gets `host = "MISSING_DOMAIN"` (as Dovecot does) so it is not mistaken for a group marker.
public struct EnvelopeAddress: Sendable, Codable, Equatable, Hashable {
    public var name: String?
    public var adl: String?
    public var mailbox: String?
    public var host: String?

    public init(name: String?, adl: String?, mailbox: String?, host: String?) {
        self.name = name
        self.adl = adl
        self.mailbox = mailbox
        self.host = host
    }

    /// Parses an address-list header value into ENVELOPE addresses.
    public static func list(from headerValue: String?) -> [EnvelopeAddress] {
        guard let headerValue, !headerValue.isEmpty else { return [] }
        var result: [EnvelopeAddress] = []
        func add(_ m: AddressListParser.Mailbox) {
            result.append(EnvelopeAddress(
                name: m.name, adl: m.route,
                mailbox: m.localPart.isEmpty && m.domain == nil ? "MISSING_MAILBOX" : m.localPart,
                host: m.domain ?? "MISSING_DOMAIN"))
        }
        for item in AddressListParser.parse(headerValue) {
            switch item {
            case .mailbox(let m): add(m)
            case .group(let name, let members):
                result.append(EnvelopeAddress(name: nil, adl: nil, mailbox: name, host: nil))
                members.forEach(add)
                result.append(EnvelopeAddress(name: nil, adl: nil, mailbox: nil, host: nil))
            }
        }
        return result
    }
}

/// A decoded address for people and the webmail: display name with encoded words decoded.
public struct MailAddress: Sendable, Codable, Equatable, Hashable {
    public var displayName: String?
    /// `local@domain` (or just the local part when the header had no domain).
    public var address: String

    public init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }

    /// The domain part, if any.
    public var domain: String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        return String(address[address.index(after: at)...])
    }

    /// `Name <local@domain>` (or the bare address), written so that reading it back as an
    /// address list gives this one address again: a display name with a comma, angle brackets,
    /// an `@` or another RFC 5322 special is quoted (`"Doe, John" <j@example.com>`) — unquoted,
    /// `"Team <x@evil.example>, Erin" <erin@…>` read back as two recipients. Decoded text:
    /// for showing, for a compose field, for a stored summary; not header bytes to send
    /// (`MessageBuilder` encodes non-ASCII names first).
    public var formatted: String {
        guard let name = displayName, !name.isEmpty else { return address }
        return Self.phrase(name) + " <" + address + ">"
    }

    /// A display name as an RFC 5322 phrase: as it is when it is atoms (letters, digits, the
    /// atext symbols, spaces between them — and, RFC 6532, non-ASCII), else a quoted string
    /// with `\` and `"` escaped.
    static func phrase(_ name: String) -> String {
        let atext = Set(" !#$%&'*+-/=?^_`{|}~".unicodeScalars)
        let plain = name.first != " " && name.last != " " && name.unicodeScalars.allSatisfy { scalar in
            !scalar.isASCII || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || atext.contains(scalar)
        }
        if plain { return name }
        // Scalar by scalar: a quote followed by a combining mark is one Character, unlike `"`, and
        // would end the quoted string for every reader of the header.
        var quoted = "\""
        for scalar in name.unicodeScalars {
            if scalar == "\\" || scalar == "\"" { quoted.append("\\") }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }
}

/// Parses address-list headers (From, To, Cc...) into ``MailAddress`` values; groups are
/// flattened to their members.
public enum AddressParser {
    /// Whether a `From:`-like field value (a mailbox-list) can be read only one way — for the
    /// fields a sender's right to send is judged by (see ``AddressListParser``).
    public static func isUnambiguousMailboxList(_ headerValue: String) -> Bool {
        AddressListParser.isUnambiguousMailboxList(headerValue)
    }

    public static func parse(_ headerValue: String) -> [MailAddress] {
        var result: [MailAddress] = []
        func add(_ m: AddressListParser.Mailbox) {
            let address = m.domain.map { m.localPart + "@" + $0 } ?? m.localPart
            guard !address.isEmpty else { return }
            let name = m.name.map { EncodedWord.decode($0).trimmingMailWhitespace }
            result.append(MailAddress(displayName: name?.isEmpty == false ? name : nil, address: address))
        }
        for item in AddressListParser.parse(headerValue) {
            switch item {
            case .mailbox(let m): add(m)
            case .group(_, let members): members.forEach(add)
            }
        }
        return result
    }
}
