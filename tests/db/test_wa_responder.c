/*
 * test_wa_responder — the promoter answers a client's WhatsApp (sql/101_wa_responder.sql,
 * docs/wa-responder.md) through src/db/db_wa_respuesta.c and the sender's SQL: the answer is a
 * crm.wa_mensajes row without a campaign, to the phone the client wrote from, with a
 * WA_MENSAJE history row that attends the reply in Inicio's inbox; every refusal with its
 * SQLSTATE (EB420…EB425, EB366), in api.wa_ventana too; the clave (a retry returns the first,
 * also when two requests race); the claim hands it out first, outside the sending window and
 * past the cap, and it counts in the cap; api.respuesta_reclamar_diferido takes only answers;
 * skipped answers (BAJA, NO_CONTACTAR, SIN_WHATSAPP, CERRADA, VENTANA); api.envio_proximo;
 * acks, receipts, recovery and the client's next text; api.wa_conversacion and who sees it;
 * and the audit of the other readers of crm.wa_mensajes (statistics, campaign state and end,
 * the plan's room, today's explanation, the export, ARCO, the server's account list, the
 * notification).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "db/db.h"
#include "db/db_internal.h"
#include "db/db_wa.h"
#include "db/db_wa_cloud.h"
#include "db/db_wa_respuesta.h"
#include "dbt.h"
#include "util/err.h"

/* The phone of padron client i (1..9): +52 55 0000 000i. */
#define TEL(i) "+52550000000" #i

static const struct dbt_usuario USUARIOS[] = {
    { "rs_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
    { "rs_sup2", "Otra Supervisora", "SUPERVISOR", NULL, NULL },
    { "rs_p1", "Rita Uno", "PROMOTOR", "rs_sup", NULL },
    { "rs_p2", "Raúl Dos", "PROMOTOR", "rs_sup", NULL },
    { "rs_adm", "Ana Admin", "ADMIN", NULL, NULL },
    { "rs_aud", "Aurelio Auditor", "AUDITOR", NULL, NULL },
};

static const unsigned char BLOB[] = { 7 }; /* sealed credentials' stand-in: never opened */

struct fx {
    struct dbt *t;
    struct db *adm; /* the superuser: the database owner's session, a server session */
    struct db *p1, *p2;
    int c1, c2; /* rs_p1's and rs_p2's user ids: their WhatsApp accounts */
};

/*
 * The users; padron clients 1..9 with a mobile each; rs_p1 holds opportunities 1..7 (clients
 * 1..7), rs_p2 8..9. Every hour of every day is a sending hour. rs_p1's account is linked
 * (CONECTADA) and warmed (its cap is its limit, 180); rs_p2 has no account.
 */
static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = { 0 };

    assert_int_equal(dbt_setup((void **)&f->t), 0);
    f->adm = dbt_connect(f->t, NULL);
    dbt_usuarios(f->t, f->adm, USUARIOS, sizeof USUARIOS / sizeof USUARIOS[0]);
    dbt_clientes_imss(f->adm, 9);
    dbt_exec(f->adm, "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)"
                     " SELECT i, 'CELULAR', '+52550000000' || i FROM generate_series(1, 9) i;"
                     "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
                     "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
                     " FROM generate_series(1, 7) d");
    f->p1 = dbt_connect(f->t, "rs_p1");
    f->p2 = dbt_connect(f->t, "rs_p2");
    dbt_exec(f->p1, "SELECT * FROM api.solicitar_asignacion(7)");
    dbt_exec(f->p2, "SELECT * FROM api.solicitar_asignacion(2)");
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT string_agg(o.id || '=' || o.cliente_id || u.login,"
                                       " ',' ORDER BY o.id) FROM crm.oportunidades o"
                                       " JOIN crm.usuarios u ON u.id = o.usuario_id"),
                        "1=1rs_p1,2=2rs_p1,3=3rs_p1,4=4rs_p1,5=5rs_p1,6=6rs_p1,7=7rs_p1,"
                        "8=8rs_p2,9=9rs_p2");
    assert_int_equal(db_wa_guardar_credenciales(f->p1, "5215500000099@s.whatsapp.net", BLOB, 1, &e),
                     RC_OK);
    dbt_exec(f->adm, "UPDATE crm.wa_cuentas SET en_uso_desde = current_date - 60");
    f->c1 = (int)dbt_scalar_ll(f->t, f->adm, "SELECT id FROM crm.usuarios WHERE login = 'rs_p1'");
    f->c2 = (int)dbt_scalar_ll(f->t, f->adm, "SELECT id FROM crm.usuarios WHERE login = 'rs_p2'");
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    void *t = f->t;

    db_close(f->p1);
    db_close(f->p2);
    db_close(f->adm);
    free(f);
    return dbt_teardown(&t);
}

/* A text from phone to the account of db (its own session): the opportunity it went to. */
static long long
escribe(struct db *db, const char *tel, const char *texto)
{
    struct db_entrante in;
    struct err e = { 0 };

    dbt_ok(db_wa_entrante(db, 0, tel, texto, false, NULL, &in, &e), &e);
    return (long long)in.oportunidad_id;
}

/* db answers opportunity o with texto (clave NULL = none): the message's id. */
static long long
responde(struct db *db, long long o, const char *texto, const char *clave)
{
    struct db_wa_respondido r;
    struct err e = { 0 };

    dbt_ok(db_wa_responder(db, o, texto, clave, &r, &e), &e);
    assert_false(r.repetido);
    return (long long)r.mensaje_id;
}

