/*
 * wa_panel — the "whatsapp" pane (promoters): the account as the database has it (re-read on
 * every notification), the sender's health, and linking: v on an account not linked starts
 * linking (ui/wa_vincular.c: the simulated network, or the native client over web), whose QR
 * refs arrive through wa_panel_qr and are drawn with a countdown ticking each second; when
 * every ref expired, v asks again; on the simulated network s scans. n links by phone number
 * instead (a form asks for it; the code to type on the phone arrives through wa_panel_codigo):
 * what a terminal too small or without UTF-8 for the QR needs. Once linked, v starts the
 * sender. An account of Meta's official API (CLOUD, docs/wa-cloud.md) shows Meta's number,
 * rating and limit instead, and has none of those keys: the central server sends for it, so
 * they are left out of the hint bar and the help (wa_has) and pressing one says why. Also the
 * shared helpers of ui/campanas_panel.h.
 *
 * Loop thread only, except wa_query (worker thread, the job's own fields). The countdown's
 * uv_timer_t exists only while a QR is shown; it closes itself when the client quits (the
 * controller closes its own handles, not the panes').
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "cmd/wa_link.h"
#include "core/config.h"
#include "core/transport.h"
#include "db/db_wa.h"
#include "db/db_wa_cloud.h"
#include "ui/app_internal.h"
#include "ui/campanas_panel.h"
#include "ui/pane/wa_pane.h"
#include "ui/term/term.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define CH(c)                  \
    {                          \
        KK_CHAR, (uint32_t)(c) \
    }

static const struct keymap_entry wa_keys[] = {
    { KEYMAP_WA, CH('v'), ACTION_WA_LINK, "vincular / pedir otro código", true, 0 },
    { KEYMAP_WA, CH('n'), ACTION_WA_LINK_PHONE, "vincular con el número de teléfono", true, 0 },
    { KEYMAP_WA, CH('s'), ACTION_WA_SCAN, "simular el escaneo (red simulada)", true, 0 },
    { KEYMAP_WA, CH('e'), ACTION_WA_SEND, "iniciar o detener el envío", true, 0 },
};

struct wa_st {
    struct app *a;
    struct wa_model m;
    struct wa_vm vm;
    bool loading, again;
    struct wa_envio_ops envio;
    bool has_envio, envio_init;
    uv_timer_t tick;
    bool tick_init, tick_closing;
    struct form_vm form; /* the phone number for n */
    bool form_open;
};

struct wa_job {
    struct app_job base;
    struct db_wa_cuenta c;
    bool cloud; /* the account sends through Meta's official API */
    char calidad[DB_WA_CLOUD_CALIDAD_MAX + 1];
    struct wa_st *st;
};

/* ---- shared helpers ----------------------------------------------------------------- */

int64_t
campanas_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
campanas_hhmm(struct app *a, time_t t, char *buf, size_t len)
{
    time_t local = t + (a->have_offset ? a->utc_offset_s : 0);
    struct tm tm;

    gmtime_r(&local, &tm);
    strftime(buf, len, "%H:%M", &tm);
}

void
campanas_fecha(struct app *a, int days_ago, char *buf, size_t len)
{
    time_t local = time(NULL) + (a->have_offset ? a->utc_offset_s : 0) - (time_t)days_ago * 86400;
    struct tm tm;

    gmtime_r(&local, &tm);
    strftime(buf, len, "%Y-%m-%d", &tm);
}

/* ---- the account -------------------------------------------------------------------- */

static int
wa_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct wa_job *j = (struct wa_job *)aj;
    int rc = db_wa_cuenta(db, &j->c, e);

    return rc == RC_OK ? db_wa_cloud_propia(db, &j->cloud, j->calidad, e) : rc;
}

static void wa_load(struct wa_st *s);

static void
wa_apply(struct wa_st *s, const struct wa_job *j)
{
    const struct db_wa_cuenta *c = &j->c;
    struct wa_model *m = &s->m;

    m->loaded = true;
    m->error[0] = '\0';
    m->estado = wa_estado_parse(c->estado);
    snprintf(m->jid, sizeof m->jid, "%s", c->jid != NULL ? c->jid : "");
    snprintf(m->detalle, sizeof m->detalle, "%s", c->detalle != NULL ? c->detalle : "");
    m->en_uso_desde = c->en_uso_desde;
    m->limite_diario = c->limite_diario;
    m->tope_hoy = c->tope_hoy;
    m->envio_servidor = c->envio_servidor;
    m->cloud = j->cloud;
    snprintf(m->calidad, sizeof m->calidad, "%s", j->calidad);
    if (m->cloud && s->has_envio && m->envio == WA_ENVIO_ACTIVO) {
        /* made a Cloud API account while this session sent: the server sends for it now */
        s->envio.detener(s->envio.ctx);
        m->envio = WA_ENVIO_DETENIDO;
    }
}

