/*
 * DESIGN — one struct httpd_conn per accepted socket, on its server's list, with two
 * embedded handles (the socket and a timer), a parser and `rest`, the bytes read and not
 * yet parsed.
 *
 * Reading. Everything read goes to rest, and rest goes to the parser only while no answer
 * is owed and the answers written so far have left libuv's queue: a connection's requests
 * are handled one at a time and in order (pipelined ones wait in rest), and a client that
 * pipelines without reading its answers cannot make them pile up here. Reading goes on
 * meanwhile, so that a peer that leaves is noticed and its connection closed at once, until
 * rest holds more than a whole request's worth (HTTP1_HEAD_MAX + max_body); it resumes when
 * parsing has taken some (conn_pace). The end of the stream closes the connection whatever
 * its state: a client that half-closes is treated as gone.
 *
 * Timer. From the accept or from the last answer, the next request must be complete within
 * HTTPD_IDLE_MS, idle and slow clients alike (reads do not restart it), and so does a
 * client that never reads its answers. It is stopped while the handler owes an answer: the
 * server's slowness is not the client's.
 *
 * Closing. An answer without keep-alive (and every refusal) is written, then the write side
 * is shut down and whatever the client still sends is read and dropped until it closes or
 * HTTPD_LINGER_MS pass: closing a socket with unread bytes makes the kernel send a reset,
 * which can destroy the answer before the client reads it (a 413 to a client still sending
 * its body).
 *
 * Lifetime. A conn is freed when both its handles have closed and it owes no answer. A conn
 * that closes while the handler owes an answer (the peer left, httpd_close) is unlinked
 * from its server, which may then be freed, and lives on detached: its `owes` flag keeps it,
 * and the httpd_reply the handler owes sees it closed, frees it and returns. The server is
 * freed when, after httpd_close (or a failed httpd_new), its listener and every linked
 * conn's handles have closed.
 */
#include "rt/httpd.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <uv.h>

#include "core/http1.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define HTTPD_LINGER_MS  2000
#define HTTPD_READ_BYTES 16384
#define HTTPD_BACKLOG    128

struct httpd {
    uv_tcp_t listener; /* first member: its close callback finds the server */
    httpd_handler_fn *fn;
    void *ctx;
    size_t max_body;
    int port;
    struct httpd_conn *conns; /* every conn whose handles are not both closed */
    unsigned nconns;
    bool closing;
    bool listener_closed;
};

struct httpd_conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_shutdown_t shutdown;
    struct httpd *h; /* NULL once detached (handles closed, answer still owed) */
    struct httpd_conn *prev, *next;
    struct http1_parser *parser;
    struct strbuf rest; /* read, not yet parsed: rest.buf[rest_off..rest.len) */
    size_t rest_off;
    unsigned nhandles; /* of tcp and timer, not yet closed */
    unsigned nwrites;  /* answers handed to uv_write, not yet written */
    bool owes;         /* the handler owes httpd_reply for the current request */
    bool keep_alive;   /* the current request allows another after it */
    bool head_only;    /* the current request is a HEAD: the answer goes without body */
    bool reading;      /* uv_read_start is in effect */
    bool in_run;       /* conn_run is on the stack (httpd_reply must not re-enter it) */
    bool finishing;    /* the last answer is written; no more requests */
    bool lingering;    /* shut down: reading and dropping until the client closes */
    bool closing;      /* uv_close was called on both handles */
    char peer[64];
    char rbuf[HTTPD_READ_BYTES];
};

struct conn_write {
    uv_write_t req;
    struct httpd_conn *c;
    char *buf;
};

static void conn_run(struct httpd_conn *c);

static void
server_maybe_free(struct httpd *h)
{
    if (h->closing && h->listener_closed && h->conns == NULL)
        free(h);
}

static void
conn_free(struct httpd_conn *c)
{
    http1_parser_free(c->parser);
    strbuf_fini(&c->rest);
    free(c);
}

