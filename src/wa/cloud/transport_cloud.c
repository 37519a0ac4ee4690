/*
 * transport_cloud — see transport_cloud.h. The struct cloud outlives transport_free until
 * its timers' close callbacks ran, so a callback that frees the transport from inside an
 * event never leaves a dangling pointer behind; a request still on the pool then only
 * frees itself.
 */
#include "wa/cloud/transport_cloud.h"

#include <assert.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "core/transport.h"
#include "crypto/secure.h"
#include "util/err.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define CLOUD_TIMEOUT_MS   30000L
#define CLOUD_CONNECT_MS   10000L
#define CLOUD_POLL_MS      1000
#define CLOUD_EVENTS_BATCH 100

enum cloud_state {
    ST_CLOSED,
    ST_CONNECTING,
    ST_OPEN,
};

enum req_kind {
    REQ_PHONE, /* connect: GET the phone number */
    REQ_SEND,  /* POST a message */
};

/* One HTTP request. The pool thread touches only the transfer's fields; the rest is the
 * loop's. c is NULL once the transport was freed (the answer is then dropped). */
struct cloud_req {
    uv_work_t work;
    struct cloud *c;
    struct cloud_req *next;
    enum req_kind kind;
    unsigned gen; /* the connection it belongs to */
    char msg_id[GRAPH_ID_MAX + 1];
    /* the transfer */
    char *url;
    char *body; /* NULL: GET */
    char *auth; /* "Authorization: Bearer …", wiped */
    long timeout_ms;
    long status;
    struct strbuf answer;
    bool too_long;
    CURLcode cc;
    char curl_err[CURL_ERROR_SIZE];
};

struct cloud {
    struct transport t; /* first: the vtable's view */
    uv_loop_t *loop;
    char *base_url, *numero_id, *token;
    long timeout_ms;
    int64_t poll_ms;
    struct cloud_source src;
    enum cloud_state st;
    unsigned gen;                  /* bumped by every close: older answers are stale */
    struct cloud_req *head, *tail; /* waiting for the pool */
    struct cloud_req *running;     /* on the pool */
    uv_timer_t poll;               /* webhook events while open */
    uv_timer_t later;              /* a close decided inside a call, emitted after it */
    int later_code;
    char later_why[ERR_MSG_BYTES];
    int handles; /* timers not closed yet */
    bool freed;
};

static const struct transport_ops cloud_ops;

/* ---- libcurl, on the pool ---------------------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc; /* written once under curl_once */

static void
curl_global(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t
on_data(char *data, size_t size, size_t nmemb, void *arg)
{
    struct cloud_req *r = arg;
    size_t n = size * nmemb;

    if (r->answer.len + n > GRAPH_ANSWER_MAX) {
        r->too_long = true;
        return 0; /* aborts the transfer */
    }
    strbuf_add(&r->answer, data, n);
    return n;
}

/* The blocking transfer: any thread. */
static void
perform(struct cloud_req *r)
{
    struct curl_slist *h = NULL;
    CURL *curl;

    pthread_once(&curl_once, curl_global);
    r->curl_err[0] = '\0';
    if (curl_init_rc != CURLE_OK || (curl = curl_easy_init()) == NULL) {
        r->cc = CURLE_FAILED_INIT;
        return;
    }
    h = curl_slist_append(h, r->auth);
    if (r->body != NULL)
        h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, r->url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for timeouts */
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, r->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     r->timeout_ms < CLOUD_CONNECT_MS ? r->timeout_ms : CLOUD_CONNECT_MS);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "embudo/" EMBUDO_VERSION);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, r->curl_err);
    if (r->body != NULL)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, r->body);
    r->cc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_cleanup(curl);
    curl_slist_free_all(h);
}

/* Spanish for a failed transfer, into e (RC_NET). */
static int
transfer_error(const struct cloud_req *r, struct err *e)
{
    if (r->too_long)
        return err_set(e, RC_INVAL, "respuesta demasiado larga de la API de WhatsApp");
    return err_set(e, RC_NET, "no se pudo hablar con la API de WhatsApp: %s",
                   r->curl_err[0] != '\0' ? r->curl_err : curl_easy_strerror(r->cc));
}

