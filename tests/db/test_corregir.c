/*
 * test_corregir — api.prospecto_corregir (sql/085), through db_prospecto_corregir as `embudo
 * corregir` and the TUI call it: a captured lead's phone, name and CURP corrected by the
 * owner, the supervisor or an admin, with one DATOS_CORREGIDOS history row (fields, before,
 * after, reason); every refusal with its SQLSTATE; campaign messages planned for a phone that
 * changed skipped at the claim; a capture and a correction to the same phone serialised by
 * the captación's advisory lock; a closed opportunity rectified only by an admin; and an
 * ARCO suppression leaving no old value in the history.
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
#include "db/db_crm.h"
#include "dbt.h"
#include "util/err.h"

static const struct dbt_usuario USUARIOS[] = {
    { "co_adm", "Adriana", "ADMIN", NULL, NULL },
    { "co_sup", "Samuel", "SUPERVISOR", NULL, NULL },
    { "co_p1", "Perla", "PROMOTOR", "co_sup", NULL },
    { "co_p2", "Pablo", "PROMOTOR", "co_sup", NULL },
};

/* The users, 3 padron clients, and a lead captured by co_p1 ("Juana Pérez", 55 1234 0001):
 * its opportunity. */
static long long
seed(struct dbt *t, struct db *adm)
{
    struct db *p1;
    long long o;

    dbt_usuarios(t, adm, USUARIOS, sizeof USUARIOS / sizeof USUARIOS[0]);
    dbt_clientes_imss(adm, 3);
    dbt_exec(adm, "SELECT api.crear_usuario('co_aud', 'Aurelio', 'AUDITOR')");
    p1 = dbt_connect(t, "co_p1");
    o = dbt_scalar_ll(t, p1,
                      "SELECT oportunidad_id FROM api.captar('Juana Pérez', '55 1234 0001')");
    db_close(p1);
    return o;
}

/* The prospect of opportunity o as "nombre|telefono|curp". */
static const char *
prospecto(struct dbt *t, struct db *adm, long long o)
{
    return dbt_scalar_tmp(t, adm,
                          "SELECT concat_ws('|', p.nombre, p.telefono, coalesce(p.curp, '-'))"
                          " FROM crm.prospectos p JOIN crm.oportunidades x ON x.prospecto_id = p.id"
                          " WHERE x.id = %lld",
                          o);
}

/* Runs the formatted SQL on db expecting it to fail with SQLSTATE code (a refusal EB…, or
 * 42501 / 55P03); returns the database's message (valid until the next call). */
