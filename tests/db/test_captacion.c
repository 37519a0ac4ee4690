/*
 * test_captacion — api.normalizar_telefono and api.captar (sql/009_captacion.sql): accepted
 * and refused phone forms, new prospects, linking to a padron client by phone or CURP,
 * duplicates refused (naming the owner only to supervisors), blocked clients, the CAPTACION
 * lote, the business-time timer and the pool; and a prospect's name wherever a client's shows
 * (sql/068: concat_ws of a missing padron row is '', not NULL).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_tui.h"
#include "dbt.h"
#include "util/err.h"

/* ca_sup: ca_p1, ca_p2; ca_adm. Clients 1..20, client 5 has phone 55 1234 5678 and a CURP. */
static void
seed(struct dbt *t, struct db *adm)
{
    static const struct dbt_usuario usuarios[] = {
        { "ca_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "ca_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "ca_p1", "Pepe Uno", "PROMOTOR", "ca_sup", NULL },
        { "ca_p2", "Paty Dos", "PROMOTOR", "ca_sup", NULL },
    };

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 20);
    dbt_exec(adm, "UPDATE padron.clientes SET curp = 'GOMA800101HDFRRN09' WHERE id = 6;"
                  "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)"
                  " VALUES (5, 'CELULAR', '+525512345678'), (7, 'CELULAR', '+523311112222')");
}

static void
test_normalizar_telefono(void **state)
{
    struct dbt *t = *state;
    struct db *db;
    static const char *const buenos[][2] = {
        { "55 1234 5678", "+525512345678" },       { "(55) 1234-5678", "+525512345678" },
        { "5512345678", "+525512345678" },         { "+52 55 1234 5678", "+525512345678" },
        { "+52 1 55 1234 5678", "+525512345678" }, { "52 1 55 1234 5678", "+525512345678" },
        { "044 55 1234 5678", "+525512345678" },   { "045 33 1234 5678", "+523312345678" },
        { "01 55 1234 5678", "+525512345678" },    { "0155.1234.5678", "+525512345678" },
        { "525512345678", "+525512345678" },       { " 81-1234-5678 ", "+528112345678" },
    };
    static const char *const malos[] = {
        "",
        "12345",
        "55 1234 567",
        "55 1234 56789",
        "1512345678",
        "0512345678",
        "+1 555 123 4567",
        "+44 20 7946 0958",
        "55-1234-567a",
        "046 55 1234 5678",
        "+52 0 55 1234 5678",
        "++525512345678",
    };

    dbt_role(t, "ca_p1", "embudo_promotor");
    db = dbt_connect(t, "ca_p1");
    for (size_t i = 0; i < sizeof buenos / sizeof buenos[0]; i++)
        assert_string_equal(
            dbt_scalar_tmp(t, db, "SELECT api.normalizar_telefono('%s')", buenos[i][0]),
            buenos[i][1]);
    for (size_t i = 0; i < sizeof malos / sizeof malos[0]; i++) {
        struct err e = { 0 };

        if (dbt_try(db, &e, "SELECT api.normalizar_telefono('%s')", malos[i]) != RC_REFUSED ||
            strcmp(e.code, "EB701") != 0)
            fail_msg("'%s' debía rechazarse con EB701 (llegó %s)", malos[i], e.code);
    }
    dbt_expect_refusal(db, "EB701", "SELECT api.normalizar_telefono(NULL)");
    db_close(db);
}

