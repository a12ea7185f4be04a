import Logging
import MailwardCore

extension Runtime {
    /// Says in the log when opening the store changed its schema — a new store, or an upgrade
    /// naming each change — so an operator can tell from the log what an upgrade did to the data
    /// (and that there is no going back without a backup, production.md).
    static func logSchemaChanges(of store: any MailwardStore, logger: Logger = Logger(label: "mailward.store")) {
        guard let migrating = store as? any MigratingStore else { return }
        let applied = migrating.migrationsAppliedAtOpen
        guard !applied.isEmpty else { return }
        if applied.count == type(of: migrating).knownMigrations.count {
            logger.info("created the store's schema", metadata: ["migrations": "\(applied.count)"])
        } else {
            logger.notice("upgraded the store's schema", metadata: ["applied": "\(applied.joined(separator: ", "))"])
        }
    }
}
