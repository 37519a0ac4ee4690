/*
 * embudo_pane — copies the embudo view-model into its window (ui/vm/embudo_vm.h decides
 * everything visible).
 *
 * Loop thread only.
 */
#ifndef PANE_EMBUDO_PANE_H
#define PANE_EMBUDO_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/embudo_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void embudo_pane_draw(struct pane *p, const struct embudo_vm *vm);

#endif
