/*
 * test_http1 — the HTTP/1.1 request reader and response writer: requests fed whole, in
 * small pieces and one byte at a time (same outcome), pipelined requests, every refusal
 * status, the head and body limits, keep-alive rules, query decoding and the exact bytes
 * of answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/http1.h"
#include "util/strbuf.h"

#define MAX_BODY 64

/* One request as a string: request line parts, keep-alive, headers, body. */
static void
describe(struct strbuf *out, const struct http1_req *r)
{
    strbuf_addf(out, "%s %s path=%s query=%s ka=%d\n", r->method, r->target, r->path, r->query,
                r->keep_alive);
    for (size_t i = 0; i < r->nheaders; i++)
        strbuf_addf(out, "  %s=[%s]\n", r->headers[i].name, r->headers[i].value);
    assert_non_null(r->body);
    assert_int_equal(r->body[r->body_len], 0);
    if (r->body_len > 0) {
        strbuf_addf(out, "  body(%zu)=", r->body_len);
        strbuf_add(out, r->body, r->body_len);
        strbuf_addch(out, '\n');
    }
}

/*
 * Feeds len bytes at most chunk at a time and dumps what came out: each request, then
 * "!<status>" for a refusal or "more" when a request was left half-fed. The caller frees.
 */
static char *
dump(const char *data, size_t len, size_t chunk, size_t max_body)
{
    struct http1_parser *p = http1_parser_new(max_body);
    struct strbuf out;
    size_t pos = 0, since_reset = 0;

    strbuf_init(&out);
    while (pos < len) {
        size_t n = len - pos < chunk ? len - pos : chunk, used = 99;
        int status = -1;
        enum http1_state st = http1_feed(p, (const uint8_t *)data + pos, n, &used, &status);

        assert_true(used <= n);
        pos += used;
        since_reset += used;
        if (st == HTTP1_MORE) {
            assert_int_equal(used, n);
            assert_int_equal(status, 0);
            assert_null(http1_request(p));
        } else if (st == HTTP1_DONE) {
            assert_int_equal(status, 0);
            describe(&out, http1_request(p));
            http1_reset(p);
            since_reset = 0;
        } else {
            assert_null(http1_request(p));
            strbuf_addf(&out, "!%d\n", status);
            since_reset = 0;
            break;
        }
    }
    if (since_reset > 0)
        strbuf_addstr(&out, "more\n");
    http1_parser_free(p);
    return strbuf_detach(&out, NULL);
}

/* The same outcome whole, in pieces of 2, 3 and 7 bytes, and one byte at a time. */
static void
expect_n(const char *data, size_t len, size_t max_body, const char *want)
{
    static const size_t chunks[] = { 1, 2, 3, 7, SIZE_MAX };

    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        char *got = dump(data, len, chunks[i], max_body);
        if (strcmp(got, want) != 0)
            print_error("chunk %zu:\n--- got\n%s--- want\n%s", chunks[i], got, want);
        assert_string_equal(got, want);
        free(got);
    }
}

static void
expect(const char *data, const char *want)
{
    expect_n(data, strlen(data), MAX_BODY, want);
}

static void
test_get_with_query_and_headers(void **state)
{
    (void)state;
    expect("GET /webhook?hub.mode=subscribe&x=1 HTTP/1.1\r\n"
           "Host: localhost:8089\r\n"
           "User-Agent: curl/7.88.1\r\n"
           "\r\n",
           "GET /webhook?hub.mode=subscribe&x=1 path=/webhook query=hub.mode=subscribe&x=1 ka=1\n"
           "  Host=[localhost:8089]\n"
           "  User-Agent=[curl/7.88.1]\n");
    expect("GET /a? HTTP/1.1\r\nHost: h\r\n\r\n", "GET /a? path=/a query= ka=1\n  Host=[h]\n");
    expect("GET /v21.0/123 HTTP/1.1\r\nHost: h\r\n\r\n",
           "GET /v21.0/123 path=/v21.0/123 query= ka=1\n  Host=[h]\n");
}

