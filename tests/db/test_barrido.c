/*
 * test_barrido — api.barrer_timers and the sweep heartbeat (sql/007_barrido.sql): expired
 * opportunities go back to the pool as DEVUELTA with exactly one TIMER_VENCIDO row, warnings
 * past 75 %, one bounded batch per call, refusals, sweep_salud; rt/sweep.c's sweep_run as each
 * role the terminal client runs as (every client sweeps); the heartbeat table pruned at
 * the end of each run (sql/056); and the race: two sweepers over
 * 100,000 expired opportunities → each returned exactly once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "dbt.h"
#include "rt/sweep.h"
#include "util/err.h"

/* ba_sup supervises ba_p1; ba_adm; n clients; ba_p1 gets min(n, 50) of them. */
static void
seed(struct dbt *t, struct db *adm, int n)
{
    struct db *p;

    dbt_role(t, "ba_sup", "embudo_supervisor");
    dbt_role(t, "ba_adm", "embudo_admin");
    dbt_role(t, "ba_p1", "embudo_promotor");
    dbt_exec(adm,
             "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
             " ('ba_sup', 'Sara Supervisora', 'SUPERVISOR'), ('ba_adm', 'Ada Admin', 'ADMIN');"
             "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id) VALUES"
             " ('ba_p1', 'Pepe Uno', 'PROMOTOR', (SELECT id FROM crm.usuarios"
             "  WHERE login = 'ba_sup'));"
             "INSERT INTO padron.convenios (clave, nombre, tipo)"
             " VALUES ('IMSS', 'IMSS', 'FEDERAL');"
             "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id,"
             " edad) SELECT 'Cliente ' || i, 'Prueba', 1, 9, 30"
             " FROM generate_series(1, %d) i",
             n);
    p = dbt_connect(t, "ba_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(%d)", n < 50 ? n : 50);
    db_close(p);
}

/* Makes the first n opportunities (by id) expired, the next m due for their warning. */
static void
age(struct db *adm, int expired, int warned)
{
    dbt_exec(adm,
             "UPDATE crm.oportunidades SET etapa_desde = now() - interval '5 days',"
             " timer_aviso = now() - interval '3 days', timer_vence = now() - interval"
             " '1 minute' * id WHERE id <= %d",
             expired);
    dbt_exec(adm,
             "UPDATE crm.oportunidades SET etapa_desde = now() - interval '2 days',"
             " timer_aviso = now() - interval '1 minute', timer_vence = now() + interval"
             " '1 day' WHERE id > %d AND id <= %d",
             expired, expired + warned);
}

static void
test_expiry_and_warning(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;

    seed(t, adm, 20);
    age(adm, 3, 2);
    p = dbt_connect(t, "ba_p1");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT devueltas || '/' || avisadas FROM"
                                       " api.barrer_timers(1000, 'prueba')"),
                        "3/2");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT devueltas || '/' || avisadas FROM"
                                       " api.barrer_timers()"),
                        "0/0");
    /* Returned: DEVUELTA, closed, no timer, one TIMER_VENCIDO by the system, pool free. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(o.estado || ':' ||"
                                       " (o.cerrada_at IS NOT NULL) || ':' ||"
                                       " (o.timer_vence IS NULL) || ':' ||"
                                       " (p.oportunidad_id IS NULL), ',' ORDER BY o.id)"
                                       " FROM crm.oportunidades o JOIN crm.pool p ON"
                                       " p.cliente_id = o.cliente_id WHERE o.id <= 3"),
                        "DEVUELTA:true:true:true,DEVUELTA:true:true:true,"
                        "DEVUELTA:true:true:true");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s:%%s:%%s',"
                                       " oportunidad_id, estado_anterior, estado_nuevo,"
                                       " coalesce(usuario_id::text, 'sistema'),"
                                       " datos ->> 'proceso'), ',' ORDER BY"
                                       " oportunidad_id) FROM crm.historial"
                                       " WHERE evento = 'TIMER_VENCIDO'"),
                        "1:ABIERTA:DEVUELTA:sistema:prueba,2:ABIERTA:DEVUELTA:sistema:prueba,"
                        "3:ABIERTA:DEVUELTA:sistema:prueba");
    /* Warned: flag set, one TIMER_AVISO, still ABIERTA. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(o.id || ':' || o.estado || ':'"
                                       " || o.timer_avisado || ':' || (SELECT count(*)"
                                       " FROM crm.historial h WHERE h.oportunidad_id ="
                                       " o.id AND h.evento = 'TIMER_AVISO'), ','"
                                       " ORDER BY o.id) FROM crm.oportunidades o"
                                       " WHERE o.timer_avisado"),
                        "4:ABIERTA:true:1,5:ABIERTA:true:1");
    /* The returned clients can be requested again (no cool-down after a timer return). */
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT disponibles FROM api.disponibles()"), "3");
    /* A move restarts the timer and clears the warning. */
    dbt_exec(p, "SELECT * FROM api.mover(4, 'Contactado')");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT timer_avisado FROM crm.oportunidades"
                                       " WHERE id = 4"),
                        "f");
    db_close(p);
    p = dbt_connect(t, "ba_adm");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(p);
    db_close(adm);
}

