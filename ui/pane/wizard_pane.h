/*
 * wizard_pane — copies the wizard view-model (ui/vm/wizard_vm.h) into its window; decides
 * nothing. Loop thread only (ncurses).
 */
#ifndef PANE_WIZARD_PANE_H
#define PANE_WIZARD_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/wizard_vm.h"

void wizard_pane_draw(struct pane *p, const struct wizard_vm *vm);

#endif
