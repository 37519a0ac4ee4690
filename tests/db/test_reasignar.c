/*
 * test_reasignar — api.reasignar (sql/008_bandeja.sql, 073): destination rules (active
 * promoter of the caller's team, quota and cartera room), closed opportunities refused,
 * REASIGNACION lote and history, timer restart, quota charged, the message's count and noun;
 * and the race of a reassignment against the timer expiry of the same opportunity: exactly
 * one wins, history consistent.
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
#include "util/err.h"

/* re_sup: re_p1, re_p2, re_p4 (VACACIONES); re_sup2: re_p3; re_adm. re_p1 holds 20. */
static void
seed(struct dbt *t, struct db *adm)
{
    struct db *p;

    static const struct dbt_usuario usuarios[] = {
        { "re_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "re_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
        { "re_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "re_p1", "Pepe Uno", "PROMOTOR", "re_sup", NULL },
        { "re_p2", "Paty Dos", "PROMOTOR", "re_sup", NULL },
        { "re_p3", "Pablo Tres", "PROMOTOR", "re_sup2", NULL },
        { "re_p4", "Pía Cuatro", "PROMOTOR", "re_sup", "VACACIONES" },
    };

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 200);
    p = dbt_connect(t, "re_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(20)");
    db_close(p);
}

static void
test_reasignar_ok(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;

    seed(t, adm);
    db = dbt_connect(t, "re_p1");
    dbt_exec(db, "SELECT * FROM api.mover(2, 'Interesado')");
    dbt_intentos(db, 3, 2);
    dbt_exec(db, "SELECT * FROM api.mover(3, 'No localizado', 'buzón')");
    db_close(db);
    dbt_exec(adm, "UPDATE crm.oportunidades SET etapa_desde = now() - interval '3 days',"
                  " timer_vence = now() + interval '1 hour', timer_aviso = now() - interval"
                  " '1 hour', timer_avisado = true WHERE id = 1");
    db = dbt_connect(t, "re_sup");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT reasignadas || '/' || mensaje FROM"
                                       " api.reasignar(ARRAY[3, 1, 2, 2], ' RE_P2 ',"
                                       " 'reparto de cartera')"),
                        "3/se reasignaron 3 oportunidades a Paty Dos (re_p2)");
    /* New owner and lote; ABIERTA; NORMAL stage kept, SALIDA → INICIAL; timer restarted. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s:%%s:%%s',"
                                       " o.id, u.login, o.estado, e.nombre,"
                                       " o.timer_vence = api.sumar_horas_habiles("
                                       "o.etapa_desde, e.timer_horas) AND NOT"
                                       " o.timer_avisado AND o.motivo_salida IS NULL),"
                                       " ',' ORDER BY o.id) FROM crm.oportunidades o"
                                       " JOIN crm.usuarios u ON u.id = o.usuario_id"
                                       " JOIN crm.etapas e ON e.id = o.etapa_id"
                                       " WHERE o.id <= 3"),
                        "1:re_p2:ABIERTA:Nuevo:t,2:re_p2:ABIERTA:Interesado:t,"
                        "3:re_p2:ABIERTA:Nuevo:t");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT l.origen || '/' || l.solicitados || '/' ||"
                                       " l.motivo || '/' || u.login || '/' || c.login ||"
                                       " '/' || (SELECT count(*) FROM crm.oportunidades o"
                                       " WHERE o.lote_id = l.id) FROM crm.lotes l JOIN"
                                       " crm.usuarios u ON u.id = l.usuario_id JOIN"
                                       " crm.usuarios c ON c.id = l.creado_por"
                                       " WHERE l.origen = 'REASIGNACION'"),
                        "REASIGNACION/3/reparto de cartera/re_p2/re_sup/3");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s>%%s:%%s>%%s:"
                                       "%%s', h.oportunidad_id, h.estado_anterior,"
                                       " h.estado_nuevo, h.etapa_anterior, h.etapa_nueva,"
                                       " h.motivo), ',' ORDER BY h.oportunidad_id)"
                                       " FROM crm.historial h WHERE h.evento ="
                                       " 'REASIGNADA'"),
                        "1:ABIERTA>ABIERTA:Nuevo>Nuevo:reparto de cartera,"
                        "2:ABIERTA>ABIERTA:Interesado>Interesado:reparto de cartera,"
                        "3:EN_BANDEJA>ABIERTA:No localizado>Nuevo:reparto de cartera");
    /* The destination's quota is charged; the pool follows the owner. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT c.usados FROM crm.cupo_diario c JOIN"
                                       " crm.usuarios u ON u.id = c.usuario_id"
                                       " WHERE u.login = 're_p2'"),
                        "3");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT count(*) FROM crm.pool p JOIN"
                                       " crm.usuarios u ON u.id = p.usuario_id"
                                       " WHERE u.login = 're_p2'"),
                        "3");
    db_close(db);
    /* The old owner no longer sees them; the new one does. */
    db = dbt_connect(t, "re_p1");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM crm.oportunidades"), "17");
    db_close(db);
    db = dbt_connect(t, "re_p2");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM crm.oportunidades"), "3");
    db_close(db);
    /* An admin may send to any team. */
    db = dbt_connect(t, "re_adm");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT reasignadas || '/' || mensaje FROM"
                                       " api.reasignar(ARRAY[4], 're_p3', 'apoyo')"),
                        "1/se reasignó 1 oportunidad a Pablo Tres (re_p3)");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(db);
    db_close(adm);
}

