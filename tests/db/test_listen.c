/*
 * test_listen — db_listen, the client's LISTEN connection driven by poll(2) here as the
 * UI drives it with uv_poll_t: non-blocking connect, LISTEN acknowledged, notifications
 * drained in order, a killed backend seen as FAILED (no fd), restart re-LISTENing, a
 * refused connection reported in Spanish; and db_salud (zone, offset, sweep age).
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_listen.h"
#include "db/db_salud.h"
#include "tests/db/dbt.h"
#include "util/err.h"

struct got {
    int n;
    char payloads[8][128];
};

static void
on_payload(void *ctx, const char *payload)
{
    struct got *g = ctx;

    if (g->n < 8)
        snprintf(g->payloads[g->n++], sizeof g->payloads[0], "%s", payload);
}

/*
 * Steps l whenever its socket is ready until want is reached (or, with min_payloads > 0,
 * until that many payloads arrived). false after 10 s.
 */
static bool
drive(struct db_listen *l, enum db_listen_state want, struct got *g, int min_payloads,
      struct err *e)
{
    time_t deadline = time(NULL) + 10;

    while (time(NULL) < deadline) {
        struct pollfd p = { .fd = db_listen_fd(l) };
        enum db_listen_state st;

        if (p.fd < 0)
            return db_listen_state(l) == want;
        p.events = (short)(POLLIN | (db_listen_wants_write(l) ? POLLOUT : 0));
        if (poll(&p, 1, 100) <= 0)
            continue;
        st = db_listen_step(l, on_payload, g, e);
        if (st == want && (min_payloads == 0 || g->n >= min_payloads))
            return true;
        if (st == DB_LISTEN_FAILED)
            return want == DB_LISTEN_FAILED;
    }
    return false;
}

static void
test_connects_listens_and_drains_in_order(void **state)
{
    struct dbt *t = *state;
    char *ci = dbt_conninfo_fmt(t, NULL);
    struct db_listen *l = db_listen_new(ci, "embudo");
    struct db *admin = dbt_connect(t, NULL);
    struct got g = { 0 };
    struct err e;

    err_clear(&e);
    assert_int_equal(db_listen_state(l), DB_LISTEN_CONNECTING);
    assert_true(db_listen_fd(l) >= 0);
    assert_true(drive(l, DB_LISTEN_READY, &g, 0, &e));
    dbt_exec(admin, "SELECT pg_notify('embudo', '{\"tabla\":\"lotes\",\"usuario_id\":3}')");
    dbt_exec(admin, "SELECT pg_notify('otro_canal', 'no')"); /* not ours */
    dbt_exec(admin, "SELECT pg_notify('embudo', 'Núñez ñ')");
    assert_true(drive(l, DB_LISTEN_READY, &g, 2, &e));
    assert_int_equal(g.n, 2);
    assert_string_equal(g.payloads[0], "{\"tabla\":\"lotes\",\"usuario_id\":3}");
    assert_string_equal(g.payloads[1], "Núñez ñ");
    db_close(admin);
    db_listen_free(l);
    free(ci);
}

static void
test_killed_backend_fails_and_restart_listens_again(void **state)
{
    struct dbt *t = *state;
    char *ci = dbt_conninfo_fmt(t, NULL);
    struct db_listen *l = db_listen_new(ci, "embudo");
    struct db *admin = dbt_connect(t, NULL);
    struct got g = { 0 };
    struct err e;

    err_clear(&e);
    assert_true(drive(l, DB_LISTEN_READY, &g, 0, &e));
    assert_string_equal(dbt_scalar_tmp(t, admin,
                                       "SELECT count(pg_terminate_backend(pid)) FROM "
                                       "pg_stat_activity WHERE application_name = "
                                       "'embudo-listen' AND datname = current_database()"),
                        "1");
    assert_true(drive(l, DB_LISTEN_FAILED, &g, 0, &e));
    assert_int_equal(db_listen_fd(l), -1); /* the caller drops its poll */
    assert_int_equal(e.rc, RC_DB);
    assert_non_null(strstr(e.msg, "se perdió la conexión de avisos"));

    db_listen_restart(l); /* a new socket: the caller makes a new poll for it */
    err_clear(&e);
    assert_true(drive(l, DB_LISTEN_READY, &g, 0, &e));
    dbt_exec(admin, "SELECT pg_notify('embudo', 'de nuevo')");
    assert_true(drive(l, DB_LISTEN_READY, &g, 1, &e));
    assert_string_equal(g.payloads[0], "de nuevo");
    db_close(admin);
    db_listen_free(l);
    free(ci);
}

static void
test_refused_connection_says_why(void **state)
{
    struct dbt *t = *state;
    char *ci = dbt_conninfo_fmt(t, "no_existe_este_rol");
    struct db_listen *l = db_listen_new(ci, "embudo");
    struct got g = { 0 };
    struct err e;

    err_clear(&e);
    assert_true(drive(l, DB_LISTEN_FAILED, &g, 0, &e));
    assert_int_equal(db_listen_state(l), DB_LISTEN_FAILED);
    assert_int_equal(e.rc, RC_DB);
    assert_non_null(strstr(e.msg, "no se pudo conectar para escuchar avisos: "));
    db_listen_free(l);
    free(ci);
}

static void
test_salud_zone_offset_and_sweep_age(void **state)
{
    struct dbt *t = *state;
    struct db *admin = dbt_connect(t, NULL);
    struct salud s;
    struct err e;
    long want;

    err_clear(&e);
    assert_int_equal(db_salud_load(admin, &s, &e), RC_OK);
    assert_string_equal(s.zona, "America/Mexico_City");
    assert_int_equal(s.utc_offset_s, -6 * 3600); /* no DST there since 2022 */
    assert_int_equal(s.sweep_age_s, -1);         /* never swept */
    assert_int_equal(s.usuario_id, 0);           /* the superuser is not a CRM user */
    dbt_exec(admin, "UPDATE crm.ajustes SET zona = 'America/Tijuana'");
    want = strtol(dbt_scalar_tmp(t, admin,
                                 "SELECT extract(epoch FROM (now() AT TIME ZONE "
                                 "'America/Tijuana') - (now() AT TIME ZONE 'UTC'))::bigint"),
                  NULL, 10);
    dbt_exec(admin, "SELECT api.sweep_fin(api.sweep_inicio('prueba'), 0, 0)");
    assert_int_equal(db_salud_load(admin, &s, &e), RC_OK);
    assert_string_equal(s.zona, "America/Tijuana");
    assert_int_equal(s.utc_offset_s, want); /* -7 h or -8 h with DST */
    assert_true(s.sweep_age_s >= 0 && s.sweep_age_s < 60);
    db_close(admin);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_connects_listens_and_drains_in_order, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_killed_backend_fails_and_restart_listens_again,
                                        dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_refused_connection_says_why, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_salud_zone_offset_and_sweep_age, dbt_setup,
                                        dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
