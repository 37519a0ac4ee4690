/*
 * DESIGN — the head is copied into one fixed buffer per parser as it arrives; each line is
 * checked and split in place as soon as its LF is in, so a bad request line is refused at
 * once (not after 8 KiB), and the request's pointers point into that buffer. The body goes
 * to a second buffer, grown to the largest Content-Length seen (never above max_body + 1).
 *
 * Choices within RFC 9112, each the stricter or the simpler one:
 *  - Lines end in CRLF or a bare LF (§2.2 lets a recipient accept LF alone, which hand-typed
 *    requests send); a CR anywhere else is refused. Other control characters (NUL included)
 *    are refused anywhere in the head; tabs only count as blanks in header values.
 *  - Empty lines before the request line are skipped (§2.2), counted against HTTP1_HEAD_MAX.
 *  - Request targets in origin form only ("/path?query", visible ASCII, no '#'): this server
 *    is nobody's proxy, so absolute form and "*" are 400.
 *  - An HTTP/1.1 request needs exactly one Host (§3.2), HTTP/1.0 at most one.
 *  - Any Transfer-Encoding is 501, so chunked bodies and TE/CL smuggling never get in.
 *  - Content-Length is digits only ("5, 5" is 400); repeated, it must say the same number.
 *  - POST and PUT need a Content-Length (411); other methods without one have no body.
 *  - Keep-alive only for HTTP/1.1 (unless a Connection header lists "close"): an HTTP/1.0
 *    keep-alive would need a "Connection: keep-alive" answer, which nobody here needs.
 *  - No "100 Continue": a client that asks for it waits a moment and sends the body anyway
 *    (curl waits one second), and one whose body is refused (411, 413) gets the refusal at
 *    once. Clients that must not wait (the fake server's libcurl) send no Expect header.
 */
#include "core/http1.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/hex.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

enum http1_phase {
    PH_HEAD,
    PH_BODY,
    PH_DONE,
    PH_ERROR,
};

/* What head_line returns besides an error status. */
enum { LINE_NEXT = 0, LINE_END = 1 };

struct http1_parser {
    size_t max_body;
    enum http1_phase phase;
    int status;                /* PH_ERROR: the status to answer */
    char head[HTTP1_HEAD_MAX]; /* the head as received; lines are split in place */
    size_t head_len;
    size_t line_start;         /* offset of the line being received */
    bool have_reqline;         /* the request line was parsed */
    bool http11;               /* HTTP/1.1 (else 1.0) */
    bool has_length;           /* a Content-Length was seen */
    size_t length;             /* its value, SIZE_MAX when it does not fit */
    unsigned nhost;            /* Host headers seen */
    bool has_te;               /* a Transfer-Encoding was seen */
    char path[HTTP1_HEAD_MAX]; /* the target up to '?' */
    uint8_t *body;             /* body_cap bytes, NUL after the body */
    size_t body_cap;
    struct http1_req req;
};

/* tchar of RFC 9110 §5.6.2. */
static bool
is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool
is_token(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_tchar((unsigned char)s[i]))
            return false;
    return true;
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A byte allowed anywhere in a head: not a control character other than HT, CR and LF. */
static bool
head_byte_ok(uint8_t b)
{
    return (b >= 0x20 && b != 0x7f) || b == '\t' || b == '\r' || b == '\n';
}

static enum http1_state
fail(struct http1_parser *p, int status)
{
    p->phase = PH_ERROR;
    p->status = status;
    return HTTP1_ERROR;
}

struct http1_parser *
http1_parser_new(size_t max_body)
{
    struct http1_parser *p = xcalloc(1, sizeof *p);

    assert(max_body < SIZE_MAX);
    p->max_body = max_body;
    p->body_cap = 1;
    p->body = xcalloc(1, 1);
    http1_reset(p);
    return p;
}

void
http1_parser_free(struct http1_parser *p)
{
    if (p == NULL)
        return;
    free(p->body);
    free(p);
}

