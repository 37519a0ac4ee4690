/*
 * fakegraph_hooks — the fake Graph API's webhooks: the bodies Meta posts (statuses of a
 * send, a client's message), signed with the app secret, posted in order by one worker
 * thread with libcurl (tests only; see fakegraph.h).
 *
 * Each webhook is one job. The loop thread builds its body and signature and submits it;
 * the worker thread waits FG_HOOK_GAP_MS (so a send's statuses arrive ~20 ms apart), posts
 * it, and retries a non-2xx answer or a connection error up to FG_RETRIES times,
 * FG_RETRY_MS apart; done() counts it on the loop thread. A job's run() touches only its
 * own copies (url, body, signature, result); fg and reply_to are for done().
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "rt/worker.h"
#include "tests/cloud/fakegraph.h"
#include "util/err.h"
#include "util/xmalloc.h"

#define FG_HOOK_GAP_MS 20
#define FG_RETRIES     5
#define FG_RETRY_MS    200

struct fg_hook {
    struct job job;              /* first member */
    struct fg *fg;               /* done() only (loop thread) */
    struct httpd_conn *reply_to; /* /_fake/firma_mala: answered in done() */
    char *url;
    char *body;
    char signature[FG_SIG_BYTES];
    char label[80]; /* for the log: "sent 5215511112222" */
    int attempts;   /* 1 + FG_RETRIES, or 1 for a deliberately bad signature */
    long status;    /* the last HTTP status; 0 for a connection error */
    bool ok;        /* a 2xx came back */
};

static size_t
discard(char *data, size_t size, size_t n, void *arg)
{
    (void)data;
    (void)arg;
    return size * n;
}

/* Worker thread: one POST; the HTTP status, or 0 when there was no answer. */
static long
hook_post(CURL *curl, const struct fg_hook *h)
{
    struct curl_slist *headers = NULL;
    char sig[FG_SIG_BYTES + 32];
    long status = 0;
    CURLcode res;

    snprintf(sig, sizeof sig, "X-Hub-Signature-256: %s", h->signature);
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, sig);
    headers = curl_slist_append(headers, "Expect:"); /* no 100-continue wait */
    curl_easy_reset(curl); /* options only: the connection to the receiver is kept */
    curl_easy_setopt(curl, CURLOPT_URL, h->url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, h->body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(h->body));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "facebookexternalua");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    res = curl_easy_perform(curl);
    if (res == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    else
        fg_log("webhook %s: %s", h->label, curl_easy_strerror(res));
    curl_slist_free_all(headers);
    return status;
}

static void
hook_run(struct job *job, void *state)
{
    struct fg_hook *h = (struct fg_hook *)job;

    for (int i = 1; i <= h->attempts; i++) {
        uv_sleep(i == 1 ? FG_HOOK_GAP_MS : FG_RETRY_MS);
        h->status = hook_post(state, h);
        h->ok = h->status >= 200 && h->status < 300;
        fg_log("webhook %s: intento %d/%d: HTTP %ld", h->label, i, h->attempts, h->status);
        if (h->ok)
            return;
    }
}

static void
hook_done(struct job *job)
{
    struct fg_hook *h = (struct fg_hook *)job;

    if (h->ok)
        h->fg->hooks_ok++;
    else if (job->ran)
        h->fg->hooks_failed++;
    if (h->reply_to != NULL)
        fg_reply_json(h->reply_to, 200, json_pack("{s:I}", "estado", (json_int_t)h->status));
    free(h->url);
    free(h->body);
    free(h);
}

/* Queues body (taken) for the receiver, signed with secret. */
static void
hook_queue(struct fg *fg, json_t *body, const char *secret, const char *label,
           struct httpd_conn *reply_to)
{
    struct fg_hook *h = xcalloc(1, sizeof *h);

    h->job.run = hook_run;
    h->job.done = hook_done;
    h->fg = fg;
    h->reply_to = reply_to;
    h->url = xstrdup(fg->webhook_url);
    h->body = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(body);
    fg_sign(h->signature, secret, h->body, strlen(h->body));
    snprintf(h->label, sizeof h->label, "%s", label);
    h->attempts = reply_to != NULL ? 1 : 1 + FG_RETRIES;
    worker_submit(fg->hooks, &h->job);
}

/* Meta's envelope around value.<key> = items (taken), with value.contacts when not NULL. */
static json_t *
envelope(const struct fg_numero *n, const char *key, json_t *items, json_t *contacts)
{
    json_t *value = json_pack("{s:s, s:{s:s, s:s}}", "messaging_product", "whatsapp", "metadata",
                              "display_phone_number", n->digits, "phone_number_id", n->id);

    if (contacts != NULL)
        json_object_set_new(value, "contacts", contacts);
    json_object_set_new(value, key, items);
    return json_pack("{s:s, s:[{s:s, s:[{s:o, s:s}]}]}", "object", "whatsapp_business_account",
                     "entry", "id", FG_WABA_ID, "changes", "value", value, "field", "messages");
}

static void
epoch_text(char *out, size_t cap, time_t at)
{
    snprintf(out, cap, "%lld", (long long)at);
}

