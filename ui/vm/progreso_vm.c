#include "ui/vm/progreso_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LIST_ROWS = 4, CELL_W = 19, BAR_MAX = 40 };

static const struct {
    const char *estado, *word, *glyph, *ascii;
    enum vm_role role;
} estados[] = {
    { "BORRADOR", "borrador", "○", "o", ROLE_MUTED },
    { "LISTA", "lista para lanzar", "○", "o", ROLE_MUTED },
    { "ENVIANDO", "enviando", "●", "*", ROLE_DB_OK },
    { "PAUSADA", "pausada", "◐", "~", ROLE_DB_WARN },
    { "TERMINADA", "terminada", "✓", "v", ROLE_VALUE },
    { "CANCELADA", "cancelada", "✗", "x", ROLE_DB_ERR },
};

static size_t
estado_idx(const char *e)
{
    for (size_t i = 0; i < sizeof estados / sizeof estados[0]; i++)
        if (strcmp(e, estados[i].estado) == 0)
            return i;
    return 0;
}

void
progreso_model_init(struct progreso_model *m)
{
    memset(m, 0, sizeof *m);
}

void
progreso_model_fini(struct progreso_model *m)
{
    free(m->campanas);
    free(m->inciertos);
    m->campanas = NULL;
    m->inciertos = NULL;
    m->ncampanas = m->ninciertos = 0;
}

static int
clamp(int v, size_t n)
{
    if (n == 0 || v < 0)
        return 0;
    return v >= (int)n ? (int)n - 1 : v;
}

void
progreso_model_take_campanas(struct progreso_model *m, struct progreso_campana *v, size_t n)
{
    const struct progreso_campana *old = progreso_model_campana(m);
    int64_t keep = old != NULL ? old->id : 0;

    free(m->campanas);
    m->campanas = v;
    m->ncampanas = n;
    m->loaded = true;
    if (keep == 0 || !progreso_model_select(m, keep))
        m->cur_campana = clamp(m->cur_campana, n);
}

void
progreso_model_take_inciertos(struct progreso_model *m, struct progreso_incierto *v, size_t n)
{
    free(m->inciertos);
    m->inciertos = v;
    m->ninciertos = n;
    m->cur_incierto = clamp(m->cur_incierto, n);
    if (n == 0)
        m->foco = PROGRESO_FOCO_CAMPANAS;
}

bool
progreso_model_select(struct progreso_model *m, int64_t id)
{
    for (size_t i = 0; i < m->ncampanas; i++)
        if (m->campanas[i].id == id) {
            m->cur_campana = (int)i;
            return true;
        }
    return false;
}

bool
progreso_model_action(struct progreso_model *m, enum action a)
{
    bool inc = m->foco == PROGRESO_FOCO_INCIERTOS;
    int *cur = inc ? &m->cur_incierto : &m->cur_campana;
    size_t n = inc ? m->ninciertos : m->ncampanas;
    int before = *cur;

    if (a == ACTION_RIGHT || a == ACTION_LEFT) {
        enum progreso_foco f = a == ACTION_RIGHT && m->ninciertos > 0 ? PROGRESO_FOCO_INCIERTOS
                                                                       : PROGRESO_FOCO_CAMPANAS;
        bool moved = f != m->foco;

        m->foco = f;
        return moved;
    }
    if (a == ACTION_UP)
        (*cur)--;
    else if (a == ACTION_DOWN)
        (*cur)++;
    else if (a == ACTION_TOP)
        *cur = 0;
    else if (a == ACTION_BOTTOM)
        *cur = (int)n - 1;
    else
        return false;
    *cur = clamp(*cur, n);
    return *cur != before;
}

const struct progreso_campana *
progreso_model_campana(const struct progreso_model *m)
{
    return m->ncampanas > 0 ? &m->campanas[clamp(m->cur_campana, m->ncampanas)] : NULL;
}

const struct progreso_incierto *
progreso_model_incierto(const struct progreso_model *m)
{
    return m->ninciertos > 0 ? &m->inciertos[clamp(m->cur_incierto, m->ninciertos)] : NULL;
}

