#include "wa/net/ws.h"

#include <assert.h>
#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define WS_ORIGIN      "https://web.whatsapp.com"
#define WS_URL_MAX     1024
#define WS_TIMEOUT_SEC 20 /* upgrade and TLS, as Baileys' connectTimeoutMs */

/* libwebsockets' log level and its context creation and destruction touch process-wide
 * state (lws globals, OpenSSL's global init); `embudo worker` runs one client per sender
 * thread, so they go one at a time. Set once (uv_once), then any thread.
 *
 * ws_tls is the client TLS context every lws context uses (provided_client_ssl_ctx), made
 * once and kept for the process's life. lws 4.1 would make one per context and find it
 * again at destroy through an SSL_CTX ex_data index that each context creation allocates
 * anew in a global: with two contexts alive at once (two accounts in one worker) the first
 * one's lookup misses and its SSL_CTX, with the whole system CA store, leaked. A context
 * lws did not create is never freed by lws, so no lookup is needed; the verification
 * itself (SSL_VERIFY_PEER and the host name) is set per connection by lws as before. */
static uv_once_t ws_once = UV_ONCE_INIT;
static uv_mutex_t ws_global;
static SSL_CTX *ws_tls;

struct ws_out {
    struct ws_out *next;
    size_t len;
    uint8_t buf[]; /* LWS_PRE bytes of headroom, then the message */
};

enum ws_state { WS_IDLE, WS_CONNECTING, WS_OPEN };

struct ws {
    uv_loop_t *loop;
    struct ws_events ev;
    struct lws_context *ctx;
    struct lws_context *ctx_live; /* lws sets it NULL when the context is fully destroyed */
    struct lws *wsi;
    enum ws_state state;
    bool closing;  /* ws_close() asked for a normal closure */
    bool stopping; /* ws_stop(): no more events, the context goes */
    bool stopped;  /* the defer timer is closed: ws_free() may run */
    struct ws_out *out_head, *out_tail;
    /* A close event waiting to be delivered from the loop, outside lws callbacks. */
    bool pend;
    enum ws_end pend_end;
    char pend_reason[256];
    char tls_err[128]; /* why OpenSSL refused the server's certificate, if it did */
    uv_timer_t defer;
    /* Buffers for lws_client_connect_via_info (it keeps pointers until connected). */
    char url[WS_URL_MAX];
    char path[WS_URL_MAX + 1];
};

struct ws_url {
    const char *scheme, *host, *path;
    int port;
    bool tls;
};

static void
ws_lws_log(int level, const char *line)
{
    log_info("libwebsockets[%d]: %.*s", level, (int)strcspn(line, "\n"), line);
}

static void
ws_out_drop(struct ws *w)
{
    while (w->out_head != NULL) {
        struct ws_out *m = w->out_head;

        w->out_head = m->next;
        free(m);
    }
    w->out_tail = NULL;
}

static bool
ws_host_is_loopback(const char *h)
{
    return strcmp(h, "127.0.0.1") == 0 || strcmp(h, "localhost") == 0 || strcmp(h, "::1") == 0;
}

/* Parses url in place (buf, a copy the caller owns) into u. */
static int
ws_url_parse(char *buf, struct ws_url *u, struct err *e)
{
    const char *path;

    memset(u, 0, sizeof *u);
    if (lws_parse_uri(buf, &u->scheme, &u->host, &u->port, &path) != 0 || u->host[0] == '\0')
        return err_set(e, RC_INVAL, "URL de WhatsApp inválida");
    u->path = path;
    if (strcmp(u->scheme, "wss") == 0) {
        u->tls = true;
    } else if (strcmp(u->scheme, "ws") == 0) {
        if (!ws_host_is_loopback(u->host))
            return err_set(e, RC_INVAL,
                           "ws:// sin TLS solo se permite hacia 127.0.0.1 (pruebas); use wss://");
    } else {
        return err_set(e, RC_INVAL, "URL de WhatsApp: el esquema debe ser wss:// o ws://");
    }
    if (u->port <= 0 || u->port > 65535)
        return err_set(e, RC_INVAL, "URL de WhatsApp: puerto inválido");
    return RC_OK;
}

int
ws_url_check(const char *url, struct err *e)
{
    char buf[WS_URL_MAX];
    struct ws_url u;

    if (url == NULL || strlen(url) >= sizeof buf)
        return err_set(e, RC_INVAL, "URL de WhatsApp vacía o demasiado larga");
    strcpy(buf, url);
    return ws_url_parse(buf, &u, e);
}

static void
ws_defer_closed(uv_handle_t *h)
{
    struct ws *w = h->data;

    w->stopped = true;
}

static void
ws_free_closed(uv_handle_t *h)
{
    free(h->data);
}

