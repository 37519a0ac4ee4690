#include "ui/vm/help_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/xmalloc.h"

enum { HELP_W = 62, KEY_COL = 2, DESC_COL = 22, HELP_ROWS = 512, SCAN = 256 };

/* One row of the whole list: a context's title, an action's keys and description, or a row of
 * a pane's note (desc then points into the note rows' storage). */
struct help_row {
    bool heading, note;
    char keys[48];
    const char *desc;
    char last[16]; /* the last key added, and where its range suffix starts (0 = none) */
    size_t run_at;
};

/* Where the rows of the panes' notes live while the list is built. */
struct help_notes {
    char rows[HELP_NOTE_ROWS * KEYMAP_CTX_COUNT][VM_SPAN_BYTES];
    int n;
    int cols; /* the width a note is wrapped to */
};

/* "Alt-2" right after "Alt-1": a prefix, then a digit one more. Such runs are written as a
 * range ("Alt-1…9"); single characters ("1 2 3") stay apart. */
static bool
follows(const char *prev, const char *label)
{
    size_t n = strlen(label);

    return n >= 2 && strlen(prev) == n && strncmp(prev, label, n - 1) == 0 && label[n - 1] >= '1' &&
           label[n - 1] <= '9' && label[n - 1] == prev[n - 1] + 1;
}

/* Appends the rows of a pane's note, wrapped; returns the new count. */
static int
rows_note(struct help_row *rows, int n, const char *note, struct help_notes *nt)
{
    for (int r = 0;
         r < HELP_NOTE_ROWS && n < HELP_ROWS && nt->n < HELP_NOTE_ROWS * KEYMAP_CTX_COUNT; r++) {
        char *row = nt->rows[nt->n];

        if (!vm_wrap_row(row, VM_SPAN_BYTES, &note, nt->cols))
            break;
        nt->n++;
        rows[n++] = (struct help_row){ .note = true, .desc = row };
    }
    return n;
}

/* Appends ctx's rows (keys of one action joined; those its pane lacks now left out), then its
 * pane's note; returns the new count. */
static int
rows_ctx(struct help_row *rows, int n, const struct keymap *km, enum keymap_ctx ctx,
         const struct help_pane *pane, struct help_notes *nt)
{
    const struct keymap_binding *b[SCAN];
    size_t nb = keymap_bindings(km, ctx, b, SCAN);
    bool note = pane != NULL && pane->note != NULL && pane->note[0] != '\0';
    int first = n;

    nb = nb > SCAN ? SCAN : nb;
    if ((nb == 0 && !note) || n + 2 >= HELP_ROWS)
        return n;
    rows[n++] = (struct help_row){ .heading = true, .desc = keymap_ctx_title(ctx) };
    for (size_t i = 0; i < nb && n < HELP_ROWS; i++) {
        int j;

        if (pane != NULL && pane->has != NULL && !pane->has(pane->st, b[i]->action))
            continue;
        for (j = first + 1; j < n; j++)
            if (!rows[j].heading && rows[j].desc == b[i]->desc)
                break;
        if (j < n) {
            struct help_row *r = &rows[j];
            size_t len = strlen(r->keys);

            if (follows(r->last, b[i]->label)) {
                r->run_at = r->run_at != 0 ? r->run_at : len;
                snprintf(r->keys + r->run_at, sizeof r->keys - r->run_at, "…%c",
                         b[i]->label[strlen(b[i]->label) - 1]);
            } else {
                snprintf(r->keys + len, sizeof r->keys - len, " %s", b[i]->label);
                r->run_at = 0;
            }
            snprintf(r->last, sizeof r->last, "%s", b[i]->label);
            continue;
        }
        rows[n] = (struct help_row){ .desc = b[i]->desc };
        snprintf(rows[n].keys, sizeof rows[n].keys, "%s", b[i]->label);
        snprintf(rows[n].last, sizeof rows[n].last, "%s", b[i]->label);
        n++;
    }
    return note ? rows_note(rows, n, pane->note, nt) : n;
}

static void
help_box(struct help_vm *vm, int total, const char *title, int lines, int cols)
{
    int w = cols - 2 < HELP_W ? cols - 2 : HELP_W;
    int h = total + 4; /* borders, a blank row, the closing line */

    h = h > lines ? lines : h;
    h = h > HELP_VM_LINES ? HELP_VM_LINES : h;
    vm->box = (struct vm_box){ .h = h > 0 ? h : 0, .w = w > 0 ? w : 0 };
    vm->box.y = (lines - vm->box.h) / 2 > 0 ? (lines - vm->box.h) / 2 : 0;
    vm->box.x = (cols - vm->box.w) / 2 > 0 ? (cols - vm->box.w) / 2 : 0;
    snprintf(vm->box.title, sizeof vm->box.title, "%s", title);
    vm->nlines = vm->box.h;
}