static void
test_reasignar_refusals(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct err e = { 0 };

    seed(t, adm);
    db = dbt_connect(t, "re_p1");
    dbt_exec(db, "SELECT * FROM api.registrar_venta(5, 1000, 'Nómina', 'F-5')");
    /* Promoters have no EXECUTE on it at all. */
    assert_int_equal(dbt_try(db, &e, "SELECT * FROM api.reasignar(ARRAY[1], 're_p2', 'x')"), RC_DB);
    assert_string_equal(e.code, "42501");
    db_close(db);
    dbt_exec(adm, "UPDATE crm.oportunidades SET estado = 'DEVUELTA', timer_vence = NULL,"
                  " timer_aviso = NULL, cerrada_at = now() WHERE id = 6");
    dbt_exec(adm, "UPDATE crm.oportunidades SET estado = 'DESCARTADA', timer_vence = NULL,"
                  " timer_aviso = NULL, cerrada_at = now() WHERE id = 7");
    db = dbt_connect(t, "re_sup");
    dbt_expect_refusal(db, "EB501", "SELECT * FROM api.reasignar(ARRAY[]::bigint[], 're_p2', 'x')");
    dbt_expect_refusal(db, "EB501", "SELECT * FROM api.reasignar(NULL, 're_p2', 'x')");
    dbt_expect_refusal(db, "EB503", "SELECT * FROM api.reasignar(ARRAY[1], 're_p2', '   ')");
    dbt_expect_refusal(db, "EB601", "SELECT * FROM api.reasignar(ARRAY[1], 'nadie', 'x')");
    dbt_expect_refusal(db, "EB601", "SELECT * FROM api.reasignar(ARRAY[1], 're_sup2', 'x')");
    dbt_expect_refusal(db, "EB602", "SELECT * FROM api.reasignar(ARRAY[1], 're_p4', 'x')");
    dbt_expect_refusal(db, "EB603", "SELECT * FROM api.reasignar(ARRAY[1], 're_p3', 'x')");
    dbt_expect_refusal(db, "EB607", "SELECT * FROM api.reasignar(ARRAY[1], 're_p1', 'x')");
    dbt_expect_refusal(db, "EB301", "SELECT * FROM api.reasignar(ARRAY[1, 99999], 're_p2', 'x')");
    /* Closed ones, named in the message; nothing of the batch is done. */
    assert_int_equal(dbt_try(db, &e, "SELECT * FROM api.reasignar(ARRAY[1, 5], 're_p2', 'x')"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB604");
    assert_non_null(strstr(e.msg, "5"));
    assert_non_null(strstr(e.msg, "GANADA"));
    dbt_expect_refusal(db, "EB604", "SELECT * FROM api.reasignar(ARRAY[6], 're_p2', 'x')");
    dbt_expect_refusal(db, "EB604", "SELECT * FROM api.reasignar(ARRAY[7], 're_p2', 'x')");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT count(*) FROM crm.oportunidades o JOIN"
                                       " crm.usuarios u ON u.id = o.usuario_id"
                                       " WHERE u.login = 're_p2'"),
                        "0");
    /* Destination quota and cartera. */
    dbt_exec(adm, "UPDATE crm.usuarios SET cupo_diario = 2 WHERE login = 're_p2'");
    dbt_expect_refusal(db, "EB605", "SELECT * FROM api.reasignar(ARRAY[1, 2, 3], 're_p2', 'x')");
    dbt_exec(adm, "UPDATE crm.usuarios SET cupo_diario = 50, cartera_max = 2"
                  " WHERE login = 're_p2'");
    dbt_expect_refusal(db, "EB606", "SELECT * FROM api.reasignar(ARRAY[1, 2, 3], 're_p2', 'x')");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT reasignadas FROM api.reasignar(ARRAY[1, 2],"
                                       " 're_p2', 'x')"),
                        "2");
    db_close(db);
    /* Another team's supervisor cannot take them (EB301: not revealed). */
    db = dbt_connect(t, "re_sup2");
    dbt_expect_refusal(db, "EB301", "SELECT * FROM api.reasignar(ARRAY[8], 're_p3', 'x')");
    db_close(db);
    db_close(adm);
}

/* ---- reassignment vs timer expiry ---------------------------------------------------------- */

#define ROUNDS 40

struct carrera {
    const struct dbt *t;
    pthread_barrier_t *inicio;
    pthread_barrier_t *fin;
    long long op[ROUNDS];
    int gana_reasignar[ROUNDS];
    long barridas[ROUNDS];
    int fallo;
    struct err e;
};

