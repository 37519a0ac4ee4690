/* db_wa_lid — LID map, privacy tokens, identity changes. See db_wa_lid.h. */
#include "db/db_wa_lid.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/err.h"

#define DB_TCTOKEN_MAX 1024

int
db_wa_lid_guardar(struct db *db, int64_t cuenta, const char *pn, const char *lid, struct err *e)
{
    char id[24];
    const char *p[3] = { id, pn, lid };
    PGresult *res;
    int rc;

    assert(db != NULL && pn != NULL && lid != NULL);
    snprintf(id, sizeof id, "%" PRId64, cuenta);
    rc = db_query_rows(db, "SELECT api.wa_lid_guardar($1, $2, $3)", 3, p, &res, e);
    PQclear(res);
    return rc;
}

int
db_wa_lid_filas(struct db *db, int64_t cuenta, int limite, db_wa_lid_fn fn, void *arg,
                struct err *e)
{
    char id[24], lim[16];
    const char *p[2] = { id, lim };
    PGresult *res;
    int rc;

    assert(db != NULL && fn != NULL);
    snprintf(id, sizeof id, "%" PRId64, cuenta);
    snprintf(lim, sizeof lim, "%d", limite);
    rc = db_query_rows(db, "SELECT pn, lid FROM api.wa_lid_filas($1, $2)", 2, p, &res, e);
    for (int i = 0; rc == RC_OK && i < PQntuples(res); i++)
        fn(arg, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
    PQclear(res);
    return rc;
}

int
db_wa_tctoken_guardar(struct db *db, int64_t cuenta, const char *jid, const uint8_t *token,
                      size_t len, int64_t t, bool *guardado, struct err *e)
{
    static const char sql[] = "SELECT api.wa_tctoken_guardar($1, $2, $3, $4)";
    char id[24], ts[24];
    const char *p[4] = { id, jid, (const char *)token, ts };
    int lens[4] = { 0, 0, (int)len, 0 };
    int fmts[4] = { 0, 0, 1, 0 };
    PGresult *res;
    int rc;

    assert(db != NULL && jid != NULL && token != NULL);
    if (len > DB_TCTOKEN_MAX)
        return err_set(e, RC_INVAL, "token de privacidad demasiado grande");
    snprintf(id, sizeof id, "%" PRId64, cuenta);
    snprintf(ts, sizeof ts, "%" PRId64, t);
    res = PQexecParams(db_pg(db), sql, 4, NULL, p, lens, fmts, 0);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    if (rc == RC_OK && guardado != NULL)
        *guardado = PQntuples(res) == 1 && db_col_bool(res, 0, 0);
    PQclear(res);
    return rc;
}

int
db_wa_tctoken_filas(struct db *db, int64_t cuenta, int64_t desde, int limite, db_wa_tctoken_fn fn,
                    void *arg, struct err *e)
{
    static const char sql[] = "SELECT jid, token, t::text FROM api.wa_tctoken_filas($1, $2, $3)";
    char id[24], ds[24], lim[16];
    const char *p[3] = { id, ds, lim };
    PGresult *res;
    int rc;

    assert(db != NULL && fn != NULL);
    snprintf(id, sizeof id, "%" PRId64, cuenta);
    snprintf(ds, sizeof ds, "%" PRId64, desde);
    snprintf(lim, sizeof lim, "%d", limite);
    /* Binary results: the token comes as raw bytes; jid and t::text as their text. */
    res = PQexecParams(db_pg(db), sql, 3, NULL, p, NULL, NULL, 1);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    for (int i = 0; rc == RC_OK && i < PQntuples(res); i++)
        fn(arg, PQgetvalue(res, i, 0), (const uint8_t *)PQgetvalue(res, i, 1),
           (size_t)PQgetlength(res, i, 1), strtoll(PQgetvalue(res, i, 2), NULL, 10));
    PQclear(res);
    return rc;
}

int
db_wa_identidad_cambiada(struct db *db, int64_t cuenta, const char *telefono_o_jid,
                         int64_t *oportunidad, struct err *e)
{
    char id[24];
    const char *p[2] = { telefono_o_jid, id };
    PGresult *res;
    int rc;

    assert(db != NULL && telefono_o_jid != NULL);
    snprintf(id, sizeof id, "%" PRId64, cuenta);
    rc = db_query_row(db, "SELECT api.wa_identidad_cambiada($1, $2)", 2, p, &res, e);
    if (rc == RC_OK && oportunidad != NULL)
        *oportunidad = db_col_i64(res, 0, 0);
    PQclear(res);
    return rc;
}
