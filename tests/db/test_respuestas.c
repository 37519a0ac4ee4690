/*
 * test_respuestas — api.wa_respuestas and db_respuestas (sql/089): who sees which reply (the
 * owner, her supervisor, an admin, the auditor; another team nothing; an orphan reply only the
 * account that got it), when a reply counts as attended (after an INTENTO, a TRANSICION, a note
 * by the supervisor; not after the sweep's TIMER_AVISO; again pending after a second reply),
 * opt-outs, a reassigned opportunity, one closed by the sweep, an ARCO suppression, desde,
 * and the notification that wakes the owner's panes.
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
#include "db/db_respuestas.h"
#include "db/db_wa.h"
#include "dbt.h"
#include "util/err.h"

/* The phone of padron client i (1..6): +52 999 000 900i. */
#define TEL(i) "+52999000900" #i

/*
 * respsup: resp1, resp2; respsup2: resp3; respadm; respaud. Clients 1..6 with a mobile each;
 * resp1 asks for 4 (clients 1..4, opportunities 1..4), resp3 for 2 (5..6). Every hour is
 * business time, so timers run. Returns resp1's connection.
 */
static struct db *
seed(struct dbt *t, struct db *adm)
{
    static const struct dbt_usuario u[] = {
        { "respsup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "respsup2", "Otra Supervisora", "SUPERVISOR", NULL, NULL },
        { "resp1", "Rita Uno", "PROMOTOR", "respsup", NULL },
        { "resp2", "Raúl Dos", "PROMOTOR", "respsup", NULL },
        { "resp3", "Rosa Tres", "PROMOTOR", "respsup2", NULL },
        { "respadm", "Ana Admin", "ADMIN", NULL, NULL },
        { "respaud", "Auditora", "AUDITOR", NULL, NULL },
    };
    struct db *p;

    dbt_usuarios(t, adm, u, sizeof u / sizeof u[0]);
    dbt_clientes_imss(adm, 6);
    dbt_exec(adm, "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)"
                  " SELECT i, 'CELULAR', '+52999000900' || i FROM generate_series(1, 6) i;"
                  "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
                  "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
                  " FROM generate_series(1, 7) d");
    p = dbt_connect(t, "resp1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(4)");
    {
        struct db *p3 = dbt_connect(t, "resp3");

        dbt_exec(p3, "SELECT * FROM api.solicitar_asignacion(2)");
        db_close(p3);
    }
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(o.id || '=' || o.cliente_id || u.login,"
                                       " ',' ORDER BY o.id) FROM crm.oportunidades o"
                                       " JOIN crm.usuarios u ON u.id = o.usuario_id"),
                        "1=1resp1,2=2resp1,3=3resp1,4=4resp1,5=5resp3,6=6resp3");
    return p;
}

/* A reply from phone to the account of db (its own session): the opportunity it went to. */
static long long
responde(struct db *db, const char *tel, const char *texto, bool baja)
{
    struct db_entrante in;
    struct err e = { 0 };

    if (db_wa_entrante(db, 0, tel, texto, baja, baja ? "palabra" : NULL, &in, &e) != RC_OK)
        fail_msg("wa_entrante %s: %s", tel, e.msg);
    return (long long)in.oportunidad_id;
}

/* "id:oportunidad:atendida:por_atender" of each reply login sees (pendientes: the inbox),
 * ';'-joined, newest first; through db_respuestas. The text lives until the next call. */
static const char *
lista(struct dbt *t, const char *login, bool pendientes)
{
    static char out[1024];
    struct db *db = dbt_connect(t, login);
    struct db_respuesta *r;
    struct err e = { 0 };
    size_t n, len = 0;

    if (db_respuestas(db, NULL, 0, pendientes, &r, &n, &e) != RC_OK)
        fail_msg("respuestas de %s: %s", login, e.msg);
    out[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof out; i++)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%lld:%lld:%d:%d", i ? ";" : "",
                                (long long)r[i].id, (long long)r[i].oportunidad_id, r[i].atendida,
                                r[i].por_atender);
    db_respuestas_free(r, n);
    db_close(db);
    return out;
}

