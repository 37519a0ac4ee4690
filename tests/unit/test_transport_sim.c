/* test_transport_sim — the simulated network: QR rotation, scan, linking with a code,
 * receipts, failures, disconnects with every close code, determinism for a seed. Fake
 * clock, no sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/reconnect.h"
#include "core/rng.h"
#include "core/transport.h"
#include "core/transport_sim.h"
#include "util/err.h"
#include "util/strbuf.h"

/* The fake clock, the event log and the transport under test. */
struct fx {
    int64_t now;
    int64_t woken; /* last wake() deadline, -1 if none */
    struct strbuf log;
    char last_qr[200];
    char last_code[16];
    int nqr, ncode, nopen, nclose, last_close;
    struct transport *t;
    /* A miniature sender runtime applying the reconnect policy (when policy is set). */
    bool policy, linking;
    struct rng rng;
    unsigned attempt;
    int64_t reconnect_at; /* -1: no reconnect scheduled */
    enum reconnect_action last_action;
};

static int64_t
fake_now(void *ctx)
{
    return ((struct fx *)ctx)->now;
}

static void
fake_wake(void *ctx, int64_t deadline)
{
    ((struct fx *)ctx)->woken = deadline;
}

static void
on_qr(void *ctx, const char *qr, int64_t expires)
{
    struct fx *f = ctx;

    f->nqr++;
    f->linking = true;
    snprintf(f->last_qr, sizeof f->last_qr, "%s", qr);
    strbuf_addf(&f->log, "qr hasta %lld\n", (long long)expires);
}

static void
on_code(void *ctx, const char *code, int64_t expires)
{
    struct fx *f = ctx;

    f->ncode++;
    f->linking = true;
    snprintf(f->last_code, sizeof f->last_code, "%s", code);
    strbuf_addf(&f->log, "código hasta %lld\n", (long long)expires);
}

static void
on_open(void *ctx, const char *self)
{
    struct fx *f = ctx;

    f->nopen++;
    f->linking = false;
    f->attempt = 0;
    strbuf_addf(&f->log, "open %s\n", self);
}

/* What the sender runtime will do on a close: decide, then reconnect now, later, or stop. */
static void
apply_policy(struct fx *f, int code)
{
    struct reconnect_decision d;

    reconnect_decide(code, f->linking, f->attempt, &f->rng, &d);
    f->last_action = d.action;
    f->linking = false;
    strbuf_addf(&f->log, "decide %s %lld\n", reconnect_action_name(d.action),
                (long long)d.delay_ms);
    switch (d.action) {
    case RECONNECT_NOW:
        assert_int_equal(transport_connect(f->t, NULL), RC_OK); /* from inside the callback */
        break;
    case RECONNECT_BACKOFF:
        f->attempt++;
        f->reconnect_at = f->now + d.delay_ms;
        break;
    case RECONNECT_RELINK:
    case RECONNECT_ASK:
    case RECONNECT_NONE:
        break;
    }
}

static void
on_close(void *ctx, int code, const char *reason)
{
    struct fx *f = ctx;

    (void)reason;
    f->nclose++;
    f->last_close = code;
    strbuf_addf(&f->log, "close %d\n", code);
    if (f->policy)
        apply_policy(f, code);
}

static void
on_ack(void *ctx, const char *id, int error, int64_t at)
{
    strbuf_addf(&((struct fx *)ctx)->log, "%lld ack %s %d\n", (long long)at, id, error);
}

static void
on_receipt(void *ctx, const char *id, enum transport_receipt kind, int64_t at)
{
    strbuf_addf(&((struct fx *)ctx)->log, "%lld %s %s\n", (long long)at,
                transport_receipt_name(kind), id);
}

static void
on_incoming(void *ctx, const char *from, const char *id, const char *text, int64_t at)
{
    (void)id;
    strbuf_addf(&((struct fx *)ctx)->log, "%lld in %s: %s\n", (long long)at, from, text);
}

static void
on_numbers(void *ctx, uint64_t req, const struct transport_number *nums, size_t n)
{
    struct fx *f = ctx;

    strbuf_addf(&f->log, "numbers %llu:", (unsigned long long)req);
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&f->log, " %s=%d", nums[i].number, nums[i].on_whatsapp);
    strbuf_addch(&f->log, '\n');
}