void
http1_reset(struct http1_parser *p)
{
    p->phase = PH_HEAD;
    p->status = 0;
    p->head_len = 0;
    p->line_start = 0;
    p->have_reqline = false;
    p->http11 = false;
    p->has_length = false;
    p->length = 0;
    p->nhost = 0;
    p->has_te = false;
    p->body[0] = 0;
    memset(&p->req, 0, sizeof p->req);
    p->req.body = p->body;
}

/* "HTTP/1.1" → 0 (http11 set), "HTTP/1.0" → 0, another well-formed version 505, else 400. */
static int
parse_version(struct http1_parser *p, const char *v, size_t n)
{
    if (n != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
        v[7] < '0' || v[7] > '9')
        return 400;
    if (v[5] != '1' || (v[7] != '0' && v[7] != '1'))
        return 505;
    p->http11 = v[7] == '1';
    return 0;
}

static bool
target_ok(const char *t, size_t n)
{
    if (n == 0 || t[0] != '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f || t[i] == '#')
            return false;
    return true;
}

/* method SP request-target SP HTTP-version, split in place. */
static int
parse_request_line(struct http1_parser *p, char *s, size_t n)
{
    char *sp1 = memchr(s, ' ', n);
    char *target, *sp2, *q;
    size_t tlen;
    int st;

    if (sp1 == NULL || !is_token(s, (size_t)(sp1 - s)))
        return 400;
    target = sp1 + 1;
    sp2 = memchr(target, ' ', n - (size_t)(target - s));
    if (sp2 == NULL)
        return 400;
    tlen = (size_t)(sp2 - target);
    st = parse_version(p, sp2 + 1, n - (size_t)(sp2 + 1 - s));
    if (st == 0 && !target_ok(target, tlen))
        st = 400;
    if (st != 0)
        return st;
    *sp1 = '\0';
    *sp2 = '\0';
    q = memchr(target, '?', tlen);
    memcpy(p->path, target, q != NULL ? (size_t)(q - target) : tlen);
    p->path[q != NULL ? (size_t)(q - target) : tlen] = '\0';
    p->req.method = s;
    p->req.target = target;
    p->req.path = p->path;
    p->req.query = q != NULL ? q + 1 : "";
    p->have_reqline = true;
    return 0;
}

/* Content-Length: digits only; a second one must say the same. */
static int
note_length(struct http1_parser *p, const char *v)
{
    size_t len = 0;

    if (*v == '\0')
        return 400;
    for (; *v != '\0'; v++) {
        size_t d = (size_t)(*v - '0');
        if (*v < '0' || *v > '9')
            return 400;
        len = len > (SIZE_MAX - d) / 10 ? SIZE_MAX : len * 10 + d;
    }
    if (p->has_length && p->length != len)
        return 400;
    p->has_length = true;
    p->length = len;
    return 0;
}

/* field-name ":" OWS field-value OWS, split in place; no obsolete folding. */
static int
parse_header_line(struct http1_parser *p, char *s, size_t n)
{
    char *colon = memchr(s, ':', n);
    char *v, *end = s + n;
    struct http1_header *h;

    if (colon == NULL || !is_token(s, (size_t)(colon - s)))
        return 400; /* also a line starting with a blank (folding) or "Name : value" */
    if (p->req.nheaders == HTTP1_HEADERS_MAX)
        return 431;
    *colon = '\0';
    for (v = colon + 1; v < end && is_blank(*v); v++)
        ;
    while (end > v && is_blank(end[-1]))
        end--;
    *end = '\0';
    h = &p->req.headers[p->req.nheaders++];
    h->name = s;
    h->value = v;
    if (strcasecmp(s, "Content-Length") == 0)
        return note_length(p, v);
    if (strcasecmp(s, "Host") == 0)
        p->nhost++;
    else if (strcasecmp(s, "Transfer-Encoding") == 0)
        p->has_te = true;
    return 0;
}

/* The line ending at the LF just stored: LINE_NEXT, LINE_END (the empty line) or a status. */
static int
head_line(struct http1_parser *p)
{
    size_t end = p->head_len - 1;
    char *line = p->head + p->line_start;
    size_t n;

    if (end > p->line_start && p->head[end - 1] == '\r')
        end--;
    n = end - p->line_start;
    if (memchr(line, '\r', n) != NULL)
        return 400;
    p->head[end] = '\0';
    p->line_start = p->head_len;
    if (!p->have_reqline)
        return n == 0 ? LINE_NEXT : parse_request_line(p, line, n);
    if (n == 0)
        return LINE_END;
    return parse_header_line(p, line, n);
}

/* True when a Connection header lists the "close" option. */
static bool
asks_close(const struct http1_req *r)
{
    for (size_t i = 0; i < r->nheaders; i++) {
        const char *v = r->headers[i].value;
        if (strcasecmp(r->headers[i].name, "Connection") != 0)
            continue;
        while (*v != '\0') {
            size_t n = strcspn(v, ",");
            size_t k = n;
            while (k > 0 && is_blank(v[k - 1]))
                k--;
            if (k == 5 && strncasecmp(v, "close", 5) == 0)
                return true;
            v += n;
            while (*v == ',' || is_blank(*v))
                v++;
        }
    }
    return false;
}

/* The head is complete: decide whether a body follows. */
static enum http1_state
head_end(struct http1_parser *p)
{
    const char *m = p->req.method;

    if (p->nhost > 1 || (p->http11 && p->nhost == 0))
        return fail(p, 400);
    if (p->has_te)
        return fail(p, 501);
    if (!p->has_length && (strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0))
        return fail(p, 411);
    if (p->length > p->max_body)
        return fail(p, 413);
    p->req.keep_alive = p->http11 && !asks_close(&p->req);
    if (p->length + 1 > p->body_cap) {
        free(p->body);
        p->body_cap = p->length + 1;
        p->body = xmalloc(p->body_cap);
    }
    p->body[0] = 0;
    p->req.body = p->body;
    p->phase = p->length == 0 ? PH_DONE : PH_BODY;
    return p->phase == PH_DONE ? HTTP1_DONE : HTTP1_MORE;
}

/* Takes head bytes until the empty line; returns how many it took. */
static size_t
feed_head(struct http1_parser *p, const uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int r;

        if (p->head_len == HTTP1_HEAD_MAX) {
            fail(p, 431);
            return i;
        }
        if (!head_byte_ok(buf[i])) {
            fail(p, 400);
            return i;
        }
        p->head[p->head_len++] = (char)buf[i];
        if (buf[i] != '\n')
            continue;
        r = head_line(p);
        if (r == LINE_END)
            head_end(p);
        else if (r != LINE_NEXT)
            fail(p, r);
        if (r != LINE_NEXT)
            return i + 1;
    }
    return n;
}

