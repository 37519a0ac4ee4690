/*
 * test_auditor — the AUDITOR rol (sql/071_auditor.sql): reads everything an admin reads
 * (every team's opportunities, history, bandeja, report, doctor) and writes nothing, by any
 * path: every writing api function is refused (42501: not granted), a direct write too, the
 * sweep too, and nothing changed afterwards. Also the catalog rules that keep it so for
 * functions still to come: no VOLATILE api function is executable by embudo_auditor, and every
 * object of crm, padron and api belongs to embudo_owner and no function is executable by
 * PUBLIC (032 once left SECURITY DEFINER functions owned by the superuser and open to all).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "dbt.h"
#include "util/err.h"

static void
test_catalogo(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);

    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT coalesce(string_agg(p.oid::regprocedure::text,"
                                       " ', '), '') FROM pg_proc p JOIN pg_namespace n ON"
                                       " n.oid = p.pronamespace WHERE n.nspname = 'api' AND"
                                       " p.provolatile = 'v' AND has_function_privilege("
                                       "'embudo_auditor', p.oid, 'EXECUTE')"),
                        "");
    /* ...while the working groups keep them. */
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON"
                                   " n.oid = p.pronamespace WHERE n.nspname = 'api' AND"
                                   " p.oid = 'api.mover(bigint, text, text)'::regprocedure AND"
                                   " has_function_privilege('embudo_promotor', p.oid, 'EXECUTE')"
                                   " AND has_function_privilege('embudo_supervisor', p.oid,"
                                   " 'EXECUTE') AND has_function_privilege('embudo_admin',"
                                   " p.oid, 'EXECUTE')"),
                     1);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT coalesce(string_agg(x, ', '), '') FROM ("
                                       " SELECT c.oid::regclass::text AS x FROM pg_class c"
                                       " JOIN pg_namespace n ON n.oid = c.relnamespace"
                                       " WHERE n.nspname IN ('crm', 'padron', 'api')"
                                       " AND c.relowner <> 'embudo_owner'::regrole"
                                       " UNION ALL SELECT p.oid::regprocedure::text FROM"
                                       " pg_proc p JOIN pg_namespace n ON n.oid ="
                                       " p.pronamespace WHERE n.nspname IN ('crm', 'padron',"
                                       " 'api') AND p.proowner <> 'embudo_owner'::regrole) o"),
                        "");
    /* Nor by PUBLIC: every function's privileges are granted on purpose. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT coalesce(string_agg(p.oid::regprocedure::text,"
                                       " ', '), '') FROM pg_proc p JOIN pg_namespace n ON"
                                       " n.oid = p.pronamespace WHERE n.nspname IN ('crm',"
                                       " 'padron', 'api') AND (p.proacl IS NULL OR EXISTS"
                                       " (SELECT 1 FROM aclexplode(p.proacl) a"
                                       " WHERE a.grantee = 0))"),
                        "");
    db_close(adm);
}

/* au_sup: au_p1, au_p2; au_sup2: au_p3; au_adm; au_aud. The promoters each hold a lote,
 * au_p3 sends one opportunity to the bandeja. */