static void
test_prospecto_nuevo(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;

    seed(t, adm);
    p = dbt_connect(t, "ca_p1");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s/%%s', cliente_id IS NULL,"
                                       " prospecto_id IS NOT NULL, mensaje) FROM"
                                       " api.captar(' Juana Pérez ', '(33) 9999-0000',"
                                       " 'imss', NULL, '{\"fuente\": \"feria\"}')"),
                        "t/t/prospecto captado: oportunidad 1");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s|%%s|%%s|%%s', p.nombre,"
                                       " p.telefono, p.datos ->> 'fuente', v.clave) FROM"
                                       " crm.prospectos p JOIN padron.convenios v ON v.id ="
                                       " p.convenio_id"),
                        "Juana Pérez|+523399990000|feria|IMSS");
    /* CAPTACION lote, INICIAL stage, business-time timer, history CAPTADA; no quota charged. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s|%%s|%%s|%%s|%%s', l.origen,"
                                       " e.tipo, o.timer_vence = api.sumar_horas_habiles("
                                       "o.etapa_desde, e.timer_horas), h.evento,"
                                       " (SELECT coalesce(sum(usados), 0) FROM"
                                       " crm.cupo_diario)) FROM crm.oportunidades o JOIN"
                                       " crm.lotes l ON l.id = o.lote_id JOIN crm.etapas e"
                                       " ON e.id = o.etapa_id JOIN crm.historial h ON"
                                       " h.oportunidad_id = o.id"),
                        "CAPTACION|INICIAL|t|CAPTADA|0");
    /* The same phone again, in any form: duplicate. */
    {
        struct err e = { 0 };

        assert_int_equal(dbt_try(p, &e,
                                 "SELECT * FROM api.captar('Juana', '+52 1 33 9999"
                                 " 0000')"),
                         RC_REFUSED);
        assert_string_equal(e.code, "EB702");
        assert_string_equal(e.msg, "ese cliente ya es suyo: oportunidad 1");
    }
    db_close(p);
    p = dbt_connect(t, "ca_p2");
    {
        struct err e = { 0 };

        assert_int_equal(dbt_try(p, &e, "SELECT * FROM api.captar('Juana', '3399990000')"),
                         RC_REFUSED);
        assert_string_equal(e.code, "EB702");
        /* A promoter is not told whose it is. */
        assert_null(strstr(e.msg, "Pepe"));
        assert_null(strstr(e.msg, "ca_p1"));
    }
    db_close(p);
    /* Refusals of the input. */
    p = dbt_connect(t, "ca_p1");
    dbt_expect_refusal(p, "EB701", "SELECT * FROM api.captar('Ana López', '123')");
    dbt_expect_refusal(p, "EB703", "SELECT * FROM api.captar('A', '5511112222')");
    dbt_expect_refusal(p, "EB703",
                       "SELECT * FROM api.captar('Ana López', '5511112222', NULL, NULL,"
                       " '[1]')");
    dbt_expect_refusal(p, "EB704", "SELECT * FROM api.captar('Ana López', '5511112222', 'NADA')");
    dbt_expect_refusal(p, "EB705",
                       "SELECT * FROM api.captar('Ana López', '5511112222', NULL,"
                       " 'NOESCURP')");
    db_close(p);
    dbt_exec(adm, "UPDATE crm.usuarios SET cartera_max = 1 WHERE login = 'ca_p1'");
    p = dbt_connect(t, "ca_p1");
    dbt_expect_refusal(p, "EB706", "SELECT * FROM api.captar('Ana López', '5511112222')");
    db_close(p);
    db_close(adm);
}

/* A captured prospect has no padron row: its own name must show in the embudo's card, the
   detalle and the supervisor's bandeja, not an empty one. */
static void
test_prospecto_con_nombre(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p, *sup;
    struct tui_tarjeta *v = NULL;
    struct tui_detalle d;
    struct err e = { 0 };
    size_t n = 0;

    seed(t, adm);
    p = dbt_connect(t, "ca_p1");
    dbt_exec(p, "SELECT * FROM api.captar('Juana Pérez Ñuño', '3399990000')");
    assert_int_equal(db_tui_embudo(p, 0, &v, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].cliente, "Juana Pérez Ñuño");
    assert_int_equal(db_tui_detalle(p, v[0].id, &d, &e), RC_OK);
    assert_string_equal(d.t.cliente, "Juana Pérez Ñuño");
    db_tui_detalle_fini(&d);
    dbt_exec(p, "SELECT * FROM api.mover(%lld, 'No interesado', 'ya tiene otro crédito')",
             (long long)v[0].id);
    free(v);
    db_close(p);
    sup = dbt_connect(t, "ca_sup");
    assert_string_equal(dbt_scalar_tmp(t, sup, "SELECT cliente FROM api.bandeja()"),
                        "Juana Pérez Ñuño");
    db_close(sup);
    db_close(adm);
}

