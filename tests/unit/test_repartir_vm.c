/*
 * test_repartir_vm — the supervisor's Repartir pane: the shared lote form, the preview table
 * per promoter at 80×24 and 160×50 (columns dropped on narrow terminals, accents clipped on
 * character boundaries), the total and why fewer than asked, stale previews dropped, the
 * confirmation only for a preview that deals someone, the clave kept for a second Enter and a
 * retry, the result with each promoter's lote, refusals, ":repartir" and one promoter from
 * Equipo.
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

#include "ui/vm/repartir_vm.h"

static struct repartir_vm vm;

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
model_new(struct repartir_model *m)
{
    struct asignacion_opcion *c = calloc(2, sizeof *c), *e = calloc(1, sizeof *e);

    repartir_model_init(m);
    snprintf(c[0].clave, sizeof c[0].clave, "IMSS");
    snprintf(c[0].nombre, sizeof c[0].nombre, "Instituto Mexicano del Seguro Social");
    snprintf(c[1].clave, sizeof c[1].clave, "SEP");
    snprintf(c[1].nombre, sizeof c[1].nombre, "Secretaría de Educación Pública");
    c[0].disponibles = c[1].disponibles = -1;
    snprintf(e[0].clave, sizeof e[0].clave, "JAL");
    snprintf(e[0].nombre, sizeof e[0].nombre, "Jalisco");
    repartir_model_take_opciones(m, c, 2, e, 1);
}

/* A preview for the form as it is: rows {login, nombre, hoy, cupo, cartera, recibe}. */
static void
preview(struct repartir_model *m, long long disponibles, const struct repartir_fila *rows, size_t n)
{
    struct repartir_fila *v = calloc(n + 1, sizeof *v);
    const char *cl[] = { "IMSS", "SEP" };
    long long cnt[] = { disponibles, 7 };

    memcpy(v, rows, n * sizeof *v);
    assert_true(repartir_model_vista(m, m->f.gen, v, n, NULL));
    assert_true(asignacion_form_counted(&m->f, m->f.gen, disponibles, cl, cnt, 2));
}

static const struct repartir_fila equipo[] = {
    { "promrep2", "Rebeca Núñez Peña", 0, 12, 400, 12, 0 },
    { "promrep1", "José Ángel Muñoz", 5, 25, 3, 3, 0 },
    { "promrep3", "Ana Sin Cupo", 40, 0, 380, 0, 0 },
};

static enum repartir_intent
act(struct repartir_model *m, enum action a, const char *clave)
{
    bool redraw;

    return repartir_model_input(m, a, NULL, 5, clave, &redraw);
}

static enum repartir_intent
type(struct repartir_model *m, uint32_t ch)
{
    struct key k = { ch == '\b' ? KK_BACKSPACE : KK_CHAR, ch == '\b' ? 0 : ch };
    bool redraw;

    return repartir_model_input(m, ACTION_NONE, &k, 5, "x", &redraw);
}

static void
test_preview_at_80x24(void **st)
{
    struct repartir_model m;
    char *r;

    (void)st;
    model_new(&m);
    type(&m, '\b');
    assert_int_equal(type(&m, '\b'), REP_VISTA);
    type(&m, '2');
    assert_int_equal(type(&m, '0'), REP_VISTA);
    preview(&m, 1988, equipo, 3);
    assert_int_equal(repartir_model_total(&m), 15);
    repartir_vm_build(&vm, &m, 80, 21);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(
        r, " Repartir clientes al equipo\n"
           "\n"
           "  Cantidad        20▏\n"
           "  Convenio        ◂ cualquiera ▸\n"
           "  Entidad         ◂ cualquiera ▸\n"
           "  Edad mínima     —\n"
           "  Edad máxima     —\n"
           "\n"
           "  Promotor               Recibidos hoy  Cupo restante  Cartera libre  Recibiría\n"
           "  promrep2 · Rebeca N…               0             12            400         12\n"
           "  promrep1 · José Áng…               5             25              3          3\n"
           "  promrep3 · Ana Sin …              40              0            380          0\n"
           "\n"
           "  Se repartirían 15 de 1,988 disponibles.\n"
           "  Pidió 20: el cupo y la cartera del equipo solo admiten 15 hoy.\n"
           "\n"
           "\n"
           "\n"
           "\n"
           "\n"
           "\n");
    free(r);
    assert_int_equal(vm.lines[11].spans[2].role, ROLE_ERROR); /* no cupo left: red */
    repartir_model_fini(&m);
}

