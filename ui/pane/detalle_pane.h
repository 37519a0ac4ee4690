/*
 * detalle_pane — copies the detalle view-model into its window, the stage picker on top;
 * also draws the picker box the bandeja pane shares.
 *
 * Loop thread only.
 */
#ifndef PANE_DETALLE_PANE_H
#define PANE_DETALLE_PANE_H

#include <curses.h>

#include "ui/pane/pane.h"
#include "ui/vm/detalle_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void detalle_pane_draw(struct pane *p, const struct detalle_vm *vm);

/*
 * Draws a box (window coordinates) with its title and n lines inside it; line columns are
 * relative to the box. Clears the inside first. Nothing when box->h is 0.
 */
void picker_box_draw(WINDOW *win, const struct vm_box *box, const struct vm_line *lines, int n);

#endif
