/*
 * test_usuarios — sql/002_usuarios.sql against a real PostgreSQL: api.crear_usuario (row +
 * LOGIN role in the right group, idempotent when identical, every EB1xx refusal, adoption of
 * plain roles, privileged roles left alone), who may call (admins, superusers; EB101 for the
 * rest), api.cambiar_estado_usuario (BAJA ⇒ NOLOGIN and back), api.cambiar_supervisor, and
 * (sql/072) api.usuarios — who lists whom — and api.usuario_limites through db_usuarios.h.
 * Logins start with "tu_" so they never collide with other tests' roles (roles are
 * cluster-wide and outlive each test's database).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_usuarios.h"
#include "dbt.h"
#include "util/err.h"

/* Runs sql expecting the refusal code. */
static void
expect_code(struct db *db, const char *code, const char *sql)
{
    struct err e = { 0 };
    int rc = dbt_try(db, &e, "%s", sql);

    if (rc == RC_OK)
        fail_msg("se esperaba %s y funcionó: %s", code, sql);
    if (strcmp(e.code, code) != 0)
        fail_msg("se esperaba %s, llegó %s (%s): %s", code, e.code, e.msg, sql);
    if (code[0] == 'E' && code[1] == 'B')
        assert_int_equal(rc, RC_REFUSED);
}

/* Whether role login is (directly or not) a member of group. */
static bool
member_of(struct dbt *t, struct db *db, const char *login, const char *group)
{
    return strcmp(dbt_scalar_tmp(t, db, "SELECT pg_has_role('%s', '%s', 'MEMBER')", login, group),
                  "t") == 0;
}

static bool
can_login(struct dbt *t, struct db *db, const char *login)
{
    return strcmp(dbt_scalar_tmp(t, db, "SELECT rolcanlogin FROM pg_roles WHERE rolname = '%s'",
                                 login),
                  "t") == 0;
}

/* A supervisor tu_sup and a promoter tu_prom of it, created by the superuser. */
static void
team(struct dbt *t, struct db *su)
{
    (void)t;
    dbt_exec(su, "SELECT api.crear_usuario('tu_sup', 'Sofía Peña', 'SUPERVISOR')");
    dbt_exec(su, "SELECT api.crear_usuario('tu_prom', 'José Muñoz Ibáñez', 'PROMOTOR', "
                 "'tu_sup', 60, 400)");
}

static void
test_crear_usuario_idempotent(void **state)
{
    struct dbt *t = *state;
    struct db *su = dbt_connect(t, NULL), *p;
    long long id;

    team(t, su);
    id = dbt_scalar_ll(t, su, "SELECT id FROM crm.usuarios WHERE login = 'tu_prom'");
    /* Identical data: same id, nothing new (extra spaces in the name are normalised). */
    assert_int_equal(dbt_scalar_ll(t, su,
                                   "SELECT api.crear_usuario('tu_prom', "
                                   "'  José  Muñoz Ibáñez ', 'PROMOTOR', 'tu_sup', 60, 400)"),
                     id);
    assert_int_equal(dbt_scalar_ll(t, su, "SELECT count(*) FROM crm.usuarios"), 2);
    expect_code(su, "EB109",
                "SELECT api.crear_usuario('tu_prom', 'José Muñoz Ibáñez', "
                "'PROMOTOR', 'tu_sup', 61, 400)");
    expect_code(su, "EB109",
                "SELECT api.crear_usuario('tu_prom', 'Otro', 'PROMOTOR', 'tu_sup',"
                " 60, 400)");
    assert_true(can_login(t, su, "tu_prom"));
    assert_true(member_of(t, su, "tu_prom", "embudo_promotor"));
    assert_false(member_of(t, su, "tu_prom", "embudo_supervisor"));
    assert_true(member_of(t, su, "tu_sup", "embudo_supervisor"));
    p = dbt_connect(t, "tu_prom");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT crm.mi_rol()"), "PROMOTOR");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT nombre FROM crm.usuarios WHERE id = crm.yo()"),
                        "José Muñoz Ibáñez");
    db_close(p);
    db_close(su);
}