/* Both handles are closed: the server lets go of c; c goes too unless an answer is owed. */
static void
conn_detach(struct httpd_conn *c)
{
    struct httpd *h = c->h;

    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        h->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    h->nconns--;
    c->h = NULL;
    server_maybe_free(h);
    if (!c->owes)
        conn_free(c);
}

static void
on_conn_handle_closed(uv_handle_t *handle)
{
    struct httpd_conn *c = handle->data;

    if (--c->nhandles == 0)
        conn_detach(c);
}

static void
conn_close(struct httpd_conn *c)
{
    if (c->closing)
        return;
    c->closing = true;
    c->reading = false;
    uv_close((uv_handle_t *)&c->tcp, on_conn_handle_closed);
    uv_close((uv_handle_t *)&c->timer, on_conn_handle_closed);
}

static void
on_timer(uv_timer_t *t)
{
    conn_close(t->data);
}

static void
on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    struct httpd_conn *c = handle->data;

    (void)suggested;
    *buf = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

/* Answers wait in libuv's queue: the client is not reading them (the kernel's buffer is full). */
static bool
conn_backlogged(const struct httpd_conn *c)
{
    return uv_stream_get_write_queue_size((const uv_stream_t *)&c->tcp) > 0;
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);

static void
conn_read_start(struct httpd_conn *c)
{
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
        conn_close(c);
    else
        c->reading = true;
}

/*
 * Reads while rest has room. rest only grows while its bytes cannot be parsed (an answer is
 * owed, or earlier ones are not read), so reading pauses at a whole request's worth of them.
 * After the last answer reading goes on: what comes is dropped.
 */
static void
conn_pace(struct httpd_conn *c)
{
    bool full = !c->finishing && c->rest.len - c->rest_off > HTTP1_HEAD_MAX + c->h->max_body;

    if (full && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    } else if (!full && !c->reading) {
        conn_read_start(c);
    }
}

/* Keeps the bytes for the parser. */
static void
conn_keep(struct httpd_conn *c, const char *data, size_t n)
{
    if (c->rest_off > 0) {
        memmove(c->rest.buf, c->rest.buf + c->rest_off, c->rest.len - c->rest_off);
        c->rest.len -= c->rest_off;
        c->rest_off = 0;
    }
    strbuf_add(&c->rest, data, n);
}

static void
on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    struct httpd_conn *c = stream->data;

    if (nread < 0) {
        conn_close(c); /* the end of the stream or an error */
        return;
    }
    if (nread == 0 || c->finishing || c->lingering)
        return; /* after the last answer, what comes is dropped */
    conn_keep(c, buf->base, (size_t)nread);
    if (c->owes)
        conn_pace(c);
    else
        conn_run(c);
}

static void
on_shutdown(uv_shutdown_t *req, int status)
{
    struct httpd_conn *c = req->data;

    if (c->closing)
        return;
    if (status < 0) {
        conn_close(c);
        return;
    }
    c->lingering = true;
    uv_timer_start(&c->timer, on_timer, HTTPD_LINGER_MS, 0);
    if (!c->reading)
        conn_read_start(c);
}

/* The last answer is out: shut the write side down, then linger (see DESIGN). */
static void
conn_linger(struct httpd_conn *c)
{
    c->shutdown.data = c;
    if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) != 0)
        conn_close(c);
}

static void
on_write(uv_write_t *req, int status)
{
    struct conn_write *w = (struct conn_write *)req;
    struct httpd_conn *c = w->c;

    free(w->buf);
    free(w);
    c->nwrites--;
    if (c->closing)
        return;
    if (status < 0)
        conn_close(c);
    else if (c->finishing && c->nwrites == 0)
        conn_linger(c);
    else if (!c->owes && !c->in_run)
        conn_run(c); /* the backlog may have drained */
}

