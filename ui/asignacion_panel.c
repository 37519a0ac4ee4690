/*
 * asignacion_panel — the "asignacion" pane (promoters): the request form with live counts
 * (re-counted after every edit and whenever the database notifies new lotes or moved
 * opportunities), today's quota, the preview, the confirmation and the request. The
 * idempotency clave lives in the model (asignacion_vm.h): one per submission, reused on a
 * second Enter or a retry. ":asignar N convenio=X …" fills the form and asks to confirm.
 *
 * Loop thread only, except the jobs' query() (worker thread, the job's own fields).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_crm.h"
#include "db/db_tui.h"
#include "ui/pane/asignacion_pane.h"
#include "ui/panes_db.h"
#include "ui/term/term.h"
#include "ui/vm/asignacion_vm.h"
#include "util/xmalloc.h"

static const struct keymap_entry asignacion_keys[] = {
    { KEYMAP_ASIGNACION, { KK_ENTER, 0 }, ACTION_OPEN, "pedir (dos veces: confirma)", true, 0 },
    { KEYMAP_ASIGNACION, { KK_UP, 0 }, ACTION_UP, "campo anterior", true, 0 },
    { KEYMAP_ASIGNACION, { KK_DOWN, 0 }, ACTION_DOWN, "campo siguiente", false, 0 },
    { KEYMAP_ASIGNACION, { KK_LEFT, 0 }, ACTION_LEFT, "opción anterior", false, 0 },
    { KEYMAP_ASIGNACION, { KK_RIGHT, 0 }, ACTION_RIGHT, "opción siguiente", false, 0 },
    /* digits type into the number fields: the hint bar offers the pane keys that never type */
    { KEYMAP_ASIGNACION, { KK_ALT, '1' }, ACTION_PANE_1, "paneles", true, 0 },
};

struct asig_st {
    struct app *a;
    struct asignacion_model m;
    struct asignacion_vm vm;
    bool loading_ctx, counting, count_again;
};

/* ---- context ------------------------------------------------------------------------ */

struct ctx_job {
    struct app_job base;
    struct tui_asignacion_ctx c;
    struct asig_st *st;
};

static int
ctx_query(struct db *db, struct app_job *aj, struct err *e)
{
    return db_tui_asignacion_ctx(db, &((struct ctx_job *)aj)->c, e);
}

static void asig_count(struct asig_st *s);

static void
ctx_result(struct app_job *aj)
{
    struct ctx_job *j = (struct ctx_job *)aj;
    struct asig_st *s = j->st;
    const struct tui_asignacion_ctx *c = &j->c;

    s->loading_ctx = false;
    if (aj->rc == RC_OK) {
        asignacion_model_take_ctx(&s->m, strcmp(c->rol, "PROMOTOR") == 0, c->estado, c->cupo_limite,
                                  c->cupo_usados, c->cartera, c->cartera_max,
                                  panes_opciones_from(c->convenios, c->nconvenios), c->nconvenios,
                                  panes_opciones_from(c->entidades, c->nentidades), c->nentidades);
        asig_count(s);
        panes_complete_claves(s->a, "convenio", c->convenios, c->nconvenios);
        panes_complete_claves(s->a, "entidad", c->entidades, c->nentidades);
    } else {
        snprintf(s->m.error, sizeof s->m.error, "No se pudo leer su cupo: %s", aj->e.msg);
    }
    app_redraw(s->a);
}

static void
ctx_release(struct app_job *aj)
{
    db_tui_asignacion_ctx_fini(&((struct ctx_job *)aj)->c);
    free(aj);
}

static void
asig_load(struct asig_st *s)
{
    struct ctx_job *j;

    if (s->loading_ctx)
        return;
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->base.query = ctx_query;
    j->base.result = ctx_result;
    j->base.release = ctx_release;
    s->loading_ctx = true;
    app_submit(s->a, &j->base);
}

/* ---- counts ------------------------------------------------------------------------- */

struct count_job {
    struct app_job base;
    unsigned gen;
    struct panes_filtros pf;
    int64_t total;
    struct db_conteo *por;
    size_t npor;
    struct asig_st *st;
};

static int
count_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct count_job *j = (struct count_job *)aj;
    struct db_filtros f = panes_filtros_db(&j->pf);
    struct db_conteo *tot = NULL;
    size_t n = 0;
    int rc = db_disponibles(db, &f, DB_POR_TOTAL, &tot, &n, e);

    j->total = rc == RC_OK && n > 0 ? tot[0].disponibles : 0;
    db_conteos_free(tot, n);
    return rc == RC_OK ? panes_conteo_convenios(db, &j->pf, &j->por, &j->npor, e) : rc;
}

static void
count_result(struct app_job *aj)
{
    struct count_job *j = (struct count_job *)aj;
    struct asig_st *s = j->st;

    s->counting = false;
    panes_form_counted(&s->m.f, j->gen, aj->rc, j->total, j->por, j->npor);
    if (s->count_again || j->gen != s->m.f.gen) {
        s->count_again = false;
        asig_count(s);
    }
    app_redraw(s->a);
}

static void
count_release(struct app_job *aj)
{
    struct count_job *j = (struct count_job *)aj;

    db_conteos_free(j->por, j->npor);
    free(j);
}

static void
asig_count(struct asig_st *s)
{
    struct count_job *j;

    if (s->counting) {
        s->count_again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->gen = s->m.f.gen;
    panes_filtros_from(&j->pf, &s->m.f);
    j->base.query = count_query;
    j->base.result = count_result;
    j->base.release = count_release;
    s->counting = s->m.f.counting = true;
    app_submit(s->a, &j->base);
}

/* ---- the request -------------------------------------------------------------------- */

struct pedir_job {
    struct app_job base;
    int cantidad;
    struct panes_filtros pf;
    char clave[64];
    struct db_asignacion r;
    struct asig_st *st;
};

static int
pedir_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct pedir_job *j = (struct pedir_job *)aj;
    struct db_filtros f = panes_filtros_db(&j->pf);

    return db_asignar(db, j->cantidad, &f, j->clave, &j->r, e);
}

