/*
 * ventas_pane — copies the sales view-model (`:ventas`) into the Embudo's window (ui/vm/
 * ventas_vm.h decides everything visible).
 *
 * Loop thread only.
 */
#ifndef PANE_VENTAS_PANE_H
#define PANE_VENTAS_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/ventas_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void ventas_pane_draw(struct pane *p, const struct ventas_vm *vm);

#endif
