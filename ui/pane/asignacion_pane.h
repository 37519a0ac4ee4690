/*
 * asignacion_pane — copies the asignacion view-model into its window (ui/vm/asignacion_vm.h decides
 * everything visible).
 *
 * Loop thread only.
 */
#ifndef PANE_ASIGNACION_PANE_H
#define PANE_ASIGNACION_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/asignacion_vm.h"

/* Draws vm into p's window and marks it for the next doupdate(). */
void asignacion_pane_draw(struct pane *p, const struct asignacion_vm *vm);

#endif
