#include "db/db_wa_cloud.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "db/db_internal.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* A statement run for its effect: one row, whatever it holds. */
static int
cloud_call(struct db *db, const char *sql, int n, const char *const *params, struct err *e)
{
    PGresult *res = NULL;
    int rc = db_query_row(db, sql, n, params, &res, e);

    PQclear(res);
    return rc;
}

/* A statement whose single value is one boolean. */
static int
cloud_bool(struct db *db, const char *sql, int n, const char *const *params, bool *out,
           struct err *e)
{
    PGresult *res = NULL;
    int rc = db_query_row(db, sql, n, params, &res, e);

    if (rc == RC_OK)
        *out = db_col_bool(res, 0, 0);
    PQclear(res);
    return rc;
}

/* Decimal text of an int parameter (an account id, a count). */
static const char *
int_txt(char buf[16], int v)
{
    snprintf(buf, 16, "%d", v);
    return buf;
}

/* ---- accounts (admin) ------------------------------------------------------------------- */

int
db_wa_cloud_asignar(struct db *db, const char *login, const char *numero_id, bool *cambio,
                    struct err *e)
{
    const char *p[2] = { login, numero_id };

    assert(db != NULL && cambio != NULL);
    *cambio = false;
    return cloud_bool(db, "SELECT api.wa_cloud_asignar($1, $2)", 2, p, cambio, e);
}

int
db_wa_cloud_quitar(struct db *db, const char *login, bool *cambio, struct err *e)
{
    const char *p[1] = { login };

    assert(db != NULL && cambio != NULL);
    *cambio = false;
    return cloud_bool(db, "SELECT api.wa_cloud_quitar($1)", 1, p, cambio, e);
}

int
db_wa_cloud_cuentas(struct db *db, struct db_wa_cloud_cuenta **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT usuario_id, login, nombre, numero_id, estado, jid,"
                              " pendientes FROM api.wa_cloud_cuentas()";
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && rows != NULL && n != NULL);
    *rows = NULL;
    *n = 0;
    if ((rc = db_query_rows(db, sql, 0, NULL, &res, e)) != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *rows = xcalloc(*n ? *n : 1, sizeof **rows);
    for (int i = 0; i < PQntuples(res); i++) {
        struct db_wa_cloud_cuenta *c = &(*rows)[i];

        c->usuario_id = db_col_int(res, i, 0);
        db_col_copy(c->login, sizeof c->login, res, i, 1);
        db_col_copy(c->nombre, sizeof c->nombre, res, i, 2);
        db_col_copy(c->numero_id, sizeof c->numero_id, res, i, 3);
        db_col_copy(c->estado, sizeof c->estado, res, i, 4);
        db_col_copy(c->jid, sizeof c->jid, res, i, 5);
        c->pendientes = db_col_int(res, i, 6);
    }
out:
    PQclear(res);
    return rc;
}

void
db_wa_cloud_cuentas_free(struct db_wa_cloud_cuenta *rows)
{
    free(rows);
}

int
db_wa_cloud_propia(struct db *db, bool *cloud, char calidad[DB_WA_CLOUD_CALIDAD_MAX + 1],
                   struct err *e)
{
    /* aggregates: exactly one row, also for a user without an account */
    static const char sql[] = "SELECT coalesce(bool_or(proveedor = 'CLOUD'), false),"
                              " coalesce(max(cloud_calidad), '')"
                              " FROM crm.wa_cuentas WHERE usuario_id = crm.yo()";
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && cloud != NULL && calidad != NULL);
    *cloud = false;
    calidad[0] = '\0';
    if ((rc = db_query_row(db, sql, 0, NULL, &res, e)) == RC_OK) {
        *cloud = db_col_bool(res, 0, 0);
        db_col_copy(calidad, DB_WA_CLOUD_CALIDAD_MAX + 1, res, 0, 1);
    }
    PQclear(res);
    return rc;
}

/* ---- the sender ------------------------------------------------------------------------- */

int
db_wa_cloud_conectada(struct db *db, int cuenta, const char *numero, const char *calidad,
                      struct err *e)
{
    char id[16];
    const char *p[3] = { int_txt(id, cuenta), numero, calidad };

