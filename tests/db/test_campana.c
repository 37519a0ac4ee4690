/*
 * test_campana — WhatsApp campaigns in the database (sql/020…025): the 170 + 190 case, the
 * warm-up ramp in the plan, concurrent creations never exceeding a day's cap, cancel
 * releasing capacity, skipped reasons, monotonic states and set-once timestamps (duplicate
 * and late receipts change nothing), uncertain messages, opt-outs, RLS, and the claim
 * exactly-once under concurrent claimers.
 *
 * Every test opens the operating hours to the whole day (all week, no holidays) so that
 * "today" is always an operating day whatever time the suite runs.
 */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "db/db.h"
#include "db/db_internal.h"
#include "dbt.h"
#include "util/err.h"

/* cw_sup: cw_p1, cw_p2; cw_adm. Clients 1..n with phone +5255000000NN, all of them assigned
 * to cw_p1 (stage Nuevo); cw_p1's account linked and in use for 30 days (cap 180). */
static void
seed(struct dbt *t, struct db *adm, int n)
{
    struct db *p;

    dbt_role(t, "cw_sup", "embudo_supervisor");
    dbt_role(t, "cw_adm", "embudo_admin");
    dbt_role(t, "cw_p1", "embudo_promotor");
    dbt_role(t, "cw_p2", "embudo_promotor");
    dbt_exec(adm,
             "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
             " ('cw_sup', 'Sara Supervisora', 'SUPERVISOR'), ('cw_adm', 'Ada Admin', 'ADMIN');"
             "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id, cupo_diario,"
             " cartera_max) SELECT v.l, v.n, 'PROMOTOR', (SELECT id FROM crm.usuarios WHERE"
             " login = 'cw_sup'), 10000, 100000 FROM (VALUES ('cw_p1', 'Pepe Uno'),"
             " ('cw_p2', 'Paty Dos')) v(l, n);"
             "INSERT INTO padron.convenios (clave, nombre, tipo)"
             " VALUES ('IMSS', 'IMSS', 'FEDERAL');"
             "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id,"
             " edad) SELECT 'Cliente' || i, 'Prueba', 1, 9, 30 FROM generate_series(1, %d) i;"
             "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i, 'CELULAR',"
             " '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, %d) i;"
             "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
             "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
             " FROM generate_series(1, 7) d",
             n, n);
    p = dbt_connect(t, "cw_p1");
    for (int k = 0; k < n; k += 1000)
        dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(%d)", n - k < 1000 ? n - k : 1000);
    /* The tests name opportunities by their client's number. */
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades"
                                   " WHERE id <> cliente_id"),
                     0);
    dbt_exec(p, "SELECT api.wa_guardar_credenciales('5215500000001@s.whatsapp.net', '\\x0102');"
                "SELECT api.wa_configurar(en_uso_desde => crm.fecha_negocio(now()) - 30)");
    db_close(p);
}

static void
expect_refusal(struct db *db, const char *code, const char *fmt, ...)
{
    struct err e = { 0 };
    char sql[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    assert_int_equal(dbt_try(db, &e, "%s", sql), RC_REFUSED);
    if (strcmp(e.code, code) != 0)
        fail_msg("%s: esperaba %s, llegó %s (%s)", sql, code, e.code, e.msg);
}

/* Creates a campaign as db (one transaction: create + texts) and returns its id. */
static long long
crear(struct dbt *t, struct db *db, const char *extra)
{
    long long id;

    dbt_exec(db, "BEGIN");
    id = dbt_scalar_ll(
        t, db, "SELECT campana_id FROM api.campana_crear('Nuevo', 'Hola {nombre}'%s)", extra);
    dbt_exec(db,
             "SELECT api.campana_textos(%lld, array_agg(mensaje_id), array_agg('Hola ' ||"
             " nombre)) FROM api.campana_destinatarios(%lld)",
             id, id);
    dbt_exec(db, "COMMIT");
    return id;
}

/* Marks every message of campaign id sent now (as the admin: a shortcut for the sender). */
static void
marcar_enviados(struct db *adm, long long id)
{
    dbt_exec(adm,
             "UPDATE crm.wa_mensajes SET estado = 'ENVIADO', enviado_at = now()"
             " WHERE campana_id = %lld AND estado = 'PENDIENTE'",
             id);
}

static void
test_170_mas_190(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long c1, c2;

    seed(t, adm, 400);
    p = dbt_connect(t, "cw_p1");
    c1 = crear(t, p, ", NULL, NULL, NULL, 170");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(mensajes::text, ',') FROM"
                                       " api.campana_plan(%lld)",
                                       c1),
                        "170");
    marcar_enviados(adm, c1);
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s|%%s|%%s|%%s|%%s', destinatarios,"
                                       " omitidos, hoy, tope_hoy, mensaje) FROM"
                                       " api.campana_crear('Nuevo', 'Hola', 'segunda',"
                                       " NULL, NULL, 190)"),
                        "190|170|10|180|hoy puede enviar 10: límite 180, ya enviados 170");
    c2 = c1 + 1;
    /* 10 today, 180 on the next operating day (every day is one here). */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(format('%%s:%%s', dia -"
                                       " crm.fecha_negocio(now()), mensajes), ',' ORDER BY"
                                       " dia) FROM api.campana_plan(%lld)",
                                       c2),
                        "0:10,1:180");
    /* The 170 already messaged are skipped as recent, with their reason. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s %%s %%s', count(*), min(motivo),"
                                       " min(detalle)) FROM api.campana_omitidos(%lld)",
                                       c2),
                        "170 RECIENTE ya recibió o tiene programado un mensaje reciente");
    /* Not launchable without texts (BORRADOR, autocommit creation without step 2). */
    expect_refusal(p, "EB357", "SELECT api.campana_lanzar(%lld)", c2);
    db_close(p);
    db_close(adm);
}

