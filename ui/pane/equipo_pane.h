/*
 * equipo_pane — copies the equipo view-model into its window (ui/vm/equipo_vm.h decides
 * everything visible).
 *
 * Loop thread only.
 */
#ifndef PANE_EQUIPO_PANE_H
#define PANE_EQUIPO_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/equipo_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void equipo_pane_draw(struct pane *p, const struct equipo_vm *vm);

#endif