static const char *falla(struct db *db, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static const char *
falla(struct db *db, const char *code, const char *fmt, ...)
{
    static struct err e;
    char sql[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    memset(&e, 0, sizeof e);
    assert_int_not_equal(dbt_try(db, &e, "%s", sql), RC_OK);
    assert_string_equal(e.code, code);
    return e.msg;
}

static void
test_corrige_y_deja_historia(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p1, *sup;
    long long o = seed(t, adm);
    struct err e = { 0 };
    char *msg = NULL;

    p1 = dbt_connect(t, "co_p1");
    assert_int_equal(
        db_prospecto_corregir(p1, o, NULL, "55 1234 0002", NULL, "dígitos invertidos", &msg, &e),
        RC_OK);
    assert_non_null(strstr(msg, "se corrigió el teléfono"));
    free(msg);
    assert_string_equal(prospecto(t, adm, o), "Juana Pérez|+525512340002|-");
    /* Name (spaces folded) and CURP (upper-cased) at once; a field given unchanged is not
     * listed. */
    assert_int_equal(db_prospecto_corregir(p1, o, "Juana   Pérez López", "5512340002",
                                           "pelj800101mdfrpn09", "nombre completo", &msg, &e),
                     RC_OK);
    assert_non_null(strstr(msg, "se corrigió el nombre, la CURP"));
    free(msg);
    /* Her supervisor may, too. */
    sup = dbt_connect(t, "co_sup");
    assert_int_equal(
        db_prospecto_corregir(sup, o, "Juana Pérez L.", NULL, NULL, "como en su INE", &msg, &e),
        RC_OK);
    free(msg);
    assert_string_equal(prospecto(t, adm, o), "Juana Pérez L.|+525512340002|PELJ800101MDFRPN09");
    assert_string_equal(
        dbt_scalar_tmp(t, adm,
                       "SELECT string_agg(concat_ws(' ', h.evento, u.login, h.motivo,"
                       " h.datos->>'campos', h.datos->'antes'->>'telefono',"
                       " h.datos->'ahora'->>'telefono', h.estado_anterior, h.estado_nuevo), ' / '"
                       " ORDER BY h.id) FROM crm.historial h JOIN crm.usuarios u ON u.id ="
                       " h.usuario_id WHERE h.oportunidad_id = %lld AND h.evento ="
                       " 'DATOS_CORREGIDOS'",
                       o),
        "DATOS_CORREGIDOS co_p1 dígitos invertidos [\"telefono\"] +525512340001 +525512340002"
        " ABIERTA ABIERTA / DATOS_CORREGIDOS co_p1 nombre completo [\"nombre\", \"curp\"]"
        " ABIERTA ABIERTA / DATOS_CORREGIDOS co_sup como en su INE [\"nombre\"] ABIERTA ABIERTA");
    /* The corrected phone is the lead's now: capturing it again is a duplicate, the old one
     * is free. */
    dbt_expect_refusal(p1, "EB702", "SELECT * FROM api.captar('Juana', '5512340002')");
    dbt_exec(p1, "SELECT * FROM api.captar('Otra Persona', '5512340001')");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"), 0);
    db_close(sup);
    db_close(p1);
    db_close(adm);
}

static void
test_rechazos(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p1, *p2, *sup, *aud;
    long long o = seed(t, adm), otra, padron;

    p1 = dbt_connect(t, "co_p1");
    p2 = dbt_connect(t, "co_p2");
    sup = dbt_connect(t, "co_sup");
    aud = dbt_connect(t, "co_aud");
    otra = dbt_scalar_ll(t, p2,
                         "SELECT oportunidad_id FROM api.captar('Pedro Otro', '5512340009',"
                         " curp => 'OEPE900101HDFRDR01')");
    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(1)");
    padron = dbt_scalar_ll(t, adm, "SELECT id FROM crm.oportunidades WHERE cliente_id IS NOT NULL");
    falla(p2, "EB301", "SELECT api.prospecto_corregir(%lld, 'Ajena', motivo => 'no es mía')", o);
    falla(p1, "EB708", "SELECT api.prospecto_corregir(%lld, 'Nombre', motivo => 'del padrón')",
          padron);
    falla(p1, "EB709", "SELECT api.prospecto_corregir(%lld, 'Juana Ruiz')", o);
    falla(p1, "EB709", "SELECT api.prospecto_corregir(%lld, 'Juana Ruiz', motivo => '  ')", o);
    falla(p1, "EB709", "SELECT api.prospecto_corregir(%lld, 'Juana Pérez', motivo => 'la misma')",
          o);
    falla(p1, "EB709", "SELECT api.prospecto_corregir(%lld, motivo => 'ningún campo')", o);
    falla(p1, "EB701", "SELECT api.prospecto_corregir(%lld, telefono => '123', motivo => 'mal')",
          o);
    falla(p1, "EB703", "SELECT api.prospecto_corregir(%lld, 'J', motivo => 'corto')", o);
    falla(p1, "EB705", "SELECT api.prospecto_corregir(%lld, curp => 'XXXX', motivo => 'mala')", o);
    /* Another active opportunity with that phone or CURP: the promoter is not told whose, the
     * supervisor is. */
    assert_null(strstr(falla(p1, "EB702",
                             "SELECT api.prospecto_corregir(%lld, telefono => '5512340009',"
                             " motivo => 'dup')",
                             o),
                       "co_p2"));
    assert_non_null(strstr(falla(sup, "EB702",
                                 "SELECT api.prospecto_corregir(%lld,"
                                 " curp => 'OEPE900101HDFRDR01', motivo => 'dup')",
                                 o),
                           "co_p2"));
    /* A padron client's phone, the client with an active opportunity (just assigned). */
    dbt_exec(adm,
             "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT cliente_id,"
             " 'CELULAR', '+525500000001' FROM crm.oportunidades WHERE id = %lld",
             padron);
    falla(p2, "EB702",
          "SELECT api.prospecto_corregir(%lld, telefono => '5500000001',"
          " motivo => 'dup')",
          otra);
    /* The do-not-contact registry. */
    dbt_exec(adm, "SELECT api.no_contactar_agregar('5512340077', 'REPEP')");
    falla(p1, "EB808",
          "SELECT api.prospecto_corregir(%lld, telefono => '5512340077',"
          " motivo => 'registrado')",
          o);
    /* An auditor reads, never writes: not even granted. */
    falla(aud, "42501",
          "SELECT api.prospecto_corregir(%lld, 'Juana Ruiz',"
          " motivo => 'auditor')",
          o);
    assert_string_equal(prospecto(t, adm, o), "Juana Pérez|+525512340001|-");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial WHERE evento ="
                                   " 'DATOS_CORREGIDOS'"),
                     0);
    db_close(aud);
    db_close(sup);
    db_close(p2);
    db_close(p1);
    db_close(adm);
}

