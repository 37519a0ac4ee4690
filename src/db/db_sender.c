#include "db/db_sender.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db_internal.h"
#include "db/db_wa.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* The advisory-lock key space of senders; distinct from the claim's transaction lock
 * ('embudo.wa_envio', sql/024), which another sender's claims must still be able to take. */
#define SENDER_LOCK_SQL(fn) "SELECT " fn "(hashtext('embudo.wa_remitente'), $1::int)"

static int
lock_call(struct db *db, const char *sql, int cuenta, bool *out, struct err *e)
{
    char id[16];
    const char *p[1] = { id };
    PGresult *res = NULL;
    int rc;

    snprintf(id, sizeof id, "%d", cuenta);
    if ((rc = db_query_rows(db, sql, 1, p, &res, e)) == RC_OK)
        *out = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return rc;
}

int
db_sender_lock(struct db *db, int cuenta, bool *got, struct err *e)
{
    assert(db != NULL && got != NULL);
    *got = false;
    return lock_call(db, SENDER_LOCK_SQL("pg_try_advisory_lock"), cuenta, got, e);
}

int
db_sender_unlock(struct db *db, int cuenta, struct err *e)
{
    bool released;

    assert(db != NULL);
    return lock_call(db, SENDER_LOCK_SQL("pg_advisory_unlock"), cuenta, &released, e);
}

int
db_sender_cuenta(struct db *db, int cuenta, struct db_sender_cuenta *out, struct err *e)
{
    static const char sql[] = "SELECT usuario_id, login, estado, jid, vinculada, envio_servidor,"
                              " limite_diario FROM api.wa_remitente_cuenta($1)";
    char id[16];
    const char *p[1] = { id };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    snprintf(id, sizeof id, "%d", cuenta);
    if ((rc = db_query_rows(db, sql, 1, p, &res, e)) != RC_OK)
        goto out;
    if (PQntuples(res) != 1) {
        rc = err_set(e, RC_NOTFOUND, "no existe el usuario %d", cuenta);
        goto out;
    }
    out->usuario_id = atoi(PQgetvalue(res, 0, 0));
    db_col_copy(out->login, sizeof out->login, res, 0, 1);
    db_col_copy(out->estado, sizeof out->estado, res, 0, 2);
    db_col_copy(out->jid, sizeof out->jid, res, 0, 3);
    out->vinculada = PQgetvalue(res, 0, 4)[0] == 't';
    out->envio_servidor = PQgetvalue(res, 0, 5)[0] == 't';
    out->limite_diario = atoi(PQgetvalue(res, 0, 6));
out:
    PQclear(res);
    return rc;
}

int
db_sender_cuentas_servidor(struct db *db, int **ids, size_t *n, struct err *e)
{
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && ids != NULL && n != NULL);
    *ids = NULL;
    *n = 0;
    rc = db_query_rows(db, "SELECT usuario_id FROM api.wa_cuentas_servidor()", 0, NULL, &res, e);
    if (rc == RC_OK && PQntuples(res) > 0) {
        *n = (size_t)PQntuples(res);
        *ids = xcalloc(*n, sizeof **ids);
        for (size_t i = 0; i < *n; i++)
            (*ids)[i] = atoi(PQgetvalue(res, (int)i, 0));
    }
    PQclear(res);
    return rc;
}

int
db_sender_estado(struct db *db, int cuenta, const char *estado, const char *detalle, struct err *e)
{
    char id[16];
    const char *p[3] = { id, estado, detalle };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && estado != NULL);
    snprintf(id, sizeof id, "%d", cuenta);
    rc = db_query_rows(db, "SELECT api.wa_remitente_estado($1, $2, $3)", 3, p, &res, e);
    PQclear(res);
    return rc;
}

int
db_sender_credenciales(struct db *db, int cuenta, uint8_t **blob, size_t *len, struct err *e)
{
    char id[16];
    const char *p[1] = { id };
    PGresult *res;
    int rc;

    assert(db != NULL && blob != NULL && len != NULL);
    *blob = NULL;
    *len = 0;
    snprintf(id, sizeof id, "%d", cuenta);
    /* A binary result: the bytea comes as its raw bytes. */
    res = PQexecParams(db_pg(db), "SELECT api.wa_remitente_credenciales($1)", 1, NULL, p, NULL,
                       NULL, 1);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    if (rc == RC_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
        *len = (size_t)PQgetlength(res, 0, 0);
        *blob = xmalloc(*len);
        memcpy(*blob, PQgetvalue(res, 0, 0), *len);
    }
    PQclear(res);
    return rc;
}

