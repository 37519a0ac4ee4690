/*
 * informe_panel — the "informe" pane (every profile): the funnel report of db_informe_load
 * over a range of business dates — the week ending today at first; [ and ] move it a period
 * back or forward, d, s and m make it a day, a week or a month, p (those who see others)
 * narrows it to each promoter in turn and back to all, ":informe DESDE HASTA LOGIN" sets
 * both. v switches to the aging heatmap of db_envejecimiento_load (now, per promoter and
 * stage; ← → over stages that do not fit) and back, ":envejecimiento [LOGIN]" shows it and
 * ":informe" the report again; p narrows it too; the range keys are the report's, so there
 * they say so and its hint bar leaves them out (informe_offers). It only reads. A
 * refusal of the api (a range it does not take, a promoter outside the scope) goes to the
 * bottom bar and the view on screen stays, with its range and promoter.
 *
 * Re-read on notifications of the history, the opportunities and the sales (a promoter:
 * those naming them), and only while shown: a hidden pane reads again when it is entered.
 * A busy scope notifies many times a second and an admin's week can take 0.4 s to read, so
 * a notification re-reads only once INFORME_PAUSA times the last read's duration has passed
 * since it ended (ui/app_reread: until then the change waits on a one-second timer that
 * closes itself when the client quits). A report that reads in 10 ms re-reads at once. Only the
 * view shown re-reads; the other is read when switched to.
 *
 * Loop thread only, except informe_query (worker thread, the job's own fields).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_informe.h"
#include "ui/app_internal.h"
#include "ui/app_reread.h"
#include "ui/campanas_panel.h" /* campanas_fecha: the business date today */
#include "ui/pane/informe_pane.h"
#include "ui/term/term.h"
#include "ui/vm/informe_vm.h"
#include "util/err.h"
#include "util/xmalloc.h"

/* Its keys are informe_vm's (informe_keys): the tests build its hint bar from them. */

struct informe_st {
    struct app *a;
    struct informe_model m;
    struct informe_vm vm;
    struct informe_rango pedido; /* what the next read asks for */
    bool loading, again;
    bool shown;                             /* the visible pane */
    bool stale[2];                          /* per vista: a change came that it has not read */
    struct app_reread reread;               /* paces the re-reads notifications ask for */
};

/* Re-reads on notifications keep the database busy at most 1 / INFORME_PAUSA of the time. */
#define INFORME_PAUSA 20

struct informe_job {
    struct app_job base;
    enum informe_vista vista; /* what it reads: the report or the heatmap */
    struct informe_rango r;   /* a copy of the pedido it reads */
    struct db_informe inf;
    struct db_envejecimiento env;
    struct informe_st *st;
};

static int
informe_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct informe_job *j = (struct informe_job *)aj;
    struct db_informe_rango r = {
        .desde = j->r.desde[0] != '\0' ? j->r.desde : NULL,
        .hasta = j->r.hasta[0] != '\0' ? j->r.hasta : NULL,
        .promotor = j->r.promotor[0] != '\0' ? j->r.promotor : NULL,
    };

    if (j->vista == INFORME_VISTA_ENVEJECIMIENTO)
        return db_envejecimiento_load(db, r.promotor, &j->env, e);
    return db_informe_load(db, &r, &j->inf, e);
}

static void informe_load(struct informe_st *s);

/* Whether j read what the pane asks for now: the same view, promoter and (the report) range. */
static bool
pedido_igual(const struct informe_job *j, const struct informe_st *s)
{
    if (j->vista != s->m.vista || strcmp(j->r.promotor, s->pedido.promotor) != 0)
        return false;
    return j->vista == INFORME_VISTA_ENVEJECIMIENTO ||
           (strcmp(j->r.desde, s->pedido.desde) == 0 && strcmp(j->r.hasta, s->pedido.hasta) == 0);
}

