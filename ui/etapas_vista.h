/*
 * etapas_vista — the funnel's stages Inicio shows in place of its card after `:etapas` (every
 * profile; api.etapas and api.etapas_cambios through db_etapas): every stage in order, active
 * or not, with its timer, the attempts an exit asks for and the active opportunities the user
 * sees in it, and the last changes; read on the db worker and shown until Esc.
 *
 * An admin changes them from there (sql/095): A adds a stage (a form: name, normal or salida,
 * its timer in business hours or none, after which stage, an exit's attempts), E changes the
 * cursor's (name, timer — emptied, none —, attempts; only what changed is sent), M moves it
 * after another, X takes it out of the funnel and R brings it back (each after a yes/no
 * question). The database starts or stops the timers of the opportunities in a stage whose
 * timer comes or goes, and its sentence goes to the bottom bar; a refusal (a name in use, an
 * exit with a timer, opportunities still in the stage, the INICIAL or VENTA stage) stays in
 * the form in the database's words with what was typed, or in the bottom bar after a question.
 *
 * A change by anyone notifies {"tabla":"etapas"} (sql/095): the list shown re-reads, paced by
 * app_reread, and the cursor stays on its stage (by name, across a rename made here).
 *
 * Inicio (ui/app_home.c) owns one and hands it the command, its keys, draw and notifications
 * while it is open. Loop thread only (the jobs' queries run on the worker and touch only their
 * own fields).
 */
#ifndef UI_ETAPAS_VISTA_H
#define UI_ETAPAS_VISTA_H

#include <stdbool.h>

#include "ui/app_pane.h"

struct app;
struct err;
struct pane;
struct etapas_vista;

struct etapas_vista *etapas_vista_new(struct app *a);
/* After the loop has ended (no job of it is left). NULL is a no-op. */
void etapas_vista_free(struct etapas_vista *v);

/* The stages are shown in place of the card. */
bool etapas_vista_abierta(const struct etapas_vista *v);

/* ":etapas" (the command line refuses words after it): reads them and shows them once they
 * arrive. RC_OK. */
int etapas_vista_command(struct etapas_vista *v, int argc, char **argv, struct err *e);

/* A key while they are shown: movement, Esc, A, E, M, X, R. false for any other. */
bool etapas_vista_key(struct etapas_vista *v, enum action act);

/* A click at (y, x) of the view: what is there gets the cursor (true), as the arrows would. */
bool etapas_vista_click(struct etapas_vista *v, int y, int x);

/* Whether act works now (the hint bar's question): the five only for an admin; M never on
 * the INICIAL stage, X only on an active stage that is not INICIAL or VENTA, R only on one
 * out of the funnel. */
bool etapas_vista_offers(const struct etapas_vista *v, enum action act);

void etapas_vista_draw(struct etapas_vista *v, struct pane *p);

/* The database changed: the list shown re-reads when its stages or their counts may have. */
void etapas_vista_notify(struct etapas_vista *v, const struct app_notify *n);

/* Back to the card; an answer still on its way is dropped. */
void etapas_vista_close(struct etapas_vista *v);

#endif
