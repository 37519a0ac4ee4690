/*
 * test_campana_wa — the C wrappers of src/db/db_wa.c against the real functions: the sealed
 * credentials round trip (binary, zero bytes included), creation in one transaction with the
 * texts rendered by core/plantilla (same text as plantilla_render with the campaign/message
 * seed; a missing value → OMITIDO FALTA_DATO; a failure rolls everything back), the sender's
 * calls, uncertain messages, incoming opt-outs, number checks, statistics and the export,
 * and numbers whose last message was never delivered (SIN_ENTREGA, 088).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/plantilla.h"
#include "db/db.h"
#include "db/db_wa.h"
#include "dbt.h"
#include "util/err.h"

/* cx_sup: cx_p1. Clients 1..6 with phones; 1..3 have a municipio. All open for cx_p1. */
static void
seed(struct dbt *t, struct db *adm)
{
    struct db *p;

    dbt_role(t, "cx_sup", "embudo_supervisor");
    dbt_role(t, "cx_p1", "embudo_promotor");
    dbt_exec(adm, "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
                  " ('cx_sup', 'Sara Supervisora', 'SUPERVISOR');"
                  "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id) SELECT 'cx_p1',"
                  " 'Pepe Uno', 'PROMOTOR', id FROM crm.usuarios WHERE login = 'cx_sup';"
                  "INSERT INTO padron.convenios (clave, nombre, tipo)"
                  " VALUES ('IMSS', 'IMSS', 'FEDERAL');"
                  "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id,"
                  " edad, municipio) SELECT 'Cliente' || i, 'Prueba', 1, 9, 30, CASE WHEN i <= 3"
                  " THEN 'Coyoacán' END FROM generate_series(1, 6) i;"
                  "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i, 'CELULAR',"
                  " '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, 6) i;"
                  "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
                  "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
                  " FROM generate_series(1, 7) d");
    p = dbt_connect(t, "cx_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(6)");
    db_close(p);
}

