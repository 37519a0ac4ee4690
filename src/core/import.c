#include "core/import.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

static const char *const col_names[IC_COUNT] = {
    [IC_NOMBRE] = "nombre",
    [IC_PRIMER_APELLIDO] = "primer_apellido",
    [IC_SEGUNDO_APELLIDO] = "segundo_apellido",
    [IC_CURP] = "curp",
    [IC_RFC] = "rfc",
    [IC_CONVENIO] = "convenio",
    [IC_ENTIDAD] = "entidad",
    [IC_MUNICIPIO] = "municipio",
    [IC_EDAD] = "edad",
    [IC_TELEFONO] = "telefono",
    [IC_EMAIL] = "email",
    [IC_CAPACIDAD_PAGO] = "capacidad_pago",
    [IC_SEGMENTO] = "segmento",
};

static const bool col_required[IC_COUNT] = {
    [IC_NOMBRE] = true, [IC_PRIMER_APELLIDO] = true, [IC_CONVENIO] = true, [IC_ENTIDAD] = true,
    [IC_EDAD] = true,   [IC_TELEFONO] = true,
};

const char *
import_col_name(enum import_col c)
{
    return col_names[c];
}

/* ---- a string → line map (open addressing, keys in an arena) ------------------------------ */

struct strmap_slot {
    uint64_t hash;
    size_t off; /* key offset in arena + 1; 0 = empty */
    unsigned long val;
};

struct strmap {
    struct strmap_slot *slots;
    size_t cap, n;
    struct strbuf arena;
};

static uint64_t
strmap_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void
strmap_init(struct strmap *m)
{
    m->cap = 1024;
    m->n = 0;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    strbuf_init(&m->arena);
}

static void
strmap_fini(struct strmap *m)
{
    free(m->slots);
    strbuf_fini(&m->arena);
}

static struct strmap_slot *
strmap_slot(struct strmap_slot *slots, size_t cap, const struct strbuf *arena, uint64_t h,
            const char *key)
{
    for (size_t i = (size_t)h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        struct strmap_slot *s = &slots[i];
        if (s->off == 0 || (s->hash == h && strcmp(arena->buf + s->off - 1, key) == 0))
            return s;
    }
}

