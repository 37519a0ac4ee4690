/*
 * vm_notify — what the database's notifications say, summed up for the panes: the
 * payloads of pg_notify('embudo', …) (docs/api.md: {"tabla":"oportunidades","usuario_id":7})
 * are folded into one struct app_notify per coalescing window.
 *
 * The struct is the controller's (ui/app_pane.h re-exports it); it lives here so the
 * parsing is pure and unit-tested. Any thread; a value is owned by its caller.
 */
#ifndef VM_VM_NOTIFY_H
#define VM_VM_NOTIFY_H

#include <stdbool.h>

/* The tables named by the notifications. */
enum app_tabla {
    APP_T_OPORTUNIDADES = 1u << 0,
    APP_T_LOTES = 1u << 1,
    APP_T_HISTORIAL = 1u << 2,
    APP_T_VENTAS = 1u << 3,
    APP_T_SWEEP = 1u << 4,      /* "sweep_runs" */
    APP_T_OTRA = 1u << 5,       /* a table this client does not know (or an unreadable payload) */
    APP_T_USUARIOS = 1u << 6,   /* a user's estado, team, cupo… changed (sql/078) */
    APP_T_ETAPAS = 1u << 7,     /* the funnel's stages changed (sql/095): every kanban's columns */
    APP_T_CALENDARIO = 1u << 8, /* the weekly hours or the rest days changed (sql/096) */
    APP_T_WA_CUENTAS = 1u << 9, /* a WhatsApp account's state, number or provider (sql/020, 100) */
};

/*
 * What changed over one window (~150 ms). resync: notifications may have been lost
 * (first connection, reconnection, `r`): re-read everything the pane shows. mine: some
 * payload named this user's usuario_id. usuarios/nusuarios: the ids named (up to 16;
 * overflow sets all_users), for supervisors filtering by team.
 */
#define APP_NOTIFY_USERS 16
struct app_notify {
    unsigned tablas; /* enum app_tabla bits */
    bool resync;
    bool mine;
    bool all_users; /* a payload had "usuario_id":null, or more than APP_NOTIFY_USERS ids */
    int nusuarios;
    int usuarios[APP_NOTIFY_USERS];
};

/*
 * Folds one payload into acc. me is this user's usuario_id (0 = unknown). A payload that
 * is not the expected JSON object counts as APP_T_OTRA with all_users (re-read, to be safe).
 */
void vm_notify_add(struct app_notify *acc, const char *payload, int me);

/* True when n names usuario_id id (or all users). */
bool vm_notify_names(const struct app_notify *n, int id);

#endif
