#include "db/db_signal.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/err.h"

#define DB_SIGNAL_BLOB_MAX (1048576 + 41)

int
db_signal_guardar(struct db *db, int64_t cuenta, const char *tabla, const char *clave,
                  const uint8_t *blob, size_t len, struct err *e)
{
    static const char sql[] = "SELECT api.wa_signal_guardar($1, $2, $3, $4)";
    char id[24];
    const char *p[4] = { id, tabla, clave, (const char *)blob };
    int lens[4] = { 0, 0, 0, (int)len };
    int fmts[4] = { 0, 0, 0, 1 };
    PGresult *res;
    int rc;

    assert(db != NULL && tabla != NULL && clave != NULL && blob != NULL);
    if (len > DB_SIGNAL_BLOB_MAX)
        return err_set(e, RC_INVAL, "fila de Signal demasiado grande");
    snprintf(id, sizeof id, "%" PRId64, cuenta);
    res = PQexecParams(db_pg(db), sql, 4, NULL, p, lens, fmts, 0);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    PQclear(res);
    return rc;
}

int
db_signal_borrar(struct db *db, int64_t cuenta, const char *tabla, const char *clave, bool *borrada,
                 struct err *e)
{
    static const char sql[] = "SELECT api.wa_signal_borrar($1, $2, $3)";
    char id[24];
    const char *p[3] = { id, tabla, clave };
    PGresult *res;
    int rc;

    assert(db != NULL && tabla != NULL && clave != NULL);
    snprintf(id, sizeof id, "%" PRId64, cuenta);
    res = PQexecParams(db_pg(db), sql, 3, NULL, p, NULL, NULL, 0);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    if (rc == RC_OK && borrada != NULL)
        *borrada = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return rc;
}

int
db_signal_filas(struct db *db, int64_t cuenta, const char *tabla, db_signal_fila_fn fn, void *arg,
                struct err *e)
{
    static const char sql[] = "SELECT clave, blob FROM api.wa_signal_filas($1, $2)";
    char id[24];
    const char *p[2] = { id, tabla };
    PGresult *res;
    int rc;

    assert(db != NULL && tabla != NULL && fn != NULL);
    snprintf(id, sizeof id, "%" PRId64, cuenta);
    /* Binary results: the blob comes as raw bytes, the key as its text (NUL-terminated). */
    res = PQexecParams(db_pg(db), sql, 2, NULL, p, NULL, NULL, 1);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    for (int i = 0; rc == RC_OK && i < PQntuples(res); i++)
        rc = fn(arg, PQgetvalue(res, i, 0), (const uint8_t *)PQgetvalue(res, i, 1),
                (size_t)PQgetlength(res, i, 1), e);
    PQclear(res);
    return rc;
}

int
db_signal_vaciar(struct db *db, int64_t cuenta, long long *borradas, struct err *e)
{
    static const char sql[] = "SELECT api.wa_signal_vaciar($1)";
    char id[24];
    const char *p[1] = { id };
    PGresult *res;
    int rc;

    assert(db != NULL);
    snprintf(id, sizeof id, "%" PRId64, cuenta);
    res = PQexecParams(db_pg(db), sql, 1, NULL, p, NULL, NULL, 0);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    if (rc == RC_OK && borradas != NULL)
        *borradas = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return rc;
}
