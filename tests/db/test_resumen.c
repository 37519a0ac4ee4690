/*
 * test_resumen — db_resumen_load against a real database: who the session is, and the
 * counts row-level security lets each profile see, the month's sales in force among them
 * (not a cancelled one, not last month's), and the next rest day or special date (today's
 * counts, yesterday's does not, a special date on a rest day is the rest day, none when none
 * is declared), the open ones past their timer's warning, the campaigns that paused by themselves,
 * the bandeja's late exits for the profiles that have one; failures keep the db.h mapping (a lost
 * connection is 08006, which the client uses to reconnect).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_resumen.h"
#include "dbt.h"
#include "util/err.h"

/* Ten clientes; a supervisor with two promoters (3 + 3 opportunities) and an admin. The won
 * one was sold this month (R-1, $30,000.00); the one in the bandeja came back there when the
 * lender declined its sale (R-2, cancelled). */
static void
seed(struct dbt *t)
{
    struct db *adm = dbt_connect(t, NULL), *p;

    dbt_exec(adm, "INSERT INTO padron.convenios (clave, nombre, tipo)"
                  " VALUES ('IMSS', 'Instituto Mexicano del Seguro Social', 'FEDERAL');"
                  "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id,"
                  " entidad_id, edad) SELECT 'Cliente ' || g, 'Núñez', 1, 9, 30"
                  " FROM generate_series(1, 10) g;"
                  "SELECT api.crear_usuario('res_sup', 'Supervisora Resumen', 'SUPERVISOR');"
                  "SELECT api.crear_usuario('res_prom1', 'Promotora Uno', 'PROMOTOR', 'res_sup');"
                  "SELECT api.crear_usuario('res_prom2', 'Promotor Dos', 'PROMOTOR', 'res_sup');"
                  "SELECT api.crear_usuario('res_admin', 'Administración', 'ADMIN');");
    for (int i = 0; i < 2; i++) {
        p = dbt_connect(t, i == 0 ? "res_prom1" : "res_prom2");
        dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(3)");
        db_close(p);
    }
    /* res_prom2: one won, one in the bandeja, one still open. */
    dbt_exec(adm, "UPDATE crm.oportunidades SET estado = 'GANADA', cerrada_at = now(),"
                  " timer_vence = NULL, timer_aviso = NULL WHERE id = (SELECT min(o.id)"
                  " FROM crm.oportunidades o JOIN crm.usuarios u ON u.id = o.usuario_id"
                  " WHERE u.login = 'res_prom2');"
                  "UPDATE crm.oportunidades SET estado = 'EN_BANDEJA', motivo_salida = 'prueba',"
                  " timer_vence = NULL, timer_aviso = NULL WHERE id = (SELECT max(o.id)"
                  " FROM crm.oportunidades o JOIN crm.usuarios u ON u.id = o.usuario_id"
                  " WHERE u.login = 'res_prom2');"
                  "INSERT INTO crm.ventas (oportunidad_id, monto, producto, folio, usuario_id,"
                  " estado, cancelada_at, cancelada_por, motivo_cancelacion)"
                  " SELECT o.id, 30000, 'Nómina', CASE o.estado WHEN 'GANADA' THEN 'R-1'"
                  " ELSE 'R-2' END, o.usuario_id, CASE o.estado WHEN 'GANADA' THEN 'VIGENTE'"
                  " ELSE 'CANCELADA' END, CASE o.estado WHEN 'GANADA' THEN NULL ELSE now() END,"
                  " CASE o.estado WHEN 'GANADA' THEN NULL ELSE o.usuario_id END,"
                  " CASE o.estado WHEN 'GANADA' THEN NULL ELSE 'no la aprobó' END"
                  " FROM crm.oportunidades o WHERE o.estado IN ('GANADA', 'EN_BANDEJA');");
    db_close(adm);
}

static int
setup(void **state)
{
    int rc = dbt_setup(state);

    if (rc == 0)
        seed(*state);
    return rc;
}

/* The summary as login sees it (NULL: the superuser). */
static struct resumen
resumen_de(struct dbt *t, const char *login)
{
    struct db *db = dbt_connect(t, login);
    struct resumen r;
    struct err e = { 0 };

    assert_int_equal(db_resumen_load(db, &r, &e), RC_OK);
    db_close(db);
    return r;
}

