/* test_ventas_vm — what :ventas lists, shown in the Embudo: the rows at 80×24 for a promoter
 * and for supervision (amounts right-aligned as «$138,500.00», a cancelled sale muted with
 * «cancelada» and out of the total, the cursor's whole row and its sale in words), 160 columns,
 * narrow terminals dropping the convenio then the producto, the cursor kept over a re-read and
 * scrolling with its range, none, ASCII, the words after ":ventas" and the amounts. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/vm/ventas_vm.h"
#include "util/err.h"

static struct ventas_vm vm;

static const struct ventas_rango noviembre = { "2026-11-01", "2026-11-29", "" };

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

/* n sales: the three below over and over (ids kept unique), newest first. */
static struct ventas_fila *
filas(size_t n)
{
    static const struct ventas_fila base[] = {
        { 31, "2026-11-29", "TV-100", "Rocío Íñiguez Bárcenas", "IMSS", "Crédito de nómina",
          "138000.50", "prom1", false, "", "", "", "29/11/2026" },
        { 12, "2026-11-28", "F-2", "Ñoño Núñez", "", "Pensión", "80000.50", "prom2", true,
          "29/11/2026", "sup1", "la financiera no autorizó el crédito", "" },
        { 7, "2026-11-02", "SEP/2026/000123", "Rocío Peña Castañeda de la Garza", "ISSSTE",
          "Crédito", "1250000.00", "prom1", false, "", "", "", "" },
    };
    struct ventas_fila *f = calloc(n, sizeof *f);

    assert_non_null(f);
    for (size_t i = 0; i < n; i++) {
        f[i] = base[i % 3];
        f[i].oportunidad_id = n <= 3 ? base[i].oportunidad_id : (int64_t)(i + 1) * 100;
    }
    return f;
}

static char *
render(struct ventas_model *m, int w, int h)
{
    ventas_vm_build(&vm, m, w, h);
    return vm_lines_render(vm.lines, vm.nlines);
}

static void
test_rows_at_80_for_a_promoter(void **st)
{
    struct ventas_model m;
    char *r;

    (void)st;
    ventas_model_init(&m);
    m.profile = VM_PROFILE_PROMOTOR;
    ventas_model_take(&m, &noviembre, filas(3), 3);
    assert_true(m.abierto);
    r = render(&m, 80, 8);
    assert_string_equal(
        r, "Ventas del 1 al 29 de nov de 2026 · sus ventas\n"
           "Fecha    Folio      Cliente                  Convenio Producto             Monto\n"
           "29/11/26 TV-100     Rocío Íñiguez Bárcenas   IMSS     Crédito de …   $138,000.50\n"
           "28/11/26 F-2        Ñoño Núñez               —        Pensión          cancelada\n"
           "02/11/26 SEP/2026/… Rocío Peña Castañeda de… ISSSTE   Crédito      $1,250,000.00\n"
           "\n"
           "Corregida el 29/11/2026 · Enter abre en Detalle · [ ] otro mes · Esc vuelve\n"
           "2 ventas vigentes, total $1,388,000.50 · 1 cancelada, no suma\n");
    free(r);
    assert_int_equal(vm.lines[2].fill, ROLE_CURSOR);
    assert_int_equal(vm.lines[2].spans[0].role, ROLE_CURSOR);
    assert_int_equal(vm.lines[3].spans[0].role, ROLE_MUTED); /* cancelled: muted, whole */
    assert_int_equal(vm.lines[3].spans[5].role, ROLE_MUTED);
    assert_int_equal(vm.lines[4].spans[0].role, ROLE_TEXT);
    assert_int_equal(vm.lines[4].spans[5].role, ROLE_VALUE); /* the amount */
    assert_int_equal(vm.lines[7].spans[0].role, ROLE_HEADING);
    assert_int_equal(vm.lines[7].spans[1].role, ROLE_MUTED);
    assert_int_equal(ventas_model_selected(&m)->oportunidad_id, 31);
    /* The cancelled one under the cursor says when, who and why. */
    assert_true(ventas_model_move(&m, ACTION_DOWN, 3));
    r = render(&m, 80, 8);
    assert_non_null(
        strstr(r, "\nCancelada el 29/11/2026 por sup1: «la financiera no autorizó el crédito»\n"));
    free(r);
    assert_false(ventas_model_move(&m, ACTION_OPEN, 3));
    ventas_model_close(&m);
    assert_false(m.abierto);
    assert_null(ventas_model_selected(&m));
    ventas_model_fini(&m);
}

