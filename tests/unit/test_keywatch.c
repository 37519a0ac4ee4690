/*
 * test_keywatch — when `embudo worker` looks at its WhatsApp key file again: a missing file is
 * said once and waited for over any number of rounds, then tried again the round it exists;
 * an unusable one (0644) likewise until chmod; a change that leaves it bad is said again (a new
 * reason); a good, unchanged file is not reopened; any lstat() field that tells a change does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/keywatch.h"

static const struct keywatch_stat MISSING = { .err = ENOENT };
static const struct keywatch_stat GOOD = { .dev = 8,
                                           .ino = 4242,
                                           .size = 32,
                                           .mode = 0100600,
                                           .uid = 1000,
                                           .mtime_ns = 1000,
                                           .ctime_ns = 1000 };

/* One round of the worker: the step for now, and a check that finds the file ok when asked.
 * Counts what would be said and whether senders start (*use). */
struct ronda {
    int checks, bad, good;
    bool use;
};

static void
ronda(struct keywatch *kw, const struct keywatch_stat *now, bool ok, struct ronda *r)
{
    switch (keywatch_step(kw, now)) {
    case KEYWATCH_USE:
        r->use = true;
        return;
    case KEYWATCH_WAIT:
        r->use = false;
        return;
    case KEYWATCH_CHECK:
        r->checks++;
        switch (keywatch_record(kw, now, ok)) {
        case KEYWATCH_SAY_BAD:
            r->bad++;
            break;
        case KEYWATCH_SAY_GOOD:
            r->good++;
            break;
        case KEYWATCH_SAY_NOTHING:
            break;
        }
        r->use = ok;
        return;
    }
}

/* An hour of rounds with no key file: one check, one line, nothing started; the round the file
 * appears it is checked again, said to be usable once, and used from then on unchecked. */
static void
test_missing_file_said_once_then_tried_when_it_exists(void **st)
{
    struct keywatch kw;
    struct ronda r = { 0 };

    (void)st;
    keywatch_init(&kw);
    for (int i = 0; i < 60; i++) {
        ronda(&kw, &MISSING, false, &r);
        assert_false(r.use);
    }
    assert_int_equal(r.checks, 1);
    assert_int_equal(r.bad, 1);
    ronda(&kw, &GOOD, true, &r);
    assert_true(r.use);
    assert_int_equal(r.checks, 2);
    assert_int_equal(r.good, 1);
    for (int i = 0; i < 60; i++) {
        ronda(&kw, &GOOD, true, &r);
        assert_true(r.use);
    }
    assert_int_equal(r.checks, 2);
    assert_int_equal(r.bad, 1);
    assert_int_equal(r.good, 1);
}

/* Good from the start: nothing to say; removed later: said once, then waited for. */
static void
test_good_file_is_not_reopened_and_its_loss_is_said_once(void **st)
{
    struct keywatch kw;
    struct ronda r = { 0 };

    (void)st;
    keywatch_init(&kw);
    ronda(&kw, &GOOD, true, &r);
    ronda(&kw, &GOOD, true, &r);
    assert_true(r.use);
    assert_int_equal(r.checks, 1);
    assert_int_equal(r.bad + r.good, 0);
    for (int i = 0; i < 10; i++)
        ronda(&kw, &MISSING, false, &r);
    assert_false(r.use);
    assert_int_equal(r.checks, 2);
    assert_int_equal(r.bad, 1);
}

/* 0644 is refused (seal.c): said once; chmod 600 changes mode and ctime, so it is checked and
 * used again. A change that leaves it bad (0640) is news: said again. */
static void
test_unusable_file_waits_for_a_change(void **st)
{
    struct keywatch kw;
    struct ronda r = { 0 };
    struct keywatch_stat abierto = GOOD, grupo = GOOD;

    (void)st;
    abierto.mode = 0100644;
    abierto.ctime_ns = 2000;
    grupo.mode = 0100640;
    grupo.ctime_ns = 3000;
    keywatch_init(&kw);
    for (int i = 0; i < 5; i++)
        ronda(&kw, &abierto, false, &r);
    assert_int_equal(r.bad, 1);
    ronda(&kw, &grupo, false, &r);
    ronda(&kw, &grupo, false, &r);
    assert_int_equal(r.bad, 2);
    assert_false(r.use);
    ronda(&kw, &GOOD, true, &r);
    assert_true(r.use);
    assert_int_equal(r.good, 1);
    assert_int_equal(r.checks, 3);
}

/* A check can find an unchanged-looking file bad and then good (it did not change on disk, the
 * check did: another process's race). The outcome recorded is what counts. */
static void
test_the_recorded_outcome_decides(void **st)
{
    struct keywatch kw;

    (void)st;
    keywatch_init(&kw);
    assert_int_equal(keywatch_step(&kw, &GOOD), KEYWATCH_CHECK);
    assert_int_equal(keywatch_record(&kw, &GOOD, false), KEYWATCH_SAY_BAD);
    assert_int_equal(keywatch_step(&kw, &GOOD), KEYWATCH_WAIT);
    assert_int_equal(keywatch_record(&kw, &GOOD, true), KEYWATCH_SAY_GOOD);
    assert_int_equal(keywatch_step(&kw, &GOOD), KEYWATCH_USE);
    assert_int_equal(keywatch_record(&kw, &GOOD, true), KEYWATCH_SAY_NOTHING);
}

/* Every field that tells a change does; with no file, only the reason (ENOENT, EACCES). */
static void
test_what_counts_as_a_change(void **st)
{
    struct keywatch_stat v[7], eacces = { .err = EACCES }, missing2 = MISSING;

    (void)st;
    assert_true(keywatch_stat_equal(&GOOD, &GOOD));
    missing2.ino = 99; /* whatever else lstat left there */
    assert_true(keywatch_stat_equal(&MISSING, &missing2));
    assert_false(keywatch_stat_equal(&MISSING, &eacces));
    assert_false(keywatch_stat_equal(&MISSING, &GOOD));
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        v[i] = GOOD;
    v[0].dev++;
    v[1].ino++;
    v[2].size++;
    v[3].mode = 0100400;
    v[4].uid++;
    v[5].mtime_ns++;
    v[6].ctime_ns++;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (keywatch_stat_equal(&GOOD, &v[i]))
            fail_msg("el cambio %zu no cuenta como cambio", i);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_file_said_once_then_tried_when_it_exists),
        cmocka_unit_test(test_good_file_is_not_reopened_and_its_loss_is_said_once),
        cmocka_unit_test(test_unusable_file_waits_for_a_change),
        cmocka_unit_test(test_the_recorded_outcome_decides),
        cmocka_unit_test(test_what_counts_as_a_change),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
