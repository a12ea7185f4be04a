/// A store whose schema a newer Mailward has changed: it lists migrations this version does not
/// know. The server refuses to start on it rather than read tables whose meaning moved (an older
/// build on an upgraded folder served part of the mail as errors, missed it in searches, and
/// could not find accounts whose domain the upgrade had renamed).
public struct NewerStoreSchema: Error, Equatable, Sendable, CustomStringConvertible {
    /// The unknown migrations, by name.
    public let migrations: [String]

    public init(migrations: [String]) {
        self.migrations = migrations.sorted()
    }

    public var description: String {
        "the store was upgraded by a newer Mailward (schema changes this version does not know: "
            + migrations.joined(separator: ", ") + "); run that version or a newer one"
    }
}

/// A store that brings its schema up to date when it opens: what it applied then, so that the
/// server can say in its log that an upgrade changed the store (and which changes). Opened only
/// to be checked (`mailward config check`), it applies nothing and says what it would apply.
public protocol MigratingStore: Sendable {
    /// The migrations this open applied, in order: empty when the schema was current, every one
    /// of them when the store was new.
    var migrationsAppliedAtOpen: [String] { get }
    /// The migrations an open for checking found missing and left for `serve` to apply, in
    /// order (always empty after an ordinary open, which applies them).
    var migrationsPendingAtOpen: [String] { get }
    /// Every migration this version knows.
    static var knownMigrations: [String] { get }
}