/* The refusal db gets answering opportunity o, checked against code; nothing queued. */
static void
no_responde(struct fx *f, struct db *db, long long o, const char *texto, const char *code)
{
    struct db_wa_respondido r;
    struct err e = { 0 };
    long long antes = dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.wa_mensajes");

    dbt_refused(db_wa_responder(db, o, texto, NULL, &r, &e), &e, code);
    assert_int_equal(dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.wa_mensajes"), antes);
}

/* api.wa_ventana of opportunity o for db: "hasta|codigo" with hasta as 'abierta' (a time
 * after now) or '-' (NULL), codigo '-' when NULL. */
static const char *
ventana(struct fx *f, struct db *db, long long o)
{
    return dbt_scalar_tmp(f->t, db,
                          "SELECT CASE WHEN hasta IS NULL THEN '-' WHEN hasta > now()"
                          " THEN 'abierta' ELSE 'vencida' END || '|' || coalesce(codigo, '-')"
                          " FROM api.wa_ventana(%lld)",
                          o);
}

/* One claim of account cuenta as db: "id:r" for an answer, "id:c" for a campaign's message,
 * "-" for nothing. */
static const char *
reclama(struct fx *f, struct db *db, int cuenta)
{
    return dbt_scalar_tmp(
        f->t, db,
        "SELECT coalesce((SELECT mensaje_id || ':' || CASE WHEN campana_id IS NULL"
        " THEN 'r' ELSE 'c' END FROM api.mensaje_reclamar(%d)), '-')",
        cuenta);
}

/* "estado" or "estado:error" of message id, as the database owner reads it. */
static const char *
estado(struct fx *f, long long id)
{
    return dbt_scalar_tmp(f->t, f->adm,
                          "SELECT estado || coalesce(':' || error, '') FROM crm.wa_mensajes"
                          " WHERE id = %lld",
                          id);
}

/* A launched campaign of db over its opportunities in Nuevo (maximo 0 = all); its id. */
static long long
campana(struct db *db, int maximo)
{
    struct db_campana_nueva n = { .etapa = "Nuevo", .texto = "Hola {nombre}", .maximo = maximo };
    struct db_campana_creada c;
    struct err e = { 0 };
    char st[16];
    long long id;

    dbt_ok(db_campana_crear(db, &n, &c, &e), &e);
    id = (long long)c.id;
    db_campana_creada_fini(&c);
    dbt_ok(db_campana_accion(db, id, DB_CAMPANA_LANZAR, st, &e), &e);
    assert_string_equal(st, "ENVIANDO");
    return id;
}

/* ---- queuing an answer ---------------------------------------------------------------- */

/* The answer: its row, its history row, its notification, the inbox, the conversation. */
static void
test_responder(void **state)
{
    struct fx *f = *state;
    struct db *oye = dbt_connect(f->t, "rs_p1");
    struct db_wa_ventana v;
    struct db_wa_respondido r;
    struct db_wa_linea *l;
    struct err e = { 0 };
    size_t n;
    char aviso[128];
    long long id;

    assert_int_equal(escribe(f->p1, TEL(1), "¿Cuánto me prestan?"), 1);
    assert_int_equal(
        dbt_scalar_ll(f->t, f->p1, "SELECT count(*) FROM api.wa_respuestas(NULL, true)"), 1);
    /* The window: 24 hours from the client's text. */
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT hasta = (SELECT recibido_at + interval '24 hours'"
                                       " FROM crm.wa_entrantes) AND codigo IS NULL"
                                       " AND mensaje IS NULL FROM api.wa_ventana(1)"),
                        "t");
    dbt_ok(db_wa_ventana(f->p1, 1, &v, &e), &e);
    assert_true(v.hasta > 1700000000);
    assert_int_equal(strlen(v.hasta_local), 11); /* "DD/MM HH:MM" */
    assert_string_equal(v.codigo, "");
    assert_string_equal(v.motivo, "");

    dbt_exec(oye, "LISTEN embudo");
    (void)dbt_avisos(oye);
    dbt_ok(db_wa_responder(f->p1, 1, "  Con gusto, le marco en 5 minutos\n", NULL, &r, &e), &e);
    id = (long long)r.mensaje_id;
    assert_true(id > 0);
    assert_false(r.repetido);
    assert_string_equal(r.proveedor, "WEB");
    assert_string_equal(r.estado_cuenta, "CONECTADA");
    assert_string_equal(r.mensaje, "respuesta en cola: sale en unos segundos");

    /* No campaign, her account, the client's phone, the text trimmed, due now, today. */
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', campana_id IS NULL, usuario_id,"
                                       " oportunidad_id, telefono, texto, estado,"
                                       " dia = crm.fecha_negocio(now()),"
                                       " programado_para <= now(), clave IS NULL)"
                                       " FROM crm.wa_mensajes WHERE id = %lld",
                                       id),
                        dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT 't|%d|1|" TEL(1) "|Con gusto, le marco en 5"
                                                                " minutos|PENDIENTE|t|t|t'",
                                       f->c1));
    /* Her history row: the text, the message, the phone, the stage it was in. */
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->adm,
                       "SELECT concat_ws('|', evento, motivo, datos ->> 'mensaje_id',"
                       " datos ->> 'telefono', usuario_id, etapa_anterior)"
                       " FROM crm.historial WHERE oportunidad_id = 1"
                       " ORDER BY id DESC LIMIT 1"),
        dbt_scalar_tmp(
            f->t, f->adm,
            "SELECT 'WA_MENSAJE|Con gusto, le marco en 5 minutos|%lld|" TEL(1) "|%d|Nuevo'", id,
            f->c1));
    /* Her panes and her sender hear of it: the message's notification has no campaign. */
    snprintf(aviso, sizeof aviso,
             "{\"tabla\" : \"wa_mensajes\", \"usuario_id\" : %d, \"campana_id\" : null}", f->c1);
    assert_non_null(strstr(dbt_avisos(oye), aviso));
    /* It attends the client's reply: nothing left in the inbox, the reply attended. */
    assert_int_equal(
        dbt_scalar_ll(f->t, f->p1, "SELECT count(*) FROM api.wa_respuestas(NULL, true)"), 0);
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT atendida || '|' || por_atender"
                                       " FROM api.wa_respuestas(NULL, false)"),
                        "true|false");
    /* The sender's next wake-up is now. */
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1, "SELECT api.envio_proximo(%d) <= now()", f->c1),
                        "t");

    /* The conversation: her client's text, then her answer waiting. */
    dbt_ok(db_wa_conversacion(f->p1, 1, &l, &n, &e), &e);
    assert_int_equal(n, 2);
    assert_true(l[0].entrante);
    assert_string_equal(l[0].texto, "¿Cuánto me prestan?");
    assert_string_equal(l[0].estado, "");
    assert_null(l[0].campana);
    assert_int_equal(l[0].mensaje_id, 0);
    assert_false(l[0].baja);
    assert_false(l[1].entrante);
    assert_string_equal(l[1].texto, "Con gusto, le marco en 5 minutos");
    assert_string_equal(l[1].estado, "PENDIENTE");
    assert_null(l[1].campana);
    assert_null(l[1].motivo);
    assert_false(l[1].incierto);
    assert_int_equal(l[1].mensaje_id, id);
    assert_true(l[0].cuando <= l[1].cuando);
    assert_int_equal(strlen(l[1].cuando_local), 14); /* "DD/MM/YY HH:MM" */
    db_wa_lineas_free(l, n);
    db_close(oye);
}

