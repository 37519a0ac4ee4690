/*
 * db_internal — what src/db/db_*.c modules share: the PGconn behind a struct db and the
 * mapping of failed results into struct err. Only files under src/db/ may include this
 * (it pulls in libpq). Same threading rule as db.h: one thread per struct db at a time.
 */
#ifndef DB_DB_INTERNAL_H
#define DB_DB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/*
 * db_result.c — running one parameterised statement and reading its columns, shared by the
 * db_<aggregate>.c modules. Parameters are text ($1…$n); *res is always set (maybe NULL) so
 * the caller clears it on its one exit path.
 */

/* A statement that returns rows (or none): RC_OK or the db_check mapping. */
int db_query_rows(struct db *db, const char *sql, int n, const char *const *params,
                  PGresult **res, struct err *e);

/* Like db_query_rows, and exactly one row must come back (else RC_DB). */
int db_query_row(struct db *db, const char *sql, int n, const char *const *params,
                 PGresult **res, struct err *e);

/* Column readers; SQL NULL reads as 0, false, "" (copy) or NULL (dup). */
int64_t db_col_i64(const PGresult *res, int row, int col);
int db_col_int(const PGresult *res, int row, int col);
double db_col_double(const PGresult *res, int row, int col);
bool db_col_bool(const PGresult *res, int row, int col);
/* Copies into dst (size bytes), cut on a UTF-8 character boundary so no character is split. */
void db_col_copy(char *dst, size_t size, const PGresult *res, int row, int col);
/* A newly allocated copy (the caller frees it), or NULL for SQL NULL. */
char *db_col_dup(const PGresult *res, int row, int col);
/* A newly allocated copy (the caller frees it), "" for SQL NULL. */
char *db_col_str(const PGresult *res, int row, int col);

/* Decimal text of an integer parameter ($n as text), in storage the caller owns. */
struct db_num {
    char s[24];
};
const char *db_num_i64(struct db_num *n, int64_t v);

/* Appends s as one element of an array literal: "…" with \ and " escaped, NULL unquoted.
 * The caller writes the braces and commas. */
struct strbuf;
void db_array_elem(struct strbuf *sb, const char *s);

/*
 * db_wa.c — the claim of a message, for db_wa.c (api.mensaje_reclamar) and db_sender.c
 * (api.mensaje_reclamar_diferido, api.respuesta_reclamar_diferido): runs sql, whose $1 is the
 * account and whose columns are mensaje_id, campana_id, oportunidad_id, telefono, jid, texto.
 */
struct db_mensaje;
int db_mensaje_claim_run(struct db *db, const char *sql, int cuenta, struct db_mensaje *out,
                         bool *found, struct err *e);

#endif