static void
test_supervision_sees_whose_at_80_and_160(void **st)
{
    struct ventas_model m;
    char *r;

    (void)st;
    ventas_model_init(&m);
    m.profile = VM_PROFILE_SUPERVISOR;
    ventas_model_take(&m, &noviembre, filas(3), 3);
    r = render(&m, 80, 24);
    assert_non_null(strstr(r, "Ventas del 1 al 29 de nov de 2026 · todo el equipo\n"
                              "Fecha    Folio      Cliente        Convenio Producto     Promotor  "
                              "        Monto\n"
                              "29/11/26 TV-100     Rocío Íñiguez… IMSS     Crédito de … prom1     "
                              "  $138,000.50\n"));
    free(r);
    r = render(&m, 160, 50);
    assert_non_null(strstr(r, "02/11/26 SEP/2026/000123  Rocío Peña Castañeda de la Garza "));
    assert_non_null(strstr(r, " ISSSTE     Crédito                  prom1        $1,250,000.00\n"));
    free(r);
    /* An admin's and the auditor's are everyone's; narrowed to one promoter, it says whose. */
    m.profile = VM_PROFILE_AUDITOR;
    r = render(&m, 80, 24);
    assert_non_null(strstr(r, "Ventas del 1 al 29 de nov de 2026 · todos los promotores\n"));
    free(r);
    snprintf(m.r.promotor, sizeof m.r.promotor, "prom1");
    r = render(&m, 80, 24);
    assert_non_null(strstr(r, "Ventas del 1 al 29 de nov de 2026 · solo prom1\n"));
    free(r);
    ventas_model_fini(&m);
}

/* Narrower, the convenio goes first, then the producto; the amount never. */
static void
test_narrow_drops_convenio_then_producto(void **st)
{
    struct ventas_model m;
    char *r;

    (void)st;
    ventas_model_init(&m);
    m.profile = VM_PROFILE_PROMOTOR;
    ventas_model_take(&m, &noviembre, filas(3), 3);
    r = render(&m, 62, 8);
    assert_non_null(strstr(r, "Fecha    Folio      Cliente         Producto             Monto\n"));
    free(r);
    r = render(&m, 50, 8);
    assert_non_null(strstr(r, "Fecha    Folio      Cliente                  Monto\n"));
    assert_non_null(strstr(r, "02/11/26 SEP/2026/… Rocío Peña Cast… $1,250,000.00\n"));
    free(r);
    ventas_model_fini(&m);
}

static void
test_cursor_kept_and_scrolling(void **st)
{
    struct ventas_model m;
    struct ventas_rango otro = noviembre;
    char *r;
    int64_t sel;

    (void)st;
    ventas_model_init(&m);
    m.profile = VM_PROFILE_SUPERVISOR;
    ventas_model_take(&m, &noviembre, filas(40), 40);
    assert_true(ventas_model_move(&m, ACTION_PAGE_DOWN, 4));
    assert_true(ventas_model_move(&m, ACTION_DOWN, 4));
    r = render(&m, 80, 8);
    assert_non_null(strstr(r, "3–6 de 40\n"));
    assert_non_null(
        strstr(r, "27 ventas vigentes, total $18,182,007.00 · 13 canceladas, no suman"));
    free(r);
    /* A re-read of the same range keeps the sale; another range starts at the top. */
    sel = ventas_model_selected(&m)->oportunidad_id;
    ventas_model_take(&m, &noviembre, filas(40), 40);
    assert_int_equal(ventas_model_selected(&m)->oportunidad_id, sel);
    snprintf(otro.desde, sizeof otro.desde, "2026-11-02");
    ventas_model_take(&m, &otro, filas(40), 40);
    assert_int_equal(m.cur, 0);
    r = render(&m, 80, 8);
    assert_non_null(strstr(r, "Ventas del 2 al 29 de nov de 2026 · todo el equipo  "));
    assert_non_null(strstr(r, "1–4 de 40\n"));
    free(r);
    /* Short terminals: the heading, the rows and the total. */
    r = render(&m, 80, 3);
    assert_non_null(strstr(r, "1–1 de 40\n29/11/26 TV-100"));
    assert_non_null(strstr(r, "\n27 ventas vigentes"));
    free(r);
    ventas_model_fini(&m);
}

static void
test_none_and_ascii(void **st)
{
    struct ventas_model m;
    char *r;

    (void)st;
    ventas_model_init(&m);
    m.profile = VM_PROFILE_PROMOTOR;
    ventas_model_take(&m, &noviembre, NULL, 0);
    r = render(&m, 80, 8);
    assert_non_null(strstr(r, "\nNinguna venta registrada en estas fechas.\n"));
    assert_non_null(
        strstr(r, "\n[ ] otro mes · Esc vuelve a las tarjetas\n0 ventas vigentes, total $0.00\n"));
    free(r);
    assert_non_null(setlocale(LC_ALL, "C"));
    m.ascii = true;
    m.profile = VM_PROFILE_SUPERVISOR;
    ventas_model_take(&m, &noviembre, filas(40), 40);
    r = render(&m, 80, 8);
    assert_non_null(strstr(r, "Ventas del 1 al 29 de nov de 2026 - todo el equipo"));
    assert_non_null(strstr(r, "1-4 de 40\n"));
    assert_non_null(strstr(r, "28/11/26 F-2        Nono Nunez     -        Pension      prom2"));
    free(r);
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    ventas_model_fini(&m);
}

