/*
 * test_cambios_vm — «Cambios de <login>» (Equipo's h): the record of changes to one user,
 * newest first, at 80×24 and 160×50: business local time from the UTC stamp, fields and
 * values in words (estados, roles, «—» for none), who («el dueño de la base» for the owner's
 * session), the reason wrapped under its change, accents and ñ, the ASCII twin, scrolling
 * with its position in the title, loading, empty, a failed read that keeps the rows, and the
 * note when the limit was reached.
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

#include "ui/vm/cambios_vm.h"

static struct cambios_vm vm;

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
fila(struct cambios_fila *f, const char *campo, const char *antes, const char *despues,
     const char *motivo, const char *por, const char *at)
{
    snprintf(f->campo, sizeof f->campo, "%s", campo);
    snprintf(f->anterior, sizeof f->anterior, "%s", antes);
    snprintf(f->nuevo, sizeof f->nuevo, "%s", despues);
    snprintf(f->motivo, sizeof f->motivo, "%s", motivo);
    snprintf(f->hecho_por, sizeof f->hecho_por, "%s", por);
    snprintf(f->cuando, sizeof f->cuando, "%s", at);
}

/* prom2's record as db_usuario_cambios gives it, newest first, in business local time. */
static void
model_new(struct cambios_model *m)
{
    struct cambios_fila *f = calloc(5, sizeof *f);

    cambios_model_init(m, "prom2", "María Guadalupe López Núñez");
    fila(&f[0], "estado", "AUSENTE", "ACTIVO", "", "sup1", "30/11/26 09:05");
    fila(&f[1], "estado", "ACTIVO", "AUSENTE", "cita en el IMSS por la mañana", "sup1",
         "29/11/26 20:30");
    fila(&f[2], "cupo_diario", "60", "40", "", "", "28/11/26 12:00");
    fila(&f[3], "supervisor", "", "sup1", "", "admin", "02/11/26 10:00");
    fila(&f[4], "rol", "SUPERVISOR", "PROMOTOR", "", "admin", "01/11/26 10:00");
    cambios_model_take(m, f, 5);
}

static void
expect_render(const char *want)
{
    char *r = vm_lines_render(vm.lines, vm.nlines);

    assert_string_equal(r, want);
    free(r);
}

static void
test_fields_and_values_in_words(void **st)
{
    char buf[64];

    (void)st;
    assert_string_equal(cambios_campo_nombre("estado"), "Estado");
    assert_string_equal(cambios_campo_nombre("cartera_max"), "Cartera máxima");
    assert_string_equal(cambios_campo_nombre("cupo_diario"), "Cupo diario");
    assert_string_equal(cambios_campo_nombre("whatsapp"), "WhatsApp");
    assert_string_equal(cambios_campo_nombre("telefono"), "telefono"); /* unknown: as is */
    assert_string_equal(cambios_valor(buf, sizeof buf, "estado", "VACACIONES", false),
                        "Vacaciones");
    assert_string_equal(cambios_valor(buf, sizeof buf, "rol", "ADMIN", false), "Administrador");
    assert_string_equal(cambios_valor(buf, sizeof buf, "supervisor", "", false), "—");
    assert_string_equal(cambios_valor(buf, sizeof buf, "supervisor", "", true), "-");
    assert_string_equal(cambios_valor(buf, sizeof buf, "nombre", "Iñaki Núñez", false),
                        "Iñaki Núñez");
}

static void
test_layout_at_80x24(void **st)
{
    struct cambios_model m;

    (void)st;
    model_new(&m);
    cambios_vm_build(&vm, &m, 80, 21); /* the body of an 80×24 screen */
    expect_render(" Cambios de prom2 · María Guadalupe López Núñez\n"
                  " 30/11/26 09:05  Estado: Ausente → Activo  por sup1\n"
                  " 29/11/26 20:30  Estado: Activo → Ausente  por sup1\n"
                  "                 «cita en el IMSS por la mañana»\n"
                  " 28/11/26 12:00  Cupo diario: 60 → 40  por el dueño de la base\n"
                  " 02/11/26 10:00  Supervisor: — → sup1  por admin\n"
                  " 01/11/26 10:00  Rol: Supervisor → Promotor  por admin\n"
                  "\n\n\n\n\n\n\n\n\n\n\n\n\n"
                  " Esc o q: volver al equipo\n");
    assert_int_equal(vm.lines[0].spans[0].role, ROLE_HEADING);
    assert_int_equal(vm.lines[1].spans[0].role, ROLE_MUTED);
    assert_int_equal(vm.lines[1].spans[1].role, ROLE_VALUE);
    assert_int_equal(vm.lines[1].spans[2].role, ROLE_MUTED);
    assert_int_equal(vm.lines[3].spans[0].role, ROLE_MUTED);
    assert_int_equal(vm.lines[3].spans[0].col, 17);
    assert_int_equal(vm.content, 6);
    cambios_model_fini(&m);
}

