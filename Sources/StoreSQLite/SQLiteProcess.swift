import SQLiteProcessSettings

/// SQLite's settings for the whole process, made once before the first database opens: every
/// opener of a database in this process (``SQLiteStore``, and tests that open one directly)
/// touches ``memoryStatisticsOff`` first.
public enum SQLiteProcess {
    /// Whether SQLite's memory statistics are off (see `mailward_sqlite_disable_memory_statistics`
    /// for why). False only when SQLite was initialized before anything here ran — the setting
    /// then cannot change, and SQLite works as before, only slower under concurrency.
    /// A static's initializer runs exactly once, whichever thread gets here first.
    public static let memoryStatisticsOff: Bool = mailward_sqlite_disable_memory_statistics() == 0
}
