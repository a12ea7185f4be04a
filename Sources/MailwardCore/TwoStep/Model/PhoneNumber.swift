/// A mobile number in E.164 form (`+8613800138000`), the only form Mailward stores or sends to
/// (SPEC A2). People type numbers in many shapes; `init(parsing:)` accepts the common ones and
/// refuses everything else with `TwoStepError.invalidPhone`.
public struct PhoneNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `+` followed by 8 to 15 digits.
    public let e164: String

    public var description: String { e164 }

    /// Accepts `13800138000` (a bare mainland-China mobile number means +86), `+86 138-0013-8000`,
    /// `0086…`, `+44 7700 900123`, full-width digits and separators typed with a Chinese input method.
    public init(parsing raw: String) throws {
        guard raw.unicodeScalars.count <= 40 else { throw TwoStepError.invalidPhone }
        var text = ""
        for scalar in raw.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39, 0x2B: text.unicodeScalars.append(scalar)
            case 0xFF10...0xFF19: text.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0xFF0B: text.append("+")
            case 0x20, 0x09, 0x3000, 0x2D, 0xFF0D, 0x2E, 0x28, 0x29, 0xFF08, 0xFF09: continue
            default: throw TwoStepError.invalidPhone
            }
        }
        let digits: Substring
        if text.hasPrefix("+") {
            digits = text.dropFirst()
        } else if text.hasPrefix("00") {
            digits = text.dropFirst(2)
        } else if text.count == 11, text.hasPrefix("1") {
            digits = Substring("86" + text)
        } else {
            throw TwoStepError.invalidPhone
        }
        guard (8...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              digits.first != "0" else { throw TwoStepError.invalidPhone }
        if digits.hasPrefix("86") {
            // Mainland China: only mobile numbers (1[3-9]x xxxx xxxx) receive SMS.
            let national = digits.dropFirst(2)
            guard national.count == 11, national.first == "1",
                  let second = national.dropFirst().first, ("3"..."9").contains(second) else {
                throw TwoStepError.invalidPhone
            }
        }
        e164 = "+" + digits
    }

    /// Whether the number's whole country calling code is one of `codes` (`86`, `+852`); every
    /// number when `codes` is empty. `85` is no calling code and matches nothing (not +852).
    public func isIn(countries codes: [String]) -> Bool {
        guard !codes.isEmpty else { return true }
        let digits = Array(e164.dropFirst())
        let code = String(digits.prefix(Self.countryCodeLength(digits)))
        return codes.contains { ($0.hasPrefix("+") ? String($0.dropFirst()) : $0) == code }
    }

    /// Whether `code` (`86`, `+852`, `1`) is a whole country calling code by E.164's zones.
    public static func isCallingCode(_ code: String) -> Bool {
        let digits = Array(code.hasPrefix("+") ? String(code.dropFirst()) : code)
        guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return countryCodeLength(digits + Array(repeating: "0", count: 8)) == digits.count
    }

    /// Reads a number that was stored already normalized (no validation beyond the shape).
    public init(storedE164: String) {
        e164 = storedE164
    }

    /// The number with its middle hidden, for pages and API answers: `+86 138****8000`,
    /// `+852 ****4567` — the country code whole, then the last four digits of the national number
    /// (and its first three when it has eleven or more).
    public var hint: String {
        let digits = Array(e164.dropFirst())
        let code = Self.countryCodeLength(digits)
        let national = digits.dropFirst(code)
        // The first three only where many stay hidden (a mainland mobile's 11 digits).
        let shown = national.count >= 11 ? 3 : 0
        let hidden = max(national.count - shown - 4, 1)
        return "+" + String(digits.prefix(code)) + " " + String(national.prefix(shown)) + String(repeating: "*", count: hidden)
            + String(national.suffix(4))
    }

    /// `text` (a gateway's error message, say) with this number, written in full, in its
    /// national form or without its `+`, replaced by ``hint``: logs and audit entries show numbers
    /// masked, whatever a provider echoes back.
    public func masking(in text: String) -> String {
        let digits = Array(e164.dropFirst())
        let national = String(digits.dropFirst(Self.countryCodeLength(digits)))
        var masked = text.replacingOccurrences(of: e164, with: hint)
        masked = masked.replacingOccurrences(of: String(digits), with: hint)
        if national.count >= 7 { masked = masked.replacingOccurrences(of: national, with: hint) }
        return masked
    }

    /// How many leading digits of an international number are its country code (ITU-T E.164
    /// assigns by zone: 1 and 7 alone, these two-digit codes, three digits for the rest).
    static func countryCodeLength(_ digits: [Character]) -> Int {
        guard let first = digits.first else { return 0 }
        if first == "1" || first == "7" { return 1 }
        return twoDigitCountryCodes.contains(String(digits.prefix(2))) ? 2 : 3
    }

    static let twoDigitCountryCodes: Set<String> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66",
        "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ]
}
