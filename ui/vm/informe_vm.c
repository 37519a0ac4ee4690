#include "ui/vm/informe_vm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/intento.h"
#include "ui/vm/fecha.h"
#include "ui/vm/scroll.h"
#include "util/err.h"

enum {
    GAP = 2,         /* blanks between two columns of a table */
    ETAPA_MIN = 10,  /* a stage's name column: at least (its heading)… */
    ETAPA_MAX = 18,  /* …at most; within these, names stay whole while columns can go */
    NOMBRE_MIN = 12, /* "login nombre" of a promoter: clipped down to this before any
                        column goes */
    NOMBRE_MAX = 30,
    RAZON_MIN = 10, /* a reason's words */
    RAZON_MAX = 32,
    BARRA_MAX = 40, /* the longest bar */
    BARRA_MIN = 4,  /* narrower than this, no bar */
};

/* ---- the data and the model ---------------------------------------------------------- */

void
informe_datos_fini(struct informe_datos *d)
{
    free(d->etapas);
    free(d->motivos);
    free(d->promotores);
    memset(d, 0, sizeof *d);
}

/* Not s (nor d, m) in the hint bar: with [ ] p v and the global ? it is full at 80 columns, and
 * the week is already the default. v names both views, the way back too. Only reading keys. */
const struct keymap_entry informe_keys[] = {
    { KEYMAP_INFORME, { KK_CHAR, '[' }, ACTION_PERIOD_PREV, "anterior", true, 0 },
    { KEYMAP_INFORME, { KK_CHAR, ']' }, ACTION_PERIOD_NEXT, "siguiente", true, 0 },
    { KEYMAP_INFORME, { KK_CHAR, 's' }, ACTION_PERIOD_WEEK, "semana", false, 0 },
    { KEYMAP_INFORME, { KK_CHAR, 'm' }, ACTION_PERIOD_MONTH, "mes (30 días)", false, 0 },
    { KEYMAP_INFORME, { KK_CHAR, 'd' }, ACTION_PERIOD_DAY, "un día", false, 0 },
    { KEYMAP_INFORME, { KK_CHAR, 'p' }, ACTION_PICK_MEMBER, "promotor", true, KEYMAP_VEN_EQUIPO },
    { KEYMAP_INFORME, { KK_CHAR, 'v' }, ACTION_TOGGLE_VIEW, "informe/envejecimiento", true, 0 },
};

void
informe_model_init(struct informe_model *m, enum vm_profile profile)
{
    memset(m, 0, sizeof *m);
    m->profile = profile;
}

void
informe_model_fini(struct informe_model *m)
{
    informe_datos_fini(&m->d);
    env_datos_fini(&m->env);
}

void
informe_model_take(struct informe_model *m, struct informe_datos *d)
{
    informe_datos_fini(&m->d);
    m->d = *d;
    memset(d, 0, sizeof *d);
    m->loaded = true;
    m->error[0] = '\0';
    if (m->d.promotor[0] != '\0')
        return;
    m->nlogins = 0;
    for (size_t i = 0; i < m->d.npromotores && m->nlogins < INFORME_LOGINS; i++)
        snprintf(m->logins[m->nlogins++], sizeof m->logins[0], "%s", m->d.promotores[i].login);
}

void
informe_model_take_env(struct informe_model *m, struct env_datos *d)
{
    env_datos_fini(&m->env);
    m->env = *d;
    memset(d, 0, sizeof *d);
    m->env_loaded = true;
    m->error[0] = '\0';
    if (m->env.promotor[0] != '\0')
        return;
    m->nlogins = 0;
    for (size_t i = 0; i < m->env.npromotores && m->nlogins < INFORME_LOGINS; i++)
        snprintf(m->logins[m->nlogins++], sizeof m->logins[0], "%s", m->env.promotores[i].login);
}

enum informe_vista
informe_model_vista(struct informe_model *m)
{
    m->vista =
        m->vista == INFORME_VISTA_RESUMEN ? INFORME_VISTA_ENVEJECIMIENTO : INFORME_VISTA_RESUMEN;
    m->scroll = 0;
    return m->vista;
}

bool
informe_model_loaded(const struct informe_model *m)
{
    return m->vista == INFORME_VISTA_RESUMEN ? m->loaded : m->env_loaded;
}

bool
informe_model_offers(const struct informe_model *m, enum action act)
{
    bool rango = act == ACTION_PERIOD_PREV || act == ACTION_PERIOD_NEXT ||
                 act == ACTION_PERIOD_DAY || act == ACTION_PERIOD_WEEK ||
                 act == ACTION_PERIOD_MONTH;

    return !rango || m->vista == INFORME_VISTA_RESUMEN;
}

