#include "ui/vm/bandeja_vm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/baja_padron.h"
#include "core/intento.h"
#include "ui/vm/embudo_vm.h"
#include "ui/vm/no_contactar_vm.h"

enum { FOOTER_H = 1, HEAD_H = 1 };

void
bandeja_model_init(struct bandeja_model *m)
{
    memset(m, 0, sizeof *m);
}

void
bandeja_model_fini(struct bandeja_model *m)
{
    free(m->filas);
    free(m->promotores);
    free(m->prorrogas);
    m->filas = NULL;
    m->promotores = NULL;
    m->prorrogas = NULL;
    m->nfilas = m->npromotores = m->nprorrogas = 0;
}

/* With no exits the cursor can only be in the prórrogas; with none of those, in the exits. */
static void
focus_fix(struct bandeja_model *m)
{
    if (m->nprorrogas == 0)
        m->en_prorrogas = false;
    else if (m->nfilas == 0)
        m->en_prorrogas = true;
}

static int
fila_find(const struct bandeja_fila *v, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id)
            return (int)i;
    return -1;
}

void
bandeja_model_take(struct bandeja_model *m, struct bandeja_fila *filas, size_t n)
{
    int64_t keep = m->nfilas > 0 && m->cur < (int)m->nfilas ? m->filas[m->cur].id : 0;
    int at;

    for (size_t i = 0; i < n; i++) {
        at = fila_find(m->filas, m->nfilas, filas[i].id);
        filas[i].tagged = at >= 0 && m->filas[at].tagged;
    }
    free(m->filas);
    m->filas = filas;
    m->nfilas = n;
    m->loaded = true;
    m->error[0] = '\0';
    at = keep != 0 ? fila_find(filas, n, keep) : -1;
    if (at >= 0)
        m->cur = at;
    if (m->cur >= (int)n)
        m->cur = n > 0 ? (int)n - 1 : 0;
    focus_fix(m);
}

void
bandeja_model_take_prorrogas(struct bandeja_model *m, struct bandeja_prorroga *p, size_t n)
{
    int64_t keep = m->pcur < (int)m->nprorrogas ? m->prorrogas[m->pcur].id : 0;

    free(m->prorrogas);
    m->prorrogas = p;
    m->nprorrogas = n;
    for (size_t i = 0; i < n; i++)
        if (p[i].id == keep)
            m->pcur = (int)i;
    if (m->pcur >= (int)n)
        m->pcur = n > 0 ? (int)n - 1 : 0;
    focus_fix(m);
}

const struct bandeja_prorroga *
bandeja_model_prorroga(const struct bandeja_model *m)
{
    return m->en_prorrogas && m->pcur < (int)m->nprorrogas ? &m->prorrogas[m->pcur] : NULL;
}

void
bandeja_model_take_promotores(struct bandeja_model *m, struct bandeja_promotor *p, size_t n)
{
    free(m->promotores);
    m->promotores = p;
    m->npromotores = n;
    if (m->pick >= (int)n)
        m->pick = 0;
}

size_t
bandeja_model_ntagged(const struct bandeja_model *m)
{
    size_t n = 0;

    for (size_t i = 0; i < m->nfilas; i++)
        n += m->filas[i].tagged;
    return n;
}

size_t
bandeja_model_ids(const struct bandeja_model *m, int64_t *ids, size_t max)
{
    size_t n = 0;

    if (bandeja_model_ntagged(m) == 0) {
        if (m->nfilas == 0)
            return 0;
        if (max > 0)
            ids[0] = m->filas[m->cur].id;
        return 1;
    }
    for (size_t i = 0; i < m->nfilas; i++) {
        if (!m->filas[i].tagged)
            continue;
        if (n < max)
            ids[n] = m->filas[i].id;
        n++;
    }
    return n;
}

const char *
bandeja_accion_titulo(enum bandeja_accion a)
{
    switch (a) {
    case BANDEJA_REASIGNAR:
        return "Reasignar";
    case BANDEJA_DEVOLVER:
        return "Devolver al pool";
    case BANDEJA_DESCARTAR:
        return "Descartar";
    case BANDEJA_REABRIR:
        return "Reabrir";
    }
    return "";
}

