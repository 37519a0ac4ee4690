/*
 * informe_vm — the funnel report pane (every profile): over a range of business dates and for
 * the user's scope (a promoter their own opportunities, a supervisor the team, an admin or an
 * auditor everyone, narrowed to one promoter on request), what happened per stage (entries,
 * how stays ended, business hours they took, how many are there now), why opportunities left
 * (by kind, each reason with a bar) and, for whoever sees others, per promoter. Also the range
 * itself: one period back or forward (never past today), a day, a week or a month, the words
 * of ":informe", and the promoter filter's cycle. A second view, «Envejecimiento» (v, or
 * ":envejecimiento"), shows the aging heatmap of envejecimiento_vm: now, not over the range.
 *
 * Pure C (no curses, no db): ui/informe_panel.c copies db_informe into these structs. The loop
 * thread owns the model.
 */
#ifndef VM_INFORME_VM_H
#define VM_INFORME_VM_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/vm/envejecimiento_vm.h"
#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct err;

/*
 * The pane's keys (struct pane_ops.keys of ui/informe_panel.c), kept here so the tests build
 * the very hint bar and "?" of the Informe tab. The hint bar at 80 columns holds
 * "[ anterior  ] siguiente  p promotor  v informe/envejecimiento  ? ayuda" (a promoter, without
 * p, also ": comando  q salir"): s, d and m are in "?" only. In the heatmap, which refuses
 * the range keys, the bar leaves out [ and ] (informe_model_offers).
 */
#define INFORME_NKEYS 7
extern const struct keymap_entry informe_keys[INFORME_NKEYS];

/* One stage over the range (db_informe_etapa; the fields mean the same). */
struct informe_etapa {
    char etapa[48];
    char tipo[12]; /* "INICIAL" | "NORMAL" | "SALIDA" | "VENTA" */
    int entradas, salidas, avanzaron, regresaron, a_bandeja, ventas, vencidas, otras;
    double horas_mediana, horas_p90; /* business hours; < 0: no stay ended in the range */
    int en_etapa;                    /* now, not over the range */
};

/* Why opportunities left, or how contact attempts went (db_informe_motivo). */
struct informe_motivo {
    char tipo[16]; /* "A_BANDEJA" | "TIMER_VENCIDO" | "DEVUELTA" | "DESCARTADA" | "INTENTO" */
    char razon[128];
    int n;
};

struct informe_promotor {
    char login[64];
    char nombre[128];
    int recibidas, captadas, intentos, a_bandeja, vencidas, ventas;
    double monto; /* pesos */
};

/* A report as read: its range, whom it is about, and the three parts (arrays malloc'd). */
struct informe_datos {
    char desde[11], hasta[11]; /* "AAAA-MM-DD", the range the database used */
    char promotor[64];         /* the login it was narrowed to; "" = the whole scope */
    struct informe_etapa *etapas;
    size_t netapas;
    struct informe_motivo *motivos;
    size_t nmotivos;
    struct informe_promotor *promotores;
    size_t npromotores;
};

/* Frees d's arrays and empties it. */
void informe_datos_fini(struct informe_datos *d);

#define INFORME_LOGINS 64 /* promoters the p key cycles through */

/* What the pane shows: the report over a range, or the aging heatmap now. */
enum informe_vista {
    INFORME_VISTA_RESUMEN,
    INFORME_VISTA_ENVEJECIMIENTO,
};

struct informe_model {
    bool loaded, ascii; /* loaded: the report (d) */
    enum vm_profile profile;
    enum informe_vista vista;
    char error[640]; /* the last read failed (not a refusal: those go to the bottom bar) */
    struct informe_datos d;
    bool env_loaded;
    struct env_datos env;
    /* The logins of the last whole-scope report or heatmap, for p and completion (a narrowed
       one has only its one promoter). */
    char logins[INFORME_LOGINS][64];
    int nlogins;
    int scroll;       /* first content row shown (kept in range by build) */
    int env_primera;  /* the heatmap's first stage column shown (kept in range by build) */
    int env_visibles; /* how many fit from it, as the last build laid them out */
};

