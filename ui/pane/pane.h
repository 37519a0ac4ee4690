/*
 * pane — a rectangle of the screen with its own WINDOW, and the drawing every pane
 * shares: copying view-model lines into the window. Panes decide nothing; what to show
 * is in the view-model.
 *
 * Loop thread only (ncurses). The controller owns the panes and re-places them on resize.
 */
#ifndef PANE_PANE_H
#define PANE_PANE_H

#include <curses.h>

#include "ui/vm/vm.h"

struct pane {
    WINDOW *win; /* NULL when the pane has no room */
    int y, x, h, w;
};

/*
 * (Re)creates p's window at (y, x) with h × w cells, deleting the old one. With h or
 * w <= 0 the pane has no window and draws nothing.
 */
void pane_place(struct pane *p, int y, int x, int h, int w);

/* Deletes the window. Safe on a pane that was never placed. */
void pane_fini(struct pane *p);

/*
 * Copies n lines into win starting at row y0: each row first takes its fill role across
 * the window, then each span is written at its column in its role. Does not refresh.
 */
void pane_draw_lines(WINDOW *win, int y0, const struct vm_line *lines, int n);

/* Draws a one-row bar (status or hint) and marks it for the next doupdate(). */
void bar_pane_draw(struct pane *p, const struct vm_line *line);

#endif
