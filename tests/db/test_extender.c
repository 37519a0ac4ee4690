/*
 * test_extender — api.extender_timer (sql/062_extender_timer.sql) through db_extender_timer:
 * the new expiry in business time after the later of the old one and now, the warning
 * recomputed and re-armed, one TIMER_EXTENDIDO history row each with its reason and both
 * expiries; who may (the owners' supervisor, an admin) and what is refused, all or nothing;
 * and the race with the sweep: an extension holding the row makes the sweep skip it, and an
 * opportunity the sweep already returned cannot be extended.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_crm.h"
#include "dbt.h"
#include "util/err.h"

/* ex_sup: ex_p1, ex_p2; ex_sup2: ex_p3; ex_adm. ex_p1 holds 6 (ids 1…6). */
static void
seed(struct dbt *t, struct db *adm)
{
    static const struct dbt_usuario usuarios[] = {
        { "ex_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "ex_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
        { "ex_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "ex_p1", "Pepe Uno", "PROMOTOR", "ex_sup", NULL },
        { "ex_p2", "Paty Dos", "PROMOTOR", "ex_sup", NULL },
        { "ex_p3", "Pablo Tres", "PROMOTOR", "ex_sup2", NULL },
    };
    struct db *p;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 50);
    p = dbt_connect(t, "ex_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(6)");
    db_close(p);
}

static int
extender(struct db *db, const int64_t *ids, size_t n, int horas, const char *motivo, struct err *e)
{
    int extendidas = -1, rc;

    memset(e, 0, sizeof *e);
    rc = db_extender_timer(db, ids, n, horas, motivo, &extendidas, e);
    if (rc == RC_OK)
        assert_int_equal(extendidas, (int)n);
    return rc;
}

static void
test_extender_ok(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *sup;
    struct err e;
    const int64_t dos[] = { 2, 1 };

    seed(t, adm);
    /* 1 warned already; 2 overdue but not swept yet. */
    dbt_exec(adm, "UPDATE crm.oportunidades SET timer_avisado = true WHERE id = 1;"
                  "UPDATE crm.oportunidades SET etapa_desde = now() - interval '5 days',"
                  " timer_vence = now() - interval '1 hour',"
                  " timer_aviso = now() - interval '3 hours' WHERE id = 2;"
                  "CREATE TABLE antes AS SELECT id, timer_vence FROM crm.oportunidades");
    sup = dbt_connect(t, "ex_sup");
    assert_int_equal(extender(sup, dos, 2, 8, " cita el lunes ", &e), RC_OK);
    /* 1: 8 business hours after its old expiry, warning at 75 % of them and re-armed. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT o.timer_vence = api.sumar_horas_habiles("
                                       "a.timer_vence, 8) AND o.timer_aviso ="
                                       " api.sumar_horas_habiles(a.timer_vence, 6)"
                                       " AND NOT o.timer_avisado AND o.estado = 'ABIERTA'"
                                       " FROM crm.oportunidades o JOIN antes a USING (id)"
                                       " WHERE o.id = 1"),
                        "t");
    /* 2: overdue, so the 8 hours count from now (the call's now: between these bounds). */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT o.timer_vence > now() AND o.timer_vence <="
                                       " api.sumar_horas_habiles(now(), 8) AND o.timer_vence >"
                                       " api.sumar_horas_habiles(now() - interval '1 minute',"
                                       " 7.9) FROM crm.oportunidades o WHERE o.id = 2"),
                        "t");
    /* One history row each, with the reason, the hours and both expiries. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s:%%s:%%s',"
                                       " h.oportunidad_id, h.estado_anterior || '>' ||"
                                       " h.estado_nuevo, h.etapa_nueva, h.motivo,"
                                       " (h.datos->>'horas') || '/' || ((h.datos->>"
                                       "'vence_anterior')::timestamptz = a.timer_vence) ||"
                                       " '/' || ((h.datos->>'vence')::timestamptz ="
                                       " o.timer_vence)), ',' ORDER BY h.oportunidad_id)"
                                       " FROM crm.historial h JOIN antes a ON a.id ="
                                       " h.oportunidad_id JOIN crm.oportunidades o ON o.id ="
                                       " h.oportunidad_id JOIN crm.usuarios u ON u.id ="
                                       " h.usuario_id WHERE h.evento = 'TIMER_EXTENDIDO'"
                                       " AND u.login = 'ex_sup'"),
                        "1:ABIERTA>ABIERTA:Nuevo:cita el lunes:8/true/true,"
                        "2:ABIERTA>ABIERTA:Nuevo:cita el lunes:8/true/true");
    /* The others are untouched; the sweep returns nothing now; invariants hold. */
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o JOIN antes a"
                                   " USING (id) WHERE o.timer_vence IS DISTINCT FROM"
                                   " a.timer_vence"),
                     2);
    db_close(sup);
    sup = dbt_connect(t, "ex_p2");
    assert_string_equal(dbt_scalar_tmp(t, sup, "SELECT devueltas FROM api.barrer_timers(100)"),
                        "0");
    /* An admin may extend any team's. */
    db_close(sup);
    sup = dbt_connect(t, "ex_adm");
    assert_int_equal(extender(sup, (const int64_t[]){ 3 }, 1, 120, "campaña de fin de mes", &e),
                     RC_OK);
    assert_string_equal(dbt_scalar_tmp(t, sup, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(sup);
    db_close(adm);
}

static void
expect_refused(struct db *db, const int64_t *ids, size_t n, int horas, const char *motivo, int rc,
               const char *code)
{
    struct err e;

    assert_int_equal(extender(db, ids, n, horas, motivo, &e), rc);
    assert_string_equal(e.code, code);
}

static void
test_extender_refusals(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    const int64_t uno[] = { 1 }, con_bandeja[] = { 1, 4 }, sin_timer[] = { 5 };

    seed(t, adm);
    db = dbt_connect(t, "ex_p1");
    dbt_intentos(db, 4, 2);
    dbt_exec(db, "SELECT * FROM api.mover(4, 'No localizado', 'buzón')");
    /* A promoter may not extend its own (not granted). */
    expect_refused(db, uno, 1, 8, "quiero más tiempo", RC_DB, "42501");
    db_close(db);
    /* 5 sits in a stage without a timer (the last NORMAL one, its timer removed); 6 is
     * closed. */
    dbt_exec(adm, "UPDATE crm.etapas SET timer_horas = NULL WHERE id = (SELECT id FROM"
                  " crm.etapas WHERE tipo = 'NORMAL' ORDER BY orden DESC LIMIT 1);"
                  "UPDATE crm.oportunidades SET etapa_id = (SELECT id FROM crm.etapas WHERE"
                  " timer_horas IS NULL AND tipo = 'NORMAL'), timer_vence = NULL,"
                  " timer_aviso = NULL WHERE id = 5;"
                  "UPDATE crm.oportunidades SET estado = 'DESCARTADA', cerrada_at = now(),"
                  " timer_vence = NULL, timer_aviso = NULL WHERE id = 6;"
                  "CREATE TABLE antes AS SELECT id, timer_vence FROM crm.oportunidades");
    /* Another team's supervisor does not even learn it exists. */
    db = dbt_connect(t, "ex_sup2");
    expect_refused(db, uno, 1, 8, "apoyo", RC_REFUSED, "EB301");
    db_close(db);
    db = dbt_connect(t, "ex_sup");
    expect_refused(db, uno, 1, 0, "cita", RC_REFUSED, "EB610");
    expect_refused(db, uno, 1, 121, "cita", RC_REFUSED, "EB610");
    expect_refused(db, uno, 1, 8, "  ", RC_REFUSED, "EB503");
    /* All or nothing: 1 could be extended, 4 is in the bandeja. */
    expect_refused(db, con_bandeja, 2, 8, "cita", RC_REFUSED, "EB611");
    expect_refused(db, sin_timer, 1, 8, "cita", RC_REFUSED, "EB611");
    expect_refused(db, (const int64_t[]){ 6 }, 1, 8, "cita", RC_REFUSED, "EB604");
    db_close(db);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o JOIN antes a"
                                   " USING (id) WHERE o.timer_vence IS DISTINCT FROM"
                                   " a.timer_vence"),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE evento = 'TIMER_EXTENDIDO'"),
                     0);
    db_close(adm);
}