void informe_model_init(struct informe_model *m, enum vm_profile profile);
void informe_model_fini(struct informe_model *m);
/* Takes d's arrays (d is emptied); clears the error; a whole-scope report renews logins. */
void informe_model_take(struct informe_model *m, struct informe_datos *d);
/* The same for a heatmap. */
void informe_model_take_env(struct informe_model *m, struct env_datos *d);
/* Switches to the other view, from its top. Returns the view now shown. */
enum informe_vista informe_model_vista(struct informe_model *m);
/* Whether the view shown has been read (what "Consultando…" waits for). */
bool informe_model_loaded(const struct informe_model *m);
/* Whether act works in the view shown: the range keys ([ ] d s m) are the report's, so the
 * heatmap refuses them (the pane says why) and its hint bar does not offer them. */
bool informe_model_offers(const struct informe_model *m, enum action act);
/* Scrolling (↑↓, RePág/AvPág, Inicio/Fin); page = rows one screen shows; in the heatmap also
 * ← → over the stages that do not fit. True when it moved. */
bool informe_model_action(struct informe_model *m, enum action a, int page);
/* The login p goes to after actual ("" = everyone): the next of m->logins, then "" again. */
const char *informe_model_siguiente(const struct informe_model *m, const char *actual);

/* What to read: a range ("" = the server's default: the week ending today) and a promoter. */
struct informe_rango {
    char desde[11], hasta[11];
    char promotor[64];
};

/* Days in r (hasta − desde + 1), or 0 when either end is missing or not a date. */
int informe_rango_dias(const struct informe_rango *r);

/*
 * Moves r one period (its own length) back (sentido < 0) or forward, never past hoy
 * ("AAAA-MM-DD", the business date): a step that would pass it ends the range at hoy. A range
 * still unknown is taken as the week ending hoy. False when nothing changed (already at hoy)
 * or hoy is not a date.
 */
bool informe_rango_mover(struct informe_rango *r, int sentido, const char *hoy);

/* Makes r dias long (1, 7, 30…), ending where it ended (at hoy when unknown or later). False
 * when nothing changed. */
bool informe_rango_periodo(struct informe_rango *r, int dias, const char *hoy);

/*
 * The words after ":informe" (args[0..nargs)) into r: "DESDE HASTA" (AAAA-MM-DD each),
 * optionally followed by a LOGIN, or a LOGIN alone; "todos" for the whole scope. What is not
 * given stays as it was. RC_INVAL with a Spanish e->msg (r untouched) for a date that does
 * not exist, one date alone, or too many words. Order and length are the database's to
 * refuse (EB370, EB212), in its own words.
 */
int informe_comando(int nargs, char *const *args, struct informe_rango *r, struct err *e)
    __attribute__((warn_unused_result));

/*
 * The words after ":envejecimiento" (args[0..nargs)) into r: a LOGIN, "todos" for the whole
 * scope, or nothing (the promoter as it was). The heatmap is about now: a date is refused
 * with a Spanish e->msg pointing at ":informe", as are more words; r is then untouched.
 */
int informe_comando_envejecimiento(int nargs, char *const *args, struct informe_rango *r,
                                   struct err *e) __attribute__((warn_unused_result));

/* "del 23 al 29 de nov de 2026", "del 28 de oct al 3 de nov de 2026", "del 29 de nov de
 * 2026" (one day); the dates as they are when they are not dates. */
void informe_rango_texto(char *buf, size_t sz, const char *desde, const char *hasta);

#define INFORME_VM_LINES 120

struct informe_vm {
    int width, height, nlines;
    int page;    /* content rows one screen shows (PgUp/PgDn) */
    int content; /* content rows in all (for scrolling) */
    struct vm_line lines[INFORME_VM_LINES];
};

/* Builds the pane for width × height (keeps m->scroll in range, hence not const). */
void informe_vm_build(struct informe_vm *vm, struct informe_model *m, int width, int height);
/* vm_lines_dump of the lines; the caller frees. */
char *informe_vm_dump(const struct informe_vm *vm);

#endif
