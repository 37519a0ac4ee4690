/*
 * test_ventas — the sales after registration (sql/092) through db_ventas, as `embudo ventas`
 * and `embudo venta corregir|cancelar` call them: the list in each caller's scope and range,
 * newest first, cancelled ones only when asked; a supervisor's correction with the history row
 * that keeps before and after, a retried one that changes nothing, and every refusal; the
 * cancellation that sends the opportunity to the bandeja at the stage it had before the sale,
 * ends the sale's cool-down, leaves the report's amounts without it and lets the opportunity
 * be sold again under the same folio; the one that discards it when the client is already
 * being worked by someone else or asked for cancellation (ARCO), whose access document shows
 * the cancelled sale and whose suppression erases its reason; doctor silent throughout.
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
#include "db/db_ventas.h"
#include "dbt.h"
#include "util/err.h"

static const struct dbt_usuario USUARIOS[] = {
    { "ve_sup", "Vera", "SUPERVISOR", NULL, NULL },
    { "ve_p1", "Víctor", "PROMOTOR", "ve_sup", NULL },
    { "ve_p2", "Valeria", "PROMOTOR", "ve_sup", NULL },
    { "ve_sup2", "Vicente", "SUPERVISOR", NULL, NULL },
    { "ve_p3", "Violeta", "PROMOTOR", "ve_sup2", NULL },
    { "ve_aud", "Vanesa", "AUDITOR", NULL, NULL },
    { "ve_adm", "Valentín", "ADMIN", NULL, NULL },
};

/*
 * Five IMSS clients, all taken: ve_p1 gets opportunities 1..3, ve_p2 4, ve_p3 5. Sales: 1 by
 * ve_p1 (F-1, moved to «En trámite» first), 2 by ve_p1 (F-2), 4 by ve_p2 (F-4), 5 by ve_p3
 * (F-5). F-1 is dated on the last day of the previous month.
 */
static void
seed(struct dbt *t, struct db *adm)
{
    struct db *p;

    dbt_usuarios(t, adm, USUARIOS, sizeof USUARIOS / sizeof USUARIOS[0]);
    dbt_clientes_imss(adm, 5);
    p = dbt_connect(t, "ve_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(3)");
    dbt_exec(p, "SELECT * FROM api.mover(1, 'En trámite')");
    dbt_exec(p, "SELECT * FROM api.registrar_venta(1, 12500.50, 'Nómina', 'F-1')");
    dbt_exec(p, "SELECT * FROM api.registrar_venta(2, 30000, 'Nómina', 'F-2')");
    db_close(p);
    p = dbt_connect(t, "ve_p2");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(1)");
    dbt_exec(p, "SELECT * FROM api.registrar_venta(4, 8000, 'Pensión', 'F-4')");
    db_close(p);
    p = dbt_connect(t, "ve_p3");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(1)");
    dbt_exec(p, "SELECT * FROM api.registrar_venta(5, 9100.10, 'Nómina', 'F-5')");
    db_close(p);
    dbt_exec(adm, "UPDATE crm.ventas SET registrada_at = date_trunc('month', now() AT TIME ZONE"
                  " crm.zona()) AT TIME ZONE crm.zona() - interval '2 hours'"
                  " WHERE folio = 'F-1'");
}

/* What login lists with f, as "folio:monto[:C]" joined by ", "; refusals as "!CODE". */
static const char *
lista(struct dbt *t, const char *login, const struct db_ventas_filtro *f)
{
    static char out[512];
    struct db *db = dbt_connect(t, login);
    struct db_venta_fila *v;
    struct err e = { 0 };
    size_t n;

    out[0] = '\0';
    if (db_ventas(db, f, &v, &n, &e) != RC_OK) {
        snprintf(out, sizeof out, "!%s", e.code);
    } else {
        for (size_t i = 0; i < n; i++)
            snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s:%s%s", i > 0 ? ", " : "",
                     v[i].folio, v[i].monto, v[i].cancelada ? ":C" : "");
        db_ventas_free(v, n);
    }
    db_close(db);
    return out;
}

/* The first of the month before this one, and the last day of it, as text. */
static void
mes_anterior(struct dbt *t, struct db *adm, char *desde, char *hasta)
{
    strcpy(desde, dbt_scalar_tmp(t, adm,
                                 "SELECT (date_trunc('month', crm.fecha_negocio(now()))"
                                 " - interval '1 month')::date::text"));
    strcpy(hasta, dbt_scalar_tmp(t, adm,
                                 "SELECT (date_trunc('month', crm.fecha_negocio(now()))"
                                 " - interval '1 day')::date::text"));
}

