/* wa_link — linking the caller's own account over `web`. See wa_link.h. */
#include "cmd/wa_link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "core/config.h"
#include "core/transport.h"
#include "crypto/seal.h"
#include "db/db.h"
#include "db/db_wa.h"
#include "ui/wa_vincular.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "wa/creds.h"
#include "wa/creds_seal.h"
#include "wa/net/client.h"
#include "wa/session.h"

int
wa_link_begin(struct db *db, const struct db_wa_cuenta *cuenta, struct wa_creds **creds,
              struct err *e)
{
    if (cuenta->credenciales != NULL && strcmp(cuenta->estado, "CONECTADA") == 0)
        return err_set(e, RC_REFUSED,
                       "la cuenta ya está vinculada como %s; desvincúlela antes con "
                       "«embudo wa unlink»",
                       cuenta->jid != NULL ? cuenta->jid : "—");
    if ((*creds = wa_creds_generate(e)) == NULL)
        return e != NULL ? e->rc : RC_CRYPTO;
    return db_wa_cambiar_estado(db, "VINCULANDO", NULL, e);
}

int
wa_link_store(struct db *db, const struct seal_key *key, int64_t usuario_id,
              const struct wa_creds *creds, bool *stored, struct err *e)
{
    uint8_t *sealed = NULL;
    size_t slen = 0;
    int rc;

    if (!wa_creds_is_paired(creds))
        return RC_OK;
    rc = wa_creds_seal(key, usuario_id, creds, &sealed, &slen, e);
    if (rc == RC_OK)
        rc = db_wa_guardar_credenciales(db, creds->me_jid, sealed, slen, e);
    if (rc == RC_OK)
        *stored = true;
    free(sealed);
    return rc;
}

int
wa_link_record(struct db *db, const struct wa_link_result *r, const struct db_wa_cuenta *before,
               struct err *e)
{
    const char *estado = NULL, *detalle = r->ok ? NULL : r->reason;

    if (r->ok) {
        estado = r->linking ? NULL : "CONECTADA";
    } else if (r->close_code == TRANSPORT_CLOSE_LOGGED_OUT) {
        estado = "REQUIERE_VINCULO";
    } else if (r->close_code == TRANSPORT_CLOSE_FORBIDDEN) {
        estado = "BLOQUEADA";
    } else if (r->linking && !r->stored) {
        if (strcmp(before->estado, "SIN_VINCULAR") == 0 || before->estado[0] == '\0')
            return db_wa_desvincular(db, e);
        estado = before->estado;
        detalle = before->detalle;
    } else {
        estado = "DESCONECTADA";
    }
    if (estado == NULL)
        return RC_OK;
    return db_wa_cambiar_estado(db, estado, detalle != NULL && detalle[0] != '\0' ? detalle : NULL,
                                e);
}

void
wa_link_why(bool linking, bool por_telefono, int code, const char *reason, char *buf, size_t len)
{
    if (code == TRANSPORT_CLOSE_TIMED_OUT && linking)
        snprintf(buf, len, "%s",
                 por_telefono ? "el código de vinculación venció sin usarse; pida otro"
                              : "los códigos QR vencieron sin escanearse; intente de nuevo");
    else
        snprintf(buf, len, "la conexión con WhatsApp terminó (%d, %s): %s", code,
                 transport_close_name(code), reason);
}

bool
wa_link_telefono(const char *in, char out[WA_NUMBER_MAX])
{
    return in != NULL && wa_number_normalize(in, out) && wa_session_phone_valid(out);
}

void
wa_link_print_code(const char *code, int64_t expires_at_ms, int64_t now_ms, bool raw)
{
    int64_t left = (expires_at_ms - now_ms + 999) / 1000;

    if (raw)
        printf("%s\n", code);
    else
        printf("Código de vinculación: %.4s-%s\n"
               "En su teléfono: WhatsApp › Dispositivos vinculados › Vincular un dispositivo › "
               "Vincular con el número de teléfono, y escríbalo. Vence en %lld s.\n",
               code, strlen(code) > 4 ? code + 4 : "", (long long)(left > 0 ? left : 0));
    fflush(stdout);
}

/* ---- the terminal's link factory --------------------------------------------------------- */

/* One attempt, on the link thread. */
struct wa_link {
    struct db *db;
    struct seal_key *key;
    struct db_wa_cuenta before;
    struct wa_creds *creds;
    struct wa_client *client;
    struct wa_link_events ev;
    bool began;  /* the account went VINCULANDO: finish records how it ended */
    bool ended;  /* end reported or stop called: no more events */
    bool ok;     /* opened */
    bool stored; /* credentials reached the database */
    bool por_telefono;
    int close_code;
    char reason[ERR_MSG_BYTES];
};

/* Reports the end once and stops the client (the loop then runs dry). The caller has put
 * the account's detalle (the close's own reason) in l->reason. */
