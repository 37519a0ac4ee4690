/*
 * test_bandeja_vm — the supervisor's bandeja: layout at 80×24 and 160×50, ages, tagging with
 * Space (and which ids an action takes), the promoter picker with quota and cartera, the
 * reason request for every decision, tags surviving a re-read, the empty and error states, a
 * row in the do-not-contact registry (the glyph and the footer's words at 80 columns, the
 * words at 160, ASCII); the pending prórrogas under the exits (80×24 and 160×50 with accents,
 * the cursor walking into them and back, s and n only deciding the highlighted one, the
 * footer's reason, an empty bandeja, ASCII).
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

#include "ui/vm/bandeja_vm.h"

static struct bandeja_vm vm;

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static struct bandeja_fila *
filas_new(size_t *n)
{
    static const char *const cl[] = { "María Guadalupe López Núñez", "Begoña Ibáñez", "Ana" };
    struct bandeja_fila *f = calloc(3, sizeof *f);

    for (int i = 0; i < 3; i++) {
        f[i].id = 10 + i;
        snprintf(f[i].cliente, sizeof f[i].cliente, "%s", cl[i]);
        snprintf(f[i].login, sizeof f[i].login, "prom%d", i + 1);
        snprintf(f[i].etapa, sizeof f[i].etapa, "%s", i ? "No interesado" : "No localizado");
        snprintf(f[i].motivo, sizeof f[i].motivo, "%s",
                 i == 1 ? "ya tiene crédito con otra financiera" : "no contesta");
        f[i].espera_habiles = i == 0 ? 0.42 : i == 1 ? 5.4 : 130;
        f[i].atrasada = i == 2;
        f[i].intentos = i == 0 ? 2 : 0;
        snprintf(f[i].ultimo_intento, sizeof f[i].ultimo_intento, "%s",
                 i == 0 ? "BUZON" : i == 2 ? "NO_CONTESTA" : "");
    }
    *n = 3;
    return f;
}

static void
model_new(struct bandeja_model *m)
{
    struct bandeja_promotor *p = calloc(2, sizeof *p);
    struct bandeja_fila *f;
    size_t n;

    bandeja_model_init(m);
    f = filas_new(&n);
    bandeja_model_take(m, f, n);
    snprintf(p[0].login, sizeof p[0].login, "prom1");
    snprintf(p[0].nombre, sizeof p[0].nombre, "José Luis Hernández García");
    snprintf(p[0].estado, sizeof p[0].estado, "ACTIVO");
    p[0].cupo_restante = 48;
    p[0].cartera = 12;
    p[0].cartera_max = 400;
    snprintf(p[1].login, sizeof p[1].login, "prom2");
    snprintf(p[1].nombre, sizeof p[1].nombre, "María Guadalupe López Núñez");
    snprintf(p[1].estado, sizeof p[1].estado, "VACACIONES");
    p[1].cartera = 350;
    p[1].cartera_max = 350;
    bandeja_model_take_promotores(m, p, 2);
}

static void
test_ages(void **st)
{
    char buf[32];

    (void)st;
    bandeja_espera_fmt(buf, sizeof buf, 0);
    assert_string_equal(buf, "0 min");
    bandeja_espera_fmt(buf, sizeof buf, 0.42);
    assert_string_equal(buf, "25 min");
    bandeja_espera_fmt(buf, sizeof buf, 0.999);
    assert_string_equal(buf, "59 min");
    bandeja_espera_fmt(buf, sizeof buf, 1);
    assert_string_equal(buf, "1 h");
    bandeja_espera_fmt(buf, sizeof buf, 23.9);
    assert_string_equal(buf, "23 h");
    /* business hours have no fixed day: no "d" */
    bandeja_espera_fmt(buf, sizeof buf, 130.5);
    assert_string_equal(buf, "130 h");
}

