#include "ui/vm/envejecimiento_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

enum {
    GAP = 2,         /* blanks between two columns */
    NOMBRE_MIN = 8,  /* the promoter column: a login at least this wide… */
    LOGIN_MAX = 16,  /* …a login clipped to this… */
    NOMBRE_MAX = 30, /* …and "login nombre" when every stage shows and there is room */
    ETAPA_MAX = 18,  /* a stage's name widens its column up to this, when everything fits */
    COL_MIN = 6,     /* the narrowest stage column */
    MAX_COLS = VM_LINE_SPANS - 2, /* a row's spans: the name, the columns, one spare */
    TEXTO_CELDA = 64,             /* a cell's text, bytes */
};

void
env_datos_fini(struct env_datos *d)
{
    free(d->etapas);
    free(d->promotores);
    free(d->celdas);
    memset(d, 0, sizeof *d);
}

enum env_nivel
env_nivel_de(const struct env_celda *c, int aviso_pct)
{
    if (c->abiertas <= 0)
        return ENV_VACIA;
    if (c->razon >= 1.0)
        return ENV_PASADA;
    if (c->razon * 100.0 >= aviso_pct)
        return ENV_AVISO;
    return ENV_BIEN;
}

/* The glyph and the role of a band: the cards' timer glyphs, so ● ◐ ○ mean the same here. */
static const struct {
    const char *glifo;
    enum vm_role role;
} niveles[] = {
    [ENV_VACIA] = { "·", ROLE_MUTED },
    [ENV_BIEN] = { "●", ROLE_TIMER_OK },
    [ENV_AVISO] = { "◐", ROLE_TIMER_WARN },
    [ENV_PASADA] = { "○", ROLE_TIMER_LATE },
};

/* "● 12 · 18.5 h": the band, the open opportunities, their median hours; "·" when none. */
static enum vm_role
celda_texto(char *buf, size_t sz, const struct env_celda *c, int aviso_pct)
{
    enum env_nivel n = env_nivel_de(c, aviso_pct);

    if (n == ENV_VACIA)
        snprintf(buf, sz, "%s", niveles[n].glifo);
    else
        snprintf(buf, sz, "%s %d · %.1f h", niveles[n].glifo, c->abiertas, c->horas_mediana);
    return niveles[n].role;
}

/* A stage's timer under its name: "tiempo 24 h", or "24 h" when short. */
static void
tiempo_texto(char *buf, size_t sz, const struct env_etapa *t, bool corto)
{
    snprintf(buf, sz, "%s%.6g h", corto ? "" : "tiempo ", t->timer_horas);
}

/* The per-stage totals under the grid: the warning band (◐) or the timers run out (○). */
static enum vm_role
total_texto(char *buf, size_t sz, const struct env_datos *d, size_t k, bool vencidas)
{
    int n = 0;

    for (size_t i = 0; i < d->npromotores; i++) {
        const struct env_celda *c = &d->celdas[i * d->netapas + k];

        n += vencidas ? c->vencidas : c->en_aviso;
    }
    if (n == 0) {
        snprintf(buf, sz, "0");
        return ROLE_MUTED;
    }
    snprintf(buf, sz, "%s %d", vencidas ? "○" : "◐", n);
    return vencidas ? ROLE_TIMER_LATE : ROLE_TIMER_WARN;
}

static int
max_int(int a, int b)
{
    return a > b ? a : b;
}

/* Where everything goes for one width. */
struct geo {
    int nw;       /* the promoter column */
    bool nombres; /* it shows "login nombre" */
    bool corto;   /* short timer labels; stage names clipped to their figures */
    int *w;       /* each stage column's width (netapas) */
    int *figuras; /* the widest figure of each stage: cells and totals */
    int primera, visibles;
};

static int
ancho_largo(const struct env_datos *d, const struct geo *g, size_t k)
{
    char buf[TEXTO_CELDA];
    int nombre = vm_text_width(d->etapas[k].etapa);

    tiempo_texto(buf, sizeof buf, &d->etapas[k], false);
    nombre = nombre > ETAPA_MAX ? ETAPA_MAX : nombre;
    return max_int(max_int(g->figuras[k], vm_text_width(buf)), max_int(nombre, COL_MIN));
}

static int
ancho_corto(const struct env_datos *d, const struct geo *g, size_t k)
{
    char buf[TEXTO_CELDA];

    tiempo_texto(buf, sizeof buf, &d->etapas[k], true);
    return max_int(max_int(g->figuras[k], vm_text_width(buf)), COL_MIN);
}

/* Columns from the stage primera on that fit in room (each with its gap). */
static int
caben(const struct geo *g, size_t n, int primera, int room)
{
    int c = 0;

    for (size_t k = (size_t)primera; k < n && c < MAX_COLS; k++) {
        room -= GAP + g->w[k];
        if (room < 0)
            break;
        c++;
    }
    return c;
}

