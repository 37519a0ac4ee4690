#include "ui/vm/hint_vm.h"

#define HINT_MAX 16

void
hint_vm_build(struct hint_vm *vm, enum keymap_ctx ctx, int width)
{
    const struct keymap_entry *ents[HINT_MAX];
    size_t n = keymap_entries(ctx, ents, HINT_MAX);
    int col = 1;

    vm->width = width;
    vm_line_init(&vm->line, ROLE_HINT);
    if (n > HINT_MAX)
        n = HINT_MAX;
    for (size_t i = 0; i < n; i++) {
        int need;

        if (!ents[i]->hint)
            continue;
        need = vm_text_width(ents[i]->label) + 1 + vm_text_width(ents[i]->desc);
        if (col + need > width)
            break;
        col = vm_line_put(&vm->line, col, width, ROLE_HINT_KEY, ents[i]->label);
        col = vm_line_put(&vm->line, col + 1, width, ROLE_HINT, ents[i]->desc);
        col += 2;
    }
}

char *
hint_vm_dump(const struct hint_vm *vm)
{
    return vm_lines_dump(&vm->line, 1);
}
