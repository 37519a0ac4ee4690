/*
 * cambios_vm — «Cambios de <login>»: the record of changes to one user (sql/078,
 * api.usuario_cambios through db_usuario_cambios), newest first. Each change is a row: when
 * (business local time, "DD/MM/YY HH:MM" as in Detalle's history), the field and before → after
 * in words («Estado: Activo → Ausente», «Cupo diario: 60 → 40»), and who («por sup1», «por el
 * dueño de la base» when the database owner's session did it); its reason, when one was
 * given, follows on rows of its own. Equipo's h shows it in place of the team; the rows
 * scroll under the title, and the last row says how to go back.
 *
 * Pure C (no curses, no db): the controller copies the database's rows into struct
 * cambios_fila. Loop thread.
 */
#ifndef VM_CAMBIOS_VM_H
#define VM_CAMBIOS_VM_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

/* How many changes the view asks for; when that many come back, it says older ones exist. */
#define CAMBIOS_LIMITE 100

/* One change, as api.usuario_cambios gives it ("" for NULL). */
struct cambios_fila {
    char campo[16];     /* estado | rol | supervisor | cupo_diario | cartera_max | nombre */
    char anterior[168]; /* "" = there was none */
    char nuevo[168];
    char motivo[2048];  /* up to 500 characters; "" = none given */
    char hecho_por[48]; /* login; "" = the database owner's session */
    char cuando[24];    /* "29/11/26 16:42", business local time (db_usuario_cambios) */
};

struct cambios_model {
    char login[48];   /* whose changes */
    char nombre[160]; /* their name, for the title ("" = only the login) */
    bool loaded, ascii;
    char error[640];            /* the last read failed: why ("" = it did not) */
    struct cambios_fila *filas; /* owned, newest first */
    size_t nfilas;
    int scroll; /* first content row shown (clamped by the build) */
};

/* Empties m for login's changes (nombre may be NULL); nothing read yet. */
void cambios_model_init(struct cambios_model *m, const char *login, const char *nombre);
void cambios_model_fini(struct cambios_model *m);
/* Takes ownership of filas (malloc'd, n rows; NULL when n is 0); clears the error. */
void cambios_model_take(struct cambios_model *m, struct cambios_fila *filas, size_t n);
/* Scrolling (↑↓, RePág/AvPág, g/G); true when the view moved or may have. */
bool cambios_model_action(struct cambios_model *m, enum action a, int page);

/* "Estado", "Cupo diario", "Cartera máxima"…; a field this client does not know, as it is. */
const char *cambios_campo_nombre(const char *campo);

/* A value of campo in words: estados and roles as people say them ("Ausente", "Supervisor"),
 * "—" (ASCII "-") for none, anything else as it is. Returns buf. */
char *cambios_valor(char *buf, size_t bufsz, const char *campo, const char *valor, bool ascii);

#define CAMBIOS_VM_LINES 120

struct cambios_vm {
    int width, height, nlines;
    int page;    /* content rows that fit under the title and above the last row */
    int content; /* content rows in all */
    struct vm_line lines[CAMBIOS_VM_LINES];
};

void cambios_vm_build(struct cambios_vm *vm, struct cambios_model *m, int width, int height);
/* vm_lines_dump of the lines; the caller frees. */
char *cambios_vm_dump(const struct cambios_vm *vm);

#endif
