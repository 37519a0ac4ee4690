/*
 * cmd_wa — `embudo wa link | conectar | status | unlink`: the promoter's WhatsApp account
 * from the command line (issue 6).
 *
 * link pairs a new device: fresh credentials, a QR drawn in half blocks that refreshes as
 * the server rotates refs (with a countdown), or with --raw each QR string on its own
 * line; with --telefono N, instead of QRs, the 8-character code to type on that phone
 * (--raw: the code alone); after pair-success, the 515 restart and the login it prints
 * "vinculado: <jid>" and exits 0. conectar logs in once with the stored credentials and exits
 * ("conectado: <jid>"), which proves they still work. With wa.transport = sim, link pairs on the
 * simulated network instead (cmd/wa_sim.c). The refusal, the credentials' sealing (src/crypto/seal,
 * key file wa.key_file, AD "wa_cuentas:<usuario_id>") and storing, and the account's state
 * after a run are cmd/wa_link.c's, shared with the terminal's WhatsApp pane; the plaintext
 * is never written anywhere. status shows jid, estado and vinculada_at, never
 * secrets. An account on Meta's Cloud API (docs/wa-cloud.md) is neither linked nor sent from
 * here: link, conectar, unlink, revisar and enviar say so (`wa cloud` and `wa webhook` are
 * cmd_wa_cloud.c's and cmd_wa_webhook.c's; `wa responder`, `wa conversacion` and `wa
 * resolver`, which only queue, read and decide a message in doubt, cmd_wa_responder.c's). Main
 * thread; runs its own libuv loop for the connection.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "cmd/cmd_wa_int.h"
#include "cmd/wa_link.h"
#include "cmd/wa_sim.h"
#include "core/config.h"
#include "core/qr_text.h"
#include "crypto/seal.h"
#include "db/db.h"
#include "db/db_signal.h"
#include "db/db_wa.h"
#include "db/db_wa_cloud.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "wa/creds.h"
#include "wa/creds_seal.h"
#include "wa/net/client.h"

static int64_t
wa_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Ends the run with status: the countdown and the client close, and the loop runs dry. */
static void
wa_finish(struct wa_run *r, int status)
{
    if (r->finished)
        return;
    r->finished = true;
    r->status = status;
    uv_timer_stop(&r->tick);
    uv_close((uv_handle_t *)&r->tick, NULL);
    if (r->client != NULL)
        wa_client_stop(r->client);
}

static void
wa_countdown(uv_timer_t *t)
{
    struct wa_run *r = t->data;
    int64_t left = (r->qr_expires_ms - wa_now_ms() + 999) / 1000;

    printf("\r\033[KEscanee el código con WhatsApp (Dispositivos vinculados › Vincular un "
           "dispositivo). Cambia en %lld s.",
           (long long)(left > 0 ? left : 0));
    fflush(stdout);
}

static void
wa_on_qr(void *ctx, const char *qr, int64_t expires_at_ms)
{
    struct wa_run *r = ctx;
    char *text = NULL;
    struct err e;

    r->qr_expires_ms = expires_at_ms;
    if (r->raw) {
        printf("%s\n", qr);
        fflush(stdout);
        return;
    }
    if (qr_text_render(qr, false, QR_TEXT_QUIET, &text, &e) != RC_OK) {
        fprintf(stderr, "embudo: %s\n", e.msg);
        return;
    }
    fputs(r->tty ? "\033[H\033[2J" : "\n", stdout);
    fputs(text, stdout);
    free(text);
    wa_countdown(&r->tick);
    if (!r->tty)
        fputc('\n', stdout);
    fflush(stdout);
    if (r->tty)
        uv_timer_start(&r->tick, wa_countdown, 1000, 1000);
}

static void
wa_on_code(void *ctx, const char *code, int64_t expires_at_ms)
{
    struct wa_run *r = ctx;

    wa_link_print_code(code, expires_at_ms, wa_now_ms(), r->raw);
}

