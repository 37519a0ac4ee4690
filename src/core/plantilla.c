#include "core/plantilla.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

static const char *const var_names[PLANTILLA_NVARS] = {
    [PLANTILLA_VAR_NOMBRE] = "nombre",
    [PLANTILLA_VAR_APELLIDO] = "apellido",
    [PLANTILLA_VAR_NOMBRE_COMPLETO] = "nombre_completo",
    [PLANTILLA_VAR_CONVENIO] = "convenio",
    [PLANTILLA_VAR_PROMOTOR] = "promotor",
    [PLANTILLA_VAR_ETAPA] = "etapa",
    [PLANTILLA_VAR_MUNICIPIO] = "municipio",
    [PLANTILLA_VAR_ENTIDAD] = "entidad",
};

enum node_kind { NODE_TEXT, NODE_VAR, NODE_CHOICE };

struct seq {
    struct node *v;
    size_t n, cap;
};

struct node {
    enum node_kind kind;
    char *text;             /* NODE_TEXT, escapes already resolved */
    enum plantilla_var var; /* NODE_VAR */
    struct seq *alts;       /* NODE_CHOICE: nalts options */
    size_t nalts;
};

struct plantilla {
    struct seq root;
};

/* Parser state: the input, where we are, and the first error. */
struct parser {
    const char *s;
    size_t i, len;
    struct strbuf lit; /* literal text not yet flushed into a node */
    struct plantilla_pos *pos;
    struct err *e;
};

/* ---- trees --------------------------------------------------------------------------- */

static void seq_fini(struct seq *q);

static void
node_fini(struct node *n)
{
    free(n->text);
    for (size_t i = 0; i < n->nalts; i++)
        seq_fini(&n->alts[i]);
    free(n->alts);
}

static void
seq_fini(struct seq *q)
{
    for (size_t i = 0; i < q->n; i++)
        node_fini(&q->v[i]);
    free(q->v);
    memset(q, 0, sizeof *q);
}

static void
seq_push(struct seq *q, struct node n)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 4;
        q->v = xreallocarray(q->v, q->cap, sizeof *q->v);
    }
    q->v[q->n++] = n;
}

/* Moves pending literal text into a node. */
static void
flush_text(struct parser *p, struct seq *q)
{
    struct node n = { .kind = NODE_TEXT };

    if (p->lit.len == 0)
        return;
    n.text = strbuf_detach(&p->lit, NULL);
    seq_push(q, n);
}

/* ---- errors with positions ---------------------------------------------------------- */

static int
fail_at(struct parser *p, size_t byte, const char *what)
{
    size_t line = 1, col = 1;

    for (size_t i = 0; i < byte && i < p->len; i++) {
        if (p->s[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)p->s[i] & 0xc0) != 0x80) {
            col++;
        }
    }
    if (p->pos != NULL) {
        p->pos->line = line;
        p->pos->col = col;
        p->pos->byte = byte;
    }
    return err_set(p->e, RC_INVAL, "línea %zu, columna %zu: %s", line, col, what);
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is not valid (overlong
 * forms, surrogates and values past U+10FFFF are invalid). */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
    size_t need;
    uint32_t cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        need = 2;
        cp = s[0] & 0x1fu;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        need = 3;
        cp = s[0] & 0x0fu;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        need = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (need > n)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return need;
}

static int
check_utf8(struct parser *p)
{
    for (size_t i = 0; i < p->len;) {
        size_t n = utf8_len((const unsigned char *)p->s + i, p->len - i);

        if (n == 0)
            return fail_at(p, i, "texto con UTF-8 inválido");
        i += n;
    }
    return RC_OK;
}

/* ---- parsing ----------------------------------------------------------------------- */

static int parse_seq(struct parser *p, struct seq *q, unsigned depth);

static int
var_lookup(const char *name, size_t len)
{
    for (int i = 0; i < PLANTILLA_NVARS; i++)
        if (strlen(var_names[i]) == len && memcmp(var_names[i], name, len) == 0)
            return i;
    return -1;
}

