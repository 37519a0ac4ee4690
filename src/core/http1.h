/*
 * http1 — an HTTP/1.1 request reader and response writer for embudo's two small servers: the
 * Cloud API webhook receiver (`embudo wa webhook`, src/cmd/cmd_wa_webhook.c) and the tests'
 * fake Graph server (tests/cloud/fakegraph.c), both over src/rt/httpd.
 *
 * Incremental: bytes are fed as they arrive and a request is complete when its headers and
 * Content-Length bytes of body are in. Strict and bounded, because the webhook faces the
 * internet behind a proxy: request line and header block at most HTTP1_HEAD_MAX bytes, at most
 * HTTP1_HEADERS_MAX headers, a body of at most the parser's max_body; no chunked bodies (Meta
 * and curl send Content-Length), no obsolete line folding. Each refusal is the status to
 * answer with. Pure; one parser per connection, any thread.
 */
#ifndef CORE_HTTP1_H
#define CORE_HTTP1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

#define HTTP1_HEAD_MAX    8192
#define HTTP1_HEADERS_MAX 32

struct http1_header {
    const char *name;  /* as sent (compare with http1_header) */
    const char *value; /* leading and trailing blanks removed */
};

/* A complete request; every pointer is the parser's, valid until the next feed or reset. */
struct http1_req {
    const char *method; /* "GET", "POST"… */
    const char *target; /* as sent: "/webhook?hub.mode=subscribe&…" */
    const char *path;   /* target up to '?' */
    const char *query;  /* after '?', "" when none */
    struct http1_header headers[HTTP1_HEADERS_MAX];
    size_t nheaders;
    const uint8_t *body; /* Content-Length bytes (NUL-terminated past the end) */
    size_t body_len;
    bool keep_alive; /* HTTP/1.1 without "Connection: close" */
};

enum http1_state {
    HTTP1_MORE,  /* everything fed was consumed; feed more */
    HTTP1_DONE,  /* a request is complete: http1_request() */
    HTTP1_ERROR, /* malformed or over a limit: answer *status and close */
};

struct http1_parser;

/* A parser accepting bodies of up to max_body bytes. Never NULL. */
struct http1_parser *http1_parser_new(size_t max_body);
void http1_parser_free(struct http1_parser *p); /* NULL-safe */

/*
 * Feeds n bytes. *used receives how many were consumed: on HTTP1_DONE the rest belongs to the
 * next request (feed it after http1_reset). On HTTP1_ERROR, *status is 400 (malformed), 411
 * (a body without Content-Length), 413 (body over max_body), 431 (head over the limits), 501
 * (Transfer-Encoding) or 505 (not HTTP/1.0 or 1.1). After DONE or ERROR, feeding again
 * without a reset returns the same state and consumes nothing.
 */
enum http1_state http1_feed(struct http1_parser *p, const uint8_t *buf, size_t n, size_t *used,
                            int *status);

/* The complete request after HTTP1_DONE, NULL otherwise. */
const struct http1_req *http1_request(const struct http1_parser *p);

/* Ready for the next request on the same connection. */
void http1_reset(struct http1_parser *p);

/* The value of header name (case-insensitive), NULL when absent. */
const char *http1_header(const struct http1_req *r, const char *name);

/*
 * The value of query parameter name in query (application/x-www-form-urlencoded: '+' is a
 * space, %XX decoded) into out, NUL-terminated. False when absent, when a %-escape is
 * malformed or decodes to NUL, or when it does not fit in cap.
 */
bool http1_query_param(const char *query, const char *name, char *out, size_t cap);

/* Appends a whole response: status line (with the standard reason phrase), Content-Type
 * (when not NULL), Content-Length, and "Connection: close" unless keep_alive. */
void http1_response(struct strbuf *sb, int status, const char *content_type, const void *body,
                    size_t len, bool keep_alive);

/* The reason phrase of status ("OK", "Bad Request"…; "Unknown" for others). */
const char *http1_reason(int status);

#endif