/* The answer goes to the phone the client wrote from, with that phone's JID when known. */
static void
test_telefono_del_cliente(void **state)
{
    struct fx *f = *state;
    struct err e = { 0 };
    int omitidos = 0;
    long long a, b;

    dbt_exec(f->adm, "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)"
                     " VALUES (2, 'CELULAR', '+525511112222')");
    dbt_ok(db_wa_numero_guardar(f->p1, "+525511112222", true, "5215511112222@s.whatsapp.net",
                                &omitidos, &e),
           &e);
    assert_int_equal(escribe(f->p1, "+525511112222", "Le escribo de mi otro número"), 2);
    a = responde(f->p1, 2, "Claro, le contesto aquí", NULL);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT telefono || '|' || jid FROM crm.wa_mensajes"
                                       " WHERE id = %lld",
                                       a),
                        "+525511112222|5215511112222@s.whatsapp.net");
    /* Then the client writes from the first phone: the next answer goes there. */
    assert_int_equal(escribe(f->p1, TEL(2), "Mejor a este"), 2);
    b = responde(f->p1, 2, "Listo", NULL);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT telefono || '|' || coalesce(jid, '-')"
                                       " FROM crm.wa_mensajes WHERE id = %lld",
                                       b),
                        TEL(2) "|-");
}

/* EB420: empty, blank, NULL, over 4096 characters, a clave over 100. 4096 characters of two
 * bytes each are fine. */
static void
test_texto(void **state)
{
    struct fx *f = *state;
    char *largo = malloc(4096 * 2 + 1);
    long long id;

    escribe(f->p1, TEL(1), "Hola");
    no_responde(f, f->p1, 1, "", "EB420");
    no_responde(f, f->p1, 1, " \t\r\n ", "EB420");
    dbt_expect_refusal(f->p1, "EB420", "SELECT * FROM api.wa_responder(1, NULL)");
    dbt_expect_refusal(f->p1, "EB420", "SELECT * FROM api.wa_responder(1, repeat('x', 4097))");
    dbt_expect_refusal(f->p1, "EB420",
                       "SELECT * FROM api.wa_responder(1, 'hola', repeat('k', 101))");
    assert_int_equal(dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.wa_mensajes"), 0);
    for (int i = 0; i < 4096; i++)
        memcpy(largo + 2 * i, "ñ", 2);
    largo[4096 * 2] = '\0';
    id = responde(f->p1, 1, largo, NULL);
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT length(texto) FROM crm.wa_mensajes WHERE id = %lld", id),
                     4096);
    assert_int_equal(dbt_scalar_ll(f->t, f->p1,
                                   "SELECT mensaje_id FROM api.wa_responder(1, 'hola',"
                                   " repeat('k', 100))"),
                     id + 1);
    free(largo);
}

/* EB421: only the owner, a promoter, answers — not another promoter, her supervisor, an
 * admin; an opportunity that does not exist neither. A reassigned opportunity: the former
 * owner no longer (EB421), the new one not before the client writes to her (EB424). The
 * auditor may not call it at all (42501). */
static void
test_quien(void **state)
{
    struct fx *f = *state;
    struct db *sup = dbt_connect(f->t, "rs_sup"), *adm = dbt_connect(f->t, "rs_adm");
    struct err e = { 0 };

    escribe(f->p1, TEL(1), "Hola");
    no_responde(f, f->p2, 1, "Yo le contesto", "EB421");
    no_responde(f, sup, 1, "Le contesto yo", "EB421");
    no_responde(f, adm, 1, "Le contesto yo", "EB421");
    no_responde(f, f->p1, 999, "¿A quién?", "EB421");
    assert_string_equal(ventana(f, f->p2, 1), "-|EB421");
    assert_string_equal(ventana(f, sup, 1), "-|EB421");
    assert_string_equal(ventana(f, f->p1, 999), "-|EB421");
    assert_string_equal(ventana(f, f->p1, 1), "abierta|-");
    /* The auditor reads the window, never writes (not granted). */
    {
        struct db *aud = dbt_connect(f->t, "rs_aud");
        struct db_wa_respondido r;
        struct err e2 = { 0 };

        assert_int_equal(db_wa_responder(aud, 1, "Hola", NULL, &r, &e2), RC_DB);
        assert_string_equal(e2.code, "42501");
        assert_string_equal(ventana(f, aud, 1), "-|EB421");
        db_close(aud);
    }
    /* A login of the promoters' group that is no user of the CRM. */
    dbt_role(f->t, "rs_nadie", "embudo_promotor");
    {
        struct db *x = dbt_connect(f->t, "rs_nadie");

        dbt_expect_refusal(x, "EB001", "SELECT * FROM api.wa_responder(1, 'hola')");
        dbt_expect_refusal(x, "EB001", "SELECT * FROM api.wa_ventana(1)");
        db_close(x);
    }

    /* Opportunity 3's client wrote to rs_p1's phone; then it went to rs_p2 (linked). */
    escribe(f->p1, TEL(3), "¿Sigue en pie?");
    dbt_ok(db_wa_guardar_credenciales(f->p2, "5215500000098@s.whatsapp.net", BLOB, 1, &e), &e);
    dbt_exec(sup, "SELECT * FROM api.reasignar(ARRAY[3]::bigint[], 'rs_p2', 'vacaciones')");
    no_responde(f, f->p1, 3, "Sí", "EB421");
    no_responde(f, f->p2, 3, "Sí, soy su nueva promotora", "EB424");
    assert_string_equal(ventana(f, f->p2, 3), "-|EB424");
    /* Once the client writes to rs_p2's phone, she answers it. */
    assert_int_equal(escribe(f->p2, TEL(3), "Hola"), 3);
    assert_string_equal(ventana(f, f->p2, 3), "abierta|-");
    responde(f->p2, 3, "Sí, soy su nueva promotora", NULL);
    db_close(adm);
    db_close(sup);
}