static struct cloud_req *
req_new(enum req_kind kind, const char *base_url, const char *numero_id, const char *token,
        long timeout_ms)
{
    struct cloud_req *r = xcalloc(1, sizeof *r);
    size_t blen = strlen(base_url);
    struct strbuf sb;

    r->kind = kind;
    r->timeout_ms = timeout_ms > 0 ? timeout_ms : CLOUD_TIMEOUT_MS;
    strbuf_init(&r->answer);
    strbuf_init(&sb);
    strbuf_add(&sb, base_url, blen > 0 && base_url[blen - 1] == '/' ? blen - 1 : blen);
    if (kind == REQ_PHONE)
        strbuf_addf(&sb, "/%s?fields=display_phone_number,verified_name,quality_rating", numero_id);
    else
        strbuf_addf(&sb, "/%s/messages", numero_id);
    r->url = strbuf_detach(&sb, NULL);
    strbuf_addf(&sb, "Authorization: Bearer %s", token);
    r->auth = strbuf_detach(&sb, NULL);
    return r;
}

static void
req_free(struct cloud_req *r)
{
    if (r == NULL)
        return;
    secure_wipe(r->auth, strlen(r->auth));
    free(r->auth);
    free(r->url);
    free(r->body);
    strbuf_fini(&r->answer);
    free(r);
}

/* ---- events ------------------------------------------------------------------------------ */

static int64_t
now_of(const struct cloud *c)
{
    return c->t.clock.now_ms(c->t.clock.ctx);
}

static void
emit_close(struct cloud *c, int code, const char *why)
{
    if (c->t.ev.close != NULL)
        c->t.ev.close(c->t.ev.ctx, code, why);
}

/* The connection is over: older answers become stale, waiting requests are dropped. */
static void
shut(struct cloud *c)
{
    struct cloud_req *r;

    c->st = ST_CLOSED;
    c->gen++;
    uv_timer_stop(&c->poll);
    while ((r = c->head) != NULL) {
        c->head = r->next;
        req_free(r);
    }
    c->tail = NULL;
}

static void
on_later(uv_timer_t *h)
{
    struct cloud *c = h->data;

    if (!c->freed)
        emit_close(c, c->later_code, c->later_why);
}

/* Closes now and tells sendcore after the current call returns (a close emitted from inside
 * send_text would reach sendcore before that call's own result). */
static void
close_later(struct cloud *c, int code, const char *why)
{
    shut(c);
    c->later_code = code;
    snprintf(c->later_why, sizeof c->later_why, "%s", why);
    uv_timer_start(&c->later, on_later, 0, 0);
}

/* The close code for a refused request (Meta's code and the HTTP status). */
static int
close_code_of(const struct graph_error *ge, long status)
{
    switch (graph_error_kind(ge->code, status)) {
    case GRAPH_ERR_TOKEN:
        return TRANSPORT_CLOSE_CREDENTIALS;
    case GRAPH_ERR_RESTRICTED:
        return TRANSPORT_CLOSE_FORBIDDEN;
    case GRAPH_ERR_THROTTLED:
        return TRANSPORT_CLOSE_UNAVAILABLE;
    case GRAPH_ERR_MESSAGE:
        break;
    }
    return 0;
}

static void pump(struct cloud *c);
static void on_poll(uv_timer_t *h);

static void
queue(struct cloud *c, struct cloud_req *r)
{
    r->c = c;
    r->gen = c->gen;
    if (c->tail != NULL)
        c->tail->next = r;
    else
        c->head = r;
    c->tail = r;
    pump(c);
}

/* ---- answers ----------------------------------------------------------------------------- */

static void
got_phone(struct cloud *c, struct cloud_req *r)
{
    struct graph_phone phone;
    struct graph_error ge;
    struct err e = { 0 };
    char self[48];
    int rc, code;

    if (r->cc != CURLE_OK) {
        transfer_error(r, &e);
        shut(c);
        emit_close(c, TRANSPORT_CLOSE_NETWORK, e.msg);
        return;
    }
    rc = graph_phone_answer(r->status, r->answer.buf, r->answer.len, &phone, &ge, &e);
    if (rc != RC_OK) {
        code = rc == RC_REFUSED ? close_code_of(&ge, r->status) : 0;
        shut(c);
        emit_close(c, code != 0 ? code : TRANSPORT_CLOSE_UNAVAILABLE, e.msg);
        return;
    }
    if (c->src.conectada != NULL && c->src.conectada(c->src.ctx, &phone, &e) != RC_OK)
        log_warn("cloud %s: no se guardó el número: %s", c->numero_id, e.msg);
    c->st = ST_OPEN;
    uv_timer_start(&c->poll, on_poll, 0, (uint64_t)c->poll_ms);
    snprintf(self, sizeof self, "%s@s.whatsapp.net", phone.number);
    if (c->t.ev.open != NULL)
        c->t.ev.open(c->t.ev.ctx, self);
}

