/*
 * session — the protocol logic of one WhatsApp Web connection, as a pure state machine.
 *
 * DESIGN. The session never touches a socket, a clock or the database. The I/O side (the
 * client glue) creates it just before the Noise handshake, asks it for the ClientPayload
 * that goes into ClientFinish, tells it when the handshake is done, then feeds it every
 * decrypted binary node together with the current time. The session answers by queueing
 * nodes to send (the glue encodes, encrypts and frames them) and events (QR or pairing code
 * to show, paired, credentials changed, logged in, closed), and says when it next needs to
 * run (wa_session_deadline) for QR rotation, code expiry, keepalive pings and the 35 s
 * silence rule.
 *
 *   s = wa_session_new(creds, &cfg, now);
 *   wa_session_client_payload(s, &payload, e);     -> noise_init_write_finish(payload)
 *   wa_session_start(s, now);                      after noise_hs_split
 *   loop:  wa_session_feed(s, node, now, e)  for each decrypted node
 *          wa_session_tick(s, now)           when now >= wa_session_deadline(s)
 *          while (wa_session_pop_event(s, &ev)) ...   FIRST: persist creds before sending
 *          while ((n = wa_session_pop_send(s))) ...   then encode+encrypt+send, binnode_free
 *   on socket close/error/decrypt failure: wa_session_abort(s, code, reason)
 *
 * Linking by phone number (WhatsApp's "Vincular con el número de teléfono", Baileys
 * requestPairingCode): on an unpaired session, wa_session_request_code(s, phone, now) makes
 * an 8-character code and a fresh pairing ephemeral key. Once the server's pair-device has
 * arrived (at once if it already has) the session sends <link_code_companion_reg
 * stage="companion_hello"> with the ephemeral key wrapped with the code, emits CODE instead
 * of QRs, and waits WA_SESSION_CODE_MS for the person to type it on the phone. The server
 * then sends <notification type="link_code_companion_reg">: the session acks it, unwraps the
 * phone's ephemeral key with the code, sends stage="companion_finish" with the key bundle
 * and replaces the adv secret in the creds (CREDS event) with the one both sides derive;
 * the usual pair-success, checked against that secret, then links as with a QR.
 *
 * After a CLOSE event the session is dead: it queues nothing more, and the glue closes the
 * socket and asks core/reconnect what to do with the code (515 = reconnect at once with a
 * new session on the same creds, which then sends the login payload).
 *
 * The session borrows the credentials (src/wa/creds.h) and updates them in place on
 * pair-success and when it generates pre-keys; each update is announced by an event so the
 * glue seals and stores them (AD "wa_cuentas:<usuario_id>") before the matching node is
 * sent. Server input is hostile: malformed stanzas close the session with a code, never
 * crash. Secrets never appear in events, reasons or logs. One owner thread (the account's
 * sender thread); no globals.
 */
#ifndef WA_SESSION_H
#define WA_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct binnode;
struct err;
struct strbuf;
struct wa_creds;
struct wa_session;

/* A QR string: URL prefix, ref (capped), three base64 keys, platform id. */
#define WA_SESSION_TEXT_MAX 512
#define WA_SESSION_JID_MAX  128

/* Timing defaults, Baileys' (guide §5.3, §6.4). */
#define WA_SESSION_QR_FIRST_MS  INT64_C(60000)
#define WA_SESSION_QR_NEXT_MS   INT64_C(20000)
#define WA_SESSION_KEEPALIVE_MS INT64_C(30000)
#define WA_SESSION_SILENCE_MS   INT64_C(35000)
/* How long a pairing code may wait for the phone (then close 408). */
#define WA_SESSION_CODE_MS INT64_C(180000)
/* Phone numbers for wa_session_request_code: digits only, country code included. */
#define WA_SESSION_PHONE_MIN 10
#define WA_SESSION_PHONE_MAX 15
/* Pre-keys: first upload, and the floor under which the session tops up (guide §6.1). */
#define WA_SESSION_PREKEYS_INITIAL 812
#define WA_SESSION_PREKEYS_MIN     5

struct wa_session_config {
    uint32_t version[3];      /* WhatsApp Web version, e.g. {2, 3000, 1043857760} */
    const char *browser_os;   /* "Mac OS": DeviceProps.os */
    const char *browser_name; /* "Chrome": platform type and QR platform id */
    const char *country;      /* "US": localeCountryIso31661Alpha2 */
    const char *push_name;    /* NULL: not sent */
    bool sync_full_history;   /* DeviceProps.requireFullSync (Baileys' default: true) */
    int64_t qr_first_ms;      /* how long the first QR ref is shown */
    int64_t qr_next_ms;       /* how long each following ref is shown */
    int64_t keepalive_ms;     /* ping period */
    int64_t silence_ms;       /* no frame for longer than this at a ping tick → 408 */
};

/* Fills cfg with Baileys 7.0.0-rc14's defaults (version 2.3000.1043857760, Mac OS/Chrome,
 * "US", no push name, full history sync) and the timings above. The strings are static. */
void wa_session_config_default(struct wa_session_config *cfg);

