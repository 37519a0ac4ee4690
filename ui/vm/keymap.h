/*
 * keymap — the one registry of keys: (context, key) → action, plus the labels the hint
 * bar, the "?" overlay and ":ayuda" show, so what is drawn is always what is bound.
 *
 * A struct keymap is built at start-up from the global defaults (keymap_new), each pane's
 * defaults (keymap_add, from struct pane_ops.keys) and then the user's overrides file
 * (keymap_load, ~/.config/embudo/teclas.conf; format in packaging/teclas.conf.example).
 * A context that inherits (every pane context) falls back to KEYMAP_GLOBAL on lookup;
 * the overlay and input contexts (help, command line, form, confirmation) do not.
 *
 * struct key is plain data: ui/term fills it from wgetch (this header has no curses),
 * tests build it by hand. Pure C; a keymap is owned by one thread (the loop thread).
 */
#ifndef VM_KEYMAP_H
#define VM_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/vm.h"

struct err;

/* Kinds of key press. Not KEY_*: ncurses owns those names. */
enum key_kind {
    KK_NONE, /* nothing read */
    KK_CHAR, /* a printable character: ch holds its code point (' ' is the space bar) */
    KK_CTRL, /* Ctrl + letter: ch holds the lower-case letter */
    KK_ALT,  /* Alt (or Esc then at once) + a printable character: ch holds it */
    KK_ENTER,
    KK_ESC,
    KK_TAB,
    KK_BACKTAB, /* Shift+Tab */
    KK_BACKSPACE,
    KK_DELETE,
    KK_UP,
    KK_DOWN,
    KK_LEFT,
    KK_RIGHT,
    KK_PGUP,
    KK_PGDN,
    KK_HOME,
    KK_END,
    KK_FN,     /* function key: ch holds its number (F1 = 1) */
    KK_RESIZE, /* the terminal changed size */
    KK_MOUSE,  /* a click or the wheel: the struct mouse read with it says which and where */
    KK_OTHER,  /* anything else */
};

/* What a KK_MOUSE key did. Never bound: the controller gives it its meaning (ui/app_input.c). */
enum key_mouse {
    KM_NONE,   /* a report with no use here (a release, another button): ignored */
    KM_CLICK,  /* the left button went down */
    KM_DOUBLE, /* … a second time on the same cell, quickly (the first was a KM_CLICK) */
    KM_WHEEL_UP,
    KM_WHEEL_DOWN,
};

struct key {
    enum key_kind kind;
    uint32_t ch;
};

/* A KK_MOUSE key's event: what, and the screen cell (row, column from 0). */
struct mouse {
    enum key_mouse what;
    int y, x;
};

/*
 * What a key does; the controller or the pane applies it. Each has a stable ASCII name
 * for teclas.conf (keymap_action_name). Panes add their own here (small, shared table:
 * add the enum value and its row in keymap.c's action table).
 */
