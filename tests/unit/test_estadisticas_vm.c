/*
 * test_estadisticas_vm — the statistics pane: the reasons' JSON, grouping by promoter, day
 * and campaign (sums, reasons merged), totals, cursor and scrolling, 80×24 and 160×50; the
 * reasons in words (the sender's codes, Meta's with their number, others as they are); the
 * range of ":estadisticas" (dates, hoy/ayer, Nd, and every refusal in Spanish).
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/vm/estadisticas_vm.h"
#include "util/err.h"

static struct estadisticas_vm vm;

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static struct estadisticas_fila
fila(const char *prom, int32_t dia, int64_t camp, int env, int fal, const char *json)
{
    struct estadisticas_fila f;

    memset(&f, 0, sizeof f);
    snprintf(f.promotor, sizeof f.promotor, "%s", prom);
    f.dia = dia;
    f.campana_id = camp;
    snprintf(f.campana, sizeof f.campana, "Campaña %lld", (long long)camp);
    f.enviados = env;
    f.entregados = env - 1;
    f.leidos = env / 2;
    f.respondidos = 1;
    f.bajas = camp == 2;
    f.fallidos = fal;
    assert_true(estadisticas_motivos_parse(&f, json));
    return f;
}

static void
model(struct estadisticas_model *m)
{
    struct estadisticas_fila *v = calloc(4, sizeof *v);

    estadisticas_model_init(m);
    snprintf(m->desde, sizeof m->desde, "2026-11-23");
    snprintf(m->hasta, sizeof m->hasta, "2026-11-29");
    v[0] = fila("prom1", 20261127, 1, 120, 2, "{\"479\": 2}");
    v[1] = fila("prom1", 20261128, 1, 1500, 1, "{\"479\":1}");
    v[2] = fila("prom2", 20261128, 2, 30, 3, "{\"SIN_WHATSAPP\": 2, \"479\": 1}");
    v[3] = fila("josé", 20261129, 3, 10, 0, "{}");
    v[3].sin_entregar = 2;
    v[2].sin_entregar = 1;
    estadisticas_model_take(m, v, 4);
}

static char *
render(struct estadisticas_model *m, int w, int h)
{
    estadisticas_vm_build(&vm, m, w, h);
    assert_true(vm.nlines <= h);
    return vm_lines_render(vm.lines, vm.nlines);
}

static void
test_reasons_json(void **st)
{
    struct estadisticas_fila f;

    (void)st;
    assert_true(estadisticas_motivos_parse(&f, " { \"a\" : 3 , \"b\":0, \"c\": 1 } "));
    assert_string_equal(f.motivos[0].codigo, "a");
    assert_int_equal(f.motivos[0].n, 3);
    assert_string_equal(f.motivos[1].codigo, "c");
    assert_int_equal(f.motivos[2].n, 0);
    assert_false(estadisticas_motivos_parse(&f, "{\"a\": x}"));
    assert_int_equal(f.motivos[0].n, 0);
    assert_false(estadisticas_motivos_parse(&f, "[1]"));
    assert_false(estadisticas_motivos_parse(&f, "{\"a\": 1"));
    assert_false(estadisticas_motivos_parse(&f, NULL));
    assert_true(estadisticas_motivos_parse(&f, "{}"));
}

static void
test_by_promoter_80x24(void **st)
{
    struct estadisticas_model m;
    char *out;

    (void)st;
    model(&m);
    out = render(&m, 80, 24);
    assert_string_equal(
        out,
        " Estadísticas de WhatsApp · 2026-11-23 a 2026-11-29 · por promotor\n"
        " Promotor       Enviados Entregados   Leídos ≥ Respuestas      Bajas   Fallidos\n"
        " prom1             1,620      1,618        810          2          0          3\n"
        " prom2                30         29         15          1          1          3\n"
        " josé                 10          9          5          1          0          0\n"
        " Total             1,660      1,656        830          4          1          6\n"
        " Fallas por motivo: 479 ×3\n");
    free(out);
    estadisticas_model_fini(&m);
}

static void
test_by_day_and_campaign_160x50(void **st)
{
    struct estadisticas_model m;
    char *out;

    (void)st;
    model(&m);
    assert_true(estadisticas_model_action(&m, ACTION_TOGGLE_VIEW, 10));
    out = render(&m, 160, 50);
    assert_non_null(strstr(out, "· por día\n"));
    assert_non_null(strstr(out, " Día            Enviados"));
    assert_non_null(strstr(
        out, " 2026-11-28        1,530      1,528        765          2          1          4   "
             "sin entrega 1 · 479 ×2, sin WhatsApp ×2\n"));
    assert_non_null(strstr(
        out, " 2026-11-29           10          9          5          1          0          0   "
             "sin entrega 2\n"));
    assert_non_null(strstr(
        out, " Total             1,660      1,656        830          4          1          6   "
             "sin entrega 3 · 479 ×4, sin WhatsApp ×2\n"));
    assert_non_null(strstr(out, "Fallas por motivo\n"));
    assert_null(strstr(out, "Fallas por motivo:"));
    free(out);
    assert_true(estadisticas_model_action(&m, ACTION_TOGGLE_VIEW, 10));
    assert_true(estadisticas_model_action(&m, ACTION_DOWN, 10));
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " 2 Campaña 2"));
    assert_non_null(strstr(out, "Sin entrega: 1 · Fallas por motivo: sin WhatsApp ×2, 479 ×1\n"));
    free(out);
    assert_true(estadisticas_model_action(&m, ACTION_TOGGLE_VIEW, 10));
    assert_int_equal(m.grupo, ESTADISTICAS_POR_PROMOTOR);
    estadisticas_model_fini(&m);
}

static void
test_scrolls_and_empty(void **st)
{
    struct estadisticas_model m;
    struct estadisticas_fila *v = calloc(40, sizeof *v);
    char *out;

    (void)st;
    estadisticas_model_init(&m);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "Consultando las estadísticas…"));
    free(out);
    for (int i = 0; i < 40; i++)
        v[i] = fila(i % 2 ? "a" : "b", 20261101 + i % 28, i + 1, 5, 0, "{}");
    estadisticas_model_take(&m, v, 40);
    m.grupo = ESTADISTICAS_POR_CAMPANA;
    assert_true(estadisticas_model_action(&m, ACTION_BOTTOM, 10));
    out = render(&m, 80, 12);
    assert_non_null(strstr(out, " 40 Campaña 40"));
    assert_null(strstr(out, " 1 Campaña 1 "));
    assert_int_equal(m.cur, 39);
    free(out);
    estadisticas_model_take(&m, NULL, 0);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "Sin envíos en estas fechas."));
    free(out);
    estadisticas_model_fini(&m);
}

/* rango("a b", hoy) → "desde hasta", or "✗ message" */
static char *
rango(const char *words, const char *hoy)
{
    static char out[ERR_MSG_BYTES + 8];
    char buf[100], *args[4], desde[11] = "x", hasta[11] = "x";
    int n = 0;
    struct err e;

    snprintf(buf, sizeof buf, "%s", words);
    for (char *t = strtok(buf, " "); t != NULL && n < 4; t = strtok(NULL, " "))
        args[n++] = t;
    if (estadisticas_rango(n, args, hoy, desde, hasta, &e) != RC_OK) {
        assert_string_equal(desde, "x"); /* a refusal changes nothing */
        snprintf(out, sizeof out, "✗ %s", e.msg);
    } else {
        snprintf(out, sizeof out, "%s %s", desde, hasta);
    }
    return out;
}

