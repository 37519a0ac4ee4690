/*
 * estadisticas_vm — the WhatsApp statistics pane (supervisors and admins): over a date range,
 * per promoter, per day or per campaign (a key cycles the grouping): sent, delivered, read
 * (a lower bound), replied, opted out, failed, and the failures by reason (in words where
 * known: the sender's codes, Meta's with their number); a totals row.
 * The rows come from api.wa_estadisticas (one per promoter × day × campaign) and are summed
 * here by the chosen grouping.
 *
 * Pure C (no curses, no db); the loop thread owns the model.
 */
#ifndef VM_ESTADISTICAS_VM_H
#define VM_ESTADISTICAS_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct err;

#define ESTADISTICAS_MOTIVOS 6

struct estadisticas_motivo {
    char codigo[24]; /* the failure reason code ("479", "SIN_WHATSAPP"…) */
    int n;
};

struct estadisticas_fila {
    char promotor[48];
    int32_t dia; /* YYYYMMDD */
    int64_t campana_id;
    char campana[96];
    int enviados, entregados, leidos, respondidos, bajas, fallidos;
    int sin_entregar; /* sent over a day ago (wa_ajustes), never delivered */
    struct estadisticas_motivo motivos[ESTADISTICAS_MOTIVOS]; /* n == 0: unused */
};

/* Fills f->motivos from api.wa_estadisticas' JSON object ({"479": 2, "x": 1}); false when
 * the text is not such an object (motivos left empty). */
bool estadisticas_motivos_parse(struct estadisticas_fila *f, const char *json);

enum estadisticas_grupo {
    ESTADISTICAS_POR_PROMOTOR,
    ESTADISTICAS_POR_DIA,
    ESTADISTICAS_POR_CAMPANA,
};

struct estadisticas_model {
    bool loaded, ascii;
    char error[512];
    char desde[11], hasta[11]; /* YYYY-MM-DD */
    struct estadisticas_fila *filas; /* owned, as read */
    size_t nfilas;
    enum estadisticas_grupo grupo;
    int cur, top;
};

void estadisticas_model_init(struct estadisticas_model *m);
void estadisticas_model_fini(struct estadisticas_model *m);
void estadisticas_model_take(struct estadisticas_model *m, struct estadisticas_fila *v, size_t n);
/* Movement; ACTION_TOGGLE_VIEW cycles the grouping. True when something changed. */
bool estadisticas_model_action(struct estadisticas_model *m, enum action a, int page);

#define ESTADISTICAS_RANGO_MAX 366 /* days after desde that hasta may be (api.wa_estadisticas) */

/*
 * The range of ":estadisticas ARG…" (args[0..nargs)) against hoy (YYYY-MM-DD, the business
 * date): "AAAA-MM-DD AAAA-MM-DD", one date (that day alone), "hoy" and "ayer" (usable where
 * a date is), or "Nd" (the last N days, today included, 1…ESTADISTICAS_RANGO_MAX). Writes
 * desde and hasta (11 bytes each, YYYY-MM-DD). RC_INVAL with a Spanish e->msg for an
 * impossible date, a start after the end, a range too long, or anything else (both left
 * untouched).
 */
int estadisticas_rango(int nargs, char *const *args, const char *hoy, char *desde, char *hasta,
                       struct err *e) __attribute__((warn_unused_result));

/* The rows summed by grouping (a malloc'd array the caller frees; *n rows). */
struct estadisticas_fila *estadisticas_agrupar(const struct estadisticas_fila *v, size_t n,
                                               enum estadisticas_grupo g, size_t *nout);

#define ESTADISTICAS_VM_LINES 120

struct estadisticas_vm {
    int width, height, nlines, page;
    struct vm_line lines[ESTADISTICAS_VM_LINES];
};

void estadisticas_vm_build(struct estadisticas_vm *vm, struct estadisticas_model *m, int width,
                           int height);
char *estadisticas_vm_dump(const struct estadisticas_vm *vm);

#endif