/* The client's persist hook: seals the credentials and stores them (only once paired: the
 * row needs the jid). */
static int
wa_on_persist(void *ctx, const struct wa_creds *creds, struct err *e)
{
    struct wa_run *r = ctx;

    return wa_link_store(r->db, r->key, r->usuario_id, creds, &r->stored, e);
}

static void
wa_on_paired(void *ctx, const char *jid)
{
    struct wa_run *r = ctx;

    uv_timer_stop(&r->tick);
    if (!r->raw)
        printf("%s", r->tty ? "\r\033[K" : "");
    fprintf(stderr, "emparejado con el teléfono como %s; iniciando sesión…\n", jid);
}

static void
wa_on_open(void *ctx, const char *jid, const char *lid)
{
    struct wa_run *r = ctx;

    (void)lid;
    printf("%s: %s\n", r->linking ? "vinculado" : "conectado", jid);
    fflush(stdout);
    wa_finish(r, 0);
}

static void
wa_on_close(void *ctx, int code, const char *reason)
{
    struct wa_run *r = ctx;
    char why[ERR_MSG_BYTES];

    if (!r->raw && r->tty)
        printf("\r\033[K");
    fflush(stdout);
    r->close_code = code;
    snprintf(r->close_reason, sizeof r->close_reason, "%s", reason);
    wa_link_why(r->linking, r->telefono != NULL, code, reason, why, sizeof why);
    fprintf(stderr, "embudo: %s\n", why);
    wa_finish(r, 1);
}

/* Runs the client until it opens or closes; returns the exit status. */
static int
wa_run_client(struct wa_run *r)
{
    struct wa_client_config cfg = { .url = r->ctx->cfg->wa_url.value };
    struct wa_client_events ev = { .ctx = r,
                                   .qr = wa_on_qr,
                                   .code = wa_on_code,
                                   .persist = wa_on_persist,
                                   .paired = wa_on_paired,
                                   .open = wa_on_open,
                                   .close = wa_on_close };
    int rc;

    wa_session_config_default(&cfg.session);
    uv_loop_init(&r->loop);
    uv_timer_init(&r->loop, &r->tick);
    r->tick.data = r;
    r->client = wa_client_new(&r->loop, r->creds, &cfg, &ev, &r->e);
    if (r->client == NULL || wa_client_connect(r->client, &r->e) != RC_OK ||
        (r->telefono != NULL && wa_client_link_code(r->client, r->telefono, &r->e) != RC_OK)) {
        fprintf(stderr, "embudo: %s\n", r->e.msg);
        wa_finish(r, 1);
    }
    uv_run(&r->loop, UV_RUN_DEFAULT);
    wa_client_free(r->client);
    rc = uv_loop_close(&r->loop);
    if (rc != 0)
        fprintf(stderr, "embudo: el ciclo de eventos no cerró limpio (%s)\n", uv_strerror(rc));
    return rc != 0 ? 1 : r->status;
}

/* Records in the account what the run left behind (wa_link_record). A database error here
 * is only reported: the exit status stays. */
static void
wa_record_state(struct wa_run *r, const struct db_wa_cuenta *before)
{
    struct wa_link_result res = { .linking = r->linking,
                                  .ok = r->status == 0,
                                  .stored = r->stored,
                                  .close_code = r->close_code,
                                  .reason = r->close_reason };
    struct err e;

    if (wa_link_record(r->db, &res, before, &e) != RC_OK)
        fprintf(stderr, "embudo: no se pudo anotar el estado de la cuenta: %s\n", e.msg);
}

