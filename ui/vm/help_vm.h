/*
 * help_vm — the "?" overlay: the keys of the context it was opened from, straight from
 * the keymap registry, in a box centred on the screen.
 *
 * Pure; loop thread.
 */
#ifndef VM_HELP_VM_H
#define VM_HELP_VM_H

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

#define HELP_VM_LINES 20

struct help_vm {
    struct vm_box box; /* screen coordinates; lines are relative to box.y, box.x */
    int nlines;
    struct vm_line lines[HELP_VM_LINES];
};

/* Builds the overlay listing ctx's keys for a screen of lines × cols. */
void help_vm_build(struct help_vm *vm, enum keymap_ctx ctx, int lines, int cols);

/* "box y,x hxw title" then vm_lines_dump; the caller frees. */
char *help_vm_dump(const struct help_vm *vm);

#endif