static void
test_wide_shows_why_and_narrow_drops_columns(void **st)
{
    struct repartir_model m;
    char *r;

    (void)st;
    model_new(&m);
    preview(&m, 1988, equipo, 3);
    repartir_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines + 8, 4);
    assert_string_equal(r,
                        "  Promotor                                  Recibidos hoy  Cupo restante  "
                        "Cartera libre  Recibiría\n"
                        "  promrep2 · Rebeca Núñez Peña                          0             12  "
                        "          400         12\n"
                        "  promrep1 · José Ángel Muñoz                           5             25  "
                        "            3          3  tope: su cartera\n"
                        "  promrep3 · Ana Sin Cupo                              40              0  "
                        "          380          0  sin cupo hoy\n");
    free(r);
    /* 60 columns: "Recibidos hoy" goes first; "Recibiría" and the cupo always stay. */
    repartir_vm_build(&vm, &m, 60, 21);
    r = vm_lines_render(vm.lines + 8, 2);
    assert_string_equal(r, "  Promotor          Cupo restante  Cartera libre  Recibiría\n"
                           "  promrep2 · Reb…              12            400         12\n");
    free(r);
    repartir_vm_build(&vm, &m, 44, 16);
    r = vm_lines_render(vm.lines + 8, 2);
    assert_string_equal(r, "  Promotor         Cupo restante  Recibiría\n"
                           "  promrep2 · Re…              12         12\n");
    free(r);
    repartir_model_fini(&m);
}

static void
test_why_fewer_than_asked(void **st)
{
    struct repartir_model m;
    struct repartir_fila one = { "p", "P", 0, 50, 50, 4, 0 }, none = { "p", "P", 60, 0, 5, 0, 0 };
    char buf[256];

    (void)st;
    model_new(&m);
    preview(&m, 4, &one, 1);
    assert_string_equal(repartir_model_motivo(&m, buf, sizeof buf),
                        "Pidió 20: no hay más clientes disponibles con esos filtros.");
    one.recibe = 0;
    preview(&m, 0, &one, 1);
    assert_string_equal(repartir_model_motivo(&m, buf, sizeof buf),
                        "No hay clientes disponibles con esos filtros.");
    preview(&m, 500, &none, 1);
    assert_string_equal(repartir_model_motivo(&m, buf, sizeof buf),
                        "Nadie tiene cupo ni cartera libre hoy.");
    repartir_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[11].spans[0].text, "Se repartirían 0 de 500 disponibles.");
    assert_int_equal(vm.lines[11].spans[0].role, ROLE_ERROR);
    /* Nothing to deal: Enter does not even ask. */
    assert_int_equal(act(&m, ACTION_OPEN, "k"), REP_NADA);
    assert_false(m.f.confirming);
    one.recibe = 20;
    preview(&m, 500, &one, 1);
    assert_null(repartir_model_motivo(&m, buf, sizeof buf));
    repartir_model_fini(&m);
}

static void
test_stale_preview_is_dropped_and_refusals_shown(void **st)
{
    struct repartir_model m;
    unsigned old;
    struct repartir_fila *v = calloc(1, sizeof *v);

    (void)st;
    model_new(&m);
    old = m.f.gen;
    act(&m, ACTION_DOWN, "k");
    assert_int_equal(act(&m, ACTION_RIGHT, "k"), REP_VISTA); /* IMSS */
    assert_false(repartir_model_vista(&m, old, v, 1, NULL));
    repartir_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[8].spans[0].text, "Calculando la vista previa…");
    assert_true(
        repartir_model_vista(&m, m.f.gen, NULL, 0, "no hay promotores activos a quienes repartir"));
    asignacion_form_counted(&m.f, m.f.gen, -1, NULL, NULL, 0);
    repartir_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[8].spans[0].text, "no hay promotores activos a quienes repartir");
    assert_int_equal(vm.lines[8].spans[0].role, ROLE_ERROR);
    assert_int_equal(act(&m, ACTION_OPEN, "k"), REP_NADA);
    /* A bad cantidad says so and reads nothing. */
    act(&m, ACTION_UP, "k");
    type(&m, '0');
    type(&m, '0');
    type(&m, '0');
    assert_string_equal(repartir_model_invalid(&m), "La cantidad va de 1 a 5000.");
    repartir_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[8].spans[0].text, "La cantidad va de 1 a 5000.");
    repartir_model_fini(&m);
}

