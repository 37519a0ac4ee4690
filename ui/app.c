/*
 * DESIGN — one loop turn.
 *
 * Input, signals, timers, notifications and finished database jobs only change the model
 * (struct app's state fields and the panes' own state) and set dirty bits; they never
 * draw. Just before the loop blocks, the prepare callback rebuilds the dirty areas, each
 * pane copies its vm into its own WINDOW with wnoutrefresh(), and one doupdate() writes
 * the frame.
 *
 * Panes are the entries of app_panes[] (ui/app_panes.c), created once at start; the
 * profile (from the session read) decides which of them have a tab. The database is
 * reached only through the worker (app_db.c); live updates come from the LISTEN
 * connection (app_live.c); the timer sweep runs on a thread of its own (app_sweep.c).
 * Keys are handled the whole time, so q quits even while the server is down.
 */
#include "ui/app.h"

#include <assert.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
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
#include "ui/app_internal.h"
#include "ui/pane/form_pane.h"
#include "ui/pane/help_pane.h"
#include "ui/pane/pane.h"
#include "ui/term/term.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* ---- what panes may ask (ui/app_pane.h) ------------------------------------------ */

bool
app_db_up(const struct app *a)
{
    return a->db == STATUS_DB_OK;
}

bool
app_require_db(struct app *a, const char *what)
{
    if (a->db == STATUS_DB_OK)
        return true;
    app_message(a, true, "No se puede %s ahora: sin conexión con la base de datos.", what);
    return false;
}

void
app_redraw(struct app *a)
{
    a->dirty |= DIRTY_BODY | DIRTY_HINT;
}

void
app_message(struct app *a, bool error, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_error = error;
    a->dirty |= DIRTY_HINT;
}

enum vm_profile
app_profile(const struct app *a)
{
    return a->profile;
}

const char *
app_login(const struct app *a)
{
    return a->login;
}

const char *
app_clock(const struct app *a)
{
    return a->clock_text;
}

bool
app_slot_visible(const struct app *a, int i)
{
    return i >= 0 && i < a->nslots && (a->slots[i].ops->roles & PANE_ROLE(a->profile)) != 0;
}

int
app_find_slot(const struct app *a, const char *name)
{
    for (int i = 0; i < a->nslots; i++)
        if (strcmp(a->slots[i].ops->name, name) == 0)
            return i;
    return -1;
}

void
app_activate(struct app *a, int slot)
{
    const struct app_slot *from = &a->slots[a->active];

    if (!app_slot_visible(a, slot) || slot == a->active)
        return;
    if (from->ops->leave != NULL)
        from->ops->leave(from->st);
    a->active = slot;
    a->help_scroll = 0;
    if (a->slots[slot].ops->enter != NULL)
        a->slots[slot].ops->enter(a->slots[slot].st);
    a->dirty |= DIRTY_ALL;
}

bool
app_show_pane(struct app *a, const char *name)
{
    int i = app_find_slot(a, name);

    if (!app_slot_visible(a, i))
        return false;
    app_activate(a, i);
    return true;
}

void *
app_pane_state(struct app *a, const char *name)
{
    int i = app_find_slot(a, name);

    return i >= 0 ? a->slots[i].st : NULL;
}

void
app_notify_all(struct app *a, const struct app_notify *n)
{
    for (int i = 0; i < a->nslots; i++)
        if (app_slot_visible(a, i) && a->slots[i].ops->notify != NULL)
            a->slots[i].ops->notify(a->slots[i].st, n);
    a->dirty |= DIRTY_BODY;
}

void
app_reread(struct app *a)
{
    struct app_notify n = { .resync = true };

    app_notify_all(a, &n);
}

void
app_form_open(struct app *a, struct form_vm *form, const struct app_form_ops *ops, void *ctx)
{
    a->form = form;
    a->form_ops = ops;
    a->form_ctx = ctx;
    a->dirty |= DIRTY_ALL;
}

