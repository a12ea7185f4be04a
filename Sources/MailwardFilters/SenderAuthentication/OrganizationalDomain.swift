/// The organizational domain of a name (RFC 7489 §3.2): the public suffix plus one label.
/// Without the whole Public Suffix List, a built-in list of the multi-label suffixes mail
/// commonly comes from (China, Hong Kong, Taiwan, Japan, Korea, the UK, Australia…) stands
/// in; any other name's suffix is its last label. Pure.
enum OrganizationalDomain {
    static func of(_ domain: String) -> String {
        let labels = domain.lowercased().split(separator: ".").map(String.init)
        guard labels.count > 2 else { return labels.joined(separator: ".") }
        let lastTwo = labels.suffix(2).joined(separator: ".")
        let suffixLabels = multiLabelSuffixes.contains(lastTwo) ? 2 : 1
        return labels.suffix(suffixLabels + 1).joined(separator: ".")
    }

    /// Two-label public suffixes (a subset of publicsuffix.org's ICANN section).
    static let multiLabelSuffixes: Set<String> = {
        var set: Set<String> = []
        let table: [String: [String]] = [
            "cn": ["com", "net", "org", "gov", "edu", "ac", "mil", "ah", "bj", "cq", "fj", "gd", "gs", "gx", "gz", "ha", "hb",
                   "he", "hi", "hk", "hl", "hn", "jl", "js", "jx", "ln", "mo", "nm", "nx", "qh", "sc", "sd", "sh", "sn", "sx",
                   "tj", "tw", "xj", "xz", "yn", "zj"],
            "hk": ["com", "edu", "gov", "idv", "net", "org"],
            "tw": ["com", "edu", "gov", "idv", "mil", "net", "org"],
            "mo": ["com", "edu", "gov", "net", "org"],
            "jp": ["ac", "ad", "co", "ed", "go", "gr", "lg", "ne", "or"],
            "kr": ["ac", "co", "go", "ne", "or", "re", "pe"],
            "uk": ["ac", "co", "gov", "ltd", "me", "net", "nhs", "org", "plc", "police", "sch"],
            "au": ["asn", "com", "edu", "gov", "id", "net", "org"],
            "nz": ["ac", "co", "govt", "net", "org", "school"],
            "sg": ["com", "edu", "gov", "net", "org", "per"],
            "my": ["com", "edu", "gov", "net", "org"],
            "in": ["ac", "co", "edu", "gov", "net", "org", "res"],
            "br": ["com", "edu", "gov", "net", "org"],
            "za": ["ac", "co", "gov", "net", "org"],
            "th": ["ac", "co", "go", "in", "net", "or"],
            "id": ["ac", "co", "go", "net", "or", "web"],
            "vn": ["com", "edu", "gov", "net", "org"],
            "ph": ["com", "edu", "gov", "net", "org"],
            "mx": ["com", "edu", "gob", "net", "org"],
            "ar": ["com", "edu", "gob", "net", "org"],
            "tr": ["com", "edu", "gov", "net", "org"],
            "il": ["ac", "co", "gov", "net", "org"],
            "ru": ["com", "net", "org"],
        ]
        for (tld, seconds) in table {
            for second in seconds { set.insert("\(second).\(tld)") }
        }
        return set
    }()
}
