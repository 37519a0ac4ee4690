#include "db/db_crm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* NULL (SQL NULL) for 0: the optional integer parameters of the api use NULL = no bound. */
static const char *
num_opt(struct db_num *n, int v)
{
    return v == 0 ? NULL : db_num_i64(n, v);
}

/* A bigint[] literal for a parameter value ("{1,2,3}"); the caller frees it. */
static char *
ids_literal(const int64_t *ids, size_t n)
{
    struct strbuf sb;
    char *s;

    strbuf_init(&sb);
    strbuf_addch(&sb, '{');
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%" PRId64, i ? "," : "", ids[i]);
    strbuf_addch(&sb, '}');
    s = strbuf_detach(&sb, NULL);
    strbuf_fini(&sb);
    return s;
}

/* ---- assignment and availability ------------------------------------------------------- */

int
db_asignar(struct db *db, int cantidad, const struct db_filtros *f, const char *clave,
           struct db_asignacion *out, struct err *e)
{
    static const char sql[] = "SELECT lote_id, asignados, solicitados, cupo_restante, repetido,"
                              " mensaje FROM api.solicitar_asignacion($1, $2, $3, $4, $5, $6)";
    struct db_num n[3] = { { "" } };
    const char *p[6] = {
        db_num_i64(&n[0], cantidad), f->convenio, f->entidad, num_opt(&n[1], f->edad_min),
        num_opt(&n[2], f->edad_max), clave
    };
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = db_query_row(db, sql, 6, p, &res, e);
    if (rc != RC_OK)
        goto out;
    out->lote_id = db_col_i64(res, 0, 0);
    out->asignados = db_col_int(res, 0, 1);
    out->solicitados = db_col_int(res, 0, 2);
    out->cupo_restante = db_col_int(res, 0, 3);
    out->repetido = db_col_bool(res, 0, 4);
    out->mensaje = db_col_dup(res, 0, 5);
out:
    PQclear(res);
    return rc;
}

void
db_asignacion_fini(struct db_asignacion *a)
{
    free(a->mensaje);
    a->mensaje = NULL;
}

int
db_disponibles(struct db *db, const struct db_filtros *f, enum db_por por, struct db_conteo **rows,
               size_t *n, struct err *e)
{
    static const char sql[] = "SELECT grupo, disponibles FROM api.disponibles($1, $2, $3, $4, $5)";
    static const char *const por_text[] = {
        [DB_POR_TOTAL] = NULL, [DB_POR_CONVENIO] = "convenio", [DB_POR_ENTIDAD] = "entidad"
    };
    struct db_num m[2] = { { "" } };
    const char *p[5] = { f->convenio, f->entidad, num_opt(&m[0], f->edad_min),
                         num_opt(&m[1], f->edad_max), por_text[por] };
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 5, p, &res, e);
    if (rc != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *rows = xcalloc(*n + 1, sizeof **rows);
    for (int i = 0; i < PQntuples(res); i++) {
        (*rows)[i].grupo = db_col_dup(res, i, 0);
        (*rows)[i].disponibles = db_col_i64(res, i, 1);
    }
out:
    PQclear(res);
    return rc;
}

void
db_conteos_free(struct db_conteo *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++)
        free(rows[i].grupo);
    free(rows);
}

/* ---- funnel ------------------------------------------------------------------------------ */

int
db_mover(struct db *db, int64_t oportunidad, const char *etapa, const char *motivo,
         struct db_movimiento *out, struct err *e)
{
    /* Columns by position (aliased): their names are the api's business, not ours. */
    static const char sql[] = "SELECT r.id, r.estado, r.etapa_id, r.etapa,"
                              " extract(epoch FROM r.vence)::bigint"
                              " FROM api.mover($1, $2, $3)"
                              " AS r(id, estado, etapa_id, etapa, vence)";
    struct db_num n = { "" };
    const char *p[3] = { db_num_i64(&n, oportunidad), etapa, motivo };
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = db_query_row(db, sql, 3, p, &res, e);
    if (rc != RC_OK)
        goto out;
    out->oportunidad_id = db_col_i64(res, 0, 0);
    db_col_copy(out->estado, sizeof out->estado, res, 0, 1);
    out->etapa_id = db_col_int(res, 0, 2);
    out->etapa = db_col_dup(res, 0, 3);
    out->timer_vence = (time_t)db_col_i64(res, 0, 4);
out:
    PQclear(res);
    return rc;
}