static void
test_range_of_the_command(void **st)
{
    (void)st;
    assert_string_equal(rango("2026-11-01 2026-11-29", "2026-11-29"), "2026-11-01 2026-11-29");
    assert_string_equal(rango("2026-11-03", "2026-11-29"), "2026-11-03 2026-11-03");
    assert_string_equal(rango("hoy", "2026-11-29"), "2026-11-29 2026-11-29");
    assert_string_equal(rango("ayer", "2026-03-01"), "2026-02-28 2026-02-28");
    assert_string_equal(rango("ayer", "2028-03-01"), "2028-02-29 2028-02-29"); /* leap year */
    assert_string_equal(rango("2026-11-01 hoy", "2026-11-29"), "2026-11-01 2026-11-29");
    assert_string_equal(rango("7d", "2026-11-29"), "2026-11-23 2026-11-29");
    assert_string_equal(rango("1d", "2026-11-29"), "2026-11-29 2026-11-29");
    assert_string_equal(rango("30d", "2027-01-10"), "2026-12-12 2027-01-10"); /* year change */
    assert_string_equal(rango("366d", "2026-11-29"), "2025-11-29 2026-11-29");
    assert_string_equal(rango("2025-11-28 2026-11-29", "2026-11-29"),
                        "2025-11-28 2026-11-29"); /* 366 days after: the most the api takes */

    assert_string_equal(rango("2026-02-30", "2026-11-29"),
                        "✗ fecha inválida «2026-02-30» (AAAA-MM-DD, hoy o ayer)");
    assert_string_equal(rango("2026-11-01 mañana", "2026-11-29"),
                        "✗ fecha inválida «mañana» (AAAA-MM-DD, hoy o ayer)");
    assert_string_equal(rango("29/11/2026", "2026-11-29"),
                        "✗ fecha inválida «29/11/2026» (AAAA-MM-DD, hoy o ayer)");
    assert_string_equal(rango("2026-11-29 2026-11-01", "2026-11-29"),
                        "✗ el rango empieza después de terminar: 2026-11-29 a 2026-11-01");
    assert_string_equal(rango("2025-11-27 2026-11-29", "2026-11-29"),
                        "✗ el rango pasa de 366 días");
    assert_string_equal(rango("367d", "2026-11-29"), "✗ «367d»: de 1d a 366d");
    assert_string_equal(rango("0d", "2026-11-29"),
                        "✗ fecha inválida «0d» (AAAA-MM-DD, hoy o ayer)");
    assert_string_equal(rango("", "2026-11-29"),
                        "✗ uso: :estadisticas DESDE [HASTA] (AAAA-MM-DD, hoy, ayer) o "
                        ":estadisticas 7d");
    assert_string_equal(rango("hoy ayer hoy", "2026-11-29"),
                        "✗ uso: :estadisticas DESDE [HASTA] (AAAA-MM-DD, hoy, ayer) o "
                        ":estadisticas 7d");
    assert_string_equal(rango("hoy", ""), "✗ no se sabe qué día es hoy en el negocio");
}

