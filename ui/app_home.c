/*
 * app_home — the "inicio" pane: the summary card the foundation showed (clientes in the
 * padrón, the user's oportunidades by estado, and since sql/092 the month's sales in force
 * with their sum) and, under it, the replies to campaigns nobody
 * has attended yet (sql/089: a promoter's own, a supervisor's team's with whose they are,
 * everyone's for an admin or the auditor). The card's data is the controller's session read
 * (app_db.c), so notifications (of the opportunities, and of the sales: a correction changes
 * no opportunity) just ask for that read again. Every profile sees it, also
 * before the profile is known (then without the replies).
 *
 * The replies are the pane's own read (db_respuestas, pending only), made whether the pane is
 * shown or not: a reply that arrives while the promoter is in Detalle is said once in the
 * bottom bar («Nueva respuesta de Ana López: «…»»; promoters and supervisors, not the
 * company-wide admin or auditor, for whom it would be a ticker) and is on Inicio when she
 * comes back. Enter opens the one under the cursor in Detalle; Esc there comes back here.
 * The embudo marks those opportunities' cards with «✉» from this read (app_home_respuestas):
 * app_redraw after each read redraws it when it is the pane shown.
 * `:calendario` and `:etapas` show the business calendar or the funnel's stages in place of
 * all that until Esc (every profile; an admin changes them there: ui/calendario_vista.h,
 * ui/etapas_vista.h). One at a time: opening one closes the other.
 * Re-read on notifications of the history (a reply writes a row; so does every step that
 * attends one) and of the opportunities (a reassignment, a close), a promoter's on those
 * naming her; and on the sweep's heartbeat, so «hace 5 min» moves. A busy company notifies
 * many times a second and an admin's read can take 0.2 s, so as Informe does (ui/app_reread),
 * after a read the next waits HOME_PAUSA times as long as it took; a change meanwhile is read
 * once the pause is over.
 *
 * Loop thread only, except home_query (worker thread, the job's own fields).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dinero.h"
#include "db/db_respuestas.h"
#include "ui/app_internal.h"
#include "ui/app_reread.h"
#include "ui/calendario_vista.h"
#include "ui/etapas_vista.h"
#include "ui/pane/home_pane.h"
#include "ui/panes_db.h"
#include "ui/term/term.h"
#include "ui/vm/home_vm.h"
#include "util/xmalloc.h"

/* Re-reads on notifications keep the database busy at most 1 / HOME_PAUSA of the time. */
#define HOME_PAUSA 20

#define SOLO_ADMIN KEYMAP_PERFIL(VM_PROFILE_ADMIN)

static const struct keymap_entry home_keys[] = {
    { KEYMAP_HOME, { KK_ENTER, 0 }, ACTION_OPEN, "abrir la respuesta", true, 0 },
    /* :calendario (sql/093) and :etapas (sql/095): an admin's changes; each view offers
       what works on its cursor's row, the card none. */
    { KEYMAP_HOME, { KK_CHAR, 'A' }, ACTION_ITEM_ADD, "agregar", true, SOLO_ADMIN },
    { KEYMAP_HOME, { KK_CHAR, 'E' }, ACTION_ITEM_EDIT, "cambiar", true, SOLO_ADMIN },
    { KEYMAP_HOME, { KK_CHAR, 'M' }, ACTION_ITEM_MOVE, "cambiar de lugar", true, SOLO_ADMIN },
    { KEYMAP_HOME, { KK_CHAR, 'X' }, ACTION_ITEM_REMOVE, "quitar", true, SOLO_ADMIN },
    { KEYMAP_HOME, { KK_CHAR, 'R' }, ACTION_ITEM_RESTORE, "regresar", true, SOLO_ADMIN },
};

static bool
item_action(enum action act)
{
    return act == ACTION_ITEM_ADD || act == ACTION_ITEM_EDIT || act == ACTION_ITEM_MOVE ||
           act == ACTION_ITEM_REMOVE || act == ACTION_ITEM_RESTORE;
}

struct home {
    struct app *a;
    struct home_vm vm;
    struct respuestas_model resp;
    bool loading, again;
    struct app_reread reread; /* paces the re-reads notifications ask for */
    int page;     /* rows the list showed last: RePág/AvPág */
    int64_t *ids; /* the opportunities in resp, ascending: the embudo's «✉» */
    size_t nids;
    struct calendario_vista *cal; /* ":calendario": shown in place of the card while open */
    struct etapas_vista *et;      /* ":etapas": the same */
};

struct home_job {
    struct app_job base;
    struct db_respuesta *rows;
    size_t n;
    struct home *h;
};

static int
home_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct home_job *j = (struct home_job *)aj;

    return db_respuestas(db, NULL, 0, true, &j->rows, &j->n, e);
}

static void home_load(struct home *h);

