/* test_status_vm — the status bar and the tab row, as dumps (80, 160 columns and narrow). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

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
    struct status_info in = { "prom1", VM_PROFILE_PROMOTOR, STATUS_DB_OK, false, NULL, 0 };

    (void)st;
    assert_status(&in, 80,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|prom1 · PROMOTOR\n"
                  "0.68 db_ok|● conectado\n");
}

/* The auditor reads only: the bar says so beside its profile, and it still fits at 80. */
static void
test_auditor_is_read_only_in_the_bar(void **st)
{
    struct status_info in = { "auditor", VM_PROFILE_AUDITOR, STATUS_DB_OK, false, "10:42", 0 };

    (void)st;
    assert_status(&in, 80,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|auditor · AUDITOR · solo lectura\n"
                  "0.61 bar|10:42\n"
                  "0.68 db_ok|● conectado\n");
    in.ascii = true;
    assert_status(&in, 80,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| | \n"
                  "0.10 user|auditor - AUDITOR - solo lectura\n"
                  "0.61 bar|10:42\n"
                  "0.68 db_ok|* conectado\n");
}

static void
test_every_db_state_has_word_glyph_and_role(void **st)
{
    struct status_info in = { "sup1", VM_PROFILE_SUPERVISOR, STATUS_DB_CONNECTING, false, NULL, 0 };

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
    struct status_info in = {
        "guadalupe.martinez", VM_PROFILE_ADMIN, STATUS_DB_DOWN, false, NULL, 0
    };

    (void)st;
    /* db state at 40-14-1 = 25; the user ends before column 24. */
    assert_status(&in, 40,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|guadalupe.ma…\n"
                  "0.25 db_err|○ sin conexión\n");
}

