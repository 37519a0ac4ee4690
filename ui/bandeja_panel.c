/*
 * bandeja_panel — the "bandeja" pane (supervisors and admins): the exits waiting for a
 * decision, re-read on every notification; Space tags, a/d/x/o decide (reasignar first
 * picks the promoter), each asks for the reason in a form; Enter opens the row in detalle.
 * A refusal keeps the form with the database's message. A row whose phone is in the
 * do-not-contact registry carries «⊘ No contactar» (marks read in the same job as the rows). An
 * auditor reads it and only opens rows: it has no tagging and no decision keys (keymap_add).
 * Below the exits, the pending prórrogas (read in the same job): s approves the one under the
 * cursor after a yes/no question, n rejects it with an answer typed in a form.
 *
 * Loop thread only, except bandeja_query (worker thread, the job's own fields).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_crm.h"
#include "db/db_tui.h"
#include "ui/pane/bandeja_pane.h"
#include "ui/panes_db.h"
#include "ui/panes_no_contactar.h"
#include "ui/panes_prorroga.h"
#include "ui/term/term.h"
#include "ui/vm/bandeja_vm.h"
#include "ui/vm/form_vm.h"
#include "util/xmalloc.h"

#define CH(c)                  \
    {                          \
        KK_CHAR, (uint32_t)(c) \
    }

static const struct keymap_entry bandeja_keys[] = {
    /* Tagging only gathers rows for a decision: supervision's, like the decisions. */
    { KEYMAP_BANDEJA, CH(' '), ACTION_TAG, "marcar", true, KEYMAP_SOLO_SUPERVISION },
    { KEYMAP_BANDEJA, CH('a'), ACTION_REASSIGN, "reasignar", true, KEYMAP_SOLO_SUPERVISION },
    { KEYMAP_BANDEJA, CH('d'), ACTION_RETURN_POOL, "devolver al pool", true,
      KEYMAP_SOLO_SUPERVISION },
    { KEYMAP_BANDEJA, CH('x'), ACTION_DISCARD, "descartar", true, KEYMAP_SOLO_SUPERVISION },
    { KEYMAP_BANDEJA, CH('o'), ACTION_REOPEN, "reabrir", false, KEYMAP_SOLO_SUPERVISION },
    /* s and n: yes and no to the prórroga under the cursor (a and r are taken). */
    { KEYMAP_BANDEJA, CH('s'), ACTION_EXTENSION_APPROVE, "aprobar prórroga", false,
      KEYMAP_SOLO_SUPERVISION },
    { KEYMAP_BANDEJA, CH('n'), ACTION_EXTENSION_REJECT, "rechazar prórroga", false,
      KEYMAP_SOLO_SUPERVISION },
    { KEYMAP_BANDEJA,
      { KK_ENTER, 0 },
      ACTION_OPEN,
      "abrir / elegir",
      false,
      KEYMAP_SOLO_SUPERVISION },
    /* An auditor (read-only) only opens a row: its one key, in its hint bar. */
    { KEYMAP_BANDEJA, { KK_ENTER, 0 }, ACTION_OPEN, "abrir", true, KEYMAP_SOLO_AUDITORIA },
};

struct bandeja_st {
    struct app *a;
    struct bandeja_model m;
    struct bandeja_vm vm;
    bool loading, again;
    struct form_vm form;
    bool form_open;
    int64_t *ids; /* what the open form decides on (copied when it opened) */
    size_t nids;
    int64_t prorroga; /* the request being approved or rejected (copied when asked) */
    bool rechazo;     /* the open form is a prórroga's rejection, not an exit's reason */
};

struct bandeja_job {
    struct app_job base;
    struct db_bandeja_fila *filas;
    size_t nfilas;
    struct tui_promotor *prom;
    size_t nprom;
    int64_t *nc; /* the marked ones (sorted) */
    size_t nnc;
    int64_t *bp; /* the clients the lender dropped (ascending, sql/091) */
    size_t nbp;
    struct bandeja_prorroga *pr; /* the pending prórrogas */
    size_t npr;
    struct bandeja_st *st;
};