static void
test_validation_codes(void **state)
{
    struct dbt *t = *state;
    struct db *su = dbt_connect(t, NULL);

    team(t, su);
    expect_code(su, "EB102", "SELECT api.crear_usuario('Mayus', 'Nombre', 'ADMIN')");
    expect_code(su, "EB102", "SELECT api.crear_usuario('1abc', 'Nombre', 'ADMIN')");
    expect_code(su, "EB102", "SELECT api.crear_usuario(NULL, 'Nombre', 'ADMIN')");
    expect_code(su, "EB102", "SELECT api.crear_usuario('pg_tu', 'Nombre', 'ADMIN')");
    expect_code(su, "EB102", "SELECT api.crear_usuario('embudo_tu', 'Nombre', 'ADMIN')");
    expect_code(su, "EB103", "SELECT api.crear_usuario('tu_x', 'Nombre', 'JEFE')");
    expect_code(su, "EB104", "SELECT api.crear_usuario('tu_x', '   ', 'ADMIN')");
    expect_code(su, "EB104", "SELECT api.crear_usuario('tu_x', repeat('a', 121), 'ADMIN')");
    expect_code(su, "EB105", "SELECT api.crear_usuario('tu_x', 'Nombre', 'PROMOTOR')");
    expect_code(su, "EB106", "SELECT api.crear_usuario('tu_x', 'Nombre', 'SUPERVISOR', 'tu_sup')");
    expect_code(su, "EB107", "SELECT api.crear_usuario('tu_x', 'Nombre', 'PROMOTOR', 'nadie')");
    expect_code(su, "EB107", "SELECT api.crear_usuario('tu_x', 'Nombre', 'PROMOTOR', 'tu_prom')");
    expect_code(su, "EB108", "SELECT api.crear_usuario('tu_x', 'Nombre', 'ADMIN', NULL, -1)");
    expect_code(su, "EB108",
                "SELECT api.crear_usuario('tu_x', 'Nombre', 'ADMIN', NULL, 5, 100001)");
    /* Nothing was created by the refusals. */
    assert_int_equal(dbt_scalar_ll(t, su, "SELECT count(*) FROM crm.usuarios"), 2);
    assert_int_equal(dbt_scalar_ll(t, su, "SELECT count(*) FROM pg_roles WHERE rolname = 'tu_x'"),
                     0);
    db_close(su);
}

/* Only admins (and superusers) administer users; everybody else gets EB101. A supervisor
 * may mark their own promoters absent (078, test_usuarios_equipo), never end a login. */
static void
test_only_admins(void **state)
{
    struct dbt *t = *state;
    struct db *su = dbt_connect(t, NULL), *s, *a;

    team(t, su);
    dbt_exec(su, "SELECT api.crear_usuario('tu_admin', 'Alicia Ramírez', 'ADMIN')");
    s = dbt_connect(t, "tu_sup");
    expect_code(s, "EB101", "SELECT api.crear_usuario('tu_y', 'Nombre', 'ADMIN')");
    expect_code(s, "EB115", "SELECT api.cambiar_estado_usuario('tu_prom', 'BAJA')");
    expect_code(s, "EB101", "SELECT api.cambiar_supervisor('tu_prom', 'tu_sup')");
    db_close(s);
    a = dbt_connect(t, "tu_admin");
    dbt_exec(a, "SELECT api.crear_usuario('tu_prom2', 'Paola Núñez', 'PROMOTOR', 'tu_sup')");
    expect_code(a, "EB114", "SELECT api.cambiar_estado_usuario('tu_admin', 'BAJA')");
    /* Users never write crm tables directly. */
    expect_code(a, "42501", "DELETE FROM crm.usuarios");
    db_close(a);
    assert_true(member_of(t, su, "tu_prom2", "embudo_promotor"));
    db_close(su);
}