static void
test_post_body_is_exactly_content_length(void **state)
{
    (void)state;
    expect("POST /m HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
           "POST /m path=/m query= ka=1\n  Host=[h]\n  Content-Length=[7]\n  body(7)={\"a\":1}\n");
    expect("PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\na\r\nb\n",
           "PUT /x path=/x query= ka=1\n  Host=[h]\n  Content-Length=[5]\n  body(5)=a\r\nb\n\n");
    /* Content-Length 0 and a GET with a body. */
    expect("POST /m HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
           "POST /m path=/m query= ka=1\n  Host=[h]\n  Content-Length=[0]\n");
    expect("GET /g HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok",
           "GET /g path=/g query= ka=1\n  Host=[h]\n  Content-Length=[2]\n  body(2)=ok\n");
}

static void
test_pipelined_requests_and_a_partial_one(void **state)
{
    (void)state;
    expect("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
           "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
           "GET /3 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
           "GET /4 HTTP/1.1\r\nHo",
           "GET /1 path=/1 query= ka=1\n  Host=[h]\n"
           "POST /2 path=/2 query= ka=1\n  Host=[h]\n  Content-Length=[3]\n  body(3)=abc\n"
           "GET /3 path=/3 query= ka=0\n  Host=[h]\n  Connection=[close]\n"
           "more\n");
    /* A body cut short is "more", not a request. */
    expect("POST /m HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\nabc", "more\n");
}

static void
test_bare_lf_and_leading_empty_lines(void **state)
{
    (void)state;
    expect("GET / HTTP/1.1\nHost: h\n\n", "GET / path=/ query= ka=1\n  Host=[h]\n");
    expect("GET / HTTP/1.1\r\nHost: h\n\r\n", "GET / path=/ query= ka=1\n  Host=[h]\n");
    /* RFC 9112 §2.2: empty lines before a request line (a client's extra CRLF) are skipped. */
    expect("\r\n\n\r\nGET / HTTP/1.0\r\n\r\n", "GET / path=/ query= ka=0\n");
    /* A bare CR is not a line ending. */
    expect("GET / HTTP/1.1\rHost: h\r\n\r\n", "!400\n");
    expect("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", "!400\n");
    expect("GET / HTTP/1.1\r\nHost: h\r\r\n\r\n", "!400\n");
}

static void
test_header_values_are_trimmed_and_found_by_name(void **state)
{
    struct http1_parser *p = http1_parser_new(MAX_BODY);
    static const char req[] = "GET / HTTP/1.1\r\nHost:h\r\nX-Uno: \t a  b \t\r\nX-Vacio:\r\n"
                              "x-uno: segundo\r\nX-Raro: caf\xc3\xa9\r\n\r\n";
    size_t used;
    int status;
    const struct http1_req *r;

    (void)state;
    assert_int_equal(http1_feed(p, (const uint8_t *)req, sizeof req - 1, &used, &status),
                     HTTP1_DONE);
    assert_int_equal(used, sizeof req - 1);
    r = http1_request(p);
    assert_non_null(r);
    assert_int_equal(r->nheaders, 5);
    assert_string_equal(http1_header(r, "host"), "h");
    assert_string_equal(http1_header(r, "X-UNO"), "a  b"); /* the first of two */
    assert_string_equal(http1_header(r, "X-Vacio"), "");
    assert_string_equal(http1_header(r, "X-Raro"), "caf\xc3\xa9"); /* obs-text is allowed */
    assert_null(http1_header(r, "X-Nada"));
    assert_null(http1_header(r, "X-Un"));
    http1_parser_free(p);
}

static void
test_malformed_request_lines_are_400(void **state)
{
    static const char *const bad[] = {
        "GET\r\n\r\n",
        "GET /\r\n\r\n",
        "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",
        "GET /  HTTP/1.1\r\nHost: h\r\n\r\n",
        " GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",
        "G@T / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET / http/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.1x\r\nHost: h\r\n\r\n",
        "GET / HTTP/11\r\nHost: h\r\n\r\n",
        "GET / HTTP/a.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.10\r\nHost: h\r\n\r\n",
        "GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET a HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /\x7f HTTP/1.1\r\nHost: h\r\n\r\n",
        "\x16\x03\x01\x02", /* the start of a TLS hello: refused at its first byte */
    };

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect(bad[i], "!400\n");
}

