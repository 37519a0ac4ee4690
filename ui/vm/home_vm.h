/*
 * home_vm — the home pane: a summary card with the clientes in the padrón, the
 * oportunidades the user can see, by estado («Abiertas · 3 por vencer», past the timer's
 * warning; for a supervisor, «En bandeja · 2 atrasadas»), and the month's sales («2 ·
 * $119,000.00»); under it the next rest day or special date of the calendar, when it was read and
 * why it could not be read; when campaigns she sees paused by themselves (sql/102), a warning line
 * that sends her to Progreso; under it, the replies to campaigns nobody
 * attended yet (respuestas_vm). Layout for any size; lines past the height are left out.
 *
 * Pure; built on the loop thread from a copy of what the database job returned.
 */
#ifndef VM_HOME_VM_H
#define VM_HOME_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/vm/respuestas_vm.h"
#include "ui/vm/vm.h"

/* The estados of an oportunidad, in display order (crm.oportunidades.estado). */
enum home_estado {
    HOME_ABIERTA,
    HOME_EN_BANDEJA,
    HOME_GANADA,
    HOME_DEVUELTA,
    HOME_DESCARTADA,
    HOME_ESTADOS
};

struct home_info {
    enum vm_profile profile;
    bool loaded;                           /* the counts below are valid */
    long long clientes;                    /* rows in padron.clientes */
    long long oportunidades[HOME_ESTADOS]; /* visible to the user, by estado */
    long long por_vencer;                  /* of the ABIERTA ones, past the timer's warning */
    long long bandeja_atrasadas;           /* of the EN_BANDEJA ones, late; < 0: not known */
    long long ventas_mes;                  /* sales in force she sees, registered this month */
    int64_t ventas_centavos;               /* and their sum */
    const char *cal_fecha; /* the next rest day or special date, AAAA-MM-DD; NULL or "": none */
    const char *cal_nombre;
    const char *cal_abre, *cal_cierra;     /* a special date's hours; NULL or "" for a rest day */
    long long campanas_solas;              /* campaigns she sees that paused by themselves */
    const char *campana_sola;              /* the newest one's name, and its promoter's login */
    const char *campana_sola_login;        /* (named when the profile sees others') */
    const char *updated;                   /* "HH:MM:SS" of the last good read, or NULL */
    const char *error;                     /* why the last read failed, or NULL */
    bool loading;                          /* a read is in flight */
    bool ascii;                            /* no UTF-8: ASCII glyphs only */
    struct respuestas_model *resp;         /* the replies to attend, under the card; NULL:
                                              none (the profile is not known yet) */
};

#define HOME_VM_LINES 120

struct home_vm {
    int width, height;
    int nlines; /* lines[0..nlines) are rows 0.. of the pane */
    struct vm_line lines[HOME_VM_LINES];
    struct vm_box card;
};

/* Spanish label of an estado, plural ("Abiertas", "En bandeja"). */
const char *home_estado_label(enum home_estado s);

/* Builds the pane for width × height. */
void home_vm_build(struct home_vm *vm, const struct home_info *in, int width, int height);

/* "box y,x hxw title" when there is a card, then vm_lines_dump; the caller frees. */
char *home_vm_dump(const struct home_vm *vm);

#endif
