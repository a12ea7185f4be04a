/// The digits of an SMS code (A10): 6 digits from the CSPRNG, and how typed input is read
/// (blanks and full-width digits tolerated, anything else is simply a wrong code).
public enum VerificationCode {
    public static let length = 6

    public static func generate(_ random: any RandomSource) -> String {
        let value = random.uniform(below: 1_000_000)
        let digits = String(value)
        return String(repeating: "0", count: length - digits.count) + digits
    }

    /// The 6 ASCII digits typed, or `nil` when the input cannot be a code.
    public static func normalize(_ typed: String) -> String? {
        guard typed.unicodeScalars.count <= 32 else { return nil }
        var digits = ""
        for scalar in typed.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39: digits.unicodeScalars.append(scalar)
            case 0xFF10...0xFF19: digits.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0x20, 0x09, 0x3000, 0x2D: continue
            default: return nil
            }
        }
        return digits.count == length ? digits : nil
    }
}
