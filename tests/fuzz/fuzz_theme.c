/*
 * fuzz_theme — libFuzzer harness for the theme file parser (src/core/theme_file).
 *
 * Any input must either parse or fail with RC_INVAL and a message "fuzz.theme:N: …" whose
 * line N exists in the input; a parsed theme has every colour in -1..255, only known
 * attribute bits, and parsing the same text again gives the same styles (no state kept).
 * Build and run: make fuzz (tests/fuzz/corpus/theme/ holds the seeds), or
 *   clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I. -Isrc \
 *     tests/fuzz/fuzz_theme.c src/core/theme_file.c src/util/err.c src/util/xmalloc.c \
 *     -o build/fuzz_theme && ./build/fuzz_theme -max_total_time=60
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/theme_file.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const roles[] = { "text",   "bar",   "app",    "db_ok",
                                     "db_err", "muted", "cursor", "timer_late" };
#define NROLES (sizeof roles / sizeof roles[0])

static size_t
count_lines(const uint8_t *data, size_t size)
{
    size_t n = 1;

    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct theme_style a[NROLES], b[NROLES];
    struct err e, e2;
    int rc, rc2;

    err_clear(&e);
    rc = theme_file_parse((const char *)data, size, "fuzz.theme", roles, NROLES, a, &e);
    if (rc != RC_OK) {
        long line;

        if (rc != RC_INVAL || strncmp(e.msg, "fuzz.theme:", 11) != 0)
            abort();
        line = strtol(e.msg + 11, NULL, 10);
        if (line < 1 || (size_t)line > count_lines(data, size))
            abort();
        return 0;
    }
    for (size_t i = 0; i < NROLES; i++)
        if (a[i].fg < -1 || a[i].fg > 255 || a[i].bg < -1 || a[i].bg > 255 ||
            (a[i].attrs & ~0x7fu) != 0)
            abort();
    err_clear(&e2);
    rc2 = theme_file_parse((const char *)data, size, "fuzz.theme", roles, NROLES, b, &e2);
    if (rc2 != RC_OK)
        abort();
    for (size_t i = 0; i < NROLES; i++) /* field by field: padding is not compared */
        if (a[i].fg != b[i].fg || a[i].bg != b[i].bg || a[i].attrs != b[i].attrs ||
            a[i].set != b[i].set)
            abort();
    return 0;
}