void
db_movimiento_fini(struct db_movimiento *m)
{
    free(m->etapa);
    m->etapa = NULL;
}

int
db_venta_registrar(struct db *db, int64_t oportunidad, const char *monto, const char *producto,
                   const char *folio, struct db_venta *out, struct err *e)
{
    static const char sql[] = "SELECT * FROM api.registrar_venta($1, $2::numeric, $3, $4)";
    struct db_num n = { "" };
    const char *p[4] = { db_num_i64(&n, oportunidad), monto, producto, folio };
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = db_query_row(db, sql, 4, p, &res, e);
    if (rc != RC_OK)
        goto out;
    out->folio = db_col_dup(res, 0, 0);
    out->nueva = db_col_bool(res, 0, 1);
    out->mensaje = db_col_dup(res, 0, 2);
out:
    PQclear(res);
    return rc;
}

void
db_venta_fini(struct db_venta *v)
{
    free(v->folio);
    free(v->mensaje);
    v->folio = v->mensaje = NULL;
}

int
db_nota(struct db *db, int64_t oportunidad, const char *texto, int64_t *historial_id, struct err *e)
{
    static const char sql[] = "SELECT api.nota($1, $2)";
    struct db_num n = { "" };
    const char *p[2] = { db_num_i64(&n, oportunidad), texto };
    PGresult *res = NULL;
    int rc;

    *historial_id = 0;
    rc = db_query_row(db, sql, 2, p, &res, e);
    if (rc == RC_OK)
        *historial_id = db_col_i64(res, 0, 0);
    PQclear(res);
    return rc;
}

int
db_registrar_intento(struct db *db, int64_t oportunidad, const char *resultado, const char *nota,
                     int *intentos, struct err *e)
{
    static const char sql[] = "SELECT intentos FROM api.registrar_intento($1, $2, $3)";
    struct db_num n = { "" };
    const char *p[3] = { db_num_i64(&n, oportunidad), resultado, nota };
    PGresult *res = NULL;
    int rc;

    *intentos = 0;
    rc = db_query_row(db, sql, 3, p, &res, e);
    if (rc == RC_OK)
        *intentos = db_col_int(res, 0, 0);
    PQclear(res);
    return rc;
}

int
db_prospecto_corregir(struct db *db, int64_t oportunidad, const char *nombre, const char *telefono,
                      const char *curp, const char *motivo, char **msg, struct err *e)
{
    static const char sql[] = "SELECT api.prospecto_corregir($1, $2, $3, $4, $5)";
    struct db_num n = { "" };
    const char *p[5] = { db_num_i64(&n, oportunidad), nombre, telefono, curp, motivo };

    return db_query_text(db, sql, 5, p, msg, e);
}

int
db_captar(struct db *db, const char *nombre, const char *telefono, const char *convenio,
          const char *curp, struct db_captacion *out, struct err *e)
{
    static const char sql[] = "SELECT oportunidad_id, cliente_id, prospecto_id, lote_id, mensaje"
                              " FROM api.captar($1, $2, $3, $4)";
    const char *p[4] = { nombre, telefono, convenio, curp };
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = db_query_row(db, sql, 4, p, &res, e);
    if (rc != RC_OK)
        goto out;
    out->oportunidad_id = db_col_i64(res, 0, 0);
    out->cliente_id = db_col_i64(res, 0, 1);
    out->prospecto_id = db_col_i64(res, 0, 2);
    out->lote_id = db_col_i64(res, 0, 3);
    out->mensaje = db_col_dup(res, 0, 4);
out:
    PQclear(res);
    return rc;
}