/* A config with fixed latency (100 ms) so times are exact; no randomness but receipts. */
static void
exact_config(struct sim_config *c)
{
    sim_config_default(c);
    c->seed = 7;
    c->latency_min_ms = c->latency_max_ms = 100;
    c->deliver_min_ms = 1000;
    c->deliver_max_ms = 5000;
    c->read_min_ms = 10000;
    c->read_max_ms = 20000;
    c->read_ppm = RNG_PPM_ONE;
    c->reply_ppm = 0;
}

static void
fx_start(struct fx *f, const struct sim_config *c)
{
    struct transport_clock clk = { .now_ms = fake_now, .wake = fake_wake, .ctx = f };
    struct transport_events ev = {
        .ctx = f,
        .qr = on_qr,
        .code = on_code,
        .open = on_open,
        .close = on_close,
        .ack = on_ack,
        .receipt = on_receipt,
        .incoming = on_incoming,
        .numbers = on_numbers,
    };
    struct err e;

    memset(f, 0, sizeof *f);
    f->woken = -1;
    f->reconnect_at = -1;
    rng_seed(&f->rng, 5);
    strbuf_init(&f->log);
    f->t = transport_sim_new(c, &clk, &ev, &e);
    assert_non_null(f->t);
}

static void
fx_stop(struct fx *f)
{
    transport_free(f->t);
    strbuf_fini(&f->log);
}

/* Moves the fake clock to `to` and lets the sim emit what is due. */
static void
run_until(struct fx *f, int64_t to)
{
    f->now = to;
    transport_sim_advance(f->t, to);
}

/* The runtime's loop in miniature: jump the clock to the next sim deadline or scheduled
 * reconnect, whichever comes first, until `until`. */
static void
drive(struct fx *f, int64_t until)
{
    for (;;) {
        int64_t next = -1, sim_at;

        if (transport_sim_next_deadline(f->t, &sim_at))
            next = sim_at;
        if (f->reconnect_at >= 0 && (next < 0 || f->reconnect_at < next))
            next = f->reconnect_at;
        if (next < 0 || next > until)
            break;
        f->now = next;
        if (f->reconnect_at == next) {
            f->reconnect_at = -1;
            assert_int_equal(transport_connect(f->t, NULL), RC_OK);
        }
        transport_sim_advance(f->t, next);
    }
    f->now = until;
}

/* Connects a linked sim and opens it. */
static void
fx_open(struct fx *f)
{
    assert_int_equal(transport_connect(f->t, NULL), RC_OK);
    run_until(f, f->now + 100);
    assert_int_equal(f->nopen, 1);
    strbuf_reset(&f->log);
}

static void
test_qr_rotates_60_then_20_seconds_and_runs_out_with_408(void **st)
{
    struct sim_config c;
    struct fx f;
    char first[200];

    (void)st;
    exact_config(&c);
    fx_start(&f, &c);
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    run_until(&f, 99);
    assert_int_equal(f.nqr, 0);
    run_until(&f, 100);
    assert_int_equal(f.nqr, 1);
    snprintf(first, sizeof first, "%s", f.last_qr);
    assert_memory_equal(first, "2@", 2);
    run_until(&f, 60099);
    assert_int_equal(f.nqr, 1);
    run_until(&f, 60100);
    assert_int_equal(f.nqr, 2);
    assert_string_not_equal(first, f.last_qr);
    run_until(&f, 200000);
    assert_string_equal(f.log.buf, "qr hasta 60100\nqr hasta 80100\nqr hasta 100100\n"
                                   "qr hasta 120100\nqr hasta 140100\nqr hasta 160100\n"
                                   "close 408\n");
    assert_false(transport_sim_linked(f.t));
    fx_stop(&f);
}

