/*
 * app_db — the client's database side, run on the rt worker: the worker's own state
 * (one struct db, opened lazily, dropped when the connection is lost) and the job that
 * reads the home summary.
 *
 * Threads: app_db_state_new() on the loop thread before the worker starts; after that the
 * state belongs to the worker thread (freed by app_db_state_free there, at stop). A job's
 * run() is the worker's; its done() is the loop's. Jobs carry copies only.
 */
#ifndef UI_APP_DB_H
#define UI_APP_DB_H

#include <stdbool.h>

#include "db/db_resumen.h"
#include "rt/worker.h"
#include "util/err.h"

struct config;

/* The worker's connection holder. cfg is read-only and outlives the worker. */
struct app_db_state;

/* Creates the holder; no connection is made yet. login NULL = the default login. */
struct app_db_state *app_db_state_new(const struct config *cfg, const char *login);

/* Closes the connection and frees the holder (worker_state_fini_fn). NULL-safe. */
void app_db_state_free(void *state);

/*
 * The home-summary job. The submitter fills job.done and ctx; run is set by
 * app_db_resumen_job_new. After run: rc, e and (on RC_OK) r hold the outcome.
 */
struct app_db_resumen_job {
    struct job job; /* first member */
    void *ctx;      /* the submitter's, for done(); never touched by run() */
    int rc;
    struct err e;
    bool connected; /* the worker still holds a live connection after run */
    struct resumen r;
};

/* A new job whose done() is done_fn; the done callback frees it with free(). */
struct app_db_resumen_job *app_db_resumen_job_new(void (*done_fn)(struct job *job), void *ctx);

#endif
