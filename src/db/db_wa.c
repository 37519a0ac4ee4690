#include "db/db_wa.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/plantilla.h"
#include "db/db_internal.h"
#include "db/db_wa_cloud.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Decimal text of an integer parameter. */
struct num {
    char s[24];
};

static const char *
num_i64(struct num *n, int64_t v)
{
    snprintf(n->s, sizeof n->s, "%" PRId64, v);
    return n->s;
}

/* A statement whose single value is one boolean ("t"/"f"). */
static int
wa_bool(struct db *db, const char *sql, int n, const char *const *params, bool *out, struct err *e)
{
    PGresult *res = NULL;
    int rc = db_query_row(db, sql, n, params, &res, e);

    if (rc == RC_OK)
        *out = db_col_bool(res, 0, 0);
    PQclear(res);
    return rc;
}

/* A statement whose single value is text, copied into buf. */
static int
wa_text(struct db *db, const char *sql, int n, const char *const *params, char *buf, size_t size,
        struct err *e)
{
    PGresult *res = NULL;
    int rc = db_query_row(db, sql, n, params, &res, e);

    if (rc == RC_OK)
        db_col_copy(buf, size, res, 0, 0);
    PQclear(res);
    return rc;
}

/* Decodes lowercase hex (encode(x, 'hex')) into a new buffer. */
static unsigned char *
hex_decode(const char *s, size_t *len)
{
    size_t n = strlen(s) / 2;
    unsigned char *b = xmalloc(n ? n : 1);

    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(hex_digit(s[2 * i]) << 4 | hex_digit(s[2 * i + 1]));
    *len = n;
    return b;
}

/* ---- the account ---------------------------------------------------------------------- */

int
db_wa_cuenta(struct db *db, struct db_wa_cuenta *out, struct err *e)
{
    static const char sql[] =
        "SELECT usuario_id, jid, estado, encode(credenciales, 'hex'),"
        " extract(epoch FROM vinculada_at)::bigint, to_char(en_uso_desde, 'YYYYMMDD'),"
        " envio_servidor, limite_diario, detalle, tope_hoy FROM api.wa_cuenta()";
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    if ((rc = db_query_row(db, sql, 0, NULL, &res, e)) != RC_OK)
        goto out;
    out->usuario_id = db_col_int(res, 0, 0);
    out->jid = db_col_dup(res, 0, 1);
    db_col_copy(out->estado, sizeof out->estado, res, 0, 2);
    if (!PQgetisnull(res, 0, 3))
        out->credenciales = hex_decode(PQgetvalue(res, 0, 3), &out->credenciales_len);
    out->vinculada_at = (time_t)db_col_i64(res, 0, 4);
    out->en_uso_desde = (int32_t)db_col_i64(res, 0, 5);
    out->envio_servidor = db_col_bool(res, 0, 6);
    out->limite_diario = db_col_int(res, 0, 7);
    out->detalle = db_col_dup(res, 0, 8);
    out->tope_hoy = db_col_int(res, 0, 9);
out:
    PQclear(res);
    return rc;
}

void
db_wa_cuenta_fini(struct db_wa_cuenta *c)
{
    if (c == NULL)
        return;
    if (c->credenciales != NULL) {
        /* Sealed, but still nobody's business once released. */
        volatile unsigned char *p = c->credenciales;

        for (size_t i = 0; i < c->credenciales_len; i++)
            p[i] = 0;
    }
    free(c->credenciales);
    free(c->jid);
    free(c->detalle);
    memset(c, 0, sizeof *c);
}

int
db_wa_guardar_credenciales(struct db *db, const char *jid, const unsigned char *blob, size_t len,
                           struct err *e)
{
    static const char sql[] = "SELECT api.wa_guardar_credenciales($1, $2)";
    const char *p[2] = { jid, (const char *)blob };
    int lens[2] = { 0, (int)len };
    int fmts[2] = { 0, 1 };
    PGresult *res;
    int rc;

    assert(db != NULL && blob != NULL && len <= 1048576);
    res = PQexecParams(db_pg(db), sql, 2, NULL, p, lens, fmts, 0);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    PQclear(res);
    return rc;
}

