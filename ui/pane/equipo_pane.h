/*
 * equipo_pane — copies the equipo view-model, or the «Cambios de <login>» view shown in its
 * place, into its window (ui/vm/equipo_vm.h and ui/vm/cambios_vm.h decide everything
 * visible).
 *
 * Loop thread only.
 */
#ifndef PANE_EQUIPO_PANE_H
#define PANE_EQUIPO_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/cambios_vm.h"
#include "ui/vm/equipo_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void equipo_pane_draw(struct pane *p, const struct equipo_vm *vm);

/* Draws the record of changes of one user instead, the same way. */
void equipo_pane_draw_cambios(struct pane *p, const struct cambios_vm *vm);

#endif
