/*
 * fakegraph_graph — the fake Graph API's requests: routing, the access token, the phone
 * number, sends checked as Meta checks them, and the /_fake/ controls the tests use (tests
 * only; see fakegraph.h and the usage in fakegraph.c). Loop thread.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <uv.h>

#include "core/http1.h"
#include "rt/httpd.h"
#include "tests/cloud/fakegraph.h"
#include "util/xmalloc.h"
#include "wa/pairing.h"

#define FG_DELAY_MAX_MS 10000
#define FG_TEXT_MAX     4096 /* characters of a text message's body */
#define FG_REF_MAX      512  /* characters of biz_opaque_callback_data */

static const struct {
    int code;
    const char *title;
    const char *details;
} meta_errors[] = {
    { 100, "Invalid parameter", "Invalid parameter" },
    { 130429, "Rate limit hit", "Cloud API message throughput has been reached." },
    { 131026, "Message undeliverable",
      "Message Undeliverable: the recipient is not a WhatsApp user or has not accepted the "
      "terms." },
    { 131031, "Account has been locked",
      "The WhatsApp Business Account is restricted or disabled." },
    { 131047, "Re-engagement message",
      "Message failed to send because more than 24 hours have passed since the customer last "
      "replied to this number." },
    { 131049, "This message was not delivered to maintain healthy ecosystem engagement.",
      "In order to maintain a healthy ecosystem engagement, the message failed to be "
      "delivered." },
    { 131056, "(Business Account, Consumer Account) pair rate limit hit",
      "Too many messages sent from the sender phone number to the same recipient phone "
      "number in a short period of time." },
    { 132001, "Template name does not exist in the translation",
      "template name does not exist in the translation" },
    { 132018, "There was an issue with the parameters in your template.",
      "Param text cannot have new-line/tab characters or more than 4 consecutive spaces" },
};

const char *
fg_error_title(int code)
{
    for (size_t i = 0; i < sizeof meta_errors / sizeof meta_errors[0]; i++)
        if (meta_errors[i].code == code)
            return meta_errors[i].title;
    return "Refused by the fake Graph server";
}

const char *
fg_error_details(int code)
{
    for (size_t i = 0; i < sizeof meta_errors / sizeof meta_errors[0]; i++)
        if (meta_errors[i].code == code)
            return meta_errors[i].details;
    return "Refused by the fake Graph server";
}

void
fg_wamid(struct fg *fg, const char *to, char *out, size_t cap)
{
    char raw[64];
    char b64[96];
    int n = snprintf(raw, sizeof raw, "%s.%s.%u", fg->run_id, to, ++fg->serial);

    wa_pairing_b64(b64, sizeof b64, (const uint8_t *)raw, (size_t)n);
    snprintf(out, cap, "wamid.%s", b64);
}

/* Meta's error answer: {"error":{message,type,code[,error_subcode][,error_data],fbtrace_id}}. */
static json_t *
meta_error(struct fg *fg, const char *message, const char *type, int code, int subcode,
           const char *details)
{
    json_t *e = json_pack("{s:s, s:s, s:i}", "message", message, "type", type, "code", code);
    char trace[40];

    if (subcode != 0)
        json_object_set_new(e, "error_subcode", json_integer(subcode));
    if (details != NULL)
        json_object_set_new(
            e, "error_data",
            json_pack("{s:s, s:s}", "messaging_product", "whatsapp", "details", details));
    snprintf(trace, sizeof trace, "AfG%.8s%u", fg->run_id, ++fg->serial);
    json_object_set_new(e, "fbtrace_id", json_string(trace));
    return json_pack("{s:o}", "error", e);
}

/* A 400 with Meta's code and details for a send or a /_fake/ request. */
static void
refuse(struct fg *fg, struct httpd_conn *c, int code, const char *details)
{
    char message[160];

    snprintf(message, sizeof message, "(#%d) %s", code, fg_error_title(code));
    fg_reply_json(c, 400, meta_error(fg, message, "OAuthException", code, 0, details));
}

