/*
 * test_mensajes — the database speaks to people as «usted» (sql/070_usted.sql): no function of
 * schemas api and crm holds a «tú» word (tu, tus, te, puedes, tienes, usaste, tuya, tuyo,
 * vincula, escribe, estás) inside a string literal. A later migration that copies a function from
 * a file older than 070 would bring one back; this is what notices.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db/db.h"
#include "dbt.h"

static void
test_sin_tuteo(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    static const char sql[] =
        "SELECT coalesce(string_agg(p.oid::regprocedure::text || ': ' || m[1], '; '), '')"
        "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,"
        "       regexp_matches(p.prosrc, '''([^'']*\\m(?:tu|tus|te|puedes|tienes|usaste|tuya|"
        "tuyo|vincula|escribe|estás)\\M[^'']*)''', 'g') m"
        " WHERE n.nspname IN ('api', 'crm')";

    /* The check itself finds a «tú» literal when there is one. */
    dbt_exec(adm, "CREATE FUNCTION crm.prueba_tuteo() RETURNS text LANGUAGE sql"
                  " AS $f$ SELECT 'ya usaste tu cupo' $f$");
    assert_string_equal(dbt_scalar_tmp(t, adm, "%s", sql), "crm.prueba_tuteo(): ya usaste tu cupo");
    dbt_exec(adm, "DROP FUNCTION crm.prueba_tuteo()");

    assert_string_equal(dbt_scalar_tmp(t, adm, "%s", sql), "");
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sin_tuteo, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
