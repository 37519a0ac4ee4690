#include "db/db_wa_respuesta.h"

#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

int
db_wa_ventana(struct db *db, int64_t oportunidad, struct db_wa_ventana *out, struct err *e)
{
    static const char sql[] =
        "SELECT coalesce(extract(epoch FROM hasta)::bigint, 0),"
        " coalesce(to_char(hasta AT TIME ZONE crm.zona(), 'DD/MM HH24:MI'), ''),"
        " coalesce(codigo, ''), coalesce(mensaje, ''), coalesce(telefono, '')"
        " FROM api.wa_ventana($1::bigint)";
    struct db_num id;
    const char *p[1] = { db_num_i64(&id, oportunidad) };
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = db_query_row(db, sql, 1, p, &res, e);
    if (rc == RC_OK) {
        out->hasta = db_col_i64(res, 0, 0);
        db_col_copy(out->hasta_local, sizeof out->hasta_local, res, 0, 1);
        db_col_copy(out->codigo, sizeof out->codigo, res, 0, 2);
        db_col_copy(out->motivo, sizeof out->motivo, res, 0, 3);
        db_col_copy(out->telefono, sizeof out->telefono, res, 0, 4);
    }
    PQclear(res);
    return rc;
}

int
db_wa_responder(struct db *db, int64_t oportunidad, const char *texto, const char *clave,
                struct db_wa_respondido *out, struct err *e)
{
    static const char sql[] = "SELECT mensaje_id, repetido, proveedor, estado_cuenta, mensaje"
                              " FROM api.wa_responder($1::bigint, $2, $3)";
    struct db_num id;
    const char *p[3] = { db_num_i64(&id, oportunidad), texto, clave };
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = db_query_row(db, sql, 3, p, &res, e);
    if (rc == RC_OK) {
        out->mensaje_id = db_col_i64(res, 0, 0);
        out->repetido = db_col_bool(res, 0, 1);
        db_col_copy(out->proveedor, sizeof out->proveedor, res, 0, 2);
        db_col_copy(out->estado_cuenta, sizeof out->estado_cuenta, res, 0, 3);
        db_col_copy(out->mensaje, sizeof out->mensaje, res, 0, 4);
    }
    PQclear(res);
    return rc;
}

int
db_wa_conversacion(struct db *db, int64_t oportunidad, struct db_wa_linea **rows, size_t *n,
                   struct err *e)
{
    static const char sql[] =
        "SELECT extract(epoch FROM cuando)::bigint,"
        " to_char(cuando AT TIME ZONE crm.zona(), 'DD/MM/YY HH24:MI'),"
        " direccion = 'ENTRANTE', texto, coalesce(estado, ''), campana, mensaje_id, baja,"
        " incierto, motivo"
        " FROM api.wa_conversacion($1::bigint)";
    struct db_num id;
    const char *p[1] = { db_num_i64(&id, oportunidad) };
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 1, p, &res, e);
    if (rc == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_wa_linea *x = &(*rows)[i];

            x->cuando = db_col_i64(res, i, 0);
            db_col_copy(x->cuando_local, sizeof x->cuando_local, res, i, 1);
            x->entrante = db_col_bool(res, i, 2);
            x->texto = db_col_dup(res, i, 3);
            db_col_copy(x->estado, sizeof x->estado, res, i, 4);
            x->campana = db_col_dup(res, i, 5);
            x->mensaje_id = db_col_i64(res, i, 6);
            x->baja = db_col_bool(res, i, 7);
            x->incierto = db_col_bool(res, i, 8);
            x->motivo = db_col_dup(res, i, 9);
        }
    }
    PQclear(res);
    return rc;
}

void
db_wa_lineas_free(struct db_wa_linea *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].texto);
        free(rows[i].campana);
        free(rows[i].motivo);
    }
    free(rows);
}
