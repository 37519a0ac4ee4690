#include "ui/pane/help_pane.h"

#include <curses.h>

#include "ui/term/term.h"

void
help_pane_draw(struct pane *p, const struct help_vm *vm)
{
    const struct vm_box *b = &vm->box;

    if (p->win == NULL || p->y != b->y || p->x != b->x || p->h != b->h || p->w != b->w)
        pane_place(p, b->y, b->x, b->h, b->w);
    if (p->win == NULL)
        return;
    term_fill(p->win, ROLE_TEXT);
    term_box(p->win, 0, 0, b->h, b->w, b->title);
    pane_draw_lines(p->win, 0, vm->lines, vm->nlines);
    wnoutrefresh(p->win);
}
