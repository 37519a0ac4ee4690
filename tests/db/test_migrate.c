/*
 * test_migrate — db_migrate against a real PostgreSQL: idempotence, refusals (edited,
 * missing, misnamed, out-of-order files), atomic failure, and concurrent migrators.
 * Each test gets an empty database (dbt_setup_empty), so synthetic sets start from scratch.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/migrate.h"
#include "dbt.h"
#include "util/err.h"

static const struct migration_file set_ab[] = {
    { "001_a.sql", "CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\n" },
    { "002_b.sql", "CREATE TABLE b (y text);\n" },
};

static int
migrate(struct db *db, const struct migration_file *f, size_t n, struct migrate_report *r,
        struct err *e)
{
    return db_migrate(db, f, n, r, e);
}

static void
test_applies_then_noop(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    struct migrate_report r;
    struct err e = { 0 };

    assert_int_equal(migrate(db, set_ab, 2, &r, &e), RC_OK);
    assert_int_equal(r.applied, 2);
    assert_int_equal(r.already, 0);
    assert_string_equal(r.names[0], "001_a.sql");
    assert_string_equal(r.names[1], "002_b.sql");
    migrate_report_fini(&r);
    assert_int_equal(migrate(db, set_ab, 2, &r, &e), RC_OK);
    assert_int_equal(r.applied, 0);
    assert_int_equal(r.already, 2);
    migrate_report_fini(&r);
    /* The tables exist once, the rows were inserted once, the checksums are sha256 hex. */
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM a"), 1);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM crm.schema_migrations"), 2);
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT checksum FROM crm.schema_migrations"
                                              " WHERE nombre = '001_a.sql'"),
                        dbt_scalar_tmp(t, db, "SELECT encode(sha256(convert_to(%s, 'UTF8')),"
                                              " 'hex')",
                                       "'CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\n'"));
    db_close(db);
}

static void
test_appends_new_file(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    struct migrate_report r;
    struct err e = { 0 };

    assert_int_equal(migrate(db, set_ab, 1, &r, &e), RC_OK);
    migrate_report_fini(&r);
    assert_int_equal(migrate(db, set_ab, 2, &r, &e), RC_OK);
    assert_int_equal(r.applied, 1);
    assert_int_equal(r.already, 1);
    assert_string_equal(r.names[0], "002_b.sql");
    migrate_report_fini(&r);
    db_close(db);
}

static void
test_edited_applied_file_refused(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    const struct migration_file edited[] = {
        { "001_a.sql", "CREATE TABLE a (x int);\nINSERT INTO a VALUES (2);\n" },
        { "002_b.sql", "CREATE TABLE b (y text);\n" },
    };
    struct migrate_report r;
    struct err e = { 0 };

    assert_int_equal(migrate(db, set_ab, 1, &r, &e), RC_OK);
    migrate_report_fini(&r);
    assert_int_equal(migrate(db, edited, 2, &r, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "la migración 001_a.sql ya aplicada fue modificada"));
    assert_int_equal(r.applied, 0);
    migrate_report_fini(&r);
    /* Refused before anything ran: 002 was not applied. */
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT to_regclass('b') IS NULL"), "t");
    db_close(db);
}

static void
test_missing_applied_file_refused(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    const struct migration_file only_b[] = { set_ab[1] };
    struct migrate_report r;
    struct err e = { 0 };

    assert_int_equal(migrate(db, set_ab, 2, &r, &e), RC_OK);
    migrate_report_fini(&r);
    assert_int_equal(migrate(db, only_b, 1, &r, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "001_a.sql"));
    assert_non_null(strstr(e.msg, "no está"));
    migrate_report_fini(&r);
    db_close(db);
}

static void
test_pending_before_applied_refused(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    const struct migration_file first[] = { set_ab[0], { "003_c.sql", "CREATE TABLE c ();" } };
    const struct migration_file later[] = { set_ab[0], set_ab[1], first[1] };
    struct migrate_report r;
    struct err e = { 0 };

    assert_int_equal(migrate(db, first, 2, &r, &e), RC_OK);
    migrate_report_fini(&r);
    assert_int_equal(migrate(db, later, 3, &r, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "002_b.sql es anterior a 003_c.sql"));
    migrate_report_fini(&r);
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT to_regclass('b') IS NULL"), "t");
    db_close(db);
}

