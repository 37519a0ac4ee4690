/*
 * test_csv — the streaming RFC 4180 reader: quotes, embedded newlines, CRLF, BOM, bad UTF-8,
 * ragged rows, resynchronisation after a bad record, and reads split at every byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* An in-memory input; chunk > 0 limits every read to that many bytes. */
struct src {
    const char *data;
    size_t len, pos, chunk;
    bool fail_at_end;
};

static ssize_t
src_read(void *arg, char *buf, size_t n)
{
    struct src *s = arg;
    size_t k = s->len - s->pos;

    if (k == 0)
        return s->fail_at_end ? -1 : 0;
    if (k > n)
        k = n;
    if (s->chunk > 0 && k > s->chunk)
        k = s->chunk;
    memcpy(buf, s->data + s->pos, k);
    s->pos += k;
    return (ssize_t)k;
}

/*
 * Reads the whole input and dumps it as "L<line>:f1|f2\n" per record and "L<line>!msg\n" per
 * bad record, so each test states the whole outcome in one string.
 */
static char *
dump(const char *data, size_t len, size_t chunk)
{
    struct src s = { .data = data, .len = len, .chunk = chunk };
    struct csv *c = csv_new(src_read, &s);
    struct strbuf out;
    struct csv_row row;
    struct err e = { 0 };
    int rc;

    strbuf_init(&out);
    while ((rc = csv_next(c, &row, &e)) != RC_NOTFOUND) {
        if (rc != RC_OK) {
            strbuf_addf(&out, "L%lu!%s\n", row.line, e.msg);
            if (rc == RC_IO)
                break;
            continue;
        }
        strbuf_addf(&out, "L%lu:", row.line);
        for (size_t i = 0; i < row.nfields; i++)
            strbuf_addf(&out, "%s%s", i ? "|" : "", row.fields[i]);
        strbuf_addch(&out, '\n');
    }
    csv_free(c);
    {
        char *text = strbuf_detach(&out, NULL);
        strbuf_fini(&out);
        return text;
    }
}

static void
expect(const char *input, const char *want)
{
    size_t len = strlen(input);
    /* Whole buffer, then one byte per read: buffer boundaries must not matter. */
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        char *got = dump(input, len, chunk);
        assert_string_equal(got, want);
        free(got);
    }
}

static void
test_plain_records_and_last_line_without_newline(void **st)
{
    (void)st;
    expect("a,b,c\n1,2,3\n4,5,6", "L1:a|b|c\nL2:1|2|3\nL3:4|5|6\n");
    expect("", "");
    expect("a\n", "L1:a\n");
}

static void
test_empty_fields_and_blank_lines(void **st)
{
    (void)st;
    expect("a,b,c\n,,\n\n\n1,,3\n", "L1:a|b|c\nL2:||\nL5:1||3\n");
    expect("x\n\"\"\n", "L1:x\nL2:\n");
}

static void
test_quotes_separators_and_doubled_quotes(void **st)
{
    (void)st;
    expect("n,t\n\"Peña, Ana\",\"dijo \"\"hola\"\"\"\n", "L1:n|t\nL2:Peña, Ana|dijo \"hola\"\n");
}

static void
test_embedded_newlines_keep_line_numbers(void **st)
{
    (void)st;
    expect("a,b\n\"uno\ndos\ntres\",x\nz,w\n", "L1:a|b\nL2:uno\ndos\ntres|x\nL5:z|w\n");
}

static void
test_crlf_line_ends(void **st)
{
    (void)st;
    expect("a,b\r\n1,2\r\n\r\n\"x\r\ny\",3\r\n", "L1:a|b\nL2:1|2\nL4:x\r\ny|3\n");
    expect("a,b\r1,2\n", "L1!retorno de carro (CR) sin salto de línea\n");
}

static void
test_bom_is_skipped_only_at_start(void **st)
{
    (void)st;
    expect("\xEF\xBB\xBFnombre,edad\nAna,30\n", "L1:nombre|edad\nL2:Ana|30\n");
    /* A BOM later in the file is data (valid UTF-8: U+FEFF). */
    expect("a\n\xEF\xBB\xBFx\n", "L1:a\nL2:\xEF\xBB\xBFx\n");
}

static void
test_bad_utf8_is_reported_and_reading_goes_on(void **st)
{
    (void)st;
    expect("a,b\n1,\xC3\x28\n2,ok\n", "L1:a|b\nL2!UTF-8 inválido en la columna 2\nL3:2|ok\n");
    /* Overlong encoding, surrogate, beyond U+10FFFF, truncated sequence. */
    assert_false(csv_utf8_valid("\xC0\xAF", 2));
    assert_false(csv_utf8_valid("\xED\xA0\x80", 3));
    assert_false(csv_utf8_valid("\xF4\x90\x80\x80", 4));
    assert_false(csv_utf8_valid("\xE2\x82", 2));
    assert_true(csv_utf8_valid("Núñez €𝄞", strlen("Núñez €𝄞")));
}

