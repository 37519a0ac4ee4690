#include "db/db_usuarios.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

int
db_usuarios(struct db *db, struct db_usuario **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT login, nombre, rol, estado, supervisor, cupo_diario,"
                              " cartera_max, activas FROM api.usuarios()";
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 0, NULL, &res, e);
    if (rc != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *rows = xcalloc(*n + 1, sizeof **rows);
    for (int i = 0; i < PQntuples(res); i++) {
        struct db_usuario *u = &(*rows)[i];

        u->login = db_col_dup(res, i, 0);
        u->nombre = db_col_dup(res, i, 1);
        u->rol = db_col_dup(res, i, 2);
        u->estado = db_col_dup(res, i, 3);
        u->supervisor = db_col_dup(res, i, 4);
        u->cupo_diario = db_col_int(res, i, 5);
        u->cartera_max = db_col_int(res, i, 6);
        u->activas = db_col_int(res, i, 7);
    }
out:
    PQclear(res);
    return rc;
}

void
db_usuarios_free(struct db_usuario *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].login);
        free(rows[i].nombre);
        free(rows[i].rol);
        free(rows[i].estado);
        free(rows[i].supervisor);
    }
    free(rows);
}

int
db_usuario_crear(struct db *db, const struct db_usuario_nuevo *u, int *id, struct err *e)
{
    static const char sql[] = "SELECT api.crear_usuario($1, $2, $3, $4, $5::int, $6::int)";
    char cupo[16], cartera[16];
    const char *p[6] = { u->login, u->nombre, u->rol, u->supervisor, cupo, cartera };
    PGresult *res = NULL;
    int rc;

    snprintf(cupo, sizeof cupo, "%d", u->cupo_diario);
    snprintf(cartera, sizeof cartera, "%d", u->cartera_max);
    *id = 0;
    rc = db_query_row(db, sql, 6, p, &res, e);
    if (rc == RC_OK)
        *id = db_col_int(res, 0, 0);
    PQclear(res);
    return rc;
}

int
db_usuario_estado(struct db *db, const char *login, const char *estado, const char *motivo,
                  char *anterior, size_t size, int *pausados, int *reanudados, struct err *e)
{
    static const char sql[] = "SELECT api.cambiar_estado_usuario($1, $2, $3)";
    /* The timer steps the change wrote (sql/094): its history rows carry the transaction's
     * now(), and the caller sees them as it sees the user's opportunities. */
    static const char sql_timers[] =
        "SELECT count(*) FILTER (WHERE h.evento = 'TIMER_PAUSADO'),"
        " count(*) FILTER (WHERE h.evento = 'TIMER_REANUDADO')"
        " FROM crm.historial h JOIN crm.oportunidades o ON o.id = h.oportunidad_id"
        " JOIN crm.usuarios u ON u.id = o.usuario_id"
        " WHERE u.login = $1 AND h.ocurrido_at = now()"
        " AND h.evento IN ('TIMER_PAUSADO', 'TIMER_REANUDADO')";
    const char *p[3] = { login, estado, motivo };
    PGresult *res = NULL;
    struct err ignored;
    int rc;

    if (size > 0)
        anterior[0] = '\0';
    *pausados = *reanudados = 0;
    if ((rc = db_exec(db, "BEGIN", e)) != RC_OK)
        return rc;
    rc = db_query_row(db, sql, 3, p, &res, e);
    if (rc == RC_OK)
        db_col_copy(anterior, size, res, 0, 0);
    PQclear(res);
    res = NULL;
    if (rc == RC_OK && (rc = db_query_row(db, sql_timers, 1, p, &res, e)) == RC_OK) {
        *pausados = db_col_int(res, 0, 0);
        *reanudados = db_col_int(res, 0, 1);
    }
    PQclear(res);
    if (rc == RC_OK)
        rc = db_exec(db, "COMMIT", e);
    if (rc != RC_OK) {
        (void)!db_exec(db, "ROLLBACK", &ignored);
        *pausados = *reanudados = 0;
    }
    return rc;
}

int
db_usuario_supervisor(struct db *db, const char *login, const char *supervisor, struct err *e)
{
    static const char sql[] = "SELECT api.cambiar_supervisor($1, $2)";
    const char *p[2] = { login, supervisor };
    PGresult *res = NULL;
    int rc = db_query_row(db, sql, 2, p, &res, e);

    PQclear(res);
    return rc;
}

int
db_usuario_limites(struct db *db, const char *login, int cupo_diario, int cartera_max, int *cupo,
                   int *cartera, struct err *e)
{
    static const char sql[] = "SELECT cupo, cartera FROM api.usuario_limites($1, $2::int, $3::int)";
    char c1[16], c2[16];
    const char *p[3] = { login, NULL, NULL };
    PGresult *res = NULL;
    int rc;

    if (cupo_diario >= 0) {
        snprintf(c1, sizeof c1, "%d", cupo_diario);
        p[1] = c1;
    }
    if (cartera_max >= 0) {
        snprintf(c2, sizeof c2, "%d", cartera_max);
        p[2] = c2;
    }
    *cupo = *cartera = 0;
    rc = db_query_row(db, sql, 3, p, &res, e);
    if (rc == RC_OK) {
        *cupo = db_col_int(res, 0, 0);
        *cartera = db_col_int(res, 0, 1);
    }
    PQclear(res);
    return rc;
}

int
db_usuario_nombre(struct db *db, const char *login, const char *nombre, const char *motivo,
                  char *anterior, size_t size, struct err *e)
{
    static const char sql[] = "SELECT api.usuario_nombre($1, $2, $3)";
    const char *p[3] = { login, nombre, motivo };
    PGresult *res = NULL;
    int rc;

    if (size > 0)
        anterior[0] = '\0';
    rc = db_query_row(db, sql, 3, p, &res, e);
    if (rc == RC_OK)
        db_col_copy(anterior, size, res, 0, 0);
    PQclear(res);
    return rc;
}

int
db_usuario_cambios(struct db *db, const char *login, int limite, struct db_usuario_cambio **rows,
                   size_t *n, struct err *e)
{
    static const char sql[] =
        "SELECT usuario, campo, anterior, nuevo, motivo, hecho_por,"
        " to_char(hecho_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        " to_char(hecho_at AT TIME ZONE crm.zona(), 'DD/MM/YY HH24:MI')"
        " FROM api.usuario_cambios($1, $2::int)";
    struct db_num lim;
    const char *p[2] = { login, db_num_i64(&lim, limite) };
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 2, p, &res, e);
    if (rc == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_usuario_cambio *c = &(*rows)[i];

            c->usuario = db_col_dup(res, i, 0);
            c->campo = db_col_dup(res, i, 1);
            c->anterior = db_col_dup(res, i, 2);
            c->nuevo = db_col_dup(res, i, 3);
            c->motivo = db_col_dup(res, i, 4);
            c->hecho_por = db_col_dup(res, i, 5);
            c->hecho_at = db_col_dup(res, i, 6);
            c->cuando = db_col_dup(res, i, 7);
        }
    }
    PQclear(res);
    return rc;
}

void
db_usuario_cambios_free(struct db_usuario_cambio *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].usuario);
        free(rows[i].campo);
        free(rows[i].anterior);
        free(rows[i].nuevo);
        free(rows[i].motivo);
        free(rows[i].hecho_por);
        free(rows[i].hecho_at);
        free(rows[i].cuando);
    }
    free(rows);
}
