/*
 * db_sesion — who the session is and whether it may run the timer sweep, read once when a
 * long-running process (`embudo worker`, `embudo sweep`) opens its connection, before it
 * commits to a loop that would otherwise be refused once a minute, forever.
 *
 * The role is crm.mi_rol(), as db_resumen reads it for the terminal client's profile; the
 * sweep is whatever PostgreSQL lets the session execute (api.sweep_inicio, api.barrer_timers,
 * api.sweep_fin: every working group since sql/071, never the auditor), so the answer follows
 * the grants rather than a list of roles kept in C. One read-only statement; the thread that
 * owns db.
 */
#ifndef DB_DB_SESION_H
#define DB_DB_SESION_H

#include <stdbool.h>

struct db;
struct err;

struct db_sesion {
    char login[64]; /* session_user */
    char rol[16];   /* "PROMOTOR" | "SUPERVISOR" | "ADMIN" | "AUDITOR"; "" when the session
                       is no embudo user (a superuser, embudo_owner, a role with no grants) */
    bool barre;     /* may execute the sweep's three api functions */
};

/*
 * Fills *out (fully overwritten on RC_OK). A role that may not even use embudo's schemas
 * (42501: no embudo grants at all) is RC_OK with rol "" and barre false: it may run nothing.
 * RC_DB with db.h's mapping otherwise (e->code "08006" when the connection is gone).
 */
int db_sesion_load(struct db *db, struct db_sesion *out, struct err *e)
    __attribute__((warn_unused_result));

#endif
