/* wa_contactos — LID map, privacy tokens and identity changes on the database. See
 * wa_contactos.h. */
#include "cmd/wa_contactos.h"

#include <inttypes.h>

#include "db/db_wa_lid.h"
#include "util/err.h"
#include "util/log.h"
#include "wa/devices.h"
#include "wa/send/msgsend.h"
#include "wa/tctoken.h"

#define WA_CONTACTOS_TOKENS_MAX 4096

static void
lid_put(void *ctx, const char *pn, const char *lid)
{
    struct wa_contactos *c = ctx;
    struct err e;

    if (db_wa_lid_guardar(c->db, c->cuenta, pn, lid, &e) != RC_OK)
        log_warn("wa: no se guardó el LID de %s: %s", pn, e.msg);
}

static void
token_put(void *ctx, const char *jid, const uint8_t *token, size_t len, int64_t t)
{
    struct wa_contactos *c = ctx;
    struct err e;

    if (db_wa_tctoken_guardar(c->db, c->cuenta, jid, token, len, t, NULL, &e) != RC_OK)
        log_warn("wa: no se guardó el token de privacidad de %s: %s", jid, e.msg);
}

static void
identity(void *ctx, const char *jid)
{
    struct wa_contactos *c = ctx;
    int64_t op = 0;
    struct err e;

    if (db_wa_identidad_cambiada(c->db, c->cuenta, jid, &op, &e) != RC_OK)
        log_warn("wa: no se registró el cambio de identidad de %s: %s", jid, e.msg);
    else if (op != 0)
        log_info("wa: cambió la identidad de %s; registrado en la oportunidad %" PRId64, jid, op);
}

void
wa_contactos_bind(struct wa_contactos *c, struct db *db, int64_t cuenta,
                  struct wa_msgsend_config *cfg)
{
    c->db = db;
    c->cuenta = cuenta;
    cfg->store.lid_put = lid_put;
    cfg->store.token_put = token_put;
    cfg->store.identity = identity;
    cfg->store.ctx = c;
}

struct restore {
    struct wa_msgsend *ms;
    int64_t now_ms;
};

static void
lid_row(void *arg, const char *pn, const char *lid)
{
    struct restore *r = arg;

    wa_devices_map(wa_msgsend_devices(r->ms), pn, lid, r->now_ms);
}

static void
token_row(void *arg, const char *jid, const uint8_t *token, size_t len, int64_t t)
{
    struct restore *r = arg;

    wa_msgsend_restore_token(r->ms, jid, token, len, t);
}

void
wa_contactos_restore(const struct wa_contactos *c, struct wa_msgsend *ms, int64_t now_ms)
{
    struct restore r = { ms, now_ms };
    int64_t desde = (now_ms / 1000 / WA_TCTOKEN_BUCKET_S - (WA_TCTOKEN_BUCKETS - 1)) *
                    WA_TCTOKEN_BUCKET_S; /* the oldest usable (wa_tctoken_expired) */
    struct err e;

    /* One slot of the map is ours (from the credentials): the rest fit without eviction. */
    if (db_wa_lid_filas(c->db, c->cuenta, WA_DEVICES_MAX - 1, lid_row, &r, &e) != RC_OK)
        log_warn("wa: no se leyeron los LID guardados: %s", e.msg);
    if (db_wa_tctoken_filas(c->db, c->cuenta, desde, WA_CONTACTOS_TOKENS_MAX, token_row, &r, &e) !=
        RC_OK)
        log_warn("wa: no se leyeron los tokens de privacidad guardados: %s", e.msg);
}