static void
geo_figuras(struct geo *g, const struct env_datos *d)
{
    char buf[TEXTO_CELDA];
    int login = 0;

    for (size_t k = 0; k < d->netapas; k++) {
        for (size_t i = 0; i < d->npromotores; i++) {
            celda_texto(buf, sizeof buf, &d->celdas[i * d->netapas + k], d->aviso_pct);
            g->figuras[k] = max_int(g->figuras[k], vm_text_width(buf));
        }
        for (int v = 0; v < 2; v++) {
            total_texto(buf, sizeof buf, d, k, v != 0);
            g->figuras[k] = max_int(g->figuras[k], vm_text_width(buf));
        }
    }
    for (size_t i = 0; i < d->npromotores; i++)
        login = max_int(login, vm_text_width(d->promotores[i].login));
    g->nw = login < NOMBRE_MIN ? NOMBRE_MIN : login > LOGIN_MAX ? LOGIN_MAX : login;
}

/*
 * Every stage shows and room is left: with short widths it goes to the stage names clipped
 * (first to last); with long ones, to the promoters' names beside their logins.
 */
static void
geo_sobra(struct geo *g, const struct env_datos *d, int room)
{
    int nombres = 0;

    for (size_t k = 0; k < d->netapas; k++)
        room -= GAP + g->w[k];
    if (g->corto) {
        for (size_t k = 0; k < d->netapas && room > 0; k++) {
            int falta = vm_text_width(d->etapas[k].etapa) - g->w[k];

            falta = falta > room ? room : falta;
            if (falta > 0) {
                g->w[k] += falta;
                room -= falta;
            }
        }
        return;
    }
    for (size_t i = 0; i < d->npromotores; i++)
        nombres = max_int(nombres, vm_text_width(d->promotores[i].login) + 1 +
                                       vm_text_width(d->promotores[i].nombre));
    nombres = nombres > NOMBRE_MAX ? NOMBRE_MAX : nombres;
    if (nombres > g->nw && room > 0) {
        g->nw += room < nombres - g->nw ? room : nombres - g->nw;
        g->nombres = true;
    }
}

/* Long widths if every stage fits so, short ones otherwise; then, if not all fit even
 * short, the ones from *primera on (moved back as far as the last ones still fill). */
static void
geo_calc(struct geo *g, const struct env_datos *d, int width, int *primera)
{
    int n = (int)d->netapas, room;

    geo_figuras(g, d);
    room = width - 1 - (1 + g->nw);
    for (int corto = 0; corto < 2; corto++) {
        g->corto = corto != 0;
        for (size_t k = 0; k < d->netapas; k++)
            g->w[k] = g->corto ? ancho_corto(d, g, k) : ancho_largo(d, g, k);
        if (caben(g, d->netapas, 0, room) == n)
            break;
    }
    g->primera = *primera < 0 ? 0 : *primera >= n ? n - 1 : *primera;
    g->visibles = caben(g, d->netapas, g->primera, room);
    if (g->visibles == 0)
        g->visibles = 1; /* narrower than one column: it is clipped at the edge */
    while (g->primera > 0 && caben(g, d->netapas, g->primera - 1, room) > g->visibles) {
        g->primera--;
        g->visibles++;
    }
    *primera = g->primera;
    if (g->visibles == n)
        geo_sobra(g, d, room);
}

/* ---- rows ----------------------------------------------------------------------------- */

struct salida {
    struct vm_line *lines;
    int nlines, skip;
    int y; /* the next content row */
    int width;
};

static struct vm_line *
fila(struct salida *s)
{
    int row = s->y++ - s->skip;

    return row >= 0 && row < s->nlines ? &s->lines[row] : NULL;
}

/* The x of the stage column j of those shown. */
static int
col_x(const struct geo *g, int j)
{
    int x = 1 + g->nw;

    for (int k = g->primera; k < g->primera + j; k++)
        x += GAP + g->w[k];
    return x + GAP;
}

static void
emit_cabecera(struct salida *s, const struct env_datos *d, const struct geo *g)
{
    struct vm_line *l1 = fila(s), *l2 = fila(s);
    char buf[TEXTO_CELDA];

    if (l1 != NULL)
        vm_line_put(l1, 1, 1 + g->nw, ROLE_LABEL, "Promotor");
    for (int j = 0; j < g->visibles; j++) {
        size_t k = (size_t)(g->primera + j);
        int x = col_x(g, j);

        if (l1 != NULL)
            vm_line_put(l1, x, x + g->w[k] < s->width ? x + g->w[k] : s->width, ROLE_LABEL,
                        d->etapas[k].etapa);
        tiempo_texto(buf, sizeof buf, &d->etapas[k], g->corto);
        if (l2 != NULL)
            vm_line_put(l2, x, s->width, ROLE_MUTED, buf);
    }
}