void
app_form_close(struct app *a)
{
    struct form_vm *f = a->form;
    const struct app_form_ops *ops = a->form_ops;

    if (f == NULL)
        return;
    a->form = NULL;
    a->form_ops = NULL;
    pane_fini(&a->form_p);
    if (ops->closed != NULL)
        ops->closed(a->form_ctx, f);
    a->dirty |= DIRTY_ALL;
}

void
app_confirm_ask(struct app *a, const char *question,
                void (*answer)(struct app *a, bool yes, void *ctx), void *ctx)
{
    a->confirm.open = true;
    snprintf(a->confirm.question, sizeof a->confirm.question, "%s", question);
    a->confirm.answer = answer;
    a->confirm.ctx = ctx;
    a->dirty |= DIRTY_HINT;
}

/* Loads NAME.theme (and mono.theme, its twin for NO_COLOR) into the model. */
static int
app_theme_read(struct app *a, const char *name, struct err *e)
{
    struct theme_style styles[ROLE_COUNT], mono[ROLE_COUNT];
    int rc = app_theme_load(name, styles, e);

    if (rc == RC_OK)
        rc = app_theme_load("mono", mono, e);
    if (rc != RC_OK)
        return rc;
    memcpy(a->styles, styles, sizeof styles);
    memcpy(a->mono, mono, sizeof mono);
    snprintf(a->theme, sizeof a->theme, "%s", name);
    return RC_OK;
}

int
app_set_theme(struct app *a, const char *name, struct err *e)
{
    int rc = app_theme_read(a, name, e);

    if (rc != RC_OK)
        return rc;
    term_set_styles(a->styles, a->mono);
    a->dirty |= DIRTY_LAYOUT | DIRTY_ALL;
    return RC_OK;
}

/* ":tema <Tab>" completes the names installed. */
static void
app_theme_complete(struct app *a)
{
    char *names[64];
    size_t n = app_theme_names(names, 64);

    app_complete_set(a, "tema", (const char *const *)names, n);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
}

/* ---- signals --------------------------------------------------------------------- */

