/*
 * fakegraph_sink — `fakegraph sumidero`: a webhook receiver for the tests, so the fake Graph
 * server can be tested without embudo. It checks X-Hub-Signature-256 as embudo's receiver
 * must (HMAC-SHA256 of the body with the app secret, compared in constant time), records
 * each accepted body as one line, and refuses a bad signature with 403 (tests only; see
 * fakegraph.h). Loop thread.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "core/http1.h"
#include "crypto/secure.h"
#include "rt/httpd.h"
#include "tests/cloud/fakegraph.h"

/* header is "sha256=" and 64 hex digits (either case) of HMAC-SHA256(secret, body). */
static bool
signature_ok(const char *header, const char *secret, const uint8_t *body, size_t len)
{
    char want[FG_SIG_BYTES], got[FG_SIG_BYTES];

    if (header == NULL || strlen(header) != FG_SIG_BYTES - 1 || strncmp(header, "sha256=", 7) != 0)
        return false;
    for (size_t i = 0; i < FG_SIG_BYTES; i++)
        got[i] = (char)tolower((unsigned char)header[i]);
    fg_sign(want, secret, (const char *)body, len);
    return secure_equal(want, got, sizeof want);
}

void
fg_sink_handle(void *ctx, struct httpd_conn *c, const struct http1_req *r)
{
    struct fg_sink *sink = ctx;

    if (strcmp(r->method, "POST") != 0) {
        httpd_reply(c, 405, NULL, NULL, 0);
        return;
    }
    if (sink->recibidos++ < sink->falla_primeros) {
        fg_log("sumidero: 503 a propósito (%u de %u)", sink->recibidos, sink->falla_primeros);
        httpd_reply(c, 503, NULL, NULL, 0);
        return;
    }
    if (!signature_ok(http1_header(r, "X-Hub-Signature-256"), sink->secret, r->body, r->body_len)) {
        fg_log("sumidero: firma no válida de %s", httpd_peer(c));
        httpd_reply(c, 403, "text/plain; charset=utf-8", "firma no válida\n", 16);
        return;
    }
    fwrite(r->body, 1, r->body_len, sink->registro);
    fputc('\n', sink->registro);
    fflush(sink->registro);
    httpd_reply(c, 200, "application/json", "{}", 2);
}
