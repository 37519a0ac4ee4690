/*
 * db_listen — one dedicated LISTEN connection driven by the caller's event loop, without
 * blocking and without libpq types: the caller polls db_listen_fd() for the events
 * db_listen_wants_write() says, and calls db_listen_step() when the socket is ready.
 *
 * Step by step (measurements §5): a non-blocking connect (PQconnectStartParams +
 * PQconnectPoll, which may change the socket: the caller re-creates its poll whenever
 * db_listen_fd() changes), then LISTEN sent in non-blocking mode, then on every readable
 * event PQconsumeInput, the pending results read, and every notification drained to the
 * callback. A lost connection turns the state to DB_LISTEN_FAILED; the caller calls
 * db_listen_restart() later (and, having missed notifications, re-reads everything).
 *
 * A struct db_listen belongs to one thread (the UI's loop thread); nothing here blocks,
 * except name resolution for TCP hosts, which PQconnectStart may do.
 */
#ifndef DB_DB_LISTEN_H
#define DB_DB_LISTEN_H

#include <stdbool.h>

struct err;
struct db_listen;

enum db_listen_state {
    DB_LISTEN_CONNECTING, /* connecting, or LISTEN sent and not yet acknowledged */
    DB_LISTEN_READY,      /* LISTEN acknowledged: notifications flow */
    DB_LISTEN_FAILED,     /* connection lost or refused; db_listen_restart() to retry */
};

/* Receives each notification's payload (valid during the call only). */
typedef void db_listen_fn(void *ctx, const char *payload);

/*
 * Starts connecting with conninfo (a db_conninfo_fmt string; TCP keepalives are added)
 * to LISTEN on channel (an identifier: letters, digits, '_'). Never NULL; check the state.
 */
struct db_listen *db_listen_new(const char *conninfo, const char *channel)
    __attribute__((warn_unused_result));

/* Closes the connection and frees l. NULL-safe. */
void db_listen_free(struct db_listen *l);

/* The socket to poll, or -1 when there is none (failed). */
int db_listen_fd(const struct db_listen *l);

/* True when the next step needs the socket writable (connecting, flushing LISTEN). */
bool db_listen_wants_write(const struct db_listen *l);

enum db_listen_state db_listen_state(const struct db_listen *l);

/*
 * Advances after the socket polled ready: connection sequence, LISTEN, then input and
 * notifications (each passed to fn). Returns the new state; on DB_LISTEN_FAILED, e says
 * why (RC_DB, Spanish) the first time it fails.
 */
enum db_listen_state db_listen_step(struct db_listen *l, db_listen_fn *fn, void *ctx,
                                    struct err *e);

/* Drops the connection (if any) and starts connecting again with the same settings. */
void db_listen_restart(struct db_listen *l);

#endif