/* A group with a single option must be a variable name (spaces around it allowed). */
static int
group_to_var(struct parser *p, struct node *n, size_t open_at)
{
    struct seq *only = &n->alts[0];
    const char *name;
    size_t len;
    int var;
    char what[300];

    if (only->n != 1 || only->v[0].kind != NODE_TEXT)
        return fail_at(p, open_at, "grupo sin opciones: separe las variaciones con |");
    name = only->v[0].text;
    len = strlen(name);
    while (len > 0 && name[len - 1] == ' ')
        len--;
    while (len > 0 && *name == ' ') {
        name++;
        len--;
    }
    var = var_lookup(name, len);
    if (var < 0) {
        snprintf(what, sizeof what,
                 "variable desconocida {%.*s}; use {nombre}, {apellido}, {nombre_completo}, "
                 "{convenio}, {promotor}, {etapa}, {municipio} o {entidad}",
                 (int)(len > 40 ? 40 : len), name);
        return fail_at(p, open_at, what);
    }
    seq_fini(only);
    free(n->alts);
    n->alts = NULL;
    n->nalts = 0;
    n->kind = NODE_VAR;
    n->var = (enum plantilla_var)var;
    return RC_OK;
}

/* At a '{' that opens a group: reads options up to the matching '}'. */
static int
parse_group(struct parser *p, struct node *n, unsigned depth)
{
    size_t open_at = p->i;
    int rc;

    if (depth >= PLANTILLA_MAX_DEPTH)
        return fail_at(p, open_at, "variaciones anidadas demasiado profundo");
    p->i++; /* '{' */
    n->kind = NODE_CHOICE;
    for (;;) {
        n->alts = xreallocarray(n->alts, n->nalts + 1, sizeof *n->alts);
        memset(&n->alts[n->nalts], 0, sizeof n->alts[0]);
        n->nalts++;
        if ((rc = parse_seq(p, &n->alts[n->nalts - 1], depth + 1)) != RC_OK)
            return rc;
        if (p->i >= p->len)
            return fail_at(p, open_at, "llave «{» sin cerrar; escriba {{ para una llave literal");
        if (p->s[p->i++] == '}')
            break; /* else it was '|': another option */
    }
    if (n->nalts == 1 && n->alts[0].n == 0)
        return fail_at(p, open_at, "llaves vacías {}");
    if (n->nalts == 1)
        return group_to_var(p, n, open_at);
    return RC_OK;
}

/* Top level only: "{{" and "}}" are literal braces; a lone '}' is an error. */
static int
top_level_brace(struct parser *p, bool *handled)
{
    char c = p->s[p->i];

    *handled = false;
    if (p->i + 1 < p->len && p->s[p->i + 1] == c) {
        strbuf_addch(&p->lit, c);
        p->i += 2;
        *handled = true;
    } else if (c == '}') {
        return fail_at(p, p->i, "llave «}» sin abrir; escriba }} para una llave literal");
    }
    return RC_OK;
}

/* Reads a sequence up to the end, or (inside a group) up to its '|' or '}'. */
static int
parse_seq(struct parser *p, struct seq *q, unsigned depth)
{
    while (p->i < p->len) {
        char c = p->s[p->i];
        struct node n = { .kind = NODE_TEXT };
        bool handled;
        int rc;

        if (depth > 0 && (c == '|' || c == '}'))
            break;
        if (depth == 0 && (c == '{' || c == '}')) {
            if ((rc = top_level_brace(p, &handled)) != RC_OK)
                return rc;
            if (handled)
                continue;
        }
        if (c != '{') {
            strbuf_addch(&p->lit, c);
            p->i++;
            continue;
        }
        flush_text(p, q);
        rc = parse_group(p, &n, depth);
        seq_push(q, n); /* even half-built, so seq_fini frees it */
        if (rc != RC_OK)
            return rc;
    }
    flush_text(p, q);
    return RC_OK;
}

struct plantilla *
plantilla_parse(const char *text, struct plantilla_pos *pos, struct err *e)
{
    struct parser p = { .s = text, .len = strlen(text), .pos = pos, .e = e };
    struct plantilla *t;

    if (pos != NULL)
        memset(pos, 0, sizeof *pos);
    if (p.len > PLANTILLA_MAX_BYTES) {
        err_set(e, RC_INVAL, "la plantilla mide %zu bytes; el máximo es %d", p.len,
                PLANTILLA_MAX_BYTES);
        return NULL;
    }
    if (check_utf8(&p) != RC_OK)
        return NULL;
    t = xcalloc(1, sizeof *t);
    strbuf_init(&p.lit);
    if (parse_seq(&p, &t->root, 0) != RC_OK) {
        strbuf_fini(&p.lit);
        plantilla_free(t);
        return NULL;
    }
    strbuf_fini(&p.lit);
    return t;
}

