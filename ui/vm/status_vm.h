/*
 * status_vm — the status bar at the top: program, user and profile, database state.
 *
 * Pure; built on the loop thread from copies of the controller's state.
 */
#ifndef VM_STATUS_VM_H
#define VM_STATUS_VM_H

#include <stdbool.h>

#include "ui/vm/vm.h"

/* What the client knows about its database connection. */
enum status_db {
    STATUS_DB_CONNECTING,   /* first attempt in flight */
    STATUS_DB_OK,           /* the last query succeeded */
    STATUS_DB_RECONNECTING, /* it failed; a retry is in flight */
    STATUS_DB_DOWN,         /* it failed; waiting before the next retry */
};

struct status_info {
    const char *login; /* who the session is for; NULL or "" when unknown */
    enum vm_profile profile;
    enum status_db db;
    bool ascii; /* no UTF-8: ASCII glyphs only */
};

struct status_vm {
    int width;
    struct vm_line line;
};

/* Spanish label of a database state ("conectado", "reconectando…"). */
const char *status_db_label(enum status_db db);

/*
 * Builds the bar for width columns: program name and user on the left, database state
 * on the right (it wins when space is short: the user's name is clipped first).
 */
void status_vm_build(struct status_vm *vm, const struct status_info *in, int width);

/* vm_lines_dump of the bar; the caller frees. */
char *status_vm_dump(const struct status_vm *vm);

#endif
