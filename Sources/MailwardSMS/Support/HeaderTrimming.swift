import Foundation

/// Header values are signed without surrounding blanks (both vendors' canonical-header rule).
func trimmed(_ text: String) -> String {
    text.trimmingCharacters(in: .whitespaces)
}
