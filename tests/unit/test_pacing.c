/* test_pacing — the governor and the planner: 170 sent + 190 requested, warm-up days,
 * bursts and rests, typing, the per-recipient gap, windows and rest days, ETA, and the
 * "rapido" preset. All times are explicit; nothing reads a clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/pacing.h"
#include "util/err.h"

#define MIN             60000LL
#define CDMX_OFFSET_MIN 360 /* America/Mexico_City is UTC-6 all year since 2022 */

/* Epoch ms of local (UTC-6) time hh:mm on date. */
static int64_t
at(int32_t date, int hh, int mm)
{
    int64_t days = 0;

    assert_true(pacing_date_days(date, &days));
    return (days * 1440 + hh * 60 + mm + CDMX_OFFSET_MIN) * MIN;
}

static void
assert_prefix(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        fail_msg("«%s» no empieza con «%s»", s, prefix);
}

static struct pacing_day
day(int32_t date, int open_h, int close_h, unsigned sent, unsigned pending)
{
    struct pacing_day d = {
        .date = date,
        .open_min = open_h * 60,
        .close_min = close_h * 60,
        .sent = sent,
        .pending = pending,
    };

    d.open_ms = at(date, open_h, 0);
    d.close_ms = at(date, close_h, 0);
    return d;
}

/* Friday 27, Saturday 28 (09–14), Monday 30 November 2026; Sunday is a rest day. */
static void
calendar(struct pacing_day *d, unsigned sent_today)
{
    d[0] = day(20261127, 9, 19, sent_today, 0);
    d[1] = day(20261128, 9, 14, 0, 0);
    d[2] = day(20261130, 9, 19, 0, 0);
}

static void
test_170_sent_plus_190_requested_gives_10_today_and_the_rest_later(void **st)
{
    struct pacing_config c;
    struct pacing_day d[3];
    struct pacing_plan_sum sum;
    struct pacing_cap cap;
    unsigned counts[3];
    char why[PACING_WHY_BYTES], line[300];

    (void)st;
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    calendar(d, 170);
    pacing_cap_for(&c, 20261127, 20250101, &cap);
    assert_int_equal(pacing_allowance(&cap, 170, 0, why, sizeof why), 10);
    assert_string_equal(why, "hoy puede enviar 10: límite 180, ya enviados 170");
    assert_int_equal(
        pacing_plan_make(&c, 20250101, d, 3, at(20261127, 10, 0), 190, 120, counts, &sum, NULL),
        RC_OK);
    assert_int_equal(counts[0], 10);
    assert_int_equal(counts[1], 180);
    assert_int_equal(counts[2], 0);
    assert_int_equal(sum.planned, 190);
    assert_int_equal(sum.left, 0);
    assert_int_equal(sum.today, 10);
    assert_int_equal(sum.last_day, 1);
    assert_true(sum.finish_ms > d[1].open_ms && sum.finish_ms <= d[1].close_ms);
    pacing_plan_explain(d, counts, 3, &sum, at(20261127, 10, 0), line, sizeof line);
    assert_string_equal(line, "10 hoy, 180 mañana; termina mañana hacia las 12:40");
}

static void
test_pending_messages_count_against_the_day_like_sent_ones(void **st)
{
    struct pacing_config c;
    struct pacing_cap cap;
    char why[PACING_WHY_BYTES];

    (void)st;
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    pacing_cap_for(&c, 20261127, 20250101, &cap);
    assert_int_equal(pacing_allowance(&cap, 150, 20, why, sizeof why), 10);
    assert_string_equal(why, "hoy puede enviar 10: límite 180, ya enviados 150 y programados 20");
    assert_int_equal(pacing_allowance(&cap, 170, 40, why, sizeof why), 0);
    assert_string_equal(why, "hoy puede enviar 0: límite 180, ya enviados 170 y programados 40");
}