bool
progreso_puede_pausar(const char *estado)
{
    return strcmp(estado, "ENVIANDO") == 0;
}

bool
progreso_puede_reanudar(const char *estado)
{
    return strcmp(estado, "PAUSADA") == 0 || strcmp(estado, "LISTA") == 0;
}

bool
progreso_puede_cancelar(const char *estado)
{
    return strcmp(estado, "ENVIANDO") == 0 || strcmp(estado, "PAUSADA") == 0 ||
           strcmp(estado, "LISTA") == 0 || strcmp(estado, "BORRADOR") == 0;
}

int
progreso_pct(const struct progreso_cuentas *c)
{
    int to_go = c->total - c->omitidos - c->cancelados;
    int done = c->enviados + c->fallidos;

    if (to_go <= 0)
        return 100;
    if (done >= to_go)
        return 100;
    return (int)((long long)done * 100 / to_go);
}

/* ---- building ----------------------------------------------------------------------- */

static struct vm_line *
add(struct progreso_vm *vm)
{
    struct vm_line *l;

    if (vm->nlines >= vm->height)
        return NULL;
    l = &vm->lines[vm->nlines++];
    vm_line_init(l, ROLE_TEXT);
    return l;
}

static void
text_line(struct progreso_vm *vm, int col, enum vm_role role, const char *text)
{
    struct vm_line *l = add(vm);

    if (l != NULL)
        vm_line_put(l, col, vm->width, role, text);
}

static void
campanas_lines(struct progreso_vm *vm, const struct progreso_model *m)
{
    int top = m->cur_campana >= LIST_ROWS ? m->cur_campana - LIST_ROWS + 1 : 0;
    char buf[1024];

    snprintf(buf, sizeof buf, "Campañas (%zu)", m->ncampanas);
    text_line(vm, 1, ROLE_HEADING, buf);
    if (m->ncampanas == 0)
        text_line(vm, 3, ROLE_MUTED,
                  m->crea ? "Aún no hay campañas: créela en el asistente."
                  : m->read_only
                      ? "Aún no hay campañas."
                      : "Aún no hay campañas: las crean los promotores en su asistente.");
    for (int i = top; i < (int)m->ncampanas && i < top + LIST_ROWS; i++) {
        const struct progreso_campana *c = &m->campanas[i];
        bool sel = i == m->cur_campana;
        struct vm_line *l = add(vm);

        if (l == NULL)
            return;
        if (sel)
            vm_line_init(l, m->foco == PROGRESO_FOCO_CAMPANAS ? ROLE_CURSOR : ROLE_TEXT);
        l->item = i + 1; /* a click there selects it */
        snprintf(buf, sizeof buf, "%s %lld  %s%s%s · %s", sel ? ">" : " ", (long long)c->id,
                 m->equipo ? c->login : "", m->equipo ? " · " : "", c->nombre,
                 c->pausada_sola ? "se pausó sola" : estados[estado_idx(c->estado)].word);
        vm_line_put(l, 1, vm->width,
                    sel && m->foco == PROGRESO_FOCO_CAMPANAS ? ROLE_CURSOR
                    : c->pausada_sola                        ? ROLE_DB_WARN
                                                             : ROLE_TEXT,
                    buf);
    }
}

static void
bar_line(struct progreso_vm *vm, const struct progreso_model *m)
{
    const struct progreso_cuentas *c = &m->c;
    int pct = progreso_pct(c), w = vm->width - 30, full;
    char bar[BAR_MAX * 3 + 8], buf[96];
    size_t k = 0;
    struct vm_line *l = add(vm);

    if (l == NULL)
        return;
    w = w > BAR_MAX ? BAR_MAX : w < 10 ? 10 : w;
    full = w * pct / 100;
    for (int i = 0; i < w; i++) {
        const char *g = i < full ? (m->ascii ? "#" : "█") : (m->ascii ? "." : "░");

        memcpy(bar + k, g, strlen(g));
        k += strlen(g);
    }
    bar[k] = '\0';
    vm_line_put(l, 1, vm->width, ROLE_DB_OK, bar);
    snprintf(buf, sizeof buf, "%3d %%  %d de %d", pct, c->enviados + c->fallidos,
             c->total - c->omitidos - c->cancelados);
    vm_line_put(l, 2 + w, vm->width, ROLE_VALUE, buf);
}

