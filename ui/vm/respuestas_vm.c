#include "ui/vm/respuestas_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/vm/scroll.h"

enum {
    ANUNCIO_TEXTO_COLS = 60, /* the quoted text in the bottom bar's line */
    EDAD_W = 11,             /* «hace 23 min» */
    TARDE_S = 24 * 3600,     /* a reply waiting a day or more: the late role */
};

void
respuestas_model_init(struct respuestas_model *m)
{
    memset(m, 0, sizeof *m);
}

void
respuestas_model_fini(struct respuestas_model *m)
{
    free(m->filas);
    respuestas_model_init(m);
}

int64_t
respuestas_model_selected(const struct respuestas_model *m)
{
    return m->n > 0 && m->cur >= 0 && (size_t)m->cur < m->n ? m->filas[m->cur].oportunidad_id : 0;
}

/* Folds rows[0..n) in place to one per opportunity, newest first; returns how many are left. */
static size_t
agrupar(struct respuesta *rows, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        size_t j = 0;

        while (j < k && rows[j].oportunidad_id != rows[i].oportunidad_id)
            j++;
        if (j < k) {
            rows[j].mas++;
        } else {
            if (k != i)
                rows[k] = rows[i];
            rows[k++].mas = 0;
        }
    }
    return k;
}

/* The bottom bar's line about the new replies among rows (those with id > visto). */
static bool
anunciar(const struct respuestas_model *m, const struct respuesta *rows, size_t n, int64_t visto,
         char *out, size_t size)
{
    const struct respuesta *ultima = NULL;
    char texto[ANUNCIO_TEXTO_COLS * 4 + 1], quien[256];
    size_t nuevas = 0;

    for (size_t i = 0; i < n; i++) {
        if (rows[i].id <= visto)
            continue;
        nuevas++;
        if (ultima == NULL || rows[i].id > ultima->id)
            ultima = &rows[i];
    }
    if (ultima == NULL || size == 0)
        return false;
    vm_clip(texto, (int)sizeof texto, ultima->texto, ANUNCIO_TEXTO_COLS, vm_ellipsis());
    if (m->ver_promotor && ultima->promotor[0] != '\0')
        snprintf(quien, sizeof quien, "%s (%s)", ultima->cliente, ultima->promotor);
    else
        snprintf(quien, sizeof quien, "%s", ultima->cliente);
    if (nuevas == 1)
        snprintf(out, size, "Nueva respuesta de %s: «%s»", quien, texto);
    else
        snprintf(out, size, "%zu respuestas nuevas; la última, de %s: «%s»", nuevas, quien, texto);
    return true;
}

bool
respuestas_model_take(struct respuestas_model *m, struct respuesta *rows, size_t n, char *anuncio,
                      size_t size)
{
    int64_t antes = respuestas_model_selected(m), visto = m->visto;
    bool dicho = false;

    for (size_t i = 0; i < n; i++)
        if (rows[i].id > m->visto)
            m->visto = rows[i].id;
    if (m->loaded)
        dicho = anunciar(m, rows, n, visto, anuncio, size);
    free(m->filas);
    m->total = n;
    m->n = agrupar(rows, n);
    m->filas = rows;
    m->loaded = true;
    m->error[0] = '\0';
    m->cur = 0;
    for (size_t i = 0; i < m->n && antes != 0; i++)
        if (m->filas[i].oportunidad_id == antes)
            m->cur = (int)i;
    return dicho;
}

bool
respuestas_model_move(struct respuestas_model *m, enum action act, int page)
{
    int last = m->n > 0 ? (int)m->n - 1 : 0;

    if (act == ACTION_UP)
        m->cur--;
    else if (act == ACTION_DOWN)
        m->cur++;
    else if (act == ACTION_PAGE_UP)
        m->cur -= page > 1 ? page : 1;
    else if (act == ACTION_PAGE_DOWN)
        m->cur += page > 1 ? page : 1;
    else if (act == ACTION_TOP)
        m->cur = 0;
    else if (act == ACTION_BOTTOM)
        m->cur = last;
    else
        return false;
    if (m->cur > last)
        m->cur = last;
    if (m->cur < 0)
        m->cur = 0;
    return true;
}

const char *
respuestas_edad(char *buf, size_t size, long long edad_s)
{
    if (edad_s < 60)
        snprintf(buf, size, "ahora");
    else if (edad_s < 3600)
        snprintf(buf, size, "hace %lld min", edad_s / 60);
    else if (edad_s < 86400)
        snprintf(buf, size, "hace %lld h", edad_s / 3600);
    else
        snprintf(buf, size, "hace %lld d", edad_s / 86400);
    return buf;
}