void
db_captacion_fini(struct db_captacion *c)
{
    free(c->mensaje);
    c->mensaje = NULL;
}

/* ---- bandeja and reassignment ------------------------------------------------------------ */

static void
bandeja_fila_fill(struct db_bandeja_fila *f, const PGresult *res, int i)
{
    f->oportunidad_id = db_col_i64(res, i, 0);
    f->cliente = db_col_dup(res, i, 1);
    f->telefono = db_col_dup(res, i, 2);
    f->usuario_id = (int)db_col_i64(res, i, 3);
    f->usuario_login = db_col_dup(res, i, 4);
    f->usuario_nombre = db_col_dup(res, i, 5);
    f->etapa = db_col_dup(res, i, 6);
    f->motivo = db_col_dup(res, i, 7);
    f->desde = (time_t)db_col_i64(res, i, 8);
    f->antiguedad_horas = PQgetisnull(res, i, 9) ? 0.0 : strtod(PQgetvalue(res, i, 9), NULL);
    f->ultimo_evento = db_col_dup(res, i, 10);
    f->ultimo_evento_at = (time_t)db_col_i64(res, i, 11);
    f->intentos = db_col_int(res, i, 12);
    f->ultimo_intento = db_col_dup(res, i, 13);
    f->espera_habiles = PQgetisnull(res, i, 14) ? 0.0 : strtod(PQgetvalue(res, i, 14), NULL);
    f->atrasada = db_col_bool(res, i, 15);
}

int
db_bandeja(struct db *db, struct db_bandeja_fila **rows, size_t *n, struct err *e)
{
    static const char sql[] =
        "SELECT oportunidad_id, cliente, telefono, usuario_id, usuario_login, usuario_nombre,"
        " etapa, motivo, extract(epoch FROM en_bandeja_desde)::bigint, antiguedad_horas,"
        " ultimo_evento, extract(epoch FROM ultimo_evento_at)::bigint, intentos,"
        " ultimo_intento, espera_habiles, atrasada FROM api.bandeja()";
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 0, NULL, &res, e);
    if (rc != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *rows = xcalloc(*n + 1, sizeof **rows);
    for (int i = 0; i < PQntuples(res); i++)
        bandeja_fila_fill(&(*rows)[i], res, i);
out:
    PQclear(res);
    return rc;
}

void
db_bandeja_free(struct db_bandeja_fila *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].cliente);
        free(rows[i].telefono);
        free(rows[i].usuario_login);
        free(rows[i].usuario_nombre);
        free(rows[i].etapa);
        free(rows[i].motivo);
        free(rows[i].ultimo_evento);
        free(rows[i].ultimo_intento);
    }
    free(rows);
}

int
db_reparto(struct db *db, const char *fecha, struct db_reparto_fila **rows, size_t *n,
           struct err *e)
{
    static const char sql[] = "SELECT login, nombre, estado, cupo, recibidos, por_solicitud,"
                              " por_reasignacion, pedidos, solicitados, captados, activas,"
                              " cartera_max, intentos, por_distribucion FROM api.reparto($1::date)";
    const char *p[1] = { fecha };
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 1, p, &res, e);
    if (rc != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *rows = xcalloc(*n + 1, sizeof **rows);
    for (int i = 0; i < PQntuples(res); i++) {
        struct db_reparto_fila *r = &(*rows)[i];

        r->login = db_col_dup(res, i, 0);
        r->nombre = db_col_dup(res, i, 1);
        r->estado = db_col_dup(res, i, 2);
        r->cupo = db_col_int(res, i, 3);
        r->recibidos = db_col_int(res, i, 4);
        r->por_solicitud = db_col_int(res, i, 5);
        r->por_reasignacion = db_col_int(res, i, 6);
        r->pedidos = db_col_int(res, i, 7);
        r->solicitados = db_col_int(res, i, 8);
        r->captados = db_col_int(res, i, 9);
        r->activas = db_col_int(res, i, 10);
        r->cartera_max = db_col_int(res, i, 11);
        r->intentos = db_col_int(res, i, 12);
        r->por_distribucion = db_col_int(res, i, 13);
    }
out:
    PQclear(res);
    return rc;
}