int
db_wa_cambiar_estado(struct db *db, const char *estado, const char *detalle, struct err *e)
{
    const char *p[2] = { estado, detalle };
    char buf[8];

    assert(db != NULL);
    return wa_text(db, "SELECT api.wa_cambiar_estado($1, $2)::text", 2, p, buf, sizeof buf, e);
}

int
db_wa_desvincular(struct db *db, struct err *e)
{
    char buf[8];

    assert(db != NULL);
    return wa_text(db, "SELECT api.wa_desvincular()::text", 0, NULL, buf, sizeof buf, e);
}

/* ---- campaigns: creation ---------------------------------------------------------------- */

/* Renders every recipient row of api.campana_destinatarios into the two array literals of
 * api.campana_textos. A render that lacks a value gives NULL (→ OMITIDO FALTA_DATO); ok[i]
 * says whether row i rendered. */
static void
render_all(const struct plantilla *tpl, int64_t campana, const PGresult *res, struct strbuf *ids,
           struct strbuf *textos, bool *ok)
{
    strbuf_addch(ids, '{');
    strbuf_addch(textos, '{');
    for (int i = 0; i < PQntuples(res); i++) {
        struct plantilla_valores v;
        struct err re = { 0 };
        int64_t mid = db_col_i64(res, i, 0);
        char *txt;

        for (int k = 0; k < PLANTILLA_NVARS; k++)
            v.v[k] = PQgetisnull(res, i, 3 + k) ? NULL : PQgetvalue(res, i, 3 + k);
        txt = plantilla_render(tpl, &v, plantilla_seed((uint64_t)campana, (uint64_t)mid), &re);
        ok[i] = txt != NULL;
        strbuf_addf(ids, "%s%" PRId64, i ? "," : "", mid);
        if (i)
            strbuf_addch(textos, ',');
        db_array_elem(textos, txt);
        free(txt);
    }
    strbuf_addch(ids, '}');
    strbuf_addch(textos, '}');
}

/*
 * For a campaign whose template has a twin approved in Meta, before its texts: each message's
 * values of the template's variables, in order of first appearance ({{1}}…{{n}}), →
 * api.campana_meta; none for a row that did not render (it becomes OMITIDO FALTA_DATO).
 */
static int
crear_meta(struct db *db, int64_t id, const struct db_campana_nueva *n, const struct plantilla *tpl,
           const PGresult *res, const bool *ok, struct err *e)
{
    enum plantilla_var orden[PLANTILLA_NVARS];
    size_t nvars = plantilla_orden(tpl, orden);
    size_t rows = (size_t)PQntuples(res);
    int64_t *mensajes = xcalloc(rows + 1, sizeof *mensajes);
    const char **vals = xcalloc(rows * nvars + 1, sizeof *vals);
    const char *const **params = xcalloc(rows + 1, sizeof *params);
    int rc;

    for (size_t i = 0; i < rows; i++) {
        mensajes[i] = db_col_i64(res, (int)i, 0);
        if (!ok[i])
            continue; /* NULL: no values */
        for (size_t k = 0; k < nvars; k++)
            vals[i * nvars + k] = PQgetvalue(res, (int)i, 3 + (int)orden[k]);
        params[i] = vals + i * nvars;
    }
    rc = db_campana_meta(db, id, n->meta_nombre, n->meta_idioma != NULL ? n->meta_idioma : "es_MX",
                         mensajes, params, rows, nvars, e);
    free(mensajes);
    free(vals);
    free(params);
    return rc;
}

/* Step 2 of the creation, inside its transaction: values → texts → (api.campana_meta when the
 * template has a twin in Meta) → api.campana_textos. */
