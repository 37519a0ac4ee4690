/*
 * estadisticas_pane — copies the estadisticas view-model (ui/vm/estadisticas_vm.h) into its window; decides
 * nothing. Loop thread only (ncurses).
 */
#ifndef PANE_ESTADISTICAS_PANE_H
#define PANE_ESTADISTICAS_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/estadisticas_vm.h"

void estadisticas_pane_draw(struct pane *p, const struct estadisticas_vm *vm);

#endif
