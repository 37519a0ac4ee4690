/*
 * The worker side of every job, and how an outcome moves the client's database state:
 * a lost connection (SQLSTATE class 08) turns the status bar to "sin conexión" and
 * schedules a session re-read with backoff (1 s doubling to 30 s); the first good read
 * after that turns it back to "conectado", restarts the LISTEN connection and tells every
 * pane to re-read (notifications sent while away are lost).
 */
#include "ui/app_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "db/db.h"
#include "db/db_resumen.h"
#include "db/db_salud.h"
#include "ui/app_internal.h"
#include "util/log.h"
#include "util/xmalloc.h"

_Static_assert((int)RESUMEN_ESTADOS == 5, "the home pane lists five estados");

enum { BACKOFF_FIRST_MS = 1000, BACKOFF_MAX_MS = 30000 };

static void app_clock_update(struct app *a);

struct app_db_state {
    const struct config *cfg;
    char *login; /* NULL = default */
    struct db *db;
    bool opened; /* a connection has succeeded once */
};

struct app_db_state *
app_db_state_new(const struct config *cfg, const char *login, bool attach)
{
    struct app_db_state *s = xcalloc(1, sizeof *s);

    s->cfg = cfg;
    s->login = login != NULL ? xstrdup(login) : NULL;
    s->opened = attach; /* as if connected once: reconnections only connect */
    return s;
}

void
app_db_state_free(void *state)
{
    struct app_db_state *s = state;

    if (s == NULL)
        return;
    db_close(s->db);
    free(s->login);
    free(s);
}

/*
 * Worker thread. The first connection goes through db_open, which starts the embedded
 * cluster when needed. Once connected, reconnections only connect: a server someone
 * stopped on purpose is not restarted behind their back by a client retrying.
 */
static int
app_db_connect(struct app_db_state *s, struct err *e)
{
    char *conninfo;

    if (s->db != NULL)
        return RC_OK;
    if (!s->opened) {
        s->db = db_open(s->cfg, s->login, e);
    } else {
        conninfo = db_conninfo_fmt(s->cfg, s->login);
        s->db = db_open_conninfo(conninfo, e);
        free(conninfo);
    }
    if (s->db == NULL) {
        if (strncmp(e->code, "08", 2) != 0)
            snprintf(e->code, sizeof e->code, "08006"); /* could not connect: treat as lost */
        return e->rc != RC_OK ? e->rc : RC_DB;
    }
    s->opened = true;
    log_info("conectado como %s", db_login(s->db));
    return RC_OK;
}

bool
app_db_conn_lost(const struct err *e)
{
    return e->rc == RC_DB && strncmp(e->code, "08", 2) == 0;
}

int
app_db_state_call(struct app_db_state *s, int (*fn)(struct db *db, void *arg, struct err *e),
                  void *arg, bool *connected, struct err *e)
{
    int rc = app_db_connect(s, e);

    if (rc == RC_OK)
        rc = fn(s->db, arg, e);
    if (rc != RC_OK && s->db != NULL && app_db_conn_lost(e)) {
        db_close(s->db);
        s->db = NULL;
    }
    *connected = s->db != NULL;
    return rc;
}

static int
app_job_query(struct db *db, void *arg, struct err *e)
{
    struct app_job *j = arg;

    return j->query(db, j, e);
}

/* Worker thread: connect if needed, run the job's query, drop a dead connection. */
static void
app_job_run(struct job *job, void *state)
{
    struct app_job *j = (struct app_job *)job;

    err_clear(&j->e);
    j->rc = app_db_state_call(state, app_job_query, j, &j->connected, &j->e);
    if (j->rc != RC_OK)
        log_warn("consulta: %s", j->e.msg);
}

static void on_retry(uv_timer_t *t);

/* Loop thread: a job found the database gone. */
static void
app_db_down(struct app *a)
{
    bool was_up = a->db == STATUS_DB_OK;

    a->db = STATUS_DB_DOWN;
    a->dirty |= DIRTY_STATUS;
    if (!uv_is_active((uv_handle_t *)&a->retry)) {
        uv_timer_start(&a->retry, on_retry, a->backoff_ms, 0);
        a->backoff_ms = a->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : a->backoff_ms * 2;
    }
    if (was_up)
        app_live_db_state(a, false);
}

/* Loop thread: a job reached the database. */
static void
app_db_reached(struct app *a)
{
    bool was_down = a->db != STATUS_DB_OK;

    a->db = STATUS_DB_OK;
    a->backoff_ms = BACKOFF_FIRST_MS;
    uv_timer_stop(&a->retry);
    if (was_down) {
        a->dirty |= DIRTY_STATUS;
        app_live_db_state(a, true);
    }
}

static void
app_job_done(struct job *job)
{
    struct app_job *j = (struct app_job *)job;
    struct app *a = j->app;

    if (!a->quit && job->ran) {
        if (j->rc == RC_OK || j->connected)
            app_db_reached(a);
        else if (app_db_conn_lost(&j->e))
            app_db_down(a);
        if (j->result != NULL)
            j->result(j);
    }
    if (j->release != NULL)
        j->release(j);
    else
        free(j);
}