enum action {
    ACTION_NONE,
    /* global (ui/app.c) */
    ACTION_QUIT,
    ACTION_REFRESH,
    ACTION_HELP,  /* open or close the "?" overlay of the current pane */
    ACTION_CLOSE, /* close an overlay (Esc) */
    ACTION_BACK,  /* Esc in a pane: back out (clear filter, leave detail, …) */
    ACTION_CMDLINE,
    ACTION_NEXT_PANE,
    ACTION_PREV_PANE,
    ACTION_PANE_1,
    ACTION_PANE_2,
    ACTION_PANE_3,
    ACTION_PANE_4,
    ACTION_PANE_5,
    ACTION_PANE_6,
    ACTION_PANE_7,
    ACTION_PANE_8,
    ACTION_PANE_9,
    /* movement, for every list-like pane */
    ACTION_UP,
    ACTION_DOWN,
    ACTION_LEFT,
    ACTION_RIGHT,
    ACTION_PAGE_UP,
    ACTION_PAGE_DOWN,
    ACTION_TOP,
    ACTION_BOTTOM,
    /* pane actions (the panes of issue 4 interpret them) */
    ACTION_OPEN,   /* Enter on an item */
    ACTION_TAG,    /* Space: tag / untag */
    ACTION_FILTER, /* "/" */
    ACTION_SORT,
    ACTION_TOGGLE_VIEW, /* kanban ↔ list */
    ACTION_PICK_MEMBER, /* supervisor: whose embudo */
    ACTION_ASSIGN,
    ACTION_MOVE_STAGE,
    ACTION_NOTE,
    ACTION_SALE,
    ACTION_EXIT_STAGE,
    ACTION_REASSIGN,
    ACTION_RETURN_POOL,
    ACTION_DISCARD,
    ACTION_REOPEN,
    ACTION_EXTEND,       /* supervision: more business hours on the stage timer */
    ACTION_ATTEMPT,      /* record a contact attempt (its outcome and a note) */
    ACTION_CAPTURE,      /* captación: a lead of one's own becomes an opportunity */
    ACTION_DISTRIBUTE,   /* supervision: deal clients over the team (Repartir) */
    ACTION_NO_CONTACT,   /* the person asked: their phone goes in the do-not-contact registry */
    ACTION_USER_STATE,   /* supervision: a promoter's estado (ausente, vacaciones…) in Equipo */
    ACTION_USER_CHANGES, /* the record of changes to a user (who, when, why) */
    ACTION_USER_LIMITS,  /* admin: a promoter's cupo diario and cartera máxima (Equipo) */
    ACTION_USER_SUPERVISOR, /* admin: the supervisor whose team a promoter is in (Equipo) */
    ACTION_USER_NAME,       /* admin: a user's name typed wrong (Equipo, sql/099) */
    /* prórrogas: the stage timer waits until a date (db_prorroga.h) */
    ACTION_EXTENSION_ASK,     /* the owner asks for one (Detalle) */
    ACTION_EXTENSION_APPROVE, /* supervision approves the request under the cursor (Bandeja) */
    ACTION_EXTENSION_REJECT,  /* supervision rejects it with an answer (Bandeja) */
    ACTION_EXTENSION_CANCEL,  /* the requester withdraws their pending one (Detalle) */
    ACTION_CORRECT_DATA,      /* a captured lead's name, phone or CURP typed wrong (Detalle) */
    /* a sale in force (sql/092): supervision, from :ventas and from Detalle */
    ACTION_SALE_CORRECT, /* its monto, producto or folio typed wrong */
    ACTION_SALE_CANCEL,  /* the lender declined the credit: it goes back to the bandeja */
    /* An admin's lists in Inicio: the calendar (`:calendario`, sql/093) and the stages
     * (`:etapas`, sql/095); each view says what they do on its row. */
    ACTION_ITEM_ADD,     /* a rest day; a stage */
    ACTION_ITEM_EDIT,    /* the weekday's hours; the stage's name, timer or attempts */
    ACTION_ITEM_REMOVE,  /* the rest day; the stage out of the funnel */
    ACTION_ITEM_MOVE,    /* the stage to another place */
    ACTION_ITEM_RESTORE, /* the stage back into the funnel */
    /* the funnel report (informe): its range of dates */
    ACTION_PERIOD_PREV,  /* the whole range one period back */
    ACTION_PERIOD_NEXT,  /* one period forward (never past today) */
    ACTION_PERIOD_DAY,   /* the range becomes one day, */
    ACTION_PERIOD_WEEK,  /* a week (7 days) */
    ACTION_PERIOD_MONTH, /* or a month (30 days), ending where it ended */
    /* the campaign panes (issue 5: whatsapp, campana, progreso, estadisticas) */
    ACTION_WA_LINK,       /* link the account (or ask for a new QR) */
    ACTION_WA_LINK_PHONE, /* link the account with a code typed on the phone */
    ACTION_WA_SCAN,       /* simulated network: scan the QR */
    ACTION_WA_SEND,       /* start / stop this session's sender */
    ACTION_WA_REPLY,      /* answer a client who wrote on WhatsApp (Detalle, sql/101) */
    ACTION_CAMPAIGN_PAUSE,
    ACTION_CAMPAIGN_RESUME, /* launch a ready one, resume a paused one */
    ACTION_CAMPAIGN_CANCEL,
    ACTION_CAMPAIGN_RETRY,   /* a new campaign with the failed messages */
    ACTION_UNCERTAIN_SENT,   /* an uncertain message did arrive */
    ACTION_UNCERTAIN_RESEND, /* send it again */
    ACTION_UNCERTAIN_DROP,   /* give it up */
    ACTION_UNCERTAIN_DECIDE, /* Detalle: decide the newest answer in doubt (a choice form) */
    /* overlays and input contexts */
    ACTION_CONFIRM,    /* Enter in the command line / a confirmation */
    ACTION_COMPLETE,   /* Tab in the command line */
    ACTION_NEXT_FIELD, /* Tab / Down in a form */
    ACTION_PREV_FIELD,
    ACTION_SUBMIT, /* Enter in a form */
    ACTION_YES,
    ACTION_NO,
    ACTION_COUNT
};