static void
test_the_words_after_ventas(void **st)
{
    char a[][24] = { "2026-11-05", "2026-11-20", "prom1", "otra" };
    char *args[4];
    struct ventas_rango r;
    struct err e;

    (void)st;
    for (int i = 0; i < 4; i++)
        args[i] = a[i];
    /* Nothing: the month of today up to today, the whole scope. */
    assert_int_equal(ventas_comando(0, args, "2026-11-29", &r, &e), RC_OK);
    assert_string_equal(r.desde, "2026-11-01");
    assert_string_equal(r.hasta, "2026-11-29");
    assert_string_equal(r.promotor, "");
    /* A range and a promoter; one date alone is that day; "todos" the whole scope. */
    assert_int_equal(ventas_comando(3, args, "2026-11-29", &r, &e), RC_OK);
    assert_string_equal(r.desde, "2026-11-05");
    assert_string_equal(r.hasta, "2026-11-20");
    assert_string_equal(r.promotor, "prom1");
    assert_int_equal(ventas_comando(1, args, "2026-11-29", &r, &e), RC_OK);
    assert_string_equal(r.hasta, "2026-11-05");
    snprintf(a[2], sizeof a[2], "todos");
    assert_int_equal(ventas_comando(3, args, "2026-11-29", &r, &e), RC_OK);
    assert_string_equal(r.promotor, "");
    /* A promoter alone: this month. */
    assert_int_equal(ventas_comando(1, args + 3, "2026-12-03", &r, &e), RC_OK);
    assert_string_equal(r.desde, "2026-12-01");
    assert_string_equal(r.promotor, "otra");
    /* Mistakes leave r as it was. */
    snprintf(a[1], sizeof a[1], "2026-02-30");
    assert_int_equal(ventas_comando(2, args, "2026-11-29", &r, &e), RC_INVAL);
    assert_string_equal(e.msg, "fecha inválida «2026-02-30» (AAAA-MM-DD)");
    assert_string_equal(r.promotor, "otra");
    snprintf(a[1], sizeof a[1], "2026-11-20");
    snprintf(a[2], sizeof a[2], "prom1");
    assert_int_equal(ventas_comando(4, args, "2026-11-29", &r, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "uso: :ventas [DESDE [HASTA]] [LOGIN]"));
    /* Without a business date, the database's own default. */
    assert_int_equal(ventas_comando(0, args, "", &r, &e), RC_OK);
    assert_string_equal(r.desde, "");
}

/* [ and ]: whole calendar months, across years and February, never past today. */
static void
test_months_before_and_after(void **st)
{
    struct ventas_rango r = { .desde = "2026-11-01", .hasta = "2026-11-29", .promotor = "p1" };

    (void)st;
    assert_true(ventas_mes_mover(&r, -1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-10-01");
    assert_string_equal(r.hasta, "2026-10-31");
    assert_string_equal(r.promotor, "p1");
    for (int i = 0; i < 8; i++)
        assert_true(ventas_mes_mover(&r, -1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-02-01");
    assert_string_equal(r.hasta, "2026-02-28");
    assert_true(ventas_mes_mover(&r, -2, "2026-11-29"));
    assert_string_equal(r.desde, "2025-12-01");
    assert_string_equal(r.hasta, "2025-12-31");
    assert_true(ventas_mes_mover(&r, +11, "2026-11-29")); /* today's month: up to today */
    assert_string_equal(r.desde, "2026-11-01");
    assert_string_equal(r.hasta, "2026-11-29");
    assert_false(ventas_mes_mover(&r, +1, "2026-11-29")); /* nothing sold yet */
    assert_string_equal(r.desde, "2026-11-01");
    /* A range that is no month (one day, or none: the month of today) moves by its start. */
    memset(&r, 0, sizeof r);
    assert_true(ventas_mes_mover(&r, -1, "2024-03-15"));
    assert_string_equal(r.desde, "2024-02-01");
    assert_string_equal(r.hasta, "2024-02-29");
    snprintf(r.desde, sizeof r.desde, "2026-07-19");
    assert_true(ventas_mes_mover(&r, +1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-08-01");
    assert_string_equal(r.hasta, "2026-08-31");
}

static void
test_amounts_and_total(void **st)
{
    struct ventas_model m;
    size_t vig, canc;
    int64_t cent;

    (void)st;
    ventas_model_init(&m);
    ventas_model_take(&m, &noviembre, filas(3), 3);
    ventas_model_total(&m, &vig, &cent, &canc);
    assert_int_equal(vig, 2);
    assert_int_equal(cent, 138800050); /* 138,000.50 + 1,250,000.00, no binary rounding */
    assert_int_equal(canc, 1);
    ventas_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_at_80_for_a_promoter),
        cmocka_unit_test(test_supervision_sees_whose_at_80_and_160),
        cmocka_unit_test(test_narrow_drops_convenio_then_producto),
        cmocka_unit_test(test_cursor_kept_and_scrolling),
        cmocka_unit_test(test_none_and_ascii),
        cmocka_unit_test(test_the_words_after_ventas),
        cmocka_unit_test(test_months_before_and_after),
        cmocka_unit_test(test_amounts_and_total),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
