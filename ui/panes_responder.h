/*
 * panes_responder — the promoter answers a client's WhatsApp from Detalle (sql/101,
 * docs/wa-responder.md): the form (detalle_responder_form: one long text under «Respuesta para
 * Julia Pérez Núñez (+52 55 1234 5678)» and until when she can), the write off the loop thread
 * (api.wa_responder through db_wa_responder) with one clave per opened form, so a second
 * Enter, or Enter again after a lost connection, never queues the answer twice; then this
 * session's sender: for a WhatsApp Web account it is woken when it runs and started when it
 * does not (wa_panel_responder); a Cloud API account is sent by the central server. Success
 * closes the form and puts the database's sentence in the bottom bar («respuesta en cola: sale
 * en unos segundos»); a refusal (EB420…EB425, EB366) stays in the form with the database's
 * sentence and what was typed. The history row it writes (WA_MENSAJE) notifies, which attends
 * the reply in Inicio's inbox.
 *
 * Loop thread only, except the job's query() (the worker, the job's own fields).
 */
#ifndef UI_PANES_RESPONDER_H
#define UI_PANES_RESPONDER_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/vm/detalle_vm.h"
#include "ui/vm/form_vm.h"

struct app;

/* One pane's answer form: embed it in the pane's state, panes_responder_init it once, and
 * panes_responder_fini it when the state is freed. */
struct panes_responder {
    struct app *a;
    struct form_vm form;
    char label[320]; /* the field's label (the form points at it) */
    bool open;
    int64_t id;              /* the opportunity answered */
    char clave[128];         /* this form's idempotency clave (panes_clave_new) */
    void (*done)(void *ctx); /* after the database took the answer (NULL: nothing more) */
    void *ctx;
};

void panes_responder_init(struct panes_responder *pr, struct app *a, void (*done)(void *ctx),
                          void *ctx);

/* Releases the form; the pane calls it before freeing the state pr lives in. */
void panes_responder_fini(struct panes_responder *pr);

/* Opens the answer form for opportunity id as d shows it (its client, the phone and until
 * when: the caller checked detalle_responder_refusal). */
void panes_responder_abrir(struct panes_responder *pr, int64_t id, const struct detalle_data *d);

#endif
