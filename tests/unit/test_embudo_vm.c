/*
 * test_embudo_vm — the embudo pane: timer labels and states, kanban and list layouts at 80×24
 * and 160×50, truncation of long names with accents, the "/" filter (accent-blind), sort,
 * cursor and scrolling over 10,000 cards, empty states, the «⊘ No contactar» tag of cards in
 * the do-not-contact registry (kanban, list, ASCII, under the cursor, found by the filter).
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

#include "ui/vm/embudo_vm.h"

static struct embudo_vm vm; /* large: static, the test thread only */

static const struct embudo_stage stages[] = {
    { 1, false, "Nuevo", false, 0 },        { 2, false, "Contactado", false, 0 },
    { 3, false, "Interesado", false, 0 },   { 4, false, "En trámite", false, 0 },
    { 5, true, "No localizado", false, 2 }, { 8, false, "Venta", true, 0 },
};

struct fx {
    const char *cliente;
    const char *convenio;
    int etapa;
    double restante;
    enum embudo_estado estado;
};

static const struct fx sample[] = {
    { "José Luis Hernández García", "IMSS", 1, 3.3333333, EMBUDO_ABIERTA },
    { "María Guadalupe López Núñez de la Peña y Ávila", "ISSSTE", 1, 23.5, EMBUDO_ABIERTA },
    { "Begoña Ibáñez", "IMSS", 1, 0.75, EMBUDO_ABIERTA },
    { "Ana", "ISSSTE", 2, -2.0833333, EMBUDO_ABIERTA },
    { "Juan Pérez", "IMSS", 4, 100, EMBUDO_ABIERTA },
    { "Zoe Ruiz", "ISSSTE", 5, 0, EMBUDO_EN_BANDEJA },
    { "Óscar Muñoz", "IMSS", 8, 0, EMBUDO_GANADA },
};

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
load(struct embudo_model *m, const struct fx *f, size_t n)
{
    struct embudo_card *c = n > 0 ? calloc(n, sizeof *c) : NULL;

    for (size_t i = 0; i < n; i++) {
        c[i].id = (int64_t)i + 1;
        c[i].etapa_id = f[i].etapa;
        c[i].estado = f[i].estado;
        c[i].con_timer = f[i].estado == EMBUDO_ABIERTA;
        c[i].restante = f[i].restante;
        c[i].timer_horas = 24;
        c[i].aviso_pct = 75;
        c[i].etapa_desde = 1000 - (long long)i;
        snprintf(c[i].cliente, sizeof c[i].cliente, "%s", f[i].cliente);
        snprintf(c[i].convenio, sizeof c[i].convenio, "%s", f[i].convenio);
        snprintf(c[i].login, sizeof c[i].login, "prom%zu", i % 2 + 1);
    }
    embudo_model_take_cards(m, c, n);
}

static void
model_new(struct embudo_model *m)
{
    embudo_model_init(m);
    embudo_model_set_stages(m, stages, (int)(sizeof stages / sizeof stages[0]));
    load(m, sample, sizeof sample / sizeof sample[0]);
}

static void
assert_render(struct embudo_model *m, int w, int h, const char *want)
{
    char *got;

    embudo_vm_build(&vm, m, w, h);
    got = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(got, want);
    free(got);
}

