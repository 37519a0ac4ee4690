/*
 * db_salud — what the terminal client's status bar needs from the database besides the
 * summary: this user's id (to recognise notifications about them), the business zone and
 * its current UTC offset (the business-time clock), and the sweep's health
 * (api.sweep_salud: seconds since the last successful sweep).
 *
 * One read-only statement. Same threading rule as db.h: the thread that owns db (the UI
 * runs it on its worker).
 */
#ifndef DB_DB_SALUD_H
#define DB_DB_SALUD_H

struct db;
struct err;

struct salud {
    int usuario_id;    /* crm.yo(); 0 when the login is not a CRM user */
    char zona[64];     /* crm.ajustes.zona ("America/Mexico_City") */
    long utc_offset_s; /* the zone's offset from UTC now (seconds; -21600 for UTC−6) */
    long sweep_age_s;  /* seconds since the last successful sweep; -1 = never */
};

/* Reads *out (fully overwritten on RC_OK). RC_DB with db.h's mapping on failure. */
int db_salud_load(struct db *db, struct salud *out, struct err *e)
    __attribute__((warn_unused_result));

#endif
