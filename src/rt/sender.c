/*
 * DESIGN — two threads, two loops, copies in between.
 *
 * The caller's loop thread owns struct sender's public side: `notify` (a uv_async_t on the
 * caller's loop) and the callbacks. The sender thread owns its own uv_loop_t with four
 * handles: `timer` (armed at sendcore_deadline()), `prep` (re-arms it before the loop blocks,
 * since a `web` transport's events arrive on that loop and move the deadline), `poll` (the
 * database socket: NOTIFY while idle) and `cmd` (a uv_async_t the caller signals for wake and
 * stop). The struct db, the transport (and, for web, what opt.web->make left) and the
 * sendcore live only on the sender thread.
 *
 * One mutex guards what crosses: the outgoing event array (sender → caller; the caller's
 * async callback takes the whole array, since wakeups coalesce) and the wake/stop flags
 * (caller → sender). Stop: the caller sets `stop`, signals `cmd` and joins; the sender
 * thread stops the loop (sendcore_stop), frees it (the transport stops) and closes its
 * handles, runs its loop dry, releases the web transport's state, closes the loop and exits. The
 * caller then delivers the last events and closes `notify`, whose close callback frees the struct.
 */
#include "rt/sender.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "core/config.h"
#include "db/db.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

struct sender {
    uv_async_t notify; /* first member: the close callback gets the sender back */
    struct sender_callbacks cb;
    uv_thread_t thread;
    uv_mutex_t lock;
    struct sender_event *out;  /* guarded by lock */
    size_t nout, capout;       /* guarded by lock */
    bool want_wake, want_stop; /* guarded by lock */
    bool thread_ok;
    int cuenta; /* written by the sender thread before its first event */
    /* The sender thread's side. */
    uv_loop_t tloop;
    uv_timer_t timer;
    uv_prepare_t prep;
    uv_poll_t poll;
    uv_async_t cmd;
    bool poll_init, poll_on, closing;
    bool draining;        /* caller's loop thread only */
    int64_t clock_offset; /* epoch ms - uv_hrtime ms */
    struct db *db;
    struct sendcore *sc;
    void *tstate; /* what opt.web->make left for release */
    /* Copied parameters. */
    struct sender_params p;
    struct sim_config sim;
    struct pacing_config pacing;
    char *login, *conninfo;
};

/* ---- options -------------------------------------------------------------------------------- */

static const char *
env_get(char *const *env, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; env != NULL && env[i] != NULL; i++)
        if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
            return env[i] + n + 1;
    return NULL;
}

/* A test server on this machine (the fake WhatsApp server of tests/wa, the fake Graph API
 * of tests/cloud): no real number. */
static bool
url_is_loopback(const char *url)
{
    static const char *const hosts[] = {
        "ws://127.0.0.1:", "ws://127.0.0.1/",   "ws://localhost:",   "ws://localhost/",
        "ws://[::1]:",     "http://127.0.0.1:", "http://localhost:", "http://[::1]:"
    };

    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
        if (strncmp(url, hosts[i], strlen(hosts[i])) == 0)
            return true;
    return false;
}

int
sender_options_load(struct sender_options *o, const struct config *cfg, char *const *env,
                    struct err *e)
{
    const char *ritmo = env_get(env, "EMBUDO_RITMO");
    const char *scan = env_get(env, "EMBUDO_SIM_AUTOSCAN");
    const char *seed = env_get(env, "EMBUDO_SIM_SEED");
    enum pacing_preset preset = PACING_PRESET_NORMAL;

