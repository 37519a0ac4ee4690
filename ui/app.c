/*
 * DESIGN — one loop turn.
 *
 * Input, signals, timers and finished database jobs only change the model (struct app's
 * state fields) and set dirty bits; they never draw. Just before the loop blocks, the
 * prepare callback rebuilds the view-models of the dirty areas, each pane copies its vm
 * into its own WINDOW with wnoutrefresh(), and one doupdate() writes the frame.
 *
 * The database is reached only through the worker: a refresh submits a job that carries
 * nothing but a pointer the loop reads back in done(). A failed read schedules a retry
 * with exponential backoff (1 s … 30 s); a good one schedules the next periodic refresh.
 * Keys are handled the whole time, so q quits even while the server is down.
 */
#include "ui/app.h"

#include <assert.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#include <uv.h>

#include "core/config.h"
#include "db/db.h"
#include "rt/worker.h"
#include "ui/app_db.h"
#include "ui/pane/help_pane.h"
#include "ui/pane/home_pane.h"
#include "ui/pane/pane.h"
#include "ui/term/term.h"
#include "ui/vm/help_vm.h"
#include "ui/vm/hint_vm.h"
#include "ui/vm/home_vm.h"
#include "ui/vm/keymap.h"
#include "ui/vm/status_vm.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

_Static_assert((int)RESUMEN_ESTADOS == (int)HOME_ESTADOS, "estados differ between db and vm");

enum {
    REFRESH_MS = 15000, /* periodic re-read while connected (LISTEN/NOTIFY: issue 4) */
    BACKOFF_FIRST_MS = 1000,
    BACKOFF_MAX_MS = 30000,
};

enum dirty {
    DIRTY_STATUS = 1 << 0,
    DIRTY_BODY = 1 << 1,
    DIRTY_HINT = 1 << 2,
    DIRTY_LAYOUT = 1 << 3, /* re-create every window (start, resize) */
    DIRTY_ALL = DIRTY_STATUS | DIRTY_BODY | DIRTY_HINT,
};

struct app {
    uv_loop_t loop;
    uv_poll_t input;
    uv_prepare_t frame;
    uv_signal_t sig_winch, sig_int, sig_term, sig_hup;
    uv_timer_t refresh;
    struct worker *worker;
    const struct config *cfg;

    /* The model. */
    char login[64];
    enum vm_profile profile;
    enum status_db db;
    bool loaded, loading, help, quit;
    struct resumen last;
    char updated[16];
    char error[ERR_MSG_BYTES];
    uint64_t backoff_ms;

    /* The view. */
    unsigned dirty;
    struct vm_layout layout;
    struct pane status_p, body_p, hint_p, help_p;
    struct status_vm status_vm;
    struct hint_vm hint_vm;
    struct home_vm home_vm;
    struct help_vm help_vm;
};

static void app_quit(struct app *a);

/* ---- the model ------------------------------------------------------------------- */

static void on_resumen_done(struct job *job);

/* Submits a read of the summary unless one is in flight. */
static void
app_refresh(struct app *a)
{
    struct app_db_resumen_job *j;

    if (a->loading || a->quit)
        return;
    uv_timer_stop(&a->refresh);
    a->loading = true;
    if (a->db == STATUS_DB_DOWN)
        a->db = STATUS_DB_RECONNECTING;
    j = app_db_resumen_job_new(on_resumen_done, a);
    worker_submit(a->worker, &j->job);
    a->dirty |= DIRTY_STATUS | DIRTY_BODY;
}

static void
on_refresh_timer(uv_timer_t *t)
{
    app_refresh(t->data);
}

static void
app_apply_ok(struct app *a, const struct resumen *r)
{
    time_t now = time(NULL);
    struct tm tm;

    a->last = *r;
    a->loaded = true;
    a->profile = vm_profile_parse(r->rol);
    snprintf(a->login, sizeof a->login, "%s", r->login);
    localtime_r(&now, &tm);
    strftime(a->updated, sizeof a->updated, "%H:%M:%S", &tm);
    a->error[0] = '\0';
    a->db = STATUS_DB_OK;
    a->backoff_ms = BACKOFF_FIRST_MS;
    uv_timer_start(&a->refresh, on_refresh_timer, REFRESH_MS, 0);
}

static void
app_apply_err(struct app *a, const struct err *e, bool connected)
{
    snprintf(a->error, sizeof a->error, "%s", e->msg);
    a->db = connected ? STATUS_DB_OK : STATUS_DB_DOWN;
    uv_timer_start(&a->refresh, on_refresh_timer, a->backoff_ms, 0);
    a->backoff_ms = a->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : a->backoff_ms * 2;
}

/* Loop thread: a summary read came back (or was discarded by the worker's stop). */
static void
on_resumen_done(struct job *job)
{
    struct app_db_resumen_job *j = (struct app_db_resumen_job *)job;
    struct app *a = j->ctx;

    if (!a->quit && job->ran) {
        a->loading = false;
        if (j->rc == RC_OK)
            app_apply_ok(a, &j->r);
        else
            app_apply_err(a, &j->e, j->connected);
        a->dirty |= DIRTY_STATUS | DIRTY_BODY;
    }
    free(j);
}

