#include "ui/pane/equipo_pane.h"

#include <curses.h>

#include "ui/term/term.h"

void
equipo_pane_draw(struct pane *p, const struct equipo_vm *vm)
{
    if (p->win == NULL)
        return;
    term_fill(p->win, ROLE_TEXT);
    pane_draw_lines(p->win, 0, vm->lines, vm->nlines);
    wnoutrefresh(p->win);
}

void
equipo_pane_draw_cambios(struct pane *p, const struct cambios_vm *vm)
{
    if (p->win == NULL)
        return;
    term_fill(p->win, ROLE_TEXT);
    pane_draw_lines(p->win, 0, vm->lines, vm->nlines);
    wnoutrefresh(p->win);
}