static int
id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* The opportunities of resp, sorted for the embudo's lookups. */
static void
ids_rebuild(struct home *h)
{
    free(h->ids);
    h->nids = h->resp.n;
    h->ids = xcalloc(h->nids + 1, sizeof *h->ids);
    for (size_t i = 0; i < h->nids; i++)
        h->ids[i] = h->resp.filas[i].oportunidad_id;
    qsort(h->ids, h->nids, sizeof *h->ids, id_cmp);
}

size_t
app_home_respuestas(struct app *a, const int64_t **ids)
{
    const struct home *h = app_pane_state(a, "inicio");

    *ids = h != NULL ? h->ids : NULL;
    return h != NULL ? h->nids : 0;
}

static void
respuesta_from(struct respuesta *r, const struct db_respuesta *d)
{
    r->id = d->id;
    r->oportunidad_id = d->oportunidad_id;
    r->edad_s = (long long)d->edad_s;
    snprintf(r->cliente, sizeof r->cliente, "%s", d->cliente != NULL ? d->cliente : "");
    snprintf(r->etapa, sizeof r->etapa, "%s", d->etapa != NULL ? d->etapa : "");
    snprintf(r->promotor, sizeof r->promotor, "%s", d->promotor != NULL ? d->promotor : "");
    snprintf(r->texto, sizeof r->texto, "%s", d->texto != NULL ? d->texto : "");
}

static void
home_result(struct app_job *aj)
{
    struct home_job *j = (struct home_job *)aj;
    struct home *h = j->h;
    enum vm_profile p = app_profile(h->a);
    char anuncio[ERR_MSG_BYTES];

    h->loading = false;
    app_reread_done(&h->reread);
    if (aj->rc == RC_OK) {
        struct respuesta *r = xcalloc(j->n + 1, sizeof *r);

        for (size_t i = 0; i < j->n; i++)
            respuesta_from(&r[i], &j->rows[i]);
        h->resp.ver_promotor = vm_profile_sees_others(p);
        if (respuestas_model_take(&h->resp, r, j->n, anuncio, sizeof anuncio) &&
            (p == VM_PROFILE_PROMOTOR || p == VM_PROFILE_SUPERVISOR))
            app_message(h->a, false, "%s", anuncio);
        ids_rebuild(h);
    } else {
        snprintf(h->resp.error, sizeof h->resp.error, "No se pudieron leer las respuestas: %s",
                 aj->e.msg);
    }
    app_redraw(h->a);
    if (h->again) {
        h->again = false;
        home_load(h);
    }
}

static void
home_release(struct app_job *aj)
{
    struct home_job *j = (struct home_job *)aj;

    db_respuestas_free(j->rows, j->n);
    free(j);
}

