/*
 * respuestas_vm — the inbox of replies on Inicio: the clients who answered a campaign and
 * nobody has attended yet (api.wa_respuestas por_atender, sql/089), one row per opportunity
 * with its newest text, the count of the others, the stage, how long ago and, for those who
 * see others, whose it is; the cursor Enter opens in Detalle; and the one line the bottom bar
 * says when new ones arrive.
 *
 * Pure: the controller (ui/app_home.c) copies the database's rows in and draws what
 * respuestas_vm_put lays out. Loop thread (one owner per model).
 */
#ifndef VM_RESPUESTAS_VM_H
#define VM_RESPUESTAS_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

/* One reply as read; in the model, one opportunity: its newest reply and how many more. */
struct respuesta {
    int64_t id; /* crm.wa_entrantes.id: grows with every reply */
    int64_t oportunidad_id;
    long long edad_s; /* seconds since it arrived, when it was read */
    char cliente[160];
    char etapa[48];
    char promotor[48]; /* the owner's login */
    char texto[512];
    int mas; /* in the model: other replies of the same opportunity waiting too */
};

struct respuestas_model {
    struct respuesta *filas; /* owned; newest first, one per opportunity */
    size_t n;
    size_t total;  /* replies waiting in all: n plus every mas */
    int cur, top;  /* the selected row; the first row shown (kept by respuestas_vm_put) */
    int64_t visto; /* the highest reply id read so far; 0 before the first read */
    bool loaded;
    char error[640];   /* why the last read failed ("" = it did not) */
    bool ver_promotor; /* whose column: supervision, admins and the auditor */
    bool ascii;        /* no UTF-8: ASCII glyphs only */
};

void respuestas_model_init(struct respuestas_model *m);
void respuestas_model_fini(struct respuestas_model *m);

/*
 * Takes rows[0..n) (one per reply, newest first, as the database lists them; the array and
 * its ownership pass to m), keeps one row per opportunity (its newest reply, mas = how many
 * older ones wait too) and the cursor on the opportunity it was on. When replies newer than
 * any read before arrived (not on the first read), writes into anuncio (size bytes) what the
 * bottom bar says — «Nueva respuesta de Ana López: «¿cuánto me prestan?»», with the owner's
 * login when ver_promotor, or «3 respuestas nuevas; la última, de …» — and returns true.
 */
bool respuestas_model_take(struct respuestas_model *m, struct respuesta *rows, size_t n,
                           char *anuncio, size_t size);

/* The opportunity under the cursor, or 0 when there is none. */
int64_t respuestas_model_selected(const struct respuestas_model *m);

/* A movement key (↑ ↓ RePág AvPág Inicio Fin) over page rows; true when it was one. */
bool respuestas_model_move(struct respuestas_model *m, enum action act, int page);

/* «ahora», «hace 5 min», «hace 3 h», «hace 2 d» into buf. Returns buf. */
const char *respuestas_edad(char *buf, size_t size, long long edad_s);

/*
 * Lays the section out in lines[top, top + h) of a pane width columns wide, from column x:
 * «Respuestas por atender (N)» («1–5 de 9» at the right when not every row fits), then one
 * row per opportunity — client, whose (ver_promotor), stage, how long ago (two days or more
 * in the late role: the words say it too), «text» clipped with … and «+2» when more wait —
 * the cursor's row in the cursor role; with none, a line saying so; a failed read says why
 * under the rows it keeps. Moves m->top so the cursor is shown. Returns the rows used.
 */
int respuestas_vm_put(struct vm_line *lines, int top, int h, int x, int width,
                      struct respuestas_model *m);

#endif
