/*
 * panes_duda — deciding an answer in doubt from Detalle (docs/wa-responder.md, «En duda»): an
 * answer whose ack the sender lost is ENVIANDO and incierto, nobody knows whether it reached
 * the client, and it counts against the account's daily cap until someone decides. The form
 * (detalle_duda_form: the newest answer in doubt; «sí le llegó», «volver a enviar»,
 * «descartar»), the write off the loop thread (api.mensaje_resolver_incierto through
 * db_mensaje_resolver_incierto), then the bottom bar (detalle_duda_resultado): what became of
 * it — for a re-send, where it goes out or why it will not (the client's 24 hours over, the
 * opportunity no longer in its embudo) — and how many answers remain in doubt. A re-send of
 * the user's own answer from a WhatsApp Web account wakes this session's sender or starts it,
 * as w does (wa_panel_responder); a supervisor's re-send of her promoter's answer goes out
 * when that account's sender takes it (the update notifies it). A refusal (EB360, EB361: it
 * was decided meanwhile) stays in the form with the database's sentence.
 *
 * Loop thread only, except the job's query() (the worker, the job's own fields).
 */
#ifndef UI_PANES_DUDA_H
#define UI_PANES_DUDA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/detalle_vm.h"
#include "ui/vm/form_vm.h"

struct app;

/* One pane's decision form: embed it in the pane's state, panes_duda_init it once, and
 * panes_duda_fini it when the state is freed. */
struct panes_duda {
    struct app *a;
    struct form_vm form;
    bool open;
    /* What the form opened on, copied: the detail may be re-read while it is up. */
    struct detalle_data d;    /* the card and the window only: its arrays are not kept */
    struct detalle_evento ev; /* the answer's history row (its message, login, window) */
    size_t quedan;            /* the other answers in doubt when the form opened */
    void (*done)(void *ctx);  /* after the database took the decision (NULL: nothing more) */
    void *ctx;
};

void panes_duda_init(struct panes_duda *pd, struct app *a, void (*done)(void *ctx), void *ctx);

/* Releases the form; the pane calls it before freeing the state pd lives in. */
void panes_duda_fini(struct panes_duda *pd);

/* Opens the form on the newest answer in doubt of d (the caller checked
 * detalle_duda_refusal). */
void panes_duda_abrir(struct panes_duda *pd, const struct detalle_data *d);

#endif
