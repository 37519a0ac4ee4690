/*
 * equipo_pane — copies the equipo view-model, or the «Cambios de <login>» or `:usuarios` view
 * shown in its place, into its window (ui/vm/equipo_vm.h, cambios_vm.h and usuarios_vm.h
 * decide everything visible).
 *
 * Loop thread only.
 */
#ifndef PANE_EQUIPO_PANE_H
#define PANE_EQUIPO_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/cambios_vm.h"
#include "ui/vm/equipo_vm.h"
#include "ui/vm/usuarios_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void equipo_pane_draw(struct pane *p, const struct equipo_vm *vm);

/* Draws the record of changes of one user instead, the same way. */
void equipo_pane_draw_cambios(struct pane *p, const struct cambios_vm *vm);

/* Draws the list of users (`:usuarios`) instead, the same way. */
void equipo_pane_draw_usuarios(struct pane *p, const struct usuarios_vm *vm);

#endif