/* The user's creation (sql/098) reads as a sentence with its rol, by whom. */
static void
test_alta_row(void **st)
{
    struct cambios_model m;
    struct cambios_fila *f = calloc(2, sizeof *f);
    char buf[64];

    (void)st;
    assert_non_null(f);
    assert_string_equal(cambios_campo_nombre("alta"), "Alta");
    assert_string_equal(cambios_valor(buf, sizeof buf, "alta", "AUDITOR", false), "Auditor");
    cambios_model_init(&m, "promalta1", "Álvaro Alta Peña");
    fila(&f[0], "cupo_diario", "50", "40", "", "admin", "30/11/26 10:05");
    fila(&f[1], "alta", "", "PROMOTOR", "", "admin", "30/11/26 10:00");
    cambios_model_take(&m, f, 2);
    cambios_vm_build(&vm, &m, 80, 5);
    expect_render(" Cambios de promalta1 · Álvaro Alta Peña\n"
                  " 30/11/26 10:05  Cupo diario: 50 → 40  por admin\n"
                  " 30/11/26 10:00  Alta como Promotor  por admin\n"
                  "\n"
                  " Esc o q: volver al equipo\n");
    cambios_model_fini(&m);
}

/* A long reason wraps between words under its change; 160 columns take more of it a row. */
static void
test_long_reason_wraps_at_80_and_160(void **st)
{
    struct cambios_model m;
    struct cambios_fila *f = calloc(1, sizeof *f);
    char motivo[600];

    (void)st;
    motivo[0] = '\0';
    for (int i = 0; i < 10; i++)
        strcat(motivo, "Se reportó enferma; vuelve el lunes. ");
    motivo[strlen(motivo) - 1] = '\0';
    cambios_model_init(&m, "prom2", NULL);
    fila(&f[0], "estado", "ACTIVO", "AUSENTE", motivo, "sup1", "30/11/26 09:05");
    cambios_model_take(&m, f, 1);
    cambios_vm_build(&vm, &m, 80, 21);
    assert_string_equal(vm.lines[0].spans[0].text, "Cambios de prom2");
    assert_string_equal(vm.lines[2].spans[0].text,
                        "«Se reportó enferma; vuelve el lunes. Se reportó enferma;");
    assert_string_equal(vm.lines[3].spans[0].text,
                        "vuelve el lunes. Se reportó enferma; vuelve el lunes. Se");
    assert_int_equal(vm.content, 8); /* the change and seven rows of reason */
    assert_string_equal(vm.lines[8].spans[0].text, "vuelve el lunes.»");
    cambios_vm_build(&vm, &m, 160, 47); /* the body of 160×50 */
    assert_int_equal(vm.content, 4);
    assert_int_equal(vm.lines[2].spans[0].col, 17);
    assert_true(vm.lines[2].spans[0].width <= 160 - 17 - 1);
    assert_string_equal(vm.lines[46].spans[0].text, "Esc o q: volver al equipo");
    cambios_model_fini(&m);
}

static void
test_ascii_twin(void **st)
{
    struct cambios_model m;

    (void)st;
    model_new(&m);
    m.ascii = true;
    assert_non_null(setlocale(LC_ALL, "C"));
    cambios_vm_build(&vm, &m, 80, 21);
    expect_render(" Cambios de prom2 - Maria Guadalupe Lopez Nunez\n"
                  " 30/11/26 09:05  Estado: Ausente -> Activo  por sup1\n"
                  " 29/11/26 20:30  Estado: Activo -> Ausente  por sup1\n"
                  "                 \"cita en el IMSS por la manana\"\n"
                  " 28/11/26 12:00  Cupo diario: 60 -> 40  por el dueno de la base\n"
                  " 02/11/26 10:00  Supervisor: - -> sup1  por admin\n"
                  " 01/11/26 10:00  Rol: Supervisor -> Promotor  por admin\n"
                  "\n\n\n\n\n\n\n\n\n\n\n\n\n"
                  " Esc o q: volver al equipo\n");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    cambios_model_fini(&m);
}

