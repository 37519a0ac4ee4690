/*
 * msgsend — the messaging half of a WhatsApp Web connection, as a pure state machine
 * beside wa/session (guide §6.5, §7–§10).
 *
 * DESIGN. wa/session does pairing, login, keepalive and closes; it acks every receipt,
 * notification and call, and leaves <message> alone. msgsend is fed the same decrypted
 * nodes and does the rest:
 *   - send text: usync devices + lid of the peer and of our own user (cached, wa/devices),
 *     pre-key bundles for devices without a Signal session, one Message padded and
 *     encrypted per device (our other devices get the deviceSentMessage wrapper),
 *     <device-identity> when any pkmsg, then the server's ack (error 463 → a privacy
 *     token is issued, never a resend);
 *   - retry receipts: re-encrypt for that one device, up to max_retries;
 *   - receipts about our messages → forward-only status events (delivered, read, played);
 *   - incoming 1:1 messages: decrypt, emit the text, answer with a delivery receipt (a
 *     retry receipt when they do not decrypt, an ack for stanzas we ignore);
 *   - notifications: devices (cache dropped), encrypt + identity (sessions dropped),
 *     privacy_token (the contact's token kept, then attached as <tctoken> to 1:1 messages);
 *   - number checks: usync contact queries, one in flight, throttled, cached;
 *   - presence: available (with a push name), composing/paused, subscribe.
 * Like the session it owns no socket and no clock: nodes to send and events queue up, and
 * wa_msgsend_deadline says when tick must run (query timeouts, throttle, expiry of the sent
 * plaintexts kept for retries). The Signal state (wa/signal/wasig) and the credentials are
 * borrowed; a pre-key consumed by an incoming pkmsg raises a CREDS event, which the glue
 * handles by storing the credentials before it sends anything queued after it.
 *
 * Between connections the object lives on: wa_msgsend_offline drops what waits on the
 * server (nothing in flight is acknowledged after a close), keeps caches and the sent
 * plaintexts; wa_msgsend_online (after the session's OPEN) announces presence. One owner
 * thread; server input is hostile (never a crash; a malformed stanza is acked or nacked
 * and dropped).
 */
#ifndef WA_MSGSEND_H
#define WA_MSGSEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wa/jid.h"
#include "wa/msgid.h"

struct binnode;
struct err;
struct wa_creds;
struct wa_msgsend;
struct wasig;

#define WA_MSGSEND_ID_MAX 64 /* message ids the caller chooses */

/* Our own failure codes in an ACK event (the server's are 400 and above). */
enum {
    WA_MSGSEND_ERR_NO_DEVICES = 1, /* the user has no devices: not on WhatsApp */
    WA_MSGSEND_ERR_KEYS = 2,       /* no device's keys could be fetched or used */
    WA_MSGSEND_ERR_CRYPTO = 3,     /* encryption or the Signal store failed */
    WA_MSGSEND_ERR_TIMEOUT = 408,  /* a query of ours went unanswered */
};

/*
 * Where per-contact state that must outlive the process goes (the glue's database; NULL
 * members: memory only). All are called synchronously on the owner thread, and only for
 * something new: a usync reply naming a LID not known for that phone user (lid_put), a
 * privacy token newer than the one kept for that contact (token_put; jid is the contact's
 * LID user JID when known, else its phone JID; t in unix seconds), a contact whose identity
 * key changed (identity: the same user JID as the IDENTITY event, its phone when known; the
 * glue records it on the contact's opportunity). A failure is the glue's to log: msgsend
 * keeps its state in memory either way. The glue feeds stored rows back before connecting:
 * wa_devices_map(wa_msgsend_devices(ms), …) and wa_msgsend_restore_token.
 */
struct wa_msgsend_store {
    void (*lid_put)(void *ctx, const char *pn_user, const char *lid_user);
    void (*token_put)(void *ctx, const char *jid, const uint8_t *token, size_t len, int64_t t);
    void (*identity)(void *ctx, const char *jid);
    void *ctx;
};

struct wa_msgsend_config {
    int64_t query_timeout_ms; /* 60 s (Baileys' defaultQueryTimeoutMs) */
    int64_t device_ttl_ms;    /* 5 min */
    int64_t keep_ms;          /* sent plaintexts kept for retries: 5 min after the send */
    uint32_t max_retries;     /* 5 (maxMsgRetryCount) */
    int64_t check_gap_ms;     /* at least this between two contact queries: 2 s */
    size_t check_batch;       /* numbers per contact query: 50 */
    int64_t number_ttl_ms;    /* number-check answers reused for: 24 h */
    const char *push_name;    /* presence name; NULL: the creds' name, else no presence */
    /* Zeroed by default: memory only. */
    struct wa_msgsend_store store;
};

void wa_msgsend_config_default(struct wa_msgsend_config *cfg);

enum wa_msgsend_event_kind {
    WA_MSGSEND_EV_ACK,      /* id, error (0 = the server took it) */
    WA_MSGSEND_EV_RECEIPT,  /* id, status (3 delivered, 4 read, 5 played), at_ms */
    WA_MSGSEND_EV_INCOMING, /* from (user jid, PN when known), id, text, at_ms */
    WA_MSGSEND_EV_NUMBERS,  /* request_id, nums[n] in the order asked */
    WA_MSGSEND_EV_IDENTITY, /* from: a contact's identity key changed (session rebuilt) */
    WA_MSGSEND_EV_CREDS,    /* the credentials changed (a pre-key was consumed): store them */
};