/* Copies the db structs into the vm's (the vm includes no db header). */
static void
datos_from(struct informe_datos *d, const struct db_informe *inf, const char *promotor)
{
    memset(d, 0, sizeof *d);
    memcpy(d->desde, inf->desde, sizeof d->desde);
    memcpy(d->hasta, inf->hasta, sizeof d->hasta);
    snprintf(d->promotor, sizeof d->promotor, "%s", promotor);
    d->etapas = xcalloc(inf->netapas + 1, sizeof *d->etapas);
    d->motivos = xcalloc(inf->nmotivos + 1, sizeof *d->motivos);
    d->promotores = xcalloc(inf->npromotores + 1, sizeof *d->promotores);
    for (size_t i = 0; i < inf->netapas; i++) {
        const struct db_informe_etapa *t = &inf->etapas[i];

        d->etapas[i] = (struct informe_etapa){
            .entradas = t->entradas,
            .salidas = t->salidas,
            .avanzaron = t->avanzaron,
            .regresaron = t->regresaron,
            .a_bandeja = t->a_bandeja,
            .ventas = t->ventas,
            .vencidas = t->vencidas,
            .otras = t->otras,
            .horas_mediana = t->horas_mediana,
            .horas_p90 = t->horas_p90,
            .en_etapa = t->en_etapa,
        };
        snprintf(d->etapas[i].etapa, sizeof d->etapas[i].etapa, "%s", t->etapa);
        snprintf(d->etapas[i].tipo, sizeof d->etapas[i].tipo, "%s", t->tipo);
    }
    d->netapas = inf->netapas;
    for (size_t i = 0; i < inf->nmotivos; i++) {
        snprintf(d->motivos[i].tipo, sizeof d->motivos[i].tipo, "%s", inf->motivos[i].tipo);
        snprintf(d->motivos[i].razon, sizeof d->motivos[i].razon, "%s", inf->motivos[i].razon);
        d->motivos[i].n = inf->motivos[i].n;
    }
    d->nmotivos = inf->nmotivos;
    for (size_t i = 0; i < inf->npromotores; i++) {
        const struct db_informe_promotor *p = &inf->promotores[i];

        d->promotores[i] = (struct informe_promotor){
            .recibidas = p->recibidas,
            .captadas = p->captadas,
            .intentos = p->intentos,
            .a_bandeja = p->a_bandeja,
            .vencidas = p->vencidas,
            .ventas = p->ventas,
            .monto = p->monto,
        };
        snprintf(d->promotores[i].login, sizeof d->promotores[i].login, "%s", p->login);
        snprintf(d->promotores[i].nombre, sizeof d->promotores[i].nombre, "%s", p->nombre);
    }
    d->npromotores = inf->npromotores;
}

/* The same for the heatmap. */
static void
env_from(struct env_datos *d, const struct db_envejecimiento *v, const char *promotor)
{
    size_t n = v->npromotores * v->netapas;

    memset(d, 0, sizeof *d);
    d->aviso_pct = v->aviso_pct;
    snprintf(d->promotor, sizeof d->promotor, "%s", promotor);
    d->etapas = xcalloc(v->netapas + 1, sizeof *d->etapas);
    d->promotores = xcalloc(v->npromotores + 1, sizeof *d->promotores);
    d->celdas = xcalloc(n + 1, sizeof *d->celdas);
    for (size_t k = 0; k < v->netapas; k++) {
        snprintf(d->etapas[k].etapa, sizeof d->etapas[k].etapa, "%s", v->etapas[k].etapa);
        d->etapas[k].timer_horas = v->etapas[k].timer_horas;
    }
    for (size_t i = 0; i < v->npromotores; i++) {
        snprintf(d->promotores[i].login, sizeof d->promotores[i].login, "%s",
                 v->promotores[i].login);
        snprintf(d->promotores[i].nombre, sizeof d->promotores[i].nombre, "%s",
                 v->promotores[i].nombre);
    }
    for (size_t c = 0; c < n; c++)
        d->celdas[c] = (struct env_celda){
            .abiertas = v->celdas[c].abiertas,
            .en_aviso = v->celdas[c].en_aviso,
            .vencidas = v->celdas[c].vencidas,
            .horas_mediana = v->celdas[c].horas_mediana,
            .razon = v->celdas[c].razon,
        };
    d->netapas = v->netapas;
    d->npromotores = v->npromotores;
}

/* The logins of a whole-scope report complete ":informe <Tab>". */
static void
complete_logins(struct informe_st *s)
{
    const char *v[INFORME_LOGINS];

    for (int i = 0; i < s->m.nlogins; i++)
        v[i] = s->m.logins[i];
    app_complete_set(s->a, "promotor", v, (size_t)s->m.nlogins);
}

static void
informe_apply(struct informe_st *s, const struct informe_job *j)
{
    struct informe_datos d;
    struct env_datos v;

    if (j->vista == INFORME_VISTA_ENVEJECIMIENTO) {
        env_from(&v, &j->env, j->r.promotor);
        informe_model_take_env(&s->m, &v);
    } else {
        datos_from(&d, &j->inf, j->r.promotor);
        informe_model_take(&s->m, &d);
        /* The range the database used (its default week at first): [ and ] move from it. */
        memcpy(s->pedido.desde, j->inf.desde, sizeof s->pedido.desde);
        memcpy(s->pedido.hasta, j->inf.hasta, sizeof s->pedido.hasta);
    }
    if (j->r.promotor[0] == '\0')
        complete_logins(s);
}

