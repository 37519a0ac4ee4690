/*
 * test_informe_vm — the funnel report pane: the range in words, moving it (a period back or
 * forward, never past today; a day, a week, a month), ":informe"'s words, the stage table at
 * 80×24 (short headings, «Otras» left out) and 160×50 (every column, the promoters), narrower
 * widths leaving columns out and never overflowing, the reasons with their bars and ASCII
 * twins, a promoter's own report, scrolling, the empty, loading and failed states, and the
 * promoter filter's cycle.
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

#include "ui/vm/informe_vm.h"
#include "util/err.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct informe_vm vm;

/* A week of the demo's funnel: stages in orden, reasons by kind then n, promoters by nombre
 * as the database sends them (one with nothing, one with a sale of cents). */
static const struct informe_etapa etapas[] = {
    { "Nuevo", "INICIAL", 48, 6, 30, 0, 4, 0, 12, 0, 10.5, 22.25, 36 },
    { "Contactado", "NORMAL", 30, 14, 9, 2, 2, 0, 1, 0, 16.0, 40.0, 16 },
    { "Interesado", "NORMAL", 9, 5, 4, 1, 0, 0, 0, 0, 31.44, 70.0, 4 },
    { "Documentación", "NORMAL", 4, 3, 2, 0, 0, 0, 1, 0, 44.0, 44.0, 1 },
    { "En trámite", "NORMAL", 2, 2, 0, 0, 0, 2, 0, 0, 12.0, 18.0, 0 },
    { "Venta", "VENTA", 2, 0, 0, 0, 0, 0, 0, 0, -1, -1, 2 },
    { "No localizado", "SALIDA", 4, 3, 0, 0, 0, 0, 0, 3, 2.0, 5.5, 1 },
    { "No interesado", "SALIDA", 2, 2, 0, 0, 0, 0, 0, 2, 1.0, 1.0, 0 },
    { "No califica", "SALIDA", 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 0 },
};

static const struct informe_motivo motivos[] = {
    { "A_BANDEJA", "No localizado", 4 },
    { "A_BANDEJA", "No interesado", 2 },
    { "DESCARTADA", "Número equivocado", 2 },
    { "DEVUELTA", "Sin documentos", 3 },
    { "INTENTO", "NO_CONTESTA", 21 },
    { "INTENTO", "BUZON", 9 },
    { "INTENTO", "CITA", 2 },
    { "TIMER_VENCIDO", "Nuevo", 12 },
    { "TIMER_VENCIDO", "Contactado", 1 },
};

static const struct informe_promotor promotores[] = {
    { "prom4", "Ana Laura Sánchez Peña", 12, 0, 8, 1, 3, 0, 0 },
    { "prom1", "José Luis Hernández García", 24, 2, 19, 3, 6, 1, 35000 },
    { "prom3", "Juan Carlos Martínez Ortiz", 12, 0, 5, 2, 3, 1, 1250400.5 },
    { "prom2", "María Guadalupe López Núñez", 0, 0, 0, 0, 0, 0, 0 },
};

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void *
copia(const void *p, size_t n)
{
    void *q = malloc(n + 1);

    assert_non_null(q);
    memcpy(q, p, n);
    return q;
}

/* The report above, or its first np promoters and nothing else when empty is set. */
static void
datos(struct informe_datos *d, const char *promotor, size_t np, bool empty)
{
    memset(d, 0, sizeof *d);
    snprintf(d->desde, sizeof d->desde, "2026-11-23");
    snprintf(d->hasta, sizeof d->hasta, "2026-11-29");
    snprintf(d->promotor, sizeof d->promotor, "%s", promotor);
    d->etapas = copia(etapas, sizeof etapas);
    d->netapas = N(etapas);
    d->promotores = copia(promotores, np * sizeof promotores[0]);
    d->npromotores = np;
    if (empty) {
        for (size_t i = 0; i < d->netapas; i++) {
            struct informe_etapa *t = &d->etapas[i]; /* en_etapa stays: it is now */

            t->entradas = t->salidas = t->avanzaron = t->regresaron = 0;
            t->a_bandeja = t->ventas = t->vencidas = t->otras = 0;
            t->horas_mediana = t->horas_p90 = -1;
        }
        memset(d->promotores, 0, np * sizeof promotores[0]);
        for (size_t i = 0; i < np; i++)
            snprintf(d->promotores[i].login, sizeof d->promotores[i].login, "%s",
                     promotores[i].login);
        return;
    }
    d->motivos = copia(motivos, sizeof motivos);
    d->nmotivos = N(motivos);
}