static void
test_batches_and_refusals(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct err e = { 0 };

    seed(t, adm, 20);
    age(adm, 5, 0);
    p = dbt_connect(t, "ba_p1");
    /* Oldest first, at most `lote` per call. */
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT devueltas FROM api.barrer_timers(2)"), "2");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(id::text, ',' ORDER BY id)"
                                       " FROM crm.oportunidades WHERE estado ="
                                       " 'DEVUELTA'"),
                        "4,5");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT devueltas FROM api.barrer_timers(2)"), "2");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT devueltas FROM api.barrer_timers(2)"), "1");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT devueltas FROM api.barrer_timers(2)"), "0");
    /* Expired ones waiting for the next batch are returned, never warned first. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT count(*) FROM crm.historial"
                                       " WHERE evento = 'TIMER_AVISO'"),
                        "0");
    assert_int_equal(dbt_try(p, &e, "SELECT * FROM api.barrer_timers(0)"), RC_REFUSED);
    assert_string_equal(e.code, "EB401");
    assert_int_equal(dbt_try(p, &e, "SELECT * FROM api.barrer_timers(10001)"), RC_REFUSED);
    assert_string_equal(e.code, "EB401");
    /* Opportunities in the bandeja or closed have no timer and are never swept. */
    dbt_intentos(p, 6, 2);
    dbt_exec(p, "SELECT * FROM api.mover(6, 'No localizado', 'buzón')");
    dbt_exec(adm, "UPDATE crm.oportunidades SET etapa_desde = now() - interval '1 day',"
                  " timer_aviso = NULL, timer_vence = now() - interval '1 s' WHERE id = 7");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT devueltas FROM api.barrer_timers()"), "1");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT estado FROM crm.oportunidades"
                                       " WHERE id = 6"),
                        "EN_BANDEJA");
    db_close(p);
    db_close(adm);
}

static void
test_heartbeat(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct err e = { 0 };
    long long id;

    seed(t, adm, 5);
    p = dbt_connect(t, "ba_p1");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT coalesce(ultimo_exito::text, 'nunca') ||"
                                       " '/' || coalesce(segundos_desde::text, '-') || '/'"
                                       " || corridas_1h FROM api.sweep_salud()"),
                        "nunca/-/0");
    id = dbt_scalar_ll(t, p, "SELECT api.sweep_inicio('host-a:123')");
    /* Started but not finished: no success yet. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT (ultimo_exito IS NULL) || '/' ||"
                                       " (ultimo_inicio IS NOT NULL) FROM api.sweep_salud()"),
                        "true/true");
    dbt_exec(p, "SELECT api.sweep_fin(%lld, 3, 1)", id);
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT (segundos_desde BETWEEN 0 AND 60) || '/' ||"
                                       " coalesce(ultimo_error, '-') || '/' || corridas_1h"
                                       " FROM api.sweep_salud()"),
                        "true/-/1");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT proceso || '/' || devueltas || '/' ||"
                                       " avisadas FROM crm.sweep_runs WHERE id = %lld",
                                       id),
                        "host-a:123/3/1");
    /* Finishing twice, or an unknown run: EB402. */
    assert_int_equal(dbt_try(p, &e, "SELECT api.sweep_fin(%lld, 0, 0)", id), RC_REFUSED);
    assert_string_equal(e.code, "EB402");
    assert_int_equal(dbt_try(p, &e, "SELECT api.sweep_fin(987654, 0, 0)"), RC_REFUSED);
    assert_string_equal(e.code, "EB402");
    /* A failed run is visible, and the last success stays the earlier one. */
    id = dbt_scalar_ll(t, p, "SELECT api.sweep_inicio('host-b')");
    dbt_exec(p, "SELECT api.sweep_fin(%lld, 0, 0, 'sin conexión')", id);
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT ultimo_error || '/' || (ultimo_exito <"
                                       " ultimo_error_at) || '/' || corridas_1h FROM"
                                       " api.sweep_salud()"),
                        "sin conexión/true/2");
    db_close(p);
    db_close(adm);
}

