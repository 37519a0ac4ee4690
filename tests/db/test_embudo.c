/*
 * test_embudo — api.mover, api.registrar_venta, api.nota (sql/006_embudo.sql): timers restart
 * in business time, SALIDA → bandeja with a mandatory reason, VENTA only through the sale,
 * idempotent sales, who may act, history rows with stage ids and names, and each refusal's
 * SQLSTATE.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "db/db.h"
#include "db/db_internal.h"
#include "dbt.h"
#include "util/err.h"

/* em_sup supervises em_p1 and em_p2; em_sup2 supervises em_p3; em_adm. p1 gets 10, p2 5. */
static void
seed(struct dbt *t, struct db *adm)
{
    struct db *p;

    static const struct dbt_usuario usuarios[] = {
        { "em_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "em_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
        { "em_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "em_p1", "Pepe Uno", "PROMOTOR", "em_sup", NULL },
        { "em_p2", "Paty Dos", "PROMOTOR", "em_sup", NULL },
        { "em_p3", "Pablo Tres", "PROMOTOR", "em_sup2", NULL },
    };

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 100);
    p = dbt_connect(t, "em_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(10)");
    db_close(p);
    p = dbt_connect(t, "em_p2");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(5)");
    db_close(p);
}

/* The id of the n-th (1-based) opportunity of login. */
static long long
op(struct dbt *t, struct db *adm, const char *login, int n)
{
    return dbt_scalar_ll(t, adm,
                         "SELECT o.id FROM crm.oportunidades o JOIN crm.usuarios u"
                         " ON u.id = o.usuario_id WHERE u.login = '%s'"
                         " ORDER BY o.id OFFSET %d LIMIT 1",
                         login, n - 1);
}

static void
test_mover_normal_restarts_timer(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long o;

    seed(t, adm);
    o = op(t, adm, "em_p1", 1);
    /* Pretend the opportunity was warned and is half-way through its timer. */
    dbt_exec(adm,
             "UPDATE crm.oportunidades SET etapa_desde = now() - interval '2 days',"
             " timer_vence = now() + interval '1 hour', timer_aviso = now() - interval"
             " '1 hour', timer_avisado = true WHERE id = %lld",
             o);
    p = dbt_connect(t, "em_p1");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT estado || '/' || etapa_nombre FROM"
                                       " api.mover(%lld, 'contactado', 'llamé')",
                                       o),
                        "ABIERTA/Contactado");
    /* 48 business hours from now, warning at 75 %, warning flag reset. */
    assert_string_equal(
        dbt_scalar_tmp(t, adm,
                       "SELECT timer_vence = api.sumar_horas_habiles("
                       "etapa_desde, 48) AND timer_aviso ="
                       " api.sumar_horas_habiles(etapa_desde, 36) AND"
                       " NOT timer_avisado AND etapa_desde > now() - interval '1 minute'"
                       " FROM crm.oportunidades WHERE id = %lld",
                       o),
        "t");
    /* History: TRANSICION with ids and names of both stages. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s',"
                                       " h.evento, h.etapa_anterior_id, h.etapa_anterior,"
                                       " h.etapa_nueva_id, h.etapa_nueva,"
                                       " h.estado_anterior, h.estado_nuevo, h.motivo)"
                                       " FROM crm.historial h WHERE h.oportunidad_id = %lld"
                                       " ORDER BY h.id DESC LIMIT 1",
                                       o),
                        dbt_scalar_tmp(t, adm,
                                       "SELECT format('TRANSICION|%%s|Nuevo|%%s|"
                                       "Contactado|ABIERTA|ABIERTA|llamé',"
                                       " (SELECT id FROM crm.etapas WHERE nombre ="
                                       " 'Nuevo'), (SELECT id FROM crm.etapas WHERE"
                                       " nombre = 'Contactado'))"));
    /* A NORMAL stage without a timer leaves none. */
    dbt_exec(adm, "INSERT INTO crm.etapas (nombre, orden, tipo) VALUES ('Seguimiento', 9,"
                  " 'NORMAL')");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT coalesce(timer_vence::text, 'sin timer')"
                                       " FROM api.mover(%lld, 'Seguimiento')",
                                       o),
                        "sin timer");
    /* Refusals. */
    dbt_expect_refusal(p, "EB306",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM api.mover(%lld,"
                                      " ''Seguimiento'')'",
                                      o));
    dbt_expect_refusal(p, "EB303",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM api.mover(%lld,"
                                      " ''No existe'')'",
                                      o));
    dbt_expect_refusal(p, "EB304",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM api.mover(%lld,"
                                      " ''Venta'')'",
                                      o));
    dbt_expect_refusal(p, "EB301", "SELECT * FROM api.mover(999999, 'Contactado')");
    dbt_expect_refusal(p, "EB301",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM api.mover(%lld,"
                                      " ''Contactado'')'",
                                      op(t, adm, "em_p2", 1)));
    db_close(p);
    db_close(adm);
}