static void
test_warm_up_ramps_linearly_from_20_to_the_limit_in_14_days(void **st)
{
    static const struct {
        int32_t date;
        unsigned cap;
        bool warming;
    } cases[] = {
        { 20261101, 20, true },  /* first day of use */
        { 20261102, 31, true },  /* 20 + 160 * 1 / 14 */
        { 20261108, 100, true }, /* day 8: 20 + 160 * 7 / 14 */
        { 20261114, 168, true }, /* day 14 */
        { 20261115, 180, false }, { 20270101, 180, false },
        { 20261001, 20, true }, /* before en_uso_desde: treated as the first day */
    };
    struct pacing_config c;
    struct pacing_cap cap;
    char why[PACING_WHY_BYTES];

    (void)st;
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pacing_cap_for(&c, cases[i].date, 20261101, &cap);
        assert_int_equal(cap.cap, cases[i].cap);
        assert_int_equal(cap.warming, cases[i].warming);
    }
    pacing_cap_for(&c, 20261102, 20261101, &cap);
    pacing_allowance(&cap, 0, 0, why, sizeof why);
    assert_string_equal(why, "hoy puede enviar 31: calentamiento día 2 de 14, 31 (límite 180), "
                             "ya enviados 0");
    pacing_cap_for(&c, 20261102, 0, &cap); /* unknown start: assume a new number */
    assert_int_equal(cap.cap, 20);
    c.daily_limit = 100;
    pacing_cap_for(&c, 20261108, 20261101, &cap);
    assert_int_equal(cap.cap, 60); /* the ramp climbs to the configured limit */
    c.daily_limit = 10;
    pacing_cap_for(&c, 20261101, 20261101, &cap);
    assert_int_equal(cap.cap, 10);
    assert_false(cap.warming);
    c.daily_limit = 0;
    c.warmup_days = 0;
    pacing_cap_for(&c, 20261101, 20261101, &cap);
    assert_int_equal(cap.cap, PACING_DAILY_DEFAULT);
}

static void
test_plan_for_a_new_number_follows_the_ramp(void **st)
{
    struct pacing_config c;
    struct pacing_day d[5];
    struct pacing_plan_sum sum;
    unsigned counts[5];
    char line[300];

    (void)st;
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    d[0] = day(20261123, 9, 19, 0, 0);
    d[1] = day(20261124, 9, 19, 0, 0);
    d[2] = day(20261125, 9, 19, 5, 0);
    d[3] = day(20261126, 9, 19, 0, 0);
    d[4] = day(20261127, 9, 19, 0, 0);
    assert_int_equal(
        pacing_plan_make(&c, 20261123, d, 5, at(20261123, 8, 0), 200, 80, counts, &sum, NULL),
        RC_OK);
    assert_int_equal(counts[0], 20);
    assert_int_equal(counts[1], 31);
    assert_int_equal(counts[2], 42 - 5);
    assert_int_equal(counts[3], 54);
    assert_int_equal(counts[4], 58); /* 200 - 142, under that day's 65 */
    assert_int_equal(sum.left, 0);
    pacing_plan_explain(d, counts, 5, &sum, at(20261123, 8, 0), line, sizeof line);
    assert_prefix(line, "20 hoy, 31 mañana, 37 el miércoles, 54 el jueves, 58 el viernes;"
                        " termina el viernes hacia las ");
}

static void
test_bursts_then_rests_with_exact_ranges(void **st)
{
    struct pacing_config c;
    struct pacing p;
    struct pacing_step s;
    char line[120];

    (void)st;
    pacing_config_preset(&c, PACING_PRESET_RAPIDO);
    c.gap_min_ms = c.gap_max_ms = 10000;
    c.burst_min = c.burst_max = 3;
    c.rest_min_ms = c.rest_max_ms = 300000;
    pacing_init(&p, &c, 1);
    for (int i = 0; i < 12; i++) {
        pacing_next(&p, 20, 0, &s);
        if (i == 0)
            assert_int_equal(s.wait_ms, 0);
        else if (i % 3 == 0) {
            assert_true(s.rest);
            assert_int_equal(s.burst, 3);
            assert_int_equal(s.wait_ms, 300000);
        } else {
            assert_false(s.rest);
            assert_int_equal(s.wait_ms, 10000);
        }
    }
    assert_string_equal(pacing_step_explain(&s, line, sizeof line), "espera 10 s y escribe 0.0 s");
    s.rest = true;
    s.burst = 3;
    s.wait_ms = 380000;
    s.typing_ms = 2400;
    assert_string_equal(pacing_step_explain(&s, line, sizeof line),
                        "descanso de 6 min 20 s tras 3 mensajes, luego escribe 2.4 s");
}