/* A campaign made before a phone changed does not send to the old number: the lead's phone
 * corrected, and a padron client's changed by the lender (as `import --actualizar` does),
 * both leave their messages OMITIDO TELEFONO_CAMBIO at the claim; a name change does not. */
static void
test_campana_telefono_viejo(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p1;
    long long o = seed(t, adm), c, cli;
    struct err e = { 0 };
    char *msg = NULL;

    dbt_exec(adm, "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i,"
                  " 'CELULAR', '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, 3) i;"
                  "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
                  "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
                  " FROM generate_series(1, 7) d");
    p1 = dbt_connect(t, "co_p1");
    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(2);"
                 "SELECT api.wa_guardar_credenciales('5215500000001@s.whatsapp.net', '\\x0102');"
                 "SELECT api.wa_configurar(en_uso_desde => crm.fecha_negocio(now()) - 30)");
    dbt_exec(p1, "BEGIN");
    c = dbt_scalar_ll(t, p1, "SELECT campana_id FROM api.campana_crear('Nuevo', 'Hola {nombre}')");
    dbt_exec(p1,
             "SELECT api.campana_textos(%lld, array_agg(mensaje_id), array_agg('Hola ' ||"
             " nombre)) FROM api.campana_destinatarios(%lld); COMMIT",
             c, c);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.wa_mensajes WHERE campana_id = %lld"
                                   " AND estado = 'PENDIENTE'",
                                   c),
                     3);
    /* The lead's phone corrected while its message waits; the name of nobody changes. */
    assert_int_equal(
        db_prospecto_corregir(p1, o, NULL, "5512340002", NULL, "error de dedo", &msg, &e), RC_OK);
    free(msg);
    /* The lender moved the first assigned client to a new phone. */
    cli = dbt_scalar_ll(t, adm, "SELECT min(cliente_id) FROM crm.oportunidades");
    dbt_exec(adm,
             "UPDATE padron.datos_contacto SET vigente = false WHERE cliente_id = %lld;"
             "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) VALUES (%lld,"
             " 'CELULAR', '+525599990000')",
             cli, cli);
    dbt_exec(p1, "SELECT api.campana_lanzar(%lld)", c);
    for (int i = 0; i < 3; i++)
        dbt_exec(p1, "SELECT api.mensaje_enviado(mensaje_id, 'W' || mensaje_id) FROM"
                     " api.mensaje_reclamar(crm.yo())");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(m.telefono || ' ' || m.estado ||"
                                       " coalesce(' ' || m.error, ''), ',' ORDER BY m.telefono)"
                                       " FROM crm.wa_mensajes m WHERE m.campana_id = %lld",
                                       c),
                        "+525500000001 OMITIDO TELEFONO_CAMBIO,+525500000002 ENVIADO,"
                        "+525512340001 OMITIDO TELEFONO_CAMBIO");
    assert_non_null(strstr(dbt_scalar_tmp(t, p1,
                                          "SELECT string_agg(detalle, ',') FROM"
                                          " api.campana_omitidos(%lld)",
                                          c),
                           "el teléfono se corrigió o cambió después de crear la campaña"));
    db_close(p1);
    db_close(adm);
}