static void
test_bad_names_refused(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    const struct migration_file reversed[] = { set_ab[1], set_ab[0] };
    const struct migration_file dup[] = { set_ab[0], { "001_otra.sql", "SELECT 1;" } };
    const struct migration_file bad[] = { { "1_a.sql", "SELECT 1;" } };
    const struct migration_file noext[] = { { "001_a.txt", "SELECT 1;" } };
    const struct migration_file space[] = { { "001_a b.sql", "SELECT 1;" } };
    struct migrate_report r;
    struct err e = { 0 };

    assert_int_equal(migrate(db, reversed, 2, &r, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "estrictamente creciente"));
    migrate_report_fini(&r);
    assert_int_equal(migrate(db, dup, 2, &r, &e), RC_INVAL);
    migrate_report_fini(&r);
    assert_int_equal(migrate(db, bad, 1, &r, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "NNN_nombre.sql"));
    migrate_report_fini(&r);
    assert_int_equal(migrate(db, noext, 1, &r, &e), RC_INVAL);
    migrate_report_fini(&r);
    assert_int_equal(migrate(db, space, 1, &r, &e), RC_INVAL);
    migrate_report_fini(&r);
    /* Names are checked before touching the database. */
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT to_regclass('crm.schema_migrations')"
                                              " IS NULL"),
                        "t");
    assert_int_equal(migrate_check_names(set_ab, 2, &e), RC_OK);
    db_close(db);
}

static void
test_failing_file_leaves_nothing(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    const struct migration_file set[] = {
        set_ab[0],
        { "002_roto.sql", "CREATE TABLE roto (x int);\n"
                          "INSERT INTO roto VALUES (1);\n"
                          "SELECT 1 / 0;\n" },
        { "003_d.sql", "CREATE TABLE d ();" },
    };
    struct migrate_report r;
    struct err e = { 0 };

    assert_int_equal(migrate(db, set, 3, &r, &e), RC_DB);
    assert_int_equal(r.applied, 1);
    migrate_report_fini(&r);
    /* A run-time error has no position in the file, only the server's message. */
    assert_non_null(strstr(e.msg, "la migración 002_roto.sql falló"));
    assert_non_null(strstr(e.msg, "division by zero"));
    assert_string_equal(e.code, "22012");
    /* 001 stays, 002 left no table and no row, 003 never ran; the session is usable. */
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT string_agg(nombre, ',' ORDER BY nombre)"
                                              " FROM crm.schema_migrations"),
                        "001_a.sql");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT to_regclass('roto') IS NULL"), "t");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT to_regclass('d') IS NULL"), "t");
    /* Fixing the file (it was never applied) lets migrate continue. */
    const struct migration_file fixed[] = { set[0], { "002_roto.sql", "CREATE TABLE roto ();" },
                                            set[2] };
    assert_int_equal(migrate(db, fixed, 3, &r, &e), RC_OK);
    assert_int_equal(r.applied, 2);
    migrate_report_fini(&r);
    db_close(db);
}

static void
test_syntax_error_names_the_line(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    const struct migration_file set[] = {
        { "001_sintaxis.sql", "-- comentario con acentos: ñandú\n"
                              "CREATE TABLE ok (x int);\n"
                              "CREATE TABEL mal (x int);\n" },
    };
    struct migrate_report r;
    struct err e = { 0 };

    assert_int_equal(migrate(db, set, 1, &r, &e), RC_DB);
    migrate_report_fini(&r);
    assert_non_null(strstr(e.msg, "la migración 001_sintaxis.sql falló en la línea 3"));
    assert_string_equal(e.code, "42601");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT to_regclass('ok') IS NULL"), "t");
    db_close(db);
}

static void
test_file_with_commit_refused(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    const struct migration_file set[] = { { "001_tx.sql", "COMMIT; CREATE TABLE tx ();" } };
    struct migrate_report r;
    struct err e = { 0 };

    assert_int_not_equal(migrate(db, set, 1, &r, &e), RC_OK);
    migrate_report_fini(&r);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM crm.schema_migrations"), 0);
    db_close(db);
}

