/*
 * form_vm — a modal form: fields with validation as you type, a Spanish message next to
 * each field that is wrong, the database's refusal shown without losing what was typed,
 * and dirty tracking (has the user changed anything since it opened?).
 *
 * Editing is pure (form_vm_input takes a struct key), layout too (form_vm_build → a box
 * of vm lines and the cursor position). Pure C; owned by one thread (the loop thread).
 *
 * Ownership. A form owns heap memory: each field's value and initial value (form_vm_add) and
 * the laid-out lines (form_vm_build). The rules:
 *   - A struct form_vm starts zeroed: `struct form_vm f = { 0 };`, xcalloc, or a member of a
 *     pane state that is (every pane state is xcalloc'd). Never an uninitialised one.
 *   - form_vm_init releases what the form held before, so a form is re-opened by calling
 *     form_vm_init again, with no fini in between.
 *   - Whoever embeds a form calls form_vm_fini on it once, when its own state is freed (a
 *     pane's destroy, a helper's _fini). A finished form is zeroed: init or fini again is safe.
 *   - A form is never copied by value or memset while it holds memory (two owners, or a leak).
 * A value takes what was typed and grows as it is typed, up to its field's capacity (the
 * characters max_len allows, FORM_TEXT_DEFAULT when it is 0, FORM_SHORT_CHARS for the other
 * kinds, four bytes each); so a name costs tens of bytes and only a long answer costs more.
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

/* Bytes that hold chars characters of up to four bytes each, and the NUL. */
#define FORM_BYTES(chars) (4 * (size_t)(chars) + 1)
/* The most characters a field takes (a WhatsApp answer, ui/panes_responder.c); a larger
 * max_len is not stored beyond it. */
#define FORM_TEXT_MAX 4096
/* The most bytes any value takes, NUL included: a buffer this size holds a copy of any value. */
#define FORM_VALUE_BYTES  FORM_BYTES(FORM_TEXT_MAX)
#define FORM_TEXT_DEFAULT 255 /* characters a FORM_TEXT takes when max_len is 0 */
#define FORM_SHORT_CHARS  64  /* the same for FORM_INT, FORM_MONEY and FORM_CHOICE */
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

    /* Owned by the form (see the top of this file); never NULL once added. */
    char *value;   /* what is typed, in size bytes */
    char *initial; /* the value it opened with, exactly */
    size_t size;   /* bytes allocated for value: grows as it is typed, up to the capacity */
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
    struct vm_line *lines;  /* nlines of them; owned by the form */
    int lines_size;         /* lines allocated */
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

/* The value of field i ("" for a bad index); valid until the next form_vm_input,
 * form_vm_init or form_vm_fini on f. */
const char *form_vm_value(const struct form_vm *f, int i);

/* Lays f out as a centred box for a screen of lines × cols. */
void form_vm_build(struct form_vm *f, int lines, int cols);

/* "box y,x hxw title", "cursor y,x", then vm_lines_dump; the caller frees. */
char *form_vm_dump(const struct form_vm *f);

#endif
