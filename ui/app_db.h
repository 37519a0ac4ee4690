/*
 * app_db — the client's database side, run on the rt worker: the worker's own state
 * (one struct db, opened lazily, dropped when the connection is lost), the plumbing of
 * every struct app_job (connect, run query, classify the outcome), and the session job
 * (summary + status-bar health) that also probes the connection while it is down.
 *
 * Threads: app_db_state_new() on the loop thread before the worker starts; after that the
 * state belongs to the worker thread (freed by app_db_state_free there, at stop). A job's
 * query() is the worker's; its result()/release() are the loop's. Jobs carry copies only.
 */
#ifndef UI_APP_DB_H
#define UI_APP_DB_H

#include <stdbool.h>

#include "rt/worker.h"
#include "util/err.h"

struct config;
struct db;

/* The worker's connection holder. cfg is read-only and outlives the worker. */
struct app_db_state;

/*
 * Creates the holder; no connection is made yet. login NULL = the default login. attach: only
 * ever connect, never start the embedded cluster (a second connection of a client whose first
 * one does that, e.g. the sweep's).
 */
struct app_db_state *app_db_state_new(const struct config *cfg, const char *login, bool attach);

/* Closes the connection and frees the holder (worker_state_fini_fn). NULL-safe. */
void app_db_state_free(void *state);

/*
 * Worker thread (the holder's): runs fn(db, arg, e) on the holder's connection, connecting
 * first when there is none, and drops the connection when the outcome says it is gone (the
 * next call connects again). *connected says whether a connection is left. Returns fn's rc,
 * or the failure to connect (SQLSTATE class 08 in e->code).
 */
int app_db_state_call(struct app_db_state *s, int (*fn)(struct db *db, void *arg, struct err *e),
                      void *arg, bool *connected, struct err *e);

/* True when e says the session is gone (db.h maps every such failure to "08…"). */
bool app_db_conn_lost(const struct err *e);

#endif
