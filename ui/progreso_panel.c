/*
 * progreso_panel — the "progreso" pane (every profile: a promoter its campaigns, a supervisor
 * the team's, an admin or an auditor all): the campaign list and the selected campaign's
 * counts, re-read on every notification (NOTIFY on wa_mensajes / wa_campanas), so the bar
 * moves live; p pauses, a launches or resumes (waking this session's sender), c cancels after
 * a question, f makes a new campaign with the failed messages (it is shown, ready to launch);
 * on the uncertain messages (→ to reach them) e / n / x decide each one. An auditor reads it
 * all and has none of those keys (keymap_add), nor the lines offering them.
 *
 * Loop thread only, except the jobs' query() (worker thread, the job's own fields).
 */
#include "ui/campanas_panel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pacing.h"
#include "db/db_wa.h"
#include "db/db_wa_tui.h"
#include "ui/app_internal.h"
#include "ui/pane/progreso_pane.h"
#include "ui/term/term.h"
#include "ui/vm/progreso_vm.h"
#include "util/err.h"
#include "util/xmalloc.h"

#define CH(c)                  \
    {                          \
        KK_CHAR, (uint32_t)(c) \
    }

static const struct keymap_entry progreso_keys[] = {
    { KEYMAP_PROGRESO, CH('p'), ACTION_CAMPAIGN_PAUSE, "pausar", true, KEYMAP_ESCRITURA },
    { KEYMAP_PROGRESO, CH('a'), ACTION_CAMPAIGN_RESUME, "lanzar / reanudar", true,
      KEYMAP_ESCRITURA },
    { KEYMAP_PROGRESO, CH('c'), ACTION_CAMPAIGN_CANCEL, "cancelar la campaña", true,
      KEYMAP_ESCRITURA },
    { KEYMAP_PROGRESO, CH('f'), ACTION_CAMPAIGN_RETRY, "reintentar los fallidos", false,
      KEYMAP_ESCRITURA },
    { KEYMAP_PROGRESO, CH('e'), ACTION_UNCERTAIN_SENT, "en duda: sí llegó", false,
      KEYMAP_ESCRITURA },
    { KEYMAP_PROGRESO, CH('n'), ACTION_UNCERTAIN_RESEND, "en duda: volver a enviar", false,
      KEYMAP_ESCRITURA },
    { KEYMAP_PROGRESO, CH('x'), ACTION_UNCERTAIN_DROP, "en duda: descartar", false,
      KEYMAP_ESCRITURA },
};

struct progreso_st {
    struct app *a;
    struct progreso_model m;
    struct progreso_vm vm;
    bool loading, again;
    int64_t want; /* the campaign to show after the next read (0 = keep the selection) */
};

struct progreso_job {
    struct app_job base;
    int64_t id; /* the selected campaign when submitted (0 = the newest) */
    struct db_wa_campana_fila *camp;
    size_t ncamp;
    bool con_estado;
    struct db_campana_estado est;
    struct db_wa_incierto *inc;
    size_t ninc;
    struct progreso_st *st;
};

static int
progreso_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct progreso_job *j = (struct progreso_job *)aj;
    int rc = db_wa_tui_campanas(db, &j->camp, &j->ncamp, e);

    if (rc != RC_OK || j->ncamp == 0)
        return rc;
    if (j->id == 0)
        j->id = j->camp[0].id;
    if ((rc = db_campana_estado(db, j->id, &j->est, e)) != RC_OK)
        return rc;
    j->con_estado = true;
    return db_wa_tui_inciertos(db, j->id, &j->inc, &j->ninc, e);
}

static void
copy_cuentas(struct progreso_st *s, const struct db_campana_estado *d)
{
    struct progreso_cuentas *c = &s->m.c;

    memset(c, 0, sizeof *c);
    c->id = d->id;
    snprintf(c->nombre, sizeof c->nombre, "%s", d->nombre != NULL ? d->nombre : "");
    snprintf(c->estado, sizeof c->estado, "%s", d->estado);
    snprintf(c->etapa, sizeof c->etapa, "%s", d->etapa != NULL ? d->etapa : "");
    c->total = d->total;
    c->pendientes = d->pendientes;
    c->enviando = d->enviando;
    c->inciertos = d->inciertos;
    c->enviados = d->enviados;
    c->entregados = d->entregados;
    c->leidos = d->leidos;
    c->respondidos = d->respondidos;
    c->fallidos = d->fallidos;
    c->omitidos = d->omitidos;
    c->cancelados = d->cancelados;
    c->bajas = d->bajas;
    c->sin_entregar = d->sin_entregar;
    snprintf(c->pausa, sizeof c->pausa, "%s", d->pausa_motivo != NULL ? d->pausa_motivo : "");
    if (d->proximo_at > 0)
        campanas_hhmm(s->a, d->proximo_at, c->proximo, sizeof c->proximo);
}