bool
informe_model_action(struct informe_model *m, enum action a, int page)
{
    bool moved = false;

    if (m->vista == INFORME_VISTA_ENVEJECIMIENTO && (a == ACTION_LEFT || a == ACTION_RIGHT)) {
        if (a == ACTION_LEFT && m->env_primera > 0)
            m->env_primera--;
        else if (a == ACTION_RIGHT && m->env_primera + m->env_visibles < (int)m->env.netapas)
            m->env_primera++;
        else
            return false;
        return true;
    }
    return scroll_action(&m->scroll, a, page, &moved) && moved;
}

const char *
informe_model_siguiente(const struct informe_model *m, const char *actual)
{
    if (actual[0] == '\0')
        return m->nlogins > 0 ? m->logins[0] : "";
    for (int i = 0; i + 1 < m->nlogins; i++)
        if (strcmp(m->logins[i], actual) == 0)
            return m->logins[i + 1];
    return "";
}

/* ---- the range ----------------------------------------------------------------------- */

int
informe_rango_dias(const struct informe_rango *r)
{
    long d0, d1;

    if (!fecha_dias(r->desde, &d0) || !fecha_dias(r->hasta, &d1) || d1 < d0)
        return 0;
    return (int)(d1 - d0 + 1);
}

/* r's ends as day numbers; a range not known yet is the week ending hoy (the server's
 * default). */
static void
rango_conocido(const struct informe_rango *r, long hoy, long *d0, long *d1)
{
    int n = informe_rango_dias(r);

    if (n == 0) {
        *d1 = hoy;
        *d0 = hoy - 6;
        return;
    }
    (void)fecha_dias(r->desde, d0);
    (void)fecha_dias(r->hasta, d1);
}

/* Writes [d0, d1] into r; false when that is what r already said. */
static bool
rango_poner(struct informe_rango *r, long d0, long d1)
{
    char desde[11], hasta[11];

    fecha_texto(d0, desde);
    fecha_texto(d1, hasta);
    if (strcmp(desde, r->desde) == 0 && strcmp(hasta, r->hasta) == 0)
        return false;
    memcpy(r->desde, desde, sizeof r->desde);
    memcpy(r->hasta, hasta, sizeof r->hasta);
    return true;
}

bool
informe_rango_mover(struct informe_rango *r, int sentido, const char *hoy)
{
    long h, d0, d1, len;

    if (!fecha_dias(hoy, &h))
        return false;
    rango_conocido(r, h, &d0, &d1);
    len = d1 - d0 + 1;
    if (sentido < 0)
        return rango_poner(r, d0 - len, d1 - len);
    if (d1 >= h)
        return false;
    d1 = d1 + len < h ? d1 + len : h;
    return rango_poner(r, d1 - len + 1, d1);
}

bool
informe_rango_periodo(struct informe_rango *r, int dias, const char *hoy)
{
    long h, d0, d1;

    if (dias < 1 || !fecha_dias(hoy, &h))
        return false;
    rango_conocido(r, h, &d0, &d1);
    if (d1 > h)
        d1 = h;
    return rango_poner(r, d1 - dias + 1, d1);
}

/* A LOGIN word ("todos": the whole scope) into r->promotor. */
static int
comando_promotor(const char *word, struct informe_rango *r, struct err *e)
{
    if (strlen(word) >= sizeof r->promotor)
        return err_set(e, RC_INVAL, "login demasiado largo «%.40s…»", word);
    snprintf(r->promotor, sizeof r->promotor, "%s", strcmp(word, "todos") == 0 ? "" : word);
    return RC_OK;
}

int
informe_comando(int nargs, char *const *args, struct informe_rango *r, struct err *e)
{
    static const char uso[] = "uso: :informe [DESDE HASTA] [LOGIN] (fechas AAAA-MM-DD; "
                              "«todos»: sin elegir promotor)";
    struct informe_rango nuevo = *r;
    int i = 0;
    long d;

    if (nargs > 0 && args[0][0] >= '0' && args[0][0] <= '9') {
        if (nargs < 2)
            return err_set(e, RC_INVAL, "%s", uso);
        for (i = 0; i < 2; i++)
            if (!fecha_dias(args[i], &d))
                return err_set(e, RC_INVAL, "fecha inválida «%.40s» (AAAA-MM-DD)", args[i]);
        memcpy(nuevo.desde, args[0], sizeof nuevo.desde);
        memcpy(nuevo.hasta, args[1], sizeof nuevo.hasta);
    }
    if (i < nargs && comando_promotor(args[i++], &nuevo, e) != RC_OK)
        return e->rc;
    if (i < nargs)
        return err_set(e, RC_INVAL, "%s", uso);
    *r = nuevo;
    return RC_OK;
}