/* Loads the summary as login and checks profile and counts (ABIERTA … DESCARTADA), and the
 * month's sales: how many and their sum. */
static void
assert_resumen(struct dbt *t, const char *login, const char *rol, const char *nombre,
               const long long want[RESUMEN_ESTADOS], long long ventas, const char *monto)
{
    struct db *db = dbt_connect(t, login);
    struct resumen r;
    struct err e = { 0 };

    assert_int_equal(db_resumen_load(db, &r, &e), RC_OK);
    assert_string_equal(r.login, login != NULL ? login : DBT_ADMIN);
    assert_string_equal(r.rol, rol);
    assert_string_equal(r.nombre, nombre);
    assert_int_equal(r.clientes, 10);
    for (int i = 0; i < RESUMEN_ESTADOS; i++) {
        if (r.oportunidades[i] != want[i])
            fail_msg("%s, %s: %lld, se esperaba %lld", login != NULL ? login : DBT_ADMIN,
                     resumen_estado_name((enum resumen_estado)i), r.oportunidades[i], want[i]);
    }
    assert_int_equal(r.ventas_mes, ventas);
    assert_string_equal(r.ventas_mes_monto, monto);
    db_close(db);
}

static void
test_promoter_sees_only_own_opportunities(void **state)
{
    static const long long prom1[RESUMEN_ESTADOS] = { 3, 0, 0, 0, 0 };
    static const long long prom2[RESUMEN_ESTADOS] = { 1, 1, 1, 0, 0 };

    assert_resumen(*state, "res_prom1", "PROMOTOR", "Promotora Uno", prom1, 0, "0");
    assert_resumen(*state, "res_prom2", "PROMOTOR", "Promotor Dos", prom2, 1, "30000.00");
}

static void
test_supervisor_and_admin_see_the_team_and_all(void **state)
{
    static const long long team[RESUMEN_ESTADOS] = { 4, 1, 1, 0, 0 };

    assert_resumen(*state, "res_sup", "SUPERVISOR", "Supervisora Resumen", team, 1, "30000.00");
    assert_resumen(*state, "res_admin", "ADMIN", "Administración", team, 1, "30000.00");
}

static void
test_login_that_is_not_a_crm_user_has_no_profile(void **state)
{
    static const long long all[RESUMEN_ESTADOS] = { 4, 1, 1, 0, 0 };

    assert_resumen(*state, NULL, "", "", all, 1, "30000.00"); /* the superuser: no row, no RLS */
}

/* A sale registered before the 1st of this month (business zone) is last month's. */
static void
test_last_months_sale_is_not_this_months(void **state)
{
    static const long long prom2[RESUMEN_ESTADOS] = { 1, 1, 1, 0, 0 };
    struct db *adm = dbt_connect(*state, NULL);

    dbt_exec(adm, "UPDATE crm.ventas SET registrada_at = date_trunc('month', now() AT TIME ZONE"
                  " crm.zona()) AT TIME ZONE crm.zona() - interval '1 minute'"
                  " WHERE folio = 'R-1'");
    db_close(adm);
    assert_resumen(*state, "res_prom2", "PROMOTOR", "Promotor Dos", prom2, 0, "0");
}