/*
 * The sweep against an extension of the same expired opportunity, both orders: the one that
 * locks the row first wins, the other sees the winner's version.
 */
static void
test_extender_vs_sweep(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *sup, *sweeper;
    struct err e;

    seed(t, adm);
    dbt_exec(adm, "UPDATE crm.oportunidades SET etapa_desde = now() - interval '5 days',"
                  " timer_vence = now() - interval '1 hour', timer_aviso = now() - interval"
                  " '2 hours', timer_avisado = true WHERE id IN (1, 2)");
    sup = dbt_connect(t, "ex_sup");
    sweeper = dbt_connect(t, "ex_p2"); /* anyone may sweep */
    /* The extension holds 1 while the sweep runs: 1 is skipped, 2 is returned. */
    dbt_exec(sup, "BEGIN");
    assert_int_equal(extender(sup, (const int64_t[]){ 1 }, 1, 4, "cita mañana", &e), RC_OK);
    assert_string_equal(dbt_scalar_tmp(t, sweeper, "SELECT devueltas FROM api.barrer_timers(100)"),
                        "1");
    dbt_exec(sup, "COMMIT");
    assert_string_equal(dbt_scalar_tmp(t, sweeper, "SELECT devueltas FROM api.barrer_timers(100)"),
                        "0");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(o.id || ':' || o.estado || ':' ||"
                                       " (SELECT string_agg(h.evento, '>' ORDER BY h.id) FROM"
                                       " crm.historial h WHERE h.oportunidad_id = o.id), ','"
                                       " ORDER BY o.id) FROM crm.oportunidades o"
                                       " WHERE o.id IN (1, 2)"),
                        "1:ABIERTA:ASIGNADA>TIMER_EXTENDIDO,2:DEVUELTA:ASIGNADA>TIMER_VENCIDO");
    /* The sweep got there first: the returned one cannot be extended. */
    expect_refused(sup, (const int64_t[]){ 2 }, 1, 4, "tarde", RC_REFUSED, "EB604");
    assert_string_equal(dbt_scalar_tmp(t, sup, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(sweeper);
    db_close(sup);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_extender_ok, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_extender_refusals, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_extender_vs_sweep, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