int
informe_comando_envejecimiento(int nargs, char *const *args, struct informe_rango *r, struct err *e)
{
    struct informe_rango nuevo = *r;

    if (nargs > 1)
        return err_set(e, RC_INVAL, "uso: :envejecimiento [LOGIN] («todos»: sin elegir promotor)");
    if (nargs == 1 && args[0][0] >= '0' && args[0][0] <= '9')
        return err_set(e, RC_INVAL,
                       "El envejecimiento es de ahora: las fechas son de :informe DESDE HASTA.");
    if (nargs == 1 && comando_promotor(args[0], &nuevo, e) != RC_OK)
        return e->rc;
    *r = nuevo;
    return RC_OK;
}

static const char *const meses[] = { "ene", "feb", "mar", "abr", "may", "jun",
                                     "jul", "ago", "sep", "oct", "nov", "dic" };

void
informe_rango_texto(char *buf, size_t sz, const char *desde, const char *hasta)
{
    long d0, d1;
    int y0, m0, y1, m1;

    if (!fecha_dias(desde, &d0) || !fecha_dias(hasta, &d1)) {
        snprintf(buf, sz, "del %s al %s", desde, hasta);
        return;
    }
    y0 = atoi(desde);
    m0 = atoi(desde + 5) - 1;
    y1 = atoi(hasta);
    m1 = atoi(hasta + 5) - 1;
    if (d0 == d1)
        snprintf(buf, sz, "del %d de %s de %d", atoi(desde + 8), meses[m0], y0);
    else if (y0 == y1 && m0 == m1)
        snprintf(buf, sz, "del %d al %d de %s de %d", atoi(desde + 8), atoi(hasta + 8), meses[m1],
                 y1);
    else if (y0 == y1)
        snprintf(buf, sz, "del %d de %s al %d de %s de %d", atoi(desde + 8), meses[m0],
                 atoi(hasta + 8), meses[m1], y1);
    else
        snprintf(buf, sz, "del %d de %s de %d al %d de %s de %d", atoi(desde + 8), meses[m0], y0,
                 atoi(hasta + 8), meses[m1], y1);
}

/* ---- numbers as shown ---------------------------------------------------------------- */

static const char *
num_fmt(char *buf, size_t sz, int v)
{
    return vm_fmt_count(buf, (int)sz, v);
}

/* Business hours with one decimal ("1,234.5"); "—" when no stay ended (h < 0). */
static const char *
horas_fmt(char *buf, size_t sz, double h)
{
    char ent[24];
    long long decimas;

    if (h < 0)
        return "—";
    decimas = llround(h * 10.0);
    vm_fmt_count(ent, (int)sizeof ent, decimas / 10);
    snprintf(buf, sz, "%s.%lld", ent, decimas % 10);
    return buf;
}

static const char *
monto_fmt(char *buf, size_t sz, double pesos)
{
    char n[24];

    vm_fmt_count(n, (int)sizeof n, llround(pesos));
    snprintf(buf, sz, "$%s", n);
    return buf;
}

/* Sales over what they had to work (received + their own leads); "—" over nothing. */
static const char *
conversion_fmt(char *buf, size_t sz, const struct informe_promotor *p)
{
    int base = p->recibidas + p->captadas;

    if (base <= 0)
        return "—";
    snprintf(buf, sz, "%.1f %%", 100.0 * p->ventas / base);
    return buf;
}

/* ---- tables that fit the width ------------------------------------------------------- */

/* A number column: its headings, when it is left out, and what it ends up as. */
struct col {
    const char *largo, *corto;
    int quita; /* 1 = left out first when even short headings do not fit; 0 = never */
    int w;     /* the widest value */
    bool ver;
    const char *titulo;
    int ancho;
};

/* Columns the numbers take (each with its gap), with long or short headings. */
static int
cols_ancho(struct col *c, int n, bool corto)
{
    int total = 0;

    for (int i = 0; i < n; i++) {
        int hw;

        c[i].titulo = corto ? c[i].corto : c[i].largo;
        hw = vm_text_width(c[i].titulo);
        c[i].ancho = c[i].w > hw ? c[i].w : hw;
        if (c[i].ver)
            total += GAP + c[i].ancho;
    }
    return total;
}

/*
 * Lays the columns out for width so that the name column keeps nmax columns, or at least
 * nmin: every column with long headings, then with short ones, then leaving columns out in
 * their quita order. Only when nothing more may go does the name column shrink below nmin
 * (to 1 at the least). Returns its width.
 */