static void
test_timer_labels_and_states(void **st)
{
    char buf[64];

    (void)st;
    assert_int_equal(timer_estado_de(false, 5, 24, 75), TIMER_NINGUNO);
    assert_int_equal(timer_estado_de(true, 6.01, 24, 75), TIMER_OK);
    assert_int_equal(timer_estado_de(true, 6, 24, 75), TIMER_AVISO); /* 75 % used */
    assert_int_equal(timer_estado_de(true, 0, 24, 75), TIMER_VENCIDO);
    assert_int_equal(timer_estado_de(true, -1, 24, 75), TIMER_VENCIDO);
    timer_label(buf, sizeof buf, TIMER_OK, 3.3333333);
    assert_string_equal(buf, "3 h 20 m hábiles");
    timer_label(buf, sizeof buf, TIMER_AVISO, 0.75);
    assert_string_equal(buf, "45 m hábiles");
    timer_label(buf, sizeof buf, TIMER_OK, 1.99);
    assert_string_equal(buf, "1 h 59 m hábiles"); /* never rounds up: 1 h 59 m 24 s */
    timer_label(buf, sizeof buf, TIMER_VENCIDO, -2.0833333);
    assert_string_equal(buf, "vencida hace 2 h 05 m");
    timer_label(buf, sizeof buf, TIMER_VENCIDO, -0.5);
    assert_string_equal(buf, "vencida hace 30 m");
    timer_label(buf, sizeof buf, TIMER_NINGUNO, 0);
    assert_string_equal(buf, "sin timer");
    assert_string_equal(timer_glyph(TIMER_OK), "●");
    assert_string_equal(timer_glyph(TIMER_AVISO), "◐");
    assert_string_equal(timer_glyph(TIMER_VENCIDO), "○");
    assert_int_equal(timer_role(TIMER_VENCIDO), ROLE_TIMER_LATE);
    /* Paused while its owner is away (sql/094): the hours it keeps, muted. */
    timer_label(buf, sizeof buf, TIMER_PAUSADO, 12.5);
    assert_string_equal(buf, "en pausa · 12 h 30 m hábiles");
    assert_string_equal(timer_glyph(TIMER_PAUSADO), "‖");
    assert_int_equal(timer_role(TIMER_PAUSADO), ROLE_MUTED);
    assert_int_equal(embudo_card_timer(&(struct embudo_card){ .con_timer = true,
                                                              .pausada = true,
                                                              .restante = 1,
                                                              .timer_horas = 24,
                                                              .aviso_pct = 75 }),
                     TIMER_PAUSADO);
    assert_int_equal(embudo_card_timer(&(struct embudo_card){
                         .con_timer = true, .restante = 1, .timer_horas = 24, .aviso_pct = 75 }),
                     TIMER_AVISO);
}

static void
test_kanban_at_80x24(void **st)
{
    struct embudo_model m;

    (void)st;
    model_new(&m);
    assert_render(&m, 80, 8,
                  "Nuevo · 3                 Contactado · 1            Interesado · 0\n"
                  "Begoña Ibáñez             Ana                       (vacía)\n"
                  "IMSS ◐ 45 m hábiles       ISSSTE ○ vencida hace 2 …\n"
                  "José Luis Hernández Garc…\n"
                  "IMSS ◐ 3 h 20 m hábiles\n"
                  "María Guadalupe López Nú…\n"
                  "ISSSTE ● 23 h 30 m hábil…\n"
                  "Mi embudo · 7 de 7 · orden: vencimiento · etapas 1–3 de 6\n");
    /* The first card of the focused column carries the cursor, over its whole width. */
    assert_int_equal(vm.lines[1].spans[0].role, ROLE_CURSOR);
    assert_int_equal(vm.lines[1].spans[0].width, 25);
    assert_int_equal(vm.lines[0].spans[0].role, ROLE_CURSOR);
    assert_int_equal(vm.lines[0].spans[1].role, ROLE_HEADING);
    assert_int_equal(vm.lines[2].spans[2].role, ROLE_MUTED); /* Ana's convenio */
    assert_int_equal(vm.lines[2].spans[3].role, ROLE_TIMER_LATE);
    assert_int_equal(vm.lines[6].spans[1].role, ROLE_TIMER_OK);
    assert_int_equal(embudo_model_selected(&m)->id, 3);
    embudo_vm_build(&vm, &m, 80, 24);
    assert_int_equal(vm.nlines, 24);
    assert_int_equal(vm.page, 11);
    embudo_model_fini(&m);
}

