/*
 * asignacion_vm — the asignación pane: how many clients and which filters (convenio,
 * entidad, ages), the live count of clients available with those filters (api.disponibles),
 * today's quota and cartera room, a preview of what the request will grant, a confirmation,
 * and the result or the database's refusal.
 *
 * The form, its live counts, the confirmation and the idempotency clave are
 * asignacion_form.h's (shared with the supervisor's Repartir pane): the clave is created once
 * per submission and kept until the user edits the form, so a second Enter on the same form
 * or a retry after a lost connection sends the same clave and the database answers with the
 * first lote (repetido) instead of making a second one.
 *
 * Pure C (no curses, no db); the loop thread owns the model.
 */
#ifndef VM_ASIGNACION_VM_H
#define VM_ASIGNACION_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/asignacion_form.h"
#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"
#include "util/err.h"

/* What the last request returned. */
struct asignacion_resultado {
    int64_t lote_id;
    int asignados, solicitados, cupo_restante;
    bool repetido;
    char mensaje[256];
};

struct asignacion_model {
    bool loaded;
    bool ascii;      /* no UTF-8: ASCII glyphs */
    char error[640]; /* reading the context failed */
    bool promotor;   /* only promoters may request */
    char estado[16]; /* the user's: ACTIVO, AUSENTE… */
    int cupo_limite, cupo_usados, cartera, cartera_max;

    /* The form (fields, options, live count, confirmation, clave). */
    struct asignacion_form f;

    bool has_result;
    struct asignacion_resultado res;
    char refusal[512]; /* the database said no (its message) */
};

void asignacion_model_init(struct asignacion_model *m);
void asignacion_model_fini(struct asignacion_model *m);

/*
 * Takes the user's context and the filter options (arrays malloc'd by the caller, owned by
 * the model from now on). Keeps the form; a choice no longer offered falls back to any.
 */
void asignacion_model_take_ctx(struct asignacion_model *m, bool promotor, const char *estado,
                               int cupo_limite, int cupo_usados, int cartera, int cartera_max,
                               struct asignacion_opcion *convenios, size_t nconvenios,
                               struct asignacion_opcion *entidades, size_t nentidades);

/* What is wrong with the form (Spanish), or NULL when it may be sent. */
const char *asignacion_model_invalid(const struct asignacion_model *m);

/* How many the request would grant now: min(cantidad, quota left, cartera room, available). */
int asignacion_model_preview(const struct asignacion_model *m);

enum asignacion_intent {
    ASIG_NADA,
    ASIG_CONTAR, /* the filters changed: count again */
    ASIG_PEDIR,  /* send the request with m->f.clave */
};

/*
 * Applies an action or a typed key (k may be NULL): the form's keys (asignacion_form_input;
 * the count is the caller's, with asignacion_form_counted on m->f), Enter asks for confirmation and
 * a second Enter sends, Esc cancels the confirmation. fresh_clave is used as the clave when this
 * form has none yet. *redraw tells whether anything visible changed.
 */
enum asignacion_intent asignacion_model_input(struct asignacion_model *m, enum action a,
                                              const struct key *k, const char *fresh_clave,
                                              bool *redraw);

/* The request came back: a result, or a refusal message (res NULL). Network failures keep
   the clave so the retry cannot create a second lote. */
void asignacion_model_sent(struct asignacion_model *m, const struct asignacion_resultado *res,
                           const char *refusal);

/*
 * ":asignar CANTIDAD [convenio=CLAVE] [entidad=CLAVE] [edad_min=N] [edad_max=N]" (argv[0]
 * is the command): fills the form and asks to confirm (one Enter sends). RC_INVAL with a
 * Spanish e->msg for an unknown key, convenio or entidad; the form is unchanged then.
 */
int asignacion_model_command(struct asignacion_model *m, int argc, char **argv, struct err *e);

/* True when the form holds edits not yet sent. */
bool asignacion_model_dirty(const struct asignacion_model *m);

#define ASIGNACION_VM_LINES 40

struct asignacion_vm {
    int width, height, nlines;
    struct vm_line lines[ASIGNACION_VM_LINES];
};

void asignacion_vm_build(struct asignacion_vm *vm, const struct asignacion_model *m, int width,
                         int height);
char *asignacion_vm_dump(const struct asignacion_vm *vm);

#endif