static void
test_roles_adopted_or_left_alone(void **state)
{
    struct dbt *t = *state;
    struct db *su = dbt_connect(t, NULL);

    team(t, su);
    /* A plain role (another database of the cluster made it an admin) is adopted. */
    dbt_role(t, "tu_plain", "embudo_admin");
    dbt_exec(su, "SELECT api.crear_usuario('tu_plain', 'Rubén Ortiz', 'PROMOTOR', 'tu_sup')");
    assert_true(member_of(t, su, "tu_plain", "embudo_promotor"));
    assert_false(member_of(t, su, "tu_plain", "embudo_admin"));
    /* A role with privileges of its own is never touched. */
    dbt_exec(su, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tu_dba')"
                 " THEN CREATE ROLE tu_dba LOGIN CREATEDB; END IF; END $$");
    expect_code(su, "EB110", "SELECT api.crear_usuario('tu_dba', 'Dba', 'ADMIN')");
    expect_code(su, "EB110", "SELECT api.crear_usuario('postgres', 'Dba', 'ADMIN')");
    assert_false(member_of(t, su, "tu_dba", "embudo_usuario"));
    assert_int_equal(dbt_scalar_ll(t, su,
                                   "SELECT count(*) FROM crm.usuarios WHERE login IN"
                                   " ('tu_dba', 'postgres')"),
                     0);
    db_close(su);
}

static void
test_cambiar_estado(void **state)
{
    struct dbt *t = *state;
    struct db *su = dbt_connect(t, NULL), *p;
    struct err e = { 0 };

    team(t, su);
    assert_string_equal(dbt_scalar_tmp(t, su,
                                       "SELECT api.cambiar_estado_usuario('tu_prom', "
                                       "'BAJA')"),
                        "ACTIVO");
    assert_false(can_login(t, su, "tu_prom"));
    p = dbt_connect_err(t, "tu_prom", &e);
    assert_null(p);
    assert_string_equal(dbt_scalar_tmp(t, su,
                                       "SELECT api.cambiar_estado_usuario('tu_prom', "
                                       "'VACACIONES')"),
                        "BAJA");
    assert_true(can_login(t, su, "tu_prom"));
    expect_code(su, "EB111", "SELECT api.cambiar_estado_usuario('tu_nadie', 'BAJA')");
    expect_code(su, "EB112", "SELECT api.cambiar_estado_usuario('tu_prom', 'FUERA')");
    /* A supervisor keeps its team until the promoters move or leave. */
    expect_code(su, "EB113", "SELECT api.cambiar_estado_usuario('tu_sup', 'BAJA')");
    dbt_exec(su, "SELECT api.crear_usuario('tu_sup2', 'Marco Ávila', 'SUPERVISOR')");
    dbt_exec(su, "SELECT api.cambiar_supervisor('tu_prom', 'tu_sup2')");
    dbt_exec(su, "SELECT api.cambiar_estado_usuario('tu_sup', 'BAJA')");
    assert_false(can_login(t, su, "tu_sup"));
    /* A BAJA supervisor takes no promoters. */
    expect_code(su, "EB107", "SELECT api.cambiar_supervisor('tu_prom', 'tu_sup')");
    expect_code(su, "EB106", "SELECT api.cambiar_supervisor('tu_sup2', 'tu_sup2')");
    expect_code(su, "EB111", "SELECT api.cambiar_supervisor('tu_nadie', 'tu_sup2')");
    assert_string_equal(dbt_scalar_tmp(t, su,
                                       "SELECT s.login FROM crm.usuarios u JOIN"
                                       " crm.usuarios s ON s.id = u.supervisor_id"
                                       " WHERE u.login = 'tu_prom'"),
                        "tu_sup2");
    /* Roles are cluster-wide: leave them able to log in for later tests. */
    dbt_exec(su, "SELECT api.cambiar_estado_usuario('tu_sup', 'ACTIVO')");
    db_close(su);
}


/* "login:rol:estado:supervisor:cupo:cartera:activas …" of db_usuarios as db sees it. */
static const char *
lista(struct db *db)
{
    static char out[1024];
    struct db_usuario *u = NULL;
    struct err e = { 0 };
    size_t n = 0, len = 0;

    out[0] = '\0';
    if (db_usuarios(db, &u, &n, &e) != RC_OK)
        fail_msg("db_usuarios: %s %s", e.code, e.msg);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%s:%s:%s:%s:%d:%d:%d",
                                i ? " " : "", u[i].login, u[i].rol, u[i].estado,
                                u[i].supervisor != NULL ? u[i].supervisor : "-",
                                u[i].cupo_diario, u[i].cartera_max, u[i].activas);
    db_usuarios_free(u, n);
    return out;
}