static void
strmap_grow(struct strmap *m)
{
    size_t cap = m->cap * 2;
    struct strmap_slot *slots = xcalloc(cap, sizeof *slots);

    for (size_t i = 0; i < m->cap; i++) {
        struct strmap_slot *s = &m->slots[i];
        if (s->off != 0)
            *strmap_slot(slots, cap, &m->arena, s->hash, m->arena.buf + s->off - 1) = *s;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

/* The value stored for key, or 0 when absent. */
static unsigned long
strmap_get(const struct strmap *m, const char *key)
{
    return strmap_slot(m->slots, m->cap, &m->arena, strmap_hash(key), key)->val;
}

/* Stores key → val (val > 0); an existing key keeps its first value. */
static void
strmap_put(struct strmap *m, const char *key, unsigned long val)
{
    uint64_t h = strmap_hash(key);
    struct strmap_slot *s;

    if ((m->n + 1) * 2 > m->cap)
        strmap_grow(m);
    s = strmap_slot(m->slots, m->cap, &m->arena, h, key);
    if (s->off != 0)
        return;
    s->hash = h;
    s->off = m->arena.len + 1;
    s->val = val;
    strbuf_add(&m->arena, key, strlen(key) + 1);
    m->n++;
}

/* ---- catalog ------------------------------------------------------------------------------- */

struct import_convenio {
    int id;
    char clave[24];
    bool activo;
};

struct import_entidad {
    int id;
    char clave[8];
    char *nombre;
};

struct import_catalog {
    struct import_convenio *conv;
    size_t nconv;
    struct import_entidad ent[33]; /* by INEGI id; id 0 = unknown */
};

struct import_catalog *
import_catalog_new(void)
{
    return xcalloc(1, sizeof(struct import_catalog));
}

void
import_catalog_free(struct import_catalog *cat)
{
    if (cat == NULL)
        return;
    for (size_t i = 0; i < 33; i++)
        free(cat->ent[i].nombre);
    free(cat->conv);
    free(cat);
}

static void
ascii_upper(char *s)
{
    for (; *s != '\0'; s++)
        *s = (char)toupper((unsigned char)*s);
}

void
import_catalog_add_convenio(struct import_catalog *cat, int id, const char *clave, bool activo)
{
    struct import_convenio *c;

    cat->conv = xreallocarray(cat->conv, cat->nconv + 1, sizeof *cat->conv);
    c = &cat->conv[cat->nconv++];
    c->id = id;
    c->activo = activo;
    snprintf(c->clave, sizeof c->clave, "%s", clave);
    ascii_upper(c->clave);
}

void
import_catalog_add_entidad(struct import_catalog *cat, int id, const char *clave,
                           const char *nombre)
{
    if (id < 1 || id > 32)
        return;
    cat->ent[id].id = id;
    snprintf(cat->ent[id].clave, sizeof cat->ent[id].clave, "%s", clave);
    free(cat->ent[id].nombre);
    cat->ent[id].nombre = xstrdup(nombre);
}

const char *
import_catalog_convenio_clave(const struct import_catalog *cat, int id)
{
    for (size_t i = 0; i < cat->nconv; i++)
        if (cat->conv[i].id == id)
            return cat->conv[i].clave;
    return NULL;
}

const char *
import_catalog_entidad_clave(const struct import_catalog *cat, int id)
{
    return id >= 1 && id <= 32 && cat->ent[id].id == id ? cat->ent[id].clave : NULL;
}

/* ---- field rules --------------------------------------------------------------------------- */

/* The ten national digits inside d (n digits), or NULL. plus: the number began with '+'. */
static const char *
phone_national(const char *d, size_t n, bool plus)
{
    if (plus) {
        if (n == 12 && strncmp(d, "52", 2) == 0)
            return d + 2;
        if (n == 13 && strncmp(d, "521", 3) == 0)
            return d + 3;
        return NULL;
    }
    if (n == 10)
        return d;
    if (n == 12 && (strncmp(d, "52", 2) == 0 || strncmp(d, "01", 2) == 0))
        return d + 2;
    if (n == 13 &&
        (strncmp(d, "521", 3) == 0 || strncmp(d, "044", 3) == 0 || strncmp(d, "045", 3) == 0))
        return d + 3;
    return NULL;
}

bool
import_phone_normalize(const char *in, char out[14])
{
    char d[32];
    size_t n = 0;
    const char *p = in, *ten;
    bool plus;

    while (*p == ' ')
        p++;
    plus = *p == '+';
    if (plus)
        p++;
    for (; *p != '\0'; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n == sizeof d - 1)
                return false;
            d[n++] = *p;
        } else if (strchr(" -.()", *p) == NULL) {
            return false;
        }
    }
    d[n] = '\0';
    ten = phone_national(d, n, plus);
    /* Area codes never start with 0 or 1 (the same rule as api.normalizar_telefono). */
    if (ten == NULL || ten[0] == '0' || ten[0] == '1')
        return false;
    memcpy(out, "+52", 3);
    memcpy(out + 3, ten, 10);
    out[13] = '\0';
    return true;
}

static bool
all_in(const char *s, size_t from, size_t to, const char *set)
{
    for (size_t i = from; i < to; i++)
        if (s[i] == '\0' || strchr(set, s[i]) == NULL)
            return false;
    return true;
}

#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGIT "0123456789"

bool
import_curp_valid(const char *s)
{
    return strlen(s) == 18 && all_in(s, 0, 1, UPPER) && all_in(s, 1, 2, "AEIOUX") &&
           all_in(s, 2, 4, UPPER) && all_in(s, 4, 10, DIGIT) && all_in(s, 10, 11, "HMX") &&
           all_in(s, 11, 16, UPPER) && all_in(s, 16, 17, UPPER DIGIT) && all_in(s, 17, 18, DIGIT);
}