static int
bandeja_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct bandeja_job *j = (struct bandeja_job *)aj;
    int rc = db_bandeja(db, &j->filas, &j->nfilas, e);

    if (rc == RC_OK)
        rc = panes_nc_marcas(db, &j->nc, &j->nnc, e);
    if (rc == RC_OK)
        rc = db_tui_baja_padron(db, &j->bp, &j->nbp, e);
    if (rc == RC_OK)
        rc = panes_prorrogas_pendientes(db, &j->pr, &j->npr, e);
    return rc == RC_OK ? db_tui_promotores(db, &j->prom, &j->nprom, e) : rc;
}

static void bandeja_load(struct bandeja_st *s);

static void
bandeja_result(struct app_job *aj)
{
    struct bandeja_job *j = (struct bandeja_job *)aj;
    struct bandeja_st *s = j->st;
    struct bandeja_fila *f;
    struct bandeja_promotor *p;

    s->loading = false;
    if (aj->rc == RC_OK) {
        f = j->nfilas > 0 ? xcalloc(j->nfilas, sizeof *f) : NULL;
        for (size_t i = 0; i < j->nfilas; i++) {
            panes_bandeja_fila_from(&f[i], &j->filas[i]);
            f[i].no_contactar = no_contactar_ids_has(j->nc, j->nnc, f[i].id);
            f[i].baja_padron = no_contactar_ids_has(j->bp, j->nbp, f[i].id);
        }
        bandeja_model_take(&s->m, f, j->nfilas);
        bandeja_model_take_prorrogas(&s->m, j->pr, j->npr);
        j->pr = NULL;
        p = j->nprom > 0 ? xcalloc(j->nprom, sizeof *p) : NULL;
        for (size_t i = 0; i < j->nprom; i++)
            panes_bandeja_promotor_from(&p[i], &j->prom[i]);
        bandeja_model_take_promotores(&s->m, p, j->nprom);
    } else {
        snprintf(s->m.error, sizeof s->m.error, "No se pudo leer la bandeja: %s", aj->e.msg);
    }
    app_redraw(s->a);
    if (s->again) {
        s->again = false;
        bandeja_load(s);
    }
}

static void
bandeja_release(struct app_job *aj)
{
    struct bandeja_job *j = (struct bandeja_job *)aj;

    db_bandeja_free(j->filas, j->nfilas);
    free(j->prom);
    free(j->nc);
    free(j->bp);
    free(j->pr);
    free(j);
}