static void *
reasignador(void *arg)
{
    struct carrera *c = arg;
    struct db *db = dbt_connect_err(c->t, "re_sup", &c->e);

    for (int i = 0; i < ROUNDS; i++) {
        char sql[160];
        char *out = NULL;
        struct err e = { 0 };

        pthread_barrier_wait(c->inicio);
        if (db != NULL && !c->fallo) {
            snprintf(sql, sizeof sql,
                     "SELECT reasignadas FROM api.reasignar(ARRAY[%lld],"
                     " 're_p2', 'carrera')",
                     c->op[i]);
            if (db_query_text(db, sql, 0, NULL, &out, &e) == RC_OK)
                c->gana_reasignar[i] = 1;
            else if (strcmp(e.code, "EB604") != 0) {
                c->e = e;
                c->fallo = 1;
            }
            free(out);
        } else {
            c->fallo = 1;
        }
        pthread_barrier_wait(c->fin);
    }
    db_close(db);
    return NULL;
}

static void *
barredor(void *arg)
{
    struct carrera *c = arg;
    struct err e = { 0 };
    struct db *db = dbt_connect_err(c->t, "re_p1", &e);

    for (int i = 0; i < ROUNDS; i++) {
        char *out = NULL;

        pthread_barrier_wait(c->inicio);
        if (db != NULL &&
            db_query_text(db, "SELECT devueltas FROM api.barrer_timers(10, 'r')", 0, NULL, &out,
                          &e) == RC_OK &&
            out != NULL)
            c->barridas[i] = strtol(out, NULL, 10);
        else
            c->barridas[i] = -1;
        free(out);
        pthread_barrier_wait(c->fin);
    }
    db_close(db);
    return NULL;
}

static void
test_race_reasignar_vs_vencimiento(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    pthread_barrier_t inicio;
    pthread_barrier_t fin;
    struct carrera c = { .t = t, .inicio = &inicio, .fin = &fin };
    pthread_t th[2];
    int ganadas = 0;

    seed(t, adm);
    dbt_exec(adm, "UPDATE crm.usuarios SET cupo_diario = 1000 WHERE login = 're_p2'");
    db = dbt_connect(t, "re_p1");
    dbt_exec(db, "SELECT * FROM api.solicitar_asignacion(20)");
    db_close(db);
    for (int i = 0; i < ROUNDS; i++)
        c.op[i] = i + 1;
    assert_int_equal(pthread_barrier_init(&inicio, NULL, 3), 0);
    assert_int_equal(pthread_barrier_init(&fin, NULL, 3), 0);
    assert_int_equal(pthread_create(&th[0], NULL, reasignador, &c), 0);
    assert_int_equal(pthread_create(&th[1], NULL, barredor, &c), 0);
    for (int i = 0; i < ROUNDS; i++) {
        dbt_exec(adm,
                 "UPDATE crm.oportunidades SET etapa_desde = now() - interval '3 days',"
                 " timer_aviso = NULL, timer_vence = now() - interval '1 second'"
                 " WHERE id = %lld",
                 c.op[i]);
        pthread_barrier_wait(&inicio);
        pthread_barrier_wait(&fin);
    }
    assert_int_equal(pthread_join(th[0], NULL), 0);
    assert_int_equal(pthread_join(th[1], NULL), 0);
    pthread_barrier_destroy(&inicio);
    pthread_barrier_destroy(&fin);
    if (c.fallo)
        fail_msg("reasignar: %s %s", c.e.code, c.e.msg);

    for (int i = 0; i < ROUNDS; i++) {
        const char *esperado = c.gana_reasignar[i] ? "ABIERTA/re_p2/0/1" : "DEVUELTA/re_p1/1/0";

        /* Exactly one winner per round; the sweep returned it only when it won. */
        assert_int_equal(c.barridas[i], c.gana_reasignar[i] ? 0 : 1);
        assert_string_equal(dbt_scalar_tmp(t, adm,
                                           "SELECT o.estado || '/' || u.login || '/' ||"
                                           " (SELECT count(*) FROM crm.historial h WHERE"
                                           " h.oportunidad_id = o.id AND h.evento ="
                                           " 'TIMER_VENCIDO') || '/' || (SELECT count(*)"
                                           " FROM crm.historial h WHERE h.oportunidad_id"
                                           " = o.id AND h.evento = 'REASIGNADA')"
                                           " FROM crm.oportunidades o JOIN crm.usuarios"
                                           " u ON u.id = o.usuario_id WHERE o.id = %lld",
                                           c.op[i]),
                            esperado);
        ganadas += c.gana_reasignar[i];
    }
    print_message("reasignar contra vencimiento: %d de %d rondas ganó la reasignación\n", ganadas,
                  ROUNDS);
    db = dbt_connect(t, "re_adm");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(db);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reasignar_ok, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_reasignar_refusals, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_race_reasignar_vs_vencimiento, dbt_setup,
                                        dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
