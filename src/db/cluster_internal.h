/*
 * cluster_internal — helpers shared by cluster.c (paths, processes, pid files) and
 * cluster_ops.c (init, start, stop, status). Only those two files include this.
 */
#ifndef DB_CLUSTER_INTERNAL_H
#define DB_CLUSTER_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "db/cluster.h"

struct config;
struct err;
struct strbuf;

/* Absolute paths of one cluster, all owned. */
struct cl_paths {
    char *home; /* $EMBUDO_HOME without trailing slash */
    char *data; /* home/pg */
    char *run;  /* home/run: the socket directory */
    char *log;  /* home/pg.log */
    char *lock; /* home/cluster.lock */
    char *sock; /* run/.s.PGSQL.5432 */
};

/* The OS account the server programs run as; drop false = as ourselves (not root). */
struct cl_account {
    bool drop;
    uid_t uid;
    gid_t gid;
    char name[64];
    gid_t groups[64]; /* supplementary groups, resolved before fork (setgroups is safe after) */
    int ngroups;
};

/* Fills p from cfg->home; RC_INVAL when the socket path would exceed 107 bytes. */
int cl_paths_init(struct cl_paths *p, const struct config *cfg, struct err *e);
void cl_paths_fini(struct cl_paths *p);

/* As root: cfg->pg_cuenta must exist and not be root. Otherwise drop = false. */
int cl_account_resolve(struct cl_account *a, const struct config *cfg, struct err *e);

/* Creates home (0700, 0711 as root), run (0700, the account's) and the log file. */
int cl_dirs_prepare(const struct cl_paths *p, const struct cl_account *a, struct err *e);

/* Takes / releases the exclusive flock on home/cluster.lock (blocking). */
int cl_lock(const struct cl_paths *p, int *fd_out, struct err *e);
void cl_unlock(int fd);

/* The state of the data directory; *pid_out = the live postmaster's pid or 0. */
enum cluster_state cl_state(const struct cl_paths *p, long *pid_out);

/* With the lock held and no live postmaster: waits for orphans, clears foreign lock files. */
int cl_stale_clear(const struct cl_paths *p, struct err *e);

/*
 * Runs argv[0] (absolute path) as the account with stdin /dev/null, cwd "/", stdout and
 * stderr captured into out (may be NULL); *status_out = the exit status (128+signal).
 */
int cl_run(const struct cl_account *a, const char *const argv[], int *status_out,
           struct strbuf *out, struct err *e);

/* cl_run, and a non-zero exit becomes RC_IO "<what> falló (código N): <last line>". */
int cl_run_checked(const struct cl_account *a, const char *const argv[], const char *what,
                   struct err *e);

#endif