/*
 * Every client sweeps every minute, so the end of a run prunes the heartbeat table
 * (sql/056): idle runs older than 2 days and any run older than 90 days go; recent runs,
 * old runs that returned or warned something or failed, and the run just finished stay.
 */
static void
test_heartbeat_pruned(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long id;

    seed(t, adm, 1);
    dbt_exec(adm,
             "INSERT INTO crm.sweep_runs (proceso, iniciado_at, terminado_at, devueltas,"
             " avisadas, error) VALUES"
             " ('vieja-vacia', now() - interval '3 days', now() - interval '3 days', 0, 0, NULL),"
             " ('vieja-vacia', now() - interval '10 days', now() - interval '10 days', 0, 0, NULL),"
             " ('reciente-vacia', now() - interval '1 day', now() - interval '1 day', 0, 0, NULL),"
             " ('vieja-devolvio', now() - interval '10 days', now() - interval '10 days', 4, 0,"
             "  NULL),"
             " ('vieja-aviso', now() - interval '10 days', now() - interval '10 days', 0, 2, NULL),"
             " ('vieja-error', now() - interval '10 days', now() - interval '10 days', 0, 0,"
             "  'sin conexión'),"
             " ('vieja-abierta', now() - interval '10 days', NULL, 0, 0, NULL),"
             " ('antigua', now() - interval '91 days', now() - interval '91 days', 7, 0, NULL),"
             " ('antigua-abierta', now() - interval '91 days', NULL, 0, 0, NULL)");
    p = dbt_connect(t, "ba_p1");
    id = dbt_scalar_ll(t, p, "SELECT api.sweep_inicio('host-c')");
    dbt_exec(p, "SELECT api.sweep_fin(%lld, 0, 0)", id);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(proceso, ',' ORDER BY proceso)"
                                       " FROM crm.sweep_runs"),
                        "host-c,reciente-vacia,vieja-abierta,vieja-aviso,vieja-devolvio,"
                        "vieja-error");
    /* The health view still sees the run just finished. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT (segundos_desde BETWEEN 0 AND 60)::text"
                                       " FROM api.sweep_salud()"),
                        "true");
    db_close(p);
    db_close(adm);
}

/*
 * The client sweeps as whoever runs it: a promoter, a supervisor or an admin each complete a
 * heartbeat-wrapped run (SECURITY DEFINER, granted to embudo_usuario); the first one returns
 * what expired and warns what is due, and the others find nothing left.
 */
static void
test_sweep_run_every_role(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    const char *logins[] = { "ba_sup", "ba_p1", "ba_adm" };
    struct sweep_run run;
    struct err e = { 0 };

    seed(t, adm, 5);
    age(adm, 3, 1);
    for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
        struct db *db = dbt_connect(t, logins[i]);
        char proceso[64];

        snprintf(proceso, sizeof proceso, "embudo ui %s prueba:1", logins[i]);
        if (sweep_run(db, proceso, NULL, &run, &e) != RC_OK)
            fail_msg("sweep_run como %s: %s", logins[i], e.msg);
        assert_int_equal(run.devueltas, i == 0 ? 3 : 0);
        assert_int_equal(run.avisadas, i == 0 ? 1 : 0);
        assert_int_equal(run.lotes, 1);
        assert_string_equal(dbt_scalar_tmp(t, adm,
                                           "SELECT count(*) FROM crm.sweep_runs WHERE proceso ="
                                           " '%s' AND terminado_at IS NOT NULL AND error IS NULL"
                                           " AND devueltas = %d",
                                           proceso, run.devueltas),
                            "1");
        db_close(db);
    }
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT count(*) FROM crm.historial WHERE evento ="
                                       " 'TIMER_VENCIDO' AND datos ->> 'proceso' ="
                                       " 'embudo ui ba_sup prueba:1'"),
                        "3");
    db_close(adm);
}

/* ---- two sweepers over 100,000 expired opportunities ---------------------------------------- */

#define RACE_EXPIRED 100000

struct sweeper {
    const struct dbt *t;
    const char *nombre;
    long devueltas;
    long lotes;
    int fallo;
    struct err e;
};

