#include "ui/vm/usuarios_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/vm/embudo_vm.h" /* list_cursor_move */
#include "ui/vm/equipo_vm.h" /* the words of estados and roles */
#include "ui/vm/scroll.h"

void
usuarios_model_init(struct usuarios_model *m)
{
    memset(m, 0, sizeof *m);
}

void
usuarios_model_fini(struct usuarios_model *m)
{
    free(m->filas);
    m->filas = NULL;
    m->n = 0;
}

void
usuarios_model_take(struct usuarios_model *m, struct usuarios_fila *filas, size_t n)
{
    char antes[sizeof filas->login] = "";

    if (m->n > 0)
        snprintf(antes, sizeof antes, "%s", m->filas[m->cur].login);
    free(m->filas);
    m->filas = filas;
    m->n = n;
    m->loaded = true;
    m->error[0] = '\0';
    for (size_t i = 0; i < n && antes[0] != '\0'; i++)
        if (strcmp(filas[i].login, antes) == 0)
            m->cur = (int)i;
    if (m->cur >= (int)n)
        m->cur = n > 0 ? (int)n - 1 : 0;
}

bool
usuarios_model_move(struct usuarios_model *m, enum action a, int page)
{
    return list_cursor_move(&m->cur, (int)m->n, a, page);
}

const struct usuarios_fila *
usuarios_model_selected(const struct usuarios_model *m)
{
    return m->n > 0 ? &m->filas[m->cur] : NULL;
}

/* ---- view-model ---------------------------------------------------------------------- */

enum { HEAD_H = 2, FOOT_H = 1 };

/* Where the columns start for a width; -1 = left out (the team first, then the cupo). */
struct cols {
    int nombre, rol, estado, equipo, cartera, cupo, end;
};

static void
cols_compute(struct cols *c, int w)
{
    c->nombre = 1 + 13;
    c->rol = c->nombre + 26;
    c->estado = c->rol + 15;
    c->equipo = c->estado + 12;
    c->cartera = c->equipo + 11;
    c->cupo = c->cartera + 12;
    c->end = c->cupo + 6;
    if (w < c->end) { /* without the team */
        c->cartera = c->equipo;
        c->cupo = c->cartera + 12;
        c->equipo = -1;
        c->end = c->cupo + 6;
    }
    if (w < c->end) {
        c->cupo = -1;
        c->end = c->cartera + 12;
    }
}

static void
put_row(struct vm_line *l, const struct cols *c, const char *const txt[7], enum vm_role role)
{
    vm_line_put(l, 1, c->nombre - 1, role, txt[0]);
    vm_line_put(l, c->nombre, c->rol - 1, role, txt[1]);
    vm_line_put(l, c->rol, c->estado - 1, role, txt[2]);
    vm_line_put(l, c->estado, (c->equipo >= 0 ? c->equipo : c->cartera) - 1, role, txt[3]);
    if (c->equipo >= 0)
        vm_line_put(l, c->equipo, c->cartera - 1, role, txt[4]);
    vm_line_put(l, c->cartera, c->cupo >= 0 ? c->cupo - 1 : c->end, role, txt[5]);
    if (c->cupo >= 0)
        vm_line_put(l, c->cupo, c->end, role, txt[6]);
}

static void
put_fila(struct vm_line *l, const struct cols *c, const struct usuarios_model *m, int i)
{
    const struct usuarios_fila *f = &m->filas[i];
    bool baja = strcmp(f->estado, "BAJA") == 0, promotor = strcmp(f->rol, "PROMOTOR") == 0;
    enum vm_role role = i == m->cur ? ROLE_CURSOR : baja ? ROLE_MUTED : ROLE_TEXT;
    char cartera[32], cupo[16];
    const char *txt[7];

    if (i == m->cur)
        vm_line_init(l, ROLE_CURSOR);
    snprintf(cartera, sizeof cartera, "%d/%d", f->activas, f->cartera_max);
    snprintf(cupo, sizeof cupo, "%d", f->cupo_diario);
    txt[0] = f->login;
    txt[1] = f->nombre;
    txt[2] = equipo_rol_etiqueta(f->rol);
    txt[3] = equipo_estado_etiqueta(f->estado);
    txt[4] = f->supervisor;
    txt[5] = promotor ? cartera : "";
    txt[6] = promotor ? cupo : "";
    put_row(l, c, txt, role);
    l->item = i + 1; /* a click there selects it */
}

static void
put_foot(struct vm_line *l, const struct usuarios_model *m, int width)
{
    const struct usuarios_fila *f = usuarios_model_selected(m);
    char buf[512];

    if (m->error[0] != '\0') {
        vm_line_put(l, 0, width, ROLE_ERROR, m->error);
        return;
    }
    if (f == NULL)
        snprintf(buf, sizeof buf, "%s", m->admin ? "A da de alta · Esc vuelve" : "Esc vuelve");
    else if (m->admin)
        snprintf(buf, sizeof buf, "%s, %s: e estado · n nombre · h cambios · A alta · Esc vuelve",
                 f->login, equipo_rol_etiqueta(f->rol));
    else
        snprintf(buf, sizeof buf, "%s, %s: h cambios · Esc vuelve", f->login,
                 equipo_rol_etiqueta(f->rol));
    vm_line_put(l, 0, width, ROLE_MUTED, buf);
}

void
usuarios_vm_build(struct usuarios_vm *vm, struct usuarios_model *m, int width, int height)
{
    static const char *const names[7] = { "Usuario", "Nombre",  "Rol", "Estado",
                                          "Equipo",  "Cartera", "Cupo" };
    char title[96], range[48];
    struct cols c;
    int rows, x;

    memset(vm, 0, sizeof *vm);
    vm->width = width;
    vm->height = height < USUARIOS_VM_LINES ? height : USUARIOS_VM_LINES;
    vm->nlines = vm->height > 0 ? vm->height : 0;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if (vm->nlines <= 0 || width <= 0)
        return;
    rows = vm->nlines - HEAD_H - FOOT_H;
    vm->page = rows > 0 ? rows : 1;
    m->top = scroll_keep(m->top, m->cur, rows, (int)m->n);
    snprintf(title, sizeof title, "Usuarios (%zu)", m->n);
    x = vm_line_put(&vm->lines[0], 1, width, ROLE_HEADING, title);
    if (rows > 0 && (int)m->n > rows) {
        snprintf(range, sizeof range, "%d%s%d de %zu", m->top + 1, m->ascii ? "-" : "–",
                 m->top + rows < (int)m->n ? m->top + rows : (int)m->n, m->n);
        vm_line_put(&vm->lines[0], x + 2, width, ROLE_MUTED, range);
    }
    if (vm->nlines > HEAD_H) {
        cols_compute(&c, width);
        if (!m->loaded || m->n == 0) {
            vm_line_put(&vm->lines[1], 1, width, ROLE_MUTED,
                        m->loaded ? "No hay usuarios que pueda ver." : "Consultando los usuarios…");
        } else {
            put_row(&vm->lines[1], &c, names, ROLE_LABEL);
            for (int i = 0; i < rows && m->top + i < (int)m->n; i++)
                put_fila(&vm->lines[HEAD_H + i], &c, m, m->top + i);
        }
    }
    if (vm->nlines > 1)
        put_foot(&vm->lines[vm->nlines - 1], m, width);
}
