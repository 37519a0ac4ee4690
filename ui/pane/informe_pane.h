/*
 * informe_pane — copies the funnel report's view-model into its window (ui/vm/informe_vm.h
 * decides everything visible).
 *
 * Loop thread only.
 */
#ifndef PANE_INFORME_PANE_H
#define PANE_INFORME_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/informe_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void informe_pane_draw(struct pane *p, const struct informe_vm *vm);

#endif