/*
 * Where the key was pressed. Each pane has one; a pane added later takes one of the
 * reserved values or appends one here (and its name in keymap.c's context table).
 */
enum keymap_ctx {
    KEYMAP_GLOBAL, /* every pane context falls back to these */
    KEYMAP_HOME,
    KEYMAP_EMBUDO,
    KEYMAP_DETALLE,
    KEYMAP_ASIGNACION,
    KEYMAP_BANDEJA,
    KEYMAP_EQUIPO,
    KEYMAP_WA,           /* issue 5: the WhatsApp account */
    KEYMAP_CAMPANA,      /* issue 5: the campaign wizard */
    KEYMAP_PROGRESO,     /* issue 5: campaign progress */
    KEYMAP_ESTADISTICAS, /* issue 5: WhatsApp statistics */
    KEYMAP_REPARTIR,     /* supervision: deal clients over the team */
    KEYMAP_INFORME,      /* the funnel report */
    KEYMAP_HELP,         /* the help overlay is open */
    KEYMAP_CMDLINE,      /* the ":" line is open (other keys edit the text) */
    KEYMAP_FORM,         /* a form is open (other keys edit the field) */
    KEYMAP_CONFIRM,      /* a yes/no question is open */
    KEYMAP_CTX_COUNT
};

/* Profiles a binding is for, as bits of enum vm_profile (ui/vm/vm.h); 0 = every profile. */
#define KEYMAP_PERFIL(p)         (1u << (p))
#define KEYMAP_SOLO_SUPERVISION  (KEYMAP_PERFIL(VM_PROFILE_SUPERVISOR) | KEYMAP_PERFIL(VM_PROFILE_ADMIN))
/* Those who see other users' work (choosing whose embudo, opening a bandeja row). */
#define KEYMAP_VEN_EQUIPO (KEYMAP_SOLO_SUPERVISION | KEYMAP_PERFIL(VM_PROFILE_AUDITOR))
/* Every profile that may change data: a binding that writes (not the auditor). */
#define KEYMAP_ESCRITURA (KEYMAP_PERFIL(VM_PROFILE_PROMOTOR) | KEYMAP_SOLO_SUPERVISION)
/* The auditor alone: a reading key offered where the others have write keys instead. */
#define KEYMAP_SOLO_AUDITORIA KEYMAP_PERFIL(VM_PROFILE_AUDITOR)

/* A static default binding (the global table, a pane's table). */
struct keymap_entry {
    enum keymap_ctx ctx;
    struct key key;
    enum action action;
    const char *desc;  /* Spanish, what the help shows: "salir" */
    bool hint;         /* shown in the hint bar */
    unsigned perfiles; /* KEYMAP_PERFIL bits this binding exists for; 0 = all */
};

