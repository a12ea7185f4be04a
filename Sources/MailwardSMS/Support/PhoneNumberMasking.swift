/// Hides the middle of a phone number for logs: `+8613800138000` → `+86138****8000`.
///
/// The four digits before the last four are replaced, which keeps the country code and carrier
/// prefix (useful when diagnosing delivery) without making the number identifiable.
public func maskedPhoneNumber(_ number: String) -> String {
    let characters = Array(number)
    guard characters.count > 8 else {
        // Too short to keep both ends; show only the last two.
        let shown = characters.suffix(2)
        return String(repeating: "*", count: max(characters.count - shown.count, 4)) + String(shown)
    }
    let head = characters.prefix(characters.count - 8)
    let tail = characters.suffix(4)
    return String(head) + "****" + String(tail)
}
