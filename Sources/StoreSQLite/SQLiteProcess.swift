import SQLiteProcessSettings

/// SQLite's settings for the whole process, made once before the first database opens: every
/// opener of a database in this process (``SQLiteStore``, and tests that open one directly)
/// touches ``configured`` first.
public enum SQLiteProcess {
    /// Whether the settings are in force (see `mailward_sqlite_configure_process` for what and
    /// why): memory statistics off. False only when SQLite was initialized before anything here
    /// ran — the settings then cannot change, and SQLite works as before, only slower.
    /// A static's initializer runs exactly once, whichever thread gets here first.
    public static let configured: Bool = mailward_sqlite_configure_process() == 0
}
