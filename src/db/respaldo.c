/*
 * respaldo.c — pg_dump/pg_restore runs and the restore's steps (see respaldo.h).
 */
#include "db/respaldo.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/config.h"
#include "db/cluster.h"
#include "db/db.h"
#include "db/migrate.h"
#include "util/err.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* The scratch databases of a restore (a leftover of an interrupted one is dropped first). */
#define RESTORE_DB "embudo_restaurando"
#define ROLES_DB   "embudo_restaurando_roles"

/* The pg_dump/pg_restore child while one runs, for forward_signal: main thread only. */
static volatile sig_atomic_t child_pid;

static void
forward_signal(int sig)
{
    if (child_pid > 0)
        kill((pid_t)child_pid, sig);
}

/* The first "error:" line of a tool's stderr, else its last non-empty line, into why. */
static void
stderr_reason(FILE *f, char *why, size_t whysz)
{
    char line[400];
    bool found = false;

    why[0] = '\0';
    rewind(f);
    while (!found && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        found = strstr(line, "error: ") != NULL;
        if (found || line[0] != '\0')
            snprintf(why, whysz, "%s", line);
    }
    if (why[0] == '\0')
        snprintf(why, whysz, "sin mensaje");
}

static void
spawn_actions(posix_spawn_file_actions_t *fa, const int out[2], int errfd)
{
    posix_spawn_file_actions_init(fa);
    posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(fa, out[1], 1);
    posix_spawn_file_actions_adddup2(fa, errfd, 2);
    posix_spawn_file_actions_addclose(fa, out[0]);
    posix_spawn_file_actions_addclose(fa, out[1]);
    posix_spawn_file_actions_addclose(fa, errfd);
}

/*
 * posix_spawn of argv with signals blocked until child_pid is set, so a signal arriving in
 * between is forwarded, not lost. Returns posix_spawn's result.
 */
static int
spawn_tracked(const char *const argv[], const posix_spawn_file_actions_t *fa, pid_t *pid)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    sigset_t block, prev;
    size_t argc = 0;
    char **args;
    int rc;

    while (argv[argc] != NULL)
        argc++;
    args = xcalloc(argc + 1, sizeof *args); /* posix_spawn wants them writable */
    for (size_t i = 0; i < argc; i++)
        args[i] = xstrdup(argv[i]);
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&block, sigs[i]);
    sigprocmask(SIG_BLOCK, &block, &prev);
    rc = posix_spawn(pid, args[0], fa, NULL, args, environ);
    child_pid = rc == 0 ? *pid : 0;
    sigprocmask(SIG_SETMASK, &prev, NULL);
    for (size_t i = 0; i < argc; i++)
        free(args[i]);
    free(args);
    return rc;
}

/*
 * Runs argv (argv[0] an absolute path) with stdin /dev/null and its stdout into out (NULL:
 * discarded); why gets the reason from its stderr. SIGINT, SIGTERM and SIGHUP received
 * meanwhile go to the child, so an interrupted run ends through the caller's cleanup.
 * *status = the exit status, 128 + the signal when one killed it.
 */
static int
run_prog(const char *const argv[], struct strbuf *out, int *status, char *why, size_t whysz,
         struct err *e)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa = { .sa_handler = forward_signal }, old[3];
    posix_spawn_file_actions_t fa;
    FILE *errf = tmpfile();
    int fds[2], rc, st = 0;
    pid_t pid = 0;

    if (errf == NULL || pipe2(fds, O_CLOEXEC) != 0) {
        rc = err_set(e, RC_IO, "no se pudo preparar %s: %s", argv[0], strerror(errno));
        if (errf != NULL)
            fclose(errf);
        return rc;
    }
    spawn_actions(&fa, fds, fileno(errf));
    for (size_t i = 0; i < 3; i++)
        sigaction(sigs[i], &sa, &old[i]);
    rc = spawn_tracked(argv, &fa, &pid);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc == 0) {
        strbuf_drain_fd(out, fds[0]);
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            continue;
        child_pid = 0;
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        stderr_reason(errf, why, whysz);
    }
    for (size_t i = 0; i < 3; i++)
        sigaction(sigs[i], &old[i], NULL);
    close(fds[0]);
    fclose(errf);
    if (rc != 0)
        return err_set(e, RC_IO, "no se pudo ejecutar %s: %s", argv[0], strerror(rc));
    return RC_OK;
}

