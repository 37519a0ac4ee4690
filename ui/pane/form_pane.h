/*
 * form_pane — copies a form's view-model (ui/vm/form_vm) into its own window, placed at
 * the form's box over the body; drawn after the body so it covers it.
 *
 * Loop thread only.
 */
#ifndef PANE_FORM_PANE_H
#define PANE_FORM_PANE_H

#include "ui/pane/pane.h"
#include "ui/vm/form_vm.h"

/* Places p at f->box (re-creating the window when the box moved) and draws f into it. */
void form_pane_draw(struct pane *p, const struct form_vm *f);

#endif
