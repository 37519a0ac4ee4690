/*
 * test_asignacion_vm — the asignación pane: the form (fields, choices, digits), live counts
 * that drop stale answers, the preview and its limits (quota, cartera, availability), the
 * confirmation, ":asignar", and the idempotency clave: one per submission, kept for a second
 * Enter and for a retry after a lost connection, renewed when the form changes.
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

#include "ui/vm/asignacion_vm.h"

static struct asignacion_vm vm;

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
model_new(struct asignacion_model *m, int usados, int cartera)
{
    struct asignacion_opcion *c = calloc(2, sizeof *c), *e = calloc(2, sizeof *e);

    asignacion_model_init(m);
    snprintf(c[0].clave, sizeof c[0].clave, "IMSS");
    snprintf(c[0].nombre, sizeof c[0].nombre, "Instituto Mexicano del Seguro Social");
    snprintf(c[1].clave, sizeof c[1].clave, "ISSSTE");
    snprintf(c[1].nombre, sizeof c[1].nombre, "ISSSTE");
    c[0].disponibles = c[1].disponibles = -1;
    snprintf(e[0].clave, sizeof e[0].clave, "AGS");
    snprintf(e[0].nombre, sizeof e[0].nombre, "Aguascalientes");
    snprintf(e[1].clave, sizeof e[1].clave, "CDMX");
    snprintf(e[1].nombre, sizeof e[1].nombre, "Ciudad de México");
    asignacion_model_take_ctx(m, true, "ACTIVO", 60, usados, cartera, 400, c, 2, e, 2);
}

static enum asignacion_intent
act(struct asignacion_model *m, enum action a, const char *clave)
{
    bool redraw;

    return asignacion_model_input(m, a, NULL, clave, &redraw);
}

static enum asignacion_intent
type(struct asignacion_model *m, uint32_t ch)
{
    struct key k = { ch == '\b' ? KK_BACKSPACE : KK_CHAR, ch == '\b' ? 0 : ch };
    bool redraw;

    return asignacion_model_input(m, ACTION_NONE, &k, "x", &redraw);
}

static void
test_layout_at_80x24_with_counts_and_preview(void **st)
{
    struct asignacion_model m;
    const char *cl[] = { "IMSS", "ISSSTE" };
    long long n[] = { 1234, 99 };
    char *r;

    (void)st;
    model_new(&m, 12, 12);
    assert_int_equal(act(&m, ACTION_DOWN, "k"), ASIG_NADA);
    assert_int_equal(act(&m, ACTION_RIGHT, "k"), ASIG_CONTAR); /* IMSS */
    assert_string_equal(asignacion_form_convenio(&m.f), "IMSS");
    assert_true(asignacion_form_counted(&m.f, m.f.gen, 1234, cl, n, 2));
    asignacion_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, 14);
    assert_string_equal(
        r, " Pedir un lote de clientes\n"
           "\n"
           "  Cantidad        20\n"
           "  Convenio        ◂ IMSS — Instituto Mexicano del Seguro Social ▸  1,234 dispo…\n"
           "  Entidad         ◂ cualquiera ▸\n"
           "  Edad mínima     —\n"
           "  Edad máxima     —\n"
           "\n"
           "  Disponibles                  1,234  con estos filtros\n"
           "  Cupo de hoy               48 de 60  usados hoy: 12\n"
           "  Cartera                  12 de 400\n"
           "\n"
           "  Vista previa: se asignarán 20 de 20; le quedarán 28 de cupo.\n"
           "\n");
    free(r);
    assert_int_equal(vm.lines[3].spans[1].role, ROLE_CURSOR); /* the focused field */
    asignacion_vm_build(&vm, &m, 160, 50);
    assert_string_equal(vm.lines[3].spans[2].text, "1,234 disponibles");
    asignacion_model_fini(&m);
}