static int
tabla_layout(struct col *c, int n, int nmin, int nmax, int width)
{
    int room = 0;

    for (int i = 0; i < n; i++)
        c[i].ver = true;
    for (int corto = 0; corto < 2; corto++) {
        room = width - 1 - cols_ancho(c, n, corto != 0);
        if (room >= nmin)
            return room < nmax ? room : nmax;
    }
    for (int quita = 1; room < nmin; quita++) {
        bool quedan = false;

        for (int i = 0; i < n; i++) {
            if (c[i].quita == quita)
                c[i].ver = false;
            quedan = quedan || c[i].quita > quita;
        }
        room = width - 1 - cols_ancho(c, n, true);
        if (!quedan)
            break;
    }
    return room >= nmin ? (room < nmax ? room : nmax) : room > 1 ? room : 1;
}

static void
col_medir(struct col *c, const char *text)
{
    int w = vm_text_width(text);

    if (w > c->w)
        c->w = w;
}

/* Puts the shown columns' cells (texts[i], roles[i]) right-aligned after the name column. */
static void
fila_celdas(struct vm_line *l, const struct col *c, int n, int x, int width,
            const char *const *texts, const enum vm_role *roles)
{
    for (int i = 0; i < n; i++) {
        if (!c[i].ver)
            continue;
        x += GAP + c[i].ancho;
        vm_line_put(l, x - vm_text_width(texts[i]), width, roles[i], texts[i]);
    }
}

static enum vm_role
num_role(int v)
{
    return v > 0 ? ROLE_VALUE : ROLE_MUTED;
}

/* ---- the content, row by row ---------------------------------------------------------- */

/* Content rows that scroll under the title: rows before scroll or past the pane are skipped. */
struct emit {
    struct informe_vm *vm;
    const struct informe_model *m;
    int y;      /* next content row */
    int head;   /* rows of the fixed head (title, error) */
    int scroll; /* first content row shown */
};

static struct vm_line *
emit_row(struct emit *e)
{
    int row = e->head + e->y++ - e->scroll;

    if (row < e->head || row >= e->vm->nlines)
        return NULL;
    return &e->vm->lines[row];
}

static void
emit_text(struct emit *e, int x, enum vm_role role, const char *text)
{
    struct vm_line *l = emit_row(e);

    if (l != NULL)
        vm_line_put(l, x, e->vm->width, role, text);
}

enum {
    E_ENTRADAS,
    E_SALIDAS,
    E_AVANZARON,
    E_REGRESARON,
    E_BANDEJA,
    E_VENTA,
    E_VENCIDAS,
    E_OTRAS,
    E_MEDIANA,
    E_P90,
    E_AHORA,
    E_NCOLS
};

/* The texts of one stage's cells, into buf (E_NCOLS × 48). */
static void
etapa_textos(const struct informe_etapa *t, char buf[][48], const char **texts, enum vm_role *roles)
{
    const int v[] = { t->entradas,  t->salidas, t->avanzaron, t->regresaron,
                      t->a_bandeja, t->ventas,  t->vencidas,  t->otras };

    for (int i = 0; i < E_MEDIANA; i++) {
        texts[i] = num_fmt(buf[i], sizeof buf[i], v[i]);
        roles[i] = num_role(v[i]);
    }
    if (t->vencidas > 0)
        roles[E_VENCIDAS] = ROLE_TIMER_LATE;
    texts[E_MEDIANA] = horas_fmt(buf[E_MEDIANA], sizeof buf[E_MEDIANA], t->horas_mediana);
    texts[E_P90] = horas_fmt(buf[E_P90], sizeof buf[E_P90], t->horas_p90);
    roles[E_MEDIANA] = t->horas_mediana < 0 ? ROLE_MUTED : ROLE_VALUE;
    roles[E_P90] = t->horas_p90 < 0 ? ROLE_MUTED : ROLE_VALUE;
    texts[E_AHORA] = num_fmt(buf[E_AHORA], sizeof buf[E_AHORA], t->en_etapa);
    roles[E_AHORA] = num_role(t->en_etapa);
}