static void
test_kanban_at_160x50_shows_every_stage_and_the_owner(void **st)
{
    struct embudo_model m;

    (void)st;
    model_new(&m);
    m.show_owner = true;
    snprintf(m.scope, sizeof m.scope, "Equipo");
    embudo_vm_build(&vm, &m, 160, 50);
    {
        char *r = vm_lines_render(vm.lines, 3);

        assert_string_equal(
            r, "Nuevo · 3                 Contactado · 1            Interesado · 0            En"
               " trámite · 1            ⇥ No localizado · 1       Venta · 1\n"
               "Begoña Ibáñez             Ana                       (vacía)                   Ju"
               "an Pérez                Zoe Ruiz                  Óscar Muñoz\n"
               "IMSS·prom1 ◐ 45 m hábiles ISSSTE·prom2 ○ vencida h…                           IM"
               "SS·prom1 ● 100 h 00 m … ISSSTE·prom2 ▪ en bandeja IMSS·prom1 ✓ venta\n");
        free(r);
    }
    assert_int_equal(vm.lines[49].spans[0].col, 0);
    assert_string_equal(vm.lines[49].spans[0].text, "Equipo · 7 de 7 · orden: vencimiento");
    embudo_model_fini(&m);
}

static void
test_moving_right_scrolls_the_columns(void **st)
{
    struct embudo_model m;

    (void)st;
    model_new(&m);
    for (int i = 0; i < 4; i++)
        assert_true(embudo_model_action(&m, ACTION_RIGHT, 1));
    assert_render(&m, 80, 4,
                  "Interesado · 0            En trámite · 1            ⇥ No localizado · 1\n"
                  "(vacía)                   Juan Pérez                Zoe Ruiz\n"
                  "                          IMSS ● 100 h 00 m hábiles ISSSTE ▪ en bandeja\n"
                  "Mi embudo · 7 de 7 · orden: vencimiento · etapas 3–5 de 6\n");
    assert_int_equal(embudo_model_selected(&m)->id, 6);
    assert_true(embudo_model_action(&m, ACTION_RIGHT, 1));
    assert_false(embudo_model_action(&m, ACTION_RIGHT, 1)); /* last stage */
    assert_int_equal(embudo_model_selected(&m)->estado, EMBUDO_GANADA);
    embudo_model_fini(&m);
}

static void
test_list_view_at_80_and_160(void **st)
{
    struct embudo_model m;

    (void)st;
    model_new(&m);
    assert_true(embudo_model_action(&m, ACTION_TOGGLE_VIEW, 1));
    assert_true(embudo_model_action(&m, ACTION_DOWN, 1));
    assert_render(
        &m, 80, 5,
        "Cliente                               Conv.    Etapa        Tiempo\n"
        "Begoña Ibáñez                         IMSS     Nuevo        ◐ 45 m hábiles\n"
        "José Luis Hernández García            IMSS     Nuevo        ◐ 3 h 20 m hábiles\n"
        "María Guadalupe López Núñez de la Pe… ISSSTE   Nuevo        ● 23 h 30 m hábiles\n"
        "Mi embudo · 7 de 7 · orden: vencimiento\n");
    assert_int_equal(vm.lines[2].spans[0].role, ROLE_CURSOR);
    assert_int_equal(vm.lines[2].spans[3].role, ROLE_CURSOR);
    assert_int_equal(vm.lines[3].spans[3].role, ROLE_TIMER_OK);
    m.show_owner = true;
    assert_render(&m, 160, 3,
                  "Cliente                                          Conv.    Etapa            Tiem"
                  "po                     Promotor\n"
                  "José Luis Hernández García                       IMSS     Nuevo            ◐ 3 "
                  "h 20 m hábiles         prom1\n"
                  "Mi embudo · 7 de 7 · orden: vencimiento\n");
    embudo_model_fini(&m);
}

/* A click selects the card drawn under it: its column in the kanban (the header alone focuses
 * the column), its row in the list; blanks, the footer and a column scrolled out select nothing. */