static void
on_input(uv_poll_t *h, int status, int events)
{
    struct app *a = h->data;
    struct key k;
    struct mouse m;
    bool any = false;

    (void)events;
    if (status < 0) {
        log_warn("entrada: %s", uv_strerror(status));
        app_quit(a);
        return;
    }
    while (!a->quit && term_read_key(&k, &m)) {
        any = true;
        if (k.kind == KK_MOUSE)
            app_mouse(a, &m);
        else
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
    pane_place(&a->tabs_p, l->tabs_y, 0, l->tabs_y >= 0 ? 1 : 0, l->cols);
    pane_place(&a->body_p, l->body_y, 0, l->body_h, l->cols);
    pane_place(&a->hint_p, l->hint_y, 0, l->hint_y >= 0 ? 1 : 0, l->cols);
    pane_fini(&a->help_p); /* placed from their vms when drawn */
    pane_fini(&a->form_p);
}

static void
draw_tabs(struct app *a)
{
    const char *titles[APP_MAX_PANES];
    int n = 0, active = 0;

    for (int i = 0; i < a->nslots; i++) {
        if (!app_slot_visible(a, i))
            continue;
        if (i == a->active)
            active = n;
        titles[n++] = a->slots[i].ops->title;
    }
    status_vm_tabs(&a->tabs_line, titles, n, active, a->layout.cols);
    bar_pane_draw(&a->tabs_p, &a->tabs_line);
}

/* The context whose keys the bottom bar shows. */
static enum keymap_ctx
hint_ctx(const struct app *a)
{
    if (a->confirm.open)
        return KEYMAP_CONFIRM;
    if (a->form != NULL)
        return KEYMAP_FORM;
    if (a->overlay != OVERLAY_NONE)
        return KEYMAP_HELP;
    return a->slots[a->active].ops->ctx;
}

/* The hint bar's question for the visible pane (octx: its slot): a key it has for this user
 * (pane_ops.has) that works in the view shown (pane_ops.offers). */
static bool
slot_offers(const void *octx, enum action act)
{
    const struct app_slot *sl = octx;

    return (sl->ops->has == NULL || sl->ops->has(sl->st, act)) &&
           (sl->ops->offers == NULL || sl->ops->offers(sl->st, act));
}

static void
draw_bottom(struct app *a)
{
    if (a->cmdline) {
        cmdline_vm_build(&a->cmd, a->layout.cols);
        bar_pane_draw(&a->hint_p, &a->cmd.line);
        return;
    }
    if (a->confirm.open) {
        char q[256];
        const char *y = keymap_key_for(a->km, KEYMAP_CONFIRM, ACTION_YES);
        const char *n = keymap_key_for(a->km, KEYMAP_CONFIRM, ACTION_NO);

        snprintf(q, sizeof q, "%s (%s/%s)", a->confirm.question, y != NULL ? y : "s",
                 n != NULL ? n : "n");
        hint_vm_message(&a->hint_vm, q, false, a->layout.cols);
    } else if (a->message[0] != '\0') {
        hint_vm_message(&a->hint_vm, a->message, a->message_error, a->layout.cols);
    } else {
        const struct app_slot *sl = &a->slots[a->active];
        enum keymap_ctx ctx = hint_ctx(a);

        /* The pane's own bar offers only what its current view does. */
        hint_vm_build_offered(&a->hint_vm, a->km, ctx, a->layout.cols,
                              ctx == sl->ops->ctx ? slot_offers : NULL, sl);
    }
    bar_pane_draw(&a->hint_p, &a->hint_vm.line);
}

/* What the pane of slot i says of its context in the help (pane_ops.has, help_note). */
static void
help_pane_of(const struct app *a, int i, struct help_pane *hp)
{
    const struct app_slot *sl = &a->slots[i];

    *hp = (struct help_pane){ .has = sl->ops->has,
                              .st = sl->st,
                              .note =
                                  sl->ops->help_note != NULL ? sl->ops->help_note(sl->st) : NULL };
}

static void
draw_help(struct app *a)
{
    const struct pane_ops *ops = a->slots[a->active].ops;
    enum keymap_ctx one[2] = { ops->ctx, KEYMAP_GLOBAL };
    enum keymap_ctx all[KEYMAP_CTX_COUNT];
    struct help_pane hp[KEYMAP_CTX_COUNT];
    const struct help_pane *pane_of[KEYMAP_CTX_COUNT] = { NULL };
    struct cmdline_cmd cmds[APP_MAX_COMMANDS];
    char title[96];
    int lines, cols, n = 0;

    term_size(&lines, &cols);
    lines = a->layout.body_h + (a->layout.tabs_y >= 0 ? 1 : 0); /* keep both bars visible */
    if (a->overlay == OVERLAY_HELP) {
        snprintf(title, sizeof title, " Ayuda: %s ", ops->title);
        help_pane_of(a, a->active, &hp[0]);
        pane_of[0] = &hp[0];
        help_vm_build_panes(&a->help_vm, a->km, one, pane_of, 2, NULL, 0, title, &a->help_scroll,
                            lines, cols);
    } else {
        all[n++] = KEYMAP_GLOBAL;
        for (int i = 0; i < a->nslots && n < KEYMAP_CTX_COUNT - 4; i++)
            if (app_slot_visible(a, i)) {
                help_pane_of(a, i, &hp[n]);
                pane_of[n] = &hp[n];
                all[n++] = a->slots[i].ops->ctx;
            }
        all[n++] = KEYMAP_CMDLINE;
        all[n++] = KEYMAP_FORM;
        all[n++] = KEYMAP_CONFIRM;
        all[n++] = KEYMAP_HELP;
        help_vm_build_panes(&a->help_vm, a->km, all, pane_of, n, cmds, app_cmd_offered(a, cmds),
                            " Ayuda: referencia de teclas ", &a->help_scroll, lines, cols);
    }
    a->help_vm.box.y += 1; /* below the status bar */
    help_pane_draw(&a->help_p, &a->help_vm);
}

static void
draw_status(struct app *a)
{
    struct status_info si = {
        .login = a->login,
        .profile = a->profile,
        .db = a->db,
        .ascii = term_ascii(),
        .clock = a->clock_text[0] != '\0' ? a->clock_text : NULL,
        .sweep_age_s = status_sweep_age(a->sweep_age_s, a->sweep_read_at, uv_now(&a->loop)),
    };

    status_vm_build(&a->status_vm, &si, a->layout.cols);
    bar_pane_draw(&a->status_p, &a->status_vm.line);
}

/* Prepare callback: rebuild what is dirty, copy it into the windows, one doupdate(). */
static void
on_frame(uv_prepare_t *h)
{
    struct app *a = h->data;
    bool overlay = a->overlay != OVERLAY_NONE || a->form != NULL;

    if (a->dirty == 0 || a->quit)
        return;
    if (a->dirty & DIRTY_LAYOUT)
        app_layout(a);
    if (overlay) /* an overlay covers the body: redraw both so nothing is left behind */
        a->dirty |= DIRTY_BODY;
    if (a->dirty & DIRTY_STATUS)
        draw_status(a);
    if (a->dirty & DIRTY_TABS)
        draw_tabs(a);
    if ((a->dirty & DIRTY_BODY) && a->body_p.win != NULL)
        a->slots[a->active].ops->draw(a->slots[a->active].st, &a->body_p);
    if (a->dirty & (DIRTY_HINT | DIRTY_BODY))
        draw_bottom(a);
    if (a->overlay != OVERLAY_NONE)
        draw_help(a);
    else
        pane_fini(&a->help_p);
    if (a->form != NULL) {
        form_vm_build(a->form, a->layout.body_h, a->layout.cols);
        a->form->box.y += a->layout.body_y; /* over the body, never over the bars */
        a->form->cursor_y += a->form->cursor_y >= 0 ? a->layout.body_y : 0;
        form_pane_draw(&a->form_p, a->form);
    }
    if (a->cmdline)
        term_cursor(a->hint_p.win, 0, a->cmd.cursor_col);
    else if (a->form != NULL && !a->confirm.open)
        term_cursor(a->form_p.win, a->form->cursor_y - a->form->box.y,
                    a->form->cursor_x - a->form->box.x);
    else
        term_cursor(NULL, 0, 0);
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
void
app_quit(struct app *a)
{
    uv_handle_t *handles[] = {
        (uv_handle_t *)&a->input,    (uv_handle_t *)&a->frame,     (uv_handle_t *)&a->retry,
        (uv_handle_t *)&a->clock,    (uv_handle_t *)&a->sig_winch, (uv_handle_t *)&a->sig_int,
        (uv_handle_t *)&a->sig_term, (uv_handle_t *)&a->sig_hup,
    };

    if (a->quit)
        return;
    a->quit = true;
    pane_fini(&a->form_p);
    pane_fini(&a->help_p);
    pane_fini(&a->hint_p);
    pane_fini(&a->body_p);
    pane_fini(&a->tabs_p);
    pane_fini(&a->status_p);
    term_stop();
    app_live_stop(a);
    app_sweep_stop(a);
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
    struct app_db_state *st = app_db_state_new(a->cfg, login, false);
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
    uv_timer_init(&a->loop, &a->retry);
    a->retry.data = a;
    uv_timer_init(&a->loop, &a->clock);
    a->clock.data = a;
    uv_timer_start(&a->clock, app_clock_tick, 0, 1000);
    app_signal(a, &a->sig_winch, SIGWINCH, on_winch);
    app_signal(a, &a->sig_int, SIGINT, on_quit_signal);
    app_signal(a, &a->sig_term, SIGTERM, on_quit_signal);
    app_signal(a, &a->sig_hup, SIGHUP, on_quit_signal);
    app_live_init(a);
    app_sweep_init(a, login);
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

/*
 * ~/.config/embudo/teclas.conf (XDG_CONFIG_HOME honoured) into a->km; errors go to the
 * bottom bar. RC_INVAL when some line was bad (the good ones apply), RC_NOTFOUND with no file.
 */
static int
app_keys_load(struct app *a)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char *path, *text = NULL;
    size_t len = 0;
    struct err e;
    FILE *f;

    int rc = RC_NOTFOUND;

    if (xdg != NULL && xdg[0] != '\0')
        path = xasprintf("%s/embudo/teclas.conf", xdg);
    else if (home != NULL && home[0] != '\0')
        path = xasprintf("%s/.config/embudo/teclas.conf", home);
    else
        return rc;
    f = fopen(path, "r");
    if (f != NULL) {
        char chunk[4096];
        size_t got;

        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
            text = xrealloc(text, len + got + 1);
            memcpy(text + len, chunk, got);
            len += got;
        }
        fclose(f);
        err_clear(&e);
        /* The bottom bar shows "teclas.conf:6: …"; the log names the whole path. */
        rc = keymap_load(a->km, text != NULL ? text : "", len, "teclas.conf", &e);
        if (rc != RC_OK) {
            log_warn("%s: %s", path, e.msg);
            app_message(a, true, "%s", e.msg);
        }
    }
    free(text);
    free(path);
    return rc;
}

int
app_keys_build(struct app *a)
{
    keymap_free(a->km);
    a->km = keymap_new();
    if (vm_profile_read_only(a->profile))
        keymap_set_read_only(a->km); /* teclas.conf binds no write for an auditor either */
    for (int i = 0; i < a->nslots; i++)
        keymap_add(a->km, a->slots[i].ops->keys, a->slots[i].ops->nkeys, a->profile);
    a->dirty |= DIRTY_ALL;
    return app_keys_load(a);
}

static void
app_init_model(struct app *a, const struct config *cfg, const char *login)
{
    char *def = login == NULL && cfg->embedded ? db_default_login_dup() : NULL;

    a->cfg = cfg;
    a->db = STATUS_DB_CONNECTING;
    a->backoff_ms = 1000;
    a->sweep_age_s = STATUS_SWEEP_UNKNOWN;
    snprintf(a->login, sizeof a->login, "%s", login != NULL ? login : def != NULL ? def : "");
    snprintf(a->start_login, sizeof a->start_login, "%s", login != NULL ? login : "");
    free(def);
    for (size_t i = 0; i < app_npanes && a->nslots < APP_MAX_PANES; i++) {
        const struct pane_ops *ops = app_panes[i];

        a->slots[a->nslots].ops = ops;
        a->slots[a->nslots++].st = ops->create(a);
    }
    (void)app_keys_build(a); /* a bad line is already in the bottom bar */
    app_theme_complete(a);
    {
        static const char *const si_no[] = { "sí", "no" }; /* ":raton <Tab>" */

        app_complete_set(a, "si_no", si_no, 2);
    }
    a->dirty = DIRTY_LAYOUT | DIRTY_ALL;
}

static void
app_free(struct app *a)
{
    for (int i = 0; i < a->nslots; i++)
        if (a->slots[i].ops->destroy != NULL)
            a->slots[i].ops->destroy(a->slots[i].st);
    keymap_free(a->km);
    app_cmd_fini(a);
    free(a);
}

int
app_run(const struct config *cfg, const char *login, const struct sender_factory *web,
        const struct wa_link_factory *link, struct err *e)
{
    struct app *a = xcalloc(1, sizeof *a);
    int fl = fcntl(STDIN_FILENO, F_GETFL);
    int rc;

    assert(cfg != NULL);
    if (uv_loop_init(&a->loop) != 0)
        fatal("uv_loop_init");
    app_init_model(a, cfg, login);
    a->web = web;
    a->wa_link = link;
    rc = app_theme_read(a, cfg->tema.value[0] != '\0' ? cfg->tema.value : "dark", e);
    if (rc == RC_OK)
        rc = term_start(a->styles, a->mono, e);
    if (rc != RC_OK)
        goto out;
    a->raton = term_mouse(cfg->ui_raton);
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
    app_free(a);
    return rc;
}
