#include "ui/pane/form_pane.h"

#include <curses.h>

#include "ui/term/term.h"

void
form_pane_draw(struct pane *p, const struct form_vm *f)
{
    const struct vm_box *b = &f->box;

    if (p->win == NULL || p->y != b->y || p->x != b->x || p->h != b->h || p->w != b->w)
        pane_place(p, b->y, b->x, b->h, b->w);
    if (p->win == NULL)
        return;
    term_fill(p->win, ROLE_TEXT);
    term_box(p->win, 0, 0, b->h, b->w, b->title);
    pane_draw_lines(p->win, 0, f->lines, f->nlines);
    wnoutrefresh(p->win);
}