static int
min_int(int a, int b)
{
    return a < b ? a : b;
}

/* "Label       12" in CELL_W columns at *x, clipped to the pane's width. */
static void
cell(struct vm_line *l, int *x, int width, const char *label, int v, enum vm_role role)
{
    char num[24];

    snprintf(num, sizeof num, "%d", v);
    vm_line_put(l, *x, min_int(*x + 11, width), ROLE_LABEL, label);
    vm_line_put(l, *x + 12, min_int(*x + CELL_W - 1, width), role, num);
    *x += CELL_W;
}

static void
counts_lines(struct progreso_vm *vm, const struct progreso_cuentas *c)
{
    struct vm_line *l = add(vm);
    int x = 1;

    if (l == NULL)
        return;
    cell(l, &x, vm->width, "Enviados", c->enviados, ROLE_VALUE);
    cell(l, &x, vm->width, "Entregados", c->entregados, ROLE_VALUE);
    cell(l, &x, vm->width, "Leídos ≥", c->leidos, ROLE_VALUE);
    cell(l, &x, vm->width, "Respuestas", c->respondidos, ROLE_VALUE);
    if ((l = add(vm)) == NULL)
        return;
    x = 1;
    cell(l, &x, vm->width, "Fallidos", c->fallidos, c->fallidos > 0 ? ROLE_ERROR : ROLE_VALUE);
    cell(l, &x, vm->width, "En duda", c->inciertos, c->inciertos > 0 ? ROLE_DB_WARN : ROLE_VALUE);
    cell(l, &x, vm->width, "Pendientes", c->pendientes + c->enviando, ROLE_VALUE);
    cell(l, &x, vm->width, "Omitidos", c->omitidos, ROLE_MUTED);
    if ((l = add(vm)) == NULL)
        return;
    x = 1;
    cell(l, &x, vm->width, "Cancelados", c->cancelados, ROLE_MUTED);
    cell(l, &x, vm->width, "Bajas", c->bajas, ROLE_VALUE);
    cell(l, &x, vm->width, "Sin entrega", c->sin_entregar,
         c->sin_entregar > 0 ? ROLE_DB_WARN : ROLE_VALUE);
}

static void
acciones_line(struct progreso_vm *vm, const struct progreso_model *m)
{
    const char *e = m->c.estado;
    char buf[200] = "";
    size_t k = 0;

    if (m->read_only)
        return; /* it may do none of them */
    if (progreso_puede_pausar(e))
        k += (size_t)snprintf(buf + k, sizeof buf - k, " · pausar");
    if (progreso_puede_reanudar(e))
        k += (size_t)snprintf(buf + k, sizeof buf - k,
                              strcmp(e, "LISTA") == 0 ? " · lanzar" : " · reanudar");
    if (progreso_puede_cancelar(e))
        k += (size_t)snprintf(buf + k, sizeof buf - k, " · cancelar");
    if (m->c.fallidos > 0)
        snprintf(buf + k, sizeof buf - k, " · reintentar fallidos");
    if (buf[0] != '\0') {
        char line[240];

        snprintf(line, sizeof line, "Puede: %s", buf + strlen(" · "));
        text_line(vm, 1, ROLE_MUTED, line);
    }
}

/* Why the campaign paused by itself, wrapped under its name: "⚠ Se pausó sola: …" (sql/102 writes
 * it). */
static void
pausa_lines(struct progreso_vm *vm, const struct progreso_model *m)
{
    char text[600], row[600];
    const char *rest = text;

    if (m->c.pausa[0] == '\0')
        return;
    snprintf(text, sizeof text, "%s %s", m->ascii ? "!" : "⚠", m->c.pausa);
    while (vm_wrap_row(row, (int)sizeof row, &rest, vm->width - 2))
        text_line(vm, 1, ROLE_DB_WARN, row);
}