static int
crear_textos(struct db *db, int64_t id, const struct db_campana_nueva *nueva, struct err *e)
{
    static const char sql_dest[] =
        "SELECT mensaje_id, oportunidad_id, telefono, nombre, apellido, nombre_completo,"
        " convenio, promotor, etapa, municipio, entidad FROM api.campana_destinatarios($1)";
    struct plantilla *tpl = NULL;
    struct strbuf ids, textos;
    PGresult *res = NULL;
    bool *ok = NULL;
    struct num n;
    const char *p[3] = { num_i64(&n, id), NULL, NULL };
    char buf[16];
    int rc;

    strbuf_init(&ids);
    strbuf_init(&textos);
    if ((tpl = plantilla_parse(nueva->texto, NULL, e)) == NULL) {
        rc = RC_INVAL;
        goto out;
    }
    if ((rc = db_query_rows(db, sql_dest, 1, p, &res, e)) != RC_OK)
        goto out;
    ok = xcalloc((size_t)PQntuples(res) + 1, sizeof *ok);
    render_all(tpl, id, res, &ids, &textos, ok);
    if (nueva->meta_nombre != NULL && (rc = crear_meta(db, id, nueva, tpl, res, ok, e)) != RC_OK)
        goto out;
    p[1] = ids.buf;
    p[2] = textos.buf;
    rc = wa_text(db, "SELECT api.campana_textos($1, $2::bigint[], $3::text[])", 3, p, buf,
                 sizeof buf, e);
out:
    free(ok);
    PQclear(res);
    plantilla_free(tpl);
    strbuf_fini(&ids);
    strbuf_fini(&textos);
    return rc;
}

/* Step 1: api.campana_crear's row into out. */
static int
crear_reservar(struct db *db, const struct db_campana_nueva *n, struct db_campana_creada *out,
               struct err *e)
{
    static const char sql[] = "SELECT campana_id, destinatarios, omitidos, hoy, tope_hoy, mensaje"
                              " FROM api.campana_crear($1, $2, $3, $4, $5, $6)";
    struct num m;
    const char *p[6] = { n->etapa,    n->texto,   n->nombre,
                         n->convenio, n->entidad, n->maximo > 0 ? num_i64(&m, n->maximo) : NULL };
    PGresult *res = NULL;
    int rc;

    if ((rc = db_query_row(db, sql, 6, p, &res, e)) == RC_OK) {
        out->id = db_col_i64(res, 0, 0);
        out->destinatarios = db_col_int(res, 0, 1);
        out->omitidos = db_col_int(res, 0, 2);
        out->hoy = db_col_int(res, 0, 3);
        out->tope_hoy = db_col_int(res, 0, 4);
        out->mensaje = db_col_dup(res, 0, 5);
    }
    PQclear(res);
    return rc;
}

int
db_campana_crear(struct db *db, const struct db_campana_nueva *n, struct db_campana_creada *out,
                 struct err *e)
{
    struct err ignored;
    int rc;

    assert(db != NULL && n != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    if ((rc = db_exec(db, "BEGIN", e)) != RC_OK)
        return rc;
    if ((rc = crear_reservar(db, n, out, e)) != RC_OK ||
        (rc = crear_textos(db, out->id, n, e)) != RC_OK ||
        (rc = db_exec(db, "COMMIT", e)) != RC_OK) {
        (void)!db_exec(db, "ROLLBACK", &ignored);
        goto out;
    }
    /* Texts that failed to render changed the counts: read them back with the plan. */
    if ((rc = db_campana_plan(db, out->id, &out->plan, &out->nplan, e)) != RC_OK ||
        (rc = db_campana_omitidos(db, out->id, &out->omitidos_v, &out->nomitidos, e)) != RC_OK)
        goto out;
    out->omitidos = (int)out->nomitidos;
    out->destinatarios = 0;
    for (size_t i = 0; i < out->nplan; i++)
        out->destinatarios += out->plan[i].mensajes;
    out->hoy = 0;
    for (size_t i = 0; i < out->nplan; i++)
        if (out->plan[i].hoy)
            out->hoy += out->plan[i].mensajes;
out:
    if (rc != RC_OK)
        db_campana_creada_fini(out);
    return rc;
}

void
db_campana_creada_fini(struct db_campana_creada *c)
{
    if (c == NULL)
        return;
    free(c->mensaje);
    free(c->plan);
    db_omitidos_free(c->omitidos_v, c->nomitidos);
    memset(c, 0, sizeof *c);
}

/* ---- campaigns: lifecycle and counts ------------------------------------------------------ */

int
db_campana_accion(struct db *db, int64_t id, enum db_campana_accion accion, char estado[16],
                  struct err *e)
{
    static const char *const sql[] = {
        [DB_CAMPANA_LANZAR] = "SELECT api.campana_lanzar($1)",
        [DB_CAMPANA_PAUSAR] = "SELECT api.campana_pausar($1)",
        [DB_CAMPANA_REANUDAR] = "SELECT api.campana_reanudar($1)",
        [DB_CAMPANA_CANCELAR] = "SELECT api.campana_cancelar($1)",
    };
    struct num n;
    const char *p[1] = { num_i64(&n, id) };