static void
test_layout_at_80_and_160(void **st)
{
    struct bandeja_model m;
    bool redraw;
    char *r;

    (void)st;
    model_new(&m);
    bandeja_model_action(&m, ACTION_TAG, 10, &redraw);
    assert_true(redraw);
    bandeja_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, 4);
    assert_string_equal(
        r, "  Cliente               Promotor Salida        Motivo                Espera háb.\n"
           "✓ María Guadalupe Lópe… prom1    No localizado no contesta           25 min\n"
           "  Begoña Ibáñez         prom2    No interesado ya tiene crédito con… 5 h\n"
           "  Ana                   prom3    No interesado no contesta           130 h\n");
    free(r);
    assert_int_equal(vm.lines[1].spans[1].role, ROLE_TAG);
    assert_int_equal(vm.lines[2].spans[1].role, ROLE_CURSOR);     /* Space moved on */
    /* late by the database's rule (crm.ajustes.bandeja_horas), not by a number here */
    assert_int_equal(vm.lines[3].spans[5].role, ROLE_TIMER_LATE);
    assert_int_equal(vm.lines[1].spans[5].role, ROLE_VALUE);
    assert_string_equal(vm.lines[23].spans[0].text,
                        "Bandeja · 3 en espera · 1 atrasada · 1 marcada · intentos: ninguno");
    bandeja_vm_build(&vm, &m, 160, 50);
    assert_string_equal(vm.lines[0].spans[5].text, "Intentos");
    assert_string_equal(vm.lines[1].spans[6].text, "2 · buzón            ");
    assert_string_equal(vm.lines[2].spans[6].text, "ninguno              ");
    /* an attempt recorded before a reassignment: none count now, the last one shows */
    assert_string_equal(vm.lines[3].spans[6].text, "0 · no contesta      ");
    assert_int_equal(vm.nlines, 50);
    assert_string_equal(vm.lines[49].spans[0].text,
                        "Bandeja · 3 en espera · 1 atrasada · 1 marcada");
    bandeja_model_action(&m, ACTION_TAG, 10, &redraw); /* the cursor's row: two now */
    bandeja_vm_build(&vm, &m, 160, 50);
    assert_string_equal(vm.lines[49].spans[0].text,
                        "Bandeja · 3 en espera · 1 atrasada · 2 marcadas");
    bandeja_model_fini(&m);
}

static void
test_ids_are_the_tagged_rows_or_the_cursor(void **st)
{
    struct bandeja_model m;
    int64_t ids[4];
    bool redraw;

    (void)st;
    model_new(&m);
    assert_int_equal(bandeja_model_ids(&m, ids, 4), 1);
    assert_int_equal(ids[0], 10);
    bandeja_model_action(&m, ACTION_DOWN, 10, &redraw);
    bandeja_model_action(&m, ACTION_TAG, 10, &redraw); /* 11, moves to 12 */
    bandeja_model_action(&m, ACTION_TAG, 10, &redraw); /* 12, stays: last row */
    assert_int_equal(bandeja_model_ids(&m, ids, 4), 2);
    assert_int_equal(ids[0], 11);
    assert_int_equal(ids[1], 12);
    bandeja_model_action(&m, ACTION_TAG, 10, &redraw); /* untag 12 */
    assert_int_equal(bandeja_model_ntagged(&m), 1);
    assert_int_equal(bandeja_model_action(&m, ACTION_BACK, 10, &redraw), BANDEJA_NADA);
    assert_int_equal(bandeja_model_ntagged(&m), 0); /* Esc clears the tags */
    bandeja_model_fini(&m);
}