static void
test_a_click_selects_the_card_under_it(void **st)
{
    struct embudo_model m;

    (void)st;
    model_new(&m);
    embudo_vm_build(&vm, &m, 80, 8); /* Nuevo, Contactado, Interesado: 26 columns each */
    assert_true(embudo_vm_click(&vm, &m, 4, 3)); /* Nuevo's second card, its second row */
    assert_string_equal(embudo_model_selected(&m)->cliente, "José Luis Hernández García");
    assert_true(embudo_vm_click(&vm, &m, 1, 30));
    assert_string_equal(embudo_model_selected(&m)->cliente, "Ana");
    assert_int_equal(m.col, 1);
    assert_false(embudo_vm_click(&vm, &m, 3, 30)); /* below Contactado's only card */
    assert_false(embudo_vm_click(&vm, &m, 1, 60)); /* Interesado is empty: focused, no card */
    assert_int_equal(m.col, 2);
    assert_null(embudo_model_selected(&m));
    assert_false(embudo_vm_click(&vm, &m, 7, 3)); /* the footer */
    assert_false(embudo_vm_click(&vm, &m, 0, 3)); /* Nuevo's header: the column, no card */
    assert_int_equal(m.col, 0);
    assert_string_equal(embudo_model_selected(&m)->cliente, "José Luis Hernández García");
    /* Another build shows stages 3–5: the first column on screen is Interesado. */
    for (int i = 0; i < 4; i++)
        (void)embudo_model_action(&m, ACTION_RIGHT, 1);
    embudo_vm_build(&vm, &m, 80, 8);
    assert_true(embudo_vm_click(&vm, &m, 2, 30));
    assert_string_equal(embudo_model_selected(&m)->cliente, "Juan Pérez");

    assert_true(embudo_model_action(&m, ACTION_TOGGLE_VIEW, 1));
    assert_true(embudo_model_action(&m, ACTION_TOP, 1));
    embudo_vm_build(&vm, &m, 80, 5); /* the list of test_list_view_at_80_and_160, from the top */
    assert_string_equal(vm.lines[3].spans[0].text, "María Guadalupe López Núñez de la Pe… ");
    assert_true(embudo_vm_click(&vm, &m, 3, 70));
    assert_string_equal(embudo_model_selected(&m)->cliente,
                        "María Guadalupe López Núñez de la Peña y Ávila");
    assert_false(embudo_vm_click(&vm, &m, 0, 1)); /* the column names */
    assert_false(embudo_vm_click(&vm, &m, 4, 1)); /* the footer */
    assert_string_equal(embudo_model_selected(&m)->cliente,
                        "María Guadalupe López Núñez de la Peña y Ávila");
    embudo_model_fini(&m);
}