    memset(o, 0, sizeof *o);
    o->transport =
        strcmp(cfg->transport.value, "web") == 0 ? SENDER_TRANSPORT_WEB : SENDER_TRANSPORT_SIM;
    if (ritmo != NULL && ritmo[0] != '\0' && pacing_preset_parse(ritmo, &preset, e) != RC_OK)
        return RC_INVAL;
    o->rapido = preset == PACING_PRESET_RAPIDO;
    /* web reaches both real networks: WhatsApp Web, and Meta's Cloud API when a token file is
     * configured (without one no CLOUD account can send). Each must be a local fake. */
    if (o->rapido && o->transport != SENDER_TRANSPORT_SIM &&
        (!url_is_loopback(cfg->wa_url.value) ||
         (cfg->cloud_token.value[0] != '\0' && !url_is_loopback(cfg->cloud_url.value))))
        return err_set(e, RC_INVAL,
                       "EMBUDO_RITMO=rapido solo se acepta con transport = sim o servidores de "
                       "prueba locales (ahora: %s, %.80s, %.80s): es un ritmo de pruebas que haría "
                       "bloquear un número real",
                       cfg->transport.value, cfg->wa_url.value, cfg->cloud_url.value);
    o->autoscan = scan != NULL && strcmp(scan, "1") == 0;
    o->seed = (uint64_t)getpid();
    if (seed != NULL)
        o->seed = (uint64_t)strtoull(seed, NULL, 10);
    return RC_OK;
}

int
sender_transport_check(const struct sender_options *o, struct err *e)
{
    if (o->transport == SENDER_TRANSPORT_WEB && o->web == NULL)
        return err_set(e, RC_INVAL,
                       "este programa no trae el transporte web para enviar campañas: use "
                       "transport = sim o EMBUDO_TRANSPORT=sim");
    return RC_OK;
}

/* ---- the sender thread ---------------------------------------------------------------------- */

static int64_t
clock_now(void *ctx)
{
    struct sender *s = ctx;

    return (int64_t)(uv_hrtime() / 1000000) + s->clock_offset;
}

/* Sender thread: queues a copy for the caller's loop. */
static void
post(void *ctx, const struct sender_event *ev)
{
    struct sender *s = ctx;

    uv_mutex_lock(&s->lock);
    if (s->nout == s->capout) {
        s->capout = s->capout ? 2 * s->capout : 64;
        s->out = xrealloc(s->out, s->capout * sizeof *s->out);
    }
    s->out[s->nout++] = *ev;
    uv_mutex_unlock(&s->lock);
    uv_async_send(&s->notify);
}

static void
post_stopped(struct sender *s, const struct err *e)
{
    struct sender_event ev = { .kind = SENDER_EV_STOPPED, .cuenta = s->cuenta, .code = e->rc };

    snprintf(ev.text, sizeof ev.text, "%.250s", e->msg);
    post(s, &ev);
}

static void on_timer(uv_timer_t *h);

/* After every callback: the timer at the loop's next deadline; handles closed once stopped. */
static void
rearm(struct sender *s)
{
    int64_t d, now;

    if (s->closing)
        return;
    if (s->sc == NULL || sendcore_stopped(s->sc)) {
        uv_timer_stop(&s->timer);
        if (s->poll_on)
            uv_poll_stop(&s->poll);
        s->poll_on = false;
        return;
    }
    if (!sendcore_deadline(s->sc, &d)) {
        uv_timer_stop(&s->timer);
        return;
    }
    now = clock_now(s);
    uv_timer_start(&s->timer, on_timer, d > now ? (uint64_t)(d - now) : 0, 0);
}

/* Before the loop blocks: a web transport's events may have moved the deadline. */
static void
on_prepare(uv_prepare_t *h)
{
    rearm(h->data);
}

/* Sender thread, inside sendcore_start: the caller's factory on this thread's loop. */
static struct transport *
make_transport(void *ctx, const struct sendcore_transport_req *req, struct err *e)
{
    struct sender *s = ctx;

    return s->p.opt.web->make(s->p.opt.web->ctx, &s->tloop, req, &s->tstate, e);
}

static void
on_timer(uv_timer_t *h)
{
    struct sender *s = h->data;

    sendcore_run(s->sc, clock_now(s));
    rearm(s);
}

static void
on_poll(uv_poll_t *h, int status, int events)
{
    struct sender *s = h->data;

    (void)events;
    sendcore_db_input(s->sc, status == 0);
    rearm(s);
}