static void
test_every_decision_asks_for_a_reason_reasignar_picks_first(void **st)
{
    struct bandeja_model m;
    bool redraw;
    char *d;

    (void)st;
    model_new(&m);
    assert_int_equal(bandeja_model_action(&m, ACTION_RETURN_POOL, 10, &redraw),
                     BANDEJA_PEDIR_MOTIVO);
    assert_int_equal(m.accion, BANDEJA_DEVOLVER);
    assert_int_equal(bandeja_model_action(&m, ACTION_DISCARD, 10, &redraw), BANDEJA_PEDIR_MOTIVO);
    assert_int_equal(m.accion, BANDEJA_DESCARTAR);
    assert_int_equal(bandeja_model_action(&m, ACTION_REOPEN, 10, &redraw), BANDEJA_PEDIR_MOTIVO);
    assert_string_equal(bandeja_accion_titulo(m.accion), "Reabrir");
    assert_int_equal(bandeja_model_action(&m, ACTION_REASSIGN, 10, &redraw), BANDEJA_NADA);
    assert_true(m.picking);
    bandeja_vm_build(&vm, &m, 80, 24);
    d = bandeja_vm_dump(&vm);
    assert_non_null(strstr(d, "pick 1,8 5x64 Reasignar a… \n"
                              "0.2 heading|Promotor\n"
                              "0.40 heading|Cupo hoy  Cartera\n"
                              "1.2 cursor|prom1 (José Luis Hernández García)    \n"
                              "1.40 cursor|      48  12/400       \n"
                              "2.2 text|prom2 (María Guadalupe López Núñez) … \n"
                              "2.40 error|       0  350/350      \n"));
    free(d);
    bandeja_model_action(&m, ACTION_DOWN, 10, &redraw);
    assert_int_equal(bandeja_model_action(&m, ACTION_OPEN, 10, &redraw), BANDEJA_PEDIR_MOTIVO);
    assert_int_equal(m.accion, BANDEJA_REASIGNAR);
    assert_string_equal(m.a_login, "prom2");
    assert_false(m.picking);
    bandeja_model_action(&m, ACTION_REASSIGN, 10, &redraw);
    assert_int_equal(bandeja_model_action(&m, ACTION_BACK, 10, &redraw), BANDEJA_NADA);
    assert_false(m.picking);
    bandeja_model_fini(&m);
}

static void
test_tags_and_cursor_survive_a_reread(void **st)
{
    struct bandeja_model m;
    struct bandeja_fila *f;
    size_t n;
    bool redraw;

    (void)st;
    model_new(&m);
    bandeja_model_action(&m, ACTION_DOWN, 10, &redraw);
    bandeja_model_action(&m, ACTION_TAG, 10, &redraw); /* tag 11, cursor on 12 */
    f = filas_new(&n);
    memmove(&f[0], &f[1], 2 * sizeof *f); /* 10 was decided elsewhere */
    bandeja_model_take(&m, f, 2);
    assert_true(m.filas[0].tagged);
    assert_int_equal(m.filas[m.cur].id, 12);
    bandeja_model_fini(&m);
}

static void
test_empty_loading_and_error(void **st)
{
    struct bandeja_model m;
    bool redraw;

    (void)st;
    bandeja_model_init(&m);
    bandeja_vm_build(&vm, &m, 80, 5);
    assert_string_equal(vm.lines[1].spans[0].text, "Consultando la bandeja…");
    bandeja_model_take(&m, NULL, 0);
    bandeja_vm_build(&vm, &m, 80, 5);
    assert_string_equal(vm.lines[1].spans[0].text,
                        "La bandeja está vacía: no hay salidas por decidir.");
    assert_int_equal(bandeja_model_action(&m, ACTION_REASSIGN, 10, &redraw), BANDEJA_NADA);
    assert_false(m.picking);
    snprintf(m.error, sizeof m.error, "No se pudo leer la bandeja: sin conexión");
    bandeja_vm_build(&vm, &m, 80, 5);
    assert_int_equal(vm.lines[4].spans[0].role, ROLE_ERROR);
    bandeja_model_fini(&m);
}

