/* strbuf: growth, formatting, binary data, detach semantics, COPY text escaping and draining a
 * pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/strbuf.h"

static void
test_append_and_grow(void **state)
{
    struct strbuf sb;

    (void)state;
    strbuf_init(&sb);
    for (int i = 0; i < 1000; i++)
        strbuf_addf(&sb, "%d,", i % 10);
    assert_int_equal(sb.len, 2000);
    assert_int_equal(sb.buf[sb.len], '\0');
    assert_memory_equal(sb.buf, "0,1,2,", 6);
    strbuf_reset(&sb);
    assert_int_equal(sb.len, 0);
    assert_string_equal(sb.buf, "");
    strbuf_fini(&sb);
}

static void
test_binary_and_long_format(void **state)
{
    struct strbuf sb;
    char big[300];

    (void)state;
    strbuf_init(&sb);
    strbuf_add(&sb, "a\0b", 3);
    assert_int_equal(sb.len, 3);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    strbuf_addf(&sb, "[%s]", big);
    assert_int_equal(sb.len, 3 + 2 + 299);
    assert_int_equal(sb.buf[sb.len - 1], ']');
    strbuf_fini(&sb);
}

/* detach hands over the buffer without allocating; the strbuf stays usable. */
static void
test_detach_then_reuse(void **state)
{
    struct strbuf sb;
    size_t len;
    char *s;

    (void)state;
    strbuf_init(&sb);
    strbuf_addstr(&sb, "ñandú");
    s = strbuf_detach(&sb, &len);
    assert_string_equal(s, "ñandú");
    assert_int_equal(len, strlen("ñandú"));
    assert_null(sb.buf);
    assert_int_equal(sb.len, 0);
    strbuf_reset(&sb);
    strbuf_addf(&sb, "%s", "otra");
    assert_string_equal(sb.buf, "otra");
    strbuf_fini(&sb);
    strbuf_fini(&sb);
    free(s);
}

static void
test_copy_text_escapes(void **state)
{
    struct strbuf sb;

    (void)state;
    strbuf_init(&sb);
    strbuf_add_copy_text(&sb, "a\tb\\c\nd\re ñ");
    strbuf_add_copy_text(&sb, NULL);
    assert_string_equal(sb.buf, "a\\tb\\\\c\\nd\\re ñ\\N");
    strbuf_fini(&sb);
}

/* A pipe with more than one read's worth (and a NUL) is read to its end; NULL discards. */
static void
test_drain_fd(void **state)
{
    struct strbuf sb;
    char data[10000];
    int fds[2];

    (void)state;
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)('a' + i % 26);
    data[5000] = '\0';
    for (int discard = 0; discard < 2; discard++) {
        assert_int_equal(pipe(fds), 0);
        assert_int_equal(write(fds[1], data, sizeof data), (ssize_t)sizeof data);
        close(fds[1]);
        strbuf_init(&sb);
        strbuf_drain_fd(discard ? NULL : &sb, fds[0]);
        close(fds[0]);
        assert_int_equal(sb.len, discard ? 0 : sizeof data);
        if (!discard)
            assert_memory_equal(sb.buf, data, sizeof data);
        strbuf_fini(&sb);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_grow),   cmocka_unit_test(test_binary_and_long_format),
        cmocka_unit_test(test_detach_then_reuse), cmocka_unit_test(test_copy_text_escapes),
        cmocka_unit_test(test_drain_fd),
    };

    return cmocka_run_group_tests_name("strbuf", tests, NULL, NULL);
}
