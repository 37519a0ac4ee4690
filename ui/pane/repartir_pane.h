/*
 * repartir_pane — copies the repartir view-model into its window (ui/vm/repartir_vm.h decides
 * everything visible).
 *
 * Loop thread only.
 */
#ifndef PANE_REPARTIR_PANE_H
#define PANE_REPARTIR_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/repartir_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void repartir_pane_draw(struct pane *p, const struct repartir_vm *vm);

#endif