    assert(db != NULL && (unsigned)accion <= DB_CAMPANA_CANCELAR);
    return wa_text(db, sql[accion], 1, p, estado, 16, e);
}

/* The columns of api.campana_estado, as db_campana_estado and db_campanas read them. */
#define CAMPANA_ESTADO_COLS                                                                    \
    "s.campana_id, s.nombre, s.estado, s.etapa, s.usuario_login, s.total, s.pendientes,"       \
    " s.enviando, s.inciertos, s.enviados, s.entregados, s.leidos, s.respondidos, s.fallidos," \
    " s.omitidos, s.cancelados, s.bajas, extract(epoch FROM s.creada_at)::bigint,"             \
    " extract(epoch FROM s.lanzada_at)::bigint, extract(epoch FROM s.terminada_at)::bigint,"   \
    " extract(epoch FROM s.proximo_at)::bigint, s.sin_entregar, s.pausa_motivo"

static void
campana_estado_fill(struct db_campana_estado *out, const PGresult *res, int row)
{
    int *counts[] = { &out->total,    &out->pendientes, &out->enviando,   &out->inciertos,
                      &out->enviados, &out->entregados, &out->leidos,     &out->respondidos,
                      &out->fallidos, &out->omitidos,   &out->cancelados, &out->bajas };

    memset(out, 0, sizeof *out);
    out->id = db_col_i64(res, row, 0);
    out->nombre = db_col_dup(res, row, 1);
    db_col_copy(out->estado, sizeof out->estado, res, row, 2);
    out->etapa = db_col_dup(res, row, 3);
    out->usuario_login = db_col_dup(res, row, 4);
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        *counts[i] = db_col_int(res, row, 5 + (int)i);
    out->creada_at = (time_t)db_col_i64(res, row, 17);
    out->lanzada_at = (time_t)db_col_i64(res, row, 18);
    out->terminada_at = (time_t)db_col_i64(res, row, 19);
    out->proximo_at = (time_t)db_col_i64(res, row, 20);
    out->sin_entregar = db_col_int(res, row, 21);
    out->pausa_motivo = db_col_dup(res, row, 22);
}

int
db_campana_estado(struct db *db, int64_t id, struct db_campana_estado *out, struct err *e)
{
    static const char sql[] = "SELECT " CAMPANA_ESTADO_COLS " FROM api.campana_estado($1) s";
    struct num n;
    const char *p[1] = { num_i64(&n, id) };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    if ((rc = db_query_row(db, sql, 1, p, &res, e)) == RC_OK)
        campana_estado_fill(out, res, 0);
    PQclear(res);
    return rc;
}

int
db_campanas(struct db *db, const char *estado, const char *promotor, int limite,
            struct db_campana_estado **rows, size_t *n, struct err *e)
{
    static const char sql[] =
        "SELECT " CAMPANA_ESTADO_COLS " FROM crm.wa_campanas c"
        " JOIN crm.usuarios u ON u.id = c.usuario_id, LATERAL api.campana_estado(c.id) s"
        " WHERE ($1::text IS NULL OR c.estado = $1) AND ($2::text IS NULL OR u.login = $2)"
        " ORDER BY c.id DESC LIMIT $3";
    struct num k;
    const char *p[3] = { estado, promotor, num_i64(&k, limite) };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && rows != NULL && n != NULL);
    *rows = NULL;
    *n = 0;
    if ((rc = db_query_rows(db, sql, 3, p, &res, e)) != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *rows = xcalloc(*n ? *n : 1, sizeof **rows);
    for (int i = 0; i < PQntuples(res); i++)
        campana_estado_fill(&(*rows)[i], res, i);
out:
    PQclear(res);
    return rc;
}

void
db_campanas_free(struct db_campana_estado *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        db_campana_estado_fini(&rows[i]);
    free(rows);
}

void
db_campana_estado_fini(struct db_campana_estado *s)
{
    if (s == NULL)
        return;
    free(s->nombre);
    free(s->etapa);
    free(s->usuario_login);
    free(s->pausa_motivo);
    memset(s, 0, sizeof *s);
}

int
db_campana_plan(struct db *db, int64_t id, struct db_plan_dia **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT to_char(dia, 'YYYYMMDD'), mensajes,"
                              " extract(epoch FROM desde)::bigint, dia = crm.fecha_negocio(now())"
                              " FROM api.campana_plan($1)";
    struct num k;
    const char *p[1] = { num_i64(&k, id) };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && rows != NULL && n != NULL);
    *rows = NULL;
    *n = 0;
    if ((rc = db_query_rows(db, sql, 1, p, &res, e)) != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *rows = xcalloc(*n ? *n : 1, sizeof **rows);
    for (int i = 0; i < PQntuples(res); i++) {
        (*rows)[i].dia = (int32_t)db_col_i64(res, i, 0);
        (*rows)[i].mensajes = db_col_int(res, i, 1);
        (*rows)[i].desde = (time_t)db_col_i64(res, i, 2);
        (*rows)[i].hoy = db_col_bool(res, i, 3);
    }
out:
    PQclear(res);
    return rc;
}

int
db_campana_omitidos(struct db *db, int64_t id, struct db_omitido **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT mensaje_id, oportunidad_id, cliente, telefono, motivo,"
                              " detalle FROM api.campana_omitidos($1)";
    struct num k;
    const char *p[1] = { num_i64(&k, id) };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && rows != NULL && n != NULL);
    *rows = NULL;
    *n = 0;
    if ((rc = db_query_rows(db, sql, 1, p, &res, e)) != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *rows = xcalloc(*n ? *n : 1, sizeof **rows);
    for (int i = 0; i < PQntuples(res); i++) {
        struct db_omitido *o = &(*rows)[i];

        o->mensaje_id = db_col_i64(res, i, 0);
        o->oportunidad_id = db_col_i64(res, i, 1);
        o->cliente = db_col_dup(res, i, 2);
        o->telefono = db_col_dup(res, i, 3);
        o->motivo = db_col_dup(res, i, 4);
        o->detalle = db_col_dup(res, i, 5);
    }
out:
    PQclear(res);
    return rc;
}

void
db_omitidos_free(struct db_omitido *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].cliente);
        free(rows[i].telefono);
        free(rows[i].motivo);
        free(rows[i].detalle);
    }
    free(rows);
}

