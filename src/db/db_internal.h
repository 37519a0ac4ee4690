/*
 * db_internal — what src/db/db_*.c modules share: the PGconn behind a struct db and the
 * mapping of failed results into struct err. Only files under src/db/ may include this
 * (it pulls in libpq). Same threading rule as db.h: one thread per struct db at a time.
 */
#ifndef DB_DB_INTERNAL_H
#define DB_DB_INTERNAL_H

#include <libpq-fe.h>

#include "db/db.h"

/* The connection inside db; borrowed, valid until db_close. */
PGconn *db_pg(struct db *db);

/*
 * Maps a result whose status is not `want` into e as described in db.h (EB* → RC_REFUSED,
 * connection loss → RC_DB "sin conexión…", else RC_DB with the server's message) and
 * returns that rc; returns RC_OK when PQresultStatus(res) == want. res may be NULL (out
 * of memory or connection gone). Does not clear res: the caller does, on its one exit path.
 */
int db_check(struct db *db, const PGresult *res, ExecStatusType want, struct err *e);

/* The same mapping for a result already known to have failed. Returns the rc set in e. */
int db_result_err(struct db *db, const PGresult *res, struct err *e);

#endif