static void
seed(struct dbt *t, struct db *adm)
{
    static const struct dbt_usuario usuarios[] = {
        { "au_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "au_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
        { "au_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "au_p1", "Pepe Uno", "PROMOTOR", "au_sup", NULL },
        { "au_p2", "Paty Dos", "PROMOTOR", "au_sup", NULL },
        { "au_p3", "Pablo Tres", "PROMOTOR", "au_sup2", NULL },
    };
    struct db *p;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 100);
    for (int i = 1; i <= 3; i++) {
        char login[16];

        snprintf(login, sizeof login, "au_p%d", i);
        p = dbt_connect(t, login);
        dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(%d)", 2 + i);
        db_close(p);
    }
    p = dbt_connect(t, "au_p3");
    dbt_exec(p, "SELECT * FROM api.mover((SELECT min(id) FROM crm.oportunidades),"
                " 'No interesado', 'no le interesa')");
    db_close(p);
}

static void
test_crear_auditor(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *ad;

    seed(t, adm);
    ad = dbt_connect(t, "au_adm");
    dbt_expect_refusal(ad, "EB106", "SELECT api.crear_usuario('au_x', 'Xóchitl', 'AUDITOR',"
                                    " 'au_sup')");
    assert_int_equal(dbt_try(ad, &(struct err){ 0 },
                             "SELECT api.crear_usuario('au_x', 'Xóchitl', 'AUDITORA')"),
                     RC_REFUSED);
    dbt_exec(ad, "SELECT api.crear_usuario('au_aud', 'Laura Gómez Treviño', 'AUDITOR')");
    /* Its login role is in the auditors' group and in no other embudo group. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(g.rolname, ',' ORDER BY g.rolname)"
                                       " FROM pg_auth_members m JOIN pg_roles g ON"
                                       " g.oid = m.roleid WHERE m.member = 'au_aud'::regrole"),
                        "embudo_auditor");
    db_close(ad);
    db_close(adm);
}

static void
test_lee_todo(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *au;

    seed(t, adm);
    dbt_exec(adm, "SELECT api.crear_usuario('au_aud', 'Laura Gómez Treviño', 'AUDITOR')");
    au = dbt_connect(t, "au_aud");
    /* Every team's opportunities and their history, lotes, quota rows, users. */
    assert_int_equal(dbt_scalar_ll(t, au, "SELECT count(*) FROM crm.oportunidades"), 12);
    assert_int_equal(dbt_scalar_ll(t, au, "SELECT count(*) FROM crm.historial"),
                     dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.historial"));
    assert_int_equal(dbt_scalar_ll(t, au, "SELECT count(*) FROM crm.lotes"), 3);
    assert_int_equal(dbt_scalar_ll(t, au, "SELECT count(*) FROM crm.cupo_diario"), 3);
    assert_int_equal(dbt_scalar_ll(t, au, "SELECT count(*) FROM crm.usuarios"), 7);
    /* The supervisors' reading functions, over every team. */
    assert_string_equal(dbt_scalar_tmp(t, au, "SELECT string_agg(usuario_login, ',')"
                                              " FROM api.bandeja()"),
                        "au_p3");
    assert_string_equal(dbt_scalar_tmp(t, au, "SELECT string_agg(login || ':' || recibidos,"
                                              " ',' ORDER BY login) FROM api.reparto()"),
                        "au_p1:3,au_p2:4,au_p3:5");
    assert_int_equal(dbt_scalar_ll(t, au, "SELECT count(*) FROM api.verificar_invariantes()"), 0);
    assert_int_equal(dbt_scalar_ll(t, au, "SELECT sum(disponibles) FROM api.disponibles()"), 88);
    db_close(au);
    db_close(adm);
}

/* The open opportunity the auditor tries to change (it sees every one). */
#define OP "(SELECT max(id) FROM crm.oportunidades WHERE estado = 'ABIERTA')"

static void
test_no_escribe_nada(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *au;
    long long op, historial, pool_libres;
    static const char *const denegadas[] = {
        "SELECT * FROM api.solicitar_asignacion(5)",
        "SELECT * FROM api.mover(" OP ", 'Contactado')",
        "SELECT api.nota(" OP ", 'revisado por auditoría')",
        "SELECT api.registrar_intento(" OP ", 'NO_CONTESTA')",
        "SELECT * FROM api.registrar_venta(" OP ", 1000, 'Crédito', 'AUD-1')",
        "SELECT * FROM api.captar('Ana Prueba', '55 1234 5678')",
        "SELECT api.sweep_inicio('auditoría')",
        "SELECT api.plantilla_guardar('Nuevo', 'Aviso', 'Hola {nombre}', false)",
        "SELECT api.wa_envio_manual('+525512345678', '5215512345678@s.whatsapp.net', 'clave')",
        "SELECT * FROM api.reasignar(ARRAY[" OP "], 'au_p1', 'auditoría')",
        "SELECT api.bandeja_devolver(ARRAY[" OP "], 'auditoría')",
        "SELECT api.extender_timer(ARRAY[" OP "], 8, 'auditoría')",
        "SELECT * FROM api.distribuir(5)",
        "UPDATE crm.oportunidades SET estado = 'GANADA' WHERE id = " OP,
        "INSERT INTO crm.historial (oportunidad_id, evento, usuario_id)"
        " VALUES (" OP ", 'NOTA', 1)",
    };

    seed(t, adm);
    dbt_exec(adm, "SELECT api.crear_usuario('au_aud', 'Laura Gómez Treviño', 'AUDITOR')");
    au = dbt_connect(t, "au_aud");
    op = dbt_scalar_ll(t, adm, "SELECT max(id) FROM crm.oportunidades WHERE estado = 'ABIERTA'");
    historial = dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.historial");
    pool_libres = dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.pool"
                                        " WHERE oportunidad_id IS NULL");

    for (size_t i = 0; i < sizeof denegadas / sizeof denegadas[0]; i++) {
        struct err e = { 0 };

        if (dbt_try(au, &e, "%s", denegadas[i]) == RC_OK || strcmp(e.code, "42501") != 0)
            fail_msg("«%s»: %s %s", denegadas[i], e.code, e.msg);
    }
    /* Nothing moved. */
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.historial"), historial);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.pool"
                                           " WHERE oportunidad_id IS NULL"),
                     pool_libres);
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT estado FROM crm.oportunidades"
                                               " WHERE id = %lld", op),
                        "ABIERTA");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.sweep_runs"), 0);
    /* The same functions still work for the others. */
    db_close(au);
    au = dbt_connect(t, "au_sup2");
    dbt_exec(au, "SELECT api.nota(%lld, 'revisado')", op);
    db_close(au);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_catalogo, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_crear_auditor, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_lee_todo, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_no_escribe_nada, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
