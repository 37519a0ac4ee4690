/*
 * test_progreso_vm — the campaign progress pane: bar rule, counts, what each state allows,
 * the uncertain list and its focus, selection kept across re-reads, 80×24 and 160×50, ASCII.
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

#include "ui/vm/progreso_vm.h"

static struct progreso_vm vm;

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static struct progreso_campana *
campanas(size_t n)
{
    static const char *const est[] = { "ENVIANDO", "TERMINADA", "CANCELADA", "PAUSADA", "LISTA" };
    struct progreso_campana *v = calloc(n, sizeof *v);

    for (size_t i = 0; i < n; i++) {
        v[i].id = (int64_t)(20 - i);
        snprintf(v[i].nombre, sizeof v[i].nombre, "Seguimiento Nómina %zu", i + 1);
        snprintf(v[i].estado, sizeof v[i].estado, "%s", est[i % 5]);
    }
    return v;
}

static void
model_sending(struct progreso_model *m)
{
    progreso_model_init(m);
    progreso_model_take_campanas(m, campanas(2), 2);
    m->tiene_cuentas = true;
    m->c = (struct progreso_cuentas){ .id = 20,
                                      .total = 200,
                                      .pendientes = 100,
                                      .enviando = 1,
                                      .inciertos = 1,
                                      .enviados = 80,
                                      .entregados = 70,
                                      .leidos = 30,
                                      .respondidos = 4,
                                      .fallidos = 8,
                                      .omitidos = 10,
                                      .cancelados = 0,
                                      .bajas = 1,
                                      .sin_entregar = 3 };
    snprintf(m->c.nombre, sizeof m->c.nombre, "Seguimiento Nómina 1");
    snprintf(m->c.estado, sizeof m->c.estado, "ENVIANDO");
    snprintf(m->c.etapa, sizeof m->c.etapa, "INICIAL");
    snprintf(m->c.proximo, sizeof m->c.proximo, "10:42");
    snprintf(m->eta, sizeof m->eta, "termina hoy hacia las 13:10");
}

static char *
render(const struct progreso_model *m, int w, int h)
{
    progreso_vm_build(&vm, m, w, h);
    assert_true(vm.nlines <= h);
    return vm_lines_render(vm.lines, vm.nlines);
}

static void
test_sending_80x24(void **st)
{
    struct progreso_model m;
    char *out;

    (void)st;
    model_sending(&m);
    out = render(&m, 80, 24);
    assert_string_equal(out,
                        " Campañas (2)\n"
                        " > 20  Seguimiento Nómina 1 · enviando\n"
                        "   19  Seguimiento Nómina 2 · terminada\n"
                        "\n"
                        " Seguimiento Nómina 1 · etapa INICIAL  ● enviando\n"
                        " ██████████████████░░░░░░░░░░░░░░░░░░░░░░  46 %  88 de 190\n"
                        " Enviados    80     Entregados  70     Leídos ≥    30     Respuestas  4\n"
                        " Fallidos    8      En duda     1      Pendientes  101    Omitidos    10\n"
                        " Cancelados  0      Bajas       1      Sin entrega 3\n"
                        " Próximo envío 10:42 · termina hoy hacia las 13:10\n"
                        " Puede: pausar · cancelar · reintentar fallidos\n");
    free(out);
    progreso_model_fini(&m);
}

static void
test_pct_rule(void **st)
{
    struct progreso_cuentas c = { .total = 10, .omitidos = 10 };

    (void)st;
    assert_int_equal(progreso_pct(&c), 100);
    c = (struct progreso_cuentas){ .total = 10, .cancelados = 5, .enviados = 2, .fallidos = 1 };
    assert_int_equal(progreso_pct(&c), 60);
    c = (struct progreso_cuentas){ .total = 3, .inciertos = 3 };
    assert_int_equal(progreso_pct(&c), 0);
}

static void
test_state_allows(void **st)
{
    (void)st;
    assert_true(progreso_puede_pausar("ENVIANDO"));
    assert_false(progreso_puede_pausar("PAUSADA"));
    assert_true(progreso_puede_reanudar("PAUSADA"));
    assert_true(progreso_puede_reanudar("LISTA"));
    assert_false(progreso_puede_reanudar("TERMINADA"));
    assert_false(progreso_puede_cancelar("TERMINADA"));
    assert_false(progreso_puede_cancelar("CANCELADA"));
    assert_true(progreso_puede_cancelar("PAUSADA"));
}

static void
test_paused_and_uncertain_at_160x50(void **st)
{
    struct progreso_model m;
    struct progreso_incierto *u = calloc(2, sizeof *u);
    char *out;

    (void)st;
    model_sending(&m);
    snprintf(m.c.estado, sizeof m.c.estado, "PAUSADA");
    m.c.fallidos = 0;
    u[0] = (struct progreso_incierto){ .id = 7, .cliente = "María Núñez", .telefono = "5215512345678",
                                       .desde = "10:31" };
    u[1] = (struct progreso_incierto){ .id = 9, .cliente = "José Peña", .telefono = "5213312345678",
                                       .desde = "10:33" };
    progreso_model_take_inciertos(&m, u, 2);
    out = render(&m, 160, 50);
    assert_non_null(strstr(out, "◐ pausada"));
    assert_non_null(strstr(out, "Puede: reanudar · cancelar\n"));
    assert_null(strstr(out, "Próximo envío"));
    assert_non_null(strstr(out, "En duda (2): pudo llegar o no; decida cada uno (→ para elegir)"));
    assert_null(strstr(out, "> 5215512345678"));
    free(out);
    assert_true(progreso_model_action(&m, ACTION_RIGHT));
    assert_true(progreso_model_action(&m, ACTION_DOWN));
    assert_int_equal(progreso_model_incierto(&m)->id, 9);
    out = render(&m, 160, 50);
    assert_non_null(strstr(out, "> 5213312345678  José Peña · desde 10:33"));
    assert_non_null(strstr(out, "Decida: marcar enviado · volver a enviar · descartar"));
    free(out);
    /* the list empties: focus goes back to the campaigns */
    progreso_model_take_inciertos(&m, NULL, 0);
    assert_int_equal(m.foco, PROGRESO_FOCO_CAMPANAS);
    assert_false(progreso_model_action(&m, ACTION_RIGHT));
    progreso_model_fini(&m);
}

