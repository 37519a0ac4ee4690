/* wa_web — one account's `web` transport from the database. See wa_web.h. */
#include "cmd/wa_web.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/wa_contactos.h"
#include "core/transport.h"
#include "crypto/seal.h"
#include "db/db_sender.h"
#include "db/db_signal.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "wa/creds.h"
#include "wa/creds_seal.h"
#include "wa/net/transport_web.h"
#include "wa/signal/wasig.h"

struct wa_web {
    struct db *db;
    int cuenta;
    const struct seal_key *key;
    struct wa_creds *creds;
    struct wasig *sig;
    struct transport *t;
    struct wa_contactos contactos; /* LID map, privacy tokens, identity changes */
};

/* ---- the Signal store on db_signal --------------------------------------------------------- */

static int
sig_put(void *ctx, enum wasig_table t, const char *key, const uint8_t *blob, size_t len,
        struct err *e)
{
    struct wa_web *w = ctx;

    return db_signal_guardar(w->db, w->cuenta, wasig_table_name(t), key, blob, len, e);
}

static int
sig_del(void *ctx, enum wasig_table t, const char *key, struct err *e)
{
    struct wa_web *w = ctx;

    return db_signal_borrar(w->db, w->cuenta, wasig_table_name(t), key, NULL, e);
}

static int
sig_load(void *ctx, enum wasig_table t, wasig_row_fn fn, void *arg, struct err *e)
{
    struct wa_web *w = ctx;

    return db_signal_filas(w->db, w->cuenta, wasig_table_name(t), fn, arg, e);
}

/* The transport's store hook: the changed credentials, sealed, replace the stored ones. */
static int
creds_persist(void *ctx, const struct wa_creds *creds, struct err *e)
{
    struct wa_web *w = ctx;
    uint8_t *sealed = NULL;
    size_t len = 0;
    int rc;

    if (!wa_creds_is_paired(creds))
        return RC_OK;
    rc = wa_creds_seal(w->key, w->cuenta, creds, &sealed, &len, e);
    if (rc == RC_OK)
        rc = db_sender_guardar_credenciales(w->db, w->cuenta, sealed, len, e);
    free(sealed);
    return rc;
}

/* Puts what before says in front of e's message (no overlapping snprintf). */
static int
err_prefix(struct err *e, enum rc rc, const char *before)
{
    char why[ERR_MSG_BYTES];

    if (e == NULL)
        return rc;
    memcpy(why, e->msg, sizeof why);
    return err_set(e, rc, "%s: %.150s", before, why);
}

/* The stored credentials, opened; they must be a linked device's. */
static int
creds_load(struct wa_web *w, struct err *e)
{
    uint8_t *blob = NULL;
    size_t len = 0;
    int rc;

    if ((rc = db_sender_credenciales(w->db, w->cuenta, &blob, &len, e)) != RC_OK)
        return rc;
    if (blob == NULL)
        return err_set(e, RC_NOTFOUND,
                       "la cuenta no tiene credenciales guardadas: vincúlela con «embudo wa link»");
    rc = wa_creds_unseal(w->key, w->cuenta, blob, len, &w->creds, e);
    free(blob);
    if (rc != RC_OK)
        return err_prefix(e, rc, "no se pudieron abrir las credenciales guardadas");
    if (!wa_creds_is_paired(w->creds))
        return err_set(e, RC_NOTFOUND,
                       "las credenciales guardadas no son de un dispositivo "
                       "vinculado: vincule con «embudo wa link»");
    return RC_OK;
}

struct wa_web *
wa_web_new(uv_loop_t *loop, const struct wa_web_params *p, const struct transport_clock *clock,
           const struct transport_events *ev, struct err *e)
{
    struct wa_web *w = xcalloc(1, sizeof *w);
    struct wasig_persist persist = { .put = sig_put, .del = sig_del, .load = sig_load, .ctx = w };
    struct transport_web_store store = { .persist = creds_persist, .ctx = w };
    struct transport_web_config cfg = { .url = p->url };

    w->db = p->db;
    w->cuenta = p->cuenta;
    w->key = p->key;
    if (creds_load(w, e) != RC_OK)
        goto fail;
    if (p->signal && (w->sig = wasig_open(w->creds, w->cuenta, w->key, &persist, e)) == NULL) {
        (void)err_prefix(e, e != NULL ? e->rc : RC_IO, "no se pudo abrir el estado Signal");
        goto fail;
    }
    wa_session_config_default(&cfg.session);
    wa_msgsend_config_default(&cfg.msg);
    if (p->no_check_gap)
        cfg.msg.check_gap_ms = 0;
    wa_contactos_bind(&w->contactos, w->db, w->cuenta, &cfg.msg);
    if ((w->t = transport_web_new(loop, w->creds, w->sig, &cfg, &store, clock, ev, e)) == NULL)
        goto fail;
    wa_contactos_restore(&w->contactos, transport_web_msgsend(w->t),
                         w->t->clock.now_ms(w->t->clock.ctx));
    return w;
fail:
    wa_web_free(w);
    return NULL;
}

struct transport *
wa_web_transport(const struct wa_web *w)
{
    return w->t;
}

const struct wa_creds *
wa_web_creds(const struct wa_web *w)
{
    return w->creds;
}

void
wa_web_free(struct wa_web *w)
{
    if (w == NULL)
        return;
    transport_web_destroy(w->t);
    wasig_free(w->sig);
    wa_creds_free(w->creds);
    free(w);
}
