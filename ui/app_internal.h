/*
 * app_internal — struct app, shared by the controller's files (ui/app*.c) and nobody
 * else: panes see only ui/app_pane.h.
 *
 * app.c: the loop, input routing, overlays and the frame. app_db.c: the worker's side
 * (connection, jobs). app_live.c: the LISTEN connection and the coalescing of
 * notifications. app_sweep.c: the timer sweep on its own runtime thread. app_cmd.c: the ":"
 * commands. app_home.c: the "inicio" pane.
 * Loop thread only.
 */
#ifndef UI_APP_INTERNAL_H
#define UI_APP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <uv.h>

#include "core/theme_file.h"
#include "db/db_resumen.h"
#include "ui/app_pane.h"
#include "ui/pane/pane.h"
#include "ui/vm/cmdline_vm.h"
#include "ui/vm/form_vm.h"
#include "ui/vm/help_vm.h"
#include "ui/vm/hint_vm.h"
#include "ui/vm/keymap.h"
#include "ui/vm/status_vm.h"

struct config;
struct app_sweep;
struct db_listen;
struct sender_factory;
struct wa_link_factory;

#define APP_MAX_PANES    16
#define APP_MAX_COMMANDS 24 /* room for app_commands[] (app_cmd.c checks it) */

enum app_dirty {
    DIRTY_STATUS = 1 << 0,
    DIRTY_BODY = 1 << 1,
    DIRTY_HINT = 1 << 2,
    DIRTY_TABS = 1 << 3,
    DIRTY_LAYOUT = 1 << 4, /* re-create every window (start, resize) */
    DIRTY_ALL = DIRTY_STATUS | DIRTY_BODY | DIRTY_HINT | DIRTY_TABS,
};

enum app_overlay {
    OVERLAY_NONE,
    OVERLAY_HELP,      /* "?": the current pane's keys */
    OVERLAY_REFERENCE, /* ":ayuda": every context */
};

struct app_slot {
    const struct pane_ops *ops;
    void *st;
};

/* Completion values of one kind, filled by the panes (app_complete_set). */
#define APP_SOURCES 8
struct app_source {
    char kind[24];
    char **vals;
    size_t n;
};

struct app_confirm {
    bool open;
    char question[160];
    void (*answer)(struct app *a, bool yes, void *ctx);
    void *ctx;
};

struct app {
    uv_loop_t loop;
    uv_poll_t input;
    uv_prepare_t frame;
    uv_signal_t sig_winch, sig_int, sig_term, sig_hup;
    uv_timer_t retry; /* reconnect with backoff while the database is away */
    uv_timer_t clock; /* once a minute: the status bar's clock and sweep age */
    struct worker *worker;
    const struct config *cfg;
    const struct sender_factory *web; /* app_run's: the sender's transport = web, or NULL */
    const struct wa_link_factory *wa_link; /* app_run's: linking over web, or NULL */
    struct keymap *km;

    /* The session. */
    char start_login[64]; /* --as (empty: the default login) */
    char login[64];
    enum vm_profile profile;
    enum status_db db;
    bool quit;
    bool loaded, loading; /* the summary (home pane, profile, sweep) */
    struct resumen last;
    char updated[16];
    char error[ERR_MSG_BYTES];
    uint64_t backoff_ms;
    int usuario_id;    /* crm.yo(): notifications naming it are "mine" */
    char zona[64];     /* crm.ajustes.zona: the business clock's zone */
    long utc_offset_s; /* that zone's offset now */
    bool have_offset;
    long sweep_age_s;       /* at sweep_read_at; STATUS_SWEEP_* */
    uint64_t sweep_read_at; /* uv_now() of that read */
    char clock_text[16];

    bool raton; /* clicks and the wheel reach the client ([ui] raton, :raton) */

    /* The theme (app_theme.c) and its attributes-only twin (NO_COLOR, no colours). */
    char theme[48];
    struct theme_style styles[ROLE_COUNT], mono[ROLE_COUNT];

