/*
 * status_vm — the status bar at the top (program, user and profile on the left; sweep
 * health, business-time clock and database state on the right) and the tab row under it
 * (the panes the profile may see, numbered for the number keys).
 *
 * Pure; built on the loop thread from copies of the controller's state.
 */
#ifndef VM_STATUS_VM_H
#define VM_STATUS_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/vm/vm.h"

/* What the client knows about its database connection. */
enum status_db {
    STATUS_DB_CONNECTING,   /* first attempt in flight */
    STATUS_DB_OK,           /* the last query succeeded */
    STATUS_DB_RECONNECTING, /* it failed; a retry is in flight */
    STATUS_DB_DOWN,         /* it failed; waiting before the next retry */
};

/* A sweep older than this (seconds) is a warning in the bar. */
#define STATUS_SWEEP_STALE_S 300

/* Unknown sweep age (not read yet) and "no successful sweep ever". */
#define STATUS_SWEEP_UNKNOWN (-1)
#define STATUS_SWEEP_NEVER   (-2)

struct status_info {
    const char *login; /* who the session is for; NULL or "" when unknown */
    enum vm_profile profile;
    enum status_db db;
    bool ascii;        /* no UTF-8: ASCII glyphs only */
    const char *clock; /* "10:42", local time in the business zone; NULL = unknown */
    long sweep_age_s;  /* seconds since the last successful sweep, or STATUS_SWEEP_* */
};

/*
 * The sweep's age now (seconds), from the age read_age_s known at read_at_ms (a read of
 * api.sweep_salud, or this client's own successful sweep: 0) and the loop's clock now_ms. It
 * keeps growing while nobody sweeps (a failing sweep is retried, but time still passes);
 * STATUS_SWEEP_* pass through.
 */
long status_sweep_age(long read_age_s, uint64_t read_at_ms, uint64_t now_ms);

struct status_vm {
    int width;
    struct vm_line line;
};

/* Spanish label of a database state ("conectado", "reconectando…"). */
const char *status_db_label(enum status_db db);

/*
 * Builds the bar for width columns: program name and user on the left ("prom1 · PROMOTOR";
 * a read-only profile adds " · solo lectura"); on the right,
 * "⚠ barrido hace N min" when the sweep is stale (or never ran), the clock, and the
 * database state. The database state wins when space is short, then the sweep warning,
 * then the clock; the user's name is clipped first.
 */
void status_vm_build(struct status_vm *vm, const struct status_info *in, int width);

/* vm_lines_dump of the bar; the caller frees. */
char *status_vm_dump(const struct status_vm *vm);

/*
 * The tab row: " 1 Inicio  2 Embudo …" for titles[0..n), active one in ROLE_TAB_ACTIVE.
 * From the first tab that does not fit on, tabs are left out and "…" says so; the active
 * one is always shown (after the "…" when it is one of those). Numbers stay those of the
 * number keys.
 */
void status_vm_tabs(struct vm_line *line, const char *const *titles, int n, int active, int width);

/* The tab (0-based, as titles[]) drawn at column x of a status_vm_tabs line — on "…", the
 * first of the tabs it stands for —, or -1. */
int status_vm_tab_at(const struct vm_line *line, int x);

#endif
