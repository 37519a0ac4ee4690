/*
 * embudo_vm — the embudo pane: one column per stage (kanban) or one row per opportunity
 * (list), each card with client, convenio and the time left in business hours with a glyph,
 * a word and a role for ok / aviso (≥ aviso_pct of the timer used) / vencida, and «⊘ No
 * contactar» after the client when a phone of it is in the do-not-contact registry; sort, "/"
 * filter, cursor and scrolling. Only the rows that fit are built, so 10,000 cards cost what
 * one screen costs. Also the timer label every pane shares ("3 h 20 m hábiles").
 *
 * Pure C (no curses, no db). The model (struct embudo_model) holds a copy of the cards the
 * database job returned plus the view state; the loop thread owns it and feeds it actions.
 */
#ifndef VM_EMBUDO_VM_H
#define VM_EMBUDO_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

/* ---- timers (shared with detalle) --------------------------------------------------- */

enum timer_estado { TIMER_NINGUNO, TIMER_OK, TIMER_AVISO, TIMER_VENCIDO, TIMER_PAUSADO };

/*
 * The state of a timer with restante business hours left of total (aviso_pct: the warning
 * threshold in percent of total used). con_timer false → TIMER_NINGUNO.
 */
enum timer_estado timer_estado_de(bool con_timer, double restante, double total, double aviso_pct);

/*
 * The label of a timer into buf: "3 h 20 m hábiles", "45 m hábiles", "vencida hace 2 h 05 m",
 * "en pausa · 12 h 30 m hábiles" (TIMER_PAUSADO: the hours it keeps), "sin timer". Minutes are
 * rounded down (never promise more time than there is).
 */
void timer_label(char *buf, size_t bufsz, enum timer_estado st, double restante);

/* "●" ok, "◐" aviso, "○" vencida, "‖" en pausa, "·" none (vm_clip folds them to ASCII when
 * needed). */
const char *timer_glyph(enum timer_estado st);
enum vm_role timer_role(enum timer_estado st);

struct embudo_card;
/* The state of a card's timer: TIMER_PAUSADO while paused, else timer_estado_de's. */
enum timer_estado embudo_card_timer(const struct embudo_card *c);

/* ---- model -------------------------------------------------------------------------- */

enum embudo_estado { EMBUDO_ABIERTA, EMBUDO_EN_BANDEJA, EMBUDO_GANADA };

struct embudo_card {
    int64_t id;
    int etapa_id;
    enum embudo_estado estado;
    bool con_timer;
    bool pausada; /* the timer waits while its owner is away (sql/094); restante is kept */
    double restante, timer_horas, aviso_pct;
    long long etapa_desde; /* seconds since the epoch, for "más antiguas" */
    char cliente[160];
    char convenio[48];
    char login[48];
    bool no_contactar; /* a phone of it is in force in the do-not-contact registry */
    bool baja_padron;  /* the lender dropped the client (sql/087, 091): «⚠» before the name */
};

struct embudo_stage {
    int id;
    bool salida; /* exits: cards here wait in the supervisor's bandeja */
    char nombre[48];
    bool venta; /* the sale stage: reached only by registering the sale */
    int intentos_minimos; /* an exit: contact attempts it asks for first (sql/065) */
};

enum embudo_sort { EMBUDO_SORT_VENCE, EMBUDO_SORT_CLIENTE, EMBUDO_SORT_ANTIGUEDAD, EMBUDO_SORTS };

#define EMBUDO_MAX_STAGES 16

struct embudo_model {
    struct embudo_stage stages[EMBUDO_MAX_STAGES];
    int nstages;
    struct embudo_card *cards; /* owned */
    size_t ncards;
    bool loaded;
    char error[640]; /* the last read failed: shown in the footer, the cards stay */
    bool show_owner; /* several promoters' cards: show the login */
    char scope[64];  /* "Mi embudo", "Equipo", "prom2" — the heading */
    bool ascii;      /* no UTF-8: ASCII glyphs */