static void
close_all(struct sender *s)
{
    s->closing = true;
    sendcore_free(s->sc); /* the transport stops: a web one then closes on this loop */
    s->sc = NULL;
    uv_close((uv_handle_t *)&s->timer, NULL);
    uv_close((uv_handle_t *)&s->prep, NULL);
    if (s->poll_init)
        uv_close((uv_handle_t *)&s->poll, NULL);
    uv_close((uv_handle_t *)&s->cmd, NULL);
}

static void
on_cmd(uv_async_t *h)
{
    struct sender *s = h->data;
    bool wake, stop;

    uv_mutex_lock(&s->lock);
    wake = s->want_wake;
    stop = s->want_stop;
    s->want_wake = false;
    uv_mutex_unlock(&s->lock);
    if (stop) {
        if (s->sc != NULL)
            sendcore_stop(s->sc, NULL);
        close_all(s);
        return;
    }
    if (wake && s->sc != NULL)
        sendcore_wake(s->sc);
    rearm(s);
}

/* Sender thread: connection, account, lock, recovery, transport, the socket poll. */
static int
thread_setup(struct sender *s, struct err *e)
{
    struct sendcore_config c;
    char *yo = NULL;
    int rc;

    s->db = s->conninfo != NULL ? db_open_conninfo(s->conninfo, e) : db_open(s->p.cfg, s->login, e);
    if (s->db == NULL)
        return e->rc;
    if (s->p.cuenta == 0) {
        if ((rc = db_query_text(s->db, "SELECT crm.yo()", 0, NULL, &yo, e)) != RC_OK)
            return rc;
        if (yo == NULL)
            return err_set(e, RC_INVAL, "la sesión %s no es de un usuario de embudo",
                           db_login(s->db));
        s->cuenta = atoi(yo);
        free(yo);
    }
    sendcore_config_default(&c);
    c.cuenta = s->cuenta;
    c.pacing = s->pacing;
    c.sim = s->sim;
    c.seed = s->p.opt.seed;
    c.now_ms = clock_now;
    c.clock_ctx = s;
    c.event = post;
    c.event_ctx = s;
    if (s->p.opt.transport == SENDER_TRANSPORT_WEB) {
        c.transport = make_transport;
        c.transport_ctx = s;
    }
    if ((s->sc = sendcore_new(s->db, &c, e)) == NULL)
        return e->rc;
    if ((rc = sendcore_start(s->sc, e)) != RC_OK)
        return rc;
    if (uv_poll_init(&s->tloop, &s->poll, sendcore_db_fd(s->sc)) == 0) {
        s->poll.data = s;
        s->poll_init = s->poll_on = true;
        uv_poll_start(&s->poll, UV_READABLE, on_poll);
    }
    return RC_OK;
}

static void
sender_main(void *arg)
{
    struct sender *s = arg;
    struct err e = { 0 };
    int r;

    if (thread_setup(s, &e) != RC_OK)
        post_stopped(s, &e);
    rearm(s);
    uv_run(&s->tloop, UV_RUN_DEFAULT); /* until on_cmd(stop) closed every handle */
    if (s->tstate != NULL)
        s->p.opt.web->release(s->p.opt.web->ctx, s->tstate);
    s->tstate = NULL;
    db_close(s->db);
    s->db = NULL;
    if ((r = uv_loop_close(&s->tloop)) != 0)
        log_error("envío cuenta %d: el loop no cerró: %s", s->cuenta, uv_strerror(r));
}

/* ---- the caller's side ---------------------------------------------------------------------- */

/* Delivers every queued event; loops because a callback may take a while (or stop us). */
static void
drain(struct sender *s)
{
    struct sender_event *batch;
    size_t n;

    if (s->draining)
        return; /* a callback called sender_stop: the outer drain goes on */
    s->draining = true;
    for (;;) {
        uv_mutex_lock(&s->lock);
        batch = s->out;
        n = s->nout;
        s->out = NULL;
        s->nout = s->capout = 0;
        uv_mutex_unlock(&s->lock);
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++)
            if (s->cb.event != NULL)
                s->cb.event(s->cb.ctx, &batch[i]);
        free(batch);
    }
    free(batch);
    s->draining = false;
}

