/*
 * client — one WhatsApp Web connection end to end, on the caller's libuv loop.
 *
 * DESIGN. The glue between the socket (wa/net/ws), the framing and Noise handshake
 * (wa/frame, wa/noise, root key from cert_root_key()), the binary node codec and the pure
 * protocol state machine (wa/session): bytes in → frames → (handshake | decrypt → decode →
 * wa_session_feed) → the session's events and nodes out → encode → encrypt → frame → ws.
 * One uv_timer follows wa_session_deadline() (QR rotation, code expiry, keepalive,
 * silence). When the session closes with 515 (restart required, right after pairing) the
 * client reconnects at once with a fresh session on the same credentials, which then sends
 * the login payload; every other close is reported through the close event and the caller
 * decides (the campaign transport asks core/reconnect).
 *
 * Credentials are borrowed and updated in place by the session; whenever they change the
 * persist event runs before any node that depends on them leaves (a failure closes the
 * connection). Secrets never reach events or logs. Loop thread only.
 *
 * Lifetime: wa_client_new → wa_client_connect → events … → wa_client_stop (safe inside an
 * event) → the loop runs dry → wa_client_free → uv_loop_close() == 0.
 */
#ifndef WA_NET_CLIENT_H
#define WA_NET_CLIENT_H

#include <stdint.h>

#include <uv.h>

#include "wa/session.h"

struct binnode;
struct err;
struct wa_client;
struct wa_creds;

/* Our close code when the server's certificate chain or the handshake fails (no code
 * comes from the server; the connection cannot be trusted). Not a WhatsApp code. */
#define WA_CLIENT_CLOSE_HANDSHAKE 2

struct wa_client_events {
    void *ctx;
    /* A QR string to show until expires_at_ms (wall clock); the next one replaces it. */
    void (*qr)(void *ctx, const char *qr, int64_t expires_at_ms);
    /* The 8-character pairing code asked with wa_client_link_code, to type on the phone
     * before expires_at_ms (wall clock); no QR follows it. NULL: not delivered. */
    void (*code)(void *ctx, const char *code, int64_t expires_at_ms);
    /* Credentials changed (pairing, pre-keys, routing): store them now. Return RC_OK or an
     * error (with e), which closes the connection. NULL: nothing is stored. */
    int (*persist)(void *ctx, const struct wa_creds *creds, struct err *e);
    /* The phone linked this device as jid; a 515 restart and the login follow on their own. */
    void (*paired)(void *ctx, const char *jid);
    /* Logged in and active as jid (lid may be ""). */
    void (*open)(void *ctx, const char *jid, const char *lid);
    /* The connection ended for good (no automatic retry except 515): code is a server
     * close code (enum transport_close_code), TRANSPORT_CLOSE_NETWORK for socket failures,
     * WA_CLIENT_CLOSE_HANDSHAKE for a refused server; reason is Spanish. */
    void (*close)(void *ctx, int code, const char *reason);
    /* Every decrypted node, after the session handled it (borrowed for the call), while
     * the session lives: the messaging layer (wa/msgsend) reads what the session leaves.
     * May call wa_client_send. NULL: not delivered. */
    void (*node)(void *ctx, const struct binnode *n, int64_t now_ms);
};

struct wa_client_config {
    const char *url;                  /* wss://web.whatsapp.com/ws/chat or ws://127.0.0.1:… */
    struct wa_session_config session; /* wa_session_config_default() unless testing */
};

/* Creates the client on loop over creds (borrowed; must outlive the client). cfg and ev are
 * copied. NULL with e (RC_INVAL bad URL, RC_NET libwebsockets failed). */
struct wa_client *wa_client_new(uv_loop_t *loop, struct wa_creds *creds,
                                const struct wa_client_config *cfg,
                                const struct wa_client_events *ev, struct err *e)
    __attribute__((warn_unused_result));

/* Starts connecting (handshake, then pairing or login). RC_OK, RC_INVAL (a malformed test
 * root key in EMBUDO_WA_ROOT_KEY) or RC_BUSY (already connected). */
int wa_client_connect(struct wa_client *c, struct err *e) __attribute__((warn_unused_result));

/* Encodes, encrypts and sends n (borrowed) on the open connection. RC_OK, RC_CLOSED (not
 * logged in yet, or closing), or the socket's error (the connection then closes). */
int wa_client_send(struct wa_client *c, const struct binnode *n, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Links the unpaired account to phone (digits with country code, wa_session_phone_valid)
 * with a pairing code instead of QRs, on the connection in progress (wa/session.h,
 * wa_session_request_code): the code event follows once the server asked for pairing
 * (at once when it already has, even inside this call). Asked while the socket is still
 * opening, it is handed to the session as soon as one exists. Good for this connection
 * only (a new connect starts with QRs again). RC_OK; RC_INVAL (bad phone); RC_CLOSED (no
 * connection in progress, or stopped); RC_REFUSED (already paired, or a code was already
 * asked on this connection).
 */
int wa_client_link_code(struct wa_client *c, const char *phone, struct err *e)
    __attribute__((warn_unused_result));

/* Ends the current connection (if any) as TRANSPORT_CLOSE_LOCAL: the close event follows
 * once the socket is gone; wa_client_connect may be called again after it. */
void wa_client_disconnect(struct wa_client *c);

/* Closes everything without further events; the loop then runs dry. Idempotent. */
void wa_client_stop(struct wa_client *c);

/* Frees c after wa_client_stop() once uv_run() returned. NULL-safe. */
void wa_client_free(struct wa_client *c);

#endif
