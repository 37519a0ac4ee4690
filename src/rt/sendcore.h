/*
 * sendcore — the sending loop of one WhatsApp account, single-threaded and clock-driven:
 * the advisory lock, recovery of messages left in flight, claim → typing → send → ack,
 * receipts, incoming texts and opt-outs, pacing gaps, and the reconnect policy.
 *
 * It owns a transport (sim, or the one cfg.transport builds: `web`) and borrows a struct db; it
 * never sleeps and has no timers: the driver asks sendcore_deadline() when something is due and
 * calls sendcore_run(now) then. src/rt/sender.c drives it from a libuv timer on the sender's own
 * thread; tests drive it with a fake clock. Database calls block (they are short: one
 * statement each). All functions, and every event it emits, run on the owner's thread.
 */
#ifndef RT_SENDCORE_H
#define RT_SENDCORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pacing.h"
#include "core/reconnect.h"
#include "core/transport_sim.h"

struct db;
struct err;
struct sendcore;
struct transport;

enum sender_event_kind {
    SENDER_EV_STARTED,   /* lock held, recovery done; text: "n mensajes en duda" or "" */
    SENDER_EV_QR,        /* text: the QR string; at_ms: its expiry */
    SENDER_EV_OPEN,      /* connected; text: the account's JID */
    SENDER_EV_DOWN,      /* disconnected; code: close code; text: what happens next */
    SENDER_EV_SENT,      /* the server took mensaje_id */
    SENDER_EV_FAILED,    /* mensaje_id failed; text: the reason code */
    SENDER_EV_UNCERTAIN, /* mensaje_id may or may not have arrived (ack lost) */
    SENDER_EV_RECEIPT,   /* code 0 delivered, 1 read; text: the WhatsApp id */
    SENDER_EV_INCOMING,  /* a reply; code 1 when it was an opt-out; text: the rule or "" */
    SENDER_EV_REST,      /* pacing: a longer rest begins; text: its explanation */
    SENDER_EV_IDLE,      /* nothing to claim now (paused, outside hours, cap, done) */
    SENDER_EV_ERROR,     /* something failed but sending goes on; text: why */
    SENDER_EV_STOPPED,   /* the sender ended; code: enum rc (0 = asked to stop); text: why */
};

/* One progress report, copied by value (it crosses threads in src/rt/sender.c). */
struct sender_event {
    enum sender_event_kind kind;
    int cuenta;
    int code;
    int64_t campana_id, mensaje_id; /* campana_id 0: a reply, or not known */
    int64_t at_ms;
    char text[256];
};

/* Receives every event, on the owner's thread, while sendcore_* runs. */
typedef void sendcore_event_fn(void *ctx, const struct sender_event *ev);

/* What building the account's transport needs; everything borrowed for the call. */
struct sendcore_transport_req {
    struct db *db;                       /* the loop's connection (credentials, Signal rows) */
    int cuenta;                          /* the account */
    const struct transport_clock *clock; /* the loop's clock */
    const struct transport_events *ev;   /* the loop's handlers, to copy into the transport */
};

/* Builds the transport for req->cuenta (instead of the simulated network) on the owner's
 * thread, inside sendcore_start: the `web` one comes from src/cmd/wa_web.h through
 * src/rt/sender.c. The loop owns the result (transport_free in sendcore_free). NULL + e. */
typedef struct transport *sendcore_transport_fn(void *ctx, const struct sendcore_transport_req *req,
                                                struct err *e);

struct sendcore_config {
    int cuenta;                   /* the account (usuario_id) to send for */
    struct pacing_config pacing;  /* gaps, bursts, typing, per-recipient gap */
    struct sim_config sim;        /* the simulated network (linked is set from the account) */
    uint64_t seed;                /* pacing and reconnect jitter */
    int64_t ack_timeout_ms;       /* an ack not seen by then makes the message uncertain */
    int64_t idle_recheck_ms;      /* idle: look again at most this late (missed NOTIFY) */
    int64_t (*now_ms)(void *ctx); /* the clock (epoch ms) */
    void *clock_ctx;
    sendcore_event_fn *event;
    void *event_ctx;
    sendcore_transport_fn *transport; /* NULL: the simulated network (sim) */
    void *transport_ctx;
};

/* Fills the defaults: normal pacing, sim defaults, ack timeout 60 s, idle re-check 60 s. */
void sendcore_config_default(struct sendcore_config *c);

/* Creates the loop for c->cuenta on db (borrowed, must outlive it). NULL + e (RC_INVAL) when
 * the configuration is inconsistent. Nothing touches the database yet. */
struct sendcore *sendcore_new(struct db *db, const struct sendcore_config *c, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Takes the account's advisory lock (RC_BUSY "enviando desde otra sesión" when another
 * sender holds it), LISTENs, turns messages left ENVIANDO by a dead sender into uncertain
 * ones, checks the account is linked (RC_INVAL otherwise) and starts connecting.
 */
int sendcore_start(struct sendcore *sc, struct err *e) __attribute__((warn_unused_result));

/* The earliest moment sendcore_run must be called; false when only an outside event
 * (notification, wake, stop) can move it. */
bool sendcore_deadline(const struct sendcore *sc, int64_t *deadline_ms);

/* Does everything due at now: transport events, claims, sends, timeouts, reconnects. */
void sendcore_run(struct sendcore *sc, int64_t now);

/* Something may have changed (a campaign resumed, the UI paused one, a reply was queued): an
 * idle loop claims again at once; a loop waiting a campaign's pacing gap claims replies only
 * at once (the gap's deadline kept); a loop busy with a message does that after it. */
void sendcore_wake(struct sendcore *sc);

/* The database socket is readable (or readable false: only what libpq already has):
 * reads notifications; one about this account wakes the loop. */
void sendcore_db_input(struct sendcore *sc, bool readable);

/* The database connection's socket, for the driver's poll. */
int sendcore_db_fd(const struct sendcore *sc);

/* Stops: the transport disconnects, an unacknowledged message becomes uncertain, the
 * account is left DESCONECTADA, the lock released. Emits SENDER_EV_STOPPED. Idempotent. */
void sendcore_stop(struct sendcore *sc, const char *why);

/* True once stopped (asked, or by the reconnect policy, or a lost database). */
bool sendcore_stopped(const struct sendcore *sc);

/* What the loop has done so far (for tests, the bench and the status bar). */
struct sendcore_stats {
    unsigned claimed, sent, acked, failed, uncertain, receipts, incoming, optouts;
    unsigned replies; /* of claimed: replies (campana_id NULL, docs/wa-responder.md) */
    unsigned presence_failures, connects;
    enum reconnect_action last_action; /* after the last close */
    bool idle;                         /* nothing to claim right now */
};
void sendcore_stats(const struct sendcore *sc, struct sendcore_stats *out);

/* The transport (tests: transport_sim_drop, transport_sim_incoming). Borrowed. */
struct transport *sendcore_transport(struct sendcore *sc);

/* Releases everything without touching the database again (a crash, for tests, when not
 * stopped first). NULL-safe. */
void sendcore_free(struct sendcore *sc);

/* The transport id of message id ("3EB0" + 16 hex digits) and back; false when not ours. */
void sendcore_msg_id(int64_t id, char out[24]);
bool sendcore_msg_id_parse(const char *s, int64_t *id);

#endif
