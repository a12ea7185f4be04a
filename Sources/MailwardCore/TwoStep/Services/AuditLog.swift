/// Writes audit events (A12). A failure to write one never turns a user's action into an error:
/// the action already happened, and refusing it afterwards would not undo it.
struct AuditLog: Sendable {
    let store: any SecurityStore
    let clock: any WallClock

    func record(_ kind: AuditKind, account: AccountID?, door: String? = "web", method: String? = nil,
                success: Bool = true, ip: String? = nil, detail: String = "") async {
        try? await store.appendAuditEvent(NewAuditEvent(
            at: clock.now, accountID: account, kind: kind, door: door, method: method,
            success: success, ip: ip, detail: detail))
    }
}
