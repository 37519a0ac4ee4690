#include "ui/panes_ventas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dinero.h"
#include "db/db_ventas.h"
#include "ui/app_pane.h"
#include "util/err.h"

enum { CAMPO_MONTO, CAMPO_PRODUCTO, CAMPO_FOLIO, CAMPO_MOTIVO };

static const char SIN_CONEXION[] = "Sin conexión con la base de datos: no se puede guardar ahora."
                                   " Lo escrito se conserva; Enter reintenta.";

void
panes_ventas_init(struct panes_ventas *pv, struct app *a, void (*done)(void *ctx), void *ctx)
{
    memset(pv, 0, sizeof *pv);
    pv->a = a;
    pv->done = done;
    pv->ctx = ctx;
}

void
panes_ventas_fini(struct panes_ventas *pv)
{
    form_vm_fini(&pv->form);
}

/* The database's answer: the form closes on success, keeps what was typed on a refusal. */
static void
write_done(struct panes_write_job *j)
{
    struct panes_ventas *pv = j->ctx;

    if (j->base.rc == RC_OK) {
        if (pv->open)
            app_form_close(pv->a);
        app_message(pv->a, false, "%s", j->msg);
        if (pv->done != NULL)
            pv->done(pv->ctx);
    } else if (pv->open) {
        form_vm_set_refusal(&pv->form, j->base.e.msg);
    } else {
        app_message(pv->a, true, "%s", j->base.e.msg);
    }
    app_redraw(pv->a);
}

static struct panes_write_job *
job_new(struct panes_ventas *pv, enum panes_write_kind kind, const char *motivo)
{
    struct panes_write_job *j = panes_write_new(kind);

    j->id = pv->v.oportunidad_id;
    snprintf(j->texto, sizeof j->texto, "%s", motivo);
    j->ctx = pv;
    j->done = write_done;
    return j;
}

/* A field's value when the user changed it, "" (the database keeps it) otherwise. */
static void
cambiado(char *dst, size_t size, const struct form_vm *f, int i)
{
    const char *v = form_vm_value(f, i);

    snprintf(dst, size, "%s", strcmp(v, f->fields[i].initial) != 0 ? v : "");
}

static void
corregir_submit(struct panes_ventas *pv, struct form_vm *f)
{
    struct panes_write_job *j = job_new(pv, PANES_VENTA_CORREGIR, form_vm_value(f, CAMPO_MOTIVO));

    cambiado(j->monto, sizeof j->monto, f, CAMPO_MONTO);
    cambiado(j->producto, sizeof j->producto, f, CAMPO_PRODUCTO);
    cambiado(j->folio, sizeof j->folio, f, CAMPO_FOLIO);
    panes_write_submit(pv->a, j);
}

static void
cancelar_answer(struct app *a, bool yes, void *ctx)
{
    struct panes_ventas *pv = ctx;

    if (!pv->open)
        return;
    if (!yes) {
        app_redraw(a); /* back to the form, as typed */
        return;
    }
    pv->form.sending = true; /* a second Enter never sends twice */
    panes_write_submit(a, job_new(pv, PANES_VENTA_CANCELAR, form_vm_value(&pv->form, 0)));
}

/* Nothing is sent until the question is answered yes. */
static void
cancelar_confirm(struct panes_ventas *pv, struct form_vm *f)
{
    char q[160];

    f->sending = false;
    /* Short enough for 80 columns with the «(s/n)» the bar adds; the form said the amount. */
    snprintf(q, sizeof q, "¿Cancelar la venta %s? Deja de contar y la oportunidad va a la bandeja.",
             pv->v.folio);
    app_confirm_ask(pv->a, q, cancelar_answer, pv);
}

static void
form_submit(void *ctx, struct form_vm *f)
{
    struct panes_ventas *pv = ctx;

    if (!app_db_up(pv->a)) {
        form_vm_set_refusal(f, SIN_CONEXION);
        return;
    }
    if (pv->kind == PANES_VENTA_CORREGIR)
        corregir_submit(pv, f);
    else
        cancelar_confirm(pv, f);
}

static void
form_closed(void *ctx, struct form_vm *f)
{
    (void)f;
    ((struct panes_ventas *)ctx)->open = false;
}

static const struct app_form_ops ventas_form_ops = { form_submit, form_closed };

static void
motivo_add(struct form_vm *f)
{
    struct form_field *fd = form_vm_add(f, "Motivo", FORM_TEXT, true, NULL);

    if (fd != NULL)
        fd->min_len = 1, fd->max_len = 500;
}

void
panes_ventas_corregir(struct panes_ventas *pv, const struct panes_venta *v)
{
    struct form_field *f;
    char title[96];

    if (!app_require_db(pv->a, "corregir la venta"))
        return;
    pv->v = *v;
    pv->kind = PANES_VENTA_CORREGIR;
    snprintf(title, sizeof title, "Corregir la venta %s", v->folio);
    form_vm_init(&pv->form, title);
    form_vm_set_note(&pv->form, "Solo se corrige lo que cambie; antes y después quedan en el"
                                " historial con el motivo.");
    form_vm_add(&pv->form, "Monto", FORM_MONEY, true, v->monto);
    if ((f = form_vm_add(&pv->form, "Producto", FORM_TEXT, true, v->producto)) != NULL)
        f->min_len = 1, f->max_len = 80;
    if ((f = form_vm_add(&pv->form, "Folio", FORM_TEXT, true, v->folio)) != NULL) {
        f->min_len = 1;
        f->max_len = 40;
        f->check = panes_folio_check;
    }
    motivo_add(&pv->form);
    pv->open = true;
    app_form_open(pv->a, &pv->form, &ventas_form_ops, pv);
}

void
panes_ventas_cancelar(struct panes_ventas *pv, const struct panes_venta *v)
{
    char title[96], monto[DINERO_FMT_MAX], note[256];

    if (!app_require_db(pv->a, "cancelar la venta"))
        return;
    pv->v = *v;
    pv->kind = PANES_VENTA_CANCELAR;
    snprintf(title, sizeof title, "Cancelar la venta %s", v->folio);
    form_vm_init(&pv->form, title);
    snprintf(note, sizeof note,
             "La financiera rechazó el crédito: la venta de %s deja de contar y la oportunidad"
             " vuelve a la bandeja, en su etapa de antes de la venta.",
             dinero_texto(v->monto, monto, sizeof monto));
    form_vm_set_note(&pv->form, note);
    motivo_add(&pv->form);
    pv->open = true;
    app_form_open(pv->a, &pv->form, &ventas_form_ops, pv);
}

int
panes_ventas_write(struct db *db, struct panes_write_job *j, struct err *e)
{
    bool corregir = j->kind == PANES_VENTA_CORREGIR;
    char *msg = NULL;
    int rc = corregir ? db_venta_corregir(db, j->id, j->monto[0] != '\0' ? j->monto : NULL,
                                          j->producto[0] != '\0' ? j->producto : NULL,
                                          j->folio[0] != '\0' ? j->folio : NULL, j->texto, &msg, e)
                      : db_venta_cancelar(db, j->id, j->texto, &msg, e);

    if (rc == RC_OK)
        snprintf(j->msg, sizeof j->msg, "%s",
                 msg != NULL ? msg
                 : corregir  ? "Venta corregida."
                             : "Venta cancelada.");
    free(msg);
    return rc;
}