static void
wa_result(struct app_job *aj)
{
    struct wa_job *j = (struct wa_job *)aj;
    struct wa_st *s = j->st;

    s->loading = false;
    if (aj->rc == RC_OK)
        wa_apply(s, j);
    else
        snprintf(s->m.error, sizeof s->m.error, "No se pudo leer la cuenta: %.400s", aj->e.msg);
    app_redraw(s->a);
    if (s->again) {
        s->again = false;
        wa_load(s);
    }
}

static void
wa_release(struct app_job *aj)
{
    struct wa_job *j = (struct wa_job *)aj;

    db_wa_cuenta_fini(&j->c);
    free(j);
}

static void
wa_load(struct wa_st *s)
{
    struct wa_job *j;

    if (s->loading) {
        s->again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->base.query = wa_query;
    j->base.result = wa_result;
    j->base.release = wa_release;
    s->loading = true;
    app_submit(s->a, &j->base);
}

/* ---- the countdown ------------------------------------------------------------------ */

static void
tick_closed(uv_handle_t *h)
{
    struct wa_st *s = h->data;

    s->tick_init = s->tick_closing = false;
}

static void
tick_stop(struct wa_st *s)
{
    if (s->tick_init && !s->tick_closing) {
        s->tick_closing = true;
        uv_close((uv_handle_t *)&s->tick, tick_closed);
    }
}

static void
on_tick(uv_timer_t *t)
{
    struct wa_st *s = t->data;

    if (s->a->quit || (s->m.qr == NULL && s->m.codigo[0] == '\0')) {
        tick_stop(s);
        return;
    }
    s->m.now_ms = campanas_now_ms();
    app_redraw(s->a);
}

static void
tick_start(struct wa_st *s)
{
    if (s->tick_init || s->a->quit)
        return;
    uv_timer_init(&s->a->loop, &s->tick);
    s->tick.data = s;
    s->tick_init = true;
    uv_timer_start(&s->tick, on_tick, 1000, 1000);
}

/* ---- what the sender reports -------------------------------------------------------- */

static struct wa_st *
wa_state(struct app *a)
{
    return app_pane_state(a, "whatsapp");
}

void
wa_panel_set_envio(struct app *a, const struct wa_envio_ops *ops)
{
    struct wa_st *s = wa_state(a);

    if (s == NULL)
        return;
    s->has_envio = ops != NULL;
    if (ops != NULL)
        s->envio = *ops;
    app_redraw(a);
}

const struct wa_envio_ops *
wa_panel_envio_ops(struct app *a)
{
    struct wa_st *s = wa_state(a);

    return s != NULL && s->has_envio ? &s->envio : NULL;
}

void
wa_panel_qr(struct app *a, const char *ref, int64_t expira_ms)
{
    struct wa_st *s = wa_state(a);
    struct err e;

    if (s == NULL)
        return;
    s->m.now_ms = campanas_now_ms();
    if (wa_model_set_qr(&s->m, ref, expira_ms, &e) != RC_OK)
        log_warn("código QR no representable: %s", e.msg);
    else
        tick_start(s);
    s->m.estado = WA_VINCULANDO;
    app_redraw(a);
}

void
wa_panel_codigo(struct app *a, const char *codigo, int64_t expira_ms)
{
    struct wa_st *s = wa_state(a);
    struct err e;

    if (s == NULL)
        return;
    s->m.now_ms = campanas_now_ms();
    if (wa_model_set_codigo(&s->m, codigo, expira_ms, &e) != RC_OK)
        log_warn("código de vinculación no representable: %s", e.msg);
    else
        tick_start(s);
    s->m.estado = WA_VINCULANDO;
    app_redraw(a);
}

void
wa_panel_qr_fin(struct app *a, bool vencido)
{
    struct wa_st *s = wa_state(a);

    if (s == NULL)
        return;
    wa_model_qr_end(&s->m, vencido);
    tick_stop(s);
    wa_load(s);
    app_redraw(a);
}

void
wa_panel_envio(struct app *a, enum wa_envio envio, const char *salud)
{
    struct wa_st *s = wa_state(a);

    if (s == NULL)
        return;
    s->m.envio = envio;
    snprintf(s->m.salud, sizeof s->m.salud, "%s", salud != NULL ? salud : "");
    app_redraw(a);
}

/* ---- the pane ----------------------------------------------------------------------- */

/* This session's sender (ui/wa_envio.c) registered once, when the configuration allows one:
 * on the first visit to the pane, or when Detalle queues an answer before any. */
static void
wa_envio_asegurar(struct wa_st *s)
{
    if (!s->envio_init) {
        s->envio_init = true;
        wa_envio_init(s->a);
    }
}

int
wa_panel_responder(struct app *a, struct err *e)
{
    struct wa_st *s = wa_state(a);
    int rc;

    if (s == NULL)
        return err_set(e, RC_INVAL, "esta sesión no envía por WhatsApp");
    wa_envio_asegurar(s);
    if (!s->has_envio)
        return err_set(e, RC_INVAL,
                       "esta sesión no tiene el proceso de envío: sale cuando lo"
                       " envíe «embudo worker» u otra sesión suya");
    /* Running: iniciar does nothing and despertar wakes it; stopped: iniciar starts it (its
     * first claim takes the answer) and the wake is harmless. */
    if ((rc = s->envio.iniciar(s->envio.ctx, e)) != RC_OK)
        return rc;
    s->envio.despertar(s->envio.ctx);
    if (s->m.envio != WA_ENVIO_ACTIVO)
        wa_panel_envio(a, WA_ENVIO_ACTIVO, NULL);
    return RC_OK;
}

static void
wa_iniciar(struct wa_st *s)
{
    struct err e = { 0 };

    if (!s->has_envio) {
        app_message(s->a, true,
                    "Esta sesión no tiene el proceso de envío; la cuenta queda lista "
                    "para «embudo worker».");
        return;
    }
    if (!app_require_db(s->a, "iniciar el envío"))
        return;
    if (s->envio.iniciar(s->envio.ctx, &e) != RC_OK) {
        app_message(s->a, true, "%s", e.rc == RC_BUSY ? "Enviando desde otra sesión." : e.msg);
        if (e.rc == RC_BUSY)
            wa_panel_envio(s->a, WA_ENVIO_OTRA_SESION, NULL);
        return;
    }
    wa_panel_envio(s->a, WA_ENVIO_ACTIVO, NULL);
}

/* The link ended: stored (the sender may start now) or not (code, why); every ref expiring
 * (408) is said as such, and v asks again either way. */
static void
wa_vinculo_fin(struct app *a, bool ok, int code, const char *why)
{
    struct wa_st *s = wa_state(a);

    if (s == NULL)
        return;
    wa_panel_qr_fin(a, !ok && code == TRANSPORT_CLOSE_TIMED_OUT);
    if (!ok) {
        app_message(a, true, "No se vinculó: %s", why);
        return;
    }
    app_message(a, false, "WhatsApp vinculado.");
    if (s->has_envio && s->m.envio != WA_ENVIO_ACTIVO)
        wa_iniciar(s);
}

static bool
wa_sin_vincular(const struct wa_model *m)
{
    return m->estado == WA_SIN_VINCULAR || m->estado == WA_REQUIERE_VINCULO ||
           m->estado == WA_DESCONOCIDO || (m->estado == WA_VINCULANDO && m->jid[0] == '\0');
}

/* Starts linking: by QR (telefono NULL) or by phone number (digits with the country code). */
static void
wa_vincular(struct wa_st *s, const char *telefono)
{
    struct err e = { 0 };

    if (!wa_sin_vincular(&s->m)) {
        if (s->m.envio != WA_ENVIO_ACTIVO)
            wa_iniciar(s);
        else
            app_message(s->a, false, "La cuenta ya está vinculada y enviando.");
        return;
    }
    if (!app_require_db(s->a, "vincular"))
        return;
    if ((s->m.sim ? wa_vincular_sim(s->a, wa_vinculo_fin, telefono, &e)
                  : wa_vincular_web(s->a, wa_vinculo_fin, telefono, &e)) != RC_OK) {
        app_message(s->a, true, "%s", e.msg);
        return;
    }
    s->m.qr_vencido = false;
    s->m.estado = WA_VINCULANDO;
    app_redraw(s->a);
}

/* ---- the phone number form ---------------------------------------------------------- */

static bool
telefono_check(const char *v, char *msg, size_t msgsz)
{
    char numero[WA_NUMBER_MAX];

    if (wa_link_telefono(v, numero))
        return true;
    snprintf(msg, msgsz, "10 dígitos de México (con o sin +52), u otro país con +lada");
    return false;
}

static void
telefono_submit(void *ctx, struct form_vm *f)
{
    struct wa_st *s = ctx;
    char numero[WA_NUMBER_MAX];

    if (!wa_link_telefono(form_vm_value(f, 0), numero))
        return; /* the form's own check already says why */
    app_form_close(s->a);
    wa_vincular(s, numero);
}

static void
telefono_closed(void *ctx, struct form_vm *f)
{
    (void)f;
    ((struct wa_st *)ctx)->form_open = false;
}

static const struct app_form_ops telefono_form_ops = { telefono_submit, telefono_closed };

static void
telefono_form(struct wa_st *s)
{
    struct form_field *f;

    if (!wa_sin_vincular(&s->m) || s->m.estado == WA_VINCULANDO) {
        wa_vincular(s, NULL); /* linked already, or an attempt is under way: v's answer */
        return;
    }
    form_vm_init(&s->form, "Vincular con el número de teléfono");
    if ((f = form_vm_add(&s->form, "Su número de WhatsApp", FORM_TEXT, true, NULL)) != NULL) {
        f->max_len = 20;
        f->check = telefono_check;
    }
    s->form_open = true;
    app_form_open(s->a, &s->form, &telefono_form_ops, s);
}

/* A key that links or starts the sender, pressed before the account was read or on one that
 * sends through Meta: said, and nothing done. True when it was such a key. */
static bool
wa_key_refused(struct wa_st *s, enum action act)
{
    const char *why = wa_model_refusal(&s->m, act);

    if (why != NULL) {
        app_message(s->a, false, "%s", why);
        return true;
    }
    if (!s->m.loaded &&
        (act == ACTION_WA_LINK || act == ACTION_WA_LINK_PHONE || act == ACTION_WA_SEND)) {
        app_message(s->a, false, "Un momento: aún se consulta su cuenta de WhatsApp.");
        return true;
    }
    return false;
}

static bool
wa_key(void *st, enum action act, const struct key *k)
{
    struct wa_st *s = st;
    struct err e = { 0 };

    (void)k;
    if (wa_key_refused(s, act))
        return true;
    if (act == ACTION_WA_LINK) {
        wa_vincular(s, NULL);
        return true;
    }
    if (act == ACTION_WA_LINK_PHONE) {
        telefono_form(s);
        return true;
    }
    if (act == ACTION_WA_SCAN) {
        if (!s->m.sim)
            app_message(s->a, false,
                        "Solo en la red simulada: escanee el código con su teléfono "
                        "(WhatsApp › Dispositivos vinculados).");
        else if (wa_vincular_sim_escanear(&e) != RC_OK)
            app_message(s->a, true, "%s", e.msg);
        return true;
    }
    if (act == ACTION_WA_SEND) {
        if (s->m.envio == WA_ENVIO_ACTIVO && s->has_envio) {
            s->envio.detener(s->envio.ctx);
            wa_panel_envio(s->a, WA_ENVIO_DETENIDO, "detenido por usted");
        } else {
            wa_iniciar(s);
        }
        return true;
    }
    return false;
}

static void *
wa_create(struct app *a)
{
    struct wa_st *s = xcalloc(1, sizeof *s);

    s->a = a;
    wa_model_init(&s->m);
    s->m.sim = strcmp(a->cfg->transport.value, "sim") == 0;
    return s;
}

static void
wa_destroy(void *st)
{
    struct wa_st *s = st;

    wa_model_fini(&s->m);
    form_vm_fini(&s->form);
    free(s);
}

static void
wa_enter(void *st)
{
    struct wa_st *s = st;

    wa_envio_asegurar(s);
    if (!s->m.loaded)
        wa_load(s);
}

static void
wa_draw(void *st, struct pane *p)
{
    struct wa_st *s = st;

    s->m.ascii = term_ascii();
    s->m.now_ms = campanas_now_ms();
    wa_vm_build(&s->vm, &s->m, p->w, p->h);
    wa_pane_draw(p, &s->vm);
}

static void
wa_notify(void *st, const struct app_notify *n)
{
    struct wa_st *s = st;

    if (n->resync || (n->mine && (n->tablas & APP_T_WA_CUENTAS) != 0))
        wa_load(s);
}

static bool
wa_has(const void *st, enum action act)
{
    return wa_model_has(&((const struct wa_st *)st)->m, act);
}

static const char *
wa_help_note(const void *st)
{
    return wa_model_help_note(&((const struct wa_st *)st)->m);
}

const struct pane_ops wa_panel = {
    .name = "whatsapp",
    .title = "WhatsApp",
    .ctx = KEYMAP_WA,
    .roles = PANE_ROLE(VM_PROFILE_PROMOTOR),
    .keys = wa_keys,
    .nkeys = sizeof wa_keys / sizeof wa_keys[0],
    .create = wa_create,
    .destroy = wa_destroy,
    .enter = wa_enter,
    .key = wa_key,
    .draw = wa_draw,
    .notify = wa_notify,
    .has = wa_has,
    .help_note = wa_help_note,
};
