/*
 * equipo_panel — the "equipo" pane (supervisors, admins and auditors): per-promoter numbers
 * and the aging heat map, re-read on every notification; Enter shows that promoter's embudo, c
 * opens Repartir for just that promoter (supervision only: it writes).
 *
 * Loop thread only, except equipo_query (worker thread, the job's own fields).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_tui.h"
#include "ui/pane/equipo_pane.h"
#include "ui/panes_db.h"
#include "ui/term/term.h"
#include "ui/vm/equipo_vm.h"
#include "util/xmalloc.h"

static const struct keymap_entry equipo_keys[] = {
    { KEYMAP_EQUIPO, { KK_ENTER, 0 }, ACTION_OPEN, "ver su embudo", true, 0 },
    { KEYMAP_EQUIPO,
      { KK_CHAR, 'c' },
      ACTION_DISTRIBUTE,
      "repartirle clientes",
      true,
      KEYMAP_SOLO_SUPERVISION },
};

struct equipo_st {
    struct app *a;
    struct equipo_model m;
    struct equipo_vm vm;
    bool loading, again;
};

struct equipo_job {
    struct app_job base;
    struct tui_etapa *etapas;
    size_t netapas;
    struct tui_equipo q;
    struct equipo_st *st;
};

static int
equipo_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct equipo_job *j = (struct equipo_job *)aj;
    int rc = db_tui_etapas(db, &j->etapas, &j->netapas, e);

    return rc == RC_OK ? db_tui_equipo(db, &j->q, e) : rc;
}

static void equipo_load(struct equipo_st *s);

static void
equipo_apply(struct equipo_st *s, const struct equipo_job *j)
{
    struct equipo_etapa et[EQUIPO_MAX_ETAPAS];
    struct equipo_promotor *p = xcalloc(j->q.npromotores + 1, sizeof *p);
    struct equipo_celda *c = xcalloc(j->q.nceldas + 1, sizeof *c);

    equipo_model_set_etapas(&s->m, et,
                            panes_equipo_etapas_from(et, EQUIPO_MAX_ETAPAS, j->etapas, j->netapas));
    for (size_t i = 0; i < j->q.npromotores; i++)
        panes_promotor_from(&p[i], &j->q.promotores[i]);
    for (size_t i = 0; i < j->q.nceldas; i++) {
        c[i].usuario_id = j->q.celdas[i].usuario_id;
        c[i].etapa_id = j->q.celdas[i].etapa_id;
        c[i].n = j->q.celdas[i].n;
        c[i].max_horas = j->q.celdas[i].max_horas;
    }
    equipo_model_take(&s->m, p, j->q.npromotores, c, j->q.nceldas);
}

static void
equipo_result(struct app_job *aj)
{
    struct equipo_job *j = (struct equipo_job *)aj;
    struct equipo_st *s = j->st;

    s->loading = false;
    if (aj->rc == RC_OK)
        equipo_apply(s, j);
    else
        snprintf(s->m.error, sizeof s->m.error, "No se pudo leer el equipo: %s", aj->e.msg);
    app_redraw(s->a);
    if (s->again) {
        s->again = false;
        equipo_load(s);
    }
}

static void
equipo_release(struct app_job *aj)
{
    struct equipo_job *j = (struct equipo_job *)aj;

    free(j->etapas);
    db_tui_equipo_fini(&j->q);
    free(j);
}

static void
equipo_load(struct equipo_st *s)
{
    struct equipo_job *j;

    if (s->loading) {
        s->again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->base.query = equipo_query;
    j->base.result = equipo_result;
    j->base.release = equipo_release;
    s->loading = true;
    app_submit(s->a, &j->base);
}

static void *
equipo_create(struct app *a)
{
    struct equipo_st *s = xcalloc(1, sizeof *s);

    s->a = a;
    equipo_model_init(&s->m);
    return s;
}

static void
equipo_destroy(void *st)
{
    struct equipo_st *s = st;

    equipo_model_fini(&s->m);
    free(s);
}

static void
equipo_enter(void *st)
{
    struct equipo_st *s = st;

    if (!s->m.loaded)
        equipo_load(s);
}

static bool
equipo_key(void *st, enum action act, const struct key *k)
{
    struct equipo_st *s = st;
    const struct equipo_promotor *p;

    (void)k;
    if (act == ACTION_OPEN) {
        if ((p = equipo_model_selected(&s->m)) != NULL)
            embudo_panel_show_member(s->a, p->id, p->login);
        return true;
    }
    if (act == ACTION_DISTRIBUTE) {
        if ((p = equipo_model_selected(&s->m)) != NULL)
            repartir_panel_open(s->a, p->login);
        return true;
    }
    return equipo_model_action(&s->m, act, s->vm.page);
}

static void
equipo_draw(void *st, struct pane *p)
{
    struct equipo_st *s = st;

    s->m.ascii = term_ascii();
    equipo_vm_build(&s->vm, &s->m, p->w, p->h);
    equipo_pane_draw(p, &s->vm);
}

static void
equipo_notify(void *st, const struct app_notify *n)
{
    struct equipo_st *s = st;

    if (s->m.loaded && (n->resync || n->tablas != 0))
        equipo_load(s);
}

const struct pane_ops equipo_panel = {
    .name = "equipo",
    .title = "Equipo",
    .ctx = KEYMAP_EQUIPO,
    .roles = PANE_ROLES_VEN_EQUIPO,
    .keys = equipo_keys,
    .nkeys = sizeof equipo_keys / sizeof equipo_keys[0],
    .create = equipo_create,
    .destroy = equipo_destroy,
    .enter = equipo_enter,
    .key = equipo_key,
    .draw = equipo_draw,
    .notify = equipo_notify,
};