void
db_reparto_free(struct db_reparto_fila *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].login);
        free(rows[i].nombre);
        free(rows[i].estado);
    }
    free(rows);
}

/* A text[] literal of logins for a parameter value; NULL (the whole team) when n == 0. */
static char *
logins_literal(const char *const *logins, size_t n)
{
    struct strbuf sb;
    char *s;

    if (n == 0)
        return NULL;
    strbuf_init(&sb);
    strbuf_addch(&sb, '{');
    for (size_t i = 0; i < n; i++) {
        strbuf_addstr(&sb, i ? ",\"" : "\"");
        for (const char *c = logins[i]; *c != '\0'; c++) {
            if (*c == '"' || *c == '\\')
                strbuf_addch(&sb, '\\');
            strbuf_addch(&sb, *c);
        }
        strbuf_addch(&sb, '"');
    }
    strbuf_addch(&sb, '}');
    s = strbuf_detach(&sb, NULL);
    strbuf_fini(&sb);
    return s;
}

/* Runs a distribution call whose first six parameters are the plan's; *res on RC_OK. */
static int
distribucion_call(struct db *db, const char *sql, int cantidad, const struct db_filtros *f,
                  const char *const *promotores, size_t np, const char *clave, int nparams,
                  PGresult **res, struct err *e)
{
    struct db_num m[3] = { { "" } };
    char *lit = logins_literal(promotores, np);
    const char *p[7] = {
        db_num_i64(&m[0], cantidad), f->convenio, f->entidad, num_opt(&m[1], f->edad_min),
        num_opt(&m[2], f->edad_max), lit,         clave
    };
    int rc = db_query_rows(db, sql, nparams, p, res, e);

    free(lit);
    return rc;
}

int
db_distribuir_vista(struct db *db, int cantidad, const struct db_filtros *f,
                    const char *const *promotores, size_t np, struct db_distribucion *out,
                    struct err *e)
{
    static const char sql[] = "SELECT login, nombre, recibidos_hoy, cupo_restante, cartera_libre,"
                              " recibe, disponibles"
                              " FROM api.distribuir_vista($1, $2, $3, $4, $5, $6::text[])";
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = distribucion_call(db, sql, cantidad, f, promotores, np, NULL, 6, &res, e);
    if (rc != RC_OK)
        goto out;
    out->n = (size_t)PQntuples(res);
    out->filas = xcalloc(out->n + 1, sizeof *out->filas);
    for (int i = 0; i < PQntuples(res); i++) {
        struct db_distribucion_fila *r = &out->filas[i];

        r->login = db_col_dup(res, i, 0);
        r->nombre = db_col_dup(res, i, 1);
        r->recibidos_hoy = db_col_int(res, i, 2);
        r->cupo_restante = db_col_int(res, i, 3);
        r->cartera_libre = db_col_int(res, i, 4);
        r->recibe = db_col_int(res, i, 5);
        out->disponibles = db_col_i64(res, i, 6);
    }
out:
    PQclear(res);
    return rc;
}