static void
test_other_versions_are_505_and_http10_is_served(void **state)
{
    (void)state;
    expect("GET / HTTP/2.0\r\n\r\n", "!505\n");
    expect("GET / HTTP/1.2\r\nHost: h\r\n\r\n", "!505\n");
    expect("GET / HTTP/0.9\r\n\r\n", "!505\n");
    expect("GET / HTTP/1.0\r\n\r\n", "GET / path=/ query= ka=0\n");
}

static void
test_malformed_headers_are_400(void **state)
{
    static const char nul_head[] = "GET / HTTP/1.1\r\nHost: h\0\r\n\r\n";
    static const char *const bad[] = {
        "GET / HTTP/1.1\r\nHost h\r\n\r\n",                /* no colon */
        "GET / HTTP/1.1\r\nHost : h\r\n\r\n",              /* blank before the colon */
        "GET / HTTP/1.1\r\n: h\r\nHost: h\r\n\r\n",        /* empty name */
        "GET / HTTP/1.1\r\nHost: h\r\nX(y): 1\r\n\r\n",    /* not a token */
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", /* obsolete line folding */
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01\r\n\r\n", /* control characters */
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX\xc3\xa9: a\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",                       /* HTTP/1.1 without Host */
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", /* two Hosts */
        "GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n",
    };

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect(bad[i], "!400\n");
    /* A NUL anywhere in the head. */
    expect_n(nul_head, sizeof nul_head - 1, MAX_BODY, "!400\n");
}

static void
test_content_length_rules(void **state)
{
    static const char *const bad[] = { "", "abc", "-1", "+5", "5, 5", "5 5", "0x5", "5.0" };
    char req[128];

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(req, sizeof req, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: %s\r\n\r\n",
                 bad[i]);
        expect(req, "!400\n");
    }
    /* The same number twice is one length; two different numbers are a smuggling attempt. */
    expect("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\ncontent-length: 02\r\n\r\nok",
           "POST / path=/ query= ka=1\n  Host=[h]\n  Content-Length=[2]\n"
           "  content-length=[02]\n  body(2)=ok\n");
    expect("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
           "!400\n");
    /* Without Content-Length: POST and PUT are 411, other methods have no body. */
    expect("POST / HTTP/1.1\r\nHost: h\r\n\r\n", "!411\n");
    expect("PUT / HTTP/1.0\r\n\r\n", "!411\n");
    expect("DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n", "DELETE /x path=/x query= ka=1\n  Host=[h]\n");
    expect("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n", "HEAD / path=/ query= ka=1\n  Host=[h]\n");
}

static void
test_transfer_encoding_is_501(void **state)
{
    (void)state;
    expect(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "!501\n");
    expect("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
           "!501\n");
}

static void
test_body_over_the_limit_is_413_before_the_body(void **state)
{
    struct http1_parser *p = http1_parser_new(10);
    static const char head[] = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n";
    size_t used;
    int status;

    (void)state;
    expect_n("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", 58, 10,
             "POST / path=/ query= ka=1\n  Host=[h]\n  Content-Length=[10]\n"
             "  body(10)=0123456789\n");
    expect_n(head, sizeof head - 1, 10, "!413\n");
    expect("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999999\r\n\r\n",
           "!413\n");
    /* The refusal comes with the head: the client need not send the body first. */
    assert_int_equal(http1_feed(p, (const uint8_t *)head, sizeof head - 1, &used, &status),
                     HTTP1_ERROR);
    assert_int_equal(status, 413);
    http1_parser_free(p);
}

/* A GET whose head is exactly len bytes (len ≥ 40), padded in one X-Pad header. */
static char *
head_of(size_t len)
{
    static const char start[] = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
    char *s = malloc(len + 1);
    size_t pad = len - (sizeof start - 1) - 4;

    memcpy(s, start, sizeof start - 1);
    memset(s + sizeof start - 1, 'a', pad);
    memcpy(s + sizeof start - 1 + pad, "\r\n\r\n", 5);
    return s;
}

