/*
 * CSQLite: SQLite 3 from Debian (libsqlite3-dev), for `scrape crawl`'s state database.
 *
 * Keep this file to includes and wrappers that Swift cannot express: SQLITE_TRANSIENT is
 * a cast of -1 to a function pointer, which Swift cannot import as a constant.
 */
#ifndef CSQLITE_H
#define CSQLITE_H

#include <sqlite3.h>

/* Binds a copy of `text` (SQLite copies it before returning). */
static inline int csqlite_bind_text(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}

#endif
