/*
 * app_live — changes made elsewhere appear without a key press. One dedicated LISTEN
 * connection (src/db/db_listen) lives on the loop: a uv_poll_t watches its socket (a new
 * poll whenever the socket changes, e.g. after a reconnect), every readable event drains
 * the notifications, and those arriving within APP_COALESCE_MS are folded into one
 * struct app_notify handed to every pane, which re-queries.
 *
 * Sweep heartbeats (sweep_runs) are acted on at most once per APP_SWEEP_NOTIFY_MS: every
 * client sweeps every minute (app_sweep.c), so with N clients each one hears N heartbeats a
 * minute, and re-reading the session and every pane for each would cost N² reads. A heartbeat
 * inside the window (after another one, or a resync, which re-reads everything) is dropped: the
 * next one comes within a minute (this client's own pass, at the latest). One that may clear the
 * status bar's sweep warning always goes at once. Other tables in the same window go through;
 * opportunities a sweep returned notify as themselves (oportunidades, historial).
 *
 * No polling loop: while LISTEN is up, every committed change of interest notifies; when
 * the LISTEN connection breaks (server stopped, backend killed) the socket says so at once,
 * the session is re-read (which turns the status bar to "sin conexión" if the server is
 * really gone), and once the database answers again LISTEN is re-issued and every pane
 * re-reads (resync), because notifications sent meanwhile are lost.
 *
 * Loop thread only.
 */
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "db/db.h"
#include "db/db_listen.h"
#include "ui/app_internal.h"
#include "util/log.h"
#include "util/xmalloc.h"

enum {
    APP_COALESCE_MS = 150,
    APP_SWEEP_NOTIFY_MS = 30000, /* heartbeats acted on at most twice per SWEEP_PERIOD_S */
    LIVE_RETRY_FIRST_MS = 1000,
    LIVE_RETRY_MAX_MS = 30000,
};

#define LIVE_CHANNEL "embudo"

struct app_live {
    struct app *a;
    struct db_listen *l;
    uv_poll_t *poll; /* heap: closed and re-created when the socket changes */
    int fd;
    int events;
    uv_timer_t coalesce;
    uv_timer_t retry;  /* LISTEN lost while the database still answers */
    uint64_t sweep_at; /* uv_now() when a heartbeat (or a resync) was last acted on */
    bool sweep_seen;   /* one was */
    uint64_t backoff_ms;
    struct app_notify pending;
    bool have_pending;
    bool ready;
    int open_handles; /* the struct is freed when the last close callback ran */
};

static void live_watch(struct app_live *lv);

static void
on_live_closed(uv_handle_t *h)
{
    struct app_live *lv = h->data;

    if (h->type == UV_POLL)
        free(h); /* poll_close already forgot it */
    if (--lv->open_handles == 0)
        free(lv);
}

static void
poll_close(struct app_live *lv)
{
    uv_poll_t *p = lv->poll;

    if (p == NULL)
        return;
    lv->poll = NULL;
    lv->fd = -1;
    uv_close((uv_handle_t *)p, on_live_closed);
}

/* ---- notifications --------------------------------------------------------------- */

/*
 * A heartbeat is dropped only while the bar is right without it: one (or a resync) was acted on
 * less than APP_SWEEP_NOTIFY_MS ago and the sweep's age is known and healthy.
 */
static bool
sweep_throttled(const struct app_live *lv, uint64_t now)
{
    const struct app *a = lv->a;
    long age = status_sweep_age(a->sweep_age_s, a->sweep_read_at, now);

    return lv->sweep_seen && now - lv->sweep_at < APP_SWEEP_NOTIFY_MS && age >= 0 &&
           age <= STATUS_SWEEP_STALE_S;
}

static void
on_coalesce(uv_timer_t *t)
{
    struct app_live *lv = t->data;
    struct app_notify n = lv->pending;
    uint64_t now = uv_now(&lv->a->loop);

    memset(&lv->pending, 0, sizeof lv->pending);
    lv->have_pending = false;
    if (lv->a->quit)
        return;
    if ((n.tablas & APP_T_SWEEP) != 0 && !n.resync && sweep_throttled(lv, now)) {
        n.tablas &= ~(unsigned)APP_T_SWEEP;
        if (n.tablas == 0)
            return;
    }
    log_debug("avisos: tablas=%#x resync=%d", n.tablas, n.resync);
    if (n.resync || (n.tablas & APP_T_SWEEP) != 0) {
        lv->sweep_at = now; /* the session read below brings the heartbeat's age */
        lv->sweep_seen = true;
        app_refresh(lv->a);
    }
    app_notify_all(lv->a, &n);
}

static void
pending_start(struct app_live *lv)
{
    if (!lv->have_pending) {
        lv->have_pending = true;
        uv_timer_start(&lv->coalesce, on_coalesce, APP_COALESCE_MS, 0);
    }
}

static void
on_payload(void *ctx, const char *payload)
{
    struct app_live *lv = ctx;

    vm_notify_add(&lv->pending, payload, lv->a->usuario_id);
    pending_start(lv);
}

/* ---- the connection -------------------------------------------------------------- */