/* ---- the sender ----------------------------------------------------------------------- */

/* Runs a claim statement (SELECT mensaje_id, campana_id, oportunidad_id, telefono, jid, texto
 * FROM <claim function>($1)) for the account and reads its row; shared with db_sender.c. */
int
db_mensaje_claim_run(struct db *db, const char *sql, int cuenta, struct db_mensaje *out,
                     bool *found, struct err *e)
{
    struct num n;
    const char *p[1] = { num_i64(&n, cuenta) };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && out != NULL && found != NULL);
    memset(out, 0, sizeof *out);
    *found = false;
    if ((rc = db_query_rows(db, sql, 1, p, &res, e)) != RC_OK || PQntuples(res) == 0)
        goto out;
    *found = true;
    out->id = db_col_i64(res, 0, 0);
    out->campana_id = db_col_i64(res, 0, 1);
    out->oportunidad_id = db_col_i64(res, 0, 2);
    out->telefono = db_col_dup(res, 0, 3);
    out->jid = db_col_dup(res, 0, 4);
    out->texto = db_col_dup(res, 0, 5);
out:
    PQclear(res);
    return rc;
}

int
db_mensaje_reclamar(struct db *db, int cuenta, struct db_mensaje *out, bool *found, struct err *e)
{
    return db_mensaje_claim_run(db,
                                "SELECT mensaje_id, campana_id, oportunidad_id, telefono, jid,"
                                " texto FROM api.mensaje_reclamar($1)",
                                cuenta, out, found, e);
}