static const char *
str_member(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static bool
all_digits(const char *s, size_t min, size_t max)
{
    size_t n = s != NULL ? strlen(s) : 0;

    return n >= min && n <= max && strspn(s, "0123456789") == n;
}

/* Characters (not bytes) of UTF-8 text. */
static size_t
utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static const struct fg_numero *
find_numero(const struct fg *fg, const char *id)
{
    for (size_t i = 0; id != NULL && i < fg->nnumeros; i++)
        if (strcmp(fg->numeros[i].id, id) == 0)
            return &fg->numeros[i];
    return NULL;
}

/* The code of --falla or --rechaza for to, 0 when it has none. */
static int
find_code(const struct fg_code *list, size_t n, const char *to)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].digits, to) == 0)
            return list[i].code;
    return 0;
}

/* ---- the 24-hour window ---------------------------------------------------------------- */

/* The client behind digits: a Mexican mobile writes as 521 + 10 digits (its wa_id in Meta's
 * webhooks) and is written to as 52 + 10 digits as well; Meta takes both for one WhatsApp user,
 * with one window. */
static const char *
window_client(const char *digits, char out[24])
{
    if (strlen(digits) == 13 && strncmp(digits, "521", 3) == 0)
        snprintf(out, 24, "52%s", digits + 3);
    else
        snprintf(out, 24, "%s", digits);
    return out;
}

static struct fg_window *
window_find(const struct fg *fg, const char *numero_id, const char *from)
{
    char who[24];

    window_client(from, who);
    for (struct fg_window *w = fg->windows; w != NULL; w = w->next)
        if (strcmp(w->numero_id, numero_id) == 0 && strcmp(w->from, who) == 0)
            return w;
    return NULL;
}

static void
window_touch(struct fg *fg, const char *numero_id, const char *from)
{
    struct fg_window *w = window_find(fg, numero_id, from);
    char who[24];

    if (w == NULL) {
        w = xcalloc(1, sizeof *w);
        snprintf(w->numero_id, sizeof w->numero_id, "%s", numero_id);
        snprintf(w->from, sizeof w->from, "%s", window_client(from, who));
        w->next = fg->windows;
        fg->windows = w;
    }
    w->at = time(NULL);
}

static bool
window_open(const struct fg *fg, const char *numero_id, const char *to)
{
    const struct fg_window *w = window_find(fg, numero_id, to);

    return w != NULL && time(NULL) - w->at < FG_WINDOW_SECS;
}

/* ---- GET /v<N>.0/<ID> and POST /v<N>.0/<ID>/messages ------------------------------------- */

/* "/v21.0/123" or "/v21.0/123/messages": the id, and which one it is. */
static bool
graph_path(const char *p, char id[32], bool *messages)
{
    size_t d, n;

    if (strncmp(p, "/v", 2) != 0)
        return false;
    p += 2;
    d = strspn(p, "0123456789");
    if (d == 0 || strncmp(p + d, ".0/", 3) != 0)
        return false;
    p += d + 3;
    n = strcspn(p, "/");
    if (n == 0 || n >= 32)
        return false;
    memcpy(id, p, n);
    id[n] = '\0';
    *messages = strcmp(p + n, "/messages") == 0;
    return *messages || p[n] == '\0';
}

static bool
bearer_ok(const struct fg *fg, const struct http1_req *r)
{
    const char *v = http1_header(r, "Authorization");

    return v != NULL && strncasecmp(v, "Bearer ", 7) == 0 && strcmp(v + 7, fg->token) == 0;
}

/* "+52 55 1234 5678" from "525512345678": the country code, then 2, 4 and 4 digits. */
static void
display_number(const char *digits, char *out, size_t cap)
{
    size_t n = strlen(digits);

    if (n <= 10)
        snprintf(out, cap, "+%s", digits);
    else
        snprintf(out, cap, "+%.*s %.2s %.4s %.4s", (int)(n - 10), digits, digits + n - 10,
                 digits + n - 8, digits + n - 4);
}

static void
graph_phone(struct httpd_conn *c, const struct fg_numero *n)
{
    char display[40];

    display_number(n->digits, display, sizeof display);
    fg_reply_json(c, 200,
                  json_pack("{s:s, s:s, s:s, s:s}", "display_phone_number", display,
                            "verified_name", "Financiera de Prueba", "quality_rating", "GREEN",
                            "id", n->id));
}

