#include "ui/vm/embudo_vm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/baja_padron.h"
#include "ui/vm/no_contactar_vm.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

enum {
    COL_W_MIN = 24, /* a kanban column narrower than this shows too little of a name */
    FOOTER_H = 1,
};

/* ---- timers ------------------------------------------------------------------------- */

enum timer_estado
timer_estado_de(bool con_timer, double restante, double total, double aviso_pct)
{
    if (!con_timer)
        return TIMER_NINGUNO;
    if (restante <= 0)
        return TIMER_VENCIDO;
    if (total > 0 && (total - restante) * 100.0 >= aviso_pct * total)
        return TIMER_AVISO;
    return TIMER_OK;
}

void
timer_label(char *buf, size_t bufsz, enum timer_estado st, double restante)
{
    double h = fabs(restante);
    long mins = (long)floor(h * 3600.0 + 0.5) / 60;
    long hh = mins / 60, mm = mins % 60;

    switch (st) {
    case TIMER_NINGUNO:
        snprintf(buf, bufsz, "sin timer");
        return;
    case TIMER_VENCIDO:
        if (hh > 0)
            snprintf(buf, bufsz, "vencida hace %ld h %02ld m", hh, mm);
        else
            snprintf(buf, bufsz, "vencida hace %ld m", mm);
        return;
    case TIMER_OK:
    case TIMER_AVISO:
    case TIMER_PAUSADO:
        break;
    }
    if (hh > 0)
        snprintf(buf, bufsz, "%s%ld h %02ld m hábiles", st == TIMER_PAUSADO ? "en pausa · " : "",
                 hh, mm);
    else
        snprintf(buf, bufsz, "%s%ld m hábiles", st == TIMER_PAUSADO ? "en pausa · " : "", mm);
}

enum timer_estado
embudo_card_timer(const struct embudo_card *c)
{
    return c->pausada ? TIMER_PAUSADO
                      : timer_estado_de(c->con_timer, c->restante, c->timer_horas, c->aviso_pct);
}

const char *
timer_glyph(enum timer_estado st)
{
    switch (st) {
    case TIMER_OK:
        return "●";
    case TIMER_AVISO:
        return "◐";
    case TIMER_VENCIDO:
        return "○";
    case TIMER_PAUSADO:
        return "‖";
    case TIMER_NINGUNO:
        break;
    }
    return "·";
}

enum vm_role
timer_role(enum timer_estado st)
{
    switch (st) {
    case TIMER_OK:
        return ROLE_TIMER_OK;
    case TIMER_AVISO:
        return ROLE_TIMER_WARN;
    case TIMER_VENCIDO:
        return ROLE_TIMER_LATE;
    case TIMER_PAUSADO:
    case TIMER_NINGUNO:
        break;
    }
    return ROLE_MUTED;
}

/* ---- folding for the filter --------------------------------------------------------- */