/* "quedan 120: ≈ 1 h 20 min de envío al ritmo medio" from the pending count. */
static void
eta_fmt(struct progreso_st *s)
{
    struct pacing_config pc;
    int left = s->m.c.pendientes + s->m.c.enviando;
    long long mean_ms, min;

    s->m.eta[0] = '\0';
    if (left <= 0 || strcmp(s->m.c.estado, "CANCELADA") == 0)
        return;
    pacing_config_preset(&pc, PACING_PRESET_NORMAL);
    mean_ms = (pc.gap_min_ms + pc.gap_max_ms) / 2 +
              (pc.rest_min_ms + pc.rest_max_ms) / (long long)(pc.burst_min + pc.burst_max);
    min = (long long)left * mean_ms / 60000;
    snprintf(s->m.eta, sizeof s->m.eta, "quedan %d: ≈ %lld h %02lld min al ritmo normal", left,
             min / 60, min % 60);
}

static void progreso_load(struct progreso_st *s);

static void
progreso_apply(struct progreso_st *s, struct progreso_job *j)
{
    struct progreso_campana *v = xcalloc(j->ncamp + 1, sizeof *v);
    struct progreso_incierto *u = xcalloc(j->ninc + 1, sizeof *u);

    for (size_t i = 0; i < j->ncamp; i++) {
        v[i].id = j->camp[i].id;
        snprintf(v[i].nombre, sizeof v[i].nombre, "%s", j->camp[i].nombre);
        snprintf(v[i].estado, sizeof v[i].estado, "%s", j->camp[i].estado);
        snprintf(v[i].login, sizeof v[i].login, "%s", j->camp[i].login);
        v[i].pausada_sola = j->camp[i].pausada_sola;
    }
    progreso_model_take_campanas(&s->m, v, j->ncamp);
    progreso_model_select(&s->m, j->id);
    for (size_t i = 0; i < j->ninc; i++) {
        u[i].id = j->inc[i].id;
        snprintf(u[i].cliente, sizeof u[i].cliente, "%s", j->inc[i].cliente);
        snprintf(u[i].telefono, sizeof u[i].telefono, "%s", j->inc[i].telefono);
        campanas_hhmm(s->a, j->inc[i].desde, u[i].desde, sizeof u[i].desde);
    }
    progreso_model_take_inciertos(&s->m, u, j->ninc);
    s->m.tiene_cuentas = j->con_estado;
    if (j->con_estado) {
        copy_cuentas(s, &j->est);
        eta_fmt(s);
    }
    s->m.error[0] = '\0';
}

static void
progreso_result(struct app_job *aj)
{
    struct progreso_job *j = (struct progreso_job *)aj;
    struct progreso_st *s = j->st;

    s->loading = false;
    if (aj->rc == RC_OK)
        progreso_apply(s, j);
    else
        snprintf(s->m.error, sizeof s->m.error, "No se pudo leer el avance: %.400s", aj->e.msg);
    app_redraw(s->a);
    if (s->again) {
        s->again = false;
        progreso_load(s);
    }
}

static void
progreso_release(struct app_job *aj)
{
    struct progreso_job *j = (struct progreso_job *)aj;

    free(j->camp);
    free(j->inc);
    if (j->con_estado)
        db_campana_estado_fini(&j->est);
    free(j);
}

static void
progreso_load(struct progreso_st *s)
{
    struct progreso_job *j;
    const struct progreso_campana *c = progreso_model_campana(&s->m);

    if (s->loading) {
        s->again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->id = s->want != 0 ? s->want : c != NULL ? c->id : 0;
    s->want = 0;
    j->base.query = progreso_query;
    j->base.result = progreso_result;
    j->base.release = progreso_release;
    s->loading = true;
    app_submit(s->a, &j->base);
}

/* ---- actions ------------------------------------------------------------------------ */

struct accion_job {
    struct app_job base;
    int64_t id;
    bool incierto;
    enum db_campana_accion accion;
    enum db_incierto_accion decision;
    char estado[16];
    struct progreso_st *st;
};

static int
accion_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct accion_job *j = (struct accion_job *)aj;

    if (j->incierto)
        return db_mensaje_resolver_incierto(db, j->id, j->decision, j->estado, e);
    return db_campana_accion(db, j->id, j->accion, j->estado, e);
}

