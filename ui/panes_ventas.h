/*
 * panes_ventas — a supervisor's two actions on a sale in force (sql/092, src/db/db_ventas.h),
 * the same from the sales view (`:ventas`) and from Detalle: correcting what was typed (a
 * form with the monto, producto and folio as they are and a required reason; only what
 * changed is sent, the database keeps the rest) and cancelling it because the lender declined
 * the credit (a form that says what happens and asks the reason, then a yes/no question). The
 * writes are panes_write_job kinds PANES_VENTA_CORREGIR and PANES_VENTA_CANCELAR, which
 * panes_write_submit routes here. A refusal (EB311…EB316, EB301…) stays in the form with the
 * database's message and what was typed; success closes the form and puts the database's
 * sentence in the bottom bar. The change notifies (ventas; a cancellation the opportunity and
 * its history too), so every pane that shows the sale re-reads through that.
 *
 * Loop thread only, except panes_ventas_write (the worker, inside the job's query()).
 */
#ifndef UI_PANES_VENTAS_H
#define UI_PANES_VENTAS_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/panes_db.h"
#include "ui/vm/form_vm.h"

struct app;
struct db;
struct err;

/* The sale acted on, as the pane shows it (monto as decimal text, "138500.00"). */
struct panes_venta {
    int64_t oportunidad_id;
    char folio[48], monto[24], producto[96];
};

/* One pane's forms for these actions: embed it in the pane's state, panes_ventas_init it once, and
 * panes_ventas_fini it when the state is freed. */
struct panes_ventas {
    struct app *a;
    struct form_vm form;
    bool open;
    enum panes_write_kind kind; /* which form is open */
    struct panes_venta v;       /* what it acts on */
    void (*done)(void *ctx);    /* after the database took a write (NULL: nothing more) */
    void *ctx;
};

void panes_ventas_init(struct panes_ventas *pv, struct app *a, void (*done)(void *ctx), void *ctx);

/* Releases the form; the pane calls it before freeing the state pv lives in. */
void panes_ventas_fini(struct panes_ventas *pv);

/* Opens the correction form for v (the bottom bar says why not without a connection). */
void panes_ventas_corregir(struct panes_ventas *pv, const struct panes_venta *v);

/* Opens the cancellation form for v; Enter asks before anything is sent. */
void panes_ventas_cancelar(struct panes_ventas *pv, const struct panes_venta *v);

/* The write of j (PANES_VENTA_CORREGIR or PANES_VENTA_CANCELAR); on success j->msg has the
 * database's sentence. Worker thread. */
int panes_ventas_write(struct db *db, struct panes_write_job *j, struct err *e);

#endif