/* EB422 (not ABIERTA) and EB423 (no account that can send, in each of its states). */
static void
test_estado(void **state)
{
    struct fx *f = *state;
    struct db_wa_respondido r;
    struct err e = { 0 };

    escribe(f->p1, TEL(4), "No me interesa por ahora");
    dbt_exec(f->p1, "SELECT * FROM api.mover(4, 'No interesado', 'no le interesa')");
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT estado FROM crm.oportunidades"
                                       " WHERE id = 4"),
                        "EN_BANDEJA");
    no_responde(f, f->p1, 4, "Entendido", "EB422");
    assert_string_equal(ventana(f, f->p1, 4), "-|EB422");

    /* rs_p2 never had an account. */
    assert_int_equal(escribe(f->p2, TEL(8), "Hola"), 8);
    no_responde(f, f->p2, 8, "Hola", "EB423");
    assert_string_equal(ventana(f, f->p2, 8), "-|EB423");

    escribe(f->p1, TEL(1), "Hola");
    dbt_exec(f->adm, "UPDATE crm.wa_cuentas SET estado = 'VINCULANDO' WHERE usuario_id = %d",
             f->c1);
    no_responde(f, f->p1, 1, "Hola", "EB423");
    dbt_exec(f->adm, "UPDATE crm.wa_cuentas SET estado = 'REQUIERE_VINCULO' WHERE usuario_id = %d",
             f->c1);
    no_responde(f, f->p1, 1, "Hola", "EB423");
    dbt_exec(f->adm, "UPDATE crm.wa_cuentas SET estado = 'BLOQUEADA' WHERE usuario_id = %d", f->c1);
    no_responde(f, f->p1, 1, "Hola", "EB423");
    assert_string_equal(ventana(f, f->p1, 1), "-|EB423");
    dbt_exec(f->adm, "UPDATE crm.wa_cuentas SET estado = 'DESCONECTADA' WHERE usuario_id = %d",
             f->c1);
    dbt_ok(db_wa_desvincular(f->p1, &e), &e);
    no_responde(f, f->p1, 1, "Hola", "EB423");
    /* Linked but offline: it waits for the connection. */
    dbt_ok(db_wa_guardar_credenciales(f->p1, "5215500000099@s.whatsapp.net", BLOB, 1, &e), &e);
    dbt_ok(db_wa_cambiar_estado(f->p1, "DESCONECTADA", "sin red", &e), &e);
    dbt_ok(db_wa_responder(f->p1, 1, "Hola", NULL, &r, &e), &e);
    assert_string_equal(r.estado_cuenta, "DESCONECTADA");
    assert_string_equal(r.mensaje, "respuesta en cola: sale en cuanto su WhatsApp se conecte");
    /* Nobody sends for an account that is not connected. */
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT coalesce(api.envio_proximo(%d)::text,"
                                       " '-')",
                                       f->c1),
                        "-");
    assert_string_equal(reclama(f, f->p1, f->c1), "-");
}

/* EB424 (never wrote; wrote 25 hours ago, 23 is fine), EB425 (registry), EB366 (opted out). */
static void
test_ventana(void **state)
{
    struct fx *f = *state;
    struct err e = { 0 };
    struct db_wa_ventana v;

    no_responde(f, f->p1, 5, "Hola", "EB424");
    dbt_ok(db_wa_ventana(f->p1, 5, &v, &e), &e);
    assert_int_equal(v.hasta, 0);
    assert_string_equal(v.hasta_local, "");
    assert_string_equal(v.codigo, "EB424");
    assert_non_null(strstr(v.motivo, "no le ha escrito"));

    escribe(f->p1, TEL(6), "Hola");
    dbt_exec(f->adm, "UPDATE crm.wa_entrantes SET recibido_at = now() - interval '25 hours'");
    no_responde(f, f->p1, 6, "Hola", "EB424");
    dbt_ok(db_wa_ventana(f->p1, 6, &v, &e), &e);
    assert_string_equal(v.codigo, "EB424");
    assert_non_null(strstr(v.motivo, "pasaron más de 24 horas"));
    dbt_exec(f->adm, "UPDATE crm.wa_entrantes SET recibido_at = now() - interval '23 hours'");
    assert_string_equal(ventana(f, f->p1, 6), "abierta|-");
    responde(f->p1, 6, "Hola, perdón la demora", NULL);

    escribe(f->p1, TEL(7), "Hola");
    dbt_exec(f->p1, "SELECT * FROM api.no_contactar_agregar('" TEL(7) "')");
    no_responde(f, f->p1, 7, "Hola", "EB425");
    assert_string_equal(ventana(f, f->p1, 7), "-|EB425");

    escribe(f->p1, TEL(2), "Hola");
    dbt_exec(f->adm,
             "INSERT INTO crm.wa_bajas (telefono, usuario_id, regla, texto)"
             " VALUES ('" TEL(2) "', %d, 'prueba', 'ya no')",
             f->c1);
    no_responde(f, f->p1, 2, "Hola", "EB366");
    assert_string_equal(ventana(f, f->p1, 2), "-|EB366");
}

/* The same clave returns the first answer (one row, one history row); another
 * opportunity's clave is refused; a blank clave is none; two racing requests queue one. */
