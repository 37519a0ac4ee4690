/* test_status_vm — the status bar and the hint bar, as dumps (80 columns and narrow). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ui/vm/hint_vm.h"
#include "ui/vm/status_vm.h"

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
assert_status(const struct status_info *in, int width, const char *want)
{
    struct status_vm vm;
    char *got;

    status_vm_build(&vm, in, width);
    got = status_vm_dump(&vm);
    assert_string_equal(got, want);
    free(got);
}

static void
test_connected_promoter_at_80(void **st)
{
    struct status_info in = { "prom1", VM_PROFILE_PROMOTOR, STATUS_DB_OK, false };

    (void)st;
    assert_status(&in, 80,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|prom1 · PROMOTOR\n"
                  "0.68 db_ok|● conectado\n");
}

static void
test_every_db_state_has_word_glyph_and_role(void **st)
{
    struct status_info in = { "sup1", VM_PROFILE_SUPERVISOR, STATUS_DB_CONNECTING, false };

    (void)st;
    assert_status(&in, 60,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|sup1 · SUPERVISOR\n"
                  "0.46 db_warn|◐ conectando…\n");
    in.db = STATUS_DB_RECONNECTING;
    assert_status(&in, 60,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|sup1 · SUPERVISOR\n"
                  "0.44 db_warn|◐ reconectando…\n");
    in.db = STATUS_DB_DOWN;
    assert_status(&in, 60,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|sup1 · SUPERVISOR\n"
                  "0.45 db_err|○ sin conexión\n");
}

static void
test_narrow_bar_clips_the_user_not_the_db_state(void **st)
{
    struct status_info in = { "guadalupe.martinez", VM_PROFILE_ADMIN, STATUS_DB_DOWN, false };

    (void)st;
    /* db state at 40-14-1 = 25; the user ends before column 24. */
    assert_status(&in, 40,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|guadalupe.mar…\n"
                  "0.25 db_err|○ sin conexión\n");
}

static void
test_ascii_terminal_and_unknown_profile(void **st)
{
    struct status_info in = { "ana", VM_PROFILE_UNKNOWN, STATUS_DB_OK, true };

    (void)st;
    assert_status(&in, 40,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| | \n"
                  "0.10 user|ana\n"
                  "0.28 db_ok|* conectado\n");
    in.login = NULL;
    assert_status(&in, 40,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.28 db_ok|* conectado\n");
}

static void
test_hint_bar_shows_bound_keys_and_drops_what_does_not_fit(void **st)
{
    struct hint_vm vm;
    char *got;

    (void)st;
    hint_vm_build(&vm, KEYMAP_HOME, 80);
    got = hint_vm_dump(&vm);
    assert_string_equal(got, "0 fill=hint\n"
                             "0.1 hint_key|q\n"
                             "0.3 hint|salir\n"
                             "0.10 hint_key|r\n"
                             "0.12 hint|actualizar\n"
                             "0.24 hint_key|?\n"
                             "0.26 hint|ayuda\n");
    free(got);
    hint_vm_build(&vm, KEYMAP_HOME, 23); /* "? ayuda" needs columns 24..30 */
    got = hint_vm_dump(&vm);
    assert_string_equal(got, "0 fill=hint\n"
                             "0.1 hint_key|q\n"
                             "0.3 hint|salir\n"
                             "0.10 hint_key|r\n"
                             "0.12 hint|actualizar\n");
    free(got);
    hint_vm_build(&vm, KEYMAP_HELP, 80);
    got = hint_vm_dump(&vm);
    assert_string_equal(got, "0 fill=hint\n"
                             "0.1 hint_key|Esc\n"
                             "0.5 hint|cerrar la ayuda\n"
                             "0.22 hint_key|q\n"
                             "0.24 hint|salir\n");
    free(got);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connected_promoter_at_80),
        cmocka_unit_test(test_every_db_state_has_word_glyph_and_role),
        cmocka_unit_test(test_narrow_bar_clips_the_user_not_the_db_state),
        cmocka_unit_test(test_ascii_terminal_and_unknown_profile),
        cmocka_unit_test(test_hint_bar_shows_bound_keys_and_drops_what_does_not_fit),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
