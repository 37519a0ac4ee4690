#include "ui/ventas_vista.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_ventas.h"
#include "ui/app_internal.h"
#include "ui/campanas_panel.h" /* campanas_fecha: the business date today */
#include "ui/pane/ventas_pane.h"
#include "ui/panes_db.h"
#include "ui/panes_ventas.h"
#include "ui/term/term.h"
#include "ui/vista_lectura.h"
#include "ui/vm/ventas_vm.h"
#include "util/xmalloc.h"

/* Re-reads on notifications keep the database busy at most 1 / VENTAS_PAUSA of the time. */
#define VENTAS_PAUSA 20

struct ventas_vista {
    struct app *a;
    struct ventas_model m;
    struct ventas_vm vm;
    struct ventas_rango pedido; /* what the next read asks for */
    struct vista_lectura l;     /* :ventas's read, and the re-reads notifications ask for */
    struct panes_ventas pv; /* E and X: the forms and their writes */
};

struct ventas_job {
    struct app_job base;
    struct ventas_rango r;
    unsigned gen;
    bool mostrar;
    struct db_venta_fila *rows;
    size_t n;
    struct ventas_vista *v;
};

static int
ventas_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct ventas_job *j = (struct ventas_job *)aj;
    struct db_ventas_filtro f = {
        .desde = j->r.desde[0] != '\0' ? j->r.desde : NULL,
        .hasta = j->r.hasta[0] != '\0' ? j->r.hasta : NULL,
        .promotor = j->r.promotor[0] != '\0' ? j->r.promotor : NULL,
        .canceladas = true,
    };

    return db_ventas(db, &f, &j->rows, &j->n, e);
}

/* t as the business zone's "DD/MM/AAAA"; "" for 0. */
static void
fmt_dia(const struct app *a, time_t t, char *buf, size_t size)
{
    struct tm tm;

    buf[0] = '\0';
    if (t == 0)
        return;
    app_tm(a, t, &tm);
    /* Each field bounded, so the compiler sees it fits. */
    snprintf(buf, size, "%02u/%02u/%04u", (unsigned)tm.tm_mday % 100u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)(tm.tm_year + 1900) % 10000u);
}

static void
fila_from(const struct app *a, struct ventas_fila *f, const struct db_venta_fila *d)
{
    f->oportunidad_id = d->oportunidad_id;
    snprintf(f->fecha, sizeof f->fecha, "%s", d->fecha);
    snprintf(f->folio, sizeof f->folio, "%s", d->folio);
    snprintf(f->cliente, sizeof f->cliente, "%s", d->cliente);
    snprintf(f->convenio, sizeof f->convenio, "%s", d->convenio);
    snprintf(f->producto, sizeof f->producto, "%s", d->producto);
    snprintf(f->monto, sizeof f->monto, "%s", d->monto);
    snprintf(f->promotor, sizeof f->promotor, "%s", d->promotor);
    f->cancelada = d->cancelada;
    fmt_dia(a, d->cancelada_at, f->cancelada_el, sizeof f->cancelada_el);
    snprintf(f->cancelada_por, sizeof f->cancelada_por, "%s", d->cancelada_por);
    snprintf(f->motivo, sizeof f->motivo, "%s", d->motivo_cancelacion);
    fmt_dia(a, d->corregida, f->corregida_el, sizeof f->corregida_el);
}

static void
ventas_take(struct ventas_vista *v, const struct ventas_job *j)
{
    struct ventas_fila *f = j->n > 0 ? xcalloc(j->n, sizeof *f) : NULL;

    for (size_t i = 0; i < j->n; i++)
        fila_from(v->a, &f[i], &j->rows[i]);
    v->m.profile = app_profile(v->a);
    ventas_model_take(&v->m, &j->r, f, j->n);
}

static void
ventas_result(struct app_job *aj)
{
    struct ventas_job *j = (struct ventas_job *)aj;
    struct ventas_vista *v = j->v;

    switch (vista_lectura_llego(&v->l, j->gen, j->mostrar, aj->rc)) {
    case VISTA_TOMAR:
        ventas_take(v, j);
        app_redraw(v->a);
        break;
    case VISTA_FALLO: /* what was shown (if anything) stays, and so does what it is about */
        app_message(v->a, true, "%s%s",
                    aj->rc == RC_REFUSED ? "" : "No se pudieron leer las ventas: ", aj->e.msg);
        v->pedido = v->m.r;
        break;
    case VISTA_NADA:
        break;
    }
    vista_lectura_fin(&v->l);
}

static void
ventas_release(struct app_job *aj)
{
    struct ventas_job *j = (struct ventas_job *)aj;

    db_ventas_free(j->rows, j->n);
    free(j);
}

/* vista_lectura's submit: v->pedido for generation gen. */
static void
ventas_submit(void *st, unsigned gen, bool mostrar)
{
    struct ventas_vista *v = st;
    struct ventas_job *j = xcalloc(1, sizeof *j);

    j->v = v;
    j->r = v->pedido;
    j->gen = gen;
    j->mostrar = mostrar;
    j->base.query = ventas_query;
    j->base.result = ventas_result;
    j->base.release = ventas_release;
    app_submit(v->a, &j->base);
}

static bool
ventas_abierta(void *st)
{
    return ((struct ventas_vista *)st)->m.abierto;
}