/* A correction and a capture of the same phone: the capture waits for the correction's
 * advisory lock, then sees the corrected lead and is refused. */
static void
test_captacion_espera(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p1, *p2;
    long long o = seed(t, adm);

    p1 = dbt_connect(t, "co_p1");
    p2 = dbt_connect(t, "co_p2");
    dbt_exec(p1,
             "BEGIN; SELECT api.prospecto_corregir(%lld, telefono => '5512340055',"
             " motivo => 'carrera')",
             o);
    dbt_exec(p2, "SET lock_timeout = '300ms'");
    falla(p2, "55P03",
          "SELECT * FROM api.captar('Carla', '5512340055')"); /* waited on the lock, gave up */
    dbt_exec(p1, "COMMIT");
    dbt_expect_refusal(p2, "EB702", "SELECT * FROM api.captar('Carla', '5512340055')");
    db_close(p2);
    db_close(p1);
    db_close(adm);
}

/* Closed (an ARCO cancellation discards it): only an admin rectifies; once suppressed there
 * is nothing left, and no old value survives in the history. */
static void
test_cerrada_y_arco(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p1, *a;
    long long o = seed(t, adm);
    struct err e = { 0 };
    char *msg = NULL;

    p1 = dbt_connect(t, "co_p1");
    a = dbt_connect(t, "co_adm");
    assert_int_equal(
        db_prospecto_corregir(p1, o, NULL, "5512340002", NULL, "error de dedo", &msg, &e), RC_OK);
    free(msg);
    dbt_exec(a,
             "SELECT * FROM api.arco_cancelar('ARCO-CO-1', oportunidad => %lld,"
             " plazo_dias => 0)",
             o);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT estado FROM crm.oportunidades WHERE id ="
                                       " %lld",
                                       o),
                        "DESCARTADA");
    falla(p1, "EB301",
          "SELECT api.prospecto_corregir(%lld, 'Juana Ruiz',"
          " motivo => 'cerrada')",
          o);
    assert_int_equal(
        db_prospecto_corregir(a, o, "Juana Ruiz", NULL, NULL, "rectificación ARCO", &msg, &e),
        RC_OK);
    free(msg);
    dbt_exec(a, "SELECT * FROM api.arco_suprimir('ARCO-CO-1')");
    falla(a, "EB709",
          "SELECT api.prospecto_corregir(%lld, 'Juana Otra',"
          " motivo => 'suprimida')",
          o);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial WHERE oportunidad_id ="
                                   " %lld AND (datos::text ~ '5512340001|5512340002|Juana'"
                                   " OR motivo ~ 'dedo|rectificación')",
                                   o),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial WHERE oportunidad_id ="
                                   " %lld AND evento = 'DATOS_CORREGIDOS'",
                                   o),
                     2);
    db_close(a);
    db_close(p1);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_corrige_y_deja_historia, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_rechazos, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_campana_telefono_viejo, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_captacion_espera, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_cerrada_y_arco, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