static void
test_filter_ignores_accents_and_case_and_esc_clears_it(void **st)
{
    struct embudo_model m;
    const char *typed = "NUÑEZ";
    struct key k = { KK_CHAR, 0 };

    (void)st;
    model_new(&m);
    assert_true(embudo_model_action(&m, ACTION_FILTER, 1));
    assert_true(m.filtering);
    for (const char *p = typed; *p != '\0';) {
        /* Ñ as a code point, like ui/term delivers it. */
        if ((unsigned char)*p == 0xc3) {
            k.ch = 0xd1;
            p += 2;
        } else {
            k.ch = (uint32_t)(unsigned char)*p++;
        }
        assert_true(embudo_model_filter_key(&m, &k));
    }
    assert_string_equal(m.filter, "NUÑEZ");
    assert_int_equal(m.nidx, 1);
    assert_int_equal(embudo_model_selected(&m)->id, 2);
    embudo_vm_build(&vm, &m, 80, 6);
    assert_string_equal(vm.lines[5].spans[0].text, "/NUÑEZ▏ ");
    assert_string_equal(vm.lines[5].spans[1].text, "Mi embudo · 1 de 7 · orden: vencimiento");
    k.kind = KK_BACKSPACE;
    assert_true(embudo_model_filter_key(&m, &k));
    assert_string_equal(m.filter, "NUÑE");
    k.kind = KK_ENTER;
    assert_true(embudo_model_filter_key(&m, &k));
    assert_false(m.filtering);
    k.kind = KK_CHAR;
    assert_false(embudo_model_filter_key(&m, &k)); /* not typing any more */
    assert_true(embudo_model_action(&m, ACTION_BACK, 1));
    assert_string_equal(m.filter, "");
    assert_int_equal(m.nidx, 7);
    assert_false(embudo_model_action(&m, ACTION_BACK, 1)); /* nothing to back out of */
    /* ":buscar" sets it without typing; an empty one shows everything again. */
    embudo_model_set_filter(&m, "issste prom2");
    assert_false(m.filtering);
    assert_int_equal(m.nidx, 3); /* María, Ana, Zoe: ISSSTE cards of prom2 */
    embudo_model_set_filter(&m, "");
    assert_int_equal(m.nidx, 7);
    /* Nothing matches. */
    snprintf(m.filter, sizeof m.filter, "zzz");
    m.filtering = true;
    k.kind = KK_BACKSPACE;
    embudo_model_filter_key(&m, &k);
    assert_render(&m, 60, 3,
                  "\n"
                  " Ninguna oportunidad coincide con el filtro.\n"
                  "/zz▏ Mi embudo · 0 de 7 · orden: vencimiento\n");
    embudo_model_fini(&m);
}

static void
test_sort_cycles_and_keeps_the_cursor_on_the_same_card(void **st)
{
    struct embudo_model m;

    (void)st;
    model_new(&m);
    assert_true(embudo_model_action(&m, ACTION_DOWN, 1)); /* José (3 h 20 m) */
    assert_int_equal(embudo_model_selected(&m)->id, 1);
    assert_true(embudo_model_action(&m, ACTION_SORT, 1));
    assert_int_equal(m.sort, EMBUDO_SORT_CLIENTE);
    assert_int_equal(embudo_model_selected(&m)->id, 1);
    assert_int_equal(m.cur[0], 1); /* Begoña, José, María */
    assert_true(embudo_model_action(&m, ACTION_SORT, 1));
    assert_int_equal(m.sort, EMBUDO_SORT_ANTIGUEDAD); /* María (3rd row) entered first */
    assert_int_equal(m.cards[m.idx[0]].id, 3);
    assert_int_equal(embudo_model_selected(&m)->id, 1);
    assert_true(embudo_model_action(&m, ACTION_SORT, 1));
    assert_int_equal(m.sort, EMBUDO_SORT_VENCE);
    assert_string_equal(embudo_sort_name(EMBUDO_SORT_ANTIGUEDAD), "antigüedad");
    embudo_model_fini(&m);
}

static void
test_ten_thousand_cards_page_and_reload_keeps_the_cursor(void **st)
{
    struct embudo_model m;
    struct fx *many = calloc(10000, sizeof *many);

    (void)st;
    embudo_model_init(&m);
    embudo_model_set_stages(&m, stages, 6);
    for (int i = 0; i < 10000; i++) {
        many[i].cliente = "Cliente Núñez";
        many[i].convenio = "IMSS";
        many[i].etapa = 1 + i % 3;
        many[i].restante = i / 100.0;
        many[i].estado = EMBUDO_ABIERTA;
    }
    load(&m, many, 10000);
    assert_int_equal(m.start[1] - m.start[0], 3334);
    embudo_vm_build(&vm, &m, 80, 24);
    assert_true(embudo_model_action(&m, ACTION_PAGE_DOWN, vm.page));
    assert_int_equal(m.cur[0], 11);
    assert_true(embudo_model_action(&m, ACTION_BOTTOM, vm.page));
    embudo_vm_build(&vm, &m, 80, 24);
    assert_int_equal(m.top[0], 3334 - 11);
    assert_int_equal(vm.lines[22].spans[0].role, ROLE_CURSOR); /* the last card: rows 21–22 */
    /* A reload (as after a notification) with the same cards keeps the cursor there. */
    load(&m, many, 10000);
    assert_int_equal(m.cur[0], 3333);
    free(many);
    embudo_model_fini(&m);
}