static void
test_clave(void **state)
{
    struct fx *f = *state;
    struct db_wa_respondido r;
    struct err e = { 0 };
    long long id;

    escribe(f->p1, TEL(1), "Hola");
    escribe(f->p1, TEL(2), "Hola");
    id = responde(f->p1, 1, "Buenas tardes", "k-1");
    dbt_ok(db_wa_responder(f->p1, 1, "Buenas tardes", " k-1 ", &r, &e), &e);
    assert_true(r.repetido);
    assert_int_equal(r.mensaje_id, id);
    assert_string_equal(r.mensaje, "esta respuesta ya se había puesto en cola (clave k-1)");
    dbt_ok(db_wa_responder(f->p1, 1, "Otro texto", "k-1", &r, &e), &e);
    assert_true(r.repetido);
    assert_int_equal(r.mensaje_id, id);
    assert_int_equal(dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.wa_mensajes"), 1);
    assert_int_equal(
        dbt_scalar_ll(f->t, f->adm,
                      "SELECT count(*) FROM crm.historial WHERE evento = 'WA_MENSAJE'"),
        1);
    dbt_refused(db_wa_responder(f->p1, 2, "Hola", "k-1", &r, &e), &e, "EB420");
    responde(f->p1, 2, "Hola", "  ");
    responde(f->p1, 2, "Hola", "  ");
    assert_int_equal(
        dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.wa_mensajes WHERE clave IS NULL"), 2);

    /* Two requests with one clave at once: the second waits for the first and returns it. */
    {
        struct db *a = dbt_connect(f->t, "rs_p1"), *b = dbt_connect(f->t, "rs_p1");
        PGconn *pb = db_pg(b);
        PGresult *res;
        long long pid = dbt_scalar_ll(f->t, b, "SELECT pg_backend_pid()");
        long long primero;

        dbt_exec(a, "BEGIN");
        primero = dbt_scalar_ll(f->t, a,
                                "SELECT mensaje_id FROM api.wa_responder(1, 'Ya voy',"
                                " 'k-2')");
        assert_int_equal(PQsendQuery(pb, "SELECT mensaje_id, repetido FROM api.wa_responder(1,"
                                         " 'Ya voy', 'k-2')"),
                         1);
        while (dbt_scalar_ll(f->t, f->adm,
                             "SELECT count(*) FROM pg_stat_activity WHERE pid = %lld"
                             " AND wait_event_type = 'Lock'",
                             pid) == 0)
            ;
        dbt_exec(a, "COMMIT");
        res = PQgetResult(pb);
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            fail_msg("la segunda petición falló: %s", PQresultErrorMessage(res));
        assert_int_equal(strtoll(PQgetvalue(res, 0, 0), NULL, 10), primero);
        assert_string_equal(PQgetvalue(res, 0, 1), "t");
        PQclear(res);
        assert_null(PQgetResult(pb));
        assert_int_equal(
            dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.wa_mensajes WHERE clave = 'k-2'"),
            1);
        db_close(b);
        db_close(a);
    }
}

/* ---- the sender ----------------------------------------------------------------------- */

/* A pending answer goes before an older campaign message; then the campaign goes on. */
static void
test_primero(void **state)
{
    struct fx *f = *state;
    long long cid = campana(f->p1, 3), id;
    const char *m;
    char want[32];

    escribe(f->p1, TEL(1), "Hola");
    id = responde(f->p1, 1, "Hola, ¿en qué le ayudo?", NULL);
    assert_true(id > dbt_scalar_ll(f->t, f->adm,
                                   "SELECT max(id) FROM crm.wa_mensajes WHERE campana_id = %lld",
                                   cid));
    snprintf(want, sizeof want, "%lld:r", id);
    assert_string_equal(reclama(f, f->p1, f->c1), want);
    assert_string_equal(estado(f, id), "ENVIANDO");
    m = reclama(f, f->p1, f->c1);
    assert_string_equal(m + strlen(m) - 2, ":c");
}

/* Outside the sending window (today a holiday) the answer goes, the campaign waits; the
 * sender's next wake-up is now while the answer waits, the window's opening after. */
static void
test_fuera_de_horario(void **state)
{
    struct fx *f = *state;
    long long cid = campana(f->p1, 3), id;
    char want[32];

    dbt_exec(f->adm, "INSERT INTO crm.dias_inhabiles (fecha, nombre)"
                     " VALUES (crm.fecha_negocio(now()), 'Prueba')");
    assert_string_equal(reclama(f, f->p1, f->c1), "-");
    escribe(f->p1, TEL(1), "Hola");
    id = responde(f->p1, 1, "Hola, le atiendo aunque sea día feriado", NULL);
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1, "SELECT api.envio_proximo(%d) <= now()", f->c1),
                        "t");
    snprintf(want, sizeof want, "%lld:r", id);
    assert_string_equal(reclama(f, f->p1, f->c1), want);
    assert_string_equal(reclama(f, f->p1, f->c1), "-");
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->p1, "SELECT coalesce(api.envio_proximo(%d) > now(), false)", f->c1),
        "t");
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT count(*) FROM crm.wa_mensajes WHERE campana_id = %lld"
                                   " AND estado = 'PENDIENTE'",
                                   cid),
                     3);
}

/* Past the day's cap the answer goes; then it counts: campaigns give way. */
static void
test_sobre_el_tope(void **state)
{
    struct fx *f = *state;
    const char *m;
    long long id;
    char want[32];

    campana(f->p1, 3);
    m = reclama(f, f->p1, f->c1);
    assert_string_equal(m + strlen(m) - 2, ":c");
    dbt_exec(f->p1, "SELECT api.mensaje_enviado(%lld, 'WA-C1')", strtoll(m, NULL, 10));
    dbt_exec(f->adm, "UPDATE crm.wa_cuentas SET limite_diario = 1");
    assert_string_equal(reclama(f, f->p1, f->c1), "-");
    escribe(f->p1, TEL(5), "Hola");
    id = responde(f->p1, 5, "Hola, ya le atiendo", NULL);
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1, "SELECT api.envio_proximo(%d) <= now()", f->c1),
                        "t");
    snprintf(want, sizeof want, "%lld:r", id);
    assert_string_equal(reclama(f, f->p1, f->c1), want);
    dbt_exec(f->p1, "SELECT api.mensaje_enviado(%lld, 'WA-R1')", id);
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT crm.wa_en_curso_hoy(%d, crm.fecha_negocio(now()))",
                                   f->c1),
                     2);
    /* A cap of 2: the campaign's message and the answer fill it. */
    dbt_exec(f->adm, "UPDATE crm.wa_cuentas SET limite_diario = 2");
    assert_string_equal(reclama(f, f->p1, f->c1), "-");
    dbt_exec(f->adm, "UPDATE crm.wa_cuentas SET limite_diario = 3");
    m = reclama(f, f->p1, f->c1);
    assert_string_equal(m + strlen(m) - 2, ":c");
}

/* api.respuesta_reclamar_diferido: answers only (a due campaign message stays PENDIENTE), and
 * the next plain claim in the same transaction takes campaigns again. */
static void
test_solo_respuestas(void **state)
{
    struct fx *f = *state;
    struct db *oye = dbt_connect(f->t, "rs_p1");
    long long cid = campana(f->p1, 2), id;
    char want[32];

    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT count(*) FROM api.respuesta_reclamar_diferido(%d)",
                                       f->c1),
                        "0");
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT count(*) FROM crm.wa_mensajes WHERE campana_id = %lld"
                                   " AND estado = 'PENDIENTE'",
                                   cid),
                     2);
    escribe(f->p1, TEL(1), "Hola");
    id = responde(f->p1, 1, "Hola", NULL);
    dbt_exec(oye, "LISTEN embudo");
    (void)dbt_avisos(oye);
    dbt_exec(f->p1, "BEGIN");
    snprintf(want, sizeof want, "%lld|true", id);
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT mensaje_id || '|' || (campana_id IS NULL)"
                                       " FROM api.respuesta_reclamar_diferido(%d)",
                                       f->c1),
                        want);
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT count(*) FROM api.respuesta_reclamar_diferido(%d)",
                                       f->c1),
                        "0");
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->p1, "SELECT campana_id FROM api.mensaje_reclamar(%d)", f->c1),
        dbt_scalar_tmp(f->t, f->adm, "SELECT %lld", cid));
    dbt_exec(f->p1, "COMMIT");
    /* The deferred claim sent no notification of its own (the sender's batch will). */
    assert_null(strstr(dbt_avisos(oye), "\"campana_id\" : null"));
    db_close(oye);
}

