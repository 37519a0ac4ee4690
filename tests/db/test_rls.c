/*
 * test_rls — who sees what, connecting as each role with plain libpq: a promoter reads only
 * its own rows, a supervisor its team's, an admin all; nobody writes crm tables directly; api
 * calls on someone else's rows are refused with a stable SQLSTATE (EB301 without revealing the
 * row, 42501 for functions a role may not execute).
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

/*
 * rl_sup: rl_p1, rl_p2; rl_sup2: rl_p3; rl_adm. p1 gets 4 (ids 1–4), p2 3 (5–7), p3 2 (8–9);
 * p1 sells 1, sends 2 to the bandeja.
 */
static void
seed(struct dbt *t, struct db *adm)
{
    static const char *const logins[][2] = {
        { "rl_p1", "4" },
        { "rl_p2", "3" },
        { "rl_p3", "2" },
    };

    dbt_role(t, "rl_sup", "embudo_supervisor");
    dbt_role(t, "rl_sup2", "embudo_supervisor");
    dbt_role(t, "rl_adm", "embudo_admin");
    dbt_role(t, "rl_p1", "embudo_promotor");
    dbt_role(t, "rl_p2", "embudo_promotor");
    dbt_role(t, "rl_p3", "embudo_promotor");
    dbt_exec(adm,
             "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
             " ('rl_sup', 'Sara Supervisora', 'SUPERVISOR'),"
             " ('rl_sup2', 'Saúl Supervisor', 'SUPERVISOR'), ('rl_adm', 'Ada Admin', 'ADMIN');"
             "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id)"
             " SELECT v.l, v.n, 'PROMOTOR', (SELECT id FROM crm.usuarios WHERE login = v.s)"
             " FROM (VALUES ('rl_p1', 'Pepe Uno', 'rl_sup'), ('rl_p2', 'Paty Dos', 'rl_sup'),"
             "  ('rl_p3', 'Pablo Tres', 'rl_sup2')) v(l, n, s);"
             "INSERT INTO padron.convenios (clave, nombre, tipo)"
             " VALUES ('IMSS', 'IMSS', 'FEDERAL');"
             "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id,"
             " edad) SELECT 'Cliente ' || i, 'Prueba', 1, 9, 30 FROM generate_series(1, 30) i");
    for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
        struct db *p = dbt_connect(t, logins[i][0]);

        dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(%s)", logins[i][1]);
        db_close(p);
    }
    {
        struct db *p = dbt_connect(t, "rl_p1");

        dbt_exec(p, "SELECT * FROM api.registrar_venta(1, 5000, 'Nómina', 'F-1')");
        dbt_intentos(p, 2, 2);
        dbt_exec(p, "SELECT * FROM api.mover(2, 'No localizado', 'buzón')");
        db_close(p);
    }
}

/* "oportunidades/lotes/historial/ventas/cupo_diario/usuarios" as login sees them. */
static const char *
visible(struct dbt *t, struct db *db)
{
    return dbt_scalar_tmp(t, db,
                          "SELECT concat_ws('/', (SELECT string_agg(id::text, ','"
                          " ORDER BY id) FROM crm.oportunidades), (SELECT count(*) FROM"
                          " crm.lotes), (SELECT count(*) FROM crm.historial), (SELECT"
                          " count(*) FROM crm.ventas), (SELECT count(*) FROM"
                          " crm.cupo_diario), (SELECT string_agg(login, ',' ORDER BY"
                          " login) FROM crm.usuarios))");
}

static void
test_reads_by_role(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;

    seed(t, adm);
    db = dbt_connect(t, "rl_p1");
    /* History: 4 ASIGNADA + VENTA + 2 INTENTO + A_BANDEJA. Users: self and own supervisor. */
    assert_string_equal(visible(t, db), "1,2,3,4/1/8/1/1/rl_p1,rl_sup");
    db_close(db);
    db = dbt_connect(t, "rl_p3");
    assert_string_equal(visible(t, db), "8,9/1/2/0/1/rl_p3,rl_sup2");
    db_close(db);
    db = dbt_connect(t, "rl_sup");
    assert_string_equal(visible(t, db), "1,2,3,4,5,6,7/2/11/1/2/rl_p1,rl_p2,rl_sup");
    db_close(db);
    db = dbt_connect(t, "rl_sup2");
    assert_string_equal(visible(t, db), "8,9/1/2/0/1/rl_p3,rl_sup2");
    db_close(db);
    db = dbt_connect(t, "rl_adm");
    assert_string_equal(visible(t, db),
                        "1,2,3,4,5,6,7,8,9/3/13/1/3/rl_adm,rl_p1,rl_p2,rl_p3,rl_sup,rl_sup2");
    db_close(db);
    /* Blocks: supervisors and admins only. */
    db = dbt_connect(t, "rl_sup");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM crm.bloqueos"), "1");
    db_close(db);
    db = dbt_connect(t, "rl_p1");
    {
        struct err e = { 0 };

        assert_int_equal(dbt_try(db, &e, "SELECT count(*) FROM crm.bloqueos"), RC_DB);
        assert_string_equal(e.code, "42501");
    }
    db_close(db);
    db_close(adm);
}