static void
test_quien_ve_que(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1 = seed(t, adm), *p3 = dbt_connect(t, "resp3");
    struct db_respuesta *r;
    struct err e = { 0 };
    size_t n;

    assert_int_equal(responde(p1, TEL(1), "Sí me interesa,\n¿cuánto me prestan?", false), 1);
    assert_int_equal(responde(p3, "5219990009005@s.whatsapp.net", "Hola", false), 5);
    /* A number none of resp1's opportunities has: kept, for her alone. */
    assert_int_equal(responde(p1, "+529990009999", "¿Quién habla?", false), 0);

    assert_string_equal(lista(t, "resp1", false), "3:0:0:0;1:1:0:1");
    assert_string_equal(lista(t, "resp1", true), "1:1:0:1");
    assert_string_equal(lista(t, "resp2", false), "");
    assert_string_equal(lista(t, "respsup", false), "1:1:0:1");
    assert_string_equal(lista(t, "respsup2", true), "2:5:0:1");
    assert_string_equal(lista(t, "resp3", true), "2:5:0:1");
    assert_string_equal(lista(t, "respadm", true), "2:5:0:1;1:1:0:1");
    assert_string_equal(lista(t, "respaud", false), "2:5:0:1;1:1:0:1");
    /* The database owner's session sees every opportunity's, no orphan (it is no account). */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(entrante_id::text, ',')"
                                       " FROM api.wa_respuestas()"),
                        "2,1");

    /* What the supervisor reads: whose it is, the client, the text as written. */
    {
        struct db *s = dbt_connect(t, "respsup");

        assert_int_equal(db_respuestas(s, NULL, 0, true, &r, &n, &e), RC_OK);
        assert_int_equal(n, 1);
        assert_string_equal(r[0].promotor, "resp1");
        assert_string_equal(r[0].cliente, "Cliente 1 Prueba");
        assert_string_equal(r[0].telefono, TEL(1));
        assert_string_equal(r[0].etapa, "Nuevo");
        assert_string_equal(r[0].estado, "ABIERTA");
        assert_string_equal(r[0].texto, "Sí me interesa,\n¿cuánto me prestan?");
        assert_false(r[0].baja);
        assert_true(r[0].recibido > 1700000000);
        assert_true(r[0].edad_s >= 0 && r[0].edad_s < 600);
        assert_int_equal(strlen(r[0].recibido_local), 14); /* "DD/MM/YY HH:MM" */
        db_respuestas_free(r, n);
        db_close(s);
    }
    assert_int_equal(db_respuestas(p1, NULL, 0, false, &r, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].oportunidad_id, 0);
    assert_null(r[0].cliente);
    assert_null(r[0].etapa);
    assert_string_equal(r[0].telefono, "+529990009999");
    assert_string_equal(r[0].promotor, "resp1");
    db_respuestas_free(r, n);

    /* A login that is no user of the CRM. */
    dbt_role(t, "respnadie", "embudo_usuario");
    {
        struct db *x = dbt_connect(t, "respnadie");

        assert_int_equal(db_respuestas(x, NULL, 0, false, &r, &n, &e), RC_REFUSED);
        assert_string_equal(e.code, "EB001");
        db_close(x);
    }
    db_close(p3);
    db_close(p1);
    db_close(adm);
}

/* Attended once a person acted after it; the sweep's warning is not a person. */
static void
test_atendida(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1 = seed(t, adm), *s;

    responde(p1, TEL(1), "¿Me llama?", false);
    responde(p1, TEL(2), "Mañana sí", false);
    assert_string_equal(lista(t, "resp1", true), "2:2:0:1;1:1:0:1");
    /* The 75 % warning of opportunity 1, written by the sweep: still to attend. */
    dbt_exec(adm, "UPDATE crm.oportunidades SET timer_aviso = now() - interval '1 minute'"
                  " WHERE id = 1");
    assert_int_equal(dbt_scalar_ll(t, p1, "SELECT avisadas FROM api.barrer_timers()"), 1);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE oportunidad_id = 1 AND evento = 'TIMER_AVISO'"),
                     1);
    assert_string_equal(lista(t, "resp1", true), "2:2:0:1;1:1:0:1");
    /* She called: attended. */
    dbt_exec(p1, "SELECT * FROM api.registrar_intento(1, 'CONTACTADO', 'le expliqué')");
    assert_string_equal(lista(t, "resp1", true), "2:2:0:1");
    assert_string_equal(lista(t, "resp1", false), "2:2:0:1;1:1:1:0");
    /* The client writes again: that reply waits, the first stays attended. */
    responde(p1, TEL(1), "Ya le mandé los papeles", false);
    assert_string_equal(lista(t, "resp1", true), "3:1:0:1;2:2:0:1");
    /* A stage move attends it. */
    dbt_exec(p1, "SELECT * FROM api.mover(1, 'Contactado')");
    assert_string_equal(lista(t, "resp1", true), "2:2:0:1");
    /* So does the supervisor's note on opportunity 2. */
    s = dbt_connect(t, "respsup");
    dbt_exec(s, "SELECT api.nota(2, 'la llamo yo')");
    assert_string_equal(lista(t, "resp1", true), "");
    assert_string_equal(lista(t, "respsup", false), "3:1:1:0;2:2:1:0;1:1:1:0");
    db_close(s);
    db_close(p1);
    db_close(adm);
}

/* An opt-out is attended by definition; a reassigned opportunity's reply waits for the new
 * owner; one whose opportunity the sweep closed is no longer to attend (nor attended). */
