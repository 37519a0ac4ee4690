#include "db/db_prorroga.h"

#include <stdlib.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

int
db_prorroga_pedir(struct db *db, int64_t oportunidad, const char *reanudar, const char *motivo,
                  int64_t *id, struct err *e)
{
    static const char sql[] = "SELECT api.prorroga_pedir($1::bigint, $2::date, $3)";
    struct db_num n;
    const char *p[3] = { db_num_i64(&n, oportunidad), reanudar, motivo };
    PGresult *res = NULL;
    int rc = db_query_row(db, sql, 3, p, &res, e);

    *id = rc == RC_OK ? db_col_i64(res, 0, 0) : 0;
    PQclear(res);
    return rc;
}

int
db_prorroga_resolver(struct db *db, int64_t id, int aprobar, const char *respuesta, char *vence,
                     size_t size, struct err *e)
{
    static const char sql[] = "SELECT to_char(v AT TIME ZONE crm.zona(), 'DD/MM/YY HH24:MI')"
                              " FROM api.prorroga_resolver($1::bigint, $2::boolean, $3) v";
    struct db_num n;
    const char *p[3] = { db_num_i64(&n, id), aprobar ? "t" : "f", respuesta };
    PGresult *res = NULL;
    int rc = db_query_row(db, sql, 3, p, &res, e);

    if (size > 0)
        vence[0] = '\0';
    if (rc == RC_OK)
        db_col_copy(vence, size, res, 0, 0);
    PQclear(res);
    return rc;
}

int
db_prorroga_cancelar(struct db *db, int64_t id, struct err *e)
{
    static const char sql[] = "SELECT api.prorroga_cancelar($1::bigint)";
    struct db_num n;
    const char *p[1] = { db_num_i64(&n, id) };
    PGresult *res = NULL;
    int rc = db_query_row(db, sql, 1, p, &res, e);

    PQclear(res);
    return rc;
}

int
db_prorrogas(struct db *db, int pendientes, struct db_prorroga **rows, size_t *n, struct err *e)
{
#define LOCAL(c) "to_char(" c " AT TIME ZONE crm.zona(), 'DD/MM/YY HH24:MI')"
    static const char sql[] = "SELECT id, oportunidad_id, cliente, promotor, etapa, " LOCAL(
        "vence") ", reanudar,"
                 " motivo, estado, " LOCAL("pedida_at") ", resuelta_por, respuesta"
                                                        " FROM api.prorrogas($1::boolean)";
#undef LOCAL
    const char *p[1] = { pendientes ? "t" : "f" };
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 1, p, &res, e);
    if (rc == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_prorroga *x = &(*rows)[i];

            x->id = db_col_i64(res, i, 0);
            x->oportunidad_id = db_col_i64(res, i, 1);
            x->cliente = db_col_dup(res, i, 2);
            x->promotor = db_col_dup(res, i, 3);
            x->etapa = db_col_dup(res, i, 4);
            x->vence = db_col_dup(res, i, 5);
            x->reanudar = db_col_dup(res, i, 6);
            x->motivo = db_col_dup(res, i, 7);
            x->estado = db_col_dup(res, i, 8);
            x->pedida = db_col_dup(res, i, 9);
            x->resuelta_por = db_col_dup(res, i, 10);
            x->respuesta = db_col_dup(res, i, 11);
        }
    }
    PQclear(res);
    return rc;
}

void
db_prorrogas_free(struct db_prorroga *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].cliente);
        free(rows[i].promotor);
        free(rows[i].etapa);
        free(rows[i].vence);
        free(rows[i].reanudar);
        free(rows[i].motivo);
        free(rows[i].estado);
        free(rows[i].pedida);
        free(rows[i].resuelta_por);
        free(rows[i].respuesta);
    }
    free(rows);
}