/* Skipped when the sender takes it: opted out, in the registry, no WhatsApp, the opportunity
 * left her embudo (bandeja, reassigned), the client's 24 hours ran out. The conversation shows
 * why. */
static void
test_omitidas(void **state)
{
    struct fx *f = *state;
    struct db *sup = dbt_connect(f->t, "rs_sup");
    struct err e = { 0 };
    struct db_wa_linea *l;
    size_t n;
    int omitidos = 0;
    long long id[8];
    char want[32];

    dbt_ok(db_wa_numero_guardar(f->p1, TEL(3), false, NULL, &omitidos, &e), &e);
    dbt_ok(db_wa_guardar_credenciales(f->p2, "5215500000098@s.whatsapp.net", BLOB, 1, &e), &e);
    for (int i = 1; i <= 7; i++) {
        char tel[32], txt[32];

        snprintf(tel, sizeof tel, "+52550000000%d", i);
        snprintf(txt, sizeof txt, "Hola, soy %d", i);
        assert_int_equal(escribe(f->p1, tel, txt), i);
        id[i] = responde(f->p1, i, "Con gusto", NULL);
    }
    dbt_exec(f->adm,
             "INSERT INTO crm.wa_bajas (telefono, usuario_id, regla, texto)"
             " VALUES ('" TEL(1) "', %d, 'prueba', 'ya no')",
             f->c1);
    dbt_exec(f->p1, "SELECT * FROM api.no_contactar_agregar('" TEL(2) "')");
    dbt_exec(f->p1, "SELECT * FROM api.mover(4, 'No interesado', 'ya no')");
    dbt_exec(sup, "SELECT * FROM api.reasignar(ARRAY[5]::bigint[], 'rs_p2', 'vacaciones')");
    dbt_exec(f->adm, "UPDATE crm.wa_entrantes SET recibido_at = now() - interval '25 hours'"
                     " WHERE oportunidad_id = 6");
    snprintf(want, sizeof want, "%lld:r", id[7]);
    assert_string_equal(reclama(f, f->p1, f->c1), want);
    assert_string_equal(estado(f, id[1]), "OMITIDO:BAJA");
    assert_string_equal(estado(f, id[2]), "OMITIDO:NO_CONTACTAR");
    assert_string_equal(estado(f, id[3]), "OMITIDO:SIN_WHATSAPP");
    assert_string_equal(estado(f, id[4]), "OMITIDO:CERRADA");
    assert_string_equal(estado(f, id[5]), "OMITIDO:CERRADA");
    assert_string_equal(estado(f, id[6]), "OMITIDO:VENTANA");
    assert_string_equal(estado(f, id[7]), "ENVIANDO");

    dbt_ok(db_wa_conversacion(f->p1, 6, &l, &n, &e), &e);
    assert_int_equal(n, 2);
    assert_string_equal(l[1].estado, "OMITIDO");
    assert_string_equal(l[1].motivo, "pasaron más de 24 horas desde el último mensaje del cliente");
    db_wa_lineas_free(l, n);
    db_close(sup);
}

/* The ack, the receipts and the batch move an answer as any message; a lost ack leaves it
 * uncertain; the client's next text answers it. */
static void
test_recibos(void **state)
{
    struct fx *f = *state;
    struct db_entrante in;
    struct db_wa_linea *l;
    struct err e = { 0 };
    size_t n;
    long long a, b, c;
    char st[16];

    escribe(f->p1, TEL(1), "Hola");
    a = responde(f->p1, 1, "Uno", NULL);
    reclama(f, f->p1, f->c1);
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1, "SELECT api.mensaje_enviado(%lld, 'WA-A')", a),
                        "t");
    assert_string_equal(estado(f, a), "ENVIADO");
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->p1, "SELECT api.mensaje_recibo('WA-A', 'ENTREGADO')"), "t");
    assert_string_equal(estado(f, a), "ENTREGADO");
    assert_int_equal(
        dbt_scalar_ll(f->t, f->p1,
                      "SELECT count(*) FROM api.envio_lote(%d, '{}', '{}', '{}',"
                      " '{WA-A}', '{t}', ARRAY[NULL]::timestamptz[], '{}', '{}', '{}')",
                      f->c1),
        1);
    assert_string_equal(estado(f, a), "LEIDO");
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT (enviado_at <= entregado_at"
                                       " AND entregado_at <= leido_at)::text"
                                       " FROM crm.wa_mensajes WHERE id = %lld",
                                       a),
                        "true");

    /* Acked in a batch, read by a receipt. */
    b = responde(f->p1, 1, "Dos", NULL);
    reclama(f, f->p1, f->c1);
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT string_agg(kind || cambio, ',') FROM"
                                       " api.envio_lote(%d, ARRAY[%lld], '{WA-B}',"
                                       " ARRAY[NULL]::timestamptz[], '{}', '{}', '{}', '{}', '{}',"
                                       " ARRAY[%lld])",
                                       f->c1, b, b),
                        "ACKtrue");
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1, "SELECT api.mensaje_recibo('WA-B', 'LEIDO')"),
                        "t");
    assert_string_equal(estado(f, b), "LEIDO");

    /* Claimed, then the sender died: uncertain; sent again on the promoter's word. */
    c = responde(f->p1, 1, "Tres", NULL);
    reclama(f, f->p1, f->c1);
    assert_int_equal(dbt_scalar_ll(f->t, f->p1, "SELECT api.mensajes_recuperar(%d)", f->c1), 1);
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->adm, "SELECT incierto FROM crm.wa_mensajes WHERE id = %lld", c),
        "t");
    assert_string_equal(reclama(f, f->p1, f->c1), "-");
    dbt_ok(db_wa_conversacion(f->p1, 1, &l, &n, &e), &e);
    assert_int_equal(n, 4);
    assert_string_equal(l[1].estado, "LEIDO");
    assert_string_equal(l[2].estado, "LEIDO");
    assert_string_equal(l[3].estado, "ENVIANDO");
    assert_true(l[3].incierto);
    assert_false(l[2].incierto);
    db_wa_lineas_free(l, n);
    dbt_ok(db_mensaje_resolver_incierto(f->p1, c, DB_INCIERTO_REENVIAR, st, &e), &e);
    assert_string_equal(st, "PENDIENTE");
    assert_int_equal(strtoll(reclama(f, f->p1, f->c1), NULL, 10), c);
    dbt_exec(f->p1, "SELECT api.mensaje_enviado(%lld, 'WA-C')", c);

    /* The client answers: linked to the newest answer and its opportunity. */
    dbt_ok(db_wa_entrante(f->p1, 0, TEL(1), "Gracias", false, NULL, &in, &e), &e);
    assert_int_equal(in.oportunidad_id, 1);
    assert_int_equal(in.mensaje_id, c);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT respondido_at IS NOT NULL FROM crm.wa_mensajes"
                                       " WHERE id = %lld",
                                       c),
                        "t");
}

