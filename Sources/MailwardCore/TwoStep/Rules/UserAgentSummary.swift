/// Turns a User-Agent header into the short "browser · system" name the device list shows
/// (A9). Only recognises the common browsers; anything else is "Unknown browser".
public enum UserAgentSummary {
    public static func summarize(_ userAgent: String?) -> String {
        guard let ua = userAgent?.prefix(512), !ua.isEmpty else { return "Unknown browser" }
        let text = String(ua)
        let browser: String
        if let v = version(after: "Edg/", in: text) { browser = "Edge \(v)" }
        else if let v = version(after: "OPR/", in: text) { browser = "Opera \(v)" }
        else if let v = version(after: "Firefox/", in: text) { browser = "Firefox \(v)" }
        else if text.contains("HeadlessChrome/"), let v = version(after: "HeadlessChrome/", in: text) { browser = "Chrome \(v) (headless)" }
        else if let v = version(after: "Chrome/", in: text) { browser = "Chrome \(v)" }
        else if text.contains("Safari/"), let v = version(after: "Version/", in: text) { browser = "Safari \(v)" }
        else if text.hasPrefix("curl/") { browser = "curl" }
        else { browser = "Unknown browser" }
        let system: String
        if text.contains("iPhone") || text.contains("iPad") { system = "iOS" }
        else if text.contains("Android") { system = "Android" }
        else if text.contains("Windows") { system = "Windows" }
        else if text.contains("Mac OS X") || text.contains("Macintosh") { system = "macOS" }
        else if text.contains("CrOS") { system = "ChromeOS" }
        else if text.contains("Linux") { system = "Linux" }
        else { system = "" }
        return system.isEmpty ? browser : "\(browser) · \(system)"
    }

    /// The major version number after `marker`, e.g. `Chrome/120.0.1` → `120`.
    static func version(after marker: String, in text: String) -> String? {
        guard let range = text.range(of: marker) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty ? nil : String(digits.prefix(6))
    }
}
