/*
 * fuzz_http1 — libFuzzer harness for the HTTP/1.1 request reader (src/core/http1): the bytes
 * the webhook receiver reads from the internet.
 *
 * The first byte picks the feed size (1..64 bytes per feed, so line and body boundaries
 * move); the rest is the connection's bytes. Properties: no crash or leak; fed in pieces it
 * gives exactly what it gives fed whole (requests and refusal); every refusal is one of the
 * documented statuses; every request is well formed (method a token, target in origin form,
 * path and query its two halves, body within max_body and NUL-terminated); written back as
 * bytes, a request reads back the same; and query decoding always leaves a string that fits.
 * Build and run: make fuzz (tests/fuzz/corpus/http1/ holds the seeds), or
 *   build/fuzz/fuzz_http1 -max_total_time=60 -dict=tests/fuzz/http1.dict
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http1.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BODY 256

static void
check_request(const struct http1_req *r)
{
    size_t plen = strlen(r->path);
    char out[16];

    if (r->method[0] == '\0' || strpbrk(r->method, " \t\r\n:") != NULL)
        abort();
    if (r->target[0] != '/' || strncmp(r->target, r->path, plen) != 0)
        abort();
    if (r->target[plen] == '?' ? strcmp(r->query, r->target + plen + 1) != 0
                               : (r->target[plen] != '\0' || r->query[0] != '\0'))
        abort();
    if (r->nheaders > HTTP1_HEADERS_MAX || r->body_len > MAX_BODY || r->body[r->body_len] != 0)
        abort();
    for (size_t i = 0; i < r->nheaders; i++)
        if (http1_header(r, r->headers[i].name) == NULL)
            abort();
    if (http1_query_param(r->query, "a", out, sizeof out) && strlen(out) >= sizeof out)
        abort();
}

/* One request as a string (everything but keep-alive, which depends on the version). */
static void
describe(struct strbuf *sb, const struct http1_req *r)
{
    strbuf_addf(sb, "%s %s\n", r->method, r->target);
    for (size_t i = 0; i < r->nheaders; i++)
        strbuf_addf(sb, "%s: %s\n", r->headers[i].name, r->headers[i].value);
    strbuf_addf(sb, "%zu:", r->body_len);
    strbuf_add(sb, r->body, r->body_len);
    strbuf_addch(sb, '\n');
}

/* Writes r back as bytes: HTTP/1.1 when it has a Host (it has at most one), else 1.0. */
static void
write_back(struct strbuf *sb, const struct http1_req *r)
{
    strbuf_addf(sb, "%s %s HTTP/1.%d\r\n", r->method, r->target, http1_header(r, "Host") != NULL);
    for (size_t i = 0; i < r->nheaders; i++)
        strbuf_addf(sb, "%s: %s\r\n", r->headers[i].name, r->headers[i].value);
    strbuf_addstr(sb, "\r\n");
    strbuf_add(sb, r->body, r->body_len);
}

static void round_trip(const struct http1_req *r);

/* Feeds everything chunk bytes at a time; appends each request's description and the
 * refusal ("!status") to out. */
static void
run(const uint8_t *data, size_t size, size_t chunk, struct strbuf *out, bool deep)
{
    struct http1_parser *p = http1_parser_new(MAX_BODY);
    size_t pos = 0;

    while (pos < size) {
        size_t n = size - pos < chunk ? size - pos : chunk, used;
        int status;
        enum http1_state st = http1_feed(p, data + pos, n, &used, &status);

        pos += used;
        if (st == HTTP1_MORE && used != n)
            abort();
        if (st == HTTP1_ERROR) {
            if (status != 400 && status != 411 && status != 413 && status != 431 && status != 501 &&
                status != 505)
                abort();
            strbuf_addf(out, "!%d\n", status);
            break;
        }
        if (st == HTTP1_DONE) {
            const struct http1_req *r = http1_request(p);
            check_request(r);
            describe(out, r);
            if (deep)
                round_trip(r);
            http1_reset(p);
        }
    }
    http1_parser_free(p);
}

static void
round_trip(const struct http1_req *r)
{
    struct strbuf bytes, a, b;

    strbuf_init(&bytes);
    strbuf_init(&a);
    strbuf_init(&b);
    write_back(&bytes, r);
    /* "Name:value" comes back as "Name: value": a head at the limit may no longer fit. */
    if (bytes.len - r->body_len <= HTTP1_HEAD_MAX) {
        describe(&a, r);
        run((const uint8_t *)bytes.buf, bytes.len, bytes.len, &b, false);
        if (a.len != b.len || memcmp(a.buf, b.buf, a.len) != 0)
            abort();
    }
    strbuf_fini(&bytes);
    strbuf_fini(&a);
    strbuf_fini(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strbuf whole, pieces;

    if (size < 1)
        return 0;
    strbuf_init(&whole);
    strbuf_init(&pieces);
    run(data + 1, size - 1, size, &whole, true);
    run(data + 1, size - 1, 1 + data[0] % 64, &pieces, false);
    if (whole.len != pieces.len || memcmp(whole.buf, pieces.buf, whole.len) != 0)
        abort();
    strbuf_fini(&whole);
    strbuf_fini(&pieces);
    return 0;
}
