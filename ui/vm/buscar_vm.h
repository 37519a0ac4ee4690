/*
 * buscar_vm — what `:buscar TEXTO` found in the database (api.buscar, sql/090): the
 * opportunities the user sees whose client has that phone, that CURP or a name with that
 * text, in any state, active first (the database's order). Shown by the Embudo in place of
 * its cards until Esc: one row each with client, phone («+52 55 1234 5678»), stage, state in
 * words, whose (for those who see others) and last change; the cursor Enter opens in
 * Detalle.
 *
 * Pure C (no curses, no db): the controller (ui/embudo_panel.c) copies the database's rows
 * into struct buscar_fila. Loop thread (one owner per model).
 */
#ifndef VM_BUSCAR_VM_H
#define VM_BUSCAR_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

/* How many rows a search asks for; when that many come back, the footer says so. */
#define BUSCAR_LIMITE 50

struct buscar_fila {
    int64_t oportunidad_id;
    char cliente[160];
    char telefono[24]; /* E.164 ("" = none) */
    char etapa[48];
    char estado[16];   /* ABIERTA, EN_BANDEJA, GANADA, DEVUELTA, DESCARTADA */
    char promotor[48]; /* the owner's login */
    char cuando[24];   /* last change, "29/11/26 16:42" in business time */
};

struct buscar_model {
    char texto[256];           /* what was searched */
    struct buscar_fila *filas; /* owned, in the database's order */
    size_t n;
    int cur, top;      /* the selected row; the first row shown (kept by the build) */
    bool abierto;      /* the results are shown in place of the cards */
    bool ver_promotor; /* whose column: supervision, admins and the auditor */
    bool ascii;        /* no UTF-8: ASCII glyphs only */
};

void buscar_model_init(struct buscar_model *m);
void buscar_model_fini(struct buscar_model *m);

/*
 * Takes filas[0..n) (malloc'd, NULL when n is 0; ownership passes to m) found for texto and
 * shows them. The cursor stays on the opportunity it was on when texto is the one shown (a
 * re-read), else goes to the first row.
 */
void buscar_model_take(struct buscar_model *m, const char *texto, struct buscar_fila *filas,
                       size_t n);

/* Back to the cards (the rows are dropped). */
void buscar_model_close(struct buscar_model *m);

/* The opportunity under the cursor, or 0 when there is none. */
int64_t buscar_model_selected(const struct buscar_model *m);

/* A movement key (↑ ↓ RePág AvPág Inicio Fin) over page rows; true when it was one. */
bool buscar_model_move(struct buscar_model *m, enum action act, int page);

/* «Abierta», «En bandeja», «Ganada», «Devuelta», «Descartada»; anything else as it is. */
const char *buscar_estado_nombre(const char *estado);

/* «No hay oportunidades suyas con «texto».» into buf. Returns buf. */
char *buscar_no_hay(char *buf, size_t size, const char *texto);

#define BUSCAR_VM_LINES 120

struct buscar_vm {
    int width, height;
    int nlines;
    int page; /* rows one screen shows (for RePág/AvPág) */
    struct vm_line lines[BUSCAR_VM_LINES];
};

/*
 * Lays the results out for width × height: the heading «Búsqueda «texto» · N oportunidades»
 * (with «1–20 de 45» at the right when not every row fits), the column names, one row per
 * opportunity (closed ones muted, the cursor's whole row in the cursor role), and the last
 * row saying Enter opens and Esc goes back (and that only the first BUSCAR_LIMITE are shown
 * when that many came). Moves m->top so the cursor is shown.
 */
void buscar_vm_build(struct buscar_vm *vm, struct buscar_model *m, int width, int height);

/* vm_lines_dump of the view; the caller frees. */
char *buscar_vm_dump(const struct buscar_vm *vm);

#endif
