/*
 * progreso_pane — copies the progreso view-model (ui/vm/progreso_vm.h) into its window; decides
 * nothing. Loop thread only (ncurses).
 */
#ifndef PANE_PROGRESO_PANE_H
#define PANE_PROGRESO_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/progreso_vm.h"

void progreso_pane_draw(struct pane *p, const struct progreso_vm *vm);

#endif