static void *
sweeper_main(void *arg)
{
    struct sweeper *s = arg;
    struct db *db = dbt_connect_err(s->t, "ba_p1", &s->e);
    char sql[128];

    if (db == NULL) {
        s->fallo = 1;
        return NULL;
    }
    snprintf(sql, sizeof sql, "SELECT devueltas FROM api.barrer_timers(1000, '%s')", s->nombre);
    for (;;) {
        char *out = NULL;
        long n;

        if (db_query_text(db, sql, 0, NULL, &out, &s->e) != RC_OK || out == NULL) {
            free(out);
            s->fallo = 1;
            break;
        }
        n = strtol(out, NULL, 10);
        free(out);
        if (n == 0)
            break;
        s->devueltas += n;
        s->lotes++;
    }
    db_close(db);
    return NULL;
}

static void
test_race_two_sweepers(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct sweeper s[2] = { { .t = t, .nombre = "barredor-a" },
                            { .t = t, .nombre = "barredor-b" } };
    pthread_t th[2];

    seed(t, adm, 1);
    /* 100,000 more clients with expired opportunities (CAPTACION lote: no quota involved). */
    dbt_exec(adm,
             "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id,"
             " edad) SELECT 'Vencido ' || i, 'Prueba', 1, 14, 40"
             " FROM generate_series(1, %d) i",
             RACE_EXPIRED);
    dbt_exec(adm, "UPDATE crm.usuarios SET cartera_max = 100000");
    dbt_exec(adm,
             "INSERT INTO crm.lotes (usuario_id, origen, solicitados, creado_por)"
             " SELECT id, 'CAPTACION', %d, id FROM crm.usuarios WHERE login = 'ba_p1'",
             RACE_EXPIRED);
    dbt_exec(adm, "INSERT INTO crm.oportunidades (cliente_id, usuario_id, lote_id, etapa_id,"
                  " etapa_desde, timer_vence, timer_aviso, timer_avisado)"
                  " SELECT p.cliente_id, l.usuario_id, l.id, (SELECT id FROM crm.etapas"
                  "  WHERE tipo = 'INICIAL'), now() - interval '5 days', now() - interval"
                  "  '1 second' * (p.cliente_id %% 5000 + 1), now() - interval '4 days', true"
                  " FROM crm.pool p, (SELECT max(id) AS id, max(usuario_id) AS usuario_id FROM"
                  "  crm.lotes) l WHERE p.oportunidad_id IS NULL");
    dbt_exec(adm, "INSERT INTO crm.historial (oportunidad_id, evento, etapa_nueva_id,"
                  " etapa_nueva, estado_nuevo, usuario_id) SELECT o.id, 'CAPTADA', o.etapa_id,"
                  " 'Nuevo', 'ABIERTA', o.usuario_id FROM crm.oportunidades o"
                  " WHERE o.lote_id = (SELECT max(id) FROM crm.lotes)");
    dbt_exec(adm, "VACUUM ANALYZE crm.oportunidades");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades WHERE"
                                   " estado = 'ABIERTA' AND timer_vence <= now()"),
                     RACE_EXPIRED);

    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, sweeper_main, &s[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 2; i++)
        if (s[i].fallo)
            fail_msg("%s: %s %s", s[i].nombre, s[i].e.code, s[i].e.msg);
    print_message("barrido: %s %ld en %ld lotes, %s %ld en %ld lotes\n", s[0].nombre,
                  s[0].devueltas, s[0].lotes, s[1].nombre, s[1].devueltas, s[1].lotes);
    /* Exactly once: the two counts add up, and every row has exactly one TIMER_VENCIDO. */
    assert_int_equal(s[0].devueltas + s[1].devueltas, RACE_EXPIRED);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades"
                                   " WHERE estado = 'DEVUELTA'"),
                     RACE_EXPIRED);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE evento = 'TIMER_VENCIDO'"),
                     RACE_EXPIRED);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM (SELECT oportunidad_id FROM"
                                   " crm.historial WHERE evento = 'TIMER_VENCIDO'"
                                   " GROUP BY 1 HAVING count(*) <> 1) x"),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial h JOIN"
                                   " crm.oportunidades o ON o.id = h.oportunidad_id"
                                   " WHERE h.evento = 'TIMER_VENCIDO' AND o.estado <>"
                                   " 'DEVUELTA'"),
                     0);
    /* Each process's rows are labelled with its name, and the labels add up. */
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial WHERE evento ="
                                   " 'TIMER_VENCIDO' AND datos ->> 'proceso' = '%s'",
                                   s[0].nombre),
                     s[0].devueltas);
    db = dbt_connect(t, "ba_adm");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(db);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_expiry_and_warning, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_batches_and_refusals, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_pruned, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_sweep_run_every_role, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_race_two_sweepers, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
