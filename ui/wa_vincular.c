/*
 * wa_vincular — linking the promoter's account from the WhatsApp pane, on either transport.
 * The campaign sender only sends for a linked account, so the terminal does the pairing
 * itself, as `embudo wa link` does, and shows each QR ref with its countdown (wa_panel_qr).
 *
 * Either way a phone number turns the QRs into one code to type on that phone
 * (transport_link_code / the factory's telefono; wa_panel_codigo shows it).
 *
 * Simulated network (transport = sim):
 *   connect (unpaired) → QR refs with their expiry, rotating (or the code) → s (or
 *   EMBUDO_SIM_AUTOSCAN=1) scans → close 515 → reconnect at once (core/reconnect) → open with
 *   the account's JID →
 *   a job stores the link as `embudo wa link` does on sim (cmd/wa_sim: the session marker
 *   sealed with the key file, api.wa_guardar_credenciales, CONECTADA). All refs expiring (408)
 *   ends the attempt: v starts another.
 * The simulated transport is pure and cheap, so it runs on the loop thread, driven by one
 * uv_timer_t armed for its next deadline (transport_clock.wake); the timer exists only while
 * linking and closes itself when the attempt ends or the client quits. Database and key file
 * work go to the database worker as a job.
 *
 * Native client (transport = web): the ui may not build it, so the composition root injects a
 * struct wa_link_factory (ui/wa_vincular.h; src/cmd/wa_link.c) through app_run. The attempt
 * blocks on the database whenever the credentials change, so it runs on a thread of its own
 * ("vinculo") with its own libuv loop and connection, like the sender:
 *
 *   loop thread: v → thread created, wake (uv_async_t) and watch (uv_timer_t) on its loop
 *   link thread: loop → stop handle → factory start (refusals, fresh credentials, VINCULANDO,
 *                connect) → qr / paired / end events queued under lock, wake sent →
 *                uv_run until the client is done → factory finish (the account's state,
 *                as `wa link` records it) → DONE queued
 *   loop thread: drains the queue: QR → wa_panel_qr; DONE → join, fin(ok, code, why), handles
 *                closed, the attempt freed from the last close callback.
 * The client quitting (the watch timer sees a->quit) sends the stop handle, under the lock and
 * only while the link loop has it open; the factory's stop ends the attempt without events.
 *
 * Loop thread only, except vinc_query (database worker) and the vw_thread side (link thread).
 */
#include "ui/wa_vincular.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "cmd/wa_sim.h"
#include "core/config.h"
#include "core/reconnect.h"
#include "core/rng.h"
#include "core/transport.h"
#include "core/transport_sim.h"
#include "ui/app_internal.h"
#include "ui/campanas_panel.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

struct wa_vinc {
    struct app *a;
    struct transport *t;
    struct rng rng;
    uv_timer_t timer;
    bool timer_on, timer_closing;
    bool done; /* ended: free the transport from the timer, not from its own callback */
    unsigned attempt;
    void (*fin)(struct app *a, bool ok, int code, const char *why);
};

/* Loop thread only: one linking attempt per client at a time. */
static struct wa_vinc vinc;

static int64_t
vinc_now(void *ctx)
{
    (void)ctx;
    return campanas_now_ms();
}

static void
vinc_timer_closed(uv_handle_t *h)
{
    struct wa_vinc *v = h->data;

    v->timer_on = v->timer_closing = false;
}

static void
vinc_close(struct wa_vinc *v)
{
    if (v->t != NULL) {
        transport_free(v->t);
        v->t = NULL;
    }
    if (v->timer_on && !v->timer_closing) {
        v->timer_closing = true;
        uv_close((uv_handle_t *)&v->timer, vinc_timer_closed);
    }
}

static void on_timer(uv_timer_t *t);

static void
vinc_wake(void *ctx, int64_t deadline_ms)
{
    struct wa_vinc *v = ctx;
    int64_t now = campanas_now_ms();

    if (v->timer_on && !v->timer_closing)
        uv_timer_start(&v->timer, on_timer, deadline_ms > now ? (uint64_t)(deadline_ms - now) : 0,
                       0);
}

static void
on_timer(uv_timer_t *t)
{
    struct wa_vinc *v = t->data;
    int64_t d;

    if (v->a->quit)
        v->done = true;
    if (!v->done && v->t != NULL)
        (void)transport_sim_advance(v->t, campanas_now_ms());
    if (v->done) {
        vinc_close(v);
        return;
    }
    if (transport_sim_next_deadline(v->t, &d))
        vinc_wake(v, d);
    else
        uv_timer_start(&v->timer, on_timer, 1000, 0); /* keep watching for quit */
}