static void
model_new(struct informe_model *m, enum vm_profile profile)
{
    struct informe_datos d;

    informe_model_init(m, profile);
    datos(&d, "", N(promotores), false);
    informe_model_take(m, &d);
}

static void
assert_render(int width, int height, struct informe_model *m, const char *want)
{
    char *r;

    informe_vm_build(&vm, m, width, height);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(r, want);
    free(r);
}

static void
test_the_range_in_words(void **st)
{
    char buf[96];

    (void)st;
    informe_rango_texto(buf, sizeof buf, "2026-11-23", "2026-11-29");
    assert_string_equal(buf, "del 23 al 29 de nov de 2026");
    informe_rango_texto(buf, sizeof buf, "2026-10-31", "2026-11-29");
    assert_string_equal(buf, "del 31 de oct al 29 de nov de 2026");
    informe_rango_texto(buf, sizeof buf, "2025-12-28", "2026-01-03");
    assert_string_equal(buf, "del 28 de dic de 2025 al 3 de ene de 2026");
    informe_rango_texto(buf, sizeof buf, "2026-11-29", "2026-11-29");
    assert_string_equal(buf, "del 29 de nov de 2026");
}

static void
test_moving_the_range_never_passes_today(void **st)
{
    struct informe_rango r = { "", "", "" };

    (void)st;
    /* Unknown yet (the server's default week): taken as the week ending today. */
    assert_int_equal(informe_rango_dias(&r), 0);
    assert_false(informe_rango_mover(&r, +1, "2026-11-29"));
    assert_string_equal(r.desde, "");
    assert_true(informe_rango_mover(&r, -1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-11-16");
    assert_string_equal(r.hasta, "2026-11-22");
    assert_int_equal(informe_rango_dias(&r), 7);
    assert_true(informe_rango_mover(&r, +1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-11-23");
    assert_string_equal(r.hasta, "2026-11-29");
    assert_false(informe_rango_mover(&r, +1, "2026-11-29"));
    /* A step that would pass today ends the range today, same length. */
    snprintf(r.desde, sizeof r.desde, "2026-11-20");
    snprintf(r.hasta, sizeof r.hasta, "2026-11-26");
    assert_true(informe_rango_mover(&r, +1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-11-23");
    assert_string_equal(r.hasta, "2026-11-29");
    /* A month ends where the week ended; back a month crosses into October; a day. */
    assert_true(informe_rango_periodo(&r, 30, "2026-11-29"));
    assert_string_equal(r.desde, "2026-10-31");
    assert_int_equal(informe_rango_dias(&r), 30);
    assert_false(informe_rango_periodo(&r, 30, "2026-11-29"));
    assert_true(informe_rango_mover(&r, -1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-10-01");
    assert_string_equal(r.hasta, "2026-10-30");
    assert_true(informe_rango_periodo(&r, 1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-10-30");
    assert_string_equal(r.hasta, "2026-10-30");
    assert_true(informe_rango_mover(&r, -1, "2026-11-29"));
    assert_string_equal(r.hasta, "2026-10-29");
    /* Across a leap day, and a hoy that is not a date moves nothing. */
    snprintf(r.desde, sizeof r.desde, "2028-03-01");
    snprintf(r.hasta, sizeof r.hasta, "2028-03-07");
    assert_true(informe_rango_mover(&r, -1, "2028-12-01"));
    assert_string_equal(r.desde, "2028-02-23");
    assert_string_equal(r.hasta, "2028-02-29");
    assert_false(informe_rango_mover(&r, -1, "ayer"));
    assert_false(informe_rango_periodo(&r, 7, "2028-02-31"));
}

static void
test_the_words_of_the_command(void **st)
{
    struct informe_rango r = { "2026-11-23", "2026-11-29", "" };
    char a1[] = "2026-11-01", a2[] = "2026-11-15", a3[] = "prom3", todos[] = "todos";
    char malo[] = "2026-02-30", otro[] = "prom4";
    char *dos[] = { a1, a2 }, *tres[] = { a1, a2, a3 }, *uno[] = { a3 }, *t[] = { todos };
    char *sola[] = { a1 }, *mala[] = { a1, malo }, *sobra[] = { a3, otro };
    struct err e;

    (void)st;
    err_clear(&e);
    assert_int_equal(informe_comando(0, NULL, &r, &e), RC_OK);
    assert_string_equal(r.desde, "2026-11-23");
    assert_int_equal(informe_comando(1, uno, &r, &e), RC_OK);
    assert_string_equal(r.promotor, "prom3");
    assert_string_equal(r.hasta, "2026-11-29");
    assert_int_equal(informe_comando(2, dos, &r, &e), RC_OK);
    assert_string_equal(r.desde, "2026-11-01");
    assert_string_equal(r.hasta, "2026-11-15");
    assert_string_equal(r.promotor, "prom3"); /* not given: as it was */
    assert_int_equal(informe_comando(1, t, &r, &e), RC_OK);
    assert_string_equal(r.promotor, "");
    assert_int_equal(informe_comando(3, tres, &r, &e), RC_OK);
    assert_string_equal(r.promotor, "prom3");
    /* Mistakes leave the range as it was. */
    assert_int_equal(informe_comando(1, sola, &r, &e), RC_INVAL);
    assert_string_equal(e.msg, "uso: :informe [DESDE HASTA] [LOGIN] (fechas AAAA-MM-DD; "
                               "«todos»: sin elegir promotor)");
    assert_int_equal(informe_comando(2, mala, &r, &e), RC_INVAL);
    assert_string_equal(e.msg, "fecha inválida «2026-02-30» (AAAA-MM-DD)");
    assert_int_equal(informe_comando(2, sobra, &r, &e), RC_INVAL);
    assert_string_equal(r.promotor, "prom3");
    assert_string_equal(r.desde, "2026-11-01");
}

static void
test_supervisor_at_80x24(void **st)
{
    struct informe_model m;

    (void)st;
    model_new(&m, VM_PROFILE_SUPERVISOR);
    assert_render(
        80, 21, &m,
        " Informe del 23 al 29 de nov de 2026 · todo el equipo                1–20 de 34\n"
        "\n"
        " Etapa          Entr.  Sal.   →  ←  Band.  Venta  Venc.  Med. h  P90 h  Ahora\n"
        " Nuevo             48     6  30  0      4      0     12    10.5   22.3     36\n"
        " Contactado        30    14   9  2      2      0      1    16.0   40.0     16\n"
        " Interesado         9     5   4  1      0      0      0    31.4   70.0      4\n"
        " Documentación      4     3   2  0      0      0      1    44.0   44.0      1\n"
        " En trámite         2     2   0  0      0      2      0    12.0   18.0      0\n"
        " Venta              2     0   0  0      0      0      0       —      —      2\n"
        " No localizado      4     3   0  0      0      0      0     2.0    5.5      1\n"
        " No interesado      2     2   0  0      0      0      0     1.0    1.0      0\n"
        " No califica        0     0   0  0      0      0      0       —      —      0\n"
        "\n"
        " Por qué salen\n"
        "  Salida elegida            6\n"
        "    No localizado           4  ████████████████████████████████████████\n"
        "    No interesado           2  ████████████████████\n"
        "  Tiempo vencido en        13\n"
        "    Nuevo                  12  ████████████████████████████████████████\n"
        "    Contactado              1  ███▍\n"
        "  Devuelta por supervisor   3\n");
    assert_int_equal(vm.page, 20);
    assert_int_equal(vm.content, 34);
    assert_int_equal(vm.lines[0].spans[0].role, ROLE_HEADING);
    assert_int_equal(vm.lines[0].spans[1].role, ROLE_MUTED);
    assert_int_equal(vm.lines[2].spans[0].role, ROLE_LABEL);
    assert_int_equal(vm.lines[3].spans[7].role, ROLE_TIMER_LATE); /* 12 vencidas */
    assert_int_equal(vm.lines[3].spans[4].role, ROLE_MUTED);      /* 0 went back… */
    assert_int_equal(vm.lines[3].spans[5].role, ROLE_VALUE);      /* …4 to the bandeja */
    assert_string_equal(vm.lines[8].spans[8].text, "—");
    assert_int_equal(vm.lines[8].spans[8].role, ROLE_MUTED);
    assert_int_equal(vm.lines[18].spans[2].role, ROLE_TIMER_LATE); /* a bar of expired ones */
    assert_int_equal(vm.lines[14].spans[0].role, ROLE_LABEL);
    informe_model_fini(&m);
}

static void
test_every_column_and_the_promoters_at_160x50(void **st)
{
    struct informe_model m;
    char *r;

    (void)st;
    model_new(&m, VM_PROFILE_SUPERVISOR);
    informe_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(
        r, " Informe del 23 al 29 de nov de 2026 · todo el equipo\n"
           "\n"
           " Etapa          Entradas  Salidas   →  ←  Bandeja  Venta  Vencidas  Otras  Mediana h"
           "  P90 h  Ahora\n"
           " Nuevo                48        6  30  0        4      0        12      0       10.5"
           "   22.3     36\n"));
    assert_non_null(strstr(
        r, "  Intentos de contacto     32\n"
           "    no contesta            21  ████████████████████████████████████████\n"
           "    buzón                   9  █████████████████▏\n"
           "    cita                    2  ███▊\n"
           "\n"
           " Por promotor\n"
           " Promotor                        Recibidas  Captadas  Intentos  Bandeja  Vencidas"
           "  Ventas       Monto  Conversión\n"
           " prom4 Ana Laura Sánchez Peña           12         0         8        1         3"
           "       0          $0       0.0 %\n"
           " prom1 José Luis Hernández Gar…         24         2        19        3         6"
           "       1     $35,000       3.8 %\n"
           " prom3 Juan Carlos Martínez Or…         12         0         5        2         3"
           "       1  $1,250,401       8.3 %\n"
           " prom2 María Guadalupe López N…          0         0         0        0         0"
           "       0          $0           —\n"));
    free(r);
    assert_int_equal(vm.content, 34); /* everything fits: no position in the title */
    assert_int_equal(vm.lines[0].nspans, 1);
    informe_model_fini(&m);
}

/* Narrower, columns go (least important first) and nothing passes the right edge. */
static void
test_narrow_widths_leave_columns_out_and_never_overflow(void **st)
{
    struct informe_model m;

    (void)st;
    model_new(&m, VM_PROFILE_ADMIN);
    informe_vm_build(&vm, &m, 60, 20);
    assert_string_equal(vm.lines[0].spans[0].text,
                        "Informe del 23 al 29 de nov de 2026 · todos lo…");
    assert_int_equal(vm.lines[2].nspans, 8);
    assert_string_equal(vm.lines[2].spans[3].text, "→");
    assert_string_equal(vm.lines[2].spans[6].text, "Med. h");
    informe_vm_build(&vm, &m, 44, 12);
    assert_int_equal(vm.lines[2].nspans, 5); /* Etapa, Entr., Sal., Med. h, Ahora */
    assert_string_equal(vm.lines[2].spans[4].text, "Ahora");
    for (int w = 30; w <= 160; w++) {
        m.scroll = 0;
        for (int page = 0; page < 4; page++) {
            informe_vm_build(&vm, &m, w, 12);
            for (int y = 0; y < vm.nlines; y++)
                for (int s = 0; s < vm.lines[y].nspans; s++)
                    if (vm.lines[y].spans[s].col + vm.lines[y].spans[s].width > w)
                        fail_msg("%d columnas, fila %d: «%s» se sale", w, y,
                                 vm.lines[y].spans[s].text);
            informe_model_action(&m, ACTION_PAGE_DOWN, vm.page);
        }
    }
    informe_model_fini(&m);
}

static void
test_ascii_twins(void **st)
{
    struct informe_model m;

    (void)st;
    model_new(&m, VM_PROFILE_SUPERVISOR);
    m.ascii = true;
    assert_non_null(setlocale(LC_ALL, "C"));
    m.scroll = 13;
    assert_render(
        80, 12, &m,
        " Informe del 23 al 29 de nov de 2026 - todo el equipo               14-24 de 34\n"
        "  Salida elegida            6\n"
        "    No localizado           4  ########################################\n"
        "    No interesado           2  ####################\n"
        "  Tiempo vencido en        13\n"
        "    Nuevo                  12  ########################################\n"
        "    Contactado              1  ###\n"
        "  Devuelta por supervisor   3\n"
        "    Sin documentos          3  ########################################\n"
        "  Descartada                2\n"
        "    Numero equivocado       2  ########################################\n"
        "  Intentos de contacto     32\n");
    m.scroll = 0;
    informe_vm_build(&vm, &m, 80, 12);
    assert_string_equal(vm.lines[2].spans[3].text, "->");
    assert_string_equal(vm.lines[2].spans[4].text, "<-");
    assert_string_equal(vm.lines[8].spans[8].text, "-");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    informe_model_fini(&m);
}

/* A promoter: their own opportunities, no table of promoters (there is one: them). */
static void
test_a_promoter_sees_their_own(void **st)
{
    struct informe_model m;
    struct informe_datos d;
    char *r;

    (void)st;
    informe_model_init(&m, VM_PROFILE_PROMOTOR);
    datos(&d, "", 1, false);
    informe_model_take(&m, &d);
    informe_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, " Informe del 23 al 29 de nov de 2026 · sus oportunidades\n"));
    assert_null(strstr(r, "Por promotor"));
    assert_non_null(strstr(r, "Por qué salen"));
    free(r);
    informe_model_fini(&m);
    /* A supervisor narrowed to one promoter still gets the table, with that one. */
    informe_model_init(&m, VM_PROFILE_SUPERVISOR);
    datos(&d, "prom4", 1, false);
    informe_model_take(&m, &d);
    informe_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, " Informe del 23 al 29 de nov de 2026 · solo prom4\n"));
    assert_non_null(strstr(r, " Por promotor\n"));
    assert_null(strstr(r, "prom1"));
    free(r);
    informe_model_fini(&m);
}

static void
test_scrolling(void **st)
{
    struct informe_model m;

    (void)st;
    model_new(&m, VM_PROFILE_SUPERVISOR);
    informe_vm_build(&vm, &m, 80, 21);
    assert_false(informe_model_action(&m, ACTION_UP, vm.page));
    assert_false(informe_model_action(&m, ACTION_OPEN, vm.page));
    assert_true(informe_model_action(&m, ACTION_DOWN, vm.page));
    informe_vm_build(&vm, &m, 80, 21);
    assert_string_equal(vm.lines[0].spans[1].text, "2–21 de 34");
    assert_string_equal(vm.lines[1].spans[0].text, "Etapa");
    assert_true(informe_model_action(&m, ACTION_PAGE_DOWN, vm.page));
    informe_vm_build(&vm, &m, 80, 21);
    assert_int_equal(m.scroll, 14); /* clamped: the last page ends at the last row */
    assert_string_equal(vm.lines[0].spans[1].text, "15–34 de 34");
    assert_string_equal(vm.lines[20].spans[0].text, "prom2 María Guad…");
    assert_true(informe_model_action(&m, ACTION_PAGE_UP, vm.page));
    assert_int_equal(m.scroll, 0);
    assert_true(informe_model_action(&m, ACTION_BOTTOM, vm.page));
    informe_vm_build(&vm, &m, 80, 21);
    assert_int_equal(m.scroll, 14);
    assert_true(informe_model_action(&m, ACTION_TOP, vm.page));
    /* A taller pane needs no scrolling: the scroll comes back to the top. */
    m.scroll = 5;
    informe_vm_build(&vm, &m, 160, 50);
    assert_int_equal(m.scroll, 0);
    informe_model_fini(&m);
}

static void
test_loading_failing_and_nothing_happened(void **st)
{
    struct informe_model m;
    struct informe_datos d;

    (void)st;
    informe_model_init(&m, VM_PROFILE_SUPERVISOR);
    assert_render(80, 5, &m, " Informe del embudo\n Consultando el informe…\n\n\n\n");
    snprintf(m.error, sizeof m.error, "No se pudo leer el informe: sin conexión");
    informe_vm_build(&vm, &m, 80, 5);
    assert_string_equal(vm.lines[1].spans[0].text, "No se pudo leer el informe: sin conexión");
    assert_int_equal(vm.lines[1].spans[0].role, ROLE_ERROR);
    /* A week where nothing moved: the stages (with who is there now) and one line. */
    datos(&d, "", 2, true);
    informe_model_take(&m, &d);
    assert_string_equal(m.error, "");
    assert_render(80, 16, &m,
                  " Informe del 23 al 29 de nov de 2026 · todo el equipo\n"
                  "\n"
                  " Etapa          Entr.  Sal.  →  ←  Band.  Venta  Venc.  Med. h  P90 h  Ahora\n"
                  " Nuevo              0     0  0  0      0      0      0       —      —     36\n"
                  " Contactado         0     0  0  0      0      0      0       —      —     16\n"
                  " Interesado         0     0  0  0      0      0      0       —      —      4\n"
                  " Documentación      0     0  0  0      0      0      0       —      —      1\n"
                  " En trámite         0     0  0  0      0      0      0       —      —      0\n"
                  " Venta              0     0  0  0      0      0      0       —      —      2\n"
                  " No localizado      0     0  0  0      0      0      0       —      —      1\n"
                  " No interesado      0     0  0  0      0      0      0       —      —      0\n"
                  " No califica        0     0  0  0      0      0      0       —      —      0\n"
                  "\n"
                  " Sin movimiento en estas fechas: nada entró ni salió de ninguna etapa.\n"
                  "\n"
                  "\n");
    /* A failed re-read keeps the report under the error. */
    snprintf(m.error, sizeof m.error, "No se pudo leer el informe: se cayó");
    informe_vm_build(&vm, &m, 80, 16);
    assert_string_equal(vm.lines[1].spans[0].text, "No se pudo leer el informe: se cayó");
    assert_string_equal(vm.lines[3].spans[0].text, "Etapa");
    informe_model_fini(&m);
}

/* p: each login of the last whole-scope report, then everyone again; a narrowed report (one
 * promoter in it) keeps the list. */
static void
test_the_promoter_cycle(void **st)
{
    struct informe_model m;
    struct informe_datos d;
    const char *p = "";
    char seen[128] = "";

    (void)st;
    model_new(&m, VM_PROFILE_SUPERVISOR);
    for (int i = 0; i < 5; i++) {
        p = informe_model_siguiente(&m, p);
        strcat(seen, p[0] != '\0' ? p : "todos");
        strcat(seen, " ");
        if (p[0] != '\0') {
            datos(&d, p, 1, false);
            informe_model_take(&m, &d);
        }
    }
    assert_string_equal(seen, "prom4 prom1 prom3 prom2 todos ");
    assert_int_equal(m.nlogins, 4);
    assert_string_equal(informe_model_siguiente(&m, "quien"), "");
    informe_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_range_in_words),
        cmocka_unit_test(test_moving_the_range_never_passes_today),
        cmocka_unit_test(test_the_words_of_the_command),
        cmocka_unit_test(test_supervisor_at_80x24),
        cmocka_unit_test(test_every_column_and_the_promoters_at_160x50),
        cmocka_unit_test(test_narrow_widths_leave_columns_out_and_never_overflow),
        cmocka_unit_test(test_ascii_twins),
        cmocka_unit_test(test_a_promoter_sees_their_own),
        cmocka_unit_test(test_scrolling),
        cmocka_unit_test(test_loading_failing_and_nothing_happened),
        cmocka_unit_test(test_the_promoter_cycle),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
