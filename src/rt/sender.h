/*
 * sender — one account's sender on a background thread with its own libuv loop (issue 5).
 *
 * sender_start() spawns a thread that opens its own database connection, runs the sending
 * loop (rt/sendcore.h: lock, recovery, claim → typing → send → ack, receipts, opt-outs,
 * reconnects) on a uv_timer driven by the loop's deadlines, polls the connection's socket
 * for NOTIFY, and reports progress as struct sender_event copies delivered on the caller's
 * loop thread. The TUI runs one for the promoter's own account; `embudo worker` runs one per
 * account with server-side sending. Every function here is for the caller's loop thread.
 */
#ifndef RT_SENDER_H
#define RT_SENDER_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "rt/sendcore.h"

struct config;
struct err;
struct sender;

enum sender_transport {
    SENDER_TRANSPORT_SIM, /* core/transport_sim: the demo and the tests */
    SENDER_TRANSPORT_WEB, /* the native client, built by sender_options.web */
};

/*
 * How a sender thread builds a transport other than sim (src/cmd/wa_web.h fills one for
 * `web`; the composition roots — `embudo worker`, the TUI — put it in sender_options.web, so
 * this layer never sees the WhatsApp client). Both calls run on the sender thread: make
 * when the loop starts, on that thread's own libuv loop, leaving in *state whatever release
 * frees; release once the transport was freed and the loop ran dry (state may be NULL).
 */
struct sender_factory {
    struct transport *(*make)(const void *ctx, uv_loop_t *loop,
                              const struct sendcore_transport_req *req, void **state,
                              struct err *e);
    void (*release)(const void *ctx, void *state);
    const void *ctx; /* shared by every sender thread: read-only */
};

/* What the configuration and the environment choose. */
struct sender_options {
    enum sender_transport transport;  /* cfg wa.transport / EMBUDO_TRANSPORT */
    const struct sender_factory *web; /* set by the caller; required for web */
    bool rapido;                      /* EMBUDO_RITMO=rapido: zero gaps (sim, loopback web) */
    bool autoscan;                    /* EMBUDO_SIM_AUTOSCAN=1 */
    uint64_t seed;                    /* pacing/jitter/sim draws (EMBUDO_SIM_SEED, default pid) */
};

/*
 * Reads cfg->transport and, from env (environ-style), EMBUDO_RITMO, EMBUDO_SIM_AUTOSCAN and
 * EMBUDO_SIM_SEED (web is left NULL). RC_INVAL (Spanish, for exit status 2) for an unknown
 * ritmo, or rapido with web to anything but loopback test servers (cfg->wa_url, and
 * cfg->cloud_url when a Cloud API token file is configured).
 */
int sender_options_load(struct sender_options *o, const struct config *cfg, char *const *env,
                        struct err *e) __attribute__((warn_unused_result));

/* RC_OK when campaigns can be sent with o->transport (web needs o->web); RC_INVAL with the
 * reason otherwise. */
int sender_transport_check(const struct sender_options *o, struct err *e)
    __attribute__((warn_unused_result));

struct sender_params {
    const struct config *cfg; /* with login: db_open(cfg, login) on the sender's thread */
    const char *login;        /* NULL = the default login */
    const char *conninfo;     /* instead of cfg/login when not NULL (tests, bench) */
    int cuenta;               /* the account; 0 = the connected promoter's own */
    struct sender_options opt;
    const struct sim_config *sim;       /* NULL = sim_config_default() (+ autoscan) */
    const struct pacing_config *pacing; /* NULL = the preset opt.rapido chooses */
};

/* Progress on the caller's loop thread; ev is valid during the call only. */
struct sender_callbacks {
    void *ctx;
    void (*event)(void *ctx, const struct sender_event *ev);
};

/*
 * Starts the sender thread; params are copied (strings too). Failures after the thread
 * started (database unreachable, "enviando desde otra sesión", account not linked) arrive
 * as SENDER_EV_STOPPED with the rc in code and the reason in text. NULL + e (RC_INVAL, RC_IO)
 * when the transport is unavailable or the thread cannot start.
 */
struct sender *sender_start(uv_loop_t *loop, const struct sender_params *params,
                            const struct sender_callbacks *cb, struct err *e)
    __attribute__((warn_unused_result));

/* Wakes an idle sender at once (the UI just paused, resumed or launched a campaign). */
void sender_wake(struct sender *s);

/*
 * Stops and joins the thread (the loop disconnects, marks an unacknowledged message
 * uncertain, releases the lock: a few database calls), delivers the events still queued,
 * then frees s from its close callback: keep running the caller's loop until it has no
 * handles before uv_loop_close(). Call exactly once per sender_start, also after a
 * SENDER_EV_STOPPED. NULL-safe.
 */
void sender_stop(struct sender *s);

/* The account this sender was started for; when params.cuenta was 0, valid once the first
 * event has been delivered. */
int sender_cuenta(const struct sender *s);

#endif
