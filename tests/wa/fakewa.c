/*
 * fakewa — the fake WhatsApp Web server's process: sockets, admin FIFO, event log.
 *
 *   fakewa [--events FILE] [--admin FIFO] [--port N] [--chunk N] [--tls CERT KEY]
 *          [--leaf-mismatch]
 *
 * Listens on 127.0.0.1 only (port 0 = any free port) and prints, on stdout:
 *   port N / root HEX (the test root key for EMBUDO_WA_ROOT_KEY and Baileys'
 *   WA_CERT_DETAILS.PUBLIC_KEY) / url ws://127.0.0.1:N/ws/chat / ready
 * Admin commands arrive one per line on the FIFO (created 0600 when missing):
 *   scan-qr QR     the simulated phone (phone 1, FW_PHONE_USER) scans QR
 *   scan-qr-as USER QR   the phone of account USER (FW_PHONE_USER or FW_PHONE2_USER) scans QR
 *   type-code USER CODE  the person types CODE into the phone of account USER: the newest
 *                  request to link by that phone number gets its primary_hello (fakewa_link.c)
 *   corrupt-next   the next login is followed by a forged frame (the client must close)
 *   quit           close everything and exit (0 when the libuv loop closed cleanly)
 * SIGINT/SIGTERM also quit. Events go to FILE as JSON lines (docs/wa.md, "Socket,
 * servidor falso y vinculación"); a node dump of the traffic goes to stderr.
 * --chunk N re-slices everything the server sends into websocket messages of N bytes, so
 * frames arrive split across messages and several in one (the client must reassemble).
 * --tls serves wss:// with the given PEM certificate and key (a client that verifies
 * certificates must refuse a self-signed one).
 * --leaf-mismatch signs a chain whose leaf key is not the server's static key (a client
 * must refuse it). Tests only; see fakewa.h for the design.
 */
#include "fakewa.h"

#include <errno.h>
#include <fcntl.h>
#include <libwebsockets.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "crypto/secure.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/cert.h"

struct fw_main {
    struct fw srv;
    uv_loop_t loop;
    struct lws_context *ctx;
    struct lws_context *ctx_live; /* lws writes NULL here when its destruction completed */
    uv_pipe_t admin;
    uv_signal_t sig_int, sig_term;
    uv_timer_t killer; /* destroys the lws context once every connection closed */
    int admin_keep;    /* a write end, so the FIFO never reports EOF */
    const char *admin_path;
    const char *tls_cert, *tls_key; /* --tls: serve wss:// with this certificate */
    struct strbuf line;
    bool quitting;
};

/* After the last message of a connection we end, the time the client gets to read it and
 * close first. Closing at once with the client's later bytes unread makes the kernel answer
 * with RST, and the client's kernel then drops what it had not read yet: Baileys acks the
 * link-code notification right after pair-device-sign and so lost the 515. */
#define FW_LINGER_US 500000

static void fw_quit(struct fw_main *m);

static void
fw_kill(uv_timer_t *t)
{
    struct fw_main *m = t->data;

    uv_close((uv_handle_t *)&m->killer, NULL);
    lws_context_destroy(m->ctx);
    m->ctx = NULL;
}

void
fw_io_kick(struct fw_conn *c)
{
    if (c->io != NULL)
        lws_callback_on_writable(c->io);
}

/* The next websocket message: one queued message, or with --chunk the next srv.chunk bytes
 * of the whole output stream (frames split across messages and merged into one). */
static size_t
fw_next_out(struct fw_conn *c, uint8_t *dst, size_t cap)
{
    size_t n = 0;

    while (c->out_head != NULL && n < cap) {
        struct fw_msg *m = c->out_head;
        size_t take = m->len - c->out_off;

        if (c->srv->chunk == 0 && n > 0)
            break;
        if (take > cap - n)
            take = cap - n;
        memcpy(dst + n, m->buf + c->out_off, take);
        n += take;
        c->out_off += take;
        if (c->out_off == m->len) {
            free(fw_conn_pop(c));
            c->out_off = 0;
        }
    }
    return n;
}