/* After a correction or a cancellation: the list shows it now (its notification comes too). */
static void
escrito(void *ctx)
{
    struct ventas_vista *v = ctx;

    if (v->m.abierto)
        vista_lectura_cargar(&v->l);
}

struct ventas_vista *
ventas_vista_new(struct app *a)
{
    struct ventas_vista *v = xcalloc(1, sizeof *v);

    v->a = a;
    ventas_model_init(&v->m);
    vista_lectura_init(&v->l, a, VENTAS_PAUSA, v, ventas_submit, ventas_abierta);
    panes_ventas_init(&v->pv, a, escrito, v);
    return v;
}

void
ventas_vista_free(struct ventas_vista *v)
{
    if (v == NULL)
        return;
    ventas_model_fini(&v->m);
    panes_ventas_fini(&v->pv);
    free(v);
}

bool
ventas_vista_abierta(const struct ventas_vista *v)
{
    return v->m.abierto;
}

int
ventas_vista_command(struct ventas_vista *v, int argc, char **argv, struct err *e)
{
    struct ventas_rango r;
    char hoy[16];

    campanas_fecha(v->a, 0, hoy, sizeof hoy);
    if (ventas_comando(argc - 1, argv + 1, hoy, &r, e) != RC_OK)
        return e->rc;
    if (!app_require_db(v->a, "consultar las ventas"))
        return RC_OK;
    v->pedido = r;
    vista_lectura_pedir(&v->l);
    return RC_OK;
}

void
ventas_vista_close(struct ventas_vista *v)
{
    ventas_model_close(&v->m);
    vista_lectura_cerrar(&v->l);
}

/* [ and ]: the calendar month before or after the one shown, never past today's. */
static void
mes(struct ventas_vista *v, int delta)
{
    struct ventas_rango r = v->m.r;
    char hoy[16];

    campanas_fecha(v->a, 0, hoy, sizeof hoy);
    if (!ventas_mes_mover(&r, delta, hoy)) {
        app_message(v->a, false, "No hay ventas después de hoy.");
        return;
    }
    if (!app_require_db(v->a, "consultar las ventas"))
        return;
    v->pedido = r;
    vista_lectura_pedir(&v->l);
}

/* E and X on the sale under the cursor: its form, or why not. */
static void
accion(struct ventas_vista *v, enum action act)
{
    const struct ventas_fila *f = ventas_model_selected(&v->m);
    struct panes_venta venta;

    if (f == NULL) {
        app_message(v->a, false, "No hay una venta elegida.");
        return;
    }
    if (f->cancelada) {
        app_message(v->a, false, "Esa venta ya está cancelada.");
        return;
    }
    memset(&venta, 0, sizeof venta);
    venta.oportunidad_id = f->oportunidad_id;
    snprintf(venta.folio, sizeof venta.folio, "%s", f->folio);
    snprintf(venta.monto, sizeof venta.monto, "%s", f->monto);
    snprintf(venta.producto, sizeof venta.producto, "%s", f->producto);
    if (act == ACTION_SALE_CORRECT)
        panes_ventas_corregir(&v->pv, &venta);
    else
        panes_ventas_cancelar(&v->pv, &venta);
}

bool
ventas_vista_click(struct ventas_vista *v, int y)
{
    return vm_click_row(v->vm.lines, v->vm.nlines, y, &v->m.cur);
}

bool
ventas_vista_key(struct ventas_vista *v, enum action act)
{
    const struct ventas_fila *f = ventas_model_selected(&v->m);

    if (act == ACTION_OPEN) {
        if (f != NULL)
            detalle_panel_open(v->a, f->oportunidad_id, "embudo");
        return true;
    }
    if (act == ACTION_BACK) {
        ventas_vista_close(v);
        app_redraw(v->a);
        return true;
    }
    if (act == ACTION_SALE_CORRECT || act == ACTION_SALE_CANCEL) {
        accion(v, act);
        return true;
    }
    if (act == ACTION_PERIOD_PREV || act == ACTION_PERIOD_NEXT) {
        mes(v, act == ACTION_PERIOD_PREV ? -1 : +1);
        return true;
    }
    if (ventas_model_move(&v->m, act, v->vm.page)) {
        app_redraw(v->a);
        return true;
    }
    return false;
}

bool
ventas_vista_offers(const struct ventas_vista *v, enum action act)
{
    const struct ventas_fila *f = ventas_model_selected(&v->m);

    if (act == ACTION_SALE_CORRECT || act == ACTION_SALE_CANCEL)
        return f != NULL && !f->cancelada;
    return true;
}

void
ventas_vista_draw(struct ventas_vista *v, struct pane *p)
{
    v->m.ascii = term_ascii();
    v->m.profile = app_profile(v->a);
    ventas_vm_build(&v->vm, &v->m, p->w, p->h);
    ventas_pane_draw(p, &v->vm);
}

void
ventas_vista_notify(struct ventas_vista *v, const struct app_notify *n)
{
    /* A promoter's list is about their own sales; the others' follow their whole scope. */
    vista_lectura_aviso(&v->l,
                        (n->tablas & APP_T_VENTAS) != 0 &&
                            (vm_profile_sees_others(app_profile(v->a)) || n->mine || n->all_users),
                        n->resync);
}
