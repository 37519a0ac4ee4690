/* dinero: the database's decimal text to centavos (what it accepts and what it refuses),
 * centavos to "$12,500.50", grouping, sign and the extremes of int64_t, and the text straight
 * to pesos. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/dinero.h"

static int64_t
c(const char *s)
{
    int64_t v = 424242;

    assert_true(dinero_centavos(s, &v));
    return v;
}

static void
test_centavos(void **state)
{
    int64_t v = 7;

    (void)state;
    assert_int_equal(c("12500.50"), 1250050);
    assert_int_equal(c("12500.5"), 1250050);
    assert_int_equal(c("12500"), 1250000);
    assert_int_equal(c("0.07"), 7);
    assert_int_equal(c("-3.10"), -310);
    assert_int_equal(c("999999999999999.99"), 99999999999999999);
    const char *malos[] = { "",    "-",  ".5",  "1.", "1.005", "1,000.00",
                            " 1",  "1 ", "1e3", "+1", "1.2.3", "1000000000000000",
                            "--1", "12a" };
    for (size_t i = 0; i < sizeof malos / sizeof malos[0]; i++) {
        assert_false(dinero_centavos(malos[i], &v));
        assert_int_equal(v, 7);
    }
    assert_false(dinero_centavos(NULL, &v));
}

static void
test_fmt(void **state)
{
    char b[DINERO_FMT_MAX];

    (void)state;
    assert_string_equal(dinero_fmt(0, b, sizeof b), "$0.00");
    assert_string_equal(dinero_fmt(7, b, sizeof b), "$0.07");
    assert_string_equal(dinero_fmt(99999, b, sizeof b), "$999.99");
    assert_string_equal(dinero_fmt(100000, b, sizeof b), "$1,000.00");
    assert_string_equal(dinero_fmt(1250050, b, sizeof b), "$12,500.50");
    assert_string_equal(dinero_fmt(13850000, b, sizeof b), "$138,500.00");
    assert_string_equal(dinero_fmt(123456789012, b, sizeof b), "$1,234,567,890.12");
    assert_string_equal(dinero_fmt(-310, b, sizeof b), "-$3.10");
    assert_string_equal(dinero_fmt(INT64_MAX, b, sizeof b), "$92,233,720,368,547,758.07");
    assert_string_equal(dinero_fmt(INT64_MIN, b, sizeof b), "-$92,233,720,368,547,758.08");
    assert_string_equal(dinero_fmt(1250050, b, 6), "$12,5"); /* cut, still terminated */
}

/* The database's text as people read it; anything else after a «$», as it is. */
static void
test_texto(void **state)
{
    char buf[DINERO_FMT_MAX];

    (void)state;
    assert_string_equal(dinero_texto("138500.00", buf, sizeof buf), "$138,500.00");
    assert_string_equal(dinero_texto("138000.5", buf, sizeof buf), "$138,000.50");
    assert_string_equal(dinero_texto("99999999.99", buf, sizeof buf), "$99,999,999.99");
    assert_string_equal(dinero_texto("abc", buf, sizeof buf), "$abc");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_centavos),
        cmocka_unit_test(test_fmt),
        cmocka_unit_test(test_texto),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
