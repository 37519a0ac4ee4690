/*
 * hint_vm — the bottom bar: the keys of the current context, taken from the keymap
 * registry so it always shows what is really bound (custom bindings included); or, in
 * its place, a one-line message (an error, "No se puede … ahora").
 *
 * Pure; loop thread.
 */
#ifndef VM_HINT_VM_H
#define VM_HINT_VM_H

#include <stdbool.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

#define HINT_MAX_PAIRS 6

struct hint_vm {
    int width;
    struct vm_line line;
};

/*
 * Builds the bar for ctx and width: "key desc" pairs of ctx's bindings marked hint (one
 * per action, the first key), then, for pane contexts, the global ones, at most
 * HINT_MAX_PAIRS; a pair that does not fit whole is left out, with the ones after it.
 */
void hint_vm_build(struct hint_vm *vm, const struct keymap *km, enum keymap_ctx ctx, int width);

/* The bar shows msg instead (error: ROLE_ERROR with "✗", else ROLE_HINT). */
void hint_vm_message(struct hint_vm *vm, const char *msg, bool error, int width);

/* vm_lines_dump of the bar; the caller frees. */
char *hint_vm_dump(const struct hint_vm *vm);

#endif
