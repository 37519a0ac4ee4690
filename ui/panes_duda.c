#include "ui/panes_duda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db_wa.h"
#include "db/db_wa_cloud.h"
#include "ui/app_pane.h"
#include "ui/campanas_panel.h"
#include "ui/panes_db.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

static const char SIN_CONEXION[] = "Sin conexión con la base de datos: no se puede decidir ahora."
                                   " Enter reintenta.";

struct duda_job {
    struct app_job base;
    int64_t id; /* the message */
    enum detalle_duda_accion eleccion;
    bool propia; /* the user's own answer: her account sends it again */
    char estado[16];
    bool cloud; /* read after a re-send of her own: her account sends through Meta */
    struct panes_duda *pd;
};

void
panes_duda_init(struct panes_duda *pd, struct app *a, void (*done)(void *ctx), void *ctx)
{
    memset(pd, 0, sizeof *pd);
    pd->a = a;
    pd->done = done;
    pd->ctx = ctx;
}

void
panes_duda_fini(struct panes_duda *pd)
{
    form_vm_fini(&pd->form);
}

static int
duda_query(struct db *db, struct app_job *aj, struct err *e)
{
    static const enum db_incierto_accion acciones[] = {
        [DETALLE_DUDA_LLEGO] = DB_INCIERTO_ENVIADO,
        [DETALLE_DUDA_REENVIAR] = DB_INCIERTO_REENVIAR,
        [DETALLE_DUDA_DESCARTAR] = DB_INCIERTO_DESCARTAR,
    };
    struct duda_job *j = (struct duda_job *)aj;
    char calidad[DB_WA_CLOUD_CALIDAD_MAX + 1];
    struct err e2 = { 0 };
    int rc = db_mensaje_resolver_incierto(db, j->id, acciones[j->eleccion], j->estado, e);

    if (rc != RC_OK || j->eleccion != DETALLE_DUDA_REENVIAR || !j->propia)
        return rc;
    /* Decided: how her account sends only chooses the words and whether this session's
     * sender is started, so a failed read is no failure of the decision. */
    if (db_wa_cloud_propia(db, &j->cloud, calidad, &e2) != RC_OK) {
        log_warn("mensaje %lld reenviado; no se leyó cómo envía su cuenta: %s", (long long)j->id,
                 e2.msg);
        j->cloud = false;
    }
    return RC_OK;
}

/*
 * Where a re-send goes out, in words for the bottom bar (buf): her own answer from this
 * session's sender (woken, or started as w starts it) or from Meta's servers; someone else's
 * from that account's sender. Her WhatsApp Web sender is started even when the claim will
 * skip it, so the skip is recorded now and not when she next sends.
 */
static const char *
duda_sale(const struct panes_duda *pd, const struct duda_job *j, char *buf, size_t size)
{
    struct err e = { 0 };

    if (!j->propia)
        snprintf(buf, size, "la envía el WhatsApp de %s", pd->ev.login);
    else if (j->cloud)
        snprintf(buf, size, "sale desde el servidor central");
    else if (wa_panel_responder(pd->a, &e) != RC_OK)
        snprintf(buf, size, "%s", e.msg);
    else
        snprintf(buf, size, "sale en unos segundos");
    return buf;
}

static void
duda_result(struct app_job *aj)
{
    struct duda_job *j = (struct duda_job *)aj;
    struct panes_duda *pd = j->pd;
    bool mine = pd->open && pd->ev.mensaje_id == j->id; /* its form is still up */
    char sale[ERR_MSG_BYTES], msg[ERR_MSG_BYTES + 160];
    const char *no_saldra = NULL;

    if (aj->rc != RC_OK) {
        if (mine)
            form_vm_set_refusal(&pd->form, panes_err_is_down(&aj->e) ? SIN_CONEXION : aj->e.msg);
        else
            app_message(pd->a, true, "No se decidió la respuesta en duda: %s", aj->e.msg);
        app_redraw(pd->a);
        return;
    }
    if (mine)
        app_form_close(pd->a);
    sale[0] = '\0';
    if (j->eleccion == DETALLE_DUDA_REENVIAR) {
        no_saldra = detalle_duda_no_saldra(&pd->d, &pd->ev, (int64_t)time(NULL));
        duda_sale(pd, j, sale, sizeof sale);
    }
    detalle_duda_resultado(msg, sizeof msg, j->eleccion, no_saldra, sale, pd->quedan);
    app_message(pd->a, false, "%s", msg);
    if (pd->done != NULL)
        pd->done(pd->ctx);
    app_redraw(pd->a);
}

static void
duda_submit(void *ctx, struct form_vm *f)
{
    struct panes_duda *pd = ctx;
    int eleccion = detalle_duda_eleccion(form_vm_value(f, 0));
    struct duda_job *j;

    if (!app_db_up(pd->a)) {
        form_vm_set_refusal(f, SIN_CONEXION);
        return;
    }
    if (eleccion < 0) { /* the choice only cycles through its words: never here */
        form_vm_set_refusal(f, "Elija sí le llegó, volver a enviar o descartar.");
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->id = pd->ev.mensaje_id;
    j->eleccion = (enum detalle_duda_accion)eleccion;
    j->propia = strcmp(pd->ev.login, app_login(pd->a)) == 0;
    j->pd = pd;
    j->base.query = duda_query;
    j->base.result = duda_result;
    app_submit(pd->a, &j->base);
}

static void
duda_closed(void *ctx, struct form_vm *f)
{
    (void)f;
    ((struct panes_duda *)ctx)->open = false;
}

static const struct app_form_ops duda_form_ops = { duda_submit, duda_closed };

void
panes_duda_abrir(struct panes_duda *pd, const struct detalle_data *d)
{
    const struct detalle_evento *ev;
    size_t n = detalle_dudas(d, &ev);

    if (ev == NULL || !app_require_db(pd->a, "decidir la respuesta en duda"))
        return;
    pd->d = *d; /* the card and the window; the arrays stay d's */
    pd->d.contactos = NULL;
    pd->d.eventos = NULL;
    pd->d.nc = NULL;
    pd->d.ncontactos = pd->d.neventos = pd->d.nnc = 0;
    pd->ev = *ev;
    pd->quedan = n - 1;
    detalle_duda_form(&pd->form, d, (int64_t)time(NULL));
    pd->open = true;
    app_form_open(pd->a, &pd->form, &duda_form_ops, pd);
}