void
bandeja_fecha_corta(char *buf, size_t bufsz, const char *f)
{
    if (strlen(f) == 10 && f[4] == '-' && f[7] == '-')
        snprintf(buf, bufsz, "%.2s/%.2s/%.2s", f + 8, f + 5, f + 2);
    else
        snprintf(buf, bufsz, "%s", f);
}

void
bandeja_espera_fmt(char *buf, size_t bufsz, double horas)
{
    if (horas < 1.0)
        snprintf(buf, bufsz, "%ld min", horas > 0.0 ? (long)floor(horas * 60.0) : 0L);
    else
        snprintf(buf, bufsz, "%ld h", (long)floor(horas));
}

static enum bandeja_intent
picker_action(struct bandeja_model *m, enum action a, bool *redraw)
{
    *redraw = true;
    if (a == ACTION_BACK || a == ACTION_CLOSE) {
        m->picking = false;
        return BANDEJA_NADA;
    }
    if (a == ACTION_OPEN || a == ACTION_CONFIRM || a == ACTION_SUBMIT) {
        if (m->npromotores == 0)
            return BANDEJA_NADA;
        m->picking = false;
        m->accion = BANDEJA_REASIGNAR;
        snprintf(m->a_login, sizeof m->a_login, "%s", m->promotores[m->pick].login);
        return BANDEJA_PEDIR_MOTIVO;
    }
    *redraw = list_cursor_move(&m->pick, (int)m->npromotores, a, (int)m->npromotores);
    return BANDEJA_NADA;
}

static bool
decision(enum action a, enum bandeja_accion *out)
{
    if (a == ACTION_REASSIGN)
        *out = BANDEJA_REASIGNAR;
    else if (a == ACTION_RETURN_POOL)
        *out = BANDEJA_DEVOLVER;
    else if (a == ACTION_DISCARD)
        *out = BANDEJA_DESCARTAR;
    else if (a == ACTION_REOPEN)
        *out = BANDEJA_REABRIR;
    else
        return false;
    return true;
}

/* The cursor in the prórrogas: movement, back up into the exits, approve, reject. */
static enum bandeja_intent
prorroga_action(struct bandeja_model *m, enum action a, int page, bool *redraw)
{
    if (a == ACTION_EXTENSION_APPROVE)
        return BANDEJA_APROBAR;
    if (a == ACTION_EXTENSION_REJECT)
        return BANDEJA_RECHAZAR;
    if ((a == ACTION_UP || a == ACTION_PAGE_UP || a == ACTION_TOP) && m->pcur == 0 &&
        m->nfilas > 0) {
        m->en_prorrogas = false;
        *redraw = true;
        return BANDEJA_NADA;
    }
    *redraw = list_cursor_move(&m->pcur, (int)m->nprorrogas, a, page);
    return BANDEJA_NADA;
}

enum bandeja_intent
bandeja_model_action(struct bandeja_model *m, enum action a, int page, bool *redraw)
{
    enum bandeja_accion acc;

    *redraw = false;
    if (m->picking)
        return picker_action(m, a, redraw);
    if (m->en_prorrogas)
        return prorroga_action(m, a, page, redraw);
    if (m->nprorrogas > 0 && (a == ACTION_EXTENSION_APPROVE || a == ACTION_EXTENSION_REJECT ||
                              ((a == ACTION_DOWN || a == ACTION_PAGE_DOWN || a == ACTION_BOTTOM) &&
                               m->cur + 1 >= (int)m->nfilas))) {
        m->en_prorrogas = true;
        *redraw = true;
        return BANDEJA_NADA;
    }
    if (decision(a, &acc)) {
        if (m->nfilas == 0)
            return BANDEJA_NADA;
        m->accion = acc;
        m->a_login[0] = '\0';
        if (acc != BANDEJA_REASIGNAR)
            return BANDEJA_PEDIR_MOTIVO;
        m->picking = true;
        *redraw = true;
        return BANDEJA_NADA;
    }
    if (a == ACTION_TAG && m->nfilas > 0) {
        m->filas[m->cur].tagged = !m->filas[m->cur].tagged;
        if (m->cur + 1 < (int)m->nfilas)
            m->cur++; /* like htop and mutt: tag and move on */
        *redraw = true;
        return BANDEJA_NADA;
    }
    if (a == ACTION_BACK && bandeja_model_ntagged(m) > 0) {
        for (size_t i = 0; i < m->nfilas; i++)
            m->filas[i].tagged = false;
        *redraw = true;
        return BANDEJA_NADA;
    }
    *redraw = list_cursor_move(&m->cur, (int)m->nfilas, a, page);
    return BANDEJA_NADA;
}

