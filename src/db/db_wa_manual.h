/*
 * db_wa_manual — manual WhatsApp texts (`embudo wa enviar`) under the campaigns' governor
 * (sql/032_wa_envio_manual.sql): the reservation against the daily cap and the state the
 * server reports. The caller's own account; the thread that owns the struct db.
 */
#ifndef DB_DB_WA_MANUAL_H
#define DB_DB_WA_MANUAL_H

struct db;
struct err;

/* Reserves one of today's sends for a text to telefono ("+" and digits) at jid under wa_id;
 * *quedan gets the sends left today after it. RC_OK; RC_REFUSED with e->code EB365 (the
 * day's cap is reached), EB366 (the phone opted out), EB363 (no account); RC_DB. */
int db_wa_envio_manual(struct db *db, const char *telefono, const char *jid, const char *wa_id,
                       int *quedan, struct err *e) __attribute__((warn_unused_result));

/* Records ENVIADO, ENTREGADO, LEIDO or FALLIDO (with error) for wa_id, forward only.
 * RC_OK; RC_REFUSED (EB360 unknown, EB362 bad estado); RC_DB. */
int db_wa_envio_manual_estado(struct db *db, const char *wa_id, const char *estado,
                              const char *error, struct err *e) __attribute__((warn_unused_result));

#endif
