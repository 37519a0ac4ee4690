/*
 * repartir_panel — the "repartir" pane (supervisors and admins): deal clients over the team
 * (or the promoters named) evenly within each one's cupo and cartera. The lote form is the
 * asignación pane's (asignacion_form.h); the preview per promoter (db_distribuir_vista) is
 * read again after every edit and whenever the database notifies lotes or opportunities;
 * Enter twice deals them (db_distribuir) with a clave made once per submission, so a second
 * Enter or a retry returns the first distribution. ":repartir N convenio=X …" fills the
 * form; the Equipo pane opens it for one promoter (repartir_panel_open).
 *
 * Loop thread only, except the jobs' query() (worker thread, the job's own fields).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_crm.h"
#include "db/db_tui.h"
#include "ui/pane/repartir_pane.h"
#include "ui/panes_db.h"
#include "ui/term/term.h"
#include "ui/vm/repartir_vm.h"
#include "util/xmalloc.h"

static const struct keymap_entry repartir_keys[] = {
    { KEYMAP_REPARTIR, { KK_ENTER, 0 }, ACTION_OPEN, "repartir (dos veces: confirma)", true, 0 },
    { KEYMAP_REPARTIR, { KK_UP, 0 }, ACTION_UP, "campo anterior", true, 0 },
    { KEYMAP_REPARTIR, { KK_DOWN, 0 }, ACTION_DOWN, "campo siguiente", false, 0 },
    { KEYMAP_REPARTIR, { KK_LEFT, 0 }, ACTION_LEFT, "opción anterior", false, 0 },
    { KEYMAP_REPARTIR, { KK_RIGHT, 0 }, ACTION_RIGHT, "opción siguiente", false, 0 },
    { KEYMAP_REPARTIR, { KK_ESC, 0 }, ACTION_BACK, "cancelar; luego todo el equipo", false, 0 },
    { KEYMAP_REPARTIR, { KK_PGDN, 0 }, ACTION_PAGE_DOWN, "más promotores", false, 0 },
    { KEYMAP_REPARTIR, { KK_PGUP, 0 }, ACTION_PAGE_UP, "promotores anteriores", false, 0 },
    /* digits type into the number fields: the hint bar offers the pane keys that never type */
    { KEYMAP_REPARTIR, { KK_ALT, '1' }, ACTION_PANE_1, "paneles", true, 0 },
};

/* Logins a job names (np == 0: the whole team); pointers into buf. */
struct logins {
    char buf[256];
    const char *v[REPARTIR_PROMOTORES_MAX];
    size_t n;
};

struct rep_st {
    struct app *a;
    struct repartir_model m;
    struct repartir_vm vm;
    bool loading_ctx, viendo, again;
};

static void rep_vista(struct rep_st *s);

static void
logins_from(struct logins *l, const struct repartir_model *m)
{
    l->n = repartir_model_logins(m, l->buf, sizeof l->buf, l->v, sizeof l->v / sizeof l->v[0]);
}

static struct repartir_fila *
filas_from(const struct db_distribucion *d)
{
    struct repartir_fila *v = xcalloc(d->n + 1, sizeof *v);

    for (size_t i = 0; i < d->n; i++) {
        const struct db_distribucion_fila *f = &d->filas[i];

        snprintf(v[i].login, sizeof v[i].login, "%s", f->login != NULL ? f->login : "");
        snprintf(v[i].nombre, sizeof v[i].nombre, "%s", f->nombre != NULL ? f->nombre : "");
        v[i].recibidos_hoy = f->recibidos_hoy;
        v[i].cupo_restante = f->cupo_restante;
        v[i].cartera_libre = f->cartera_libre;
        v[i].recibe = f->recibe;
        v[i].lote_id = (long long)f->lote_id;
    }
    return v;
}

/* ---- the filter options ------------------------------------------------------------- */

struct ctx_job {
    struct app_job base;
    struct tui_asignacion_ctx c;
    struct rep_st *st;
};

static int
ctx_query(struct db *db, struct app_job *aj, struct err *e)
{
    return db_tui_asignacion_ctx(db, &((struct ctx_job *)aj)->c, e);
}