static void
test_scan_links_and_opens_but_only_while_a_qr_is_valid(void **st)
{
    struct sim_config c;
    struct fx f;
    struct err e;

    (void)st;
    exact_config(&c);
    fx_start(&f, &c);
    assert_int_equal(transport_sim_scan(f.t, &e), RC_INVAL);
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    assert_int_equal(transport_connect(f.t, &e), RC_INVAL);
    assert_int_equal(transport_sim_scan(f.t, &e), RC_INVAL); /* no QR yet */
    run_until(&f, 60099);                                    /* first QR, last instant */
    assert_int_equal(transport_sim_scan(f.t, &e), RC_OK);
    assert_int_equal(transport_sim_scan(f.t, &e), RC_INVAL); /* already scanned */
    run_until(&f, 60199);
    assert_int_equal(f.nqr, 1); /* the expiry no longer rotates a scanned QR */
    assert_int_equal(f.nopen, 1);
    assert_true(transport_sim_linked(f.t));
    transport_disconnect(f.t);
    run_until(&f, 60199);
    assert_int_equal(f.last_close, TRANSPORT_CLOSE_LOCAL);
    assert_int_equal(transport_connect(f.t, NULL), RC_OK); /* linked: no QR */
    run_until(&f, 60299);
    assert_int_equal(f.nqr, 1);
    assert_int_equal(f.nopen, 2);
    fx_stop(&f);
}

static void
test_autoscan_scans_the_first_qr_once(void **st)
{
    struct sim_config c;
    struct fx f;

    (void)st;
    exact_config(&c);
    c.autoscan = true;
    c.autoscan_after_ms = 3000;
    fx_start(&f, &c);
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    run_until(&f, 3199);
    assert_int_equal(f.nopen, 0);
    run_until(&f, 3200);
    assert_int_equal(f.nopen, 1);
    assert_string_equal(f.log.buf, "qr hasta 60100\nopen 5215500000000@s.whatsapp.net\n");
    fx_stop(&f);
}

static void
test_pairing_can_end_with_restart_515_like_whatsapp(void **st)
{
    struct sim_config c;
    struct fx f;

    (void)st;
    exact_config(&c);
    c.autoscan = true;
    c.restart_after_pair = true;
    fx_start(&f, &c);
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    run_until(&f, 10000);
    assert_int_equal(f.last_close, TRANSPORT_CLOSE_RESTART);
    assert_int_equal(f.nopen, 0);
    assert_true(transport_sim_linked(f.t));
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    run_until(&f, 10100);
    assert_int_equal(f.nopen, 1);
    fx_stop(&f);
}

static void
test_send_is_acked_delivered_then_read_in_order(void **st)
{
    struct sim_config c;
    struct fx f;
    long long ack, del, rd;
    char id1[16], id2[16], id3[16];

    (void)st;
    exact_config(&c);
    c.linked = true;
    fx_start(&f, &c);
    f.now = 1000;
    fx_open(&f);
    assert_int_equal(transport_send_text(f.t, "5215511111111", "m1", "Hola", NULL), RC_OK);
    run_until(&f, 1199);
    assert_string_equal(f.log.buf, "");
    run_until(&f, 1200);
    assert_string_equal(f.log.buf, "1200 ack m1 0\n");
    run_until(&f, 10000000);
    assert_int_equal(sscanf(f.log.buf, "%lld ack %15s 0\n%lld entregado %15s\n%lld leído %15s",
                            &ack, id1, &del, id2, &rd, id3),
                     6);
    assert_string_equal(id2, "m1");
    assert_string_equal(id3, "m1");
    assert_true(del >= ack + 1000 && del <= ack + 5000);
    assert_true(rd >= del + 10000 && rd <= del + 20000);
    fx_stop(&f);
}

static void
test_send_while_closed_is_refused(void **st)
{
    struct sim_config c;
    struct fx f;
    struct err e;

    (void)st;
    exact_config(&c);
    fx_start(&f, &c);
    assert_int_equal(transport_send_text(f.t, "5215511111111", "m1", "Hola", &e), RC_CLOSED);
    assert_int_equal(e.rc, RC_CLOSED);
    assert_int_equal(transport_send_text(f.t, "", "m1", "Hola", &e), RC_INVAL);
    assert_int_equal(transport_presence(f.t, "52155", TRANSPORT_PRESENCE_COMPOSING, &e), RC_CLOSED);
    assert_int_equal(transport_check_numbers(f.t, 1, (const char *const[]){ "1" }, 1, &e),
                     RC_CLOSED);
    fx_stop(&f);
}

