#include "ui/pane/calendario_pane.h"

#include <curses.h>

#include "ui/term/term.h"

void
calendario_pane_draw(struct pane *p, const struct calendario_vm *vm)
{
    if (p->win == NULL)
        return;
    term_fill(p->win, ROLE_TEXT);
    pane_draw_lines(p->win, 0, vm->lines, vm->nlines);
    wnoutrefresh(p->win);
}
