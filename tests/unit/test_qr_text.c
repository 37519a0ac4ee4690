/* test_qr_text — the half-block QR rendering: the text decodes back to libqrencode's module
 * matrix (with the quiet zone), both polarities, shape, and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <qrencode.h>

#include "core/qr_text.h"
#include "util/err.h"

#define QR_SAMPLE                                               \
    "https://wa.me/settings/linked_devices#2@abcDEF0123456789," \
    "q7yq4lB4FJx9gQ0m0n3Jj1Zr1bYg0bKk4c0XwXo0a0c=,"             \
    "Z2FyYmFnZWdhcmJhZ2VnYXJiYWdlZ2FyYmFnZWdhcmI=,"             \
    "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0cw==,1"

/* Decodes one rendered line's glyphs into top/bottom bits; returns the glyph count. */
static int
decode_line(const char *line, size_t len, bool *top, bool *bottom, int max)
{
    int n = 0;

    for (size_t i = 0; i < len; n++) {
        assert_true(n < max);
        if (line[i] == ' ') {
            top[n] = bottom[n] = false;
            i++;
            continue;
        }
        assert_true(i + 3 <= len);
        assert_int_equal((unsigned char)line[i], 0xe2);
        assert_int_equal((unsigned char)line[i + 1], 0x96);
        switch ((unsigned char)line[i + 2]) {
        case 0x88:
            top[n] = bottom[n] = true;
            break;
        case 0x80:
            top[n] = true;
            bottom[n] = false;
            break;
        case 0x84:
            top[n] = false;
            bottom[n] = true;
            break;
        default:
            fail_msg("unexpected glyph");
        }
        i += 3;
    }
    return n;
}

/* Whether module (x, y) of the padded square should be lit. */
static bool
expected_lit(const QRcode *q, int quiet, int x, int y, bool dark_lit)
{
    bool dark = false;

    x -= quiet;
    y -= quiet;
    if (x >= 0 && y >= 0 && x < q->width && y < q->width)
        dark = q->data[y * q->width + x] & 1;
    return dark_lit ? dark : !dark;
}

static void
check_round_trip(const char *data, bool dark_lit, int quiet)
{
    QRcode *q = QRcode_encodeString8bit(data, 0, QR_ECLEVEL_L);
    char *text = NULL;
    int side, rows = 0;
    bool top[512], bottom[512];

    assert_non_null(q);
    assert_int_equal(qr_text_render(data, dark_lit, quiet, &text, NULL), RC_OK);
    side = q->width + 2 * quiet;
    for (const char *p = text; *p != '\0'; rows++) {
        const char *nl = strchr(p, '\n');
        int y = 2 * rows;

        assert_non_null(nl);
        assert_int_equal(decode_line(p, (size_t)(nl - p), top, bottom, 512), side);
        for (int x = 0; x < side; x++) {
            assert_int_equal(top[x], expected_lit(q, quiet, x, y, dark_lit));
            if (y + 1 < side)
                assert_int_equal(bottom[x], expected_lit(q, quiet, x, y + 1, dark_lit));
        }
        p = nl + 1;
    }
    assert_int_equal(rows, (side + 1) / 2);
    free(text);
    QRcode_free(q);
}

static void
test_text_decodes_to_the_qr_matrix_light_on_dark(void **st)
{
    (void)st;
    check_round_trip(QR_SAMPLE, false, QR_TEXT_QUIET);
    check_round_trip("hola", false, 2);
}

static void
test_dark_lit_polarity_and_no_quiet_zone(void **st)
{
    (void)st;
    check_round_trip(QR_SAMPLE, true, 0);
    check_round_trip("x", true, 1);
}

static void
test_finder_pattern_corner_is_dark_in_default_polarity(void **st)
{
    char *text = NULL;
    bool top[512], bottom[512];
    static const bool row1[7] = { false, true, true, true, true, true, false };

    (void)st;
    /* Quiet 0, lit = light: the top-left finder's row 0 is 7 dark modules (unlit tops) and
     * its row 1 is dark, light ×5, dark; module 7 of both rows is the light separator. */
    assert_int_equal(qr_text_render("hola", false, 0, &text, NULL), RC_OK);
    (void)decode_line(text, (size_t)(strchr(text, '\n') - text), top, bottom, 512);
    for (int i = 0; i < 7; i++) {
        assert_false(top[i]);
        assert_int_equal(bottom[i], row1[i]);
    }
    assert_true(top[7] && bottom[7]);
    free(text);
}

static void
test_refusals(void **st)
{
    struct err e;
    static char untouched[] = "untouched";
    char *text = untouched;
    char *big = malloc(8000);

    (void)st;
    assert_int_equal(qr_text_render("", false, 4, &text, &e), RC_INVAL);
    assert_null(text);
    assert_int_equal(qr_text_render("a", false, -1, &text, &e), RC_INVAL);
    assert_int_equal(qr_text_render("a", false, 17, &text, &e), RC_INVAL);
    assert_non_null(big);
    memset(big, 'z', 7999);
    big[7999] = '\0';
    assert_int_equal(qr_text_render(big, false, 4, &text, &e), RC_INVAL);
    assert_null(text);
    assert_non_null(strstr(e.msg, "QR"));
    free(big);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_decodes_to_the_qr_matrix_light_on_dark),
        cmocka_unit_test(test_dark_lit_polarity_and_no_quiet_zone),
        cmocka_unit_test(test_finder_pattern_corner_is_dark_in_default_polarity),
        cmocka_unit_test(test_refusals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
