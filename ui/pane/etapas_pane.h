/*
 * etapas_pane — copies the stages' view-model (`:etapas`) into Inicio's
 * window (ui/vm/etapas_vm.h decides everything visible).
 *
 * Loop thread only.
 */
#ifndef PANE_ETAPAS_PANE_H
#define PANE_ETAPAS_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/etapas_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void etapas_pane_draw(struct pane *p, const struct etapas_vm *vm);

#endif