static void
test_lista_alcance_y_rango(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db_ventas_filtro f = { 0 };
    char desde[16], hasta[16];
    struct db *p;
    struct db_venta_fila *v;
    struct err e = { 0 };
    size_t n;

    seed(t, adm);
    mes_anterior(t, adm, desde, hasta);
    /* This month by default: F-1 was last month. Own, team, the other team, everyone. */
    assert_string_equal(lista(t, "ve_p1", &f), "F-2:30000.00");
    assert_string_equal(lista(t, "ve_p2", &f), "F-4:8000.00");
    assert_string_equal(lista(t, "ve_sup", &f), "F-4:8000.00, F-2:30000.00");
    assert_string_equal(lista(t, "ve_sup2", &f), "F-5:9100.10");
    assert_string_equal(lista(t, "ve_aud", &f), "F-5:9100.10, F-4:8000.00, F-2:30000.00");
    /* One promoter of the scope; one outside it is refused without saying whether it exists. */
    f.promotor = "ve_p1";
    assert_string_equal(lista(t, "ve_sup", &f), "F-2:30000.00");
    assert_string_equal(lista(t, "ve_sup2", &f), "!EB630");
    f.promotor = NULL;
    /* Last month: F-1 alone, with its business date and the client. */
    f.desde = desde;
    f.hasta = hasta;
    assert_string_equal(lista(t, "ve_p1", &f), "F-1:12500.50");
    p = dbt_connect(t, "ve_p1");
    assert_int_equal(db_ventas(p, &f, &v, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].fecha, hasta);
    assert_string_equal(v[0].cliente, "Cliente 1 Prueba");
    assert_string_equal(v[0].convenio, "IMSS");
    assert_string_equal(v[0].producto, "Nómina");
    assert_string_equal(v[0].promotor, "ve_p1");
    assert_int_equal(v[0].corregida, 0);
    db_ventas_free(v, n);
    db_close(p);
    /* Both months. */
    f.hasta = NULL;
    assert_string_equal(lista(t, "ve_p1", &f), "F-2:30000.00, F-1:12500.50");
    /* A future date, a reversed range, a date that is not one. */
    f.desde = NULL;
    f.hasta = "2999-01-01";
    assert_string_equal(lista(t, "ve_p1", &f), "!EB212");
    f.desde = "2026-11-20";
    f.hasta = "2026-11-10";
    assert_string_equal(lista(t, "ve_p1", &f), "!EB370");
    f.desde = "2026-13-01";
    f.hasta = NULL;
    assert_string_equal(lista(t, "ve_p1", &f), "!22008");
    dbt_role(t, "ve_nadie", "embudo_promotor");
    f.desde = NULL;
    assert_string_equal(lista(t, "ve_nadie", &f), "!EB001");
    db_close(adm);
}

/* What a correction or cancellation said: its message (freed here), or "!CODE". */
static const char *
dicho(int rc, char *msg, const struct err *e)
{
    static char out[256];

    if (rc != RC_OK)
        snprintf(out, sizeof out, "!%s", e->code);
    else
        snprintf(out, sizeof out, "%s", msg != NULL ? msg : "(null)");
    free(msg);
    return out;
}

/* corregir as login: the message, or "!CODE". */
static const char *
corrige(struct dbt *t, const char *login, int64_t op, const char *monto, const char *producto,
        const char *folio, const char *motivo)
{
    struct db *db = dbt_connect(t, login);
    struct err e = { 0 };
    char *msg = NULL;
    int rc = db_venta_corregir(db, op, monto, producto, folio, motivo, &msg, &e);
    const char *out = dicho(rc, msg, &e);

    db_close(db);
    return out;
}