int
db_sender_guardar_credenciales(struct db *db, int cuenta, const uint8_t *blob, size_t len,
                               struct err *e)
{
    char id[16];
    const char *p[2] = { id, (const char *)blob };
    int lens[2] = { 0, (int)len };
    int fmts[2] = { 0, 1 };
    PGresult *res;
    int rc;

    assert(db != NULL && blob != NULL && len <= 1048576);
    snprintf(id, sizeof id, "%d", cuenta);
    res = PQexecParams(db_pg(db), "SELECT api.wa_remitente_guardar_credenciales($1, $2)", 2, NULL,
                       p, lens, fmts, 0);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    PQclear(res);
    return rc;
}

int
db_sender_proximo(struct db *db, int cuenta, int64_t *wait_ms, struct err *e)
{
    static const char sql[] = "SELECT greatest(0, (extract(epoch FROM api.envio_proximo($1)"
                              " - clock_timestamp()) * 1000)::bigint)";
    char id[16];
    const char *p[1] = { id };
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && wait_ms != NULL);
    *wait_ms = -1;
    snprintf(id, sizeof id, "%d", cuenta);
    if ((rc = db_query_rows(db, sql, 1, p, &res, e)) == RC_OK && PQntuples(res) == 1 &&
        !PQgetisnull(res, 0, 0))
        *wait_ms = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return rc;
}

/* One boolean from sql with params; a NULL value is false. */
static int
snd_bool(struct db *db, const char *sql, int n, const char *const *p, bool *out, struct err *e)
{
    PGresult *res = NULL;
    int rc;

    *out = false;
    if ((rc = db_query_rows(db, sql, n, p, &res, e)) == RC_OK && PQntuples(res) == 1)
        *out = PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return rc;
}

int
db_sender_enviado(struct db *db, int64_t id, const char *wa_id, bool *cambio, struct err *e)
{
    static const char sql[] = "SELECT api.mensaje_enviado($1, $2)"
                              " FROM (SELECT set_config('synchronous_commit', 'off', true)) s";
    char ids[24];
    const char *p[2] = { ids, wa_id };

    assert(db != NULL && cambio != NULL);
    snprintf(ids, sizeof ids, "%" PRId64, id);
    return snd_bool(db, sql, 2, p, cambio, e);
}

int
db_sender_recibo(struct db *db, const char *wa_id, bool leido, int64_t at_ms, bool *cambio,
                 struct err *e)
{
    static const char sql[] = "SELECT api.mensaje_recibo($1, $2, CASE WHEN $3::bigint > 0"
                              " THEN to_timestamp($3::bigint / 1000.0) END)"
                              " FROM (SELECT set_config('synchronous_commit', 'off', true)) s";
    char at[24];
    const char *p[3] = { wa_id, leido ? "LEIDO" : "ENTREGADO", at };

    assert(db != NULL && cambio != NULL);
    snprintf(at, sizeof at, "%" PRId64, at_ms);
    return snd_bool(db, sql, 3, p, cambio, e);
}

/* PostgreSQL array literals, built element by element: '{' before the first, ',' after. */
static void
arr_sep(struct strbuf *sb)
{
    strbuf_addch(sb, sb->len > 0 ? ',' : '{');
}

/* Appends s as one quoted element. */
static void
arr_text(struct strbuf *sb, const char *s)
{
    arr_sep(sb);
    db_array_elem(sb, s);
}

/* Appends epoch ms as a timestamptz element (NULL for 0: the server's now). */
static void
arr_time(struct strbuf *sb, int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    char buf[48];

    arr_sep(sb);
    if (ms <= 0 || gmtime_r(&secs, &tm) == NULL) {
        strbuf_addstr(sb, "NULL");
        return;
    }
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    strbuf_addf(sb, "\"%s.%03d+00\"", buf, (int)(ms % 1000));
}

static void
arr_close(struct strbuf *sb)
{
    strbuf_addstr(sb, sb->len > 0 ? "}" : "{}");
}

/* The array parameters of api.envio_lote, in order ($2…$10). */
enum { L_IDS, L_WA, L_AT, L_RWA, L_RLEIDO, L_RAT, L_TEL, L_JID, L_RECL, L_N };

