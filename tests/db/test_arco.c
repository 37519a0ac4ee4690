/*
 * test_arco — personal data under the LFPDPPP (sql/080) against a real PostgreSQL, through
 * db_arco.h where the C side calls it: the privacy notice a captured lead records, a titular's
 * cancellation (block: the active opportunity closed, a pending prórroga cancelled, the phones in
 * the do-not-contact registry, the client out of the pool for good) and, once the block has
 * ended, the suppression: a scan of every text and jsonb column of the padron and crm schemas
 * finds the titular's name, CURP and phone nowhere but the do-not-contact and opt-out lists,
 * while the history keeps its rows and stays append-only for everything else. Every refusal
 * code, doctor's two new checks, and a race: cancellations while four promoters empty the pool
 * never leave a cancelled titular with an active opportunity, and never deadlock.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_arco.h"
#include "dbt.h"
#include "util/err.h"

/* The titular of the tests: client 3, with a name, CURP, RFC and phone found nowhere else. */
#define NOMBRE   "Zoraida"
#define APELLIDO "Quintanilla"
#define CURP     "QUZO800101MDFNRR09"
#define TEL      "5500000003" /* +52 5500000003; its WhatsApp user 5215500000003 */
#define LID      "987654321"

/* ar_sup: ar_p1, ar_p2; ar_adm; ar_aud (auditor). Clients 1..n (IMSS, CDMX) with phone
 * +5255000000NN, client 3 the titular; a 24-hour, 7-day schedule. */
static void
seed(struct dbt *t, struct db *adm, int n)
{
    static const struct dbt_usuario usuarios[] = {
        { "ar_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "ar_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "ar_p1", "Pepe Uno", "PROMOTOR", "ar_sup", NULL },
        { "ar_p2", "Paty Dos", "PROMOTOR", "ar_sup", NULL },
    };

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_exec(adm, "SELECT api.crear_usuario('ar_aud', 'Aurelio Auditor', 'AUDITOR')");
    dbt_clientes_imss(adm, n);
    dbt_exec(adm,
             "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i, 'CELULAR',"
             " '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, %d) i;"
             "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)"
             " VALUES (3, 'EMAIL', 'zoraida.quintanilla@example.com');"
             "UPDATE padron.clientes SET nombre = '" NOMBRE "', primer_apellido = '" APELLIDO "',"
             " segundo_apellido = 'Ybarra', curp = '" CURP "', rfc = 'QUZO800101AB1',"
             " municipio = 'Coyoacán', capacidad_pago = 4500, segmento = 'B' WHERE id = 3;"
             "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
             "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
             " FROM generate_series(1, 7) d",
             n);
}

/* "s.t.c:n …" for every text, varchar or jsonb column of padron and crm whose value matches
 * the regular expression pat, as the superuser; "" when none does. */
static const char *
rastro(struct dbt *t, struct db *adm, const char *pat)
{
    dbt_exec(adm, "CREATE OR REPLACE FUNCTION pg_temp.rastro(pat text) RETURNS text"
                  " LANGUAGE plpgsql AS $$"
                  " DECLARE r record; n bigint; res text := '';"
                  " BEGIN"
                  "  FOR r IN SELECT c.table_schema AS s, c.table_name AS t, c.column_name AS k"
                  "    FROM information_schema.columns c JOIN information_schema.tables x"
                  "      ON x.table_schema = c.table_schema AND x.table_name = c.table_name"
                  "   WHERE c.table_schema IN ('padron', 'crm') AND x.table_type = 'BASE TABLE'"
                  "     AND c.data_type IN ('text', 'jsonb', 'character varying')"
                  "   ORDER BY 1, 2, 3 LOOP"
                  "   EXECUTE format('SELECT count(*) FROM %%I.%%I WHERE %%I::text ~* $1',"
                  "                  r.s, r.t, r.k) INTO n USING pat;"
                  "   IF n > 0 THEN res := res || format('%%s.%%s.%%s:%%s ', r.s, r.t, r.k, n);"
                  "   END IF;"
                  "  END LOOP;"
                  "  RETURN btrim(res);"
                  " END $$");
    return dbt_scalar_tmp(t, adm, "SELECT pg_temp.rastro('%s')", pat);
}

