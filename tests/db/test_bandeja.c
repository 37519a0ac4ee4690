/*
 * test_bandeja — the supervisor's exits inbox (sql/008_bandeja.sql): who sees which rows,
 * with reason, age (wall-clock, and business hours against crm.ajustes.bandeja_horas: sql/103)
 * and last event; devolver / descartar / reabrir / reasignar with mandatory
 * reasons, all-or-nothing, and their effect on the pool and the history.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_crm.h"
#include "dbt.h"
#include "util/err.h"

/*
 * bd_sup: bd_p1, bd_p2; bd_sup2: bd_p3; bd_adm. p1 holds ids 1–6 and sends 1–4 to the
 * bandeja; p3 holds 7–9 and sends 7.
 */
static void
seed(struct dbt *t, struct db *adm)
{
    static const struct dbt_usuario usuarios[] = {
        { "bd_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "bd_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
        { "bd_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "bd_p1", "Pepe Uno", "PROMOTOR", "bd_sup", NULL },
        { "bd_p2", "Paty Dos", "PROMOTOR", "bd_sup", NULL },
        { "bd_p3", "Pablo Tres", "PROMOTOR", "bd_sup2", NULL },
    };
    struct db *p;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_exec(adm, "INSERT INTO padron.convenios (clave, nombre, tipo)"
                  " VALUES ('IMSS', 'IMSS', 'FEDERAL');"
                  "INSERT INTO padron.clientes (nombre, primer_apellido, segundo_apellido,"
                  " convenio_id, entidad_id, edad) SELECT 'Cliente' || i, 'Prueba', 'Díaz', 1,"
                  " 9, 30 FROM generate_series(1, 50) i;"
                  "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)"
                  " SELECT id, 'CELULAR', '+5255000000' || lpad(id::text, 2, '0')"
                  " FROM padron.clientes");
    p = dbt_connect(t, "bd_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(6)");
    dbt_intentos(p, 1, 2);
    dbt_exec(p, "SELECT * FROM api.mover(1, 'No localizado', 'no contesta')");
    dbt_exec(p, "SELECT * FROM api.mover(2, 'No interesado', 'ya tiene crédito')");
    dbt_exec(p, "SELECT * FROM api.mover(3, 'No califica', 'edad')");
    dbt_exec(p, "SELECT * FROM api.mover(4, 'No califica', 'convenio')");
    db_close(p);
    p = dbt_connect(t, "bd_p3");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(3)");
    dbt_intentos(p, 7, 2);
    dbt_exec(p, "SELECT * FROM api.mover(7, 'No localizado', 'número equivocado')");
    db_close(p);
    dbt_exec(adm, "UPDATE crm.oportunidades SET etapa_desde = now() - interval '5 hours'"
                  " WHERE id = 2");
}

static void
test_listing_by_role(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct err e = { 0 };

    seed(t, adm);
    db = dbt_connect(t, "bd_sup");
    /* Own team only, oldest first, with client, phone, reason, age and last event. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT string_agg(oportunidad_id::text, ','"
                                       " ORDER BY n) FROM (SELECT oportunidad_id,"
                                       " row_number() OVER () AS n FROM api.bandeja()) x"),
                        "2,1,3,4");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT format('%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s',"
                                       " cliente, telefono, usuario_login, usuario_nombre,"
                                       " etapa, motivo, antiguedad_horas >= 5,"
                                       " ultimo_evento) FROM api.bandeja()"
                                       " WHERE oportunidad_id = 2"),
                        dbt_scalar_tmp(t, adm,
                                       "SELECT format('%%s Prueba Díaz|%%s|bd_p1|Pepe Uno|"
                                       "No interesado|ya tiene crédito|t|A_BANDEJA',"
                                       " c.nombre, d.valor) FROM crm.oportunidades o"
                                       " JOIN padron.clientes c ON c.id = o.cliente_id"
                                       " JOIN padron.datos_contacto d ON d.cliente_id ="
                                       " c.id WHERE o.id = 2"));
    db_close(db);
    db = dbt_connect(t, "bd_sup2");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT string_agg(oportunidad_id::text, ',')"
                                       " FROM api.bandeja()"),
                        "7");
    db_close(db);
    db = dbt_connect(t, "bd_adm");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM api.bandeja()"), "5");
    db_close(db);
    db = dbt_connect(t, "bd_p1");
    assert_int_equal(dbt_try(db, &e, "SELECT * FROM api.bandeja()"), RC_DB);
    assert_string_equal(e.code, "42501");
    db_close(db);
    db_close(adm);
}

static void
test_actions(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;

    seed(t, adm);
    db = dbt_connect(t, "bd_sup");
    /* Mandatory reasons, ids, bandeja membership, team — all before anything changes. */
    dbt_expect_refusal(db, "EB503", "SELECT api.bandeja_devolver(ARRAY[1], '')");
    dbt_expect_refusal(db, "EB503", "SELECT api.bandeja_descartar(ARRAY[1], NULL)");
    dbt_expect_refusal(db, "EB503", "SELECT api.bandeja_reabrir(ARRAY[1], ' ')");
    dbt_expect_refusal(db, "EB503", "SELECT * FROM api.bandeja_reasignar(ARRAY[1], 'bd_p2', '')");
    dbt_expect_refusal(db, "EB501", "SELECT api.bandeja_devolver(ARRAY[]::bigint[], 'x')");
    dbt_expect_refusal(db, "EB502", "SELECT api.bandeja_devolver(ARRAY[1, 5], 'x')");
    dbt_expect_refusal(db, "EB301", "SELECT api.bandeja_devolver(ARRAY[1, 7], 'x')");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM api.bandeja()"), "4");

    /* devolver: DEVUELTA, back to the pool at once. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT api.bandeja_devolver(ARRAY[1],"
                                       " 'no localizable')"),
                        "1");
    /* descartar: DESCARTADA, cool-down block. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT api.bandeja_descartar(ARRAY[2],"
                                       " 'no volver a llamar')"),
                        "1");
    /* reabrir: ABIERTA in the INICIAL stage with a fresh timer, same owner. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT api.bandeja_reabrir(ARRAY[3],"
                                       " 'sí califica')"),
                        "1");
    /* reasignar: to a promoter of the team. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT reasignadas FROM api.bandeja_reasignar("
                                       "ARRAY[4], 'bd_p2', 'otra zona')"),
                        "1");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM api.bandeja()"), "0");

    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s:%%s:%%s',"
                                       " o.id, o.estado, u.login, e.nombre,"
                                       " coalesce(o.motivo_salida, '-')), ','"
                                       " ORDER BY o.id) FROM crm.oportunidades o"
                                       " JOIN crm.usuarios u ON u.id = o.usuario_id"
                                       " JOIN crm.etapas e ON e.id = o.etapa_id"
                                       " WHERE o.id <= 4"),
                        "1:DEVUELTA:bd_p1:No localizado:no contesta,"
                        "2:DESCARTADA:bd_p1:No interesado:ya tiene crédito,"
                        "3:ABIERTA:bd_p1:Nuevo:-,4:ABIERTA:bd_p2:Nuevo:-");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s>%%s:%%s',"
                                       " h.oportunidad_id, h.evento, h.estado_anterior,"
                                       " h.estado_nuevo, h.motivo), ',' ORDER BY"
                                       " h.oportunidad_id) FROM crm.historial h JOIN"
                                       " crm.usuarios u ON u.id = h.usuario_id"
                                       " WHERE u.login = 'bd_sup'"),
                        "1:DEVUELTA:EN_BANDEJA>DEVUELTA:no localizable,"
                        "2:DESCARTADA:EN_BANDEJA>DESCARTADA:no volver a llamar,"
                        "3:REABIERTA:EN_BANDEJA>ABIERTA:sí califica,"
                        "4:REASIGNADA:EN_BANDEJA>ABIERTA:otra zona");
    /* Pool: 1 free now, 2 blocked for the cool-down, 3 and 4 still taken. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s', o.id,"
                                       " p.oportunidad_id IS NULL, p.libre_desde <="
                                       " now()), ',' ORDER BY o.id) FROM"
                                       " crm.oportunidades o JOIN crm.pool p ON"
                                       " p.cliente_id = o.cliente_id WHERE o.id <= 4"),
                        "1:t:t,2:t:f,3:f:t,4:f:t");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT timer_vence = api.sumar_horas_habiles("
                                       "etapa_desde, 24) FROM crm.oportunidades"
                                       " WHERE id = 3"),
                        "t");
    /* Closed ones cannot be acted on again. */
    dbt_expect_refusal(db, "EB604", "SELECT api.bandeja_reabrir(ARRAY[1], 'otra vez')");
    db_close(db);
    /* An admin acts on any team. */
    db = dbt_connect(t, "bd_adm");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT api.bandeja_devolver(ARRAY[7], 'x')"), "1");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(db);
    db_close(adm);
}

/* The wait in business hours (sql/103): the calendar's other reader, api.horas_habiles_entre,
 * gives the same hours for every row in the same statement; late from bandeja_horas on; an
 * exit stamped a moment after the reading transaction began has waited 0; db_bandeja reads
 * both columns. */
static void
test_espera_habil(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct db_bandeja_fila *rows;
    struct err e = { 0 };
    size_t n;
    int vistas = 0;

    seed(t, adm);
    assert_int_equal(dbt_try(adm, &e, "UPDATE crm.ajustes SET bandeja_horas = 0"), RC_DB);
    assert_string_equal(e.code, "23514");
    dbt_exec(adm, "UPDATE crm.ajustes SET bandeja_horas = 3;"
                  "UPDATE crm.oportunidades SET etapa_desde = now() - interval '10 days'"
                  " WHERE id = 3;"
                  "UPDATE crm.oportunidades SET etapa_desde = now() + interval '1 minute'"
                  " WHERE id = 4");
    db = dbt_connect(t, "bd_sup");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT count(*) || '|' || count(*) FILTER (WHERE"
                                       " espera_habiles = round(api.horas_habiles_entre("
                                       "least(en_bandeja_desde, now()), now()), 2)"
                                       " AND atrasada = (espera_habiles >= 3))"
                                       " FROM api.bandeja()"),
                        "4|4");
    /* Ten days hold more than three business hours whatever the day: late. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT format('%%s|%%s|%%s', espera_habiles >= 3, atrasada,"
                                       " antiguedad_horas >= 240) FROM api.bandeja()"
                                       " WHERE oportunidad_id = 3"),
                        "t|t|t");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT espera_habiles || '|' || atrasada"
                                       " FROM api.bandeja() WHERE oportunidad_id = 4"),
                        "0.00|false");
    assert_int_equal(db_bandeja(db, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        if (rows[i].oportunidad_id == 3) {
            assert_true(rows[i].espera_habiles >= 3.0 && rows[i].atrasada);
            vistas++;
        } else if (rows[i].oportunidad_id == 4) {
            assert_true(rows[i].espera_habiles == 0.0 && !rows[i].atrasada);
            vistas++;
        }
    }
    assert_int_equal(vistas, 2);
    db_bandeja_free(rows, n);
    /* A supervisor with all the time in the world: nothing is late. */
    dbt_exec(adm, "UPDATE crm.ajustes SET bandeja_horas = 200");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM api.bandeja() WHERE atrasada"),
                        "0");
    db_close(db);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_listing_by_role, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_actions, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_espera_habil, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