static void
accion_result(struct app_job *aj)
{
    struct accion_job *j = (struct accion_job *)aj;
    struct progreso_st *s = j->st;
    const struct wa_envio_ops *ops = wa_panel_envio_ops(s->a);

    if (aj->rc != RC_OK) {
        app_message(s->a, true, "%s", aj->e.msg);
        return;
    }
    if (j->incierto)
        app_message(s->a, false, "Mensaje en duda: ahora %s.", j->estado);
    else
        app_message(s->a, false, "Campaña %lld: %s.", (long long)j->id, j->estado);
    if (ops != NULL && ops->despertar != NULL &&
        (strcmp(j->estado, "ENVIANDO") == 0 || strcmp(j->estado, "PENDIENTE") == 0))
        ops->despertar(ops->ctx);
    progreso_load(s);
}

static void
accion_submit(struct progreso_st *s, int64_t id, bool incierto, int what)
{
    struct accion_job *j;

    if (!app_require_db(s->a, incierto ? "decidir el mensaje" : "cambiar la campaña"))
        return;
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->id = id;
    j->incierto = incierto;
    if (incierto)
        j->decision = (enum db_incierto_accion)what;
    else
        j->accion = (enum db_campana_accion)what;
    j->base.query = accion_query;
    j->base.result = accion_result;
    app_submit(s->a, &j->base);
}

/* ---- retry failed ------------------------------------------------------------------- */

struct retry_job {
    struct app_job base;
    int64_t id;
    struct db_campana_creada out;
    bool ok;
    struct progreso_st *st;
};

static int
retry_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct retry_job *j = (struct retry_job *)aj;
    int rc = db_wa_tui_reintentar(db, j->id, &j->out, e);

    j->ok = rc == RC_OK;
    return rc;
}

static void
retry_result(struct app_job *aj)
{
    struct retry_job *j = (struct retry_job *)aj;

    if (aj->rc != RC_OK) {
        app_message(aj->app, true, "%s", aj->e.msg);
        return;
    }
    app_message(aj->app, false, "Reintento: campaña %lld lista con %d %s (%d %s); a la lanza.",
                (long long)j->out.id, j->out.destinatarios,
                j->out.destinatarios == 1 ? "mensaje" : "mensajes", j->out.omitidos,
                j->out.omitidos == 1 ? "omitido" : "omitidos");
    progreso_panel_mostrar(aj->app, j->out.id);
}

static void
retry_release(struct app_job *aj)
{
    struct retry_job *j = (struct retry_job *)aj;

    if (j->ok)
        db_campana_creada_fini(&j->out);
    free(j);
}

static void
retry_submit(struct progreso_st *s, int64_t id)
{
    struct retry_job *j;

    if (!app_require_db(s->a, "reintentar los fallidos"))
        return;
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->id = id;
    j->base.query = retry_query;
    j->base.result = retry_result;
    j->base.release = retry_release;
    app_submit(s->a, &j->base);
}

static void
cancel_answer(struct app *a, bool yes, void *ctx)
{
    struct progreso_st *s = ctx;
    const struct progreso_campana *c = progreso_model_campana(&s->m);

    (void)a;
    if (yes && c != NULL)
        accion_submit(s, c->id, false, DB_CAMPANA_CANCELAR);
}

static bool
campaign_key(struct progreso_st *s, enum action act)
{
    const struct progreso_campana *c = progreso_model_campana(&s->m);
    char q[160];

    if (c == NULL) {
        app_message(s->a, true, "No hay campaña seleccionada.");
        return true;
    }
    if (act == ACTION_CAMPAIGN_PAUSE && progreso_puede_pausar(c->estado))
        accion_submit(s, c->id, false, DB_CAMPANA_PAUSAR);
    else if (act == ACTION_CAMPAIGN_RESUME && progreso_puede_reanudar(c->estado))
        accion_submit(s, c->id, false,
                      strcmp(c->estado, "LISTA") == 0 ? DB_CAMPANA_LANZAR : DB_CAMPANA_REANUDAR);
    else if (act == ACTION_CAMPAIGN_RETRY && s->m.tiene_cuentas && s->m.c.id == c->id &&
             s->m.c.fallidos > 0)
        retry_submit(s, c->id);
    else if (act == ACTION_CAMPAIGN_CANCEL && progreso_puede_cancelar(c->estado)) {
        snprintf(q, sizeof q, "¿Cancelar la campaña %lld? Lo pendiente no se enviará.",
                 (long long)c->id);
        app_confirm_ask(s->a, q, cancel_answer, s);
    } else if (act == ACTION_CAMPAIGN_RETRY)
        app_message(s->a, true, "Esta campaña no tiene mensajes fallidos.");
    else
        app_message(s->a, true, "No se puede en una campaña %s.", c->estado);
    return true;
}