/* ---- input ----------------------------------------------------------------------- */

static void
app_key(struct app *a, const struct key *k)
{
    enum keymap_ctx ctx = a->help ? KEYMAP_HELP : KEYMAP_HOME;

    if (k->kind == KK_RESIZE) {
        a->dirty |= DIRTY_LAYOUT | DIRTY_ALL;
        return;
    }
    switch (keymap_lookup(ctx, k)) {
    case ACTION_QUIT:
        app_quit(a);
        break;
    case ACTION_REFRESH:
        app_refresh(a);
        break;
    case ACTION_HELP:
        a->help = !a->help;
        a->dirty |= DIRTY_ALL;
        break;
    case ACTION_CLOSE:
        a->help = false;
        a->dirty |= DIRTY_ALL;
        break;
    case ACTION_NONE:
        break;
    }
}

static void
on_input(uv_poll_t *h, int status, int events)
{
    struct app *a = h->data;
    struct key k;
    bool any = false;

    (void)events;
    if (status < 0) {
        log_warn("entrada: %s", uv_strerror(status));
        app_quit(a);
        return;
    }
    while (!a->quit && term_read_key(&k)) {
        any = true;
        app_key(a, &k);
    }
    /* Readable yet nothing to read: the terminal is gone (EOF on stdin). */
    if (!any && !a->quit && term_input_closed())
        app_quit(a);
}

static void
on_winch(uv_signal_t *s, int signum)
{
    struct app *a = s->data;

    (void)signum;
    if (term_resize())
        a->dirty |= DIRTY_LAYOUT | DIRTY_ALL;
}

static void
on_quit_signal(uv_signal_t *s, int signum)
{
    log_info("señal %d: saliendo", signum);
    app_quit(s->data);
}

/* ---- the frame ------------------------------------------------------------------- */

static void
app_layout(struct app *a)
{
    int lines, cols;
    struct vm_layout *l = &a->layout;

    term_size(&lines, &cols);
    vm_layout_compute(l, lines, cols);
    pane_place(&a->status_p, l->status_y, 0, 1, l->cols);
    pane_place(&a->body_p, l->body_y, 0, l->body_h, l->cols);
    pane_place(&a->hint_p, l->hint_y, 0, l->hint_y >= 0 ? 1 : 0, l->cols);
    pane_fini(&a->help_p); /* placed from its vm when drawn */
}

static void
app_draw_body(struct app *a)
{
    struct home_info in = {
        .profile = a->profile,
        .loaded = a->loaded,
        .clientes = a->last.clientes,
        .updated = a->updated[0] != '\0' ? a->updated : NULL,
        .error = a->error[0] != '\0' ? a->error : NULL,
        .loading = a->loading,
        .ascii = term_ascii(),
    };

    for (int i = 0; i < HOME_ESTADOS; i++)
        in.oportunidades[i] = a->last.oportunidades[i];
    home_vm_build(&a->home_vm, &in, a->layout.cols, a->layout.body_h);
    home_pane_draw(&a->body_p, &a->home_vm);
}

/* Prepare callback: rebuild what is dirty, copy it into the windows, one doupdate(). */
static void
on_frame(uv_prepare_t *h)
{
    struct app *a = h->data;
    struct status_info si = { a->login, a->profile, a->db, term_ascii() };

    if (a->dirty == 0 || a->quit)
        return;
    if (a->dirty & DIRTY_LAYOUT)
        app_layout(a);
    if (a->dirty & DIRTY_STATUS) {
        status_vm_build(&a->status_vm, &si, a->layout.cols);
        bar_pane_draw(&a->status_p, &a->status_vm.line);
    }
    if (a->dirty & DIRTY_BODY)
        app_draw_body(a);
    if (a->dirty & DIRTY_HINT) {
        hint_vm_build(&a->hint_vm, a->help ? KEYMAP_HELP : KEYMAP_HOME, a->layout.cols);
        bar_pane_draw(&a->hint_p, &a->hint_vm.line);
    }
    if (a->help) {
        /* The overlay goes last so it covers whatever was redrawn under it. */
        int lines, cols;

        term_size(&lines, &cols);
        help_vm_build(&a->help_vm, KEYMAP_HOME, lines, cols);
        help_pane_draw(&a->help_p, &a->help_vm);
    } else {
        pane_fini(&a->help_p);
    }
    doupdate();
    a->dirty = 0;
}

/* ---- start and stop -------------------------------------------------------------- */

static void
on_closed(uv_handle_t *h)
{
    (void)h; /* the handles are embedded in struct app, freed after uv_run returns */
}

/*
 * Quits from any callback: restores the terminal first (the user sees the shell at
 * once), then stops the worker (joins it; a job that is connecting finishes first) and
 * closes every handle so uv_run() returns.
 */