static void
ws_global_init(void)
{
    if (uv_mutex_init(&ws_global) != 0)
        fatal("ws: uv_mutex_init");
    lws_set_log_level(LLL_ERR | LLL_WARN, ws_lws_log);
    /* As lws 4.1 sets up its own: OpenSSL's defaults, no compression, the system CAs. */
    if ((ws_tls = SSL_CTX_new(TLS_client_method())) == NULL)
        fatal("ws: SSL_CTX_new");
    SSL_CTX_set_options(ws_tls, SSL_OP_NO_COMPRESSION);
    if (SSL_CTX_set_default_verify_paths(ws_tls) != 1)
        log_warn("wa: no se cargaron los certificados raíz del sistema (TLS)");
}

static void
ws_context_destroy(struct lws_context *ctx)
{
    uv_mutex_lock(&ws_global);
    lws_context_destroy(ctx);
    uv_mutex_unlock(&ws_global);
}

/* Delivers a pending close event or finishes ws_stop(), from the loop. */
static void
ws_defer_cb(uv_timer_t *t)
{
    struct ws *w = t->data;

    if (w->stopping) {
        if (w->ctx != NULL) {
            ws_context_destroy(w->ctx);
            w->ctx = NULL;
        }
        uv_close((uv_handle_t *)&w->defer, ws_defer_closed);
        return;
    }
    if (w->pend) {
        char reason[sizeof w->pend_reason];

        w->pend = false;
        memcpy(reason, w->pend_reason, sizeof reason);
        if (w->ev.close != NULL)
            w->ev.close(w->ev.ctx, w->pend_end, reason); /* may call ws_connect again */
    }
}

/* The connection ended: forget it and schedule the close event. */
static void
ws_ended(struct ws *w, enum ws_end end, const char *reason)
{
    if (w->state == WS_IDLE)
        return;
    w->wsi = NULL;
    w->state = WS_IDLE;
    ws_out_drop(w);
    if (w->closing)
        end = WS_END_LOCAL;
    w->closing = false;
    if (w->stopping)
        return;
    w->pend = true;
    w->pend_end = end;
    snprintf(w->pend_reason, sizeof w->pend_reason, "%s", reason != NULL ? reason : "");
    uv_timer_start(&w->defer, ws_defer_cb, 0, 0);
}

static int
ws_writeable(struct ws *w, struct lws *wsi)
{
    struct ws_out *m = w->out_head;

    if (m == NULL) {
        if (!w->closing)
            return 0;
        /* A close asked for after sends: what was queued leaves first. */
        lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
        return -1;
    }
    if (lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_BINARY) < (int)m->len)
        return -1;
    w->out_head = m->next;
    if (w->out_head == NULL)
        w->out_tail = NULL;
    free(m);
    if (w->out_head != NULL || w->closing)
        lws_callback_on_writable(wsi);
    return 0;
}

static int
ws_add_headers(struct lws *wsi, void *in, size_t len)
{
    unsigned char **p = in, *end = *p + len;
    static const char origin[] = WS_ORIGIN;

    return lws_add_http_header_by_token(wsi, WSI_TOKEN_ORIGIN, (const unsigned char *)origin,
                                        (int)strlen(origin), p, end) != 0
               ? -1
               : 0;
}

/* OpenSSL's verdict on the server's certificate chain: never overruled, only remembered so
 * the close reason can say why (lws's own text is an opaque OpenSSL error code). */
static int
ws_tls_verify(struct ws *w, void *x509_ctx, size_t preverify_ok)
{
    if (preverify_ok == 0 && x509_ctx != NULL) {
        int err = X509_STORE_CTX_get_error(x509_ctx);

        snprintf(w->tls_err, sizeof w->tls_err, "certificado TLS del servidor rechazado (SSL): %s",
                 X509_verify_cert_error_string(err));
    }
    return preverify_ok == 0 ? 1 : 0;
}