    /* Live updates (app_live.c) and the timer sweep (app_sweep.c; NULL when off). */
    struct app_live *live;
    struct app_sweep *sweep;

    /* Panes. */
    struct app_slot slots[APP_MAX_PANES];
    int nslots;
    int active; /* index into slots */

    /* Overlays and input modes, in the order keys reach them. */
    struct app_confirm confirm;
    struct form_vm *form;
    const struct app_form_ops *form_ops;
    void *form_ctx;
    bool cmdline;
    struct cmdline_vm cmd;
    struct app_source sources[APP_SOURCES];
    enum app_overlay overlay;
    int help_scroll;
    char message[ERR_MSG_BYTES];
    bool message_error;

    /* The view. */
    unsigned dirty;
    struct vm_layout layout;
    struct pane status_p, tabs_p, body_p, hint_p, help_p, form_p;
    struct status_vm status_vm;
    struct hint_vm hint_vm;
    struct help_vm help_vm;
    struct vm_line tabs_line;
};

/* app.c */
void app_quit(struct app *a);
void app_notify_all(struct app *a, const struct app_notify *n);
bool app_slot_visible(const struct app *a, int i);
int app_find_slot(const struct app *a, const char *name);
void app_activate(struct app *a, int slot);
void app_refresh(struct app *a);
int app_set_theme(struct app *a, const char *name, struct err *e);
/* (Re)builds the key registry: defaults, the panes' keys, teclas.conf (":teclas"). */
int app_keys_build(struct app *a);

/* app_input.c */
void app_key(struct app *a, const struct key *k);
/* A KK_MOUSE key: the tab, the bottom bar's key or the pane's row under it; the wheel. */
void app_mouse(struct app *a, const struct mouse *m);
void app_quit_ask(struct app *a); /* quits, asking first when input would be lost */

/* app_cmd.c: the command table for the command line, running a line, completion. */
extern const struct cmdline_cmd app_commands[];
extern const size_t app_ncommands;
/* The commands a's profile is offered (completion, ":ayuda"): all but the ones that write
 * for a read-only profile. Copies into out (room for app_ncommands); returns how many. */
size_t app_cmd_offered(const struct app *a, struct cmdline_cmd *out);
void app_cmd_run(struct app *a, const char *line);
void app_cmd_complete(struct app *a);
void app_cmd_fini(struct app *a);
/* The ":" history file ($XDG_STATE_HOME/embudo/historial): read on the first ":" and again
 * before a run line is added (another session's lines stay), then rewritten (0600, the newest
 * CMDLINE_HIST_MAX lines). */
void app_cmd_history_load(struct app *a);
void app_cmd_history_add(struct app *a, const char *line);

/* app_db.c: the once-a-second clock tick, and times in the business zone. */
void app_clock_tick(uv_timer_t *t);
/* t broken down in the business zone once the session told its offset, else in local time. */
void app_tm(const struct app *a, time_t t, struct tm *tm);
/* t as the business zone's "DD/MM/YY HH:MM" (as Detalle's history) into buf. */
void app_cuando(const struct app *a, time_t t, char *buf, size_t size);

/* app_theme.c: NAME.theme into out[ROLE_COUNT]; names found (caller frees each). */
int app_theme_load(const char *name, struct theme_style *out, struct err *e);
size_t app_theme_names(char **names, size_t max);

/* app_live.c: the LISTEN connection (started once the database answered). */
void app_live_init(struct app *a);
void app_live_stop(struct app *a);
void app_live_db_state(struct app *a, bool up);

/* app_sweep.c: the timer sweep every SWEEP_PERIOD_S on its own thread and connection. init
 * creates it (nothing when [ui] barrido = no); start runs the first pass and the tick (once the
 * session was read), or ends it for a read-only profile (the database refuses an auditor's
 * sweep); stop ends it at quit. */
void app_sweep_init(struct app *a, const char *login);
void app_sweep_start(struct app *a);
void app_sweep_stop(struct app *a);

#endif
