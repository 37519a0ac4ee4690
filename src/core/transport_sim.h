/*
 * transport_sim — a deterministic simulated WhatsApp network behind struct transport.
 *
 * For the demo and the tests; it never touches the network. Same seed and same calls
 * at the same clock times give the same events. It has no timers of its own: every
 * future event sits in a queue ordered by due time, transport_sim_next_deadline() says
 * when the earliest is due, and transport_sim_advance(now) emits what is due. Tests
 * drive it with a fake clock; the runtime arms a libuv timer from the clock's wake()
 * hook (or from next_deadline after each call) and calls advance when it fires.
 * Owner thread only, like every transport.
 *
 * What it simulates: QR refs that rotate (first valid 60 s, then 20 s each, like
 * WhatsApp) and run out (close 408); a scan the user triggers (or autoscan); linking by
 * phone number (link_code: a code drawn from the seed replaces the QRs, valid code_ms, and
 * the same scan trigger stands for typing it on the phone; unused, it closes 408); latency on
 * every round trip; numbers not on WhatsApp (a pure function of number and seed: the
 * server acks, nothing is ever delivered, as on the real network); delivery and read
 * receipts after random delays; refused sends; disconnects with any close code; replies.
 */
#ifndef CORE_TRANSPORT_SIM_H
#define CORE_TRANSPORT_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/transport.h"

struct err;

/* The close codes the sim can draw, in the order of sim_config.close_ppm. */
#define SIM_NCLOSE 10
extern const int sim_close_codes[SIM_NCLOSE];

/* The server error a refused send carries in its ack. */
#define SIM_SEND_REFUSED 479

struct sim_config {
    uint64_t seed;
    const char *self;          /* this account's JID, copied; NULL = a default */
    bool linked;               /* already paired: connect opens without a QR */
    bool autoscan;             /* EMBUDO_SIM_AUTOSCAN=1: the phone scans the first QR */
    bool restart_after_pair;   /* pairing ends with close 515, like WhatsApp */
    int64_t autoscan_after_ms; /* after the first QR appears */
    int64_t qr_first_ms;       /* validity of the first QR (60 s) */
    int64_t qr_next_ms;        /* validity of each later QR (20 s) */
    unsigned qr_refs;          /* QRs offered before giving up with 408 (6) */
    int64_t code_ms;           /* validity of a pairing code (180 s, as wa/session) */
    int64_t latency_min_ms, latency_max_ms; /* one server round trip */
    int64_t deliver_min_ms, deliver_max_ms; /* ack -> delivered */
    int64_t read_min_ms, read_max_ms;       /* delivered -> read */
    int64_t reply_min_ms, reply_max_ms;     /* read -> reply */
    uint32_t read_ppm;                      /* share of delivered messages that get read */
    uint32_t reply_ppm;                     /* share of read messages answered */
    uint32_t optout_reply_ppm;              /* share of replies that are an opt-out ("BAJA") */
    uint32_t not_on_whatsapp_ppm;           /* share of numbers without WhatsApp */
    uint32_t send_fail_ppm;                 /* share of sends the server refuses */
    uint32_t presence_fail_ppm;             /* share of presence calls that fail (RC_NET) */
    uint32_t close_ppm[SIM_NCLOSE];         /* per send: chance the link then drops with code i */
};

/* Demo defaults: latency and receipts on, every failure probability 0. */
void sim_config_default(struct sim_config *cfg);

/*
 * Creates a sim transport, closed. cfg, clock and events are copied (clock->now_ms is
 * required). Returns NULL with RC_INVAL in e when cfg is inconsistent (min > max, the
 * close probabilities adding up past one million, no QR refs). Free with
 * transport_free().
 */
struct transport *transport_sim_new(const struct sim_config *cfg,
                                    const struct transport_clock *clock,
                                    const struct transport_events *ev, struct err *e)
    __attribute__((warn_unused_result));

/* The earliest due time of a queued event; false when nothing is queued, or when t is not
 * a sim transport (this and transport_sim_advance accept any transport, so a driver needs
 * no branch per kind). */
bool transport_sim_next_deadline(const struct transport *t, int64_t *deadline_ms);

/*
 * Processes, in due order, every queued event due at or before now, including those
 * that callbacks queue meanwhile, and returns how many it processed (stale ones, of a
 * connection already closed, count but emit nothing). Each event reports its own due
 * time, and calls made from a callback see that time as "now", so the outcome does not
 * depend on how coarsely the driver advances. Callbacks must not free the transport.
 */
size_t transport_sim_advance(struct transport *t, int64_t now);

/* The user scans the QR on screen, or types the pairing code on the phone when one was
 * asked (transport_link_code). RC_OK, or RC_INVAL when no QR or code is valid now. */
int transport_sim_scan(struct transport *t, struct err *e) __attribute__((warn_unused_result));

/* The link drops with code at the next advance (tests, the demo's "cortar" key).
 * No-op unless open or connecting. */
void transport_sim_drop(struct transport *t, int code);

/* Someone writes to this account: an incoming event from `from` after latency. */
void transport_sim_incoming(struct transport *t, const char *from, const char *text);

/* Whether the sim considers number to be on WhatsApp (pure in number and seed). */
bool transport_sim_on_whatsapp(const struct sim_config *cfg, const char *number);

/* True when the sim is paired (a connect will open without a QR). */
bool transport_sim_linked(const struct transport *t);

#endif
