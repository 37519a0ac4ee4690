/*
 * app_pane — the contract between the controller (ui/app.c) and the panes of the terminal
 * client. A pane is one `const struct pane_ops` listed in app_panes[] (ui/app_panes.c);
 * the controller never names a pane: it shows the ones the user's profile may see as
 * numbered tabs, routes keys, notifications, commands and database results to them, and
 * asks them to draw. How to add one: docs/tui.md, "Cómo agregar un panel".
 *
 * Threads: everything here is for the loop thread (thread 0 = the UI thread), except
 * struct app_job's query(), which runs on the database worker thread with the worker's
 * own connection and may touch only the job's own fields (copies, never pane state).
 */
#ifndef UI_APP_PANE_H
#define UI_APP_PANE_H

#include <stdbool.h>
#include <stddef.h>

#include "rt/worker.h"
#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"
#include "ui/vm/vm_notify.h" /* struct app_notify, enum app_tabla */
#include "util/err.h"

struct app;
struct db;
struct form_vm;
struct pane;

/* Bits of enum vm_profile for pane_ops.roles. */
#define PANE_ROLE(p) (1u << (p))
#define PANE_ROLES_ALL                                                   \
    (PANE_ROLE(VM_PROFILE_PROMOTOR) | PANE_ROLE(VM_PROFILE_SUPERVISOR) | \
     PANE_ROLE(VM_PROFILE_ADMIN) | PANE_ROLE(VM_PROFILE_AUDITOR))
#define PANE_ROLES_SUPERVISION (PANE_ROLE(VM_PROFILE_SUPERVISOR) | PANE_ROLE(VM_PROFILE_ADMIN))
/* Supervision's reading panes, which an auditor (read-only) sees too: its write keys are
   gone from them (keymap_add), so a pane listed here needs no code of its own for it. */
#define PANE_ROLES_VEN_EQUIPO (PANE_ROLES_SUPERVISION | PANE_ROLE(VM_PROFILE_AUDITOR))

/*
 * A database job (embed it first in your own struct). Fill query, result and, when the
 * job owns memory, release; then app_submit(). query() runs on the worker with its
 * connection (reconnecting is the controller's business); result() runs on the loop
 * thread only when the job ran and the client is not quitting; release() always runs
 * last (NULL = free(job)). rc/e/connected hold the outcome inside result().
 */
struct app_job {
    struct job job; /* first member; run/done are the controller's */
    struct app *app;
    int (*query)(struct db *db, struct app_job *j, struct err *e);
    void (*result)(struct app_job *j);
    void (*release)(struct app_job *j);
    int rc;
    struct err e;
    bool connected; /* the worker still holds a live connection after query() */
};

/*
 * One pane. Every callback gets the pane's own state (create's return value). NULL
 * callbacks are skipped, except create/draw/key which are required.
 */
struct pane_ops {
    const char *name;  /* "embudo": :commands, the log; ASCII, unique */
    const char *title; /* "Embudo": the tab label */
    enum keymap_ctx ctx;
    unsigned roles; /* PANE_ROLE bits that may see it; PANE_ROLE(VM_PROFILE_UNKNOWN) too
                       for panes usable before the profile is known */
    const struct keymap_entry *keys; /* the pane's default bindings (ctx = its ctx) */
    size_t nkeys;