void
plantilla_free(struct plantilla *p)
{
    if (p == NULL)
        return;
    seq_fini(&p->root);
    free(p);
}

/* ---- rendering ------------------------------------------------------------------------- */

static bool
blank(const char *s)
{
    if (s == NULL)
        return true;
    for (; *s != '\0'; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n')
            return false;
    return true;
}

static int
render_seq(const struct seq *q, const struct plantilla_valores *v, struct rng *r,
           struct strbuf *out, struct err *e)
{
    int rc;

    for (size_t i = 0; i < q->n; i++) {
        const struct node *n = &q->v[i];

        switch (n->kind) {
        case NODE_TEXT:
            strbuf_addstr(out, n->text);
            break;
        case NODE_VAR:
            if (v == NULL || blank(v->v[n->var]))
                return err_set(e, RC_INVAL, "falta el valor de {%s}", var_names[n->var]);
            strbuf_addstr(out, v->v[n->var]);
            break;
        case NODE_CHOICE:
            rc = render_seq(&n->alts[rng_below(r, n->nalts)], v, r, out, e);
            if (rc != RC_OK)
                return rc;
            break;
        }
    }
    return RC_OK;
}

char *
plantilla_render(const struct plantilla *p, const struct plantilla_valores *v, uint64_t seed,
                 struct err *e)
{
    struct strbuf out;
    struct rng r;
    char *msg;

    assert(p != NULL);
    rng_seed(&r, seed);
    strbuf_init(&out);
    if (render_seq(&p->root, v, &r, &out, e) != RC_OK) {
        strbuf_fini(&out);
        return NULL;
    }
    msg = strbuf_detach(&out, NULL);
    strbuf_fini(&out); /* a no-op or a free, whatever detach leaves behind */
    return msg;
}

uint64_t
plantilla_seed(uint64_t campaign_id, uint64_t recipient_id)
{
    return rng_mix(campaign_id, recipient_id);
}

static uint64_t
sat_mul(uint64_t a, uint64_t b)
{
    return (a != 0 && b > UINT64_MAX / a) ? UINT64_MAX : a * b;
}

static uint64_t
count_seq(const struct seq *q)
{
    uint64_t total = 1;

    for (size_t i = 0; i < q->n; i++) {
        uint64_t sum = 0;

        if (q->v[i].kind != NODE_CHOICE)
            continue;
        for (size_t k = 0; k < q->v[i].nalts; k++) {
            uint64_t c = count_seq(&q->v[i].alts[k]);

            sum = c > UINT64_MAX - sum ? UINT64_MAX : sum + c;
        }
        total = sat_mul(total, sum);
    }
    return total;
}

uint64_t
plantilla_variantes(const struct plantilla *p)
{
    return count_seq(&p->root);
}

static bool
seq_uses(const struct seq *q, enum plantilla_var var)
{
    for (size_t i = 0; i < q->n; i++) {
        if (q->v[i].kind == NODE_VAR && q->v[i].var == var)
            return true;
        for (size_t k = 0; k < q->v[i].nalts; k++)
            if (seq_uses(&q->v[i].alts[k], var))
                return true;
    }
    return false;
}

bool
plantilla_usa(const struct plantilla *p, enum plantilla_var var)
{
    return seq_uses(&p->root, var);
}

static void
seq_orden(const struct seq *q, enum plantilla_var out[PLANTILLA_NVARS], size_t *n)
{
    for (size_t i = 0; i < q->n; i++) {
        if (q->v[i].kind == NODE_VAR) {
            size_t k = 0;

            while (k < *n && out[k] != q->v[i].var)
                k++;
            if (k == *n)
                out[(*n)++] = q->v[i].var;
        }
        for (size_t k = 0; k < q->v[i].nalts; k++)
            seq_orden(&q->v[i].alts[k], out, n);
    }
}

size_t
plantilla_orden(const struct plantilla *p, enum plantilla_var out[PLANTILLA_NVARS])
{
    size_t n = 0;

    seq_orden(&p->root, out, &n);
    return n;
}

const char *
plantilla_var_name(enum plantilla_var var)
{
    if ((int)var < 0 || var >= PLANTILLA_NVARS)
        return NULL;
    return var_names[var];
}
