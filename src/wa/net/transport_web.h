/*
 * transport_web — core/transport.h over the native WhatsApp Web client: wa/net/client
 * (socket, Noise, wa/session) plus wa/msgsend (devices, Signal, receipts, number checks,
 * presence), on the caller's libuv loop.
 *
 * DESIGN. The campaign code drives any transport through the vtable; this one maps each
 * call to the messenger and each client/messenger event to a transport event:
 *   connect → wa_client_connect (login with the stored credentials; an unpaired account
 *   gets QR events as in `embudo wa link`); link_code → wa_client_link_code, its CODE →
 *   code(code, expires); session OPEN → msgsend online → open(self);
 *   send_text → wa_msgsend_send_text (the caller's id is the WhatsApp message id);
 *   ACK → ack(id, error), RECEIPT → receipt (delivered / read; played counts as read),
 *   INCOMING → incoming(from, id, text), NUMBERS → numbers (with the canonical JID),
 *   IDENTITY → logged; close → msgsend offline → close(code).
 * Credentials changes (pre-keys generated, a pre-key consumed) go to store->persist before
 * any node that depends on them leaves. A uv_timer follows wa_msgsend_deadline().
 *
 * Loop thread only. Lifetime (libwebsockets and libuv close asynchronously): create →
 * connect → … → transport_free() stops it with no further events → the loop runs dry
 * (uv_run returns) → transport_web_destroy() releases the memory.
 */
#ifndef WA_NET_TRANSPORT_WEB_H
#define WA_NET_TRANSPORT_WEB_H

#include <uv.h>

#include "core/transport.h"
#include "wa/send/msgsend.h"
#include "wa/session.h"

struct err;
struct wa_creds;
struct wasig;

struct transport_web_config {
    const char *url;                  /* wss://web.whatsapp.com/ws/chat or a loopback fake */
    struct wa_session_config session; /* wa_session_config_default() */
    struct wa_msgsend_config msg;     /* wa_msgsend_config_default() */
};

/* Where credentials go when they change (sealed and stored by the caller). */
struct transport_web_store {
    int (*persist)(void *ctx, const struct wa_creds *creds, struct err *e);
    void *ctx;
};

/*
 * Creates the transport on loop over creds and sig (borrowed; both outlive it; sig NULL
 * allows only number checks and presence). cfg, store, clock and ev are copied; clock NULL
 * means the wall clock (epoch ms; the web transport needs no wake: it owns a uv_timer).
 * NULL with e (RC_INVAL bad URL, RC_NET libwebsockets failed).
 */
struct transport *transport_web_new(uv_loop_t *loop, struct wa_creds *creds, struct wasig *sig,
                                    const struct transport_web_config *cfg,
                                    const struct transport_web_store *store,
                                    const struct transport_clock *clock,
                                    const struct transport_events *ev, struct err *e)
    __attribute__((warn_unused_result));

/* Releases a transport stopped by transport_free() once its loop ran dry. NULL-safe. */
void transport_web_destroy(struct transport *t);

/* The messenger (tests and the CLI read its device cache). Borrowed. */
struct wa_msgsend *transport_web_msgsend(struct transport *t);

#endif
