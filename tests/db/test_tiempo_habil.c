/*
 * test_tiempo_habil — business-time arithmetic in SQL (sql/003_tiempo_habil.sql): after
 * hours, the Saturday short day, holidays (16 Mar 2026), Sunday starts, multi-day spans, DST
 * zones (America/Tijuana, America/New_York), the api forms reading crm.ajustes.zona, and
 * the refusals EB010–EB012.
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

#define MX "America/Mexico_City"

/* crm.sumar_horas_habiles(inicio, horas, zona) as local wall-clock text in the same zone. */
static const char *
sumar(struct dbt *t, struct db *db, const char *inicio, const char *horas, const char *zona)
{
    return dbt_scalar_tmp(t, db,
                          "SELECT to_char(crm.sumar_horas_habiles('%s'::timestamptz, %s, '%s')"
                          " AT TIME ZONE '%s', 'YYYY-MM-DD HH24:MI')",
                          inicio, horas, zona, zona);
}

/* Same, as UTC text, to check the offset DST gives. */
static const char *
sumar_utc(struct dbt *t, struct db *db, const char *inicio, const char *horas, const char *zona)
{
    return dbt_scalar_tmp(t, db,
                          "SELECT to_char(crm.sumar_horas_habiles('%s'::timestamptz, %s, '%s')"
                          " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')",
                          inicio, horas, zona);
}

static void
test_default_hours_mexico_city(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);

    /* Friday evening + 2 h: Saturday 09–14 is open by default. */
    assert_string_equal(sumar(t, db, "2026-03-06 18:30-06", "2", MX), "2026-03-07 10:30");
    /* Inside the day. */
    assert_string_equal(sumar(t, db, "2026-03-04 10:00-06", "3", MX), "2026-03-04 13:00");
    /* Exactly to closing time stays on the same day. */
    assert_string_equal(sumar(t, db, "2026-03-04 17:00-06", "2", MX), "2026-03-04 19:00");
    /* After hours: the timer starts at the next opening. */
    assert_string_equal(sumar(t, db, "2026-03-03 20:00-06", "1", MX), "2026-03-04 10:00");
    assert_string_equal(sumar(t, db, "2026-03-04 06:15-06", "1.5", MX), "2026-03-04 10:30");
    /* Saturday short day: 13:00 + 3 h → 1 h Saturday, 2 h Monday. */
    assert_string_equal(sumar(t, db, "2026-03-07 13:00-06", "3", MX), "2026-03-09 11:00");
    /* Sunday start. */
    assert_string_equal(sumar(t, db, "2026-03-08 11:00-06", "1", MX), "2026-03-09 10:00");
    /* Holiday: Monday 16 March 2026 (third Monday of March) is skipped. */
    assert_string_equal(sumar(t, db, "2026-03-13 18:00-06", "8", MX), "2026-03-17 11:00");
    /* Multi-day: Mon 09:00 + 55 h = five 10 h weekdays + the 5 h Saturday. */
    assert_string_equal(sumar(t, db, "2026-03-02 09:00-06", "55", MX), "2026-03-07 14:00");
    assert_string_equal(sumar(t, db, "2026-03-02 09:00-06", "56", MX), "2026-03-09 10:00");
    /* Zero hours: the instant itself. */
    assert_string_equal(sumar(t, db, "2026-03-08 11:00-06", "0", MX), "2026-03-08 11:00");
    /* Mexico City has no DST since 2022: July is −06. */
    assert_string_equal(sumar_utc(t, db, "2026-07-06 09:00-06", "1", MX), "2026-07-06 16:00");
    db_close(db);
}

