#include "core/csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define CSV_BUF_BYTES 65536
#define CSV_EOF       (-1)
#define CSV_FAIL      (-2)

enum csv_state {
    ST_FIELD_START, /* nothing of the current field read yet */
    ST_UNQUOTED,    /* inside a field without quotes */
    ST_QUOTED,      /* inside "..." */
    ST_QUOTE_SEEN,  /* a '"' inside quotes: either "" or the closing quote */
};

struct csv {
    csv_read_fn *read;
    void *arg;
    char buf[CSV_BUF_BYTES];
    size_t pos, len;
    bool eof;    /* read returned 0 or failed; no more reads */
    bool failed; /* read returned -1 */
    bool bom_checked;
    unsigned long line;        /* current physical line, 1-based */
    unsigned long long offset; /* bytes consumed */
    struct strbuf rec;         /* the record's fields, each NUL-terminated */
    size_t *starts;            /* offset of each field in rec */
    size_t *lens;
    char **fields;
    size_t nf, cap;
    size_t width; /* fields per record, fixed by the first record; 0 = unset */
};

struct csv *
csv_new(csv_read_fn *read, void *arg)
{
    struct csv *c = xcalloc(1, sizeof *c);

    c->read = read;
    c->arg = arg;
    c->line = 1;
    strbuf_init(&c->rec);
    return c;
}

void
csv_free(struct csv *c)
{
    if (c == NULL)
        return;
    strbuf_fini(&c->rec);
    free(c->starts);
    free(c->lens);
    free(c->fields);
    free(c);
}

unsigned long long
csv_offset(const struct csv *c)
{
    return c->offset;
}

/* Refills the buffer; false at end of input or on a read error (c->failed). */
static bool
csv_fill(struct csv *c)
{
    ssize_t n;

    if (c->eof)
        return false;
    n = c->read(c->arg, c->buf, sizeof c->buf);
    if (n <= 0) {
        c->eof = true;
        c->failed = n < 0;
        return false;
    }
    c->pos = 0;
    c->len = (size_t)n;
    return true;
}

/* The next byte (0..255), CSV_EOF, or CSV_FAIL. */
static int
csv_getc(struct csv *c)
{
    if (c->pos == c->len && !csv_fill(c))
        return c->failed ? CSV_FAIL : CSV_EOF;
    c->offset++;
    return (unsigned char)c->buf[c->pos++];
}

/* The next byte without consuming it. */
static int
csv_peek(struct csv *c)
{
    if (c->pos == c->len && !csv_fill(c))
        return c->failed ? CSV_FAIL : CSV_EOF;
    return (unsigned char)c->buf[c->pos];
}

static void
csv_skip_bom(struct csv *c)
{
    static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };

    c->bom_checked = true;
    /* A short first read could split the BOM; read until 3 bytes are there or input ends. */
    while (c->len - c->pos < 3 && !c->eof) {
        char tmp[3];
        size_t have = c->len - c->pos;

        memcpy(tmp, c->buf + c->pos, have);
        if (!csv_fill(c)) {
            memcpy(c->buf, tmp, have);
            c->pos = 0;
            c->len = have;
            break;
        }
        memmove(c->buf + have, c->buf, c->len);
        memcpy(c->buf, tmp, have);
        c->len += have;
    }
    if (c->len - c->pos >= 3 && memcmp(c->buf + c->pos, bom, 3) == 0) {
        c->pos += 3;
        c->offset += 3;
    }
}

static void
csv_field_end(struct csv *c, size_t start)
{
    if (c->nf == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->starts = xreallocarray(c->starts, c->cap, sizeof *c->starts);
        c->lens = xreallocarray(c->lens, c->cap, sizeof *c->lens);
        c->fields = xreallocarray(c->fields, c->cap, sizeof *c->fields);
    }
    c->starts[c->nf] = start;
    c->lens[c->nf] = c->rec.len - start;
    c->nf++;
    strbuf_addch(&c->rec, '\0');
}

/* Skips to just after the next LF (or end of input): resynchronises after a bad record. */
static void
csv_skip_line(struct csv *c)
{
    int ch;

    while ((ch = csv_getc(c)) >= 0)
        if (ch == '\n') {
            c->line++;
            return;
        }
}

/* After a CR: consumes the LF that must follow. false when it is missing. */
static bool
csv_crlf(struct csv *c)
{
    if (csv_peek(c) != '\n')
        return false;
    (void)csv_getc(c);
    c->line++;
    return true;
}

/* What one byte does to the record being read. */
enum csv_act {
    ACT_NEXT,   /* keep reading */
    ACT_FIELD,  /* the field ended at a separator */
    ACT_RECORD, /* the field and the record ended */
    ACT_ERROR,  /* malformed; *why says how */
};

/* Outside quotes (at a field's start or in an unquoted field). */
static enum csv_act
csv_step_plain(struct csv *c, enum csv_state *st, int ch, const char **why)
{
    switch (ch) {
    case ',':
        *st = ST_FIELD_START;
        return ACT_FIELD;
    case '\n':
        c->line++;
        return ACT_RECORD;
    case CSV_EOF:
        return ACT_RECORD;
    case '\r':
        if (csv_crlf(c))
            return ACT_RECORD;
        *why = "retorno de carro (CR) sin salto de línea";
        return ACT_ERROR;
    case '"':
        if (*st == ST_FIELD_START) {
            *st = ST_QUOTED;
            return ACT_NEXT;
        }
        *why = "comilla dentro de un campo sin comillas (encierre el campo entre comillas y "
               "duplique las comillas interiores)";
        return ACT_ERROR;
    default:
        strbuf_addch(&c->rec, (char)ch);
        *st = ST_UNQUOTED;
        return ACT_NEXT;
    }
}

