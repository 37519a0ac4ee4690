/*
 * form_vm — a modal form: fields with validation as you type, a Spanish message next to
 * each field that is wrong, the database's refusal shown without losing what was typed,
 * and dirty tracking (has the user changed anything since it opened?).
 *
 * Editing is pure (form_vm_input takes a struct key), layout too (form_vm_build → a box
 * of vm lines and the cursor position). Pure C; owned by one thread (the loop thread).
 */
#ifndef VM_FORM_VM_H
#define VM_FORM_VM_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"
#include "util/err.h"

enum form_kind {
    FORM_TEXT,   /* any text within min_len..max_len characters */
    FORM_INT,    /* digits only, within min..max */
    FORM_MONEY,  /* "12500" or "12500.50": digits, at most two decimals, > 0 */
    FORM_CHOICE, /* one of choices (case-insensitive); ← → cycle through them */
};

/* 4096 characters of up to four bytes each (a WhatsApp answer, ui/panes_responder.c), and the
 * NUL: a field takes max_len characters whatever they are. */
#define FORM_VALUE_BYTES  (4 * 4096 + 1)
#define FORM_MAX_FIELDS  12
#define FORM_REFUSAL_ROWS 3 /* the database's refusal, wrapped */
#define FORM_NOTE_ROWS    2 /* the note under the title, wrapped */
#define FORM_VM_LINES     (FORM_MAX_FIELDS * 2 + 6 + FORM_REFUSAL_ROWS + FORM_NOTE_ROWS)

struct form_field {
    const char *label; /* "Monto" (static) */
    enum form_kind kind;
    bool required;
    int min_len, max_len;       /* characters; 0 = no bound */
    /* FORM_TEXT for a long text: the label on a row of its own with "12 de 4,096" (the
     * characters typed, when max_len bounds them) at its right, the value across the whole
     * box on the row under it (its tail while typing), the message under that. */
    bool largo;
    long long min, max;         /* FORM_INT; min == max == 0 means no bound */
    const char *const *choices; /* FORM_CHOICE (static) */
    size_t nchoices;
    /* Extra check (may be NULL): false and a Spanish message into msg when wrong. */
    bool (*check)(const char *value, char *msg, size_t msgsz);

    char value[FORM_VALUE_BYTES];
    char initial[FORM_VALUE_BYTES];
    size_t cursor; /* byte offset into value */
    bool touched;  /* edited or left once: its message may show */
    char msg[128]; /* why the value is wrong; "" = fine */
};

struct form_vm {
    char title[64];
    int nfields;
    int focus;
    struct form_field fields[FORM_MAX_FIELDS];
    char note[256];              /* what the user must know before filling it; "" = none */
    char refusal[ERR_MSG_BYTES]; /* the database's message after a refusal; "" = none */
    bool sending;                /* submitted, waiting for the database */

    /* Built by form_vm_build. */
    struct vm_box box; /* screen coordinates */
    int nlines;        /* lines are relative to box.y, box.x */
    struct vm_line lines[FORM_VM_LINES];
    int cursor_y, cursor_x; /* screen position of the text cursor; -1 when hidden */
};

/* Empties f, releasing what it held (f zeroed or initialised before), and gives it a title
 * ("Registrar venta"). */
void form_vm_init(struct form_vm *f, const char *title);

/* Releases what f holds and leaves it zeroed; the owner calls it before freeing the memory
 * f lives in. */
void form_vm_fini(struct form_vm *f);

/*
 * Adds a field with an initial value (may be NULL) and returns it so the caller can set
 * bounds and choices; NULL when FORM_MAX_FIELDS are in use.
 */
struct form_field *form_vm_add(struct form_vm *f, const char *label, enum form_kind kind,
                               bool required, const char *initial);

/*
 * Applies an editing key to the focused field: a character inserts at the cursor,
 * Backspace/Supr delete, ←/→/Inicio/Fin move (← → cycle choices), then the field is
 * validated. Clears the refusal. Returns true when anything changed.
 */
bool form_vm_input(struct form_vm *f, const struct key *k);

/* Moves the focus (wrapping); the field left is marked touched and validated. */
void form_vm_focus_next(struct form_vm *f);
void form_vm_focus_prev(struct form_vm *f);

/* A click at screen cell (y, x) of the form last built: the field on that row gets the focus
 * (as Tab would leave the one before: touched, validated). False outside the fields. */
bool form_vm_click(struct form_vm *f, int y, int x);

/*
 * Validates every field and marks them touched; focuses the first wrong one. Returns
 * true when all are valid (the caller may submit).
 */
bool form_vm_validate(struct form_vm *f);

/* The database refused: keep every value, show msg above the fields. */
void form_vm_set_refusal(struct form_vm *f, const char *msg);

/* A note shown under the title, muted, wrapped to FORM_NOTE_ROWS ("" removes it): what the
 * user must know before filling the form (the privacy notice to give a lead). */
void form_vm_set_note(struct form_vm *f, const char *msg);

/* True when some value differs from its initial value. */
bool form_vm_dirty(const struct form_vm *f);

/* The value of field i ("" for a bad index). */
const char *form_vm_value(const struct form_vm *f, int i);

/* Lays f out as a centred box for a screen of lines × cols. */
void form_vm_build(struct form_vm *f, int lines, int cols);

/* "box y,x hxw title", "cursor y,x", then vm_lines_dump; the caller frees. */
char *form_vm_dump(const struct form_vm *f);

#endif