    assert(db != NULL);
    return cloud_call(db, "SELECT api.wa_cloud_conectada($1, $2, $3)::text", 3, p, e);
}

int
db_wa_cloud_remitente(struct db *db, int cuenta, bool *cloud,
                      char numero_id[DB_WA_CLOUD_NUMERO_MAX + 1], struct err *e)
{
    char id[16];
    const char *p[1] = { int_txt(id, cuenta) };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && cloud != NULL && numero_id != NULL);
    *cloud = false;
    numero_id[0] = '\0';
    if ((rc = db_query_row(db, "SELECT proveedor, numero_id FROM api.wa_cloud_remitente($1)", 1, p,
                           &res, e)) != RC_OK)
        goto out;
    *cloud = strcmp(PQgetvalue(res, 0, 0), "CLOUD") == 0;
    if (*cloud)
        db_col_copy(numero_id, DB_WA_CLOUD_NUMERO_MAX + 1, res, 0, 1);
out:
    PQclear(res);
    return rc;
}

int
db_wa_cloud_plantilla_mensaje(struct db *db, int64_t mensaje, struct db_wa_cloud_plantilla *out,
                              bool *found, struct err *e)
{
    /* One row per parameter, in order (one with a NULL value when there are none), so the
     * values arrive as text columns: no JSON to parse here. */
    static const char sql[] =
        "SELECT t.nombre, t.idioma, v.valor FROM api.wa_cloud_plantilla_mensaje($1) t"
        " LEFT JOIN LATERAL jsonb_array_elements_text(coalesce(t.parametros, '[]'))"
        " WITH ORDINALITY v(valor, k) ON true ORDER BY v.k";
    struct db_num n;
    const char *p[1] = { db_num_i64(&n, mensaje) };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && out != NULL && found != NULL);
    memset(out, 0, sizeof *out);
    *found = false;
    if ((rc = db_query_rows(db, sql, 1, p, &res, e)) != RC_OK || PQntuples(res) == 0)
        goto out;
    *found = true;
    db_col_copy(out->nombre, sizeof out->nombre, res, 0, 0);
    db_col_copy(out->idioma, sizeof out->idioma, res, 0, 1);
    if (PQgetisnull(res, 0, 2))
        goto out;
    out->nparametros = (size_t)PQntuples(res);
    out->parametros = xcalloc(out->nparametros, sizeof *out->parametros);
    for (int i = 0; i < PQntuples(res); i++)
        out->parametros[i] = db_col_str(res, i, 2);
out:
    PQclear(res);
    return rc;
}

void
db_wa_cloud_plantilla_fini(struct db_wa_cloud_plantilla *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->nparametros; i++)
        free(p->parametros[i]);
    free(p->parametros);
    memset(p, 0, sizeof *p);
}

int
db_wa_cloud_tomar(struct db *db, int cuenta, int max, struct db_wa_cloud_evento **rows, size_t *n,
                  struct err *e)
{
    static const char sql[] =
        "SELECT id, tipo, datos::text FROM api.wa_cloud_tomar($1, $2) ORDER BY id";
    char id[16], m[16];
    const char *p[2] = { int_txt(id, cuenta), int_txt(m, max) };
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
        struct db_wa_cloud_evento *ev = &(*rows)[i];

        ev->id = db_col_i64(res, i, 0);
        ev->tipo = strcmp(PQgetvalue(res, i, 1), "MENSAJE") == 0 ? DB_WA_CLOUD_MENSAJE
                                                                 : DB_WA_CLOUD_ESTADO;
        ev->datos = db_col_str(res, i, 2);
    }
out:
    PQclear(res);
    return rc;
}

void
db_wa_cloud_eventos_free(struct db_wa_cloud_evento *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++)
        free(rows[i].datos);
    free(rows);
}

