import Configuration

extension ConfigurationLoader {
    /// Every key the server reads, with the value it takes when neither the file nor the
    /// environment sets it, in the order the loader reads them. Taken from the very reads that
    /// load a configuration (each typed read notes its fallback), so the list cannot miss a key or
    /// disagree with the defaults in force.
    public static func defaults() throws -> [(key: String, value: String)] {
        let asked = AskedKeys()
        _ = try parse(ConfigReader(providers: [InMemoryProvider(values: [:])]), asked: asked)
        return asked.defaults
    }

    /// ``defaults()`` as a configuration file (`mailward config defaults`, like `postconf -d` and
    /// `doveconf -d`): a starting point to edit, which loads back into exactly the defaults.
    public static func defaultsYAML() throws -> String {
        let header = """
            # Mailward's defaults: every key the server reads, with the value it takes when neither the
            # configuration file nor a MAILWARD_* variable sets it. docs/configuration.md explains each key.
            """
        return header + "\n\n" + DefaultsYAML.lines(try defaults().map { (path: $0.key.split(separator: ".")[...], value: $0.value) },
                                           depth: 0).joined(separator: "\n") + "\n"
    }
}

/// Dotted keys written as nested YAML mappings, sections in the order their first key was read.
enum DefaultsYAML {
    static func lines(_ entries: [(path: ArraySlice<Substring>, value: String)], depth: Int) -> [String] {
        var order: [Substring] = []
        var groups: [Substring: [(path: ArraySlice<Substring>, value: String)]] = [:]
        for entry in entries {
            guard let head = entry.path.first else { continue }
            if groups[head] == nil { order.append(head) }
            groups[head, default: []].append((entry.path.dropFirst(), entry.value))
        }
        let indent = String(repeating: "  ", count: depth)
        var out: [String] = []
        for head in order {
            let members = groups[head] ?? []
            if let leaf = members.first(where: { $0.path.isEmpty }) {
                out.append("\(indent)\(head): \(scalar(leaf.value))")
            } else {
                out.append("\(indent)\(head):")
                out += lines(members, depth: depth + 1)
            }
        }
        return out
    }

    /// Words YAML 1.1 reads as a boolean or null rather than as text.
    private static let yamlWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "null", "~"]

    /// A value as YAML text the loader reads back unchanged: plain when it is a number, `true` or
    /// `false`, or a simple word that YAML takes for nothing else; otherwise double-quoted.
    static func scalar(_ value: String) -> String {
        if value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) && !value.isEmpty { return value }
        if value == "true" || value == "false" { return value }
        if let first = value.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII, !yamlWords.contains(value.lowercased()),
           value.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }) {
            return value
        }
        var quoted = "\""
        for character in value.unicodeScalars {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default: quoted.unicodeScalars.append(character)
            }
        }
        return quoted + "\""
    }
}