static void
pedir_result(struct app_job *aj)
{
    struct pedir_job *j = (struct pedir_job *)aj;
    struct asig_st *s = j->st;
    struct asignacion_resultado r = { j->r.lote_id,       j->r.asignados, j->r.solicitados,
                                      j->r.cupo_restante, j->r.repetido,  "" };
    char msg[ERR_MSG_BYTES + 96];

    if (aj->rc == RC_OK) {
        snprintf(r.mensaje, sizeof r.mensaje, "%s", j->r.mensaje != NULL ? j->r.mensaje : "");
        asignacion_model_sent(&s->m, &r, NULL);
        app_message(s->a, false, "Lote %lld: %d %s en su embudo.", (long long)r.lote_id,
                    r.asignados, r.asignados == 1 ? "cliente nuevo" : "clientes nuevos");
        asig_load(s);
    } else if (panes_err_is_down(&aj->e)) {
        snprintf(msg, sizeof msg, "No se pudo pedir el lote (%s). Enter reintenta sin duplicarlo.",
                 aj->e.msg);
        asignacion_model_sent(&s->m, NULL, msg);
    } else {
        asignacion_model_sent(&s->m, NULL, aj->e.msg);
    }
    app_redraw(s->a);
}

static void
pedir_release(struct app_job *aj)
{
    db_asignacion_fini(&((struct pedir_job *)aj)->r);
    free(aj);
}

static void
asig_pedir(struct asig_st *s)
{
    struct pedir_job *j = xcalloc(1, sizeof *j);

    j->st = s;
    j->cantidad = asignacion_form_cantidad(&s->m.f);
    panes_filtros_from(&j->pf, &s->m.f);
    snprintf(j->clave, sizeof j->clave, "%s", s->m.f.clave);
    j->base.query = pedir_query;
    j->base.result = pedir_result;
    j->base.release = pedir_release;
    app_submit(s->a, &j->base);
}

/* ---- pane --------------------------------------------------------------------------- */

static bool
asig_key(void *st, enum action act, const struct key *k)
{
    struct asig_st *s = st;
    char clave[64];
    bool redraw = false;
    bool digit = k->kind == KK_CHAR && k->ch >= '0' && k->ch <= '9';

    if (digit && !asignacion_form_number_field(&s->m.f))
        return false; /* digits pick panes unless a number is being typed (Alt-1…9 always) */
    panes_clave_new(clave, sizeof clave, app_login(s->a));
    switch (asignacion_model_input(&s->m, digit ? ACTION_NONE : act, k, clave, &redraw)) {
    case ASIG_CONTAR:
        asig_count(s);
        break;
    case ASIG_PEDIR:
        if (app_require_db(s->a, "pedir clientes"))
            asig_pedir(s);
        else
            s->m.f.sending = false;
        break;
    case ASIG_NADA:
        break;
    }
    return redraw;
}

/* A click on a field focuses it; nothing opens on a double click. */
static bool
asig_click(void *st, int y, int x)
{
    struct asig_st *s = st;

    (void)x;
    asignacion_form_click(&s->m.f, s->vm.lines, s->vm.nlines, y);
    return false;
}

static void *
asig_create(struct app *a)
{
    struct asig_st *s = xcalloc(1, sizeof *s);

    s->a = a;
    asignacion_model_init(&s->m);
    return s;
}

static void
asig_destroy(void *st)
{
    struct asig_st *s = st;

    asignacion_model_fini(&s->m);
    free(s);
}

static void
asig_enter(void *st)
{
    struct asig_st *s = st;

    if (!s->m.loaded)
        asig_load(s);
}

static void
asig_draw(void *st, struct pane *p)
{
    struct asig_st *s = st;

    s->m.ascii = term_ascii();
    asignacion_vm_build(&s->vm, &s->m, p->w, p->h);
    asignacion_pane_draw(p, &s->vm);
}

static void
asig_notify(void *st, const struct app_notify *n)
{
    struct asig_st *s = st;

    if (!s->m.loaded && !n->resync)
        return; /* never shown yet: it reads on enter */
    if (n->resync || (n->tablas & (APP_T_LOTES | APP_T_OPORTUNIDADES | APP_T_OTRA)) != 0) {
        if (n->resync || n->mine)
            asig_load(s); /* quota and cartera are the user's own */
        asig_count(s);    /* anyone's assignment changes what is available */
    }
}

static bool
asig_dirty(void *st)
{
    return asignacion_model_dirty(&((struct asig_st *)st)->m);
}

static int
asig_command(void *st, int argc, char **argv, struct err *e)
{
    struct asig_st *s = st;
    int rc = asignacion_model_command(&s->m, argc, argv, e);

    if (rc == RC_OK) {
        asig_count(s);
        app_redraw(s->a);
    }
    return rc;
}

const struct pane_ops asignacion_panel = {
    .name = "asignacion",
    .title = "Asignación",
    .ctx = KEYMAP_ASIGNACION,
    .roles = PANE_ROLE(VM_PROFILE_PROMOTOR),
    .keys = asignacion_keys,
    .nkeys = sizeof asignacion_keys / sizeof asignacion_keys[0],
    .create = asig_create,
    .destroy = asig_destroy,
    .enter = asig_enter,
    .key = asig_key,
    .click = asig_click,
    .draw = asig_draw,
    .notify = asig_notify,
    .command = asig_command,
    .dirty = asig_dirty,
};