static void
ctx_result(struct app_job *aj)
{
    struct ctx_job *j = (struct ctx_job *)aj;
    struct rep_st *s = j->st;
    const struct tui_asignacion_ctx *c = &j->c;

    s->loading_ctx = false;
    if (aj->rc == RC_OK) {
        repartir_model_take_opciones(
            &s->m, panes_opciones_from(c->convenios, c->nconvenios), c->nconvenios,
            panes_opciones_from(c->entidades, c->nentidades), c->nentidades);
        panes_complete_claves(s->a, "convenio", c->convenios, c->nconvenios);
        panes_complete_claves(s->a, "entidad", c->entidades, c->nentidades);
        rep_vista(s);
    } else {
        snprintf(s->m.error, sizeof s->m.error, "No se pudieron leer los convenios: %s", aj->e.msg);
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
rep_load(struct rep_st *s)
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

/* ---- the preview -------------------------------------------------------------------- */

struct vista_job {
    struct app_job base;
    unsigned gen;
    int cantidad;
    struct panes_filtros pf;
    struct logins l;
    struct db_distribucion d;
    struct db_conteo *por;
    size_t npor;
    struct rep_st *st;
};

static int
vista_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct vista_job *j = (struct vista_job *)aj;
    struct db_filtros f = panes_filtros_db(&j->pf);
    int rc = db_distribuir_vista(db, j->cantidad, &f, j->l.v, j->l.n, &j->d, e);

    /* and each convenio's count for the picker */
    return rc == RC_OK ? panes_conteo_convenios(db, &j->pf, &j->por, &j->npor, e) : rc;
}

/* The names the command line completes after "promotores=": the team, from a whole-team
   preview. */
static void
complete_logins(struct app *a, const struct db_distribucion *d)
{
    const char **v = xcalloc(d->n + 1, sizeof *v);

    for (size_t i = 0; i < d->n; i++)
        v[i] = d->filas[i].login;
    app_complete_set(a, "promotores", v, d->n);
    free(v);
}

static void
vista_result(struct app_job *aj)
{
    struct vista_job *j = (struct vista_job *)aj;
    struct rep_st *s = j->st;
    char msg[ERR_MSG_BYTES + 64];

    s->viendo = false;
    if (aj->rc == RC_OK) {
        if (repartir_model_vista(&s->m, j->gen, filas_from(&j->d), j->d.n, NULL)) {
            panes_form_counted(&s->m.f, j->gen, RC_OK, (long long)j->d.disponibles, j->por,
                               j->npor);
            if (j->l.n == 0)
                complete_logins(s->a, &j->d);
        }
    } else {
        if (aj->rc == RC_REFUSED)
            snprintf(msg, sizeof msg, "%s", aj->e.msg);
        else
            snprintf(msg, sizeof msg, "No se pudo calcular la vista previa: %s", aj->e.msg);
        if (repartir_model_vista(&s->m, j->gen, NULL, 0, msg))
            panes_form_counted(&s->m.f, j->gen, aj->rc, -1, NULL, 0);
    }
    if (s->again || j->gen != s->m.f.gen) {
        s->again = false;
        rep_vista(s);
    }
    app_redraw(s->a);
}

static void
vista_release(struct app_job *aj)
{
    struct vista_job *j = (struct vista_job *)aj;

    db_distribucion_fini(&j->d);
    db_conteos_free(j->por, j->npor);
    free(j);
}

/* Reads the preview for the form as it is now (once at a time; a later ask is queued). */
static void
rep_vista(struct rep_st *s)
{
    struct vista_job *j;

    if (!s->m.loaded || repartir_model_invalid(&s->m) != NULL)
        return; /* the pane says what to fix */
    if (s->viendo) {
        s->again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->gen = s->m.f.gen;
    j->cantidad = asignacion_form_cantidad(&s->m.f);
    panes_filtros_from(&j->pf, &s->m.f);
    logins_from(&j->l, &s->m);
    j->base.query = vista_query;
    j->base.result = vista_result;
    j->base.release = vista_release;
    s->viendo = s->m.f.counting = true;
    app_submit(s->a, &j->base);
}

/* ---- the distribution --------------------------------------------------------------- */

struct repartir_job {
    struct app_job base;
    int cantidad;
    struct panes_filtros pf;
    struct logins l;
    char clave[64];
    struct db_distribucion d;
    struct rep_st *st;
};

static int
repartir_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct repartir_job *j = (struct repartir_job *)aj;
    struct db_filtros f = panes_filtros_db(&j->pf);

    return db_distribuir(db, j->cantidad, &f, j->l.v, j->l.n, j->clave, &j->d, e);
}

static void
repartir_result(struct app_job *aj)
{
    struct repartir_job *j = (struct repartir_job *)aj;
    struct rep_st *s = j->st;
    char msg[ERR_MSG_BYTES + 96];
    int n = 0;

    if (aj->rc == RC_OK) {
        for (size_t i = 0; i < j->d.n; i++)
            n += j->d.filas[i].recibe;
        repartir_model_sent(&s->m, filas_from(&j->d), j->d.n, j->d.repetido, j->d.mensaje, NULL);
        app_message(s->a, false, "%s: %d %s.", j->d.repetido ? "Ya se había hecho" : "Listo", n,
                    n == 1 ? "cliente repartido" : "clientes repartidos");
    } else if (panes_err_is_down(&aj->e)) {
        snprintf(msg, sizeof msg, "No se pudo repartir (%s). Enter reintenta sin duplicar.",
                 aj->e.msg);
        repartir_model_sent(&s->m, NULL, 0, false, NULL, msg);
    } else {
        repartir_model_sent(&s->m, NULL, 0, false, NULL, aj->e.msg);
    }
    rep_vista(s); /* what is left to deal */
    app_redraw(s->a);
}

static void
repartir_release(struct app_job *aj)
{
    db_distribucion_fini(&((struct repartir_job *)aj)->d);
    free(aj);
}

static void
rep_repartir(struct rep_st *s)
{
    struct repartir_job *j = xcalloc(1, sizeof *j);

    j->st = s;
    j->cantidad = asignacion_form_cantidad(&s->m.f);
    panes_filtros_from(&j->pf, &s->m.f);
    logins_from(&j->l, &s->m);
    snprintf(j->clave, sizeof j->clave, "%s", s->m.f.clave);
    j->base.query = repartir_query;
    j->base.result = repartir_result;
    j->base.release = repartir_release;
    app_submit(s->a, &j->base);
}

/* ---- pane --------------------------------------------------------------------------- */

static bool
rep_key(void *st, enum action act, const struct key *k)
{
    struct rep_st *s = st;
    char clave[64];
    bool redraw = false;
    bool digit = k->kind == KK_CHAR && k->ch >= '0' && k->ch <= '9';

    if (digit && !asignacion_form_number_field(&s->m.f))
        return false; /* digits pick panes unless a number is being typed (Alt-1…9 always) */
    if (act == ACTION_BACK && !s->m.f.confirming && s->m.promotores[0] == '\0')
        return false; /* nothing to cancel: Esc keeps its global meaning */
    panes_clave_new(clave, sizeof clave, app_login(s->a));
    switch (repartir_model_input(&s->m, digit ? ACTION_NONE : act, k, s->vm.page, clave, &redraw)) {
    case REP_VISTA:
        rep_vista(s);
        break;
    case REP_REPARTIR:
        if (app_require_db(s->a, "repartir clientes"))
            rep_repartir(s);
        else
            s->m.f.sending = false;
        break;
    case REP_NADA:
        break;
    }
    return redraw;
}

/* A click on a field focuses it; nothing opens on a double click. */
static bool
rep_click(void *st, int y, int x)
{
    struct rep_st *s = st;

    (void)x;
    asignacion_form_click(&s->m.f, s->vm.lines, s->vm.nlines, y);
    return false;
}

static void *
rep_create(struct app *a)
{
    struct rep_st *s = xcalloc(1, sizeof *s);

    s->a = a;
    repartir_model_init(&s->m);
    return s;
}

static void
rep_destroy(void *st)
{
    struct rep_st *s = st;

    repartir_model_fini(&s->m);
    free(s);
}

static void
rep_enter(void *st)
{
    struct rep_st *s = st;

    if (!s->m.loaded)
        rep_load(s);
}

static void
rep_draw(void *st, struct pane *p)
{
    struct rep_st *s = st;

    s->m.ascii = term_ascii();
    repartir_vm_build(&s->vm, &s->m, p->w, p->h);
    repartir_pane_draw(p, &s->vm);
}

static void
rep_notify(void *st, const struct app_notify *n)
{
    struct rep_st *s = st;

    if (!s->m.loaded) {
        if (n->resync && s->m.error[0] != '\0')
            rep_load(s); /* the first read failed: the database is back */
        return;          /* never shown yet: it reads on enter */
    }
    /* Anyone's lote, opportunity or quota changes what is available and each one's room; a
     * promoter marked absent drops out of the dealing. */
    if (n->resync ||
        (n->tablas & (APP_T_LOTES | APP_T_OPORTUNIDADES | APP_T_USUARIOS | APP_T_OTRA)) != 0)
        rep_vista(s);
}

static bool
rep_dirty(void *st)
{
    return repartir_model_dirty(&((struct rep_st *)st)->m);
}

static int
rep_command(void *st, int argc, char **argv, struct err *e)
{
    struct rep_st *s = st;
    int rc = repartir_model_command(&s->m, argc, argv, e);

    if (rc == RC_OK) {
        rep_vista(s);
        app_redraw(s->a);
    }
    return rc;
}

void
repartir_panel_open(struct app *a, const char *login)
{
    struct rep_st *s = app_pane_state(a, "repartir");

    if (s == NULL || !app_show_pane(a, "repartir"))
        return;
    repartir_model_set_promotores(&s->m, login);
    rep_vista(s);
    app_redraw(a);
}

const struct pane_ops repartir_panel = {
    .name = "repartir",
    .title = "Repartir",
    .ctx = KEYMAP_REPARTIR,
    .roles = PANE_ROLES_SUPERVISION,
    .keys = repartir_keys,
    .nkeys = sizeof repartir_keys / sizeof repartir_keys[0],
    .create = rep_create,
    .destroy = rep_destroy,
    .enter = rep_enter,
    .key = rep_key,
    .click = rep_click,
    .draw = rep_draw,
    .notify = rep_notify,
    .command = rep_command,
    .dirty = rep_dirty,
};