/* More rows than fit: the title says which show, the keys move, the scroll is clamped. */
static void
test_scrolling(void **st)
{
    struct cambios_model m;
    struct cambios_fila *f = calloc(30, sizeof *f);

    (void)st;
    cambios_model_init(&m, "prom2", "Ana Peña");
    for (int i = 0; i < 30; i++) {
        char at[32], antes[16], despues[16];

        snprintf(at, sizeof at, "%02d/11/26 12:00", 30 - i);
        snprintf(antes, sizeof antes, "%d", 40 + i);
        snprintf(despues, sizeof despues, "%d", 41 + i);
        fila(&f[i], "cupo_diario", antes, despues, "", "admin", at);
    }
    cambios_model_take(&m, f, 30);
    cambios_vm_build(&vm, &m, 80, 21);
    assert_int_equal(vm.page, 19);
    assert_string_equal(vm.lines[0].spans[0].text, "Cambios de prom2 · Ana Peña");
    assert_string_equal(vm.lines[0].spans[1].text, "1–19 de 30");
    assert_int_equal(vm.lines[0].spans[1].col, 80 - 1 - 10);
    assert_true(cambios_model_action(&m, ACTION_PAGE_DOWN, vm.page));
    cambios_vm_build(&vm, &m, 80, 21);
    assert_string_equal(vm.lines[0].spans[1].text, "12–30 de 30");     /* clamped to the end */
    assert_string_equal(vm.lines[19].spans[0].text, "01/11/26 12:00"); /* the oldest */
    assert_true(cambios_model_action(&m, ACTION_TOP, vm.page));
    assert_false(cambios_model_action(&m, ACTION_UP, vm.page));
    assert_true(cambios_model_action(&m, ACTION_BOTTOM, vm.page));
    cambios_vm_build(&vm, &m, 80, 21);
    assert_int_equal(m.scroll, 11);
    assert_false(cambios_model_action(&m, ACTION_OPEN, vm.page));
    /* 160×50: every row fits, no position. */
    cambios_vm_build(&vm, &m, 160, 47);
    assert_int_equal(m.scroll, 0);
    assert_int_equal(vm.lines[0].nspans, 1);
    cambios_model_fini(&m);
}

static void
test_loading_empty_error_and_limit(void **st)
{
    struct cambios_model m;
    struct cambios_fila *f;

    (void)st;
    cambios_model_init(&m, "prom2", NULL);
    cambios_vm_build(&vm, &m, 80, 21);
    assert_string_equal(vm.lines[1].spans[0].text, "Consultando los cambios…");
    cambios_model_take(&m, NULL, 0);
    cambios_vm_build(&vm, &m, 80, 21);
    assert_string_equal(vm.lines[1].spans[0].text, "No hay cambios registrados de prom2.");
    /* A failed read keeps the rows it had, with the reason under the title. */
    model_new(&m);
    snprintf(m.error, sizeof m.error, "No se pudieron leer los cambios: sin conexión");
    cambios_vm_build(&vm, &m, 80, 21);
    assert_int_equal(vm.lines[1].spans[0].role, ROLE_ERROR);
    assert_string_equal(vm.lines[2].spans[0].text, "30/11/26 09:05");
    assert_int_equal(vm.page, 18);
    cambios_model_fini(&m);
    /* As many as were asked for: older ones may exist, and the CLI reads them. */
    cambios_model_init(&m, "prom2", NULL);
    f = calloc(CAMBIOS_LIMITE, sizeof *f);
    for (int i = 0; i < CAMBIOS_LIMITE; i++)
        fila(&f[i], "cupo_diario", "1", "2", "", "admin", "30/11/26 09:05");
    cambios_model_take(&m, f, CAMBIOS_LIMITE);
    assert_true(cambios_model_action(&m, ACTION_BOTTOM, 1));
    cambios_vm_build(&vm, &m, 160, 47);
    assert_string_equal(
        vm.lines[45].spans[0].text,
        "Solo los 100 más recientes; «embudo usuario cambios prom2 --limite N» da más.");
    cambios_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_and_values_in_words),
        cmocka_unit_test(test_layout_at_80x24),
        cmocka_unit_test(test_alta_row),
        cmocka_unit_test(test_long_reason_wraps_at_80_and_160),
        cmocka_unit_test(test_ascii_twin),
        cmocka_unit_test(test_scrolling),
        cmocka_unit_test(test_loading_empty_error_and_limit),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
