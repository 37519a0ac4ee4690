/*
 * cluster_ops — init, start, stop and status of the embedded cluster (cluster.h), built on
 * the helpers in cluster.c. Every state change holds the cluster lock from the first look
 * at the data directory to the last step, so two processes see one consistent story.
 */
#include "db/cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/config.h"
#include "db/cluster_internal.h"
#include "db/db.h"
#include "db/db_internal.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Writes text to path (replacing it) and gives it to the account. */
static int
file_write(const char *path, const char *text, const struct cl_account *a, struct err *e)
{
    char *tmp = xasprintf("%s.tmp", path);
    size_t len = strlen(text);
    int rc = RC_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
        rc = err_set(e, RC_IO, "no se pudo escribir %s: %s", path, strerror(errno));
        goto out;
    }
    if (a->drop && fchown(fd, a->uid, a->gid) != 0) {
        rc = err_set(e, RC_IO, "no se pudo dar %s a la cuenta %s: %s", path, a->name,
                     strerror(errno));
        goto out;
    }
    if (rename(tmp, path) != 0)
        rc = err_set(e, RC_IO, "no se pudo reemplazar %s: %s", path, strerror(errno));
out:
    if (fd >= 0)
        close(fd);
    if (rc != RC_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}

/* Appends text to path (must exist). */
static int
file_append(const char *path, const char *text, struct err *e)
{
    size_t len = strlen(text);
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    int rc = RC_OK;

    if (fd < 0 || write(fd, text, len) != (ssize_t)len)
        rc = err_set(e, RC_IO, "no se pudo escribir %s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return rc;
}

/* pg/embudo.conf: socket directory and no TCP; rewritten before every start. */
static int
conf_write(const struct cl_paths *p, const struct cl_account *a, struct err *e)
{
    struct strbuf sb;
    char *path = xasprintf("%s/embudo.conf", p->data);
    int rc;

    strbuf_init(&sb);
    strbuf_addstr(&sb, "# Escrito por embudo en cada arranque; no lo edite.\n"
                       "listen_addresses = ''\n"
                       "port = " CLUSTER_PORT "\n"
                       "unix_socket_directories = '");
    for (const char *c = p->run; *c != '\0'; c++) {
        if (*c == '\'')
            strbuf_addch(&sb, '\'');
        strbuf_addch(&sb, *c);
    }
    strbuf_addstr(&sb, "'\n");
    rc = file_write(path, sb.buf, a, e);
    strbuf_fini(&sb);
    free(path);
    return rc;
}

/* initdb into p->data, then our pg_hba and the include of embudo.conf. */
static int
cl_initdb(const struct config *cfg, const struct cl_paths *p, const struct cl_account *a,
          struct err *e)
{
    char *initdb = cluster_bin_fmt(cfg, "initdb", e);
    char *hba = xasprintf("%s/pg_hba.conf", p->data);
    char *conf = xasprintf("%s/postgresql.conf", p->data);
    int rc = RC_IO;

    if (initdb == NULL)
        goto out;
    if (mkdir(p->data, 0700) != 0 && errno != EEXIST) {
        rc = err_set(e, RC_IO, "no se pudo crear %s: %s", p->data, strerror(errno));
        goto out;
    }
    if (a->drop && chown(p->data, a->uid, a->gid) != 0) {
        rc = err_set(e, RC_IO, "no se pudo dar %s a la cuenta %s: %s", p->data, a->name,
                     strerror(errno));
        goto out;
    }
    const char *const argv[] = { initdb, "-D", p->data, "-U", DB_LOGIN_ADMIN, "-E", "UTF8",
                           "--locale=C.UTF-8", "--auth=trust", "--no-instructions", NULL };
    rc = cl_run_checked(a, argv, "initdb", e);
    if (rc != RC_OK)
        goto out;
    /* Trust is safe: only the owner can reach the 0700 socket directory. */
    rc = file_write(hba, "# Escrito por embudo: solo socket local, directorio 0700.\n"
                         "local all all trust\n", a, e);
    if (rc == RC_OK)
        rc = file_append(conf, "\n# embudo\ninclude_if_exists = 'embudo.conf'\n", e);
out:
    free(initdb);
    free(hba);
    free(conf);
    return rc;
}

/* Last non-empty line of the server log, for a failed start. */
static void
log_tail(const char *path, char *out, size_t outsz)
{
    FILE *f = fopen(path, "re");
    char line[512];

    out[0] = '\0';
    if (f == NULL)
        return;
    if (fseek(f, -4096, SEEK_END) != 0)
        rewind(f);
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != '\0')
            snprintf(out, outsz, "%s", line);
    }
    fclose(f);
}

