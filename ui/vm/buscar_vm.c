#include "ui/vm/buscar_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/vm/detalle_vm.h"
#include "ui/vm/embudo_vm.h"
#include "ui/vm/scroll.h"

void
buscar_model_init(struct buscar_model *m)
{
    memset(m, 0, sizeof *m);
}

void
buscar_model_fini(struct buscar_model *m)
{
    free(m->filas);
    memset(m, 0, sizeof *m);
}

void
buscar_model_take(struct buscar_model *m, const char *texto, struct buscar_fila *filas, size_t n)
{
    int64_t keep = m->abierto && strcmp(m->texto, texto) == 0 ? buscar_model_selected(m) : 0;

    free(m->filas);
    m->filas = filas;
    m->n = n;
    m->cur = 0;
    if (keep == 0)
        m->top = 0;
    for (size_t i = 0; keep != 0 && i < n; i++)
        if (filas[i].oportunidad_id == keep)
            m->cur = (int)i;
    snprintf(m->texto, sizeof m->texto, "%s", texto);
    m->abierto = true;
}

void
buscar_model_close(struct buscar_model *m)
{
    free(m->filas);
    m->filas = NULL;
    m->n = 0;
    m->cur = m->top = 0;
    m->abierto = false;
}

int64_t
buscar_model_selected(const struct buscar_model *m)
{
    if (!m->abierto || m->n == 0 || m->cur < 0 || (size_t)m->cur >= m->n)
        return 0;
    return m->filas[m->cur].oportunidad_id;
}

bool
buscar_model_move(struct buscar_model *m, enum action act, int page)
{
    if (!list_movement(act))
        return false;
    (void)list_cursor_move(&m->cur, (int)m->n, act, page);
    return true;
}

const char *
buscar_estado_nombre(const char *estado)
{
    static const char *const nombres[][2] = {
        { "ABIERTA", "Abierta" },   { "EN_BANDEJA", "En bandeja" }, { "GANADA", "Ganada" },
        { "DEVUELTA", "Devuelta" }, { "DESCARTADA", "Descartada" },
    };

    for (size_t i = 0; i < sizeof nombres / sizeof nombres[0]; i++)
        if (strcmp(estado, nombres[i][0]) == 0)
            return nombres[i][1];
    return estado;
}

char *
buscar_no_hay(char *buf, size_t size, const char *texto)
{
    snprintf(buf, size, "No hay oportunidades suyas con «%s».", texto);
    return buf;
}

/* ---- view ---------------------------------------------------------------------------- */

/* Where each column starts; prom < 0 when there is no promoter column. */
struct cols {
    int cli, tel, etapa, estado, prom, cuando, end;
    bool corto; /* the last change without its time: a narrow terminal */
};

static void
cols_compute(struct cols *c, int width, bool ver_promotor)
{
    int tel = 17, etapa = 15, estado = 11, prom = ver_promotor ? 11 : 0, cuando = 14;

    c->corto = width - (tel + etapa + estado + prom + cuando) < 14;
    if (c->corto)
        cuando = 8;
    c->end = width;
    c->cuando = width - cuando;
    c->prom = ver_promotor ? c->cuando - prom : -1;
    c->estado = (ver_promotor ? c->prom : c->cuando) - estado;
    c->etapa = c->estado - etapa;
    c->tel = c->etapa - tel;
    c->cli = 0;
    if (c->tel < 6) /* tiny: the client alone */
        c->tel = c->etapa = c->estado = c->cuando = width, c->prom = -1;
}

static void
put_row(struct vm_line *l, const struct cols *c, const char *const txt[6], enum vm_role role)
{
    const int at[] = { c->cli, c->tel, c->etapa, c->estado, c->prom, c->cuando };
    const int to[] = { c->tel,    c->etapa, c->estado, c->prom >= 0 ? c->prom : c->cuando,
                       c->cuando, c->end };

    for (int i = 0; i < 6; i++) {
        int lim = to[i] - (i < 5 ? 1 : 0);

        if (at[i] < 0 || at[i] >= c->end || lim <= at[i])
            continue;
        vm_line_put(l, at[i], lim, role, txt[i]);
    }
}

static bool
cerrada(const struct buscar_fila *f)
{
    return strcmp(f->estado, "ABIERTA") != 0 && strcmp(f->estado, "EN_BANDEJA") != 0;
}

