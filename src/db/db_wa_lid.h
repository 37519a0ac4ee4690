/*
 * db_wa_lid — per-contact WhatsApp state of an account that outlives a process
 * (sql/050_wa_lid_tctoken.sql, sql/051_wa_identidad.sql): the LID ↔ phone map, the privacy
 * tokens contacts issued, and the WA_IDENTIDAD record of a contact whose identity changed.
 *
 * cuenta is the account (usuario_id): the caller's own, or any account with envio_servidor
 * for a server session (else RC_REFUSED EB363). Users are bare digits; token JIDs are user
 * JIDs ("digits@lid" or "digits@s.whatsapp.net"). Autocommit, parameters only. Called by the
 * glue that feeds wa/send/msgsend (the CLI, the sender runtime) on the thread that owns the
 * struct db.
 */
#ifndef DB_DB_WA_LID_H
#define DB_DB_WA_LID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct err;

/* Stores that phone user pn has LID user lid. RC_OK, RC_REFUSED (EB363, EB382), RC_DB. */
int db_wa_lid_guardar(struct db *db, int64_t cuenta, const char *pn, const char *lid, struct err *e)
    __attribute__((warn_unused_result));

/* Called per stored pair by db_wa_lid_filas; strings borrowed for the call. */
typedef void (*db_wa_lid_fn)(void *arg, const char *pn, const char *lid);

/* Calls fn for the account's pairs, most recently learnt first, at most limite of them.
 * RC_OK, RC_REFUSED (EB363), RC_DB. */
int db_wa_lid_filas(struct db *db, int64_t cuenta, int limite, db_wa_lid_fn fn, void *arg,
                    struct err *e) __attribute__((warn_unused_result));

/* Keeps token (len bytes, issued at t unix seconds) for contact jid unless a newer one is
 * stored; *guardado (may be NULL) says which. RC_OK, RC_REFUSED (EB363, EB383), RC_DB. */
int db_wa_tctoken_guardar(struct db *db, int64_t cuenta, const char *jid, const uint8_t *token,
                          size_t len, int64_t t, bool *guardado, struct err *e)
    __attribute__((warn_unused_result));

/* Called per stored token by db_wa_tctoken_filas; jid and token borrowed for the call. */
typedef void (*db_wa_tctoken_fn)(void *arg, const char *jid, const uint8_t *token, size_t len,
                                 int64_t t);

/* Calls fn for the account's tokens issued at or after desde (unix seconds), newest first, at
 * most limite of them. RC_OK, RC_REFUSED (EB363), RC_DB. */
int db_wa_tctoken_filas(struct db *db, int64_t cuenta, int64_t desde, int limite,
                        db_wa_tctoken_fn fn, void *arg, struct err *e)
    __attribute__((warn_unused_result));

/* Records on the opportunity of phone-or-JID that the contact's identity key changed;
 * *oportunidad (may be NULL) gets its id, 0 when no opportunity has that phone. RC_OK,
 * RC_REFUSED (EB363), RC_DB. */
int db_wa_identidad_cambiada(struct db *db, int64_t cuenta, const char *telefono_o_jid,
                             int64_t *oportunidad, struct err *e)
    __attribute__((warn_unused_result));

#endif