/* ^[A-Z&Ñ]{3,4}[0-9]{6}[A-Z0-9]{3}$ with Ñ as its two UTF-8 bytes. */
static bool
rfc_valid(const char *s)
{
    size_t letters = 0;

    for (;;) {
        if (*s != '\0' && strchr(UPPER "&", *s) != NULL)
            s += 1;
        else if (strncmp(s, "\xC3\x91", 2) == 0)
            s += 2;
        else
            break;
        letters++;
    }
    return (letters == 3 || letters == 4) && strlen(s) == 9 && all_in(s, 0, 6, DIGIT) &&
           all_in(s, 6, 9, UPPER DIGIT);
}

/* ^[^@\s]+@[^@\s]+\.[^@\s]+$, ASCII only (the database compares it with lower()). */
static bool
email_valid(const char *s)
{
    const char *at = strchr(s, '@'), *dom;
    size_t len;

    for (const char *p = s; *p != '\0'; p++)
        if ((unsigned char)*p >= 0x80 || isspace((unsigned char)*p))
            return false;
    if (at == NULL || at == s || strchr(at + 1, '@') != NULL)
        return false;
    dom = at + 1;
    len = strlen(dom);
    for (size_t i = 1; i + 1 < len; i++)
        if (dom[i] == '.')
            return true;
    return false;
}

/* numeric(12, 2) ≥ 0: 1–10 integer digits, optionally '.' and 1–2 decimals. */
static bool
money_valid(const char *s)
{
    size_t ent = strspn(s, DIGIT), dec;

    if (ent < 1 || ent > 10)
        return false;
    if (s[ent] == '\0')
        return true;
    dec = strspn(s + ent + 1, DIGIT);
    return s[ent] == '.' && dec >= 1 && dec <= 2 && s[ent + 1 + dec] == '\0';
}

static size_t
utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* ASCII upper-case plus ñ → Ñ (the only non-ASCII letter an RFC may hold). */
static void
upper_es(char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)s[0] == 0xC3 && (unsigned char)s[1] == 0xB1) {
            s[1] = (char)0x91;
            s++;
        } else {
            *s = (char)toupper((unsigned char)*s);
        }
    }
}