static void
test_calentamiento(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long c;

    seed(t, adm, 200);
    p = dbt_connect(t, "cw_p1");
    /* First day of use: 20, 31, 42, 54 … as src/core/pacing.c's ramp. */
    dbt_exec(p, "SELECT api.wa_configurar(en_uso_desde => crm.fecha_negocio(now()))");
    c = crear(t, p, ", NULL, NULL, NULL, 200");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(mensajes::text, ',' ORDER BY dia)"
                                       " FROM api.campana_plan(%lld)",
                                       c),
                        "20,31,42,54,53");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT tope_hoy FROM api.wa_cuenta()"), "20");
    /* Re-linking the same number keeps the warm-up start; another number restarts it. */
    dbt_exec(p, "SELECT api.wa_configurar(en_uso_desde => crm.fecha_negocio(now()) - 5)");
    dbt_exec(p, "SELECT api.wa_desvincular()");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT estado || ' ' || (credenciales IS NULL) ||"
                                       " ' ' || jid FROM api.wa_cuenta()"),
                        "SIN_VINCULAR true 5215500000001@s.whatsapp.net");
    dbt_exec(p, "SELECT api.wa_guardar_credenciales('5215500000001:7@s.whatsapp.net', '\\x03')");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT (crm.fecha_negocio(now()) - en_uso_desde) ||"
                                       " ' ' || tope_hoy || ' ' || estado FROM"
                                       " api.wa_cuenta()"),
                        "5 77 CONECTADA");
    dbt_exec(p, "SELECT api.wa_guardar_credenciales('5215599999999@s.whatsapp.net', '\\x04')");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT (crm.fecha_negocio(now()) - en_uso_desde) ||"
                                       " ' ' || tope_hoy FROM api.wa_cuenta()"),
                        "0 20");
    /* The configured limit caps the ramp's end, and the state rules. */
    dbt_exec(p, "SELECT api.wa_configurar(limite_diario => 50, en_uso_desde =>"
                " crm.fecha_negocio(now()) - 100)");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT tope_hoy FROM api.wa_cuenta()"), "50");
    expect_refusal(p, "EB334", "SELECT api.wa_configurar(limite_diario => 1001)");
    expect_refusal(p, "EB334", "SELECT api.wa_configurar(en_uso_desde => current_date + 10)");
    expect_refusal(p, "EB331", "SELECT api.wa_cambiar_estado('PERDIDA')");
    dbt_exec(p, "SELECT api.wa_cambiar_estado('REQUIERE_VINCULO', 'sesión cerrada (401)')");
    expect_refusal(p, "EB333", "SELECT api.wa_cambiar_estado('CONECTADA')");
    expect_refusal(p, "EB332", "SELECT api.wa_guardar_credenciales('nada', '\\x01')");
    db_close(p);
    db_close(adm);
}

/* Two creations at once for one account. */
struct creador {
    struct dbt *t;
    int idx;
    struct err e;
    int ok;
};

static void *
crear_main(void *arg)
{
    struct creador *c = arg;
    struct db *db = dbt_connect_err(c->t, "cw_p1", &c->e);

    if (db == NULL)
        return NULL;
    if (db_exec(db, "BEGIN", &c->e) == RC_OK &&
        db_exec(db, "SELECT * FROM api.campana_crear('Nuevo', 'Hola', NULL, NULL, NULL, 300)",
                &c->e) == RC_OK &&
        db_exec(db, "SELECT pg_sleep(0.3)", &c->e) == RC_OK &&
        db_exec(db, "COMMIT", &c->e) == RC_OK)
        c->ok = 1;
    db_close(db);
    return NULL;
}

