/*
 * cluster — embudo's private PostgreSQL cluster under $EMBUDO_HOME (embedded mode).
 *
 * Layout: data in $EMBUDO_HOME/pg, unix socket in $EMBUDO_HOME/run (0700, no TCP), server
 * log $EMBUDO_HOME/pg.log, lock file $EMBUDO_HOME/cluster.lock. init/start/stop take an
 * exclusive flock on the lock file, so concurrent embudo processes never double-start or
 * race an initdb. As root the server binaries run as cfg->pg_cuenta (initdb refuses root).
 * Main thread (or any single thread): these fork and exec pg_ctl/initdb and wait for them.
 * Lower layer: nothing here prints; results come back in out-parameters and e.
 */
#ifndef DB_CLUSTER_H
#define DB_CLUSTER_H

#include <stdbool.h>

struct config;
struct err;

/* The port number in the socket file name (.s.PGSQL.5432); no TCP port is opened. */
#define CLUSTER_PORT "5432"

enum cluster_state {
    CLUSTER_ABSENT,  /* no data directory yet (db init has not run) */
    CLUSTER_STOPPED, /* initialised, no server running */
    CLUSTER_RUNNING, /* the postmaster of this data directory is alive */
};

struct cluster_status {
    enum cluster_state state;
    long pid;          /* postmaster pid when running, else 0 */
    char *data_dir;    /* owned */
    char *socket_dir;  /* owned */
    char *log_file;    /* owned */
};

/* Frees the strings in st. NULL-safe. */
void cluster_status_fini(struct cluster_status *st);

/*
 * Creates the cluster when absent: directories, initdb (-U postgres, UTF8, C.UTF-8, trust),
 * pg_hba "local all all trust", then starts it and creates database "embudo" and a
 * superuser role for the OS user (the cluster's owner). *created tells whether initdb ran.
 * Leaves the server running. RC_OK, RC_IO (directories, binaries, initdb), RC_INVAL (socket
 * path too long, unknown account), RC_DB.
 */
int cluster_init(const struct config *cfg, bool *created, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Initialises when needed and starts the server unless it already runs (then *started is
 * false and the running one is reused). A stale postmaster.pid left by a crash or kill -9 is
 * recognised (the pid is not this data directory's postmaster), orphaned backends are waited
 * for, and the file is removed before starting. *pid_out (may be NULL) receives the pid.
 */
int cluster_start(const struct config *cfg, bool *started, long *pid_out, struct err *e)
    __attribute__((warn_unused_result));

/* cluster_start without the details: what db_open calls in embedded mode. */
int cluster_ensure_running(const struct config *cfg, struct err *e)
    __attribute__((warn_unused_result));

/* Stops the server with pg_ctl stop -m fast. *was_running false when nothing ran. */
int cluster_stop(const struct config *cfg, bool *was_running, struct err *e)
    __attribute__((warn_unused_result));

/* Fills st (caller finis it) without starting or changing anything. */
int cluster_status(const struct config *cfg, struct cluster_status *st, struct err *e)
    __attribute__((warn_unused_result));

/* $EMBUDO_HOME/run: where the socket lives. Caller frees. */
char *cluster_run_dir_fmt(const struct config *cfg);

/*
 * Full path of a PostgreSQL program ("psql", "pg_ctl"…): cfg->pg_bindir, else the newest
 * /usr/lib/postgresql/<v>/bin, else PATH. NULL with e (RC_NOTFOUND) when absent. Caller frees.
 */
char *cluster_bin_fmt(const struct config *cfg, const char *prog, struct err *e);

#endif
