/*
 * progreso_vm — the progress pane of one campaign, live: a bar, sent / delivered / read /
 * replied / failed / uncertain / pending counts (read is a lower bound: recipients may hide
 * receipts), why it paused by itself (its account's sends kept failing), the next send and the ETA,
 * the keys that apply in the campaign's state (pause, resume, cancel, retry failed), and the
 * uncertain messages for the user to decide (mark sent, send again, discard). Above, the user's
 * campaigns to pick from (a supervisor's name each one's promoter; one that paused by itself
 * says so in its row, so a team's list shows which need a look).
 *
 * Bar: done / to-go, where to-go = total − skipped − cancelled and done = sent + failed;
 * uncertain messages are neither until the user decides.
 *
 * Pure C (no curses, no db); the loop thread owns the model.
 */
#ifndef VM_PROGRESO_VM_H
#define VM_PROGRESO_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct progreso_campana {
    int64_t id;
    char nombre[484];
    char estado[16]; /* BORRADOR, LISTA, ENVIANDO, PAUSADA, TERMINADA, CANCELADA */
    char login[64];  /* its promoter, shown to whoever sees others' campaigns */
    bool pausada_sola; /* PAUSADA by itself (sql/102): the row says so and stands out */
};

struct progreso_cuentas {
    int64_t id;
    char nombre[484], estado[16], etapa[100];
    int total, pendientes, enviando, inciertos, enviados, entregados, leidos, respondidos;
    int fallidos, omitidos, cancelados, bajas;
    int sin_entregar; /* sent over a day ago (wa_ajustes), never delivered */
    char proximo[16]; /* "10:42" local, "" = none */
    char pausa[512];  /* why it paused by itself (sql/102), "" = it did not */
};

struct progreso_incierto {
    int64_t id;
    char cliente[300];
    char telefono[24];
    char desde[16]; /* "10:31" local */
};

/* Which list the cursor is in. */
enum progreso_foco { PROGRESO_FOCO_CAMPANAS, PROGRESO_FOCO_INCIERTOS };

struct progreso_model {
    bool loaded, ascii;
    bool read_only; /* an auditor's: no "Puede: …" line, nothing to decide, no wizard */
    bool crea;      /* a promoter's: she creates campaigns (the wizard is hers alone) */
    bool equipo;    /* a supervisor's, admin's or auditor's: each row names its promoter */
    char error[512];
    char eta[200]; /* "termina hoy hacia las 13:10" (the controller's pacing estimate) */
    struct progreso_campana *campanas; /* owned, newest first */
    size_t ncampanas;
    int cur_campana;
    bool tiene_cuentas;
    struct progreso_cuentas c; /* of the selected campaign */
    struct progreso_incierto *inciertos; /* owned */
    size_t ninciertos;
    int cur_incierto;
    enum progreso_foco foco;
};

void progreso_model_init(struct progreso_model *m);
void progreso_model_fini(struct progreso_model *m);
/* Takes ownership (malloc'd); keeps the selection on the same id when it is still there. */
void progreso_model_take_campanas(struct progreso_model *m, struct progreso_campana *v, size_t n);
void progreso_model_take_inciertos(struct progreso_model *m, struct progreso_incierto *v,
                                   size_t n);
/* Movement and focus (Tab between lists is the pane's: LEFT/RIGHT here). True when moved. */
bool progreso_model_action(struct progreso_model *m, enum action a);
/* The selected campaign / uncertain message, or NULL. */
const struct progreso_campana *progreso_model_campana(const struct progreso_model *m);
const struct progreso_incierto *progreso_model_incierto(const struct progreso_model *m);
/* Selects campaign id (after the wizard launches one); false when not in the list. */
bool progreso_model_select(struct progreso_model *m, int64_t id);

/* What the campaign's state allows. */
bool progreso_puede_pausar(const char *estado);
bool progreso_puede_reanudar(const char *estado);
bool progreso_puede_cancelar(const char *estado);

/* Percentage done (0…100) of c, by the rule above; 100 when nothing is to go. */
int progreso_pct(const struct progreso_cuentas *c);

#define PROGRESO_VM_LINES 120

struct progreso_vm {
    int width, height, nlines;
    struct vm_line lines[PROGRESO_VM_LINES];
};

void progreso_vm_build(struct progreso_vm *vm, const struct progreso_model *m, int width,
                       int height);
/* A click on row y of the pane vm was last built into: the campaign or the message in doubt
 * there gets the cursor and the focus (true). */
bool progreso_vm_click(const struct progreso_vm *vm, struct progreso_model *m, int y);

char *progreso_vm_dump(const struct progreso_vm *vm);

#endif