/* run_prog, and a non-zero exit is RC_IO "<prog> falló (código N): <reason>". */
static int
run_checked(const char *const argv[], const char *prog, struct strbuf *out, struct err *e)
{
    char why[400];
    int status = 0;

    if (run_prog(argv, out, &status, why, sizeof why, e) != RC_OK)
        return e->rc;
    if (status == 0)
        return RC_OK;
    if (status > 128)
        return err_set(e, RC_IO, "%s interrumpido (señal %d)", prog, status - 128);
    return err_set(e, RC_IO, "%s falló (código %d): %s", prog, status, why);
}

static bool
migration_known(const char *name)
{
    for (size_t i = 0; i < migration_files_len; i++)
        if (strcmp(migration_files[i].name, name) == 0)
            return true;
    return false;
}

/*
 * Reads crm.schema_migrations's rows out of the archive (pg_restore -a -t, as SQL text):
 * counts them into info and copies the first name this binary does not know into unknown.
 * RC_INVAL with pg_restore's reason when the file is not an archive.
 */
static int
archive_read(const char *pg_restore, const char *path, struct respaldo_info *info, char *unknown,
             size_t unknownsz, struct err *e)
{
    const char *argv[] = { pg_restore,          "-f", "-", "-a", "-n", "crm", "-t",
                           "schema_migrations", path, NULL };
    struct strbuf out;
    const char *p;
    int rc;

    strbuf_init(&out);
    strbuf_addch(&out, '\n');
    rc = run_checked(argv, "pg_restore", &out, e);
    if (rc != RC_OK) {
        char why[ERR_MSG_BYTES];

        strbuf_fini(&out);
        snprintf(why, sizeof why, "%s", e->msg);
        return err_set(e, RC_INVAL, "«%s» no es un respaldo de pg_dump legible (%s)", path, why);
    }
    unknown[0] = '\0';
    p = strstr(out.buf, "\nCOPY crm.schema_migrations ");
    p = p != NULL ? strchr(p + 1, '\n') : NULL;
    while (p != NULL && strncmp(p + 1, "\\.\n", 3) != 0 && p[1] != '\0') {
        size_t len = strcspn(p + 1, "\t\n");

        snprintf(info->last, sizeof info->last, "%.*s", (int)len, p + 1);
        if (unknown[0] == '\0' && !migration_known(info->last))
            snprintf(unknown, unknownsz, "%s", info->last);
        info->migrations++;
        p = strchr(p + 1, '\n');
    }
    strbuf_fini(&out);
    return RC_OK;
}

/* fsync of a file by name; the dump must be on disk before it takes its final name. */
static int
sync_file(const char *path, long long *bytes, struct err *e)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc = RC_OK;

    if (fd < 0 || fsync(fd) != 0 || fstat(fd, &st) != 0)
        rc = err_set(e, RC_IO, "no se pudo asegurar «%s» en disco: %s", path, strerror(errno));
    else
        *bytes = (long long)st.st_size;
    if (fd >= 0)
        close(fd);
    return rc;
}

/* The finished temporary file takes the name path; link() refuses an existing path. */
static int
place_file(const char *tmp, const char *path, bool overwrite, struct err *e)
{
    if (overwrite) {
        if (rename(tmp, path) != 0)
            return err_set(e, RC_IO, "no se pudo nombrar «%s»: %s", path, strerror(errno));
        return RC_OK;
    }
    if (link(tmp, path) == 0) {
        unlink(tmp);
        return RC_OK;
    }
    if (errno == EEXIST)
        return err_set(e, RC_INVAL, "«%s» ya existe (--forzar lo reemplaza)", path);
    return err_set(e, RC_IO, "no se pudo nombrar «%s»: %s", path, strerror(errno));
}

