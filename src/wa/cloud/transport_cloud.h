/*
 * transport_cloud — the `cloud` transport (core/transport.h): one WhatsApp account sent
 * through Meta's Cloud API (docs/wa-cloud.md).
 *
 * connect asks Meta for the account's phone number (GET /{phone-number-id}) and opens with
 * it; send_text POSTs the message (the approved template the source names for it, else a
 * plain text) and acks it from Meta's answer; the statuses and messages Meta's webhooks
 * brought (stored by `embudo wa webhook`, handed over by the source) become receipts, late
 * failures (an ack with Meta's error code) and incoming texts. No presence, no number check.
 *
 * HTTP runs on libuv's thread pool (libcurl, one easy handle per request, TLS verified, the
 * proxy variables honoured), one request at a time in the order asked; the webhook events
 * are read every poll_ms on the loop. A refused token closes with
 * TRANSPORT_CLOSE_CREDENTIALS, a restricted account with TRANSPORT_CLOSE_FORBIDDEN, a
 * throttled or unreachable Meta with a code the reconnect policy backs off from; a send
 * whose answer never came is left to sendcore (uncertain).
 *
 * The thread that owns the loop, like every transport. Lifetime: transport_cloud_new → …
 * → transport_free (no more events; a request still running finishes on the pool and is
 * dropped) → the loop runs dry.
 */
#ifndef WA_CLOUD_TRANSPORT_CLOUD_H
#define WA_CLOUD_TRANSPORT_CLOUD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "wa/cloud/graph.h"

struct err;
struct transport;
struct transport_clock;
struct transport_events;

/* One queued webhook event: a status or a message object as Meta sent it. */
struct cloud_event {
    int64_t id;
    enum graph_event_kind kind;
    const char *json;
};

/*
 * The account's side in the database, as callbacks on the owner thread (src/cmd/wa_cloud.c
 * binds them to db_wa_cloud_*). Whatever a callback hands out stays the callee's and valid
 * until its next call. A failing callback fills e; the transport logs it and goes on.
 */
struct cloud_source {
    void *ctx;
    /* The approved template message msg_id goes out as; *found false: send its text. */
    int (*plantilla)(void *ctx, const char *msg_id, struct graph_template *out, bool *found,
                     struct err *e);
    /* Up to max events the webhook stored for this account, oldest first. */
    int (*eventos)(void *ctx, int max, const struct cloud_event **out, size_t *n, struct err *e);
    /* The events of the last eventos call were handled. */
    int (*hechos)(void *ctx, struct err *e);
    /* Meta named the account's number (and its quality) on connect. May be NULL. */
    int (*conectada)(void *ctx, const struct graph_phone *phone, struct err *e);
};

struct cloud_params {
    const char *base_url;  /* "https://graph.facebook.com/v21.0" (no trailing slash needed) */
    const char *numero_id; /* Meta's phone number id, digits */
    const char *token;     /* the access token (copied, wiped on free) */
    long timeout_ms;       /* one whole request; 0 = 30 s */
    int64_t poll_ms;       /* how often the webhook events are read; 0 = 1 s */
    struct cloud_source src;
};

/*
 * The transport on loop with clock (NULL: the loop's wall clock) and ev (copied). NULL + e
 * (RC_INVAL, Spanish) when an argument is missing or malformed.
 */
struct transport *transport_cloud_new(uv_loop_t *loop, const struct cloud_params *p,
                                      const struct transport_clock *clock,
                                      const struct transport_events *ev, struct err *e)
    __attribute__((warn_unused_result));

/*
 * The same GET connect does, blocking, for `embudo wa cloud probar`: the account's number,
 * verified name and quality. RC_REFUSED (Meta's error in Spanish; ge filled), RC_NET
 * (unreachable), RC_INVAL (not Meta's answer).
 */
int cloud_probar(const char *base_url, const char *numero_id, const char *token, long timeout_ms,
                 struct graph_phone *out, struct graph_error *ge, struct err *e)
    __attribute__((warn_unused_result));

#endif