/* The conversation, visible as the opportunity is; a campaign's message in it once launched. */
static void
test_conversacion(void **state)
{
    struct fx *f = *state;
    struct db_campana_nueva nc = { .etapa = "Nuevo", .texto = "Hola {nombre}", .maximo = 1 };
    struct db_campana_creada cc;
    struct db_wa_linea *l;
    struct err e = { 0 };
    size_t n;
    long long o, m;
    char st[16];

    dbt_ok(db_campana_crear(f->p1, &nc, &cc, &e), &e);
    o = dbt_scalar_ll(f->t, f->adm,
                      "SELECT oportunidad_id FROM crm.wa_mensajes WHERE campana_id = %lld"
                      " AND estado = 'PENDIENTE'",
                      (long long)cc.id);
    /* Not launched: not in the conversation. */
    dbt_ok(db_wa_conversacion(f->p1, o, &l, &n, &e), &e);
    assert_int_equal(n, 0);
    db_wa_lineas_free(l, n);
    dbt_ok(db_campana_accion(f->p1, cc.id, DB_CAMPANA_LANZAR, st, &e), &e);
    m = strtoll(reclama(f, f->p1, f->c1), NULL, 10);
    dbt_exec(f->p1, "SELECT api.mensaje_enviado(%lld, 'WA-1')", m);
    {
        char tel[32];

        snprintf(tel, sizeof tel, "+52550000000%lld", o);
        assert_int_equal(escribe(f->p1, tel, "¿De qué se trata?"), o);
    }
    responde(f->p1, o, "De un préstamo", NULL);
    dbt_ok(db_wa_conversacion(f->p1, o, &l, &n, &e), &e);
    assert_int_equal(n, 3);
    assert_false(l[0].entrante);
    assert_string_equal(l[0].campana, dbt_scalar_tmp(f->t, f->adm,
                                                     "SELECT nombre FROM crm.wa_campanas"
                                                     " WHERE id = %lld",
                                                     (long long)cc.id));
    assert_int_equal(l[0].mensaje_id, m);
    assert_string_equal(l[0].estado, "ENVIADO");
    assert_true(l[1].entrante);
    assert_int_equal(l[1].mensaje_id, m);
    assert_false(l[2].entrante);
    assert_null(l[2].campana);
    assert_string_equal(l[2].texto, "De un préstamo");
    db_wa_lineas_free(l, n);
    db_campana_creada_fini(&cc);

    /* Who sees it. */
    {
        static const struct {
            const char *login;
            bool ve;
        } quien[] = {
            { "rs_p2", false }, { "rs_sup", true }, { "rs_sup2", false },
            { "rs_adm", true }, { "rs_aud", true },
        };

        for (size_t i = 0; i < sizeof quien / sizeof quien[0]; i++) {
            struct db *x = dbt_connect(f->t, quien[i].login);
            int rc = db_wa_conversacion(x, o, &l, &n, &e);

            if (quien[i].ve) {
                dbt_ok(rc, &e);
                assert_int_equal(n, 3);
                db_wa_lineas_free(l, n);
            } else {
                dbt_refused(rc, &e, "EB421");
            }
            db_close(x);
        }
    }
    dbt_refused(db_wa_conversacion(f->p1, 999, &l, &n, &e), &e, "EB421");
}

/* A Cloud API account answers from the central server, as a plain text (no template). */
static void
test_cloud(void **state)
{
    struct fx *f = *state;
    struct db *admu = dbt_connect(f->t, "rs_adm");
    struct db_wa_respondido r;
    struct err e = { 0 };
    bool cambio = false;

    dbt_ok(db_wa_cloud_asignar(admu, "rs_p2", "1234567890", &cambio, &e), &e);
    assert_int_equal(escribe(f->p2, TEL(8), "Hola"), 8);
    dbt_ok(db_wa_responder(f->p2, 8, "Hola, con gusto", NULL, &r, &e), &e);
    assert_string_equal(r.proveedor, "CLOUD");
    assert_string_equal(r.mensaje, "respuesta en cola: sale desde el servidor central");
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT count(*) FROM api.wa_cloud_plantilla_mensaje(%lld)",
                                   (long long)r.mensaje_id),
                     0);
    db_close(admu);
}

/* ---- the other readers of crm.wa_mensajes ------------------------------------------------ */

static int
fila_exportada(void *arg, const struct db_mensaje_fila *x)
{
    int *respuestas = arg;

    if (x->campos[1] == NULL && x->campos[2] == NULL && x->campos[14] != NULL &&
        strcmp(x->campos[14], "Le marco") == 0)
        (*respuestas)++;
    return RC_OK;
}

/* Statistics and the campaign's state leave an answer out (no phantom row); a campaign ends
 * although an answer waits; the account's counts (the cap, today's explanation, the plan's
 * room) count it; the export has it. */