/* Inside quotes, or just after a '"' seen inside quotes. */
static enum csv_act
csv_step_quoted(struct csv *c, enum csv_state *st, int ch, const char **why)
{
    if (*st == ST_QUOTED) {
        if (ch == '"') {
            *st = ST_QUOTE_SEEN;
            return ACT_NEXT;
        }
        if (ch == CSV_EOF) {
            *why = "comilla sin cerrar al final del archivo";
            return ACT_ERROR;
        }
        if (ch == '\n')
            c->line++;
        strbuf_addch(&c->rec, (char)ch);
        return ACT_NEXT;
    }
    if (ch == '"') { /* "" is one quote */
        strbuf_addch(&c->rec, '"');
        *st = ST_QUOTED;
        return ACT_NEXT;
    }
    if (ch == ',' || ch == '\n' || ch == '\r' || ch == CSV_EOF)
        return csv_step_plain(c, st, ch, why);
    *why = "texto después de la comilla de cierre";
    return ACT_ERROR;
}

/* True (and the line consumed) when ch starts an empty line before any field. */
static bool
csv_blank_line(struct csv *c, int ch)
{
    if (ch == '\n') {
        c->line++;
        return true;
    }
    return ch == '\r' && csv_crlf(c);
}

/*
 * Reads one record's fields into c->rec. RC_OK, RC_NOTFOUND at end of input, RC_INVAL
 * (resynchronised at the next line), RC_IO.
 */
static int
csv_scan(struct csv *c, unsigned long *start_line, struct err *e)
{
    enum csv_state st = ST_FIELD_START;
    size_t fstart = 0;
    const char *why = NULL;

    strbuf_reset(&c->rec);
    c->nf = 0;
    *start_line = c->line;
    for (;;) {
        int ch = csv_getc(c);
        enum csv_act act;

        if (ch == CSV_FAIL)
            return err_set(e, RC_IO, "no se pudo leer la entrada");
        if (st == ST_FIELD_START && c->nf == 0) {
            if (ch == CSV_EOF)
                return RC_NOTFOUND;
            if (csv_blank_line(c, ch)) {
                *start_line = c->line;
                continue;
            }
        }
        if (c->rec.len >= CSV_RECORD_MAX) {
            why = "registro de más de 1 MiB (¿una comilla sin cerrar?)";
            act = ACT_ERROR;
        } else if (st == ST_QUOTED || st == ST_QUOTE_SEEN) {
            act = csv_step_quoted(c, &st, ch, &why);
        } else {
            act = csv_step_plain(c, &st, ch, &why);
        }
        if (act == ACT_NEXT)
            continue;
        if (act == ACT_ERROR) {
            if (ch != '\n' && ch != CSV_EOF)
                csv_skip_line(c);
            return err_set(e, RC_INVAL, "%s", why);
        }
        csv_field_end(c, fstart);
        fstart = c->rec.len;
        if (act == ACT_RECORD)
            return RC_OK;
    }
}

/* Points row at the fields; checks NUL bytes, UTF-8 and the width. */
static int
csv_row_fill(struct csv *c, struct csv_row *row, struct err *e)
{
    for (size_t i = 0; i < c->nf; i++) {
        c->fields[i] = c->rec.buf + c->starts[i];
        if (memchr(c->fields[i], '\0', c->lens[i]) != NULL)
            return err_set(e, RC_INVAL, "byte nulo en la columna %zu", i + 1);
        if (!csv_utf8_valid(c->fields[i], c->lens[i]))
            return err_set(e, RC_INVAL, "UTF-8 inválido en la columna %zu", i + 1);
    }
    row->nfields = c->nf;
    row->fields = c->fields;
    row->lens = c->lens;
    if (c->width == 0)
        c->width = c->nf;
    else if (c->nf != c->width)
        return err_set(e, RC_INVAL, "la fila tiene %zu columnas; el encabezado tiene %zu", c->nf,
                       c->width);
    return RC_OK;
}

int
csv_next(struct csv *c, struct csv_row *row, struct err *e)
{
    int rc;

    row->nfields = 0;
    if (!c->bom_checked)
        csv_skip_bom(c);
    rc = csv_scan(c, &row->line, e);
    if (rc != RC_OK)
        return rc;
    return csv_row_fill(c, row, e);
}

/* Length of the UTF-8 sequence starting at s[0] (1..4), or 0 when invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
    uint32_t cp;
    size_t len;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        cp = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        cp = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

bool
csv_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t k;

        if (p[i] < 0x80) { /* fast path for ASCII */
            i++;
            continue;
        }
        k = utf8_seq(p + i, n - i);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

void
csv_field_write(struct strbuf *sb, const char *s)
{
    /* A leading U+FEFF would be taken for a BOM at the start of a file: quote it too. */
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && strncmp(s, "\xEF\xBB\xBF", 3) != 0) {
        strbuf_addstr(sb, s);
        return;
    }
    strbuf_addch(sb, '"');
    for (; *s != '\0'; s++) {
        if (*s == '"')
            strbuf_addch(sb, '"');
        strbuf_addch(sb, *s);
    }
    strbuf_addch(sb, '"');
}

char *
csv_field_trim(char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

ssize_t
csv_mem_read(void *arg, char *buf, size_t n)
{
    struct csv_mem *m = arg;
    size_t k = m->len - m->pos < n ? m->len - m->pos : n;

    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}