static void
test_ragged_rows_are_rejected_against_the_header_width(void **st)
{
    (void)st;
    expect("a,b,c\n1,2\n1,2,3,4\n1,2,3\n",
           "L1:a|b|c\nL2!la fila tiene 2 columnas; el encabezado tiene 3\n"
           "L3!la fila tiene 4 columnas; el encabezado tiene 3\nL4:1|2|3\n");
}

static void
test_bad_quoting_resynchronises_at_next_line(void **st)
{
    (void)st;
    expect("a,b\nab\"c,d\n\"x\"y,z\n1,2\n",
           "L1:a|b\nL2!comilla dentro de un campo sin comillas (encierre el campo entre "
           "comillas y duplique las comillas interiores)\n"
           "L3!texto después de la comilla de cierre\nL4:1|2\n");
    expect("a,b\n1,\"sin cerrar\n", "L1:a|b\nL2!comilla sin cerrar al final del archivo\n");
}

static void
test_nul_byte_is_rejected(void **st)
{
    static const char in[] = "a,b\n1,x\0y\n2,3\n";
    char *got;

    (void)st;
    got = dump(in, sizeof in - 1, 0);
    assert_string_equal(got, "L1:a|b\nL2!byte nulo en la columna 2\nL3:2|3\n");
    free(got);
}

static void
test_oversized_record_is_rejected(void **st)
{
    size_t n = CSV_RECORD_MAX + 100;
    char *in = xmalloc(n + 16);
    char *got;

    (void)st;
    memcpy(in, "a\n\"", 3);
    memset(in + 3, 'x', n);
    memcpy(in + 3 + n, "\nb\n", 4);
    got = dump(in, strlen(in), 0);
    assert_string_equal(got, "L1:a\nL2!registro de más de 1 MiB (¿una comilla sin cerrar?)\n"
                             "L3:b\n");
    free(got);
    free(in);
}

static void
test_read_error_is_rc_io(void **st)
{
    struct src s = { .data = "a\n", .len = 2, .fail_at_end = true };
    struct csv *c = csv_new(src_read, &s);
    struct csv_row row;
    struct err e = { 0 };

    (void)st;
    assert_int_equal(csv_next(c, &row, &e), RC_OK);
    assert_int_equal(csv_next(c, &row, &e), RC_IO);
    assert_int_equal(csv_offset(c), 2);
    csv_free(c);
}

static void
test_field_write_quotes_only_when_needed(void **st)
{
    struct strbuf sb;

    (void)st;
    strbuf_init(&sb);
    csv_field_write(&sb, "simple");
    strbuf_addch(&sb, ',');
    csv_field_write(&sb, "a,\"b\"\nc");
    strbuf_addch(&sb, ',');
    csv_field_write(&sb, "");
    assert_string_equal(sb.buf, "simple,\"a,\"\"b\"\"\nc\",");
    /* A leading U+FEFF is quoted, or a reader would take it for a BOM at the file's start. */
    {
        struct strbuf b2;
        strbuf_init(&b2);
        csv_field_write(&b2, "\xEF\xBB\xBFx");
        assert_string_equal(b2.buf, "\"\xEF\xBB\xBFx\"");
        strbuf_fini(&b2);
    }
    /* And it reads back. */
    {
        char *got = dump(sb.buf, sb.len, 1);
        assert_string_equal(got, "L1:simple|a,\"b\"\nc|\n");
        free(got);
    }
    strbuf_fini(&sb);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_records_and_last_line_without_newline),
        cmocka_unit_test(test_empty_fields_and_blank_lines),
        cmocka_unit_test(test_quotes_separators_and_doubled_quotes),
        cmocka_unit_test(test_embedded_newlines_keep_line_numbers),
        cmocka_unit_test(test_crlf_line_ends),
        cmocka_unit_test(test_bom_is_skipped_only_at_start),
        cmocka_unit_test(test_bad_utf8_is_reported_and_reading_goes_on),
        cmocka_unit_test(test_ragged_rows_are_rejected_against_the_header_width),
        cmocka_unit_test(test_bad_quoting_resynchronises_at_next_line),
        cmocka_unit_test(test_nul_byte_is_rejected),
        cmocka_unit_test(test_oversized_record_is_rejected),
        cmocka_unit_test(test_read_error_is_rc_io),
        cmocka_unit_test(test_field_write_quotes_only_when_needed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
