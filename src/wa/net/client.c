#include "wa/net/client.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/transport.h"
#include "util/err.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/binnode.h"
#include "wa/cert.h"
#include "wa/creds.h"
#include "wa/frame.h"
#include "wa/net/ws.h"
#include "wa/noise.h"

enum cl_phase {
    CL_IDLE,      /* no connection */
    CL_WS,        /* websocket connecting */
    CL_HANDSHAKE, /* ClientHello sent, waiting for the ServerHello */
    CL_OPEN,      /* transport keys in place: nodes flow */
    CL_CLOSING,   /* the session ended; waiting for the socket to go */
};

struct wa_client {
    uv_loop_t *loop;
    struct wa_creds *creds; /* borrowed */
    char *url;
    char *os, *browser, *country, *push_name; /* owned copies behind scfg's pointers */
    struct wa_session_config scfg;
    struct wa_client_events ev;
    struct ws *ws;
    uv_timer_t timer;
    uint8_t root[CERT_KEY_BYTES];
    enum cl_phase phase;
    bool ws_live; /* a websocket is connecting or open */
    bool stopping;
    /* One connection's protocol state. */
    struct frame_dec dec;
    struct noise_hs *hs;
    struct noise_transport *tr;
    struct wa_session *s;
    /* A pairing code asked before the session existed ("" none); per connection. */
    char code_phone[WA_SESSION_PHONE_MAX + 1];
    /* The outcome of the ended session, reported once the socket is gone. */
    int close_code;
    char close_reason[WA_SESSION_TEXT_MAX];
};

static void cl_pump(struct wa_client *c);

static int64_t
cl_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
cl_conn_free(struct wa_client *c)
{
    noise_hs_free(c->hs);
    c->hs = NULL;
    noise_transport_free(c->tr);
    c->tr = NULL;
    wa_session_free(c->s);
    c->s = NULL;
    c->code_phone[0] = '\0';
    frame_dec_fini(&c->dec);
}

/* Ends the session from outside with code and reason (no-op once it closed). */
static void
cl_abort(struct wa_client *c, int code, const char *reason)
{
    if (c->s != NULL && !wa_session_closed(c->s)) {
        log_info("wa: conexión terminada (%d): %s", code, reason);
        wa_session_abort(c->s, code, reason);
        cl_pump(c);
    }
}

static void
cl_timer_cb(uv_timer_t *t)
{
    struct wa_client *c = t->data;

    if (c->s != NULL && c->phase != CL_CLOSING) {
        (void)wa_session_tick(c->s, cl_now_ms(), NULL);
        cl_pump(c);
    }
}

static void
cl_arm(struct wa_client *c)
{
    int64_t d, now;

    if (c->stopping || c->s == NULL || wa_session_closed(c->s)) {
        uv_timer_stop(&c->timer);
        return;
    }
    d = wa_session_deadline(c->s);
    if (d == INT64_MAX) {
        uv_timer_stop(&c->timer);
        return;
    }
    now = cl_now_ms();
    uv_timer_start(&c->timer, cl_timer_cb, d > now ? (uint64_t)(d - now) : 0, 0);
}

/* Frames and sends bytes already in out (the intro header may precede the frame). */
static int
cl_send_frame(struct wa_client *c, struct strbuf *out, const void *p, size_t len, struct err *e)
{
    int rc = frame_put(out, p, len, e);

    if (rc == RC_OK)
        rc = ws_send(c->ws, (const uint8_t *)out->buf, out->len, e);
    return rc;
}

static int
cl_send_node(struct wa_client *c, const struct binnode *n, struct err *e)
{
    struct strbuf pt, ct, fr;
    int rc;

    strbuf_init(&pt);
    strbuf_init(&ct);
    strbuf_init(&fr);
    rc = binnode_encode(n, &pt, e);
    if (rc == RC_OK)
        rc = noise_transport_encrypt(c->tr, (const uint8_t *)pt.buf, pt.len, &ct, e);
    if (rc == RC_OK)
        rc = cl_send_frame(c, &fr, ct.buf, ct.len, e);
    strbuf_fini(&pt);
    strbuf_fini(&ct);
    strbuf_fini(&fr);
    return rc;
}

/* The session ended: close the socket; cl_finish runs once it is gone. */
static void
cl_session_closed(struct wa_client *c, int code, const char *reason)
{
    c->phase = CL_CLOSING;
    c->close_code = code;
    snprintf(c->close_reason, sizeof c->close_reason, "%s", reason);
    uv_timer_stop(&c->timer);
    if (c->ws_live)
        ws_close(c->ws);
}

