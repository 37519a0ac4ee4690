/*
 * calendario_vm — the business calendar `:calendario` shows in Inicio (sql/093, every
 * profile): the weekly hours the timers run in, the rest days and the dates with hours of
 * their own (sql/097) of the coming twelve months, and the last changes (who, when, what, how
 * many running timers moved). Side by
 * side, the week on the left and the rest days on the right (scrolling when they do not fit),
 * the changes under them; the last row says what the cursor's day is and, for an admin, the
 * keys that change it.
 *
 * The cursor walks the seven weekdays and then the rest days (↑↓; ←→ jump between the two
 * columns), so the same row is what E (a weekday's or a special date's hours) and X (a rest
 * day, a special date's hours) act on.
 *
 * Pure C (no curses, no db): the controller (ui/calendario_vista.c) copies the database's rows
 * into these structs. Loop thread (one owner per model).
 */
#ifndef VM_CALENDARIO_VM_H
#define VM_CALENDARIO_VM_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

/* One weekday of the weekly hours; abre and cierra "HH:MM", both "" when it is closed. */
struct calendario_semana {
    char nombre[12]; /* "miércoles" */
    char abre[6], cierra[6];
};

/* One rest day, or one date with its own hours (abre and cierra set). */
struct calendario_inhabil {
    char fecha[11]; /* AAAA-MM-DD */
    char dia[12];   /* "viernes" */
    char nombre[128];
    char abre[6], cierra[6]; /* "HH:MM" for a special date; "" for a rest day */
};

/* One change, as api.calendario_cambios tells it. */
struct calendario_cambio {
    char cuando[20]; /* "30/11/26 10:15" in the business zone */
    char quien[48];  /* login; "" = the database's owner */
    char cambio[24]; /* INHABIL_AGREGADO, INHABIL_RENOMBRADO, INHABIL_QUITADO, HORARIO,
                      * ESPECIAL_AGREGADO, ESPECIAL_CAMBIADO, ESPECIAL_QUITADO */
    char fecha[11];  /* the rest day's, AAAA-MM-DD; "" for HORARIO */
    char dia[12];    /* the weekday's name */
    char antes[128], despues[128];
    int recalculadas; /* running timers it moved */
};

#define CALENDARIO_DIAS_SEMANA 7

struct calendario_model {
    struct calendario_semana semana[CALENDARIO_DIAS_SEMANA]; /* [0] Monday … [6] Sunday */
    struct calendario_inhabil *dias; /* rest days and special dates, owned, in date order */
    size_t ndias;
    struct calendario_cambio *cambios; /* owned, newest first */
    size_t ncambios;
    char zona[64];  /* the business zone, for the heading ("" = not known yet) */
    char hasta[11]; /* the rest days listed run up to this date, AAAA-MM-DD */
    int cur;        /* 0…6 a weekday, 7… a rest day */
    int top;        /* the first rest day shown (kept by the build) */
    bool abierto;   /* shown in place of Inicio's card */
    bool admin;     /* the keys that change it are offered */
    bool ascii;     /* no UTF-8: ASCII glyphs only */
};

void calendario_model_init(struct calendario_model *m);
void calendario_model_fini(struct calendario_model *m);

/*
 * Takes the week (copied), dias[0..ndias) and cambios[0..ncambios) (malloc'd, NULL when
 * empty; ownership passes to m) and shows them. The cursor stays on its weekday, or on its
 * rest day's date when that date is still listed (else on the nearest row that is).
 */
void calendario_model_take(struct calendario_model *m,
                           const struct calendario_semana semana[CALENDARIO_DIAS_SEMANA],
                           struct calendario_inhabil *dias, size_t ndias,
                           struct calendario_cambio *cambios, size_t ncambios);

/* Back to Inicio's card (the rows are dropped). */
void calendario_model_close(struct calendario_model *m);

/* The cursor's weekday, 1 = Monday … 7 = Sunday, or 0 when it is on a rest day. */
int calendario_model_weekday(const struct calendario_model *m);

/* The cursor's rest day or special date, or NULL when it is on a weekday (borrowed until the
 * next take). */
const struct calendario_inhabil *calendario_model_inhabil(const struct calendario_model *m);

/* A movement key (↑ ↓ ← → RePág AvPág Inicio Fin) over page rows; true when it was one. */
bool calendario_model_move(struct calendario_model *m, enum action act, int page);

/* "AAAA-MM-DD" → "DD/MM/AAAA" into buf (size ≥ 11); anything else copied as it is. */
char *calendario_fecha_dmy(char *buf, size_t size, const char *iso);

/*
 * A date as people type it — "25/12/2026", "25-12-2026" or "2026-12-25", blanks around it
 * ignored — that exists, into iso ("AAAA-MM-DD", 11 bytes). False (iso untouched) otherwise.
 */
bool calendario_fecha_iso(const char *text, char iso[11]);

/* Form checks (struct form_field.check): a date calendario_fecha_iso takes; "" or a time
 * of day "HH:MM" (7:30 too). */
bool calendario_fecha_check(const char *value, char *msg, size_t msgsz);
bool calendario_hora_check(const char *value, char *msg, size_t msgsz);

/*
 * A change as one sentence: «agregó el día inhábil 12/12/2026: Día de la Virgen · 34
 * temporizadores recalculados», «cambió el horario de los sábados: 09:00–14:00 → cerrado»,
 * «dio horario especial al 24/12/2026: Nochebuena, 09:00–14:00».
 */
void calendario_cambio_texto(const struct calendario_cambio *c, char *buf, size_t size);

#define CALENDARIO_VM_LINES 120

struct calendario_vm {
    int width, height;
    int nlines;
    int page; /* rest-day rows one screen shows (RePág/AvPág) */
    struct vm_line lines[CALENDARIO_VM_LINES]; /* a weekday's row: item = 1 + weekday */
    /* For clicks: the rest day (1-based) each row shows from column dia_x on, 0 = none; the
       week's days share rows with them when the two lists are side by side. */
    int dia_x;
    int dia[CALENDARIO_VM_LINES];
};

/*
 * Lays the calendar out for width × height: the heading «Calendario de negocio ·
 * America/Mexico_City», the week («sábado  09:00–14:00», «domingo  cerrado» muted) beside the
 * rest days and special dates («vie 25/12/2026  Navidad», «jue 24/12/2026  Nochebuena
 * 09:00–14:00», «1–7 de 9» at the right of their title when they scroll), the changes
 * («30/11/26 10:15  admin  agregó …») in the rows left, and the cursor's day in words with
 * the keys. Below 44 columns the rest days go under the week.
 * Moves m->top so the cursor shows.
 */
void calendario_vm_build(struct calendario_vm *vm, struct calendario_model *m, int width,
                         int height);

/* vm_lines_dump of the view; the caller frees. */
/* A click at (y, x) of the pane vm was last built into: the weekday or the date there gets the
 * cursor (true). */
bool calendario_vm_click(const struct calendario_vm *vm, struct calendario_model *m, int y, int x);

char *calendario_vm_dump(const struct calendario_vm *vm);

#endif