static void
test_ascii_terminal_and_unknown_profile(void **st)
{
    struct status_info in = { "ana", VM_PROFILE_UNKNOWN, STATUS_DB_OK, true, NULL, 0 };

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
test_clock_and_stale_sweep_at_80_and_160(void **st)
{
    struct status_info in = { "prom1", VM_PROFILE_PROMOTOR, STATUS_DB_OK, false, "10:42", 120 };

    (void)st;
    /* A sweep 2 minutes old is healthy: only the clock. */
    assert_status(&in, 80,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|prom1 · PROMOTOR\n"
                  "0.61 bar|10:42\n"
                  "0.68 db_ok|● conectado\n");
    in.sweep_age_s = 12 * 60 + 5; /* older than 5 minutes: a warning with glyph and words */
    assert_status(&in, 80,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|prom1 · PROMOTOR\n"
                  "0.38 bar|10:42\n"
                  "0.45 db_warn|⚠ barrido hace 12 min\n"
                  "0.68 db_ok|● conectado\n");
    in.sweep_age_s = STATUS_SWEEP_NEVER;
    in.login = "guadalupe.martínez.ñúñez";
    in.profile = VM_PROFILE_SUPERVISOR;
    assert_status(&in, 160,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|guadalupe.martínez.ñúñez · SUPERVISOR\n"
                  "0.126 bar|10:42\n"
                  "0.133 db_warn|⚠ sin barrido\n"
                  "0.148 db_ok|● conectado\n");
}

/*
 * The client sweeps every minute itself: its own success makes the age 0 (no warning); while
 * its passes fail the age keeps growing from there, and the warning says so after 5 minutes.
 */
static void
test_sweep_age_grows_while_nobody_sweeps(void **st)
{
    struct status_info in = { "prom1", VM_PROFILE_PROMOTOR, STATUS_DB_OK, false, "10:42", 0 };
    const uint64_t ok_at = 7000000; /* uv_now() of the last success, ms */

    (void)st;
    in.sweep_age_s = status_sweep_age(0, ok_at, ok_at + 59999);
    assert_int_equal(in.sweep_age_s, 59);
    assert_status(&in, 80,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|prom1 · PROMOTOR\n"
                  "0.61 bar|10:42\n"
                  "0.68 db_ok|● conectado\n");
    /* Exactly 5 minutes is still healthy; the next second is not. */
    assert_int_equal(status_sweep_age(0, ok_at, ok_at + 300999), 300);
    in.sweep_age_s = status_sweep_age(0, ok_at, ok_at + 301000);
    assert_status(&in, 80,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| │ \n"
                  "0.10 user|prom1 · PROMOTOR\n"
                  "0.39 bar|10:42\n"
                  "0.46 db_warn|⚠ barrido hace 5 min\n"
                  "0.68 db_ok|● conectado\n");
    /* An age read from the database (another process's sweep) grows the same way. */
    assert_int_equal(status_sweep_age(7200, ok_at, ok_at + 1500), 7201);
    /* Never swept, or not read yet: unchanged, whatever the clock says. */
    assert_int_equal(status_sweep_age(STATUS_SWEEP_NEVER, ok_at, ok_at + 900000),
                     STATUS_SWEEP_NEVER);
    assert_int_equal(status_sweep_age(STATUS_SWEEP_UNKNOWN, 0, 900000), STATUS_SWEEP_UNKNOWN);
    /* A clock read before the age (same loop turn): no negative time. */
    assert_int_equal(status_sweep_age(10, ok_at, ok_at - 5), 10);
}

static void
test_narrow_bar_keeps_db_state_then_sweep_then_clock(void **st)
{
    struct status_info in = {
        "prom1", VM_PROFILE_PROMOTOR, STATUS_DB_DOWN, true, "10:42", 3 * 3600
    };

    (void)st;
    assert_status(&in, 40,
                  "0 fill=bar\n"
                  "0.1 app|embudo\n"
                  "0.7 bar| | \n"
                  "0.10 user|p…\n" /* the user goes first; the warning keeps its short form */
                  "0.14 db_warn|! barrido\n"
                  "0.25 db_err|x sin conexión\n");
}

static void
test_tabs_number_panes_and_keep_the_active_one(void **st)
{
    const char *titles[] = { "Inicio", "Embudo", "Asignación", "Bandeja", "Equipo" };
    struct vm_line l;
    char *got;

    (void)st;
    status_vm_tabs(&l, titles, 5, 1, 80);
    got = vm_lines_dump(&l, 1);
    assert_string_equal(got, "0 fill=tab\n"
                             "0.1 tab| 1 Inicio \n"
                             "0.12 tab_active| 2 Embudo \n"
                             "0.23 tab| 3 Asignación \n"
                             "0.38 tab| 4 Bandeja \n"
                             "0.50 tab| 5 Equipo \n");
    free(got);
    status_vm_tabs(&l, titles, 5, 4, 30); /* narrow: "…", and the active tab is still shown */
    got = vm_lines_dump(&l, 1);
    assert_string_equal(got, "0 fill=tab\n"
                             "0.1 tab| 1 Inicio \n"
                             "0.12 tab|…\n"
                             "0.14 tab_active| 5 Equipo \n");
    free(got);
    /* A click on a tab is its number; on "…" the first tab it hides; past the last, none. */
    assert_int_equal(status_vm_tab_at(&l, 1), 0);
    assert_int_equal(status_vm_tab_at(&l, 10), 0);
    assert_int_equal(status_vm_tab_at(&l, 11), -1);
    assert_int_equal(status_vm_tab_at(&l, 12), 1); /* "…": 2 Embudo, the first left out */
    assert_int_equal(status_vm_tab_at(&l, 13), -1);
    assert_int_equal(status_vm_tab_at(&l, 16), 4);
    assert_int_equal(status_vm_tab_at(&l, 29), -1);
    assert_int_equal(status_vm_tab_at(&l, 0), -1);
    status_vm_tabs(&l, titles, 5, 0, 50); /* from the first that does not fit, none */
    got = vm_lines_dump(&l, 1);
    assert_string_equal(got, "0 fill=tab\n"
                             "0.1 tab_active| 1 Inicio \n"
                             "0.12 tab| 2 Embudo \n"
                             "0.23 tab| 3 Asignación \n"
                             "0.38 tab|…\n");
    free(got);
    assert_int_equal(status_vm_tab_at(&l, 38), 3); /* 4 Bandeja */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connected_promoter_at_80),
        cmocka_unit_test(test_auditor_is_read_only_in_the_bar),
        cmocka_unit_test(test_every_db_state_has_word_glyph_and_role),
        cmocka_unit_test(test_narrow_bar_clips_the_user_not_the_db_state),
        cmocka_unit_test(test_ascii_terminal_and_unknown_profile),
        cmocka_unit_test(test_clock_and_stale_sweep_at_80_and_160),
        cmocka_unit_test(test_sweep_age_grows_while_nobody_sweeps),
        cmocka_unit_test(test_narrow_bar_keeps_db_state_then_sweep_then_clock),
        cmocka_unit_test(test_tabs_number_panes_and_keep_the_active_one),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
