#include "db/db_etapas.h"

#include <stdlib.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

int
db_etapas(struct db *db, struct db_etapa_fila **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT orden, nombre, tipo, trim_scale(timer_horas)::text,"
                              " intentos_minimos, activa, oportunidades FROM api.etapas()";
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 0, NULL, &res, e);
    if (rc == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_etapa_fila *f = &(*rows)[i];

            f->orden = db_col_int(res, i, 0);
            db_col_copy(f->nombre, sizeof f->nombre, res, i, 1);
            db_col_copy(f->tipo, sizeof f->tipo, res, i, 2);
            db_col_copy(f->horas, sizeof f->horas, res, i, 3);
            f->intentos = db_col_int(res, i, 4);
            f->activa = db_col_bool(res, i, 5);
            f->oportunidades = db_col_i64(res, i, 6);
        }
    }
    PQclear(res);
    return rc;
}

int
db_etapas_cambios(struct db *db, int limite, struct db_etapa_cambio **rows, size_t *n,
                  struct err *e)
{
    static const char sql[] = "SELECT id, extract(epoch FROM hecho_at)::bigint, hecho_por, etapa,"
                              " campo, anterior, nuevo FROM api.etapas_cambios($1::int)";
    struct db_num l;
    const char *p[1] = { db_num_i64(&l, limite) };
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 1, p, &res, e);
    if (rc == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_etapa_cambio *c = &(*rows)[i];

            c->id = db_col_i64(res, i, 0);
            c->hecho_at = (time_t)db_col_i64(res, i, 1);
            c->hecho_por = db_col_str(res, i, 2);
            c->etapa = db_col_str(res, i, 3);
            c->campo = db_col_str(res, i, 4);
            c->anterior = db_col_str(res, i, 5);
            c->nuevo = db_col_str(res, i, 6);
        }
    }
    PQclear(res);
    return rc;
}

void
db_etapas_cambios_free(struct db_etapa_cambio *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].hecho_por);
        free(rows[i].etapa);
        free(rows[i].campo);
        free(rows[i].anterior);
        free(rows[i].nuevo);
    }
    free(rows);
}

int
db_etapa_agregar(struct db *db, const char *nombre, const char *tipo, const char *horas,
                 const char *despues_de, int intentos, char **mensaje, struct err *e)
{
    static const char sql[] = "SELECT api.etapa_agregar($1, $2, $3::numeric, $4, $5::int)";
    struct db_num k;
    const char *p[5] = { nombre, tipo, horas, despues_de, db_num_i64(&k, intentos) };

    *mensaje = NULL;
    return db_query_text(db, sql, 5, p, mensaje, e);
}

int
db_etapa_cambiar(struct db *db, const char *etapa, const char *nombre, const char *horas,
                 bool sin_timer, int intentos, char **mensaje, struct err *e)
{
    static const char sql[] = "SELECT api.etapa_cambiar($1, $2, $3::numeric, $4::boolean, $5::int)";
    struct db_num k;
    const char *p[5] = { etapa, nombre, horas, sin_timer ? "true" : "false",
                         intentos >= 0 ? db_num_i64(&k, intentos) : NULL };

    *mensaje = NULL;
    return db_query_text(db, sql, 5, p, mensaje, e);
}

int
db_etapa_mover(struct db *db, const char *etapa, const char *despues_de, char **mensaje,
               struct err *e)
{
    static const char sql[] = "SELECT api.etapa_mover($1, $2)";
    const char *p[2] = { etapa, despues_de };

    *mensaje = NULL;
    return db_query_text(db, sql, 2, p, mensaje, e);
}

int
db_etapa_activa(struct db *db, const char *etapa, bool activar, char **mensaje, struct err *e)
{
    static const char sql_activar[] = "SELECT api.etapa_activar($1)";
    static const char sql_desactivar[] = "SELECT api.etapa_desactivar($1)";
    const char *p[1] = { etapa };

    *mensaje = NULL;
    return db_query_text(db, activar ? sql_activar : sql_desactivar, 1, p, mensaje, e);
}