static void
test_head_limits_are_431(void **state)
{
    char *fits = head_of(HTTP1_HEAD_MAX), *over = head_of(HTTP1_HEAD_MAX + 1);
    char *longline = malloc(HTTP1_HEAD_MAX + 2);
    char *got;
    struct strbuf many;

    (void)state;
    got = dump(fits, HTTP1_HEAD_MAX, 1, MAX_BODY);
    assert_int_equal(strncmp(got, "GET / path=/ query= ka=1\n", 25), 0);
    free(got);
    got = dump(over, HTTP1_HEAD_MAX + 1, 1, MAX_BODY);
    assert_string_equal(got, "!431\n");
    free(got);
    /* A request line that never ends. */
    memcpy(longline, "GET /", 5);
    memset(longline + 5, 'a', HTTP1_HEAD_MAX - 3);
    expect_n(longline, HTTP1_HEAD_MAX + 2, MAX_BODY, "!431\n");

    /* HTTP1_HEADERS_MAX headers are fine, one more is 431. */
    strbuf_init(&many);
    strbuf_addstr(&many, "GET / HTTP/1.1\r\nHost: h\r\n");
    for (int i = 1; i < HTTP1_HEADERS_MAX; i++)
        strbuf_addf(&many, "X-%d: %d\r\n", i, i);
    strbuf_addstr(&many, "\r\n");
    got = dump(many.buf, many.len, 3, MAX_BODY);
    assert_true(strstr(got, "  X-31=[31]\n") != NULL && strstr(got, "!") == NULL);
    free(got);
    many.len -= 2;
    strbuf_addstr(&many, "X-32: 32\r\n\r\n");
    expect_n(many.buf, many.len, MAX_BODY, "!431\n");

    strbuf_fini(&many);
    free(longline);
    free(fits);
    free(over);
}

static void
test_done_and_error_are_sticky_until_reset(void **state)
{
    struct http1_parser *p = http1_parser_new(MAX_BODY);
    static const char two[] =
        "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n";
    size_t used, first;
    int status;

    (void)state;
    assert_int_equal(http1_feed(p, (const uint8_t *)two, sizeof two - 1, &used, &status),
                     HTTP1_DONE);
    first = used;
    assert_int_equal(first, (sizeof two - 1) / 2);
    assert_int_equal(
        http1_feed(p, (const uint8_t *)two + first, sizeof two - 1 - first, &used, &status),
        HTTP1_DONE);
    assert_int_equal(used, 0);
    assert_string_equal(http1_request(p)->target, "/1");
    http1_reset(p);
    assert_null(http1_request(p));
    assert_int_equal(
        http1_feed(p, (const uint8_t *)two + first, sizeof two - 1 - first, &used, &status),
        HTTP1_DONE);
    assert_string_equal(http1_request(p)->target, "/2");
    http1_reset(p);

    assert_int_equal(http1_feed(p, (const uint8_t *)"BAD\r\n", 5, &used, &status), HTTP1_ERROR);
    assert_int_equal(status, 400);
    assert_int_equal(http1_feed(p, (const uint8_t *)two, sizeof two - 1, &used, &status),
                     HTTP1_ERROR);
    assert_int_equal(used, 0);
    assert_int_equal(status, 400);
    http1_reset(p);
    assert_int_equal(http1_feed(p, NULL, 0, &used, &status), HTTP1_MORE);
    assert_int_equal(http1_feed(p, (const uint8_t *)two, sizeof two - 1, &used, &status),
                     HTTP1_DONE);
    http1_parser_free(p);
}

static void
test_reset_reuses_the_body_buffer(void **state)
{
    (void)state;
    /* A long body, then a short one: the short one must not show the long one's tail. */
    expect("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789"
           "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nxy"
           "GET /c HTTP/1.1\r\nHost: h\r\n\r\n",
           "POST /a path=/a query= ka=1\n  Host=[h]\n  Content-Length=[10]\n"
           "  body(10)=0123456789\n"
           "POST /b path=/b query= ka=1\n  Host=[h]\n  Content-Length=[2]\n  body(2)=xy\n"
           "GET /c path=/c query= ka=1\n  Host=[h]\n");
}

