/// DKIM's tag=value lists (RFC 6376 §3.2), used by signatures and key records. Pure.
enum DKIMTagList {
    /// The tags, names as written (case-sensitive), values with folding whitespace around them
    /// removed. nil when a tag repeats or a tag has no "=" (the list is invalid).
    static func parse(_ text: String) -> [String: String]? {
        var tags: [String: String] = [:]
        for spec in text.split(separator: ";", omittingEmptySubsequences: false) {
            let trimmed = spec.trimmingFWS
            if trimmed.isEmpty { continue }  // a trailing ";" is allowed
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            let name = String(trimmed[..<equals].trimmingFWS)
            guard !name.isEmpty, tags[name] == nil else { return nil }
            tags[name] = String(trimmed[trimmed.index(after: equals)...].trimmingFWS)
        }
        return tags
    }

    /// A value with every space, tab, CR and LF removed (base64 values may be folded anywhere).
    static func compact(_ value: String) -> String {
        String(value.filter { !" \t\r\n".contains($0) })
    }
}

extension Substring {
    var trimmingFWS: Substring {
        let isFWS: (Character) -> Bool = { " \t\r\n".contains($0) || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isFWS($0) }), let end = lastIndex(where: { !isFWS($0) }) else { return "" }
        return self[start...end]
    }
}