static void
app_quit(struct app *a)
{
    uv_handle_t *handles[] = {
        (uv_handle_t *)&a->input,     (uv_handle_t *)&a->frame,   (uv_handle_t *)&a->refresh,
        (uv_handle_t *)&a->sig_winch, (uv_handle_t *)&a->sig_int, (uv_handle_t *)&a->sig_term,
        (uv_handle_t *)&a->sig_hup,
    };

    if (a->quit)
        return;
    a->quit = true;
    pane_fini(&a->help_p);
    pane_fini(&a->hint_p);
    pane_fini(&a->body_p);
    pane_fini(&a->status_p);
    term_stop();
    worker_stop(a->worker);
    a->worker = NULL;
    for (size_t i = 0; i < sizeof handles / sizeof handles[0]; i++)
        if (!uv_is_closing(handles[i]))
            uv_close(handles[i], on_closed);
}

static void
app_signal(struct app *a, uv_signal_t *s, int signum, uv_signal_cb cb)
{
    uv_signal_init(&a->loop, s);
    s->data = a;
    uv_signal_start(s, cb, signum);
}

/* Creates every handle and starts the worker. RC_IO when libuv refuses. */
static int
app_start(struct app *a, const char *login, struct err *e)
{
    struct app_db_state *st = app_db_state_new(a->cfg, login);
    int r;

    a->worker = worker_start(&a->loop, "db", st, app_db_state_free, e);
    if (a->worker == NULL) {
        app_db_state_free(st);
        return e != NULL ? e->rc : RC_IO;
    }
    r = uv_poll_init(&a->loop, &a->input, STDIN_FILENO);
    if (r != 0) {
        worker_stop(a->worker);
        a->worker = NULL;
        return err_set(e, RC_IO, "no se puede vigilar la entrada: %s", uv_strerror(r));
    }
    a->input.data = a;
    uv_poll_start(&a->input, UV_READABLE, on_input);
    uv_prepare_init(&a->loop, &a->frame);
    a->frame.data = a;
    uv_prepare_start(&a->frame, on_frame);
    uv_timer_init(&a->loop, &a->refresh);
    a->refresh.data = a;
    app_signal(a, &a->sig_winch, SIGWINCH, on_winch);
    app_signal(a, &a->sig_int, SIGINT, on_quit_signal);
    app_signal(a, &a->sig_term, SIGTERM, on_quit_signal);
    app_signal(a, &a->sig_hup, SIGHUP, on_quit_signal);
    return RC_OK;
}

/* The log goes to $EMBUDO_HOME/embudo.log so nothing is printed over the screen. */
static void
app_log_open(const struct config *cfg)
{
    const char *lv = cfg->log_nivel.value;
    enum log_level min = LOG_INFO;
    char *path;

    if (strcmp(lv, "debug") == 0)
        min = LOG_DEBUG;
    else if (strcmp(lv, "aviso") == 0)
        min = LOG_WARN;
    else if (strcmp(lv, "error") == 0)
        min = LOG_ERROR;
    (void)mkdir(cfg->home.value, 0700); /* usually there already; log_open reports the rest */
    path = xasprintf("%s/embudo.log", cfg->home.value);
    if (log_open(path, min, NULL) != RC_OK)
        log_close();
    free(path);
}

static void
app_init_model(struct app *a, const struct config *cfg, const char *login)
{
    char *def = login == NULL && cfg->embedded ? db_default_login_dup() : NULL;

    a->cfg = cfg;
    a->db = STATUS_DB_CONNECTING;
    a->backoff_ms = BACKOFF_FIRST_MS;
    snprintf(a->login, sizeof a->login, "%s", login != NULL ? login : def != NULL ? def : "");
    free(def);
    a->dirty = DIRTY_LAYOUT | DIRTY_ALL;
}

int
app_run(const struct config *cfg, const char *login, struct err *e)
{
    struct app *a = xcalloc(1, sizeof *a);
    int fl = fcntl(STDIN_FILENO, F_GETFL);
    int rc;

    assert(cfg != NULL);
    app_init_model(a, cfg, login);
    if (uv_loop_init(&a->loop) != 0)
        fatal("uv_loop_init");
    rc = term_start(cfg->tema.value, e);
    if (rc != RC_OK)
        goto out;
    app_log_open(cfg); /* after the terminal check: no files for a client that never ran */
    fatal_set_hook(term_stop);
    rc = app_start(a, login, e);
    if (rc != RC_OK) {
        term_stop();
        goto out;
    }
    log_info("cliente iniciado para %s", a->login[0] != '\0' ? a->login : "(predeterminado)");
    app_refresh(a);
    uv_run(&a->loop, UV_RUN_DEFAULT);
out:
    uv_run(&a->loop, UV_RUN_DEFAULT); /* finish pending closes */
    if (uv_loop_close(&a->loop) != 0 && rc == RC_OK)
        rc = err_set(e, RC_IO, "quedaron handles de libuv abiertos al salir");
    if (fl != -1)
        (void)fcntl(STDIN_FILENO, F_SETFL, fl); /* libuv made stdin non-blocking */
    fatal_set_hook(NULL);
    log_close();
    free(a);
    return rc;
}