static void
test_credenciales(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct db_wa_cuenta c;
    struct err e = { 0 };
    static const unsigned char blob[] = { 0x01, 0x00, 0xff, 0x00, 0x7f, 0x80, 0x00 };

    seed(t, adm);
    p = dbt_connect(t, "cx_p1");
    assert_int_equal(db_wa_cuenta(p, &c, &e), RC_OK);
    assert_string_equal(c.estado, "SIN_VINCULAR");
    assert_null(c.credenciales);
    assert_int_equal(c.en_uso_desde, 0);
    assert_int_equal(c.tope_hoy, 20);
    db_wa_cuenta_fini(&c);
    assert_int_equal(
        db_wa_guardar_credenciales(p, "5215500000001@s.whatsapp.net", blob, sizeof blob, &e),
        RC_OK);
    assert_int_equal(db_wa_cuenta(p, &c, &e), RC_OK);
    assert_string_equal(c.estado, "CONECTADA");
    assert_int_equal(c.credenciales_len, sizeof blob);
    assert_memory_equal(c.credenciales, blob, sizeof blob);
    assert_true(c.en_uso_desde > 20260000);
    assert_true(c.vinculada_at > 0);
    db_wa_cuenta_fini(&c);
    assert_int_equal(db_wa_cambiar_estado(p, "DESCONECTADA", "sin red", &e), RC_OK);
    assert_int_equal(db_wa_cambiar_estado(p, "PERDIDA", NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB331");
    assert_int_equal(db_wa_desvincular(p, &e), RC_OK);
    assert_int_equal(db_wa_cuenta(p, &c, &e), RC_OK);
    assert_string_equal(c.estado, "SIN_VINCULAR");
    assert_null(c.credenciales);
    assert_string_equal(c.jid, "5215500000001@s.whatsapp.net");
    db_wa_cuenta_fini(&c);
    db_close(p);
    p = dbt_connect(t, "cx_sup");
    assert_int_equal(db_wa_cuenta(p, &c, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB330");
    db_close(p);
    db_close(adm);
}

static void
test_crear_y_enviar(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct db_campana_nueva n = { .etapa = "Nuevo",
                                  .texto = "{Hola|Buen día} {nombre} de {municipio}" };
    struct db_campana_creada c;
    struct db_mensaje m;
    struct err e = { 0 };
    bool found, cambio;
    char estado[16];
    static const unsigned char blob[] = { 9 };

    seed(t, adm);
    p = dbt_connect(t, "cx_p1");
    assert_int_equal(db_wa_guardar_credenciales(p, "5215500000001@s.whatsapp.net", blob, 1, &e),
                     RC_OK);
    /* A refused creation leaves nothing behind. */
    n.etapa = "Venta";
    assert_int_equal(db_campana_crear(p, &n, &c, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB350");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.wa_campanas"), 0);
    n.etapa = "Nuevo";
    assert_int_equal(db_campana_crear(p, &n, &c, &e), RC_OK);
    /* 1..3 rendered; 4..6 lack municipio → FALTA_DATO, capacity freed; LISTA. */
    assert_int_equal(c.destinatarios, 3);
    assert_int_equal(c.omitidos, 3);
    assert_int_equal(c.hoy, 3);
    assert_int_equal(c.nplan, 1);
    assert_true(c.plan[0].hoy);
    assert_string_equal(c.omitidos_v[0].motivo, "FALTA_DATO");
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT estado FROM crm.wa_campanas"), "LISTA");
    {
        struct err pe = { 0 };
        struct plantilla *tpl = plantilla_parse(n.texto, NULL, &pe);
        struct plantilla_valores v = {
            .v = { [PLANTILLA_VAR_NOMBRE] = "Cliente2", [PLANTILLA_VAR_MUNICIPIO] = "Coyoacán" }
        };
        char *want;

        assert_non_null(tpl);
        want = plantilla_render(tpl, &v, plantilla_seed((uint64_t)c.id, 2), &pe);
        assert_non_null(want);
        assert_string_equal(dbt_scalar_tmp(t, adm,
                                           "SELECT texto FROM crm.wa_mensajes WHERE"
                                           " id = 2"),
                            want);
        free(want);
        plantilla_free(tpl);
    }
    assert_int_equal(db_campana_accion(p, c.id, DB_CAMPANA_LANZAR, estado, &e), RC_OK);
    assert_string_equal(estado, "ENVIANDO");
    /* Send 1, fail 2, leave 3 uncertain and re-send it. */
    assert_int_equal(db_mensaje_reclamar(p, 0, &m, &found, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB363");
    assert_int_equal(
        db_mensaje_reclamar(p, (int)dbt_scalar_ll(t, p, "SELECT crm.yo()"), &m, &found, &e), RC_OK);
    assert_true(found);
    assert_int_equal(m.id, 1);
    assert_string_equal(m.telefono, "+525500000001");
    assert_int_equal(db_mensaje_enviado(p, m.id, "WA1", &cambio, &e), RC_OK);
    assert_true(cambio);
    assert_int_equal(db_mensaje_recibo(p, "WA1", false, 0, &cambio, &e), RC_OK);
    assert_true(cambio);
    assert_int_equal(db_mensaje_recibo(p, "WA1", false, 0, &cambio, &e), RC_OK);
    assert_false(cambio);
    db_mensaje_fini(&m);
    assert_int_equal(db_mensaje_reclamar(p, 2, &m, &found, &e), RC_OK);
    assert_int_equal(db_mensaje_fallido(p, m.id, "479", &cambio, &e), RC_OK);
    assert_true(cambio);
    db_mensaje_fini(&m);
    assert_int_equal(db_mensaje_reclamar(p, 2, &m, &found, &e), RC_OK);
    {
        int k = 0;

        assert_int_equal(db_mensajes_recuperar(p, 2, &k, &e), RC_OK);
        assert_int_equal(k, 1);
    }
    assert_int_equal(db_mensaje_resolver_incierto(p, m.id, DB_INCIERTO_DESCARTAR, estado, &e),
                     RC_OK);
    assert_string_equal(estado, "FALLIDO");
    db_mensaje_fini(&m);
    {
        struct db_campana_estado s;

        assert_int_equal(db_campana_estado(p, c.id, &s, &e), RC_OK);
        assert_string_equal(s.estado, "TERMINADA");
        assert_int_equal(s.enviados, 1);
        assert_int_equal(s.entregados, 1);
        assert_int_equal(s.fallidos, 2);
        assert_int_equal(s.omitidos, 3);
        db_campana_estado_fini(&s);
    }
    db_campana_creada_fini(&c);
    db_close(p);
    db_close(adm);
}

static int
contar_fila(void *arg, const struct db_mensaje_fila *f)
{
    int *n = arg;

    assert_non_null(f->campos[0]);
    (*n)++;
    return RC_OK;
}

static void
test_entrante_numeros_estadisticas(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct db_campana_nueva n = { .etapa = "Nuevo", .texto = "Hola {nombre}" };
    struct db_campana_creada c;
    struct db_mensaje m;
    struct db_entrante in;
    struct db_wa_estadistica *st;
    size_t nst;
    struct err e = { 0 };
    bool found, cambio;
    char estado[16];
    int k = 0;
    static const unsigned char blob[] = { 9 };

    seed(t, adm);
    p = dbt_connect(t, "cx_p1");
    assert_int_equal(db_wa_guardar_credenciales(p, "5215500000001@s.whatsapp.net", blob, 1, &e),
                     RC_OK);
    assert_int_equal(db_campana_crear(p, &n, &c, &e), RC_OK);
    assert_int_equal(c.destinatarios, 6);
    assert_int_equal(db_campana_accion(p, c.id, DB_CAMPANA_LANZAR, estado, &e), RC_OK);
    /* 6 is not on WhatsApp: its pending message is skipped. */
    assert_int_equal(db_wa_numero_guardar(p, "55 0000 0006", false, NULL, &k, &e), RC_OK);
    assert_int_equal(k, 1);
    /* 5 is, as a 521 mobile: its pending message keeps the JID, so the sender sends to it
     * without asking the network again (an update of the jid alone is a change). */
    assert_int_equal(
        db_wa_numero_guardar(p, "55 0000 0005", true, "5215500000005@s.whatsapp.net", &k, &e),
        RC_OK);
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT jid FROM crm.wa_mensajes WHERE campana_id = %lld"
                                       " AND telefono = '+525500000005' AND estado = 'PENDIENTE'",
                                       (long long)c.id),
                        "5215500000005@s.whatsapp.net");
    assert_int_equal(db_mensaje_reclamar(p, 2, &m, &found, &e), RC_OK);
    assert_int_equal(db_mensaje_enviado(p, m.id, "WA1", &cambio, &e), RC_OK);
    db_mensaje_fini(&m);
    assert_int_equal(db_wa_entrante(p, 0, "5215500000001@s.whatsapp.net", "ya no me escriban", true,
                                    "no me escriban", &in, &e),
                     RC_OK);
    assert_int_equal(in.oportunidad_id, 1);
    assert_int_equal(in.mensaje_id, 1);
    assert_true(in.baja);
    assert_int_equal(db_wa_entrante(p, 0, "hola", "x", false, NULL, &in, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB364");
    assert_int_equal(db_wa_estadisticas(p, "2000-01-01", "2000-12-31", &st, &nst, &e), RC_OK);
    assert_int_equal(nst, 0);
    db_wa_estadisticas_free(st, nst);
    {
        char desde[16], hasta[16];

        snprintf(desde, sizeof desde, "%s", dbt_scalar_tmp(t, p, "SELECT current_date - 1"));
        snprintf(hasta, sizeof hasta, "%s", dbt_scalar_tmp(t, p, "SELECT current_date + 1"));
        assert_int_equal(db_wa_estadisticas(p, desde, hasta, &st, &nst, &e), RC_OK);
        assert_int_equal(nst, 1);
        assert_int_equal(st[0].enviados, 1);
        assert_int_equal(st[0].respondidos, 1);
        assert_int_equal(st[0].bajas, 1);
        db_wa_estadisticas_free(st, nst);
        k = 0;
        assert_int_equal(db_mensajes_exportar(p, desde, hasta, contar_fila, &k, &e), RC_OK);
        assert_int_equal(k, 6);
        assert_int_equal(db_mensajes_exportar(p, hasta, desde, contar_fila, &k, &e), RC_REFUSED);
        assert_string_equal(e.code, "EB370");
    }
    db_campana_creada_fini(&c);
    db_close(p);
    db_close(adm);
}

/* The motive of the skipped recipient with opportunity op in c, or NULL. */
static const char *
omitido_por(const struct db_campana_creada *c, int64_t op)
{
    for (size_t i = 0; i < c->nomitidos; i++)
        if (c->omitidos_v[i].oportunidad_id == op)
            return c->omitidos_v[i].motivo;
    return NULL;
}

/* A number whose latest message from this account went out more than a day ago and was never
 * delivered (088): the counts say so, a new campaign and the claim skip it (SIN_ENTREGA), a
 * late receipt lifts it, another account is not affected, and neither a relink nor 90 days
 * leave it silenced for good. */
static void
test_sin_entrega(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct db_campana_nueva n = { .etapa = "Nuevo", .texto = "Hola {nombre}" };
    struct db_campana_creada c, c2;
    struct db_mensaje m;
    struct db_campana_estado s;
    struct db_wa_estadistica *st;
    size_t nst;
    struct err e = { 0 };
    bool found, cambio;
    char estado[16], desde[16], hasta[16];
    int yo;
    static const unsigned char blob[] = { 9 };

    seed(t, adm);
    p = dbt_connect(t, "cx_p1");
    yo = (int)dbt_scalar_ll(t, p, "SELECT crm.yo()");
    assert_int_equal(db_wa_guardar_credenciales(p, "5215500000001@s.whatsapp.net", blob, 1, &e),
                     RC_OK);
    assert_int_equal(db_campana_crear(p, &n, &c, &e), RC_OK);
    assert_int_equal(db_campana_accion(p, c.id, DB_CAMPANA_LANZAR, estado, &e), RC_OK);
    /* 1 goes out and is never delivered; 2 is delivered. */
    for (int i = 1; i <= 2; i++) {
        char wa[16];

        snprintf(wa, sizeof wa, "WA%d", i);
        assert_int_equal(db_mensaje_reclamar(p, yo, &m, &found, &e), RC_OK);
        assert_true(found);
        assert_int_equal(m.oportunidad_id, i);
        assert_int_equal(db_mensaje_enviado(p, m.id, wa, &cambio, &e), RC_OK);
        db_mensaje_fini(&m);
    }
    assert_int_equal(db_mensaje_recibo(p, "WA2", false, 0, &cambio, &e), RC_OK);
    assert_int_equal(db_campana_estado(p, c.id, &s, &e), RC_OK);
    assert_int_equal(s.sin_entregar, 0); /* sent just now: on its way */
    db_campana_estado_fini(&s);
    /* Sent two days ago, on a number linked a month ago (the timestamps are write-once: past
     * the trigger). */
    dbt_exec(adm, "UPDATE crm.wa_cuentas SET vinculada_at = now() - interval '30 days';"
                  "SET session_replication_role = replica;"
                  "UPDATE crm.wa_mensajes SET enviado_at = now() - interval '2 days',"
                  " entregado_at = CASE WHEN entregado_at IS NOT NULL"
                  " THEN now() - interval '2 days' END WHERE wa_id IN ('WA1', 'WA2');"
                  "RESET session_replication_role");
    assert_int_equal(db_campana_estado(p, c.id, &s, &e), RC_OK);
    assert_int_equal(s.enviados, 2);
    assert_int_equal(s.sin_entregar, 1);
    db_campana_estado_fini(&s);
    snprintf(desde, sizeof desde, "%s", dbt_scalar_tmp(t, p, "SELECT current_date - 3"));
    snprintf(hasta, sizeof hasta, "%s", dbt_scalar_tmp(t, p, "SELECT current_date + 1"));
    assert_int_equal(db_wa_estadisticas(p, desde, hasta, &st, &nst, &e), RC_OK);
    {
        int enviados = 0, sin = 0;

        for (size_t i = 0; i < nst; i++) {
            enviados += st[i].enviados;
            sin += st[i].sin_entregar;
        }
        assert_int_equal(enviados, 2);
        assert_int_equal(sin, 1);
    }
    db_wa_estadisticas_free(st, nst);
    /* A manual message to 3, two days ago, never delivered: the claim skips 3's campaign
     * message and hands out 4's. */
    dbt_exec(adm, "INSERT INTO crm.wa_envios_manuales (usuario_id, telefono, jid, wa_id, estado,"
                  " enviado_at) SELECT id, '+525500000003', '525500000003@s.whatsapp.net', 'M3',"
                  " 'ENVIADO', now() - interval '2 days' FROM crm.usuarios WHERE login = 'cx_p1'");
    assert_int_equal(db_mensaje_reclamar(p, yo, &m, &found, &e), RC_OK);
    assert_true(found);
    assert_int_equal(m.oportunidad_id, 4);
    db_mensaje_fini(&m);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT estado || ' ' || error || ' ' ||"
                                       " crm.wa_motivo_texto(error) FROM crm.wa_mensajes"
                                       " WHERE oportunidad_id = 3"),
                        "OMITIDO SIN_ENTREGA su último mensaje lleva más de un día sin entregarse"
                        " (bloqueó el número, teléfono apagado o sin WhatsApp)");
    /* A new campaign: 1 is skipped for that (not merely as recent), 2 as recent. */
    assert_int_equal(db_campana_accion(p, c.id, DB_CAMPANA_CANCELAR, estado, &e), RC_OK);
    assert_int_equal(db_campana_crear(p, &n, &c2, &e), RC_OK);
    assert_string_equal(omitido_por(&c2, 1), "SIN_ENTREGA");
    assert_string_equal(omitido_por(&c2, 2), "RECIENTE");
    db_campana_creada_fini(&c2);
    /* The phone came back: a late receipt lifts it. */
    assert_int_equal(db_mensaje_recibo(p, "WA1", false, 0, &cambio, &e), RC_OK);
    assert_true(cambio);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.usuarios u WHERE u.login = 'cx_p1'"
                                   " AND crm.wa_sin_entrega(u.id, '+525500000001')"),
                     0);
    assert_int_equal(db_campana_estado(p, c.id, &s, &e), RC_OK);
    assert_int_equal(s.sin_entregar, 0);
    db_campana_estado_fini(&s);
    /* Per account: another account's messages say nothing about this one. */
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.usuarios u WHERE u.login = 'cx_sup'"
                                   " AND crm.wa_sin_entrega(u.id, '+525500000003')"),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.usuarios u WHERE u.login = 'cx_p1'"
                                   " AND crm.wa_sin_entrega(u.id, '+525500000003')"),
                     1);
    /* A lost receipt does not silence a number for good: a message from before the account
     * was linked again does not count, nor one older than sin_entrega_dias. */
    dbt_exec(adm, "UPDATE crm.wa_cuentas SET vinculada_at = now() - interval '1 day'");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.usuarios u WHERE u.login = 'cx_p1'"
                                   " AND crm.wa_sin_entrega(u.id, '+525500000003')"),
                     0);
    dbt_exec(adm, "UPDATE crm.wa_cuentas SET vinculada_at = now() - interval '1 year';"
                  "UPDATE crm.wa_envios_manuales SET enviado_at = now() - interval '91 days'");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.usuarios u WHERE u.login = 'cx_p1'"
                                   " AND crm.wa_sin_entrega(u.id, '+525500000003')"),
                     0);
    db_campana_creada_fini(&c);
    db_close(p);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_credenciales, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_crear_y_enviar, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_entrante_numeros_estadisticas, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_sin_entrega, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
