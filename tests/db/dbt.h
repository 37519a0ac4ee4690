/*
 * dbt — fixtures for database tests (cmocka + the throwaway cluster tests/db/run.sh starts).
 *
 * run.sh exports EMBUDO_TEST_HOME (the cluster's home: its socket is in $EMBUDO_TEST_HOME/run)
 * and EMBUDO_TEST_TEMPLATE (a database with every migration applied). Each test gets its own
 * database copied from the template (CREATE DATABASE … STRATEGY FILE_COPY, ~0.1 s) and
 * dropped at teardown, so tests never see each other's rows. Typical use:
 *
 *     static void test_x(void **state) {
 *         struct dbt *t = *state;
 *         dbt_role(t, "prom1", "embudo_promotor");
 *         struct db *p = dbt_connect(t, "prom1");
 *         assert_string_equal(dbt_scalar_tmp(t, p, "SELECT count(*) FROM crm.oportunidades"), "0");
 *         db_close(p);
 *     }
 *     cmocka_unit_test_setup_teardown(test_x, dbt_setup, dbt_teardown)
 *
 * Functions without _err fail the current cmocka test (fail_msg) on any error: call them on
 * the test's thread only. From worker threads (race tests) use the *_err variants and
 * db.h directly; they return rc and never jump. Role creation is idempotent and safe from
 * many threads. Roles are cluster-wide, so they outlive a test's database.
 */
#ifndef TESTS_DB_DBT_H
#define TESTS_DB_DBT_H

#include <stdarg.h>
#include <stddef.h>

struct config;
struct db;
struct err;

/* The superuser of the test cluster (connect with login NULL to get it). */
#define DBT_ADMIN "postgres"

struct dbt;

/* cmocka setup/teardown: *state = a fresh database copied from the template / dropped. */
int dbt_setup(void **state);
int dbt_teardown(void **state);
/* Same, but the database is empty (copied from template0: no migrations at all). */
int dbt_setup_empty(void **state);

/*
 * A fresh database copied from template (NULL = $EMBUDO_TEST_TEMPLATE; "template0" = empty).
 * NULL with e on failure. dbt_free drops it (WITH (FORCE)) and frees t. NULL-safe.
 */
struct dbt *dbt_new(const char *template, struct err *e);
void dbt_free(struct dbt *t);

/* The database's name ("t_<pid>_<n>"), its conninfo for login (NULL = admin; caller frees). */
const char *dbt_dbname(const struct dbt *t);
char *dbt_conninfo_fmt(const struct dbt *t, const char *login);

/* The test cluster's home ($EMBUDO_TEST_HOME), or fails the test when unset. */
const char *dbt_home(void);

/* Connects to t's database as login (NULL = DBT_ADMIN). Fails the test on error. */
struct db *dbt_connect(struct dbt *t, const char *login);
/* Thread-safe: NULL with e on failure. */
struct db *dbt_connect_err(const struct dbt *t, const char *login, struct err *e);

/*
 * Creates LOGIN role login when missing (cluster-wide, idempotent, race-safe) and, when
 * member_of is not NULL, grants it that role ("embudo_promotor"…). Fails the test on error.
 */
void dbt_role(struct dbt *t, const char *login, const char *member_of);
int dbt_role_err(const struct dbt *t, const char *login, const char *member_of, struct err *e);

/* Runs printf-formatted SQL on db (as the connection's role). Fails the test on error. */
void dbt_exec(struct db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Runs printf-formatted SQL and returns the first column of the first row as text, owned by
 * t and valid until t is freed (so tests need not free it). SQL NULL → "(null)". Fails the
 * test on error or when there is no row.
 */
const char *dbt_scalar_tmp(struct dbt *t, struct db *db, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same as an integer. */
long long dbt_scalar_ll(struct dbt *t, struct db *db, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Runs SQL expecting it to fail; returns the rc and fills e (code = SQLSTATE). RC_OK means
 * it unexpectedly worked. For asserting refusals: assert_int_equal(…, RC_REFUSED) and
 * assert_string_equal(e.code, "EB001").
 */
int dbt_try(struct db *db, struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Asserts that sql, run on db, is refused (RC_REFUSED) with SQLSTATE code. */
void dbt_expect_refusal(struct db *db, const char *code, const char *sql);

/* Asserts that a db_* call returned RC_REFUSED with SQLSTATE code in e. */
void dbt_refused(int rc, const struct err *e, const char *code);

/* Asserts that a db_* call returned RC_OK (else fails with e's code and message). */
void dbt_ok(int rc, const struct err *e);

/*
 * A user of a test: login (also its LOGIN role), nombre, rol ("PROMOTOR", "SUPERVISOR",
 * "ADMIN"), the login of its supervisor (promoters; NULL = none) and estado (NULL = ACTIVO).
 */
struct dbt_usuario {
    const char *login;
    const char *nombre;
    const char *rol;
    const char *supervisor;
    const char *estado;
};

/*
 * Creates each user's role (member of embudo_promotor / _supervisor / _admin / _auditor, as
 * its rol says) and its crm.usuarios row, in array order (a supervisor before its promoters),
 * as adm. Fails the test on error.
 */
void dbt_usuarios(struct dbt *t, struct db *adm, const struct dbt_usuario *u, size_t n);

/* The payloads of channel embudo that reached listener (LISTENing) since the last call,
 * ';'-joined, "" for none; one round trip delivers what is pending. The text lives until the
 * next call. */
const char *dbt_avisos(struct db *listener);

/* Seconds on the monotonic clock: how long a race runs (never an assertion). */
double dbt_now(void);

/* Convenio IMSS and n padron clients "Cliente i" Prueba, IMSS, CDMX (9), edad 30, as adm. */
void dbt_clientes_imss(struct db *adm, int n);

/* Records n contact attempts (NO_CONTESTA) on an opportunity as db: what "No localizado"
 * asks for before an opportunity may enter it (sql/065). */
void dbt_intentos(struct db *db, long long oportunidad, int n);

/*
 * Loads a struct config for an embedded cluster at home (EMBUDO_HOME-like, no files, no PG*
 * variables), for tests of code that takes a config. config_fini it. Fails the test on error.
 */
void dbt_config_load(struct config *cfg, const char *home);

#endif