static void
on_notify(uv_async_t *h)
{
    drain((struct sender *)h);
}

static void
on_close(uv_handle_t *h)
{
    struct sender *s = (struct sender *)h;

    uv_mutex_destroy(&s->lock);
    free(s->out);
    free(s->login);
    free(s->conninfo);
    free(s);
}

/* Copies params into s, filling the defaults. */
static void
params_copy(struct sender *s, const struct sender_params *p)
{
    struct timespec ts;

    s->p = *p;
    s->login = p->login != NULL ? xstrdup(p->login) : NULL;
    s->conninfo = p->conninfo != NULL ? xstrdup(p->conninfo) : NULL;
    s->cuenta = p->cuenta;
    if (p->sim != NULL)
        s->sim = *p->sim;
    else
        sim_config_default(&s->sim);
    s->sim.autoscan = s->sim.autoscan || p->opt.autoscan;
    s->sim.seed = s->sim.seed != 0 ? s->sim.seed : p->opt.seed;
    if (p->pacing != NULL)
        s->pacing = *p->pacing;
    else
        pacing_config_preset(&s->pacing,
                             p->opt.rapido ? PACING_PRESET_RAPIDO : PACING_PRESET_NORMAL);
    clock_gettime(CLOCK_REALTIME, &ts);
    s->clock_offset =
        (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - (int64_t)(uv_hrtime() / 1000000);
}

struct sender *
sender_start(uv_loop_t *loop, const struct sender_params *params, const struct sender_callbacks *cb,
             struct err *e)
{
    struct sender *s;
    int r;

    assert(loop != NULL && params != NULL && cb != NULL);
    if (sender_transport_check(&params->opt, e) != RC_OK)
        return NULL;
    s = xcalloc(1, sizeof *s);
    params_copy(s, params);
    s->cb = *cb;
    if (uv_mutex_init(&s->lock) != 0 || uv_loop_init(&s->tloop) != 0)
        fatal("envío: no se pudo crear el mutex o el loop");
    uv_timer_init(&s->tloop, &s->timer);
    uv_prepare_init(&s->tloop, &s->prep);
    uv_prepare_start(&s->prep, on_prepare);
    uv_async_init(&s->tloop, &s->cmd, on_cmd);
    s->timer.data = s->prep.data = s->cmd.data = s;
    uv_async_init(loop, &s->notify, on_notify);
    if ((r = uv_thread_create(&s->thread, sender_main, s)) != 0) {
        err_set(e, RC_IO, "envío: uv_thread_create: %s", uv_strerror(r));
        uv_close((uv_handle_t *)&s->timer, NULL);
        uv_close((uv_handle_t *)&s->prep, NULL);
        uv_close((uv_handle_t *)&s->cmd, NULL);
        uv_run(&s->tloop, UV_RUN_DEFAULT);
        (void)uv_loop_close(&s->tloop);
        uv_close((uv_handle_t *)&s->notify, on_close);
        return NULL;
    }
    s->thread_ok = true;
    return s;
}

void
sender_wake(struct sender *s)
{
    uv_mutex_lock(&s->lock);
    s->want_wake = true;
    uv_mutex_unlock(&s->lock);
    uv_async_send(&s->cmd);
}

void
sender_stop(struct sender *s)
{
    if (s == NULL)
        return;
    uv_mutex_lock(&s->lock);
    s->want_stop = true;
    uv_mutex_unlock(&s->lock);
    uv_async_send(&s->cmd);
    uv_thread_join(&s->thread);
    drain(s);
    uv_close((uv_handle_t *)&s->notify, on_close);
}

int
sender_cuenta(const struct sender *s)
{
    return s->cuenta;
}