static void
test_no_direct_writes(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    static const char *const roles[] = { "rl_p1", "rl_sup", "rl_adm" };
    static const char *const sql[] = {
        "UPDATE crm.oportunidades SET estado = 'GANADA'",
        "DELETE FROM crm.oportunidades",
        "INSERT INTO crm.historial (oportunidad_id, evento) VALUES (1, 'NOTA')",
        "UPDATE crm.cupo_diario SET usados = 0",
        "INSERT INTO crm.ventas (oportunidad_id, monto, producto, folio, usuario_id)"
        " VALUES (3, 1, 'x', 'F-X', 1)",
        "UPDATE crm.usuarios SET cupo_diario = 10000",
        "DELETE FROM crm.bloqueos",
        "UPDATE crm.pool SET oportunidad_id = NULL",
        "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id, edad)"
        " VALUES ('x', 'y', 1, 1, 30)",
        "UPDATE crm.ajustes SET aviso_pct = 1",
    };

    seed(t, adm);
    for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
        struct db *db = dbt_connect(t, roles[r]);

        for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
            struct err e = { 0 };

            if (dbt_try(db, &e, "%s", sql[i]) != RC_DB || strcmp(e.code, "42501") != 0)
                fail_msg("%s pudo o falló distinto (%s) en: %s", roles[r], e.code, sql[i]);
        }
        db_close(db);
    }
    db_close(adm);
}

static void
expect_code(struct dbt *t, const char *login, const char *code, const char *sql)
{
    struct db *db = dbt_connect(t, login);
    struct err e = { 0 };
    int rc = dbt_try(db, &e, "%s", sql);

    if (rc == RC_OK || strcmp(e.code, code) != 0)
        fail_msg("%s: %s → esperaba %s, llegó %s (%s)", login, sql, code, e.code, e.msg);
    db_close(db);
}

static void
test_api_on_others_rows(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);

    seed(t, adm);
    /* Promoter 2 on promoter 1's rows (5–7 are its own). */
    expect_code(t, "rl_p2", "EB301", "SELECT * FROM api.mover(3, 'Contactado')");
    expect_code(t, "rl_p2", "EB301", "SELECT * FROM api.registrar_venta(3, 10, 'x', 'F-2')");
    expect_code(t, "rl_p2", "EB301", "SELECT api.nota(3, 'hola')");
    /* Even an existing sale is not revealed to another promoter. */
    expect_code(t, "rl_p2", "EB301",
                "SELECT * FROM api.registrar_venta(1, 5000, 'Nómina',"
                " 'F-1')");
    /* Supervisor-only functions: no EXECUTE for promoters. */
    expect_code(t, "rl_p1", "42501", "SELECT * FROM api.bandeja()");
    expect_code(t, "rl_p1", "42501", "SELECT api.bandeja_devolver(ARRAY[2], 'x')");
    expect_code(t, "rl_p1", "42501", "SELECT * FROM api.reasignar(ARRAY[3], 'rl_p2', 'x')");
    expect_code(t, "rl_p1", "42501", "SELECT * FROM api.verificar_invariantes()");
    /* Another team's supervisor. */
    expect_code(t, "rl_sup2", "EB301", "SELECT * FROM api.mover(3, 'Contactado')");
    expect_code(t, "rl_sup2", "EB301", "SELECT api.nota(3, 'hola')");
    expect_code(t, "rl_sup2", "EB301", "SELECT api.bandeja_devolver(ARRAY[2], 'x')");
    expect_code(t, "rl_sup2", "EB301", "SELECT * FROM api.reasignar(ARRAY[3], 'rl_p3', 'x')");
    /* A role with no crm.usuarios row, and a user on BAJA. */
    dbt_role(t, "rl_intruso", "embudo_promotor");
    expect_code(t, "rl_intruso", "EB001", "SELECT * FROM api.mover(3, 'Contactado')");
    dbt_exec(adm, "UPDATE crm.usuarios SET estado = 'BAJA' WHERE login = 'rl_p1'");
    expect_code(t, "rl_p1", "EB001", "SELECT * FROM api.mover(3, 'Contactado')");
    {
        struct db *db = dbt_connect(t, "rl_p1");

        /* And a user on BAJA reads nothing. */
        assert_string_equal(dbt_scalar_tmp(t, db, "SELECT count(*) FROM crm.oportunidades"), "0");
        db_close(db);
    }
    /* A role outside embudo cannot even call the api. */
    dbt_role(t, "rl_ajeno", NULL);
    expect_code(t, "rl_ajeno", "42501", "SELECT * FROM api.disponibles()");
    /* Nothing changed. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT count(*) FROM crm.historial"
                                       " WHERE evento IN ('TRANSICION', 'NOTA')"),
                        "0");
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reads_by_role, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_no_direct_writes, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_api_on_others_rows, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
