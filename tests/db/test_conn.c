/*
 * test_conn — struct db against a real server: identity, conninfo quoting, and the mapping
 * of failures into struct err that every db module relies on (EB* → RC_REFUSED with the
 * SQLSTATE, connection loss → "sin conexión…", others → RC_DB).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "dbt.h"
#include "util/err.h"

static void
test_login_and_version(void **state)
{
    struct dbt *t = *state;
    struct db *db;

    dbt_role(t, "dbt_ana", NULL);
    db = dbt_connect(t, "dbt_ana");
    assert_string_equal(db_login(db), "dbt_ana");
    assert_non_null(strstr(db_server_version(db), "."));
    assert_string_equal(dbt_scalar_tmp(t, db, "SHOW client_encoding"), "UTF8");
    assert_string_equal(dbt_scalar_tmp(t, db, "SHOW application_name"), "embudo");
    db_close(db);
}

static void
test_refusal_maps_to_rc_refused(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    struct err e = { 0 };

    assert_int_equal(dbt_try(db, &e, "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'EB001',"
                                     " MESSAGE = 'el cupo diario se agotó'; END $$"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB001");
    assert_string_equal(e.msg, "el cupo diario se agotó");
    /* The session survives a refusal. */
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT 1"), "1");
    db_close(db);
}

static void
test_other_errors_map_to_rc_db(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    struct err e = { 0 };

    assert_int_equal(dbt_try(db, &e, "SELECT * FROM no_existe"), RC_DB);
    assert_string_equal(e.code, "42P01");
    assert_non_null(strstr(e.msg, "no_existe"));
    assert_int_equal(dbt_try(db, &e, "CREATE TABLE u (x int UNIQUE);"
                                     "INSERT INTO u VALUES (1), (1)"),
                     RC_DB);
    assert_string_equal(e.code, "23505");
    db_close(db);
}

static void
test_connection_loss(void **state)
{
    struct dbt *t = *state;
    struct db *victim = dbt_connect(t, NULL);
    struct db *killer = dbt_connect(t, NULL);
    struct err e = { 0 };
    char *out = NULL;
    const char *pid = dbt_scalar_tmp(t, victim, "SELECT pg_backend_pid()");

    /* With a timeout, pg_terminate_backend waits until the backend is gone. */
    assert_string_equal(dbt_scalar_tmp(t, killer, "SELECT pg_terminate_backend(%s, 5000)", pid),
                        "t");
    assert_int_equal(db_query_text(victim, "SELECT 1", 0, NULL, &out, &e), RC_DB);
    assert_null(out);
    assert_string_equal(e.msg, "sin conexión con la base de datos");
    assert_string_equal(e.code, "08006");
    db_close(victim);
    db_close(killer);
}

static void
test_query_text(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    const char *params[2] = { "ñandú", "2" };
    struct err e = { 0 };
    char *out = NULL;

    assert_int_equal(db_query_text(db, "SELECT repeat($1, $2::int)", 2, params, &out, &e), RC_OK);
    assert_string_equal(out, "ñandúñandú");
    free(out);
    assert_int_equal(db_query_text(db, "SELECT NULL", 0, NULL, &out, &e), RC_OK);
    assert_null(out);
    assert_int_equal(db_query_text(db, "SELECT 1 WHERE false", 0, NULL, &out, &e), RC_NOTFOUND);
    db_close(db);
}

static void
test_conninfo_quoting(void **state)
{
    struct err e = { 0 };
    char *ci = db_conninfo_socket_fmt("/tmp/a b/it's", "x", "y\\z");
    struct db *db;

    (void)state;
    assert_string_equal(ci, "host='/tmp/a b/it\\'s' port='5432' dbname='x' user='y\\\\z'");
    /* libpq parses it back: the connection fails on the missing socket, not on syntax. */
    db = db_open_conninfo(ci, &e);
    assert_null(db);
    assert_int_equal(e.rc, RC_DB);
    assert_non_null(strstr(e.msg, "/tmp/a b/it's"));
    free(ci);
}

static void
test_open_fails_cleanly(void **state)
{
    struct dbt *t = *state;
    struct err e = { 0 };
    struct db *db = dbt_connect_err(t, "dbt_no_existe_este_rol", &e);

    assert_null(db);
    assert_int_equal(e.rc, RC_DB);
    assert_non_null(strstr(e.msg, "dbt_no_existe_este_rol"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dbt_setup, dbt_teardown)
        T(test_login_and_version),
        T(test_refusal_maps_to_rc_refused),
        T(test_other_errors_map_to_rc_db),
        T(test_connection_loss),
        T(test_query_text),
        T(test_conninfo_quoting),
        T(test_open_fails_cleanly),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