static void
ascii_lower(char *s)
{
    for (; *s != '\0'; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* ---- the checker --------------------------------------------------------------------------- */

struct import_checker {
    const struct import_catalog *cat;
    enum import_col *cols; /* column of each file field */
    size_t ncols;
    struct strmap curps;  /* CURP → line where it first appeared */
    struct strmap phones; /* normalised phone → line */
};

struct import_checker *
import_checker_new(const struct import_catalog *cat)
{
    struct import_checker *chk = xcalloc(1, sizeof *chk);

    chk->cat = cat;
    strmap_init(&chk->curps);
    strmap_init(&chk->phones);
    return chk;
}

void
import_checker_free(struct import_checker *chk)
{
    if (chk == NULL)
        return;
    strmap_fini(&chk->curps);
    strmap_fini(&chk->phones);
    free(chk->cols);
    free(chk);
}

int
import_checker_header(struct import_checker *chk, struct csv_row *hdr, struct err *e)
{
    bool seen[IC_COUNT] = { false };

    free(chk->cols);
    chk->cols = xcalloc(hdr->nfields + 1, sizeof *chk->cols);
    chk->ncols = hdr->nfields;
    for (size_t i = 0; i < hdr->nfields; i++) {
        const char *name = csv_field_trim(hdr->fields[i]);
        size_t c = 0;

        while (c < IC_COUNT && strcasecmp(name, col_names[c]) != 0)
            c++;
        if (c == IC_COUNT)
            return err_set(e, RC_INVAL, "columna desconocida en el encabezado: «%.60s»", name);
        if (seen[c])
            return err_set(e, RC_INVAL, "columna repetida en el encabezado: «%s»", col_names[c]);
        seen[c] = true;
        chk->cols[i] = (enum import_col)c;
    }
    for (size_t c = 0; c < IC_COUNT; c++)
        if (col_required[c] && !seen[c])
            return err_set(e, RC_INVAL, "falta la columna obligatoria «%s» en el encabezado",
                           col_names[c]);
    return RC_OK;
}

const enum import_col *
import_checker_columns(const struct import_checker *chk, size_t *n)
{
    *n = chk->ncols;
    return chk->cols;
}

/* Trims every field into out->text; refuses control characters. */
static int
row_clean(const struct import_checker *chk, struct csv_row *row, struct import_cliente *out,
          struct err *e)
{
    for (size_t i = 0; i < row->nfields && i < chk->ncols; i++) {
        char *v = csv_field_trim(row->fields[i]);

        for (const char *p = v; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20)
                return err_set(e, RC_INVAL, "caracteres de control en «%s»",
                               col_names[chk->cols[i]]);
        out->text[chk->cols[i]] = *v != '\0' ? v : NULL;
    }
    for (size_t c = 0; c < IC_COUNT; c++)
        if (col_required[c] && out->text[c] == NULL)
            return err_set(e, RC_INVAL, "falta «%s»", col_names[c]);
    return RC_OK;
}

static int
check_len(const struct import_cliente *c, enum import_col col, size_t max, struct err *e)
{
    if (c->text[col] != NULL && utf8_chars(c->text[col]) > max)
        return err_set(e, RC_INVAL, "«%s» admite a lo más %zu caracteres", col_names[col], max);
    return RC_OK;
}

static int
check_names(struct import_cliente *c, struct err *e)
{
    if (check_len(c, IC_NOMBRE, 80, e) != RC_OK || check_len(c, IC_PRIMER_APELLIDO, 80, e) ||
        check_len(c, IC_SEGUNDO_APELLIDO, 80, e) || check_len(c, IC_MUNICIPIO, 120, e))
        return RC_INVAL;
    if (c->text[IC_CURP] != NULL) {
        upper_es(c->text[IC_CURP]);
        if (!import_curp_valid(c->text[IC_CURP]))
            return err_set(e, RC_INVAL, "«curp» no tiene la forma de una CURP: «%.40s»",
                           c->text[IC_CURP]);
    }
    if (c->text[IC_RFC] != NULL) {
        upper_es(c->text[IC_RFC]);
        if (!rfc_valid(c->text[IC_RFC]))
            return err_set(e, RC_INVAL, "«rfc» no tiene la forma de un RFC: «%.40s»",
                           c->text[IC_RFC]);
    }
    return RC_OK;
}

static int
check_convenio(const struct import_catalog *cat, struct import_cliente *c, struct err *e)
{
    char *v = c->text[IC_CONVENIO];

    ascii_upper(v);
    for (size_t i = 0; i < cat->nconv; i++) {
        if (strcmp(cat->conv[i].clave, v) != 0)
            continue;
        if (!cat->conv[i].activo)
            return err_set(e, RC_INVAL, "el convenio «%s» está inactivo", v);
        c->convenio_id = cat->conv[i].id;
        return RC_OK;
    }
    return err_set(e, RC_INVAL, "el convenio «%.40s» no existe", v);
}

static int
check_entidad(const struct import_catalog *cat, struct import_cliente *c, struct err *e)
{
    char *v = c->text[IC_ENTIDAD];
    long num;
    char *end;

    num = strtol(v, &end, 10);
    if (*end == '\0' && num >= 1 && num <= 32 && cat->ent[num].id == num) {
        c->entidad_id = (int)num;
        snprintf(c->entidad, sizeof c->entidad, "%s", cat->ent[num].clave);
        c->text[IC_ENTIDAD] = c->entidad;
        return RC_OK;
    }
    for (int i = 1; i <= 32; i++) {
        if (cat->ent[i].id == i &&
            (strcasecmp(cat->ent[i].clave, v) == 0 || strcasecmp(cat->ent[i].nombre, v) == 0)) {
            c->entidad_id = i;
            snprintf(c->entidad, sizeof c->entidad, "%s", cat->ent[i].clave);
            c->text[IC_ENTIDAD] = c->entidad;
            return RC_OK;
        }
    }
    return err_set(e, RC_INVAL,
                   "la entidad «%.40s» no existe (use la clave, p. ej. JAL, o el "
                   "número INEGI 1–32)",
                   v);
}

static int
check_numbers(struct import_cliente *c, struct err *e)
{
    char *end;
    long edad = strtol(c->text[IC_EDAD], &end, 10);

    if (*end != '\0' || edad < 18 || edad > 110)
        return err_set(e, RC_INVAL, "«edad» debe ser un número entre 18 y 110: «%.20s»",
                       c->text[IC_EDAD]);
    c->edad = (int)edad;
    if (c->text[IC_CAPACIDAD_PAGO] != NULL && !money_valid(c->text[IC_CAPACIDAD_PAGO]))
        return err_set(e, RC_INVAL,
                       "«capacidad_pago» debe ser un importe como 1234.50 (sin "
                       "comas ni signo): «%.20s»",
                       c->text[IC_CAPACIDAD_PAGO]);
    if (c->text[IC_SEGMENTO] != NULL) {
        upper_es(c->text[IC_SEGMENTO]);
        if (strlen(c->text[IC_SEGMENTO]) != 1 || strchr("ABCD", c->text[IC_SEGMENTO][0]) == NULL)
            return err_set(e, RC_INVAL, "«segmento» debe ser A, B, C o D: «%.20s»",
                           c->text[IC_SEGMENTO]);
    }
    return RC_OK;
}

static int
check_contact(struct import_cliente *c, struct err *e)
{
    if (!import_phone_normalize(c->text[IC_TELEFONO], c->telefono))
        return err_set(e, RC_INVAL, "«telefono» no es un número mexicano de 10 dígitos: «%.30s»",
                       c->text[IC_TELEFONO]);
    c->text[IC_TELEFONO] = c->telefono;
    if (c->text[IC_EMAIL] != NULL) {
        ascii_lower(c->text[IC_EMAIL]);
        if (!email_valid(c->text[IC_EMAIL]))
            return err_set(e, RC_INVAL, "«email» no es un correo válido: «%.60s»",
                           c->text[IC_EMAIL]);
    }
    return RC_OK;
}

/* Duplicates within the file; the keys are remembered only for accepted rows. */
static int
check_dups(struct import_checker *chk, const struct import_cliente *c, struct err *e)
{
    unsigned long at;

    if (c->text[IC_CURP] != NULL && (at = strmap_get(&chk->curps, c->text[IC_CURP])) != 0)
        return err_set(e, RC_INVAL, "CURP repetida en el archivo (ya está en la línea %lu)", at);
    if ((at = strmap_get(&chk->phones, c->telefono)) != 0)
        return err_set(e, RC_INVAL, "teléfono repetido en el archivo (ya está en la línea %lu)",
                       at);
    if (c->text[IC_CURP] != NULL)
        strmap_put(&chk->curps, c->text[IC_CURP], c->line);
    strmap_put(&chk->phones, c->telefono, c->line);
    return RC_OK;
}

int
import_checker_row(struct import_checker *chk, struct csv_row *row, struct import_cliente *out,
                   struct err *e)
{
    memset(out, 0, sizeof *out);
    out->line = row->line;
    if (row->nfields != chk->ncols)
        return err_set(e, RC_INVAL, "la fila tiene %zu columnas; el encabezado tiene %zu",
                       row->nfields, chk->ncols);
    if (row_clean(chk, row, out, e) != RC_OK || check_names(out, e) != RC_OK ||
        check_convenio(chk->cat, out, e) != RC_OK || check_entidad(chk->cat, out, e) != RC_OK ||
        check_numbers(out, e) != RC_OK || check_contact(out, e) != RC_OK)
        return RC_INVAL;
    return check_dups(chk, out, e);
}