static void
bandeja_load(struct bandeja_st *s)
{
    struct bandeja_job *j;

    if (s->loading) {
        s->again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->base.query = bandeja_query;
    j->base.result = bandeja_result;
    j->base.release = bandeja_release;
    s->loading = true;
    app_submit(s->a, &j->base);
}

/* ---- the reason form ------------------------------------------------------------------ */

static void
write_done(struct panes_write_job *j)
{
    struct bandeja_st *s = j->ctx;

    if (j->base.rc == RC_OK) {
        if (s->form_open)
            app_form_close(s->a);
        for (size_t i = 0; i < s->m.nfilas && j->kind != PANES_PRORROGA_RESOLVER; i++)
            s->m.filas[i].tagged = false;
        app_message(s->a, false, "%s", j->msg);
        bandeja_load(s);
    } else if (s->form_open) {
        form_vm_set_refusal(&s->form, j->base.e.msg);
    } else {
        app_message(s->a, true, "%s", j->base.e.msg);
    }
    app_redraw(s->a);
}

static void
form_submit(void *ctx, struct form_vm *f)
{
    struct bandeja_st *s = ctx;
    bool reasignar = s->m.accion == BANDEJA_REASIGNAR;
    struct panes_write_job *j;

    if (!app_db_up(s->a)) {
        form_vm_set_refusal(f, "Sin conexión con la base de datos: no se puede guardar ahora."
                               " Lo escrito se conserva; Enter reintenta.");
        return;
    }
    if (s->rechazo) {
        j = panes_write_new(PANES_PRORROGA_RESOLVER);
        j->id = s->prorroga;
        snprintf(j->texto, sizeof j->texto, "%s", form_vm_value(f, 0));
        j->ctx = s;
        j->done = write_done;
        panes_write_submit(s->a, j);
        return;
    }
    j = panes_write_new(reasignar ? PANES_REASIGNAR : PANES_BANDEJA);
    j->accion = s->m.accion == BANDEJA_DEVOLVER    ? DB_BANDEJA_DEVOLVER
                : s->m.accion == BANDEJA_DESCARTAR ? DB_BANDEJA_DESCARTAR
                                                   : DB_BANDEJA_REABRIR;
    j->ids = xcalloc(s->nids, sizeof *j->ids);
    memcpy(j->ids, s->ids, s->nids * sizeof *j->ids);
    j->nids = s->nids;
    snprintf(j->a_login, sizeof j->a_login, "%s", s->m.a_login);
    snprintf(j->texto, sizeof j->texto, "%s", form_vm_value(f, 0));
    j->ctx = s;
    j->done = write_done;
    panes_write_submit(s->a, j);
}

static void
form_closed(void *ctx, struct form_vm *f)
{
    (void)f;
    ((struct bandeja_st *)ctx)->form_open = false;
}

static const struct app_form_ops bandeja_form_ops = { form_submit, form_closed };

static void
ask_reason(struct bandeja_st *s)
{
    char title[128];
    struct form_field *f;
    size_t n = bandeja_model_ids(&s->m, NULL, 0);

    s->rechazo = false;
    free(s->ids);
    s->ids = xcalloc(n > 0 ? n : 1, sizeof *s->ids);
    s->nids = bandeja_model_ids(&s->m, s->ids, n);
    if (s->m.accion == BANDEJA_REASIGNAR)
        snprintf(title, sizeof title, "Reasignar %zu a %s", s->nids, s->m.a_login);
    else
        snprintf(title, sizeof title, "%s %zu", bandeja_accion_titulo(s->m.accion), s->nids);
    form_vm_init(&s->form, title);
    if ((f = form_vm_add(&s->form, "Motivo", FORM_TEXT, true, NULL)) != NULL) {
        f->min_len = 1;
        f->max_len = 500;
    }
    s->form_open = true;
    app_form_open(s->a, &s->form, &bandeja_form_ops, s);
}

/* ---- prórrogas: approve after a yes/no question, reject with an answer ----------------- */

static void
aprobar_answer(struct app *a, bool yes, void *ctx)
{
    struct bandeja_st *s = ctx;
    struct panes_write_job *j;

    if (!yes || !app_require_db(a, "aprobar la prórroga"))
        return;
    j = panes_write_new(PANES_PRORROGA_RESOLVER);
    j->id = s->prorroga;
    j->aprobar = true;
    j->ctx = s;
    j->done = write_done;
    panes_write_submit(a, j);
}

static void
prorroga_decidir(struct bandeja_st *s, bool aprobar)
{
    const struct bandeja_prorroga *p = bandeja_model_prorroga(&s->m);
    char q[256], fecha[16];
    struct form_field *f;

    if (p == NULL || !app_require_db(s->a, "decidir la prórroga"))
        return;
    s->prorroga = p->id;
    bandeja_fecha_corta(fecha, sizeof fecha, p->reanudar);
    if (aprobar) {
        snprintf(q, sizeof q, "¿Aprobar la prórroga de %s hasta el %s?", p->login, fecha);
        app_confirm_ask(s->a, q, aprobar_answer, s);
        return;
    }
    snprintf(q, sizeof q, "Rechazar la prórroga de %s hasta el %s", p->login, fecha);
    form_vm_init(&s->form, q);
    if ((f = form_vm_add(&s->form, "Respuesta", FORM_TEXT, true, NULL)) != NULL) {
        f->min_len = 1;
        f->max_len = 500;
    }
    s->rechazo = true;
    s->form_open = true;
    app_form_open(s->a, &s->form, &bandeja_form_ops, s);
}

/* ---- pane --------------------------------------------------------------------------- */

static bool
bandeja_key(void *st, enum action act, const struct key *k)
{
    struct bandeja_st *s = st;
    bool redraw = false;

    (void)k;
    if (act == ACTION_OPEN && !s->m.picking) {
        if (bandeja_model_prorroga(&s->m) != NULL)
            detalle_panel_open(s->a, bandeja_model_prorroga(&s->m)->oportunidad_id, "bandeja");
        else if (s->m.nfilas > 0)
            detalle_panel_open(s->a, s->m.filas[s->m.cur].id, "bandeja");
        return true;
    }
    switch (bandeja_model_action(&s->m, act, s->vm.page, &redraw)) {
    case BANDEJA_PEDIR_MOTIVO:
        if (app_require_db(s->a, "decidir sobre la bandeja"))
            ask_reason(s);
        return true;
    case BANDEJA_APROBAR:
    case BANDEJA_RECHAZAR:
        prorroga_decidir(s, act == ACTION_EXTENSION_APPROVE);
        return true;
    case BANDEJA_NADA:
        break;
    }
    return redraw || s->m.picking;
}

static void *
bandeja_create(struct app *a)
{
    struct bandeja_st *s = xcalloc(1, sizeof *s);

    s->a = a;
    bandeja_model_init(&s->m);
    return s;
}

static void
bandeja_destroy(void *st)
{
    struct bandeja_st *s = st;

    bandeja_model_fini(&s->m);
    form_vm_fini(&s->form);
    free(s->ids);
    free(s);
}

static void
bandeja_enter(void *st)
{
    struct bandeja_st *s = st;

    if (!s->m.loaded)
        bandeja_load(s);
}

static bool
bandeja_click(void *st, int y, int x)
{
    struct bandeja_st *s = st;

    (void)x;
    return bandeja_vm_click(&s->vm, &s->m, y);
}

static void
bandeja_draw(void *st, struct pane *p)
{
    struct bandeja_st *s = st;

    s->m.ascii = term_ascii();
    bandeja_vm_build(&s->vm, &s->m, p->w, p->h);
    bandeja_pane_draw(p, &s->vm);
}

static void
bandeja_notify(void *st, const struct app_notify *n)
{
    struct bandeja_st *s = st;

    if (n->resync || (n->tablas & (APP_T_OPORTUNIDADES | APP_T_HISTORIAL | APP_T_LOTES |
                                   APP_T_SWEEP | APP_T_OTRA)) != 0)
        bandeja_load(s);
}

static int
bandeja_command(void *st, int argc, char **argv, struct err *e)
{
    (void)st;
    (void)argv;
    if (argc > 1)
        return err_set(e, RC_INVAL, "uso: :bandeja");
    return RC_OK; /* being shown is all it asks */
}

const struct pane_ops bandeja_panel = {
    .name = "bandeja",
    .title = "Bandeja",
    .ctx = KEYMAP_BANDEJA,
    .roles = PANE_ROLES_VEN_EQUIPO,
    .keys = bandeja_keys,
    .nkeys = sizeof bandeja_keys / sizeof bandeja_keys[0],
    .create = bandeja_create,
    .destroy = bandeja_destroy,
    .enter = bandeja_enter,
    .key = bandeja_key,
    .click = bandeja_click,
    .draw = bandeja_draw,
    .notify = bandeja_notify,
    .command = bandeja_command,
};
