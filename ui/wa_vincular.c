/*
 * wa_vincular — linking the promoter's account on the simulated network from the WhatsApp
 * pane. The native client links with `embudo wa link`; the campaign sender only sends for a
 * linked account, so on `sim` the terminal does the pairing itself, as a phone would see it:
 *
 *   connect (unpaired) → QR refs with their expiry, rotating → s (or EMBUDO_SIM_AUTOSCAN=1)
 *   scans → close 515 → reconnect at once (core/reconnect) → open with the account's JID →
 *   a job stores the link as `embudo wa link` does on sim (cmd/wa_sim: the session marker
 *   sealed with the key file, api.wa_guardar_credenciales, CONECTADA). All refs expiring (408) ends the
 *   attempt: v starts another.
 *
 * The simulated transport is pure and cheap, so it runs on the loop thread, driven by one
 * uv_timer_t armed for its next deadline (transport_clock.wake); the timer exists only while
 * linking and closes itself when the attempt ends or the client quits. Database and key file
 * work go to the database worker as a job. Loop thread only, except vinc_query.
 */
#include "ui/campanas_panel.h"

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
    void (*fin)(struct app *a, bool ok, const char *why);
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
        uv_timer_start(&v->timer, on_timer,
                       deadline_ms > now ? (uint64_t)(deadline_ms - now) : 0, 0);
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
        v->fin(aj->app, aj->rc == RC_OK, aj->rc == RC_OK ? "" : aj->e.msg);
}

/* ---- the transport's events -------------------------------------------------------- */

static void
ev_qr(void *ctx, const char *qr, int64_t expires_at_ms)
{
    struct wa_vinc *v = ctx;

    wa_panel_qr(v->a, qr, expires_at_ms);
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
        v->fin(v->a, false, d.why);
}

/* ---- public (campanas_panel.h) ------------------------------------------------------ */

int
wa_vincular_sim(struct app *a, void (*fin)(struct app *a, bool ok, const char *why),
                struct err *e)
{
    struct wa_vinc *v = &vinc;
    struct sim_config cfg;
    struct transport_clock clk = { .now_ms = vinc_now, .wake = vinc_wake, .ctx = v };
    struct transport_events ev = { .ctx = v, .qr = ev_qr, .open = ev_open, .close = ev_close };
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
    if (transport_connect(v->t, e) != RC_OK) {
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

bool
wa_vincular_sim_activa(void)
{
    return vinc.t != NULL && !vinc.done;
}