static void
test_empty_states(void **st)
{
    struct embudo_model m;

    (void)st;
    embudo_model_init(&m);
    embudo_model_set_stages(&m, stages, 6);
    assert_render(&m, 80, 3,
                  "\n"
                  " Consultando la base de datos…\n"
                  "Mi embudo · 0 de 0 · orden: vencimiento\n");
    load(&m, NULL, 0);
    assert_render(&m, 80, 3,
                  "\n"
                  " No hay oportunidades abiertas. Pide un lote en Asignación.\n"
                  "Mi embudo · 0 de 0 · orden: vencimiento\n");
    assert_null(embudo_model_selected(&m));
    assert_false(embudo_model_action(&m, ACTION_DOWN, 1));
    embudo_vm_build(&vm, &m, 80, 0);
    assert_int_equal(vm.nlines, 0);
    embudo_model_fini(&m);
}

static void
test_ascii_terminal_glyphs(void **st)
{
    struct embudo_model m;

    (void)st;
    assert_non_null(setlocale(LC_ALL, "C"));
    model_new(&m);
    m.ascii = true;
    for (int i = 0; i < 4; i++)
        embudo_model_action(&m, ACTION_RIGHT, 1);
    assert_render(&m, 80, 4,
                  "Interesado - 0            En tramite - 1            > No localizado - 1\n"
                  "(vacia)                   Juan Perez                Zoe Ruiz\n"
                  "                          IMSS * 100 h 00 m habiles ISSSTE # en bandeja\n"
                  "Mi embudo - 7 de 7 - orden: vencimiento - etapas 3-5 de 6\n");
    for (size_t i = 0; i < m.ncards; i++) /* its owner is away: paused, "=" in ASCII */
        m.cards[i].pausada = strcmp(m.cards[i].cliente, "Juan Pérez") == 0;
    assert_render(&m, 120, 4,
                  "Contactado - 1          Interesado - 0          En tramite - 1          "
                  "> No localizado - 1     Venta - 1\n"
                  "Ana                     (vacia)                 Juan Perez              "
                  "Zoe Ruiz                Oscar Munoz\n"
                  "ISSSTE o vencida hace ~                         IMSS = en pausa - 100 ~ "
                  "ISSSTE # en bandeja     IMSS + venta\n"
                  "Mi embudo - 7 de 7 - orden: vencimiento - etapas 2-6 de 6\n");
    embudo_model_fini(&m);
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
}

/* Marks cards by id, as the controller does after a read. */
static void
mark(struct embudo_model *m, int64_t id)
{
    for (size_t i = 0; i < m->ncards; i++)
        if (m->cards[i].id == id)
            m->cards[i].no_contactar = true;
}

static void
test_no_contactar_tag_on_kanban_cards(void **st)
{
    struct embudo_model m;

    (void)st;
    model_new(&m);
    mark(&m, 1); /* José Luis, Nuevo */
    mark(&m, 4); /* Ana, Contactado */
    assert_render(&m, 80, 6,
                  "Nuevo · 3                 Contactado · 1            Interesado · 0\n"
                  "Begoña Ibáñez             Ana        ⊘ No contactar (vacía)\n"
                  "IMSS ◐ 45 m hábiles       ISSSTE ○ vencida hace 2 …\n"
                  "José Luis… ⊘ No contactar\n"
                  "IMSS ◐ 3 h 20 m hábiles\n"
                  "Mi embudo · 7 de 7 · orden: vencimiento · etapas 1–3 de 6\n");
    /* The tag has the error role and ends where the card does. */
    assert_string_equal(vm.lines[3].spans[1].text, "⊘ No contactar");
    assert_int_equal(vm.lines[3].spans[1].role, ROLE_ERROR);
    assert_int_equal(vm.lines[3].spans[1].col + vm.lines[3].spans[1].width, 25);
    assert_int_equal(vm.lines[3].spans[0].role, ROLE_TEXT);
    /* Under the cursor the whole row, tag included, is the cursor's. */
    assert_true(embudo_model_action(&m, ACTION_DOWN, 1));
    embudo_vm_build(&vm, &m, 80, 6);
    for (int i = 0; i < vm.lines[3].nspans && vm.lines[3].spans[i].col < 25; i++)
        assert_int_equal(vm.lines[3].spans[i].role, ROLE_CURSOR);
    assert_int_equal(embudo_model_selected(&m)->id, 1);
    embudo_model_fini(&m);
}

