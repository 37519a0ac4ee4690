#include "db/db_arco.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

int
db_aviso_agregar(struct db *db, const char *version, const char *vigente_desde,
                 const char *ubicacion, char vigente[11], struct err *e)
{
    static const char sql[] = "SELECT api.aviso_privacidad_agregar($1, $2::date, $3)";
    const char *p[3] = { version, vigente_desde, ubicacion };
    PGresult *res = NULL;
    int rc = db_query_row(db, sql, 3, p, &res, e);

    vigente[0] = '\0';
    if (rc == RC_OK)
        db_col_copy(vigente, 11, res, 0, 0);
    PQclear(res);
    return rc;
}

int
db_avisos(struct db *db, struct db_aviso **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT version, vigente_desde, ubicacion, vigente, prospectos,"
                              " creado_por FROM api.avisos_privacidad()";
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 0, NULL, &res, e);
    if (rc == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_aviso *x = &(*rows)[i];

            x->version = db_col_dup(res, i, 0);
            x->vigente_desde = db_col_dup(res, i, 1);
            x->ubicacion = db_col_dup(res, i, 2);
            x->vigente = db_col_bool(res, i, 3);
            x->prospectos = db_col_i64(res, i, 4);
            x->creado_por = db_col_dup(res, i, 5);
        }
    }
    PQclear(res);
    return rc;
}

void
db_avisos_free(struct db_aviso *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].version);
        free(rows[i].vigente_desde);
        free(rows[i].ubicacion);
        free(rows[i].creado_por);
    }
    free(rows);
}

/* NULL (SQL NULL) for an id ≤ 0, else its decimal text in n. */
static const char *
id_or_null(struct db_num *n, int64_t id)
{
    return id > 0 ? db_num_i64(n, id) : NULL;
}

int
db_arco_cancelar(struct db *db, const char *folio, const struct db_arco_titular *titular,
                 const char *recibida, int plazo_dias, const char *detalle,
                 struct db_arco_alta *alta, struct err *e)
{
    static const char sql[] =
        "SELECT coalesce(cliente_id, 0), coalesce(prospecto_id, 0), bloqueo_hasta,"
        " oportunidades_cerradas, telefonos"
        " FROM api.arco_cancelar($1, $2::bigint, $3::bigint, $4::bigint, $5::date, $6::int, $7)";
    struct db_num nc, np, no, nd;
    const char *p[7] = { folio,
                         id_or_null(&nc, titular->cliente),
                         id_or_null(&np, titular->prospecto),
                         id_or_null(&no, titular->oportunidad),
                         recibida,
                         plazo_dias >= 0 ? db_num_i64(&nd, plazo_dias) : NULL,
                         detalle };
    PGresult *res = NULL;
    int rc = db_query_row(db, sql, 7, p, &res, e);

    *alta = (struct db_arco_alta){ 0 };
    if (rc == RC_OK) {
        alta->cliente_id = db_col_i64(res, 0, 0);
        alta->prospecto_id = db_col_i64(res, 0, 1);
        db_col_copy(alta->bloqueo_hasta, sizeof alta->bloqueo_hasta, res, 0, 2);
        alta->oportunidades = db_col_int(res, 0, 3);
        alta->telefonos = db_col_int(res, 0, 4);
    }
    PQclear(res);
    return rc;
}

int
db_arco_acceso(struct db *db, const struct db_arco_titular *titular, char **doc, struct err *e)
{
    static const char sql[] =
        "SELECT jsonb_pretty(api.arco_acceso($1::bigint, $2::bigint, $3::bigint))";
    struct db_num nc, np, no;
    const char *p[3] = { id_or_null(&nc, titular->cliente), id_or_null(&np, titular->prospecto),
                         id_or_null(&no, titular->oportunidad) };

    *doc = NULL;
    return db_query_text(db, sql, 3, p, doc, e);
}

int
db_arco_suprimir(struct db *db, const char *folio, struct db_arco_supresion **rows, size_t *n,
                 struct err *e)
{
    static const char sql[] = "SELECT folio_suprimido, coalesce(cliente_id, 0),"
                              " coalesce(prospecto_id, 0), filas FROM api.arco_suprimir($1)";
    const char *p[1] = { folio };
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 1, p, &res, e);
    if (rc == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_arco_supresion *x = &(*rows)[i];

            db_col_copy(x->folio, sizeof x->folio, res, i, 0);
            x->cliente_id = db_col_i64(res, i, 1);
            x->prospecto_id = db_col_i64(res, i, 2);
            x->filas = db_col_i64(res, i, 3);
        }
    }
    PQclear(res);
    return rc;
}

int
db_arcos(struct db *db, bool pendientes, struct db_arco **rows, size_t *n, struct err *e)
{
    static const char sql[] =
        "SELECT folio, titular, coalesce(cliente_id, 0), coalesce(prospecto_id, 0), recibida,"
        " bloqueo_hasta, estado, detalle, registro,"
        " (suprimida_at AT TIME ZONE crm.zona())::date"
        " FROM api.arco_cancelaciones($1::boolean)";
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
            struct db_arco *x = &(*rows)[i];

            x->folio = db_col_dup(res, i, 0);
            x->titular = db_col_dup(res, i, 1);
            x->cliente_id = db_col_i64(res, i, 2);
            x->prospecto_id = db_col_i64(res, i, 3);
            x->recibida = db_col_dup(res, i, 4);
            x->bloqueo_hasta = db_col_dup(res, i, 5);
            x->estado = db_col_dup(res, i, 6);
            x->detalle = db_col_dup(res, i, 7);
            x->registro = db_col_dup(res, i, 8);
            x->suprimida = db_col_dup(res, i, 9);
        }
    }
    PQclear(res);
    return rc;
}

void
db_arcos_free(struct db_arco *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].folio);
        free(rows[i].titular);
        free(rows[i].recibida);
        free(rows[i].bloqueo_hasta);
        free(rows[i].estado);
        free(rows[i].detalle);
        free(rows[i].registro);
        free(rows[i].suprimida);
    }
    free(rows);
}