/* One status object; sent and delivered carry the conversation and pricing, as Meta's. */
static json_t *
status_obj(struct fg *fg, const char *wamid, const char *status, const json_t *msg)
{
    const char *to = json_string_value(json_object_get(msg, "to"));
    const char *ref = json_string_value(json_object_get(msg, "biz_opaque_callback_data"));
    bool tmpl = strcmp(json_string_value(json_object_get(msg, "type")), "template") == 0;
    const char *category = tmpl ? "marketing" : "service";
    time_t now = time(NULL);
    char ts[24], expires[24], conv[48];
    json_t *s;

    epoch_text(ts, sizeof ts, now);
    s = json_pack("{s:s, s:s, s:s, s:s}", "id", wamid, "status", status, "timestamp", ts,
                  "recipient_id", to);
    if (strcmp(status, "sent") == 0 || strcmp(status, "delivered") == 0) {
        json_t *c;
        snprintf(conv, sizeof conv, "c%s%s", fg->run_id, to);
        c = json_pack("{s:s}", "id", conv);
        if (strcmp(status, "sent") == 0) {
            epoch_text(expires, sizeof expires, now + FG_WINDOW_SECS);
            json_object_set_new(c, "expiration_timestamp", json_string(expires));
        }
        json_object_set_new(c, "origin", json_pack("{s:s}", "type", category));
        json_object_set_new(s, "conversation", c);
        json_object_set_new(s, "pricing",
                            json_pack("{s:b, s:s, s:s}", "billable", 1, "pricing_model", "CBP",
                                      "category", category));
    }
    if (ref != NULL)
        json_object_set_new(s, "biz_opaque_callback_data", json_string(ref));
    return s;
}

static void
queue_status(struct fg *fg, const struct fg_numero *n, json_t *status, const char *label)
{
    char text[80];

    snprintf(text, sizeof text, "%s %s", label,
             json_string_value(json_object_get(status, "recipient_id")));
    hook_queue(fg, envelope(n, "statuses", json_pack("[o]", status), NULL), fg->secret, text, NULL);
}

void
fg_hooks_send(struct fg *fg, const struct fg_numero *n, json_t *msg, const char *wamid,
              int fail_code)
{
    queue_status(fg, n, status_obj(fg, wamid, "sent", msg), "sent");
    if (fail_code != 0) {
        json_t *s = status_obj(fg, wamid, "failed", msg);
        json_object_set_new(
            s, "errors",
            json_pack("[{s:i, s:s, s:s, s:{s:s}, s:s}]", "code", fail_code, "title",
                      fg_error_title(fail_code), "message", fg_error_title(fail_code), "error_data",
                      "details", fg_error_details(fail_code), "href",
                      "https://developers.facebook.com/docs/whatsapp/cloud-api/support/"
                      "error-codes/"));
        queue_status(fg, n, s, "failed");
        return;
    }
    queue_status(fg, n, status_obj(fg, wamid, "delivered", msg), "delivered");
    if (!fg->sin_lectura)
        queue_status(fg, n, status_obj(fg, wamid, "read", msg), "read");
}

void
fg_hooks_incoming(struct fg *fg, const struct fg_numero *n, json_t *msg, const char *wamid)
{
    const char *from = json_string_value(json_object_get(msg, "from"));
    const char *context = json_string_value(json_object_get(msg, "contexto"));
    const char *name = json_string_value(json_object_get(msg, "nombre"));
    char ts[24], label[80];
    json_t *m;

    epoch_text(ts, sizeof ts, time(NULL));
    m = json_pack("{s:s, s:s, s:s, s:s, s:{s:s}}", "from", from, "id", wamid, "timestamp", ts,
                  "type", "text", "text", "body", json_string_value(json_object_get(msg, "texto")));
    if (context != NULL)
        json_object_set_new(m, "context",
                            json_pack("{s:s, s:s}", "from", n->digits, "id", context));
    snprintf(label, sizeof label, "message %s", from);
    hook_queue(fg,
               envelope(n, "messages", json_pack("[o]", m),
                        json_pack("[{s:{s:s}, s:s}]", "profile", "name",
                                  name != NULL ? name : "Cliente", "wa_id", from)),
               fg->secret, label, NULL);
}

void
fg_hooks_bad_signature(struct fg *fg, struct httpd_conn *c)
{
    const struct fg_numero *n = &fg->numeros[0];
    char wamid[96], *wrong = xasprintf("%s-no", fg->secret);
    json_t *msg = json_pack("{s:s, s:s}", "to", "5215500000000", "type", "text");

    fg_wamid(fg, "5215500000000", wamid, sizeof wamid);
    hook_queue(fg,
               envelope(n, "statuses", json_pack("[o]", status_obj(fg, wamid, "read", msg)), NULL),
               wrong, "firma_mala", c);
    json_decref(msg);
    free(wrong);
}

unsigned
fg_hooks_pending(const struct fg *fg)
{
    return fg->hooks != NULL ? worker_pending(fg->hooks) : 0;
}

static void
curl_fini(void *state)
{
    curl_easy_cleanup(state);
}

int
fg_hooks_start(struct fg *fg)
{
    CURL *curl = curl_easy_init();
    struct err e;

    if (curl == NULL) {
        fg_log("no se pudo crear el cliente de libcurl");
        return 1;
    }
    fg->hooks = worker_start(fg->loop, "webhooks", curl, curl_fini, &e);
    if (fg->hooks == NULL) {
        curl_easy_cleanup(curl);
        fg_log("%s", e.msg);
        return 1;
    }
    return 0;
}

void
fg_hooks_stop(struct fg *fg)
{
    worker_stop(fg->hooks);
    fg->hooks = NULL;
}
