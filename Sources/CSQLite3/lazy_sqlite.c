/* The SQLite functions helmctl calls, as trampolines into libsqlite3 loaded on first use
 * (CDynamicLoad). A function missing here shows up as an undefined symbol when linking. */
#include "CSQLite3.h"

#include "CDynamicLoad.h"

static helmctl_lazy_library sqlite = HELMCTL_LAZY_LIBRARY_INIT("libsqlite3.so.0", "libsqlite3-0");

HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_bind_blob, (sqlite3_stmt *a0, int a1, const void *a2, int a3, __typeof__(void (*)(void *)) a4), (a0, a1, a2, a3, a4))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_bind_int64, (sqlite3_stmt *a0, int a1, sqlite3_int64 a2), (a0, a1, a2))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_bind_null, (sqlite3_stmt *a0, int a1), (a0, a1))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_bind_text, (sqlite3_stmt *a0, int a1, const char *a2, int a3, __typeof__(void (*)(void *)) a4), (a0, a1, a2, a3, a4))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_changes, (sqlite3 *a0), (a0))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_clear_bindings, (sqlite3_stmt *a0), (a0))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_close, (sqlite3 *a0), (a0))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_close_v2, (sqlite3 *a0), (a0))
HELMCTL_LAZY_FUNCTION(sqlite, const void *, sqlite3_column_blob, (sqlite3_stmt *a0, int a1), (a0, a1))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_column_bytes, (sqlite3_stmt *a0, int a1), (a0, a1))
HELMCTL_LAZY_FUNCTION(sqlite, sqlite3_int64, sqlite3_column_int64, (sqlite3_stmt *a0, int a1), (a0, a1))
HELMCTL_LAZY_FUNCTION(sqlite, const unsigned char *, sqlite3_column_text, (sqlite3_stmt *a0, int a1), (a0, a1))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_column_type, (sqlite3_stmt *a0, int a1), (a0, a1))
HELMCTL_LAZY_FUNCTION(sqlite, const char *, sqlite3_errmsg, (sqlite3 *a0), (a0))
HELMCTL_LAZY_FUNCTION(sqlite, const char *, sqlite3_errstr, (int a0), (a0))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_exec, (sqlite3 *a0, const char *a1, __typeof__(int (*)(void *, int, char **, char **)) a2, void *a3, char **a4), (a0, a1, a2, a3, a4))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_extended_result_codes, (sqlite3 *a0, int a1), (a0, a1))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_finalize, (sqlite3_stmt *a0), (a0))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_open, (const char *a0, sqlite3 **a1), (a0, a1))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_open_v2, (const char *a0, sqlite3 **a1, int a2, const char *a3), (a0, a1, a2, a3))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_prepare_v2, (sqlite3 *a0, const char *a1, int a2, sqlite3_stmt **a3, const char **a4), (a0, a1, a2, a3, a4))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_prepare_v3, (sqlite3 *a0, const char *a1, int a2, unsigned int a3, sqlite3_stmt **a4, const char **a5), (a0, a1, a2, a3, a4, a5))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_reset, (sqlite3_stmt *a0), (a0))
HELMCTL_LAZY_FUNCTION(sqlite, int, sqlite3_step, (sqlite3_stmt *a0), (a0))
