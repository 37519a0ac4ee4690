#include "db/db_sesion.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "db/db_internal.h"
#include "util/err.h"

/* has_function_privilege is the executor's own check, so it agrees with what the sweep's
 * calls would meet (a superuser: true; an auditor: false, sql/071). */
static const char sql_sesion[] =
    "SELECT session_user, coalesce(crm.mi_rol(), ''),"
    " has_function_privilege('api.sweep_inicio(text)', 'EXECUTE')"
    " AND has_function_privilege('api.barrer_timers(integer, text)', 'EXECUTE')"
    " AND has_function_privilege('api.sweep_fin(bigint, integer, integer, text)', 'EXECUTE')";

int
db_sesion_load(struct db *db, struct db_sesion *out, struct err *e)
{
    PGresult *res = NULL;
    struct err qe = { 0 };
    int rc;

    assert(db != NULL && out != NULL);
    rc = db_query_row(db, sql_sesion, 0, NULL, &res, &qe);
    memset(out, 0, sizeof *out);
    if (rc == RC_OK) {
        db_col_copy(out->login, sizeof out->login, res, 0, 0);
        db_col_copy(out->rol, sizeof out->rol, res, 0, 1);
        out->barre = db_col_bool(res, 0, 2);
    } else if (strcmp(qe.code, "42501") == 0) {
        /* Not even USAGE on crm or api: no embudo user, nothing it may run. */
        snprintf(out->login, sizeof out->login, "%s", db_login(db));
        rc = RC_OK;
    } else if (e != NULL) {
        *e = qe;
    }
    PQclear(res);
    return rc;
}