static void
test_confirm_clave_retry_and_result(void **st)
{
    struct repartir_model m;
    struct repartir_fila *res = calloc(3, sizeof *res);
    char *r;

    (void)st;
    model_new(&m);
    preview(&m, 1988, equipo, 3);
    assert_int_equal(act(&m, ACTION_OPEN, "c1"), REP_NADA); /* asks first */
    repartir_vm_build(&vm, &m, 80, 21);
    assert_string_equal(vm.lines[15].spans[0].text,
                        "¿Repartir 15 entre 2 promotores? Enter confirma · Esc cancela");
    assert_int_equal(act(&m, ACTION_BACK, "c1"), REP_NADA); /* Esc cancels */
    assert_false(m.f.confirming);
    act(&m, ACTION_OPEN, "c1");
    assert_int_equal(act(&m, ACTION_OPEN, "c1"), REP_REPARTIR);
    assert_string_equal(m.f.clave, "c1");
    assert_int_equal(act(&m, ACTION_OPEN, "c2"), REP_NADA); /* in flight */
    repartir_vm_build(&vm, &m, 80, 21);
    assert_string_equal(vm.lines[15].spans[0].text, "Repartiendo…");
    /* The connection dropped: the retry sends c1 again, even if the preview changed. */
    repartir_model_sent(&m, NULL, 0, false, NULL, "No se pudo repartir (sin conexión).");
    assert_true(repartir_model_vista(&m, m.f.gen, NULL, 0, "x"));
    act(&m, ACTION_OPEN, "c3");
    assert_int_equal(act(&m, ACTION_OPEN, "c3"), REP_REPARTIR);
    assert_string_equal(m.f.clave, "c1");
    preview(&m, 1988, equipo, 3);
    res[0] = (struct repartir_fila){ "promrep2", "Rebeca Núñez Peña", 0, 20, 0, 10, 41 };
    res[1] = (struct repartir_fila){ "promrep1", "José Ángel Muñoz", 0, 22, 0, 3, 42 };
    res[2] = (struct repartir_fila){ "promrep3", "Ana Sin Cupo", 0, 0, 0, 0, 0 };
    repartir_model_sent(&m, res, 3, false, "se repartieron 13 clientes entre 2 promotores", NULL);
    assert_false(repartir_model_dirty(&m));
    repartir_vm_build(&vm, &m, 80, 21);
    r = vm_lines_render(vm.lines + 8, 6);
    assert_string_equal(
        r, "  Promotor                                         Recibió  Lote  Cupo restante\n"
           "  promrep2 · Rebeca Núñez Peña                          10    41             20\n"
           "  promrep1 · José Ángel Muñoz                            3    42             22\n"
           "  promrep3 · Ana Sin Cupo                                0     —              0\n"
           "\n"
           "  Listo: se repartieron 13 clientes entre 2 promotores.\n");
    free(r);
    /* A second Enter on the same form: the same clave, the database answers "repetido". */
    act(&m, ACTION_OPEN, "c4");
    assert_int_equal(act(&m, ACTION_OPEN, "c4"), REP_REPARTIR);
    assert_string_equal(m.f.clave, "c1");
    repartir_model_sent(&m, NULL, 0, true, "esta distribución ya se había hecho", NULL);
    repartir_vm_build(&vm, &m, 80, 21);
    assert_string_equal(vm.lines[8].spans[0].text,
                        "Sin cambios: esta distribución ya se había hecho.");
    /* Any edit makes it a new one. */
    type(&m, '5');
    assert_false(m.has_result);
    preview(&m, 1988, equipo, 3);
    act(&m, ACTION_OPEN, "c5");
    assert_int_equal(act(&m, ACTION_OPEN, "c5"), REP_REPARTIR);
    assert_string_equal(m.f.clave, "c5");
    /* A refusal is shown and nothing else changes. */
    repartir_model_sent(&m, NULL, 0, false, NULL,
                        "ningún promotor tiene cupo ni cartera libre hoy");
    repartir_vm_build(&vm, &m, 80, 21);
    assert_string_equal(vm.lines[15].spans[0].text,
                        "ningún promotor tiene cupo ni cartera libre hoy");
    repartir_model_fini(&m);
}

