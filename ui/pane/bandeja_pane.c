#include "ui/pane/bandeja_pane.h"

#include <curses.h>

#include "ui/pane/detalle_pane.h"
#include "ui/term/term.h"

void
bandeja_pane_draw(struct pane *p, const struct bandeja_vm *vm)
{
    if (p->win == NULL)
        return;
    term_fill(p->win, ROLE_TEXT);
    pane_draw_lines(p->win, 0, vm->lines, vm->nlines);
    picker_box_draw(p->win, &vm->pick_box, vm->pick_lines, vm->npick_lines);
    wnoutrefresh(p->win);
}
