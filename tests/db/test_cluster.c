/*
 * test_cluster — the embedded cluster in its own temporary home (not run.sh's cluster):
 * init, reuse, concurrent starts from several processes, recovery after kill -9 of the
 * postmaster and from a pid file naming a foreign live process, stop, and the exit codes of
 * `embudo db status`. The tests run in order and share one home (a lifecycle).
 * Needs EMBUDO_BIN (the embudo binary under test), which run.sh exports.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "db/cluster.h"
#include "db/db.h"
#include "dbt.h"
#include "util/err.h"
#include "util/xmalloc.h"

struct fx {
    char home[64];
    struct config cfg;
};

/* Runs `embudo --home H ARGS…` without PG* variables; returns its exit status, with stdout
 * and stderr in out. */
static int
run_embudo(const struct fx *f, char *out, size_t outsz, const char *a1, const char *a2,
           const char *a3, const char *a4)
{
    const char *bin = getenv("EMBUDO_BIN");
    int fds[2], st;
    size_t len = 0;
    ssize_t n;
    pid_t pid;

    if (bin == NULL || bin[0] == '\0')
        fail_msg("EMBUDO_BIN no está definido: ejecute con make check-db");
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char cfgdir[128];
        snprintf(cfgdir, sizeof cfgdir, "%s/cfg", f->home);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        unsetenv("PGHOST");
        unsetenv("PGDATABASE");
        unsetenv("PGSERVICE");
        unsetenv("DATABASE_URL");
        unsetenv("EMBUDO_HOME");
        setenv("XDG_CONFIG_HOME", cfgdir, 1);
        execl(bin, bin, "--home", f->home, a1, a2, a3, a4, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    while (len + 1 < outsz && (n = read(fds[0], out + len, outsz - len - 1)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(fds[0]);
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static enum cluster_state
state_of(struct fx *f, long *pid)
{
    struct cluster_status st;
    struct err e = { 0 };

    if (cluster_status(&f->cfg, &st, &e) != RC_OK)
        fail_msg("cluster_status: %s", e.msg);
    *pid = st.pid;
    cluster_status_fini(&st);
    return st.state;
}

static void
must_start(struct fx *f, bool *started, long *pid)
{
    struct err e = { 0 };

    if (cluster_start(&f->cfg, started, pid, &e) != RC_OK)
        fail_msg("cluster_start: %s", e.msg);
}

/* A query over the socket as the bootstrap superuser, in database embudo. */
static void
assert_answers(struct fx *f)
{
    struct err e = { 0 };
    char *ci = db_conninfo_fmt(&f->cfg, DB_LOGIN_ADMIN);
    struct db *db = db_open_conninfo(ci, &e);
    char *v = NULL;

    free(ci);
    if (db == NULL)
        fail_msg("conexión: %s", e.msg);
    assert_int_equal(db_query_text(db, "SELECT current_database()", 0, NULL, &v, &e), RC_OK);
    assert_string_equal(v, "embudo");
    free(v);
    db_close(db);
}

static void
test_absent(void **state)
{
    struct fx *f = *state;
    char out[2048];
    long pid;

    assert_int_equal(state_of(f, &pid), CLUSTER_ABSENT);
    assert_int_equal(run_embudo(f, out, sizeof out, "db", "status", NULL, NULL), 3);
    assert_non_null(strstr(out, "sin crear"));
}

static void
test_init_creates_and_runs(void **state)
{
    struct fx *f = *state;
    struct err e = { 0 };
    bool created = false;
    long pid, pid2;

    assert_int_equal(cluster_init(&f->cfg, &created, &e), RC_OK);
    assert_true(created);
    assert_int_equal(state_of(f, &pid), CLUSTER_RUNNING);
    assert_true(pid > 0);
    assert_answers(f);
    /* A second init changes nothing and keeps the same server. */
    assert_int_equal(cluster_init(&f->cfg, &created, &e), RC_OK);
    assert_false(created);
    assert_int_equal(state_of(f, &pid2), CLUSTER_RUNNING);
    assert_int_equal(pid, pid2);
}

static void
test_start_reuses(void **state)
{
    struct fx *f = *state;
    bool started = true;
    long pid, pid2;

    assert_int_equal(state_of(f, &pid), CLUSTER_RUNNING);
    must_start(f, &started, &pid2);
    assert_false(started);
    assert_int_equal(pid, pid2);
}

static void
test_status_exit_codes(void **state)
{
    struct fx *f = *state;
    char out[2048];

    assert_int_equal(run_embudo(f, out, sizeof out, "db", "status", NULL, NULL), 0);
    assert_non_null(strstr(out, "corriendo"));
    assert_non_null(strstr(out, "migraciones:"));
    assert_int_equal(run_embudo(f, out, sizeof out, "db", "psql", "-tAc", "select 40 + 2"), 0);
    assert_string_equal(out, "42\n");
    assert_int_equal(run_embudo(f, out, sizeof out, "db", "bogus", NULL, NULL), 2);
    assert_non_null(strstr(out, "subcomando desconocido: «bogus»"));
    assert_int_equal(run_embudo(f, out, sizeof out, "db", "status", "de-más", NULL), 2);
}

static void
test_migrate_twice_via_binary(void **state)
{
    struct fx *f = *state;
    char out[8192];

    assert_int_equal(run_embudo(f, out, sizeof out, "db", "migrate", NULL, NULL), 0);
    assert_non_null(strstr(out, "aplicada 001_"));
    assert_int_equal(run_embudo(f, out, sizeof out, "db", "migrate", NULL, NULL), 0);
    assert_non_null(strstr(out, "nada que aplicar"));
    assert_int_equal(run_embudo(f, out, sizeof out, "db", "status", NULL, NULL), 0);
    assert_non_null(strstr(out, "0 pendientes"));
}

static void
test_stop(void **state)
{
    struct fx *f = *state;
    struct err e = { 0 };
    bool was = false;
    char out[2048];
    long pid;

    assert_int_equal(cluster_stop(&f->cfg, &was, &e), RC_OK);
    assert_true(was);
    assert_int_equal(state_of(f, &pid), CLUSTER_STOPPED);
    assert_int_equal(pid, 0);
    assert_int_equal(cluster_stop(&f->cfg, &was, &e), RC_OK);
    assert_false(was);
    assert_int_equal(run_embudo(f, out, sizeof out, "db", "status", NULL, NULL), 3);
    assert_non_null(strstr(out, "detenido"));
}

#define STARTERS 4

static void
test_concurrent_starts(void **state)
{
    struct fx *f = *state;
    pid_t kids[STARTERS];
    int fds[2];
    long pids[STARTERS], pid;
    int nstarted = 0;

    assert_int_equal(state_of(f, &pid), CLUSTER_STOPPED);
    assert_int_equal(pipe(fds), 0);
    for (int i = 0; i < STARTERS; i++) {
        kids[i] = fork();
        assert_true(kids[i] >= 0);
        if (kids[i] == 0) {
            struct err e = { 0 };
            bool started = false;
            long p = 0;
            int rc = cluster_start(&f->cfg, &started, &p, &e);
            long rec[2] = { rc == RC_OK ? p : -1, started };
            _exit(write(fds[1], rec, sizeof rec) == (ssize_t)sizeof rec ? 0 : 1);
        }
    }
    close(fds[1]);
    for (int i = 0; i < STARTERS; i++) {
        long rec[2];
        assert_int_equal(read(fds[0], rec, sizeof rec), (ssize_t)sizeof rec);
        pids[i] = rec[0];
        nstarted += rec[1] != 0;
    }
    close(fds[0]);
    for (int i = 0; i < STARTERS; i++)
        waitpid(kids[i], NULL, 0);
    assert_int_equal(nstarted, 1);
    assert_int_equal(state_of(f, &pid), CLUSTER_RUNNING);
    for (int i = 0; i < STARTERS; i++)
        assert_int_equal(pids[i], pid);
}

static void
test_kill9_recovers(void **state)
{
    struct fx *f = *state;
    bool started = false;
    long pid, pid2;
    int waited = 0;

    assert_int_equal(state_of(f, &pid), CLUSTER_RUNNING);
    assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
    /* The pid file stays behind; the state must turn to stopped (zombie or gone). */
    while (state_of(f, &pid2) == CLUSTER_RUNNING && waited++ < 100)
        nanosleep(&(struct timespec){ .tv_nsec = 50L * 1000 * 1000 }, NULL);
    assert_int_equal(state_of(f, &pid2), CLUSTER_STOPPED);
    must_start(f, &started, &pid2);
    assert_true(started);
    assert_true(pid2 > 0);
    assert_int_not_equal(pid, pid2);
    assert_answers(f);
}

/* A pid file that names a live process which is not our postmaster (pid reuse). */
static void
test_foreign_pid_file_recovers(void **state)
{
    struct fx *f = *state;
    struct err e = { 0 };
    bool was, started = false;
    char path[128];
    FILE *pf;
    long pid;

    assert_int_equal(cluster_stop(&f->cfg, &was, &e), RC_OK);
    snprintf(path, sizeof path, "%s/pg/postmaster.pid", f->home);
    pf = fopen(path, "w");
    assert_non_null(pf);
    fprintf(pf, "%ld\n%s/pg\n", (long)getpid(), f->home);
    fclose(pf);
    assert_int_equal(state_of(f, &pid), CLUSTER_STOPPED);
    must_start(f, &started, &pid);
    assert_true(started);
    assert_int_not_equal(pid, (long)getpid());
    assert_answers(f);
}

static void
test_socket_path_too_long(void **state)
{
    struct config cfg;
    struct err e = { 0 };
    char home[160];

    (void)state;
    memset(home, 'x', sizeof home);
    memcpy(home, "/tmp/", 5);
    home[100] = '\0';
    dbt_config_load(&cfg, home);
    assert_int_equal(cluster_ensure_running(&cfg, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "107"));
    assert_int_equal(access(home, F_OK), -1); /* refused before creating anything */
    config_fini(&cfg);
}

static int
group_setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof *f);

    snprintf(f->home, sizeof f->home, "/tmp/embudo-tc.XXXXXX");
    if (mkdtemp(f->home) == NULL) {
        free(f);
        return -1;
    }
    dbt_config_load(&f->cfg, f->home);
    *state = f;
    return 0;
}

static int
group_teardown(void **state)
{
    struct fx *f = *state;
    struct err e = { 0 };
    bool was;
    char cmd[160];

    if (cluster_stop(&f->cfg, &was, &e) != RC_OK)
        fprintf(stderr, "test_cluster: %s\n", e.msg);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->home);
    if (system(cmd) != 0)
        fprintf(stderr, "test_cluster: no se pudo borrar %s\n", f->home);
    config_fini(&f->cfg);
    free(f);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absent),
        cmocka_unit_test(test_init_creates_and_runs),
        cmocka_unit_test(test_start_reuses),
        cmocka_unit_test(test_status_exit_codes),
        cmocka_unit_test(test_migrate_twice_via_binary),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_concurrent_starts),
        cmocka_unit_test(test_kill9_recovers),
        cmocka_unit_test(test_foreign_pid_file_recovers),
        cmocka_unit_test(test_socket_path_too_long),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
