/*
 * wa_web — the `web` transport of one WhatsApp account, built from the database: its sealed
 * credentials (api.wa_remitente_credenciales, opened with the key file), its Signal state on
 * db_signal (wasig), a store hook that seals and saves the credentials whenever the
 * connection changes them, and src/wa/net/transport_web on the caller's libuv loop. Presence
 * carries the push name the credentials hold (msgsend's default).
 *
 * The one place that assembles it: `embudo wa revisar|enviar` (cmd_wa_msg.c) call
 * wa_web_new directly; every campaign sender of a WEB account gets it through
 * src/cmd/wa_sender's factory, so src/rt never sees the WhatsApp client.
 *
 * The thread that owns the loop and the struct db. Lifetime: wa_web_new → events … →
 * transport_free(wa_web_transport(w)) (stops: no more events) → the loop runs dry →
 * wa_web_free(w).
 */
#ifndef CMD_WA_WEB_H
#define CMD_WA_WEB_H

#include <stdbool.h>

#include <uv.h>

struct db;
struct err;
struct seal_key;
struct transport;
struct transport_clock;
struct transport_events;
struct wa_creds;
struct wa_web;

struct wa_web_params {
    const char *url;            /* cfg wa.url */
    struct db *db;              /* borrowed; outlives the transport */
    int cuenta;                 /* the account (usuario_id): own, or envio_servidor's */
    const struct seal_key *key; /* the key file, borrowed; outlives the transport */
    bool signal;                /* open the Signal state (to send); false: checks, presence */
    bool no_check_gap;          /* one number query per run (the CLI): no throttle gap */
};

/*
 * Loads and opens the account's credentials and (p->signal) its Signal state, and creates
 * the transport on loop with clock (NULL: the wall clock) and ev (copied). NULL + e:
 * RC_NOTFOUND (not linked), RC_CRYPTO (another key), RC_REFUSED (EB363), RC_DB, RC_NET.
 */
struct wa_web *wa_web_new(uv_loop_t *loop, const struct wa_web_params *p,
                          const struct transport_clock *clock, const struct transport_events *ev,
                          struct err *e) __attribute__((warn_unused_result));

/* The transport (borrowed; stop it with transport_free before the loop runs dry). */
struct transport *wa_web_transport(const struct wa_web *w);

/* The account's credentials (borrowed: me_jid for message ids). */
const struct wa_creds *wa_web_creds(const struct wa_web *w);

/* Releases the transport, the Signal state and the credentials once the loop ran dry after
 * transport_free. NULL-safe. */
void wa_web_free(struct wa_web *w);

#endif
