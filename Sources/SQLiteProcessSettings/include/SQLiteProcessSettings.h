#ifndef SQLITE_PROCESS_SETTINGS_H
#define SQLITE_PROCESS_SETTINGS_H

/// Turns off SQLite's memory statistics for the whole process (`SQLITE_CONFIG_MEMSTATUS`).
///
/// With statistics on (SQLite's default), every allocation and free inside SQLite takes one
/// process-wide mutex to update the counters; Debian's SQLite is also built without lookaside
/// memory, so each statement allocates many times. Readers on the event loops and the writer then
/// queue on that one mutex. Nothing in Mailward reads the statistics.
///
/// SQLite accepts this only before it initializes (before the first database is opened); later
/// calls change nothing. Returns SQLite's result code (0 when applied, 21 when too late).
/// `sqlite3_config` is a C variadic function, which Swift cannot call; hence this C wrapper.
int mailward_sqlite_disable_memory_statistics(void);

#endif
