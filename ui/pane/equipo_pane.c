#include "ui/pane/equipo_pane.h"

#include <curses.h>

#include "ui/term/term.h"

static void
draw(struct pane *p, const struct vm_line *lines, int n)
{
    if (p->win == NULL)
        return;
    term_fill(p->win, ROLE_TEXT);
    pane_draw_lines(p->win, 0, lines, n);
    wnoutrefresh(p->win);
}

void
equipo_pane_draw(struct pane *p, const struct equipo_vm *vm)
{
    draw(p, vm->lines, vm->nlines);
}

void
equipo_pane_draw_cambios(struct pane *p, const struct cambios_vm *vm)
{
    draw(p, vm->lines, vm->nlines);
}

void
equipo_pane_draw_usuarios(struct pane *p, const struct usuarios_vm *vm)
{
    draw(p, vm->lines, vm->nlines);
}