static size_t
feed_body(struct http1_parser *p, const uint8_t *buf, size_t n)
{
    size_t k = p->length - p->req.body_len;

    if (k > n)
        k = n;
    memcpy(p->body + p->req.body_len, buf, k);
    p->req.body_len += k;
    if (p->req.body_len == p->length) {
        p->body[p->length] = 0;
        p->phase = PH_DONE;
    }
    return k;
}

enum http1_state
http1_feed(struct http1_parser *p, const uint8_t *buf, size_t n, size_t *used, int *status)
{
    size_t u = 0;

    assert(p != NULL && used != NULL && status != NULL && (buf != NULL || n == 0));
    if (p->phase == PH_HEAD)
        u = feed_head(p, buf, n);
    if (p->phase == PH_BODY)
        u += feed_body(p, buf + u, n - u);
    *used = u;
    *status = p->phase == PH_ERROR ? p->status : 0;
    switch (p->phase) {
    case PH_DONE:
        return HTTP1_DONE;
    case PH_ERROR:
        return HTTP1_ERROR;
    case PH_HEAD:
    case PH_BODY:
        break;
    }
    return HTTP1_MORE;
}

const struct http1_req *
http1_request(const struct http1_parser *p)
{
    return p->phase == PH_DONE ? &p->req : NULL;
}