static void
put_fila(struct vm_line *l, const struct cols *c, const struct buscar_model *m, int i)
{
    const struct buscar_fila *f = &m->filas[i];
    char tel[48], cuando[24];
    const char *txt[6];
    enum vm_role role = i == m->cur ? ROLE_CURSOR : cerrada(f) ? ROLE_MUTED : ROLE_TEXT;

    if (f->telefono[0] != '\0')
        detalle_phone_fmt(tel, sizeof tel, f->telefono);
    else
        snprintf(tel, sizeof tel, "%s", m->ascii ? "-" : "—");
    snprintf(cuando, sizeof cuando, "%s", f->cuando);
    if (c->corto)
        cuando[8 < sizeof cuando ? 8 : 0] = '\0'; /* "29/11/26" */
    txt[0] = f->cliente;
    txt[1] = tel;
    txt[2] = f->etapa;
    txt[3] = buscar_estado_nombre(f->estado);
    txt[4] = f->promotor;
    txt[5] = cuando;
    if (role == ROLE_CURSOR)
        l->fill = ROLE_CURSOR;
    put_row(l, c, txt, role);
}

static void
put_heading(struct buscar_vm *vm, const struct buscar_model *m, int rows)
{
    struct vm_line *l = &vm->lines[0];
    char buf[sizeof m->texto + 64], n[32], range[64];
    int rw = 0;

    snprintf(buf, sizeof buf, "Búsqueda «%s» · %s %s", m->texto,
             vm_fmt_count(n, sizeof n, (long long)m->n),
             m->n == 1 ? "oportunidad" : "oportunidades");
    if (m->n > (size_t)rows && rows > 0) {
        snprintf(range, sizeof range, "%d%s%d de %zu", m->top + 1, m->ascii ? "-" : "–",
                 m->top + rows < (int)m->n ? m->top + rows : (int)m->n, m->n);
        rw = vm_text_width(range);
    }
    vm_line_put(l, 0, vm->width - rw - (rw > 0 ? 1 : 0), ROLE_HEADING, buf);
    if (rw > 0)
        vm_line_put(l, vm->width - rw, vm->width, ROLE_MUTED, range);
}

void
buscar_vm_build(struct buscar_vm *vm, struct buscar_model *m, int width, int height)
{
    struct cols c;
    const char *names[6] = { "Cliente", "Teléfono", "Etapa", "Estado", "Promotor", "Cambio" };
    char foot[sizeof m->texto + 64];
    int rows, y0;
    bool full;

    memset(vm, 0, sizeof *vm);
    vm->width = width;
    vm->height = height < BUSCAR_VM_LINES ? height : BUSCAR_VM_LINES;
    vm->nlines = vm->height;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if (vm->nlines <= 0 || width <= 0)
        return;
    full = vm->nlines >= 4; /* heading, column names, rows, footer; else heading and rows */
    y0 = full ? 2 : 1;
    rows = vm->nlines - (full ? 3 : 1);
    vm->page = rows > 0 ? rows : 1;
    m->top = scroll_keep(m->top, m->cur, rows, (int)m->n);
    put_heading(vm, m, rows);
    cols_compute(&c, width, m->ver_promotor);
    if (full)
        put_row(&vm->lines[1], &c, names, ROLE_LABEL);
    for (int i = 0; i < rows && m->top + i < (int)m->n; i++) {
        put_fila(&vm->lines[y0 + i], &c, m, m->top + i);
        vm->lines[y0 + i].item = m->top + i + 1; /* a click there selects it */
    }
    if (m->n == 0 && rows > 0)
        vm_line_put(&vm->lines[y0], 0, width, ROLE_MUTED,
                    buscar_no_hay(foot, sizeof foot, m->texto));
    if (!full)
        return;
    if (m->n >= BUSCAR_LIMITE) /* shorter, so that the note fits in 80 columns */
        snprintf(foot, sizeof foot,
                 "Enter abre · Esc vuelve a las tarjetas · solo las primeras %d: afine la búsqueda",
                 BUSCAR_LIMITE);
    else
        snprintf(foot, sizeof foot, "Enter abre en Detalle · Esc vuelve a las tarjetas");
    vm_line_put(&vm->lines[vm->nlines - 1], 0, width, ROLE_MUTED, foot);
}

char *
buscar_vm_dump(const struct buscar_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