/* A template's body parameters: text ones, without new lines, tabs or 5 spaces in a row. */
static int
check_params(const json_t *params, const char **details)
{
    size_t i;
    const json_t *p;

    if (!json_is_array(params) || json_array_size(params) == 0) {
        *details = "template.components[body].parameters is required";
        return 100;
    }
    json_array_foreach(params, i, p)
    {
        const char *type = str_member(p, "type"), *text = str_member(p, "text");
        if (type == NULL || strcmp(type, "text") != 0 || text == NULL || text[0] == '\0') {
            *details = "Each body parameter needs type \"text\" and a non-empty text";
            return 100;
        }
        if (strpbrk(text, "\n\t") != NULL || strstr(text, "     ") != NULL) {
            *details = fg_error_details(132018);
            return 132018;
        }
    }
    return 0;
}

static int
check_template(const json_t *t, const char **details)
{
    const json_t *comps = json_object_get(t, "components"), *comp;
    const char *name = str_member(t, "name");
    const char *lang = str_member(json_object_get(t, "language"), "code");
    size_t i;

    *details = "The parameters template.name and template.language.code are required";
    if (name == NULL || name[0] == '\0' || lang == NULL || lang[0] == '\0')
        return 100;
    if (comps == NULL)
        return 0;
    *details = "template.components must be an array of objects with a type";
    if (!json_is_array(comps))
        return 100;
    json_array_foreach(comps, i, comp)
    {
        const char *type = str_member(comp, "type");
        int code;
        if (type == NULL)
            return 100;
        if (strcmp(type, "body") == 0 &&
            (code = check_params(json_object_get(comp, "parameters"), details)) != 0)
            return code;
    }
    return 0;
}

static int
check_text(const json_t *t, const char **details)
{
    const char *body = str_member(t, "body");

    if (body == NULL || body[0] == '\0') {
        *details = "The parameter text.body is required";
        return 100;
    }
    if (utf8_chars(body) > FG_TEXT_MAX) {
        *details = "text.body is longer than 4096 characters";
        return 100;
    }
    return 0;
}

/* Meta's checks on a send, in its order: 0, or the error code with details. */
static int
check_send(const json_t *m, const char **details)
{
    const char *product = str_member(m, "messaging_product");
    const char *type = str_member(m, "type");
    const json_t *ref = json_object_get(m, "biz_opaque_callback_data");

    *details = "The request body must be a JSON object";
    if (!json_is_object(m))
        return 100;
    *details = "The parameter messaging_product is required and must be \"whatsapp\"";
    if (product == NULL || strcmp(product, "whatsapp") != 0)
        return 100;
    *details = "The parameter to is required and must be a phone number (digits)";
    if (!all_digits(str_member(m, "to"), 8, 20))
        return 100;
    *details = "biz_opaque_callback_data must be a string of at most 512 characters";
    if (ref != NULL && (!json_is_string(ref) || utf8_chars(json_string_value(ref)) > FG_REF_MAX))
        return 100;
    *details = "The parameter type is required (\"template\" or \"text\")";
    if (type == NULL)
        return 100;
    if (strcmp(type, "template") == 0)
        return check_template(json_object_get(m, "template"), details);
    if (strcmp(type, "text") == 0)
        return check_text(json_object_get(m, "text"), details);
    *details = "Unsupported message type for this fake: use \"template\" or \"text\"";
    return 100;
}

/* One line of the registro: the body plus "_numero_id" and "_wamid". */
static void
record(struct fg *fg, const json_t *msg, const struct fg_numero *n, const char *wamid)
{
    json_t *line = json_deep_copy(msg);
    char *text;

    json_object_set_new(line, "_numero_id", json_string(n->id));
    json_object_set_new(line, "_wamid", json_string(wamid));
    text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fprintf(fg->registro, "%s\n", text);
    fflush(fg->registro);
    free(text);
    json_decref(line);
}