char *
embudo_fold(char *buf, size_t bufsz, const char *s)
{
    static const char latin1[] = "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
    size_t o = 0;
    const unsigned char *u = (const unsigned char *)s;

    while (*u != '\0' && o + 1 < bufsz) {
        if (u[0] < 0x80) {
            buf[o++] = (char)(u[0] >= 'A' && u[0] <= 'Z' ? u[0] + 32 : u[0]);
            u++;
        } else if ((u[0] == 0xc3) && u[1] >= 0x80 && u[1] <= 0xbf) {
            /* U+00C0..U+00FF: both cases fold to the same ASCII letter. */
            unsigned cp = 0xc0u + ((u[1] - 0x80u) & 0x3fu);

            buf[o++] = cp >= 0xc0 ? latin1[(cp - 0xc0) & 0x1f] : '?';
            u += 2;
        } else {
            buf[o++] = '?';
            u++;
            while ((*u & 0xc0) == 0x80)
                u++;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* ---- model -------------------------------------------------------------------------- */

void
embudo_model_init(struct embudo_model *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->scope, sizeof m->scope, "Mi embudo");
}

void
embudo_model_fini(struct embudo_model *m)
{
    free(m->cards);
    free(m->idx);
    m->cards = NULL;
    m->idx = NULL;
    m->ncards = m->nidx = 0;
}

void
embudo_model_set_stages(struct embudo_model *m, const struct embudo_stage *st, int n)
{
    m->nstages = n < EMBUDO_MAX_STAGES ? n : EMBUDO_MAX_STAGES;
    for (int i = 0; i < m->nstages; i++)
        m->stages[i] = st[i];
    if (m->col >= m->nstages)
        m->col = m->nstages > 0 ? m->nstages - 1 : 0;
}

const char *
embudo_sort_name(enum embudo_sort s)
{
    switch (s) {
    case EMBUDO_SORT_VENCE:
        return "vencimiento";
    case EMBUDO_SORT_CLIENTE:
        return "cliente";
    case EMBUDO_SORT_ANTIGUEDAD:
        return "antigüedad";
    case EMBUDO_SORTS:
        break;
    }
    return "";
}

static int
stage_index(const struct embudo_model *m, int etapa_id)
{
    for (int i = 0; i < m->nstages; i++)
        if (m->stages[i].id == etapa_id)
            return i;
    return -1;
}

/* qsort has no context argument: the model being sorted (loop thread only). */
static const struct embudo_model *sort_model;

static int
card_cmp(const void *pa, const void *pb)
{
    const struct embudo_card *a = &sort_model->cards[*(const size_t *)pa];
    const struct embudo_card *b = &sort_model->cards[*(const size_t *)pb];
    int sa = stage_index(sort_model, a->etapa_id), sb = stage_index(sort_model, b->etapa_id);
    int c = 0;

    if (sa != sb)
        return sa < sb ? -1 : 1;
    switch (sort_model->sort) {
    case EMBUDO_SORT_VENCE:
        if (a->con_timer != b->con_timer)
            return a->con_timer ? -1 : 1;
        c = a->restante < b->restante ? -1 : a->restante > b->restante ? 1 : 0;
        break;
    case EMBUDO_SORT_CLIENTE:
        c = strcoll(a->cliente, b->cliente);
        break;
    case EMBUDO_SORT_ANTIGUEDAD:
        c = a->etapa_desde < b->etapa_desde ? -1 : a->etapa_desde > b->etapa_desde ? 1 : 0;
        break;
    case EMBUDO_SORTS:
        break;
    }
    if (c != 0)
        return c;
    return a->id < b->id ? -1 : a->id > b->id ? 1 : 0;
}

static bool
card_matches(const struct embudo_card *c, const char *needle)
{
    char hay[sizeof c->cliente + sizeof c->convenio + sizeof c->login + 40];
    char folded[sizeof hay];

    if (needle[0] == '\0')
        return true;
    /* "/no contactar" finds the cards that carry the tag. */
    snprintf(hay, sizeof hay, "%s %s %s%s%s", c->cliente, c->convenio, c->login,
             c->no_contactar ? " no contactar" : "", c->baja_padron ? " baja del padron" : "");
    return strstr(embudo_fold(folded, sizeof folded, hay), needle) != NULL;
}

/* Rebuilds idx/start from cards, filter and sort. */
static void
model_index(struct embudo_model *m)
{
    char needle[sizeof m->filter];
    size_t k = 0;

    embudo_fold(needle, sizeof needle, m->filter);
    free(m->idx);
    m->idx = xcalloc(m->ncards > 0 ? m->ncards : 1, sizeof *m->idx);
    for (size_t i = 0; i < m->ncards; i++)
        if (stage_index(m, m->cards[i].etapa_id) >= 0 && card_matches(&m->cards[i], needle))
            m->idx[k++] = i;
    m->nidx = k;
    sort_model = m;
    qsort(m->idx, k, sizeof *m->idx, card_cmp);
    sort_model = NULL;
    k = 0;
    for (int s = 0; s <= m->nstages; s++) {
        while (s < m->nstages && k < m->nidx && stage_index(m, m->cards[m->idx[k]].etapa_id) < s)
            k++;
        m->start[s] = k;
    }
    m->start[m->nstages] = m->nidx;
}

static int
stage_count(const struct embudo_model *m, int s)
{
    return (int)(m->start[s + 1] - m->start[s]);
}

static int
clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Keeps every cursor inside its column / the list. */
static void
model_clamp(struct embudo_model *m)
{
    for (int s = 0; s < m->nstages; s++)
        m->cur[s] = clampi(m->cur[s], 0, stage_count(m, s) > 0 ? stage_count(m, s) - 1 : 0);
    m->lcur = clampi(m->lcur, 0, m->nidx > 0 ? (int)m->nidx - 1 : 0);
    m->col = clampi(m->col, 0, m->nstages > 0 ? m->nstages - 1 : 0);
}

/* Puts the cursor(s) on opportunity id when it is visible. */
static void
model_seek(struct embudo_model *m, int64_t id)
{
    for (size_t k = 0; k < m->nidx; k++) {
        const struct embudo_card *c = &m->cards[m->idx[k]];
        int s;

        if (c->id != id)
            continue;
        s = stage_index(m, c->etapa_id);
        m->lcur = (int)k;
        if (s >= 0) {
            m->col = s;
            m->cur[s] = (int)(k - m->start[s]);
        }
        return;
    }
}

void
embudo_model_take_cards(struct embudo_model *m, struct embudo_card *cards, size_t n)
{
    const struct embudo_card *sel = embudo_model_selected(m);
    int64_t keep = sel != NULL ? sel->id : 0;

    free(m->cards);
    m->cards = cards;
    m->ncards = n;
    m->loaded = true;
    model_index(m);
    model_clamp(m);
    if (keep != 0)
        model_seek(m, keep);
}

const struct embudo_card *
embudo_model_selected(const struct embudo_model *m)
{
    size_t k;

    if (m->idx == NULL || m->nidx == 0)
        return NULL;
    if (m->list) {
        k = (size_t)m->lcur;
    } else {
        if (m->col >= m->nstages || stage_count(m, m->col) == 0)
            return NULL;
        k = m->start[m->col] + (size_t)m->cur[m->col];
    }
    return k < m->nidx ? &m->cards[m->idx[k]] : NULL;
}

bool
list_movement(enum action a)
{
    return a == ACTION_UP || a == ACTION_DOWN || a == ACTION_PAGE_UP || a == ACTION_PAGE_DOWN ||
           a == ACTION_TOP || a == ACTION_BOTTOM;
}

bool
list_cursor_move(int *cur, int count, enum action a, int page)
{
    int before = *cur, step = page > 1 ? page : 1;

    if (count <= 0)
        return false;
    if (a == ACTION_UP)
        (*cur)--;
    else if (a == ACTION_DOWN)
        (*cur)++;
    else if (a == ACTION_PAGE_UP)
        *cur -= step;
    else if (a == ACTION_PAGE_DOWN)
        *cur += step;
    else if (a == ACTION_TOP)
        *cur = 0;
    else if (a == ACTION_BOTTOM)
        *cur = count - 1;
    else
        return false;
    *cur = clampi(*cur, 0, count - 1);
    return *cur != before;
}

static bool
model_view_action(struct embudo_model *m, enum action a)
{
    const struct embudo_card *sel = embudo_model_selected(m);
    int64_t keep = sel != NULL ? sel->id : 0;

    if (a == ACTION_TOGGLE_VIEW) {
        m->list = !m->list;
    } else if (a == ACTION_SORT) {
        m->sort = (enum embudo_sort)((m->sort + 1) % EMBUDO_SORTS);
        model_index(m);
    } else if (a == ACTION_FILTER) {
        m->filtering = true;
        return true;
    } else if (a == ACTION_BACK) {
        if (m->filter[0] == '\0' && !m->filtering)
            return false;
        m->filter[0] = '\0';
        m->filtering = false;
        model_index(m);
    } else {
        return false;
    }
    model_clamp(m);
    if (keep != 0)
        model_seek(m, keep);
    return true;
}

bool
embudo_model_action(struct embudo_model *m, enum action a, int page)
{
    int before = m->col;

    if (model_view_action(m, a))
        return true;
    if (m->list)
        return list_cursor_move(&m->lcur, (int)m->nidx, a, page);
    if (a == ACTION_LEFT || a == ACTION_RIGHT) {
        m->col =
            clampi(m->col + (a == ACTION_LEFT ? -1 : 1), 0, m->nstages > 0 ? m->nstages - 1 : 0);
        return m->col != before;
    }
    if (m->nstages == 0)
        return false;
    return list_cursor_move(&m->cur[m->col], stage_count(m, m->col), a, page);
}

/* Removes the last UTF-8 character of s. */
static void
drop_last_char(char *s)
{
    size_t n = strlen(s);

    while (n > 0) {
        n--;
        if (((unsigned char)s[n] & 0xc0) != 0x80)
            break;
    }
    s[n] = '\0';
}

/* Appends code point cp to s (size sz) as UTF-8 when it fits whole. */
static void
append_cp(char *s, size_t sz, uint32_t cp)
{
    char u[4];
    size_t len = strlen(s), n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    if (len + n + 1 > sz)
        return;
    memcpy(s + len, u, n);
    s[len + n] = '\0';
}

bool
embudo_model_filter_key(struct embudo_model *m, const struct key *k)
{
    if (!m->filtering)
        return false;
    if (k->kind == KK_ENTER) {
        m->filtering = false;
        return true;
    }
    if (k->kind == KK_ESC)
        return model_view_action(m, ACTION_BACK);
    if (k->kind == KK_CHAR)
        append_cp(m->filter, sizeof m->filter, k->ch);
    else if (k->kind == KK_BACKSPACE)
        drop_last_char(m->filter);
    else
        return false;
    model_index(m);
    model_clamp(m);
    m->ltop = 0;
    for (int s = 0; s < m->nstages; s++)
        m->top[s] = 0;
    return true;
}

void
embudo_model_set_filter(struct embudo_model *m, const char *text)
{
    snprintf(m->filter, sizeof m->filter, "%s", text);
    m->filtering = false;
    model_index(m);
    model_clamp(m);
}

/* ---- view-model --------------------------------------------------------------------- */

static struct vm_line *
line_at(struct embudo_vm *vm, int y)
{
    return y >= 0 && y < vm->nlines ? &vm->lines[y] : NULL;
}

/* text padded with blanks to cols columns (so a cursor role covers the whole cell). */
static void
pad_to(char *buf, size_t bufsz, const char *text, int cols)
{
    char clipped[VM_SPAN_BYTES];
    int w = vm_clip(clipped, (int)sizeof clipped, text, cols, vm_ellipsis());
    size_t len = strlen(clipped);

    snprintf(buf, bufsz, "%s", clipped);
    for (; w < cols && len + 1 < bufsz; w++)
        buf[len++] = ' ';
    buf[len] = '\0';
}

/* Like pad_to, but the text keeps one blank before the next cell. */
static void
pad_cell(char *buf, size_t bufsz, const char *text, int cols)
{
    char clipped[VM_SPAN_BYTES];

    vm_clip(clipped, (int)sizeof clipped, text, cols - 1, vm_ellipsis());
    pad_to(buf, bufsz, clipped, cols);
}

/* Scrolls *top so cur is on screen with rows visible. */
static void
scroll_into_view(int *top, int cur, int rows, int count)
{
    if (rows <= 0)
        return;
    if (cur < *top)
        *top = cur;
    if (cur >= *top + rows)
        *top = cur - rows + 1;
    if (*top > count - rows)
        *top = count - rows;
    if (*top < 0)
        *top = 0;
}

/* The timer's glyph + label, e.g. "● 3 h 20 m hábiles". */
static const char *
glyph(const struct embudo_model *m, const char *utf8, const char *ascii)
{
    return m->ascii ? ascii : utf8;
}

static enum vm_role
card_timer(const struct embudo_model *m, const struct embudo_card *c, char *buf, size_t bufsz)
{
    enum timer_estado st = embudo_card_timer(c);
    char label[64];

    if (c->estado == EMBUDO_GANADA) {
        snprintf(buf, bufsz, "%s venta", glyph(m, "✓", "+"));
        return ROLE_TIMER_OK;
    }
    if (c->estado == EMBUDO_EN_BANDEJA) {
        snprintf(buf, bufsz, "%s en bandeja", glyph(m, "▪", "#"));
        return ROLE_MUTED;
    }
    timer_label(label, sizeof label, st, c->restante);
    snprintf(buf, bufsz, "%s %s", timer_glyph(st), label);
    return timer_role(st);
}

/*
 * The client as the cell names it: «✉ Ana» when a reply of theirs waits to be attended, «⚠
 * Ana» when the lender dropped them (sql/091), «✉ ⚠ Ana» both.
 */
static const char *
cliente_txt(char *buf, size_t bufsz, const struct embudo_model *m, const struct embudo_card *c)
{
    size_t lo = 0, hi = m->nrespuestas;
    bool resp;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (m->respuestas[mid] < c->id)
            lo = mid + 1;
        else
            hi = mid;
    }
    resp = lo < m->nrespuestas && m->respuestas[lo] == c->id;
    if (!resp && !c->baja_padron)
        return c->cliente;
    snprintf(buf, bufsz, "%s%s%s%s", resp ? glyph(m, "✉", "@") : "", resp ? " " : "",
             c->baja_padron ? baja_padron_glyph(m->ascii) : "", c->baja_padron ? " " : "");
    snprintf(buf + strlen(buf), bufsz - strlen(buf), "%s", c->cliente);
    return buf;
}

/*
 * The client's name in the cell [x, x + w), padded; a card in the do-not-contact registry
 * gives the cell's end to its tag (the words, or the glyph when the cell is narrow).
 */
static void
put_cliente(struct vm_line *l, const struct embudo_model *m, const struct embudo_card *c, int x,
            int w, enum vm_role role)
{
    char cell[VM_SPAN_BYTES], nombre[VM_SPAN_BYTES];
    const char *tag, *cliente = cliente_txt(nombre, sizeof nombre, m, c);
    int nw, col;

    if (!c->no_contactar) {
        pad_to(cell, sizeof cell, cliente, w);
        vm_line_put(l, x, x + w, role, cell);
        return;
    }
    nw = no_contactar_cell(w, m->ascii, &tag);
    pad_to(cell, sizeof cell, cliente, nw);
    col = vm_line_put(l, x, x + nw, role, cell);
    if (role == ROLE_CURSOR) /* the blank between them keeps the cursor's colour */
        vm_line_put(l, col, col + 1, ROLE_CURSOR, " ");
    pad_to(cell, sizeof cell, tag, x + w - col - 1);
    vm_line_put(l, col + 1, x + w, role == ROLE_CURSOR ? ROLE_CURSOR : ROLE_ERROR, cell);
}

/* One kanban card: two rows at (y, x), w columns. */
static void
put_card(struct embudo_vm *vm, const struct embudo_model *m, const struct embudo_card *c, int y,
         int x, int w, bool selected)
{
    char buf[VM_SPAN_BYTES], cell[VM_SPAN_BYTES], timer[96];
    enum vm_role tr = card_timer(m, c, timer, sizeof timer);
    struct vm_line *l = line_at(vm, y);
    int col;

    if (l != NULL)
        put_cliente(l, m, c, x, w, selected ? ROLE_CURSOR : ROLE_TEXT);
    if ((l = line_at(vm, y + 1)) == NULL)
        return;
    if (m->show_owner)
        snprintf(buf, sizeof buf, "%s·%s ", c->convenio, c->login);
    else
        snprintf(buf, sizeof buf, "%s ", c->convenio[0] != '\0' ? c->convenio : "—");
    col = vm_line_put(l, x, x + w, selected ? ROLE_CURSOR : ROLE_MUTED, buf);
    pad_to(cell, sizeof cell, timer, x + w - col);
    vm_line_put(l, col, x + w, selected ? ROLE_CURSOR : tr, cell);
}

/* How many stage columns fit, and which is first, so the focused one is visible. */
static int
columns_fit(struct embudo_model *m, int width, int *colw)
{
    int nv = width / COL_W_MIN;

    if (nv < 1)
        nv = 1;
    if (nv > m->nstages)
        nv = m->nstages;
    if (m->col < m->first_col)
        m->first_col = m->col;
    if (m->col >= m->first_col + nv)
        m->first_col = m->col - nv + 1;
    if (m->first_col > m->nstages - nv)
        m->first_col = m->nstages - nv;
    if (m->first_col < 0)
        m->first_col = 0;
    *colw = nv > 0 ? width / nv : width;
    return nv;
}

static void
put_column(struct embudo_vm *vm, struct embudo_model *m, int s, int x, int w, int rows)
{
    char head[VM_SPAN_BYTES], cnt[32];
    bool focused = s == m->col;
    int count = stage_count(m, s), per = (rows - 1) / 2; /* row 0 is the header */
    struct vm_line *l = line_at(vm, 0);

    snprintf(head, sizeof head, "%s%s · %s", m->stages[s].salida ? glyph(m, "⇥ ", "> ") : "",
             m->stages[s].nombre, vm_fmt_count(cnt, sizeof cnt, count));
    if (l != NULL) {
        char cell[VM_SPAN_BYTES];

        pad_to(cell, sizeof cell, head, w - 1);
        vm_line_put(l, x, x + w - 1, focused ? ROLE_CURSOR : ROLE_HEADING, cell);
    }
    scroll_into_view(&m->top[s], m->cur[s], per, count);
    for (int i = 0; i < per && m->top[s] + i < count; i++) {
        size_t k = m->start[s] + (size_t)(m->top[s] + i);

        put_card(vm, m, &m->cards[m->idx[k]], 1 + 2 * i, x, w - 1,
                 focused && m->top[s] + i == m->cur[s]);
    }
    if (count == 0 && (l = line_at(vm, 1)) != NULL)
        vm_line_put(l, x, x + w - 1, ROLE_MUTED, "(vacía)");
}

static void
build_kanban(struct embudo_vm *vm, struct embudo_model *m, int rows)
{
    int colw, nv = columns_fit(m, vm->width, &colw);

    vm->page = (rows - 1) / 2 > 0 ? (rows - 1) / 2 : 1;
    for (int i = 0; i < nv; i++)
        put_column(vm, m, m->first_col + i, i * colw, colw, rows);
    m->visible_cols = nv;
}

/* Where the list view's columns start and how wide they are, for a width. */
struct list_cols {
    int cli, cliw, conv, et, etw, tim, timw, own;
};

static void
list_cols_compute(struct list_cols *c, int w, bool owner)
{
    c->etw = w >= 120 ? 16 : 12;
    c->timw = w >= 120 ? 26 : 21;
    c->cli = 0;
    c->cliw = w - (9 + c->etw + 1 + c->timw + (owner ? 13 : 0));
    if (c->cliw > 48)
        c->cliw = 48;
    if (c->cliw < 12)
        c->cliw = 12;
    c->conv = c->cliw + 1;
    c->et = c->conv + 9;
    c->tim = c->et + c->etw + 1;
    c->own = c->tim + c->timw + 1;
}

/* List view: one row per card. */
static void
put_list_row(struct embudo_vm *vm, const struct embudo_model *m, const struct embudo_card *c, int y,
             bool selected)
{
    struct vm_line *l = line_at(vm, y);
    struct list_cols lc;
    char cell[VM_SPAN_BYTES], timer[96];
    enum vm_role tr = card_timer(m, c, timer, sizeof timer);
    enum vm_role base = selected ? ROLE_CURSOR : ROLE_TEXT;
    int s = stage_index(m, c->etapa_id), w = vm->width;

    if (l == NULL)
        return;
    list_cols_compute(&lc, w, m->show_owner);
    if (c->no_contactar) {
        put_cliente(l, m, c, lc.cli, lc.conv - 1, base);
        if (selected) /* the blank before the next column keeps the cursor's colour */
            vm_line_put(l, lc.conv - 1, lc.conv, base, " ");
    } else {
        char nombre[VM_SPAN_BYTES];

        pad_cell(cell, sizeof cell, cliente_txt(nombre, sizeof nombre, m, c), lc.conv);
        vm_line_put(l, lc.cli, w, base, cell);
    }
    pad_cell(cell, sizeof cell, c->convenio, lc.et - lc.conv);
    vm_line_put(l, lc.conv, w, selected ? base : ROLE_MUTED, cell);
    pad_cell(cell, sizeof cell, s >= 0 ? m->stages[s].nombre : "", lc.tim - lc.et);
    vm_line_put(l, lc.et, w, base, cell);
    pad_cell(cell, sizeof cell, timer, m->show_owner ? lc.own - lc.tim : w - lc.tim);
    vm_line_put(l, lc.tim, w, selected ? base : tr, cell);
    if (m->show_owner) {
        pad_cell(cell, sizeof cell, c->login, w - lc.own);
        vm_line_put(l, lc.own, w, selected ? base : ROLE_MUTED, cell);
    }
}

static void
build_list(struct embudo_vm *vm, struct embudo_model *m, int rows)
{
    struct vm_line *l = line_at(vm, 0);
    struct list_cols lc;

    list_cols_compute(&lc, vm->width, m->show_owner);
    vm->page = rows - 1 > 0 ? rows - 1 : 1;
    if (l != NULL) {
        vm_line_put(l, lc.cli, lc.conv - 1, ROLE_HEADING, "Cliente");
        vm_line_put(l, lc.conv, lc.et - 1, ROLE_HEADING, "Conv.");
        vm_line_put(l, lc.et, lc.tim - 1, ROLE_HEADING, "Etapa");
        vm_line_put(l, lc.tim, m->show_owner ? lc.own - 1 : vm->width, ROLE_HEADING, "Tiempo");
        if (m->show_owner)
            vm_line_put(l, lc.own, vm->width, ROLE_HEADING, "Promotor");
    }
    scroll_into_view(&m->ltop, m->lcur, rows - 1, (int)m->nidx);
    for (int i = 0; i < rows - 1 && m->ltop + i < (int)m->nidx; i++) {
        put_list_row(vm, m, &m->cards[m->idx[m->ltop + i]], 1 + i, m->ltop + i == m->lcur);
        if ((l = line_at(vm, 1 + i)) != NULL)
            l->item = m->ltop + i + 1;
    }
}

/* The last row: filter, sort, count. */
static void
build_footer(struct embudo_vm *vm, const struct embudo_model *m, int y)
{
    struct vm_line *l = line_at(vm, y);
    char buf[VM_SPAN_BYTES], cnt[32], tot[32];
    int x = 0;

    if (l == NULL)
        return;
    if (m->error[0] != '\0') {
        vm_line_put(l, 0, vm->width, ROLE_ERROR, m->error);
        return;
    }
    if (m->filtering || m->filter[0] != '\0') {
        snprintf(buf, sizeof buf, "/%s%s ", m->filter, m->filtering ? glyph(m, "▏", "_") : "");
        x = vm_line_put(l, 0, vm->width, m->filtering ? ROLE_CURSOR : ROLE_VALUE, buf);
    }
    snprintf(buf, sizeof buf, "%s · %s de %s · orden: %s", m->scope,
             vm_fmt_count(cnt, sizeof cnt, (long long)m->nidx),
             vm_fmt_count(tot, sizeof tot, (long long)m->ncards), embudo_sort_name(m->sort));
    x = vm_line_put(l, x, vm->width, ROLE_MUTED, buf);
    if (!m->list && m->visible_cols > 0 && m->visible_cols < m->nstages) {
        snprintf(buf, sizeof buf, " · etapas %d–%d de %d", m->first_col + 1,
                 m->first_col + m->visible_cols, m->nstages);
        vm_line_put(l, x, vm->width, ROLE_MUTED, buf);
    }
}

static void
build_empty(struct embudo_vm *vm, const struct embudo_model *m)
{
    struct vm_line *l = line_at(vm, 1);

    if (l == NULL)
        return;
    if (!m->loaded)
        vm_line_put(l, 1, vm->width, ROLE_MUTED, "Consultando la base de datos…");
    else if (m->ncards == 0)
        vm_line_put(l, 1, vm->width, ROLE_MUTED,
                    "No hay oportunidades abiertas. Pide un lote en Asignación.");
    else
        vm_line_put(l, 1, vm->width, ROLE_MUTED, "Ninguna oportunidad coincide con el filtro.");
}

void
embudo_vm_build(struct embudo_vm *vm, struct embudo_model *m, int width, int height)
{
    int rows = height - FOOTER_H;

    vm->width = width;
    vm->height = height;
    vm->nlines = height < EMBUDO_VM_LINES ? (height > 0 ? height : 0) : EMBUDO_VM_LINES;
    vm->page = 1;
    m->visible_cols = 0;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if (vm->nlines == 0 || width <= 0)
        return;
    if (rows >= 2 && m->nstages > 0 && m->nidx > 0) {
        if (m->list)
            build_list(vm, m, rows);
        else
            build_kanban(vm, m, rows);
    } else if (rows >= 2) {
        build_empty(vm, m);
    }
    build_footer(vm, m, vm->nlines - 1);
}

bool
embudo_vm_click(const struct embudo_vm *vm, struct embudo_model *m, int y, int x)
{
    int colw, s, card;

    if (y < 0 || y >= vm->nlines - FOOTER_H || x < 0 || m->nidx == 0)
        return false;
    if (m->list) {
        if (vm->lines[y].item <= 0)
            return false;
        m->lcur = vm->lines[y].item - 1;
        return true;
    }
    if (m->visible_cols <= 0) /* the last build drew no columns */
        return false;
    colw = vm->width / m->visible_cols;
    s = m->first_col + x / colw;
    if (x / colw >= m->visible_cols || s >= m->nstages)
        return false;
    m->col = s; /* the header, or below the last card: the column */
    card = y >= 1 && (y - 1) / 2 < vm->page ? m->top[s] + (y - 1) / 2 : -1;
    if (card < 0 || card >= stage_count(m, s))
        return false;
    m->cur[s] = card;
    return true;
}

char *
embudo_vm_dump(const struct embudo_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