static void
got_send(struct cloud *c, struct cloud_req *r)
{
    char wamid[GRAPH_ID_MAX + 1];
    struct graph_error ge;
    struct err e = { 0 };
    int rc, code;

    if (r->cc != CURLE_OK) { /* did Meta take it? Nobody knows: sendcore makes it uncertain */
        transfer_error(r, &e);
        shut(c);
        emit_close(c, TRANSPORT_CLOSE_NETWORK, e.msg);
        return;
    }
    rc = graph_send_answer(r->status, r->answer.buf, r->answer.len, wamid, &ge, &e);
    if (rc == RC_OK) {
        if (c->t.ev.ack != NULL)
            c->t.ev.ack(c->t.ev.ctx, r->msg_id, 0, now_of(c));
        return;
    }
    if (rc != RC_REFUSED) { /* a 2xx that is not an answer: taken or not, unknown */
        log_warn("cloud %s: mensaje %s: %s", c->numero_id, r->msg_id, e.msg);
        return;
    }
    /* Refused: it did not go. A refusal about the account also stops the connection. */
    if (c->t.ev.ack != NULL)
        c->t.ev.ack(c->t.ev.ctx, r->msg_id, ge.code != 0 ? ge.code : (int)r->status, now_of(c));
    code = close_code_of(&ge, r->status);
    if (code != 0 && !c->freed && c->st != ST_CLOSED && r->gen == c->gen) {
        shut(c);
        emit_close(c, code, e.msg);
    }
}

static void
on_work(uv_work_t *w)
{
    perform(w->data);
}

static void
on_after_work(uv_work_t *w, int status)
{
    struct cloud_req *r = w->data;
    struct cloud *c = r->c;

    (void)status;
    if (c == NULL) { /* the transport is gone */
        req_free(r);
        return;
    }
    c->running = NULL;
    if (!c->freed && c->st != ST_CLOSED && r->gen == c->gen) {
        if (r->kind == REQ_PHONE)
            got_phone(c, r);
        else
            got_send(c, r);
    }
    req_free(r);
    if (!c->freed)
        pump(c);
}

/* Starts the next waiting request when none runs. */
static void
pump(struct cloud *c)
{
    struct cloud_req *r = c->head;

    if (c->running != NULL || r == NULL)
        return;
    c->head = r->next;
    if (c->head == NULL)
        c->tail = NULL;
    r->next = NULL;
    r->work.data = r;
    if (uv_queue_work(c->loop, &r->work, on_work, on_after_work) != 0) {
        req_free(r);
        close_later(c, TRANSPORT_CLOSE_NETWORK, "no se pudo encolar la petición HTTP");
        return;
    }
    c->running = r;
}

/* ---- webhook events ---------------------------------------------------------------------- */

/* Spanish stand-in for a reply that is not text (a photo answers too). */
static const char *
stand_in(const char *type)
{
    static const struct {
        const char *type, *text;
    } names[] = {
        { "image", "(imagen)" },       { "audio", "(audio)" },       { "video", "(video)" },
        { "document", "(documento)" }, { "sticker", "(sticker)" },   { "location", "(ubicación)" },
        { "contacts", "(contacto)" },  { "reaction", "(reacción)" }, { "order", "(pedido)" },
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(type, names[i].type) == 0)
            return names[i].text;
    return "(mensaje no admitido)";
}

