/*
 * csv — a streaming RFC 4180 reader: one record at a time, constant memory per record.
 *
 * Pure: bytes come from a caller-supplied read function (a file, or a memory buffer in
 * tests and the fuzzer), nothing is printed. Separator ',', fields optionally quoted with
 * '"' ("" is a quote inside), records end in LF or CRLF and may span lines inside quotes.
 * A UTF-8 BOM at the very start is skipped; every field must be valid UTF-8 without NUL
 * bytes; empty lines are skipped. After the first record every record must have the same
 * number of fields (the header fixes the width). One owner, one thread.
 */
#ifndef CORE_CSV_H
#define CORE_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct err;
struct strbuf;

/* Reads up to n bytes into buf: returns the count, 0 at end of input, -1 on error. */
typedef ssize_t csv_read_fn(void *arg, char *buf, size_t n);

/* The largest record accepted, in bytes (fields plus separators). */
#define CSV_RECORD_MAX (1024 * 1024)

/* One record: views into the reader, valid until the next csv_next or csv_free. */
struct csv_row {
    size_t nfields;
    char **fields;      /* NUL-terminated, nfields of them */
    const size_t *lens; /* byte length of each field */
    unsigned long line; /* physical line (1-based) where the record starts */
};

struct csv;

/* Text already in memory as a csv_read_fn: csv_new(csv_mem_read, &(struct csv_mem){ data,
 * len, 0 }) reads it from pos on (tests, benchmarks). */
struct csv_mem {
    const char *data;
    size_t len, pos;
};
ssize_t csv_mem_read(void *arg, char *buf, size_t n);

/* A reader pulling bytes from read(arg). Never fails (allocation aborts). */
struct csv *csv_new(csv_read_fn *read, void *arg);

/* Frees the reader; NULL-safe. */
void csv_free(struct csv *c);

/*
 * Reads the next record into *row. RC_OK with a record; RC_NOTFOUND at end of input;
 * RC_INVAL for a malformed record (bad quoting, bad UTF-8, NUL byte, wrong number of
 * fields, record over CSV_RECORD_MAX): e->msg says why, row->line names the record, and
 * the reader has skipped past it, so the caller may report it and call csv_next again.
 * RC_IO when read fails (then the reader is finished).
 */
int csv_next(struct csv *c, struct csv_row *row, struct err *e) __attribute__((warn_unused_result));

/* Bytes consumed from the input so far (for progress). */
unsigned long long csv_offset(const struct csv *c);

/* True when s[0..n) is valid UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF). */
bool csv_utf8_valid(const char *s, size_t n);

/* Appends one field to sb, quoted when it needs it (',', '"', CR, LF, leading space or BOM). */
void csv_field_write(struct strbuf *sb, const char *s);

/* Trims the ASCII spaces and tabs around a field in place; returns its new start. */
char *csv_field_trim(char *s);

#endif