/* Writes the answer in sb (taken); without keep_alive it is the connection's last. */
static void
conn_write(struct httpd_conn *c, struct strbuf *sb, bool keep_alive)
{
    struct conn_write *w = xmalloc(sizeof *w);
    size_t n;
    uv_buf_t b;

    w->c = c;
    w->buf = strbuf_detach(sb, &n);
    b = uv_buf_init(w->buf, (unsigned)n);
    if (!keep_alive) {
        /* A client that does not read even its last answer goes, too. */
        c->finishing = true;
        uv_timer_start(&c->timer, on_timer, HTTPD_IDLE_MS, 0);
    }
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_write) != 0) {
        free(w->buf);
        free(w);
        conn_close(c);
        return;
    }
    c->nwrites++;
}

/* The parser refused the request: its status, then the connection closes. */
static void
conn_refuse(struct httpd_conn *c, int status)
{
    struct strbuf sb;
    char text[64];
    int n = snprintf(text, sizeof text, "%d %s\n", status, http1_reason(status));

    strbuf_init(&sb);
    http1_response(&sb, status, "text/plain; charset=utf-8", text, (size_t)n, false);
    conn_write(c, &sb, false);
}

static void
conn_dispatch(struct httpd_conn *c)
{
    const struct http1_req *r = http1_request(c->parser);

    c->owes = true;
    c->keep_alive = r->keep_alive;
    c->head_only = strcmp(r->method, "HEAD") == 0;
    uv_timer_stop(&c->timer);
    c->h->fn(c->h->ctx, c, r);
}

/* Parses what rest holds while no answer is owed; reads again when it may. */
static void
conn_run(struct httpd_conn *c)
{
    c->in_run = true;
    while (!c->owes && !c->finishing && !c->closing && !conn_backlogged(c) &&
           c->rest_off < c->rest.len) {
        size_t used;
        int status;
        enum http1_state st = http1_feed(c->parser, (const uint8_t *)c->rest.buf + c->rest_off,
                                         c->rest.len - c->rest_off, &used, &status);

        c->rest_off += used;
        if (c->rest_off == c->rest.len) {
            strbuf_reset(&c->rest);
            c->rest_off = 0;
        }
        if (st == HTTP1_ERROR)
            conn_refuse(c, status);
        else if (st == HTTP1_DONE)
            conn_dispatch(c);
    }
    c->in_run = false;
    if (!c->closing)
        conn_pace(c);
}

void
httpd_reply(struct httpd_conn *c, int status, const char *content_type, const void *body,
            size_t len)
{
    struct strbuf sb;

    assert(c != NULL && c->owes);
    c->owes = false;
    if (c->closing) {
        if (c->h == NULL)
            conn_free(c); /* detached: this answer was all that kept it */
        return;
    }
    strbuf_init(&sb);
    http1_response(&sb, status, content_type, body, len, c->keep_alive);
    if (c->head_only)
        sb.len -= len; /* the headers of the GET answer, without its body */
    conn_write(c, &sb, c->keep_alive);
    if (!c->keep_alive || c->closing)
        return;
    http1_reset(c->parser);
    uv_timer_start(&c->timer, on_timer, HTTPD_IDLE_MS, 0);
    if (!c->in_run)
        conn_run(c);
}

const char *
httpd_peer(const struct httpd_conn *c)
{
    return c->peer;
}

static void
conn_set_peer(struct httpd_conn *c)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;

    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
        if (ss.ss_family == AF_INET6) {
            const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
            uv_ip6_name(a, ip, sizeof ip);
            port = ntohs(a->sin6_port);
        } else {
            const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
            uv_ip4_name(a, ip, sizeof ip);
            port = ntohs(a->sin_port);
        }
    }
    snprintf(c->peer, sizeof c->peer, ss.ss_family == AF_INET6 ? "[%s]:%d" : "%s:%d", ip, port);
}

static struct httpd_conn *
conn_new(struct httpd *h)
{
    uv_loop_t *loop = h->listener.loop;
    struct httpd_conn *c = xcalloc(1, sizeof *c);

    c->h = h;
    c->parser = http1_parser_new(h->max_body);
    strbuf_init(&c->rest);
    uv_tcp_init(loop, &c->tcp);
    uv_timer_init(loop, &c->timer);
    c->tcp.data = c;
    c->timer.data = c;
    c->nhandles = 2;
    c->next = h->conns;
    if (h->conns != NULL)
        h->conns->prev = c;
    h->conns = c;
    h->nconns++;
    return c;
}

