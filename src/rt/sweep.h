/*
 * sweep — one run of the timer sweep (docs/database.md): a heartbeat row (api.sweep_inicio),
 * api.barrer_timers in batches of SWEEP_BATCH, each its own committed transaction, until a
 * batch comes back short, then the heartbeat closed with the counts or the error
 * (api.sweep_fin). Shared by `embudo sweep`, `embudo worker` and the terminal client (which
 * sweeps every SWEEP_PERIOD_S on a runtime thread of its own, ui/app_sweep.c). Blocking; the
 * thread that owns db (the main thread of `embudo sweep`, a worker thread otherwise).
 */
#ifndef RT_SWEEP_H
#define RT_SWEEP_H

#include <stdatomic.h>
#include <stddef.h>

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
 * when *stop becomes non-zero (stop may be NULL). stop is atomic because another thread (the
 * client's loop) or a signal handler (lock-free atomics are allowed there) sets it.
 * Fills run; RC_OK or the db error. */
int sweep_run(struct db *db, const char *proceso, const atomic_int *stop, struct sweep_run *run,
              struct err *e) __attribute__((warn_unused_result));

/* «barrido: 3 devueltas al pool, 1 avisada (1 lote)»: the line every sweeper prints or logs.
 * Any thread. */
void sweep_run_text(const struct sweep_run *run, char *buf, size_t size);

#endif