/* After a refusal: ask again for what the view shows (range and promoter), not the refused. */
static void
pedido_restaurar(struct informe_st *s)
{
    const char *promotor =
        s->m.vista == INFORME_VISTA_RESUMEN ? s->m.d.promotor : s->m.env.promotor;

    memset(s->pedido.promotor, 0, sizeof s->pedido.promotor);
    if (informe_model_loaded(&s->m))
        snprintf(s->pedido.promotor, sizeof s->pedido.promotor, "%s", promotor);
    if (s->m.vista == INFORME_VISTA_ENVEJECIMIENTO)
        return; /* the heatmap takes no range: the report's stays as it was */
    memset(s->pedido.desde, 0, sizeof s->pedido.desde);
    memset(s->pedido.hasta, 0, sizeof s->pedido.hasta);
    if (s->m.loaded) {
        memcpy(s->pedido.desde, s->m.d.desde, sizeof s->pedido.desde);
        memcpy(s->pedido.hasta, s->m.d.hasta, sizeof s->pedido.hasta);
    }
}

static void
informe_result(struct app_job *aj)
{
    struct informe_job *j = (struct informe_job *)aj;
    struct informe_st *s = j->st;

    s->loading = false;
    app_reread_done(&s->reread);
    if (!pedido_igual(j, s)) {
        s->again = true; /* the view, range or promoter changed meanwhile: not this answer */
    } else if (aj->rc == RC_OK) {
        informe_apply(s, j);
    } else if (aj->rc == RC_REFUSED) {
        /* The view on screen stays, and so does what it is about. */
        app_message(s->a, true, "%s", aj->e.msg);
        pedido_restaurar(s);
    } else {
        snprintf(s->m.error, sizeof s->m.error, "No se pudo leer el informe: %s", aj->e.msg);
    }
    app_redraw(s->a);
    if (s->again) {
        s->again = false;
        informe_load(s);
    }
}

static void
informe_release(struct app_job *aj)
{
    struct informe_job *j = (struct informe_job *)aj;

    db_informe_fini(&j->inf);
    db_envejecimiento_fini(&j->env);
    free(j);
}

