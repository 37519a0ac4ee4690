#include "core/variaciones.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/plantilla.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* ---- UTF-8 helpers ----------------------------------------------------------------- */

/* Decodes one code point at s (valid or not: a bad byte counts as itself). *len = bytes. */
static uint32_t
u8_next(const unsigned char *s, size_t *len)
{
    uint32_t c = s[0];

    *len = 1;
    if (c >= 0xC2 && c <= 0xDF && (s[1] & 0xC0) == 0x80) {
        *len = 2;
        return ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    }
    if (c >= 0xE0 && c <= 0xEF && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        *len = 3;
        return ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    }
    if (c >= 0xF0 && c <= 0xF4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
        (s[3] & 0xC0) == 0x80) {
        *len = 4;
        return ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
               (s[3] & 0x3Fu);
    }
    return c;
}

/* The folded ASCII letter of a Latin-1 letter (á → a, Ñ → n), or 0 when not a letter. */
static char
latin1_fold(uint32_t c)
{
    static const char map[] = /* U+00C0 … U+00FF */
        "aaaaaaaceeeeiiii"
        "dnooooo ouuuuyts"
        "aaaaaaaceeeeiiii"
        "dnooooo ouuuuyty";

    if (c < 0xC0 || c > 0xFF)
        return 0;
    return map[c - 0xC0] == ' ' ? 0 : map[c - 0xC0];
}

static bool
is_upper(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}

static bool
is_letter(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || latin1_fold(c) != 0;
}

static bool
is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

/* ---- fixed facts -------------------------------------------------------------------- */

static void
hecho_add(char **out, size_t max, size_t *n, const char *s, size_t len)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen(out[i]) == len && memcmp(out[i], s, len) == 0)
            return;
    if (*n < max && len > 0)
        out[(*n)++] = xstrndup(s, len);
}

/* A number at s: "$" optional, digits with inner [.,], "%" optional. Returns its bytes. */
static size_t
numero_len(const char *s)
{
    size_t i = s[0] == '$' ? 1 : 0;

    while (is_digit((unsigned char)s[i]) ||
           ((s[i] == ',' || s[i] == '.') && is_digit((unsigned char)s[i + 1]) && i > 0))
        i++;
    if (s[i] == '%')
        i++;
    return i;
}

/* Quoted text starting at s (opening quote already known, olen bytes); 0 when unclosed. */
static size_t
cita_len(const char *s, size_t olen, const char *cierre, size_t *inner_len)
{
    const char *end = strstr(s + olen, cierre);

    if (end == NULL || end == s + olen)
        return 0;
    *inner_len = (size_t)(end - (s + olen));
    return (size_t)(end - s) + strlen(cierre);
}

static size_t
cita_at(const char *s, char **out, size_t max, size_t *n)
{
    static const char *const abre[] = { "\xe2\x80\x9c", "\"", "\xc2\xab" };
    static const char *const cierra[] = { "\xe2\x80\x9d", "\"", "\xc2\xbb" };

    for (size_t q = 0; q < 3; q++) {
        size_t olen = strlen(abre[q]), inner = 0, total;

        if (strncmp(s, abre[q], olen) != 0)
            continue;
        total = cita_len(s, olen, cierra[q], &inner);
        if (total > 0) {
            hecho_add(out, max, n, s + olen, inner);
            return total;
        }
    }
    return 0;
}

/* A run of capitals at s (bounded by non-letters); its bytes when it has ≥ 2 letters. */
static size_t
mayusculas_len(const unsigned char *s, bool after_letter)
{
    size_t i = 0, letters = 0, l;
    uint32_t c;

    if (after_letter)
        return 0;
    while (s[i] != '\0' && is_upper(c = u8_next(s + i, &l))) {
        i += l;
        letters++;
    }
    if (s[i] != '\0' && is_letter(u8_next(s + i, &l)))
        return 0; /* "Hola": a capital followed by lower case */
    return letters >= 2 ? i : 0;
}

size_t
variaciones_hechos(const char *text, char **out, size_t max)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = 0, i = 0, l;
    bool prev_alnum = false;

    while (s[i] != '\0') {
        uint32_t c = u8_next(s + i, &l);
        size_t k = 0;

        if (!prev_alnum && (is_digit(c) || (c == '$' && is_digit(s[i + 1])))) {
            k = numero_len(text + i);
            hecho_add(out, max, &n, text + i, k);
        } else if ((k = cita_at(text + i, out, max, &n)) == 0 &&
                   (k = mayusculas_len(s + i, prev_alnum)) > 0) {
            hecho_add(out, max, &n, text + i, k);
        }
        if (k > 0) {
            i += k;
            prev_alnum = false;
            continue;
        }
        prev_alnum = is_letter(c) || is_digit(c);
        i += l;
    }
    return n;
}

