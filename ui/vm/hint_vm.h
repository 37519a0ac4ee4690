/*
 * hint_vm — the hint bar at the bottom: the keys of the current context, taken from the
 * keymap registry so it always shows what is really bound.
 *
 * Pure; loop thread.
 */
#ifndef VM_HINT_VM_H
#define VM_HINT_VM_H

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct hint_vm {
    int width;
    struct vm_line line;
};

/*
 * Builds the bar for ctx and width: "key desc" pairs in keymap order, for entries
 * marked hint; a pair that does not fit whole is left out, with the ones after it.
 */
void hint_vm_build(struct hint_vm *vm, enum keymap_ctx ctx, int width);

/* vm_lines_dump of the bar; the caller frees. */
char *hint_vm_dump(const struct hint_vm *vm);

#endif