static void
test_embedded_set_applies_and_is_idempotent(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    struct migrate_report r;
    struct err e = { 0 };

    assert_true(migration_files_len >= 1);
    assert_int_equal(migrate_check_names(migration_files, migration_files_len, &e), RC_OK);
    assert_int_equal(migrate(db, migration_files, migration_files_len, &r, &e), RC_OK);
    assert_int_equal(r.applied, migration_files_len);
    migrate_report_fini(&r);
    assert_int_equal(migrate(db, migration_files, migration_files_len, &r, &e), RC_OK);
    assert_int_equal(r.applied, 0);
    migrate_report_fini(&r);
    size_t applied, pending;
    assert_int_equal(db_migrate_status(db, migration_files, migration_files_len, &applied,
                                       &pending, &e),
                     RC_OK);
    assert_int_equal(applied, migration_files_len);
    assert_int_equal(pending, 0);
    db_close(db);
}

static void
test_status_without_table(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    size_t applied = 9, pending = 9;
    struct err e = { 0 };

    assert_int_equal(db_migrate_status(db, set_ab, 2, &applied, &pending, &e), RC_OK);
    assert_int_equal(applied, 0);
    assert_int_equal(pending, 2);
    db_close(db);
}

/* ---- concurrency -------------------------------------------------------------------- */

#define RACERS 8

/* Each file counts its own runs in a table: a double application shows as count 2 (or as a
 * CREATE TABLE error). pg_sleep widens the window in which racers overlap. */
static const struct migration_file race_set[] = {
    { "001_log.sql", "CREATE TABLE runs (f text);\nINSERT INTO runs VALUES ('001');\n"
                     "SELECT pg_sleep(0.2);\n" },
    { "002_x.sql", "CREATE TABLE x ();\nINSERT INTO runs VALUES ('002');\n"
                   "SELECT pg_sleep(0.1);\n" },
    { "003_y.sql", "CREATE TABLE y ();\nINSERT INTO runs VALUES ('003');\n" },
};

struct racer {
    struct dbt *t;
    pthread_barrier_t *start;
    int rc;
    size_t applied;
    struct err e;
};

static void *
racer_run(void *arg)
{
    struct racer *r = arg;
    struct db *db = dbt_connect_err(r->t, NULL, &r->e);
    struct migrate_report rep;

    pthread_barrier_wait(r->start);
    if (db == NULL) {
        r->rc = r->e.rc;
        return NULL;
    }
    r->rc = db_migrate(db, race_set, 3, &rep, &r->e);
    r->applied = rep.applied;
    migrate_report_fini(&rep);
    db_close(db);
    return NULL;
}

static void
test_concurrent_migrators_serialised(void **state)
{
    struct dbt *t = *state;
    pthread_t th[RACERS];
    struct racer rs[RACERS];
    pthread_barrier_t start;
    size_t total = 0;

    pthread_barrier_init(&start, NULL, RACERS);
    for (int i = 0; i < RACERS; i++) {
        rs[i] = (struct racer){ .t = t, .start = &start };
        assert_int_equal(pthread_create(&th[i], NULL, racer_run, &rs[i]), 0);
    }
    for (int i = 0; i < RACERS; i++) {
        pthread_join(th[i], NULL);
        if (rs[i].rc != RC_OK)
            fail_msg("migrador %d: %s", i, rs[i].e.msg);
        total += rs[i].applied;
    }
    pthread_barrier_destroy(&start);
    assert_int_equal(total, 3);
    struct db *db = dbt_connect(t, NULL);
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT string_agg(f, ',' ORDER BY f) FROM runs"),
                        "001,002,003");
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM crm.schema_migrations"), 3);
    db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dbt_setup_empty, dbt_teardown)
        T(test_applies_then_noop),
        T(test_appends_new_file),
        T(test_edited_applied_file_refused),
        T(test_missing_applied_file_refused),
        T(test_pending_before_applied_refused),
        T(test_bad_names_refused),
        T(test_failing_file_leaves_nothing),
        T(test_syntax_error_names_the_line),
        T(test_file_with_commit_refused),
        T(test_embedded_set_applies_and_is_idempotent),
        T(test_status_without_table),
        T(test_concurrent_migrators_serialised),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