void
db_mensaje_fini(struct db_mensaje *m)
{
    if (m == NULL)
        return;
    free(m->telefono);
    free(m->jid);
    free(m->texto);
    memset(m, 0, sizeof *m);
}

int
db_mensaje_enviado(struct db *db, int64_t id, const char *wa_id, bool *cambio, struct err *e)
{
    struct num n;
    const char *p[2] = { num_i64(&n, id), wa_id };

    assert(db != NULL && cambio != NULL);
    return wa_bool(db, "SELECT api.mensaje_enviado($1, $2)", 2, p, cambio, e);
}

int
db_mensaje_recibo(struct db *db, const char *wa_id, bool leido, time_t at, bool *cambio,
                  struct err *e)
{
    struct num n;
    const char *p[3] = { wa_id, leido ? "LEIDO" : "ENTREGADO",
                         at > 0 ? num_i64(&n, (int64_t)at) : NULL };

    assert(db != NULL && cambio != NULL);
    return wa_bool(db, "SELECT api.mensaje_recibo($1, $2, to_timestamp($3::bigint))", 3, p, cambio,
                   e);
}

int
db_mensaje_fallido(struct db *db, int64_t id, const char *error, bool *cambio, struct err *e)
{
    struct num n;
    const char *p[2] = { num_i64(&n, id), error };

    assert(db != NULL && cambio != NULL);
    return wa_bool(db, "SELECT api.mensaje_fallido($1, $2)", 2, p, cambio, e);
}

int
db_mensajes_recuperar(struct db *db, int cuenta, int *n, struct err *e)
{
    struct num k;
    const char *p[1] = { num_i64(&k, cuenta) };
    char buf[24];
    int rc;

    assert(db != NULL && n != NULL);
    rc = wa_text(db, "SELECT api.mensajes_recuperar($1)", 1, p, buf, sizeof buf, e);
    *n = rc == RC_OK ? atoi(buf) : 0;
    return rc;
}

int
db_mensaje_resolver_incierto(struct db *db, int64_t id, enum db_incierto_accion accion,
                             char estado[16], struct err *e)
{
    static const char *const nombres[] = {
        [DB_INCIERTO_ENVIADO] = "ENVIADO",
        [DB_INCIERTO_REENVIAR] = "REENVIAR",
        [DB_INCIERTO_DESCARTAR] = "DESCARTAR",
    };
    struct num n;
    const char *p[2] = { num_i64(&n, id), NULL };

    assert(db != NULL && (unsigned)accion <= DB_INCIERTO_DESCARTAR);
    p[1] = nombres[accion];
    return wa_text(db, "SELECT api.mensaje_resolver_incierto($1, $2)", 2, p, estado, 16, e);
}

int
db_wa_entrante(struct db *db, int cuenta, const char *telefono_o_jid, const char *texto, bool baja,
               const char *regla, struct db_entrante *out, struct err *e)
{
    static const char sql[] = "SELECT oportunidad_id, mensaje_id, baja_registrada"
                              " FROM api.wa_entrante($1, $2, $3, $4, $5)";
    struct num n;
    const char *p[5] = { telefono_o_jid, texto, baja ? "t" : "f", regla,
                         cuenta > 0 ? num_i64(&n, cuenta) : NULL };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    if ((rc = db_query_row(db, sql, 5, p, &res, e)) == RC_OK) {
        out->oportunidad_id = db_col_i64(res, 0, 0);
        out->mensaje_id = db_col_i64(res, 0, 1);
        out->baja = db_col_bool(res, 0, 2);
    }
    PQclear(res);
    return rc;
}

