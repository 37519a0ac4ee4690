/*
 * wa_envio — this session's sender (src/rt/sender.h) behind the WhatsApp pane's seam
 * (struct wa_envio_ops in ui/campanas_panel.h): v starts it for the promoter's own account,
 * its events become the pane's QR, countdown and health line; launching or resuming a
 * campaign wakes it. Linking on the simulated network is ui/wa_vincular.c's (the sender only
 * sends for a linked account).
 *
 * The controller does not tell panes it is quitting, and a running sender keeps the loop
 * alive: a 200 ms watch timer, alive only while a sender exists, stops it (and itself) once
 * the client quits or the sender reported STOPPED. Loop thread only.
 */
#include "ui/campanas_panel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "core/config.h"
#include "rt/sender.h"
#include "ui/app_internal.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

extern char **environ;

struct wa_envio_rt {
    struct app *a;
    struct sender *s;
    struct sender_options opt;
    bool stopped; /* SENDER_EV_STOPPED seen: sender_stop from the watch, not the callback */
    bool qr;      /* a QR is on screen */
    uv_timer_t watch;
    bool watch_on, watch_closing;
};

static void envio_watch_start(struct wa_envio_rt *w);

static void
on_event(void *ctx, const struct sender_event *ev)
{
    struct wa_envio_rt *w = ctx;
    struct app *a = w->a;

    switch (ev->kind) {
    case SENDER_EV_QR:
        w->qr = true;
        wa_panel_qr(a, ev->text, ev->at_ms);
        return;
    case SENDER_EV_OPEN:
        if (w->qr)
            wa_panel_qr_fin(a, false);
        w->qr = false;
        wa_panel_envio(a, WA_ENVIO_ACTIVO, "conectado");
        return;
    case SENDER_EV_DOWN:
        if (w->qr && ev->code == 408)
            wa_panel_qr_fin(a, true);
        w->qr = w->qr && ev->code != 408;
        wa_panel_envio(a, WA_ENVIO_ACTIVO, ev->text);
        return;
    case SENDER_EV_STOPPED:
        if (w->qr)
            wa_panel_qr_fin(a, true);
        w->qr = false;
        w->stopped = true;
        wa_panel_envio(a, ev->code == RC_BUSY ? WA_ENVIO_OTRA_SESION : WA_ENVIO_DETENIDO,
                       ev->text);
        return;
    case SENDER_EV_STARTED:
    case SENDER_EV_REST:
    case SENDER_EV_ERROR:
        wa_panel_envio(a, WA_ENVIO_ACTIVO, ev->text);
        return;
    case SENDER_EV_IDLE:
        wa_panel_envio(a, WA_ENVIO_ACTIVO, "sin envíos pendientes por ahora");
        return;
    case SENDER_EV_SENT:
    case SENDER_EV_FAILED:
    case SENDER_EV_UNCERTAIN:
    case SENDER_EV_RECEIPT:
    case SENDER_EV_INCOMING:
        return; /* the panes re-read on the database's NOTIFY */
    }
}

static void
watch_closed(uv_handle_t *h)
{
    struct wa_envio_rt *w = h->data;

    w->watch_on = w->watch_closing = false;
}

static void
envio_stop(struct wa_envio_rt *w)
{
    if (w->s != NULL) {
        sender_stop(w->s);
        w->s = NULL;
    }
}

static void
on_watch(uv_timer_t *t)
{
    struct wa_envio_rt *w = t->data;

    if (w->a->quit || w->stopped)
        envio_stop(w);
    if (w->s == NULL && !w->watch_closing) {
        w->watch_closing = true;
        uv_close((uv_handle_t *)&w->watch, watch_closed);
    }
}

static void
envio_watch_start(struct wa_envio_rt *w)
{
    if (w->watch_on)
        return;
    uv_timer_init(&w->a->loop, &w->watch);
    w->watch.data = w;
    w->watch_on = true;
    uv_timer_start(&w->watch, on_watch, 200, 200);
}

static int
envio_iniciar(struct wa_envio_rt *w, struct err *e)
{
    struct sender_params p = { .cfg = w->a->cfg, .opt = w->opt };
    struct sender_callbacks cb = { .ctx = w, .event = on_event };

    if (w->s != NULL && !w->stopped)
        return RC_OK; /* already running */
    if (w->watch_closing)
        return err_set(e, RC_BUSY, "el envío anterior aún se está deteniendo; intente de nuevo");
    envio_stop(w);
    p.login = w->a->start_login[0] != '\0' ? w->a->start_login : NULL;
    w->stopped = false;
    if ((w->s = sender_start(&w->a->loop, &p, &cb, e)) == NULL)
        return e->rc;
    envio_watch_start(w);
    return RC_OK;
}

static int
op_iniciar(void *ctx, struct err *e)
{
    return envio_iniciar(ctx, e);
}

static void
op_detener(void *ctx)
{
    struct wa_envio_rt *w = ctx;

    w->stopped = true; /* the watch stops it (not inside a key handler's frame of events) */
}

static void
op_despertar(void *ctx)
{
    struct wa_envio_rt *w = ctx;

    if (w->s != NULL && !w->stopped)
        sender_wake(w->s);
}

void
wa_envio_init(struct app *a)
{
    static struct wa_envio_rt w; /* loop thread only: one per client */
    struct err e = { 0 };
    struct wa_envio_ops ops = { .iniciar = op_iniciar, .detener = op_detener,
                                .despertar = op_despertar, .ctx = &w };

    memset(&w, 0, sizeof w);
    w.a = a;
    if (sender_options_load(&w.opt, a->cfg, environ, &e) == RC_OK)
        w.opt.web = a->web;
    if (e.rc != RC_OK || sender_transport_check(&w.opt, &e) != RC_OK) {
        log_warn("sin envío en esta sesión: %s", e.msg);
        return;
    }
    wa_panel_set_envio(a, &ops);
}
