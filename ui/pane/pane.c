#include "ui/pane/pane.h"

#include <curses.h>

#include "ui/term/term.h"

void
pane_place(struct pane *p, int y, int x, int h, int w)
{
    pane_fini(p);
    p->y = y;
    p->x = x;
    p->h = h > 0 ? h : 0;
    p->w = w > 0 ? w : 0;
    if (p->h > 0 && p->w > 0)
        p->win = newwin(p->h, p->w, y, x);
}

void
pane_fini(struct pane *p)
{
    if (p->win != NULL)
        delwin(p->win);
    p->win = NULL;
}

void
pane_draw_lines(WINDOW *win, int y0, const struct vm_line *lines, int n)
{
    int h = getmaxy(win), w = getmaxx(win);

    for (int i = 0; i < n && y0 + i < h; i++) {
        const struct vm_line *l = &lines[i];

        if (l->fill != ROLE_TEXT) {
            term_role(win, l->fill);
            mvwhline(win, y0 + i, 0, ' ', w);
        }
        for (int s = 0; s < l->nspans; s++) {
            if (l->spans[s].col >= w)
                continue;
            term_role(win, l->spans[s].role);
            mvwaddstr(win, y0 + i, l->spans[s].col, l->spans[s].text);
        }
    }
    term_role(win, ROLE_TEXT);
}

void
bar_pane_draw(struct pane *p, const struct vm_line *line)
{
    if (p->win == NULL)
        return;
    term_fill(p->win, line->fill);
    pane_draw_lines(p->win, 0, line, 1);
    wnoutrefresh(p->win);
}