static void
test_lista_y_limites(void **state)
{
    struct dbt *t = *state;
    struct db *su = dbt_connect(t, NULL);
    struct db *db;
    struct err e = { 0 };
    int cupo = 0, cartera = 0, id = 0;
    const struct db_usuario_nuevo aud = { "tu_aud", "Laura Gómez", "AUDITOR", NULL, 50, 500 };

    team(t, su);
    dbt_exec(su, "SELECT api.crear_usuario('tu_adm', 'Ada Admin', 'ADMIN')");
    dbt_exec(su, "SELECT api.crear_usuario('tu_sup2', 'Saúl Supervisor', 'SUPERVISOR')");
    dbt_exec(su, "SELECT api.crear_usuario('tu_prom2', 'Paty Dos', 'PROMOTOR', 'tu_sup2')");
    assert_int_equal(db_usuario_crear(su, &aud, &id, &e), RC_OK);
    assert_true(id > 0);
    /* The superuser session and the admin see everyone: admins, auditors, supervisors, then
     * promoters by team. */
    assert_string_equal(lista(su), "tu_adm:ADMIN:ACTIVO:-:50:500:0 tu_aud:AUDITOR:ACTIVO:-:50:500:0"
                                   " tu_sup:SUPERVISOR:ACTIVO:-:50:500:0"
                                   " tu_sup2:SUPERVISOR:ACTIVO:-:50:500:0"
                                   " tu_prom:PROMOTOR:ACTIVO:tu_sup:60:400:0"
                                   " tu_prom2:PROMOTOR:ACTIVO:tu_sup2:50:500:0");
    db = dbt_connect(t, "tu_adm");
    assert_string_equal(lista(db), lista(su));
    /* Cupo and cartera: either, both; NULL keeps the other; the admin only. */
    assert_int_equal(db_usuario_limites(db, "tu_prom", 25, -1, &cupo, &cartera, &e), RC_OK);
    assert_int_equal(cupo, 25);
    assert_int_equal(cartera, 400);
    assert_int_equal(db_usuario_limites(db, "tu_prom", -1, 90, &cupo, &cartera, &e), RC_OK);
    assert_int_equal(cupo, 25);
    assert_int_equal(cartera, 90);
    assert_int_equal(db_usuario_limites(db, "tu_prom", 10001, -1, &cupo, &cartera, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB108");
    assert_int_equal(db_usuario_limites(db, "tu_nadie", 5, -1, &cupo, &cartera, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB111");
    db_close(db);
    /* A supervisor lists itself and its team; a promoter, itself; neither changes limits. */
    db = dbt_connect(t, "tu_sup");
    assert_string_equal(lista(db), "tu_sup:SUPERVISOR:ACTIVO:-:50:500:0"
                                   " tu_prom:PROMOTOR:ACTIVO:tu_sup:25:90:0");
    assert_int_equal(db_usuario_limites(db, "tu_prom", 99, -1, &cupo, &cartera, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB101");
    db_close(db);
    db = dbt_connect(t, "tu_prom2");
    assert_string_equal(lista(db), "tu_prom2:PROMOTOR:ACTIVO:tu_sup2:50:500:0");
    db_close(db);
    /* An auditor lists everyone and changes nothing. */
    db = dbt_connect(t, "tu_aud");
    assert_string_equal(lista(db), lista(su));
    assert_int_equal(db_usuario_limites(db, "tu_prom", 99, -1, &cupo, &cartera, &e), RC_DB);
    assert_string_equal(e.code, "42501");
    db_close(db);
    assert_string_equal(dbt_scalar_tmp(t, su, "SELECT cupo_diario || '/' || cartera_max FROM"
                                              " crm.usuarios WHERE login = 'tu_prom'"),
                        "25/90");
    db_close(su);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_crear_usuario_idempotent, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_validation_codes, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_only_admins, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_roles_adopted_or_left_alone, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_cambiar_estado, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_lista_y_limites, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests_name("usuarios", tests, NULL, NULL);
}