/* The reference's rows for the mouse (ui/app_input.c gives each click a key's meaning). */
static int
rows_raton(struct help_row *rows, int n)
{
    static const struct {
        const char *keys, *desc;
    } raton[] = {
        { "clic", "pestaña, fila, campo o tecla de abajo" },
        { "doble clic", "abrir la fila (como Enter)" },
        { "rueda", "subir y bajar de tres en tres" },
        { "Mayús+arrastrar", "seleccionar texto para copiarlo" },
    };

    if (n + 1 + (int)(sizeof raton / sizeof raton[0]) >= HELP_ROWS)
        return n;
    rows[n++] = (struct help_row){ .heading = true, .desc = "Ratón (:raton sí o no)" };
    for (size_t i = 0; i < sizeof raton / sizeof raton[0]; i++) {
        rows[n] = (struct help_row){ .desc = raton[i].desc };
        snprintf(rows[n].keys, sizeof rows[n].keys, "%s", raton[i].keys);
        n++;
    }
    return n;
}

/* Appends the commands' rows (":asignar  pedir un lote…"); returns the new count. */
static int
rows_cmds(struct help_row *rows, int n, const struct cmdline_cmd *cmds, size_t ncmds)
{
    if (cmds == NULL || ncmds == 0 || n + 2 >= HELP_ROWS)
        return n;
    rows[n++] = (struct help_row){ .heading = true, .desc = "Comandos (: y Tab completa)" };
    for (size_t i = 0; i < ncmds && n < HELP_ROWS; i++) {
        rows[n] = (struct help_row){ .desc = cmds[i].desc };
        snprintf(rows[n].keys, sizeof rows[n].keys, ":%s", cmds[i].name);
        n++;
    }
    return n;
}

void
help_vm_build(struct help_vm *vm, const struct keymap *km, const enum keymap_ctx *ctxs, int nctx,
              const struct cmdline_cmd *cmds, size_t ncmds, const char *title, int *scroll,
              int lines, int cols)
{
    help_vm_build_panes(vm, km, ctxs, NULL, nctx, cmds, ncmds, title, scroll, lines, cols);
}

void
help_vm_build_panes(struct help_vm *vm, const struct keymap *km, const enum keymap_ctx *ctxs,
                    const struct help_pane *const *panes, int nctx, const struct cmdline_cmd *cmds,
                    size_t ncmds, const char *title, int *scroll, int lines, int cols)
{
    struct help_row *rows = xcalloc(HELP_ROWS, sizeof *rows);
    struct help_notes *nt = xcalloc(1, sizeof *nt);
    int n = 0, room, w;

    /* the box's width (help_box), less the borders and the indent of the keys */
    nt->cols = (cols - 2 < HELP_W ? cols - 2 : HELP_W) - KEY_COL - 2;
    for (int c = 0; c < nctx; c++)
        n = rows_ctx(rows, n, km, ctxs[c], panes != NULL ? panes[c] : NULL, nt);
    if (cmds != NULL) /* the reference: the mouse, then the commands (its end, G) */
        n = rows_raton(rows, n);
    n = rows_cmds(rows, n, cmds, ncmds);
    help_box(vm, n, title, lines, cols);
    w = vm->box.w;
    room = vm->box.h - 4 > 0 ? vm->box.h - 4 : 0;
    *scroll = *scroll > n - room ? n - room : *scroll;
    *scroll = *scroll < 0 ? 0 : *scroll;
    vm->total = n;
    vm->scroll = *scroll;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    for (int i = 0; i < room && *scroll + i < n; i++) {
        const struct help_row *r = &rows[*scroll + i];
        struct vm_line *l = &vm->lines[i + 1];

        if (r->heading || r->note) {
            vm_line_put(l, r->heading ? KEY_COL : KEY_COL + 1, w - 1,
                        r->heading ? ROLE_HEADING : ROLE_TEXT, r->desc);
            continue;
        }
        vm_line_put(l, KEY_COL + 1, DESC_COL - 1 < w - 1 ? DESC_COL - 1 : w - 1, ROLE_HINT_KEY,
                    r->keys);
        vm_line_put(l, DESC_COL, w - 1, ROLE_TEXT, r->desc);
    }
    if (vm->box.h >= 3) {
        const char *close = keymap_key_for(km, KEYMAP_HELP, ACTION_CLOSE);
        char foot[96];

        snprintf(foot, sizeof foot, "%s cierra%s", close != NULL ? close : "Esc",
                 n > room ? " · ↑↓ desplazan" : " esta ayuda");
        vm_line_put(&vm->lines[vm->box.h - 2], KEY_COL, w - 1, ROLE_MUTED, foot);
    }
    free(rows);
    free(nt);
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