static void
link_end(struct wa_link *l, bool ok, int code, const char *text)
{
    if (l->ended)
        return;
    l->ended = true;
    l->ok = ok;
    l->close_code = code;
    if (l->client != NULL)
        wa_client_stop(l->client);
    if (l->ev.end != NULL)
        l->ev.end(l->ev.ctx, ok, code, text);
}

static void
link_qr(void *ctx, const char *qr, int64_t expires_at_ms)
{
    struct wa_link *l = ctx;

    if (!l->ended && l->ev.qr != NULL)
        l->ev.qr(l->ev.ctx, qr, expires_at_ms);
}

static void
link_code(void *ctx, const char *code, int64_t expires_at_ms)
{
    struct wa_link *l = ctx;

    if (!l->ended && l->ev.code != NULL)
        l->ev.code(l->ev.ctx, code, expires_at_ms);
}

static int
link_persist(void *ctx, const struct wa_creds *creds, struct err *e)
{
    struct wa_link *l = ctx;

    return wa_link_store(l->db, l->key, l->before.usuario_id, creds, &l->stored, e);
}

static void
link_paired(void *ctx, const char *jid)
{
    struct wa_link *l = ctx;

    if (!l->ended && l->ev.paired != NULL)
        l->ev.paired(l->ev.ctx, jid);
}

static void
link_open(void *ctx, const char *jid, const char *lid)
{
    (void)lid;
    link_end(ctx, true, 0, jid);
}

static void
link_close(void *ctx, int code, const char *reason)
{
    struct wa_link *l = ctx;
    char why[ERR_MSG_BYTES];

    snprintf(l->reason, sizeof l->reason, "%s", reason);
    wa_link_why(true, l->por_telefono, code, reason, why, sizeof why);
    link_end(l, false, code, why);
}

static void
link_stop(void *state)
{
    struct wa_link *l = state;

    if (!l->ended) {
        l->ended = true;
        l->close_code = TRANSPORT_CLOSE_LOCAL;
        snprintf(l->reason, sizeof l->reason, "vinculación interrumpida en el cliente");
    }
    if (l->client != NULL)
        wa_client_stop(l->client);
}

static void
link_finish(void *state)
{
    struct wa_link *l = state;
    struct wa_link_result r;
    struct err e;

    if (l == NULL)
        return;
    wa_client_free(l->client);
    r = (struct wa_link_result){ .linking = true,
                                 .ok = l->ok,
                                 .stored = l->stored,
                                 .close_code = l->close_code,
                                 .reason = l->reason };
    if (l->began && wa_link_record(l->db, &r, &l->before, &e) != RC_OK)
        log_warn("vinculación: no se pudo anotar el estado de la cuenta: %s", e.msg);
    db_wa_cuenta_fini(&l->before);
    wa_creds_free(l->creds);
    seal_key_close(l->key);
    db_close(l->db);
    free(l);
}

static void *
link_start(const void *ctx, uv_loop_t *loop, const char *login, const char *telefono,
           const struct wa_link_events *ev, struct err *e)
{
    const struct config *cfg = ctx;
    struct wa_link *l = xcalloc(1, sizeof *l);
    struct wa_client_config cc = { .url = cfg->wa_url.value };
    struct wa_client_events ce = { .ctx = l,
                                   .qr = link_qr,
                                   .code = link_code,
                                   .persist = link_persist,
                                   .paired = link_paired,
                                   .open = link_open,
                                   .close = link_close };

    l->ev = *ev;
    l->por_telefono = telefono != NULL;
    if ((l->db = db_open(cfg, login, e)) == NULL || db_wa_cuenta(l->db, &l->before, e) != RC_OK ||
        (l->key = seal_key_open(cfg->wa_key_file.value, true, e)) == NULL)
        goto fail;
    if (wa_link_begin(l->db, &l->before, &l->creds, e) != RC_OK)
        goto fail;
    l->began = true;
    wa_session_config_default(&cc.session);
    if ((l->client = wa_client_new(loop, l->creds, &cc, &ce, e)) == NULL)
        goto fail;
    if (wa_client_connect(l->client, e) != RC_OK ||
        (telefono != NULL && wa_client_link_code(l->client, telefono, e) != RC_OK)) {
        /* reported as the end: the loop must run */
        snprintf(l->reason, sizeof l->reason, "%s", e->msg);
        link_end(l, false, TRANSPORT_CLOSE_NETWORK, e->msg);
    }
    return l;
fail:
    link_finish(l); /* nothing stored yet: the account goes back to where it was */
    return NULL;
}

void
wa_link_factory(const struct config *cfg, struct wa_link_factory *out)
{
    out->start = link_start;
    out->stop = link_stop;
    out->finish = link_finish;
    out->ctx = cfg;
}
