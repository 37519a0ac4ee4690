/*
 * cmdline_vm — the ":" command line: editing, parsing "NAME arg key=value…" against a
 * command table, and Tab completion of command names, argument keys and values (the
 * values come from sources the panes fill: convenio claves, etapa names, logins…).
 *
 * Pure C; a cmdline_vm is owned by one thread (the loop thread).
 */
#ifndef VM_CMDLINE_VM_H
#define VM_CMDLINE_VM_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct err;

/* One command: ":asignar 20 convenio=IMSS". Static data. */
struct cmdline_cmd {
    const char *name;        /* "asignar" */
    const char *usage;       /* "CANTIDAD [convenio=CLAVE] [entidad=CLAVE]" */
    const char *desc;        /* Spanish: "pedir un lote de clientes" */
    const char *const *keys; /* NULL-terminated argument keys ("convenio"), or NULL */
    const char *positional;  /* source kind completing bare arguments ("etapa"), or NULL */
    int min_args, max_args;  /* bare + key=value arguments after the name */
};

/* Completion values of one kind ("convenio" → "IMSS", "ISSSTE"…). */
struct cmdline_source {
    const char *kind;
    const char *const *vals;
    size_t n;
};

#define CMDLINE_BYTES    256
#define CMDLINE_CANDS    64
#define CMDLINE_MAX_ARGS 16
#define CMDLINE_HIST_MAX 200 /* lines kept, in memory and in the file */

/*
 * The lines run before, oldest first, like a shell's: Up/Down in the open line walk them, and
 * the line being typed comes back after the newest. The controller keeps it across sessions in
 * a file (cmdline_hist_load / cmdline_hist_text); lines are owned.
 */
struct cmdline_hist {
    char *lines[CMDLINE_HIST_MAX];
    int n;
    int pos;                   /* the line shown: n = the one being typed */
    char draft[CMDLINE_BYTES]; /* what was typed before the first Up */
    bool loaded;               /* the controller has read its file (cmdline_hist_load clears) */
};

struct cmdline_vm {
    char text[CMDLINE_BYTES];
    size_t cursor; /* byte offset */

    /* Completion state: the candidates of the last Tab and which one is in the text. */
    char cands[CMDLINE_CANDS][64];
    int ncands;
    int cand;                  /* -1: the common prefix was inserted, not a candidate */
    size_t tok_start;          /* where the completed token starts */
    char tok_key[32];          /* "convenio=" kept in front of a completed value */
    char after[CMDLINE_BYTES]; /* the text right after that Tab: cycling goes on while equal */

    /* Built by cmdline_vm_build. */
    struct vm_line line;
    int cursor_col;

    struct cmdline_hist hist; /* kept by cmdline_vm_open; freed by cmdline_hist_free */
};

/* Opens an empty line (the history stays, positioned after its newest line). c starts
 * zeroed; the controller's is part of a zeroed struct app. */
void cmdline_vm_open(struct cmdline_vm *c);

/*
 * Adds line as the newest, unless it is blank or repeats the newest; the oldest goes when
 * there are CMDLINE_HIST_MAX. Leaves the position after the newest.
 */
void cmdline_hist_add(struct cmdline_hist *h, const char *line);

/*
 * Up (dir -1, older) or Down (dir +1, newer) in the open line: its text becomes that line of
 * the history, with the cursor at the end; Down past the newest gives back what was typed.
 * Returns false when there is nothing further that way.
 */
bool cmdline_vm_recall(struct cmdline_vm *c, int dir);

/* Replaces h's lines with text's (one per line, oldest first; the newest CMDLINE_HIST_MAX
 * kept; blank lines and repeats of the previous line skipped). */
void cmdline_hist_load(struct cmdline_hist *h, const char *text, size_t len);

/* The lines, oldest first, one per line: what cmdline_hist_load reads. Caller frees. */
char *cmdline_hist_text(const struct cmdline_hist *h);

void cmdline_hist_free(struct cmdline_hist *h);

/*
 * Applies an editing key (characters, Backspace, Supr, ← →, Inicio, Fin). Returns true
 * when the text or cursor changed.
 */
bool cmdline_vm_input(struct cmdline_vm *c, const struct key *k);

/*
 * Tab: completes the word before the cursor. Word 0 completes command names; later
 * words complete the command's keys ("convenio=") and its positional source; "key=pre"
 * completes values of source "key". One candidate is inserted whole (with a trailing
 * blank, or "=" for a key); several insert their longest common prefix, and each further
 * Tab cycles through them. Returns the number of candidates (0: nothing matched).
 */
int cmdline_vm_complete(struct cmdline_vm *c, const struct cmdline_cmd *cmds, size_t ncmds,
                        const struct cmdline_source *src, size_t nsrc);

/*
 * Splits line into words (blanks separate; "double quotes" group) into argv[0..*argc),
 * each a pointer into buf (a copy of line, bufsz bytes); finds the command (exact name,
 * or an unambiguous prefix) and checks the argument count and keys. RC_OK with *cmd set,
 * or RC_INVAL with a Spanish e->msg ("comando desconocido «x»", "argumento desconocido
 * «foo» (convenio, entidad)", "uso: :asignar CANTIDAD …").
 */
int cmdline_parse(const char *line, const struct cmdline_cmd *cmds, size_t ncmds, char *buf,
                  size_t bufsz, int *argc, char **argv, const struct cmdline_cmd **cmd,
                  struct err *e);

/*
 * The value of "key=value" among argv[1..argc), or NULL. Bare words are positional:
 * cmdline_arg(…, NULL, i) returns the i-th bare word (0-based) or NULL.
 */
const char *cmdline_arg(int argc, char **argv, const char *key, int index);

/*
 * Lays out ":" + text for width columns, scrolled so the cursor shows, and the
 * candidates of the last Tab after it when they fit ("IMSS  ISSSTE  PEMEX").
 */
void cmdline_vm_build(struct cmdline_vm *c, int width);

/* "cursor N" then vm_lines_dump of the line; the caller frees. */
char *cmdline_vm_dump(const struct cmdline_vm *c);

#endif