static void
test_saturday_closed(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);

    dbt_exec(db, "DELETE FROM crm.horario_operativo WHERE isodow = 6");
    /* The example: Friday 18:30 with a 2 h timer expires Monday 10:30. */
    assert_string_equal(sumar(t, db, "2026-03-06 18:30-06", "2", MX), "2026-03-09 10:30");
    assert_string_equal(sumar(t, db, "2026-03-07 10:00-06", "1", MX), "2026-03-09 10:00");
    /* Same through the api form, which reads the zone from crm.ajustes. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT to_char(api.sumar_horas_habiles("
                                       "'2026-03-06 18:30-06', 2) AT TIME ZONE '" MX "',"
                                       " 'YYYY-MM-DD HH24:MI')"),
                        "2026-03-09 10:30");
    db_close(db);
}

static void
test_dst_zones(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);

    /* New York: DST starts Sun 8 Mar 2026; Monday 11:00 is −04 (15:00 UTC). */
    assert_string_equal(sumar(t, db, "2026-03-06 18:00-05", "8", "America/New_York"),
                        "2026-03-09 11:00");
    assert_string_equal(sumar_utc(t, db, "2026-03-06 18:00-05", "8", "America/New_York"),
                        "2026-03-09 15:00");
    /* New York: DST ends Sun 1 Nov 2026; Monday 10:00 is −05 (15:00 UTC). */
    assert_string_equal(sumar_utc(t, db, "2026-10-31 13:00-04", "2", "America/New_York"),
                        "2026-11-02 15:00");
    /* Tijuana follows US DST: Fri 18:00 PST + 8 h = 1 + 5 (Sat) + 2 → Mon 11:00 PDT. */
    assert_string_equal(sumar(t, db, "2026-03-06 18:00-08", "8", "America/Tijuana"),
                        "2026-03-09 11:00");
    assert_string_equal(sumar_utc(t, db, "2026-03-06 18:00-08", "8", "America/Tijuana"),
                        "2026-03-09 18:00");
    /* The api form follows crm.ajustes.zona. */
    dbt_exec(db, "UPDATE crm.ajustes SET zona = 'America/Tijuana'");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT to_char(api.sumar_horas_habiles("
                                       "'2026-03-06 18:00-08', 8) AT TIME ZONE 'UTC',"
                                       " 'YYYY-MM-DD HH24:MI')"),
                        "2026-03-09 18:00");
    db_close(db);
}

static void
test_hours_between(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);

    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT crm.horas_habiles_entre("
                                       "'2026-03-06 18:30-06', '2026-03-07 10:30-06',"
                                       " '" MX "')::numeric(10,2)"),
                        "2.00");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT crm.horas_habiles_entre("
                                       "'2026-03-07 10:30-06', '2026-03-06 18:30-06',"
                                       " '" MX "')::numeric(10,2)"),
                        "-2.00");
    /* Across the holiday and a whole week. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT crm.horas_habiles_entre("
                                       "'2026-03-13 18:00-06', '2026-03-17 11:00-06',"
                                       " '" MX "')::numeric(10,2)"),
                        "8.00");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT crm.horas_habiles_entre("
                                       "'2026-03-02 00:00-06', '2026-03-09 00:00-06',"
                                       " '" MX "')::numeric(10,2)"),
                        "55.00");
    /* Across the New York DST change. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT crm.horas_habiles_entre("
                                       "'2026-03-06 18:00-05', '2026-03-09 11:00-04',"
                                       " 'America/New_York')::numeric(10,2)"),
                        "8.00");
    /* Round trip on random instants: between(start, add(start, h)) = h. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT count(*) FROM ("
                                       " SELECT s, h FROM (SELECT '2026-01-01'::timestamptz"
                                       "  + (i * 7919 %% 525600) * interval '1 minute' AS s,"
                                       "  (1 + i %% 97)::numeric / 4 AS h"
                                       "  FROM generate_series(1, 200) i) x) y"
                                       " WHERE crm.horas_habiles_entre(s,"
                                       "  crm.sumar_horas_habiles(s, h, 'America/Tijuana'),"
                                       "  'America/Tijuana') <> h"),
                        "0");
    db_close(db);
}

static void
test_refusals(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    struct err e = { 0 };

    assert_int_equal(dbt_try(db, &e, "SELECT crm.sumar_horas_habiles(now(), -1, '" MX "')"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB010");
    assert_int_equal(dbt_try(db, &e, "SELECT crm.sumar_horas_habiles(now(), NULL, '" MX "')"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB010");
    assert_int_equal(dbt_try(db, &e, "SELECT crm.sumar_horas_habiles(now(), 1, 'Marte/Olimpo')"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB011");
    assert_int_equal(dbt_try(db, &e, "SELECT crm.horas_habiles_entre(now(), now(), 'Nada')"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB011");
    dbt_exec(db, "DELETE FROM crm.horario_operativo");
    assert_int_equal(dbt_try(db, &e, "SELECT crm.sumar_horas_habiles(now(), 1, '" MX "')"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB012");
    db_close(db);
}

/* Users may call the api forms; the result does not depend on the caller's TimeZone. */
static void
test_api_as_user(void **state)
{
    struct dbt *t = *state;
    struct db *db;

    dbt_role(t, "th_prom", "embudo_promotor");
    db = dbt_connect(t, "th_prom");
    dbt_exec(db, "SET TimeZone = 'Asia/Tokyo'");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT to_char(api.sumar_horas_habiles("
                                       "'2026-03-06 18:30-06', 2) AT TIME ZONE '" MX "',"
                                       " 'YYYY-MM-DD HH24:MI')"),
                        "2026-03-07 10:30");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT api.horas_habiles_entre("
                                       "'2026-03-06 18:30-06', '2026-03-07 10:30-06')"
                                       "::numeric(10,2)"),
                        "2.00");
    db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_default_hours_mexico_city, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_saturday_closed, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_dst_zones, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_hours_between, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_refusals, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_api_as_user, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