enum wa_session_event_kind {
    WA_SESSION_EV_QR,     /* text = QR string; expires_at_ms = when the next one replaces it */
    WA_SESSION_EV_CODE,   /* text = the 8-character pairing code to type on the phone;
                           * expires_at_ms = when it lapses (a 408 close then) */
    WA_SESSION_EV_PAIRED, /* the phone linked us: text = jid, lid, platform; creds changed:
                           * persist them now (a 515 close follows) */
    WA_SESSION_EV_CREDS,  /* creds changed (pre-keys generated, routing info, the adv secret
                           * a pairing code derived): persist */
    WA_SESSION_EV_OPEN,   /* logged in and active: text = our jid, lid = our lid */
    WA_SESSION_EV_CLOSE,  /* the session ended: code (enum transport_close_code or a server
                           * code), text = Spanish reason; nothing follows */
};

struct wa_session_event {
    enum wa_session_event_kind kind;
    int code;                       /* CLOSE */
    int64_t expires_at_ms;          /* QR, CODE */
    char text[WA_SESSION_TEXT_MAX]; /* see the kinds above */
    char lid[WA_SESSION_JID_MAX];   /* PAIRED, OPEN ("" when unknown) */
    char platform[64];              /* PAIRED ("" when the server sent none) */
};

/*
 * Creates the session for one connection over creds (borrowed, must outlive the session;
 * updated in place) and a copy of cfg (its strings are copied). now_ms starts the silence
 * clock, so a handshake that stalls for silence_ms ends in a 408 close from
 * wa_session_tick. Never NULL; free with wa_session_free().
 */
struct wa_session *wa_session_new(struct wa_creds *creds, const struct wa_session_config *cfg,
                                  int64_t now_ms);

/* Frees the session and any queued nodes and events. NULL-safe. The creds are not freed. */
void wa_session_free(struct wa_session *s);

/*
 * Appends the encoded ClientPayload for ClientFinish to out: the login payload when creds
 * are paired (have a jid), the registration payload otherwise (guide §4). RC_OK, or
 * RC_INVAL when the stored jid cannot be parsed (user digits, device).
 */
int wa_session_client_payload(const struct wa_session *s, struct strbuf *out, struct err *e)
    __attribute__((warn_unused_result));

/* The Noise handshake finished at now_ms: nodes may flow; keepalive pings start. */
void wa_session_start(struct wa_session *s, int64_t now_ms);

/*
 * Handles one decrypted node received at now_ms (borrowed; the caller frees it). May
 * queue nodes and events. Returns RC_OK while the session lives, RC_CLOSED once it has
 * closed (a CLOSE event is queued the first time; later calls do nothing). e gets the
 * close reason.
 */
int wa_session_feed(struct wa_session *s, const struct binnode *n, int64_t now_ms, struct err *e);

/* True when phone is WA_SESSION_PHONE_MIN..MAX ASCII digits (country code included, no "+"). */
bool wa_session_phone_valid(const char *phone);

/*
 * Asks to link this unpaired device to phone (e.g. "5215512345678") with a code instead of
 * a QR. If the server's pair-device already arrived, queues the companion_hello iq and a
 * CODE event (expires_at_ms = now_ms + WA_SESSION_CODE_MS) now; otherwise both follow when
 * it arrives (acked as always). QR events stop for good. RC_OK; RC_INVAL (bad phone);
 * RC_REFUSED (creds already paired or pair-success seen, a code already asked on this
 * session, or the session closed). A code that lapses closes the session with 408; a server
 * error to companion_hello or companion_finish closes it with the server's code; a
 * malformed notification closes it with 500. A notification while no code is waiting (none
 * asked, one already answered, or another ref than the server gave us) is acked and
 * ignored: the first one fixed the adv secret. RC_CLOSED only if wrapping the key failed
 * (the session then closed with 500).
 */
int wa_session_request_code(struct wa_session *s, const char *phone, int64_t now_ms, struct err *e)
    __attribute__((warn_unused_result));

/* Runs the timers due at now_ms (QR rotation or expiry, code expiry, keepalive ping,
 * silence → 408). Same return as wa_session_feed. Calling it early is harmless. */
int wa_session_tick(struct wa_session *s, int64_t now_ms, struct err *e);

/* The earliest time wa_session_tick must run, or INT64_MAX when no timer is armed
 * (closed). */
int64_t wa_session_deadline(const struct wa_session *s);

/* Ends the session from outside (socket closed: 428; network error or timeout: 408;
 * undecodable frame: 500; local disconnect: TRANSPORT_CLOSE_LOCAL) with a Spanish reason.
 * Queues the CLOSE event unless the session already closed. */
void wa_session_abort(struct wa_session *s, int code, const char *reason);

/* True once the session has closed. */
bool wa_session_closed(const struct wa_session *s);

/* Takes the next node to send (FIFO), which the caller then owns; NULL when none. */
struct binnode *wa_session_pop_send(struct wa_session *s);

/* Copies the next event (FIFO) into *ev and returns true; false when none is queued. */
bool wa_session_pop_event(struct wa_session *s, struct wa_session_event *ev);

#endif
