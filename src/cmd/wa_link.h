/*
 * wa_link — linking the caller's own WhatsApp account over `web`: what `embudo wa link`
 * (cmd_wa.c) and the terminal's WhatsApp pane (through wa_link_factory, ui/wa_vincular.h)
 * share, so both refuse, pair, store and record the account's state the same way.
 *
 * The thread that owns the struct db (and, for the factory, the libuv loop it was given).
 */
#ifndef CMD_WA_LINK_H
#define CMD_WA_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wa/msgid.h"

struct config;
struct db;
struct db_wa_cuenta;
struct err;
struct seal_key;
struct wa_creds;
struct wa_link_factory;

/*
 * Refuses an account already CONECTADA with credentials (RC_REFUSED: unlink first), then
 * makes fresh credentials into *creds (the caller frees them) and marks the account
 * VINCULANDO. RC_OK, RC_REFUSED, RC_CRYPTO or the database's error.
 */
int wa_link_begin(struct db *db, const struct db_wa_cuenta *cuenta, struct wa_creds **creds,
                  struct err *e) __attribute__((warn_unused_result));

/* The client's persist hook, once paired (before that there is no jid to store under):
 * seals creds with key (AD wa_cuentas:<usuario_id>) and stores them with
 * api.wa_guardar_credenciales; sets *stored. RC_OK or the seal/database error. */
int wa_link_store(struct db *db, const struct seal_key *key, int64_t usuario_id,
                  const struct wa_creds *creds, bool *stored, struct err *e)
    __attribute__((warn_unused_result));

/* How one `wa link` or `wa conectar` run ended. */
struct wa_link_result {
    bool linking;       /* pairing (link), or a login with stored credentials (conectar) */
    bool ok;            /* opened */
    bool stored;        /* credentials reached the database during the run */
    int close_code;     /* why it ended, when it failed */
    const char *reason; /* the close's Spanish reason ("" when none) */
};

/*
 * Records in the account what the run left behind: a failed link that stored nothing goes
 * back to where it was (SIN_VINCULAR when there were no credentials); 401 means the phone
 * removed the device (REQUIERE_VINCULO: the credentials are dropped), 403 a blocked
 * account; any other failure after credentials exist is DESCONECTADA; a good conectar is
 * CONECTADA. before is the account as read before the run. RC_OK or the database's error.
 */
int wa_link_record(struct db *db, const struct wa_link_result *r, const struct db_wa_cuenta *before,
                   struct err *e) __attribute__((warn_unused_result));

/* The Spanish sentence for a run that closed with code and reason, into buf (por_telefono:
 * the link was by a phone code, not QRs). */
void wa_link_why(bool linking, bool por_telefono, int code, const char *reason, char *buf,
                 size_t len);

/* Linking by phone number: WhatsApp's number for what a person typed — a Mexican number
 * (ten digits, with or without +52, 52 1, 044…) becomes "52" and the ten digits, any other
 * written with its country code passes as digits (wa_number_normalize) — in out. False when
 * it is neither or has fewer than 10 digits (wa_session_phone_valid). */
bool wa_link_telefono(const char *in, char out[WA_NUMBER_MAX]);

/* Prints the code to type on the phone and where (raw: the code alone on its line). */
void wa_link_print_code(const char *code, int64_t expires_at_ms, int64_t now_ms, bool raw);

/* Fills out with the terminal's link factory over cfg (borrowed: it must outlive the
 * client): each attempt opens its own connection and the key file (created when missing),
 * and runs the native client on the loop it is given. */
void wa_link_factory(const struct config *cfg, struct wa_link_factory *out);

#endif