static void
test_mover_salida_and_who_may_act(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    long long o1;
    long long o2;

    seed(t, adm);
    o1 = op(t, adm, "em_p1", 1);
    o2 = op(t, adm, "em_p1", 2);
    db = dbt_connect(t, "em_p1");
    dbt_expect_refusal(db, "EB305",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM api.mover(%lld,"
                                      " ''No localizado'', ''  '')'",
                                      o1));
    dbt_intentos(db, o1, 2);
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT estado || '/' || coalesce(timer_vence::text,"
                                       " '-') FROM api.mover(%lld, 'No localizado',"
                                       " 'no contesta')",
                                       o1),
                        "EN_BANDEJA/-");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT o.motivo_salida || '|' || h.evento || '|'"
                                       " || h.estado_nuevo || '|' || h.motivo FROM"
                                       " crm.oportunidades o JOIN crm.historial h ON"
                                       " h.oportunidad_id = o.id WHERE o.id = %lld"
                                       " ORDER BY h.id DESC LIMIT 1",
                                       o1),
                        "no contesta|A_BANDEJA|EN_BANDEJA|no contesta");
    /* In the bandeja the supervisor decides. */
    dbt_expect_refusal(db, "EB307",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM api.mover(%lld,"
                                      " ''Contactado'')'",
                                      o1));
    db_close(db);
    /* The owner's supervisor and an admin may move; another supervisor may not. */
    db = dbt_connect(t, "em_sup");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT etapa_nombre FROM api.mover(%lld,"
                                       " 'Interesado')",
                                       o2),
                        "Interesado");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT h.usuario_id = u.id FROM crm.historial h,"
                                       " crm.usuarios u WHERE u.login = 'em_sup' AND"
                                       " h.oportunidad_id = %lld ORDER BY h.id DESC"
                                       " LIMIT 1",
                                       o2),
                        "t");
    db_close(db);
    db = dbt_connect(t, "em_sup2");
    dbt_expect_refusal(db, "EB301",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM api.mover(%lld,"
                                      " ''Contactado'')'",
                                      o2));
    db_close(db);
    db = dbt_connect(t, "em_adm");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT etapa_nombre FROM api.mover(%lld,"
                                       " 'En trámite')",
                                       o2),
                        "En trámite");
    db_close(db);
    db_close(adm);
}

