/*
 * repartir_vm — the supervisor's Repartir pane: the lote form (asignacion_form.h: cantidad,
 * convenio, entidad, ages, the live counts, the confirmation and the idempotency clave)
 * over the team or the promoters named, the live preview of the even split per promoter
 * (api.distribuir_vista: received today, cupo left, cartera room, what each would receive,
 * and why less than asked when that is so), then the distribution's result per promoter
 * (their lote) or the database's refusal.
 *
 * Pure C (no curses, no db); the loop thread owns the model.
 */
#ifndef VM_REPARTIR_VM_H
#define VM_REPARTIR_VM_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/vm/asignacion_form.h"
#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"
#include "util/err.h"

/* One promoter of a preview or of a distribution's result. */
struct repartir_fila {
    char login[48];
    char nombre[160];
    int recibidos_hoy; /* preview */
    int cupo_restante; /* preview: before; result: after */
    int cartera_libre; /* preview */
    int recibe;        /* preview: planned; result: assigned */
    long long lote_id; /* result: 0 = received none */
};

struct repartir_model {
    bool loaded;     /* the filter options were read */
    bool ascii;      /* no UTF-8: ASCII glyphs */
    char error[640]; /* reading the options failed */

    struct asignacion_form f;
    char promotores[256]; /* "a,b": only those logins; "" = the whole team */

    /* The preview for the form as of f.counted_gen (f.disponibles is its total). */
    struct repartir_fila *plan; /* owned */
    size_t nplan;
    char vista_error[512]; /* the preview was refused (the database's message) */

    /* Submission and result. */
    bool has_result;
    struct repartir_fila *res; /* owned */
    size_t nres;
    bool repetido;
    char mensaje[512]; /* the database's summary */
    char refusal[512]; /* the database said no, or the connection failed */
    int top;           /* first table row shown (the vm keeps it in range) */
};

void repartir_model_init(struct repartir_model *m);
void repartir_model_fini(struct repartir_model *m);

/* The filter options arrived (malloc'd arrays, owned from now on). */
void repartir_model_take_opciones(struct repartir_model *m, struct asignacion_opcion *convenios,
                                  size_t nconvenios, struct asignacion_opcion *entidades,
                                  size_t nentidades);

/* What is wrong with the form (Spanish), or NULL. */
const char *repartir_model_invalid(const struct repartir_model *m);

/* The preview is current (answered for this version of the form). */
bool repartir_model_vista_current(const struct repartir_model *m);

/* The preview's total: how many would be dealt. */
int repartir_model_total(const struct repartir_model *m);

/*
 * Why the preview deals fewer than asked (Spanish), or NULL when it deals them all or is
 * not current.
 */
const char *repartir_model_motivo(const struct repartir_model *m, char *buf, size_t bufsz);

/*
 * Limits the distribution to logins ("a,b"; "" or NULL = the whole team). Counts as an
 * edit (the preview is read again, the clave renewed).
 */
void repartir_model_set_promotores(struct repartir_model *m, const char *logins);

/* The most promoters one distribution names (":repartir … promotores=a,b"). */
#define REPARTIR_PROMOTORES_MAX 32

/* Splits m->promotores into out[0…max) (pointers into buf, size bufsz); returns how many. */
size_t repartir_model_logins(const struct repartir_model *m, char *buf, size_t bufsz,
                             const char **out, size_t max);

enum repartir_intent {
    REP_NADA,
    REP_VISTA,    /* the form changed: read the preview again */
    REP_REPARTIR, /* send the distribution with m->f.clave */
};

/*
 * Applies an action or a typed key (k may be NULL): the form's keys, RePág/AvPág scroll the
 * table by page rows (repartir_vm.page), Enter asks for confirmation (only with a current preview
 * that deals someone, or to retry a submission) and a second Enter sends, Esc cancels the
 * confirmation or else goes back to the whole team. fresh_clave is the clave when this form has
 * none yet.
 */
enum repartir_intent repartir_model_input(struct repartir_model *m, enum action a,
                                          const struct key *k, int page, const char *fresh_clave,
                                          bool *redraw);

/*
 * The preview for gen came back: rows (owned from now on; NULL/0 with refusal set when the
 * database refused it). Returns true when it is still current. The total and the per
 * convenio counts go to the form (asignacion_form_counted) by the caller.
 */
bool repartir_model_vista(struct repartir_model *m, unsigned gen, struct repartir_fila *rows,
                          size_t n, const char *refusal);

/* The distribution came back: rows (owned) with the database's mensaje, or refusal (rows
   NULL). The clave stays, so a retry cannot deal twice. */
void repartir_model_sent(struct repartir_model *m, struct repartir_fila *rows, size_t n,
                         bool repetido, const char *mensaje, const char *refusal);

/*
 * ":repartir CANTIDAD [convenio=CLAVE] [entidad=CLAVE] [edad_min=N] [edad_max=N]
 * [promotores=a,b]": fills the form and asks to confirm once the preview is in. RC_INVAL
 * with a Spanish e->msg; the form is unchanged then.
 */
int repartir_model_command(struct repartir_model *m, int argc, char **argv, struct err *e);

/* True when the form holds edits not yet sent. */
bool repartir_model_dirty(const struct repartir_model *m);

#define REPARTIR_VM_LINES 60

struct repartir_vm {
    int width, height, nlines;
    int page; /* table rows shown (RePág/AvPág step) */
    struct vm_line lines[REPARTIR_VM_LINES];
};

void repartir_vm_build(struct repartir_vm *vm, const struct repartir_model *m, int width,
                       int height);
char *repartir_vm_dump(const struct repartir_vm *vm);

#endif
