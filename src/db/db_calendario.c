#include "db/db_calendario.h"

#include <stdlib.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

int
db_calendario(struct db *db, const char *desde, const char *hasta, struct db_calendario_dia **rows,
              size_t *n, struct err *e)
{
    static const char sql[] = "SELECT fecha::text, dia, to_char(abre, 'HH24:MI'),"
                              " to_char(cierra, 'HH24:MI'), inhabil, especial"
                              " FROM api.calendario($1::date, $2::date)";
    const char *p[2] = { desde, hasta };
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 2, p, &res, e);
    if (rc == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_calendario_dia *d = &(*rows)[i];

            db_col_copy(d->fecha, sizeof d->fecha, res, i, 0);
            db_col_copy(d->dia, sizeof d->dia, res, i, 1);
            db_col_copy(d->abre, sizeof d->abre, res, i, 2);
            db_col_copy(d->cierra, sizeof d->cierra, res, i, 3);
            d->inhabil = db_col_str(res, i, 4);
            d->especial = db_col_str(res, i, 5);
        }
    }
    PQclear(res);
    return rc;
}

void
db_calendario_free(struct db_calendario_dia *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].inhabil);
        free(rows[i].especial);
    }
    free(rows);
}

int
db_horario(struct db *db, struct db_horario_dia out[7], struct err *e)
{
    static const char sql[] = "SELECT dia, nombre, to_char(abre, 'HH24:MI'),"
                              " to_char(cierra, 'HH24:MI') FROM api.horario()";
    PGresult *res = NULL;
    int rc;

    rc = db_query_rows(db, sql, 0, NULL, &res, e);
    if (rc == RC_OK && PQntuples(res) != 7)
        rc = err_set(e, RC_DB, "api.horario dio %d días en vez de 7", PQntuples(res));
    for (int i = 0; rc == RC_OK && i < 7; i++) {
        out[i].dia = db_col_int(res, i, 0);
        db_col_copy(out[i].nombre, sizeof out[i].nombre, res, i, 1);
        db_col_copy(out[i].abre, sizeof out[i].abre, res, i, 2);
        db_col_copy(out[i].cierra, sizeof out[i].cierra, res, i, 3);
    }
    PQclear(res);
    return rc;
}

int
db_calendario_cambios(struct db *db, int limite, struct db_calendario_cambio **rows, size_t *n,
                      struct err *e)
{
    static const char sql[] = "SELECT id, extract(epoch FROM hecho_at)::bigint, hecho_por,"
                              " cambio, fecha::text, dia, antes, despues, recalculadas"
                              " FROM api.calendario_cambios($1::int)";
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
            struct db_calendario_cambio *c = &(*rows)[i];

            c->id = db_col_i64(res, i, 0);
            c->hecho_at = (time_t)db_col_i64(res, i, 1);
            c->hecho_por = db_col_str(res, i, 2);
            c->cambio = db_col_str(res, i, 3);
            db_col_copy(c->fecha, sizeof c->fecha, res, i, 4);
            db_col_copy(c->dia, sizeof c->dia, res, i, 5);
            c->antes = db_col_str(res, i, 6);
            c->despues = db_col_str(res, i, 7);
            c->recalculadas = db_col_int(res, i, 8);
        }
    }
    PQclear(res);
    return rc;
}

void
db_calendario_cambios_free(struct db_calendario_cambio *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].hecho_por);
        free(rows[i].cambio);
        free(rows[i].antes);
        free(rows[i].despues);
    }
    free(rows);
}

/* One of the changes: sql returns (recalculadas, mensaje). */
static int
cambio(struct db *db, const char *sql, int n, const char *const *p, int *recalculadas,
       char **mensaje, struct err *e)
{
    PGresult *res = NULL;
    int rc;

    *recalculadas = 0;
    *mensaje = NULL;
    rc = db_query_row(db, sql, n, p, &res, e);
    if (rc == RC_OK) {
        *recalculadas = db_col_int(res, 0, 0);
        *mensaje = db_col_str(res, 0, 1);
    }
    PQclear(res);
    return rc;
}

int
db_dia_inhabil_agregar(struct db *db, const char *fecha, const char *nombre, int *recalculadas,
                       char **mensaje, struct err *e)
{
    static const char sql[] = "SELECT recalculadas, mensaje"
                              " FROM api.dia_inhabil_agregar($1::date, $2)";
    const char *p[2] = { fecha, nombre };

    return cambio(db, sql, 2, p, recalculadas, mensaje, e);
}

int
db_dia_inhabil_quitar(struct db *db, const char *fecha, int *recalculadas, char **mensaje,
                      struct err *e)
{
    static const char sql[] = "SELECT recalculadas, mensaje FROM api.dia_inhabil_quitar($1::date)";
    const char *p[1] = { fecha };

    return cambio(db, sql, 1, p, recalculadas, mensaje, e);
}

int
db_dia_especial_agregar(struct db *db, const char *fecha, const char *abre, const char *cierra,
                        const char *nombre, int *recalculadas, char **mensaje, struct err *e)
{
    static const char sql[] = "SELECT recalculadas, mensaje FROM api.dia_especial_agregar("
                              "$1::date, $2::time, $3::time, $4)";
    const char *p[4] = { fecha, abre, cierra, nombre };

    return cambio(db, sql, 4, p, recalculadas, mensaje, e);
}

int
db_dia_especial_quitar(struct db *db, const char *fecha, int *recalculadas, char **mensaje,
                       struct err *e)
{
    static const char sql[] = "SELECT recalculadas, mensaje FROM api.dia_especial_quitar($1::date)";
    const char *p[1] = { fecha };

    return cambio(db, sql, 1, p, recalculadas, mensaje, e);
}

int
db_horario_cambiar(struct db *db, int dia, const char *abre, const char *cierra, int *recalculadas,
                   char **mensaje, struct err *e)
{
    static const char sql[] = "SELECT recalculadas, mensaje"
                              " FROM api.horario_cambiar($1::int, $2::time, $3::time)";
    struct db_num d;
    const char *p[3] = { db_num_i64(&d, dia), abre, cierra };

    return cambio(db, sql, 3, p, recalculadas, mensaje, e);
}