static int
cl_persist(struct wa_client *c)
{
    struct err e;

    err_clear(&e);
    if (c->ev.persist == NULL || c->ev.persist(c->ev.ctx, c->creds, &e) == RC_OK)
        return RC_OK;
    log_warn("wa: no se pudieron guardar las credenciales: %s", e.msg);
    wa_session_abort(c->s, TRANSPORT_CLOSE_LOCAL, "no se pudieron guardar las credenciales");
    return e.rc != RC_OK ? (int)e.rc : RC_IO;
}

static void
cl_event(struct wa_client *c, const struct wa_session_event *ev)
{
    switch (ev->kind) {
    case WA_SESSION_EV_QR:
        if (c->ev.qr != NULL)
            c->ev.qr(c->ev.ctx, ev->text, ev->expires_at_ms);
        break;
    case WA_SESSION_EV_CODE:
        log_info("wa: código de vinculación listo (vence en %lld s)",
                 (long long)((ev->expires_at_ms - cl_now_ms()) / 1000)); /* never the code */
        if (c->ev.code != NULL)
            c->ev.code(c->ev.ctx, ev->text, ev->expires_at_ms);
        break;
    case WA_SESSION_EV_PAIRED:
        log_info("wa: vinculado como %s", ev->text);
        if (cl_persist(c) == RC_OK && c->ev.paired != NULL)
            c->ev.paired(c->ev.ctx, ev->text);
        break;
    case WA_SESSION_EV_CREDS:
        (void)cl_persist(c);
        break;
    case WA_SESSION_EV_OPEN:
        log_info("wa: sesión abierta como %s", ev->text);
        if (c->ev.open != NULL)
            c->ev.open(c->ev.ctx, ev->text, ev->lid);
        break;
    case WA_SESSION_EV_CLOSE:
        log_info("wa: sesión cerrada (%d): %s", ev->code, ev->text);
        cl_session_closed(c, ev->code, ev->text);
        break;
    }
}

/* Delivers the session's events (persisting first), then sends its queued nodes. */
static void
cl_pump(struct wa_client *c)
{
    struct wa_session_event ev;
    struct binnode *n;
    struct err e;

    while (!c->stopping && c->s != NULL && wa_session_pop_event(c->s, &ev))
        cl_event(c, &ev);
    while (!c->stopping && c->s != NULL && (n = wa_session_pop_send(c->s)) != NULL) {
        if (c->phase == CL_OPEN && cl_send_node(c, n, &e) != RC_OK && c->ws_live) {
            binnode_free(n);
            cl_abort(c, TRANSPORT_CLOSE_NETWORK, "no se pudo enviar");
            return;
        }
        binnode_free(n);
    }
    cl_arm(c);
}

static void
cl_ws_open(void *ctx)
{
    struct wa_client *c = ctx;
    struct strbuf hello, out;
    struct err e;
    int rc;

    c->phase = CL_HANDSHAKE;
    frame_dec_init(&c->dec, 0, false);
    c->hs = noise_hs_new(NOISE_INITIATOR, &c->creds->noise, NULL);
    c->s = wa_session_new(c->creds, &c->scfg, cl_now_ms());
    if (c->code_phone[0] != '\0' &&
        wa_session_request_code(c->s, c->code_phone, cl_now_ms(), &e) != RC_OK)
        log_warn("wa: no se pudo pedir el código de vinculación: %s", e.msg);
    strbuf_init(&hello);
    strbuf_init(&out);
    rc = noise_init_write_hello(c->hs, &hello, &e);
    if (rc == RC_OK)
        rc = frame_intro_put(&out, c->creds->routing, c->creds->routing_len, &e);
    if (rc == RC_OK)
        rc = cl_send_frame(c, &out, hello.buf, hello.len, &e);
    strbuf_fini(&hello);
    strbuf_fini(&out);
    if (rc != RC_OK)
        cl_abort(c, TRANSPORT_CLOSE_NETWORK, e.msg);
    else
        cl_arm(c); /* the silence rule also bounds the handshake */
}

/* The ServerHello: verify the chain (inside noise), answer ClientFinish, split. */
static int
cl_handshake(struct wa_client *c, const uint8_t *p, size_t len, struct err *e)
{
    struct strbuf payload, fin, out;
    int rc;

    rc = noise_init_read_server_hello(c->hs, p, len, c->root, cl_now_ms() / 1000, e);
    if (rc != RC_OK)
        return err_wrap(e, "el servidor no se identificó como WhatsApp (certificado)");
    strbuf_init(&payload);
    strbuf_init(&fin);
    strbuf_init(&out);
    rc = wa_session_client_payload(c->s, &payload, e);
    if (rc == RC_OK)
        rc = noise_init_write_finish(c->hs, (const uint8_t *)payload.buf, payload.len, &fin, e);
    if (rc == RC_OK)
        rc = cl_send_frame(c, &out, fin.buf, fin.len, e);
    if (rc == RC_OK && (c->tr = noise_hs_split(c->hs, e)) == NULL)
        rc = RC_CRYPTO;
    strbuf_fini(&payload);
    strbuf_fini(&fin);
    strbuf_fini(&out);
    if (rc != RC_OK)
        return rc;
    noise_hs_free(c->hs);
    c->hs = NULL;
    c->phase = CL_OPEN;
    wa_session_start(c->s, cl_now_ms());
    return RC_OK;
}