/* pg_dump into tmp, read back, synced. */
static int
dump_to(const struct config *cfg, const char *tmp, struct respaldo_info *out, struct err *e)
{
    char *pg_dump = cluster_bin_fmt(cfg, "pg_dump", e);
    char *pg_restore = pg_dump != NULL ? cluster_bin_fmt(cfg, "pg_restore", e) : NULL;
    char *ci = db_conninfo_fmt(cfg, cfg->embedded ? DB_LOGIN_ADMIN : NULL);
    const char *argv[] = { pg_dump, "-Fc", "-w", "-f", tmp, "-d", ci, NULL };
    char unknown[64];
    int rc = pg_restore != NULL ? RC_OK : e->rc;

    if (ci[0] == '\0')
        argv[5] = NULL; /* external server from the PG* environment */
    if (rc == RC_OK)
        rc = run_checked(argv, "pg_dump", NULL, e);
    if (rc == RC_OK)
        rc = archive_read(pg_restore, tmp, out, unknown, sizeof unknown, e);
    if (rc == RC_OK && out->migrations == 0)
        rc = err_set(e, RC_INVAL,
                     "la base no tiene migraciones aplicadas: nada de embudo que "
                     "respaldar (¿falta «embudo db migrate»?)");
    if (rc == RC_OK)
        rc = sync_file(tmp, &out->bytes, e);
    free(pg_dump);
    free(pg_restore);
    free(ci);
    return rc;
}

int
respaldo_write(const struct config *cfg, const char *path, bool overwrite,
               struct respaldo_info *out, struct err *e)
{
    struct stat st;
    char *tmp;
    int fd, rc;