static void
test_venta(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long o1;
    long long o2;
    long long o3;

    seed(t, adm);
    o1 = op(t, adm, "em_p1", 1);
    o2 = op(t, adm, "em_p1", 2);
    o3 = op(t, adm, "em_p1", 3);
    p = dbt_connect(t, "em_p1");
    dbt_expect_refusal(p, "EB312",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM"
                                      " api.registrar_venta(%lld, 0, ''Nómina'',"
                                      " ''F-1'')'",
                                      o1));
    dbt_expect_refusal(p, "EB312",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM"
                                      " api.registrar_venta(%lld, 10.005,"
                                      " ''Nómina'', ''F-1'')'",
                                      o1));
    dbt_expect_refusal(p, "EB313",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM"
                                      " api.registrar_venta(%lld, 100, ''Nómina'',"
                                      " ''F 1'')'",
                                      o1));
    dbt_expect_refusal(p, "EB313",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM"
                                      " api.registrar_venta(%lld, 100, '''',"
                                      " ''F-1'')'",
                                      o1));
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s/%%s', folio_venta, nueva,"
                                       " mensaje) FROM api.registrar_venta(%lld, 15000.50,"
                                       " 'Crédito nómina', 'F-001')",
                                       o1),
                        "F-001/t/venta registrada con el folio F-001");
    /* Idempotent. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s/%%s', folio_venta, nueva,"
                                       " mensaje) FROM api.registrar_venta(%lld, 15000.50,"
                                       " 'Crédito nómina', 'F-001')",
                                       o1),
                        "F-001/f/la venta ya estaba registrada con el folio F-001");
    /* A different second sale: refused, naming the existing folio. */
    {
        struct err e = { 0 };

        assert_int_equal(dbt_try(p, &e,
                                 "SELECT * FROM api.registrar_venta(%lld, 9000,"
                                 " 'Crédito nómina', 'F-002')",
                                 o1),
                         RC_REFUSED);
        assert_string_equal(e.code, "EB310");
        assert_non_null(strstr(e.msg, "F-001"));
    }
    /* The folio belongs to one sale only. */
    dbt_expect_refusal(p, "EB311",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM"
                                      " api.registrar_venta(%lld, 100, ''X'',"
                                      " ''F-001'')'",
                                      o2));
    /* Closed as GANADA in the VENTA stage, history VENTA, cool-down block, pool row freed. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT o.estado || '/' || e.tipo || '/' ||"
                                       " (o.cerrada_at IS NOT NULL) || '/' ||"
                                       " (o.timer_vence IS NULL) FROM crm.oportunidades o"
                                       " JOIN crm.etapas e ON e.id = o.etapa_id"
                                       " WHERE o.id = %lld",
                                       o1),
                        "GANADA/VENTA/true/true");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT evento || '/' || estado_anterior || '/' ||"
                                       " estado_nuevo || '/' || etapa_nueva || '/' ||"
                                       " (datos ->> 'folio') FROM crm.historial WHERE"
                                       " oportunidad_id = %lld ORDER BY id DESC LIMIT 1",
                                       o1),
                        "VENTA/ABIERTA/GANADA/Venta/F-001");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT b.motivo || '/' || (p.oportunidad_id IS"
                                       " NULL) || '/' || (p.libre_desde = b.hasta) || '/'"
                                       " || (b.hasta > now() + interval '29 days')"
                                       " FROM crm.oportunidades o JOIN crm.bloqueos b ON"
                                       " b.cliente_id = o.cliente_id JOIN crm.pool p ON"
                                       " p.cliente_id = o.cliente_id WHERE o.id = %lld",
                                       o1),
                        "VENTA/true/true/true");
    /* Closed: no moves; in the bandeja: no sale; someone else's: EB301. */
    dbt_expect_refusal(p, "EB302",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM api.mover(%lld,"
                                      " ''Contactado'')'",
                                      o1));
    dbt_exec(p, "SELECT * FROM api.mover(%lld, 'No interesado', 'ya tiene crédito')", o3);
    dbt_expect_refusal(p, "EB307",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM"
                                      " api.registrar_venta(%lld, 100, ''X'',"
                                      " ''F-9'')'",
                                      o3));
    dbt_expect_refusal(p, "EB301",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM"
                                      " api.registrar_venta(%lld, 100, ''X'',"
                                      " ''F-9'')'",
                                      op(t, adm, "em_p2", 1)));
    dbt_exec(adm,
             "UPDATE crm.oportunidades SET estado = 'DEVUELTA', timer_vence = NULL,"
             " timer_aviso = NULL, cerrada_at = now() WHERE id = %lld",
             o2);
    dbt_expect_refusal(p, "EB302",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT * FROM"
                                      " api.registrar_venta(%lld, 100, ''X'',"
                                      " ''F-9'')'",
                                      o2));
    db_close(p);
    db_close(adm);
}

