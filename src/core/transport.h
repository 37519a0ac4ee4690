/*
 * transport — the interface between the campaign code and a WhatsApp connection.
 *
 * A transport is a small vtable (connect, disconnect, link with a code, send text,
 * presence, check numbers) plus a callback struct through which it reports events (QR,
 * pairing code, open, close with a code, server ack, delivery/read receipt, incoming
 * text, number check results). Three implementations plug in: `sim` (core/transport_sim.h,
 * a deterministic simulated network), `web` (src/wa, the native client) and `cloud`
 * (src/wa/cloud, Meta's Cloud API, which has no presence and no number check). None is
 * thread-safe: every call and every callback happens on the one thread that owns the
 * transport (the account's sender thread). Callbacks may call back into the transport.
 */
#ifndef CORE_TRANSPORT_H
#define CORE_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct transport;

/*
 * Close codes. The web client reports the server's code (HTTP-like, the values Baileys
 * calls DisconnectReason); two codes below 100 are ours. Any other value may arrive
 * (e.g. 502); core/reconnect.h decides what each means.
 */
enum transport_close_code {
    TRANSPORT_CLOSE_NETWORK = 0,       /* socket error or silence: no code from the server */
    TRANSPORT_CLOSE_LOCAL = 1,         /* we called disconnect */
    TRANSPORT_CLOSE_CREDENTIALS = 2,   /* the provider refused our token (Cloud API): ask */
    TRANSPORT_CLOSE_LOGGED_OUT = 401,  /* the phone removed this device: link again */
    TRANSPORT_CLOSE_FORBIDDEN = 403,   /* the account is banned or restricted */
    TRANSPORT_CLOSE_TIMED_OUT = 408,   /* connection lost, every QR ref or the code expired */
    TRANSPORT_CLOSE_MD_MISMATCH = 411, /* multi-device mismatch */
    TRANSPORT_CLOSE_CLOSED = 428,      /* the server closed the connection */
    TRANSPORT_CLOSE_REPLACED = 440,    /* another session took over this device */
    TRANSPORT_CLOSE_BAD_SESSION = 500, /* server-side session error */
    TRANSPORT_CLOSE_UNAVAILABLE = 503, /* service unavailable */
    TRANSPORT_CLOSE_RESTART = 515,     /* restart required (normal right after pairing) */
};

enum transport_presence {
    TRANSPORT_PRESENCE_AVAILABLE, /* online; `to` is ignored */
    TRANSPORT_PRESENCE_COMPOSING, /* "escribiendo…" in the chat with `to` */
    TRANSPORT_PRESENCE_PAUSED,    /* stopped typing in the chat with `to` */
};

enum transport_receipt {
    TRANSPORT_RECEIPT_DELIVERED, /* reached the recipient's phone (two grey ticks) */
    TRANSPORT_RECEIPT_READ,      /* opened (two blue ticks) */
};

/* One answer of a number check. */
struct transport_number {
    const char *number; /* as asked (borrowed for the callback) */
    int on_whatsapp;    /* 1 yes, 0 no, -1 unknown (no answer from the server: do not cache) */
    const char *jid;    /* the canonical user JID the server returned (what to send to; for
                         * Mexican mobiles 52 vs 521), NULL when unknown or not on WhatsApp */
};

/*
 * Events, all on the owner thread. Strings are borrowed for the duration of the call.
 * Times are milliseconds since the epoch on the transport's clock. Any member may be
 * NULL (the event is then dropped).
 */
struct transport_events {
    void *ctx;
    /* A QR to show until expires_at_ms; a newer one replaces it. */
    void (*qr)(void *ctx, const char *qr, int64_t expires_at_ms);
    /* The 8-character pairing code asked with transport_link_code, to type on the phone
     * ("Vincular con el número de teléfono") before expires_at_ms; no QR follows it. When
     * it lapses unused the connection closes with TRANSPORT_CLOSE_TIMED_OUT. */
    void (*code)(void *ctx, const char *code, int64_t expires_at_ms);
    /* Logged in; self is this account's JID. */
    void (*open)(void *ctx, const char *self);
    /* The connection is gone; code is an enum transport_close_code value or a server
     * code, reason a Spanish sentence for the log. Nothing in flight is acknowledged
     * after this. */
    void (*close)(void *ctx, int code, const char *reason);
    /* The server took (error 0) or refused (error != 0, a server code) message msg_id. */
    void (*ack)(void *ctx, const char *msg_id, int error, int64_t at_ms);
    void (*receipt)(void *ctx, const char *msg_id, enum transport_receipt kind, int64_t at_ms);
    /* An ack may also come after a successful one, with error != 0: the network took the
     * message, then could not deliver it (the Cloud API's "failed" status). */
    void (*incoming)(void *ctx, const char *from, const char *msg_id, const char *text,
                     int64_t at_ms);
    /* Answers check_numbers(request_id, ...), in the order asked. */
    void (*numbers)(void *ctx, uint64_t request_id, const struct transport_number *nums, size_t n);
};