static void
test_vinculo_con_padron(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct err e = { 0 };
    long long op;

    seed(t, adm);
    p = dbt_connect(t, "ca_p1");
    /* By phone: linked to client 5, no prospect, pool row taken. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s', cliente_id,"
                                       " coalesce(prospecto_id::text, '-')) FROM"
                                       " api.captar('Cinco', '55 1234 5678')"),
                        "5/-");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT p.oportunidad_id = o.id FROM crm.pool p"
                                       " JOIN crm.oportunidades o ON o.cliente_id ="
                                       " p.cliente_id WHERE p.cliente_id = 5"),
                        "t");
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT count(*) FROM crm.prospectos"), "0");
    /* By CURP. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT cliente_id FROM api.captar('Seis',"
                                       " '5599998888', NULL, 'goma800101hdfrrn09')"),
                        "6");
    db_close(p);
    /* A client assigned to someone else: refused; only a supervisor is told whose. */
    p = dbt_connect(t, "ca_p2");
    assert_int_equal(dbt_try(p, &e, "SELECT * FROM api.captar('Cinco', '5512345678')"), RC_REFUSED);
    assert_string_equal(e.code, "EB702");
    assert_string_equal(e.msg, "ese cliente ya tiene una oportunidad activa con otro promotor");
    db_close(p);
    p = dbt_connect(t, "ca_sup");
    assert_int_equal(dbt_try(p, &e, "SELECT * FROM api.captar('Cinco', '5512345678')"), RC_REFUSED);
    assert_string_equal(e.code, "EB702");
    assert_non_null(strstr(e.msg, "Pepe Uno (ca_p1)"));
    /* A supervisor may capture a new one; it is theirs. */
    op = dbt_scalar_ll(t, p,
                       "SELECT oportunidad_id FROM api.captar('Nueva Persona',"
                       " '8187776666')");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT usuario_id = crm.yo() FROM crm.oportunidades"
                                       " WHERE id = %lld",
                                       op),
                        "t");
    db_close(p);
    /* A blocked client (opt-out) cannot be captured. */
    dbt_exec(adm, "INSERT INTO crm.bloqueos (cliente_id, hasta, motivo) VALUES (7, NULL,"
                  " 'OPT_OUT')");
    p = dbt_connect(t, "ca_p2");
    dbt_expect_refusal(p, "EB707", "SELECT * FROM api.captar('Siete', '33 1111 2222')");
    /* Once the old opportunity is closed, the client can be captured again. */
    dbt_exec(adm, "UPDATE crm.oportunidades SET estado = 'DEVUELTA', timer_vence = NULL,"
                  " timer_aviso = NULL, cerrada_at = now() WHERE cliente_id = 5");
    dbt_exec(adm, "INSERT INTO crm.historial (oportunidad_id, evento, estado_anterior,"
                  " estado_nuevo) SELECT id, 'DEVUELTA', 'ABIERTA', 'DEVUELTA' FROM"
                  " crm.oportunidades WHERE cliente_id = 5");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT cliente_id FROM api.captar('Cinco',"
                                       " '5512345678')"),
                        "5");
    db_close(p);
    p = dbt_connect(t, "ca_adm");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(p);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_normalizar_telefono, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_prospecto_nuevo, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_prospecto_con_nombre, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_vinculo_con_padron, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
