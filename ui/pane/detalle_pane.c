#include "ui/pane/detalle_pane.h"

#include <curses.h>

#include "ui/term/term.h"

void
picker_box_draw(WINDOW *win, const struct vm_box *box, const struct vm_line *lines, int n)
{
    if (box->h <= 0 || box->w <= 2)
        return;
    term_role(win, ROLE_TEXT);
    for (int y = 0; y < box->h; y++)
        mvwhline(win, box->y + y, box->x, ' ', box->w);
    term_box(win, box->y, box->x, box->h, box->w, box->title);
    for (int i = 0; i < n && i < box->h - 2; i++) {
        for (int s = 0; s < lines[i].nspans; s++) {
            const struct vm_span *sp = &lines[i].spans[s];

            if (sp->col >= box->w - 1)
                continue;
            term_role(win, sp->role);
            mvwaddstr(win, box->y + 1 + i, box->x + sp->col, sp->text);
        }
    }
    term_role(win, ROLE_TEXT);
}

void
detalle_pane_draw(struct pane *p, const struct detalle_vm *vm)
{
    if (p->win == NULL)
        return;
    term_fill(p->win, ROLE_TEXT);
    pane_draw_lines(p->win, 0, vm->lines, vm->nlines);
    picker_box_draw(p->win, &vm->pick_box, vm->pick_lines, vm->npick_lines);
    wnoutrefresh(p->win);
}
