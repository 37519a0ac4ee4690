/*
 * ventas_vista — the sales the Embudo shows in place of its cards after `:ventas [DESDE
 * [HASTA]] [LOGIN]` (every profile; api.ventas through db_ventas, the cancelled ones too):
 * read on the db worker, shown until Esc, Enter opening the sale's opportunity in Detalle (Esc
 * there comes back to the list), [ and ] the calendar month before and after (never past
 * today's). E corrects and X cancels the sale under the cursor
 * (supervisors and admins; ui/panes_ventas.h). While it is shown, a notification of the sales
 * re-reads it, paced by app_reread (after each read the next waits VENTAS_PAUSA times as long
 * as it took), and the cursor stays on its sale. A refusal of the api (a future date, a
 * reversed range, a promoter outside the scope) goes to the bottom bar in the database's words
 * and what was shown stays.
 *
 * The embudo pane (ui/embudo_panel.c) owns one and hands it the command, and its keys, draw
 * and notifications while it is open. Loop thread only (the read's query runs on the worker
 * and touches only its job).
 */
#ifndef UI_VENTAS_VISTA_H
#define UI_VENTAS_VISTA_H

#include <stdbool.h>

#include "ui/app_pane.h"

struct app;
struct err;
struct pane;
struct ventas_vista;

struct ventas_vista *ventas_vista_new(struct app *a);
/* After the loop has ended (no job or timer of it is left). NULL is a no-op. */
void ventas_vista_free(struct ventas_vista *v);

/* The list is shown in place of the cards. */
bool ventas_vista_abierta(const struct ventas_vista *v);

/* ":ventas …" (argv[0] is the command): reads the range and shows it once it arrives. RC_OK,
 * or RC_INVAL with a Spanish e->msg for words that are no range or promoter. */
int ventas_vista_command(struct ventas_vista *v, int argc, char **argv, struct err *e);

/* A key while the list is shown: movement, Enter, Esc, E, X, [ and ]. false for any other. */
bool ventas_vista_key(struct ventas_vista *v, enum action act);

/* A click on row y of the list: the sale there is selected (true), as ↑↓ would. */
bool ventas_vista_click(struct ventas_vista *v, int y);

/* Whether act works in the list now (the hint bar's question): E and X only on a sale in
 * force; the embudo answers for the cards' keys. */
bool ventas_vista_offers(const struct ventas_vista *v, enum action act);

void ventas_vista_draw(struct ventas_vista *v, struct pane *p);

/* The database changed: the list shown re-reads when its sales may have. */
void ventas_vista_notify(struct ventas_vista *v, const struct app_notify *n);

/* Back to the cards; an answer still on its way is dropped. */
void ventas_vista_close(struct ventas_vista *v);

#endif