    memset(out, 0, sizeof *out);
    if (!overwrite && lstat(path, &st) == 0)
        return err_set(e, RC_INVAL, "«%s» ya existe (--forzar lo reemplaza)", path);
    if (cfg->embedded && cluster_ensure_running(cfg, e) != RC_OK)
        return e->rc;
    tmp = xasprintf("%s.parcial-XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = err_set(e, RC_IO, "no se pudo crear «%s»: %s", tmp, strerror(errno));
        free(tmp);
        return rc;
    }
    close(fd);
    rc = dump_to(cfg, tmp, out, e);
    if (rc == RC_OK)
        rc = place_file(tmp, path, overwrite, e);
    if (rc != RC_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}

/* ---- restore ------------------------------------------------------------------------------ */

/* A connection as the cluster's superuser to database dbname of the embedded cluster. */
static struct db *
admin_open(const char *run, const char *dbname, struct err *e)
{
    char *ci = db_conninfo_socket_fmt(run, dbname, DB_LOGIN_ADMIN);
    struct db *db = db_open_conninfo(ci, e);

    free(ci);
    return db;
}

/* A single value of a query as a number (0 when NULL). */
static int
query_ll(struct db *db, const char *sql, long long *out, struct err *e)
{
    char *v = NULL;
    int rc = db_query_text(db, sql, 0, NULL, &v, e);

    *out = rc == RC_OK && v != NULL ? strtoll(v, NULL, 10) : 0;
    free(v);
    return rc;
}

/* RC_OK when «embudo» is absent or empty, else RC_INVAL «la base embudo ya tiene datos…». */
static int
target_check(struct db *maint, const char *run, struct err *e)
{
    long long exists = 0, tables = 0, migrations = 0, has_table = 0;
    struct db *db;
    int rc = query_ll(maint, "SELECT count(*) FROM pg_database WHERE datname = '" DB_NAME "'",
                      &exists, e);

    if (rc != RC_OK || exists == 0)
        return rc;
    db = admin_open(run, DB_NAME, e);
    if (db == NULL)
        return e->rc;
    rc = query_ll(db,
                  "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                  " WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema'"
                  "   AND n.nspname !~ '^pg_'"
                  "   AND c.oid IS DISTINCT FROM to_regclass('crm.schema_migrations')",
                  &tables, e);
    if (rc == RC_OK)
        rc = query_ll(db,
                      "SELECT count(*) FROM pg_class WHERE oid = "
                      "to_regclass('crm.schema_migrations')",
                      &has_table, e);
    if (rc == RC_OK && has_table > 0)
        rc = query_ll(db, "SELECT count(*) FROM crm.schema_migrations", &migrations, e);
    db_close(db);
    if (rc == RC_OK && (tables > 0 || migrations > 0))
        rc = err_set(e, RC_INVAL,
                     "la base embudo ya tiene datos: %lld %s y %lld %s; restaure en un home "
                     "nuevo (--home DIR) o en un clúster sin datos",
                     tables, tables == 1 ? "tabla" : "tablas", migrations,
                     migrations == 1 ? "migración aplicada" : "migraciones aplicadas");
    return rc;
}

/*
 * The group roles and embudo_owner, exactly as `db migrate` makes them: the migrations run on
 * a scratch database, which is then dropped (roles outlive it: they belong to the cluster).
 */
static int
roles_ensure(struct db *maint, const char *run, struct err *e)
{
    struct migrate_report rep = { 0 };
    struct db *db;
    int rc = db_exec(maint, "DROP DATABASE IF EXISTS " ROLES_DB " WITH (FORCE)", e);

    if (rc == RC_OK)
        rc = db_exec(maint, "CREATE DATABASE " ROLES_DB, e);
    if (rc != RC_OK)
        return rc;
    db = admin_open(run, ROLES_DB, e);
    rc = db != NULL ? db_migrate(db, migration_files, migration_files_len, &rep, e) : e->rc;
    migrate_report_fini(&rep);
    db_close(db);
    if (rc != RC_OK)
        err_wrap(e, "creando los roles de embudo");
    if (db_exec(maint, "DROP DATABASE IF EXISTS " ROLES_DB " WITH (FORCE)",
                rc == RC_OK ? e : NULL) != RC_OK)
        rc = e->rc;
    return rc;
}

/*
 * On the restored database: 001's database grants (pg_dump leaves database privileges out),
 * every user's role from crm.usuarios, the migrations newer than the dump, the counts.
 */
static int
restored_finish(const char *run, struct respaldo_report *out, struct err *e)
{
    struct migrate_report rep = { 0 };
    struct db *db = admin_open(run, RESTORE_DB, e);
    int rc = db != NULL ? RC_OK : e->rc;

    if (rc == RC_OK)
        rc = db_exec(db,
                     "GRANT CONNECT, CREATE, TEMPORARY ON DATABASE " RESTORE_DB " TO embudo_owner;"
                     "GRANT CONNECT, TEMPORARY ON DATABASE " RESTORE_DB " TO embudo_usuario",
                     e);
    if (rc == RC_OK)
        rc = query_ll(db,
                      "SELECT count(crm.asegurar_rol(login, rol, estado <> 'BAJA'))"
                      "  FROM (SELECT login, rol, estado FROM crm.usuarios ORDER BY id) u",
                      &out->users, e);
    if (rc != RC_OK)
        err_wrap(e, "recreando los roles de los usuarios");
    if (rc == RC_OK) {
        rc = db_migrate(db, migration_files, migration_files_len, &rep, e);
        out->applied = rep.applied;
        migrate_report_fini(&rep);
    }
    if (rc == RC_OK)
        rc = query_ll(db, "SELECT count(*) FROM crm.oportunidades", &out->opportunities, e);
    db_close(db);
    return rc;
}

/* pg_restore into a fresh scratch database, then everything restored_finish does. */
static int
restore_into_scratch(const struct config *cfg, struct db *maint, const char *run, const char *path,
                     struct respaldo_report *out, struct err *e)
{
    char *pg_restore = cluster_bin_fmt(cfg, "pg_restore", e);
    char *ci = db_conninfo_socket_fmt(run, RESTORE_DB, DB_LOGIN_ADMIN);
    const char *argv[] = { pg_restore, "-w", "--exit-on-error", "--single-transaction", "-d", ci,
                           path,       NULL };
    int rc = pg_restore != NULL ? RC_OK : e->rc;