    void *(*create)(struct app *app); /* at start, once */
    void (*destroy)(void *st);        /* at quit (after the terminal is restored) */
    void (*enter)(void *st);          /* became the visible pane */
    void (*leave)(void *st);
    /* An action in the pane's context (k: the key, for panes that read text). true =
       handled; false lets the controller apply its global meaning. */
    bool (*key)(void *st, enum action act, const struct key *k);
    /* A click at row y, column x of the pane (the last frame drawn): put the cursor on what
       is there (an entry of a list, a field of a form). true when an entry is selected there,
       so a double click opens it (the controller then sends ACTION_OPEN); a field answers
       false. NULL: the pane takes the wheel only (ACTION_UP/DOWN). */
    bool (*click)(void *st, int y, int x);
    /* Build the vm for p->h × p->w and copy it into p->win (may be NULL: no room). */
    void (*draw)(void *st, struct pane *p);
    /* The database changed (or must be re-read): usually submit a re-read. Called for
       every pane the profile may see, visible or not; a hidden pane may just mark itself
       stale and re-read on enter. */
    void (*notify)(void *st, const struct app_notify *n);
    /* ":name args…" routed here (argv[0] is the command). RC_OK, or RC_INVAL with a
       Spanish e->msg the command line shows. */
    int (*command)(void *st, int argc, char **argv, struct err *e);
    /* Unsaved input the user would lose (q asks first). */
    bool (*dirty)(void *st);
    /* Whether act does something in the pane's current view; the hint bar leaves out what it
       refuses there (a key that only says "not here" is no hint). NULL: every binding of its
       context works in every view. */
    bool (*offers)(const void *st, enum action act);
    /* Whether the pane has act at all for this user now: a key of its table that the user's
       own data rule out (a WhatsApp account of Meta's official API links nothing and sends
       from the server). The hint bar, "?" and ":ayuda" leave out what it says no to; the key
       still reaches key(), which says why. NULL: every binding of its table. */
    bool (*has)(const void *st, enum action act);
    /* A sentence "?" and ":ayuda" show under the pane's keys about what it shows now (the
       behaviour of the user's kind of account); NULL or "": none. Static or the pane's. */
    const char *(*help_note)(const void *st);
};

/* The registry: ui/app_panes.c. */
extern const struct pane_ops *const app_panes[];
extern const size_t app_npanes;

/* ---- what a pane may ask of the controller (loop thread) ------------------------- */

/* Queues j on the database worker; the controller owns it until release(). */
void app_submit(struct app *app, struct app_job *j);

/* True when the last database contact succeeded. */
bool app_db_up(const struct app *app);

/*
 * For actions that write: true when the database is up; otherwise shows "No se puede
 * <what> ahora: sin conexión con la base de datos." and returns false.
 */
bool app_require_db(struct app *app, const char *what);

/* Redraw the visible pane in the next frame. */
void app_redraw(struct app *app);

/* A one-line message in the bottom bar until the next key (error: ROLE_ERROR). */
void app_message(struct app *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Who is using the client. */
enum vm_profile app_profile(const struct app *app);
const char *app_login(const struct app *app);

/* Makes the pane called name visible (if the profile may see it). false otherwise. */
bool app_show_pane(struct app *app, const char *name);

/* Another pane's state (e.g. Enter on a card tells "detalle" which one); NULL if none. */
void *app_pane_state(struct app *app, const char *name);

/*
 * Completion values for the command line (":asignar 20 convenio=<Tab>"). kind is the
 * argument key ("convenio", "etapa", "a" (a login), "entidad"); vals are copied.
 */
void app_complete_set(struct app *app, const char *kind, const char *const *vals, size_t n);

/*
 * Opens form as a modal over the body: keys edit it, Tab/↑↓ move between fields, Enter
 * calls submit(ctx, form) when every field is valid, Esc closes (asking first when the
 * form is dirty). The pane owns form and keeps it alive until app_form_close or its
 * closed(ctx) callback. On an api refusal, call form_vm_set_refusal(form, e->msg) and
 * app_redraw(): the content stays.
 */
struct app_form_ops {
    void (*submit)(void *ctx, struct form_vm *form);
    void (*closed)(void *ctx, struct form_vm *form); /* may be NULL */
};
void app_form_open(struct app *app, struct form_vm *form, const struct app_form_ops *ops,
                   void *ctx);
void app_form_close(struct app *app);

/*
 * A yes/no question in the bottom bar (the keys of the "pregunta" context answer it); then
 * answer(app, yes, ctx) runs once. For a write worth a second thought.
 */
void app_confirm_ask(struct app *a, const char *question,
                     void (*answer)(struct app *a, bool yes, void *ctx), void *ctx);

/*
 * Every pane the profile sees re-reads what it shows, as after `r` (a notify with resync),
 * without re-reading the session: after a change the database does not notify (the
 * do-not-contact registry, sql/074).
 */
void app_reread(struct app *app);

/* The business zone's local time now, "HH:MM" (the status bar's clock). */
const char *app_clock(const struct app *app);

#endif
