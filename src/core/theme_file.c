#include "core/theme_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/xmalloc.h"

static const char *const color_en[8] = { "black", "red",     "green", "yellow",
                                         "blue",  "magenta", "cyan",  "white" };
static const char *const color_es[8] = { "negro", "rojo",    "verde", "amarillo",
                                         "azul",  "magenta", "cian",  "blanco" };

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    { "normal", 0 },
    { "bold", THEME_BOLD },
    { "negrita", THEME_BOLD },
    { "dim", THEME_DIM },
    { "tenue", THEME_DIM },
    { "reverse", THEME_REVERSE },
    { "inverso", THEME_REVERSE },
    { "underline", THEME_UNDERLINE },
    { "subrayado", THEME_UNDERLINE },
    { "italic", THEME_ITALIC },
    { "cursiva", THEME_ITALIC },
    { "standout", THEME_STANDOUT },
    { "resaltado", THEME_STANDOUT },
    { "blink", THEME_BLINK },
    { "parpadeo", THEME_BLINK },
};

static int
base_color(const char *s, size_t n)
{
    for (int i = 0; i < 8; i++) {
        if (strlen(color_en[i]) == n && strncasecmp(s, color_en[i], n) == 0)
            return i;
        if (strlen(color_es[i]) == n && strncasecmp(s, color_es[i], n) == 0)
            return i;
    }
    return -2;
}

/* A colour word → 0..255 or THEME_COLOR_DEFAULT; -2 when unknown. */
static int
color_parse(const char *w)
{
    size_t n = strlen(w);
    char *end;
    long v;

    if (strcmp(w, "-") == 0 || strcasecmp(w, "default") == 0 ||
        strcasecmp(w, "predeterminado") == 0)
        return THEME_COLOR_DEFAULT;
    if (w[0] >= '0' && w[0] <= '9') {
        v = strtol(w, &end, 10);
        return *end == '\0' && v <= 255 && n <= 3 ? (int)v : -2;
    }
    if (strncasecmp(w, "bright-", 7) == 0)
        return base_color(w + 7, n - 7) >= 0 ? base_color(w + 7, n - 7) + 8 : -2;
    if (n > 6 && strcasecmp(w + n - 6, "-claro") == 0)
        return base_color(w, n - 6) >= 0 ? base_color(w, n - 6) + 8 : -2;
    return base_color(w, n);
}

static bool
attr_parse(const char *w, unsigned *bits)
{
    for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
        if (strcasecmp(w, attr_names[i].name) == 0) {
            *bits |= attr_names[i].bit;
            return true;
        }
    return false;
}

/* Splits s in place on blanks; returns the number of words (at most max). */
static int
words(char *s, char **w, int max)
{
    int n = 0;

    while (*s != '\0') {
        while (*s == ' ' || *s == '\t' || *s == '\r')
            *s++ = '\0';
        if (*s == '\0')
            break;
        if (n == max)
            return max + 1;
        w[n++] = s;
        while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r')
            s++;
    }
    return n;
}

/* The style part of a line ("white blue bold") into *st; NULL or the reason. */
static const char *
style_parse(char *rhs, struct theme_style *st, char *why, size_t whysz)
{
    char *w[10];
    int n = words(rhs, w, 9), c;

    if (n < 2)
        return snprintf(why, whysz, "se esperan dos colores (frente y fondo)"), why;
    if (n > 9)
        return snprintf(why, whysz, "demasiadas palabras"), why;
    for (int i = 0; i < 2; i++) {
        c = color_parse(w[i]);
        if (c == -2)
            return snprintf(why, whysz, "color desconocido «%.40s»", w[i]), why;
        if (i == 0)
            st->fg = (short)c;
        else
            st->bg = (short)c;
    }
    st->attrs = 0;
    for (int i = 2; i < n; i++)
        if (!attr_parse(w[i], &st->attrs))
            return snprintf(why, whysz, "atributo desconocido «%.40s»", w[i]), why;
    st->set = true;
    return NULL;
}

/* One line; NULL when good (or blank), else the reason. */
static const char *
line_parse(char *line, const char *const *roles, size_t nroles, struct theme_style *out, char *why,
           size_t whysz)
{
    char *hash = strchr(line, '#'), *eq, *name[2];
    struct theme_style st = { 0 };
    const char *bad;
    size_t r;

    if (hash != NULL)
        *hash = '\0';
    eq = strchr(line, '=');
    if (eq == NULL) {
        if (words(line, name, 1) == 0)
            return NULL;
        return snprintf(why, whysz, "se espera «rol = frente fondo [atributos]»"), why;
    }
    *eq = '\0';
    if (words(line, name, 1) != 1)
        return snprintf(why, whysz, "falta el rol antes de «=»"), why;
    for (r = 0; r < nroles && strcmp(roles[r], name[0]) != 0; r++)
        ;
    if (r == nroles)
        return snprintf(why, whysz, "rol desconocido «%.40s»", name[0]), why;
    if (out[r].set)
        return snprintf(why, whysz, "el rol «%.40s» ya se definió", name[0]), why;
    bad = style_parse(eq + 1, &st, why, whysz);
    if (bad != NULL)
        return bad;
    out[r] = st;
    return NULL;
}

int
theme_file_parse(const char *text, size_t len, const char *path, const char *const *roles,
                 size_t nroles, struct theme_style *out, struct err *e)
{
    char *copy = xmalloc(len + 1), *p = copy, why[160];
    int lineno = 0, rc = RC_OK;

    if (len > 0)
        memcpy(copy, text, len);
    copy[len] = '\0';
    for (size_t i = 0; i < nroles; i++)
        out[i] = (struct theme_style){ THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0, false };
    while (p != NULL && rc == RC_OK) {
        char *nl = memchr(p, '\n', (size_t)(copy + len - p));
        size_t seg = (size_t)((nl != NULL ? nl : copy + len) - p);

        if (nl != NULL)
            *nl = '\0';
        lineno++;
        if (strlen(p) != seg)
            rc = err_set(e, RC_INVAL, "%s:%d: byte nulo en la línea", path, lineno);
        else if (line_parse(p, roles, nroles, out, why, sizeof why) != NULL)
            rc = err_set(e, RC_INVAL, "%s:%d: %s", path, lineno, why);
        p = nl != NULL ? nl + 1 : NULL;
    }
    free(copy);
    for (size_t i = 1; rc == RC_OK && i < nroles; i++)
        if (!out[i].set)
            out[i] = (struct theme_style){ out[0].fg, out[0].bg, out[0].attrs, false };
    return rc;
}

bool
theme_file_has_color(const struct theme_style *styles, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (styles[i].fg != THEME_COLOR_DEFAULT || styles[i].bg != THEME_COLOR_DEFAULT)
            return true;
    return false;
}