/* keep_alive of a GET with the given version and extra header lines. */
static bool
keep_alive(const char *version, const char *headers)
{
    char req[256];
    struct http1_parser *p = http1_parser_new(MAX_BODY);
    size_t used;
    int status;
    bool ka;

    snprintf(req, sizeof req, "GET / %s\r\nHost: h\r\n%s\r\n", version, headers);
    assert_int_equal(http1_feed(p, (const uint8_t *)req, strlen(req), &used, &status), HTTP1_DONE);
    ka = http1_request(p)->keep_alive;
    http1_parser_free(p);
    return ka;
}

static void
test_keep_alive_rules(void **state)
{
    (void)state;
    assert_true(keep_alive("HTTP/1.1", ""));
    assert_false(keep_alive("HTTP/1.1", "Connection: close\r\n"));
    assert_false(keep_alive("HTTP/1.1", "connection: CLOSE\r\n"));
    assert_false(keep_alive("HTTP/1.1", "Connection: keep-alive, Close\r\n"));
    assert_false(keep_alive("HTTP/1.1", "Connection: upgrade,close \r\n"));
    assert_false(keep_alive("HTTP/1.1", "Connection: te\r\nConnection: close\r\n"));
    assert_true(keep_alive("HTTP/1.1", "Connection: closed\r\n"));
    assert_true(keep_alive("HTTP/1.1", "Connection: keep-alive\r\n"));
    assert_true(keep_alive("HTTP/1.1", "X-Connection: close\r\n"));
    assert_false(keep_alive("HTTP/1.0", ""));
    assert_false(keep_alive("HTTP/1.0", "Connection: keep-alive\r\n"));
}

static void
test_query_params(void **state)
{
    static const char q[] = "hub.mode=subscribe&hub.verify_token=a+b%2Bc&hub.challenge=%C3%B1%7e"
                            "&&solo&vacio=&dos=1&dos=2&hub%2Echallenge=no&x=%4&y=%zz&z=%00&w=a%";
    char out[32];

    (void)state;
    assert_true(http1_query_param(q, "hub.mode", out, sizeof out));
    assert_string_equal(out, "subscribe");
    assert_true(http1_query_param(q, "hub.verify_token", out, sizeof out));
    assert_string_equal(out, "a b+c");
    assert_true(http1_query_param(q, "hub.challenge", out, sizeof out));
    assert_string_equal(out, "\xc3\xb1~"); /* the first one wins */
    assert_true(http1_query_param(q, "solo", out, sizeof out));
    assert_string_equal(out, "");
    assert_true(http1_query_param(q, "vacio", out, sizeof out));
    assert_string_equal(out, "");
    assert_true(http1_query_param(q, "dos", out, sizeof out));
    assert_string_equal(out, "1");
    /* Absent, a prefix, and the malformed escapes. */
    assert_false(http1_query_param(q, "hub", out, sizeof out));
    assert_string_equal(out, "");
    assert_false(http1_query_param(q, "do", out, sizeof out));
    assert_false(http1_query_param(q, "x", out, sizeof out));
    assert_false(http1_query_param(q, "y", out, sizeof out));
    assert_false(http1_query_param(q, "z", out, sizeof out));
    assert_false(http1_query_param(q, "w", out, sizeof out));
    assert_false(http1_query_param("", "a", out, sizeof out));
    /* An encoded name matches its decoded form. */
    assert_true(http1_query_param("a%2Eb=1", "a.b", out, sizeof out));
    assert_string_equal(out, "1");
    assert_true(http1_query_param("a+b=2", "a b", out, sizeof out));
    assert_string_equal(out, "2");
    /* A malformed name is no match. */
    assert_false(http1_query_param("a%2=1&a=2&", "a%2", out, sizeof out));
    assert_true(http1_query_param("a%2=1&a=2&", "a", out, sizeof out));
    assert_string_equal(out, "2");
}