static int
fw_writeable(struct fw_conn *c, struct lws *wsi)
{
    size_t cap = c->srv->chunk > 0 ? c->srv->chunk : c->out_head != NULL ? c->out_head->len : 0;
    uint8_t *buf;
    size_t len;
    int n;

    if (c->out_head == NULL) {
        if (!c->close_after_flush)
            return 0;
        if (!c->lingering) {
            c->lingering = true; /* LWS_CALLBACK_TIMER asks for this callback again */
            lws_set_timer_usecs(wsi, FW_LINGER_US);
            return 0;
        }
        lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
        return -1;
    }
    buf = xmalloc(LWS_PRE + cap);
    len = fw_next_out(c, buf + LWS_PRE, cap);
    n = lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_BINARY);
    free(buf);
    if (n < 0)
        return -1;
    if (c->out_head != NULL || c->close_after_flush)
        lws_callback_on_writable(wsi);
    return 0;
}

/* Only GET /ws/chat may upgrade. */
static int
fw_filter(struct fw *srv, struct lws *wsi)
{
    char uri[128] = "", origin[128] = "", so[128];

    (void)lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
    (void)lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN);
    if (strcmp(uri, "/ws/chat") != 0) {
        fw_event(srv, 0, "refused-path", NULL);
        return -1;
    }
    fw_event(srv, 0, "upgrade", "\"origin\":\"%s\"", fw_safe(so, sizeof so, origin));
    return 0;
}

static int
fw_lws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    struct fw_main *m = lws_context_user(lws_get_context(wsi));
    struct fw_conn **pc = user, *c = pc != NULL ? *pc : NULL;

    switch ((int)reason) { /* an int: lws's enum has ~100 values we leave to the default */
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return fw_filter(&m->srv, wsi);
    case LWS_CALLBACK_ESTABLISHED:
        c = xcalloc(1, sizeof *c);
        fw_conn_init(c, &m->srv, ++m->srv.next_conn_id);
        c->io = wsi;
        c->next = m->srv.conns;
        m->srv.conns = c;
        *pc = c;
        fw_event(&m->srv, c->id, "connect", NULL);
        return 0;
    case LWS_CALLBACK_RECEIVE:
        if (c == NULL)
            return -1;
        return fw_conn_feed(c, in, len) ? 0 : -1;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return c != NULL ? fw_writeable(c, wsi) : 0;
    case LWS_CALLBACK_TIMER:
        if (c != NULL)
            lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_CLOSED:
        if (c == NULL)
            return 0;
        for (struct fw_conn **pp = &m->srv.conns; *pp != NULL; pp = &(*pp)->next)
            if (*pp == c) {
                *pp = c->next;
                break;
            }
        fw_event(&m->srv, c->id, "close", NULL);
        fw_conn_fini(c);
        free(c);
        *pc = NULL;
        if (m->quitting && m->srv.conns == NULL)
            uv_timer_start(&m->killer, fw_kill, 0, 0); /* not from inside an lws callback */
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

static const struct lws_protocols fw_protocols[] = {
    { "chat", fw_lws_cb, sizeof(struct fw_conn *), 65536, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 },
};

static void
fw_admin_line(struct fw_main *m, const char *line)
{
    const struct fw_phone *ph;
    const char *sp;
    char user[24], code[24];

    if (strncmp(line, "scan-qr ", 8) == 0)
        (void)fw_phone_scan(&m->srv, &m->srv.phones[0], line + 8);
    else if (sscanf(line, "scan-qr-as %23s", user) == 1 &&
             (ph = fw_phone_find(&m->srv, user)) != NULL &&
             (sp = strchr(line + strlen("scan-qr-as "), ' ')) != NULL)
        (void)fw_phone_scan(&m->srv, ph, sp + 1);
    else if (sscanf(line, "type-code %23s %23s", user, code) == 2)
        (void)fw_link_type(&m->srv, user, code);
    else if (strcmp(line, "corrupt-next") == 0)
        m->srv.corrupt_next = true;
    else if (strcmp(line, "quit") == 0)
        fw_quit(m);
    else if (!fw_peer_admin(&m->srv, line) && line[0] != '\0')
        fw_event(&m->srv, 0, "admin-unknown", NULL);
}

static void
fw_admin_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    (void)h;
    buf->base = xmalloc(hint);
    buf->len = hint;
}

