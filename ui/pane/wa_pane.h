/*
 * wa_pane — copies the WhatsApp pane's view-model (ui/vm/wa_vm.h) into its window;
 * decides nothing. Loop thread only (ncurses).
 */
#ifndef PANE_WA_PANE_H
#define PANE_WA_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/wa_vm.h"

void wa_pane_draw(struct pane *p, const struct wa_vm *vm);

#endif