static int
cl_node(struct wa_client *c, const uint8_t *p, size_t len, struct err *e)
{
    struct strbuf pt;
    struct binnode *n = NULL;
    int rc;

    strbuf_init(&pt);
    rc = noise_transport_decrypt(c->tr, p, len, &pt, e);
    if (rc == RC_OK)
        rc = binnode_decode(pt.buf, pt.len, &n, e);
    strbuf_fini(&pt);
    if (rc != RC_OK)
        return rc;
    int64_t now = cl_now_ms();

    if (wa_session_feed(c->s, n, now, NULL) == RC_OK && c->ev.node != NULL)
        c->ev.node(c->ev.ctx, n, now);
    binnode_free(n);
    return RC_OK;
}

static void
cl_ws_data(void *ctx, const uint8_t *p, size_t len)
{
    struct wa_client *c = ctx;
    const uint8_t *fr;
    size_t flen;
    struct err e;
    int rc;

    if (c->s == NULL || c->phase == CL_CLOSING)
        return;
    if (frame_dec_feed(&c->dec, p, len, &e) != RC_OK) {
        cl_abort(c, TRANSPORT_CLOSE_BAD_SESSION, e.msg);
        return;
    }
    while (!c->stopping && (c->phase == CL_HANDSHAKE || c->phase == CL_OPEN)) {
        if ((rc = frame_dec_pop(&c->dec, &fr, &flen, &e)) != RC_OK) {
            cl_abort(c, TRANSPORT_CLOSE_BAD_SESSION, e.msg);
            return;
        }
        if (fr == NULL)
            break;
        if (c->phase == CL_HANDSHAKE) {
            if ((rc = cl_handshake(c, fr, flen, &e)) != RC_OK) {
                cl_abort(c,
                         rc == RC_CRYPTO ? WA_CLIENT_CLOSE_HANDSHAKE : TRANSPORT_CLOSE_BAD_SESSION,
                         e.msg);
                return;
            }
        } else if ((rc = cl_node(c, fr, flen, &e)) != RC_OK) {
            cl_abort(c, TRANSPORT_CLOSE_BAD_SESSION, e.msg);
            return;
        }
        cl_pump(c);
    }
}

static int cl_start(struct wa_client *c, struct err *e);

/* The socket is gone and the session over: restart on 515, else report. */
static void
cl_finish(struct wa_client *c)
{
    struct err e;
    int code = c->close_code;

    cl_conn_free(c);
    c->phase = CL_IDLE;
    if (c->stopping)
        return;
    if (code == TRANSPORT_CLOSE_RESTART) {
        log_info("wa: reinicio pedido por el servidor (515): reconectando");
        if (cl_start(c, &e) == RC_OK)
            return;
        code = TRANSPORT_CLOSE_NETWORK;
        snprintf(c->close_reason, sizeof c->close_reason, "%s", e.msg);
    }
    if (c->ev.close != NULL)
        c->ev.close(c->ev.ctx, code, c->close_reason);
}

static void
cl_ws_close(void *ctx, enum ws_end end, const char *reason)
{
    struct wa_client *c = ctx;

    c->ws_live = false;
    if (c->s == NULL && c->phase != CL_CLOSING) { /* never opened */
        c->close_code = TRANSPORT_CLOSE_NETWORK;
        snprintf(c->close_reason, sizeof c->close_reason, "no se pudo conectar: %s", reason);
    } else if (!wa_session_closed(c->s)) {
        cl_abort(c, end == WS_END_FAILED ? TRANSPORT_CLOSE_NETWORK : TRANSPORT_CLOSE_CLOSED,
                 reason[0] != '\0' ? reason : "conexión cerrada");
    }
    cl_finish(c);
}

static int
cl_start(struct wa_client *c, struct err *e)
{
    int rc = ws_connect(c->ws, c->url, e);

    if (rc == RC_OK) {
        c->phase = CL_WS;
        c->ws_live = true;
    }
    return rc;
}