/* ---- storing the link ------------------------------------------------------------- */

struct vinc_job {
    struct app_job base;
    char jid[128];
    char key_file[1024];
    int usuario_id;
};

static int
vinc_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct vinc_job *j = (struct vinc_job *)aj;

    return wa_sim_guardar(db, j->key_file, j->usuario_id, j->jid, e);
}

static void
vinc_result(struct app_job *aj)
{
    struct wa_vinc *v = &vinc;

    if (v->fin != NULL)
        v->fin(aj->app, aj->rc == RC_OK, 0, aj->rc == RC_OK ? "" : aj->e.msg);
}

/* ---- the transport's events -------------------------------------------------------- */

static void
ev_qr(void *ctx, const char *qr, int64_t expires_at_ms)
{
    struct wa_vinc *v = ctx;

    wa_panel_qr(v->a, qr, expires_at_ms);
}

static void
ev_code(void *ctx, const char *code, int64_t expires_at_ms)
{
    struct wa_vinc *v = ctx;

    wa_panel_codigo(v->a, code, expires_at_ms);
}

static void
ev_open(void *ctx, const char *self)
{
    struct wa_vinc *v = ctx;
    struct vinc_job *j = xcalloc(1, sizeof *j);

    snprintf(j->jid, sizeof j->jid, "%s", self);
    snprintf(j->key_file, sizeof j->key_file, "%s", v->a->cfg->wa_key_file.value);
    j->usuario_id = v->a->usuario_id;
    j->base.query = vinc_query;
    j->base.result = vinc_result;
    app_submit(v->a, &j->base);
    v->done = true; /* the session marker is stored; the sender opens its own connection */
}

static void
ev_close(void *ctx, int code, const char *reason)
{
    struct wa_vinc *v = ctx;
    struct reconnect_decision d;
    struct err e = { 0 };

    reconnect_decide(code, true, v->attempt++, &v->rng, &d);
    log_info("vinculación simulada: cierre %d (%s): %s", code, reason, d.why);
    if (d.action == RECONNECT_NOW && transport_connect(v->t, &e) == RC_OK)
        return;
    v->done = true;
    if (v->fin != NULL)
        v->fin(v->a, false, code, d.why);
}

/* ---- public (campanas_panel.h) ------------------------------------------------------ */

int
wa_vincular_sim(struct app *a, void (*fin)(struct app *a, bool ok, int code, const char *why),
                const char *telefono, struct err *e)
{
    struct wa_vinc *v = &vinc;
    struct sim_config cfg;
    struct transport_clock clk = { .now_ms = vinc_now, .wake = vinc_wake, .ctx = v };
    struct transport_events ev = {
        .ctx = v, .qr = ev_qr, .code = ev_code, .open = ev_open, .close = ev_close
    };
    const char *scan = getenv("EMBUDO_SIM_AUTOSCAN"), *seed = getenv("EMBUDO_SIM_SEED");
    char self[64];

    if (v->t != NULL || v->timer_on)
        return err_set(e, RC_BUSY, "ya hay una vinculación en curso");
    memset(v, 0, sizeof *v);
    sim_config_default(&cfg);
    v->a = a;
    v->fin = fin;
    cfg.seed = seed != NULL ? (uint64_t)strtoull(seed, NULL, 10) : (uint64_t)getpid();
    rng_seed(&v->rng, cfg.seed);
    cfg.linked = false;
    cfg.autoscan = scan != NULL && strcmp(scan, "1") == 0;
    wa_sim_jid(a->usuario_id, self, sizeof self);
    cfg.self = self;
    if ((v->t = transport_sim_new(&cfg, &clk, &ev, e)) == NULL)
        return e->rc;
    uv_timer_init(&a->loop, &v->timer);
    v->timer.data = v;
    v->timer_on = true;
    if (transport_connect(v->t, e) != RC_OK ||
        (telefono != NULL && transport_link_code(v->t, telefono, e) != RC_OK)) {
        vinc_close(v);
        return e->rc;
    }
    uv_timer_start(&v->timer, on_timer, 0, 0);
    return RC_OK;
}

int
wa_vincular_sim_escanear(struct err *e)
{
    if (vinc.t == NULL || vinc.done)
        return err_set(e, RC_INVAL, "no hay un código en pantalla; pulse v");
    return transport_sim_scan(vinc.t, e);
}

/* ---- the native client on its own thread ------------------------------------------------ */

enum vw_kind {
    VW_QR,     /* a QR ref: text, at_ms = when it expires */
    VW_CODE,   /* the phone code: text, at_ms = when it expires */
    VW_PAIRED, /* the phone scanned it: text = the device's JID */
    VW_END,    /* linked (ok) or not (text: why) */
    VW_DONE,   /* the thread finished (the account's state recorded): join it */
};

