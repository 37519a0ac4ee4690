#include "ui/pane/home_pane.h"

#include <curses.h>

#include "ui/term/term.h"

void
home_pane_draw(struct pane *p, const struct home_vm *vm)
{
    if (p->win == NULL)
        return;
    term_fill(p->win, ROLE_TEXT);
    if (vm->card.h > 0)
        term_box(p->win, vm->card.y, vm->card.x, vm->card.h, vm->card.w, vm->card.title);
    pane_draw_lines(p->win, 0, vm->lines, vm->nlines);
    wnoutrefresh(p->win);
}
