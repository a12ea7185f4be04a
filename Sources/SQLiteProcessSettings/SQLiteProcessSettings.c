#include <sqlite3.h>
#include "SQLiteProcessSettings.h"

int mailward_sqlite_configure_process(int statement_journal_spill) {
    int result = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (result != SQLITE_OK) return result;
    return sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, statement_journal_spill);
}