static void
emit_promotor(struct salida *s, const struct env_datos *d, const struct geo *g, size_t i)
{
    struct vm_line *l = fila(s);
    char buf[TEXTO_CELDA + 192];

    if (l == NULL)
        return;
    if (g->nombres)
        snprintf(buf, sizeof buf, "%s %s", d->promotores[i].login, d->promotores[i].nombre);
    else
        snprintf(buf, sizeof buf, "%s", d->promotores[i].login);
    vm_line_put(l, 1, 1 + g->nw, ROLE_TEXT, buf);
    for (int j = 0; j < g->visibles; j++) {
        size_t k = (size_t)(g->primera + j);
        enum vm_role role =
            celda_texto(buf, sizeof buf, &d->celdas[i * d->netapas + k], d->aviso_pct);

        vm_line_put(l, col_x(g, j), s->width, role, buf);
    }
}

static void
emit_total(struct salida *s, const struct env_datos *d, const struct geo *g, bool vencidas)
{
    struct vm_line *l = fila(s);
    char buf[TEXTO_CELDA];

    if (l == NULL)
        return;
    vm_line_put(l, 1, 1 + g->nw, ROLE_LABEL, vencidas ? "Vencidas" : "En aviso");
    for (int j = 0; j < g->visibles; j++) {
        enum vm_role role = total_texto(buf, sizeof buf, d, (size_t)(g->primera + j), vencidas);

        vm_line_put(l, col_x(g, j), s->width, role, buf);
    }
}

/* The legend, item by item, wrapped at the width: each glyph in its band's role. */
static void
emit_leyenda(struct salida *s, const struct env_datos *d)
{
    char bien[64];
    const struct {
        enum env_nivel n;
        const char *texto;
    } items[] = {
        { ENV_BIEN, bien },
        { ENV_AVISO, "en aviso" },
        { ENV_PASADA, "pasó el tiempo de la etapa" },
        { ENV_VACIA, "ninguna abierta" },
    };
    struct vm_line *l = fila(s);
    int x = 1;

    snprintf(bien, sizeof bien, "la mediana no llega al %d %% del tiempo", d->aviso_pct);
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        int w = vm_text_width(niveles[items[i].n].glifo) + 1 + vm_text_width(items[i].texto);

        if (x > 1 && x + w >= s->width) {
            l = fila(s);
            x = 1;
        }
        if (l != NULL) {
            vm_line_put(l, x, s->width, niveles[items[i].n].role, niveles[items[i].n].glifo);
            vm_line_put(l, x + vm_text_width(niveles[items[i].n].glifo) + 1, s->width, ROLE_MUTED,
                        items[i].texto);
        }
        x += w + GAP;
    }
}

int
env_vm_emit(struct vm_line *lines, int nlines, int skip, const struct env_datos *d, int width,
            int *primera, int *visibles)
{
    struct salida s = { lines, nlines, skip, 0, width };
    const char *celda = "Cada celda: abiertas · mediana de horas hábiles en la etapa.";
    struct vm_line *l;
    struct geo g;
    char buf[128];

    memset(&g, 0, sizeof g);
    fila(&s);
    *visibles = 0;
    if (d->npromotores == 0 || d->netapas == 0) {
        if ((l = fila(&s)) != NULL)
            vm_line_put(l, 1, width, ROLE_MUTED,
                        "Nada que mostrar: no hay promotores o ninguna etapa tiene tiempo límite.");
        return s.y;
    }
    g.w = xcalloc(d->netapas, sizeof *g.w);
    g.figuras = xcalloc(d->netapas, sizeof *g.figuras);
    geo_calc(&g, d, width, primera);
    *visibles = g.visibles;
    emit_cabecera(&s, d, &g);
    for (size_t i = 0; i < d->npromotores; i++)
        emit_promotor(&s, d, &g, i);
    fila(&s);
    emit_total(&s, d, &g, false);
    emit_total(&s, d, &g, true);
    fila(&s);
    while (vm_wrap_row(buf, (int)sizeof buf, &celda, width - 2))
        if ((l = fila(&s)) != NULL)
            vm_line_put(l, 1, width, ROLE_MUTED, buf);
    emit_leyenda(&s, d);
    if (g.visibles < (int)d->netapas && (l = fila(&s)) != NULL) {
        snprintf(buf, sizeof buf, "Etapas %d–%d de %zu · ← → las demás", g.primera + 1,
                 g.primera + g.visibles, d->netapas);
        vm_line_put(l, 1, width, ROLE_MUTED, buf);
    }
    free(g.w);
    free(g.figuras);
    return s.y;
}