static void
test_nota(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long o1;
    long long nota;

    seed(t, adm);
    o1 = op(t, adm, "em_p1", 1);
    p = dbt_connect(t, "em_p1");
    nota = dbt_scalar_ll(t, p, "SELECT api.nota(%lld, '  marcar el lunes  ')", o1);
    assert_int_equal(nota, dbt_scalar_ll(t, adm, "SELECT max(id) FROM crm.historial"));
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT evento || '/' || motivo || '/' ||"
                                       " etapa_anterior FROM crm.historial"
                                       " ORDER BY id DESC LIMIT 1"),
                        "NOTA/marcar el lunes/Nuevo");
    dbt_expect_refusal(p, "EB320",
                       dbt_scalar_tmp(t, adm, "SELECT 'SELECT api.nota(%lld, '' '')'", o1));
    dbt_expect_refusal(p, "EB320",
                       dbt_scalar_tmp(t, adm,
                                      "SELECT 'SELECT api.nota(%lld,"
                                      " repeat(''x'', 2001))'",
                                      o1));
    dbt_expect_refusal(
        p, "EB301",
        dbt_scalar_tmp(t, adm, "SELECT 'SELECT api.nota(%lld, ''hola'')'", op(t, adm, "em_p2", 1)));
    /* Notes on closed opportunities are allowed. */
    dbt_exec(p, "SELECT * FROM api.registrar_venta(%lld, 100, 'X', 'F-7')", o1);
    dbt_exec(p, "SELECT api.nota(%lld, 'cliente contento')", o1);
    db_close(p);
    p = dbt_connect(t, "em_adm");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(p);
    db_close(adm);
}

/* Live panes: a change NOTIFYs 'embudo' with tiny payloads naming the table and the owner. */
static void
test_notify(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *oyente;
    struct db *p;
    PGconn *c;
    PGnotify *n;
    char visto[512] = "";
    long long p1;

    seed(t, adm);
    p1 = dbt_scalar_ll(t, adm, "SELECT id FROM crm.usuarios WHERE login = 'em_p1'");
    oyente = dbt_connect(t, "em_sup");
    dbt_exec(oyente, "LISTEN embudo");
    p = dbt_connect(t, "em_p1");
    dbt_exec(p, "SELECT * FROM api.mover(%lld, 'Contactado')", op(t, adm, "em_p1", 1));
    db_close(p);
    c = db_pg(oyente);
    /* Delivery is asynchronous: wait up to 2 s for both notifications. */
    for (int vistas = 0, i = 0; vistas < 2 && i < 100; i++) {
        struct pollfd pfd = { .fd = PQsocket(c), .events = POLLIN };

        (void)poll(&pfd, 1, 20);
        assert_int_equal(PQconsumeInput(c), 1);
        while ((n = PQnotifies(c)) != NULL) {
            assert_string_equal(n->relname, "embudo");
            assert_true(strlen(n->extra) < 100);
            strncat(visto, n->extra, sizeof visto - strlen(visto) - 2);
            strcat(visto, ";");
            PQfreemem(n);
            vistas++;
        }
    }
    /* One statement each: the opportunity update and its history row, both for p1. */
    assert_string_equal(visto, dbt_scalar_tmp(t, adm,
                                              "SELECT format('{\"tabla\" : \"oportunidades\","
                                              " \"usuario_id\" : %%1$s};{\"tabla\" :"
                                              " \"historial\", \"usuario_id\" : %%1$s};',"
                                              " %lld)",
                                              p1));
    db_close(oyente);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mover_normal_restarts_timer, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_mover_salida_and_who_may_act, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_venta, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_nota, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_notify, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