static void
test_number_not_on_whatsapp_is_acked_but_never_delivered(void **st)
{
    struct sim_config c;
    struct fx f;

    (void)st;
    exact_config(&c);
    c.linked = true;
    c.not_on_whatsapp_ppm = RNG_PPM_ONE;
    fx_start(&f, &c);
    fx_open(&f);
    assert_false(transport_sim_on_whatsapp(&c, "5215511111111"));
    assert_int_equal(transport_send_text(f.t, "5215511111111", "m1", "Hola", NULL), RC_OK);
    run_until(&f, 100000000);
    assert_string_equal(f.log.buf, "200 ack m1 0\n");
    fx_stop(&f);
}

static void
test_refused_send_acks_with_an_error_and_no_receipts(void **st)
{
    struct sim_config c;
    struct fx f;

    (void)st;
    exact_config(&c);
    c.linked = true;
    c.send_fail_ppm = RNG_PPM_ONE;
    fx_start(&f, &c);
    fx_open(&f);
    assert_int_equal(transport_send_text(f.t, "5215511111111", "m1", "Hola", NULL), RC_OK);
    run_until(&f, 100000000);
    assert_string_equal(f.log.buf, "200 ack m1 479\n");
    fx_stop(&f);
}

/* Each close code can be drawn: the send's ack is lost with the link, its receipts wait
 * for the next open, and 401 forgets the pairing. */
static void
test_every_close_code_drops_the_link(void **st)
{
    (void)st;
    for (size_t i = 0; i < SIM_NCLOSE; i++) {
        struct sim_config c;
        struct fx f;

        exact_config(&c);
        c.linked = true;
        c.close_ppm[i] = RNG_PPM_ONE;
        fx_start(&f, &c);
        fx_open(&f);
        assert_int_equal(transport_send_text(f.t, "5215511111111", "m1", "Hola", NULL), RC_OK);
        run_until(&f, 100000000);
        assert_int_equal(f.nclose, 1);
        assert_int_equal(f.last_close, sim_close_codes[i]);
        assert_null(strstr(f.log.buf, "ack"));
        assert_null(strstr(f.log.buf, "entregado"));
        assert_int_equal(transport_sim_linked(f.t), sim_close_codes[i] != 401);
        if (sim_close_codes[i] == 401) {
            fx_stop(&f);
            continue;
        }
        strbuf_reset(&f.log);
        assert_int_equal(transport_connect(f.t, NULL), RC_OK);
        run_until(&f, f.now + 100);
        run_until(&f, f.now + 1000);
        assert_string_equal(f.log.buf, "open 5215500000000@s.whatsapp.net\n"
                                       "100000200 entregado m1\n100000200 leído m1\n");
        fx_stop(&f);
    }
}

static void
test_local_disconnect_reports_code_1_and_drops_pending_acks(void **st)
{
    struct sim_config c;
    struct fx f;

    (void)st;
    exact_config(&c);
    c.linked = true;
    fx_start(&f, &c);
    fx_open(&f);
    assert_int_equal(transport_send_text(f.t, "5215511111111", "m1", "Hola", NULL), RC_OK);
    transport_disconnect(f.t);
    transport_disconnect(f.t); /* no-op */
    run_until(&f, 150);
    assert_string_equal(f.log.buf, "close 1\n");
    assert_int_equal(f.nclose, 1);
    fx_stop(&f);
}

static void
test_incoming_text_waits_for_the_connection(void **st)
{
    struct sim_config c;
    struct fx f;

    (void)st;
    exact_config(&c);
    c.linked = true;
    fx_start(&f, &c);
    transport_sim_incoming(f.t, "5215522222222", "BAJA por favor");
    run_until(&f, 5000);
    assert_string_equal(f.log.buf, "");
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    run_until(&f, 5200);
    assert_string_equal(f.log.buf, "open 5215500000000@s.whatsapp.net\n"
                                   "5200 in 5215522222222: BAJA por favor\n");
    fx_stop(&f);
}

