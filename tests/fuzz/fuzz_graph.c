/* libFuzzer harness for the Cloud API's JSON (src/wa/cloud/graph.c). The low three bits of the
 * first byte pick what the rest is: a webhook status (0) or message (1), Meta's answer to a
 * send (2) or to the phone number query (3), with an HTTP status from the next three bits,
 * template values separated by NUL (4), a text to send (5), or a webhook body to sign (6, 7).
 * Whatever is accepted must respect the caps and hold NUL-terminated fields; the bodies we build
 * must read back through jansson with the values Meta accepts. Seeds in tests/fuzz/corpus/graph/.
 */
#include <assert.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "wa/cloud/graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const long statuses[8] = { 200, 201, 400, 401, 429, 500, 503, 0 };

static bool
digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);

    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static void
check_error(const struct graph_error *ge, long http)
{
    enum graph_error_kind k = graph_error_kind(ge->code, http);

    assert(ge->code >= 0 && ge->subcode >= 0);
    assert(strlen(ge->title) < sizeof ge->title && strlen(ge->details) < sizeof ge->details);
    assert(graph_error_text(ge->code) != NULL);
    assert(k == GRAPH_ERR_MESSAGE || k == GRAPH_ERR_THROTTLED || k == GRAPH_ERR_TOKEN ||
           k == GRAPH_ERR_RESTRICTED);
}

static void
run_event(enum graph_event_kind kind, const char *json, size_t len)
{
    struct graph_event ev;
    struct err e = { 0 };
    int rc = graph_event_parse(kind, json, len, &ev, &e);

    assert(rc == RC_OK || rc == RC_INVAL);
    assert(ev.kind == kind);
    if (rc != RC_OK) {
        assert(e.rc == RC_INVAL && ev.text == NULL);
        return;
    }
    assert(ev.at_ms >= 0 && ev.at_ms % 1000 == 0);
    if (kind == GRAPH_EV_STATUS) {
        assert(strlen(ev.wamid) >= 1 && strlen(ev.wamid) <= GRAPH_ID_MAX);
        assert(strlen(ev.ref) <= GRAPH_ID_MAX);
        assert(ev.recipient[0] == '\0' || digits(ev.recipient, 8, 20));
        assert(ev.status >= GRAPH_ST_SENT && ev.status <= GRAPH_ST_OTHER);
        assert(ev.text == NULL);
        check_error(&ev.error, 0);
    } else {
        assert(digits(ev.from, 8, 20));
        assert(strlen(ev.id) >= 1 && strlen(ev.id) <= GRAPH_ID_MAX);
        assert(strlen(ev.type) >= 1 && strlen(ev.type) < sizeof ev.type);
        assert(strlen(ev.context_id) <= GRAPH_ID_MAX);
        assert((strcmp(ev.type, "text") != 0 && strcmp(ev.type, "button") != 0) || ev.text != NULL);
    }
    graph_event_fini(&ev);
}

static void
run_answers(bool phone, long http, const char *body, size_t len)
{
    char wamid[GRAPH_ID_MAX + 1];
    struct graph_phone ph;
    struct graph_error ge;
    struct err e = { 0 };
    bool ok2xx = http >= 200 && http <= 299;
    int rc = phone ? graph_phone_answer(http, body, len, &ph, &ge, &e)
                   : graph_send_answer(http, body, len, wamid, &ge, &e);

    assert(rc == RC_OK || rc == RC_REFUSED || rc == RC_INVAL);
    assert(rc == RC_OK || (e.rc == rc && e.msg[0] != '\0'));
    assert(rc != RC_OK || ok2xx);
    assert(rc != RC_REFUSED || !ok2xx);
    check_error(&ge, http);
    if (phone)
        assert(rc == RC_OK ? digits(ph.number, 8, 20) : ph.number[0] == '\0');
    else
        assert(rc == RC_OK ? strlen(wamid) >= 1 && strlen(wamid) <= GRAPH_ID_MAX
                           : wamid[0] == '\0');
}