static void
test_random_bursts_and_gaps_stay_in_their_ranges(void **st)
{
    struct pacing_config c;
    struct pacing p, q;
    struct pacing_step s, t;
    unsigned run = 0, rests = 0;

    (void)st;
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    pacing_init(&p, &c, 77);
    pacing_init(&q, &c, 77);
    for (int i = 0; i < 2000; i++) {
        pacing_next(&p, 100, 0, &s);
        pacing_next(&q, 100, 0, &t);
        assert_memory_equal(&s, &t, sizeof s); /* same seed, same steps */
        assert_int_equal(s.typing_ms, 3800);
        if (i == 0)
            continue;
        if (s.rest) {
            rests++;
            assert_int_equal(s.burst, run + 1);
            assert_in_range(s.burst, 8, 15);
            assert_in_range(s.wait_ms + s.typing_ms, 4 * MIN, 10 * MIN);
            run = 0;
        } else {
            run++;
            assert_in_range(s.wait_ms + s.typing_ms, 25000, 55000);
        }
    }
    assert_in_range(rests, 2000 / 16, 2000 / 8);
}

static void
test_typing_is_proportional_and_capped(void **st)
{
    struct pacing_config c;
    struct pacing p;
    struct pacing_step s;

    (void)st;
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    assert_int_equal(pacing_typing_ms(&c, 0), 800);
    assert_int_equal(pacing_typing_ms(&c, 10), 1100);
    assert_int_equal(pacing_typing_ms(&c, 106), 3980);
    assert_int_equal(pacing_typing_ms(&c, 107), 4000);
    assert_int_equal(pacing_typing_ms(&c, 5000), 4000);
    assert_int_equal(pacing_text_chars("Señora Núñez 👋"), 14);
    assert_int_equal(pacing_text_chars(""), 0);
    c.gap_min_ms = c.gap_max_ms = 1000; /* typing longer than the gap: no extra wait */
    c.burst_max = 0;
    pacing_init(&p, &c, 1);
    pacing_next(&p, 200, 0, &s);
    pacing_next(&p, 200, 0, &s);
    assert_int_equal(s.wait_ms, 0);
    assert_int_equal(s.typing_ms, 4000);
}

static void
test_minimum_gap_per_recipient(void **st)
{
    struct pacing_config c;
    struct pacing p;
    struct pacing_step s;

    (void)st;
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    assert_int_equal(pacing_recipient_wait(&c, 30000, PACING_NEVER), 0);
    assert_int_equal(pacing_recipient_wait(&c, 30000, 1000), 31000);
    assert_int_equal(pacing_recipient_wait(&c, 61000, 1000), 0);
    pacing_init(&p, &c, 5);
    pacing_next(&p, 10, 50000, &s); /* even the first message waits for its recipient */
    assert_int_equal(s.wait_ms, 50000 - 1100);
    pacing_next(&p, 10, 200000, &s);
    assert_int_equal(s.wait_ms + s.typing_ms, 200000);
}

