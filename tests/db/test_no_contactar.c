/*
 * test_no_contactar — the do-not-contact registry (sql/074) against a real PostgreSQL,
 * through db_no_contactar.h where the C side calls it: a registered phone blocks its padron
 * clients (pool, counts, assignment; REUS until two years after registration), removal and
 * expiry end the block, clients imported later or phones changed follow the registry, who may
 * do what (every refusal code), an admin's batch (all or nothing), campaigns and the sender's
 * claim skip registered phones (NO_CONTACTAR), captación refuses them (EB808), the
 * opportunities' history records entering and leaving the registry (sql/076), and doctor
 * stays clean throughout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_no_contactar.h"
#include "dbt.h"
#include "util/err.h"

/* nc_sup: nc_p1, nc_p2; nc_adm; nc_aud (auditor). Clients 1..n (IMSS, CDMX) with phone
 * +5255000000NN; a 24-hour, 7-day schedule so campaigns may send at any time. */
static void
seed(struct dbt *t, struct db *adm, int n)
{
    static const struct dbt_usuario usuarios[] = {
        { "nc_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "nc_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "nc_p1", "Pepe Uno", "PROMOTOR", "nc_sup", NULL },
        { "nc_p2", "Paty Dos", "PROMOTOR", "nc_sup", NULL },
    };

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_exec(adm, "SELECT api.crear_usuario('nc_aud', 'Aurelio Auditor', 'AUDITOR')");
    dbt_clientes_imss(adm, n);
    dbt_exec(adm,
             "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i, 'CELULAR',"
             " '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, %d) i;"
             "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
             "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
             " FROM generate_series(1, 7) d",
             n);
}

/* Asserts that sql fails with SQLSTATE code (a refusal EB…, or a privilege error 42501). */
static void
expect_code(struct db *db, const char *code, const char *sql)
{
    struct err e = { 0 };

    if (dbt_try(db, &e, "%s", sql) == RC_OK)
        fail_msg("se esperaba %s y funcionó: %s", code, sql);
    if (strcmp(e.code, code) != 0)
        fail_msg("se esperaba %s, llegó %s (%s): %s", code, e.code, e.msg, sql);
}

static long long
disponibles(struct dbt *t, struct db *db)
{
    return dbt_scalar_ll(t, db, "SELECT disponibles FROM api.disponibles()");
}

/* api.verificar_invariantes as the admin nc_adm (the superuser is no embudo user). */
static void
expect_doctor_clean(struct dbt *t)
{
    struct db *a = dbt_connect(t, "nc_adm");

    assert_string_equal(dbt_scalar_tmp(t, a,
                                       "SELECT coalesce(string_agg(invariante || ': ' || detalle,"
                                       " '; '), 'limpio') FROM api.verificar_invariantes()"),
                        "limpio");
    db_close(a);
}

