/*
 * test_wa_tui — the campaign panes' queries (src/db/db_wa_tui.c, sql/030_variaciones.sql):
 * audience counts per stage that agree with what api.campana_crear schedules, filters and
 * their refusals, sample values, the stage's templates with their twins in Meta (sql/100),
 * variations stored once per template and model (a second answer does not replace the first;
 * bad arrays refused), the campaign list under RLS and the uncertain messages of a campaign.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_wa.h"
#include "db/db_wa_cloud.h"
#include "db/db_wa_tui.h"
#include "dbt.h"
#include "util/err.h"

/* tw_p1 (Pepe Uno) with 6 clients in stage Nuevo: 1..5 with a mobile (5 opted out), 6 without;
 * tw_p2 another promoter; operating hours all day. */
static void
seed(struct dbt *t, struct db *adm)
{
    struct db *p;

    dbt_role(t, "tw_p1", "embudo_promotor");
    dbt_role(t, "tw_p2", "embudo_promotor");
    dbt_exec(adm,
             "INSERT INTO crm.usuarios (login, nombre, rol, cupo_diario, cartera_max) VALUES"
             " ('tw_p1', 'Pepe Uno', 'PROMOTOR', 100, 100),"
             " ('tw_p2', 'Paty Dos', 'PROMOTOR', 100, 100);"
             "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('IMSS', 'IMSS', 'FEDERAL');"
             "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id, edad)"
             " SELECT 'Cliente' || i, 'Núñez', 1, 9, 30 FROM generate_series(1, 6) i;"
             "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i, 'CELULAR',"
             " '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, 5) i;"
             "INSERT INTO crm.wa_bajas (telefono, regla) VALUES ('+525500000005', 'prueba');"
             "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
             "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
             " FROM generate_series(1, 7) d");
    p = dbt_connect(t, "tw_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(6)");
    dbt_exec(p, "SELECT api.wa_guardar_credenciales('5215500000001@s.whatsapp.net', '\\x0102')");
    db_close(p);
}