static void
test_creacion_concurrente(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct creador c[4];
    pthread_t th[4];

    seed(t, adm, 1200);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 4; i++) {
            memset(&c[i], 0, sizeof c[i]);
            c[i].t = t;
            c[i].idx = i;
            assert_int_equal(pthread_create(&th[i], NULL, crear_main, &c[i]), 0);
        }
        for (int i = 0; i < 4; i++) {
            assert_int_equal(pthread_join(th[i], NULL), 0);
            if (!c[i].ok)
                fail_msg("creación %d: %s %s", i, c[i].e.code, c[i].e.msg);
        }
    }
    /* 12 campaigns; no day above its cap (180), today exactly full, no phone twice. */
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.wa_campanas"), 12);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM (SELECT dia FROM crm.wa_mensajes"
                                   " WHERE estado = 'PENDIENTE' GROUP BY dia"
                                   " HAVING count(*) > 180) x"),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.wa_mensajes WHERE"
                                   " estado = 'PENDIENTE' AND dia ="
                                   " crm.fecha_negocio(now())"),
                     180);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM (SELECT telefono FROM"
                                   " crm.wa_mensajes WHERE estado = 'PENDIENTE' GROUP BY"
                                   " telefono HAVING count(*) > 1) x"),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.wa_mensajes WHERE"
                                   " estado = 'PENDIENTE'"),
                     1200);
    db_close(adm);
}

static void
test_cancelar_libera(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long c;

    seed(t, adm, 300);
    p = dbt_connect(t, "cw_p1");
    c = crear(t, p, ", NULL, NULL, NULL, 150");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.campana_lanzar(%lld)", c), "ENVIANDO");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.campana_pausar(%lld)", c), "PAUSADA");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.campana_pausar(%lld)", c), "PAUSADA");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.campana_reanudar(%lld)", c), "ENVIANDO");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT hoy FROM api.campana_crear('Nuevo', 'x',"
                                       " NULL, NULL, NULL, 100)"),
                        "30");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.campana_cancelar(%lld)", c), "CANCELADA");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s/%%s', pendientes, cancelados,"
                                       " estado) FROM api.campana_estado(%lld)",
                                       c),
                        "0/150/CANCELADA");
    /* Its 150 are free again today: the cancelled recipients are not "recent" either. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT hoy || '/' || destinatarios FROM"
                                       " api.campana_crear('Nuevo', 'x', NULL, NULL, NULL,"
                                       " 300)"),
                        "150/200");
    expect_refusal(p, "EB356", "SELECT api.campana_reanudar(%lld)", c);
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.campana_cancelar(%lld)", c), "CANCELADA");
    db_close(p);
    db_close(adm);
}

static void
test_omitidos(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long c;

    seed(t, adm, 12);
    p = dbt_connect(t, "cw_p1");
    /* 8 was messaged 10 days ago (not recent any more), 7 two days ago (recent); both were
     * delivered (an undelivered one would be SIN_ENTREGA, test_campana_wa). Times are moved
     * by the superuser with triggers off (set-once timestamps otherwise). */
    c = crear(t, p, ", 'vieja', NULL, NULL, 1");
    dbt_exec(adm,
             "SET session_replication_role = replica;"
             "UPDATE crm.wa_mensajes SET estado = 'ENTREGADO', enviado_at = now() - interval"
             " '10 days', entregado_at = now() - interval '10 days', telefono = '+525500000008'"
             " WHERE campana_id = %lld;"
             "INSERT INTO crm.wa_mensajes (campana_id, usuario_id, oportunidad_id, telefono,"
             " estado, dia, programado_para, enviado_at, entregado_at) SELECT %lld, usuario_id,"
             " 7, '+525500000007', 'ENTREGADO', current_date, now(), now() - interval '2 days',"
             " now() - interval '2 days' FROM crm.wa_campanas WHERE id = %lld;"
             "SET session_replication_role = DEFAULT",
             c, c, c);
    /* 1 no phone; 2 opted out; 3 do-not-contact; 4 not on WhatsApp; 6 shares 5's phone. */
    dbt_exec(adm, "DELETE FROM padron.datos_contacto WHERE cliente_id = 1;"
                  "INSERT INTO crm.wa_bajas (telefono) VALUES ('+525500000002');"
                  "INSERT INTO crm.bloqueos (cliente_id, motivo) VALUES (3, 'NO_CONTACTAR');"
                  "UPDATE padron.datos_contacto SET valor = '+525500000005' WHERE cliente_id = 6");
    dbt_exec(p, "SELECT api.wa_numero_guardar('55 0000 0004', false)");
    c = crear(t, p, "");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(oportunidad_id || ':' || motivo,"
                                       " ',' ORDER BY oportunidad_id) FROM"
                                       " api.campana_omitidos(%lld)",
                                       c),
                        "1:SIN_TELEFONO,2:BAJA,3:BLOQUEADO,4:SIN_WHATSAPP,6:DUPLICADO,7:RECIENTE");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(oportunidad_id::text, ',' ORDER BY"
                                       " oportunidad_id) FROM crm.wa_mensajes WHERE"
                                       " campana_id = %lld AND estado = 'PENDIENTE'",
                                       c),
                        "5,8,9,10,11,12");
    /* Refusals of the creation. */
    expect_refusal(p, "EB350", "SELECT * FROM api.campana_crear('Venta', 'x')");
    expect_refusal(p, "EB340", "SELECT * FROM api.campana_crear('Nuevo', 'Hola {nombr}')");
    expect_refusal(p, "EB353", "SELECT * FROM api.campana_crear('Contactado', 'x')");
    expect_refusal(p, "EB354", "SELECT * FROM api.campana_crear('Nuevo', 'x', NULL, 'NOPE')");
    db_close(p);
    p = dbt_connect(t, "cw_p2");
    expect_refusal(p, "EB352", "SELECT * FROM api.campana_crear('Nuevo', 'x')");
    db_close(p);
    p = dbt_connect(t, "cw_sup");
    expect_refusal(p, "EB330", "SELECT * FROM api.campana_crear('Nuevo', 'x')");
    db_close(p);
    db_close(adm);
}

