#include "ui/vm/hint_vm.h"

#include <stdio.h>
#include <string.h>

#define HINT_SCAN 128

/* What the bar is built for: the context shown and what its view refuses. */
struct hint_where {
    enum keymap_ctx ctx;
    hint_offers_fn offers; /* NULL: everything */
    const void *octx;
};

/*
 * Adds ctx's hint pairs from column *col, keeping those that really do that where the bar is
 * shown (w); returns how many were added, or more than room when one did not fit (the rest
 * stop).
 */
static int
hint_ctx(struct hint_vm *vm, const struct keymap *km, enum keymap_ctx ctx,
         const struct hint_where *w, int *col, int room)
{
    const struct keymap_binding *b[HINT_SCAN];
    size_t n = keymap_bindings(km, ctx, b, HINT_SCAN);
    bool seen[ACTION_COUNT] = { false };
    int added = 0;

    n = n > HINT_SCAN ? HINT_SCAN : n;
    for (size_t i = 0; i < n && added < room; i++) {
        char label[sizeof b[i]->label + 8];
        size_t ll = strlen(b[i]->label);
        int need;

        if (!b[i]->hint || seen[b[i]->action] ||
            keymap_lookup(km, w->ctx, &b[i]->key) != b[i]->action)
            continue; /* (a global key the pane context rebinds or unbinds) */
        if (w->offers != NULL && !w->offers(w->octx, b[i]->action))
            continue; /* refused in the view shown: a hint must not offer it */
        seen[b[i]->action] = true;
        /* a hinted key for pane 1 ending in 1 (Alt-1) stands for the nine: "Alt-1…9" */
        snprintf(label, sizeof label, "%s%s", b[i]->label,
                 b[i]->action == ACTION_PANE_1 && ll > 0 && b[i]->label[ll - 1] == '1' ? "…9" : "");
        need = vm_text_width(label) + 1 + vm_text_width(b[i]->desc);
        if (*col + need > vm->width)
            return added + room; /* stop: the ones after it are left out too */
        vm->hits[vm->nhits].x0 = *col;
        vm->hits[vm->nhits].key = b[i]->key;
        *col = vm_line_put(&vm->line, *col, vm->width, ROLE_HINT_KEY, label);
        *col = vm_line_put(&vm->line, *col + 1, vm->width, ROLE_HINT, b[i]->desc);
        vm->hits[vm->nhits++].x1 = *col;
        *col += 2;
        added++;
    }
    return added;
}

void
hint_vm_build(struct hint_vm *vm, const struct keymap *km, enum keymap_ctx ctx, int width)
{
    hint_vm_build_offered(vm, km, ctx, width, NULL, NULL);
}

void
hint_vm_build_offered(struct hint_vm *vm, const struct keymap *km, enum keymap_ctx ctx, int width,
                      hint_offers_fn offers, const void *octx)
{
    const struct hint_where w = { .ctx = ctx, .offers = offers, .octx = octx };
    int col = 1, used;

    vm->width = width;
    vm->nhits = 0;
    vm_line_init(&vm->line, ROLE_HINT);
    used = hint_ctx(vm, km, ctx, &w, &col, HINT_MAX_PAIRS);
    if (used < HINT_MAX_PAIRS && keymap_ctx_inherits(ctx))
        hint_ctx(vm, km, KEYMAP_GLOBAL, &w, &col, HINT_MAX_PAIRS - used);
}

void
hint_vm_message(struct hint_vm *vm, const char *msg, bool error, int width)
{
    char text[VM_SPAN_BYTES];

    vm->width = width;
    vm->nhits = 0;
    vm_line_init(&vm->line, ROLE_HINT);
    snprintf(text, sizeof text, "%s%s", error ? "✗ " : "", msg);
    vm_line_put(&vm->line, 1, width, error ? ROLE_ERROR : ROLE_HINT, text);
}

const struct key *
hint_vm_key_at(const struct hint_vm *vm, int x)
{
    for (int i = 0; i < vm->nhits; i++)
        if (x >= vm->hits[i].x0 && x < vm->hits[i].x1)
            return &vm->hits[i].key;
    return NULL;
}

char *
hint_vm_dump(const struct hint_vm *vm)
{
    return vm_lines_dump(&vm->line, 1);
}
