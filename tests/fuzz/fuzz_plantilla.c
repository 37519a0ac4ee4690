/*
 * fuzz_plantilla — libFuzzer harness for the template parser and renderer.
 *
 * Any input must either parse or fail with RC_INVAL and a position inside the text;
 * a parsed template must render for several seeds to valid UTF-8 no longer than the
 * text plus the inserted values, and a template without braces must render to itself.
 * Build (from the repository root):
 *   clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I. -Isrc \
 *     tests/fuzz/fuzz_plantilla.c src/core/plantilla.c src/core/rng.c src/util/err.c \
 *     src/util/xmalloc.c src/util/strbuf.c -o build/fuzz_plantilla
 *   ./build/fuzz_plantilla -max_total_time=60 -max_len=600
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/plantilla.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when s is valid UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
static int
valid_utf8(const unsigned char *s)
{
    while (*s != '\0') {
        size_t n = *s < 0x80                  ? 1
                   : *s >= 0xc2 && *s <= 0xdf ? 2
                   : *s >= 0xe0 && *s <= 0xef ? 3
                   : *s >= 0xf0 && *s <= 0xf4 ? 4
                                              : 0;

        if (n == 0)
            return 0;
        for (size_t i = 1; i < n; i++)
            if ((s[i] & 0xc0) != 0x80)
                return 0;
        if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
            (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
            return 0;
        s += n;
    }
    return 1;
}

static const struct plantilla_valores valores = { .v = {
                                                      "María",
                                                      "Núñez",
                                                      "María Núñez Peña",
                                                      "IMSS",
                                                      "Toño",
                                                      "Contactado",
                                                      "Querétaro",
                                                      "Qro.",
                                                  } };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = strndup((const char *)data, size);
    struct plantilla_pos pos;
    struct plantilla *p;
    struct err e;
    size_t len = strlen(text), vlen = 0;

    for (int i = 0; i < PLANTILLA_NVARS; i++)
        vlen += strlen(valores.v[i]);
    p = plantilla_parse(text, &pos, &e);
    if (p == NULL) {
        if (e.rc != RC_INVAL || e.msg[0] == '\0')
            abort();
        if (len <= PLANTILLA_MAX_BYTES && (pos.line < 1 || pos.col < 1 || pos.byte > len))
            abort();
        free(text);
        return 0;
    }
    if (plantilla_variantes(p) < 1)
        abort();
    for (uint64_t seed = 0; seed < 4; seed++) {
        char *out = plantilla_render(p, &valores, seed, &e);

        /* Each variable occurrence costs at least 3 bytes of template ("{x}" is the
         * shortest form), so the output is bounded by len * (1 + vlen / 3). */
        if (out == NULL || !valid_utf8((const unsigned char *)out) ||
            strlen(out) > len + len * vlen / 3)
            abort();
        if (strpbrk(text, "{}") == NULL && strcmp(out, text) != 0)
            abort();
        free(out);
    }
    plantilla_free(p);
    free(text);
    return 0;
}
