/*
 * help_vm — the help overlays, straight from the keymap registry: "?" lists the keys of
 * the current pane and then the global ones; ":ayuda" lists every context (the full
 * reference). Keys bound to the same action are shown together ("↓ j  abajo"). The list
 * scrolls inside a box centred on the screen.
 *
 * Pure; loop thread.
 */
#ifndef VM_HELP_VM_H
#define VM_HELP_VM_H

#include "ui/vm/cmdline_vm.h"
#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

#define HELP_VM_LINES 64 /* rows of the box at most (a 64-row terminal) */

struct help_vm {
    struct vm_box box; /* screen coordinates; lines are relative to box.y, box.x */
    int nlines;
    struct vm_line lines[HELP_VM_LINES];
    int total;  /* rows of the whole list */
    int scroll; /* first list row shown (clamped by build) */
};

/*
 * Builds the overlay listing the contexts ctxs[0..nctx) (each under its title) and then,
 * when cmds is not NULL (the reference), what the mouse does and the ":" commands, for a
 * screen of lines × cols, starting at list row *scroll, which is clamped and written back.
 * title: " Ayuda: Embudo ".
 */
void help_vm_build(struct help_vm *vm, const struct keymap *km, const enum keymap_ctx *ctxs,
                   int nctx, const struct cmdline_cmd *cmds, size_t ncmds, const char *title,
                   int *scroll, int lines, int cols);

/*
 * What the pane of one context says of it in the help, now (its state, e.g. the user's
 * WhatsApp account): the keys of its table it has for this user (has NULL: every one) — a
 * key it lacks is not listed — and a sentence shown under its keys (note NULL or "": none).
 */
struct help_pane {
    bool (*has)(const void *st, enum action act);
    const void *st;
    const char *note;
};

/* help_vm_build, with panes[i] (NULL: nothing to say) for ctxs[i]; panes NULL is
 * help_vm_build. A note is wrapped to the box, at most HELP_NOTE_ROWS rows per context. */
#define HELP_NOTE_ROWS 6
void help_vm_build_panes(struct help_vm *vm, const struct keymap *km, const enum keymap_ctx *ctxs,
                         const struct help_pane *const *panes, int nctx,
                         const struct cmdline_cmd *cmds, size_t ncmds, const char *title,
                         int *scroll, int lines, int cols);

/* "box y,x hxw title" then vm_lines_dump; the caller frees. */
char *help_vm_dump(const struct help_vm *vm);

#endif