/* Reads s->pedido; one read at a time (a second ask while one runs is queued once). */
static void
informe_load(struct informe_st *s)
{
    struct informe_job *j;

    if (s->loading) {
        s->again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->vista = s->m.vista;
    j->r = s->pedido;
    j->base.query = informe_query;
    j->base.result = informe_result;
    j->base.release = informe_release;
    s->loading = true;
    s->stale[s->m.vista] = false;
    app_reread_started(&s->reread);
    app_submit(s->a, &j->base);
}

/* The range keys: [ ] d s m. False for any other action. */
static bool
informe_range_key(struct informe_st *s, enum action act)
{
    int dias = act == ACTION_PERIOD_DAY     ? 1
               : act == ACTION_PERIOD_WEEK  ? 7
               : act == ACTION_PERIOD_MONTH ? 30
                                            : 0;
    char hoy[11];
    bool moved;

    if (dias == 0 && act != ACTION_PERIOD_PREV && act != ACTION_PERIOD_NEXT)
        return false;
    if (!informe_model_offers(&s->m, act)) { /* the heatmap: its bar does not offer them */
        app_message(s->a, false, "El envejecimiento es de ahora: las fechas son del informe (v).");
        return true;
    }
    campanas_fecha(s->a, 0, hoy, sizeof hoy);
    if (dias > 0) {
        moved = informe_rango_periodo(&s->pedido, dias, hoy);
    } else {
        moved = informe_rango_mover(&s->pedido, act == ACTION_PERIOD_PREV ? -1 : +1, hoy);
        if (!moved && act == ACTION_PERIOD_NEXT)
            app_message(s->a, false, "El informe ya llega a hoy: no hay un periodo siguiente.");
    }
    if (moved)
        informe_load(s);
    return true;
}

/* The hint bar's question: what works in the view shown (informe_model_offers). */
static bool
informe_offers(const void *st, enum action act)
{
    const struct informe_st *s = st;

    return informe_model_offers(&s->m, act);
}

static bool
informe_key(void *st, enum action act, const struct key *k)
{
    struct informe_st *s = st;

    (void)k;
    if (informe_range_key(s, act))
        return true;
    if (act == ACTION_TOGGLE_VIEW) {
        const char *promotor;

        informe_model_vista(&s->m);
        promotor = s->m.vista == INFORME_VISTA_RESUMEN ? s->m.d.promotor : s->m.env.promotor;
        if (!informe_model_loaded(&s->m) || s->stale[s->m.vista] ||
            strcmp(promotor, s->pedido.promotor) != 0)
            informe_load(s);
        app_redraw(s->a);
        return true;
    }
    if (act == ACTION_PICK_MEMBER) {
        if (s->m.nlogins == 0) {
            app_message(s->a, false, "Todavía no hay promotores que elegir en el informe.");
            return true;
        }
        snprintf(s->pedido.promotor, sizeof s->pedido.promotor, "%s",
                 informe_model_siguiente(&s->m, s->pedido.promotor));
        informe_load(s);
        return true;
    }
    if (!informe_model_action(&s->m, act, s->vm.page))
        return false;
    app_redraw(s->a);
    return true;
}

/* ":informe [DESDE HASTA] [LOGIN]" shows the report, ":envejecimiento [LOGIN]" the heatmap
 * (argv[0] is the command's whole name, however abbreviated); words set the range and the
 * promoter and read again, as do a view not read yet or read for another promoter. */
static int
informe_command(void *st, int argc, char **argv, struct err *e)
{
    struct informe_st *s = st;
    enum informe_vista quiere = strcmp(argv[0], "envejecimiento") == 0
                                    ? INFORME_VISTA_ENVEJECIMIENTO
                                    : INFORME_VISTA_RESUMEN;
    const char *promotor;
    int rc = quiere == INFORME_VISTA_ENVEJECIMIENTO
                 ? informe_comando_envejecimiento(argc - 1, argv + 1, &s->pedido, e)
                 : informe_comando(argc - 1, argv + 1, &s->pedido, e);

    if (rc != RC_OK)
        return rc;
    if (s->m.vista != quiere)
        informe_model_vista(&s->m);
    promotor = s->m.vista == INFORME_VISTA_RESUMEN ? s->m.d.promotor : s->m.env.promotor;
    if (argc > 1 || !informe_model_loaded(&s->m) || s->stale[s->m.vista] ||
        strcmp(promotor, s->pedido.promotor) != 0)
        informe_load(s);
    app_redraw(s->a);
    return RC_OK;
}

/* app_reread's view of the pane. */
static void
reread_load(void *st)
{
    informe_load(st);
}

static bool
reread_loading(void *st)
{
    return ((struct informe_st *)st)->loading;
}

static bool
reread_shown(void *st)
{
    return ((struct informe_st *)st)->shown;
}

static void *
informe_create(struct app *a)
{
    struct informe_st *s = xcalloc(1, sizeof *s);

    s->a = a;
    informe_model_init(&s->m, app_profile(a));
    app_reread_init(&s->reread, a, INFORME_PAUSA, s, reread_load, reread_loading, reread_shown);
    return s;
}

static void
informe_destroy(void *st)
{
    struct informe_st *s = st;

    informe_model_fini(&s->m);
    free(s);
}

static void
informe_enter(void *st)
{
    struct informe_st *s = st;

    s->shown = true;
    if (!informe_model_loaded(&s->m) || s->stale[s->m.vista])
        informe_load(s);
}

static void
informe_leave(void *st)
{
    struct informe_st *s = st;

    s->shown = false;
}

static void
informe_draw(void *st, struct pane *p)
{
    struct informe_st *s = st;

    s->m.ascii = term_ascii();
    s->m.profile = app_profile(s->a);
    informe_vm_build(&s->vm, &s->m, p->w, p->h);
    informe_pane_draw(p, &s->vm);
}

static void
informe_notify(void *st, const struct app_notify *n)
{
    struct informe_st *s = st;
    unsigned rel = APP_T_HISTORIAL | APP_T_OPORTUNIDADES | APP_T_VENTAS | APP_T_ETAPAS;

    /* Lotes come with their history; sweep heartbeats and WhatsApp do not count; a promoter's
     * report is about their own opportunities. */
    if (n->resync || ((n->tablas & rel) != 0 &&
                      (vm_profile_sees_others(app_profile(s->a)) || n->mine || n->all_users)))
        s->reread.pending = true;
    if (!s->reread.pending)
        return;
    s->stale[INFORME_VISTA_RESUMEN] = s->stale[INFORME_VISTA_ENVEJECIMIENTO] = true;
    if (!s->shown)
        s->reread.pending = false;
    else
        app_reread_go(&s->reread, n->resync);
}

const struct pane_ops informe_panel = {
    .name = "informe",
    .title = "Informe",
    .ctx = KEYMAP_INFORME,
    .roles = PANE_ROLES_ALL,
    .keys = informe_keys,
    .nkeys = sizeof informe_keys / sizeof informe_keys[0],
    .create = informe_create,
    .destroy = informe_destroy,
    .enter = informe_enter,
    .leave = informe_leave,
    .key = informe_key,
    .draw = informe_draw,
    .notify = informe_notify,
    .command = informe_command,
    .offers = informe_offers,
};