static void
test_number_check_matches_the_pure_predicate(void **st)
{
    static const char *const nums[] = { "5215510000001", "5215510000002", "+5215510000003",
                                        "5215510000004" };
    struct sim_config c;
    struct fx f;
    char want[256];
    unsigned off = 0;
    char num[32];

    (void)st;
    exact_config(&c);
    c.linked = true;
    c.not_on_whatsapp_ppm = 300000;
    fx_start(&f, &c);
    fx_open(&f);
    assert_int_equal(transport_check_numbers(f.t, 42, nums, 4, NULL), RC_OK);
    run_until(&f, 1000);
    snprintf(want, sizeof want, "numbers 42: %s=%d %s=%d %s=%d %s=%d\n", nums[0],
             transport_sim_on_whatsapp(&c, nums[0]), nums[1],
             transport_sim_on_whatsapp(&c, nums[1]), nums[2],
             transport_sim_on_whatsapp(&c, nums[2]), nums[3],
             transport_sim_on_whatsapp(&c, nums[3]));
    assert_string_equal(f.log.buf, want);
    for (unsigned i = 0; i < 10000; i++) {
        snprintf(num, sizeof num, "52155%08u", i);
        off += !transport_sim_on_whatsapp(&c, num);
    }
    assert_in_range(off, 2700, 3300); /* about 30 % */
    assert_int_equal(transport_sim_on_whatsapp(&c, "5215510000003"),
                     transport_sim_on_whatsapp(&c, "+5215510000003"));
    fx_stop(&f);
}

/* Runs a fixed script: link, send 20 messages, let everything happen. */
static void
script(struct fx *f, const struct sim_config *c)
{
    char to[32], id[16];

    fx_start(f, c);
    assert_int_equal(transport_connect(f->t, NULL), RC_OK);
    run_until(f, 10000);
    for (int i = 0; i < 20; i++) {
        snprintf(to, sizeof to, "52155%08d", i);
        snprintf(id, sizeof id, "m%d", i);
        if (transport_send_text(f->t, to, id, "Hola", NULL) != RC_OK)
            break;
        run_until(f, f->now + 30000);
    }
    run_until(f, f->now + 24 * 3600 * 1000);
}

static void
test_same_seed_same_events_other_seed_other_events(void **st)
{
    struct sim_config c;
    struct fx a, b;

    (void)st;
    sim_config_default(&c);
    c.seed = 99;
    c.autoscan = true;
    c.reply_ppm = 500000;
    c.not_on_whatsapp_ppm = 200000;
    c.send_fail_ppm = 100000;
    script(&a, &c);
    script(&b, &c);
    assert_true(a.log.len > 200);
    assert_string_equal(a.log.buf, b.log.buf);
    assert_non_null(strstr(a.log.buf, " in 52155")); /* replies happen */
    fx_stop(&b);
    c.seed = 100;
    script(&b, &c);
    assert_string_not_equal(a.log.buf, b.log.buf);
    fx_stop(&a);
    fx_stop(&b);
}

static void
test_wake_hook_and_next_deadline_expose_the_timer_seam(void **st)
{
    struct sim_config c;
    struct fx f;
    int64_t at = 0;

    (void)st;
    exact_config(&c);
    c.linked = true;
    fx_start(&f, &c);
    assert_false(transport_sim_next_deadline(f.t, &at));
    f.now = 500;
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    assert_int_equal(f.woken, 600);
    assert_true(transport_sim_next_deadline(f.t, &at));
    assert_int_equal(at, 600);
    assert_int_equal(transport_sim_advance(f.t, 599), 0);
    assert_int_equal(transport_sim_advance(f.t, 600), 1);
    assert_false(transport_sim_next_deadline(f.t, &at));
    f.now = 700;
    assert_int_equal(transport_send_text(f.t, "5215511111111", "m1", "Hola", NULL), RC_OK);
    assert_int_equal(f.woken, 800);
    fx_stop(&f);
}

