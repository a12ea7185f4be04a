#ifndef SQLITE_PROCESS_SETTINGS_H
#define SQLITE_PROCESS_SETTINGS_H

/// SQLite's process-wide settings for Mailward (`sqlite3_config`, which is a C variadic function
/// that Swift cannot call; hence this C wrapper):
///
/// - Memory statistics off (`SQLITE_CONFIG_MEMSTATUS`). With them on (SQLite's default), every
///   allocation and free inside SQLite takes one process-wide mutex to update the counters;
///   Debian's SQLite is also built without lookaside memory, so each statement allocates many
///   times. Readers on the event loops and the writer then queue on that one mutex. Nothing in
///   Mailward reads the statistics.
///
/// Not changed: the statement journal's spill threshold (`SQLITE_CONFIG_STMTJRNL_SPILL`, 64 KiB).
/// Raised (to 256 KiB … 4 MiB), SQLite 3.40 failed every statement whose journal then spilled to
/// its temporary file with "database or disk is full" — deleting a folder of a thousand messages,
/// or an account. The group commit keeps its savepoint journals in memory per transaction
/// instead (`InsertBatcher`).
///
/// SQLite accepts these only before it initializes (before the first database is opened); later
/// calls change nothing. Returns 0 when applied, else SQLite's error code (21 when too late).
int mailward_sqlite_configure_process(void);

#endif
