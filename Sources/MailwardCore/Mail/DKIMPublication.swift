import Foundation

/// What DNS says about a DKIM signing key: whether receivers can verify the signatures made with
/// it. Every node of a cluster signs with the key files in its own data folder; a node whose key
/// is not the one published signs mail that fails DKIM everywhere (and DMARC with it), silently.
/// Pure: the TXT records are looked up by the caller.
public enum DKIMPublication: Sendable, Equatable {
    /// A key record at the key's name carries this key.
    case published
    /// No key record at the name: nothing there, or TXT records that are not DKIM's.
    case missing
    /// The key records there carry another key: another node's, an older one, or a typo.
    case otherKey
    /// The record's key is empty (`p=`): the key was revoked (RFC 6376 §3.6.1).
    case revoked

    /// The verdict on `key` from the TXT records at its name (`<selector>._domainkey.<domain>`),
    /// each joined from its character-strings.
    public init(of key: DKIMKey, records: [String]) {
        let published = records.compactMap { Self.tags(of: $0)?["p"] }.map { $0.filter { !$0.isWhitespace } }
        if published.contains(key.publicKeyBase64) {
            self = .published
        } else if published.isEmpty {
            self = .missing
        } else {
            self = published.allSatisfy(\.isEmpty) ? .revoked : .otherKey
        }
    }

    /// The tags of a DKIM key record (RFC 6376 §3.6.1: `tag=value` pairs separated by `;`,
    /// names case-sensitive, white space around them ignored), or nil when the text is not one:
    /// a `v=` other than `DKIM1` or not first, or no `p=`.
    public static func tags(of record: String) -> [String: String]? {
        var tags: [String: String] = [:]
        var first = true
        for pair in record.split(separator: ";", omittingEmptySubsequences: false) {
            let trimmed = pair.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            let name = trimmed[..<equals].trimmingCharacters(in: .whitespacesAndNewlines)
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespacesAndNewlines)
            if name == "v", !first || value != "DKIM1" { return nil }
            // A tag given twice makes the record invalid.
            guard tags.updateValue(value, forKey: name) == nil else { return nil }
            first = false
        }
        return tags["p"] == nil ? nil : tags
    }
}
