/// Writes audit events (A12). A failure to write one never turns a user's action into an error:
/// the action already happened, and refusing it afterwards would not undo it.
struct AuditLog: Sendable {
    let store: any SecurityStore
    let clock: any WallClock

    func record(_ kind: AuditKind, account: AccountID?, door: String? = "web", method: String? = nil,
                success: Bool = true, ip: String? = nil, detail: String = "") async {
        try? await store.appendAuditEvent(NewAuditEvent(
            at: clock.now, accountID: account, kind: kind, door: door, method: method,
            success: success, ip: ip, detail: Self.oneLine(detail)))
    }

    /// A detail holds text others chose (a client's IMAP `ID` name, a subject a grantee read):
    /// control characters and line separators become spaces, so no entry can forge a line (or a
    /// column) of its own where the log is printed (`mailward user audit`, the sign-in list).
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isBreaking) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(isBreaking(scalar) ? " " : scalar) }
        return String(out)
    }

    private static func isBreaking(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
