/* wa_sender — the senders' factory: WEB or CLOUD per account. See wa_sender.h. */
#include "cmd/wa_sender.h"

#include <stdbool.h>
#include <stdlib.h>

#include "cmd/wa_cloud.h"
#include "cmd/wa_web.h"
#include "core/config.h"
#include "crypto/seal.h"
#include "db/db_wa_cloud.h"
#include "rt/sender.h"
#include "util/err.h"
#include "util/xmalloc.h"

/* One sender thread's: its account's client, and for WEB the key file it opened. */
struct wa_sender {
    struct seal_key *key;
    struct wa_web *web;
    struct wa_cloud *cloud;
};

static void
sender_release(const void *ctx, void *state)
{
    struct wa_sender *s = state;

    (void)ctx;
    if (s == NULL)
        return;
    wa_web_free(s->web);
    wa_cloud_free(s->cloud);
    seal_key_close(s->key);
    free(s);
}

static struct transport *
make_web(const struct config *cfg, uv_loop_t *loop, const struct sendcore_transport_req *req,
         struct wa_sender *s, struct err *e)
{
    struct wa_web_params p = {
        .url = cfg->wa_url.value, .db = req->db, .cuenta = req->cuenta, .signal = true
    };

    if ((s->key = seal_key_open(cfg->wa_key_file.value, false, e)) == NULL)
        return NULL;
    p.key = s->key;
    if ((s->web = wa_web_new(loop, &p, req->clock, req->ev, e)) == NULL)
        return NULL;
    return wa_web_transport(s->web);
}

static struct transport *
sender_make(const void *ctx, uv_loop_t *loop, const struct sendcore_transport_req *req,
            void **state, struct err *e)
{
    const struct config *cfg = ctx;
    struct wa_sender *s = xcalloc(1, sizeof *s);
    char numero_id[DB_WA_CLOUD_NUMERO_MAX + 1];
    struct transport *t = NULL;
    bool cloud = false;

    if (db_wa_cloud_remitente(req->db, req->cuenta, &cloud, numero_id, e) == RC_OK) {
        if (!cloud)
            t = make_web(cfg, loop, req, s, e);
        else if ((s->cloud = wa_cloud_new(loop, cfg, req->db, req->cuenta, numero_id, req->clock,
                                          req->ev, e)) != NULL)
            t = wa_cloud_transport(s->cloud);
    }
    if (t == NULL) {
        sender_release(ctx, s);
        return NULL;
    }
    *state = s;
    return t;
}

void
wa_sender_factory(const struct config *cfg, struct sender_factory *out)
{
    out->make = sender_make;
    out->release = sender_release;
    out->ctx = cfg;
}