static void
test_audience_counts_match_creation(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    struct db_wa_audiencia *a;
    struct db_campana_creada cc;
    struct db_campana_nueva nn = { .etapa = NULL, .texto = "Hola {nombre}" };
    struct err e;
    size_t n;

    seed(t, adm);
    p = dbt_connect(t, "tw_p1");
    assert_int_equal(db_wa_tui_audiencia(p, NULL, "", 0, &a, &n, &e), RC_OK);
    assert_true(n >= 1);
    assert_int_equal(a[0].abiertas, 6);
    assert_int_equal(a[0].enviables, 4); /* no phone, opted out */
    free(a);
    /* a filter and a maximum (it limits who gets a message, not the rows looked at) */
    assert_int_equal(db_wa_tui_audiencia(p, "imss", NULL, 2, &a, &n, &e), RC_OK);
    assert_int_equal(a[0].enviables, 2);
    free(a);
    assert_int_equal(db_wa_tui_audiencia(p, NULL, NULL, 0, &a, &n, &e), RC_OK);
    nn.etapa = a[0].etapa;
    assert_int_equal(db_campana_crear(p, &nn, &cc, &e), RC_OK);
    assert_int_equal(cc.destinatarios, a[0].enviables);
    db_campana_creada_fini(&cc);
    free(a);
    /* now pending in a campaign: nobody is sendable again */
    assert_int_equal(db_wa_tui_audiencia(p, NULL, NULL, 0, &a, &n, &e), RC_OK);
    assert_int_equal(a[0].abiertas, 6);
    assert_int_equal(a[0].enviables, 0);
    free(a);
    /* an unknown convenio is a refusal */
    assert_int_equal(db_wa_tui_audiencia(p, "NOEXISTE", NULL, 0, &a, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB354");
    db_close(p);
    /* not a promoter */
    assert_int_equal(db_wa_tui_audiencia(adm, NULL, NULL, 0, &a, &n, &e), RC_REFUSED);
    db_close(adm);
}

static void
test_sample_values_and_templates(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    struct db_wa_muestra *m;
    struct db_wa_plantilla *pl;
    struct db_wa_audiencia *a;
    struct err e;
    size_t n, na;

    seed(t, adm);
    p = dbt_connect(t, "tw_p1");
    assert_int_equal(db_wa_tui_audiencia(p, NULL, NULL, 0, &a, &na, &e), RC_OK);
    assert_int_equal(db_wa_tui_muestra(p, a[0].etapa, NULL, NULL, 2, &m, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(m[0].v[0], "Cliente1");
    assert_string_equal(m[0].v[1], "Núñez");
    assert_string_equal(m[0].v[3], "IMSS");
    assert_string_equal(m[0].v[4], "Pepe Uno");
    db_wa_tui_muestra_free(m, n);
    dbt_exec(p, "SELECT api.plantilla_guardar('%s', 'Saludo', 'Hola {nombre}')", a[0].etapa);
    dbt_exec(p, "SELECT api.plantilla_guardar('%s', 'Abono', '{nombre}, ¿pagó?')", a[0].etapa);
    assert_int_equal(db_wa_tui_plantillas(p, a[0].etapa, &pl, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(pl[0].nombre, "Abono");
    assert_string_equal(pl[1].texto, "Hola {nombre}");
    assert_false(pl[1].compartida);
    assert_string_equal(pl[1].meta_nombre, ""); /* not mapped */
    assert_string_equal(pl[1].meta_idioma, "");
    assert_int_equal(db_plantilla_meta(p, pl[1].id, "primer_contacto", NULL, &e), RC_OK);
    db_wa_tui_plantillas_free(pl, n);
    assert_int_equal(db_wa_tui_plantillas(p, a[0].etapa, &pl, &n, &e), RC_OK);
    assert_string_equal(pl[1].meta_nombre, "primer_contacto"); /* sql/100's mapping */
    assert_string_equal(pl[1].meta_idioma, "es_MX");
    assert_string_equal(pl[0].meta_nombre, "");
    db_wa_tui_plantillas_free(pl, n);
    db_close(p);
    /* another promoter does not see them */
    p = dbt_connect(t, "tw_p2");
    assert_int_equal(db_wa_tui_plantillas(p, a[0].etapa, &pl, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    db_wa_tui_plantillas_free(pl, n);
    assert_int_equal(db_wa_tui_muestra(p, "NoEsEtapa", NULL, NULL, 2, &m, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB350");
    free(a);
    db_close(p);
    db_close(adm);
}

static void
test_variations_stored_once(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    const char *tx[] = { "Qué tal {nombre}", "Buen día {nombre}, \"hoy\"" };
    const char *mot[] = { "", "casi igual a la plantilla (90 %)" };
    const bool ok[] = { true, false };
    const char *tx2[] = { "otra" };
    struct db_wa_variacion *v;
    struct err e;
    size_t n;
    int g = 0;

    seed(t, adm);
    p = dbt_connect(t, "tw_p2");
    assert_int_equal(db_wa_tui_variaciones(p, "Hola {nombre}", "m1", &v, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    db_wa_tui_variaciones_free(v, n);
    assert_int_equal(db_wa_tui_variaciones_guardar(p, "Hola {nombre}", "m1", tx, ok, mot, 2, &g,
                                                   &e),
                     RC_OK);
    assert_int_equal(g, 2);
    /* a second answer for the same template and model keeps the first */
    assert_int_equal(db_wa_tui_variaciones_guardar(p, "Hola {nombre}", "m1", tx2, ok, mot, 1, &g,
                                                   &e),
                     RC_OK);
    assert_int_equal(g, 2);
    db_close(p);
    p = dbt_connect(t, "tw_p1");
    assert_int_equal(db_wa_tui_variaciones(p, "Hola {nombre}", "m1", &v, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[1].texto, "Buen día {nombre}, \"hoy\"");
    assert_false(v[1].aceptada);
    assert_string_equal(v[1].motivo, "casi igual a la plantilla (90 %)");
    db_wa_tui_variaciones_free(v, n);
    /* another model is another set */
    assert_int_equal(db_wa_tui_variaciones(p, "Hola {nombre}", "m2", &v, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    db_wa_tui_variaciones_free(v, n);
    assert_int_equal(db_wa_tui_variaciones_guardar(p, "Hola {nombre}", "m2", tx, ok, mot, 0, &g,
                                                   &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB371");
    assert_int_equal(db_wa_tui_variaciones_guardar(p, "Hola {nombr}", "m2", tx, ok, mot, 2, &g,
                                                   &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB340");
    /* no direct access to the table */
    assert_int_equal(dbt_try(p, &e, "SELECT count(*) FROM crm.wa_variaciones"), RC_DB);
    db_close(p);
    db_close(adm);
}

static void
test_campaigns_and_uncertain(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    struct db_wa_audiencia *a;
    struct db_campana_creada cc;
    struct db_campana_nueva nn = { .texto = "Hola {nombre}", .nombre = "Prueba ñ" };
    struct db_wa_campana_fila *c;
    struct db_wa_incierto *u;
    struct err e;
    size_t n, na;

    seed(t, adm);
    p = dbt_connect(t, "tw_p1");
    assert_int_equal(db_wa_tui_audiencia(p, NULL, NULL, 0, &a, &na, &e), RC_OK);
    nn.etapa = a[0].etapa;
    assert_int_equal(db_campana_crear(p, &nn, &cc, &e), RC_OK);
    assert_int_equal(db_wa_tui_campanas(p, &c, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(c[0].id, cc.id);
    assert_string_equal(c[0].nombre, "Prueba ñ");
    assert_string_equal(c[0].estado, "LISTA");
    assert_string_equal(c[0].login, "tw_p1");
    assert_false(c[0].pausada_sola);
    free(c);
    /* paused by itself (sql/102): the list says so; her own pause would not */
    dbt_exec(adm,
             "UPDATE crm.wa_campanas SET estado = 'PAUSADA', pausa_motivo = 'Se pausó sola'"
             " WHERE id = %lld",
             (long long)cc.id);
    assert_int_equal(db_wa_tui_campanas(p, &c, &n, &e), RC_OK);
    assert_true(n == 1 && c[0].pausada_sola);
    free(c);
    dbt_exec(adm,
             "UPDATE crm.wa_campanas SET estado = 'ENVIANDO' WHERE id = %lld;"
             "UPDATE crm.wa_campanas SET estado = 'PAUSADA' WHERE id = %lld",
             (long long)cc.id, (long long)cc.id);
    assert_int_equal(db_wa_tui_campanas(p, &c, &n, &e), RC_OK);
    assert_true(n == 1 && !c[0].pausada_sola);
    free(c);
    dbt_exec(adm, "UPDATE crm.wa_campanas SET estado = 'LISTA' WHERE id = %lld", (long long)cc.id);
    /* one message left ENVIANDO by a dead sender becomes uncertain */
    dbt_exec(adm,
             "UPDATE crm.wa_mensajes SET estado = 'ENVIANDO', reclamado_at = now(),"
             " incierto = true WHERE id = (SELECT min(id) FROM crm.wa_mensajes"
             " WHERE campana_id = %lld AND estado = 'PENDIENTE')",
             (long long)cc.id);
    assert_int_equal(db_wa_tui_inciertos(p, cc.id, &u, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(u[0].cliente, "Cliente1 Núñez");
    assert_string_equal(u[0].telefono, "+525500000001");
    assert_true(u[0].desde > 0);
    free(u);
    db_close(p);
    /* RLS: another promoter sees neither */
    p = dbt_connect(t, "tw_p2");
    assert_int_equal(db_wa_tui_campanas(p, &c, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    free(c);
    assert_int_equal(db_wa_tui_inciertos(p, cc.id, &u, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    free(u);
    db_campana_creada_fini(&cc);
    free(a);
    db_close(p);
    db_close(adm);
}

static void
test_retry_failed(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    struct db_wa_audiencia *a;
    struct db_campana_creada cc, rr;
    struct db_campana_nueva nn = { .texto = "Hola {nombre}" };
    struct err e;
    size_t na;

    seed(t, adm);
    p = dbt_connect(t, "tw_p1");
    assert_int_equal(db_wa_tui_audiencia(p, NULL, NULL, 0, &a, &na, &e), RC_OK);
    nn.etapa = a[0].etapa;
    assert_int_equal(db_campana_crear(p, &nn, &cc, &e), RC_OK);
    assert_int_equal(cc.destinatarios, 4);
    /* nothing failed yet */
    assert_int_equal(db_wa_tui_reintentar(p, cc.id, &rr, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB358");
    /* two fail; one of those phones then opts out */
    dbt_exec(adm,
             "UPDATE crm.wa_mensajes SET estado = 'FALLIDO', error = '479' WHERE id IN"
             " (SELECT id FROM crm.wa_mensajes WHERE campana_id = %lld AND estado = 'PENDIENTE'"
             " ORDER BY id LIMIT 2);"
             "INSERT INTO crm.wa_bajas (telefono, regla) SELECT telefono, 'prueba'"
             " FROM crm.wa_mensajes WHERE campana_id = %lld AND estado = 'FALLIDO'"
             " ORDER BY id LIMIT 1",
             (long long)cc.id, (long long)cc.id);
    assert_int_equal(db_wa_tui_reintentar(p, cc.id, &rr, &e), RC_OK);
    assert_true(rr.id > cc.id);
    assert_int_equal(rr.destinatarios, 1);
    assert_int_equal(rr.omitidos, 1);
    assert_int_equal(rr.nomitidos, 1);
    assert_string_equal(rr.omitidos_v[0].motivo, "BAJA");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT estado || ' ' || (filtros->>'reintenta')"
                                       " FROM crm.wa_campanas WHERE id = %lld",
                                       (long long)rr.id),
                        dbt_scalar_tmp(t, adm, "SELECT 'LISTA %lld'", (long long)cc.id));
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT count(*) FROM crm.wa_mensajes m JOIN"
                                       " crm.wa_mensajes f ON f.oportunidad_id = m.oportunidad_id"
                                       " AND f.campana_id = %lld WHERE m.campana_id = %lld"
                                       " AND m.estado = 'PENDIENTE' AND m.texto = f.texto",
                                       (long long)cc.id, (long long)rr.id),
                        "1");
    db_campana_creada_fini(&rr);
    /* the pending retry is RECIENTE for a second retry */
    assert_int_equal(db_wa_tui_reintentar(p, cc.id, &rr, &e), RC_OK);
    assert_int_equal(rr.destinatarios, 0);
    db_campana_creada_fini(&rr);
    db_campana_creada_fini(&cc);
    free(a);
    db_close(p);
    /* another promoter cannot */
    p = dbt_connect(t, "tw_p2");
    assert_int_equal(db_wa_tui_reintentar(p, cc.id, &rr, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB355");
    db_close(p);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_audience_counts_match_creation, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_sample_values_and_templates, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_variations_stored_once, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_campaigns_and_uncertain, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_retry_failed, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests_name("wa_tui", tests, NULL, NULL);
}
