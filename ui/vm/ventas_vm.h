/*
 * ventas_vm — the sales `:ventas` lists (api.ventas, sql/092), shown by the Embudo in place of
 * its cards until Esc: one row per sale registered in a range of business dates, newest first
 * (the database's order) — fecha, folio, cliente, convenio, producto, the promoter for those
 * who see others' work, and the monto right-aligned as «$138,500.00». A cancelled sale is
 * listed too, muted, with «cancelada» where its amount would be; it never counts. The last two
 * rows say what the cursor's sale is (cancelled when, by whom and why; corrected) and how many
 * sales are in force with their total. Also the words after ":ventas" and the amounts as
 * people read them.
 *
 * Pure C (no curses, no db): the controller (ui/ventas_vista.c) copies the database's rows
 * into struct ventas_fila. Loop thread (one owner per model).
 */
#ifndef VM_VENTAS_VM_H
#define VM_VENTAS_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct err;

struct ventas_fila {
    int64_t oportunidad_id;
    char fecha[11]; /* its business date, AAAA-MM-DD */
    char folio[48];
    char cliente[160];
    char convenio[48]; /* clave; "" for a lead without one */
    char producto[96];
    char monto[24];    /* decimal text as the database wrote it ("138500.00") */
    char promotor[48]; /* login of whom the sale counts for */
    bool cancelada;
    char cancelada_el[16]; /* "29/11/2026" in the business zone (cancelada) */
    char cancelada_por[48];
    char motivo[512];      /* why it was cancelled */
    char corregida_el[16]; /* the last correction's day, "29/11/2026"; "" = never corrected */
};

/* What a listing is about: a range of business dates and a promoter ("" = the whole scope). */
struct ventas_rango {
    char desde[11], hasta[11];
    char promotor[64];
};

struct ventas_model {
    struct ventas_rango r;     /* what the rows shown are */
    struct ventas_fila *filas; /* owned, in the database's order */
    size_t n;
    int cur, top;            /* the selected row; the first row shown (kept by the build) */
    bool abierto;            /* shown in place of the cards */
    enum vm_profile profile; /* the title's scope, and whose column for those who see others */
    bool ascii;              /* no UTF-8: ASCII glyphs only */
};

void ventas_model_init(struct ventas_model *m);
void ventas_model_fini(struct ventas_model *m);

/*
 * Takes filas[0..n) (malloc'd, NULL when n is 0; ownership passes to m) listed for r and
 * shows them. The cursor stays on the opportunity it was on when r is what is shown (a
 * re-read), else goes to the first row.
 */
void ventas_model_take(struct ventas_model *m, const struct ventas_rango *r,
                       struct ventas_fila *filas, size_t n);

/* Back to the cards (the rows are dropped). */
void ventas_model_close(struct ventas_model *m);

/* The sale under the cursor, or NULL when there is none (borrowed until the next take). */
const struct ventas_fila *ventas_model_selected(const struct ventas_model *m);

/* A movement key (↑ ↓ RePág AvPág Inicio Fin) over page rows; true when it was one. */
bool ventas_model_move(struct ventas_model *m, enum action act, int page);

/* The sales in force of m: how many and their total in centavos; *canceladas the others. */
void ventas_model_total(const struct ventas_model *m, size_t *vigentes, int64_t *centavos,
                        size_t *canceladas);

/*
 * The words after ":ventas" (args[0..nargs)) into *r: nothing (the month of hoy up to hoy, the
 * whole scope), "DESDE HASTA" (AAAA-MM-DD each) or one date (that day alone), optionally
 * followed by a LOGIN ("todos": the whole scope), or a LOGIN alone (this month). hoy is the
 * business date, AAAA-MM-DD. RC_INVAL with a Spanish e->msg (r untouched) for a date that
 * does not exist or too many words; a reversed range, one too long or a future date are the
 * database's to refuse (EB370, EB212), in its own words.
 */
int ventas_comando(int nargs, char *const *args, const char *hoy, struct ventas_rango *r,
                   struct err *e) __attribute__((warn_unused_result));

/*
 * The calendar month delta months away from the one r starts in (hoy's when r has no dates):
 * its 1st to its last day, or to hoy for the current month; the promoter stays. false, r
 * untouched, for a month that starts after hoy (there is nothing sold yet).
 */
bool ventas_mes_mover(struct ventas_rango *r, int delta, const char *hoy);

#define VENTAS_VM_LINES 120

struct ventas_vm {
    int width, height;
    int nlines;
    int page; /* rows one screen shows (for RePág/AvPág) */
    struct vm_line lines[VENTAS_VM_LINES];
};

/*
 * Lays the sales out for width × height: the heading «Ventas del 1 al 29 de nov de 2026 ·
 * todo el equipo» (with «1–20 de 45» at the right when not every row fits), the column names,
 * one row per sale (cancelled ones muted with «cancelada» for the amount, the cursor's whole
 * row in the cursor role), then the cursor's sale in words and the total of those in force.
 * Narrow terminals drop the convenio, then the producto. Moves m->top so the cursor shows.
 */
void ventas_vm_build(struct ventas_vm *vm, struct ventas_model *m, int width, int height);

/* vm_lines_dump of the view; the caller frees. */
char *ventas_vm_dump(const struct ventas_vm *vm);

#endif