static void
test_preview_is_limited_by_quota_cartera_and_availability(void **st)
{
    struct asignacion_model m;

    (void)st;
    model_new(&m, 50, 12); /* 10 left today */
    assert_int_equal(asignacion_model_preview(&m), 10);
    m.cartera = 395; /* room for 5 */
    assert_int_equal(asignacion_model_preview(&m), 5);
    asignacion_form_counted(&m.f, m.f.gen, 3, NULL, NULL, 0);
    assert_int_equal(asignacion_model_preview(&m), 3);
    m.cupo_usados = 60;
    assert_int_equal(asignacion_model_preview(&m), 0);
    asignacion_vm_build(&vm, &m, 80, 24);
    assert_int_equal(vm.lines[9].spans[1].role, ROLE_ERROR); /* no quota left: red */
    asignacion_model_fini(&m);
}

static void
test_digits_edit_numbers_and_bad_values_say_why(void **st)
{
    struct asignacion_model m;

    (void)st;
    model_new(&m, 0, 0);
    assert_int_equal(type(&m, '\b'), ASIG_CONTAR);
    assert_int_equal(type(&m, '\b'), ASIG_CONTAR);
    assert_string_equal(asignacion_model_invalid(&m), "La cantidad va de 1 a 1000.");
    assert_int_equal(type(&m, '5'), ASIG_CONTAR);
    assert_null(asignacion_model_invalid(&m));
    assert_int_equal(type(&m, 'a'), ASIG_NADA); /* letters are not numbers */
    act(&m, ACTION_UP, "k");                    /* wraps to edad máxima */
    assert_int_equal(m.f.campo, ASIG_EDAD_MAX);
    type(&m, '3');
    type(&m, '0');
    act(&m, ACTION_UP, "k");
    type(&m, '4');
    type(&m, '0');
    assert_string_equal(asignacion_model_invalid(&m), "La edad mínima es mayor que la máxima.");
    assert_int_equal(act(&m, ACTION_OPEN, "k"), ASIG_NADA); /* nothing is sent */
    assert_false(m.f.confirming);
    asignacion_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[12].spans[0].text, "La edad mínima es mayor que la máxima.");
    type(&m, '\b');
    assert_string_equal(asignacion_model_invalid(&m), "Las edades van de 18 a 110.");
    asignacion_model_fini(&m);
}

static void
test_stale_counts_are_dropped(void **st)
{
    struct asignacion_model m;
    unsigned old;

    (void)st;
    model_new(&m, 0, 0);
    old = m.f.gen;
    act(&m, ACTION_DOWN, "k");
    act(&m, ACTION_RIGHT, "k");
    assert_false(asignacion_form_counted(&m.f, old, 777, NULL, NULL, 0));
    assert_int_equal(m.f.disponibles, -1);
    asignacion_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[8].spans[1].text, "…");
    assert_string_equal(vm.lines[8].spans[2].text, "contando");
    asignacion_model_fini(&m);
}

static void
test_one_clave_per_submission(void **st)
{
    struct asignacion_model m;
    struct asignacion_resultado r = { 9, 20, 20, 28, false, "" };

    (void)st;
    model_new(&m, 12, 12);
    assert_int_equal(act(&m, ACTION_OPEN, "c1"), ASIG_NADA); /* asks first */
    assert_true(m.f.confirming);
    asignacion_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[13].spans[0].text, "¿Pedir el lote? Enter confirma · Esc cancela");
    assert_int_equal(act(&m, ACTION_OPEN, "c1"), ASIG_PEDIR);
    assert_string_equal(m.f.clave, "c1");
    /* Enter again while it is in flight: nothing. */
    assert_int_equal(act(&m, ACTION_OPEN, "c2"), ASIG_NADA);
    assert_int_equal(act(&m, ACTION_OPEN, "c2"), ASIG_NADA);
    /* The connection dropped: the retry reuses c1. */
    asignacion_model_sent(&m, NULL, "No se pudo pedir el lote (sin conexión).");
    act(&m, ACTION_OPEN, "c3");
    assert_int_equal(act(&m, ACTION_OPEN, "c3"), ASIG_PEDIR);
    assert_string_equal(m.f.clave, "c1");
    asignacion_model_sent(&m, &r, NULL);
    assert_int_equal(m.cupo_usados, 32);
    /* A second Enter on the same form: same clave, the database answers "repetido". */
    act(&m, ACTION_OPEN, "c4");
    assert_int_equal(act(&m, ACTION_OPEN, "c4"), ASIG_PEDIR);
    assert_string_equal(m.f.clave, "c1");
    r.repetido = true;
    asignacion_model_sent(&m, &r, NULL);
    asignacion_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[12].spans[0].text,
                        "Ya tenía el lote 9: 20 de 20 asignados; le quedan 28 de cupo hoy.");
    r.asignados = r.solicitados = 1; /* one asked: singular */
    asignacion_model_sent(&m, &r, NULL);
    asignacion_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[12].spans[0].text,
                        "Ya tenía el lote 9: 1 de 1 asignado; le quedan 28 de cupo hoy.");
    /* Any edit makes it a new request. */
    type(&m, '5');
    act(&m, ACTION_OPEN, "c5");
    assert_int_equal(act(&m, ACTION_OPEN, "c5"), ASIG_PEDIR);
    assert_string_equal(m.f.clave, "c5");
    /* Esc cancels a confirmation. */
    asignacion_model_sent(&m, NULL, "la cantidad va de 1 a 1000");
    act(&m, ACTION_OPEN, "c6");
    assert_int_equal(act(&m, ACTION_BACK, "c6"), ASIG_NADA);
    assert_false(m.f.confirming);
    asignacion_model_fini(&m);
}

