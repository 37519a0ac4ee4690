#include "ui/panes_responder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_wa_respuesta.h"
#include "ui/app_pane.h"
#include "ui/campanas_panel.h"
#include "ui/panes_db.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

static const char SIN_CONEXION[] = "Sin conexión con la base de datos: no se puede enviar ahora."
                                   " Lo escrito se conserva; Enter reintenta.";

struct responder_job {
    struct app_job base;
    int64_t id;
    char *texto; /* owned copy of the form's value */
    char clave[128];
    struct db_wa_respondido r;
    struct panes_responder *pr;
};

void
panes_responder_init(struct panes_responder *pr, struct app *a, void (*done)(void *ctx), void *ctx)
{
    memset(pr, 0, sizeof *pr);
    pr->a = a;
    pr->done = done;
    pr->ctx = ctx;
}

void
panes_responder_fini(struct panes_responder *pr)
{
    form_vm_fini(&pr->form);
}

static int
responder_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct responder_job *j = (struct responder_job *)aj;

    return db_wa_responder(db, j->id, j->texto, j->clave, &j->r, e);
}

/* The answer is in the database: this session's sender takes it out (WhatsApp Web), and the
 * bottom bar says what the database said, with why this session will not send it if so. */
static void
responder_ok(struct panes_responder *pr, const struct responder_job *j)
{
    struct err e = { 0 };

    if (strcmp(j->r.proveedor, "WEB") == 0 && wa_panel_responder(pr->a, &e) != RC_OK) {
        log_warn("respuesta %lld en cola sin envío en esta sesión: %s", (long long)j->r.mensaje_id,
                 e.msg);
        app_message(pr->a, false, "%s (%s)", j->r.mensaje, e.msg);
        return;
    }
    app_message(pr->a, false, "%s", j->r.mensaje);
}

static void
responder_result(struct app_job *aj)
{
    struct responder_job *j = (struct responder_job *)aj;
    struct panes_responder *pr = j->pr;
    bool mine = pr->open && pr->id == j->id; /* the form this answer came from is still up */

    if (aj->rc == RC_OK) {
        if (mine)
            app_form_close(pr->a);
        responder_ok(pr, j);
        if (pr->done != NULL)
            pr->done(pr->ctx);
    } else if (mine) {
        form_vm_set_refusal(&pr->form, panes_err_is_down(&aj->e) ? SIN_CONEXION : aj->e.msg);
    } else {
        app_message(pr->a, true, "No se envió la respuesta: %s", aj->e.msg);
    }
    app_redraw(pr->a);
}

static void
responder_release(struct app_job *aj)
{
    struct responder_job *j = (struct responder_job *)aj;

    free(j->texto);
    free(j);
}

static void
responder_submit(void *ctx, struct form_vm *f)
{
    struct panes_responder *pr = ctx;
    struct responder_job *j;

    if (!app_db_up(pr->a)) {
        form_vm_set_refusal(f, SIN_CONEXION);
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->id = pr->id;
    j->texto = xstrdup(form_vm_value(f, 0));
    snprintf(j->clave, sizeof j->clave, "%s", pr->clave);
    j->pr = pr;
    j->base.query = responder_query;
    j->base.result = responder_result;
    j->base.release = responder_release;
    app_submit(pr->a, &j->base);
}

static void
responder_closed(void *ctx, struct form_vm *f)
{
    (void)f;
    ((struct panes_responder *)ctx)->open = false;
}

static const struct app_form_ops responder_form_ops = { responder_submit, responder_closed };

void
panes_responder_abrir(struct panes_responder *pr, int64_t id, const struct detalle_data *d)
{
    if (!app_require_db(pr->a, "responder por WhatsApp"))
        return;
    pr->id = id;
    /* One clave per form: the database returns the first message for it, never a second. */
    panes_clave_new(pr->clave, sizeof pr->clave, app_login(pr->a));
    detalle_responder_form(&pr->form, pr->label, sizeof pr->label, d);
    pr->open = true;
    app_form_open(pr->a, &pr->form, &responder_form_ops, pr);
}