int
db_distribuir(struct db *db, int cantidad, const struct db_filtros *f,
              const char *const *promotores, size_t np, const char *clave,
              struct db_distribucion *out, struct err *e)
{
    static const char sql[] = "SELECT distribucion_id, login, nombre, lote_id, asignados,"
                              " cupo_restante, repetido, mensaje"
                              " FROM api.distribuir($1, $2, $3, $4, $5, $6::text[], $7)";
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = distribucion_call(db, sql, cantidad, f, promotores, np, clave, 7, &res, e);
    if (rc != RC_OK)
        goto out;
    out->n = (size_t)PQntuples(res);
    out->filas = xcalloc(out->n + 1, sizeof *out->filas);
    for (int i = 0; i < PQntuples(res); i++) {
        struct db_distribucion_fila *r = &out->filas[i];

        out->distribucion_id = db_col_i64(res, i, 0);
        r->login = db_col_dup(res, i, 1);
        r->nombre = db_col_dup(res, i, 2);
        r->lote_id = db_col_i64(res, i, 3);
        r->recibe = db_col_int(res, i, 4);
        r->cupo_restante = db_col_int(res, i, 5);
        out->repetido = db_col_bool(res, i, 6);
        if (out->mensaje == NULL)
            out->mensaje = db_col_dup(res, i, 7);
    }
out:
    PQclear(res);
    return rc;
}

void
db_distribucion_fini(struct db_distribucion *d)
{
    for (size_t i = 0; d->filas != NULL && i < d->n; i++) {
        free(d->filas[i].login);
        free(d->filas[i].nombre);
    }
    free(d->filas);
    free(d->mensaje);
    memset(d, 0, sizeof *d);
}

/* api.reasignar and api.bandeja_reasignar share their parameters and their row. */
static int
reasignar_call(struct db *db, const char *sql, const int64_t *ids, size_t n, const char *a_login,
               const char *motivo, struct db_reasignacion *out, struct err *e)
{
    char *lit = ids_literal(ids, n);
    const char *p[3] = { lit, a_login, motivo };
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = db_query_row(db, sql, 3, p, &res, e);
    if (rc != RC_OK)
        goto out;
    out->lote_id = db_col_i64(res, 0, 0);
    out->reasignadas = db_col_int(res, 0, 1);
    out->mensaje = db_col_dup(res, 0, 2);
out:
    PQclear(res);
    free(lit);
    return rc;
}

int
db_reasignar(struct db *db, const int64_t *ids, size_t n, const char *a_login, const char *motivo,
             struct db_reasignacion *out, struct err *e)
{
    return reasignar_call(db,
                          "SELECT lote_id, reasignadas, mensaje"
                          " FROM api.reasignar($1::bigint[], $2, $3)",
                          ids, n, a_login, motivo, out, e);
}

int
db_bandeja_reasignar(struct db *db, const int64_t *ids, size_t n, const char *a_login,
                     const char *motivo, struct db_reasignacion *out, struct err *e)
{
    return reasignar_call(db,
                          "SELECT lote_id, reasignadas, mensaje"
                          " FROM api.bandeja_reasignar($1::bigint[], $2, $3)",
                          ids, n, a_login, motivo, out, e);
}

void
db_reasignacion_fini(struct db_reasignacion *r)
{
    free(r->mensaje);
    r->mensaje = NULL;
}

int
db_bandeja_decidir(struct db *db, enum db_bandeja_accion accion, const int64_t *ids, size_t n,
                   const char *motivo, int *cambiadas, struct err *e)
{
    static const char *const sql[] = {
        [DB_BANDEJA_DEVOLVER] = "SELECT api.bandeja_devolver($1::bigint[], $2)",
        [DB_BANDEJA_DESCARTAR] = "SELECT api.bandeja_descartar($1::bigint[], $2)",
        [DB_BANDEJA_REABRIR] = "SELECT api.bandeja_reabrir($1::bigint[], $2)",
    };
    char *lit = ids_literal(ids, n);
    const char *p[2] = { lit, motivo };
    PGresult *res = NULL;
    int rc;

    *cambiadas = 0;
    rc = db_query_row(db, sql[accion], 2, p, &res, e);
    if (rc == RC_OK)
        *cambiadas = (int)db_col_i64(res, 0, 0);
    PQclear(res);
    free(lit);
    return rc;
}