static void
test_corregir(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);

    seed(t, adm);
    /* Who may: the owner's supervisor or an admin; not the promoter, not another team. */
    assert_string_equal(corrige(t, "ve_p1", 2, "29000", NULL, NULL, "tecleé mal"), "!EB002");
    assert_string_equal(corrige(t, "ve_sup2", 2, "29000", NULL, NULL, "x"), "!EB301");
    assert_string_equal(corrige(t, "ve_aud", 2, "29000", NULL, NULL, "x"), "!42501");
    /* Each refusal, and nothing written by any of them. */
    assert_string_equal(corrige(t, "ve_sup", 2, "29000", NULL, NULL, "  "), "!EB316");
    assert_string_equal(corrige(t, "ve_sup", 2, "0", NULL, NULL, "x"), "!EB312");
    assert_string_equal(corrige(t, "ve_sup", 2, "1.005", NULL, NULL, "x"), "!EB312");
    assert_string_equal(corrige(t, "ve_sup", 2, NULL, " ", NULL, "x"), "!EB313");
    assert_string_equal(corrige(t, "ve_sup", 2, NULL, NULL, "F 2", "x"), "!EB313");
    assert_string_equal(corrige(t, "ve_sup", 2, NULL, NULL, "F-4", "x"), "!EB311");
    assert_string_equal(corrige(t, "ve_sup", 3, "100", NULL, NULL, "x"), "!EB315");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE evento = 'VENTA_CORREGIDA'"),
                     0);
    /* Amount and folio, one history row with only what changed; the same again is a no-op. */
    assert_string_equal(corrige(t, "ve_sup", 2, "29000.50", NULL, "F-2B", "el monto era otro"),
                        "venta corregida (folio F-2B, $29,000.50, Nómina)");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT concat_ws('|', v.monto, v.folio, v.producto,"
                                       " v.corregida_at IS NOT NULL, h.motivo, h.datos::text,"
                                       " u.login)"
                                       " FROM crm.ventas v JOIN crm.historial h"
                                       " ON h.oportunidad_id = v.oportunidad_id"
                                       " AND h.evento = 'VENTA_CORREGIDA'"
                                       " JOIN crm.usuarios u ON u.id = h.usuario_id"
                                       " WHERE v.oportunidad_id = 2"),
                        "29000.50|F-2B|Nómina|t|el monto era otro|"
                        "{\"antes\": {\"folio\": \"F-2\", \"monto\": 30000.00}, "
                        "\"despues\": {\"folio\": \"F-2B\", \"monto\": 29000.50}}|ve_sup");
    assert_non_null(strstr(corrige(t, "ve_sup", 2, "29000.5", "Nómina", "F-2B", "otra vez"),
                           "no se cambió nada"));
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE evento = 'VENTA_CORREGIDA'"),
                     1);
    /* The old folio is free again; an admin corrects any team's sale. */
    assert_string_equal(corrige(t, "ve_sup", 4, NULL, NULL, "F-2", "folio de la financiera"),
                        "venta corregida (folio F-2, $8,000.00, Pensión)");
    assert_string_equal(corrige(t, "ve_adm", 2, NULL, "Pensión", NULL, "producto"),
                        "venta corregida (folio F-2B, $29,000.50, Pensión)");
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(adm);
}

/* cancelar as login: the message, or "!CODE". */
static const char *
cancela(struct dbt *t, const char *login, int64_t op, const char *motivo)
{
    struct db *db = dbt_connect(t, login);
    struct err e = { 0 };
    char *msg = NULL;
    int rc = db_venta_cancelar(db, op, motivo, &msg, &e);
    const char *out = dicho(rc, msg, &e);

    db_close(db);
    return out;
}

static void
test_cancelar_a_la_bandeja_y_vender_otra_vez(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db_ventas_filtro f = { 0 };
    struct db *p;
    char desde[16], hasta[16];

    seed(t, adm);
    mes_anterior(t, adm, desde, hasta);
    assert_string_equal(cancela(t, "ve_p1", 1, "la financiera no lo aprobó"), "!EB002");
    assert_string_equal(cancela(t, "ve_sup2", 1, "x"), "!EB301");
    assert_string_equal(cancela(t, "ve_sup", 1, ""), "!EB316");
    assert_string_equal(cancela(t, "ve_sup", 3, "x"), "!EB315");
    /* The sale is kept as cancelled; the opportunity waits in the bandeja at «En trámite». */
    assert_string_equal(cancela(t, "ve_sup", 1, "la financiera no lo aprobó"),
                        "venta con el folio F-1 cancelada: la oportunidad 1 pasó a la bandeja");
    assert_string_equal(
        dbt_scalar_tmp(t, adm,
                       "SELECT concat_ws('|', o.estado, e.nombre, o.motivo_salida,"
                       " o.cerrada_at IS NULL, v.estado, u.login, v.motivo_cancelacion)"
                       " FROM crm.oportunidades o JOIN crm.etapas e ON e.id = o.etapa_id"
                       " JOIN crm.ventas v ON v.oportunidad_id = o.id"
                       " JOIN crm.usuarios u ON u.id = v.cancelada_por WHERE o.id = 1"),
        "EN_BANDEJA|En trámite|Venta cancelada (folio F-1): la financiera no lo aprobó|t|"
        "CANCELADA|ve_sup|la financiera no lo aprobó");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT concat_ws('|', etapa_anterior, etapa_nueva,"
                                       " estado_anterior, estado_nuevo, motivo, datos::text)"
                                       " FROM crm.historial WHERE evento = 'VENTA_CANCELADA'"),
                        "Venta|En trámite|GANADA|EN_BANDEJA|la financiera no lo aprobó|"
                        "{\"folio\": \"F-1\", \"monto\": 12500.50, \"producto\": \"Nómina\"}");
    p = dbt_connect(t, "ve_sup");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(oportunidad_id::text, ',')"
                                       " FROM api.bandeja()"),
                        "1");
    db_close(p);
    /* The sale's cool-down is over: the client's pool row is no longer blocked. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT libre_desde <= now() FROM crm.pool"
                                       " WHERE cliente_id = 1"),
                        "t");
    /* Listed only when asked; not in the report's amounts. */
    f.desde = desde;
    assert_string_equal(lista(t, "ve_p1", &f), "F-2:30000.00");
    f.canceladas = true;
    assert_string_equal(lista(t, "ve_p1", &f), "F-2:30000.00, F-1:12500.50:C");
    p = dbt_connect(t, "ve_sup");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT ventas || '|' || monto FROM"
                                       " api.informe_promotores('%s', NULL, 've_p1')",
                                       desde),
                        "1|30000.00");
    db_close(p);
    /* Again: said, not done twice. */
    assert_non_null(strstr(cancela(t, "ve_sup", 1, "otra vez"), "ya estaba cancelada"));
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE evento = 'VENTA_CANCELADA'"),
                     1);
    assert_string_equal(corrige(t, "ve_sup", 1, "1", NULL, NULL, "x"), "!EB315");
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    /* The supervisor gives it back; the file goes again with the same folio. */
    p = dbt_connect(t, "ve_sup");
    dbt_exec(p, "SELECT api.bandeja_reabrir(ARRAY[1]::bigint[], 'corregir el expediente')");
    db_close(p);
    p = dbt_connect(t, "ve_p1");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT mensaje FROM"
                                       " api.registrar_venta(1, 12600, 'Nómina', 'F-1')"),
                        "venta registrada con el folio F-1");
    db_close(p);
    f.canceladas = false;
    assert_string_equal(lista(t, "ve_p1", &f), "F-1:12600.00, F-2:30000.00");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(evento, ',' ORDER BY id) FROM"
                                       " crm.historial WHERE oportunidad_id = 1"
                                       " AND (evento LIKE 'VENTA%%' OR evento = 'REABIERTA')"),
                        "VENTA,VENTA_CANCELADA,REABIERTA,VENTA");
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(adm);
}