/* Launches a 3-message campaign and claims + acks its first message as "W1". */
static long long
enviar_uno(struct dbt *t, struct db *p)
{
    long long c = crear(t, p, ", NULL, NULL, NULL, 3");

    dbt_exec(p, "SELECT api.campana_lanzar(%lld)", c);
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT mensaje_id FROM api.mensaje_reclamar(crm.yo())"),
                     1);
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.mensaje_enviado(1, 'W1')"), "t");
    return c;
}

static void
test_recibos_monotonos(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long c;
    const char *antes;

    seed(t, adm, 3);
    p = dbt_connect(t, "cw_p1");
    c = enviar_uno(t, p);
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.mensaje_enviado(1, 'W1')"), "f");
    expect_refusal(p, "EB361", "SELECT api.mensaje_enviado(1, 'W2')");
    /* Read before delivered: read implies delivered; then the late and duplicated receipts
     * change nothing — no state, no timestamp, no count. */
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.mensaje_recibo('W1', 'LEIDO')"), "t");
    antes = dbt_scalar_tmp(t, p,
                           "SELECT format('%%s|%%s|%%s|%%s|%%s', estado, enviado_at,"
                           " entregado_at, leido_at, actualizado_at) FROM crm.wa_mensajes"
                           " WHERE id = 1");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT api.mensaje_recibo('W1', 'ENTREGADO',"
                                       " now() + interval '1 hour')"),
                        "f");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.mensaje_recibo('W1', 'LEIDO')"), "f");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.mensaje_recibo('W9', 'LEIDO')"), "f");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s|%%s|%%s|%%s|%%s', estado,"
                                       " enviado_at, entregado_at, leido_at,"
                                       " actualizado_at) FROM crm.wa_mensajes WHERE id = 1"),
                        antes);
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s/%%s/%%s', enviados,"
                                       " entregados, leidos, pendientes) FROM"
                                       " api.campana_estado(%lld)",
                                       c),
                        "1/1/1/2");
    expect_refusal(p, "EB362", "SELECT api.mensaje_recibo('W1', 'VISTO')");
    /* The trigger holds even for the owner of the tables. */
    dbt_exec(adm, "UPDATE crm.wa_mensajes SET estado = 'ENTREGADO', leido_at = now() + interval"
                  " '1 day', enviado_at = NULL WHERE id = 1");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT format('%%s|%%s|%%s|%%s|%%s', estado,"
                                       " enviado_at, entregado_at, leido_at,"
                                       " actualizado_at) FROM crm.wa_mensajes WHERE id = 1"),
                        antes);
    expect_refusal(adm, "EB390", "UPDATE crm.wa_mensajes SET estado = 'FALLIDO' WHERE id = 1");
    expect_refusal(adm, "EB390", "DELETE FROM crm.wa_mensajes WHERE id = 1");
    /* Failures: the second claim fails, again is a no-op, then it cannot be "sent". */
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT mensaje_id FROM api.mensaje_reclamar(crm.yo())"),
                     2);
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.mensaje_fallido(2, '479')"), "t");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.mensaje_fallido(2, '479')"), "f");
    expect_refusal(p, "EB361", "SELECT api.mensaje_enviado(2, 'W2')");
    expect_refusal(adm, "EB390", "UPDATE crm.wa_mensajes SET estado = 'PENDIENTE' WHERE id = 2");
    /* The last one: the campaign ends by itself. */
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT mensaje_id FROM api.mensaje_reclamar(crm.yo())"),
                     3);
    dbt_exec(p, "SELECT api.mensaje_enviado(3, 'W3')");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s/%%s', estado, enviados,"
                                       " fallidos) FROM api.campana_estado(%lld)",
                                       c),
                        "TERMINADA/2/1");
    db_close(p);
    db_close(adm);
}

/* Claims the next message of cw_p1's account, which must be id, and ends it: "W…" sent, or
 * failed with that error code. */
static void
intentar(struct dbt *t, struct db *p, long long id, const char *error)
{
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT mensaje_id FROM api.mensaje_reclamar(crm.yo())"),
                     id);
    if (error[0] == 'W')
        dbt_exec(p, "SELECT api.mensaje_enviado(%lld, '%s')", id, error);
    else
        dbt_exec(p, "SELECT api.mensaje_fallido(%lld, '%s')", id, error);
}