/* ---- view-model --------------------------------------------------------------------- */

struct cols {
    int tag, cli, prom, et, mot, edad, ev;
};

static void
cols_compute(struct cols *c, int w)
{
    c->tag = 0;
    c->cli = 2;
    c->prom = c->cli + (w >= 120 ? 34 : 22);
    c->et = c->prom + (w >= 120 ? 12 : 9);
    c->mot = c->et + (w >= 120 ? 16 : 14);
    c->edad = w - (w >= 120 ? 34 : 11);
    c->ev = w >= 120 ? c->edad + 13 : w; /* the attempts only on wide terminals */
}

/* text clipped to [x, end - 1) and padded to end, so the cursor covers the cell. */
static void
cell(struct vm_line *l, int x, int end, enum vm_role role, const char *text)
{
    char buf[VM_SPAN_BYTES];
    int n = vm_clip(buf, (int)sizeof buf, text, end - x - 1, vm_ellipsis());
    size_t len = strlen(buf);

    for (; n < end - x && len + 1 < sizeof buf; n++)
        buf[len++] = ' ';
    buf[len] = '\0';
    vm_line_put(l, x, end, role, buf);
}

/* "2 · buzón", "1 · no contesta", "ninguno": the attempts behind an exit. */
static const char *
intentos_txt(char *buf, size_t size, const struct bandeja_fila *f)
{
    if (f->intentos <= 0 && f->ultimo_intento[0] == '\0')
        snprintf(buf, size, "ninguno");
    else if (f->ultimo_intento[0] == '\0')
        snprintf(buf, size, "%d", f->intentos);
    else
        snprintf(buf, size, "%d · %s", f->intentos, intento_etiqueta(f->ultimo_intento));
    return buf;
}

/* The client's cell; a row in the do-not-contact registry ends it with the tag. */
static void
put_cliente(struct vm_line *l, const struct bandeja_model *m, const struct bandeja_fila *f,
            const struct cols *c, enum vm_role base)
{
    const char *tag, *cliente = f->cliente;
    char buf[sizeof f->cliente + 8];
    int nw;

    if (f->baja_padron) { /* the lender dropped the client (sql/091) */
        snprintf(buf, sizeof buf, "%s %s", baja_padron_glyph(m->ascii), f->cliente);
        cliente = buf;
    }
    if (!f->no_contactar) {
        cell(l, c->cli, c->prom, base, cliente);
        return;
    }
    nw = no_contactar_cell(c->prom - c->cli - 1, m->ascii, &tag);
    cell(l, c->cli, c->cli + nw + 1, base, cliente);
    cell(l, c->cli + nw + 1, c->prom, base == ROLE_CURSOR ? base : ROLE_ERROR, tag);
}

static void
put_fila(struct bandeja_vm *vm, const struct bandeja_model *m, int i, int y)
{
    const struct bandeja_fila *f = &m->filas[i];
    struct vm_line *l = &vm->lines[y];
    struct cols c;
    bool sel = i == m->cur;
    enum vm_role base = sel ? ROLE_CURSOR : f->tagged ? ROLE_TAG : ROLE_TEXT;
    char edad[32], intentos[64];

    cols_compute(&c, vm->width);
    if (m->en_prorrogas && sel)
        base = f->tagged ? ROLE_TAG : ROLE_TEXT; /* the cursor is in the prórrogas */
    sel = sel && !m->en_prorrogas;
    cell(l, c.tag, c.cli, base, f->tagged ? (m->ascii ? "*" : "✓") : "");
    put_cliente(l, m, f, &c, base);
    cell(l, c.prom, c.et, sel ? base : ROLE_MUTED, f->login);
    cell(l, c.et, c.mot, base, f->etapa);
    cell(l, c.mot, c.edad, sel ? base : ROLE_MUTED, f->motivo);
    bandeja_espera_fmt(edad, sizeof edad, f->espera_habiles);
    cell(l, c.edad, c.ev < vm->width ? c.ev : vm->width,
         sel           ? base
         : f->atrasada ? ROLE_TIMER_LATE
                       : ROLE_VALUE,
         edad);
    if (c.ev < vm->width)
        cell(l, c.ev, vm->width, sel ? base : ROLE_MUTED, intentos_txt(intentos, sizeof intentos, f));
}