    /* View state, kept across reloads. */
    bool list;
    enum embudo_sort sort;
    bool filtering; /* "/" is open: characters edit the filter */
    char filter[64];
    int col;                    /* focused stage (kanban) */
    int cur[EMBUDO_MAX_STAGES]; /* cursor per stage */
    int top[EMBUDO_MAX_STAGES]; /* first visible card per stage */
    int lcur, ltop;             /* list view */
    int first_col;              /* first visible stage column */
    int visible_cols;           /* how many the last build showed */

    /* Borrowed for a build (the controller sets it before each): the opportunities with
       replies to campaigns nobody attended (sql/089), ascending; their cards' client cell
       starts with «✉» («@» in ASCII). */
    const int64_t *respuestas;
    size_t nrespuestas;

    /* Derived by embudo_model_index: visible card indices, grouped by stage. */
    size_t *idx;
    size_t nidx;
    size_t start[EMBUDO_MAX_STAGES + 1];
};

void embudo_model_init(struct embudo_model *m);
void embudo_model_fini(struct embudo_model *m);

/* Sets the stages (at most EMBUDO_MAX_STAGES are kept). */
void embudo_model_set_stages(struct embudo_model *m, const struct embudo_stage *st, int n);

/*
 * Takes ownership of cards[0..n) (malloc'd; NULL when n is 0) and re-indexes. The cursor
 * stays on the same opportunity when it is still there.
 */
void embudo_model_take_cards(struct embudo_model *m, struct embudo_card *cards, size_t n);

/* The opportunity under the cursor, or NULL. Borrowed until the next model change. */
const struct embudo_card *embudo_model_selected(const struct embudo_model *m);

/*
 * Applies a pane action (movement, ACTION_FILTER, ACTION_SORT, ACTION_TOGGLE_VIEW,
 * ACTION_BACK clears the filter). page is the number of cards one screen shows. Returns
 * true when something visible changed.
 */
bool embudo_model_action(struct embudo_model *m, enum action a, int page);

/*
 * While filtering: a typed key edits the filter (printable, Backspace); Enter keeps the
 * filter and stops typing; Esc clears it. Returns true when consumed.
 */
bool embudo_model_filter_key(struct embudo_model *m, const struct key *k);

/*
 * Moves a list cursor over count items for ACTION_UP/DOWN/PAGE_UP/PAGE_DOWN/TOP/BOTTOM
 * (page: items per screen). Returns true when it moved; false for other actions too.
 * Shared by every list-like pane.
 */
bool list_cursor_move(int *cur, int count, enum action a, int page);

/* Whether a is one of those movement keys (a list takes it even when the cursor cannot move). */
bool list_movement(enum action a);

/* Sets the filter to text (":buscar"), not typing. */
void embudo_model_set_filter(struct embudo_model *m, const char *text);

/* Spanish name of a sort ("vencimiento", "cliente", "antigüedad"). */
const char *embudo_sort_name(enum embudo_sort s);

/* ---- view-model --------------------------------------------------------------------- */

#define EMBUDO_VM_LINES 120

struct embudo_vm {
    int width, height;
    int nlines;
    int page; /* cards one screen shows (for PgUp/PgDn) */
    struct vm_line lines[EMBUDO_VM_LINES];
};

/*
 * Builds the pane for width × height from m (which keeps its scroll offsets in range, hence
 * not const). Only the visible cards are measured and clipped.
 */
void embudo_vm_build(struct embudo_vm *vm, struct embudo_model *m, int width, int height);

/*
 * A click at (y, x) of the pane vm was last built into: the card there becomes the selected one
 * (kanban: its column is focused; a column's header or blank focuses the column alone). True
 * when a card is selected there.
 */
bool embudo_vm_click(const struct embudo_vm *vm, struct embudo_model *m, int y, int x);

/* vm_lines_dump of the pane; the caller frees. */
char *embudo_vm_dump(const struct embudo_vm *vm);

/*
 * Folds s for matching: ASCII lower case, Latin-1 accents removed ("Núñez" → "nunez"),
 * into buf. Shared with the other panes' filters. Returns buf.
 */
char *embudo_fold(char *buf, size_t bufsz, const char *s);

#endif