int
db_extender_timer(struct db *db, const int64_t *ids, size_t n, int horas, const char *motivo,
                  int *extendidas, struct err *e)
{
    static const char sql[] = "SELECT api.extender_timer($1::bigint[], $2, $3)";
    char *lit = ids_literal(ids, n);
    struct db_num h = { "" };
    const char *p[3] = { lit, db_num_i64(&h, horas), motivo };
    PGresult *res = NULL;
    int rc;

    *extendidas = 0;
    rc = db_query_row(db, sql, 3, p, &res, e);
    if (rc == RC_OK)
        *extendidas = db_col_int(res, 0, 0);
    PQclear(res);
    free(lit);
    return rc;
}

/* ---- sweep and invariants ------------------------------------------------------------------ */

int
db_barrer_timers(struct db *db, int lote, const char *proceso, int *devueltas, int *avisadas,
                 struct err *e)
{
    static const char sql[] = "SELECT devueltas, avisadas FROM api.barrer_timers($1, $2)";
    struct db_num n = { "" };
    const char *p[2] = { db_num_i64(&n, lote), proceso };
    PGresult *res = NULL;
    int rc;

    *devueltas = *avisadas = 0;
    rc = db_query_row(db, sql, 2, p, &res, e);
    if (rc == RC_OK) {
        *devueltas = db_col_int(res, 0, 0);
        *avisadas = db_col_int(res, 0, 1);
    }
    PQclear(res);
    return rc;
}

int
db_sweep_inicio(struct db *db, const char *proceso, int64_t *run_id, struct err *e)
{
    const char *p[1] = { proceso };
    PGresult *res = NULL;
    int rc;

    *run_id = 0;
    rc = db_query_row(db, "SELECT api.sweep_inicio($1)", 1, p, &res, e);
    if (rc == RC_OK)
        *run_id = db_col_i64(res, 0, 0);
    PQclear(res);
    return rc;
}

int
db_sweep_fin(struct db *db, int64_t run_id, int devueltas, int avisadas, const char *error,
             struct err *e)
{
    struct db_num n[3] = { { "" } };
    const char *p[4] = { db_num_i64(&n[0], run_id), db_num_i64(&n[1], devueltas),
                         db_num_i64(&n[2], avisadas), error };
    PGresult *res = NULL;
    int rc = db_query_row(db, "SELECT api.sweep_fin($1, $2, $3, $4)", 4, p, &res, e);

    PQclear(res);
    return rc;
}

int
db_sweep_salud(struct db *db, struct db_sweep_salud *out, struct err *e)
{
    static const char sql[] = "SELECT extract(epoch FROM r.exito)::bigint, r.segundos,"
                              " extract(epoch FROM r.inicio)::bigint, r.error,"
                              " extract(epoch FROM r.error_at)::bigint, r.corridas"
                              " FROM api.sweep_salud()"
                              " AS r(exito, segundos, inicio, error, error_at, corridas)";
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = db_query_row(db, sql, 0, NULL, &res, e);
    if (rc != RC_OK)
        goto out;
    out->ultimo_exito = (time_t)db_col_i64(res, 0, 0);
    out->segundos_desde = PQgetisnull(res, 0, 1) ? -1 : db_col_int(res, 0, 1);
    out->ultimo_inicio = (time_t)db_col_i64(res, 0, 2);
    out->ultimo_error = db_col_dup(res, 0, 3);
    out->ultimo_error_at = (time_t)db_col_i64(res, 0, 4);
    out->corridas_1h = (int)db_col_i64(res, 0, 5);
out:
    PQclear(res);
    return rc;
}

void
db_sweep_salud_fini(struct db_sweep_salud *s)
{
    free(s->ultimo_error);
    s->ultimo_error = NULL;
}

int
db_invariantes(struct db *db, struct db_violacion **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT invariante, detalle FROM api.verificar_invariantes()";
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
        (*rows)[i].invariante = db_col_dup(res, i, 0);
        (*rows)[i].detalle = db_col_dup(res, i, 1);
    }
out:
    PQclear(res);
    return rc;
}

void
db_violaciones_free(struct db_violacion *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].invariante);
        free(rows[i].detalle);
    }
    free(rows);
}
