/*
 * test_sesion — db_sesion_load, what `embudo worker` and `embudo sweep` read before they loop:
 * who the session is (crm.mi_rol(), as the terminal client reads it) and whether it may run the
 * timer sweep. The answer is checked against the sweep itself (rt/sweep's sweep_run) for every
 * kind of session, so it cannot drift from the grants: the superuser, an admin, a supervisor and
 * a promoter (the per-promoter unit embudo-worker@LOGIN) sweep; the auditor does not, nor a
 * PostgreSQL role that is no embudo user. A lost connection keeps db.h's 08006.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_sesion.h"
#include "dbt.h"
#include "rt/sweep.h"
#include "util/err.h"

static const struct dbt_usuario USUARIOS[] = {
    { "ses_adm", "Adela", "ADMIN", NULL, NULL },
    { "ses_sup", "Sara", "SUPERVISOR", NULL, NULL },
    { "ses_prom", "Pía", "PROMOTOR", "ses_sup", NULL },
    { "ses_aud", "Laura", "AUDITOR", NULL, NULL },
};

static int
setup(void **state)
{
    int rc = dbt_setup(state);
    struct db *adm;

    if (rc != 0)
        return rc;
    adm = dbt_connect(*state, NULL);
    dbt_usuarios(*state, adm, USUARIOS, sizeof USUARIOS / sizeof USUARIOS[0]);
    db_close(adm);
    return 0;
}

/* login's session as db_sesion_load reads it, and whether a sweep run as login succeeds. */
static void
assert_sesion(struct dbt *t, const char *login, const char *rol, bool barre)
{
    struct db *db = dbt_connect(t, login);
    struct db_sesion s;
    struct sweep_run run;
    struct err e = { 0 };
    int rc;

    assert_int_equal(db_sesion_load(db, &s, &e), RC_OK);
    assert_string_equal(s.login, login != NULL ? login : DBT_ADMIN);
    assert_string_equal(s.rol, rol);
    if (s.barre != barre)
        fail_msg("%s: barre = %d, se esperaba %d", s.login, s.barre, barre);
    rc = sweep_run(db, "test_sesion", NULL, &run, &e);
    if ((rc == RC_OK) != barre)
        fail_msg("%s: el barrido dio %d (%s), y db_sesion dice barre = %d", s.login, rc, e.msg,
                 s.barre);
    db_close(db);
}

static void
test_working_sessions_may_sweep(void **state)
{
    assert_sesion(*state, NULL, "", true); /* the superuser: no embudo user, every grant */
    assert_sesion(*state, "ses_adm", "ADMIN", true);
    assert_sesion(*state, "ses_sup", "SUPERVISOR", true);
    assert_sesion(*state, "ses_prom", "PROMOTOR", true);
}

static void
test_the_auditor_may_not_sweep(void **state)
{
    assert_sesion(*state, "ses_aud", "AUDITOR", false);
}

/* A role someone made by hand, in no embudo group: it cannot even use the schemas. */
static void
test_a_role_with_no_embudo_grants_may_run_nothing(void **state)
{
    struct dbt *t = *state;

    dbt_role(t, "ses_ajeno", NULL);
    assert_sesion(t, "ses_ajeno", "", false);
}

static void
test_lost_connection_is_08006(void **state)
{
    struct dbt *t = *state;
    struct db *p = dbt_connect(t, "ses_prom");
    struct db *adm = dbt_connect(t, NULL);
    const char *pid = dbt_scalar_tmp(t, p, "SELECT pg_backend_pid()");
    struct db_sesion s;
    struct err e = { 0 };

    dbt_exec(adm, "SELECT pg_terminate_backend(%s, 5000)", pid);
    assert_int_equal(db_sesion_load(p, &s, &e), RC_DB);
    assert_string_equal(e.code, "08006");
    db_close(p);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_working_sessions_may_sweep, setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_the_auditor_may_not_sweep, setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_a_role_with_no_embudo_grants_may_run_nothing, setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_lost_connection_is_08006, setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