static void
test_auditoria_cuenta(void **state)
{
    struct fx *f = *state;
    struct db_campana_nueva nc = { .etapa = "Nuevo", .texto = "Hola {nombre}", .maximo = 1 };
    struct db_campana_creada cc;
    struct db_campana_estado s;
    struct err e = { 0 };
    long long cid = campana(f->p1, 1), m, r, pend;
    int respuestas = 0;
    const char *hoy = dbt_scalar_tmp(f->t, f->adm, "SELECT crm.fecha_negocio(now())::text");
    char dia[16];

    snprintf(dia, sizeof dia, "%s", hoy);
    m = strtoll(reclama(f, f->p1, f->c1), NULL, 10);
    dbt_exec(f->p1, "SELECT api.mensaje_enviado(%lld, 'WA-M')", m);
    /* Its only message left: the campaign ended, with nothing of the answers. */
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->adm, "SELECT estado FROM crm.wa_campanas WHERE id = %lld", cid),
        "TERMINADA");
    escribe(f->p1, TEL(7), "Hola");
    r = responde(f->p1, 7, "Le marco", NULL);
    reclama(f, f->p1, f->c1);
    dbt_exec(f->p1, "SELECT api.mensaje_enviado(%lld, 'WA-R')", r);
    pend = responde(f->p1, 7, "En cinco minutos", NULL);

    /* Per campaign: one row, its one message. */
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT string_agg(coalesce(campana_id::text, 'NULL') || ':'"
                                       " || enviados, ',') FROM api.wa_estadisticas('%s', '%s')",
                                       dia, dia),
                        dbt_scalar_tmp(f->t, f->adm, "SELECT '%lld:1'", cid));
    dbt_ok(db_campana_estado(f->p1, cid, &s, &e), &e);
    assert_int_equal(s.total, 1);
    assert_int_equal(s.enviados, 1);
    assert_int_equal(s.pendientes, 0);
    db_campana_estado_fini(&s);

    /* The account: both sent today count, the waiting answer too. */
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT crm.wa_explicar_hoy(c) FROM crm.wa_cuentas c"
                                       " WHERE usuario_id = %d",
                                       f->c1),
                        "hoy puede enviar 177: límite 180, ya enviados 2 y programados 1");
    /* The plan's room today: a cap of 5 with 3 used leaves 2 for a new campaign. */
    dbt_exec(f->adm, "UPDATE crm.wa_cuentas SET limite_diario = 5");
    nc.maximo = 4;
    dbt_ok(db_campana_crear(f->p1, &nc, &cc, &e), &e);
    assert_int_equal(cc.hoy, 2);
    assert_int_equal(cc.destinatarios, 4);
    db_campana_creada_fini(&cc);

    /* The export: the answers sent, without a campaign. */
    dbt_ok(db_mensajes_exportar(f->p1, dia, dia, fila_exportada, &respuestas, &e), &e);
    assert_int_equal(respuestas, 1);
    assert_int_equal(dbt_scalar_ll(f->t, f->p1,
                                   "SELECT count(*) FROM api.wa_mensajes_exportar('%s', '%s')"
                                   " WHERE campana_id IS NULL AND campana IS NULL",
                                   dia, dia),
                     2);
    /* The doctor finds nothing wrong with answers. */
    {
        struct db *a = dbt_connect(f->t, "rs_adm");

        assert_int_equal(dbt_scalar_ll(f->t, a, "SELECT count(*) FROM api.verificar_invariantes()"),
                         0);
        db_close(a);
    }
    assert_string_equal(estado(f, pend), "PENDIENTE");
}

/* ARCO: the access document has the answers; the suppression erases an answer's text and
 * phone and its history row's words, and skips one still waiting. */
static void
test_arco(void **state)
{
    struct fx *f = *state;
    struct db *a = dbt_connect(f->t, "rs_adm");
    long long r, pend;

    escribe(f->p1, TEL(1), "Hola, soy Cliente 1");
    r = responde(f->p1, 1, "Hola Cliente 1, le llamo al " TEL(1), NULL);
    reclama(f, f->p1, f->c1);
    dbt_exec(f->p1, "SELECT api.mensaje_enviado(%lld, 'WA-R')", r);
    pend = responde(f->p1, 1, "¿Sigue ahí?", NULL);
    assert_string_equal(
        dbt_scalar_tmp(f->t, a,
                       "SELECT string_agg(concat_ws('|', coalesce(x ->> 'campana',"
                       " 'NULL'), x ->> 'telefono', x ->> 'texto', x ->> 'estado'),"
                       " ';') FROM jsonb_array_elements(api.arco_acceso(cliente => 1)"
                       " -> 'mensajes') x"),
        "NULL|" TEL(1) "|Hola Cliente 1, le llamo al " TEL(1) "|ENVIADO;"
                                                              "NULL|" TEL(
                                                                  1) "|¿Sigue ahí?|PENDIENTE");
    dbt_exec(a, "SELECT * FROM api.arco_cancelar('RS-1', oportunidad => 1, plazo_dias => 0)");
    dbt_exec(a, "SELECT * FROM api.arco_suprimir('RS-1')");
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT string_agg(concat_ws('|', id, coalesce(texto, '-'),"
                                       " coalesce(telefono, '-'), estado, error), ';' ORDER BY id)"
                                       " FROM crm.wa_mensajes"),
                        dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT '%lld|-|-|ENVIADO;%lld|-|-|OMITIDO|datos suprimidos"
                                       " (ARCO)'",
                                       r, pend));
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->adm,
                       "SELECT string_agg(concat_ws('|', motivo,"
                       " datos ->> 'mensaje_id', coalesce(datos ->> 'telefono', '-')),"
                       " ';' ORDER BY id) FROM crm.historial"
                       " WHERE evento = 'WA_MENSAJE'"),
        dbt_scalar_tmp(f->t, f->adm, "SELECT '[suprimido]|%lld|-;[suprimido]|%lld|-'", r, pend));
    db_close(a);
}

/* The server's worker lists an account whose answer waits although it is not linked, so that
 * its sender says why. */
static void
test_servidor(void **state)
{
    struct fx *f = *state;
    struct err e = { 0 };

    dbt_exec(f->p1, "SELECT api.wa_configurar(envio_servidor => true)");
    escribe(f->p1, TEL(1), "Hola");
    responde(f->p1, 1, "Hola", NULL);
    dbt_ok(db_wa_desvincular(f->p1, &e), &e);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT coalesce(string_agg(login || ':' || estado, ','),"
                                       " '') FROM api.wa_cuentas_servidor()"),
                        "rs_p1:SIN_VINCULAR");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_responder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_telefono_del_cliente, setup, teardown),
        cmocka_unit_test_setup_teardown(test_texto, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quien, setup, teardown),
        cmocka_unit_test_setup_teardown(test_estado, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ventana, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clave, setup, teardown),
        cmocka_unit_test_setup_teardown(test_primero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fuera_de_horario, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sobre_el_tope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_solo_respuestas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_omitidas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recibos, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conversacion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cloud, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auditoria_cuenta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arco, setup, teardown),
        cmocka_unit_test_setup_teardown(test_servidor, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