static void
test_no_contactar_tag_in_the_list_and_ascii(void **st)
{
    struct embudo_model m;

    (void)st;
    model_new(&m);
    mark(&m, 2); /* María Guadalupe: a long name gives way to the tag */
    assert_true(embudo_model_action(&m, ACTION_TOGGLE_VIEW, 1));
    assert_render(
        &m, 80, 5,
        "Cliente                               Conv.    Etapa        Tiempo\n"
        "Begoña Ibáñez                         IMSS     Nuevo        ◐ 45 m hábiles\n"
        "José Luis Hernández García            IMSS     Nuevo        ◐ 3 h 20 m hábiles\n"
        "María Guadalupe López… ⊘ No contactar ISSSTE   Nuevo        ● 23 h 30 m hábiles\n"
        "Mi embudo · 7 de 7 · orden: vencimiento\n");
    assert_non_null(setlocale(LC_ALL, "C"));
    m.ascii = true;
    assert_render(
        &m, 80, 5,
        "Cliente                               Conv.    Etapa        Tiempo\n"
        "Begona Ibanez                         IMSS     Nuevo        ~ 45 m habiles\n"
        "Jose Luis Hernandez Garcia            IMSS     Nuevo        ~ 3 h 20 m habiles\n"
        "Maria Guadalupe Lopez~ ! No contactar ISSSTE   Nuevo        * 23 h 30 m habiles\n"
        "Mi embudo - 7 de 7 - orden: vencimiento\n");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    embudo_model_fini(&m);
}

static void
test_the_filter_finds_the_marked_cards(void **st)
{
    struct embudo_model m;

    (void)st;
    model_new(&m);
    mark(&m, 1);
    mark(&m, 5);
    embudo_model_set_filter(&m, "No Contactar");
    assert_int_equal(m.nidx, 2);
    embudo_model_set_filter(&m, "");
    assert_int_equal(m.nidx, 7);
    embudo_model_fini(&m);
}

/* A card whose client answered a campaign and nobody attended it yet (sql/089, Inicio's
 * read): «✉» before the name, in the kanban and the list, «@» in ASCII. */
