import Foundation

/// A short label a person types — a client-specific password's name, an account's display name:
/// surrounding white space trimmed, then 1…`limit` characters and no control character (a line
/// break would end a header field the label is written into; PostgreSQL cannot store NUL).
public enum TypedLabel {
    public enum Problem: Error, Equatable, Sendable {
        case empty
        case tooLong
        case controlCharacter
    }

    public static func check(_ raw: String, limit: Int) -> Result<String, Problem> {
        let label = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if label.isEmpty { return .failure(.empty) }
        if label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .failure(.controlCharacter)
        }
        return label.count <= limit ? .success(label) : .failure(.tooLong)
    }
}