static void
test_baja_reasignada_cerrada(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1 = seed(t, adm), *s;

    responde(p1, TEL(3), "Ya no me escriban", true);
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT estado FROM crm.oportunidades WHERE id = 3"),
                        "EN_BANDEJA");
    assert_string_equal(lista(t, "resp1", false), "1:3:1:0");
    assert_string_equal(lista(t, "resp1", true), "");

    responde(p1, TEL(4), "Hola, ¿de qué se trata?", false);
    s = dbt_connect(t, "respsup");
    dbt_exec(s, "SELECT * FROM api.reasignar(ARRAY[4]::bigint[], 'resp2', 'resp1 de vacaciones')");
    db_close(s);
    assert_string_equal(lista(t, "resp1", true), "");
    assert_string_equal(lista(t, "resp2", true), "2:4:0:1");

    responde(p1, TEL(2), "¿Sigue en pie?", false);
    dbt_exec(adm, "UPDATE crm.oportunidades SET etapa_desde = now() - interval '1 day',"
                  " timer_aviso = now() - interval '2 minutes',"
                  " timer_vence = now() - interval '1 minute' WHERE id = 2");
    assert_int_equal(dbt_scalar_ll(t, p1, "SELECT devueltas FROM api.barrer_timers()"), 1);
    assert_string_equal(lista(t, "resp1", false), "3:2:0:0;1:3:1:0");
    assert_string_equal(lista(t, "resp1", true), "");
    db_close(p1);
    db_close(adm);
}

/* A suppressed titular (sql/080): the reply stays (its time, its state), not its words, its
 * number or the name. */
static void
test_suprimida(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1 = seed(t, adm), *a = dbt_connect(t, "respadm");

    responde(p1, TEL(1), "Soy Cliente 1, llámeme", false);
    dbt_exec(a, "SELECT * FROM api.arco_cancelar('RESP-1', oportunidad => 1, plazo_dias => 0)");
    dbt_exec(a, "SELECT * FROM api.arco_suprimir('RESP-1')");
    /* The cancellation closed it (an admin's DESCARTADA): attended. */
    assert_string_equal(dbt_scalar_tmp(t, p1,
                                       "SELECT concat_ws('|', cliente, coalesce(telefono, '—'),"
                                       " texto, estado, atendida, por_atender)"
                                       " FROM api.wa_respuestas()"),
                        "[suprimido]|—|[suprimido]|DESCARTADA|t|f");
    db_close(a);
    db_close(p1);
    db_close(adm);
}

/* desde and dias bound the list; the inbox holds however old a pending reply is. */
static void
test_desde(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1 = seed(t, adm);
    struct db_respuesta *r;
    struct err e = { 0 };
    size_t n;
    char manana[16];

    responde(p1, TEL(1), "antigua", false);
    responde(p1, TEL(2), "nueva", false);
    dbt_exec(adm, "UPDATE crm.wa_entrantes SET recibido_at = now() - interval '40 days'"
                  " WHERE id = 1");
    assert_int_equal(db_respuestas(p1, NULL, 30, false, &r, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(r[0].texto, "nueva");
    db_respuestas_free(r, n);
    assert_int_equal(db_respuestas(p1, NULL, 0, true, &r, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_true(r[1].edad_s >= 40 * 86400);
    db_respuestas_free(r, n);
    snprintf(manana, sizeof manana, "%s",
             dbt_scalar_tmp(t, adm, "SELECT (crm.fecha_negocio(now()) + 1)::text"));
    assert_int_equal(db_respuestas(p1, manana, 0, false, &r, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    db_respuestas_free(r, n);
    assert_int_equal(db_respuestas(p1, "2000-01-01", 0, false, &r, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    db_respuestas_free(r, n);
    db_close(p1);
    db_close(adm);
}

/* A reply writes a history row, whose notification names the owner: her panes re-read (no
 * NOTIFY of its own was needed). An orphan reply notifies nobody. */
static void
test_avisa_al_dueno(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1 = seed(t, adm), *oye = dbt_connect(t, "resp1");
    char aviso[96];

    snprintf(aviso, sizeof aviso, "{\"tabla\" : \"historial\", \"usuario_id\" : %lld}",
             dbt_scalar_ll(t, adm, "SELECT id FROM crm.usuarios WHERE login = 'resp1'"));
    dbt_exec(oye, "LISTEN embudo");
    (void)dbt_avisos(oye);
    responde(p1, TEL(1), "Hola", false);
    assert_string_equal(dbt_avisos(oye), aviso);
    responde(p1, "+529990009999", "¿Quién es?", false);
    assert_string_equal(dbt_avisos(oye), "");
    db_close(oye);
    db_close(p1);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_quien_ve_que, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_atendida, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_baja_reasignada_cerrada, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_suprimida, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_desde, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_avisa_al_dueno, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
