/// The parts of `/etc/resolv.conf` the resolver uses (resolv.conf(5)). Pure.
public struct ResolvConf: Sendable, Equatable {
    /// Name server IP addresses, in order (at most 3, as the C resolver does).
    public var nameservers: [String]
    /// `options timeout:n`, seconds per try.
    public var timeout: Double
    /// `options attempts:n`, rounds over all servers.
    public var attempts: Int

    public init(nameservers: [String], timeout: Double = 5, attempts: Int = 2) {
        self.nameservers = nameservers
        self.timeout = timeout
        self.attempts = attempts
    }

    /// Parses the file's text; with no `nameserver` line, the local host (`127.0.0.1`) as the C
    /// library does.
    public static func parse(_ text: String) -> ResolvConf {
        var result = ResolvConf(nameservers: [])
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.prefix { $0 != "#" && $0 != ";" }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = fields.first else { continue }
            switch keyword {
            case "nameserver" where fields.count >= 2 && result.nameservers.count < 3:
                // Drop an IPv6 zone (`fe80::1%eth0`): NIO addresses do not take one.
                result.nameservers.append(String(fields[1].prefix { $0 != "%" }))
            case "options":
                for option in fields.dropFirst() {
                    if option.hasPrefix("timeout:"), let value = Double(option.dropFirst(8)), value > 0 {
                        result.timeout = min(value, 30)
                    } else if option.hasPrefix("attempts:"), let value = Int(option.dropFirst(9)), value > 0 {
                        result.attempts = min(value, 5)
                    }
                }
            default:
                continue
            }
        }
        if result.nameservers.isEmpty { result.nameservers = ["127.0.0.1"] }
        return result
    }
}