static const char *
estado_y_motivo(struct dbt *t, struct db *p, long long c)
{
    return dbt_scalar_tmp(t, p,
                          "SELECT estado || ' ' || coalesce(pausa_motivo, '-')"
                          " FROM api.campana_estado(%lld)",
                          c);
}

/*
 * sql/102: three tried messages in a row that failed for the account's reason pause every
 * sending campaign of the account, saying why, and the claim hands out nothing more. A failure
 * that speaks of the recipient (no WhatsApp) is no strike; a message sent breaks the streak;
 * after she resumes the count starts anew, and leaving PAUSADA clears the reason. A pause she
 * asks for has none.
 */
static void
test_pausa_por_fallos(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long c;

    seed(t, adm, 12);
    p = dbt_connect(t, "cw_p1");
    c = crear(t, p, "");
    dbt_exec(p, "SELECT api.campana_lanzar(%lld)", c);
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.campana_pausar(%lld)", c), "PAUSADA");
    assert_string_equal(estado_y_motivo(t, p, c), "PAUSADA -");
    dbt_exec(p, "SELECT api.campana_reanudar(%lld)", c);

    intentar(t, p, 1, "W1");
    intentar(t, p, 2, "479");
    intentar(t, p, 3, "SIN_WHATSAPP");
    intentar(t, p, 4, "479");
    assert_string_equal(estado_y_motivo(t, p, c), "ENVIANDO -");
    intentar(t, p, 5, "500");
    assert_string_equal(estado_y_motivo(t, p, c),
                        "PAUSADA Se pausó sola: los últimos 3 envíos de la cuenta fallaron (el"
                        " último, error 500); revise el WhatsApp del teléfono antes de"
                        " reanudar");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT count(*) FROM api.mensaje_reclamar(crm.yo())"),
                        "0");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.mensaje_fallido(5, '500')"), "f");

    /* Resumed, the three before do not count: one more failure does not stop it. */
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.campana_reanudar(%lld)", c), "ENVIANDO");
    assert_string_equal(estado_y_motivo(t, p, c), "ENVIANDO -");
    intentar(t, p, 6, "479");
    intentar(t, p, 7, "W7");
    intentar(t, p, 8, "479");
    intentar(t, p, 9, "479");
    assert_string_equal(estado_y_motivo(t, p, c), "ENVIANDO -");
    intentar(t, p, 10, "479");
    assert_non_null(strstr(estado_y_motivo(t, p, c), "PAUSADA Se pausó sola: los últimos 3"));
    assert_non_null(strstr(estado_y_motivo(t, p, c), "(el último, error 479)"));
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.campana_cancelar(%lld)", c), "CANCELADA");
    assert_string_equal(estado_y_motivo(t, p, c), "CANCELADA -");
    db_close(p);
    db_close(adm);
}

static void
test_incierto(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long c;

    seed(t, adm, 3);
    p = dbt_connect(t, "cw_p1");
    c = crear(t, p, ", NULL, NULL, NULL, 2");
    dbt_exec(p, "SELECT api.campana_lanzar(%lld)", c);
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT mensaje_id FROM api.mensaje_reclamar(crm.yo())"),
                     1);
    /* The process died mid-send; the next sender finds it ENVIANDO. */
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT api.mensajes_recuperar(crm.yo())"), 1);
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT mensaje_id FROM api.mensaje_reclamar(crm.yo())"),
                     2);
    dbt_exec(p, "SELECT api.mensaje_enviado(2, 'W2')");
    /* Never claimed again by itself: nothing left to claim, the campaign waits. */
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM api.mensaje_reclamar(crm.yo())"), 0);
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s/%%s', estado, inciertos,"
                                       " enviando) FROM api.campana_estado(%lld)",
                                       c),
                        "ENVIANDO/1/0");
    expect_refusal(p, "EB361", "SELECT api.mensaje_resolver_incierto(2, 'REENVIAR')");
    expect_refusal(p, "EB362", "SELECT api.mensaje_resolver_incierto(1, 'OLVIDAR')");
    /* The user re-sends it: back to PENDIENTE, claimed again. */
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.mensaje_resolver_incierto(1, 'reenviar')"),
                        "PENDIENTE");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT mensaje_id FROM api.mensaje_reclamar(crm.yo())"),
                     1);
    dbt_exec(p, "SELECT api.mensajes_recuperar(crm.yo())");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.mensaje_resolver_incierto(1, 'ENVIADO')"),
                        "ENVIADO");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s', estado, enviados) FROM"
                                       " api.campana_estado(%lld)",
                                       c),
                        "TERMINADA/2");
    db_close(p);
    db_close(adm);
}

