#include "db/db_buscar.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

int
db_buscar(struct db *db, const char *texto, int limite, struct db_hallazgo **rows, size_t *n,
          struct err *e)
{
    static const char sql[] = "SELECT oportunidad_id, cliente, telefono, etapa, estado, promotor,"
                              " extract(epoch FROM actualizada)::bigint, por"
                              " FROM api.buscar($1, $2::int)";
    char lim[16];
    const char *p[2] = { texto, lim };
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    snprintf(lim, sizeof lim, "%d", limite);
    rc = db_query_rows(db, sql, 2, p, &res, e);
    if (rc == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_hallazgo *h = &(*rows)[i];

            h->oportunidad_id = db_col_i64(res, i, 0);
            h->cliente = db_col_str(res, i, 1);
            h->telefono = db_col_str(res, i, 2);
            h->etapa = db_col_str(res, i, 3);
            h->estado = db_col_str(res, i, 4);
            h->promotor = db_col_str(res, i, 5);
            h->actualizada = (time_t)db_col_i64(res, i, 6);
            h->por = db_col_str(res, i, 7);
        }
    }
    PQclear(res);
    return rc;
}

void
db_hallazgos_free(struct db_hallazgo *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].cliente);
        free(rows[i].telefono);
        free(rows[i].etapa);
        free(rows[i].estado);
        free(rows[i].promotor);
        free(rows[i].por);
    }
    free(rows);
}