static void
graph_send(struct fg *fg, struct httpd_conn *c, const struct http1_req *r,
           const struct fg_numero *n)
{
    json_t *msg = json_loadb((const char *)r->body, r->body_len, 0, NULL);
    const char *details, *to, *type;
    char wamid[96];
    int code = check_send(msg, &details), fail;
    json_t *ans;

    if (code == 0 && (code = find_code(fg->rechazos, fg->nrechazos, str_member(msg, "to"))) != 0)
        details = fg_error_details(code);
    if (code != 0) {
        refuse(fg, c, code, details);
        json_decref(msg);
        return;
    }
    to = str_member(msg, "to");
    type = str_member(msg, "type");
    fg_wamid(fg, to, wamid, sizeof wamid);
    record(fg, msg, n, wamid);
    fg->enviados++;
    ans = json_pack("{s:s, s:[{s:s, s:s}], s:[{s:s}]}", "messaging_product", "whatsapp", "contacts",
                    "input", to, "wa_id", to, "messages", "id", wamid);
    if (strcmp(type, "template") == 0)
        json_object_set_new(json_array_get(json_object_get(ans, "messages"), 0), "message_status",
                            json_string("accepted"));
    fg_reply_json(c, 200, ans);
    fail = find_code(fg->fallas, fg->nfallas, to);
    if (fail == 0 && strcmp(type, "text") == 0 && !window_open(fg, n->id, to))
        fail = 131047;
    fg_hooks_send(fg, n, msg, wamid, fail);
    json_decref(msg);
}

static void
graph_route(struct fg *fg, struct httpd_conn *c, const struct http1_req *r)
{
    char id[32], message[400], method[16];
    bool messages;
    const struct fg_numero *n;
    bool get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    bool post = strcmp(r->method, "POST") == 0;
    size_t i;

    if (!graph_path(r->path, id, &messages)) {
        snprintf(message, sizeof message, "Unknown path components: %s", r->path);
        fg_reply_json(c, 404, meta_error(fg, message, "OAuthException", 2500, 0, NULL));
        return;
    }
    if (!bearer_ok(fg, r)) {
        fg_reply_json(
            c, 401, meta_error(fg, "Invalid OAuth access token.", "OAuthException", 190, 0, NULL));
        return;
    }
    n = find_numero(fg, id);
    if (n != NULL && get && !messages) {
        graph_phone(c, n);
    } else if (n != NULL && post && messages) {
        graph_send(fg, c, r, n);
    } else {
        for (i = 0; r->method[i] != '\0' && i + 1 < sizeof method; i++)
            method[i] = (char)tolower((unsigned char)r->method[i]);
        method[i] = '\0';
        snprintf(message, sizeof message,
                 "Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded "
                 "due to missing permissions, or does not support this operation. Please read "
                 "the Graph API documentation at https://developers.facebook.com/docs/graph-api",
                 method, id);
        fg_reply_json(c, 400, meta_error(fg, message, "GraphMethodException", 100, 33, NULL));
    }
}

/* ---- /_fake/ ----------------------------------------------------------------------------- */

static void
fake_incoming(struct fg *fg, struct httpd_conn *c, const struct http1_req *r)
{
    json_t *msg = json_loadb((const char *)r->body, r->body_len, 0, NULL);
    const struct fg_numero *n = find_numero(fg, str_member(msg, "numero_id"));
    const char *from = str_member(msg, "from"), *text = str_member(msg, "texto");
    const json_t *ctx = json_object_get(msg, "contexto"), *name = json_object_get(msg, "nombre");
    char wamid[96];

    if (n == NULL || !all_digits(from, 8, 20) || text == NULL || text[0] == '\0' ||
        (ctx != NULL && !json_is_string(ctx)) || (name != NULL && !json_is_string(name))) {
        refuse(fg, c, 100,
               "Expected {\"numero_id\":a --numero id,\"from\":digits,\"texto\":text"
               "[,\"contexto\":wamid][,\"nombre\":name]}");
        json_decref(msg);
        return;
    }
    fg_wamid(fg, from, wamid, sizeof wamid);
    window_touch(fg, n->id, from);
    fg_hooks_incoming(fg, n, msg, wamid);
    fg_reply_json(c, 200, json_pack("{s:s}", "id", wamid));
    json_decref(msg);
}

/* POST /_fake/ventana_cerrar {"numero_id","from"}: the client's window closes now, as if a day
 * had passed since it wrote (the database may still count less); {"cerrada":false} when it was
 * not open. */
