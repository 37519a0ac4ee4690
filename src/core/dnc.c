#include "core/dnc.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "core/import.h"
#include "util/err.h"
#include "util/xmalloc.h"

static const char *const col_names[DNC_COL_COUNT] = {
    [DNC_COL_TELEFONO] = "telefono",
    [DNC_COL_REGISTRADO] = "registrado",
};

/* ---- dates -------------------------------------------------------------------------------- */

static bool
leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return m == 2 && leap(y) ? 29 : days[m - 1];
}

int
dnc_days_from_civil(int y, int m, int d)
{
    /* Howard Hinnant's days_from_civil: eras of 400 years starting on 1 March. */
    int era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int z, int *y, int *m, int *d)
{
    int era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

void
dnc_date_fmt(int days, char out[11])
{
    int y, m, d;

    civil_from_days(days, &y, &m, &d);
    /* Unsigned and reduced, so the compiler sees that ten characters always suffice. */
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

int
dnc_add_years(int days, int n)
{
    int y, m, d;

    civil_from_days(days, &y, &m, &d);
    y += n;
    if (d > month_days(y, m))
        d = month_days(y, m);
    return dnc_days_from_civil(y, m, d);
}

/* Reads 1..max digits at *p as a number; advances *p. -1 when there are none or too many. */
static int
digits(const char **p, int min, int max)
{
    int v = 0, n = 0;

    while (**p >= '0' && **p <= '9') {
        if (++n > max)
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    return n >= min ? v : -1;
}

bool
dnc_date_parse(const char *s, int *days, bool *real)
{
    const char *p = s;
    int y, m, d;

    *real = false;
    if ((y = digits(&p, 4, 4)) >= 0) {
        /* AAAA-MM-DD */
        if (*p++ != '-' || (m = digits(&p, 2, 2)) < 0 || *p++ != '-' ||
            (d = digits(&p, 2, 2)) < 0 || *p != '\0')
            return false;
    } else {
        /* DD/MM/AAAA */
        p = s;
        if ((d = digits(&p, 1, 2)) < 0 || *p++ != '/' || (m = digits(&p, 1, 2)) < 0 ||
            *p++ != '/' || (y = digits(&p, 4, 4)) < 0 || *p != '\0')
            return false;
    }
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return true;
    *real = true;
    *days = dnc_days_from_civil(y, m, d);
    return true;
}

/* ---- rows --------------------------------------------------------------------------------- */

struct dnc_checker {
    bool reus;
    int hoy;
    int cols[DNC_COL_COUNT]; /* index of each column in the file, -1 when absent */
};

struct dnc_checker *
dnc_checker_new(bool reus, int hoy)
{
    struct dnc_checker *chk = xcalloc(1, sizeof *chk);

    chk->reus = reus;
    chk->hoy = hoy;
    for (size_t c = 0; c < DNC_COL_COUNT; c++)
        chk->cols[c] = -1;
    return chk;
}

void
dnc_checker_free(struct dnc_checker *chk)
{
    free(chk);
}

int
dnc_checker_header(struct dnc_checker *chk, struct csv_row *hdr, struct err *e)
{
    for (size_t c = 0; c < DNC_COL_COUNT; c++)
        chk->cols[c] = -1;
    for (size_t i = 0; i < hdr->nfields; i++) {
        const char *name = csv_field_trim(hdr->fields[i]);
        size_t c = 0;

        while (c < DNC_COL_COUNT && strcasecmp(name, col_names[c]) != 0)
            c++;
        if (c == DNC_COL_COUNT)
            return err_set(e, RC_INVAL,
                           "columna desconocida en el encabezado: «%.60s» (se esperan telefono y, "
                           "si el extracto la trae, registrado)",
                           name);
        if (chk->cols[c] >= 0)
            return err_set(e, RC_INVAL, "columna repetida en el encabezado: «%s»", col_names[c]);
        chk->cols[c] = (int)i;
    }
    if (chk->cols[DNC_COL_TELEFONO] < 0)
        return err_set(e, RC_INVAL, "falta la columna obligatoria «telefono» en el encabezado");
    return RC_OK;
}

/* The trimmed value of column c, or NULL when the file lacks it or it is empty. */
static char *
field(const struct dnc_checker *chk, struct csv_row *row, enum dnc_col c)
{
    char *v;

    if (chk->cols[c] < 0 || (size_t)chk->cols[c] >= row->nfields)
        return NULL;
    v = csv_field_trim(row->fields[chk->cols[c]]);
    return *v != '\0' ? v : NULL;
}

static int
check_registrado(const struct dnc_checker *chk, const char *v, struct dnc_row *out, struct err *e)
{
    bool real;

    if (!dnc_date_parse(v, &out->registrado, &real))
        return err_set(e, RC_INVAL,
                       "«registrado» no es una fecha AAAA-MM-DD ni DD/MM/AAAA: «%.30s»", v);
    if (!real)
        return err_set(e, RC_INVAL, "«registrado» no es una fecha que exista: «%.30s»", v);
    if (out->registrado > chk->hoy)
        return err_set(e, RC_INVAL, "«registrado» es una fecha futura: «%.30s»", v);
    /* api.no_contactar_hasta: a REUS entry ends at the start of the day two years later. */
    out->vencida = chk->reus && dnc_add_years(out->registrado, 2) <= chk->hoy;
    return RC_OK;
}

int
dnc_checker_row(struct dnc_checker *chk, struct csv_row *row, struct dnc_row *out, struct err *e)
{
    const char *tel, *reg;

    memset(out, 0, sizeof *out);
    out->line = row->line;
    out->registrado = DNC_SIN_FECHA;
    for (size_t i = 0; i < row->nfields; i++)
        for (const char *p = row->fields[i]; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 && *p != '\t')
                return err_set(e, RC_INVAL, "caracteres de control en la fila");
    tel = field(chk, row, DNC_COL_TELEFONO);
    reg = field(chk, row, DNC_COL_REGISTRADO);
    if (tel == NULL)
        return err_set(e, RC_INVAL, "falta «telefono»");
    if (!import_phone_normalize(tel, out->telefono))
        return err_set(e, RC_INVAL, "«telefono» no es un número mexicano de 10 dígitos: «%.30s»",
                       tel);
    return reg != NULL ? check_registrado(chk, reg, out, e) : RC_OK;
}

/* ---- the batch and the phones seen -------------------------------------------------------- */

/*
 * An open-addressing set keyed by the ten national digits as a number (never 0: area codes
 * start with 2–9). Each slot remembers the latest date seen for the phone and where it sits
 * in the batch that added it last (batch number in the key's high bits), so a later date
 * within the same batch replaces the pending one instead of sending the phone twice.
 */
#define TEL_BITS 34 /* 10^10 < 2^34 */
#define TEL_MASK ((UINT64_C(1) << TEL_BITS) - 1)

struct seen_slot {
    uint64_t key; /* phone | batch number << TEL_BITS; 0 = empty */
    int32_t fecha;
    uint32_t pos;
};

struct dnc_batch {
    size_t max, n;
    uint64_t seq; /* number of the pending batch */
    char (*tel)[14];
    char (*reg)[11];
    unsigned long *lines;
    const char **tel_p;
    const char **reg_p;
    struct seen_slot *slots;
    size_t cap, used;
};

struct dnc_batch *
dnc_batch_new(size_t max)
{
    struct dnc_batch *b = xcalloc(1, sizeof *b);

    b->max = max;
    b->tel = xcalloc(max, sizeof *b->tel);
    b->reg = xcalloc(max, sizeof *b->reg);
    b->lines = xcalloc(max, sizeof *b->lines);
    b->tel_p = xcalloc(max, sizeof *b->tel_p);
    b->reg_p = xcalloc(max, sizeof *b->reg_p);
    b->cap = 1024;
    b->slots = xcalloc(b->cap, sizeof *b->slots);
    return b;
}

void
dnc_batch_free(struct dnc_batch *b)
{
    if (b == NULL)
        return;
    free(b->tel);
    free(b->reg);
    free(b->lines);
    free(b->tel_p);
    free(b->reg_p);
    free(b->slots);
    free(b);
}

static uint64_t
tel_key(const char *telefono)
{
    uint64_t v = 0;

    for (const char *p = telefono + 3; *p != '\0'; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    return v;
}

static size_t
slot_find(const struct seen_slot *slots, size_t cap, uint64_t tel)
{
    size_t i = (size_t)((tel * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & (cap - 1);

    while (slots[i].key != 0 && (slots[i].key & TEL_MASK) != tel)
        i = (i + 1) & (cap - 1);
    return i;
}

static void
seen_grow(struct dnc_batch *b)
{
    size_t cap = b->cap * 2;
    struct seen_slot *slots = xcalloc(cap, sizeof *slots);

    for (size_t i = 0; i < b->cap; i++)
        if (b->slots[i].key != 0)
            slots[slot_find(slots, cap, b->slots[i].key & TEL_MASK)] = b->slots[i];
    free(b->slots);
    b->slots = slots;
    b->cap = cap;
}

/* Appends r to the pending batch and points s at it. */
static void
append(struct dnc_batch *b, const struct dnc_row *r, struct seen_slot *s, uint64_t tel)
{
    memcpy(b->tel[b->n], r->telefono, sizeof b->tel[b->n]);
    b->tel_p[b->n] = b->tel[b->n];
    if (r->registrado != DNC_SIN_FECHA) {
        dnc_date_fmt(r->registrado, b->reg[b->n]);
        b->reg_p[b->n] = b->reg[b->n];
    } else {
        b->reg_p[b->n] = NULL;
    }
    b->lines[b->n] = r->line;
    s->key = tel | b->seq << TEL_BITS;
    s->fecha = r->registrado;
    s->pos = (uint32_t)b->n;
    b->n++;
}

enum dnc_add
dnc_batch_add(struct dnc_batch *b, const struct dnc_row *r)
{
    uint64_t tel = tel_key(r->telefono);
    struct seen_slot *s;

    assert(b->n < b->max); /* the caller sends a full batch before adding more */
    if (2 * (b->used + 1) > b->cap)
        seen_grow(b);
    s = &b->slots[slot_find(b->slots, b->cap, tel)];
    if (s->key == 0) {
        b->used++;
        append(b, r, s, tel);
        return DNC_ADD_NEW;
    }
    /* A date beats none and a later date an earlier one (api.no_contactar_cargar's rule). */
    if (r->registrado == DNC_SIN_FECHA || (s->fecha != DNC_SIN_FECHA && r->registrado <= s->fecha))
        return DNC_ADD_REPEATED;
    if (s->key >> TEL_BITS == b->seq) {
        s->fecha = r->registrado;
        dnc_date_fmt(r->registrado, b->reg[s->pos]);
        b->reg_p[s->pos] = b->reg[s->pos];
        return DNC_ADD_REPEATED;
    }
    append(b, r, s, tel);
    return DNC_ADD_RESENT;
}

bool
dnc_batch_full(const struct dnc_batch *b)
{
    return b->n >= b->max;
}

size_t
dnc_batch_len(const struct dnc_batch *b)
{
    return b->n;
}

const char *const *
dnc_batch_telefonos(const struct dnc_batch *b)
{
    return b->tel_p;
}

const char *const *
dnc_batch_registrados(const struct dnc_batch *b)
{
    return b->reg_p;
}

unsigned long
dnc_batch_first_line(const struct dnc_batch *b)
{
    return b->n > 0 ? b->lines[0] : 0;
}

unsigned long
dnc_batch_last_line(const struct dnc_batch *b)
{
    return b->n > 0 ? b->lines[b->n - 1] : 0;
}

void
dnc_batch_next(struct dnc_batch *b)
{
    b->n = 0;
    b->seq++;
}
