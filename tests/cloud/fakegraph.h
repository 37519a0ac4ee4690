/*
 * fakegraph — the tests' fake of Meta's servers for the Cloud API (docs/wa-cloud.md), the one
 * thing the Cloud API tests cannot run. Tests only; tests/cloud/run.sh drives it.
 *
 * DESIGN. One process, one libuv loop (the loop thread owns everything below) and one
 * webhook thread (rt/worker): src/rt/httpd with src/core/http1 answers the Graph calls
 * embudo makes (fakegraph_graph.c); each accepted send queues its status webhooks, and
 * /_fake/entrante a client's message, as jobs for the webhook thread, which posts them one
 * at a time and in order with libcurl, signed with the app secret (fakegraph_hooks.c). A job
 * comes back to the loop thread when posted (or given up), which counts it and, for
 * /_fake/firma_mala, answers the request that asked for it. The same binary is also the
 * tests' webhook receiver ("sumidero", fakegraph_sink.c): it checks signatures as embudo's
 * receiver must and records what it accepted, so the fake can be tested without embudo.
 */
#ifndef TESTS_CLOUD_FAKEGRAPH_H
#define TESTS_CLOUD_FAKEGRAPH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <uv.h>

struct http1_req;
struct httpd;
struct httpd_conn;
struct worker;

#define FG_LIST_MAX    16                /* --numero, --falla, --rechaza entries */
#define FG_MAX_BODY    (64 * 1024)       /* a larger request is 413 */
#define FG_WABA_ID     "800000000000001" /* the fake WhatsApp Business Account */
#define FG_SIG_BYTES   (7 + 64 + 1)      /* "sha256=" + hex + NUL */
#define FG_WINDOW_SECS (24 * 60 * 60)    /* Meta's customer-service window */

/* A phone number of the business: Meta's phone number id and its digits. */
struct fg_numero {
    char id[32];
    char digits[24];
};

/* --falla / --rechaza: a recipient and the Meta error code it gets. */
struct fg_code {
    char digits[24];
    int code;
};

/* When a client last wrote to a business number (its 24-hour window); from: 52 + 10 digits
 * for a Mexican mobile, whichever way it wrote. */
struct fg_window {
    struct fg_window *next;
    char numero_id[32];
    char from[24];
    time_t at;
};

/* A /_fake/demora request waiting for its timer. */
struct fg_delay {
    uv_timer_t timer; /* first member */
    struct fg_delay *next;
    struct fg *fg;
    struct httpd_conn *conn;
    unsigned ms;
};

struct fg {
    uv_loop_t *loop;
    struct httpd *httpd;
    struct worker *hooks; /* the webhook thread */
    const char *token;
    const char *secret;
    const char *webhook_url;
    FILE *registro;
    struct fg_numero numeros[FG_LIST_MAX];
    size_t nnumeros;
    struct fg_code fallas[FG_LIST_MAX];
    size_t nfallas;
    struct fg_code rechazos[FG_LIST_MAX];
    size_t nrechazos;
    bool sin_lectura;
    struct fg_window *windows;
    struct fg_delay *delays;
    unsigned long enviados, hooks_ok, hooks_failed;
    unsigned serial; /* numbers wamids and trace ids */
    char run_id[17]; /* hex, makes wamids unique across runs */
};

/* The sink ("sumidero"): a webhook receiver for the tests. */
struct fg_sink {
    const char *secret;
    FILE *registro;
    unsigned falla_primeros; /* answer 503 to this many first posts (retry tests) */
    unsigned recibidos;
};

/* fakegraph.c */
void fg_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Answers c with JSON (taken: decref'd here). */
void fg_reply_json(struct httpd_conn *c, int status, json_t *body);
/* "sha256=" + lowercase hex of HMAC-SHA256(secret, body). */
void fg_sign(char out[FG_SIG_BYTES], const char *secret, const char *body, size_t len);

/* fakegraph_graph.c: the httpd handler of the fake Graph API; ctx is the struct fg. */
void fg_graph_handle(void *ctx, struct httpd_conn *c, const struct http1_req *r);
/* Meta's title and details (English) of an error code, for answers and failed statuses. */
const char *fg_error_title(int code);
const char *fg_error_details(int code);
/* Answers and frees every /_fake/demora still waiting (at shutdown, after httpd_close). */
void fg_delays_drop(struct fg *fg);
/* A new unique message id, "wamid." + base64. */
void fg_wamid(struct fg *fg, const char *to, char *out, size_t cap);

/* fakegraph_hooks.c */
int fg_hooks_start(struct fg *fg);
void fg_hooks_stop(struct fg *fg);
/* The status webhooks of an accepted send (msg, checked): sent, then failed with
 * fail_code, or delivered and (unless --sin-webhook-lectura) read when fail_code is 0. */
void fg_hooks_send(struct fg *fg, const struct fg_numero *n, json_t *msg, const char *wamid,
                   int fail_code);
/* The messages webhook of a client's text (msg is /_fake/entrante's body, checked). */
void fg_hooks_incoming(struct fg *fg, const struct fg_numero *n, json_t *msg, const char *wamid);
/* A status webhook signed with the wrong secret; c is answered {"estado":<HTTP status>}. */
void fg_hooks_bad_signature(struct fg *fg, struct httpd_conn *c);
unsigned fg_hooks_pending(const struct fg *fg);

/* fakegraph_sink.c: the httpd handler of the sink; ctx is the struct fg_sink. */
void fg_sink_handle(void *ctx, struct httpd_conn *c, const struct http1_req *r);

#endif