static void
fake_close_window(struct fg *fg, struct httpd_conn *c, const struct http1_req *r)
{
    json_t *msg = json_loadb((const char *)r->body, r->body_len, 0, NULL);
    const struct fg_numero *n = find_numero(fg, str_member(msg, "numero_id"));
    const char *from = str_member(msg, "from");
    struct fg_window *w;
    bool open;

    if (n == NULL || !all_digits(from, 8, 20)) {
        refuse(fg, c, 100, "Expected {\"numero_id\":a --numero id,\"from\":digits}");
        json_decref(msg);
        return;
    }
    open = window_open(fg, n->id, from);
    if ((w = window_find(fg, n->id, from)) != NULL)
        w->at = time(NULL) - FG_WINDOW_SECS;
    fg_reply_json(c, 200, json_pack("{s:b}", "cerrada", open));
    json_decref(msg);
}

static void
fake_state(struct fg *fg, struct httpd_conn *c)
{
    fg_reply_json(c, 200,
                  json_pack("{s:I, s:I, s:I, s:I}", "enviados", (json_int_t)fg->enviados,
                            "webhooks_ok", (json_int_t)fg->hooks_ok, "webhooks_fallidos",
                            (json_int_t)fg->hooks_failed, "pendientes",
                            (json_int_t)fg_hooks_pending(fg)));
}

static void
on_delay_closed(uv_handle_t *h)
{
    free(h);
}

static void
delay_unlink(struct fg_delay *d)
{
    struct fg_delay **pp = &d->fg->delays;

    while (*pp != d)
        pp = &(*pp)->next;
    *pp = d->next;
}

static void
on_delay(uv_timer_t *t)
{
    struct fg_delay *d = (struct fg_delay *)t;

    delay_unlink(d);
    fg_reply_json(d->conn, 200, json_pack("{s:I}", "ms", (json_int_t)d->ms));
    uv_close((uv_handle_t *)&d->timer, on_delay_closed);
}

void
fg_delays_drop(struct fg *fg)
{
    while (fg->delays != NULL) {
        struct fg_delay *d = fg->delays;
        fg->delays = d->next;
        httpd_reply(d->conn, 503, NULL, NULL, 0); /* after httpd_close: dropped */
        uv_close((uv_handle_t *)&d->timer, on_delay_closed);
    }
}

/* GET /_fake/demora?ms=N: the answer comes N ms later, through a timer. */
static void
fake_delay(struct fg *fg, struct httpd_conn *c, const struct http1_req *r)
{
    char ms[8];
    struct fg_delay *d;

    if (!http1_query_param(r->query, "ms", ms, sizeof ms) || !all_digits(ms, 1, 5) ||
        atoi(ms) > FG_DELAY_MAX_MS) {
        refuse(fg, c, 100, "Expected ?ms=0..10000");
        return;
    }
    d = xcalloc(1, sizeof *d);
    d->fg = fg;
    d->conn = c;
    d->ms = (unsigned)atoi(ms);
    d->next = fg->delays;
    fg->delays = d;
    uv_timer_init(fg->loop, &d->timer);
    uv_timer_start(&d->timer, on_delay, d->ms, 0);
}

static void
fake_route(struct fg *fg, struct httpd_conn *c, const struct http1_req *r)
{
    /* httpd sends a HEAD's answer without its body. */
    bool get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    bool post = strcmp(r->method, "POST") == 0;

    if (post && strcmp(r->path, "/_fake/entrante") == 0)
        fake_incoming(fg, c, r);
    else if (post && strcmp(r->path, "/_fake/ventana_cerrar") == 0)
        fake_close_window(fg, c, r);
    else if (post && strcmp(r->path, "/_fake/firma_mala") == 0)
        fg_hooks_bad_signature(fg, c);
    else if (get && strcmp(r->path, "/_fake/estado") == 0)
        fake_state(fg, c);
    else if (get && strcmp(r->path, "/_fake/demora") == 0)
        fake_delay(fg, c, r);
    else
        fg_reply_json(c, 404, json_pack("{s:s}", "error", "ruta desconocida del servidor falso"));
}

void
fg_graph_handle(void *ctx, struct httpd_conn *c, const struct http1_req *r)
{
    struct fg *fg = ctx;

    fg_log("%s %s %s", httpd_peer(c), r->method, r->target);
    if (strncmp(r->path, "/_fake/", 7) == 0)
        fake_route(fg, c, r);
    else
        graph_route(fg, c, r);
}