    if (rc == RC_OK)
        rc = db_exec(maint, "DROP DATABASE IF EXISTS " RESTORE_DB " WITH (FORCE)", e);
    if (rc == RC_OK)
        rc = db_exec(maint, "CREATE DATABASE " RESTORE_DB, e);
    if (rc == RC_OK)
        rc = run_checked(argv, "pg_restore", NULL, e);
    if (rc == RC_OK)
        rc = restored_finish(run, out, e);
    free(pg_restore);
    free(ci);
    return rc;
}

/* Checks the file before anything changes: readable, an archive of embudo, not newer. */
static int
archive_check(const struct config *cfg, const char *path, struct respaldo_info *info, struct err *e)
{
    char *pg_restore;
    char unknown[64];
    struct stat st;
    int rc;

    if (stat(path, &st) != 0 || access(path, R_OK) != 0)
        return err_set(e, RC_IO, "no se pudo leer «%s»: %s", path, strerror(errno));
    pg_restore = cluster_bin_fmt(cfg, "pg_restore", e);
    if (pg_restore == NULL)
        return e->rc;
    info->bytes = (long long)st.st_size;
    rc = archive_read(pg_restore, path, info, unknown, sizeof unknown, e);
    free(pg_restore);
    if (rc == RC_OK && info->migrations == 0)
        rc = err_set(e, RC_INVAL, "«%s» no es un respaldo de embudo: no trae crm.schema_migrations",
                     path);
    if (rc == RC_OK && unknown[0] != '\0')
        rc = err_set(e, RC_INVAL,
                     "«%s» viene de una versión más nueva de embudo (trae la migración %s, que "
                     "esta versión no conoce): restaure con esa versión o una posterior",
                     path, unknown);
    return rc;
}

int
respaldo_restore(const struct config *cfg, const char *path, struct respaldo_report *out,
                 struct err *e)
{
    char *run;
    struct db *maint;
    int rc;

    assert(cfg->embedded);
    memset(out, 0, sizeof *out);
    rc = archive_check(cfg, path, &out->archive, e);
    if (rc == RC_OK)
        rc = cluster_ensure_running(cfg, e);
    if (rc != RC_OK)
        return rc;
    run = cluster_run_dir_fmt(cfg);
    maint = admin_open(run, "postgres", e);
    rc = maint != NULL ? target_check(maint, run, e) : e->rc;
    if (rc == RC_OK)
        rc = roles_ensure(maint, run, e);
    if (rc == RC_OK) {
        rc = restore_into_scratch(cfg, maint, run, path, out, e);
        /* Checked again right before the swap: nobody may have filled «embudo» meanwhile. */
        if (rc == RC_OK)
            rc = target_check(maint, run, e);
        if (rc == RC_OK)
            rc = db_exec(maint, "DROP DATABASE IF EXISTS " DB_NAME, e);
        if (rc == RC_OK)
            rc = db_exec(maint, "ALTER DATABASE " RESTORE_DB " RENAME TO " DB_NAME, e);
        if (rc != RC_OK &&
            db_exec(maint, "DROP DATABASE IF EXISTS " RESTORE_DB " WITH (FORCE)", NULL) != RC_OK)
            log_warn("no se pudo borrar la base temporal %s", RESTORE_DB);
    }
    db_close(maint);
    free(run);
    return rc;
}
