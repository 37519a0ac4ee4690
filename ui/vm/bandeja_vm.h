/*
 * bandeja_vm — the supervisor's bandeja: every exit waiting for a decision, with client,
 * promoter, exit stage, reason, the wait in business hours (red, and counted in the footer,
 * past crm.ajustes.bandeja_horas) and last event; Space tags several; the actions
 * (reasignar, devolver, descartar, reabrir) apply to the tagged rows, or to the row under the
 * cursor when none is tagged; reasignar first picks a promoter, showing each one's quota left
 * today and cartera. Every action then asks for a reason (a form the controller opens). A row
 * whose phone is in the do-not-contact registry carries «⊘ No contactar» (the glyph alone
 * when the column is narrow; the footer then says it for the row under the cursor).
 *
 * Below the exits, when there are any, «Prórrogas por decidir (N)»: the pending requests of
 * the team's promoters to let a stage timer wait until a date (db_prorroga.h). The cursor
 * goes on from the last exit into them (and back up); there s approves and n rejects the one
 * under it. Without pending requests the section takes no row.
 *
 * Pure C (no curses, no db); the loop thread owns the model.
 */
#ifndef VM_BANDEJA_VM_H
#define VM_BANDEJA_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct bandeja_fila {
    int64_t id;
    char cliente[160];
    char login[48];
    char etapa[48];
    char motivo[256];
    double espera_habiles;   /* business hours since it reached the bandeja (sql/103) */
    bool atrasada;           /* longer than crm.ajustes.bandeja_horas: painted late */
    int intentos;            /* contact attempts since it reached its owner */
    char ultimo_intento[24]; /* outcome code of the latest one (core/intento.h); "" = none */
    bool no_contactar;       /* a phone of it is in force in the do-not-contact registry */
    bool baja_padron;        /* the lender dropped the client (sql/087, 091): «⚠» */
    bool tagged;
};

/* A pending prórroga, as api.prorrogas gives it. */
struct bandeja_prorroga {
    int64_t id;
    int64_t oportunidad_id;
    char cliente[160];
    char login[48]; /* the promoter who asked (the owner) */
    char etapa[48];
    char vence[24];    /* the timer now, "DD/MM/YY HH:MM"; "" = none */
    char reanudar[12]; /* "AAAA-MM-DD" */
    char motivo[512];
    char pedida[24]; /* "DD/MM/YY HH:MM" */
};

struct bandeja_promotor {
    char login[48];
    char nombre[160];
    char estado[16];
    int cupo_restante;
    int cartera, cartera_max;
};

enum bandeja_accion { BANDEJA_REASIGNAR, BANDEJA_DEVOLVER, BANDEJA_DESCARTAR, BANDEJA_REABRIR };

struct bandeja_model {
    bool loaded;
    bool ascii;
    char error[640];
    struct bandeja_fila *filas; /* owned */
    size_t nfilas;
    int cur, top;
    struct bandeja_promotor *promotores; /* owned */
    size_t npromotores;

    struct bandeja_prorroga *prorrogas; /* owned; pending ones, newest first */
    size_t nprorrogas;
    int pcur, ptop;
    bool en_prorrogas; /* the cursor is in the prórrogas, not in the exits */

    bool picking; /* choosing the promoter for reasignar */
    int pick;

    /* The decision being asked (the controller reads it after BANDEJA_PEDIR_MOTIVO). */
    enum bandeja_accion accion;
    char a_login[48];
};

void bandeja_model_init(struct bandeja_model *m);
void bandeja_model_fini(struct bandeja_model *m);

/* Takes ownership of filas (malloc'd). Tags and cursor stay on the rows still there. */
void bandeja_model_take(struct bandeja_model *m, struct bandeja_fila *filas, size_t n);
/* Takes ownership of the pending prórrogas (malloc'd); the cursor stays on the same one. */
void bandeja_model_take_prorrogas(struct bandeja_model *m, struct bandeja_prorroga *p, size_t n);

/* The prórroga under the cursor, or NULL when the cursor is in the exits. */
const struct bandeja_prorroga *bandeja_model_prorroga(const struct bandeja_model *m);

void bandeja_model_take_promotores(struct bandeja_model *m, struct bandeja_promotor *p, size_t n);

/*
 * The ids the next action applies to: the tagged rows, or the one under the cursor. Writes
 * up to max into ids; returns how many there are.
 */
size_t bandeja_model_ids(const struct bandeja_model *m, int64_t *ids, size_t max);
size_t bandeja_model_ntagged(const struct bandeja_model *m);

enum bandeja_intent {
    BANDEJA_NADA,
    BANDEJA_PEDIR_MOTIVO, /* open the reason form for m->accion (and m->a_login) */
    BANDEJA_APROBAR,      /* approve bandeja_model_prorroga (after a yes/no question) */
    BANDEJA_RECHAZAR,     /* open the answer form to reject bandeja_model_prorroga */
};

/*
 * Applies an action (movement, ACTION_TAG, the four decisions, Enter/Esc in the picker; in
 * the prórrogas movement and ACTION_EXTENSION_APPROVE / _REJECT; either of those two in the
 * exits only takes the cursor to the prórrogas, so what is decided is always highlighted).
 */
enum bandeja_intent bandeja_model_action(struct bandeja_model *m, enum action a, int page,
                                         bool *redraw);

/* Spanish verb of an action for titles and messages: "Reasignar", "Devolver al pool"… */
const char *bandeja_accion_titulo(enum bandeja_accion a);

/* "2026-12-15" → "15/12/26"; anything else as it is. */
void bandeja_fecha_corta(char *buf, size_t bufsz, const char *aaaa_mm_dd);

/* "24 min", "5 h", "130 h" from business hours (whole minutes under an hour, else whole
 * hours: a business day has no fixed length, so no "d"). */
void bandeja_espera_fmt(char *buf, size_t bufsz, double horas);

#define BANDEJA_VM_LINES   120
#define BANDEJA_PICK_LINES 24

struct bandeja_vm {
    int width, height, nlines, page;
    struct vm_line lines[BANDEJA_VM_LINES];
    struct vm_box pick_box;
    int npick_lines;
    struct vm_line pick_lines[BANDEJA_PICK_LINES];
};

void bandeja_vm_build(struct bandeja_vm *vm, struct bandeja_model *m, int width, int height);

/* A click on row y of the pane vm was last built into: the exit or the prórroga there gets the
 * cursor (true). Nothing while the promoter picker is open. */
bool bandeja_vm_click(const struct bandeja_vm *vm, struct bandeja_model *m, int y);

char *bandeja_vm_dump(const struct bandeja_vm *vm);

#endif