static void
test_window_and_rest_days(void **st)
{
    struct pacing_day d[3];
    int64_t resume = 0;
    char why[PACING_WHY_BYTES];

    (void)st;
    calendar(d, 0);
    assert_true(pacing_window_check(d, 3, at(20261127, 10, 0), &resume, why, sizeof why));
    assert_string_equal(why, "en horario hasta las 19:00");
    assert_false(pacing_window_check(d, 3, at(20261127, 8, 0), &resume, why, sizeof why));
    assert_string_equal(why, "fuera de horario: reanuda hoy a las 09:00");
    assert_int_equal(resume, d[0].open_ms);
    assert_false(pacing_window_check(d, 3, at(20261127, 19, 0), &resume, why, sizeof why));
    assert_string_equal(why, "fuera de horario: reanuda mañana a las 09:00");
    assert_false(pacing_window_check(d, 3, at(20261128, 14, 30), &resume, why, sizeof why));
    assert_string_equal(why, "fuera de horario: reanuda el lunes 09:00"); /* Sunday rests */
    assert_int_equal(resume, d[2].open_ms);
    assert_false(pacing_window_check(d, 3, at(20261201, 9, 0), &resume, why, sizeof why));
    assert_int_equal(resume, -1);
    d[2] = day(20261214, 9, 19, 0, 0); /* a far day carries its date */
    assert_false(pacing_window_check(d, 3, at(20261128, 14, 30), &resume, why, sizeof why));
    assert_string_equal(why, "fuera de horario: reanuda el lunes 14/12 09:00");
}

static void
test_eta_uses_mean_gaps_bursts_and_rests(void **st)
{
    struct pacing_config c;
    struct pacing_day d[3];
    struct pacing_plan_sum sum;
    unsigned counts[3];
    int64_t open;

    (void)st;
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    calendar(d, 0);
    open = d[0].open_ms;
    /* 12 messages of 100 characters: typing 3.8 s, 10 mean gaps of 40 s inside the first
     * burst of 11 (mean of 8..15), then one mean rest of 7 min. */
    assert_int_equal(
        pacing_plan_make(&c, 20250101, d, 3, open - 5 * MIN, 12, 100, counts, &sum, NULL), RC_OK);
    assert_int_equal(counts[0], 12);
    assert_int_equal(sum.finish_ms, open + 3800 + 10 * 40000 + 420000);
    /* Ten minutes before closing only the first 11 fit; the 12th goes to Saturday. */
    assert_int_equal(
        pacing_plan_make(&c, 20250101, d, 3, at(20261127, 18, 50), 12, 100, counts, &sum, NULL),
        RC_OK);
    assert_int_equal(counts[0], 11);
    assert_int_equal(counts[1], 1);
    assert_int_equal(sum.finish_ms, d[1].open_ms + 3800);
    /* After closing time nothing is placed today. */
    assert_int_equal(
        pacing_plan_make(&c, 20250101, d, 3, at(20261127, 19, 0), 12, 100, counts, &sum, NULL),
        RC_OK);
    assert_int_equal(counts[0], 0);
    assert_int_equal(sum.today, 0);
}

static void
test_requests_beyond_the_given_days_are_reported_as_left(void **st)
{
    struct pacing_config c;
    struct pacing_day d[3];
    struct pacing_plan_sum sum;
    unsigned counts[3];
    char line[300];

    (void)st;
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    calendar(d, 0);
    assert_int_equal(
        pacing_plan_make(&c, 20250101, d, 3, at(20261127, 7, 0), 1000, 100, counts, &sum, NULL),
        RC_OK);
    assert_int_equal(sum.planned, 540);
    assert_int_equal(sum.left, 460);
    pacing_plan_explain(d, counts, 3, &sum, at(20261127, 7, 0), line, sizeof line);
    assert_non_null(strstr(line, "; 460 no caben en los próximos 3 días hábiles"));
    assert_prefix(line, "180 hoy, 180 mañana, 180 el lunes; termina el lunes hacia las ");
    assert_int_equal(pacing_plan_make(&c, 20250101, d, 3, 0, 0, 100, counts, &sum, NULL), RC_OK);
    pacing_plan_explain(d, counts, 3, &sum, 0, line, sizeof line);
    assert_string_equal(line, "nada cabe en los días hábiles dados");
}