/* api.verificar_invariantes as ar_adm: "limpio" or the violations. */
static const char *
doctor(struct dbt *t)
{
    struct db *a = dbt_connect(t, "ar_adm");
    const char *r = dbt_scalar_tmp(t, a,
                                   "SELECT coalesce(string_agg(invariante || ': ' || detalle,"
                                   " '; '), 'limpio') FROM api.verificar_invariantes()");

    db_close(a);
    return r;
}

static void
test_avisos(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *a, *p;
    struct db_aviso *rows = NULL;
    size_t n = 0;
    char vig[11];
    struct err e = { 0 };

    seed(t, adm, 4);
    a = dbt_connect(t, "ar_adm");
    p = dbt_connect(t, "ar_p1");

    /* Before any notice, a lead records none; the list says so. */
    dbt_exec(p, "SELECT * FROM api.captar('Lucía Previa', '5512340001')");
    assert_int_equal(db_avisos(p, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    db_avisos_free(rows, n);

    /* Only an admin publishes; today or later; a version once; its shape. */
    assert_int_equal(db_aviso_agregar(p, "AP-1", NULL, "https://ejemplo.mx/aviso", vig, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB101");
    assert_int_equal(db_aviso_agregar(a, "AP-1", "2020-01-01", "https://ejemplo.mx/aviso", vig, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB851");
    assert_int_equal(db_aviso_agregar(a, "AP 1", NULL, "https://ejemplo.mx/aviso", vig, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB850");
    assert_int_equal(db_aviso_agregar(a, "AP-1", NULL, "x", vig, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB850");
    assert_int_equal(db_aviso_agregar(a, "AP-2025-03", NULL, "https://ejemplo.mx/aviso", vig, &e),
                     RC_OK);
    assert_string_equal(vig, dbt_scalar_tmp(t, adm, "SELECT crm.fecha_negocio(now())::text"));
    assert_int_equal(db_aviso_agregar(a, "AP-2025-03", NULL, "otra parte", vig, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB851");
    /* A version that takes effect next week does not apply yet. */
    assert_int_equal(
        db_aviso_agregar(a, "AP-2026-01",
                         dbt_scalar_tmp(t, adm, "SELECT (crm.fecha_negocio(now()) + 7)::text"),
                         "Sucursal centro, formato impreso", vig, &e),
        RC_OK);

    /* A lead captured now records the one in force, whichever path inserts it. */
    dbt_exec(p, "SELECT * FROM api.captar('Lucía Nueva', '5512340002')");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(p.nombre || '=' ||"
                                       " coalesce(a.version, '—'), ',' ORDER BY p.id)"
                                       " FROM crm.prospectos p"
                                       " LEFT JOIN crm.avisos_privacidad a ON a.id = p.aviso_id"),
                        "Lucía Previa=—,Lucía Nueva=AP-2025-03");

    /* Everyone lists them; counts are of the leads the caller may see. */
    assert_int_equal(db_avisos(p, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].version, "AP-2026-01");
    assert_false(rows[0].vigente);
    assert_string_equal(rows[1].version, "AP-2025-03");
    assert_true(rows[1].vigente);
    assert_int_equal(rows[1].prospectos, 1);
    assert_string_equal(rows[1].creado_por, "ar_adm");
    db_avisos_free(rows, n);
    db_close(p);
    p = dbt_connect(t, "ar_p2");
    assert_int_equal(db_avisos(p, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[1].prospectos, 0);
    db_avisos_free(rows, n);
    db_close(p);
    db_close(a);
    db_close(adm);
}

/* Client 3 assigned to ar_p1 and worked: an attempt and a note naming her, a pending prórroga,
 * campaign messages (one sent, one waiting), a reply, an opt-out text, WhatsApp caches and a
 * Signal session for her number. Returns the opportunity. */
static long long
trabajar_titular(struct dbt *t, struct db *adm)
{
    struct db *p = dbt_connect(t, "ar_p1");
    long long op, p1 = dbt_scalar_ll(t, adm, "SELECT id FROM crm.usuarios WHERE login = 'ar_p1'");

    assert_int_equal(dbt_scalar_ll(t, p, "SELECT asignados FROM api.solicitar_asignacion(4)"), 4);
    op = dbt_scalar_ll(t, adm, "SELECT id FROM crm.oportunidades WHERE cliente_id = 3");
    dbt_exec(p, "SELECT api.registrar_intento(%lld, 'CONTACTADO', 'habló " NOMBRE ", tel " TEL "')",
             op);
    dbt_exec(p, "SELECT api.nota(%lld, 'CURP " CURP " confirmada con " APELLIDO "')", op);
    dbt_exec(p,
             "SELECT api.prorroga_pedir(%lld, crm.fecha_negocio(now()) + 5,"
             " '" NOMBRE " regresa de viaje')",
             op);
    dbt_exec(adm,
             "INSERT INTO crm.wa_cuentas (usuario_id) VALUES (%lld);"
             "INSERT INTO crm.wa_campanas (usuario_id, nombre, etapa_id, plantilla, estado)"
             " SELECT %lld, 'c' || i, (SELECT etapa_id FROM crm.oportunidades WHERE id = %lld),"
             " 'Hola', 'ENVIANDO' FROM generate_series(1, 2) i;"
             "INSERT INTO crm.wa_mensajes (campana_id, usuario_id, oportunidad_id, telefono, jid,"
             " texto, estado, dia, programado_para, enviado_at, wa_id)"
             " SELECT c.id, %lld, %lld, '+52" TEL "', '521" TEL "@s.whatsapp.net',"
             " 'Hola " NOMBRE "', CASE c.nombre WHEN 'c1' THEN 'ENVIADO' ELSE 'PENDIENTE' END,"
             " current_date, now(), CASE c.nombre WHEN 'c1' THEN now() END,"
             " CASE c.nombre WHEN 'c1' THEN 'WAID1' END FROM crm.wa_campanas c;"
             "INSERT INTO crm.wa_entrantes (usuario_id, telefono, oportunidad_id, texto)"
             " VALUES (%lld, '+52" TEL "', %lld, 'soy " NOMBRE ", llámeme');"
             "INSERT INTO crm.wa_bajas (telefono, usuario_id, oportunidad_id, texto)"
             " VALUES ('+52" TEL "', %lld, %lld, '" NOMBRE ": ya no me escriban');"
             "INSERT INTO crm.wa_numeros (telefono, en_whatsapp, jid)"
             " VALUES ('+52" TEL "', true, '521" TEL "@s.whatsapp.net');"
             "INSERT INTO crm.wa_lids (usuario_id, pn, lid) VALUES (%lld, '521" TEL "', '" LID "');"
             "INSERT INTO crm.wa_tctokens (usuario_id, jid, token, t)"
             " VALUES (%lld, '" LID "@lid', '\\x01', 1);"
             "INSERT INTO crm.wa_signal_sesiones (usuario_id, direccion, blob)"
             " VALUES (%lld, '521" TEL ".0', decode(repeat('00', 41), 'hex')),"
             "        (%lld, '" LID "_1.0', decode(repeat('00', 41), 'hex'));"
             "INSERT INTO crm.wa_envios_manuales (usuario_id, telefono, jid, wa_id, estado)"
             " VALUES (%lld, '+521" TEL "', '521" TEL "@s.whatsapp.net', 'MANUAL1', 'ENVIADO')",
             p1, p1, op, p1, op, p1, op, p1, op, p1, p1, p1, p1, p1);
    db_close(p);
    return op;
}

static void
test_bloquear_y_suprimir(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *a, *p;
    struct db_arco_titular tit = { 0 };
    struct db_arco_alta alta;
    struct db_arco_supresion *sup = NULL;
    struct db_arco *rows = NULL;
    size_t n = 0;
    struct err e = { 0 };
    long long op, hist;
    char *doc = NULL;
    static const char *const en_el_acceso[] = {
        "\"nombre\": \"" NOMBRE "\"",     "\"curp\": \"" CURP "\"",
        "\"valor\": \"+52" TEL "\"",      "zoraida.quintanilla@example.com",
        "\"texto\": \"Hola " NOMBRE "\"", "\"texto\": \"soy " NOMBRE ", llámeme\"",
        NOMBRE " regresa de viaje",       "\"quien\": \"ar_p1\"",
        "\"evento\": \"NOTA\"",           "\"municipio\": \"Coyoacán\"",
    };

    seed(t, adm, 8);
    op = trabajar_titular(t, adm);
    a = dbt_connect(t, "ar_adm");
    p = dbt_connect(t, "ar_p2");
    hist = dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.historial");

    /* Access (sql/083): the admin gets everything held about her in one document. */
    tit.oportunidad = op;
    assert_int_equal(db_arco_acceso(p, &tit, &doc, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB101");
    assert_int_equal(db_arco_acceso(a, &tit, &doc, &e), RC_OK);
    for (size_t k = 0; k < sizeof en_el_acceso / sizeof en_el_acceso[0]; k++)
        if (strstr(doc, en_el_acceso[k]) == NULL)
            fail_msg("el acceso no trae «%s»:\n%s", en_el_acceso[k], doc);
    free(doc);
    tit = (struct db_arco_titular){ 0 };

    /* Only an admin; the titular named once; a folio's shape; a received date not ahead. */
    tit.oportunidad = op;
    assert_int_equal(db_arco_cancelar(p, "ARCO-1", &tit, NULL, -1, NULL, &alta, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB101");
    tit.cliente = 3;
    assert_int_equal(db_arco_cancelar(a, "ARCO-1", &tit, NULL, -1, NULL, &alta, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB852");
    tit = (struct db_arco_titular){ .cliente = 999 };
    assert_int_equal(db_arco_cancelar(a, "ARCO-1", &tit, NULL, -1, NULL, &alta, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB853");
    tit = (struct db_arco_titular){ .oportunidad = op };
    assert_int_equal(db_arco_cancelar(a, "ARCO 1", &tit, NULL, -1, NULL, &alta, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB854");
    assert_int_equal(db_arco_cancelar(a, "ARCO-1", &tit, "2999-01-01", -1, NULL, &alta, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB855");
    assert_int_equal(db_arco_cancelar(a, "ARCO-1", &tit, NULL, 4000, NULL, &alta, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB855");

    /* The block: default period 90 days from the day received. */
    assert_int_equal(
        db_arco_cancelar(a, "ARCO-1", &tit, NULL, -1, "escrito del titular", &alta, &e), RC_OK);
    assert_int_equal(alta.cliente_id, 3);
    assert_int_equal(alta.prospecto_id, 0);
    assert_int_equal(alta.oportunidades, 1);
    assert_int_equal(alta.telefonos, 1);
    assert_string_equal(alta.bloqueo_hasta,
                        dbt_scalar_tmp(t, adm, "SELECT (crm.fecha_negocio(now()) + 90)::text"));
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT estado || '/' || (timer_vence IS NULL)"
                                       " FROM crm.oportunidades WHERE id = %lld",
                                       op),
                        "DESCARTADA/true");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT evento || '/' || (datos->>'arco_folio')"
                                       " FROM crm.historial WHERE oportunidad_id = %lld"
                                       " ORDER BY id DESC LIMIT 1",
                                       op),
                        "DESCARTADA/ARCO-1");
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT estado FROM crm.prorrogas"), "CANCELADA");
    /* Out of the pool for good; its phone in the registry: captación refuses it. */
    assert_string_equal(
        dbt_scalar_tmp(t, adm, "SELECT libre_desde::text FROM crm.pool WHERE cliente_id = 3"),
        "infinity");
    assert_string_equal(
        dbt_scalar_tmp(t, adm,
                       "SELECT fuente || ':' || (hasta IS NULL) FROM crm.no_contactar"
                       " WHERE telefono = '+52" TEL "'"),
        "SOLICITUD:true");
    dbt_expect_refusal(p, "EB808", "SELECT * FROM api.captar('Otra Persona', '" TEL "')");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT asignados FROM api.solicitar_asignacion(10)"), 4);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades"
                                   " WHERE cliente_id = 3"),
                     1);
    /* One request per folio and per titular. */
    assert_int_equal(db_arco_cancelar(a, "ARCO-1", &(struct db_arco_titular){ .cliente = 5 }, NULL,
                                      -1, NULL, &alta, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB856");
    assert_int_equal(db_arco_cancelar(a, "ARCO-2", &(struct db_arco_titular){ .cliente = 3 }, NULL,
                                      -1, NULL, &alta, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB856");
    assert_string_equal(doctor(t), "limpio");

    /* The list: admins and auditors. */
    assert_int_equal(db_arcos(p, false, &rows, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB101");
    db_close(p);
    p = dbt_connect(t, "ar_aud");
    assert_int_equal(db_arcos(p, true, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].folio, "ARCO-1");
    assert_string_equal(rows[0].titular, NOMBRE " " APELLIDO " Ybarra");
    assert_string_equal(rows[0].estado, "BLOQUEADA");
    assert_string_equal(rows[0].detalle, "escrito del titular");
    assert_string_equal(rows[0].registro, "ar_adm");
    assert_null(rows[0].suprimida);
    db_arcos_free(rows, n);

    /* Suppression waits for the block's end. */
    assert_int_equal(db_arco_suprimir(a, "ARCO-9", &sup, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB857");
    assert_int_equal(db_arco_suprimir(a, "ARCO-1", &sup, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB858");
    assert_int_equal(db_arco_suprimir(a, NULL, &sup, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    free(sup);
    /* The block ended yesterday and nobody suppressed: doctor says so. */
    dbt_exec(adm, "UPDATE crm.arco_cancelaciones SET recibida = recibida - 91,"
                  " bloqueo_hasta = bloqueo_hasta - 91");
    assert_string_equal(doctor(t), dbt_scalar_tmp(t, adm,
                                                  "SELECT 'ARCO_SUPRESION_PENDIENTE: folio ARCO-1:"
                                                  " el bloqueo terminó el ' ||"
                                                  " to_char(crm.fecha_negocio(now()) - 1,"
                                                  " 'DD/MM/YYYY') || ' y los datos no se han"
                                                  " suprimido (embudo arco suprimir)'"));

    /* Before: the titular is everywhere the work wrote her. */
    assert_string_not_equal(rastro(t, adm, NOMBRE), "");
    assert_int_equal(db_arco_suprimir(a, NULL, &sup, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(sup[0].folio, "ARCO-1");
    assert_int_equal(sup[0].cliente_id, 3);
    assert_true(sup[0].filas > 10);
    free(sup);

    /* After: her name, surname, CURP and e-mail nowhere; her number only where it keeps her
     * from being contacted again. */
    assert_string_equal(rastro(t, adm, NOMBRE "|" APELLIDO "|Ybarra|Coyoac|" CURP "|zoraida"), "");
    assert_string_equal(rastro(t, adm, TEL "|" LID),
                        "crm.no_contactar.telefono:1 crm.wa_bajas.telefono:1");
    /* The opt-out keeps her number, linked to nobody; her access document has nothing left
     * that names her. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT (oportunidad_id IS NULL AND mensaje_id IS NULL"
                                       " AND texto IS NULL)::text FROM crm.wa_bajas"),
                        "true");
    assert_int_equal(db_arco_acceso(a, &(struct db_arco_titular){ .cliente = 3 }, &doc, &e), RC_OK);
    if (strstr(doc, NOMBRE) != NULL || strstr(doc, CURP) != NULL || strstr(doc, TEL) != NULL ||
        strstr(doc, LID) != NULL || strstr(doc, APELLIDO) != NULL)
        fail_msg("el acceso después de suprimir aún la nombra:\n%s", doc);
    assert_non_null(strstr(doc, "\"nombre\": \"[suprimido]\""));
    assert_non_null(strstr(doc, "\"estado\": \"SUPRIMIDA\""));
    free(doc);
    /* The history keeps every row and event (+1 the block's, +4 ar_p2's assignment); the
     * funnel's counts stay true. */
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.historial"), hist + 5);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(evento || ':' || coalesce(motivo, '-')"
                                       " || ':' || datos::text, ' ' ORDER BY id)"
                                       " FROM crm.historial WHERE oportunidad_id = %lld",
                                       op),
                        dbt_scalar_tmp(t, adm,
                                       "SELECT 'ASIGNADA:-:{\"lote_id\": ' || lote_id ||"
                                       " '} INTENTO:[suprimido]:{\"resultado\": \"CONTACTADO\"}"
                                       " NOTA:[suprimido]:{} PRORROGA_PEDIDA:[suprimido]:' ||"
                                       " (SELECT datos::text FROM crm.historial"
                                       "   WHERE evento = 'PRORROGA_PEDIDA') ||"
                                       " ' DESCARTADA:[suprimido]:{\"arco_folio\": \"ARCO-1\"}'"
                                       " FROM crm.oportunidades o WHERE id = %lld",
                                       op));
    /* The message that waited is skipped, never sent; the sent one keeps its state. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(estado || ':' || coalesce(texto, '-'),"
                                       " ',' ORDER BY id) FROM crm.wa_mensajes"),
                        "ENVIADO:-,OMITIDO:-");
    /* Append-only for anything else, even on her rows, even for the owner. */
    dbt_expect_refusal(adm, "EB900",
                       "UPDATE crm.historial SET evento = 'NOTA' WHERE oportunidad_id <> 0");
    dbt_expect_refusal(adm, "EB900", "UPDATE crm.historial SET motivo = 'x' WHERE motivo IS NULL");
    dbt_expect_refusal(adm, "EB900", "DELETE FROM crm.historial");
    assert_int_equal(db_arco_suprimir(a, "ARCO-1", &sup, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB858");
    assert_int_equal(db_arcos(p, false, &rows, &n, &e), RC_OK);
    assert_string_equal(rows[0].titular, "[suprimido]");
    assert_string_equal(rows[0].estado, "SUPRIMIDA");
    assert_null(rows[0].detalle);
    assert_non_null(rows[0].suprimida);
    db_arcos_free(rows, n);
    assert_string_equal(doctor(t), "limpio");
    db_close(p);
    db_close(a);
    db_close(adm);
}

/* A captured lead (no padron row): blocked by prospect id, suppressed with plazo 0 at once. */
static void
test_prospecto(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *a, *p;
    struct db_arco_alta alta;
    struct db_arco_supresion *sup = NULL;
    size_t n = 0;
    struct err e = { 0 };
    long long pid;

    seed(t, adm, 4);
    a = dbt_connect(t, "ar_adm");
    p = dbt_connect(t, "ar_p1");
    dbt_exec(p, "SELECT * FROM api.captar('Xóchitl Captada', '5587654321', NULL,"
                " 'CAXO900202MDFPCC05', '{\"empresa\": \"Xóchitl SA\"}')");
    pid = dbt_scalar_ll(t, adm, "SELECT id FROM crm.prospectos");
    assert_int_equal(db_arco_cancelar(a, "ARCO-P", &(struct db_arco_titular){ .prospecto = pid },
                                      NULL, 0, NULL, &alta, &e),
                     RC_OK);
    assert_int_equal(alta.prospecto_id, pid);
    assert_int_equal(alta.oportunidades, 1);
    assert_int_equal(alta.telefonos, 1);
    assert_string_equal(alta.bloqueo_hasta,
                        dbt_scalar_tmp(t, adm, "SELECT crm.fecha_negocio(now())::text"));
    dbt_expect_refusal(p, "EB808", "SELECT * FROM api.captar('Xóchitl Otra Vez', '5587654321')");
    assert_int_equal(db_arco_suprimir(a, "ARCO-P", &sup, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    free(sup);
    assert_string_equal(rastro(t, adm, "X.chitl|CAXO900202"), "");
    assert_string_equal(rastro(t, adm, "5587654321"), "crm.no_contactar.telefono:1");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT nombre || ':' || (telefono IS NULL) || ':' ||"
                                       " (suprimido_at IS NOT NULL) FROM crm.prospectos"),
                        "[suprimido]:true:true");
    assert_string_equal(doctor(t), "limpio");
    db_close(p);
    db_close(a);
    db_close(adm);
}

/* ---- cancellations racing assignments --------------------------------------------------- */

#define RACE_CLIENTES   400
#define RACE_CANCELADOS 200
#define RACE_PROMOTORES 4

struct corredor {
    const struct dbt *t;
    const char *login;
    long hechos;   /* clients assigned, or titulares cancelled */
    long cerradas; /* the admin: active opportunities the cancellations closed */
    int fallo;
    struct err e;
    pthread_barrier_t *salida;
};

/* A promoter: requests of one client (so cancellations fall between them) until the pool has
 * nothing left (EB209). */
static void *
promotor_main(void *arg)
{
    struct corredor *c = arg;
    struct db *db = dbt_connect_err(c->t, c->login, &c->e);

    pthread_barrier_wait(c->salida);
    if (db == NULL) {
        c->fallo = 1;
        return NULL;
    }
    for (;;) {
        char *out = NULL;
        long n;

        if (db_query_text(db, "SELECT asignados FROM api.solicitar_asignacion(1)", 0, NULL, &out,
                          &c->e) != RC_OK ||
            out == NULL) {
            free(out);
            c->fallo = strcmp(c->e.code, "EB209") != 0; /* EB209: the pool is empty */
            break;
        }
        n = strtol(out, NULL, 10);
        free(out);
        if (n == 0)
            break;
        c->hechos += n;
    }
    db_close(db);
    return NULL;
}

/* The admin: cancels the last RACE_CANCELADOS clients, newest first, while the promoters take
 * the pool from the oldest: early ones find the client free, later ones assigned. */
static void *
admin_main(void *arg)
{
    struct corredor *c = arg;
    struct db *db = dbt_connect_err(c->t, c->login, &c->e);
    char sql[128];

    pthread_barrier_wait(c->salida);
    if (db == NULL) {
        c->fallo = 1;
        return NULL;
    }
    for (int k = 0; k < RACE_CANCELADOS; k++) {
        int id = RACE_CLIENTES - k;
        char *out = NULL;

        snprintf(sql, sizeof sql,
                 "SELECT oportunidades_cerradas FROM api.arco_cancelar('R-%d', cliente => %d)", id,
                 id);
        if (db_query_text(db, sql, 0, NULL, &out, &c->e) != RC_OK || out == NULL) {
            free(out);
            c->fallo = 1;
            break;
        }
        c->cerradas += strtol(out, NULL, 10);
        free(out);
        c->hechos++;
    }
    db_close(db);
    return NULL;
}

static void
test_race_cancelar_y_asignar(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    static const char *const promotores[RACE_PROMOTORES] = { "ar_p1", "ar_p2", "ar_p3", "ar_p4" };
    struct corredor c[RACE_PROMOTORES + 1];
    pthread_t th[RACE_PROMOTORES + 1];
    pthread_barrier_t salida;
    long asignados = 0;

    seed(t, adm, RACE_CLIENTES);
    dbt_exec(adm, "SELECT api.crear_usuario('ar_p3', 'Pía Tres', 'PROMOTOR', 'ar_sup');"
                  "SELECT api.crear_usuario('ar_p4', 'Paco Cuatro', 'PROMOTOR', 'ar_sup');"
                  "UPDATE crm.usuarios SET cupo_diario = 1000, cartera_max = 1000");
    assert_int_equal(pthread_barrier_init(&salida, NULL, RACE_PROMOTORES + 1), 0);
    for (int i = 0; i <= RACE_PROMOTORES; i++) {
        c[i] = (struct corredor){ .t = t, .salida = &salida };
        c[i].login = i < RACE_PROMOTORES ? promotores[i] : "ar_adm";
        assert_int_equal(
            pthread_create(&th[i], NULL, i < RACE_PROMOTORES ? promotor_main : admin_main, &c[i]),
            0);
    }
    for (int i = 0; i <= RACE_PROMOTORES; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    pthread_barrier_destroy(&salida);
    for (int i = 0; i <= RACE_PROMOTORES; i++) {
        if (c[i].fallo)
            fail_msg("%s: %s %s", c[i].login, c[i].e.code, c[i].e.msg);
        if (i < RACE_PROMOTORES)
            asignados += c[i].hechos;
    }
    /* Informative: how many cancellations found the client free and how many assigned. */
    print_message("carrera: %ld asignados; %ld cancelados, %ld de ellos con oportunidad activa\n",
                  asignados, c[RACE_PROMOTORES].hechos, c[RACE_PROMOTORES].cerradas);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE datos ? 'arco_folio'"),
                     c[RACE_PROMOTORES].cerradas);
    assert_int_equal(c[RACE_PROMOTORES].hechos, RACE_CANCELADOS);
    /* No cancelled titular has an active opportunity, each closed one has its history row,
     * and every client not cancelled was assigned: nothing was lost to the race. */
    assert_string_equal(doctor(t), "limpio");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o"
                                   " JOIN crm.arco_cancelaciones a ON a.cliente_id = o.cliente_id"
                                   " WHERE o.estado IN ('ABIERTA', 'EN_BANDEJA')"),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o"
                                   " WHERE o.motivo_salida LIKE 'cancelación de datos%%'"
                                   " AND NOT EXISTS (SELECT 1 FROM crm.historial h"
                                   "  WHERE h.oportunidad_id = o.id AND h.datos ? 'arco_folio')"),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.pool WHERE cliente_id > %d"
                                   " AND (oportunidad_id IS NOT NULL OR libre_desde <> 'infinity')",
                                   RACE_CLIENTES - RACE_CANCELADOS),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM padron.clientes c WHERE NOT EXISTS"
                                   " (SELECT 1 FROM crm.oportunidades o WHERE o.cliente_id = c.id)"
                                   " AND NOT EXISTS (SELECT 1 FROM crm.arco_cancelaciones a"
                                   "  WHERE a.cliente_id = c.id)"),
                     0);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_avisos, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_bloquear_y_suprimir, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_prospecto, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_race_cancelar_y_asignar, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