static void
put_header(struct bandeja_vm *vm)
{
    struct vm_line *l = &vm->lines[0];
    struct cols c;

    cols_compute(&c, vm->width);
    vm_line_put(l, c.cli, c.prom - 1, ROLE_HEADING, "Cliente");
    vm_line_put(l, c.prom, c.et - 1, ROLE_HEADING, "Promotor");
    vm_line_put(l, c.et, c.mot - 1, ROLE_HEADING, "Salida");
    vm_line_put(l, c.mot, c.edad - 1, ROLE_HEADING, "Motivo");
    vm_line_put(l, c.edad, vm->width, ROLE_HEADING, "Espera háb.");
    if (c.ev < vm->width)
        vm_line_put(l, c.ev, vm->width, ROLE_HEADING, "Intentos");
}

/* ---- the prórrogas section ------------------------------------------------------------ */

struct pcols {
    int cli, prom, et, vence, rean, mot;
};

static void
pcols_compute(struct pcols *c, int w)
{
    c->cli = 2;
    c->prom = c->cli + (w >= 120 ? 34 : 20);
    c->et = c->prom + (w >= 120 ? 12 : 9);
    c->vence = c->et + (w >= 120 ? 16 : 12);
    c->rean = c->vence + 15;
    c->mot = c->rean + (w >= 120 ? 10 : 9);
}

static void
put_prorroga(struct vm_line *l, const struct bandeja_model *m, int i, int w)
{
    const struct bandeja_prorroga *p = &m->prorrogas[i];
    bool sel = m->en_prorrogas && i == m->pcur;
    enum vm_role base = sel ? ROLE_CURSOR : ROLE_TEXT;
    char fecha[16];
    struct pcols c;

    pcols_compute(&c, w);
    cell(l, 0, c.cli, base, "");
    cell(l, c.cli, c.prom, base, p->cliente);
    cell(l, c.prom, c.et, sel ? base : ROLE_MUTED, p->login);
    cell(l, c.et, c.vence, base, p->etapa);
    cell(l, c.vence, c.rean, sel ? base : ROLE_VALUE, p->vence[0] != '\0' ? p->vence : "—");
    bandeja_fecha_corta(fecha, sizeof fecha, p->reanudar);
    cell(l, c.rean, c.mot, sel ? base : ROLE_VALUE, fecha);
    if (c.mot < w)
        cell(l, c.mot, w, sel ? base : ROLE_MUTED, p->motivo);
}

/* The section in lines [y, y + h): its title, the column names, the rows that fit. */
static void
put_prorrogas(struct bandeja_vm *vm, struct bandeja_model *m, int y, int h)
{
    char buf[VM_SPAN_BYTES], n[32];
    int rows = h - 2;
    struct pcols c;

    snprintf(buf, sizeof buf, "Prórrogas por decidir (%s)",
             vm_fmt_count(n, sizeof n, (long long)m->nprorrogas));
    vm_line_put(&vm->lines[y], 0, vm->width, ROLE_HEADING, buf);
    pcols_compute(&c, vm->width);
    vm_line_put(&vm->lines[y + 1], c.cli, c.prom - 1, ROLE_HEADING, "Cliente");
    vm_line_put(&vm->lines[y + 1], c.prom, c.et - 1, ROLE_HEADING, "Promotor");
    vm_line_put(&vm->lines[y + 1], c.et, c.vence - 1, ROLE_HEADING, "Etapa");
    vm_line_put(&vm->lines[y + 1], c.vence, c.rean - 1, ROLE_HEADING, "Vence");
    vm_line_put(&vm->lines[y + 1], c.rean, c.mot - 1, ROLE_HEADING, "Reanudar");
    if (c.mot < vm->width)
        vm_line_put(&vm->lines[y + 1], c.mot, vm->width, ROLE_HEADING, "Motivo");
    if (m->pcur < m->ptop)
        m->ptop = m->pcur;
    if (m->pcur >= m->ptop + rows)
        m->ptop = m->pcur - rows + 1;
    for (int i = 0; i < rows && m->ptop + i < (int)m->nprorrogas; i++) {
        put_prorroga(&vm->lines[y + 2 + i], m, m->ptop + i, vm->width);
        vm->lines[y + 2 + i].item = -(m->ptop + i + 1); /* the second list: negative */
    }
}

