/*
 * cmd_wa_int — what `embudo wa`'s files share: one run's state (cmd_wa.c: link, conectar;
 * cmd_wa_msg.c: enviar, revisar), the helpers that open the account and its key file, the
 * answers to clients (cmd_wa_responder.c) and the Cloud API's subcommands (cmd_wa_cloud.c,
 * cmd_wa_webhook.c).
 * Main thread. Not a public header.
 */
#ifndef CMD_CMD_WA_INT_H
#define CMD_CMD_WA_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "util/err.h"
#include "wa/creds.h"

struct cmd_ctx;
struct db;
struct db_wa_cuenta;
struct seal_key;
struct wa_client;

/* One `wa link` or `wa conectar` run. */
struct wa_run {
    const struct cmd_ctx *ctx;
    struct db *db;
    struct seal_key *key;
    int64_t usuario_id;
    struct wa_creds *creds;
    struct wa_client *client;
    uv_loop_t loop;
    uv_timer_t tick; /* the QR countdown, once a second */
    bool raw, linking, tty, finished;
    const char *telefono; /* link by a code typed on this phone ("52…"); NULL: QRs */
    int64_t qr_expires_ms;
    int status;     /* exit status once finished */
    bool stored;    /* credentials reached the database during this run */
    int close_code; /* why the connection ended, when it failed */
    char close_reason[256];
    char jid[WA_CREDS_JID_MAX];
    struct err e;
};

/* Connects as --as, loads the caller's account and opens (creating) the key file; 0 or
 * an exit status (message printed; an account on the Cloud API is refused, exit 1). */
int wa_run_open(struct wa_run *r, const struct cmd_ctx *ctx, struct db_wa_cuenta *cuenta);

/* Frees the credentials, closes the key and the database. */
void wa_run_close(struct wa_run *r);

/* `embudo wa revisar NUMERO…` and `embudo wa enviar [--esperar E] NUMERO TEXTO`
 * (cmd_wa_msg.c); ctx->argv[0] is the subcommand. Exit status. */
int cmd_wa_revisar(struct cmd_ctx *ctx);
int cmd_wa_enviar(struct cmd_ctx *ctx);

/* `embudo wa responder OPORTUNIDAD TEXTO [--clave K]` and `embudo wa conversacion
 * OPORTUNIDAD` (cmd_wa_responder.c, docs/wa-responder.md); ctx->argv[0] is the subcommand.
 * Exit status. */
int cmd_wa_responder(struct cmd_ctx *ctx);
int cmd_wa_conversacion(struct cmd_ctx *ctx);

/* `embudo wa resolver MENSAJE (enviado|reenviar|descartar)` (cmd_wa_responder.c): the
 * caller's decision on a message in doubt, a campaign's or an answer. Exit status. */
int cmd_wa_resolver(struct cmd_ctx *ctx);

/* `embudo wa cloud …` (cmd_wa_cloud.c; ctx->argv[0] is the verb after "cloud") and `embudo
 * wa webhook [--escuchar HOST:PUERTO]` (cmd_wa_webhook.c; ctx->argv[0] is "webhook"), the
 * Cloud API's accounts and receiver (docs/wa-cloud.md). Exit status. */
int cmd_wa_cloud(struct cmd_ctx *ctx);
int cmd_wa_webhook(struct cmd_ctx *ctx);

#endif
