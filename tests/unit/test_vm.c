/* test_vm — width measuring, clipping, counts and dumps shared by every view-model. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ui/vm/scroll.h"
#include "ui/vm/vm.h"

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
test_width_counts_columns_not_bytes(void **st)
{
    (void)st;
    assert_int_equal(vm_text_width("padrón"), 6);
    assert_int_equal(vm_text_width("Peña Núñez"), 10);
    assert_int_equal(vm_text_width("日本"), 4); /* wide characters take two columns */
    assert_int_equal(vm_text_width(""), 0);
}

static void
test_clip_never_splits_a_character_and_adds_ellipsis(void **st)
{
    char out[32];

    (void)st;
    assert_int_equal(vm_clip(out, sizeof out, "Peña Núñez", 20, "…"), 10);
    assert_string_equal(out, "Peña Núñez");
    assert_int_equal(vm_clip(out, sizeof out, "Peña Núñez", 6, "…"), 6);
    assert_string_equal(out, "Peña …");
    assert_int_equal(vm_clip(out, sizeof out, "日本語", 4, NULL), 4);
    assert_string_equal(out, "日本");
    assert_int_equal(vm_clip(out, sizeof out, "日本語", 3, "…"), 3); /* 日 + … */
    assert_string_equal(out, "日…");
    assert_int_equal(vm_clip(out, sizeof out, "abc", 0, "…"), 0);
    assert_string_equal(out, "");
}

static void
test_clip_respects_the_byte_budget(void **st)
{
    char out[5]; /* room for 4 bytes: "ñ" is 2 */

    (void)st;
    vm_clip(out, sizeof out, "ñññ", 10, NULL);
    assert_string_equal(out, "ññ");
}

static void
test_clip_turns_control_characters_into_blanks(void **st)
{
    char out[64];

    (void)st;
    assert_int_equal(vm_clip(out, sizeof out, "falló:\n\tel servidor", 40, "…"), 19);
    assert_string_equal(out, "falló:  el servidor");
}

static void
test_non_utf8_locale_folds_to_ascii_and_marks_invalid_bytes(void **st)
{
    static const char bad[] = { 'a', (char)0xff, (char)0xc3, 'b', '\0' }; /* stray, cut */
    char out[64];

    (void)st;
    assert_non_null(setlocale(LC_ALL, "C"));
    assert_int_equal(vm_text_width("padrón"), 6);
    assert_int_equal(vm_clip(out, sizeof out, "«Peña» · sin conexión…", 40, NULL), 24);
    assert_string_equal(out, "\"Pena\" - sin conexion...");
    assert_string_equal(vm_ellipsis(), "~");
    vm_clip(out, sizeof out, "Núñez", 3, vm_ellipsis());
    assert_string_equal(out, "Nu~");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    vm_clip(out, sizeof out, bad, 10, NULL);
    assert_string_equal(out, "a??b");
}

/* Rows of running text break after the last blank that fits, in UTF-8 and, with the text
 * folded to ASCII, in a C locale too: no character is lost or split between rows. */
static void
test_wrap_breaks_between_words_in_both_locales(void **st)
{
    static const char msg[] = "el usuario «promñ» no es promotor de su equipo";
    const char *t = msg;
    char row[64];

    (void)st;
    assert_true(vm_wrap_row(row, sizeof row, &t, 20));
    assert_string_equal(row, "el usuario «promñ»");
    assert_true(vm_wrap_row(row, sizeof row, &t, 20));
    assert_string_equal(row, "no es promotor de su");
    assert_true(vm_wrap_row(row, sizeof row, &t, 20));
    assert_string_equal(row, "equipo");
    assert_false(vm_wrap_row(row, sizeof row, &t, 20));
    assert_non_null(setlocale(LC_ALL, "C"));
    t = msg;
    assert_true(vm_wrap_row(row, sizeof row, &t, 20));
    assert_string_equal(row, "el usuario \"promn\"");
    assert_true(vm_wrap_row(row, sizeof row, &t, 20));
    assert_string_equal(row, "no es promotor de su");
    assert_true(vm_wrap_row(row, sizeof row, &t, 20));
    assert_string_equal(row, "equipo");
    assert_false(vm_wrap_row(row, sizeof row, &t, 20));
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
}

static void
test_counts_use_comma_thousands(void **st)
{
    char b[32];

    (void)st;
    assert_string_equal(vm_fmt_count(b, sizeof b, 0), "0");
    assert_string_equal(vm_fmt_count(b, sizeof b, 999), "999");
    assert_string_equal(vm_fmt_count(b, sizeof b, 2000), "2,000");
    assert_string_equal(vm_fmt_count(b, sizeof b, 1000000), "1,000,000");
    assert_string_equal(vm_fmt_count(b, sizeof b, -12345), "-12,345");
}

