/*
 * app_sweep — the client runs the timer sweep itself (DESIGN §5: every process sweeps every
 * minute; api.barrer_timers takes its rows with SKIP LOCKED, so any number of clients sweeping
 * at once split the work and none is done twice).
 *
 * The run is rt/sweep.c's sweep_run, the one `embudo sweep` and `embudo worker` use (heartbeat
 * row, batches, counts or error recorded), as a job on a runtime thread of its own ("barrido")
 * with its own connection: a long backlog never delays a pane's read, and the UI thread never
 * waits. The connection only ever attaches (the db worker is the one that starts the embedded
 * cluster). The first pass runs once the session has been read (the database answers), then
 * every SWEEP_PERIOD_S; a tick while a pass is still running is skipped.
 *
 * A failed pass (database away, a refusal) is logged and retried on the next tick: no message,
 * and the status bar keeps the age of the last successful sweep, whoever ran it. A successful
 * one sets that age to 0 at once; its heartbeat and the opportunities it returned to the pool
 * reach every client through NOTIFY (app_live.c). Quitting asks a running pass to stop between
 * batches. `[ui] barrido = no` (EMBUDO_BARRIDO=no) leaves sweeping to `embudo worker`. A
 * read-only profile (the auditor) never sweeps: the database grants it none of the sweep's
 * functions, so the thread is stopped once the session says who the user is.
 *
 * Loop thread, except sweep_job_run (the "barrido" thread).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <uv.h>

#include "core/config.h"
#include "rt/sweep.h"
#include "rt/worker.h"
#include "ui/app_db.h"
#include "ui/app_internal.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

struct app_sweep {
    uv_timer_t tick; /* first member: the close callback frees the struct */
    struct app *a;
    struct worker *w;
    bool started;    /* the tick runs (from the first session read on) */
    bool busy;       /* a pass is queued or running */
    atomic_int stop; /* set by the loop thread at quit, read by sweep_run between batches */
    char proceso[160];
};

struct sweep_job {
    struct job job;       /* first member */
    struct app_sweep *sw; /* the "barrido" thread reads only sw->stop (atomic) */
    char proceso[160];
    struct sweep_run run;
    struct err e;
    int rc;
};

static int
sweep_call(struct db *db, void *arg, struct err *e)
{
    struct sweep_job *j = arg;

    return sweep_run(db, j->proceso, &j->sw->stop, &j->run, e);
}

/* The "barrido" thread. */
static void
sweep_job_run(struct job *job, void *state)
{
    struct sweep_job *j = (struct sweep_job *)job;
    bool connected;

    err_clear(&j->e);
    j->rc = app_db_state_call(state, sweep_call, j, &connected, &j->e);
}

static void
sweep_job_done(struct job *job)
{
    struct sweep_job *j = (struct sweep_job *)job;
    struct app *a = j->sw->a;

    j->sw->busy = false;
    if (!job->ran || a->quit) {
        free(j);
        return;
    }
    if (j->rc != RC_OK) {
        log_warn("barrido: %s (se reintenta en %d s)", j->e.msg, SWEEP_PERIOD_S);
    } else {
        if (j->run.devueltas > 0 || j->run.avisadas > 0) {
            char linea[128];

            sweep_run_text(&j->run, linea, sizeof linea);
            log_info("%s", linea);
        }
        a->sweep_age_s = 0; /* our own heartbeat: no need to read it back */
        a->sweep_read_at = uv_now(&a->loop);
        a->dirty |= DIRTY_STATUS;
    }
    free(j);
}

static void
on_tick(uv_timer_t *t)
{
    struct app_sweep *sw = (struct app_sweep *)t;
    struct sweep_job *j;

    if (sw->busy || sw->a->quit)
        return;
    j = xcalloc(1, sizeof *j);
    j->sw = sw;
    snprintf(j->proceso, sizeof j->proceso, "%s", sw->proceso);
    j->job.run = sweep_job_run;
    j->job.done = sweep_job_done;
    sw->busy = true;
    worker_submit(sw->w, &j->job);
}

void
app_sweep_init(struct app *a, const char *login)
{
    struct app_db_state *st;
    struct app_sweep *sw;
    struct err e;

    if (!a->cfg->ui_barre) {
        log_info("barrido: desactivado (barrido = no); lo hace «embudo worker» o «embudo sweep»");
        return;
    }
    st = app_db_state_new(a->cfg, login, true);
    sw = xcalloc(1, sizeof *sw);
    err_clear(&e);
    sw->w = worker_start(&a->loop, "barrido", st, app_db_state_free, &e);
    if (sw->w == NULL) { /* the client still works; the warning in the bar will tell */
        log_warn("barrido: %s", e.msg);
        app_db_state_free(st);
        free(sw);
        return;
    }
    sw->a = a;
    atomic_init(&sw->stop, 0);
    uv_timer_init(&a->loop, &sw->tick);
    a->sweep = sw;
}

void
app_sweep_start(struct app *a)
{
    struct app_sweep *sw = a->sweep;
    char host[64] = "";

    if (sw == NULL || sw->started)
        return;
    if (vm_profile_read_only(a->profile)) {
        /* An auditor may not run api.sweep_inicio/barrer_timers (42501): a pass a minute
           would only be refused. Its thread and connection go now. */
        log_info("barrido: no lo hace un perfil de solo lectura (%s)", a->login);
        app_sweep_stop(a);
        return;
    }
    sw->started = true;
    (void)gethostname(host, sizeof host - 1);
    snprintf(sw->proceso, sizeof sw->proceso, "embudo ui %s %s:%ld", a->login, host,
             (long)getpid());
    uv_timer_start(&sw->tick, on_tick, 0, SWEEP_PERIOD_S * 1000);
}

static void
on_sweep_closed(uv_handle_t *h)
{
    free(h); /* the tick is the struct's first member */
}

void
app_sweep_stop(struct app *a)
{
    struct app_sweep *sw = a->sweep;

    if (sw == NULL)
        return;
    a->sweep = NULL;
    atomic_store(&sw->stop, 1);
    worker_stop(sw->w); /* a running pass ends after its batch; its done() runs here */
    uv_close((uv_handle_t *)&sw->tick, on_sweep_closed);
}
