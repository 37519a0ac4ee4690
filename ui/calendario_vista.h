/*
 * calendario_vista — the business calendar Inicio shows in place of its card after
 * `:calendario` (every profile; api.horario, api.calendario and api.calendario_cambios through
 * db_calendario): the weekly hours, the rest days and special dates of the next twelve months
 * and the last changes, read on the db worker and shown until Esc.
 *
 * An admin changes it from there (sql/093, sql/097): A adds a rest day or a date's own hours
 * (a form: the date, DD/MM/AAAA, inhábil or horario especial, its hours, its name), X takes
 * back the rest day or the special hours under the cursor (after a yes/no question), E
 * changes the hours of the weekday under the cursor (a form: abierto or cerrado, opens,
 * closes) or of the special date (the A form as it is). The database moves every running timer
 * across the change so it keeps the business hours it had left, and its sentence («…; 34
 * temporizadores recalculados») goes to the bottom bar; a refusal (a past date, a window that
 * closes before it opens, the week left without hours, the calendar busy) stays in the form in the
 * database's words with what was typed. Other profiles see the calendar without those keys (the api
 * refuses them anyway, EB101).
 *
 * A change by anyone notifies {"tabla":"calendario"} (sql/096): the calendar shown re-reads,
 * paced by app_reread, and the cursor stays on its day.
 *
 * Inicio (ui/app_home.c) owns one and hands it the command, its keys, draw and
 * notifications while it is open. Loop thread only (the jobs' queries run on the worker and
 * touch only their own fields).
 */
#ifndef UI_CALENDARIO_VISTA_H
#define UI_CALENDARIO_VISTA_H

#include <stdbool.h>

#include "ui/app_pane.h"

struct app;
struct err;
struct pane;
struct calendario_vista;

struct calendario_vista *calendario_vista_new(struct app *a);
/* After the loop has ended (no job of it is left). NULL is a no-op. */
void calendario_vista_free(struct calendario_vista *v);

/* The calendar is shown in place of the card. */
bool calendario_vista_abierta(const struct calendario_vista *v);

/* ":calendario" (the command line refuses words after it): reads the calendar and shows it
 * once it arrives. RC_OK. */
int calendario_vista_command(struct calendario_vista *v, int argc, char **argv, struct err *e);

/* A key while it is shown: movement, Esc, A, X, E. false for any other. */
bool calendario_vista_key(struct calendario_vista *v, enum action act);

/* A click at (y, x) of the view: what is there gets the cursor (true), as the arrows would. */
bool calendario_vista_click(struct calendario_vista *v, int y, int x);

/* Whether act works now (the hint bar's question): X only on a rest day, E only on a
 * weekday, the three only for an admin. */
bool calendario_vista_offers(const struct calendario_vista *v, enum action act);

void calendario_vista_draw(struct calendario_vista *v, struct pane *p);

/* The database changed: the calendar shown re-reads when it may have. */
void calendario_vista_notify(struct calendario_vista *v, const struct app_notify *n);

/* Back to the card; an answer still on its way is dropped. */
void calendario_vista_close(struct calendario_vista *v);

#endif