/* A campaign that paused by itself (sql/102) says why under its name, wrapped to the pane. */
static void
test_paused_by_itself_says_why_80x24(void **st)
{
    struct progreso_model m;
    char *out;

    (void)st;
    model_sending(&m);
    snprintf(m.c.estado, sizeof m.c.estado, "PAUSADA");
    snprintf(m.c.pausa, sizeof m.c.pausa,
             "Se pausó sola: los últimos 3 envíos de la cuenta fallaron (el último, error 479);"
             " revise el WhatsApp del teléfono antes de reanudar");
    out = render(&m, 80, 24);
    assert_non_null(strstr(
        out, " Seguimiento Nómina 1 · etapa INICIAL  ◐ pausada\n"
             " ⚠ Se pausó sola: los últimos 3 envíos de la cuenta fallaron (el último, error\n"
             " 479); revise el WhatsApp del teléfono antes de reanudar\n"
             " ██████"));
    assert_null(strstr(out, "Próximo envío")); /* nothing leaves until she resumes */
    assert_non_null(strstr(out, "Puede: reanudar · cancelar · reintentar fallidos\n"));
    free(out);
    /* Resumed: no reason any more. */
    snprintf(m.c.estado, sizeof m.c.estado, "ENVIANDO");
    m.c.pausa[0] = '\0';
    out = render(&m, 80, 24);
    assert_null(strstr(out, "Se pausó sola"));
    assert_non_null(strstr(out, "Próximo envío 10:42"));
    free(out);
    progreso_model_fini(&m);
}

/* An auditor reads the same counts and the uncertain list, and is offered nothing to do:
 * no "Puede: …", no "decida", no wizard to create a campaign in. */
static void
test_read_only_offers_nothing_to_do(void **st)
{
    struct progreso_model m;
    struct progreso_incierto *u = calloc(1, sizeof *u);
    char *out;

    (void)st;
    model_sending(&m);
    m.read_only = true;
    u[0] = (struct progreso_incierto){
        .id = 7, .cliente = "María Núñez", .telefono = "5215512345678", .desde = "10:31"
    };
    progreso_model_take_inciertos(&m, u, 1);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "Seguimiento Nómina 1 · etapa INICIAL"));
    assert_null(strstr(out, "Puede:"));
    assert_non_null(strstr(out, "En duda (1): pudo llegar o no\n"));
    free(out);
    assert_true(progreso_model_action(&m, ACTION_RIGHT)); /* reading the list is still moving */
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "> 5215512345678  María Núñez · desde 10:31"));
    assert_null(strstr(out, "Decida"));
    free(out);
    progreso_model_fini(&m);
    progreso_model_init(&m);
    m.read_only = true;
    progreso_model_take_campanas(&m, NULL, 0);
    out = render(&m, 80, 24);
    assert_string_equal(out, " Campañas (0)\n   Aún no hay campañas.\n");
    free(out);
    progreso_model_fini(&m);
}