static void
test_baja(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long c;

    seed(t, adm, 5);
    /* Client 5 shares client 1's phone but is in another stage (so another campaign). */
    dbt_exec(adm, "UPDATE padron.datos_contacto SET valor = '+525500000001' WHERE cliente_id = 5");
    p = dbt_connect(t, "cw_p1");
    dbt_exec(p, "SELECT * FROM api.mover(5, 'Contactado')");
    c = enviar_uno(t, p);
    dbt_exec(adm, "SET session_replication_role = replica;"
                  "UPDATE crm.wa_mensajes SET enviado_at = now() - interval '30 days',"
                  " estado = 'ENTREGADO', entregado_at = now() - interval '30 days';"
                  "SET session_replication_role = DEFAULT");
    dbt_exec(p,
             "BEGIN; SELECT campana_id FROM api.campana_crear('Contactado', 'x');"
             "SELECT api.campana_textos(%lld, array_agg(mensaje_id), array_agg('x'::text)) FROM"
             " api.campana_destinatarios(%lld); COMMIT",
             c + 1, c + 1);
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT estado FROM crm.wa_mensajes WHERE"
                                       " campana_id = %lld",
                                       c + 1),
                        "PENDIENTE");
    /* A plain reply, then the opt-out from the jid. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s/%%s', oportunidad_id,"
                                       " mensaje_id, baja_registrada) FROM"
                                       " api.wa_entrante('5215500000001@s.whatsapp.net',"
                                       " '¿de cuánto?')"),
                        "1/1/f");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s', oportunidad_id, mensaje_id)"
                                       " FROM api.wa_entrante('5215500000001@s.whatsapp.net',"
                                       " 'BAJA por favor', true, 'palabra clave')"),
                        "1/1");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT format('%%s|%%s|%%s|%%s|%%s', o.estado,"
                                       " o.motivo_salida, (SELECT string_agg(evento, ','"
                                       " ORDER BY id) FROM crm.historial WHERE"
                                       " oportunidad_id = 1 AND evento LIKE 'WA_%%'),"
                                       " (SELECT count(*) FROM crm.bloqueos WHERE"
                                       " cliente_id = 1 AND motivo = 'OPT_OUT' AND hasta IS"
                                       " NULL), (SELECT regla FROM crm.wa_bajas)) FROM"
                                       " crm.oportunidades o WHERE o.id = 1"),
                        "EN_BANDEJA|baja por WhatsApp: BAJA por favor|WA_RESPUESTA,WA_BAJA|1|"
                        "palabra clave");
    /* The other campaign's pending message to that phone is skipped; never claimed. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT estado || ' ' || error FROM crm.wa_mensajes"
                                       " WHERE campana_id = %lld",
                                       c + 1),
                        "OMITIDO BAJA");
    dbt_exec(p, "SELECT api.campana_lanzar(%lld)", c + 1);
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT estado FROM api.campana_estado(%lld)", c + 1),
                        "TERMINADA");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s', respondidos, bajas) FROM"
                                       " api.campana_estado(%lld)",
                                       c),
                        "1/1");
    expect_refusal(p, "EB364", "SELECT * FROM api.wa_entrante('+1 555 0100', 'hi')");
    db_close(p);
    /* In the bandeja for the supervisor; the database stays consistent. */
    p = dbt_connect(t, "cw_sup");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM api.verificar_invariantes()"), 0);
    assert_int_equal(dbt_scalar_ll(t, p,
                                   "SELECT count(*) FROM api.bandeja() WHERE"
                                   " oportunidad_id = 1"),
                     1);
    db_close(p);
    db_close(adm);
}