static void
test_presence_failures_are_reported_not_fatal(void **st)
{
    struct sim_config c;
    struct fx f;
    struct err e;

    (void)st;
    exact_config(&c);
    c.linked = true;
    fx_start(&f, &c);
    fx_open(&f);
    assert_int_equal(transport_presence(f.t, NULL, TRANSPORT_PRESENCE_AVAILABLE, &e), RC_OK);
    assert_int_equal(transport_presence(f.t, NULL, TRANSPORT_PRESENCE_COMPOSING, &e), RC_INVAL);
    fx_stop(&f);
    c.presence_fail_ppm = RNG_PPM_ONE;
    fx_start(&f, &c);
    fx_open(&f);
    assert_int_equal(transport_presence(f.t, "5215511111111", TRANSPORT_PRESENCE_COMPOSING, &e),
                     RC_NET);
    assert_int_equal(transport_send_text(f.t, "5215511111111", "m1", "Hola", NULL), RC_OK);
    fx_stop(&f);
}

/* Every close code, end to end: the sim drops the link, the policy decides, the miniature
 * runtime acts, and the account is back online exactly when it should be. */
static void
test_policy_loop_recovers_or_stops_for_each_close_code(void **st)
{
    (void)st;
    for (size_t i = 0; i < SIM_NCLOSE; i++) {
        int code = sim_close_codes[i];
        bool fatal = code == 401 || code == 403 || code == 411 || code == 440;
        struct sim_config c;
        struct fx f;

        exact_config(&c);
        c.linked = true;
        fx_start(&f, &c);
        f.policy = true;
        fx_open(&f);
        transport_sim_drop(f.t, code);
        drive(&f, 3600000);
        assert_int_equal(f.last_close, code);
        assert_int_equal(f.nopen, fatal ? 1 : 2);
        assert_int_equal(f.last_action, code == 515   ? RECONNECT_NOW
                                        : code == 401 ? RECONNECT_RELINK
                                        : fatal       ? RECONNECT_ASK
                                                      : RECONNECT_BACKOFF);
        if (!fatal && code != 515) /* back online after the jittered first step */
            assert_non_null(strstr(f.log.buf, "decide reconectar tras espera"));
        fx_stop(&f);
    }
}

static void
test_autoscan_then_515_then_open_like_a_first_link(void **st)
{
    struct sim_config c;
    struct fx f;

    (void)st;
    exact_config(&c);
    c.autoscan = true;
    c.restart_after_pair = true;
    fx_start(&f, &c);
    f.policy = true;
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    drive(&f, 60000);
    assert_string_equal(f.log.buf, "qr hasta 60100\nclose 515\ndecide reconectar ya 0\n"
                                   "open 5215500000000@s.whatsapp.net\n");
    fx_stop(&f);
}

static void
test_unscanned_qrs_end_in_a_question_not_a_loop(void **st)
{
    struct sim_config c;
    struct fx f;

    (void)st;
    exact_config(&c);
    fx_start(&f, &c);
    f.policy = true;
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    drive(&f, 24 * 3600000LL);
    assert_int_equal(f.nqr, 6);
    assert_int_equal(f.nclose, 1);
    assert_int_equal(f.last_action, RECONNECT_ASK);
    fx_stop(&f);
}

static void
test_repeated_network_drops_back_off_longer_each_time(void **st)
{
    struct sim_config c;
    struct fx f;
    int64_t prev = 0;

    (void)st;
    exact_config(&c);
    c.linked = true;
    fx_start(&f, &c);
    f.policy = true;
    for (unsigned k = 0; k < 6; k++) {
        int64_t delay;

        assert_int_equal(transport_connect(f.t, NULL), RC_OK);
        transport_sim_drop(f.t, TRANSPORT_CLOSE_NETWORK); /* fails before it opens */
        run_until(&f, f.now);
        assert_int_equal(f.last_action, RECONNECT_BACKOFF);
        assert_int_equal(f.attempt, k + 1);
        delay = f.reconnect_at - f.now;
        assert_true(delay >= prev); /* [step/2, step] with a doubling step never shrinks */
        prev = delay;
        f.now = f.reconnect_at;
        f.reconnect_at = -1;
    }
    assert_in_range(prev, 16000, 32000); /* the sixth attempt: step 32 s */
    assert_int_equal(f.nopen, 0);
    fx_stop(&f);
}