/* Where each column starts for a pane width columns wide, from x. */
struct cols {
    int cli, prom, et, edad, txt, end;
};

static void
cols_compute(struct cols *c, int x, int width, bool ver_promotor)
{
    bool wide = width >= 120;

    c->end = width - 1;
    c->cli = x;
    c->prom = c->cli + (wide ? 30 : ver_promotor ? 18 : 22);
    c->et = c->prom + (ver_promotor ? (wide ? 12 : 9) : 0);
    c->edad = c->et + (wide ? 16 : 12);
    c->txt = c->edad + EDAD_W + 1;
}

/* A cell: text clipped one column short of the next cell, and never past end. */
static void
cell(struct vm_line *l, int from, int to, int end, enum vm_role role, const char *text)
{
    if (to - 1 > end)
        to = end + 1;
    if (from < to)
        vm_line_put(l, from, to - 1, role, text);
}

static void
put_fila(struct vm_line *l, const struct respuestas_model *m, int i, const struct cols *c)
{
    const struct respuesta *r = &m->filas[i];
    bool sel = i == m->cur;
    enum vm_role base = sel ? ROLE_CURSOR : ROLE_TEXT;
    char edad[32], mas[24], texto[VM_SPAN_BYTES], quote[VM_SPAN_BYTES + 8];
    int x;

    if (sel)
        vm_line_init(l, ROLE_CURSOR);
    cell(l, c->cli, c->prom, c->end, base, r->cliente); /* prom = et without the column */
    if (m->ver_promotor)
        cell(l, c->prom, c->et, c->end, sel ? base : ROLE_MUTED, r->promotor);
    cell(l, c->et, c->edad, c->end, sel ? base : ROLE_LABEL, r->etapa);
    respuestas_edad(edad, sizeof edad, r->edad_s);
    cell(l, c->edad, c->txt, c->end,
         sel                    ? base
         : r->edad_s >= TARDE_S ? ROLE_TIMER_LATE
                                : ROLE_MUTED,
         edad);
    if (c->txt >= c->end)
        return;
    mas[0] = '\0';
    if (r->mas > 0)
        snprintf(mas, sizeof mas, " +%d", r->mas);
    /* Clipped inside the «» so the closing one always shows, and the count after it. */
    vm_clip(texto, (int)sizeof texto, r->texto, c->end - c->txt - vm_text_width(mas) - 2,
            vm_ellipsis());
    snprintf(quote, sizeof quote, "«%s»", texto);
    x = vm_line_put(l, c->txt, c->end, sel ? base : ROLE_VALUE, quote);
    if (mas[0] != '\0')
        vm_line_put(l, x, c->end, sel ? base : ROLE_MUTED, mas);
}

int
respuestas_vm_put(struct vm_line *lines, int top, int h, int x, int width,
                  struct respuestas_model *m)
{
    struct cols c;
    char buf[96];
    int y = top, rows, shown, head_end;

    if (h <= 0)
        return 0;
    if (m->loaded)
        snprintf(buf, sizeof buf, "Respuestas por atender (%zu)", m->total);
    else
        snprintf(buf, sizeof buf, "Respuestas por atender");
    head_end = vm_line_put(&lines[y++], x, width - 1, ROLE_HEADING, buf);
    rows = h - 1 - (m->error[0] != '\0' ? 1 : 0);
    if (!m->loaded || m->n == 0) {
        if (y < top + h && m->loaded)
            vm_line_put(&lines[y++], x, width - 1, ROLE_MUTED,
                        "Ninguna por ahora: cuando un cliente conteste una campaña, aparece aquí.");
        else if (y < top + h && m->error[0] == '\0')
            vm_line_put(&lines[y++], x, width - 1, ROLE_MUTED, "Consultando las respuestas…");
    } else if (rows > 0) {
        m->top = scroll_keep(m->top, m->cur, rows, (int)m->n);
        shown = (int)m->n - m->top < rows ? (int)m->n - m->top : rows;
        snprintf(buf, sizeof buf, "%d%s%d de %zu", m->top + 1, m->ascii ? "-" : "–", m->top + shown,
                 m->n);
        if (shown < (int)m->n && width - 1 - vm_text_width(buf) > head_end)
            vm_line_put(&lines[top], width - 1 - vm_text_width(buf), width - 1, ROLE_MUTED, buf);
        cols_compute(&c, x, width, m->ver_promotor);
        for (int i = 0; i < shown; i++, y++) {
            put_fila(&lines[y], m, m->top + i, &c);
            lines[y].item = m->top + i + 1; /* a click there selects it */
        }
    }
    if (m->error[0] != '\0' && y < top + h)
        vm_line_put(&lines[y++], x, width - 1, ROLE_ERROR, m->error);
    return y - top;
}