static void
test_rls(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p, *q, *s;
    struct err e = { 0 };
    long long c;

    seed(t, adm, 3);
    p = dbt_connect(t, "cw_p1");
    c = enviar_uno(t, p);
    q = dbt_connect(t, "cw_p2");
    dbt_exec(q, "SELECT api.wa_guardar_credenciales('5215588888888@s.whatsapp.net', '\\x09')");
    assert_int_equal(dbt_scalar_ll(t, q,
                                   "SELECT (SELECT count(*) FROM crm.wa_campanas) +"
                                   " (SELECT count(*) FROM crm.wa_mensajes) + (SELECT"
                                   " count(*) FROM crm.wa_cuentas WHERE usuario_id <>"
                                   " crm.yo())"),
                     0);
    expect_refusal(q, "EB355", "SELECT * FROM api.campana_estado(%lld)", c);
    expect_refusal(q, "EB355", "SELECT api.campana_pausar(%lld)", c);
    expect_refusal(q, "EB355", "SELECT api.campana_cancelar(%lld)", c);
    expect_refusal(q, "EB355", "SELECT * FROM api.campana_omitidos(%lld)", c);
    expect_refusal(q, "EB363", "SELECT * FROM api.mensaje_reclamar(%d)",
                   (int)dbt_scalar_ll(t, adm, "SELECT id FROM crm.usuarios WHERE login = 'cw_p1'"));
    expect_refusal(q, "EB360", "SELECT api.mensaje_enviado(2, 'X')");
    expect_refusal(q, "EB360", "SELECT api.mensaje_fallido(2, 'X')");
    expect_refusal(q, "EB360", "SELECT api.mensaje_resolver_incierto(1, 'ENVIADO')");
    assert_string_equal(dbt_scalar_tmp(t, q, "SELECT api.mensaje_recibo('W1', 'LEIDO')"), "f");
    assert_int_equal(dbt_scalar_ll(t, p,
                                   "SELECT count(*) FROM crm.wa_mensajes WHERE leido_at IS"
                                   " NOT NULL"),
                     0);
    /* No direct writes; sealed credentials not readable from the table, even one's own. */
    assert_int_equal(dbt_try(p, &e, "UPDATE crm.wa_mensajes SET estado = 'LEIDO'"), RC_DB);
    assert_string_equal(e.code, "42501");
    assert_int_equal(dbt_try(p, &e, "SELECT credenciales FROM crm.wa_cuentas"), RC_DB);
    assert_string_equal(e.code, "42501");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT encode(credenciales, 'hex') FROM"
                                       " api.wa_cuenta()"),
                        "0102");
    /* The supervisor sees the team's campaign and may pause it; an admin too. */
    s = dbt_connect(t, "cw_sup");
    assert_int_equal(dbt_scalar_ll(t, s, "SELECT count(*) FROM crm.wa_campanas"), 1);
    assert_string_equal(dbt_scalar_tmp(t, s, "SELECT api.campana_pausar(%lld)", c), "PAUSADA");
    assert_int_equal(dbt_scalar_ll(t, s,
                                   "SELECT sum(enviados) FROM api.wa_estadisticas("
                                   "current_date - 1, current_date + 1)"),
                     1);
    assert_int_equal(dbt_scalar_ll(t, q,
                                   "SELECT count(*) FROM api.wa_estadisticas("
                                   "current_date - 1, current_date + 1)"),
                     0);
    expect_refusal(s, "EB370", "SELECT * FROM api.wa_estadisticas(current_date, current_date - 1)");
    db_close(s);
    db_close(q);
    db_close(p);
    db_close(adm);
}

/* Concurrent claimers of one account: every message claimed exactly once. */
struct reclamador {
    struct dbt *t;
    struct err e;
    int n;
    long long ids[200];
    int errores;
};

static void *
reclamar_main(void *arg)
{
    struct reclamador *r = arg;
    struct db *db = dbt_connect_err(r->t, "cw_p1", &r->e);

    if (db == NULL) {
        r->errores++;
        return NULL;
    }
    for (;;) {
        char *out = NULL;
        char sql[96];

        if (db_query_text(db, "SELECT (SELECT mensaje_id FROM api.mensaje_reclamar(crm.yo()))", 0,
                          NULL, &out, &r->e) != RC_OK) {
            r->errores++;
            break;
        }
        if (out == NULL)
            break;
        if (r->n < 200)
            r->ids[r->n] = strtoll(out, NULL, 10);
        r->n++;
        snprintf(sql, sizeof sql, "SELECT api.mensaje_enviado(%s, 'W%s')", out, out);
        free(out);
        if (db_exec(db, sql, &r->e) != RC_OK) {
            r->errores++;
            break;
        }
    }
    db_close(db);
    return NULL;
}