static void
test_registro_bloquea(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *a, *p;
    struct db_no_contactar_alta alta;
    struct db_no_contactar *rows = NULL;
    size_t n = 0;
    struct err e = { 0 };

    seed(t, adm, 10);
    p = dbt_connect(t, "nc_p1");
    a = dbt_connect(t, "nc_adm");
    assert_int_equal(disponibles(t, p), 10);

    /* REUS with its registration date: two years later, at midnight in Mexico City. */
    assert_int_equal(db_no_contactar_agregar(a, "55 0000 0003", "reus", "2025-06-01",
                                             "extracto de junio", &alta, &e),
                     RC_OK);
    assert_string_equal(alta.telefono, "+525500000003");
    assert_string_equal(alta.fuente, "REUS");
    assert_int_equal(alta.clientes, 1);
    assert_int_equal(alta.oportunidades, 0);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT to_char(hasta AT TIME ZONE 'America/Mexico_City',"
                                       " 'YYYY-MM-DD HH24:MI') FROM crm.no_contactar"),
                        "2027-06-01 00:00");
    /* REPEP has no end. */
    assert_int_equal(db_no_contactar_agregar(a, "5500000007", "REPEP", NULL, NULL, &alta, &e),
                     RC_OK);
    assert_string_equal(alta.hasta, "");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(cliente_id || ':' || libre_desde, ','"
                                       " ORDER BY cliente_id) FROM crm.pool"
                                       " WHERE libre_desde > now()"),
                        dbt_scalar_tmp(t, adm,
                                       "SELECT '3:' || (SELECT hasta FROM crm.no_contactar"
                                       " WHERE fuente = 'REUS') || ',7:infinity'"));

    /* Counts and assignment never offer them. */
    assert_int_equal(disponibles(t, p), 8);
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT asignados FROM api.solicitar_asignacion(10)"), 8);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades"
                                   " WHERE cliente_id IN (3, 7)"),
                     0);

    /* Anyone may ask about one number; the answer names the entries in force. */
    assert_int_equal(db_no_contactar_consultar(p, "+52 55 0000 0003", &rows, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].fuente, "REUS");
    assert_string_equal(rows[0].registrado, "2025-06-01");
    assert_string_equal(rows[0].detalle, "extracto de junio");
    assert_string_equal(rows[0].creado_por, "nc_adm");
    db_no_contactar_free(rows, n);
    assert_int_equal(db_no_contactar_consultar(p, "5500000004", &rows, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    db_no_contactar_free(rows, n);
    expect_doctor_clean(t);
    db_close(p);
    db_close(a);
    db_close(adm);
}

static void
test_quitar_y_vencer(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *a, *p;
    struct db_no_contactar *rows = NULL;
    size_t n = 0;
    struct err e = { 0 };
    int quedan = -1;

    seed(t, adm, 6);
    a = dbt_connect(t, "nc_adm");
    p = dbt_connect(t, "nc_p1");
    dbt_exec(a, "SELECT api.no_contactar_agregar('5500000002', 'REUS');"
                "SELECT api.no_contactar_agregar('5500000002', 'REPEP');"
                "SELECT api.no_contactar_agregar('5500000004', 'REUS')");
    assert_int_equal(disponibles(t, p), 4);

    /* Removing one fuente leaves the other: still blocked. A reason is required. */
    dbt_expect_refusal(a, "EB805", "SELECT api.no_contactar_quitar('5500000002', 'REUS', ' ')");
    assert_int_equal(
        db_no_contactar_quitar(a, "5500000002", "REUS", "pidió el crédito", &quedan, &e), RC_OK);
    assert_int_equal(quedan, 1);
    assert_int_equal(disponibles(t, p), 4);
    assert_int_equal(db_no_contactar_quitar(a, "5500000002", "REUS", "otra vez", &quedan, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB807");
    assert_int_equal(
        db_no_contactar_quitar(a, "5500000002", "REPEP", "pidió el crédito", &quedan, &e), RC_OK);
    assert_int_equal(quedan, 0);
    assert_int_equal(disponibles(t, p), 5);
    /* The block row stays, ended: history. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT count(*) || '/' || bool_and(hasta <= now())"
                                       " FROM crm.bloqueos WHERE cliente_id = 2"),
                        "1/true");

    /* A REUS entry that expires ends its block at the same moment (moved by the owner). */
    dbt_exec(adm, "UPDATE crm.no_contactar SET hasta = now() - interval '1 day'"
                  " WHERE telefono = '+525500000004'");
    assert_int_equal(disponibles(t, p), 6);
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT asignados FROM api.solicitar_asignacion(6)"), 6);

    /* Dates: a future one, a REUS registration older than two years. */
    dbt_expect_refusal(a, "EB803",
                       "SELECT api.no_contactar_agregar('5500000005', 'REUS',"
                       " crm.fecha_negocio(now()) + 1)");
    dbt_expect_refusal(a, "EB803",
                       "SELECT api.no_contactar_agregar('5500000005', 'REUS',"
                       " crm.fecha_negocio(now()) - 800)");

    /* The full list with the removed and expired ones, for supervisors, admins, auditors. */
    assert_int_equal(db_no_contactar_lista(a, NULL, NULL, 100, true, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].telefono, "+525500000002");
    assert_string_equal(rows[0].fuente, "REPEP");
    assert_false(rows[0].vigente);
    assert_string_equal(rows[0].quitado_por, "nc_adm");
    assert_string_equal(rows[0].quitado_motivo, "pidió el crédito");
    assert_false(rows[2].vigente); /* +525500000004, expired */
    db_no_contactar_free(rows, n);
    assert_int_equal(db_no_contactar_lista(a, NULL, NULL, 100, false, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    db_no_contactar_free(rows, n);
    /* Pages count numbers, never splitting one's entries; `despues` in any accepted form. */
    dbt_exec(a, "SELECT api.no_contactar_agregar('5500000001', 'REPEP');"
                "SELECT api.no_contactar_agregar('5500000001', 'REUS')");
    assert_int_equal(db_no_contactar_lista(a, NULL, NULL, 1, true, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].fuente, "REPEP");
    assert_string_equal(rows[1].fuente, "REUS");
    db_no_contactar_free(rows, n);
    assert_int_equal(db_no_contactar_lista(a, NULL, "55 0000 0001", 1, true, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].telefono, "+525500000002");
    db_no_contactar_free(rows, n);
    expect_doctor_clean(t);
    db_close(p);
    db_close(a);
    db_close(adm);
}

static void
test_permisos(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p1, *p2, *s, *au, *a;
    struct db_no_contactar_alta alta;
    struct db_no_contactar_resumen r[3];
    struct err e = { 0 };

    seed(t, adm, 6);
    p1 = dbt_connect(t, "nc_p1");
    p2 = dbt_connect(t, "nc_p2");
    s = dbt_connect(t, "nc_sup");
    au = dbt_connect(t, "nc_aud");
    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(3)"); /* clients 1..3 */
    dbt_exec(p2, "SELECT * FROM api.solicitar_asignacion(2)"); /* clients 4..5 */

    /* A promoter: only SOLICITUD, only for a phone of their own active opportunities. The
     * owner's panes are told (their card gets its mark). */
    dbt_exec(s, "LISTEN embudo");
    (void)dbt_avisos(s);
    assert_int_equal(db_no_contactar_agregar(p1, "5500000002", NULL, NULL,
                                             "pidió por teléfono que no le llamen", &alta, &e),
                     RC_OK);
    assert_string_equal(dbt_avisos(s),
                        dbt_scalar_tmp(t, adm,
                                       "SELECT format('{\"tabla\" : \"historial\","
                                       " \"usuario_id\" : %%1$s};{\"tabla\" :"
                                       " \"oportunidades\", \"usuario_id\" : %%1$s}',"
                                       " id) FROM crm.usuarios WHERE login = 'nc_p1'"));
    assert_string_equal(alta.fuente, "SOLICITUD");
    assert_int_equal(alta.oportunidades, 1);
    assert_int_equal(alta.clientes, 1);
    dbt_expect_refusal(p1, "EB804", "SELECT api.no_contactar_agregar('5500000004')");
    dbt_expect_refusal(p1, "EB804", "SELECT api.no_contactar_agregar('5500000006')");
    dbt_expect_refusal(p1, "EB802", "SELECT api.no_contactar_agregar('5500000001', 'REUS')");
    dbt_expect_refusal(p1, "EB801", "SELECT api.no_contactar_agregar('5500000001', 'PROFECO')");
    dbt_expect_refusal(p1, "EB701", "SELECT api.no_contactar_agregar('12345')");
    dbt_expect_refusal(p1, "EB805",
                       "SELECT api.no_contactar_agregar('5500000001', 'SOLICITUD', NULL,"
                       " repeat('x', 501))");
    dbt_expect_refusal(p1, "EB809", "SELECT * FROM api.no_contactar_resumen()");
    dbt_expect_refusal(p1, "EB809", "SELECT * FROM api.no_contactar_lista()");
    dbt_expect_refusal(p1, "EB101",
                       "SELECT api.no_contactar_quitar('5500000002', 'SOLICITUD',"
                       " 'me equivoqué')");
    /* The marks: the promoter sees their own, the supervisor the team's. */
    assert_string_equal(dbt_scalar_tmp(t, p1,
                                       "SELECT string_agg(oportunidad_id || ' ' || telefono ||"
                                       " ' ' || fuentes, ',') FROM"
                                       " api.no_contactar_oportunidades()"),
                        dbt_scalar_tmp(t, adm,
                                       "SELECT id || ' +525500000002 SOLICITUD' FROM"
                                       " crm.oportunidades WHERE cliente_id = 2"));
    assert_string_equal(
        dbt_scalar_tmp(t, p2, "SELECT count(*) FROM api.no_contactar_oportunidades()"), "0");

    /* A supervisor: the team's phones; not REUS; reads the registry. */
    assert_int_equal(db_no_contactar_agregar(s, "5500000004", "SOLICITUD", NULL, NULL, &alta, &e),
                     RC_OK);
    dbt_expect_refusal(s, "EB804", "SELECT api.no_contactar_agregar('5500000006')");
    dbt_expect_refusal(s, "EB802", "SELECT api.no_contactar_agregar('5500000006', 'REPEP')");
    dbt_expect_refusal(s, "EB101",
                       "SELECT * FROM api.no_contactar_cargar(ARRAY['+525500000006'], 'REUS')");
    assert_int_equal(db_no_contactar_resumen(s, r, &e), RC_OK);
    assert_string_equal(r[2].fuente, "SOLICITUD");
    assert_int_equal(r[2].vigentes, 2);
    assert_int_equal(r[2].clientes_bloqueados, 2);
    assert_int_equal(r[2].oportunidades_activas, 2);
    assert_int_equal(r[0].vigentes, 0);

    /* An auditor reads everything and writes nothing. */
    assert_int_equal(db_no_contactar_resumen(au, r, &e), RC_OK);
    assert_int_equal(r[2].vigentes, 2);
    assert_string_equal(
        dbt_scalar_tmp(t, au, "SELECT count(*) FROM api.no_contactar_oportunidades()"), "2");
    expect_code(au, "42501", "SELECT api.no_contactar_agregar('5500000006')");
    expect_code(au, "42501", "SELECT api.no_contactar_quitar('5500000002', 'SOLICITUD', 'x x x')");
    /* Nobody reads the table itself. */
    expect_code(p1, "42501", "SELECT * FROM crm.no_contactar");

    /* The opportunity's history (sql/076): entering the registry and leaving it, once each;
     * a renewal while in force writes nothing. */
    dbt_exec(p1, "SELECT api.no_contactar_agregar('5500000002', 'SOLICITUD', NULL, 'otra vez')");
    a = dbt_connect(t, "nc_adm");
    dbt_exec(a,
             "SELECT api.no_contactar_quitar('5500000002', 'SOLICITUD', 'se equivocó de número')");
    assert_string_equal(
        dbt_scalar_tmp(t, adm,
                       "SELECT string_agg(h.evento || '|' || u.login || '|' ||"
                       " h.motivo || '|' || (h.datos ->> 'telefono'), ';'"
                       " ORDER BY h.id) FROM crm.historial h"
                       " JOIN crm.usuarios u ON u.id = h.usuario_id"
                       " JOIN crm.oportunidades o ON o.id = h.oportunidad_id"
                       " WHERE o.cliente_id = 2 AND h.evento LIKE 'NO_CONTACTAR%%'"),
        "NO_CONTACTAR|nc_p1|SOLICITUD: pidió por teléfono que no le llamen|"
        "+525500000002;NO_CONTACTAR_FIN|nc_adm|SOLICITUD: se equivocó de número|"
        "+525500000002");
    db_close(a);
    expect_doctor_clean(t);
    db_close(au);
    db_close(s);
    db_close(p2);
    db_close(p1);
    db_close(adm);
}

static void
test_carga(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *a, *p;
    struct db_no_contactar_carga c;
    struct err e = { 0 };
    const char *tels[] = { "+525500000001", "+525500000002", "+525511112222", "+525500000001" };
    const char *regs[] = { "2025-03-01", NULL, "2025-01-15", "2025-05-01" };
    const char *malos[] = { "+525500000003", "5500000004" };

    seed(t, adm, 5);
    a = dbt_connect(t, "nc_adm");
    p = dbt_connect(t, "nc_p1");
    /* A repeated number keeps its latest registration date. */
    if (db_no_contactar_cargar(a, tels, regs, 4, "REUS", "extracto CONDUSEF", &c, &e) != RC_OK)
        fail_msg("carga: %s", e.msg);
    assert_int_equal(c.nuevos, 3);
    assert_int_equal(c.renovados, 0);
    assert_int_equal(c.clientes, 2);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(telefono || ' ' || coalesce(registrado"
                                       "::text, '-'), ',' ORDER BY telefono)"
                                       " FROM crm.no_contactar"),
                        "+525500000001 2025-05-01,+525500000002 -,+525511112222 2025-01-15");
    assert_int_equal(disponibles(t, p), 3);

    /* All or nothing: a bad element refuses the batch, naming its position. */
    assert_int_equal(db_no_contactar_cargar(a, malos, NULL, 2, "REPEP", NULL, &c, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB806");
    assert_non_null(strstr(e.msg, "teléfono 2 "));
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.no_contactar"), 3);
    dbt_expect_refusal(a, "EB801",
                       "SELECT * FROM api.no_contactar_cargar(ARRAY['+525500000003'],"
                       " 'SOLICITUD')");
    dbt_expect_refusal(a, "EB806", "SELECT * FROM api.no_contactar_cargar('{}', 'REUS')");
    /* A removed entry loaded again is renewed. */
    dbt_exec(a, "SELECT api.no_contactar_quitar('5500000002', 'REUS', 'baja del registro')");
    assert_int_equal(disponibles(t, p), 4);
    assert_int_equal(db_no_contactar_cargar(a, tels + 1, NULL, 1, "REUS", NULL, &c, &e), RC_OK);
    assert_int_equal(c.nuevos, 0);
    assert_int_equal(c.renovados, 1);
    assert_int_equal(disponibles(t, p), 3);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT quitado_at IS NULL FROM crm.no_contactar"
                                       " WHERE telefono = '+525500000002'"),
                        "t");
    expect_doctor_clean(t);
    db_close(p);
    db_close(a);
    db_close(adm);
}

/* The padron's side: clients imported after the registry, phones retired or changed. */
static void
test_padron_sigue_al_registro(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *a, *p;

    seed(t, adm, 4);
    a = dbt_connect(t, "nc_adm");
    p = dbt_connect(t, "nc_p1");
    dbt_exec(a, "SELECT api.no_contactar_agregar('5599998888', 'REPEP')");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.bloqueos"), 0);
    /* Imported later with that phone: blocked in the same statement. */
    dbt_exec(adm, "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id,"
                  " edad) VALUES ('Nueva', 'Prueba', 1, 9, 40);"
                  "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)"
                  " VALUES (5, 'CELULAR', '+525599998888')");
    assert_int_equal(disponibles(t, p), 4);
    /* The phone retired: unblocked. Back: blocked again. */
    dbt_exec(adm, "UPDATE padron.datos_contacto SET vigente = false WHERE cliente_id = 5");
    assert_int_equal(disponibles(t, p), 5);
    dbt_exec(adm, "UPDATE padron.datos_contacto SET vigente = true WHERE cliente_id = 5");
    assert_int_equal(disponibles(t, p), 4);
    /* Client 1 changes to the registered number and client 5 to a free one. */
    dbt_exec(adm, "UPDATE padron.datos_contacto SET valor = CASE cliente_id WHEN 1 THEN"
                  " '+525599998888' ELSE '+525577776666' END WHERE cliente_id IN (1, 5)");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(cliente_id::text, ',' ORDER BY"
                                       " cliente_id) FROM crm.pool WHERE libre_desde > now()"),
                        "1");
    assert_int_equal(disponibles(t, p), 4);
    expect_doctor_clean(t);
    /* Doctor sees a registered phone added behind the triggers' back. */
    dbt_exec(adm, "SET session_replication_role = replica; INSERT INTO padron.datos_contacto"
                  " (cliente_id, tipo, valor) VALUES (2, 'FIJO', '+525599998888');"
                  " SET session_replication_role = DEFAULT");
    assert_string_equal(dbt_scalar_tmp(t, a,
                                       "SELECT string_agg(invariante, ',') FROM"
                                       " api.verificar_invariantes()"),
                        "NO_CONTACTAR_SIN_BLOQUEO");
    db_close(p);
    db_close(a);
    db_close(adm);
}

/* Campaigns skip a registered phone; a message whose phone entered the registry after the
 * campaign was made is skipped at the claim; captación refuses it. */
static void
test_campanas_y_captacion(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p, *a;
    long long c;

    seed(t, adm, 4);
    p = dbt_connect(t, "nc_p1");
    a = dbt_connect(t, "nc_adm");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(4);"
                "SELECT * FROM api.captar('Luisa Prospecta', '55 4444 3333');"
                "SELECT api.wa_guardar_credenciales('5215500000001@s.whatsapp.net', '\\x0102');"
                "SELECT api.wa_configurar(en_uso_desde => crm.fecha_negocio(now()) - 30)");
    /* Client 2's phone and the prospect's, at the person's request. */
    dbt_exec(p, "SELECT api.no_contactar_agregar('5500000002');"
                "SELECT api.no_contactar_agregar('5544443333')");
    dbt_exec(p, "BEGIN");
    c = dbt_scalar_ll(t, p, "SELECT campana_id FROM api.campana_crear('Nuevo', 'Hola {nombre}')");
    dbt_exec(p,
             "SELECT api.campana_textos(%lld, array_agg(mensaje_id), array_agg('Hola ' ||"
             " nombre)) FROM api.campana_destinatarios(%lld); COMMIT",
             c, c);
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(telefono || ':' || motivo || ':' ||"
                                       " detalle, ',' ORDER BY telefono) FROM"
                                       " api.campana_omitidos(%lld)",
                                       c),
                        "+525500000002:NO_CONTACTAR:número en el registro de no contactar (REUS,"
                        " REPEP o a petición),+525544443333:NO_CONTACTAR:número en el registro"
                        " de no contactar (REUS, REPEP o a petición)");
    /* Client 3 enters the REUS after the campaign was made: never sent. (Those skipped at
     * creation are OMITIDO rows too.) */
    dbt_exec(a, "SELECT api.no_contactar_agregar('5500000003', 'REUS')");
    dbt_exec(p, "SELECT api.campana_lanzar(%lld)", c);
    for (int i = 0; i < 3; i++)
        dbt_exec(p, "SELECT api.mensaje_enviado(mensaje_id, 'W' || mensaje_id) FROM"
                    " api.mensaje_reclamar(crm.yo())");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(telefono || ' ' || estado ||"
                                       " coalesce(' ' || error, ''), ',' ORDER BY telefono)"
                                       " FROM crm.wa_mensajes WHERE campana_id = %lld",
                                       c),
                        "+525500000001 ENVIADO,+525500000002 OMITIDO NO_CONTACTAR,"
                        "+525500000003 OMITIDO NO_CONTACTAR,+525500000004 ENVIADO,"
                        "+525544443333 OMITIDO NO_CONTACTAR");
    /* Captación of a registered phone, prospect or padron client. */
    dbt_expect_refusal(a, "EB808", "SELECT * FROM api.captar('Otra Persona', '5544443333')");
    dbt_exec(a, "SELECT api.no_contactar_agregar('5512121212', 'REPEP')");
    dbt_expect_refusal(p, "EB808", "SELECT * FROM api.captar('Otra Persona', '55 1212 1212')");
    expect_doctor_clean(t);
    db_close(a);
    db_close(p);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registro_bloquea, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_quitar_y_vencer, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_permisos, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_carga, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_padron_sigue_al_registro, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_campanas_y_captacion, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