static void
test_a_reply_to_attend_marks_the_card(void **st)
{
    struct embudo_model m;
    static const int64_t ids[] = { 2, 4, 99 };

    (void)st;
    model_new(&m);
    m.respuestas = ids;
    m.nrespuestas = 3;
    mark(&m, 2); /* and in no contactar: both */
    assert_render(&m, 80, 6,
                  "Nuevo · 3                 Contactado · 1            Interesado · 0\n"
                  "Begoña Ibáñez             ✉ Ana                     (vacía)\n"
                  "IMSS ◐ 45 m hábiles       ISSSTE ○ vencida hace 2 …\n"
                  "José Luis Hernández Garc…\n"
                  "IMSS ◐ 3 h 20 m hábiles\n"
                  "Mi embudo · 7 de 7 · orden: vencimiento · etapas 1–3 de 6\n");
    assert_true(embudo_model_action(&m, ACTION_TOGGLE_VIEW, 1));
    assert_render(
        &m, 80, 5,
        "Cliente                               Conv.    Etapa        Tiempo\n"
        "Begoña Ibáñez                         IMSS     Nuevo        ◐ 45 m hábiles\n"
        "José Luis Hernández García            IMSS     Nuevo        ◐ 3 h 20 m hábiles\n"
        "✉ María Guadalupe Lóp… ⊘ No contactar ISSSTE   Nuevo        ● 23 h 30 m hábiles\n"
        "Mi embudo · 7 de 7 · orden: vencimiento\n");
    assert_non_null(setlocale(LC_ALL, "C"));
    m.ascii = true;
    m.list = false;
    assert_render(&m, 80, 4,
                  "Nuevo - 3                 Contactado - 1            Interesado - 0\n"
                  "Begona Ibanez             @ Ana                     (vacia)\n"
                  "IMSS ~ 45 m habiles       ISSSTE o vencida hace 2 ~\n"
                  "Mi embudo - 7 de 7 - orden: vencimiento - etapas 1-3 de 6\n");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    embudo_model_fini(&m);
}

/* A client the lender dropped (sql/087, 091): «⚠» before the name, after «✉», in the kanban
 * and the list, «!» in ASCII; "/baja" finds them. */
static void
test_a_dropped_client_marks_the_card(void **st)
{
    struct embudo_model m;
    static const int64_t ids[] = { 4 };

    (void)st;
    model_new(&m);
    m.respuestas = ids;
    m.nrespuestas = 1;
    for (size_t i = 0; i < m.ncards; i++)
        m.cards[i].baja_padron = m.cards[i].id == 4 || m.cards[i].id == 3;
    assert_render(&m, 80, 4,
                  "Nuevo · 3                 Contactado · 1            Interesado · 0\n"
                  "⚠ Begoña Ibáñez           ✉ ⚠ Ana                   (vacía)\n"
                  "IMSS ◐ 45 m hábiles       ISSSTE ○ vencida hace 2 …\n"
                  "Mi embudo · 7 de 7 · orden: vencimiento · etapas 1–3 de 6\n");
    embudo_model_set_filter(&m, "baja");
    assert_int_equal(m.nidx, 2);
    embudo_model_set_filter(&m, "");
    assert_true(embudo_model_action(&m, ACTION_TOGGLE_VIEW, 1));
    assert_non_null(setlocale(LC_ALL, "C"));
    m.ascii = true;
    assert_render(&m, 80, 3,
                  "Cliente                               Conv.    Etapa        Tiempo\n"
                  "! Begona Ibanez                       IMSS     Nuevo        ~ 45 m habiles\n"
                  "Mi embudo - 7 de 7 - orden: vencimiento\n");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    embudo_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timer_labels_and_states),
        cmocka_unit_test(test_a_dropped_client_marks_the_card),
        cmocka_unit_test(test_kanban_at_80x24),
        cmocka_unit_test(test_kanban_at_160x50_shows_every_stage_and_the_owner),
        cmocka_unit_test(test_moving_right_scrolls_the_columns),
        cmocka_unit_test(test_list_view_at_80_and_160),
        cmocka_unit_test(test_a_click_selects_the_card_under_it),
        cmocka_unit_test(test_filter_ignores_accents_and_case_and_esc_clears_it),
        cmocka_unit_test(test_sort_cycles_and_keeps_the_cursor_on_the_same_card),
        cmocka_unit_test(test_ten_thousand_cards_page_and_reload_keeps_the_cursor),
        cmocka_unit_test(test_empty_states),
        cmocka_unit_test(test_ascii_terminal_glyphs),
        cmocka_unit_test(test_no_contactar_tag_on_kanban_cards),
        cmocka_unit_test(test_no_contactar_tag_in_the_list_and_ascii),
        cmocka_unit_test(test_a_reply_to_attend_marks_the_card),
        cmocka_unit_test(test_the_filter_finds_the_marked_cards),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
