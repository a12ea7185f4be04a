import Foundation

/// What a client-specific password may open (SPEC B4): some of the mail doors, perhaps only to
/// read, perhaps until a moment. A password made without choosing opens all three doors for
/// reading and writing until it is deleted, as every password did before scopes existed.
///
/// Read-only concerns the mailbox doors: IMAP opens every folder as with EXAMINE and refuses
/// what would change a folder or a message (flags, expunge, copy, move, append, folder
/// changes), POP3 refuses DELE. Whether mail may be sent is the `smtp` door, not read-only.
public struct AppPasswordScope: Sendable, Equatable, Hashable {
    /// The doors a client-specific password can be made for, in the order they are shown.
    public static let mailDoors: [DoorKind] = [.imap, .pop3, .smtp]

    public var doors: Set<DoorKind>
    public var readOnly: Bool
    public var expiresAt: Date?

    public init(doors: Set<DoorKind> = Set(mailDoors), readOnly: Bool = false, expiresAt: Date? = nil) {
        self.doors = doors
        self.readOnly = readOnly
        self.expiresAt = expiresAt
    }

    /// All doors, read and write, no end.
    public static let unrestricted = AppPasswordScope()

    public var isUnrestricted: Bool { self == .unrestricted }

    /// The mailbox doors' answer to a change asked for with a read-only password.
    public static let readOnlyRefusal = "This client-specific password is read-only"

    /// Why a password of this scope does not open `door` at `now`, nil when it does.
    public func refusal(at door: DoorKind, now: Date) -> ClientPasswordLimit? {
        if let expiresAt, now >= expiresAt { return .expired(expiresAt) }
        if !doors.contains(door) { return .notForDoor(door) }
        return nil
    }

    public func isExpired(at now: Date) -> Bool {
        expiresAt.map { now >= $0 } ?? false
    }

    /// The scope a user asked for, checked: at least one mail door, read-only only with a door
    /// that reads mail, an end in the future.
    public func validated(now: Date) throws -> AppPasswordScope {
        guard !doors.isEmpty, doors.isSubset(of: Self.mailDoors) else { throw TwoStepError.invalidScope(.noDoor) }
        if readOnly, !doors.contains(.imap), !doors.contains(.pop3) { throw TwoStepError.invalidScope(.readOnlyWithoutMailbox) }
        if let expiresAt, expiresAt <= now { throw TwoStepError.invalidScope(.endInThePast) }
        return self
    }

    /// The doors as stored and sent in the API: `imap,pop3,smtp` in that order.
    public var doorNames: [String] {
        Self.mailDoors.filter(doors.contains).map(\.rawValue)
    }

    /// The stored form's doors (`imap,smtp`); nil when it names none or an unknown one.
    public static func doors(stored text: String) -> Set<DoorKind>? {
        var doors: Set<DoorKind> = []
        for name in text.split(separator: ",") {
            guard let door = DoorKind(rawValue: String(name)), mailDoors.contains(door) else { return nil }
            doors.insert(door)
        }
        return doors.isEmpty ? nil : doors
    }

    /// A short English description for the audit log: `IMAP, SMTP; read-only; until 2027-01-31T16:00:00Z`.
    public var auditText: String {
        var parts = [doorNames.map { $0.uppercased() }.joined(separator: ", ")]
        if readOnly { parts.append("read-only") }
        if let expiresAt { parts.append("until \(ISO8601DateFormatter().string(from: expiresAt))") }
        return parts.joined(separator: "; ")
    }
}

/// Why a right client-specific password was refused at a door (SPEC B4).
public enum ClientPasswordLimit: Sendable, Equatable, Hashable {
    case expired(Date)
    case notForDoor(DoorKind)

    /// The refusal's text at the mail doors: 7-bit, as IMAP's and POP3's response texts are.
    public var asciiText: String {
        switch self {
        case .expired:
            "This client-specific password has expired; make a new one in the webmail's settings"
        case .notForDoor(let door):
            "This client-specific password is not allowed for \(door.rawValue.uppercased()); make one that is in the webmail's settings"
        }
    }

    /// The audit log's words.
    public var auditText: String {
        switch self {
        case .expired(let end): "expired at \(ISO8601DateFormatter().string(from: end))"
        case .notForDoor(let door): "not made for \(door.rawValue.uppercased())"
        }
    }
}

/// What is wrong with a requested scope.
public enum AppPasswordScopeProblem: Sendable, Equatable {
    case noDoor
    case readOnlyWithoutMailbox
    case endInThePast
}