static void
test_no_contactar_rows(void **st)
{
    struct bandeja_model m;
    char *r;

    (void)st;
    model_new(&m);
    m.filas[0].no_contactar = true;
    m.filas[2].no_contactar = true;
    bandeja_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, 4);
    assert_string_equal(
        r, "  Cliente               Promotor Salida        Motivo                Espera háb.\n"
           "  María Guadalupe Ló… ⊘ prom1    No localizado no contesta           25 min\n"
           "  Begoña Ibáñez         prom2    No interesado ya tiene crédito con… 5 h\n"
           "  Ana                 ⊘ prom3    No interesado no contesta           130 h\n");
    free(r);
    assert_int_equal(vm.lines[3].spans[2].role, ROLE_ERROR);
    assert_int_equal(vm.lines[1].spans[2].role, ROLE_CURSOR); /* the row under the cursor */
    /* The glyph is not self-explaining: the footer says it for the row under the cursor. */
    assert_string_equal(vm.lines[23].spans[0].text,
                        "Bandeja · 3 en espera · 1 atrasada · intentos: 2 · buzón");
    assert_string_equal(vm.lines[23].spans[1].text, "⊘ No contactar");
    assert_int_equal(vm.lines[23].spans[1].role, ROLE_ERROR);
    bandeja_model_action(&m, ACTION_DOWN, 10, &(bool){ false });
    bandeja_vm_build(&vm, &m, 80, 24);
    assert_int_equal(vm.lines[23].nspans, 1); /* Begoña: not in the registry */
    /* Wide: the words in the cell. */
    bandeja_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines, 4);
    assert_non_null(strstr(r, "\n  María Guadalupe L… ⊘ No contactar prom1 "));
    assert_non_null(strstr(r, "\n  Ana                ⊘ No contactar prom3 "));
    free(r);
    m.ascii = true;
    assert_non_null(setlocale(LC_ALL, "C"));
    bandeja_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[3].spans[2].text, "! ");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    bandeja_model_fini(&m);
}

/* A client the lender dropped (sql/087, 091): «⚠» before the name, the footer's words for the
 * row under the cursor, «!» in ASCII. */
static void
test_dropped_client_rows(void **st)
{
    struct bandeja_model m;
    char *r;

    (void)st;
    model_new(&m);
    m.filas[0].baja_padron = true;
    m.filas[0].no_contactar = true;
    m.filas[1].baja_padron = true;
    bandeja_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, 3);
    assert_string_equal(
        r, "  Cliente               Promotor Salida        Motivo                Espera háb.\n"
           "  ⚠ María Guadalupe … ⊘ prom1    No localizado no contesta           25 min\n"
           "  ⚠ Begoña Ibáñez       prom2    No interesado ya tiene crédito con… 5 h\n");
    free(r);
    /* The row's own marks first: the count of late rows gives way at 80 columns. */
    assert_string_equal(vm.lines[23].spans[0].text, "Bandeja · 3 en espera · intentos: 2 · buzón");
    assert_string_equal(vm.lines[23].spans[1].text, "⊘ No contactar");
    assert_string_equal(vm.lines[23].spans[2].text, "⚠ Baja del padrón");
    assert_int_equal(vm.lines[23].spans[2].role, ROLE_TIMER_WARN);
    bandeja_model_action(&m, ACTION_DOWN, 10, &(bool){ false });
    bandeja_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[23].spans[0].text,
                        "Bandeja · 3 en espera · 1 atrasada · intentos: ninguno");
    assert_string_equal(vm.lines[23].spans[1].text, "⚠ Baja del padrón");
    m.ascii = true;
    assert_non_null(setlocale(LC_ALL, "C"));
    bandeja_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, 3);
    assert_non_null(strstr(r, "\n  ! Begona Ibanez "));
    free(r);
    assert_string_equal(vm.lines[23].spans[1].text, "! Baja del padron");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    bandeja_model_fini(&m);
}

