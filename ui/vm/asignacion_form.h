/*
 * asignacion_form — the lote form that a promoter's request (asignacion_vm) and a
 * supervisor's distribution (repartir_vm) both use: cantidad, convenio, entidad and the ages,
 * the convenio/entidad pickers with each convenio's live count, the count of clients
 * available with those filters, and the submission: a confirmation (Enter twice) and the
 * idempotency clave, created once per submission and kept until the user edits the form, so
 * a second Enter or a retry after a lost connection sends the same clave and the database
 * answers with the first result (repetido) instead of making a second one.
 *
 * Pure C (no curses, no db); the loop thread owns it, embedded in its pane's model.
 */
#ifndef VM_ASIGNACION_FORM_H
#define VM_ASIGNACION_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"
#include "util/err.h"

struct asignacion_opcion {
    char clave[48];
    char nombre[160];
    long long disponibles; /* with the other filters; -1 = not counted */
};

enum asignacion_campo {
    ASIG_CANTIDAD,
    ASIG_CONVENIO,
    ASIG_ENTIDAD,
    ASIG_EDAD_MIN,
    ASIG_EDAD_MAX,
    ASIG_CAMPOS
};

struct asignacion_form {
    int cantidad_max; /* 1000 for a request, 5000 for a distribution (the api's bounds) */
    struct asignacion_opcion *convenios; /* owned */
    size_t nconvenios;
    struct asignacion_opcion *entidades; /* owned */
    size_t nentidades;

    int campo;
    char cantidad[8];
    int convenio, entidad; /* index into the options; -1 = cualquiera */
    char edad_min[4], edad_max[4];
    unsigned gen; /* bumps on every edit: stale counts are dropped, the clave is renewed */

    /* Live count for the form as of counted_gen. */
    long long disponibles; /* -1 = unknown */
    unsigned counted_gen;
    bool counting;

    /* Submission. */
    bool confirming;
    bool sending;
    char clave[64]; /* "" until the first submission of this form */
};

/* An empty form with cantidad preset (digits) and its upper bound. */
void asignacion_form_init(struct asignacion_form *f, const char *cantidad, int cantidad_max);
void asignacion_form_fini(struct asignacion_form *f);

/* Takes the options (malloc'd arrays, owned from now on); a choice no longer offered falls
   back to any. */
void asignacion_form_take_opciones(struct asignacion_form *f, struct asignacion_opcion *convenios,
                                   size_t nconvenios, struct asignacion_opcion *entidades,
                                   size_t nentidades);

/* The form's values as request parameters: NULL / 0 = any. cantidad 0 = not a number. */
int asignacion_form_cantidad(const struct asignacion_form *f);
const char *asignacion_form_convenio(const struct asignacion_form *f);
const char *asignacion_form_entidad(const struct asignacion_form *f);
int asignacion_form_edad_min(const struct asignacion_form *f);
int asignacion_form_edad_max(const struct asignacion_form *f);

/* What is wrong with the values (Spanish), or NULL. */
const char *asignacion_form_invalid(const struct asignacion_form *f);

/* True when the focused field is a number (digits type into it). */
bool asignacion_form_number_field(const struct asignacion_form *f);

enum asignacion_form_cambio {
    ASIG_FORM_NADA,    /* not a form key */
    ASIG_FORM_MOVIDO,  /* the focus moved (redraw) */
    ASIG_FORM_EDITADO, /* a value changed: gen bumped, clave and confirmation dropped */
};

/*
 * ↑/↓ (and Tab/S-Tab) change field, ←/→ cycle a choice (any → first → … → last → any),
 * digits and Backspace edit numbers. k may be NULL.
 */
enum asignacion_form_cambio asignacion_form_input(struct asignacion_form *f, enum action a,
                                                  const struct key *k);

/* Marks the form edited (a value was set from outside, e.g. a command). */
void asignacion_form_edited(struct asignacion_form *f);

/*
 * Enter on a valid form: the first asks to confirm (false), the second takes fresh_clave as
 * the clave unless this form has one, marks it sending and returns true. While sending,
 * nothing (false).
 */
bool asignacion_form_enter(struct asignacion_form *f, const char *fresh_clave);

/* The count for gen came back (total -1 when it failed; per convenio claves[i] →
   por_convenio[i]). Returns true when it is still current. */
bool asignacion_form_counted(struct asignacion_form *f, unsigned gen, long long total,
                             const char *const *claves, const long long *por_convenio, size_t n);

/*
 * One "key=value" of a command (convenio=, entidad=, edad_min=, edad_max=) applied to f.
 * RC_INVAL with a Spanish e->msg for an unknown key, convenio or entidad. Apply them to a
 * copy and keep it only when all are good (the option arrays are shared, not copied).
 */
int asignacion_form_arg(struct asignacion_form *f, const char *arg, struct err *e);

/* True when arg is "cantidad" as a command gives it: 1–7 digits. */
bool asignacion_form_cantidad_ok(const char *arg);

/* The five fields on lines[y…y+4] (those inside lines[0…n)), values from column value_x. */
void asignacion_form_put(struct vm_line *lines, int n, int y, int width, int value_x,
                         const struct asignacion_form *f, bool ascii);

/* A click on row y of the n lines the form was last put into: that field gets the focus. */
void asignacion_form_click(struct asignacion_form *f, const struct vm_line *lines, int n, int y);

#endif