static void
test_command_fills_the_form_and_asks_to_confirm(void **st)
{
    struct asignacion_model m;
    struct err e = { 0 };
    char w[5][32] = { "asignar", "15", "convenio=ISSSTE", "entidad=CDMX", "edad_min=30" };
    char b[3][32] = { "asignar", "15", "convenio=PEMEX" };
    char b2[2][32] = { "asignar", "muchos" };
    char *ok[] = { w[0], w[1], w[2], w[3], w[4] };
    char *bad[] = { b[0], b[1], b[2] };
    char *bad2[] = { b2[0], b2[1] };

    (void)st;
    model_new(&m, 0, 0);
    assert_int_equal(asignacion_model_command(&m, 5, ok, &e), RC_OK);
    assert_int_equal(asignacion_form_cantidad(&m.f), 15);
    assert_string_equal(asignacion_form_convenio(&m.f), "ISSSTE");
    assert_string_equal(asignacion_form_entidad(&m.f), "CDMX");
    assert_int_equal(asignacion_form_edad_min(&m.f), 30);
    assert_true(m.f.confirming);
    assert_int_equal(act(&m, ACTION_OPEN, "k"), ASIG_PEDIR);
    assert_int_equal(asignacion_model_command(&m, 3, bad, &e), RC_INVAL);
    assert_string_equal(e.msg, "no hay un convenio activo «PEMEX»");
    assert_string_equal(asignacion_form_convenio(&m.f), "ISSSTE"); /* unchanged */
    assert_int_equal(asignacion_model_command(&m, 2, bad2, &e), RC_INVAL);
    asignacion_model_fini(&m);
}

static void
test_not_a_promoter_and_not_loaded(void **st)
{
    struct asignacion_model m;
    char *r;

    (void)st;
    asignacion_model_init(&m);
    asignacion_vm_build(&vm, &m, 80, 4);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(r, " Pedir un lote de clientes\n\n  Consultando su cupo…\n\n");
    free(r);
    asignacion_model_take_ctx(&m, false, "ACTIVO", 0, 0, 0, 0, NULL, 0, NULL, 0);
    assert_string_equal(asignacion_model_invalid(&m), "Solo un promotor puede pedir clientes.");
    assert_int_equal(act(&m, ACTION_OPEN, "k"), ASIG_NADA);
    asignacion_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_at_80x24_with_counts_and_preview),
        cmocka_unit_test(test_preview_is_limited_by_quota_cartera_and_availability),
        cmocka_unit_test(test_digits_edit_numbers_and_bad_values_say_why),
        cmocka_unit_test(test_stale_counts_are_dropped),
        cmocka_unit_test(test_one_clave_per_submission),
        cmocka_unit_test(test_command_fills_the_form_and_asks_to_confirm),
        cmocka_unit_test(test_not_a_promoter_and_not_loaded),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