void
app_submit(struct app *a, struct app_job *j)
{
    j->app = a;
    j->job.run = app_job_run;
    j->job.done = app_job_done;
    if (a->quit || a->worker == NULL) {
        j->job.ran = false;
        app_job_done(&j->job);
        return;
    }
    worker_submit(a->worker, &j->job);
}

/* ---- the session job: summary + health ----------------------------------------- */

struct session_job {
    struct app_job base;
    struct resumen r;
    struct salud s;
    bool have_salud;
};

static int
session_query(struct db *db, struct app_job *j, struct err *e)
{
    struct session_job *sj = (struct session_job *)j;
    struct err e2;
    int rc = db_resumen_load(db, &sj->r, e);

    if (rc != RC_OK)
        return rc;
    err_clear(&e2);
    rc = db_salud_load(db, &sj->s, &e2);
    sj->have_salud = rc == RC_OK;
    if (rc != RC_OK && app_db_conn_lost(&e2)) {
        *e = e2;
        return rc;
    }
    if (rc != RC_OK)
        log_warn("salud: %s", e2.msg);
    return RC_OK;
}

static void
session_apply_ok(struct app *a, const struct session_job *sj)
{
    time_t now = time(NULL);
    struct tm tm;
    bool first = !a->loaded;
    enum vm_profile before = a->profile;

    a->last = sj->r;
    a->loaded = true;
    a->profile = vm_profile_parse(sj->r.rol);
    snprintf(a->login, sizeof a->login, "%s", sj->r.login);
    a->error[0] = '\0';
    if (sj->have_salud) {
        a->usuario_id = sj->s.usuario_id;
        snprintf(a->zona, sizeof a->zona, "%s", sj->s.zona);
        a->utc_offset_s = sj->s.utc_offset_s;
        a->have_offset = true;
        a->sweep_age_s = sj->s.sweep_age_s < 0 ? STATUS_SWEEP_NEVER : sj->s.sweep_age_s;
        a->sweep_read_at = uv_now(&a->loop);
        app_clock_update(a);
    }
    /* "Actualizado a las …" in business time too, like the status bar's clock. */
    app_tm(a, now, &tm);
    strftime(a->updated, sizeof a->updated, "%H:%M:%S", &tm);
    if (first || before != a->profile) {
        struct app_notify n = { .resync = true };

        /* Bindings are role-shaped (keymap_add): rebuild them for the role now known. */
        if (before != a->profile)
            (void)app_keys_build(a); /* a bad teclas.conf line is already on the message bar */

        if (!app_slot_visible(a, a->active))
            a->active = 0;
        app_notify_all(a, &n);
    }
    if (first)
        app_sweep_start(a); /* the database answers: the first pass now */
    a->dirty |= DIRTY_ALL;
}

static void
session_result(struct app_job *j)
{
    struct app *a = j->app;

    a->loading = false;
    if (j->rc == RC_OK)
        session_apply_ok(a, (struct session_job *)j);
    else
        snprintf(a->error, sizeof a->error, "%s", j->e.msg);
    a->dirty |= DIRTY_STATUS | DIRTY_BODY;
}

void
app_refresh(struct app *a)
{
    struct session_job *j;

    if (a->loading || a->quit)
        return;
    uv_timer_stop(&a->retry);
    a->loading = true;
    if (a->db == STATUS_DB_DOWN)
        a->db = STATUS_DB_RECONNECTING;
    j = xcalloc(1, sizeof *j);
    j->base.query = session_query;
    j->base.result = session_result;
    app_submit(a, &j->base);
    a->dirty |= DIRTY_STATUS | DIRTY_BODY;
}

static void
on_retry(uv_timer_t *t)
{
    app_refresh(t->data);
}

/* Once a second: the business-time clock ("HH:MM" in the zone) and the sweep's age. */
void
app_tm(const struct app *a, time_t t, struct tm *tm)
{
    time_t local = t + (a->have_offset ? a->utc_offset_s : 0);

    if (a->have_offset)
        gmtime_r(&local, tm);
    else
        localtime_r(&local, tm);
}

void
app_cuando(const struct app *a, time_t t, char *buf, size_t size)
{
    struct tm tm;

    app_tm(a, t, &tm);
    /* Each field % 100: two digits at most, which the compiler can see fits. */
    snprintf(buf, size, "%02u/%02u/%02u %02u:%02u", (unsigned)tm.tm_mday % 100u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_year % 100u,
             (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u);
}

void
app_clock_tick(uv_timer_t *t)
{
    app_clock_update(t->data);
}

static void
app_clock_update(struct app *a)
{
    time_t now = time(NULL) + (a->have_offset ? a->utc_offset_s : 0);
    struct tm tm;
    char text[sizeof a->clock_text];

    if (!a->have_offset)
        return;
    gmtime_r(&now, &tm);
    strftime(text, sizeof text, "%H:%M", &tm);
    if (strcmp(text, a->clock_text) != 0) {
        memcpy(a->clock_text, text, sizeof text);
        a->dirty |= DIRTY_STATUS; /* the sweep's age in minutes moves with it */
    }
}