static void live_failed(struct app_live *lv, const struct err *e);

/* After (re)connecting: a connection refused at once is retried later like a lost one. */
static void
live_check(struct app_live *lv)
{
    struct err e;

    if (db_listen_state(lv->l) == DB_LISTEN_FAILED) {
        err_clear(&e);
        live_failed(lv, &e);
        return;
    }
    live_watch(lv);
}

static void
live_restart(struct app_live *lv)
{
    db_listen_restart(lv->l);
    live_check(lv);
}

static void
on_live_retry(uv_timer_t *t)
{
    struct app_live *lv = t->data;

    if (lv->a->quit || lv->a->db != STATUS_DB_OK)
        return; /* app_live_db_state(up) restarts it once the database answers */
    live_restart(lv);
}

static void
live_failed(struct app_live *lv, const struct err *e)
{
    log_warn("avisos: %s", e->msg[0] != '\0' ? e->msg : "conexión perdida");
    lv->ready = false;
    poll_close(lv);
    if (lv->a->db == STATUS_DB_OK) {
        /* Say so at once, even if the worker is stuck in a query to a vanished peer. */
        lv->a->db = STATUS_DB_RECONNECTING;
        lv->a->dirty |= DIRTY_STATUS;
    }
    app_refresh(lv->a); /* is the server gone? the session read tells the status bar */
    uv_timer_start(&lv->retry, on_live_retry, lv->backoff_ms, 0);
    lv->backoff_ms =
        lv->backoff_ms * 2 > LIVE_RETRY_MAX_MS ? LIVE_RETRY_MAX_MS : lv->backoff_ms * 2;
}

static void
on_live_poll(uv_poll_t *h, int status, int events)
{
    struct app_live *lv = h->data;
    enum db_listen_state st;
    struct err e;

    (void)events;
    if (lv->a->quit || h != lv->poll)
        return;
    err_clear(&e);
    st = db_listen_step(lv->l, on_payload, lv, &e);
    if (status < 0 && st != DB_LISTEN_FAILED) {
        db_listen_restart(lv->l);
        st = db_listen_state(lv->l);
    }
    if (st == DB_LISTEN_FAILED) {
        live_failed(lv, &e);
        return;
    }
    if (st == DB_LISTEN_READY && !lv->ready) {
        log_info("avisos: escuchando «%s»", LIVE_CHANNEL);
        lv->ready = true;
        lv->backoff_ms = LIVE_RETRY_FIRST_MS;
        lv->pending.resync = true; /* anything sent before LISTEN was missed */
        pending_start(lv);
    }
    live_watch(lv);
}

/* Makes the poll match the connection's socket and the events it waits for. */
static void
live_watch(struct app_live *lv)
{
    int fd = db_listen_fd(lv->l);
    int ev = UV_READABLE | (db_listen_wants_write(lv->l) ? UV_WRITABLE : 0);

    if (fd != lv->fd)
        poll_close(lv);
    if (fd < 0)
        return;
    if (lv->poll == NULL) {
        lv->poll = xcalloc(1, sizeof *lv->poll);
        if (uv_poll_init_socket(&lv->a->loop, lv->poll, fd) != 0) {
            free(lv->poll);
            lv->poll = NULL;
            return;
        }
        lv->poll->data = lv;
        lv->open_handles++;
        lv->fd = fd;
        lv->events = 0;
    }
    if (ev != lv->events) {
        uv_poll_start(lv->poll, ev, on_live_poll);
        lv->events = ev;
    }
}

void
app_live_db_state(struct app *a, bool up)
{
    struct app_live *lv = a->live;
    char *conninfo;

    if (lv == NULL || a->quit || !up)
        return; /* a failing LISTEN socket notices by itself */
    if (lv->l != NULL && db_listen_state(lv->l) != DB_LISTEN_FAILED)
        return;
    if (uv_is_active((uv_handle_t *)&lv->retry))
        return; /* LISTEN failed while the database answered: its own backoff retries it */
    if (lv->l == NULL) {
        conninfo = db_conninfo_fmt(a->cfg, a->start_login[0] != '\0' ? a->start_login : NULL);
        lv->l = db_listen_new(conninfo, LIVE_CHANNEL);
        free(conninfo);
        live_check(lv);
        return;
    }
    live_restart(lv);
}

void
app_live_init(struct app *a)
{
    struct app_live *lv = xcalloc(1, sizeof *lv);

    lv->a = a;
    lv->fd = -1;
    lv->backoff_ms = LIVE_RETRY_FIRST_MS;
    uv_timer_init(&a->loop, &lv->coalesce);
    uv_timer_init(&a->loop, &lv->retry);
    lv->coalesce.data = lv->retry.data = lv;
    lv->open_handles = 2;
    a->live = lv;
}

void
app_live_stop(struct app *a)
{
    struct app_live *lv = a->live;

    if (lv == NULL)
        return;
    a->live = NULL;
    poll_close(lv);
    db_listen_free(lv->l);
    lv->l = NULL;
    uv_close((uv_handle_t *)&lv->coalesce, on_live_closed);
    uv_close((uv_handle_t *)&lv->retry, on_live_closed);
}