/* With the cursor in the prórrogas the footer says when it was asked and the whole reason. */
static void
put_footer_prorroga(struct bandeja_vm *vm, const struct bandeja_prorroga *p)
{
    char buf[1024], fecha[16]; /* the whole reason: vm_line_put clips it to the width */

    bandeja_fecha_corta(fecha, sizeof fecha, p->reanudar);
    snprintf(buf, sizeof buf, "Prórroga de %s hasta el %s · pedida %s · %s", p->login, fecha,
             p->pedida, p->motivo);
    vm_line_put(&vm->lines[vm->nlines - 1], 0, vm->width, ROLE_MUTED, buf);
}

static void
put_footer(struct bandeja_vm *vm, const struct bandeja_model *m)
{
    const struct bandeja_fila *f = m->nfilas > 0 ? &m->filas[m->cur] : NULL;
    char buf[2 * VM_SPAN_BYTES], resto[VM_SPAN_BYTES], tardes[48], a[32], intentos[64];
    size_t t = bandeja_model_ntagged(m), tarde = 0;
    int x, marcas = 0; /* marcas: the columns the row's marks take after the text */

    if (bandeja_model_prorroga(m) != NULL) {
        put_footer_prorroga(vm, bandeja_model_prorroga(m));
        return;
    }
    resto[0] = tardes[0] = '\0';
    if (t > 0)
        snprintf(resto, sizeof resto, " · %zu %s", t, t == 1 ? "marcada" : "marcadas");
    /* Narrow terminals have no column for the attempts: the selected row's go here. */
    if (vm->width < 120 && f != NULL)
        snprintf(resto + strlen(resto), sizeof resto - strlen(resto), " · intentos: %s",
                 intentos_txt(intentos, sizeof intentos, f));
    /* The red of a late wait in words too (a monochrome terminal has no red), when it fits
     * beside the row's own marks, which come first. */
    for (size_t i = 0; i < m->nfilas; i++)
        tarde += m->filas[i].atrasada;
    if (f != NULL && f->no_contactar)
        marcas += 3 + vm_text_width(no_contactar_tag(m->ascii));
    if (f != NULL && f->baja_padron)
        marcas += 3 + vm_text_width(baja_padron_marca(m->ascii));
    snprintf(buf, sizeof buf, "Bandeja · %s en espera",
             vm_fmt_count(a, sizeof a, (long long)m->nfilas));
    if (tarde > 0)
        snprintf(tardes, sizeof tardes, " · %zu %s", tarde, tarde == 1 ? "atrasada" : "atrasadas");
    if (vm_text_width(buf) + vm_text_width(tardes) + vm_text_width(resto) + marcas > vm->width)
        tardes[0] = '\0';
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", tardes, resto);
    x = vm_line_put(&vm->lines[vm->nlines - 1], 0, vm->width, t > 0 ? ROLE_TAG : ROLE_MUTED, buf);
    /* The glyph alone may stand for the tag in a narrow column: the words go here. */
    if (f != NULL && f->no_contactar)
        x = vm_line_put(&vm->lines[vm->nlines - 1], x + 3, vm->width, ROLE_ERROR,
                        no_contactar_tag(m->ascii));
    /* «⚠» is a glyph alone on the row: the footer says what it means. */
    if (f != NULL && f->baja_padron)
        vm_line_put(&vm->lines[vm->nlines - 1], x + 3, vm->width, ROLE_TIMER_WARN,
                    baja_padron_marca(m->ascii));
}