/* A binding in a built keymap: its key written for people ("q", "Esc", "Ctrl-r"). */
struct keymap_binding {
    enum keymap_ctx ctx;
    struct key key;
    enum action action;
    char label[16];
    const char *desc; /* static: the entry's, or the action's for user bindings */
    bool hint;
};

struct keymap;

/* A keymap with the global defaults (quit, help, panes, movement, overlays). */
struct keymap *keymap_new(void) __attribute__((warn_unused_result));
void keymap_free(struct keymap *km);

/*
 * Adds default bindings (a pane's) for profile: an entry whose perfiles excludes it is left
 * out, so neither the key, the hint bar nor the help offer it (a role sees only what it may
 * do). For a read-only profile (vm_profile_read_only) an entry whose action writes
 * (keymap_action_writes) is left out too, whatever its perfiles say. Later entries for the
 * same (ctx, key) win.
 */
void keymap_add(struct keymap *km, const struct keymap_entry *ents, size_t n,
                enum vm_profile profile);

/*
 * Makes km a read-only user's (an auditor's): from now on keymap_load ignores a line that
 * binds an action that writes (the line is valid for other profiles, so it is no error).
 * Call it before keymap_load; keymap_add already follows its profile argument.
 */
void keymap_set_read_only(struct keymap *km);

/* True for an action that changes data (moving, a note, a sale, a lote, a campaign…). */
bool keymap_action_writes(enum action a);

/*
 * True when one of ents binds k in ctx to an action that writes, whatever its perfiles:
 * what a pane's key would do for a profile that may write, so a read-only user pressing it
 * can be told why nothing happens.
 */
bool keymap_entries_write(const struct keymap_entry *ents, size_t n, enum keymap_ctx ctx,
                          const struct key *k);

/*
 * Applies an overrides file's text (len bytes; path names it in messages). Format:
 *   # comment            [contexto]            tecla = acción
 * A line "tecla = acción" binds in the section's context (KEYMAP_GLOBAL before any
 * section): the first user line for an (context, acción) pair removes that action's
 * default keys there, and the key loses whatever it did in that context; "ninguna"
 * unbinds the key. Good lines are applied even when others are bad. Returns RC_OK, or
 * RC_INVAL with e->msg = "PATH:LÍNEA: motivo" of the first bad line (plus how many more).
 */
int keymap_load(struct keymap *km, const char *text, size_t len, const char *path,
                struct err *e);

/* The action bound to k in ctx (falling back to global for pane contexts), or NONE. */
enum action keymap_lookup(const struct keymap *km, enum keymap_ctx ctx, const struct key *k);

/*
 * The bindings of ctx alone (no fallback) in display order, into out (up to max);
 * returns how many there are (may exceed max). Borrowed until the keymap changes.
 */
size_t keymap_bindings(const struct keymap *km, enum keymap_ctx ctx,
                       const struct keymap_binding **out, size_t max);

/* The first key bound to action in ctx (or global), written for people; NULL if none. */
const char *keymap_key_for(const struct keymap *km, enum keymap_ctx ctx, enum action action);

/* True for pane contexts (they fall back to KEYMAP_GLOBAL). */
bool keymap_ctx_inherits(enum keymap_ctx ctx);

/* Names for teclas.conf and help: "embudo", "comando"; "abajo", "salir". */
const char *keymap_ctx_name(enum keymap_ctx ctx);
const char *keymap_ctx_title(enum keymap_ctx ctx); /* "Embudo", "Línea de comandos" */
const char *keymap_action_name(enum action a);
const char *keymap_action_desc(enum action a); /* Spanish default description */

/*
 * Parses a key name ("q", "Ctrl-r", "Alt-1", "Esc", "Enter", "Tab", "Espacio", "Arriba"/"Up",
 * "F5", "RePág"/"PgUp"…) into *k. Returns false when the name is unknown.
 */
bool keymap_key_parse(const char *name, struct key *k);

/* Writes k for people into buf ("Ctrl-r", "↑" is written "Arriba"). Returns buf. */
char *keymap_key_label(const struct key *k, char *buf, size_t bufsz);

#endif
