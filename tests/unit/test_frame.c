/* Frames: the intro header (plain and with routing info), 3-byte big-endian lengths, and
 * a decoder fed partial, coalesced and hostile websocket messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "wa/frame.h"

static void
test_intro_plain_and_routed(void **state)
{
    static const uint8_t plain[] = { 0x57, 0x41, 0x06, 0x03 };
    static const uint8_t routed[] = { 'E', 'D', 0, 1, 0, 0, 3, 0xaa, 0xbb, 0xcc, 0x57, 0x41, 6, 3 };
    static const uint8_t routing[] = { 0xaa, 0xbb, 0xcc };
    struct strbuf sb;

    (void)state;
    strbuf_init(&sb);
    assert_int_equal(frame_intro_put(&sb, NULL, 0, NULL), RC_OK);
    assert_int_equal(sb.len, sizeof plain);
    assert_memory_equal(sb.buf, plain, sizeof plain);
    strbuf_reset(&sb);
    assert_int_equal(frame_intro_put(&sb, routing, sizeof routing, NULL), RC_OK);
    assert_int_equal(sb.len, sizeof routed);
    assert_memory_equal(sb.buf, routed, sizeof routed);
    strbuf_fini(&sb);
}

static void
test_frame_put_big_endian_length(void **state)
{
    uint8_t *big = calloc(1, FRAME_MAX_BYTES + 1);
    struct strbuf sb;
    struct err e;

    (void)state;
    strbuf_init(&sb);
    assert_int_equal(frame_put(&sb, (const uint8_t *)"hi", 2, NULL), RC_OK);
    assert_memory_equal(sb.buf, "\x00\x00\x02hi", 5);
    strbuf_reset(&sb);
    assert_int_equal(frame_put(&sb, big, 0x012345, NULL), RC_OK);
    assert_memory_equal(sb.buf, "\x01\x23\x45", 3);
    assert_int_equal(sb.len, 3 + 0x012345);
    strbuf_reset(&sb);
    assert_int_equal(frame_put(&sb, big, FRAME_MAX_BYTES + 1, &e), RC_INVAL);
    assert_int_equal(sb.len, 0);
    strbuf_fini(&sb);
    free(big);
}

/* Pops one frame and checks its bytes. */
static void
expect_frame(struct frame_dec *d, const char *want, size_t n)
{
    const uint8_t *f;
    size_t len;

    assert_int_equal(frame_dec_pop(d, &f, &len, NULL), RC_OK);
    assert_non_null(f);
    assert_int_equal(len, n);
    assert_memory_equal(f, want, n);
}

static void
expect_nothing(struct frame_dec *d)
{
    const uint8_t *f;
    size_t len;

    assert_int_equal(frame_dec_pop(d, &f, &len, NULL), RC_OK);
    assert_null(f);
}

static void
test_decoder_coalesced_and_partial(void **state)
{
    static const uint8_t two[] = "\x00\x00\x03"
                                 "abc"
                                 "\x00\x00\x00"
                                 "\x00\x00\x02"
                                 "d";
    struct frame_dec d;

    (void)state;
    frame_dec_init(&d, 0, false);
    expect_nothing(&d);
    /* two whole frames (one empty) and the first byte of a third in one message */
    assert_int_equal(frame_dec_feed(&d, two, sizeof two - 1, NULL), RC_OK);
    expect_frame(&d, "abc", 3);
    expect_frame(&d, "", 0);
    expect_nothing(&d);
    assert_int_equal(frame_dec_feed(&d, (const uint8_t *)"e", 1, NULL), RC_OK);
    expect_frame(&d, "de", 2);
    expect_nothing(&d);
    /* a header split across messages */
    assert_int_equal(frame_dec_feed(&d, (const uint8_t *)"\x00", 1, NULL), RC_OK);
    expect_nothing(&d);
    assert_int_equal(frame_dec_feed(&d, (const uint8_t *)"\x00\x01z", 3, NULL), RC_OK);
    expect_frame(&d, "z", 1);
    frame_dec_fini(&d);
}

