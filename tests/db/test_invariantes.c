/*
 * test_invariantes — api.verificar_invariantes (sql/010_invariantes.sql): empty on a healthy
 * database after every kind of api activity, and each invariant detected when the data is
 * damaged behind the api's back (as the superuser, the only one who can). Supervisors, admins
 * and the database's owner or a superuser may run it (sql/075).
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

/* iv_sup: iv_p1, iv_p2; iv_adm. Every kind of activity, through the api. */
static void
seed(struct dbt *t, struct db *adm)
{
    struct db *p;

    dbt_role(t, "iv_sup", "embudo_supervisor");
    dbt_role(t, "iv_adm", "embudo_admin");
    dbt_role(t, "iv_p1", "embudo_promotor");
    dbt_role(t, "iv_p2", "embudo_promotor");
    dbt_exec(adm,
             "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
             " ('iv_sup', 'Sara Supervisora', 'SUPERVISOR'), ('iv_adm', 'Ada Admin', 'ADMIN');"
             "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id)"
             " SELECT v.l, v.n, 'PROMOTOR', (SELECT id FROM crm.usuarios WHERE login ="
             " 'iv_sup') FROM (VALUES ('iv_p1', 'Pepe Uno'), ('iv_p2', 'Paty Dos')) v(l, n);"
             "INSERT INTO padron.convenios (clave, nombre, tipo)"
             " VALUES ('IMSS', 'IMSS', 'FEDERAL');"
             "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id,"
             " edad) SELECT 'Cliente ' || i, 'Prueba', 1, 9, 30 FROM generate_series(1, 60) i");
    p = dbt_connect(t, "iv_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(10)");
    dbt_exec(p, "SELECT * FROM api.mover(1, 'Contactado')");
    for (int i = 2; i <= 4; i++)
        dbt_intentos(p, i, 2);
    dbt_exec(p, "SELECT * FROM api.mover(2, 'No localizado', 'x')");
    dbt_exec(p, "SELECT * FROM api.mover(3, 'No localizado', 'x')");
    dbt_exec(p, "SELECT * FROM api.mover(4, 'No localizado', 'x')");
    dbt_exec(p, "SELECT * FROM api.registrar_venta(5, 100, 'x', 'F-5')");
    dbt_exec(p, "SELECT * FROM api.captar('Prospecta Nueva', '3312345678')");
    db_close(p);
    p = dbt_connect(t, "iv_sup");
    dbt_exec(p, "SELECT api.bandeja_devolver(ARRAY[2], 'x')");
    dbt_exec(p, "SELECT api.bandeja_descartar(ARRAY[3], 'x')");
    dbt_exec(p, "SELECT * FROM api.bandeja_reasignar(ARRAY[4], 'iv_p2', 'x')");
    dbt_exec(p, "SELECT * FROM api.reasignar(ARRAY[6, 7], 'iv_p2', 'x')");
    db_close(p);
    dbt_exec(adm, "UPDATE crm.oportunidades SET etapa_desde = now() - interval '9 days',"
                  " timer_aviso = now() - interval '8 days', timer_vence = now() - interval"
                  " '1 day' WHERE id = 8");
    p = dbt_connect(t, "iv_p2");
    dbt_exec(p, "SELECT * FROM api.barrer_timers()");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(3)");
    db_close(p);
}

/* The invariants found, "NAME,NAME…" sorted, or "" when healthy. */
static const char *
violaciones(struct dbt *t)
{
    struct db *db = dbt_connect(t, "iv_adm");
    const char *s = dbt_scalar_tmp(t, db,
                                   "SELECT coalesce(string_agg(DISTINCT invariante, ','"
                                   " ORDER BY invariante), '') FROM"
                                   " api.verificar_invariantes()");

    db_close(db);
    return s;
}

static void
test_healthy(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct err e = { 0 };

    seed(t, adm);
    assert_string_equal(violaciones(t), "");
    /* Supervisors may run it too; promoters may not. */
    db = dbt_connect(t, "iv_sup");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(db);
    db = dbt_connect(t, "iv_p1");
    assert_int_equal(dbt_try(db, &e, "SELECT * FROM api.verificar_invariantes()"), RC_DB);
    assert_string_equal(e.code, "42501");
    db_close(db);
    /* The database's owner or a superuser (what `embudo doctor` is without --as) may too
     * (sql/075); a login that is no embudo user may not. */
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    dbt_role(t, "iv_nadie", "embudo_supervisor");
    db = dbt_connect(t, "iv_nadie");
    assert_int_equal(dbt_try(db, &e, "SELECT * FROM api.verificar_invariantes()"), RC_REFUSED);
    assert_string_equal(e.code, "EB001");
    db_close(db);
    db_close(adm);
}

