#include "db/db_ventas.h"

#include <stdlib.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

int
db_ventas(struct db *db, const struct db_ventas_filtro *f, struct db_venta_fila **rows, size_t *n,
          struct err *e)
{
    static const char sql[] =
        "SELECT oportunidad_id, folio, monto::text, producto, estado = 'CANCELADA',"
        " extract(epoch FROM registrada_at)::bigint, fecha::text, usuario_login, usuario_nombre,"
        " cliente, convenio, coalesce(extract(epoch FROM corregida_at)::bigint, 0),"
        " coalesce(extract(epoch FROM cancelada_at)::bigint, 0), cancelada_por,"
        " motivo_cancelacion"
        " FROM api.ventas($1::date, $2::date, $3, $4::boolean)";
    const char *p[4] = { f->desde, f->hasta, f->promotor, f->canceladas ? "true" : "false" };
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 4, p, &res, e);
    if (rc == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_venta_fila *v = &(*rows)[i];

            v->oportunidad_id = db_col_i64(res, i, 0);
            v->folio = db_col_str(res, i, 1);
            v->monto = db_col_str(res, i, 2);
            v->producto = db_col_str(res, i, 3);
            v->cancelada = db_col_bool(res, i, 4);
            v->registrada = (time_t)db_col_i64(res, i, 5);
            db_col_copy(v->fecha, sizeof v->fecha, res, i, 6);
            v->promotor = db_col_str(res, i, 7);
            v->promotor_nombre = db_col_str(res, i, 8);
            v->cliente = db_col_str(res, i, 9);
            v->convenio = db_col_str(res, i, 10);
            v->corregida = (time_t)db_col_i64(res, i, 11);
            v->cancelada_at = (time_t)db_col_i64(res, i, 12);
            v->cancelada_por = db_col_str(res, i, 13);
            v->motivo_cancelacion = db_col_str(res, i, 14);
        }
    }
    PQclear(res);
    return rc;
}

void
db_ventas_free(struct db_venta_fila *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].folio);
        free(rows[i].monto);
        free(rows[i].producto);
        free(rows[i].promotor);
        free(rows[i].promotor_nombre);
        free(rows[i].cliente);
        free(rows[i].convenio);
        free(rows[i].cancelada_por);
        free(rows[i].motivo_cancelacion);
    }
    free(rows);
}

int
db_venta_corregir(struct db *db, int64_t oportunidad, const char *monto, const char *producto,
                  const char *folio, const char *motivo, char **mensaje, struct err *e)
{
    static const char sql[] = "SELECT api.venta_corregir($1::bigint, $2::numeric, $3, $4, $5)";
    struct db_num id;
    const char *p[5] = { db_num_i64(&id, oportunidad), monto, producto, folio, motivo };

    *mensaje = NULL;
    return db_query_text(db, sql, 5, p, mensaje, e);
}

int
db_venta_cancelar(struct db *db, int64_t oportunidad, const char *motivo, char **mensaje,
                  struct err *e)
{
    static const char sql[] = "SELECT api.venta_cancelar($1::bigint, $2)";
    struct db_num id;
    const char *p[2] = { db_num_i64(&id, oportunidad), motivo };

    *mensaje = NULL;
    return db_query_text(db, sql, 2, p, mensaje, e);
}