struct vw_ev {
    struct vw_ev *next;
    enum vw_kind kind;
    bool ok;
    int code; /* VW_END: the close code */
    int64_t at_ms;
    char *text;
};

struct wa_vinc_web {
    struct app *a;
    const struct wa_link_factory *f;
    void (*fin)(struct app *a, bool ok, int code, const char *why);
    char login[64];
    char telefono[24]; /* "" = by QR */
    uv_thread_t thread;
    uv_async_t wake;  /* link thread → loop thread: events queued */
    uv_timer_t watch; /* loop thread: notices the client quitting */
    int handles;      /* wake and watch still open; freed at 0 */
    bool stopping;    /* the quit was passed on */
    bool ok;          /* VW_END said linked */
    int code;         /* else its close code */
    char why[ERR_MSG_BYTES];

    uv_mutex_t lock; /* guards head, tail, stop_live and stop_req */
    struct vw_ev *head, **tail;
    bool stop_live; /* the link loop's stop handle is open: it may be sent */
    bool stop_req;  /* the loop thread asked the attempt to stop */

    /* Link thread only. */
    uv_loop_t loop;
    uv_async_t stop_h;
    bool stop_closed;
    void *state;
    struct err e;
};

/* Loop thread only: the attempt in progress (one per client), NULL when none. */
static struct wa_vinc_web *vweb;

/* Any thread: queues an event for the loop thread and wakes it. The send happens under the
 * lock, so the loop thread cannot close wake in between (it joins the thread first). */
static void
vw_post(struct wa_vinc_web *w, enum vw_kind kind, bool ok, int code, int64_t at_ms,
        const char *text)
{
    struct vw_ev *ev = xcalloc(1, sizeof *ev);

    ev->kind = kind;
    ev->ok = ok;
    ev->code = code;
    ev->at_ms = at_ms;
    ev->text = xstrdup(text != NULL ? text : "");
    uv_mutex_lock(&w->lock);
    *w->tail = ev;
    w->tail = &ev->next;
    uv_async_send(&w->wake);
    uv_mutex_unlock(&w->lock);
}

/* Link thread: no stop can be sent any more once this returns. */
static void
vw_stop_close(struct wa_vinc_web *w)
{
    if (w->stop_closed)
        return;
    w->stop_closed = true;
    uv_mutex_lock(&w->lock);
    w->stop_live = false;
    uv_mutex_unlock(&w->lock);
    uv_close((uv_handle_t *)&w->stop_h, NULL);
}

static void
vw_on_qr(void *ctx, const char *qr, int64_t expires_at_ms)
{
    vw_post(ctx, VW_QR, false, 0, expires_at_ms, qr);
}

static void
vw_on_code(void *ctx, const char *code, int64_t expires_at_ms)
{
    vw_post(ctx, VW_CODE, false, 0, expires_at_ms, code);
}

static void
vw_on_paired(void *ctx, const char *jid)
{
    vw_post(ctx, VW_PAIRED, false, 0, 0, jid);
}

static void
vw_on_end(void *ctx, bool ok, int code, const char *text)
{
    struct wa_vinc_web *w = ctx;

    vw_post(w, VW_END, ok, code, 0, text);
    vw_stop_close(w);
}

/* Link thread: the loop thread asked to stop (the client quits). */
static void
vw_on_stop(uv_async_t *h)
{
    struct wa_vinc_web *w = h->data;

    if (w->state != NULL)
        w->f->stop(w->state);
    vw_stop_close(w);
}

static void
vw_thread(void *arg)
{
    struct wa_vinc_web *w = arg;
    struct wa_link_events ev = {
        .ctx = w, .qr = vw_on_qr, .code = vw_on_code, .paired = vw_on_paired, .end = vw_on_end
    };
    bool stop_req;

    if (uv_loop_init(&w->loop) != 0 || uv_async_init(&w->loop, &w->stop_h, vw_on_stop) != 0)
        fatal("uv_loop_init (vinculación)");
    w->stop_h.data = w;
    uv_mutex_lock(&w->lock);
    w->stop_live = true;
    stop_req = w->stop_req;
    uv_mutex_unlock(&w->lock);
    if (!stop_req) {
        w->state = w->f->start(w->f->ctx, &w->loop, w->login[0] != '\0' ? w->login : NULL,
                               w->telefono[0] != '\0' ? w->telefono : NULL, &ev, &w->e);
        if (w->state == NULL)
            vw_post(w, VW_END, false, TRANSPORT_CLOSE_NETWORK, 0, w->e.msg);
    }
    if (w->state == NULL)
        vw_stop_close(w);
    uv_run(&w->loop, UV_RUN_DEFAULT);
    w->f->finish(w->state);
    w->state = NULL;
    if (uv_loop_close(&w->loop) != 0)
        log_warn("vinculación: el ciclo de eventos no cerró limpio");
    vw_post(w, VW_DONE, false, 0, 0, NULL);
}

