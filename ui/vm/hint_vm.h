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

/* Where a pair is on the bar, and the key it stands for (a click there presses it). */
struct hint_hit {
    int x0, x1; /* columns [x0, x1) */
    struct key key;
};

struct hint_vm {
    int width;
    struct vm_line line;
    int nhits; /* 0 while the bar shows a message */
    struct hint_hit hits[HINT_MAX_PAIRS];
};

/*
 * Whether act does something where the bar is shown: a pane with more than one view refuses
 * some of its context's keys in one of them (Informe's heatmap and its range keys). ctx is the
 * caller's (the pane's state).
 */
typedef bool (*hint_offers_fn)(const void *ctx, enum action act);

/*
 * Builds the bar for ctx and width: "key desc" pairs of ctx's bindings marked hint (one
 * per action, the first key), then, for pane contexts, the global ones, at most
 * HINT_MAX_PAIRS; a pair that does not fit whole is left out, with the ones after it.
 */
void hint_vm_build(struct hint_vm *vm, const struct keymap *km, enum keymap_ctx ctx, int width);

/* The same, leaving out every pair whose action offers(octx, action) says is refused there,
 * so the bar shows only keys that work now; offers NULL leaves out nothing. */
void hint_vm_build_offered(struct hint_vm *vm, const struct keymap *km, enum keymap_ctx ctx,
                           int width, hint_offers_fn offers, const void *octx);

/* The key of the pair at column x, or NULL (a blank, a message). */
const struct key *hint_vm_key_at(const struct hint_vm *vm, int x);

/* The bar shows msg instead (error: ROLE_ERROR with "✗", else ROLE_HINT). */
void hint_vm_message(struct hint_vm *vm, const char *msg, bool error, int width);

/* vm_lines_dump of the bar; the caller frees. */
char *hint_vm_dump(const struct hint_vm *vm);

#endif
