#include <sqlite3.h>
#include "SQLiteProcessSettings.h"

int mailward_sqlite_configure_process(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