const char *
http1_header(const struct http1_req *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

/* The byte encoded at s[*i] (of n), advancing *i; -1 for a malformed escape or a NUL. */
static int
form_byte(const char *s, size_t n, size_t *i)
{
    int hi, lo;

    if (s[*i] != '%') {
        unsigned char c = (unsigned char)s[(*i)++];
        return c == '+' ? ' ' : c;
    }
    if (*i + 2 >= n)
        return -1;
    hi = hex_digit(s[*i + 1]);
    lo = hex_digit(s[*i + 2]);
    *i += 3;
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
        return -1;
    return hi * 16 + lo;
}

/* True when the encoded key s[0..n) decodes to name. */
static bool
form_key_is(const char *s, size_t n, const char *name)
{
    size_t i = 0, k = 0;

    while (i < n) {
        int c = form_byte(s, n, &i);
        if (c < 0 || name[k] == '\0' || (unsigned char)name[k] != c)
            return false;
        k++;
    }
    return name[k] == '\0';
}

static bool
form_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0, k = 0;

    while (i < n) {
        int c = form_byte(s, n, &i);
        if (c < 0 || k + 1 >= cap)
            return false;
        out[k++] = (char)c;
    }
    out[k] = '\0';
    return true;
}

bool
http1_query_param(const char *query, const char *name, char *out, size_t cap)
{
    const char *p = query;

    assert(query != NULL && name != NULL && (out != NULL || cap == 0));
    if (cap == 0)
        return false;
    out[0] = '\0';
    for (;;) {
        size_t n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);
        size_t klen = eq != NULL ? (size_t)(eq - p) : n;

        if (n > 0 && form_key_is(p, klen, name)) {
            bool ok = eq != NULL ? form_decode(eq + 1, n - klen - 1, out, cap)
                                 : form_decode(p, 0, out, cap);
            if (!ok)
                out[0] = '\0';
            return ok;
        }
        if (p[n] == '\0')
            return false;
        p += n + 1;
    }
}

void
http1_response(struct strbuf *sb, int status, const char *content_type, const void *body,
               size_t len, bool keep_alive)
{
    /* RFC 9110 §8.6: no Content-Length in a 1xx or 204 answer, which never has a body. */
    bool bodiless = status < 200 || status == 204;

    assert(status >= 100 && status <= 999 && (body != NULL || len == 0));
    assert(!bodiless || len == 0);
    strbuf_addf(sb, "HTTP/1.1 %d %s\r\n", status, http1_reason(status));
    if (content_type != NULL)
        strbuf_addf(sb, "Content-Type: %s\r\n", content_type);
    if (!bodiless)
        strbuf_addf(sb, "Content-Length: %zu\r\n", len);
    if (!keep_alive)
        strbuf_addstr(sb, "Connection: close\r\n");
    strbuf_addstr(sb, "\r\n");
    if (len > 0)
        strbuf_add(sb, body, len);
}

const char *
http1_reason(int status)
{
    static const struct {
        int status;
        const char *reason;
    } reasons[] = {
        { 100, "Continue" },
        { 200, "OK" },
        { 201, "Created" },
        { 202, "Accepted" },
        { 204, "No Content" },
        { 301, "Moved Permanently" },
        { 302, "Found" },
        { 303, "See Other" },
        { 304, "Not Modified" },
        { 307, "Temporary Redirect" },
        { 308, "Permanent Redirect" },
        { 400, "Bad Request" },
        { 401, "Unauthorized" },
        { 403, "Forbidden" },
        { 404, "Not Found" },
        { 405, "Method Not Allowed" },
        { 408, "Request Timeout" },
        { 409, "Conflict" },
        { 411, "Length Required" },
        { 413, "Content Too Large" },
        { 414, "URI Too Long" },
        { 415, "Unsupported Media Type" },
        { 422, "Unprocessable Content" },
        { 429, "Too Many Requests" },
        { 431, "Request Header Fields Too Large" },
        { 500, "Internal Server Error" },
        { 501, "Not Implemented" },
        { 502, "Bad Gateway" },
        { 503, "Service Unavailable" },
        { 504, "Gateway Timeout" },
        { 505, "HTTP Version Not Supported" },
    };

    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].status == status)
            return reasons[i].reason;
    return "Unknown";
}