static void
test_query_param_capacity(void **state)
{
    char out[4];

    (void)state;
    assert_true(http1_query_param("k=abc", "k", out, 4));
    assert_string_equal(out, "abc");
    assert_false(http1_query_param("k=abcd", "k", out, 4));
    assert_string_equal(out, "");
    assert_true(http1_query_param("k=%41%42%43", "k", out, 4)); /* decoded length counts */
    assert_string_equal(out, "ABC");
    assert_true(http1_query_param("k=", "k", out, 1));
    assert_false(http1_query_param("k=a", "k", out, 1));
    assert_false(http1_query_param("k=a", "k", NULL, 0));
}

static void
test_response_bytes(void **state)
{
    static const char binary[] = "HTTP/1.1 299 Unknown\r\nContent-Type: text/plain\r\n"
                                 "Content-Length: 3\r\nConnection: close\r\n\r\na\0b";
    struct strbuf sb;

    (void)state;
    strbuf_init(&sb);
    http1_response(&sb, 200, "application/json", "{\"ok\":true}", 11, true);
    assert_string_equal(sb.buf, "HTTP/1.1 200 OK\r\n"
                                "Content-Type: application/json\r\n"
                                "Content-Length: 11\r\n"
                                "\r\n"
                                "{\"ok\":true}");
    strbuf_reset(&sb);
    http1_response(&sb, 404, NULL, NULL, 0, false);
    assert_string_equal(sb.buf, "HTTP/1.1 404 Not Found\r\n"
                                "Content-Length: 0\r\n"
                                "Connection: close\r\n"
                                "\r\n");
    strbuf_reset(&sb);
    http1_response(&sb, 204, NULL, NULL, 0, true);
    assert_string_equal(sb.buf, "HTTP/1.1 204 No Content\r\n\r\n");
    strbuf_reset(&sb);
    http1_response(&sb, 299, "text/plain", "a\0b", 3, false);
    assert_int_equal(sb.len, sizeof binary - 1);
    assert_memory_equal(sb.buf, binary, sizeof binary - 1);
    /* It appends. */
    strbuf_reset(&sb);
    strbuf_addstr(&sb, "x");
    http1_response(&sb, 413, NULL, NULL, 0, true);
    assert_string_equal(sb.buf, "xHTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n");
    strbuf_fini(&sb);
}

static void
test_reason_phrases(void **state)
{
    (void)state;
    assert_string_equal(http1_reason(200), "OK");
    assert_string_equal(http1_reason(400), "Bad Request");
    assert_string_equal(http1_reason(401), "Unauthorized");
    assert_string_equal(http1_reason(403), "Forbidden");
    assert_string_equal(http1_reason(411), "Length Required");
    assert_string_equal(http1_reason(431), "Request Header Fields Too Large");
    assert_string_equal(http1_reason(501), "Not Implemented");
    assert_string_equal(http1_reason(505), "HTTP Version Not Supported");
    assert_string_equal(http1_reason(0), "Unknown");
    assert_string_equal(http1_reason(418), "Unknown");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_with_query_and_headers),
        cmocka_unit_test(test_post_body_is_exactly_content_length),
        cmocka_unit_test(test_pipelined_requests_and_a_partial_one),
        cmocka_unit_test(test_bare_lf_and_leading_empty_lines),
        cmocka_unit_test(test_header_values_are_trimmed_and_found_by_name),
        cmocka_unit_test(test_malformed_request_lines_are_400),
        cmocka_unit_test(test_other_versions_are_505_and_http10_is_served),
        cmocka_unit_test(test_malformed_headers_are_400),
        cmocka_unit_test(test_content_length_rules),
        cmocka_unit_test(test_transfer_encoding_is_501),
        cmocka_unit_test(test_body_over_the_limit_is_413_before_the_body),
        cmocka_unit_test(test_head_limits_are_431),
        cmocka_unit_test(test_done_and_error_are_sticky_until_reset),
        cmocka_unit_test(test_reset_reuses_the_body_buffer),
        cmocka_unit_test(test_keep_alive_rules),
        cmocka_unit_test(test_query_params),
        cmocka_unit_test(test_query_param_capacity),
        cmocka_unit_test(test_response_bytes),
        cmocka_unit_test(test_reason_phrases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
