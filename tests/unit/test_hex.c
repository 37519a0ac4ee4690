/* test_hex — util/hex: digit values in either case, lowercase encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/hex.h"

static void
test_digits_either_case_and_nothing_else(void **st)
{
    (void)st;
    assert_int_equal(hex_digit('0'), 0);
    assert_int_equal(hex_digit('9'), 9);
    assert_int_equal(hex_digit('a'), 10);
    assert_int_equal(hex_digit('F'), 15);
    assert_int_equal(hex_digit('f'), 15);
    assert_int_equal(hex_digit('g'), -1);
    assert_int_equal(hex_digit('G'), -1);
    assert_int_equal(hex_digit('/'), -1);
    assert_int_equal(hex_digit(':'), -1);
    assert_int_equal(hex_digit('\0'), -1);
}

static void
test_encode_is_lowercase_and_terminated(void **st)
{
    static const uint8_t b[] = { 0x00, 0x0f, 0xa5, 0xff };
    char out[2 * sizeof b + 1];

    (void)st;
    hex_encode(out, b, sizeof b);
    assert_string_equal(out, "000fa5ff");
    hex_encode(out, b, 0);
    assert_string_equal(out, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digits_either_case_and_nothing_else),
        cmocka_unit_test(test_encode_is_lowercase_and_terminated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