void
variaciones_hechos_free(char **hechos, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(hechos[i]);
        hechos[i] = NULL;
    }
}

/* ---- similarity --------------------------------------------------------------------- */

/* Folds text into ASCII lower case and single spaces, with a space at both ends. */
static char *
fold(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    struct strbuf sb;
    size_t l;

    strbuf_init(&sb);
    strbuf_addch(&sb, ' ');
    for (size_t i = 0; s[i] != '\0'; i += l) {
        uint32_t c = u8_next(s + i, &l);
        char f = c < 0x80 ? (char)c : latin1_fold(c);

        if (f >= 'A' && f <= 'Z')
            f = (char)(f - 'A' + 'a');
        if (!((f >= 'a' && f <= 'z') || (f >= '0' && f <= '9')))
            f = ' ';
        if (f != ' ' || sb.buf[sb.len - 1] != ' ')
            strbuf_addch(&sb, f);
    }
    if (sb.buf[sb.len - 1] != ' ')
        strbuf_addch(&sb, ' ');
    return strbuf_detach(&sb, NULL);
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

/* Distinct trigrams of folded f, sorted; *n receives how many. */
static uint32_t *
trigramas(const char *f, size_t *n)
{
    size_t len = strlen(f), k = 0;
    uint32_t *t = xcalloc(len + 1, sizeof *t);

    for (size_t i = 0; i + 2 < len; i++)
        t[k++] = ((uint32_t)(unsigned char)f[i] << 16) |
                 ((uint32_t)(unsigned char)f[i + 1] << 8) | (unsigned char)f[i + 2];
    qsort(t, k, sizeof *t, cmp_u32);
    *n = 0;
    for (size_t i = 0; i < k; i++)
        if (*n == 0 || t[*n - 1] != t[i])
            t[(*n)++] = t[i];
    return t;
}

double
variaciones_similitud(const char *a, const char *b)
{
    char *fa = fold(a), *fb = fold(b);
    size_t na, nb, i = 0, j = 0, inter = 0;
    uint32_t *ta = trigramas(fa, &na), *tb = trigramas(fb, &nb);
    double r;

    while (i < na && j < nb) {
        if (ta[i] == tb[j]) {
            inter++;
            i++;
            j++;
        } else if (ta[i] < tb[j]) {
            i++;
        } else {
            j++;
        }
    }
    r = na + nb == 0 ? 1.0 : (double)inter / (double)(na + nb - inter);
    free(ta);
    free(tb);
    free(fa);
    free(fb);
    return r;
}

/* ---- the filter --------------------------------------------------------------------- */

static bool
en_blanco(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* Variables: the same set in both. */
static void
juzgar_variables(const struct plantilla *orig, const struct plantilla *p,
                 struct variacion_veredicto *v)
{
    for (int k = 0; k < PLANTILLA_NVARS; k++) {
        bool a = plantilla_usa(orig, (enum plantilla_var)k);
        bool b = plantilla_usa(p, (enum plantilla_var)k);

        if (a != b) {
            v->motivo = a ? VARIACION_FALTA_VARIABLE : VARIACION_VARIABLE_NUEVA;
            snprintf(v->detalle, sizeof v->detalle, "%s la variable {%s}",
                     a ? "falta" : "agrega", plantilla_var_name((enum plantilla_var)k));
            return;
        }
    }
}

static void
juzgar_hechos(char *const *hechos, size_t nh, const char *cand, struct variacion_veredicto *v)
{
    char *mios[VARIACIONES_HECHOS_MAX];
    size_t nm = variaciones_hechos(cand, mios, VARIACIONES_HECHOS_MAX);

    for (size_t i = 0; i < nh && v->motivo == VARIACION_ACEPTADA; i++) {
        bool found = false;

        for (size_t j = 0; j < nm && !found; j++)
            found = strcmp(hechos[i], mios[j]) == 0;
        if (!found) {
            v->motivo = VARIACION_FALTA_HECHO;
            snprintf(v->detalle, sizeof v->detalle, "falta el dato \xc2\xab%.120s\xc2\xbb",
                     hechos[i]);
        }
    }
    variaciones_hechos_free(mios, nm);
}

static void
juzgar_similitud(const char *original, const char *const *cand, size_t i,
                 const struct variacion_veredicto *v_all, struct variacion_veredicto *v)
{
    double s = variaciones_similitud(original, cand[i]);

    v->similitud = s;
    if (s >= VARIACIONES_SIMILITUD_MAX) {
        v->motivo = VARIACION_CASI_IGUAL;
        snprintf(v->detalle, sizeof v->detalle, "casi igual a la plantilla (%.0f %%)", s * 100);
        return;
    }
    for (size_t j = 0; j < i; j++) {
        if (v_all[j].motivo != VARIACION_ACEPTADA)
            continue;
        s = variaciones_similitud(cand[j], cand[i]);
        if (s > v->similitud)
            v->similitud = s;
        if (s >= VARIACIONES_SIMILITUD_MAX) {
            v->motivo = VARIACION_CASI_IGUAL;
            snprintf(v->detalle, sizeof v->detalle, "casi igual a la variación %zu (%.0f %%)",
                     j + 1, s * 100);
            return;
        }
    }
}

static void
juzgar(const struct plantilla *orig, const char *original, char *const *hechos, size_t nh,
       const char *const *cand, size_t i, struct variacion_veredicto *v)
{
    struct plantilla *p;
    struct err e;

    memset(&v[i], 0, sizeof v[i]);
    if (cand[i] == NULL || en_blanco(cand[i])) {
        v[i].motivo = VARIACION_VACIA;
        snprintf(v[i].detalle, sizeof v[i].detalle, "variación vacía");
        return;
    }
    if (orig == NULL || (p = plantilla_parse(cand[i], NULL, &e)) == NULL) {
        v[i].motivo = VARIACION_INVALIDA;
        snprintf(v[i].detalle, sizeof v[i].detalle, "%.190s",
                 orig == NULL ? "la plantilla original no es válida" : e.msg);
        return;
    }
    juzgar_variables(orig, p, &v[i]);
    plantilla_free(p);
    if (v[i].motivo == VARIACION_ACEPTADA)
        juzgar_hechos(hechos, nh, cand[i], &v[i]);
    if (v[i].motivo == VARIACION_ACEPTADA)
        juzgar_similitud(original, cand, i, v, &v[i]);
}

size_t
variaciones_filtrar(const char *original, const char *const *cand, size_t n,
                    struct variacion_veredicto *v)
{
    struct plantilla *orig = plantilla_parse(original, NULL, NULL);
    char *hechos[VARIACIONES_HECHOS_MAX];
    size_t nh = variaciones_hechos(original, hechos, VARIACIONES_HECHOS_MAX), kept = 0;

    for (size_t i = 0; i < n; i++) {
        juzgar(orig, original, hechos, nh, cand, i, v);
        if (v[i].motivo == VARIACION_ACEPTADA) {
            snprintf(v[i].detalle, sizeof v[i].detalle, "aceptada");
            kept++;
        }
    }
    variaciones_hechos_free(hechos, nh);
    plantilla_free(orig);
    return kept;
}

const char *
variaciones_motivo_nombre(enum variacion_motivo m)
{
    switch (m) {
    case VARIACION_ACEPTADA: return "aceptada";
    case VARIACION_VACIA: return "vacía";
    case VARIACION_INVALIDA: return "no es una plantilla válida";
    case VARIACION_FALTA_VARIABLE: return "le falta una variable";
    case VARIACION_VARIABLE_NUEVA: return "agrega una variable";
    case VARIACION_FALTA_HECHO: return "cambia un dato fijo";
    case VARIACION_CASI_IGUAL: return "casi igual a otra";
    }
    return "?";
}

/* ---- the request ------------------------------------------------------------------ */

static const char instrucciones[] =
    "Eres redactor de mensajes de WhatsApp para promotores de créditos de nómina en México. "
    "Reescribe la plantilla del usuario con otras palabras, en español de México, con el "
    "mismo sentido y tono cordial. Reglas: conserva cada variable entre llaves exactamente "
    "como está ({nombre}, {convenio}…), no agregues variables nuevas, conserva sin cambios "
    "cada cantidad, tasa, número y nombre de producto, no inventes datos. Responde solo con "
    "un arreglo JSON de %d cadenas, sin texto adicional.";

char *
variaciones_pedido_fmt(const char *model, const char *original, int n)
{
    struct strbuf sb, sys;
    struct json j;

    if (n < 1)
        n = 1;
    if (n > VARIACIONES_MAX)
        n = VARIACIONES_MAX;
    strbuf_init(&sys);
    strbuf_addf(&sys, instrucciones, n);
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "model");
    json_str(&j, model);
    json_key(&j, "temperature");
    json_num(&j, "0.9");
    json_key(&j, "messages");
    json_arr(&j);
    json_obj(&j);
    json_key(&j, "role");
    json_str(&j, "system");
    json_key(&j, "content");
    json_str(&j, sys.buf);
    json_end(&j);
    json_obj(&j);
    json_key(&j, "role");
    json_str(&j, "user");
    json_key(&j, "content");
    json_str(&j, original);
    json_end(&j);
    json_end(&j);
    json_end(&j);
    strbuf_fini(&sys);
    return strbuf_detach(&sb, NULL);
}