static struct bandeja_prorroga *
prorrogas_new(size_t *n)
{
    struct bandeja_prorroga *p = calloc(2, sizeof *p);

    p[0].id = 7;
    p[0].oportunidad_id = 11;
    snprintf(p[0].cliente, sizeof p[0].cliente, "Begoña Ibáñez Ñúñez");
    snprintf(p[0].login, sizeof p[0].login, "prom2");
    snprintf(p[0].etapa, sizeof p[0].etapa, "Contactado");
    snprintf(p[0].vence, sizeof p[0].vence, "03/12/26 10:00");
    snprintf(p[0].reanudar, sizeof p[0].reanudar, "2026-12-15");
    snprintf(p[0].motivo, sizeof p[0].motivo, "pidió que le llamen después del día 15");
    snprintf(p[0].pedida, sizeof p[0].pedida, "01/12/26 09:30");
    p[1].id = 8;
    p[1].oportunidad_id = 12;
    snprintf(p[1].cliente, sizeof p[1].cliente, "Ana");
    snprintf(p[1].login, sizeof p[1].login, "prom3");
    snprintf(p[1].etapa, sizeof p[1].etapa, "Interesado");
    snprintf(p[1].reanudar, sizeof p[1].reanudar, "2026-12-20");
    snprintf(p[1].motivo, sizeof p[1].motivo, "de viaje");
    snprintf(p[1].pedida, sizeof p[1].pedida, "01/12/26 11:00");
    *n = 2;
    return p;
}

static void
test_prorrogas_under_the_exits(void **st)
{
    struct bandeja_model m;
    struct bandeja_prorroga *p;
    bool redraw;
    size_t n;
    char *r;

    (void)st;
    model_new(&m);
    p = prorrogas_new(&n);
    bandeja_model_take_prorrogas(&m, p, n);
    bandeja_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines + 18, 5); /* a blank row, then the section over the footer */
    assert_string_equal(
        r, "\n"
           "Prórrogas por decidir (2)\n"
           "  Cliente             Promotor Etapa       Vence          Reanudar Motivo\n"
           "  Begoña Ibáñez Ñúñez prom2    Contactado  03/12/26 10:00 15/12/26 pidió que l…\n"
           "  Ana                 prom3    Interesado  —              20/12/26 de viaje\n");
    free(r);
    assert_int_equal(vm.lines[21].spans[1].role, ROLE_TEXT); /* the cursor is in the exits */
    /* s in the exits only takes the cursor to the prórrogas: nothing is decided unseen. */
    assert_int_equal(bandeja_model_action(&m, ACTION_EXTENSION_APPROVE, 10, &redraw), BANDEJA_NADA);
    assert_true(redraw);
    assert_int_equal(bandeja_model_prorroga(&m)->id, 7);
    bandeja_vm_build(&vm, &m, 80, 24);
    assert_int_equal(vm.lines[21].spans[1].role, ROLE_CURSOR);
    assert_int_equal(vm.lines[1].spans[1].role, ROLE_TEXT); /* the exit lost the cursor */
    assert_string_equal(vm.lines[23].spans[0].text,
                        "Prórroga de prom2 hasta el 15/12/26 · pedida 01/12/26 09:30 · pidió que"
                        " le llam…");
    bandeja_model_action(&m, ACTION_DOWN, 10, &redraw);
    assert_int_equal(bandeja_model_action(&m, ACTION_EXTENSION_REJECT, 10, &redraw),
                     BANDEJA_RECHAZAR);
    assert_int_equal(bandeja_model_prorroga(&m)->id, 8);
    assert_int_equal(bandeja_model_action(&m, ACTION_EXTENSION_APPROVE, 10, &redraw),
                     BANDEJA_APROBAR);
    /* A click on a row of either list puts the cursor there; the headings take nothing. */
    bandeja_vm_build(&vm, &m, 80, 24);
    assert_true(bandeja_vm_click(&vm, &m, 2)); /* the second exit */
    assert_null(bandeja_model_prorroga(&m));
    assert_int_equal(m.cur, 1);
    assert_true(bandeja_vm_click(&vm, &m, 22)); /* Ana's prórroga */
    assert_int_equal(bandeja_model_prorroga(&m)->id, 8);
    assert_false(bandeja_vm_click(&vm, &m, 20)); /* the section's column names */
    assert_false(bandeja_vm_click(&vm, &m, 0));
    assert_int_equal(bandeja_model_prorroga(&m)->id, 8);
    assert_true(bandeja_vm_click(&vm, &m, 1));
    assert_int_equal(m.cur, 0);
    assert_true(bandeja_vm_click(&vm, &m, 21));
    /* Up from the first prórroga goes back to the exits, to the row it left. */
    bandeja_model_action(&m, ACTION_UP, 10, &redraw);
    bandeja_model_action(&m, ACTION_UP, 10, &redraw);
    assert_null(bandeja_model_prorroga(&m));
    assert_int_equal(m.cur, 0);
    /* Wide: longer columns, the whole reason. */
    bandeja_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines + 45, 3);
    assert_string_equal(r, "Prórrogas por decidir (2)\n"
                           "  Cliente                           Promotor    Etapa           Vence"
                           "          Reanudar  Motivo\n"
                           "  Begoña Ibáñez Ñúñez               prom2       Contactado      03/12/"
                           "26 10:00 15/12/26  pidió que le llamen después del día 15\n");
    free(r);
    /* A re-read keeps the cursor on the same request; none left takes no row. */
    bandeja_model_action(&m, ACTION_BOTTOM, 10, &redraw);
    bandeja_model_action(&m, ACTION_DOWN, 10, &redraw);
    p = prorrogas_new(&n);
    bandeja_model_take_prorrogas(&m, p, n);
    assert_int_equal(bandeja_model_prorroga(&m)->id, 7);
    bandeja_model_take_prorrogas(&m, NULL, 0);
    assert_null(bandeja_model_prorroga(&m));
    bandeja_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, 24);
    assert_null(strstr(r, "Prórrogas"));
    free(r);
    bandeja_model_fini(&m);
}