static int
ws_lws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    struct ws *w = lws_context_user(lws_get_context(wsi));

    (void)user;
    if (w == NULL)
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    switch ((int)reason) { /* an int: lws's enum has ~100 values we leave to the default */
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
        return ws_add_headers(wsi, in, len);
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        w->wsi = wsi;
        w->state = WS_OPEN;
        if (w->out_head != NULL || w->closing)
            lws_callback_on_writable(wsi);
        if (w->ev.open != NULL && !w->stopping)
            w->ev.open(w->ev.ctx);
        return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (w->ev.data != NULL && !w->stopping && len > 0)
            w->ev.data(w->ev.ctx, in, len);
        return 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        return ws_writeable(w, wsi);
    case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
        return ws_tls_verify(w, user, len);
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        if (w->tls_err[0] != '\0')
            ws_ended(w, WS_END_FAILED, w->tls_err);
        else
            ws_ended(w, WS_END_FAILED, in != NULL ? in : "no se pudo conectar");
        return 0;
    case LWS_CALLBACK_CLIENT_CLOSED:
        ws_ended(w, w->state == WS_OPEN ? WS_END_CLOSED : WS_END_FAILED, "conexión cerrada");
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

static const struct lws_protocols ws_protocols[] = {
    { "embudo-wa", ws_lws_cb, 0, 0, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 },
};

struct ws *
ws_new(uv_loop_t *loop, const struct ws_events *ev, struct err *e)
{
    struct lws_context_creation_info info;
    struct ws *w = xcalloc(1, sizeof *w);
    void *loops[1] = { loop };

    w->loop = loop;
    w->ev = *ev;
    uv_timer_init(loop, &w->defer);
    w->defer.data = w;
    uv_once(&ws_once, ws_global_init);
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = ws_protocols;
    info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.foreign_loops = loops;
    info.user = w;
    info.timeout_secs = WS_TIMEOUT_SEC;
    info.connect_timeout_secs = WS_TIMEOUT_SEC;
    info.pcontext = &w->ctx_live;
    info.provided_client_ssl_ctx = ws_tls;
    uv_mutex_lock(&ws_global);
    w->ctx = w->ctx_live = lws_create_context(&info);
    uv_mutex_unlock(&ws_global);
    if (w->ctx == NULL) {
        err_set(e, RC_NET, "no se pudo iniciar libwebsockets");
        uv_close((uv_handle_t *)&w->defer, ws_free_closed); /* frees w on the loop */
        return NULL;
    }
    return w;
}

int
ws_connect(struct ws *w, const char *url, struct err *e)
{
    struct lws_client_connect_info ci;
    struct ws_url u;
    struct lws *wsi;
    int rc;

    if (w->stopping)
        return err_set(e, RC_CLOSED, "conexión detenida");
    if (w->state != WS_IDLE || w->pend)
        return err_set(e, RC_BUSY, "ya hay una conexión");
    if (url == NULL || strlen(url) >= sizeof w->url)
        return err_set(e, RC_INVAL, "URL de WhatsApp vacía o demasiado larga");
    strcpy(w->url, url);
    if ((rc = ws_url_parse(w->url, &u, e)) != RC_OK)
        return rc;
    snprintf(w->path, sizeof w->path, "/%s", u.path);
    memset(&ci, 0, sizeof ci);
    ci.context = w->ctx;
    ci.address = u.host;
    ci.host = u.host;
    ci.port = u.port;
    ci.path = w->path;
    ci.ssl_connection = u.tls ? LCCSCF_USE_SSL : 0;
    ci.local_protocol_name = ws_protocols[0].name;
    w->state = WS_CONNECTING;
    w->closing = false;
    w->tls_err[0] = '\0';
    wsi = lws_client_connect_via_info(&ci);
    if (w->state != WS_CONNECTING)
        return RC_OK; /* lws already reported a failure; its close event is pending */
    if (wsi == NULL)
        ws_ended(w, WS_END_FAILED, "no se pudo conectar");
    else
        w->wsi = wsi;
    return RC_OK;
}

int
ws_send(struct ws *w, const uint8_t *p, size_t len, struct err *e)
{
    struct ws_out *m;

    if (w->state != WS_OPEN || w->closing || w->stopping)
        return err_set(e, RC_CLOSED, "la conexión no está abierta");
    m = xmalloc(sizeof *m + LWS_PRE + len);
    m->next = NULL;
    m->len = len;
    memcpy(m->buf + LWS_PRE, p, len);
    if (w->out_tail != NULL)
        w->out_tail->next = m;
    else
        w->out_head = m;
    w->out_tail = m;
    lws_callback_on_writable(w->wsi);
    return RC_OK;
}

void
ws_close(struct ws *w)
{
    if (w->state == WS_IDLE || w->closing)
        return;
    w->closing = true;
    if (w->state == WS_OPEN)
        lws_callback_on_writable(w->wsi);
    else
        lws_set_timeout(w->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

void
ws_stop(struct ws *w)
{
    if (w->stopping)
        return;
    w->stopping = true;
    w->pend = false;
    ws_out_drop(w);
    uv_timer_start(&w->defer, ws_defer_cb, 0, 0);
}

void
ws_free(struct ws *w)
{
    if (w == NULL)
        return;
    assert(w->stopped || w->ctx == NULL);
    /* lws 4.1 on a foreign libuv loop: the destroy begun inside the loop finishes with a
     * second call once the loop has run dry (it completes synchronously then). */
    if (w->ctx_live != NULL)
        ws_context_destroy(w->ctx_live);
    ws_out_drop(w);
    free(w);
}