/*
 * The clock and wake-up seam. now_ms gives the current time (a fake clock in tests,
 * uv_now-based in the runtime). wake, when not NULL, is told the earliest moment the
 * transport needs to run again (see transport_sim_advance); the runtime arms a
 * uv_timer for it. Both are called on the owner thread.
 */
struct transport_clock {
    int64_t (*now_ms)(void *ctx);
    void (*wake)(void *ctx, int64_t deadline_ms);
    void *ctx;
};

struct transport_ops {
    const char *name; /* "sim", "web", "cloud" */
    int (*connect)(struct transport *t, struct err *e);
    void (*disconnect)(struct transport *t);
    /* May be NULL: the transport cannot link with a code. */
    int (*link_code)(struct transport *t, const char *phone, struct err *e);
    int (*send_text)(struct transport *t, const char *to, const char *msg_id, const char *text,
                     struct err *e);
    /* May be NULL: the network has no typing presence (transport_presence is then RC_OK). */
    int (*presence)(struct transport *t, const char *to, enum transport_presence p, struct err *e);
    /* May be NULL: the network cannot tell whether a number has WhatsApp. */
    int (*check_numbers)(struct transport *t, uint64_t request_id, const char *const *numbers,
                         size_t n, struct err *e);
    void (*free)(struct transport *t);
};

/* Embedded first in every implementation's own struct. */
struct transport {
    const struct transport_ops *ops;
    struct transport_events ev;
    struct transport_clock clock;
};

/*
 * Starts connecting. Progress arrives as qr/open/close events. Returns RC_OK, or
 * RC_INVAL when already connected or connecting.
 */
int transport_connect(struct transport *t, struct err *e) __attribute__((warn_unused_result));

/* Closes the connection; a close event with TRANSPORT_CLOSE_LOCAL follows. No-op when
 * already closed. */
void transport_disconnect(struct transport *t);

/*
 * While connecting an unpaired account, links it with a pairing code instead of QRs:
 * phone is the number of the WhatsApp account that will type the code, digits only with
 * the country code (10 to 15, e.g. "5215512345678"). A code event follows (from inside
 * this call or later), QR events stop, and the usual open (or close 515 then open) comes
 * once the code is typed. RC_OK; RC_INVAL (bad phone, or a transport without codes:
 * "este transporte no vincula con código"); RC_CLOSED (not connecting); RC_REFUSED
 * (already linked, or a code was already asked on this connection).
 */
int transport_link_code(struct transport *t, const char *phone, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Sends text to `to` (digits of an international number, e.g. "5215512345678") under
 * msg_id, which the caller chose and which later acks and receipts carry. Returns
 * RC_OK (an ack event will follow unless the connection closes first), RC_CLOSED when
 * not connected, RC_INVAL on an empty argument.
 */
int transport_send_text(struct transport *t, const char *to, const char *msg_id, const char *text,
                        struct err *e) __attribute__((warn_unused_result));

/* Sets presence. RC_OK (also when the network has none), RC_CLOSED or RC_NET; callers may
 * ignore failures (typing is cosmetic). */
int transport_presence(struct transport *t, const char *to, enum transport_presence p,
                       struct err *e) __attribute__((warn_unused_result));

/* Asks whether numbers are on WhatsApp; one numbers event answers all of them. RC_OK,
 * RC_CLOSED or RC_INVAL (n == 0, or a transport that cannot check: transport_can_check).
 * The numbers are copied. */
int transport_check_numbers(struct transport *t, uint64_t request_id, const char *const *numbers,
                            size_t n, struct err *e) __attribute__((warn_unused_result));

/* Whether transport_check_numbers can work on t (the Cloud API cannot: a number without
 * WhatsApp fails later, as an undelivered message). */
bool transport_can_check(const struct transport *t);

/* Releases the transport without emitting events. NULL-safe. */
void transport_free(struct transport *t);

/* The current time on the transport's clock. */
int64_t transport_now(const struct transport *t);

/* Spanish name of a close code ("sesión cerrada en el teléfono"...); never NULL. */
const char *transport_close_name(int code);

/* Spanish name of a presence or receipt, for logs. */
const char *transport_presence_name(enum transport_presence p);
const char *transport_receipt_name(enum transport_receipt r);

#endif