static void
test_prorrogas_with_an_empty_bandeja_and_ascii(void **st)
{
    struct bandeja_model m;
    struct bandeja_prorroga *p;
    size_t n;
    char *r;

    (void)st;
    bandeja_model_init(&m);
    bandeja_model_take(&m, NULL, 0);
    p = prorrogas_new(&n);
    bandeja_model_take_prorrogas(&m, p, n);
    assert_int_equal(bandeja_model_prorroga(&m)->id, 7); /* nowhere else to be */
    bandeja_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[1].spans[0].text,
                        "La bandeja está vacía: no hay salidas por decidir.");
    assert_string_equal(vm.lines[19].spans[0].text, "Prórrogas por decidir (2)");
    m.ascii = true;
    assert_non_null(setlocale(LC_ALL, "C"));
    bandeja_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines + 19, 4);
    assert_string_equal(
        r, "Prorrogas por decidir (2)\n"
           "  Cliente             Promotor Etapa       Vence          Reanudar Motivo\n"
           "  Begona Ibanez Nunez prom2    Contactado  03/12/26 10:00 15/12/26 pidio que l~\n"
           "  Ana                 prom3    Interesado  -              20/12/26 de viaje\n");
    free(r);
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    bandeja_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ages),
        cmocka_unit_test(test_layout_at_80_and_160),
        cmocka_unit_test(test_ids_are_the_tagged_rows_or_the_cursor),
        cmocka_unit_test(test_every_decision_asks_for_a_reason_reasignar_picks_first),
        cmocka_unit_test(test_tags_and_cursor_survive_a_reread),
        cmocka_unit_test(test_empty_loading_and_error),
        cmocka_unit_test(test_no_contactar_rows),
        cmocka_unit_test(test_dropped_client_rows),
        cmocka_unit_test(test_prorrogas_under_the_exits),
        cmocka_unit_test(test_prorrogas_with_an_empty_bandeja_and_ascii),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
