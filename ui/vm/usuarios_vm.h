/*
 * usuarios_vm — every user the caller may see, `:usuarios` in Equipo (api.usuarios): the
 * promoters Equipo's table lists and also the supervisors, admins and auditors, and those in
 * BAJA, one row each — login, name, rol, estado, team, cartera against its maximum and cupo
 * diario — and on the last row the cursor's user with the keys that act on it. Equipo's forms
 * (estado, nombre, alta; cupo, cartera and team for a promoter) and its record of changes work
 * on the cursor's user here too.
 *
 * Pure C (no curses, no db): ui/equipo_panel.c copies the database's rows into these structs.
 * Loop thread (one owner per model).
 */
#ifndef VM_USUARIOS_VM_H
#define VM_USUARIOS_VM_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"
#include "util/err.h" /* ERR_MSG_BYTES */

struct usuarios_fila {
    char login[48];
    char nombre[160];
    char rol[16];        /* PROMOTOR | SUPERVISOR | ADMIN | AUDITOR */
    char estado[16];     /* ACTIVO | AUSENTE | VACACIONES | BAJA */
    char supervisor[48]; /* a promoter's; "" otherwise */
    int cupo_diario, cartera_max, activas;
};

struct usuarios_model {
    struct usuarios_fila *filas; /* owned, in api.usuarios' order (admins first, then teams) */
    size_t n;
    int cur, top;
    bool abierto; /* shown in place of Equipo's table */
    bool loaded;
    bool admin; /* the keys that change users are offered */
    bool ascii;
    char error[ERR_MSG_BYTES + 64]; /* the last read failed (the rows stay) */
};

void usuarios_model_init(struct usuarios_model *m);
void usuarios_model_fini(struct usuarios_model *m);

/* Takes filas[0..n) (malloc'd; NULL when empty). The cursor stays on its user's login, else on
 * the same row. */
void usuarios_model_take(struct usuarios_model *m, struct usuarios_fila *filas, size_t n);

/* ↑↓, RePág/AvPág, g/G; true when the cursor moved. */
bool usuarios_model_move(struct usuarios_model *m, enum action a, int page);

/* The cursor's user, or NULL. */
const struct usuarios_fila *usuarios_model_selected(const struct usuarios_model *m);

#define USUARIOS_VM_LINES 200

struct usuarios_vm {
    int width, height, nlines;
    int page; /* rows of users one screen shows */
    struct vm_line lines[USUARIOS_VM_LINES];
};

/*
 * Lays the list out for width × height: «Usuarios (N)» and, when not all fit, which show; the
 * column names; a row per user (its item, for clicks), the cursor's in ROLE_CURSOR, a user in
 * BAJA muted; the last row says the cursor's user and its keys («e estado · n nombre · h
 * cambios · A alta · Esc vuelve» for an admin). Narrow terminals drop the team, then the cupo.
 * Moves m->top so the cursor shows.
 */
void usuarios_vm_build(struct usuarios_vm *vm, struct usuarios_model *m, int width, int height);

#endif