static void
test_multiples_activas(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);

    seed(t, adm);
    /* Only possible without the unique index: exactly the seed's bug. */
    dbt_exec(adm, "DROP INDEX crm.oportunidades_cliente_activa");
    dbt_exec(adm, "ALTER TABLE crm.oportunidades DISABLE TRIGGER oportunidades_ins");
    dbt_exec(adm, "INSERT INTO crm.oportunidades (cliente_id, usuario_id, lote_id, etapa_id)"
                  " SELECT cliente_id, usuario_id, lote_id, etapa_id FROM crm.oportunidades"
                  " WHERE id = 1");
    dbt_exec(adm, "INSERT INTO crm.historial (oportunidad_id, evento, estado_nuevo)"
                  " SELECT max(id), 'ASIGNADA', 'ABIERTA' FROM crm.oportunidades");
    assert_string_equal(violaciones(t), "MULTIPLES_ACTIVAS,POOL_DESCUADRADO,SIN_TIMER");
    db_close(adm);
}

static void
test_sobre_cupo(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);

    seed(t, adm);
    dbt_exec(adm, "UPDATE crm.cupo_diario SET usados = usados - 1 WHERE usuario_id ="
                  " (SELECT id FROM crm.usuarios WHERE login = 'iv_p1')");
    assert_string_equal(violaciones(t), "SOBRE_CUPO");
    dbt_exec(adm, "UPDATE crm.cupo_diario SET usados = usados + 1 WHERE usuario_id ="
                  " (SELECT id FROM crm.usuarios WHERE login = 'iv_p1')");
    assert_string_equal(violaciones(t), "");
    /* Assignments charged to a day without its quota row. */
    dbt_exec(adm, "DELETE FROM crm.cupo_diario WHERE usuario_id ="
                  " (SELECT id FROM crm.usuarios WHERE login = 'iv_p2')");
    assert_string_equal(violaciones(t), "SOBRE_CUPO");
    db_close(adm);
}

static void
test_sin_timer_y_sin_historial(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);

    seed(t, adm);
    dbt_exec(adm, "UPDATE crm.oportunidades SET timer_vence = NULL, timer_aviso = NULL"
                  " WHERE id = 1");
    assert_string_equal(violaciones(t), "SIN_TIMER");
    dbt_exec(adm, "UPDATE crm.oportunidades SET timer_vence = now() + interval '1 day'"
                  " WHERE id = 1");
    assert_string_equal(violaciones(t), "");
    /* A state change without its history row. */
    dbt_exec(adm, "UPDATE crm.oportunidades SET estado = 'DESCARTADA', timer_vence = NULL,"
                  " cerrada_at = now() WHERE id = 1");
    assert_string_equal(violaciones(t), "SIN_HISTORIAL");
    db_close(adm);
}

static void
test_pool_descuadrado(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);

    seed(t, adm);
    /* Pool row freed behind an active opportunity's back. */
    dbt_exec(adm, "UPDATE crm.pool SET oportunidad_id = NULL, usuario_id = NULL WHERE"
                  " cliente_id = (SELECT cliente_id FROM crm.oportunidades WHERE id = 1)");
    assert_string_equal(violaciones(t), "POOL_DESCUADRADO");
    dbt_exec(adm, "UPDATE crm.pool p SET oportunidad_id = o.id, usuario_id = o.usuario_id"
                  " FROM crm.oportunidades o WHERE o.id = 1 AND p.cliente_id = o.cliente_id");
    assert_string_equal(violaciones(t), "");
    /* A padron client missing from the pool. */
    dbt_exec(adm, "DELETE FROM crm.pool WHERE cliente_id = (SELECT max(cliente_id) FROM"
                  " crm.pool WHERE oportunidad_id IS NULL)");
    assert_string_equal(violaciones(t), "POOL_DESCUADRADO");
    dbt_exec(adm, "INSERT INTO crm.pool (cliente_id, convenio_id, entidad_id, edad)"
                  " SELECT id, convenio_id, entidad_id, edad FROM padron.clientes c"
                  " WHERE NOT EXISTS (SELECT 1 FROM crm.pool p WHERE p.cliente_id = c.id)");
    assert_string_equal(violaciones(t), "");
    /* A block the pool does not know about. */
    dbt_exec(adm, "ALTER TABLE crm.bloqueos DISABLE TRIGGER pool_bloqueos_ins");
    dbt_exec(adm, "INSERT INTO crm.bloqueos (cliente_id, hasta, motivo) VALUES (59, NULL,"
                  " 'OPT_OUT')");
    assert_string_equal(violaciones(t), "POOL_DESCUADRADO");
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_healthy, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_multiples_activas, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_sobre_cupo, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_sin_timer_y_sin_historial, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_pool_descuadrado, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