static void
detalle_lines(struct progreso_vm *vm, const struct progreso_model *m)
{
    const struct progreso_cuentas *c = &m->c;
    size_t ei = estado_idx(c->estado);
    char buf[1024];
    struct vm_line *l;
    int x;

    add(vm);
    if ((l = add(vm)) == NULL)
        return;
    snprintf(buf, sizeof buf, "%s · etapa %s", c->nombre, c->etapa);
    x = vm_line_put(l, 1, vm->width, ROLE_HEADING, buf);
    snprintf(buf, sizeof buf, "%s %s", m->ascii ? estados[ei].ascii : estados[ei].glyph,
             estados[ei].word);
    vm_line_put(l, x + 2, vm->width, estados[ei].role, buf);
    pausa_lines(vm, m);
    bar_line(vm, m);
    counts_lines(vm, c);
    /* Paused, nothing leaves until she resumes: no next send, no ETA. */
    if (strcmp(c->estado, "PAUSADA") != 0 && (c->proximo[0] != '\0' || m->eta[0] != '\0')) {
        snprintf(buf, sizeof buf, "%s%s%s%s", c->proximo[0] != '\0' ? "Próximo envío " : "",
                 c->proximo, c->proximo[0] != '\0' && m->eta[0] != '\0' ? " · " : "", m->eta);
        text_line(vm, 1, ROLE_TEXT, buf);
    }
    acciones_line(vm, m);
}

static void
inciertos_lines(struct progreso_vm *vm, const struct progreso_model *m)
{
    char buf[1024];
    bool foco = m->foco == PROGRESO_FOCO_INCIERTOS;

    if (m->ninciertos == 0)
        return;
    add(vm);
    if (m->read_only)
        snprintf(buf, sizeof buf, "En duda (%zu): pudo llegar o no", m->ninciertos);
    else
        snprintf(buf, sizeof buf, "En duda (%zu): pudo llegar o no; decida cada uno%s",
                 m->ninciertos, foco ? "" : " (→ para elegir)");
    text_line(vm, 1, ROLE_DB_WARN, buf);
    for (size_t i = 0; i < m->ninciertos; i++) {
        bool sel = foco && (int)i == m->cur_incierto;
        const struct progreso_incierto *u = &m->inciertos[i];
        struct vm_line *l = add(vm);

        if (l == NULL)
            return;
        if (sel)
            vm_line_init(l, ROLE_CURSOR);
        l->item = -(int)i - 1; /* the second list: negative */
        snprintf(buf, sizeof buf, "%s %-14s %s · desde %s", sel ? ">" : " ", u->telefono,
                 u->cliente, u->desde);
        vm_line_put(l, 1, vm->width, sel ? ROLE_CURSOR : ROLE_TEXT, buf);
    }
    if (foco && !m->read_only)
        text_line(vm, 1, ROLE_MUTED, "Decida: marcar enviado · volver a enviar · descartar");
}

void
progreso_vm_build(struct progreso_vm *vm, const struct progreso_model *m, int width, int height)
{
    memset(vm, 0, sizeof *vm);
    vm->width = width;
    vm->height = height < PROGRESO_VM_LINES ? height : PROGRESO_VM_LINES;
    if (m->error[0] != '\0')
        text_line(vm, 1, ROLE_ERROR, m->error);
    if (!m->loaded) {
        text_line(vm, 1, ROLE_MUTED, "Consultando las campañas…");
        return;
    }
    campanas_lines(vm, m);
    if (m->tiene_cuentas)
        detalle_lines(vm, m);
    inciertos_lines(vm, m);
}

bool
progreso_vm_click(const struct progreso_vm *vm, struct progreso_model *m, int y)
{
    int item = y >= 0 && y < vm->nlines ? vm->lines[y].item : 0;

    if (item > 0) {
        m->foco = PROGRESO_FOCO_CAMPANAS;
        m->cur_campana = item - 1;
    } else if (item < 0) {
        m->foco = PROGRESO_FOCO_INCIERTOS;
        m->cur_incierto = -item - 1;
    }
    return item != 0;
}

char *
progreso_vm_dump(const struct progreso_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