/* The next rest day from today on (business zone), for everyone; "" when none is declared. */
static void
test_next_rest_day(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p = dbt_connect(t, "res_prom1");
    struct resumen r;
    struct err e = { 0 };

    dbt_exec(adm, "DELETE FROM crm.dias_inhabiles;"
                  "INSERT INTO crm.dias_inhabiles (fecha, nombre) VALUES"
                  " ((now() AT TIME ZONE crm.zona())::date - 1, 'Ayer'),"
                  " ((now() AT TIME ZONE crm.zona())::date + 40, 'Lejano'),"
                  " ((now() AT TIME ZONE crm.zona())::date + 3, 'Día de la Candelaria')");
    assert_int_equal(db_resumen_load(p, &r, &e), RC_OK);
    assert_string_equal(r.cal_fecha, dbt_scalar_tmp(t, adm,
                                                    "SELECT ((now() AT TIME ZONE crm.zona())::date"
                                                    " + 3)::text"));
    assert_string_equal(r.cal_nombre, "Día de la Candelaria");
    assert_string_equal(r.cal_abre, "");
    /* A date with hours of its own before it comes first (sql/097); one on a rest day is the
     * rest day's. */
    dbt_exec(adm, "INSERT INTO crm.dias_especiales (fecha, abre, cierra, nombre) VALUES"
                  " ((now() AT TIME ZONE crm.zona())::date + 2, '09:00', '14:00', 'Medio día'),"
                  " ((now() AT TIME ZONE crm.zona())::date + 3, '09:00', '13:00', 'Tapada')");
    assert_int_equal(db_resumen_load(p, &r, &e), RC_OK);
    assert_string_equal(r.cal_nombre, "Medio día");
    assert_string_equal(r.cal_abre, "09:00");
    assert_string_equal(r.cal_cierra, "14:00");
    dbt_exec(adm, "DELETE FROM crm.dias_especiales WHERE nombre = 'Medio día'");
    assert_int_equal(db_resumen_load(p, &r, &e), RC_OK);
    assert_string_equal(r.cal_nombre, "Día de la Candelaria");
    assert_string_equal(r.cal_abre, "");
    dbt_exec(adm, "UPDATE crm.dias_inhabiles SET fecha = (now() AT TIME ZONE crm.zona())::date"
                  " WHERE nombre = 'Lejano'");
    assert_int_equal(db_resumen_load(p, &r, &e), RC_OK);
    assert_string_equal(r.cal_nombre, "Lejano"); /* today is still ahead of her */
    dbt_exec(adm, "DELETE FROM crm.dias_inhabiles WHERE fecha >= (now() AT TIME ZONE"
                  " crm.zona())::date - 1");
    assert_int_equal(db_resumen_load(p, &r, &e), RC_OK);
    assert_string_equal(r.cal_nombre, "Tapada"); /* its rest day gone, the special date shows */
    dbt_exec(adm, "DELETE FROM crm.dias_especiales");
    assert_int_equal(db_resumen_load(p, &r, &e), RC_OK);
    assert_string_equal(r.cal_fecha, "");
    assert_string_equal(r.cal_nombre, "");
    db_close(p);
    db_close(adm);
}

/* Campaigns that paused by themselves (sql/102: pausa_motivo set only then): each profile
 * counts the ones row-level security shows it, with the newest one's name and promoter; her
 * own pause (no reason) does not count. */
static void
test_self_paused_campaigns(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    struct resumen r;
    struct err e = { 0 };

    dbt_exec(adm,
             "INSERT INTO crm.wa_campanas (usuario_id, nombre, etapa_id, plantilla, estado,"
             " pausa_motivo) SELECT u.id, v.nombre, (crm.etapa_inicial()).id, 'Hola', 'PAUSADA',"
             " v.motivo FROM (VALUES ('res_prom1', 'Mía sola', 'Se pausó sola: 479'),"
             " ('res_prom2', 'Ajena sola', 'Se pausó sola: 479'),"
             " ('res_prom1', 'Pausada por ella', NULL)) v(login, nombre, motivo)"
             " JOIN crm.usuarios u ON u.login = v.login ORDER BY v.nombre DESC");
    p = dbt_connect(t, "res_prom1");
    assert_int_equal(db_resumen_load(p, &r, &e), RC_OK);
    assert_int_equal(r.campanas_solas, 1);
    assert_string_equal(r.campana_sola, "Mía sola");
    assert_string_equal(r.campana_sola_login, "res_prom1");
    db_close(p);
    p = dbt_connect(t, "res_sup");
    assert_int_equal(db_resumen_load(p, &r, &e), RC_OK);
    assert_int_equal(r.campanas_solas, 2);
    assert_string_equal(r.campana_sola, "Ajena sola"); /* the newest */
    assert_string_equal(r.campana_sola_login, "res_prom2");
    /* resumed: the reason goes with the state (trigger of sql/102), and so does the count */
    dbt_exec(adm, "UPDATE crm.wa_campanas SET estado = 'ENVIANDO' WHERE nombre = 'Ajena sola'");
    assert_int_equal(db_resumen_load(p, &r, &e), RC_OK);
    assert_int_equal(r.campanas_solas, 1);
    assert_string_equal(r.campana_sola, "Mía sola");
    dbt_exec(adm, "UPDATE crm.wa_campanas SET estado = 'ENVIANDO'");
    assert_int_equal(db_resumen_load(p, &r, &e), RC_OK);
    assert_int_equal(r.campanas_solas, 0);
    assert_string_equal(r.campana_sola, "");
    assert_string_equal(r.campana_sola_login, "");
    db_close(p);
    db_close(adm);
}

