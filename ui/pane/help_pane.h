/*
 * help_pane — copies the help overlay's view-model into its own window, drawn last so
 * it covers the panes below it.
 *
 * Loop thread only.
 */
#ifndef PANE_HELP_PANE_H
#define PANE_HELP_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/help_vm.h"

/* Places p at vm->box (re-creating the window when the box moved) and draws vm into it. */
void help_pane_draw(struct pane *p, const struct help_vm *vm);

#endif
