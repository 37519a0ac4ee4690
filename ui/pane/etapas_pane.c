#include "ui/pane/etapas_pane.h"

#include <curses.h>

#include "ui/term/term.h"

void
etapas_pane_draw(struct pane *p, const struct etapas_vm *vm)
{
    if (p->win == NULL)
        return;
    term_fill(p->win, ROLE_TEXT);
    pane_draw_lines(p->win, 0, vm->lines, vm->nlines);
    wnoutrefresh(p->win);
}