/* Connects as --as, loads the caller's account and opens (creating) the key file. */
int
wa_run_open(struct wa_run *r, const struct cmd_ctx *ctx, struct db_wa_cuenta *cuenta)
{
    char numero_id[DB_WA_CLOUD_NUMERO_MAX + 1];
    bool cloud = false;

    r->ctx = ctx;
    r->tty = isatty(STDOUT_FILENO) != 0;
    if ((r->db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_wa_cuenta(r->db, cuenta, &r->e) != RC_OK)
        return crm_cmd_fail(ctx, &r->e);
    r->usuario_id = cuenta->usuario_id;
    if (db_wa_cloud_remitente(r->db, (int)r->usuario_id, &cloud, numero_id, &r->e) != RC_OK)
        return crm_cmd_fail(ctx, &r->e);
    if (cloud)
        return cmd_fail("la cuenta de WhatsApp de %s envía por la API oficial de Meta (número "
                        "%s): no se vincula ni envía desde la terminal; sus campañas las envía el "
                        "worker del servidor (docs/wa-cloud.md)",
                        db_login(r->db), numero_id);
    r->key = seal_key_open(ctx->cfg->wa_key_file.value, true, &r->e);
    if (r->key == NULL)
        return cmd_fail("%s", r->e.msg);
    return 0;
}

void
wa_run_close(struct wa_run *r)
{
    wa_creds_free(r->creds);
    seal_key_close(r->key);
    db_close(r->db);
}

static int
wa_link(const struct cmd_ctx *ctx, bool raw, const char *telefono)
{
    struct wa_run r = { .raw = raw, .linking = true, .telefono = telefono };
    struct db_wa_cuenta cuenta;
    int status;

    memset(&cuenta, 0, sizeof cuenta);
    status = wa_run_open(&r, ctx, &cuenta);
    if (status == 0 && wa_link_begin(r.db, &cuenta, &r.creds, &r.e) != RC_OK)
        status = crm_cmd_fail(ctx, &r.e);
    if (status == 0) {
        status = wa_run_client(&r);
        wa_record_state(&r, &cuenta);
    }
    db_wa_cuenta_fini(&cuenta);
    wa_run_close(&r);
    return status;
}

/* Opens the stored blob into r->creds; 0 or an exit status (message printed). */
static int
wa_creds_load(struct wa_run *r, const struct db_wa_cuenta *cuenta)
{
    if (cuenta->credenciales == NULL)
        return cmd_fail(
            "la cuenta no tiene credenciales guardadas: vincúlela con «embudo wa link»");
    if (wa_creds_unseal(r->key, r->usuario_id, cuenta->credenciales, cuenta->credenciales_len,
                        &r->creds, &r->e) != RC_OK)
        return cmd_fail("no se pudieron abrir las credenciales guardadas: %s", r->e.msg);
    return 0;
}

static int
wa_conectar(const struct cmd_ctx *ctx)
{
    struct wa_run r = { .raw = true };
    struct db_wa_cuenta cuenta;
    int status;

    memset(&cuenta, 0, sizeof cuenta);
    status = wa_run_open(&r, ctx, &cuenta);
    if (status == 0)
        status = wa_creds_load(&r, &cuenta);
    if (status == 0) {
        status = wa_run_client(&r);
        wa_record_state(&r, &cuenta);
    }
    db_wa_cuenta_fini(&cuenta);
    wa_run_close(&r);
    return status;
}

static int
wa_status(const struct cmd_ctx *ctx)
{
    struct db_wa_cuenta cuenta;
    struct db *db = crm_cmd_open(ctx);
    struct err e;
    char when[64];
    int status = 0;

    if (db == NULL)
        return 1;
    memset(&cuenta, 0, sizeof cuenta);
    if (db_wa_cuenta(db, &cuenta, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        printf("cuenta:        %s\n", cuenta.jid != NULL ? cuenta.jid : "—");
        printf("estado:        %s\n", cuenta.estado);
        printf("vinculada:     %s\n", crm_cmd_time(cuenta.vinculada_at, when, sizeof when));
        printf("credenciales:  %s\n", cuenta.credenciales != NULL ? "guardadas (cifradas)" : "no");
        if (cuenta.detalle != NULL)
            printf("detalle:       %s\n", cuenta.detalle);
    }
    db_wa_cuenta_fini(&cuenta);
    db_close(db);
    return status;
}

/* Credentials and the Signal store go together, in one transaction: sessions kept from the
 * old link would belong to a device the phone no longer knows. */
static int
wa_unlink(const struct cmd_ctx *ctx)
{
    struct db *db = crm_cmd_open(ctx);
    struct db_wa_cuenta cuenta = { 0 };
    struct err e;
    int status = 0;

    if (db == NULL)
        return 1;
    if (db_exec(db, "BEGIN", &e) != RC_OK || db_wa_cuenta(db, &cuenta, &e) != RC_OK ||
        db_wa_desvincular(db, &e) != RC_OK ||
        db_signal_vaciar(db, cuenta.usuario_id, NULL, &e) != RC_OK ||
        db_exec(db, "COMMIT", &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e); /* closing the connection rolls the rest back */
    else
        printf("desvinculada: se borraron las credenciales. Quite también el dispositivo en el "
               "teléfono (WhatsApp › Dispositivos vinculados).\n");
    db_wa_cuenta_fini(&cuenta);
    db_close(db);
    return status;
}

int
cmd_wa_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("wa");
    bool raw = false;
    const char *telefono = NULL;
    const struct cmd_opt opts[] = { { "raw", false, NULL, &raw },
                                    { "telefono", true, &telefono, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[1], numero[WA_NUMBER_MAX];
    int npos = 0, rc;

    if (ctx->argc < 1)
        return cmd_usage(entry, "falta el subcomando");
    if (strcmp(ctx->argv[0], "revisar") == 0)
        return cmd_wa_revisar(ctx);
    if (strcmp(ctx->argv[0], "enviar") == 0)
        return cmd_wa_enviar(ctx);
    if (strcmp(ctx->argv[0], "webhook") == 0)
        return cmd_wa_webhook(ctx);
    if (strcmp(ctx->argv[0], "responder") == 0)
        return cmd_wa_responder(ctx);
    if (strcmp(ctx->argv[0], "conversacion") == 0)
        return cmd_wa_conversacion(ctx);
    if (strcmp(ctx->argv[0], "resolver") == 0)
        return cmd_wa_resolver(ctx);
    if (strcmp(ctx->argv[0], "cloud") == 0) {
        struct cmd_ctx sub = *ctx;

        sub.argc--;
        sub.argv++;
        return cmd_wa_cloud(&sub);
    }
    if ((rc = cmd_parse(entry, ctx->argc - 1, ctx->argv + 1, opts, pos, 0, &npos)) != 0)
        return rc;
    if (strcmp(ctx->argv[0], "link") == 0) {
        if (telefono != NULL && !wa_link_telefono(telefono, numero))
            return cmd_usage(entry,
                             "«--telefono» debe ser su número de WhatsApp: 10 dígitos de México "
                             "(con o sin +52) o +lada del país y número: «%s»",
                             telefono);
        return strcmp(ctx->cfg->transport.value, "sim") == 0
                   ? cmd_wa_link_sim(ctx, raw, telefono != NULL ? numero : NULL)
                   : wa_link(ctx, raw, telefono != NULL ? numero : NULL);
    }
    if (raw || telefono != NULL)
        return cmd_usage(entry, "«%s» solo va con «wa link»", raw ? "--raw" : "--telefono");
    if (strcmp(ctx->argv[0], "conectar") == 0)
        return wa_conectar(ctx);
    if (strcmp(ctx->argv[0], "status") == 0)
        return wa_status(ctx);
    if (strcmp(ctx->argv[0], "unlink") == 0)
        return wa_unlink(ctx);
    return cmd_usage(entry, "subcomando desconocido: «%s»", ctx->argv[0]);
}