static void
test_command_and_one_promoter(void **st)
{
    struct repartir_model m;
    struct err e = { 0 };
    char w[5][40] = { "repartir", "30", "convenio=SEP", "edad_max=60",
                      "promotores=promrep1,promrep2" };
    char b[3][32] = { "repartir", "30", "zona=norte" };
    char *ok[] = { w[0], w[1], w[2], w[3], w[4] };
    char *bad[] = { b[0], b[1], b[2] };
    const char *logins[4];
    char buf[256];

    (void)st;
    model_new(&m);
    assert_int_equal(repartir_model_command(&m, 5, ok, &e), RC_OK);
    assert_int_equal(asignacion_form_cantidad(&m.f), 30);
    assert_string_equal(asignacion_form_convenio(&m.f), "SEP");
    assert_int_equal(asignacion_form_edad_max(&m.f), 60);
    assert_int_equal(repartir_model_logins(&m, buf, sizeof buf, logins, 4), 2);
    assert_string_equal(logins[1], "promrep2");
    assert_true(m.f.confirming);
    repartir_vm_build(&vm, &m, 80, 21);
    assert_string_equal(vm.lines[0].spans[0].text, "Repartir clientes a promrep1,promrep2");
    assert_string_equal(vm.lines[10].spans[0].text,
                        "¿Repartir? Espere la vista previa · Esc cancela");
    assert_int_equal(act(&m, ACTION_OPEN, "k"), REP_NADA); /* the preview is not in yet */
    preview(&m, 7, equipo, 2);
    assert_int_equal(act(&m, ACTION_OPEN, "k"), REP_REPARTIR);
    assert_int_equal(repartir_model_command(&m, 3, bad, &e), RC_INVAL);
    assert_string_equal(e.msg,
                        "no entiendo «zona=norte» (convenio=, entidad=, edad_min=, edad_max=)");
    assert_string_equal(asignacion_form_convenio(&m.f), "SEP"); /* unchanged */
    {
        /* 33 logins: more than one distribution names, refused rather than cut. */
        char many[200] = "promotores=", *many_argv[] = { b[0], b[1], many };

        for (int i = 0; i < 33; i++)
            strcat(many, i ? ",p" : "p");
        assert_int_equal(repartir_model_command(&m, 3, many_argv, &e), RC_INVAL);
        assert_string_equal(e.msg, "a lo más 32 promotores por reparto");
        memcpy(many, "promotores=p", 13); /* one is fine */
        assert_int_equal(repartir_model_command(&m, 3, many_argv, &e), RC_OK);
        repartir_model_set_promotores(&m, "promrep1,promrep2");
    }
    /* From Equipo: one promoter; Esc goes back to the whole team. */
    m.f.sending = false;
    repartir_model_set_promotores(&m, "promrep2");
    assert_int_equal(repartir_model_logins(&m, buf, sizeof buf, logins, 4), 1);
    assert_int_equal(act(&m, ACTION_BACK, "k"), REP_VISTA);
    assert_int_equal(repartir_model_logins(&m, buf, sizeof buf, logins, 4), 0);
    repartir_model_fini(&m);
}

static void
test_not_loaded_and_scrolling(void **st)
{
    struct repartir_model m;
    struct repartir_fila rows[12];
    char *r;

    (void)st;
    repartir_model_init(&m);
    repartir_vm_build(&vm, &m, 80, 4);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(r, " Repartir clientes al equipo\n\n  Consultando los convenios…\n\n");
    free(r);
    assert_string_equal(repartir_model_invalid(&m), "Todavía no se leen los convenios.");
    repartir_model_fini(&m);

    model_new(&m);
    for (int i = 0; i < 12; i++)
        rows[i] = (struct repartir_fila){ "", "Promotor", 0, 10, 10, 1, 0 };
    for (int i = 0; i < 12; i++)
        snprintf(rows[i].login, sizeof rows[i].login, "p%02d", i + 1);
    preview(&m, 100, rows, 12);
    repartir_vm_build(&vm, &m, 80, 16); /* 4 table rows */
    assert_int_equal(vm.page, 4);
    assert_string_equal(vm.lines[8].spans[1].text, "1–4 de 12");
    repartir_model_input(&m, ACTION_PAGE_DOWN, NULL, vm.page, "k", &(bool){ false });
    repartir_vm_build(&vm, &m, 80, 16);
    assert_string_equal(vm.lines[9].spans[0].text, "p05 · Promotor");
    repartir_model_input(&m, ACTION_PAGE_DOWN, NULL, vm.page, "k", &(bool){ false });
    repartir_model_input(&m, ACTION_PAGE_DOWN, NULL, vm.page, "k", &(bool){ false });
    repartir_vm_build(&vm, &m, 80, 16);
    assert_string_equal(vm.lines[8].spans[1].text, "9–12 de 12");
    repartir_model_input(&m, ACTION_PAGE_UP, NULL, vm.page, "k", &(bool){ false });
    repartir_vm_build(&vm, &m, 80, 16);
    assert_string_equal(vm.lines[9].spans[0].text, "p05 · Promotor");
    repartir_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preview_at_80x24),
        cmocka_unit_test(test_wide_shows_why_and_narrow_drops_columns),
        cmocka_unit_test(test_why_fewer_than_asked),
        cmocka_unit_test(test_stale_preview_is_dropped_and_refusals_shown),
        cmocka_unit_test(test_confirm_clave_retry_and_result),
        cmocka_unit_test(test_command_and_one_promoter),
        cmocka_unit_test(test_not_loaded_and_scrolling),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
