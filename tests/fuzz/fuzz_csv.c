/*
 * fuzz_csv — libFuzzer harness for the CSV reader (core/csv) and the import row checker
 * (core/import): the untrusted input of `embudo import clientes`.
 *
 * The first byte picks the read size (1..64 bytes per read, so buffer boundaries move);
 * the rest is the file. Properties: no crash or leak; every record returned has the header's
 * width and valid UTF-8 fields without NUL; the checker accepts or rejects every record with
 * a message; and the records read, written back with csv_field_write and read again, come
 * back identical (writer and reader agree).
 * Build and run: make fuzz (or build/fuzz/fuzz_csv -max_total_time=60).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/import.h"
#include "util/err.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct src {
    const uint8_t *data;
    size_t len, pos, chunk;
};

static ssize_t
src_read(void *arg, char *buf, size_t n)
{
    struct src *s = arg;
    size_t k = s->len - s->pos;

    if (k > n)
        k = n;
    if (k > s->chunk)
        k = s->chunk;
    memcpy(buf, s->data + s->pos, k);
    s->pos += k;
    return (ssize_t)k;
}

/* Reads everything; appends each good record re-written as CSV to out (when not NULL). */
static void
read_all(const uint8_t *data, size_t len, size_t chunk, struct strbuf *out,
         struct import_checker *chk)
{
    struct src s = { data, len, 0, chunk };
    struct csv *c = csv_new(src_read, &s);
    struct csv_row row;
    struct err e = { 0 };
    size_t width = 0;
    int rc, n = 0;

    while ((rc = csv_next(c, &row, &e)) != RC_NOTFOUND) {
        if (rc != RC_OK) {
            if (e.msg[0] == '\0')
                abort(); /* a rejection always says why */
            continue;
        }
        if (width == 0)
            width = row.nfields;
        if (row.nfields != width)
            abort();
        for (size_t i = 0; i < row.nfields; i++) {
            if (!csv_utf8_valid(row.fields[i], row.lens[i]) ||
                strlen(row.fields[i]) != row.lens[i])
                abort();
            if (out != NULL) {
                if (i > 0)
                    strbuf_addch(out, ',');
                csv_field_write(out, row.fields[i]);
            }
        }
        if (out != NULL && row.nfields == 1 && row.lens[0] == 0)
            strbuf_addstr(out, "\"\""); /* else it would be a blank line, which is skipped */
        if (out != NULL)
            strbuf_addch(out, '\n');
        if (chk != NULL && n++ > 0) {
            struct import_cliente cl;
            if (import_checker_row(chk, &row, &cl, &e) != RC_OK && e.msg[0] == '\0')
                abort();
        } else if (chk != NULL && import_checker_header(chk, &row, &e) != RC_OK) {
            chk = NULL;
        }
    }
    csv_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strbuf once, twice;
    struct import_catalog *cat;
    struct import_checker *chk;

    if (size < 1)
        return 0;
    cat = import_catalog_new();
    import_catalog_add_convenio(cat, 1, "IMSS", true);
    import_catalog_add_entidad(cat, 14, "JAL", "Jalisco");
    chk = import_checker_new(cat);
    strbuf_init(&once);
    strbuf_init(&twice);
    read_all(data + 1, size - 1, 1 + data[0] % 64, &once, chk);
    read_all((const uint8_t *)once.buf, once.len, 4096, &twice, NULL);
    if (once.len != twice.len || memcmp(once.buf, twice.buf, once.len) != 0)
        abort();
    strbuf_fini(&once);
    strbuf_fini(&twice);
    import_checker_free(chk);
    import_catalog_free(cat);
    return 0;
}
