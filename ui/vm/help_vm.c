#include "ui/vm/help_vm.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/strbuf.h"

enum { HELP_W = 44, KEY_COL = 2, DESC_COL = 10 };

void
help_vm_build(struct help_vm *vm, enum keymap_ctx ctx, int lines, int cols)
{
    const struct keymap_entry *ents[HELP_VM_LINES];
    size_t n = keymap_entries(ctx, ents, HELP_VM_LINES - 4);
    int w = cols - 2 < HELP_W ? cols - 2 : HELP_W;
    int h;

    if (n > HELP_VM_LINES - 4)
        n = HELP_VM_LINES - 4;
    h = (int)n + 4; /* borders, one blank row, the closing line */
    if (h > lines)
        h = lines;
    vm->box = (struct vm_box){ .h = h, .w = w > 0 ? w : 0 };
    vm->box.y = (lines - h) / 2 > 0 ? (lines - h) / 2 : 0;
    vm->box.x = (cols - vm->box.w) / 2 > 0 ? (cols - vm->box.w) / 2 : 0;
    snprintf(vm->box.title, sizeof vm->box.title, " Ayuda: teclas ");
    vm->nlines = h > 0 ? h : 0;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    for (size_t i = 0; i < n && (int)i + 1 < h - 1; i++) {
        struct vm_line *l = &vm->lines[i + 1];

        vm_line_put(l, KEY_COL, w - 1, ROLE_HINT_KEY, ents[i]->label);
        vm_line_put(l, DESC_COL, w - 1, ROLE_TEXT, ents[i]->desc);
    }
    if (h >= 3)
        vm_line_put(&vm->lines[h - 2], KEY_COL, w - 1, ROLE_MUTED, "Esc o ? cierran esta ayuda");
}

char *
help_vm_dump(const struct help_vm *vm)
{
    struct strbuf sb;
    char *out;
    char *lines = vm_lines_dump(vm->lines, vm->nlines);

    strbuf_init(&sb);
    strbuf_addf(&sb, "box %d,%d %dx%d%s\n", vm->box.y, vm->box.x, vm->box.h, vm->box.w,
                vm->box.title);
    strbuf_addstr(&sb, lines);
    free(lines);
    out = strbuf_detach(&sb, NULL);
    strbuf_fini(&sb); /* detach re-initialises sb */
    return out;
}