static int
cl_pg_ctl_start(const struct config *cfg, const struct cl_paths *p, const struct cl_account *a,
                struct err *e)
{
    char *pg_ctl = cluster_bin_fmt(cfg, "pg_ctl", e);
    char tail[512];
    int rc = RC_IO;

    if (pg_ctl == NULL)
        return RC_NOTFOUND;
    rc = cl_stale_clear(p, e);
    if (rc == RC_OK)
        rc = conf_write(p, a, e);
    if (rc != RC_OK)
        goto out;
    const char *const argv[] = { pg_ctl, "start", "-w", "-t", "120", "-s", "-D", p->data,
                           "-l", p->log, NULL };
    rc = cl_run_checked(a, argv, "pg_ctl start", e);
    if (rc != RC_OK) {
        log_tail(p->log, tail, sizeof tail);
        err_set(e, rc, "no se pudo arrancar PostgreSQL (%s); última línea de %s: %s",
                p->data, p->log, tail[0] != '\0' ? tail : "(vacío)");
    }
out:
    free(pg_ctl);
    return rc;
}

/* Quoted identifier for role names; returns a malloc'd string or NULL. */
static char *
ident_dup(struct db *db, const char *name)
{
    char *q = PQescapeIdentifier(db_pg(db), name, strlen(name));
    char *copy = q != NULL ? xstrdup(q) : NULL;

    PQfreemem(q);
    return copy;
}

/* Creates database embudo and the OS user's role when missing (idempotent). */
static int
cl_bootstrap(const struct cl_paths *p, struct err *e)
{
    char *ci = db_conninfo_socket_fmt(p->run, "postgres", DB_LOGIN_ADMIN);
    struct db *db;
    char *val = NULL, *login = db_default_login_dup(), *ident = NULL, *sql = NULL;
    const char *params[1] = { login };
    int rc;

    db = db_open_conninfo(ci, e);
    rc = db != NULL ? RC_OK : RC_DB;
    if (rc == RC_OK)
        rc = db_query_text(db, "SELECT count(*) FROM pg_database WHERE datname = '" DB_NAME "'",
                           0, NULL, &val, e);
    if (rc == RC_OK && strcmp(val, "0") == 0)
        rc = db_exec(db, "CREATE DATABASE " DB_NAME, e);
    free(val);
    val = NULL;
    if (rc == RC_OK && strcmp(login, DB_LOGIN_ADMIN) != 0)
        rc = db_query_text(db, "SELECT count(*) FROM pg_roles WHERE rolname = $1", 1, params,
                           &val, e);
    if (rc == RC_OK && val != NULL && strcmp(val, "0") == 0) {
        ident = ident_dup(db, login);
        sql = xasprintf("CREATE ROLE %s LOGIN SUPERUSER", ident != NULL ? ident : "\"\"");
        rc = db_exec(db, sql, e);
    }
    if (rc != RC_OK)
        err_wrap(e, "preparando la base de datos «%s»", DB_NAME);
    db_close(db);
    free(ci);
    free(val);
    free(login);
    free(ident);
    free(sql);
    return rc;
}

/*
 * The common path of init and start, under the lock: initdb when absent, start when not
 * running, and bootstrap when anything changed or when asked to (db init repairs).
 */
