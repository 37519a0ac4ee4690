/*
 * test_crm — the typed C wrappers of src/db/db_crm against a real PostgreSQL: every wrapper's
 * result struct is filled from the api function's row, and refusals come back as RC_REFUSED
 * with the api's SQLSTATE and Spanish message (what the CLI and the TUI rely on). The rules
 * themselves are the api's and are tested with it; here the point is the C boundary.
 */
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
#include "db/db_crm.h"
#include "dbt.h"
#include "util/err.h"

/* A small world: 3 convenios, 300 clients, a supervisor with two promoters (quota 60). */
static void
world(struct dbt *t, struct db *admin)
{
    dbt_exec(admin, "INSERT INTO padron.convenios (id, clave, nombre, tipo) VALUES"
                    " (1, 'IMSS', 'IMSS', 'FEDERAL'), (2, 'ISSSTE', 'ISSSTE', 'FEDERAL'),"
                    " (3, 'SEP', 'SEP', 'FEDERAL')");
    dbt_exec(admin, "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id,"
                    " entidad_id, edad) SELECT 'C' || g, 'A', 1 + g %% 3, 1 + g %% 32,"
                    " 18 + g %% 60 FROM generate_series(1, 300) g");
    dbt_exec(admin, "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)"
                    " SELECT id, 'CELULAR', '+5233' || lpad(id::text, 8, '0')"
                    " FROM padron.clientes");
    dbt_exec(admin, "SELECT api.crear_usuario('tc_sup', 'Supervisora', 'SUPERVISOR');"
                    " SELECT api.crear_usuario('tc_p1', 'Promotor Uno', 'PROMOTOR', 'tc_sup', 60);"
                    " SELECT api.crear_usuario('tc_p2', 'Promotor Dos', 'PROMOTOR', 'tc_sup', 60)");
    (void)t;
}