static void
dispatch(struct cloud *c, const struct graph_event *ev)
{
    char jid[48];

    if (ev->kind == GRAPH_EV_MESSAGE) {
        snprintf(jid, sizeof jid, "%s@s.whatsapp.net", ev->from);
        if (c->t.ev.incoming != NULL)
            c->t.ev.incoming(c->t.ev.ctx, jid, ev->id,
                             ev->text != NULL ? ev->text : stand_in(ev->type), ev->at_ms);
        return;
    }
    if (ev->ref[0] == '\0') /* not sent by embudo */
        return;
    switch (ev->status) {
    case GRAPH_ST_DELIVERED:
    case GRAPH_ST_READ:
        if (c->t.ev.receipt != NULL)
            c->t.ev.receipt(c->t.ev.ctx, ev->ref,
                            ev->status == GRAPH_ST_READ ? TRANSPORT_RECEIPT_READ
                                                        : TRANSPORT_RECEIPT_DELIVERED,
                            ev->at_ms);
        break;
    case GRAPH_ST_FAILED: /* Meta took it, then could not deliver it */
        if (c->t.ev.ack != NULL)
            c->t.ev.ack(c->t.ev.ctx, ev->ref, ev->error.code != 0 ? ev->error.code : 131000,
                        ev->at_ms);
        break;
    case GRAPH_ST_SENT: /* the answer to the POST was the ack */
    case GRAPH_ST_OTHER:
        break;
    }
}

/* Reads and feeds one batch; true when the batch was full (more may wait). */
static bool
poll_once(struct cloud *c)
{
    const struct cloud_event *evs = NULL;
    struct graph_event ev;
    struct err e = { 0 };
    size_t n = 0;

    if (c->src.eventos(c->src.ctx, CLOUD_EVENTS_BATCH, &evs, &n, &e) != RC_OK) {
        log_warn("cloud %s: no se leyeron los eventos del webhook: %s", c->numero_id, e.msg);
        return false;
    }
    for (size_t i = 0; i < n && !c->freed && c->st == ST_OPEN; i++) {
        if (graph_event_parse(evs[i].kind, evs[i].json, strlen(evs[i].json), &ev, &e) != RC_OK) {
            log_warn("cloud %s: evento %" PRId64 " ignorado: %s", c->numero_id, evs[i].id, e.msg);
            continue;
        }
        dispatch(c, &ev);
        graph_event_fini(&ev);
    }
    if (n > 0 && c->src.hechos(c->src.ctx, &e) != RC_OK)
        log_warn("cloud %s: eventos sin marcar: %s", c->numero_id, e.msg);
    return n == CLOUD_EVENTS_BATCH;
}

static void
on_poll(uv_timer_t *h)
{
    struct cloud *c = h->data;

    if (c->freed || c->st != ST_OPEN)
        return;
    if (poll_once(c) && !c->freed && c->st == ST_OPEN)
        uv_timer_start(&c->poll, on_poll, 0, (uint64_t)c->poll_ms); /* drain at once */
}

/* ---- the vtable -------------------------------------------------------------------------- */

static int
cloud_connect(struct transport *t, struct err *e)
{
    struct cloud *c = (struct cloud *)t;

    if (c->st != ST_CLOSED)
        return err_set(e, RC_INVAL, "la cuenta ya está conectada o conectándose");
    c->st = ST_CONNECTING;
    queue(c, req_new(REQ_PHONE, c->base_url, c->numero_id, c->token, c->timeout_ms));
    return RC_OK;
}

static void
cloud_disconnect(struct transport *t)
{
    struct cloud *c = (struct cloud *)t;

    if (c->st == ST_CLOSED)
        return;
    shut(c);
    emit_close(c, TRANSPORT_CLOSE_LOCAL, "desconexión solicitada");
}

static int
cloud_send_text(struct transport *t, const char *to, const char *msg_id, const char *text,
                struct err *e)
{
    struct cloud *c = (struct cloud *)t;
    struct graph_template tpl = { 0 };
    struct err e2 = { 0 };
    struct cloud_req *r;
    bool found = false;
    char *body;

    if (c->st != ST_OPEN)
        return err_set(e, RC_CLOSED, "la cuenta no está conectada");
    if (strlen(msg_id) > GRAPH_ID_MAX)
        return err_set(e, RC_INVAL, "identificador de mensaje demasiado largo");
    if (c->src.plantilla(c->src.ctx, msg_id, &tpl, &found, &e2) != RC_OK) {
        /* The database failed, not the message: reconnect and send it then. */
        close_later(c, TRANSPORT_CLOSE_NETWORK, e2.msg);
        return err_set(e, RC_CLOSED, "%s", e2.msg);
    }
    body = found ? graph_template_body(to, &tpl, msg_id, e) : graph_text_body(to, text, msg_id, e);
    if (body == NULL)
        return e != NULL ? e->rc : RC_INVAL;
    r = req_new(REQ_SEND, c->base_url, c->numero_id, c->token, c->timeout_ms);
    r->body = body;
    snprintf(r->msg_id, sizeof r->msg_id, "%s", msg_id);
    queue(c, r);
    return RC_OK;
}