static void
vw_closed(uv_handle_t *h)
{
    struct wa_vinc_web *w = h->data;

    if (--w->handles > 0)
        return;
    uv_mutex_destroy(&w->lock);
    if (vweb == w)
        vweb = NULL;
    free(w);
}

/* Loop thread: the thread is done; join it, say how it ended, release everything. */
static void
vw_done(struct wa_vinc_web *w)
{
    uv_thread_join(&w->thread);
    if (!w->a->quit && w->fin != NULL)
        w->fin(w->a, w->ok, w->code, w->why);
    uv_close((uv_handle_t *)&w->wake, vw_closed);
    uv_close((uv_handle_t *)&w->watch, vw_closed);
}

static void
vw_apply(struct wa_vinc_web *w, const struct vw_ev *ev)
{
    switch (ev->kind) {
    case VW_QR:
        if (!w->a->quit)
            wa_panel_qr(w->a, ev->text, ev->at_ms);
        return;
    case VW_CODE:
        if (!w->a->quit)
            wa_panel_codigo(w->a, ev->text, ev->at_ms);
        return;
    case VW_PAIRED:
        log_info("vinculación: emparejado con el teléfono como %s", ev->text);
        if (!w->a->quit)
            app_message(w->a, false, "Emparejado con el teléfono; iniciando sesión…");
        return;
    case VW_END:
        w->ok = ev->ok;
        w->code = ev->code;
        snprintf(w->why, sizeof w->why, "%s", ev->ok ? "" : ev->text);
        log_info("vinculación: %s%s", ev->ok ? "vinculado como " : "", ev->text);
        return;
    case VW_DONE:
        vw_done(w);
        return;
    }
}

static void
vw_on_wake(uv_async_t *h)
{
    struct wa_vinc_web *w = h->data;
    struct vw_ev *list, *next;

    uv_mutex_lock(&w->lock);
    list = w->head;
    w->head = NULL;
    w->tail = &w->head;
    uv_mutex_unlock(&w->lock);
    for (; list != NULL; list = next) {
        next = list->next;
        vw_apply(w, list);
        free(list->text);
        free(list);
    }
}

/* Loop thread: once the client quits, the attempt is asked to stop (once). */
static void
vw_on_watch(uv_timer_t *t)
{
    struct wa_vinc_web *w = t->data;

    if (!w->a->quit || w->stopping)
        return;
    w->stopping = true;
    uv_timer_stop(t);
    uv_mutex_lock(&w->lock);
    w->stop_req = true;
    if (w->stop_live)
        uv_async_send(&w->stop_h);
    uv_mutex_unlock(&w->lock);
}

int
wa_vincular_web(struct app *a, void (*fin)(struct app *a, bool ok, int code, const char *why),
                const char *telefono, struct err *e)
{
    struct wa_vinc_web *w;

    if (a->wa_link == NULL)
        return err_set(e, RC_INVAL,
                       "esta sesión no puede vincular con el cliente nativo; use "
                       "«embudo wa link»");
    if (vweb != NULL)
        return err_set(e, RC_BUSY, "ya hay una vinculación en curso");
    w = xcalloc(1, sizeof *w);
    w->a = a;
    w->f = a->wa_link;
    w->fin = fin;
    snprintf(w->login, sizeof w->login, "%s", a->start_login);
    snprintf(w->telefono, sizeof w->telefono, "%s", telefono != NULL ? telefono : "");
    w->tail = &w->head;
    if (uv_mutex_init(&w->lock) != 0) {
        free(w);
        return err_set(e, RC_IO, "no se pudo iniciar la vinculación (mutex)");
    }
    uv_async_init(&a->loop, &w->wake, vw_on_wake);
    uv_timer_init(&a->loop, &w->watch);
    w->wake.data = w->watch.data = w;
    w->handles = 2;
    vweb = w;
    if (uv_thread_create(&w->thread, vw_thread, w) != 0) {
        uv_close((uv_handle_t *)&w->wake, vw_closed);
        uv_close((uv_handle_t *)&w->watch, vw_closed);
        return err_set(e, RC_IO, "no se pudo iniciar el hilo de la vinculación");
    }
    uv_timer_start(&w->watch, vw_on_watch, 200, 200);
    return RC_OK;
}