int
db_wa_cloud_hechos(struct db *db, int cuenta, const int64_t *ids, size_t n, struct err *e)
{
    char id[16];
    const char *p[2] = { int_txt(id, cuenta), NULL };
    struct strbuf sb;
    int rc;

    assert(db != NULL && (ids != NULL || n == 0));
    strbuf_init(&sb);
    strbuf_addch(&sb, '{');
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%" PRId64, i ? "," : "", ids[i]);
    strbuf_addch(&sb, '}');
    p[1] = sb.buf;
    rc = cloud_call(db, "SELECT api.wa_cloud_hechos($1, $2::bigint[])", 2, p, e);
    strbuf_fini(&sb);
    return rc;
}

/* ---- the webhook ------------------------------------------------------------------------ */

int
db_wa_cloud_recibir(struct db *db, const char *cuerpo, size_t len, int *eventos, int *ajenos,
                    struct err *e)
{
    PGresult *res = NULL;
    const char *p[1];
    char *texto;
    int rc;

    assert(db != NULL && (cuerpo != NULL || len == 0) && eventos != NULL && ajenos != NULL);
    *eventos = *ajenos = 0;
    /* A text parameter ends at its first NUL and the server rejects invalid UTF-8 before the
     * function runs: either is no JSON, and gets the function's own refusal. */
    if ((len > 0 && memchr(cuerpo, '\0', len) != NULL) || !csv_utf8_valid(cuerpo, len)) {
        rc = err_set(e, RC_REFUSED, "el aviso de WhatsApp no es JSON válido");
        if (e != NULL)
            memcpy(e->code, "EB397", sizeof "EB397");
        return rc;
    }
    texto = xmalloc(len + 1);
    if (len > 0)
        memcpy(texto, cuerpo, len);
    texto[len] = '\0';
    p[0] = texto;
    if ((rc = db_query_row(db, "SELECT eventos, ajenos FROM api.wa_cloud_recibir($1)", 1, p, &res,
                           e)) == RC_OK) {
        *eventos = db_col_int(res, 0, 0);
        *ajenos = db_col_int(res, 0, 1);
    }
    PQclear(res);
    free(texto);
    return rc;
}

/* ---- templates and campaigns ------------------------------------------------------------ */

int
db_plantilla_meta(struct db *db, int64_t plantilla, const char *meta_nombre,
                  const char *meta_idioma, struct err *e)
{
    struct db_num n;
    const char *p[3] = { db_num_i64(&n, plantilla), meta_nombre, meta_idioma };

    assert(db != NULL);
    /* Without a language the function's default (es_MX) applies. */
    if (meta_idioma == NULL)
        return cloud_call(db, "SELECT api.plantilla_meta($1, $2)::text", 2, p, e);
    return cloud_call(db, "SELECT api.plantilla_meta($1, $2, $3)::text", 3, p, e);
}

int
db_campana_meta(struct db *db, int64_t campana, const char *meta_nombre, const char *meta_idioma,
                const int64_t *mensajes, const char *const *const *parametros, size_t nmensajes,
                size_t nparametros, struct err *e)
{
    struct db_num n;
    const char *p[5] = { db_num_i64(&n, campana), meta_nombre, meta_idioma, NULL, NULL };
    struct strbuf ids, json;
    struct json j;
    int rc;

    assert(db != NULL && (nmensajes == 0 || (mensajes != NULL && parametros != NULL)));
    strbuf_init(&ids);
    strbuf_init(&json);
    json_init(&j, &json);
    strbuf_addch(&ids, '{');
    json_arr(&j);
    for (size_t i = 0; i < nmensajes; i++) {
        strbuf_addf(&ids, "%s%" PRId64, i ? "," : "", mensajes[i]);
        if (parametros[i] == NULL) {
            json_null(&j);
            continue;
        }
        json_arr(&j);
        for (size_t k = 0; k < nparametros; k++)
            json_str(&j, parametros[i][k]);
        json_end(&j);
    }
    json_end(&j);
    strbuf_addch(&ids, '}');
    p[3] = ids.buf;
    p[4] = json.buf;
    rc = cloud_call(db, "SELECT api.campana_meta($1, $2, $3, $4::bigint[], $5::jsonb)", 5, p, e);
    strbuf_fini(&ids);
    strbuf_fini(&json);
    return rc;
}
