/*
 * calendario_pane — copies the business calendar's view-model (`:calendario`) into Inicio's
 * window (ui/vm/calendario_vm.h decides everything visible).
 *
 * Loop thread only.
 */
#ifndef PANE_CALENDARIO_PANE_H
#define PANE_CALENDARIO_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/calendario_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void calendario_pane_draw(struct pane *p, const struct calendario_vm *vm);

#endif