/* The late exits of the bandeja: counted for the profiles that have a bandeja (the team's
 * for a supervisor, all for an admin and the auditor), not read (-1) for a promoter or a login
 * that is not a CRM user; an exit of a month ago is late, one that just came in is not. */
static void
test_late_bandeja_exits(void **state)
{
    static const struct {
        const char *login;
        long long late, fresh;
    } want[] = { { "res_sup", 1, 0 },
                 { "res_admin", 1, 0 },
                 { "res_aud", 1, 0 },
                 { "res_prom2", -1, -1 },
                 { NULL, -1, -1 } };
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    long long got;

    dbt_exec(adm, "SELECT api.crear_usuario('res_aud', 'Auditoría', 'AUDITOR');"
                  "UPDATE crm.oportunidades SET etapa_desde = now() - interval '30 days'"
                  " WHERE estado = 'EN_BANDEJA'");
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
            got = resumen_de(t, want[i].login).bandeja_atrasadas;
            if (got != (pass == 0 ? want[i].late : want[i].fresh))
                fail_msg("%s, pasada %d: %lld atrasadas", want[i].login, pass, got);
        }
        dbt_exec(adm, "UPDATE crm.oportunidades SET etapa_desde = now()"
                      " WHERE estado = 'EN_BANDEJA'");
    }
    db_close(adm);
}

/* Open opportunities past their timer's warning, as each profile sees them: one of
 * res_prom1's whose warning passed (its timer not yet), another whose timer expired and the
 * sweep has not returned yet; not a future warning (an exit has none: 004's check). */
static void
test_por_vencer(void **state)
{
    static const struct {
        const char *login;
        long long want;
    } want[] = { { "res_prom1", 2 }, { "res_prom2", 0 }, { "res_sup", 2 }, { NULL, 2 } };
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    long long got;

    dbt_exec(adm, "UPDATE crm.oportunidades o SET timer_aviso = now() - interval '1 minute'"
                  " WHERE o.id IN (SELECT x.id FROM crm.oportunidades x JOIN crm.usuarios u"
                  " ON u.id = x.usuario_id WHERE u.login = 'res_prom1' ORDER BY x.id LIMIT 1);"
                  "UPDATE crm.oportunidades o SET timer_aviso = now() - interval '2 hours',"
                  " timer_vence = now() - interval '1 minute', etapa_desde = now() - interval"
                  " '3 hours' WHERE o.id IN (SELECT x.id FROM crm.oportunidades x JOIN"
                  " crm.usuarios u ON u.id = x.usuario_id WHERE u.login = 'res_prom1'"
                  " ORDER BY x.id DESC LIMIT 1)");
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        got = resumen_de(t, want[i].login).por_vencer;
        if (got != want[i].want)
            fail_msg("%s: %lld por vencer, se esperaban %lld", want[i].login, got, want[i].want);
    }
    db_close(adm);
}

static void
test_lost_connection_is_08006(void **state)
{
    struct dbt *t = *state;
    struct db *p = dbt_connect(t, "res_prom1");
    struct db *adm = dbt_connect(t, NULL);
    const char *pid = dbt_scalar_tmp(t, p, "SELECT pg_backend_pid()");
    struct resumen r;
    struct err e = { 0 };

    dbt_exec(adm, "SELECT pg_terminate_backend(%s, 5000)", pid);
    assert_int_equal(db_resumen_load(p, &r, &e), RC_DB);
    assert_string_equal(e.code, "08006");
    db_close(p);
    db_close(adm);
}

static void
test_missing_schema_is_a_db_error_not_a_lost_connection(void **state)
{
    struct db *adm = dbt_connect(*state, NULL);
    struct resumen r;
    struct err e = { 0 };

    assert_int_equal(db_resumen_load(adm, &r, &e), RC_DB);
    assert_true(e.code[0] != '\0');
    assert_true(strncmp(e.code, "08", 2) != 0);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_promoter_sees_only_own_opportunities, setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_supervisor_and_admin_see_the_team_and_all, setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_last_months_sale_is_not_this_months, setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_login_that_is_not_a_crm_user_has_no_profile, setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_next_rest_day, setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_self_paused_campaigns, setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_late_bandeja_exits, setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_por_vencer, setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_lost_connection_is_08006, setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_missing_schema_is_a_db_error_not_a_lost_connection,
                                        dbt_setup_empty, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
