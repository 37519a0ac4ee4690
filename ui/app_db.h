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

/* The worker's connection holder. cfg is read-only and outlives the worker. */
struct app_db_state;

/* Creates the holder; no connection is made yet. login NULL = the default login. */
struct app_db_state *app_db_state_new(const struct config *cfg, const char *login);

/* Closes the connection and frees the holder (worker_state_fini_fn). NULL-safe. */
void app_db_state_free(void *state);

/* True when e says the session is gone (db.h maps every such failure to "08…"). */
bool app_db_conn_lost(const struct err *e);

#endif
