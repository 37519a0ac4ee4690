/* test_reconnect — every close code leads to the right decision; the backoff grows,
 * is capped, and its jitter stays inside [step/2, step]. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/reconnect.h"
#include "core/rng.h"
#include "core/transport.h"

static void
test_each_close_code_gets_its_decision(void **st)
{
    static const struct {
        int code;
        enum reconnect_action action;
    } cases[] = {
        { TRANSPORT_CLOSE_NETWORK, RECONNECT_BACKOFF },
        { TRANSPORT_CLOSE_LOCAL, RECONNECT_NONE },
        { 401, RECONNECT_RELINK },
        { 403, RECONNECT_ASK },
        { 408, RECONNECT_BACKOFF },
        { 411, RECONNECT_ASK },
        { 428, RECONNECT_BACKOFF },
        { 440, RECONNECT_ASK },
        { 500, RECONNECT_BACKOFF },
        { 502, RECONNECT_BACKOFF },
        { 503, RECONNECT_BACKOFF },
        { 515, RECONNECT_NOW },
        { 599, RECONNECT_BACKOFF },
        { 499, RECONNECT_BACKOFF }, /* unknown: transient until proven otherwise */
    };
    struct reconnect_decision d;
    struct rng r;

    (void)st;
    rng_seed(&r, 1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        reconnect_decide(cases[i].code, false, 0, &r, &d);
        if (d.action != cases[i].action)
            fail_msg("código %d: %s, se esperaba %s", cases[i].code,
                     reconnect_action_name(d.action), reconnect_action_name(cases[i].action));
        assert_true(d.why[0] != '\0');
        if (d.action == RECONNECT_BACKOFF)
            assert_in_range(d.delay_ms, RECONNECT_BASE_MS / 2, RECONNECT_BASE_MS);
        else
            assert_int_equal(d.delay_ms, 0);
    }
}

static void
test_408_while_showing_qr_stops_instead_of_looping(void **st)
{
    struct reconnect_decision d;
    struct rng r;

    (void)st;
    rng_seed(&r, 1);
    reconnect_decide(408, true, 0, &r, &d);
    assert_int_equal(d.action, RECONNECT_ASK);
    assert_non_null(strstr(d.why, "QR"));
    reconnect_decide(515, true, 0, &r, &d); /* restart right after pairing */
    assert_int_equal(d.action, RECONNECT_NOW);
}

static void
test_messages_are_spanish_and_name_the_code(void **st)
{
    struct reconnect_decision d;
    struct rng r;

    (void)st;
    rng_seed(&r, 3);
    reconnect_decide(401, false, 0, &r, &d);
    assert_non_null(strstr(d.why, "vuelva a vincular"));
    reconnect_decide(503, false, 2, &r, &d);
    assert_non_null(strstr(d.why, "(503)"));
    assert_non_null(strstr(d.why, "reintento 3"));
}

static void
test_backoff_doubles_with_jitter_and_is_capped(void **st)
{
    struct rng r;

    (void)st;
    rng_seed(&r, 42);
    for (unsigned a = 0; a < 40; a++) {
        int64_t step = RECONNECT_BASE_MS, lo = INT64_MAX, hi = 0;

        for (unsigned i = 0; i < a && step < RECONNECT_MAX_MS; i++)
            step *= 2;
        if (step > RECONNECT_MAX_MS)
            step = RECONNECT_MAX_MS;
        for (int k = 0; k < 200; k++) {
            int64_t d = reconnect_backoff_ms(a, &r);

            assert_in_range(d, step / 2, step);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        assert_true(hi - lo > step / 4); /* there is jitter, not a fixed delay */
    }
    assert_true(reconnect_backoff_ms(1000000, &r) <= RECONNECT_MAX_MS);
}

static void
test_same_seed_same_schedule(void **st)
{
    struct rng a, b;

    (void)st;
    rng_seed(&a, 9);
    rng_seed(&b, 9);
    for (unsigned i = 0; i < 20; i++)
        assert_int_equal(reconnect_backoff_ms(i, &a), reconnect_backoff_ms(i, &b));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_close_code_gets_its_decision),
        cmocka_unit_test(test_408_while_showing_qr_stops_instead_of_looping),
        cmocka_unit_test(test_messages_are_spanish_and_name_the_code),
        cmocka_unit_test(test_backoff_doubles_with_jitter_and_is_capped),
        cmocka_unit_test(test_same_seed_same_schedule),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