static void
emit_etapas(struct emit *e)
{
    const struct informe_model *m = e->m;
    struct col c[E_NCOLS] = {
        { "Entradas", "Entr.", 0, 0, false, NULL, 0 },
        { "Salidas", "Sal.", 9, 0, false, NULL, 0 },
        { m->ascii ? "->" : "→", m->ascii ? "->" : "→", 6, 0, false, NULL, 0 },
        { m->ascii ? "<-" : "←", m->ascii ? "<-" : "←", 3, 0, false, NULL, 0 },
        { "Bandeja", "Band.", 4, 0, false, NULL, 0 },
        { "Venta", "Venta", 7, 0, false, NULL, 0 },
        { "Vencidas", "Venc.", 5, 0, false, NULL, 0 },
        { "Otras", "Otras", 1, 0, false, NULL, 0 },
        { "Mediana h", "Med. h", 8, 0, false, NULL, 0 },
        { "P90 h", "P90 h", 2, 0, false, NULL, 0 },
        { "Ahora", "Ahora", 10, 0, false, NULL, 0 },
    };
    char buf[E_NCOLS][48];
    const char *texts[E_NCOLS];
    enum vm_role roles[E_NCOLS];
    int nw = 0, x;
    struct vm_line *l;

    for (size_t i = 0; i < m->d.netapas; i++) {
        int w = vm_text_width(m->d.etapas[i].etapa);

        nw = w > nw ? w : nw;
        etapa_textos(&m->d.etapas[i], buf, texts, roles);
        for (int k = 0; k < E_NCOLS; k++)
            col_medir(&c[k], texts[k]);
    }
    nw = nw < ETAPA_MIN ? ETAPA_MIN : nw > ETAPA_MAX ? ETAPA_MAX : nw;
    nw = tabla_layout(c, E_NCOLS, nw, nw, e->vm->width); /* names whole */
    x = 1 + nw;
    if ((l = emit_row(e)) != NULL) {
        for (int k = 0; k < E_NCOLS; k++) {
            texts[k] = c[k].titulo;
            roles[k] = ROLE_LABEL;
        }
        vm_line_put(l, 1, x, ROLE_LABEL, "Etapa");
        fila_celdas(l, c, E_NCOLS, x, e->vm->width, texts, roles);
    }
    for (size_t i = 0; i < m->d.netapas; i++) {
        if ((l = emit_row(e)) == NULL)
            continue;
        etapa_textos(&m->d.etapas[i], buf, texts, roles);
        vm_line_put(l, 1, x, ROLE_TEXT, m->d.etapas[i].etapa);
        fila_celdas(l, c, E_NCOLS, x, e->vm->width, texts, roles);
    }
}

/* The kinds of reasons, in the order they are shown, with their words. */
static const struct {
    const char *tipo, *titulo;
} tipos[] = {
    { "A_BANDEJA", "Salida elegida" },         { "TIMER_VENCIDO", "Tiempo vencido en" },
    { "DEVUELTA", "Devuelta por supervisor" }, { "DESCARTADA", "Descartada" },
    { "INTENTO", "Intentos de contacto" },
};
#define NTIPOS (sizeof tipos / sizeof tipos[0])

static bool
tipo_conocido(const char *tipo)
{
    for (size_t t = 0; t < NTIPOS; t++)
        if (strcmp(tipos[t].tipo, tipo) == 0)
            return true;
    return false;
}

static const char *
razon_texto(const struct informe_motivo *mo)
{
    return strcmp(mo->tipo, "INTENTO") == 0 ? intento_etiqueta(mo->razon) : mo->razon;
}

/* A bar of n against max over cols columns: eighths of a block, or '#' per whole column in
 * ASCII; never empty for n > 0. */