static void
test_inconsistent_config_is_refused(void **st)
{
    struct transport_clock clk = { .now_ms = fake_now };
    struct sim_config c;
    struct err e;

    (void)st;
    exact_config(&c);
    c.latency_min_ms = 500;
    c.latency_max_ms = 100;
    assert_null(transport_sim_new(&c, &clk, NULL, &e));
    assert_int_equal(e.rc, RC_INVAL);
    exact_config(&c);
    c.close_ppm[0] = 600000;
    c.close_ppm[1] = 600000;
    assert_null(transport_sim_new(&c, &clk, NULL, &e));
    assert_non_null(strstr(e.msg, "100 %"));
    exact_config(&c);
    c.qr_refs = 0;
    assert_null(transport_sim_new(&c, &clk, NULL, &e));
}

static void
test_link_code_replaces_the_first_qr_and_scan_links(void **st)
{
    struct sim_config c;
    struct fx f;
    struct err e;

    (void)st;
    exact_config(&c);
    fx_start(&f, &c);
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    assert_int_equal(transport_link_code(f.t, "5215512345678", &e), RC_OK);
    assert_int_equal(transport_link_code(f.t, "5215512345678", &e), RC_REFUSED);
    run_until(&f, 100);
    assert_int_equal(f.nqr, 0);
    assert_int_equal(f.ncode, 1);
    assert_int_equal(strlen(f.last_code), 8);
    assert_int_equal(strspn(f.last_code, "123456789ABCDEFGHJKLMNPQRSTVWXYZ"), 8);
    run_until(&f, 150000); /* past every QR's time: none comes */
    assert_int_equal(f.nqr, 0);
    assert_int_equal(f.nclose, 0);
    assert_int_equal(transport_sim_scan(f.t, &e), RC_OK); /* the person types the code */
    run_until(&f, 150100);
    assert_string_equal(f.log.buf, "código hasta 180100\nopen 5215500000000@s.whatsapp.net\n");
    assert_true(transport_sim_linked(f.t));
    assert_int_equal(transport_link_code(f.t, "5215512345678", &e), RC_REFUSED); /* linked */
    run_until(&f, 400000);
    assert_int_equal(f.nclose, 0); /* the code's expiry died with it */
    fx_stop(&f);
}

static void
test_link_code_after_a_qr_then_expires_with_408(void **st)
{
    struct sim_config c;
    struct fx f;
    struct err e;

    (void)st;
    exact_config(&c);
    fx_start(&f, &c);
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    run_until(&f, 5000);
    assert_int_equal(f.nqr, 1);
    assert_int_equal(transport_link_code(f.t, "5215512345678", &e), RC_OK);
    run_until(&f, 5000); /* due at once */
    assert_int_equal(f.ncode, 1);
    run_until(&f, 185000 - 1);
    assert_int_equal(f.nqr, 1); /* the QR stopped rotating */
    assert_int_equal(f.nclose, 0);
    run_until(&f, 185000);
    assert_string_equal(f.log.buf, "qr hasta 60100\ncódigo hasta 185000\nclose 408\n");
    assert_int_equal(transport_sim_scan(f.t, &e), RC_INVAL);
    assert_false(transport_sim_linked(f.t));
    /* A new connection shows QRs again until asked. */
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    run_until(&f, 185100);
    assert_int_equal(f.nqr, 2);
    assert_int_equal(f.ncode, 1);
    fx_stop(&f);
}