static void
test_rapido_has_zero_gaps_and_finishes_at_once(void **st)
{
    struct pacing_config c;
    struct pacing p;
    struct pacing_step s;
    struct pacing_day d[1];
    struct pacing_plan_sum sum;
    unsigned counts[1];
    enum pacing_preset pr;

    (void)st;
    assert_int_equal(pacing_preset_parse("rapido", &pr, NULL), RC_OK);
    assert_int_equal(pr, PACING_PRESET_RAPIDO);
    pacing_config_preset(&c, pr);
    assert_int_equal(pacing_config_check(&c, NULL), RC_OK);
    pacing_init(&p, &c, 3);
    for (int i = 0; i < 100; i++) {
        pacing_next(&p, 300, 0, &s);
        assert_int_equal(s.wait_ms + s.typing_ms, 0);
        assert_false(s.rest);
    }
    c.daily_limit = 50000; /* caps still apply: benchmarks raise them explicitly */
    c.warmup_days = 0;
    d[0] = day(20261127, 9, 19, 0, 0);
    assert_int_equal(pacing_plan_make(&c, 0, d, 1, d[0].open_ms, 20000, 100, counts, &sum, NULL),
                     RC_OK);
    assert_int_equal(counts[0], 20000);
    assert_int_equal(sum.finish_ms, d[0].open_ms);
}

static void
test_bad_input_is_refused_with_a_reason(void **st)
{
    struct pacing_config c;
    struct pacing_day d[3];
    struct pacing_plan_sum sum;
    unsigned counts[3];
    enum pacing_preset pr;
    struct err e;
    int64_t z;

    (void)st;
    assert_int_equal(pacing_preset_parse("turbo", &pr, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "normal o rapido"));
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    assert_int_equal(pacing_config_check(&c, NULL), RC_OK);
    c.gap_min_ms = 60000;
    assert_int_equal(pacing_config_check(&c, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "intervalo"));
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    c.burst_min = 20;
    assert_int_equal(pacing_config_check(&c, &e), RC_INVAL);
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    c.daily_limit = PACING_DAILY_MAX + 1;
    assert_int_equal(pacing_config_check(&c, &e), RC_INVAL);
    pacing_config_preset(&c, PACING_PRESET_NORMAL);
    calendar(d, 0);
    d[2] = d[0];
    assert_int_equal(pacing_plan_make(&c, 0, d, 3, 0, 5, 10, counts, &sum, &e), RC_INVAL);
    calendar(d, 0);
    d[1].date = 20261131;
    assert_int_equal(pacing_plan_make(&c, 0, d, 3, 0, 5, 10, counts, &sum, &e), RC_INVAL);
    assert_false(pacing_date_days(20260229, &z));
    assert_true(pacing_date_days(20240229, &z));
    assert_true(pacing_date_days(19700101, &z));
    assert_int_equal(z, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_170_sent_plus_190_requested_gives_10_today_and_the_rest_later),
        cmocka_unit_test(test_pending_messages_count_against_the_day_like_sent_ones),
        cmocka_unit_test(test_warm_up_ramps_linearly_from_20_to_the_limit_in_14_days),
        cmocka_unit_test(test_plan_for_a_new_number_follows_the_ramp),
        cmocka_unit_test(test_bursts_then_rests_with_exact_ranges),
        cmocka_unit_test(test_random_bursts_and_gaps_stay_in_their_ranges),
        cmocka_unit_test(test_typing_is_proportional_and_capped),
        cmocka_unit_test(test_minimum_gap_per_recipient),
        cmocka_unit_test(test_window_and_rest_days),
        cmocka_unit_test(test_eta_uses_mean_gaps_bursts_and_rests),
        cmocka_unit_test(test_requests_beyond_the_given_days_are_reported_as_left),
        cmocka_unit_test(test_rapido_has_zero_gaps_and_finishes_at_once),
        cmocka_unit_test(test_bad_input_is_refused_with_a_reason),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
