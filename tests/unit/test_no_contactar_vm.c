/*
 * test_no_contactar_vm — how the panes show the do-not-contact registry: the tag and its
 * ASCII twin, how a cell is shared between a name and the tag (words, or the glyph when
 * narrow), the set of marked ids (sorted, repeats dropped, looked up), the fuente names and
 * the words for one entry (REUS with its end date, REPEP, a person's request with who and
 * why, accents kept).
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ui/vm/no_contactar_vm.h"
#include "ui/vm/vm.h"

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
test_tag_and_its_ascii_twin(void **st)
{
    (void)st;
    assert_string_equal(no_contactar_tag(false), "⊘ No contactar");
    assert_string_equal(no_contactar_tag(true), "! No contactar");
    assert_int_equal(vm_text_width(no_contactar_tag(false)), 14);
    assert_string_equal(no_contactar_glyph(false), "⊘");
    assert_string_equal(no_contactar_glyph(true), "!");
}

static void
test_a_cell_keeps_room_for_the_name(void **st)
{
    const char *tag;

    (void)st;
    /* A kanban card at 80 columns: 25 columns, the name keeps 10. */
    assert_int_equal(no_contactar_cell(25, false, &tag), 10);
    assert_string_equal(tag, "⊘ No contactar");
    /* One column less and the name would keep 9: the glyph alone. */
    assert_int_equal(no_contactar_cell(24, false, &tag), 22);
    assert_string_equal(tag, "⊘");
    assert_int_equal(no_contactar_cell(21, true, &tag), 19);
    assert_string_equal(tag, "!");
    assert_int_equal(no_contactar_cell(60, true, &tag), 45);
    assert_string_equal(tag, "! No contactar");
    /* Nothing left for the name is 0, never negative. */
    assert_int_equal(no_contactar_cell(1, false, &tag), 0);
    assert_int_equal(no_contactar_cell(0, false, &tag), 0);
}

static void
test_ids_sorted_unique_and_found(void **st)
{
    int64_t ids[] = { 42, 7, 42, 1000000000000LL, 7, 3 };
    size_t n;

    (void)st;
    n = no_contactar_ids_sort(ids, sizeof ids / sizeof ids[0]);
    assert_int_equal(n, 4);
    assert_int_equal(ids[0], 3);
    assert_int_equal(ids[1], 7);
    assert_int_equal(ids[2], 42);
    assert_int_equal(ids[3], 1000000000000LL);
    assert_true(no_contactar_ids_has(ids, n, 42));
    assert_true(no_contactar_ids_has(ids, n, 1000000000000LL));
    assert_false(no_contactar_ids_has(ids, n, 8));
    assert_false(no_contactar_ids_has(ids, n, 0));
    assert_false(no_contactar_ids_has(NULL, 0, 42));
    assert_int_equal(no_contactar_ids_sort(NULL, 0), 0);
    assert_int_equal(no_contactar_ids_sort(ids, 1), 1);
}

static void
test_fuentes_and_dates(void **st)
{
    char buf[40];

    (void)st;
    assert_string_equal(no_contactar_fuente_nombre("REUS"), "REUS (CONDUSEF)");
    assert_string_equal(no_contactar_fuente_nombre("REPEP"), "REPEP (PROFECO)");
    assert_string_equal(no_contactar_fuente_nombre("SOLICITUD"), "SOLICITUD (a petición)");
    assert_string_equal(no_contactar_fuente_nombre("OTRA"), "OTRA");
    assert_string_equal(no_contactar_fecha(buf, sizeof buf, "2028-03-12 00:00:00-06"),
                        "12/03/2028");
    assert_string_equal(no_contactar_fecha(buf, sizeof buf, "2028-03-12"), "12/03/2028");
    assert_string_equal(no_contactar_fecha(buf, sizeof buf, "12/03/2028"), "12/03/2028");
    assert_string_equal(no_contactar_fecha(buf, sizeof buf, "2028-3-12"), "2028-3-12");
    assert_string_equal(no_contactar_fecha(buf, sizeof buf, ""), "");
}

static void
test_the_words_for_one_entry(void **st)
{
    struct no_contactar_entrada e = { .telefono = "+525570700001",
                                      .fuente = "REUS",
                                      .hasta = "2028-03-12 00:00:00-06" };
    char buf[1024];

    (void)st;
    no_contactar_entrada_fmt(buf, sizeof buf, &e);
    assert_string_equal(buf, "REUS (CONDUSEF) · vence el 12/03/2028");
    snprintf(e.fuente, sizeof e.fuente, "REPEP");
    e.hasta[0] = '\0';
    snprintf(e.detalle, sizeof e.detalle, "extracto de noviembre");
    no_contactar_entrada_fmt(buf, sizeof buf, &e);
    assert_string_equal(buf, "REPEP (PROFECO) · sin vencimiento · «extracto de noviembre»");
    snprintf(e.fuente, sizeof e.fuente, "SOLICITUD");
    snprintf(e.creado_por, sizeof e.creado_por, "promñ");
    snprintf(e.detalle, sizeof e.detalle, "pidió que no le llamen más");
    no_contactar_entrada_fmt(buf, sizeof buf, &e);
    assert_string_equal(
        buf, "SOLICITUD (a petición) · sin vencimiento · promñ · «pidió que no le llamen más»");
    /* A small buffer is cut, never overrun. */
    no_contactar_entrada_fmt(buf, 12, &e);
    assert_int_equal(strlen(buf), 11);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tag_and_its_ascii_twin),
        cmocka_unit_test(test_a_cell_keeps_room_for_the_name),
        cmocka_unit_test(test_ids_sorted_unique_and_found),
        cmocka_unit_test(test_fuentes_and_dates),
        cmocka_unit_test(test_the_words_for_one_entry),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
