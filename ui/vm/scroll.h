/*
 * scroll — the scrolling actions the long panes share (Detalle, Informe, the record of
 * changes to a user): ↑↓ one row, RePág/AvPág one page, g/G to the top and the bottom. The
 * offset is the first content row shown; the bottom is left for the pane's next build to
 * clamp. And the first row a cursor's list shows (the lists' builds). Pure; any thread.
 */
#ifndef VM_SCROLL_H
#define VM_SCROLL_H

#include <stdbool.h>

#include "ui/vm/keymap.h"

/*
 * Applies a to *scroll (never below 0) with page rows per page (at least 1). Returns whether
 * a is a scrolling action; *moved (may be NULL) whether the offset changed.
 */
bool scroll_action(int *scroll, enum action a, int page, bool *moved);

/*
 * The first row a list of n shows in rows rows, from top, so that the cursor's row cur is in
 * sight and, when rows above are hidden, none is left blank at the end.
 */
int scroll_keep(int top, int cur, int rows, int n);

#endif