static void
test_cancelar_descarta(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;

    seed(t, adm);
    /* Client 2's cool-down ends early and ve_p2 takes it (the only free client). */
    dbt_exec(adm, "UPDATE crm.bloqueos SET hasta = now() WHERE cliente_id = 2");
    p = dbt_connect(t, "ve_p2");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT asignados FROM api.solicitar_asignacion(1)"),
                        "1");
    db_close(p);
    assert_string_equal(cancela(t, "ve_sup", 2, "la financiera lo rechazó"),
                        "venta con el folio F-2 cancelada: la oportunidad 2 se descartó porque"
                        " el cliente ya tiene otra oportunidad activa (6)");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT o.estado || '|' || v.estado || '|' ||"
                                       " (h.datos->>'cerrada') FROM crm.oportunidades o"
                                       " JOIN crm.ventas v ON v.oportunidad_id = o.id"
                                       " JOIN crm.historial h ON h.oportunidad_id = o.id"
                                       " AND h.evento = 'VENTA_CANCELADA' WHERE o.id = 2"),
                        "DESCARTADA|CANCELADA|el cliente ya tiene otra oportunidad activa (6)");
    /* The titular of client 4 asked for cancellation under ARCO. */
    p = dbt_connect(t, "ve_adm");
    dbt_exec(p, "SELECT * FROM api.arco_cancelar('ARCO-1', cliente => 4)");
    db_close(p);
    assert_string_equal(cancela(t, "ve_adm", 4, "no procede"),
                        "venta con el folio F-4 cancelada: la oportunidad 4 se descartó porque"
                        " el titular pidió la cancelación de sus datos (ARCO)");
    /* Client 5: the sale is cancelled first, then the titular asks for cancellation. Access
     * shows the cancelled sale and its reason; the suppression erases the reason. */
    assert_non_null(strstr(cancela(t, "ve_adm", 5, "Sra. Cliente 5 no calificó"), "bandeja"));
    p = dbt_connect(t, "ve_adm");
    dbt_exec(p, "SELECT * FROM api.arco_cancelar('ARCO-5', cliente => 5, plazo_dias => 0)");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT o->'venta'->>'estado' || '|' ||"
                                       " (o->'venta'->>'motivo_cancelacion') FROM"
                                       " jsonb_array_elements(api.arco_acceso(cliente => 5)"
                                       "->'oportunidades') o"),
                        "CANCELADA|Sra. Cliente 5 no calificó");
    dbt_exec(p, "SELECT * FROM api.arco_suprimir('ARCO-5')");
    db_close(p);
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT motivo_cancelacion FROM crm.ventas"
                                               " WHERE oportunidad_id = 5"),
                        "[suprimido]");
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lista_alcance_y_rango, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_corregir, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_cancelar_a_la_bandeja_y_vender_otra_vez, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_cancelar_descarta, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