struct wa_client *
wa_client_new(uv_loop_t *loop, struct wa_creds *creds, const struct wa_client_config *cfg,
              const struct wa_client_events *ev, struct err *e)
{
    struct ws_events wev = { .open = cl_ws_open, .data = cl_ws_data, .close = cl_ws_close };
    struct wa_client *c;

    if (ws_url_check(cfg->url, e) != RC_OK)
        return NULL;
    c = xcalloc(1, sizeof *c);
    wev.ctx = c;
    c->loop = loop;
    c->creds = creds;
    c->ev = *ev;
    c->url = xstrdup(cfg->url);
    c->scfg = cfg->session;
    c->scfg.browser_os = c->os = xstrdup(cfg->session.browser_os);
    c->scfg.browser_name = c->browser = xstrdup(cfg->session.browser_name);
    c->scfg.country = c->country = xstrdup(cfg->session.country);
    c->scfg.push_name = c->push_name =
        cfg->session.push_name != NULL ? xstrdup(cfg->session.push_name) : NULL;
    if ((c->ws = ws_new(loop, &wev, e)) == NULL) {
        c->stopping = true;
        wa_client_free(c);
        return NULL;
    }
    uv_timer_init(loop, &c->timer);
    c->timer.data = c;
    return c;
}

int
wa_client_connect(struct wa_client *c, struct err *e)
{
    int rc;

    if (c->stopping)
        return err_set(e, RC_CLOSED, "cliente detenido");
    if (c->phase != CL_IDLE)
        return err_set(e, RC_BUSY, "ya hay una conexión");
    if ((rc = cert_root_key(c->root, e)) != RC_OK)
        return rc;
    if (cert_root_override_allowed() && getenv(CERT_ROOT_ENV) != NULL)
        log_warn("wa: raíz de certificados de prueba (%s)", CERT_ROOT_ENV);
    return cl_start(c, e);
}

int
wa_client_send(struct wa_client *c, const struct binnode *n, struct err *e)
{
    int rc;

    if (c->phase != CL_OPEN || c->stopping || c->s == NULL || wa_session_closed(c->s))
        return err_set(e, RC_CLOSED, "WhatsApp no está conectado");
    rc = cl_send_node(c, n, e);
    if (rc != RC_OK && c->ws_live)
        cl_abort(c, TRANSPORT_CLOSE_NETWORK, "no se pudo enviar");
    return rc;
}

int
wa_client_link_code(struct wa_client *c, const char *phone, struct err *e)
{
    int rc;

    if (!wa_session_phone_valid(phone))
        return err_set(e, RC_INVAL,
                       "número inválido para vincular: se esperan de %d a %d dígitos, con el "
                       "código de país y sin «+»",
                       WA_SESSION_PHONE_MIN, WA_SESSION_PHONE_MAX);
    if (c->stopping || c->phase == CL_IDLE || c->phase == CL_CLOSING ||
        (c->s != NULL && wa_session_closed(c->s)))
        return err_set(e, RC_CLOSED, "no hay una conexión con WhatsApp en curso");
    if (wa_creds_is_paired(c->creds))
        return err_set(e, RC_REFUSED, "este dispositivo ya está vinculado");
    if (c->code_phone[0] != '\0')
        return err_set(e, RC_REFUSED, "ya se pidió un código de vinculación en esta conexión");
    if (c->s == NULL) { /* the socket is still opening: cl_ws_open passes it on */
        snprintf(c->code_phone, sizeof c->code_phone, "%s", phone);
        return RC_OK;
    }
    rc = wa_session_request_code(c->s, phone, cl_now_ms(), e);
    if (rc == RC_OK)
        snprintf(c->code_phone, sizeof c->code_phone, "%s", phone);
    cl_pump(c);
    return rc;
}

void
wa_client_disconnect(struct wa_client *c)
{
    if (c->stopping || c->phase == CL_IDLE || c->phase == CL_CLOSING)
        return;
    if (c->s != NULL && !wa_session_closed(c->s)) {
        cl_abort(c, TRANSPORT_CLOSE_LOCAL, "desconectado por embudo");
        return;
    }
    cl_session_closed(c, TRANSPORT_CLOSE_LOCAL, "desconectado por embudo");
}

void
wa_client_stop(struct wa_client *c)
{
    if (c->stopping)
        return;
    c->stopping = true;
    uv_timer_stop(&c->timer);
    uv_close((uv_handle_t *)&c->timer, NULL);
    ws_stop(c->ws);
}

void
wa_client_free(struct wa_client *c)
{
    if (c == NULL)
        return;
    ws_free(c->ws);
    cl_conn_free(c);
    free(c->url);
    free(c->os);
    free(c->browser);
    free(c->country);
    free(c->push_name);
    free(c);
}