static void
fw_admin_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct fw_main *m = s->data;

    if (n > 0) {
        strbuf_add(&m->line, buf->base, (size_t)n);
        for (char *nl; !m->quitting && (nl = memchr(m->line.buf, '\n', m->line.len)) != NULL;) {
            size_t used = (size_t)(nl - m->line.buf) + 1;

            *nl = '\0';
            fw_admin_line(m, m->line.buf);
            memmove(m->line.buf, m->line.buf + used, m->line.len - used);
            m->line.len -= used;
            m->line.buf[m->line.len] = '\0';
        }
    }
    free(buf->base);
}

static void
fw_signal(uv_signal_t *h, int signum)
{
    (void)signum;
    fw_quit(h->data);
}

static void
fw_quit(struct fw_main *m)
{
    if (m->quitting)
        return;
    m->quitting = true;
    fw_event(&m->srv, 0, "quit", NULL);
    if (m->admin_path != NULL) {
        uv_read_stop((uv_stream_t *)&m->admin);
        uv_close((uv_handle_t *)&m->admin, NULL);
        close(m->admin_keep);
    }
    uv_close((uv_handle_t *)&m->sig_int, NULL);
    uv_close((uv_handle_t *)&m->sig_term, NULL);
    /* Live connections first get a normal close; the context goes after the last one. */
    for (struct fw_conn *c = m->srv.conns; c != NULL; c = c->next) {
        c->close_after_flush = true;
        fw_io_kick(c);
    }
    if (m->srv.conns == NULL)
        uv_timer_start(&m->killer, fw_kill, 0, 0);
}

