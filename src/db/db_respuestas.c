#include "db/db_respuestas.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

int
db_respuestas(struct db *db, const char *desde, int dias, bool pendientes,
              struct db_respuesta **rows, size_t *n, struct err *e)
{
    /* desde is a business date: its first instant in the business zone. */
    static const char sql[] =
        "SELECT entrante_id, extract(epoch FROM recibido_at)::bigint,"
        " to_char(recibido_at AT TIME ZONE crm.zona(), 'DD/MM/YY HH24:MI'),"
        " greatest(extract(epoch FROM now() - recibido_at), 0)::bigint, oportunidad_id, cliente,"
        " telefono, etapa, estado, promotor, texto, baja, atendida, por_atender"
        " FROM api.wa_respuestas(CASE WHEN $1::date IS NOT NULL"
        "   THEN $1::date::timestamp AT TIME ZONE crm.zona()"
        "   WHEN $2::int > 0 THEN ((now() AT TIME ZONE crm.zona())::date - $2::int)::timestamp"
        "   AT TIME ZONE crm.zona() END, $3::boolean)";
    char dias_txt[16];
    const char *p[3] = { desde, dias_txt, pendientes ? "t" : "f" };
    PGresult *res = NULL;
    int rc;

    snprintf(dias_txt, sizeof dias_txt, "%d", dias > 0 ? dias : 0);
    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 3, p, &res, e);
    if (rc == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_respuesta *x = &(*rows)[i];

            x->id = db_col_i64(res, i, 0);
            x->recibido = db_col_i64(res, i, 1);
            db_col_copy(x->recibido_local, sizeof x->recibido_local, res, i, 2);
            x->edad_s = db_col_i64(res, i, 3);
            x->oportunidad_id = db_col_i64(res, i, 4);
            x->cliente = db_col_dup(res, i, 5);
            x->telefono = db_col_dup(res, i, 6);
            x->etapa = db_col_dup(res, i, 7);
            x->estado = db_col_dup(res, i, 8);
            x->promotor = db_col_dup(res, i, 9);
            x->texto = db_col_dup(res, i, 10);
            x->baja = db_col_bool(res, i, 11);
            x->atendida = db_col_bool(res, i, 12);
            x->por_atender = db_col_bool(res, i, 13);
        }
    }
    PQclear(res);
    return rc;
}

void
db_respuestas_free(struct db_respuesta *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].cliente);
        free(rows[i].telefono);
        free(rows[i].etapa);
        free(rows[i].estado);
        free(rows[i].promotor);
        free(rows[i].texto);
    }
    free(rows);
}
