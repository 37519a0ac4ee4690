/*
 * cmd_wa_webhook — `embudo wa webhook [--escuchar HOST:PUERTO]`: the receiver of Meta's
 * webhooks for every CLOUD account (docs/wa-cloud.md).
 *
 * It listens on wa.webhook_escuchar (127.0.0.1:8089 by default: Meta only posts to HTTPS, so a
 * reverse proxy with the public certificate forwards to it; docs/instalacion.md) and answers:
 *   GET  ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C   the subscription handshake:
 *        C when T is wa.cloud_verificacion, 403 otherwise;
 *   POST a JSON body signed in X-Hub-Signature-256 with the app secret
 *        (wa.cloud_secreto_archivo): handed whole to api.wa_cloud_recibir, which files each
 *        status and message for its account; 200 at once. A bad signature is 403 and never
 *        reaches the database; a database that failed is 503, so Meta retries later.
 * Any path is accepted (the proxy chooses the public one). One line per request that did
 * not succeed, on stderr; a summary of stored events on stdout.
 *
 * Identity: a server session (the service account svc_embudo, an admin, or the embedded
 * cluster's superuser), checked before listening — the same rule as the worker's. One libuv
 * loop on the main thread; the database calls block it (one short statement per webhook).
 * SIGINT and SIGTERM stop it (exit 0).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "cmd/cmd.h"
#include "cmd/cmd_wa_int.h"
#include "cmd/wa_cloud.h"
#include "core/config.h"
#include "core/http1.h"
#include "crypto/secure.h"
#include "db/db.h"
#include "db/db_sesion.h"
#include "db/db_wa_cloud.h"
#include "rt/httpd.h"
#include "util/err.h"
#include "wa/cloud/graph.h"

#define WEBHOOK_BODY_MAX (4u << 20) /* Meta batches, but a few KiB is usual */
#define CHALLENGE_MAX    512

struct hook {
    const struct cmd_ctx *ctx;
    uv_loop_t loop;
    uv_signal_t sigint, sigterm;
    struct httpd *http;
    struct db *db; /* reopened after the connection is lost */
    char *secreto;
    size_t secreto_len;
    const char *verificacion;
    int status;
};

static void
reply_text(struct httpd_conn *c, int status, const char *text)
{
    httpd_reply(c, status, "text/plain; charset=utf-8", text, strlen(text));
}

static void
on_get(struct hook *h, struct httpd_conn *c, const struct http1_req *r)
{
    char mode[32], token[256], challenge[CHALLENGE_MAX];

    if (!http1_query_param(r->query, "hub.mode", mode, sizeof mode) ||
        !http1_query_param(r->query, "hub.verify_token", token, sizeof token) ||
        !http1_query_param(r->query, "hub.challenge", challenge, sizeof challenge) ||
        strcmp(mode, "subscribe") != 0) {
        reply_text(c, 400, "falta hub.mode=subscribe, hub.verify_token o hub.challenge\n");
        return;
    }
    if (h->verificacion[0] == '\0' || strlen(token) != strlen(h->verificacion) ||
        !secure_equal(token, h->verificacion, strlen(token))) {
        fprintf(stderr,
                "webhook: %s: suscripción rechazada: el token de verificación no es "
                "wa.cloud_verificacion\n",
                httpd_peer(c));
        reply_text(c, 403, "token de verificación incorrecto\n");
        return;
    }
    printf("webhook: Meta confirmó la suscripción (%s)\n", httpd_peer(c));
    fflush(stdout);
    reply_text(c, 200, challenge);
}

/* The connection, opened again when a previous call lost it. */
static struct db *
hook_db(struct hook *h, struct err *e)
{
    if (h->db == NULL)
        h->db = db_open(h->ctx->cfg, h->ctx->as_login, e);
    return h->db;
}

static void
on_post(struct hook *h, struct httpd_conn *c, const struct http1_req *r)
{
    struct err e = { 0 };
    int eventos = 0, ajenos = 0;
    struct db *db;

    if (!graph_signature_ok(http1_header(r, "X-Hub-Signature-256"), (const uint8_t *)h->secreto,
                            h->secreto_len, r->body, r->body_len)) {
        fprintf(stderr, "webhook: %s: firma X-Hub-Signature-256 ausente o inválida: descartado\n",
                httpd_peer(c));
        reply_text(c, 403, "firma inválida\n");
        return;
    }
    if ((db = hook_db(h, &e)) == NULL || db_wa_cloud_recibir(db, (const char *)r->body, r->body_len,
                                                             &eventos, &ajenos, &e) != RC_OK) {
        fprintf(stderr, "webhook: %s: %s\n", httpd_peer(c), e.msg);
        if (e.rc == RC_REFUSED) { /* not a WhatsApp webhook: retrying will not help */
            reply_text(c, 400, "no es un aviso de WhatsApp\n");
            return;
        }
        db_close(h->db); /* reopened by the next webhook; Meta retries this one */
        h->db = NULL;
        reply_text(c, 503, "base de datos no disponible\n");
        return;
    }
    if (eventos > 0 || ajenos > 0) {
        printf("webhook: %d %s", eventos, eventos == 1 ? "evento guardado" : "eventos guardados");
        if (ajenos > 0)
            printf(", %d de %s", ajenos,
                   ajenos == 1 ? "un número que no es de ninguna cuenta"
                               : "números que no son de ninguna cuenta");
        printf("\n");
        fflush(stdout);
    }
    reply_text(c, 200, "ok\n");
}