static void
test_decoder_random_segmentation(void **state)
{
    struct strbuf wire;
    size_t sizes[40], pos = 0, popped = 0;
    struct frame_dec d;

    (void)state;
    srand(7);
    strbuf_init(&wire);
    for (size_t i = 0; i < 40; i++) {
        uint8_t body[5000];

        sizes[i] = (size_t)rand() % sizeof body;
        memset(body, (int)i, sizes[i]);
        assert_int_equal(frame_put(&wire, body, sizes[i], NULL), RC_OK);
    }
    frame_dec_init(&d, 0, false);
    while (pos < wire.len) {
        size_t chunk = 1 + (size_t)rand() % 7000, left = wire.len - pos;
        const uint8_t *f;
        size_t len;

        chunk = chunk < left ? chunk : left;
        assert_int_equal(frame_dec_feed(&d, (const uint8_t *)wire.buf + pos, chunk, NULL), RC_OK);
        pos += chunk;
        while (frame_dec_pop(&d, &f, &len, NULL) == RC_OK && f != NULL) {
            assert_true(popped < 40);
            assert_int_equal(len, sizes[popped]);
            for (size_t k = 0; k < len; k++)
                assert_int_equal(f[k], (uint8_t)popped);
            popped++;
        }
    }
    assert_int_equal(popped, 40);
    frame_dec_fini(&d);
    strbuf_fini(&wire);
}

static void
test_decoder_rejects_oversized_for_good(void **state)
{
    const uint8_t *f;
    struct frame_dec d;
    struct err e;
    size_t len;

    (void)state;
    frame_dec_init(&d, 1000, false);
    assert_int_equal(frame_dec_feed(&d, (const uint8_t *)"\x00\x03\xe8", 3, NULL), RC_OK);
    expect_nothing(&d); /* exactly the maximum is allowed: wait for the body */
    frame_dec_fini(&d);

    frame_dec_init(&d, 1000, false);
    assert_int_equal(frame_dec_feed(&d, (const uint8_t *)"\x00\x03\xe9", 3, NULL), RC_OK);
    assert_int_equal(frame_dec_pop(&d, &f, &len, &e), RC_INVAL);
    assert_null(f);
    assert_int_equal(e.rc, RC_INVAL);
    /* sticky: later bytes are refused */
    assert_int_equal(frame_dec_feed(&d, (const uint8_t *)"x", 1, NULL), RC_INVAL);
    assert_int_equal(frame_dec_pop(&d, &f, &len, NULL), RC_INVAL);
    frame_dec_fini(&d);
}

static void
test_server_side_intro(void **state)
{
    static const uint8_t routed[] = { 'E', 'D', 0, 1, 0, 0, 2, 0x12, 0x34,
                                      'W', 'A', 6, 3, 0, 0, 1, 'x' };
    const uint8_t *r;
    struct frame_dec d;
    size_t n;

    (void)state;
    frame_dec_init(&d, 0, true);
    for (size_t i = 0; i < sizeof routed; i++) { /* one byte per message */
        assert_int_equal(frame_dec_feed(&d, routed + i, 1, NULL), RC_OK);
        if (i + 1 < sizeof routed)
            expect_nothing(&d);
    }
    expect_frame(&d, "x", 1);
    r = frame_dec_routing(&d, &n);
    assert_int_equal(n, 2);
    assert_memory_equal(r, "\x12\x34", 2);
    frame_dec_fini(&d);

    frame_dec_init(&d, 0, true);
    assert_int_equal(frame_dec_feed(&d, (const uint8_t *)"WA\x06\x03\x00\x00\x01y", 8, NULL),
                     RC_OK);
    expect_frame(&d, "y", 1);
    assert_null(frame_dec_routing(&d, &n));
    assert_int_equal(n, 0);
    frame_dec_fini(&d);
}

static void
test_server_side_bad_intro(void **state)
{
    static const char *bad[] = {
        "G", "WA\x05", "EX", "ED\x00\x01\x00\x00\x00", "ED\x00\x01\x00\x00\x01zX", "ED\x00\x02"
    };
    static const size_t len[] = { 1, 3, 2, 7, 9, 4 };

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const uint8_t *f;
        struct frame_dec d;
        size_t n;

        frame_dec_init(&d, 0, true);
        assert_int_equal(frame_dec_feed(&d, (const uint8_t *)bad[i], len[i], NULL), RC_OK);
        assert_int_equal(frame_dec_pop(&d, &f, &n, NULL), RC_INVAL);
        frame_dec_fini(&d);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intro_plain_and_routed),
        cmocka_unit_test(test_frame_put_big_endian_length),
        cmocka_unit_test(test_decoder_coalesced_and_partial),
        cmocka_unit_test(test_decoder_random_segmentation),
        cmocka_unit_test(test_decoder_rejects_oversized_for_good),
        cmocka_unit_test(test_server_side_intro),
        cmocka_unit_test(test_server_side_bad_intro),
    };

    return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