int
db_sender_lote(struct db *db, int cuenta, struct db_sender_item *items, size_t n,
               const struct db_sender_numero *nums, size_t nnums, struct err *e)
{
    static const char sql[] =
        "SELECT l.kind, l.i, l.cambio, l.motivo"
        " FROM (SELECT set_config('synchronous_commit', 'off', true)) s,"
        " api.envio_lote($1::int, $2::bigint[], $3::text[], $4::timestamptz[], $5::text[],"
        " $6::boolean[], $7::timestamptz[], $8::text[], $9::text[], $10::bigint[]) l";
    struct strbuf a[L_N];
    const char *p[L_N + 1];
    char id[16];
    size_t *acks = xcalloc(n + 1, sizeof *acks), *recs = xcalloc(n + 1, sizeof *recs);
    size_t nacks = 0, nrecs = 0;
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && (items != NULL || n == 0) && (nums != NULL || nnums == 0));
    for (size_t k = 0; k < L_N; k++)
        strbuf_init(&a[k]);
    for (size_t k = 0; k < n; k++) {
        struct db_sender_item *it = &items[k];

        it->cambio = false;
        it->motivo[0] = '\0';
        if (it->kind == DB_SENDER_ACK) {
            acks[nacks++] = k;
            arr_sep(&a[L_IDS]);
            strbuf_addf(&a[L_IDS], "%" PRId64, it->id);
            arr_text(&a[L_WA], it->wa_id);
            arr_time(&a[L_AT], it->at_ms);
        } else if (it->kind == DB_SENDER_RECLAMADO) {
            arr_sep(&a[L_RECL]);
            strbuf_addf(&a[L_RECL], "%" PRId64, it->id);
        } else {
            recs[nrecs++] = k;
            arr_text(&a[L_RWA], it->wa_id);
            arr_sep(&a[L_RLEIDO]);
            strbuf_addch(&a[L_RLEIDO], it->leido ? 't' : 'f');
            arr_time(&a[L_RAT], it->at_ms);
        }
    }
    for (size_t k = 0; k < nnums; k++) {
        arr_text(&a[L_TEL], nums[k].telefono);
        arr_text(&a[L_JID], nums[k].jid);
    }
    snprintf(id, sizeof id, "%d", cuenta);
    p[0] = id;
    for (size_t k = 0; k < L_N; k++) {
        arr_close(&a[k]);
        p[k + 1] = a[k].buf;
    }
    if ((rc = db_query_rows(db, sql, L_N + 1, p, &res, e)) != RC_OK)
        goto out;
    for (int r = 0; r < PQntuples(res); r++) {
        bool ack = strcmp(PQgetvalue(res, r, 0), "ACK") == 0;
        int64_t i = db_col_i64(res, r, 1);
        size_t lim = ack ? nacks : nrecs;
        struct db_sender_item *it;

        if (i < 1 || (size_t)i > lim)
            continue;
        it = &items[(ack ? acks : recs)[i - 1]];
        it->cambio = db_col_bool(res, r, 2);
        db_col_copy(it->motivo, sizeof it->motivo, res, r, 3);
    }
out:
    PQclear(res);
    for (size_t k = 0; k < L_N; k++)
        strbuf_fini(&a[k]);
    free(acks);
    free(recs);
    return rc;
}

int
db_sender_reclamar(struct db *db, int cuenta, bool solo_respuestas, struct db_mensaje *out,
                   bool *found, struct err *e)
{
    static const char todos[] = "SELECT mensaje_id, campana_id, oportunidad_id, telefono, jid,"
                                " texto FROM api.mensaje_reclamar_diferido($1)";
    static const char respuestas[] = "SELECT mensaje_id, campana_id, oportunidad_id, telefono,"
                                     " jid, texto FROM api.respuesta_reclamar_diferido($1)";

    return db_mensaje_claim_run(db, solo_respuestas ? respuestas : todos, cuenta, out, found, e);
}

int
db_sender_listen(struct db *db, struct err *e)
{
    return db_exec(db, "LISTEN embudo", e);
}

int
db_sender_fd(struct db *db)
{
    return PQsocket(db_pg(db));
}

int
db_sender_notifications(struct db *db, bool readable, db_sender_notify_fn *fn, void *ctx,
                        struct err *e)
{
    PGconn *c = db_pg(db);
    PGnotify *n;
    int self = PQbackendPID(c);

    if (readable && PQconsumeInput(c) == 0)
        return err_set(e, RC_DB, "sin conexión con la base de datos: %s", PQerrorMessage(c));
    while ((n = PQnotifies(c)) != NULL) {
        if (n->be_pid != self && fn != NULL)
            fn(ctx, n->extra);
        PQfreemem(n);
    }
    return RC_OK;
}