static void
on_request(void *ctx, struct httpd_conn *c, const struct http1_req *r)
{
    struct hook *h = ctx;

    if (strcmp(r->method, "GET") == 0)
        on_get(h, c, r);
    else if (strcmp(r->method, "POST") == 0)
        on_post(h, c, r);
    else
        reply_text(c, 405, "solo GET y POST\n");
}

static void
on_signal(uv_signal_t *s, int signum)
{
    struct hook *h = s->data;

    (void)signum;
    httpd_close(h->http);
    h->http = NULL;
    uv_close((uv_handle_t *)&h->sigint, NULL);
    uv_close((uv_handle_t *)&h->sigterm, NULL);
}

/* "HOST:PUERTO" into host and *port (config already checked the shape; flags are not). Port 0
 * asks for a free one (the tests): the line "escuchando en HOST:PUERTO" names it. */
static bool
split_listen(const char *s, char *host, size_t size, int *port)
{
    const char *colon = strrchr(s, ':');
    long p;

    if (colon == NULL || colon == s || (size_t)(colon - s) >= size ||
        !cmd_parse_long(colon + 1, 0, 65535, &p))
        return false;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* "[::1]" */
        memmove(host, host + 1, strlen(host) - 2);
        host[strlen(host) - 2] = '\0';
    }
    *port = (int)p;
    return true;
}

/* The session may run the webhook (a server session: an admin, or svc_embudo and the
 * superuser, which are no embudo user but run the sweep), and the secret is readable. */
static int
hook_prepare(struct hook *h, struct err *e)
{
    struct db_sesion s;

    if (hook_db(h, e) == NULL || db_sesion_load(h->db, &s, e) != RC_OK)
        return e->rc;
    if (strcmp(s.rol, "ADMIN") != 0 && !(s.rol[0] == '\0' && s.barre))
        return err_set(e, RC_REFUSED,
                       "la sesión %s no puede correr el webhook: guarda los avisos de Meta de "
                       "todas las cuentas; use la cuenta svc_embudo o un administrador",
                       s.login);
    return wa_cloud_secreto_leer(h->ctx->cfg->cloud_secreto.value,
                                 "el secreto de la app de Meta (wa.cloud_secreto_archivo)",
                                 &h->secreto, &h->secreto_len, e);
}

int
cmd_wa_webhook(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("wa");
    const char *escuchar = NULL;
    const struct cmd_opt opts[] = { { "escuchar", true, &escuchar, NULL },
                                    { NULL, false, NULL, NULL } };
    struct hook h = { .ctx = ctx, .verificacion = ctx->cfg->cloud_verif.value };
    struct err e = { 0 };
    char host[128];
    int port, status;

    if ((status = cmd_parse(entry, ctx->argc - 1, ctx->argv + 1, opts, NULL, 0, NULL)) != 0)
        return status;
    if (escuchar == NULL)
        escuchar = ctx->cfg->webhook.value;
    if (!split_listen(escuchar, host, sizeof host, &port))
        return cmd_usage(entry, "«--escuchar» debe ser HOST:PUERTO (p. ej. 127.0.0.1:8089): «%s»",
                         escuchar);
    if (hook_prepare(&h, &e) != RC_OK) {
        status = cmd_fail("%s", e.msg);
        goto out;
    }
    if (h.verificacion[0] == '\0')
        fprintf(stderr, "embudo: aviso: wa.cloud_verificacion está vacío: Meta no podrá confirmar "
                        "la suscripción del webhook\n");
    uv_loop_init(&h.loop);
    if ((h.http = httpd_new(&h.loop, host, port, WEBHOOK_BODY_MAX, on_request, &h, &e)) == NULL) {
        status = cmd_fail("%s", e.msg);
    } else {
        uv_signal_init(&h.loop, &h.sigint);
        uv_signal_init(&h.loop, &h.sigterm);
        h.sigint.data = h.sigterm.data = &h;
        uv_signal_start(&h.sigint, on_signal, SIGINT);
        uv_signal_start(&h.sigterm, on_signal, SIGTERM);
        printf("webhook: escuchando en %s:%d\n", host, httpd_port(h.http));
        fflush(stdout);
        uv_run(&h.loop, UV_RUN_DEFAULT);
        status = 0;
    }
    uv_loop_close(&h.loop);
out:
    if (h.secreto != NULL) {
        secure_wipe(h.secreto, h.secreto_len);
        free(h.secreto);
    }
    db_close(h.db);
    return status;
}