static bool
uncertain_key(struct progreso_st *s, enum action act)
{
    const struct progreso_incierto *u = progreso_model_incierto(&s->m);

    if (s->m.foco != PROGRESO_FOCO_INCIERTOS || u == NULL)
        app_message(s->a, true, "Elija primero un mensaje en duda (→).");
    else
        accion_submit(s, u->id, true,
                      act == ACTION_UNCERTAIN_SENT     ? DB_INCIERTO_ENVIADO
                      : act == ACTION_UNCERTAIN_RESEND ? DB_INCIERTO_REENVIAR
                                                       : DB_INCIERTO_DESCARTAR);
    return true;
}

static bool
progreso_key(void *st, enum action act, const struct key *k)
{
    struct progreso_st *s = st;
    int before = s->m.cur_campana;

    (void)k;
    if (act == ACTION_CAMPAIGN_PAUSE || act == ACTION_CAMPAIGN_RESUME ||
        act == ACTION_CAMPAIGN_CANCEL || act == ACTION_CAMPAIGN_RETRY)
        return campaign_key(s, act);
    if (act == ACTION_UNCERTAIN_SENT || act == ACTION_UNCERTAIN_RESEND ||
        act == ACTION_UNCERTAIN_DROP)
        return uncertain_key(s, act);
    if (!progreso_model_action(&s->m, act))
        return act == ACTION_LEFT || act == ACTION_RIGHT || act == ACTION_UP ||
               act == ACTION_DOWN;
    if (s->m.cur_campana != before)
        progreso_load(s);
    app_redraw(s->a);
    return true;
}

void
progreso_panel_mostrar(struct app *a, int64_t id)
{
    struct progreso_st *s = app_pane_state(a, "progreso");

    if (s == NULL)
        return;
    s->want = id;
    progreso_load(s);
    app_show_pane(a, "progreso");
}

static void *
progreso_create(struct app *a)
{
    struct progreso_st *s = xcalloc(1, sizeof *s);

    s->a = a;
    progreso_model_init(&s->m);
    return s;
}

static void
progreso_destroy(void *st)
{
    struct progreso_st *s = st;

    progreso_model_fini(&s->m);
    free(s);
}

static void
progreso_enter(void *st)
{
    progreso_load(st);
}

/* A click on a campaign shows its progress, as ↑↓ would (a read when it is another one). */
static bool
progreso_click(void *st, int y, int x)
{
    struct progreso_st *s = st;
    int before = s->m.cur_campana;

    (void)x;
    if (!progreso_vm_click(&s->vm, &s->m, y))
        return false;
    if (s->m.cur_campana != before)
        progreso_load(s);
    return true;
}

static void
progreso_draw(void *st, struct pane *p)
{
    struct progreso_st *s = st;

    s->m.ascii = term_ascii();
    s->m.read_only = vm_profile_read_only(app_profile(s->a));
    s->m.crea = app_profile(s->a) == VM_PROFILE_PROMOTOR;
    s->m.equipo = vm_profile_sees_others(app_profile(s->a));
    progreso_vm_build(&s->vm, &s->m, p->w, p->h);
    progreso_pane_draw(p, &s->vm);
}

static void
progreso_notify(void *st, const struct app_notify *n)
{
    struct progreso_st *s = st;

    if (s->m.loaded && (n->resync || (n->tablas & APP_T_OTRA) != 0))
        progreso_load(s);
}

const struct pane_ops progreso_panel = {
    .name = "progreso",
    .title = "Progreso",
    .ctx = KEYMAP_PROGRESO,
    .roles = PANE_ROLES_ALL,
    .keys = progreso_keys,
    .nkeys = sizeof progreso_keys / sizeof progreso_keys[0],
    .create = progreso_create,
    .destroy = progreso_destroy,
    .enter = progreso_enter,
    .key = progreso_key,
    .click = progreso_click,
    .draw = progreso_draw,
    .notify = progreso_notify,
};