int
db_wa_numero_guardar(struct db *db, const char *telefono, bool en_whatsapp, const char *jid,
                     int *omitidos, struct err *e)
{
    const char *p[3] = { telefono, en_whatsapp ? "t" : "f", jid };
    char buf[24];
    int rc;

    assert(db != NULL && omitidos != NULL);
    rc = wa_text(db, "SELECT api.wa_numero_guardar($1, $2, $3)", 3, p, buf, sizeof buf, e);
    *omitidos = rc == RC_OK ? atoi(buf) : 0;
    return rc;
}

/* ---- statistics and export -------------------------------------------------------------- */

int
db_wa_estadisticas(struct db *db, const char *desde, const char *hasta,
                   struct db_wa_estadistica **rows, size_t *n, struct err *e)
{
    static const char sql[] =
        "SELECT usuario_id, usuario_login, to_char(dia, 'YYYYMMDD'), campana_id, campana,"
        " enviados, entregados, leidos, respondidos, bajas, fallidos, fallidos_por::text,"
        " sin_entregar FROM api.wa_estadisticas($1::date, $2::date)";
    const char *p[2] = { desde, hasta };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && rows != NULL && n != NULL);
    *rows = NULL;
    *n = 0;
    if ((rc = db_query_rows(db, sql, 2, p, &res, e)) != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *rows = xcalloc(*n ? *n : 1, sizeof **rows);
    for (int i = 0; i < PQntuples(res); i++) {
        struct db_wa_estadistica *s = &(*rows)[i];

        s->usuario_id = db_col_int(res, i, 0);
        s->usuario_login = db_col_dup(res, i, 1);
        s->dia = (int32_t)db_col_i64(res, i, 2);
        s->campana_id = db_col_i64(res, i, 3);
        s->campana = db_col_dup(res, i, 4);
        s->enviados = db_col_int(res, i, 5);
        s->entregados = db_col_int(res, i, 6);
        s->leidos = db_col_int(res, i, 7);
        s->respondidos = db_col_int(res, i, 8);
        s->bajas = db_col_int(res, i, 9);
        s->fallidos = db_col_int(res, i, 10);
        s->fallidos_por = db_col_dup(res, i, 11);
        s->sin_entregar = db_col_int(res, i, 12);
    }
out:
    PQclear(res);
    return rc;
}

void
db_wa_estadisticas_free(struct db_wa_estadistica *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].usuario_login);
        free(rows[i].campana);
        free(rows[i].fallidos_por);
    }
    free(rows);
}

const char *const db_mensaje_columnas[DB_MENSAJE_NCOLUMNAS] = {
    "mensaje_id",   "campana_id", "campana",       "promotor",        "oportunidad_id",
    "telefono",     "estado",     "incierto",      "programado_para", "enviado_at",
    "entregado_at", "leido_at",   "respondido_at", "error",           "texto",
};

int
db_mensajes_exportar(struct db *db, const char *desde, const char *hasta,
                     int (*fila)(void *arg, const struct db_mensaje_fila *f), void *arg,
                     struct err *e)
{
#define ISO(c) "to_char(" c " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    static const char sql[] =
        "SELECT mensaje_id, campana_id, campana, usuario_login, oportunidad_id, telefono, estado,"
        " incierto, " ISO("programado_para") ", " ISO("enviado_at") ", " ISO("entregado_at") ", " ISO(
            "leido_at") ", " ISO("respondido_at") ", error, texto"
                                                  " FROM api.wa_mensajes_exportar($1::date, $2::date)";
#undef ISO
    const char *p[2] = { desde, hasta };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && fila != NULL);
    if ((rc = db_query_rows(db, sql, 2, p, &res, e)) != RC_OK)
        goto out;
    for (int i = 0; i < PQntuples(res) && rc == RC_OK; i++) {
        struct db_mensaje_fila f;

        for (int k = 0; k < DB_MENSAJE_NCOLUMNAS; k++)
            f.campos[k] = PQgetisnull(res, i, k) ? NULL : PQgetvalue(res, i, k);
        rc = fila(arg, &f);
    }
out:
    PQclear(res);
    return rc;
}
