/*
 * httpd — a small HTTP/1.1 server on a libuv loop (core/http1 parses): it accepts on one
 * address, reads each connection's requests one at a time, hands each complete request to
 * the caller's handler and writes the answer back, with keep-alive.
 *
 * Limits, because the webhook receiver faces the internet behind a proxy: at most
 * HTTPD_CONNS_MAX connections at once (more are closed at accept), an idle or slow
 * connection closed after HTTPD_IDLE_MS, bodies over max_body answered 413 by the parser.
 * A malformed request gets the parser's status and the connection closes.
 *
 * The handler runs on the loop thread and must answer each request exactly once with
 * httpd_reply, at once or later (the connection reads nothing more until then); a
 * connection that closes before the answer drops it (httpd_reply on it is then a no-op, and
 * the conn stays valid until that call). Users: `embudo wa webhook`, tests/cloud/fakegraph.
 * Every function here is for the loop thread.
 */
#ifndef RT_HTTPD_H
#define RT_HTTPD_H

#include <stddef.h>

#include <uv.h>

struct err;
struct http1_req;
struct httpd;
struct httpd_conn;

#define HTTPD_CONNS_MAX 64
#define HTTPD_IDLE_MS   30000

typedef void httpd_handler_fn(void *ctx, struct httpd_conn *c, const struct http1_req *r);

/*
 * Listens on host:port (IPv4 or IPv6 literal; port 0 picks a free one) with handler fn. NULL
 * + e: RC_INVAL (bad address), RC_IO (bind or listen failed: «no se pudo escuchar en …: …»).
 */
struct httpd *httpd_new(uv_loop_t *loop, const char *host, int port, size_t max_body,
                        httpd_handler_fn *fn, void *ctx, struct err *e)
    __attribute__((warn_unused_result));

/* The port actually bound (the one chosen when port was 0). */
int httpd_port(const struct httpd *h);

/* Answers the request being handled on c (content_type may be NULL for an empty body). */
void httpd_reply(struct httpd_conn *c, int status, const char *content_type, const void *body,
                 size_t len);

/* The peer's address, "ip:port", for logs. */
const char *httpd_peer(const struct httpd_conn *c);

/* Stops listening and closes every connection; the handles are closed once the loop runs.
 * Pending answers are dropped. NULL-safe. The struct is freed by the loop's close callbacks:
 * do not use h afterwards. */
void httpd_close(struct httpd *h);

#endif
