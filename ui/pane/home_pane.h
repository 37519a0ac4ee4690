/*
 * home_pane — copies the home view-model (summary card) into its window.
 *
 * Loop thread only.
 */
#ifndef PANE_HOME_PANE_H
#define PANE_HOME_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/home_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void home_pane_draw(struct pane *p, const struct home_vm *vm);

#endif