static void
test_line_put_clips_at_limit_and_dumps(void **st)
{
    struct vm_line l;
    char *d, *r;

    (void)st;
    vm_line_init(&l, ROLE_BAR);
    assert_int_equal(vm_line_put(&l, 1, 20, ROLE_APP, "embudo"), 7);
    assert_int_equal(vm_line_put(&l, 10, 16, ROLE_USER, "Guadalupe"), 16);
    assert_int_equal(vm_line_put(&l, 16, 16, ROLE_USER, "nada"), 16); /* no room */
    d = vm_lines_dump(&l, 1);
    assert_string_equal(d, "0 fill=bar\n"
                           "0.1 app|embudo\n"
                           "0.10 user|Guada…\n");
    r = vm_lines_render(&l, 1);
    assert_string_equal(r, " embudo   Guada…\n");
    free(d);
    free(r);
}

static void
test_profile_parse_and_layout(void **st)
{
    struct vm_layout lay;

    (void)st;
    assert_int_equal(vm_profile_parse("PROMOTOR"), VM_PROFILE_PROMOTOR);
    assert_int_equal(vm_profile_parse("supervisor"), VM_PROFILE_SUPERVISOR);
    assert_int_equal(vm_profile_parse("ADMIN"), VM_PROFILE_ADMIN);
    assert_int_equal(vm_profile_parse("Auditor"), VM_PROFILE_AUDITOR);
    assert_string_equal(vm_profile_name(VM_PROFILE_AUDITOR), "AUDITOR");
    /* Only the auditor is read-only; it sees others' work as supervision does. */
    assert_true(vm_profile_read_only(VM_PROFILE_AUDITOR));
    assert_false(vm_profile_read_only(VM_PROFILE_ADMIN));
    assert_false(vm_profile_read_only(VM_PROFILE_PROMOTOR));
    assert_false(vm_profile_read_only(VM_PROFILE_UNKNOWN));
    assert_true(vm_profile_sees_others(VM_PROFILE_AUDITOR));
    assert_true(vm_profile_sees_others(VM_PROFILE_SUPERVISOR));
    assert_false(vm_profile_sees_others(VM_PROFILE_PROMOTOR));
    assert_false(vm_profile_sees_others(VM_PROFILE_UNKNOWN));
    assert_int_equal(vm_profile_parse("jefe"), VM_PROFILE_UNKNOWN);
    assert_int_equal(vm_profile_parse(NULL), VM_PROFILE_UNKNOWN);
    assert_string_equal(vm_profile_name(VM_PROFILE_UNKNOWN), "");
    vm_layout_compute(&lay, 24, 80); /* status, tabs, 21 body rows, hint bar */
    assert_int_equal(lay.status_y, 0);
    assert_int_equal(lay.tabs_y, 1);
    assert_int_equal(lay.body_y, 2);
    assert_int_equal(lay.body_h, 21);
    assert_int_equal(lay.hint_y, 23);
    vm_layout_compute(&lay, 50, 160);
    assert_int_equal(lay.body_h, 47);
    assert_int_equal(lay.hint_y, 49);
    vm_layout_compute(&lay, 4, 20); /* too short for tabs: the body keeps the rows */
    assert_int_equal(lay.tabs_y, -1);
    assert_int_equal(lay.body_y, 1);
    assert_int_equal(lay.body_h, 2);
    vm_layout_compute(&lay, 2, 10);
    assert_int_equal(lay.body_h, 0);
    assert_int_equal(lay.hint_y, 1);
}

/* The shared scrolling: rows, pages of at least one row, never above the top. */
static void
test_scroll_actions(void **st)
{
    int scroll = 0;
    bool moved = true;

    (void)st;
    assert_true(scroll_action(&scroll, ACTION_UP, 10, &moved));
    assert_false(moved);
    assert_int_equal(scroll, 0);
    assert_true(scroll_action(&scroll, ACTION_PAGE_DOWN, 10, &moved));
    assert_true(moved);
    assert_int_equal(scroll, 10);
    assert_true(scroll_action(&scroll, ACTION_DOWN, 10, NULL));
    assert_int_equal(scroll, 11);
    assert_true(scroll_action(&scroll, ACTION_PAGE_UP, 0, &moved)); /* a page is a row at least */
    assert_int_equal(scroll, 10);
    assert_true(scroll_action(&scroll, ACTION_PAGE_UP, 25, &moved));
    assert_int_equal(scroll, 0);
    assert_true(scroll_action(&scroll, ACTION_BOTTOM, 10, &moved));
    assert_true(scroll > 1000); /* the pane clamps it */
    assert_true(scroll_action(&scroll, ACTION_TOP, 10, &moved));
    assert_int_equal(scroll, 0);
    moved = true;
    assert_false(scroll_action(&scroll, ACTION_OPEN, 10, &moved)); /* not a scroll: untouched */
    assert_true(moved);
    assert_int_equal(scroll, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width_counts_columns_not_bytes),
        cmocka_unit_test(test_clip_never_splits_a_character_and_adds_ellipsis),
        cmocka_unit_test(test_clip_respects_the_byte_budget),
        cmocka_unit_test(test_clip_turns_control_characters_into_blanks),
        cmocka_unit_test(test_non_utf8_locale_folds_to_ascii_and_marks_invalid_bytes),
        cmocka_unit_test(test_wrap_breaks_between_words_in_both_locales),
        cmocka_unit_test(test_counts_use_comma_thousands),
        cmocka_unit_test(test_line_put_clips_at_limit_and_dumps),
        cmocka_unit_test(test_profile_parse_and_layout),
        cmocka_unit_test(test_scroll_actions),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