static void
test_asignar_disponibles_and_refusals(void **state)
{
    struct dbt *t = *state;
    struct db *admin = dbt_connect(t, NULL), *p1;
    struct db_filtros imss = { .convenio = "IMSS" }, any = { 0 };
    struct db_asignacion a;
    struct db_conteo *rows;
    struct err e = { 0 };
    size_t n;

    world(t, admin);
    p1 = dbt_connect(t, "tc_p1");
    assert_int_equal(db_disponibles(p1, &any, DB_POR_CONVENIO, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].grupo, "IMSS");
    assert_int_equal(rows[0].disponibles, 100);
    db_conteos_free(rows, n);

    assert_int_equal(db_asignar(p1, 40, &imss, "k-1", &a, &e), RC_OK);
    assert_true(a.lote_id > 0);
    assert_int_equal(a.asignados, 40);
    assert_int_equal(a.solicitados, 40);
    assert_int_equal(a.cupo_restante, 20);
    assert_false(a.repetido);
    db_asignacion_fini(&a);
    /* The same clave: the first lote again, nothing charged. */
    assert_int_equal(db_asignar(p1, 40, &imss, "k-1", &a, &e), RC_OK);
    assert_true(a.repetido);
    assert_int_equal(a.asignados, 40);
    assert_non_null(a.mensaje);
    db_asignacion_fini(&a);
    /* Partial grant: 20 left of the quota; the database says so. */
    assert_int_equal(db_asignar(p1, 30, &any, NULL, &a, &e), RC_OK);
    assert_int_equal(a.asignados, 20);
    assert_int_equal(a.cupo_restante, 0);
    assert_non_null(a.mensaje);
    db_asignacion_fini(&a);
    assert_int_equal(db_asignar(p1, 1, &any, NULL, &a, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB205");
    assert_true(strlen(e.msg) > 10);

    assert_int_equal(db_disponibles(p1, &imss, DB_POR_TOTAL, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].grupo, "TOTAL");
    assert_int_equal(rows[0].disponibles,
                     dbt_scalar_ll(t, admin,
                                   "SELECT 100 - count(*) FROM crm.oportunidades o"
                                   " JOIN padron.clientes c ON c.id = o.cliente_id"
                                   " WHERE c.convenio_id = 1"
                                   " AND o.estado IN ('ABIERTA', 'EN_BANDEJA')"));
    db_conteos_free(rows, n);
    imss.convenio = "NOEXISTE";
    assert_int_equal(db_disponibles(p1, &imss, DB_POR_TOTAL, &rows, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB202");
    assert_null(rows);
    db_close(p1);
    db_close(admin);
}

/* The id of one of tc_p1's open opportunities. */
static int64_t
open_id(struct dbt *t, struct db *admin, int k)
{
    return dbt_scalar_ll(t, admin,
                         "SELECT id FROM crm.oportunidades WHERE estado = 'ABIERTA'"
                         " AND usuario_id = (SELECT id FROM crm.usuarios"
                         " WHERE login = 'tc_p1') ORDER BY id OFFSET %d LIMIT 1",
                         k);
}

static void
test_mover_venta_nota(void **state)
{
    struct dbt *t = *state;
    struct db *admin = dbt_connect(t, NULL), *p1, *p2;
    struct db_filtros any = { 0 };
    struct db_asignacion a;
    struct db_movimiento m;
    struct db_venta v;
    struct err e = { 0 };
    int64_t id, id2, nota;

    world(t, admin);
    p1 = dbt_connect(t, "tc_p1");
    p2 = dbt_connect(t, "tc_p2");
    assert_int_equal(db_asignar(p1, 5, &any, NULL, &a, &e), RC_OK);
    db_asignacion_fini(&a);
    id = open_id(t, admin, 0);
    id2 = open_id(t, admin, 1);
    assert_int_equal(db_mover(p1, id, "Contactado", NULL, &m, &e), RC_OK);
    assert_int_equal(m.oportunidad_id, id);
    assert_string_equal(m.estado, "ABIERTA");
    assert_string_equal(m.etapa, "Contactado");
    assert_true(m.etapa_id > 0);
    assert_true(m.timer_vence > time(NULL)); /* a NORMAL stage with a timer */
    db_movimiento_fini(&m);
    assert_int_equal(db_mover(p1, id2, "No localizado", NULL, &m, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB305");
    dbt_intentos(p1, id2, 2);
    assert_int_equal(db_mover(p1, id2, "No localizado", "nunca contesta", &m, &e), RC_OK);
    assert_string_equal(m.estado, "EN_BANDEJA");
    assert_int_equal(m.timer_vence, 0);
    db_movimiento_fini(&m);
    /* Someone else's opportunity: refused without revealing it exists. */
    assert_int_equal(db_mover(p2, id, "Interesado", NULL, &m, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB301");

    assert_int_equal(db_venta_registrar(p1, id, "12500.50", "Nómina", "F-1", &v, &e), RC_OK);
    assert_string_equal(v.folio, "F-1");
    assert_true(v.nueva);
    db_venta_fini(&v);
    assert_int_equal(db_venta_registrar(p1, id, "12500.50", "Nómina", "F-1", &v, &e), RC_OK);
    assert_false(v.nueva);
    db_venta_fini(&v);
    assert_int_equal(db_venta_registrar(p1, id, "99", "Nómina", "F-2", &v, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB310");
    assert_non_null(strstr(e.msg, "F-1"));
    assert_string_equal(dbt_scalar_tmp(t, admin,
                                       "SELECT monto FROM crm.ventas WHERE"
                                       " oportunidad_id = %lld",
                                       (long long)id),
                        "12500.50");
    assert_int_equal(db_nota(p1, id, "llamar el lunes", &nota, &e), RC_OK);
    assert_true(nota > 0);
    assert_int_equal(db_nota(p2, id, "no es mía", &nota, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB301");
    db_close(p2);
    db_close(p1);
    db_close(admin);
}

/* The supervisor's bandeja holds the two exits, oldest first; a promoter may not read it. */
static void
check_bandeja(struct db *sup, struct db *p1, int64_t first)
{
    struct db_bandeja_fila *rows;
    struct err e = { 0 };
    size_t n;

    assert_int_equal(db_bandeja(sup, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].oportunidad_id, first);
    assert_string_equal(rows[0].usuario_login, "tc_p1");
    assert_string_equal(rows[0].usuario_nombre, "Promotor Uno");
    assert_string_equal(rows[0].etapa, "No interesado");
    assert_string_equal(rows[0].motivo, "ya tiene crédito");
    assert_true(rows[0].desde > 0 && rows[0].desde <= time(NULL) + 5);
    assert_true(rows[0].antiguedad_horas >= 0.0);
    assert_non_null(rows[0].telefono);
    db_bandeja_free(rows, n);
    /* A promoter may not call api.bandeja at all (not granted). */
    assert_int_equal(db_bandeja(p1, &rows, &n, &e), RC_DB);
    assert_string_equal(e.code, "42501");
}

static void
test_bandeja_reasignar(void **state)
{
    struct dbt *t = *state;
    struct db *admin = dbt_connect(t, NULL), *p1, *sup;
    struct db_filtros any = { 0 };
    struct db_asignacion a;
    struct db_movimiento m;
    struct db_reasignacion r;
    struct err e = { 0 };
    int64_t ids[4];
    int cambiadas;

    world(t, admin);
    p1 = dbt_connect(t, "tc_p1");
    sup = dbt_connect(t, "tc_sup");
    assert_int_equal(db_asignar(p1, 6, &any, NULL, &a, &e), RC_OK);
    db_asignacion_fini(&a);
    for (int i = 0; i < 4; i++)
        ids[i] = open_id(t, admin, i);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(db_mover(p1, ids[i], "No interesado", "ya tiene crédito", &m, &e), RC_OK);
        db_movimiento_fini(&m);
    }
    check_bandeja(sup, p1, ids[0]);

    assert_int_equal(
        db_bandeja_decidir(sup, DB_BANDEJA_DEVOLVER, ids, 1, "sin interés", &cambiadas, &e), RC_OK);
    assert_int_equal(cambiadas, 1);
    assert_int_equal(
        db_bandeja_decidir(sup, DB_BANDEJA_REABRIR, ids, 1, "otra vez", &cambiadas, &e),
        RC_REFUSED);
    /* Closed now (DEVUELTA): the api names the opportunity in its refusal. */
    assert_string_equal(e.code, "EB604");
    {
        char idtxt[24];
        snprintf(idtxt, sizeof idtxt, "%lld", (long long)ids[0]);
        assert_non_null(strstr(e.msg, idtxt));
    }
    assert_int_equal(db_bandeja_reasignar(sup, ids + 1, 1, "tc_p2", "otro enfoque", &r, &e), RC_OK);
    assert_int_equal(r.reasignadas, 1);
    assert_true(r.lote_id > 0);
    db_reasignacion_fini(&r);
    assert_int_equal(db_reasignar(sup, ids + 2, 2, "tc_p2", "balance", &r, &e), RC_OK);
    assert_int_equal(r.reasignadas, 2);
    db_reasignacion_fini(&r);
    assert_int_equal(dbt_scalar_ll(t, admin,
                                   "SELECT count(*) FROM crm.oportunidades WHERE"
                                   " usuario_id = (SELECT id FROM crm.usuarios WHERE"
                                   " login = 'tc_p2') AND estado = 'ABIERTA'"),
                     3);
    /* A closed opportunity is refused, naming it. */
    assert_int_equal(db_reasignar(sup, ids, 1, "tc_p2", "x", &r, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB604");
    db_close(sup);
    db_close(p1);
    db_close(admin);
}

/* One expired opportunity: the sweep returns it exactly once, and the heartbeat shows it. */
static void
check_sweep(struct db *admin, struct db *p1, struct db *sup)
{
    struct err e = { 0 };
    int64_t run;
    int dev, avis;

    dbt_exec(admin, "UPDATE crm.oportunidades SET etapa_desde = now() - interval '3 days',"
                    " timer_vence = now() - interval '1 hour', timer_aviso = NULL"
                    " WHERE cliente_id = 7");
    assert_int_equal(db_sweep_inicio(p1, "test_crm", &run, &e), RC_OK);
    assert_true(run > 0);
    assert_int_equal(db_barrer_timers(p1, 1000, "test_crm", &dev, &avis, &e), RC_OK);
    assert_int_equal(dev, 1);
    assert_int_equal(db_barrer_timers(p1, 1000, "test_crm", &dev, &avis, &e), RC_OK);
    assert_int_equal(dev, 0);
    assert_int_equal(db_sweep_fin(p1, run, 1, 0, NULL, &e), RC_OK);
    assert_int_equal(db_sweep_fin(p1, run, 1, 0, NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB402");
    {
        struct db_sweep_salud salud;
        assert_int_equal(db_sweep_salud(sup, &salud, &e), RC_OK);
        assert_true(salud.segundos_desde >= 0 && salud.segundos_desde < 60);
        assert_true(salud.ultimo_exito > 0 && salud.ultimo_inicio >= salud.ultimo_exito - 60);
        assert_int_equal(salud.corridas_1h, 1);
        assert_null(salud.ultimo_error);
        db_sweep_salud_fini(&salud);
    }
    assert_int_equal(db_barrer_timers(p1, 0, NULL, &dev, &avis, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB401");
}

static void
test_captar_sweep_invariantes(void **state)
{
    struct dbt *t = *state;
    struct db *admin = dbt_connect(t, NULL), *p1, *sup;
    struct db_captacion c;
    struct db_violacion *v;
    struct err e = { 0 };
    size_t n;

    world(t, admin);
    p1 = dbt_connect(t, "tc_p1");
    sup = dbt_connect(t, "tc_sup");
    assert_int_equal(db_captar(p1, "Juan Nuevo", "(81) 8765-4321", "IMSS", NULL, &c, &e), RC_OK);
    assert_true(c.oportunidad_id > 0 && c.prospecto_id > 0 && c.lote_id > 0);
    assert_int_equal(c.cliente_id, 0);
    db_captacion_fini(&c);
    /* A padron client's phone links to that client. */
    assert_int_equal(db_captar(p1, "Cliente Siete", "33 0000 0007", NULL, NULL, &c, &e), RC_OK);
    assert_int_equal(c.cliente_id, 7);
    assert_int_equal(c.prospecto_id, 0);
    db_captacion_fini(&c);
    assert_int_equal(db_captar(p1, "Juan Nuevo", "8187654321", NULL, NULL, &c, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB702");
    assert_int_equal(db_captar(p1, "Juan", "12345", NULL, NULL, &c, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB701");

    check_sweep(admin, p1, sup);

    assert_int_equal(db_invariantes(sup, &v, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    db_violaciones_free(v, n);
    /* Break one on purpose: an open opportunity of a timed stage without its timer. */
    dbt_exec(admin, "UPDATE crm.oportunidades SET timer_vence = NULL, timer_aviso = NULL"
                    " WHERE prospecto_id IS NOT NULL");
    assert_int_equal(db_invariantes(sup, &v, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].invariante, "SIN_TIMER");
    assert_non_null(v[0].detalle);
    db_violaciones_free(v, n);
    db_close(sup);
    db_close(p1);
    db_close(admin);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_asignar_disponibles_and_refusals, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_mover_venta_nota, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_bandeja_reasignar, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_captar_sweep_invariantes, dbt_setup, dbt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