static void
test_selection_follows_id_and_list_scrolls(void **st)
{
    struct progreso_model m;
    char *out;

    (void)st;
    progreso_model_init(&m);
    progreso_model_take_campanas(&m, campanas(8), 8);
    assert_true(progreso_model_action(&m, ACTION_BOTTOM));
    assert_int_equal(progreso_model_campana(&m)->id, 13);
    out = render(&m, 80, 24);
    assert_null(strstr(out, "20  Seguimiento"));
    assert_non_null(strstr(out, "> 13  Seguimiento Nómina 8 · cancelada"));
    free(out);
    /* a newer campaign arrives on top: the cursor stays on 13 */
    {
        struct progreso_campana *v = campanas(9);

        for (size_t i = 0; i < 9; i++)
            v[i].id++;
        progreso_model_take_campanas(&m, v, 9);
    }
    assert_int_equal(progreso_model_campana(&m)->id, 13);
    assert_true(progreso_model_select(&m, 21));
    assert_false(progreso_model_select(&m, 99));
    progreso_model_fini(&m);
}

static void
test_empty_loading_ascii(void **st)
{
    struct progreso_model m;
    char *out;

    (void)st;
    progreso_model_init(&m);
    out = render(&m, 80, 24);
    assert_string_equal(out, " Consultando las campañas…\n");
    free(out);
    progreso_model_take_campanas(&m, NULL, 0);
    m.crea = true; /* a promoter: the wizard is hers */
    out = render(&m, 80, 24);
    assert_string_equal(out, " Campañas (0)\n   Aún no hay campañas: créela en el asistente.\n");
    free(out);
    m.crea = false; /* a supervisor or an admin has no wizard to send her to */
    out = render(&m, 80, 24);
    assert_string_equal(out, " Campañas (0)\n"
                             "   Aún no hay campañas: las crean los promotores en su asistente.\n");
    free(out);
    progreso_model_fini(&m);
    model_sending(&m);
    m.ascii = true;
    out = render(&m, 60, 24);
    assert_non_null(strstr(out, "* enviando"));
    assert_non_null(strstr(out, "#############.................  46 %"));
    free(out);
    progreso_model_fini(&m);
}

/* A supervisor's list names each campaign's promoter; one that paused by itself says so in its
 * row, in the warning role, so a team's list shows which need a look. */
static void
test_team_list_names_the_promoter_and_the_self_paused(void **st)
{
    struct progreso_model m;
    struct progreso_campana *v = campanas(4);
    char *out;

    (void)st;
    for (size_t i = 0; i < 4; i++)
        snprintf(v[i].login, sizeof v[i].login, "prom%zu", i + 1);
    v[3].pausada_sola = true; /* «Seguimiento Nómina 4», PAUSADA */
    progreso_model_init(&m);
    progreso_model_take_campanas(&m, v, 4);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "\n   17  Seguimiento Nómina 4 · se pausó sola"));
    assert_null(strstr(out, "prom4")); /* a promoter's own list: no names */
    free(out);
    m.equipo = true;
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " > 20  prom1 · Seguimiento Nómina 1 · enviando\n"));
    assert_non_null(strstr(out, "\n   17  prom4 · Seguimiento Nómina 4 · se pausó sola"));
    free(out);
    for (int y = 0; y < vm.nlines; y++)
        if (vm.lines[y].item == 4)
            assert_int_equal(vm.lines[y].spans[0].role, ROLE_DB_WARN);
        else if (vm.lines[y].item == 3)
            assert_int_equal(vm.lines[y].spans[0].role, ROLE_TEXT);
    progreso_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sending_80x24),
        cmocka_unit_test(test_pct_rule),
        cmocka_unit_test(test_state_allows),
        cmocka_unit_test(test_paused_and_uncertain_at_160x50),
        cmocka_unit_test(test_paused_by_itself_says_why_80x24),
        cmocka_unit_test(test_read_only_offers_nothing_to_do),
        cmocka_unit_test(test_selection_follows_id_and_list_scrolls),
        cmocka_unit_test(test_empty_loading_ascii),
        cmocka_unit_test(test_team_list_names_the_promoter_and_the_self_paused),
    };

    return cmocka_run_group_tests_name("progreso_vm", tests, setup_utf8, NULL);
}
