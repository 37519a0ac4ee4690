/*
 * etapas_vm — the funnel's stages `:etapas` shows in Inicio (sql/095, every profile): one row
 * per stage in funnel order, active or not — its place, name, kind, the timer in business
 * hours, the contact attempts an exit asks for first, and how many active opportunities the
 * user sees in it — then the last changes (who, when, which stage, what before → after), and
 * on the last row what the cursor's stage is with the keys an admin has there.
 *
 * Pure C (no curses, no db): the controller (ui/etapas_vista.c) copies the database's rows
 * into these structs. Loop thread (one owner per model).
 */
#ifndef VM_ETAPAS_VM_H
#define VM_ETAPAS_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct etapas_fila {
    int orden;
    char nombre[48];
    char tipo[8];   /* INICIAL, NORMAL, SALIDA, VENTA */
    char horas[16]; /* the timer as the database writes it ("48", "1.5"); "" = none */
    int intentos;   /* an exit's minimum contact attempts */
    bool activa;
    long long oportunidades; /* active ones in it the user sees */
};

struct etapas_cambio {
    char cuando[20]; /* "30/11/26 10:15" in the business zone */
    char quien[48];  /* login; "" = the database's owner */
    char etapa[48];  /* its name now */
    char campo[20];  /* alta, nombre, timer_horas, intentos_minimos, orden, activa */
    char anterior[128], nuevo[128];
};

struct etapas_model {
    struct etapas_fila *filas; /* owned, in funnel order */
    size_t n;
    struct etapas_cambio *cambios; /* owned, newest first */
    size_t ncambios;
    int cur, top;    /* the cursor's stage; the first row shown (kept by the build) */
    char seguir[48]; /* the name the next take puts the cursor on ("": the cursor's own) */
    bool abierto;    /* shown in place of Inicio's card */
    bool admin;      /* the keys that change them are offered */
    bool ascii;      /* no UTF-8: ASCII glyphs only */
};

void etapas_model_init(struct etapas_model *m);
void etapas_model_fini(struct etapas_model *m);

/* Takes filas[0..n) and cambios[0..ncambios) (malloc'd, NULL when empty; ownership passes to
 * m) and shows them. The cursor stays on the stage of its name when it is still listed (a
 * rename or a move keeps it by place), else on the same row. */
void etapas_model_take(struct etapas_model *m, struct etapas_fila *filas, size_t n,
                       struct etapas_cambio *cambios, size_t ncambios);

/* Back to Inicio's card (the rows are dropped). */
void etapas_model_close(struct etapas_model *m);

/* The cursor's stage, or NULL (borrowed until the next take). */
const struct etapas_fila *etapas_model_selected(const struct etapas_model *m);

/* After the cursor's stage was renamed (or moved): follow it by its name at the next take. */
void etapas_model_follow(struct etapas_model *m, const char *nombre);

/* A movement key (↑ ↓ RePág AvPág Inicio Fin) over page rows; true when it was one. */
bool etapas_model_move(struct etapas_model *m, enum action act, int page);

/* «24 h hábiles», «1.5 h hábiles», «—» for none (ASCII "-"). */
void etapas_horas_texto(const char *horas, bool ascii, char *buf, size_t size);

/* A change in words: «temporizador: 48 h → 36 h», «nombre: Contactado → Primer contacto»,
 * «alta», «sale del embudo», «vuelve al embudo», «lugar: 2 → 3», «intentos: 2 → 3». */
void etapas_cambio_texto(const struct etapas_cambio *c, char *buf, size_t size);

/* A form check (struct form_field.check): "" (no timer) or business hours, "48" or "1.5",
 * more than 0 and at most 10000. */
bool etapas_horas_check(const char *value, char *msg, size_t msgsz);

#define ETAPAS_VM_LINES 120

struct etapas_vm {
    int width, height;
    int nlines;
    int page; /* stage rows one screen shows (RePág/AvPág) */
    struct vm_line lines[ETAPAS_VM_LINES];
};

/*
 * Lays the stages out for width × height: the heading «Etapas del embudo · 9 (1 fuera del
 * embudo)», the column names, one row per stage (one out of the funnel muted, with «fuera»),
 * «Cambios recientes» in the rows left when at least three are, and the cursor's stage in
 * words with the admin's keys. The table is at most 80 columns wide; below 60 the attempts
 * and the kind go. Moves m->top so the cursor shows.
 */
void etapas_vm_build(struct etapas_vm *vm, struct etapas_model *m, int width, int height);

/* vm_lines_dump of the view; the caller frees. */
char *etapas_vm_dump(const struct etapas_vm *vm);

#endif