static int
fw_admin_open(struct fw_main *m)
{
    int fd;

    if (mkfifo(m->admin_path, 0600) != 0 && errno != EEXIST)
        return -1;
    fd = open(m->admin_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    m->admin_keep = open(m->admin_path, O_WRONLY | O_CLOEXEC);
    if (m->admin_keep < 0 || uv_pipe_init(&m->loop, &m->admin, 0) != 0) {
        close(fd);
        return -1;
    }
    m->admin.data = m;
    if (uv_pipe_open(&m->admin, fd) != 0 ||
        uv_read_start((uv_stream_t *)&m->admin, fw_admin_alloc, fw_admin_read) != 0)
        return -1;
    return 0;
}

/* Keys and the test certificate chain; prints the root. */
static int
fw_keys(struct fw_main *m, bool leaf_mismatch)
{
    struct x25519_keypair root, inter, other;
    uint64_t now = (uint64_t)time(NULL);
    char hex[2 * CERT_KEY_BYTES + 1];
    struct err e;
    int rc;

    x25519_keypair_gen(&m->srv.noise);
    fw_phones_init(&m->srv);
    x25519_keypair_gen(&root);
    x25519_keypair_gen(&inter);
    x25519_keypair_gen(&other);
    m->srv.chain = xcalloc(1, sizeof *m->srv.chain);
    strbuf_init(m->srv.chain);
    rc = cert_chain_make(m->srv.chain, root.priv, inter.priv, 1,
                         leaf_mismatch ? other.pub : m->srv.noise.pub, now - 3600,
                         now + 86400 * 365, &e);
    hex_encode(hex, root.pub, CERT_KEY_BYTES);
    printf("root %s\n", hex);
    secure_wipe(&root, sizeof root);
    secure_wipe(&inter, sizeof inter);
    secure_wipe(&other, sizeof other);
    return rc;
}

static int
fw_listen(struct fw_main *m, int port)
{
    struct lws_context_creation_info info;
    void *loops[1] = { &m->loop };

    lws_set_log_level(LLL_ERR, NULL);
    memset(&info, 0, sizeof info);
    info.port = port;
    info.iface = "127.0.0.1";
    info.protocols = fw_protocols;
    info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_DISABLE_IPV6;
    if (m->tls_cert != NULL) {
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        info.ssl_cert_filepath = m->tls_cert;
        info.ssl_private_key_filepath = m->tls_key;
    }
    info.foreign_loops = loops;
    info.user = m;
    info.pcontext = &m->ctx_live;
    m->ctx = m->ctx_live = lws_create_context(&info);
    if (m->ctx == NULL)
        return -1;
    port = lws_get_vhost_listen_port(lws_get_vhost_by_name(m->ctx, "default"));
    printf("port %d\nurl %s://127.0.0.1:%d/ws/chat\n", port, m->tls_cert != NULL ? "wss" : "ws",
           port);
    return 0;
}

static int
fw_args(struct fw_main *m, int argc, char **argv, int *port, bool *leaf_mismatch)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--leaf-mismatch") == 0) {
            *leaf_mismatch = true;
            continue;
        }
        if (v == NULL)
            return -1;
        i++;
        if (strcmp(a, "--events") == 0) {
            if ((m->srv.events = fopen(v, "a")) == NULL)
                return -1;
        } else if (strcmp(a, "--admin") == 0) {
            m->admin_path = v;
        } else if (strcmp(a, "--port") == 0) {
            *port = atoi(v);
        } else if (strcmp(a, "--tls") == 0 && i + 1 < argc) {
            m->tls_cert = v;
            m->tls_key = argv[++i];
        } else if (strcmp(a, "--chunk") == 0) {
            m->srv.chunk = (size_t)strtoul(v, NULL, 10);
        } else {
            return -1;
        }
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct fw_main m;
    int port = 0, rc;
    bool leaf_mismatch = false;

    memset(&m, 0, sizeof m);
    m.srv.next_device = 3;
    strbuf_init(&m.line);
    if (fw_args(&m, argc, argv, &port, &leaf_mismatch) != 0) {
        fputs(
            "uso: fakewa [--events ARCHIVO] [--admin FIFO] [--port N] [--chunk N] [--tls CERT KEY] [--leaf-mismatch]\n",
            stderr);
        return 2;
    }
    uv_loop_init(&m.loop);
    if (fw_keys(&m, leaf_mismatch) != RC_OK || fw_listen(&m, port) != 0 ||
        (m.admin_path != NULL && fw_admin_open(&m) != 0)) {
        fputs("fakewa: no se pudo iniciar\n", stderr);
        return 1;
    }
    uv_timer_init(&m.loop, &m.killer);
    m.killer.data = &m;
    uv_signal_init(&m.loop, &m.sig_int);
    uv_signal_init(&m.loop, &m.sig_term);
    m.sig_int.data = m.sig_term.data = &m;
    uv_signal_start(&m.sig_int, fw_signal, SIGINT);
    uv_signal_start(&m.sig_term, fw_signal, SIGTERM);
    printf("ready\n");
    fflush(stdout);
    uv_run(&m.loop, UV_RUN_DEFAULT);
    /* lws 4.1 on a foreign libuv loop: the destroy begun inside the loop finishes with a
     * second call once the loop has run dry (it then completes synchronously). */
    if (m.ctx_live != NULL)
        lws_context_destroy(m.ctx_live);
    rc = uv_loop_close(&m.loop);
    fw_event(&m.srv, 0, "exit", "\"loop_close\":%d", rc);
    fw_peers_free(&m.srv);
    strbuf_fini(m.srv.chain);
    free(m.srv.chain);
    strbuf_fini(&m.line);
    if (m.srv.events != NULL)
        fclose(m.srv.events);
    secure_wipe(&m.srv.noise, sizeof m.srv.noise);
    return rc == 0 ? 0 : 1;
}