static void
test_link_code_refusals(void **st)
{
    static const struct transport_ops bare = { .name = "sin código" };
    struct transport plain = { .ops = &bare };
    struct sim_config c;
    struct fx f;
    struct err e;

    (void)st;
    exact_config(&c);
    fx_start(&f, &c);
    assert_int_equal(transport_link_code(f.t, "5215512345678", &e), RC_CLOSED); /* not connected */
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    assert_int_equal(transport_link_code(f.t, NULL, &e), RC_INVAL);
    assert_int_equal(transport_link_code(f.t, "", &e), RC_INVAL);
    assert_int_equal(transport_link_code(f.t, "+5215512345678", &e), RC_INVAL);
    assert_int_equal(transport_link_code(f.t, "123456789", &e), RC_INVAL);
    assert_int_equal(transport_link_code(f.t, "1234567890123456", &e), RC_INVAL);
    assert_int_equal(transport_link_code(f.t, "1234567890", &e), RC_OK);
    fx_stop(&f);
    /* Already linked: connecting opens, there is nothing to link. */
    c.linked = true;
    fx_start(&f, &c);
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    assert_int_equal(transport_link_code(f.t, "5215512345678", &e), RC_REFUSED);
    fx_stop(&f);
    /* A transport without the op. */
    assert_int_equal(transport_link_code(&plain, "5215512345678", &e), RC_INVAL);
    assert_string_equal(e.msg, "este transporte no vincula con código");
}

/* Same seed, same code; autoscan types it like it scans a QR. */
static void
test_link_code_is_deterministic_and_autoscan_types_it(void **st)
{
    struct sim_config c;
    struct fx f;
    char first[16];

    (void)st;
    exact_config(&c);
    c.autoscan = true;
    c.autoscan_after_ms = 3000;
    c.restart_after_pair = true;
    for (int run = 0; run < 2; run++) {
        fx_start(&f, &c);
        assert_int_equal(transport_connect(f.t, NULL), RC_OK);
        assert_int_equal(transport_link_code(f.t, "5215512345678", NULL), RC_OK);
        run_until(&f, 3200);
        assert_string_equal(f.log.buf, "código hasta 180100\nclose 515\n");
        if (run == 0)
            snprintf(first, sizeof first, "%s", f.last_code);
        else
            assert_string_equal(f.last_code, first);
        assert_true(transport_sim_linked(f.t));
        fx_stop(&f);
    }
    c.seed = 8;
    fx_start(&f, &c);
    assert_int_equal(transport_connect(f.t, NULL), RC_OK);
    assert_int_equal(transport_link_code(f.t, "5215512345678", NULL), RC_OK);
    run_until(&f, 100);
    assert_string_not_equal(f.last_code, first);
    fx_stop(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qr_rotates_60_then_20_seconds_and_runs_out_with_408),
        cmocka_unit_test(test_scan_links_and_opens_but_only_while_a_qr_is_valid),
        cmocka_unit_test(test_autoscan_scans_the_first_qr_once),
        cmocka_unit_test(test_pairing_can_end_with_restart_515_like_whatsapp),
        cmocka_unit_test(test_send_is_acked_delivered_then_read_in_order),
        cmocka_unit_test(test_send_while_closed_is_refused),
        cmocka_unit_test(test_number_not_on_whatsapp_is_acked_but_never_delivered),
        cmocka_unit_test(test_refused_send_acks_with_an_error_and_no_receipts),
        cmocka_unit_test(test_every_close_code_drops_the_link),
        cmocka_unit_test(test_local_disconnect_reports_code_1_and_drops_pending_acks),
        cmocka_unit_test(test_incoming_text_waits_for_the_connection),
        cmocka_unit_test(test_number_check_matches_the_pure_predicate),
        cmocka_unit_test(test_same_seed_same_events_other_seed_other_events),
        cmocka_unit_test(test_wake_hook_and_next_deadline_expose_the_timer_seam),
        cmocka_unit_test(test_presence_failures_are_reported_not_fatal),
        cmocka_unit_test(test_policy_loop_recovers_or_stops_for_each_close_code),
        cmocka_unit_test(test_autoscan_then_515_then_open_like_a_first_link),
        cmocka_unit_test(test_unscanned_qrs_end_in_a_question_not_a_loop),
        cmocka_unit_test(test_repeated_network_drops_back_off_longer_each_time),
        cmocka_unit_test(test_inconsistent_config_is_refused),
        cmocka_unit_test(test_link_code_replaces_the_first_qr_and_scan_links),
        cmocka_unit_test(test_link_code_after_a_qr_then_expires_with_408),
        cmocka_unit_test(test_link_code_refusals),
        cmocka_unit_test(test_link_code_is_deterministic_and_autoscan_types_it),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