static void
home_load(struct home *h)
{
    struct home_job *j;

    if (h->loading) {
        h->again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->h = h;
    j->base.query = home_query;
    j->base.result = home_result;
    j->base.release = home_release;
    h->loading = true;
    app_reread_started(&h->reread);
    app_submit(h->a, &j->base);
}

/* app_reread's view of the pane. */
static void
reread_load(void *st)
{
    home_load(st);
}

static bool
reread_loading(void *st)
{
    return ((struct home *)st)->loading;
}

/* ---- pane ------------------------------------------------------------------------- */

static void *
home_create(struct app *a)
{
    struct home *h = xcalloc(1, sizeof *h);

    h->a = a;
    respuestas_model_init(&h->resp);
    h->cal = calendario_vista_new(a);
    h->et = etapas_vista_new(a);
    app_reread_init(&h->reread, a, HOME_PAUSA, h, reread_load, reread_loading, NULL);
    return h;
}

static void
home_destroy(void *st)
{
    struct home *h = st;

    respuestas_model_fini(&h->resp);
    calendario_vista_free(h->cal);
    etapas_vista_free(h->et);
    free(h->ids);
    free(h);
}

static bool
home_offers(const void *st, enum action act)
{
    const struct home *h = st;

    if (calendario_vista_abierta(h->cal))
        return act != ACTION_OPEN && act != ACTION_ITEM_MOVE && act != ACTION_ITEM_RESTORE &&
               calendario_vista_offers(h->cal, act);
    if (etapas_vista_abierta(h->et))
        return act != ACTION_OPEN && etapas_vista_offers(h->et, act);
    return act != ACTION_OPEN ? !item_action(act) : h->resp.n > 0;
}

static bool
home_key(void *st, enum action act, const struct key *k)
{
    struct home *h = st;
    int64_t id;

    (void)k;
    if (calendario_vista_abierta(h->cal))
        return calendario_vista_key(h->cal, act);
    if (etapas_vista_abierta(h->et))
        return etapas_vista_key(h->et, act);
    if (item_action(act)) {
        app_message(h->a, false,
                    "El calendario se cambia desde :calendario; las etapas, desde"
                    " :etapas.");
        return true;
    }
    if (act == ACTION_OPEN) {
        if ((id = respuestas_model_selected(&h->resp)) != 0)
            detalle_panel_open(h->a, id, "inicio");
        else
            app_message(h->a, false, "No hay respuestas por atender.");
        return true;
    }
    if (h->resp.n > 0 && respuestas_model_move(&h->resp, act, h->page)) {
        app_redraw(h->a);
        return true;
    }
    return false; /* the global keys */
}

/* A click: the view shown in place of Inicio (:calendario, :etapas), or a reply's row. */
static bool
home_click(void *st, int y, int x)
{
    struct home *h = st;

    if (calendario_vista_abierta(h->cal))
        return calendario_vista_click(h->cal, y, x);
    if (etapas_vista_abierta(h->et))
        return etapas_vista_click(h->et, y, x);
    return vm_click_row(h->vm.lines, h->vm.nlines, y, &h->resp.cur);
}

static void
home_draw(void *st, struct pane *p)
{
    struct home *h = st;
    struct app *a = h->a;
    struct home_info in = {
        .profile = a->profile,
        .loaded = a->loaded,
        .clientes = a->last.clientes,
        .updated = a->updated[0] != '\0' ? a->updated : NULL,
        .error = a->error[0] != '\0' ? a->error : NULL,
        .loading = a->loading,
        .ascii = term_ascii(),
        .resp = a->profile != VM_PROFILE_UNKNOWN ? &h->resp : NULL,
    };

    if (calendario_vista_abierta(h->cal)) {
        calendario_vista_draw(h->cal, p);
        return;
    }
    if (etapas_vista_abierta(h->et)) {
        etapas_vista_draw(h->et, p);
        return;
    }

    for (int i = 0; i < HOME_ESTADOS; i++)
        in.oportunidades[i] = a->last.oportunidades[i];
    in.ventas_mes = a->last.ventas_mes;
    in.cal_fecha = a->last.cal_fecha;
    in.cal_nombre = a->last.cal_nombre;
    in.cal_abre = a->last.cal_abre;
    in.cal_cierra = a->last.cal_cierra;
    in.por_vencer = a->last.por_vencer;
    in.bandeja_atrasadas = a->last.bandeja_atrasadas;
    in.campanas_solas = a->last.campanas_solas;
    in.campana_sola = a->last.campana_sola;
    in.campana_sola_login = a->last.campana_sola_login;
    if (!dinero_centavos(a->last.ventas_mes_monto, &in.ventas_centavos))
        in.ventas_centavos = 0;
    home_vm_build(&h->vm, &in, p->w, p->h);
    h->page = p->h / 2;
    home_pane_draw(p, &h->vm);
}

static void
home_notify(void *st, const struct app_notify *n)
{
    struct home *h = st;
    unsigned rel = APP_T_HISTORIAL | APP_T_OPORTUNIDADES | APP_T_SWEEP;

    if (!n->resync &&
        (n->tablas & (APP_T_OPORTUNIDADES | APP_T_VENTAS | APP_T_CALENDARIO | APP_T_OTRA)) != 0)
        app_refresh(h->a); /* a resync re-reads the session already */
    /* A promoter's replies are on her own opportunities; the heartbeat ages them. */
    if (n->resync ||
        ((n->tablas & rel) != 0 && (vm_profile_sees_others(app_profile(h->a)) || n->mine ||
                                    n->all_users || (n->tablas & APP_T_SWEEP) != 0)))
        h->reread.pending = true;
    if (h->reread.pending)
        app_reread_go(&h->reread, n->resync);
    calendario_vista_notify(h->cal, n);
    etapas_vista_notify(h->et, n);
}

/* ":calendario" and ":etapas", the commands routed here (argv[0] is the whole name). */
static int
home_command(void *st, int argc, char **argv, struct err *e)
{
    struct home *h = st;

    if (strcmp(argv[0], "etapas") == 0) {
        calendario_vista_close(h->cal);
        return etapas_vista_command(h->et, argc, argv, e);
    }
    etapas_vista_close(h->et);
    return calendario_vista_command(h->cal, argc, argv, e);
}

const struct pane_ops app_home_pane = {
    .name = "inicio",
    .title = "Inicio",
    .ctx = KEYMAP_HOME,
    .roles = PANE_ROLES_ALL | PANE_ROLE(VM_PROFILE_UNKNOWN),
    .keys = home_keys,
    .nkeys = sizeof home_keys / sizeof home_keys[0],
    .create = home_create,
    .destroy = home_destroy,
    .key = home_key,
    .click = home_click,
    .draw = home_draw,
    .notify = home_notify,
    .command = home_command,
    .offers = home_offers,
};
