/*
 * sweep — one run of the timer sweep (docs/database.md): a heartbeat row (api.sweep_inicio),
 * api.barrer_timers in batches of SWEEP_BATCH, each its own committed transaction, until a
 * batch comes back short, then the heartbeat closed with the counts or the error
 * (api.sweep_fin). Shared by `embudo sweep` and `embudo worker`. Blocking; the thread that
 * owns db (the main thread of `embudo sweep`, the worker thread of `embudo worker`).
 */
#ifndef RT_SWEEP_H
#define RT_SWEEP_H

#include <signal.h>

struct db;
struct err;

#define SWEEP_BATCH    1000
#define SWEEP_PERIOD_S 60 /* seconds between runs in the long-running processes */

struct sweep_run {
    int devueltas; /* opportunities returned to the pool */
    int avisadas;  /* pre-expiry warnings */
    int lotes;     /* batches */
};

/* One heartbeat-wrapped run as `proceso` ("embudo sweep host:pid"); stops between batches
 * when *stop becomes non-zero (stop may be NULL). Fills run; RC_OK or the db error. */
int sweep_run(struct db *db, const char *proceso, const volatile sig_atomic_t *stop,
              struct sweep_run *run, struct err *e) __attribute__((warn_unused_result));

#endif
