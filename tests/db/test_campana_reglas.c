/*
 * test_campana_reglas — the rules the database mirrors from the C core must give the same
 * answers as the core: the daily cap with its warm-up ramp (crm.wa_tope vs pacing_cap_for)
 * and the template check at save time (crm.plantilla_error vs plantilla_parse: same verdict,
 * same Spanish message with line and column). Plus api.plantilla_guardar's rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/pacing.h"
#include "core/plantilla.h"
#include "db/db.h"
#include "dbt.h"
#include "util/err.h"
#include "util/strbuf.h"

/* YYYYMMDD of 2026-01-01 + k days (via pacing's own calendar). */
static int32_t
fecha_mas(int k)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y = 2026, m = 0, d = 1 + k;

    while (d > mdays[m] + (m == 1 && y % 4 == 0 ? 1 : 0)) {
        d -= mdays[m] + (m == 1 && y % 4 == 0 ? 1 : 0);
        if (++m == 12) {
            m = 0;
            y++;
        }
    }
    return y * 10000 + (m + 1) * 100 + d;
}

static void
test_tope_igual_que_pacing(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    static const unsigned limites[] = { 1, 19, 20, 21, 50, 100, 180, 181, 500, 1000 };
    struct strbuf sql, want;
    int casos = 0;

    /* One query for the whole grid (limits × days since first use, and "unknown"); C
     * computes the same grid and both strings must match. */
    strbuf_init(&sql);
    strbuf_init(&want);
    strbuf_addf(&sql, "SELECT string_agg(crm.wa_tope(v.l, v.desde, v.dia, 20, 14)::text, ','"
                      " ORDER BY v.i) FROM (VALUES ");
    for (size_t li = 0; li < sizeof limites / sizeof limites[0]; li++) {
        for (int off = -3; off <= 20; off++) {
            struct pacing_config c;
            struct pacing_cap cap;
            int32_t dia = fecha_mas(40), desde = off == -3 ? 0 : fecha_mas(40 - off);
            char ds[48];

            pacing_config_preset(&c, PACING_PRESET_NORMAL);
            c.daily_limit = limites[li];
            pacing_cap_for(&c, dia, desde, &cap);
            if (desde)
                snprintf(ds, sizeof ds, "to_date('%d', 'YYYYMMDD')", (int)desde);
            else
                snprintf(ds, sizeof ds, "NULL::date");
            strbuf_addf(&sql, "%s(%d, %u, %s, to_date('%d', 'YYYYMMDD'))", casos ? "," : "", casos,
                        limites[li], ds, (int)dia);
            strbuf_addf(&want, "%s%u", casos ? "," : "", cap.cap);
            casos++;
        }
    }
    strbuf_addf(&sql, ") v(i, l, desde, dia)");
    assert_string_equal(dbt_scalar_tmp(t, db, "%s", sql.buf), want.buf);
    /* The constants the database uses are pacing.h's. */
    assert_int_equal(dbt_scalar_ll(t, db,
                                   "SELECT rampa_inicio * 1000 + rampa_dias FROM"
                                   " crm.wa_ajustes"),
                     PACING_WARMUP_START * 1000 + PACING_WARMUP_DAYS);
    assert_int_equal(dbt_scalar_ll(t, db,
                                   "SELECT column_default::int FROM"
                                   " information_schema.columns WHERE table_name ="
                                   " 'wa_cuentas' AND column_name = 'limite_diario'"),
                     PACING_DAILY_DEFAULT);
    /* The pinned numbers of docs/campanas.md, so neither side drifts silently. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT string_agg(crm.wa_tope(180, date"
                                       " '2026-01-01', date '2026-01-01' + d, 20, 14)::text,"
                                       " ',' ORDER BY d) FROM generate_series(0, 15) d"),
                        "20,31,42,54,65,77,88,100,111,122,134,145,157,168,180,180");
    strbuf_fini(&sql);
    strbuf_fini(&want);
    db_close(db);
}

/* Templates run through both checks. */
static const char *const plantillas[] = {
    "Hola {nombre}",
    "Hola {nombr}",
    "{Hola|Buen día} {nombre_completo}, soy {promotor} de {convenio}",
    "{ nombre }",
    "{}",
    "{ }",
    "{|}",
    "Hola {{literal}} }}",
    "Hola }",
    "Hola {nombre",
    "línea uno\nlínea dos {apellido} y {munipio}",
    "{Hola {nombre}|Buen día}",
    "{ {a|b} c|d}",
    "{{a|b} c|d}",
    "{{a|b} {c|d}}",
    "{a|{b|{c|{d|{e|{f|{g|{h|i}}}}}}}}",
    "{a|{b|{c|{d|{e|{f|{g|{h|{i|j}}}}}}}}}",
    "{Ñandú {entidad}}",
    "{etapa}{municipio}{entidad}{apellido}",
    "día {x|y} {z}",
    "ünïcödé {çà}",
};

static void
test_plantilla_igual_que_c(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    const char *params[1];

    for (size_t i = 0; i < sizeof plantillas / sizeof plantillas[0]; i++) {
        struct err e = { 0 };
        struct plantilla *p = plantilla_parse(plantillas[i], NULL, &e);
        char *got = NULL;
        struct err qe = { 0 };

        params[0] = plantillas[i];
        assert_int_equal(db_query_text(db, "SELECT crm.plantilla_error($1)", 1, params, &got, &qe),
                         RC_OK);
        if (p != NULL) {
            if (got != NULL)
                fail_msg("«%s»: C la acepta, SQL dice %s", plantillas[i], got);
        } else if (got == NULL || strcmp(got, e.msg) != 0) {
            fail_msg("«%s»: C dice «%s», SQL dice «%s»", plantillas[i], e.msg,
                     got ? got : "(válida)");
        }
        free(got);
        plantilla_free(p);
    }
    /* Too long, in bytes, like C. */
    {
        char big[4200];
        struct err e = { 0 };
        char *got = NULL;
        struct err qe = { 0 };

        memset(big, 'a', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        assert_null(plantilla_parse(big, NULL, &e));
        params[0] = big;
        assert_int_equal(db_query_text(db, "SELECT crm.plantilla_error($1)", 1, params, &got, &qe),
                         RC_OK);
        assert_non_null(got);
        assert_string_equal(got, e.msg);
        free(got);
    }
    db_close(db);
}

static void
test_plantilla_guardar(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct err e = { 0 };
    long long id;

    dbt_role(t, "cr_sup", "embudo_supervisor");
    dbt_role(t, "cr_adm", "embudo_admin");
    dbt_role(t, "cr_p1", "embudo_promotor");
    dbt_role(t, "cr_p2", "embudo_promotor");
    dbt_exec(adm, "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
                  " ('cr_sup', 'Sara Supervisora', 'SUPERVISOR'), ('cr_adm', 'Ada Admin', 'ADMIN');"
                  "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id) SELECT v.l, v.n,"
                  " 'PROMOTOR', (SELECT id FROM crm.usuarios WHERE login = 'cr_sup') FROM (VALUES"
                  " ('cr_p1', 'Pepe Uno'), ('cr_p2', 'Paty Dos')) v(l, n)");
    p = dbt_connect(t, "cr_p1");
    assert_int_equal(dbt_try(p, &e,
                             "SELECT api.plantilla_guardar('Nuevo', 'saludo', 'Hola"
                             " {nombr}')"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB340");
    assert_string_equal(e.msg, "línea 1, columna 6: variable desconocida {nombr}; use {nombre},"
                               " {apellido}, {nombre_completo}, {convenio}, {promotor}, {etapa},"
                               " {municipio} o {entidad}");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM crm.plantillas"), 0);
    id = dbt_scalar_ll(t, p, "SELECT api.plantilla_guardar('nuevo', 'saludo', 'Hola {nombre}')");
    /* Same name again replaces the text, same id. */
    assert_int_equal(dbt_scalar_ll(t, p,
                                   "SELECT api.plantilla_guardar('Nuevo', 'saludo',"
                                   " '{Hola|Qué tal} {nombre}')"),
                     id);
    assert_int_equal(dbt_try(p, &e, "SELECT api.plantilla_guardar('Nuevo', 'x', 'y', true)"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB343");
    assert_int_equal(dbt_try(p, &e, "SELECT api.plantilla_guardar('Venta', 'x', 'y')"), RC_REFUSED);
    assert_string_equal(e.code, "EB350");
    assert_int_equal(dbt_try(p, &e, "SELECT api.plantilla_guardar('Nuevo', '', 'y')"), RC_REFUSED);
    assert_string_equal(e.code, "EB341");
    assert_int_equal(dbt_try(p, &e, "SELECT api.plantilla_guardar('Nuevo', 'v', '  ')"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB340");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.plantilla_revisar('Hola {')"),
                        "línea 1, columna 6: llave «{» sin cerrar; escriba {{ para una llave"
                        " literal");
    db_close(p);
    /* Another promoter neither sees nor deletes it; the admin shares one with everybody. */
    p = dbt_connect(t, "cr_p2");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM crm.plantillas"), 0);
    assert_int_equal(dbt_try(p, &e, "SELECT api.plantilla_borrar(%lld)", id), RC_REFUSED);
    assert_string_equal(e.code, "EB342");
    db_close(p);
    p = dbt_connect(t, "cr_adm");
    dbt_exec(p, "SELECT api.plantilla_guardar('Nuevo', 'saludo', 'Buen día {nombre}', true)");
    db_close(p);
    p = dbt_connect(t, "cr_p2");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT string_agg(texto, '|') FROM crm.plantillas"),
                        "Buen día {nombre}");
    db_close(p);
    p = dbt_connect(t, "cr_sup");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM crm.plantillas"), 2);
    db_close(p);
    p = dbt_connect(t, "cr_p1");
    dbt_exec(p, "SELECT api.plantilla_borrar(%lld)", id);
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM crm.plantillas"), 1);
    db_close(p);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tope_igual_que_pacing, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_plantilla_igual_que_c, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_plantilla_guardar, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