/* Meta's codes of a Cloud API campaign's failures in words, with the number beside them; the
 * sender's in words alone; a code without words as it is. */
static void
test_reasons_in_words(void **st)
{
    struct estadisticas_model m;
    struct estadisticas_fila *v = calloc(1, sizeof *v);
    char *out;

    (void)st;
    estadisticas_model_init(&m);
    snprintf(m.desde, sizeof m.desde, "2026-11-30");
    snprintf(m.hasta, sizeof m.hasta, "2026-11-30");
    v[0] = fila("prom9", 20261130, 9, 40, 7,
                "{\"131026\": 3, \"131047\": 2, \"131049\": 1, \"DESTINO_INVALIDO\": 1,"
                " \"463\": 1}");
    estadisticas_model_take(&m, v, 1);
    out = render(&m, 250, 50);
    assert_non_null(strstr(out, "   sin WhatsApp (131026) ×3, fuera de la ventana de 24 h (131047) "
                                "×2, límite de marketing de Meta (131049) ×1, número inválido ×1,"
                                " 463 ×1\n"));
    free(out);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Fallas por motivo: sin WhatsApp (131026) ×3, fuera de la "
                                "ventana de 24 h (1310…\n"));
    free(out);
    estadisticas_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reasons_in_words),  cmocka_unit_test(test_reasons_json),
        cmocka_unit_test(test_by_promoter_80x24), cmocka_unit_test(test_by_day_and_campaign_160x50),
        cmocka_unit_test(test_scrolls_and_empty), cmocka_unit_test(test_range_of_the_command),
    };

    return cmocka_run_group_tests_name("estadisticas_vm", tests, setup_utf8, NULL);
}