static void
barra(char *buf, size_t sz, int n, int max, int cols, bool ascii)
{
    static const char *const octavos[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
    long partes = max > 0 ? lround((double)n * cols * (ascii ? 1 : 8) / max) : 0;
    size_t k = 0;

    buf[0] = '\0';
    if (n > 0 && partes == 0)
        partes = 1;
    for (; partes >= (ascii ? 1 : 8) && k + 4 < sz; partes -= ascii ? 1 : 8)
        k += (size_t)snprintf(buf + k, sz - k, "%s", ascii ? "#" : "█");
    if (!ascii && partes > 0 && k + 4 < sz)
        snprintf(buf + k, sz - k, "%s", octavos[partes]);
}

/* Geometry of the reasons: the words (a kind's from column 2, its reasons' from 4), the
 * counts right-aligned after them, the bars after the counts. */
struct motivos_geo {
    int xn;     /* first column of the counts */
    int nw, bw; /* their width; the longest bar */
};

static void
motivos_geo(const struct emit *e, struct motivos_geo *g)
{
    const struct informe_model *m = e->m;
    int lw = 2 + RAZON_MIN, w;
    long long total = 0;
    char num[32];

    for (size_t i = 0; i < m->d.nmotivos; i++) {
        const struct informe_motivo *mo = &m->d.motivos[i];
        const char *titulo = mo->tipo;

        for (size_t t = 0; t < NTIPOS; t++)
            if (strcmp(tipos[t].tipo, mo->tipo) == 0)
                titulo = tipos[t].titulo;
        w = 2 + vm_text_width(razon_texto(mo));
        lw = w > lw ? w : lw;
        w = vm_text_width(titulo);
        lw = w > lw ? w : lw;
        total += mo->n;
    }
    lw = lw > 2 + RAZON_MAX ? 2 + RAZON_MAX : lw;
    /* A kind's total shows in the count column too: the sum of every count is the widest. */
    g->nw = vm_text_width(vm_fmt_count(num, (int)sizeof num, total));
    /* 2 indent, words, gap, count, gap, bar, 1 margin */
    if (2 + lw + GAP + g->nw + GAP + BARRA_MIN + 1 > e->vm->width)
        lw = e->vm->width - (2 + GAP + g->nw + GAP + BARRA_MIN + 1);
    lw = lw < 2 + RAZON_MIN ? 2 + RAZON_MIN : lw;
    g->xn = 2 + lw + GAP;
    g->bw = e->vm->width - (g->xn + g->nw + GAP + 1);
    g->bw = g->bw > BARRA_MAX ? BARRA_MAX : g->bw;
}

/* One kind's rows: its words and total, then each reason with its count and bar. */
static void
emit_tipo(struct emit *e, const struct motivos_geo *g, const char *tipo, const char *titulo)
{
    const struct informe_model *m = e->m;
    int total = 0, max = 0;
    enum vm_role bar_role = strcmp(tipo, "TIMER_VENCIDO") == 0 ? ROLE_TIMER_LATE : ROLE_VALUE;
    char num[32], bar[BARRA_MAX * 3 + 8];
    struct vm_line *l;

    for (size_t i = 0; i < m->d.nmotivos; i++)
        if (strcmp(m->d.motivos[i].tipo, tipo) == 0) {
            total += m->d.motivos[i].n;
            max = m->d.motivos[i].n > max ? m->d.motivos[i].n : max;
        }
    if (total == 0)
        return;
    if ((l = emit_row(e)) != NULL) {
        vm_line_put(l, 2, g->xn - GAP, ROLE_LABEL, titulo);
        num_fmt(num, sizeof num, total);
        vm_line_put(l, g->xn + g->nw - vm_text_width(num), e->vm->width, ROLE_LABEL, num);
    }
    for (size_t i = 0; i < m->d.nmotivos; i++) {
        const struct informe_motivo *mo = &m->d.motivos[i];

        if (strcmp(mo->tipo, tipo) != 0 || (l = emit_row(e)) == NULL)
            continue;
        vm_line_put(l, 4, g->xn - GAP, ROLE_TEXT, razon_texto(mo));
        num_fmt(num, sizeof num, mo->n);
        vm_line_put(l, g->xn + g->nw - vm_text_width(num), e->vm->width, ROLE_VALUE, num);
        if (g->bw >= BARRA_MIN) {
            barra(bar, sizeof bar, mo->n, max, g->bw, m->ascii);
            vm_line_put(l, g->xn + g->nw + GAP, e->vm->width, bar_role, bar);
        }
    }
}

static void
emit_motivos(struct emit *e)
{
    const struct informe_model *m = e->m;
    struct motivos_geo g;

    emit_row(e);
    emit_text(e, 1, ROLE_HEADING, "Por qué salen");
    if (m->d.nmotivos == 0) {
        emit_text(e, 2, ROLE_MUTED, "Ninguna salió ni se intentó contactar en estas fechas.");
        return;
    }
    motivos_geo(e, &g);
    for (size_t t = 0; t < NTIPOS; t++)
        emit_tipo(e, &g, tipos[t].tipo, tipos[t].titulo);
    /* A kind this client does not know yet still shows, under its own name. */
    for (size_t i = 0; i < m->d.nmotivos; i++) {
        bool primero = true;

        for (size_t k = 0; k < i && primero; k++)
            primero = strcmp(m->d.motivos[k].tipo, m->d.motivos[i].tipo) != 0;
        if (primero && !tipo_conocido(m->d.motivos[i].tipo))
            emit_tipo(e, &g, m->d.motivos[i].tipo, m->d.motivos[i].tipo);
    }
}

enum {
    P_RECIBIDAS,
    P_CAPTADAS,
    P_INTENTOS,
    P_BANDEJA,
    P_VENCIDAS,
    P_VENTAS,
    P_MONTO,
    P_CONVERSION,
    P_NCOLS
};

static void
promotor_textos(const struct informe_promotor *p, char buf[][48], const char **texts,
                enum vm_role *roles)
{
    const int v[] = {
        p->recibidas, p->captadas, p->intentos, p->a_bandeja, p->vencidas, p->ventas
    };

    for (int i = 0; i < P_MONTO; i++) {
        texts[i] = num_fmt(buf[i], sizeof buf[i], v[i]);
        roles[i] = num_role(v[i]);
    }
    if (p->vencidas > 0)
        roles[P_VENCIDAS] = ROLE_TIMER_LATE;
    texts[P_MONTO] = monto_fmt(buf[P_MONTO], sizeof buf[P_MONTO], p->monto);
    roles[P_MONTO] = p->monto > 0 ? ROLE_VALUE : ROLE_MUTED;
    texts[P_CONVERSION] = conversion_fmt(buf[P_CONVERSION], sizeof buf[P_CONVERSION], p);
    roles[P_CONVERSION] = p->ventas > 0 ? ROLE_VALUE : ROLE_MUTED;
}

static void
emit_promotores(struct emit *e)
{
    const struct informe_model *m = e->m;
    struct col c[P_NCOLS] = {
        { "Recibidas", "Recib.", 6, 0, false, NULL, 0 },
        { "Captadas", "Capt.", 4, 0, false, NULL, 0 },
        { "Intentos", "Int.", 3, 0, false, NULL, 0 },
        { "Bandeja", "Band.", 1, 0, false, NULL, 0 },
        { "Vencidas", "Venc.", 2, 0, false, NULL, 0 },
        { "Ventas", "Ventas", 0, 0, false, NULL, 0 },
        { "Monto", "Monto", 5, 0, false, NULL, 0 },
        { "Conversión", "Conv.", 0, 0, false, NULL, 0 },
    };
    char buf[P_NCOLS][48], nombre[256];
    const char *texts[P_NCOLS];
    enum vm_role roles[P_NCOLS];
    int nw = 0, x;
    struct vm_line *l;

    for (size_t i = 0; i < m->d.npromotores; i++) {
        const struct informe_promotor *p = &m->d.promotores[i];
        int w = vm_text_width(p->login) + 1 + vm_text_width(p->nombre);

        nw = w > nw ? w : nw;
        promotor_textos(p, buf, texts, roles);
        for (int k = 0; k < P_NCOLS; k++)
            col_medir(&c[k], texts[k]);
    }
    nw = nw < NOMBRE_MIN ? NOMBRE_MIN : nw > NOMBRE_MAX ? NOMBRE_MAX : nw;
    nw = tabla_layout(c, P_NCOLS, NOMBRE_MIN, nw, e->vm->width);
    x = 1 + nw;
    emit_row(e);
    emit_text(e, 1, ROLE_HEADING, "Por promotor");
    if ((l = emit_row(e)) != NULL) {
        for (int k = 0; k < P_NCOLS; k++) {
            texts[k] = c[k].titulo;
            roles[k] = ROLE_LABEL;
        }
        vm_line_put(l, 1, x, ROLE_LABEL, "Promotor");
        fila_celdas(l, c, P_NCOLS, x, e->vm->width, texts, roles);
    }
    for (size_t i = 0; i < m->d.npromotores; i++) {
        const struct informe_promotor *p = &m->d.promotores[i];

        if ((l = emit_row(e)) == NULL)
            continue;
        snprintf(nombre, sizeof nombre, "%s %s", p->login, p->nombre);
        promotor_textos(p, buf, texts, roles);
        vm_line_put(l, 1, x, ROLE_TEXT, nombre);
        fila_celdas(l, c, P_NCOLS, x, e->vm->width, texts, roles);
    }
}

/* Nothing entered, left or was tried in the range (the "Ahora" column may still count). */
static bool
sin_movimiento(const struct informe_datos *d)
{
    for (size_t i = 0; i < d->netapas; i++)
        if (d->etapas[i].entradas > 0 || d->etapas[i].salidas > 0)
            return false;
    for (size_t i = 0; i < d->npromotores; i++)
        if (d->promotores[i].recibidas + d->promotores[i].captadas + d->promotores[i].intentos +
                d->promotores[i].ventas >
            0)
            return false;
    return d->nmotivos == 0;
}

static void
emit_todo(struct emit *e)
{
    const struct informe_model *m = e->m;

    emit_row(e);
    if (m->d.netapas == 0) {
        emit_text(e, 1, ROLE_MUTED, "El embudo no tiene etapas todavía.");
        return;
    }
    emit_etapas(e);
    if (sin_movimiento(&m->d)) {
        emit_row(e);
        emit_text(e, 1, ROLE_MUTED,
                  "Sin movimiento en estas fechas: nada entró ni salió de ninguna etapa.");
        return;
    }
    emit_motivos(e);
    if (m->d.npromotores > 1 || vm_profile_sees_others(m->profile))
        emit_promotores(e);
}

/* ---- the head ------------------------------------------------------------------------ */

static const char *
alcance(const struct informe_model *m, char *buf, size_t sz)
{
    const char *promotor = m->vista == INFORME_VISTA_RESUMEN ? m->d.promotor : m->env.promotor;

    if (promotor[0] != '\0') {
        snprintf(buf, sz, "solo %s", promotor);
        return buf;
    }
    switch (m->profile) {
    case VM_PROFILE_PROMOTOR:
        return "sus oportunidades";
    case VM_PROFILE_SUPERVISOR:
        return "todo el equipo";
    case VM_PROFILE_ADMIN:
    case VM_PROFILE_AUDITOR:
        return "todos los promotores";
    case VM_PROFILE_UNKNOWN:
        break;
    }
    return "";
}

/* The title and, when the content does not fit, which rows show ("1–20 de 45"). */
static void
build_title(struct informe_vm *vm, const struct informe_model *m)
{
    char rango[96], quien[96], title[256], pos[48];
    int end = vm->width;

    if (!informe_model_loaded(m)) {
        vm_line_put(&vm->lines[0], 1, vm->width, ROLE_HEADING,
                    m->vista == INFORME_VISTA_RESUMEN ? "Informe del embudo"
                                                      : "Envejecimiento en horas hábiles");
        return;
    }
    if (vm->content > vm->page) {
        int last = m->scroll + vm->page < vm->content ? m->scroll + vm->page : vm->content;

        snprintf(pos, sizeof pos, "%d–%d de %d", m->scroll + 1, last, vm->content);
        end = vm->width - 1 - vm_text_width(pos);
        vm_line_put(&vm->lines[0], end, vm->width, ROLE_MUTED, pos);
        end--;
    }
    if (m->vista == INFORME_VISTA_RESUMEN) {
        informe_rango_texto(rango, sizeof rango, m->d.desde, m->d.hasta);
        snprintf(title, sizeof title, "Informe %s · %s", rango, alcance(m, quien, sizeof quien));
    } else {
        snprintf(title, sizeof title, "Envejecimiento en horas hábiles · %s",
                 alcance(m, quien, sizeof quien));
    }
    vm_line_put(&vm->lines[0], 1, end, ROLE_HEADING, title);
    vm_line_sort(&vm->lines[0]);
}

/* The content rows of the view shown; the heatmap keeps its stage columns in range. */
static void
build_body(struct informe_vm *vm, struct informe_model *m, int head)
{
    struct emit e = { vm, m, 0, head, m->scroll };

    if (m->vista == INFORME_VISTA_ENVEJECIMIENTO) {
        vm->content = env_vm_emit(vm->lines + head, vm->nlines - head, m->scroll, &m->env,
                                  vm->width, &m->env_primera, &m->env_visibles);
        return;
    }
    emit_todo(&e);
    vm->content = e.y;
}

void
informe_vm_build(struct informe_vm *vm, struct informe_model *m, int width, int height)
{
    int head = m->error[0] != '\0' ? 2 : 1;

    vm->width = width;
    vm->height = height;
    vm->nlines = height < INFORME_VM_LINES ? (height > 0 ? height : 0) : INFORME_VM_LINES;
    vm->page = vm->nlines - head > 1 ? vm->nlines - head : 1;
    vm->content = 0;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if (vm->nlines == 0 || width <= 0)
        return;
    if (informe_model_loaded(m)) {
        /* Clamp the scroll to the content, measured by a first pass. */
        build_body(vm, m, head);
        if (m->scroll > vm->content - vm->page)
            m->scroll = vm->content - vm->page > 0 ? vm->content - vm->page : 0;
        for (int y = 0; y < vm->nlines; y++)
            vm_line_init(&vm->lines[y], ROLE_TEXT);
        build_body(vm, m, head);
    }
    build_title(vm, m);
    if (m->error[0] != '\0' && vm->nlines > 1)
        vm_line_put(&vm->lines[1], 1, width, ROLE_ERROR, m->error);
    else if (!informe_model_loaded(m) && vm->nlines > 1)
        vm_line_put(&vm->lines[1], 1, width, ROLE_MUTED,
                    m->vista == INFORME_VISTA_RESUMEN ? "Consultando el informe…"
                                                      : "Consultando el envejecimiento…");
}

char *
informe_vm_dump(const struct informe_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
