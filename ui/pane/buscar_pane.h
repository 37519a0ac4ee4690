/*
 * buscar_pane — copies the search results' view-model into the Embudo's window (ui/vm/
 * buscar_vm.h decides everything visible).
 *
 * Loop thread only.
 */
#ifndef PANE_BUSCAR_PANE_H
#define PANE_BUSCAR_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/buscar_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void buscar_pane_draw(struct pane *p, const struct buscar_vm *vm);

#endif
