/*
 * dnc — the rows of a do-not-contact extract (REUS, REPEP) for `embudo no-contactar importar`
 * (docs/no-contactar.md): the header (telefono, and registrado when the extract has it), each
 * row's phone normalised to +52 and ten digits, its registration date (AAAA-MM-DD or
 * DD/MM/AAAA, a real date, not in the future; a REUS registration older than two years has
 * expired), and the batch sent to the database together with the set of phones already seen
 * in the file, so that a number repeated anywhere in the file is stored once, with its latest
 * date (the rule api.no_contactar_cargar applies inside one call).
 *
 * Pure: no I/O and no clock (the caller says what day it is). The seen-set costs 16 bytes
 * per distinct phone at most half full (about 32 MB for a million numbers); the batch itself
 * is fixed. One owner, one thread.
 */
#ifndef CORE_DNC_H
#define CORE_DNC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct csv_row;
struct err;

/* A civil date as days since 1970-01-01; DNC_SIN_FECHA for none. */
#define DNC_SIN_FECHA INT_MIN

/*
 * Parses "AAAA-MM-DD" or "DD/MM/AAAA" (day and month may have one digit) into *days. False
 * for another shape (nothing changed); *real false when the shape is right but the date does
 * not exist (2026-02-30) or its year is outside 1900–2200.
 */
bool dnc_date_parse(const char *s, int *days, bool *real);

/* Days since 1970-01-01 of a proleptic Gregorian y-m-d (m 1–12, d 1–31, not checked). */
int dnc_days_from_civil(int y, int m, int d);

/* days as "AAAA-MM-DD" into out. */
void dnc_date_fmt(int days, char out[11]);

/* days plus n years; 29 February becomes 28 February in a common year (as PostgreSQL). */
int dnc_add_years(int days, int n);

/* The columns an extract may have. */
enum dnc_col { DNC_COL_TELEFONO, DNC_COL_REGISTRADO, DNC_COL_COUNT };

struct dnc_checker;

/* reus: registrations end two years after their date. hoy: today in the business zone. */
struct dnc_checker *dnc_checker_new(bool reus, int hoy);
void dnc_checker_free(struct dnc_checker *chk);

/*
 * Reads the header: names matched case-insensitively after trimming. RC_INVAL (e->msg names
 * it) for an unknown or repeated column or a missing telefono.
 */
int dnc_checker_header(struct dnc_checker *chk, struct csv_row *hdr, struct err *e)
    __attribute__((warn_unused_result));

/* One valid row. */
struct dnc_row {
    unsigned long line;
    char telefono[14]; /* +52 and ten digits */
    int registrado;    /* days, or DNC_SIN_FECHA */
    bool vencida;      /* a REUS registration two or more years old: nothing to load */
};

/*
 * Validates one data row (trimming its fields in place) into *out. RC_INVAL with the reason
 * in e->msg (Spanish, naming the column) when the row must be rejected.
 */
int dnc_checker_row(struct dnc_checker *chk, struct csv_row *row, struct dnc_row *out,
                    struct err *e) __attribute__((warn_unused_result));

/* The pending batch and the phones seen in the whole file. */
struct dnc_batch;

/* A batch of at most max rows (max ≥ 1). */
struct dnc_batch *dnc_batch_new(size_t max);
void dnc_batch_free(struct dnc_batch *b);

/* What dnc_batch_add did with a row. */
enum dnc_add {
    DNC_ADD_NEW,      /* first time in the file: appended */
    DNC_ADD_REPEATED, /* seen before: nothing more to send (an earlier row already has the
                         same or a later date, or the pending one took this later date) */
    DNC_ADD_RESENT,   /* seen before in a batch already sent, now with a later date: appended
                         again, so the database will count it once more as renewed */
};

/* Adds a valid, non-expired row; the caller sends the batch when dnc_batch_full. */
enum dnc_add dnc_batch_add(struct dnc_batch *b, const struct dnc_row *r);

bool dnc_batch_full(const struct dnc_batch *b);
size_t dnc_batch_len(const struct dnc_batch *b);

/* The pending phones and their dates ("AAAA-MM-DD", NULL elements when unknown), in the
 * order added; valid until the next dnc_batch_add or dnc_batch_next. */
const char *const *dnc_batch_telefonos(const struct dnc_batch *b);
const char *const *dnc_batch_registrados(const struct dnc_batch *b);

/* The file lines of the first and last pending rows (0 when empty). */
unsigned long dnc_batch_first_line(const struct dnc_batch *b);
unsigned long dnc_batch_last_line(const struct dnc_batch *b);

/* Empties the batch once sent; the seen phones are kept. */
void dnc_batch_next(struct dnc_batch *b);

#endif