static void
on_timer_closed(uv_handle_t *h)
{
    struct cloud *c = h->data;

    if (--c->handles > 0)
        return;
    secure_wipe(c->token, strlen(c->token));
    free(c->token);
    free(c->base_url);
    free(c->numero_id);
    free(c);
}

static void
cloud_free(struct transport *t)
{
    struct cloud *c = (struct cloud *)t;

    c->freed = true;
    shut(c);
    if (c->running != NULL) /* finishes on the pool and frees itself */
        c->running->c = NULL;
    c->running = NULL;
    uv_close((uv_handle_t *)&c->poll, on_timer_closed);
    uv_close((uv_handle_t *)&c->later, on_timer_closed);
}

static const struct transport_ops cloud_ops = {
    .name = "cloud",
    .connect = cloud_connect,
    .disconnect = cloud_disconnect,
    .link_code = NULL,
    .send_text = cloud_send_text,
    .presence = NULL,
    .check_numbers = NULL,
    .free = cloud_free,
};

/* ---- construction ------------------------------------------------------------------------ */

static int64_t
wall_ms(void *ctx)
{
    struct timeval tv;

    (void)ctx;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static bool
digits(const char *s, size_t min, size_t max)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n < min || n > max)
        return false;
    return strspn(s, "0123456789") == n;
}

struct transport *
transport_cloud_new(uv_loop_t *loop, const struct cloud_params *p,
                    const struct transport_clock *clock, const struct transport_events *ev,
                    struct err *e)
{
    struct cloud *c;

    assert(loop != NULL && p != NULL && ev != NULL);
    if (p->base_url == NULL ||
        (strncmp(p->base_url, "https://", 8) != 0 && strncmp(p->base_url, "http://", 7) != 0)) {
        err_set(e, RC_INVAL, "wa.cloud_url debe empezar con https:// (o http:// en pruebas)");
        return NULL;
    }
    if (!digits(p->numero_id, 1, 32)) {
        err_set(e, RC_INVAL, "el id del número de Meta debe ser de 1 a 32 dígitos");
        return NULL;
    }
    if (p->token == NULL || p->token[0] == '\0' || strpbrk(p->token, "\r\n") != NULL) {
        err_set(e, RC_INVAL, "el token de acceso de Meta está vacío o tiene saltos de línea");
        return NULL;
    }
    if (p->src.plantilla == NULL || p->src.eventos == NULL || p->src.hechos == NULL) {
        err_set(e, RC_INVAL, "transporte cloud sin origen de datos");
        return NULL;
    }
    c = xcalloc(1, sizeof *c);
    c->t.ops = &cloud_ops;
    c->t.ev = *ev;
    if (clock != NULL)
        c->t.clock = *clock;
    else
        c->t.clock = (struct transport_clock){ .now_ms = wall_ms };
    c->loop = loop;
    c->base_url = xstrdup(p->base_url);
    c->numero_id = xstrdup(p->numero_id);
    c->token = xstrdup(p->token);
    c->timeout_ms = p->timeout_ms > 0 ? p->timeout_ms : CLOUD_TIMEOUT_MS;
    c->poll_ms = p->poll_ms > 0 ? p->poll_ms : CLOUD_POLL_MS;
    c->src = p->src;
    uv_timer_init(loop, &c->poll);
    uv_timer_init(loop, &c->later);
    c->poll.data = c->later.data = c;
    c->handles = 2;
    return &c->t;
}

int
cloud_probar(const char *base_url, const char *numero_id, const char *token, long timeout_ms,
             struct graph_phone *out, struct graph_error *ge, struct err *e)
{
    struct cloud_req *r;
    int rc;

    assert(out != NULL && ge != NULL);
    memset(ge, 0, sizeof *ge);
    if (base_url == NULL || !digits(numero_id, 1, 32) || token == NULL || token[0] == '\0' ||
        strpbrk(token, "\r\n") != NULL)
        return err_set(e, RC_INVAL, "faltan la URL, el id del número (dígitos) o el token");
    r = req_new(REQ_PHONE, base_url, numero_id, token, timeout_ms);
    perform(r);
    if (r->cc != CURLE_OK)
        rc = transfer_error(r, e);
    else
        rc = graph_phone_answer(r->status, r->answer.buf, r->answer.len, out, ge, e);
    req_free(r);
    return rc;
}