static int
cl_up(const struct config *cfg, bool force_bootstrap, bool *created, bool *started,
      long *pid, struct err *e)
{
    struct cl_paths p = { 0 };
    struct cl_account a;
    int lock = -1;
    int rc;

    *created = *started = false;
    rc = cl_paths_init(&p, cfg, e);
    if (rc == RC_OK)
        rc = cl_account_resolve(&a, cfg, e);
    if (rc == RC_OK)
        rc = cl_dirs_prepare(&p, &a, e);
    if (rc == RC_OK)
        rc = cl_lock(&p, &lock, e);
    if (rc != RC_OK)
        goto out;
    enum cluster_state st = cl_state(&p, pid);
    if (st == CLUSTER_ABSENT) {
        rc = cl_initdb(cfg, &p, &a, e);
        *created = rc == RC_OK;
    }
    if (rc == RC_OK && st != CLUSTER_RUNNING) {
        rc = cl_pg_ctl_start(cfg, &p, &a, e);
        *started = rc == RC_OK;
        if (rc == RC_OK && cl_state(&p, pid) != CLUSTER_RUNNING)
            rc = err_set(e, RC_IO, "PostgreSQL arrancó pero no se encontró su proceso (%s)",
                         p.data);
    }
    if (rc == RC_OK && (force_bootstrap || *created || *started))
        rc = cl_bootstrap(&p, e);
out:
    cl_unlock(lock);
    cl_paths_fini(&p);
    return rc;
}

int
cluster_init(const struct config *cfg, bool *created, struct err *e)
{
    bool started;
    long pid;

    return cl_up(cfg, true, created, &started, &pid, e);
}

int
cluster_start(const struct config *cfg, bool *started, long *pid_out, struct err *e)
{
    bool created, dummy;
    long pid = 0;
    int rc = cl_up(cfg, false, &created, started != NULL ? started : &dummy, &pid, e);

    if (pid_out != NULL)
        *pid_out = pid;
    return rc;
}

int
cluster_ensure_running(const struct config *cfg, struct err *e)
{
    return cluster_start(cfg, NULL, NULL, e);
}

int
cluster_stop(const struct config *cfg, bool *was_running, struct err *e)
{
    struct cl_paths p = { 0 };
    struct cl_account a;
    char *pg_ctl = NULL;
    int lock = -1;
    long pid;
    int rc;

    *was_running = false;
    rc = cl_paths_init(&p, cfg, e);
    if (rc == RC_OK)
        rc = cl_account_resolve(&a, cfg, e);
    if (rc != RC_OK || access(p.home, F_OK) != 0)
        goto out; /* no home: nothing was ever started */
    rc = cl_lock(&p, &lock, e);
    if (rc != RC_OK)
        goto out;
    enum cluster_state st = cl_state(&p, &pid);
    if (st == CLUSTER_STOPPED)
        rc = cl_stale_clear(&p, e); /* tidy after a crash; nothing to stop */
    if (st != CLUSTER_RUNNING)
        goto out;
    *was_running = true;
    pg_ctl = cluster_bin_fmt(cfg, "pg_ctl", e);
    if (pg_ctl == NULL) {
        rc = RC_NOTFOUND;
        goto out;
    }
    const char *const argv[] = { pg_ctl, "stop", "-m",   "fast", "-w", "-t",
                                 "120",  "-s",   "-D", p.data, NULL };
    rc = cl_run_checked(&a, argv, "pg_ctl stop", e);
out:
    cl_unlock(lock);
    cl_paths_fini(&p);
    free(pg_ctl);
    return rc;
}

int
cluster_status(const struct config *cfg, struct cluster_status *st, struct err *e)
{
    struct cl_paths p = { 0 };
    int rc;

    memset(st, 0, sizeof *st);
    rc = cl_paths_init(&p, cfg, e);
    if (rc == RC_OK) {
        st->state = cl_state(&p, &st->pid);
        st->data_dir = xstrdup(p.data);
        st->socket_dir = xstrdup(p.run);
        st->log_file = xstrdup(p.log);
    }
    cl_paths_fini(&p);
    return rc;
}