/* Each value Meta gets: 1…GRAPH_PARAM_MAX bytes, no control character, not blank, and no more
 * than four spaces in a row. */
static void
check_param(const json_t *p)
{
    const char *s = json_string_value(json_object_get(p, "text"));
    size_t n, run = 0;

    assert(s != NULL);
    n = strlen(s);
    assert(n >= 1 && n <= GRAPH_PARAM_MAX && strspn(s, " ") < n);
    for (size_t i = 0; i < n; i++) {
        assert((unsigned char)s[i] >= ' ' && s[i] != 0x7F);
        run = s[i] == ' ' ? run + 1 : 0;
        assert(run <= 4);
    }
}

static void
run_template(const char *buf, size_t len)
{
    const char *params[GRAPH_PARAMS_MAX + 1];
    struct graph_template t = { "aviso_convenio", "es_MX", params, 0 };
    struct err e = { 0 };
    json_t *root, *ps;
    char *body;

    /* buf is NUL-terminated at len: the values are its NUL-separated pieces. */
    for (size_t i = 0; i <= len && t.nparams <= GRAPH_PARAMS_MAX; i += strlen(buf + i) + 1)
        params[t.nparams++] = buf + i;
    body = graph_template_body("5215512345678", &t, "3EB0A1", &e);
    if (body == NULL) {
        assert(e.rc == RC_INVAL);
        return;
    }
    root = json_loads(body, 0, NULL);
    assert(root != NULL);
    ps = json_object_get(
        json_array_get(json_object_get(json_object_get(root, "template"), "components"), 0),
        "parameters");
    assert(json_array_size(ps) == t.nparams);
    for (size_t i = 0; i < t.nparams; i++)
        check_param(json_array_get(ps, i));
    json_decref(root);
    free(body);
}

static void
run_text(const char *buf)
{
    struct err e = { 0 };
    char *body = graph_text_body("5215512345678", buf, "3EB0A1", &e);
    json_t *root;

    if (body == NULL) {
        assert(e.rc == RC_INVAL);
        return;
    }
    root = json_loads(body, 0, NULL);
    assert(root != NULL);
    assert(strcmp(json_string_value(json_object_get(json_object_get(root, "text"), "body")), buf) ==
           0);
    json_decref(root);
    free(body);
}

static void
run_signature(const uint8_t *body, size_t len)
{
    static const uint8_t secret[] = "secreto-de-la-app";
    char sig[7 + 64 + 1], forged[7 + 64 + 1];

    graph_signature(sig, secret, sizeof secret - 1, body, len);
    assert(graph_signature_ok(sig, secret, sizeof secret - 1, body, len));
    assert(!graph_signature_ok(sig, secret, sizeof secret - 2, body, len));
    /* The body itself as a header, when it has the shape of one, matches only by equality. */
    if (len == sizeof forged - 1) {
        memcpy(forged, body, len);
        forged[len] = '\0';
        if (strlen(forged) == len && strcmp(forged, sig) != 0)
            assert(!graph_signature_ok(forged, secret, sizeof secret - 1, body, len));
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *rest = (const char *)data + 1;
    long http;
    char *buf;

    if (size < 1)
        return 0;
    http = statuses[(data[0] >> 3) & 7];
    switch (data[0] & 7) {
    case 0:
        run_event(GRAPH_EV_STATUS, rest, size - 1);
        break;
    case 1:
        run_event(GRAPH_EV_MESSAGE, rest, size - 1);
        break;
    case 2:
    case 3:
        run_answers((data[0] & 7) == 3, http, rest, size - 1);
        break;
    case 4:
    case 5:
        buf = malloc(size);
        assert(buf != NULL);
        memcpy(buf, rest, size - 1);
        buf[size - 1] = '\0';
        if ((data[0] & 7) == 4)
            run_template(buf, size - 1);
        else
            run_text(buf);
        free(buf);
        break;
    default:
        run_signature(data + 1, size - 1);
        break;
    }
    return 0;
}