static void
build_picker(struct bandeja_vm *vm, const struct bandeja_model *m)
{
    int w = vm->width < 64 ? vm->width : 64, n = (int)m->npromotores;
    int h = n + 3 < vm->height ? n + 3 : vm->height;
    char buf[VM_SPAN_BYTES];

    vm->pick_box = (struct vm_box){ .y = 1, .x = (vm->width - w) / 2, .h = h, .w = w };
    snprintf(vm->pick_box.title, sizeof vm->pick_box.title, " Reasignar a… ");
    vm->npick_lines = h - 2 < BANDEJA_PICK_LINES ? h - 2 : BANDEJA_PICK_LINES;
    for (int i = 0; i < vm->npick_lines; i++)
        vm_line_init(&vm->pick_lines[i], ROLE_TEXT);
    if (vm->npick_lines <= 0)
        return;
    vm_line_put(&vm->pick_lines[0], 2, w - 1, ROLE_HEADING, "Promotor");
    vm_line_put(&vm->pick_lines[0], w - 24, w - 1, ROLE_HEADING, "Cupo hoy  Cartera");
    for (int i = 0; i + 1 < vm->npick_lines && i < n; i++) {
        const struct bandeja_promotor *p = &m->promotores[i];
        struct vm_line *l = &vm->pick_lines[i + 1];
        enum vm_role r = i == m->pick ? ROLE_CURSOR : ROLE_TEXT;

        snprintf(buf, sizeof buf, "%s (%s)%s%s", p->login, p->nombre,
                 strcmp(p->estado, "ACTIVO") != 0 ? " · " : "",
                 strcmp(p->estado, "ACTIVO") != 0 ? p->estado : "");
        cell(l, 2, w - 24, r, buf);
        snprintf(buf, sizeof buf, "%8d  %d/%d", p->cupo_restante, p->cartera, p->cartera_max);
        cell(l, w - 24, w - 1,
             i == m->pick           ? r
             : p->cupo_restante > 0 ? ROLE_VALUE
                                    : ROLE_ERROR,
             buf);
    }
}

/* Rows the prórrogas section takes out of rows (0 without pending ones): title, column
 * names and up to half of what is left, at least one request. */
static int
prorrogas_h(const struct bandeja_model *m, int rows)
{
    int n = (int)m->nprorrogas, half = (rows - 3) / 2;

    if (n == 0 || rows < 5)
        return 0;
    return 2 + (n < half ? n : half > 1 ? half : 1);
}

void
bandeja_vm_build(struct bandeja_vm *vm, struct bandeja_model *m, int width, int height)
{
    int rows, ph;

    memset(&vm->pick_box, 0, sizeof vm->pick_box);
    vm->npick_lines = 0;
    vm->width = width;
    vm->height = height;
    vm->nlines = height < BANDEJA_VM_LINES ? (height > 0 ? height : 0) : BANDEJA_VM_LINES;
    rows = vm->nlines - HEAD_H - FOOTER_H;
    ph = prorrogas_h(m, rows);
    if (ph > 0)
        rows -= ph + 1; /* a blank row between the exits and the prórrogas */
    vm->page = m->en_prorrogas ? (ph > 3 ? ph - 2 : 1) : rows > 1 ? rows : 1;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if (vm->nlines < 3 || width <= 0)
        return;
    if (m->error[0] != '\0')
        vm_line_put(&vm->lines[vm->nlines - 1], 0, width, ROLE_ERROR, m->error);
    else
        put_footer(vm, m);
    if (ph > 0)
        put_prorrogas(vm, m, vm->nlines - FOOTER_H - ph, ph);
    if (!m->loaded || m->nfilas == 0) {
        vm_line_put(&vm->lines[1], 1, width, ROLE_MUTED,
                    m->loaded ? "La bandeja está vacía: no hay salidas por decidir."
                              : "Consultando la bandeja…");
        return;
    }
    put_header(vm);
    if (m->cur < m->top)
        m->top = m->cur;
    if (m->cur >= m->top + rows)
        m->top = m->cur - rows + 1;
    for (int i = 0; i < rows && m->top + i < (int)m->nfilas; i++) {
        put_fila(vm, m, m->top + i, HEAD_H + i);
        vm->lines[HEAD_H + i].item = m->top + i + 1;
    }
    if (m->picking)
        build_picker(vm, m);
}

bool
bandeja_vm_click(const struct bandeja_vm *vm, struct bandeja_model *m, int y)
{
    int item = y >= 0 && y < vm->nlines ? vm->lines[y].item : 0;

    if (m->picking || item == 0)
        return false; /* the picker answers to keys */
    m->en_prorrogas = item < 0;
    if (item > 0)
        m->cur = item - 1;
    else
        m->pcur = -item - 1;
    return true;
}

char *
bandeja_vm_dump(const struct bandeja_vm *vm)
{
    return vm_lines_pick_dump(vm->lines, vm->nlines, &vm->pick_box, vm->pick_lines,
                              vm->npick_lines);
}
