/*
 * estadisticas_panel — the "estadisticas" pane (supervision and auditors): api.wa_estadisticas
 * over the last 7 business days (":estadisticas 2026-11-01 2026-11-29", ":estadisticas hoy",
 * ":estadisticas 30d"… change the range: estadisticas_rango), grouped per promoter, day or
 * campaign (v cycles), re-read on every notification.
 *
 * Loop thread only, except estad_query (worker thread, the job's own fields).
 */
#include "ui/campanas_panel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_wa.h"
#include "ui/pane/estadisticas_pane.h"
#include "ui/term/term.h"
#include "ui/vm/estadisticas_vm.h"
#include "util/err.h"
#include "util/xmalloc.h"

static const struct keymap_entry estad_keys[] = {
    { KEYMAP_ESTADISTICAS, { KK_CHAR, 'v' }, ACTION_TOGGLE_VIEW, "por promotor / día / campaña",
      true, 0 },
};

struct estad_st {
    struct app *a;
    struct estadisticas_model m;
    struct estadisticas_vm vm;
    bool loading, again;
};

struct estad_job {
    struct app_job base;
    char desde[11], hasta[11];
    struct db_wa_estadistica *rows;
    size_t n;
    struct estad_st *st;
};

static int
estad_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct estad_job *j = (struct estad_job *)aj;

    return db_wa_estadisticas(db, j->desde, j->hasta, &j->rows, &j->n, e);
}

static void estad_load(struct estad_st *s);

static void
estad_result(struct app_job *aj)
{
    struct estad_job *j = (struct estad_job *)aj;
    struct estad_st *s = j->st;
    struct estadisticas_fila *v;

    s->loading = false;
    if (strcmp(j->desde, s->m.desde) != 0 || strcmp(j->hasta, s->m.hasta) != 0) {
        s->again = true; /* the range changed meanwhile: these rows are not for it */
    } else if (aj->rc == RC_OK) {
        v = xcalloc(j->n + 1, sizeof *v);
        for (size_t i = 0; i < j->n; i++) {
            const struct db_wa_estadistica *r = &j->rows[i];

            snprintf(v[i].promotor, sizeof v[i].promotor, "%s",
                     r->usuario_login != NULL ? r->usuario_login : "");
            v[i].dia = r->dia;
            v[i].campana_id = r->campana_id;
            snprintf(v[i].campana, sizeof v[i].campana, "%s", r->campana != NULL ? r->campana : "");
            v[i].enviados = r->enviados;
            v[i].entregados = r->entregados;
            v[i].leidos = r->leidos;
            v[i].respondidos = r->respondidos;
            v[i].bajas = r->bajas;
            v[i].fallidos = r->fallidos;
            v[i].sin_entregar = r->sin_entregar;
            (void)estadisticas_motivos_parse(&v[i], r->fallidos_por);
        }
        estadisticas_model_take(&s->m, v, j->n);
    } else {
        snprintf(s->m.error, sizeof s->m.error, "No se pudieron leer las estadísticas: %.400s",
                 aj->e.msg);
    }
    app_redraw(s->a);
    if (s->again) {
        s->again = false;
        estad_load(s);
    }
}

static void
estad_release(struct app_job *aj)
{
    struct estad_job *j = (struct estad_job *)aj;

    db_wa_estadisticas_free(j->rows, j->n);
    free(j);
}

static void
estad_load(struct estad_st *s)
{
    struct estad_job *j;

    if (s->loading) {
        s->again = true;
        return;
    }
    if (s->m.desde[0] == '\0') {
        campanas_fecha(s->a, 6, s->m.desde, sizeof s->m.desde);
        campanas_fecha(s->a, 0, s->m.hasta, sizeof s->m.hasta);
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    memcpy(j->desde, s->m.desde, sizeof j->desde);
    memcpy(j->hasta, s->m.hasta, sizeof j->hasta);
    j->base.query = estad_query;
    j->base.result = estad_result;
    j->base.release = estad_release;
    s->loading = true;
    app_submit(s->a, &j->base);
}

/* ":estadisticas" alone shows the pane as it is; with words, sets the range and re-reads. */
static int
estad_command(void *st, int argc, char **argv, struct err *e)
{
    struct estad_st *s = st;
    char hoy[11], desde[11], hasta[11];

    if (argc == 1)
        return RC_OK;
    campanas_fecha(s->a, 0, hoy, sizeof hoy);
    if (estadisticas_rango(argc - 1, argv + 1, hoy, desde, hasta, e) != RC_OK)
        return e->rc;
    memcpy(s->m.desde, desde, sizeof s->m.desde);
    memcpy(s->m.hasta, hasta, sizeof s->m.hasta);
    s->m.cur = s->m.top = 0;
    estad_load(s);
    app_redraw(s->a);
    return RC_OK;
}

static bool
estad_key(void *st, enum action act, const struct key *k)
{
    struct estad_st *s = st;

    (void)k;
    if (!estadisticas_model_action(&s->m, act, s->vm.page))
        return false;
    app_redraw(s->a);
    return true;
}

static bool
estad_click(void *st, int y, int x)
{
    struct estad_st *s = st;

    (void)x;
    return vm_click_row(s->vm.lines, s->vm.nlines, y, &s->m.cur);
}

static void *
estad_create(struct app *a)
{
    static const char *const rangos[] = { "hoy", "ayer", "7d", "30d" };
    struct estad_st *s = xcalloc(1, sizeof *s);

    s->a = a;
    estadisticas_model_init(&s->m);
    app_complete_set(a, "rango", rangos, sizeof rangos / sizeof rangos[0]);
    return s;
}

static void
estad_destroy(void *st)
{
    struct estad_st *s = st;

    estadisticas_model_fini(&s->m);
    free(s);
}

static void
estad_enter(void *st)
{
    struct estad_st *s = st;

    if (!s->m.loaded)
        estad_load(s);
}

static void
estad_draw(void *st, struct pane *p)
{
    struct estad_st *s = st;

    s->m.ascii = term_ascii();
    estadisticas_vm_build(&s->vm, &s->m, p->w, p->h);
    estadisticas_pane_draw(p, &s->vm);
}

static void
estad_notify(void *st, const struct app_notify *n)
{
    struct estad_st *s = st;

    if (s->m.loaded && (n->resync || (n->tablas & APP_T_OTRA) != 0))
        estad_load(s);
}

const struct pane_ops estadisticas_panel = {
    .name = "estadisticas",
    .title = "Estadísticas WA",
    .ctx = KEYMAP_ESTADISTICAS,
    .roles = PANE_ROLES_VEN_EQUIPO,
    .keys = estad_keys,
    .nkeys = sizeof estad_keys / sizeof estad_keys[0],
    .create = estad_create,
    .destroy = estad_destroy,
    .enter = estad_enter,
    .key = estad_key,
    .click = estad_click,
    .draw = estad_draw,
    .notify = estad_notify,
    .command = estad_command,
};