struct wa_msgsend_number {
    char number[WA_NUMBER_MAX]; /* as asked (bare digits) */
    int on_whatsapp;            /* 1 yes, 0 no, -1 unknown (no answer: do not cache) */
    char jid[WA_JID_MAX];       /* canonical user JID when on WhatsApp, else "" */
};

struct wa_msgsend_event {
    enum wa_msgsend_event_kind kind;
    char id[WA_MSGSEND_ID_MAX + 1];
    char from[WA_JID_MAX];
    int error;
    int status;
    int64_t at_ms;
    char *text; /* INCOMING: owned by the event */
    uint64_t request_id;
    size_t n;
    struct wa_msgsend_number *nums; /* NUMBERS: owned by the event */
};

/* Frees what a popped event owns. */
void wa_msgsend_event_fini(struct wa_msgsend_event *ev);

/* Creates the messenger over paired creds and their Signal state (both borrowed, outliving
 * it) with a copy of cfg (push_name copied). sig may be NULL: number checks and presence
 * only (sends are refused, incoming messages left to a later connection). Never NULL. */
struct wa_msgsend *wa_msgsend_new(struct wa_creds *creds, struct wasig *sig,
                                  const struct wa_msgsend_config *cfg);
void wa_msgsend_free(struct wa_msgsend *ms);

/* The session opened at now_ms: messages may flow; presence available is queued. */
void wa_msgsend_online(struct wa_msgsend *ms, int64_t now_ms);

/* The connection closed: queued nodes and pending queries are dropped without events;
 * messages not yet handed to the server are forgotten (their ack never comes). */
void wa_msgsend_offline(struct wa_msgsend *ms);

/*
 * Sends text to `to` under id, chosen by the caller (1..WA_MSGSEND_ID_MAX printable
 * characters; wa_msgid_new gives the guide's format). `to` is a user JID, sent to as is, or
 * a phone number in any E.164 spelling: it is normalised (Mexico: 52 + ten digits) and sent
 * to the canonical JID a number check returns (cached; a check of its own on a miss), so a
 * campaign that knows only phones reaches 521 mobiles; a number not on WhatsApp fails with
 * WA_MSGSEND_ERR_NO_DEVICES. One ACK event follows unless the connection closes first.
 * RC_OK, RC_CLOSED (offline), RC_INVAL (bad argument, id in use).
 */
int wa_msgsend_send_text(struct wa_msgsend *ms, const char *to, const char *id, const char *text,
                         int64_t now_ms, struct err *e) __attribute__((warn_unused_result));

enum wa_msgsend_presence {
    WA_MSGSEND_AVAILABLE,
    WA_MSGSEND_COMPOSING,
    WA_MSGSEND_PAUSED,
};

/* Presence (to is ignored for AVAILABLE); the first COMPOSING to a peer also subscribes to
 * its presence. RC_OK, RC_CLOSED, RC_INVAL (bad to). */
int wa_msgsend_presence(struct wa_msgsend *ms, const char *to, enum wa_msgsend_presence p,
                        int64_t now_ms, struct err *e) __attribute__((warn_unused_result));

/* Asks whether numbers (n ≥ 1, any E.164 spelling: wa_number_normalize) are on WhatsApp;
 * one NUMBERS event answers them in order (numbers that do not normalise answer 0 at
 * once). RC_OK, RC_CLOSED, RC_INVAL (n == 0). */
int wa_msgsend_check(struct wa_msgsend *ms, uint64_t request_id, const char *const *numbers,
                     size_t n, int64_t now_ms, struct err *e) __attribute__((warn_unused_result));

/* Handles one decrypted node (borrowed), also before wa_msgsend_online (notifications and
 * messages queued while we were away arrive right after the login). Nodes that are not
 * ours are ignored. RC_OK, or the Signal store's error (RC_IO, RC_DB…: the glue closes). */
int wa_msgsend_feed(struct wa_msgsend *ms, const struct binnode *n, int64_t now_ms, struct err *e)
    __attribute__((warn_unused_result));

/* Runs timers due at now_ms (query timeouts, throttled checks, expiry). */
void wa_msgsend_tick(struct wa_msgsend *ms, int64_t now_ms);

/* When tick must next run, INT64_MAX for never. */
int64_t wa_msgsend_deadline(const struct wa_msgsend *ms);

/* The next node to send (caller owns it), or NULL. */
struct binnode *wa_msgsend_pop_send(struct wa_msgsend *ms);

/* The next event into *ev (its owned parts move to the caller: wa_msgsend_event_fini). */
bool wa_msgsend_pop_event(struct wa_msgsend *ms, struct wa_msgsend_event *ev);

/* The device cache, for tests and the glue (LID rows). */
struct wa_devices *wa_msgsend_devices(struct wa_msgsend *ms);

/* Keeps a privacy token of contact jid (a user JID) issued at t_s, as a notification would,
 * without calling store.token_put (the glue restoring its rows). An older one than the
 * token kept, a bad JID or an empty or oversized token is ignored. */
void wa_msgsend_restore_token(struct wa_msgsend *ms, const char *jid, const uint8_t *token,
                              size_t len, int64_t t_s);

/* The token kept for contact jid and its t (borrowed until the next feed), or NULL. */
const uint8_t *wa_msgsend_token(const struct wa_msgsend *ms, const char *jid, size_t *len,
                                int64_t *t_s);

#endif
