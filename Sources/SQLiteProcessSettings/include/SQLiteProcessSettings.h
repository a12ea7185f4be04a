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
/// - Statement journals kept in memory up to `statement_journal_spill` bytes
///   (`SQLITE_CONFIG_STMTJRNL_SPILL`; SQLite's default is 64 KiB). Every grouped delivery runs in
///   a savepoint, which journals the prior content of each page it changes; past the limit the
///   journal goes to a temporary file created for the transaction — with the default, most
///   batches did, at some sixteen extra writes per delivery. A bigger change (deleting a large
///   account) still spills, so memory stays bounded.
///
/// SQLite accepts these only before it initializes (before the first database is opened); later
/// calls change nothing. Returns 0 when both applied, else SQLite's error code (21 when too late).
int mailward_sqlite_configure_process(int statement_journal_spill);

#endif
