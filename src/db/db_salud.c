#include "db/db_salud.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db/db_internal.h"
#include "util/err.h"

/*
 * The offset is the zone's wall clock minus UTC's, both for the same instant, so DST
 * zones are right for "now" (the client re-reads it on every resync).
 */
static const char sql_salud[] =
    "SELECT coalesce(crm.yo(), 0),"
    " a.zona,"
    " extract(epoch FROM (now() AT TIME ZONE a.zona) - (now() AT TIME ZONE 'UTC'))::bigint,"
    " coalesce((SELECT s.segundos_desde FROM api.sweep_salud() s), -1)"
    " FROM crm.ajustes a LIMIT 1";

int
db_salud_load(struct db *db, struct salud *out, struct err *e)
{
    PGresult *res;
    int rc;

    assert(db != NULL && out != NULL);
    res = PQexecParams(db_pg(db), sql_salud, 0, NULL, NULL, NULL, NULL, 0);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    if (rc != RC_OK)
        goto out;
    if (PQntuples(res) != 1 || PQnfields(res) != 4) {
        rc = err_set(e, RC_DB, "salud: forma inesperada del resultado");
        goto out;
    }
    memset(out, 0, sizeof *out);
    out->usuario_id = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
    snprintf(out->zona, sizeof out->zona, "%s", PQgetvalue(res, 0, 1));
    out->utc_offset_s = strtol(PQgetvalue(res, 0, 2), NULL, 10);
    out->sweep_age_s = strtol(PQgetvalue(res, 0, 3), NULL, 10);
out:
    PQclear(res);
    return rc;
}
