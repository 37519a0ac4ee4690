/*
 * bandeja_pane — copies the bandeja view-model into its window, the promoter picker on top.
 *
 * Loop thread only.
 */
#ifndef PANE_BANDEJA_PANE_H
#define PANE_BANDEJA_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/bandeja_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void bandeja_pane_draw(struct pane *p, const struct bandeja_vm *vm);

#endif