static void
on_connection(uv_stream_t *server, int status)
{
    struct httpd *h = (struct httpd *)server;
    struct httpd_conn *c;

    if (status < 0)
        return; /* libuv keeps listening (and sheds the connection on EMFILE) */
    c = conn_new(h);
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 || h->nconns > HTTPD_CONNS_MAX) {
        conn_close(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    conn_set_peer(c);
    uv_timer_start(&c->timer, on_timer, HTTPD_IDLE_MS, 0);
    conn_read_start(c);
}

static void
on_listener_closed(uv_handle_t *handle)
{
    struct httpd *h = (struct httpd *)handle;

    h->listener_closed = true;
    server_maybe_free(h);
}

/* host and port as a socket address; false when host is not an IP literal. */
static bool
parse_address(const char *host, int port, struct sockaddr_storage *ss)
{
    if (port < 0 || port > 65535)
        return false;
    return uv_ip4_addr(host, port, (struct sockaddr_in *)ss) == 0 ||
           uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss) == 0;
}

/* The port of a bound socket. */
static int
socket_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                          : ((struct sockaddr_in *)&ss)->sin_port);
}

/*
 * A listening socket on ss: 0 with *fd and *port, or an errno. Made here rather than by
 * libuv so that every likely failure (address in use, no permission) comes before any
 * handle is on the loop, and a failed httpd_new leaves nothing behind.
 */
static int
listen_socket(const struct sockaddr_storage *ss, int *fd, int *port)
{
    socklen_t len =
        ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    int on = 1, err;

    *fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (*fd < 0)
        return errno;
    if (setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 &&
        bind(*fd, (const struct sockaddr *)ss, len) == 0 && listen(*fd, HTTPD_BACKLOG) == 0 &&
        (*port = socket_port(*fd)) >= 0)
        return 0;
    err = errno;
    close(*fd);
    return err;
}

struct httpd *
httpd_new(uv_loop_t *loop, const char *host, int port, size_t max_body, httpd_handler_fn *fn,
          void *ctx, struct err *e)
{
    struct sockaddr_storage ss;
    struct httpd *h;
    int fd, bound, r;

    assert(loop != NULL && host != NULL && fn != NULL);
    memset(&ss, 0, sizeof ss);
    if (!parse_address(host, port, &ss)) {
        err_set(e, RC_INVAL, "dirección no válida para escuchar: %s:%d (se espera una IP)", host,
                port);
        return NULL;
    }
    r = listen_socket(&ss, &fd, &bound);
    if (r != 0) {
        err_set(e, RC_IO, "no se pudo escuchar en %s:%d: %s", host, port, strerror(r));
        return NULL;
    }
    h = xcalloc(1, sizeof *h);
    h->fn = fn;
    h->ctx = ctx;
    h->max_body = max_body;
    h->port = bound;
    uv_tcp_init(loop, &h->listener);
    r = uv_tcp_open(&h->listener, fd);
    if (r != 0)
        close(fd); /* the handle did not take it */
    else
        r = uv_listen((uv_stream_t *)&h->listener, HTTPD_BACKLOG, on_connection);
    if (r != 0) {
        /* Not seen with a socket already listening. The handle is on the loop now: it goes
         * as after httpd_close (the next uv_run frees it). */
        err_set(e, RC_IO, "no se pudo escuchar en %s:%d: %s", host, port, uv_strerror(r));
        h->closing = true;
        uv_close((uv_handle_t *)&h->listener, on_listener_closed);
        return NULL;
    }
    return h;
}

int
httpd_port(const struct httpd *h)
{
    return h->port;
}

void
httpd_close(struct httpd *h)
{
    if (h == NULL)
        return;
    assert(!h->closing);
    h->closing = true;
    uv_close((uv_handle_t *)&h->listener, on_listener_closed);
    for (struct httpd_conn *c = h->conns; c != NULL; c = c->next)
        conn_close(c);
}