static void
test_reclamar_concurrente(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct reclamador r[8];
    pthread_t th[8];
    int total = 0;
    static int visto[200];

    seed(t, adm, 200);
    p = dbt_connect(t, "cw_p1");
    dbt_exec(p, "SELECT api.campana_lanzar(%lld)", crear(t, p, ", NULL, NULL, NULL, 200"));
    memset(visto, 0, sizeof visto);
    for (int i = 0; i < 8; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].t = t;
        assert_int_equal(pthread_create(&th[i], NULL, reclamar_main, &r[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        if (r[i].errores)
            fail_msg("reclamador %d: %s %s", i, r[i].e.code, r[i].e.msg);
        for (int k = 0; k < r[i].n && k < 200; k++) {
            assert_true(r[i].ids[k] >= 1 && r[i].ids[k] <= 200);
            visto[r[i].ids[k] - 1]++;
        }
        total += r[i].n;
    }
    /* Today's cap (180) is the only limit: 180 claimed once each, 20 left for tomorrow. */
    assert_int_equal(total, 180);
    for (int k = 0; k < 180; k++)
        assert_int_equal(visto[k], 1);
    assert_int_equal(dbt_scalar_ll(t, p,
                                   "SELECT enviados * 1000 + pendientes FROM"
                                   " api.campana_estado(1)"),
                     180020);
    /* Paused: nothing is handed out even when due. */
    dbt_exec(adm, "SET session_replication_role = replica;"
                  "UPDATE crm.wa_mensajes SET dia = current_date - 1, programado_para = now() -"
                  " interval '1 day' WHERE estado = 'PENDIENTE';"
                  "UPDATE crm.wa_mensajes SET enviado_at = now() - interval '1 day'"
                  " WHERE enviado_at IS NOT NULL;"
                  "SET session_replication_role = DEFAULT");
    dbt_exec(p, "SELECT api.campana_pausar(1)");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM api.mensaje_reclamar(crm.yo())"), 0);
    dbt_exec(p, "SELECT api.campana_reanudar(1)");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM api.mensaje_reclamar(crm.yo())"), 1);
    /* A disconnected account hands out nothing. */
    dbt_exec(p, "SELECT api.wa_cambiar_estado('DESCONECTADA')");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM api.mensaje_reclamar(crm.yo())"), 0);
    db_close(p);
    db_close(adm);
}

/* The claim re-checks the row it picks: an opportunity no longer open, or a number that
 * turned out not to be on WhatsApp (cached behind the api's back), is skipped, not sent. */
static void
test_reclamar_omite(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long c;

    seed(t, adm, 4);
    p = dbt_connect(t, "cw_p1");
    c = crear(t, p, ", NULL, NULL, NULL, 4");
    dbt_exec(p, "SELECT api.campana_lanzar(%lld)", c);
    dbt_exec(p, "SELECT * FROM api.mover(1, 'No interesado', 'ya tiene crédito')");
    dbt_exec(adm, "INSERT INTO crm.wa_numeros (telefono, en_whatsapp)"
                  " VALUES ('+525500000002', false)");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT mensaje_id FROM api.mensaje_reclamar(crm.yo())"),
                     3);
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(id || ':' || estado || ':' ||"
                                       " coalesce(error, ''), ',' ORDER BY id) FROM"
                                       " crm.wa_mensajes"),
                        "1:OMITIDO:CERRADA,2:OMITIDO:SIN_WHATSAPP,3:ENVIANDO:,4:PENDIENTE:");
    db_close(p);
    db_close(adm);
}

/* Notifications received by oyente within ms milliseconds, ';'-joined into buf. */
static int
recibir(struct db *oyente, int ms, char *buf, size_t size)
{
    PGconn *c = db_pg(oyente);
    PGnotify *n;
    int vistas = 0;

    buf[0] = '\0';
    for (int i = 0; i < ms / 20; i++) {
        struct pollfd pfd = { .fd = PQsocket(c), .events = POLLIN };

        (void)poll(&pfd, 1, 20);
        assert_int_equal(PQconsumeInput(c), 1);
        while ((n = PQnotifies(c)) != NULL) {
            assert_true(strlen(n->extra) < 100);
            strncat(buf, n->extra, size - strlen(buf) - 2);
            strcat(buf, ";");
            PQfreemem(n);
            vistas++;
        }
    }
    return vistas;
}

/* Live progress: tiny payloads naming the table, the owner and the campaign; a duplicated
 * receipt changes nothing, so it notifies nothing. */
static void
test_notify(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p, *oyente;
    char visto[1024];
    long long c, yo;

    seed(t, adm, 3);
    yo = dbt_scalar_ll(t, adm, "SELECT id FROM crm.usuarios WHERE login = 'cw_p1'");
    p = dbt_connect(t, "cw_p1");
    c = crear(t, p, ", NULL, NULL, NULL, 3");
    oyente = dbt_connect(t, "cw_sup");
    dbt_exec(oyente, "LISTEN embudo");
    dbt_exec(p, "SELECT api.campana_lanzar(%lld)", c);
    dbt_exec(p, "SELECT * FROM api.mensaje_reclamar(crm.yo())");
    dbt_exec(p, "SELECT api.mensaje_enviado(1, 'W1')");
    dbt_exec(p, "SELECT api.mensaje_recibo('W1', 'LEIDO')");
    assert_int_equal(recibir(oyente, 1000, visto, sizeof visto), 4);
    assert_string_equal(visto, dbt_scalar_tmp(t, adm,
                                              "SELECT format('{\"tabla\" : \"wa_campanas\","
                                              " \"usuario_id\" : %%1$s, \"campana_id\" : %%2$s};"
                                              "%%3$s%%3$s%%3$s', %lld, %lld, format('{\"tabla\" :"
                                              " \"wa_mensajes\", \"usuario_id\" : %%s,"
                                              " \"campana_id\" : %%s};', %lld, %lld))",
                                              yo, c, yo, c));
    dbt_exec(p, "SELECT api.mensaje_recibo('W1', 'ENTREGADO')");
    dbt_exec(p, "SELECT api.mensaje_recibo('W1', 'LEIDO')");
    assert_int_equal(recibir(oyente, 300, visto, sizeof visto), 0);
    db_close(oyente);
    db_close(p);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_170_mas_190, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_calentamiento, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_creacion_concurrente, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_cancelar_libera, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_omitidos, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_recibos_monotonos, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_pausa_por_fallos, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_incierto, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_baja, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_rls, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_reclamar_concurrente, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_notify, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_reclamar_omite, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
