/*
 * campana_web — a campaign's traffic over the `web` transport against the fake server
 * (tests only; driven by tests/wa/t_campana_web.sh). It links a fresh device through the
 * fake phone (a plain wa_client, as `embudo wa link` does), opens its Signal state in
 * memory, then, through core/transport.h only (what the campaign code uses): checks every
 * number, reports the ones not on WhatsApp, sends one text per recipient the way the sender
 * does (the next after the previous ack) with typing presence, asks the server to drop the
 * connection after half of them (admin "drop"), reconnects, finishes, and waits until every
 * message is read. Prints one line per event and the counters at the end; exit 0 when they
 * add up.
 *
 *   campana_web URL ADMIN_FIFO KEY_FILE NUMBER…
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "core/transport.h"
#include "crypto/seal.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "wa/creds.h"
#include "wa/msgid.h"
#include "wa/net/client.h"
#include "wa/net/transport_web.h"
#include "wa/signal/wasig.h"

#define CW_MAX 64

struct cw {
    uv_loop_t loop;
    uv_timer_t guard;
    const char *url, *admin;
    struct wa_creds *creds;
    struct wa_client *client;
    struct transport *t;
    int nnum;
    char **nums;
    char jids[CW_MAX][WA_JID_MAX];
    char ids[CW_MAX][WA_MSGID_LEN + 1];
    int status[CW_MAX]; /* 0 queued, 2 acked, 3 delivered, 4 read, -1 skipped, -2 failed */
    int ntargets, next, inflight, acked, read, skipped, failed, opens, dropped;
    bool done;
    int rc;
};

static void
cw_admin(struct cw *c, const char *line)
{
    FILE *f = fopen(c->admin, "w");

    if (f != NULL) {
        fprintf(f, "%s\n", line);
        fclose(f);
    }
}

static void
cw_end(struct cw *c, int rc)
{
    if (c->done)
        return;
    c->done = true;
    c->rc = rc;
    uv_timer_stop(&c->guard);
    uv_close((uv_handle_t *)&c->guard, NULL);
    if (c->t != NULL)
        transport_free(c->t);
    if (c->client != NULL)
        wa_client_stop(c->client);
}

static void
cw_timeout(uv_timer_t *t)
{
    fprintf(stderr, "campana_web: tiempo agotado\n");
    cw_end(t->data, 1);
}

/* ---- phase 1: link a device through the fake phone ---------------------------------------- */

static void
cw_link_qr(void *ctx, const char *qr, int64_t expires)
{
    char line[600];

    (void)expires;
    snprintf(line, sizeof line, "scan-qr %s", qr);
    cw_admin(ctx, line);
}

static void
cw_link_open(void *ctx, const char *jid, const char *lid)
{
    struct cw *c = ctx;

    printf("vinculado %s %s\n", jid, lid);
    wa_client_stop(c->client); /* the loop runs dry; phase 2 follows */
}

static void
cw_link_close(void *ctx, int code, const char *reason)
{
    fprintf(stderr, "campana_web: vinculación fallida (%d): %s\n", code, reason);
    cw_end(ctx, 1);
}

/* ---- phase 2: the campaign through core/transport.h ----------------------------------- */

static void
cw_send_next(struct cw *c)
{
    struct err e;
    char user[WA_CREDS_JID_MAX];

    if (c->inflight >= 0 || c->next >= c->nnum)
        return;
    while (c->next < c->nnum && c->status[c->next] != 0)
        c->next++;
    if (c->next >= c->nnum)
        return;
    snprintf(user, sizeof user, "%s", c->creds->me_jid);
    user[strcspn(user, ":@")] = '\0';
    wa_msgid_new(transport_now(c->t) / 1000, user, c->ids[c->next]);
    /* Typing is cosmetic: a failure must not stop the campaign. */
    if (transport_presence(c->t, c->nums[c->next], TRANSPORT_PRESENCE_COMPOSING, &e) != RC_OK ||
        transport_presence(c->t, c->nums[c->next], TRANSPORT_PRESENCE_PAUSED, &e) != RC_OK)
        printf("presencia falló: %s\n", e.msg);
    /* The campaign knows phones: the transport resolves the canonical JID itself. */
    if (transport_send_text(c->t, c->nums[c->next], c->ids[c->next],
                            "Hola, le escribo por su "
                            "trámite.",
                            &e) != RC_OK) {
        fprintf(stderr, "campana_web: %s\n", e.msg);
        cw_end(c, 1);
        return;
    }
    c->inflight = c->next++;
}

static int
cw_find(const struct cw *c, const char *id)
{
    for (int i = 0; i < c->nnum; i++)
        if (strcmp(c->ids[i], id) == 0)
            return i;
    return -1;
}

static void
cw_check_done(struct cw *c)
{
    if (c->read + c->failed + c->skipped < c->nnum)
        return;
    printf("enviados %d leidos %d omitidos %d fallidos %d aperturas %d\n", c->acked, c->read,
           c->skipped, c->failed, c->opens);
    cw_end(c, c->acked == c->nnum - c->skipped && c->read == c->acked && c->failed == 0 ? 0 : 1);
}

static void
cw_open(void *ctx, const char *self)
{
    struct cw *c = ctx;
    struct err e;

    printf("abierta %s\n", self);
    if (c->opens++ == 0 && transport_check_numbers(c->t, 1, (const char *const *)c->nums,
                                                   (size_t)c->nnum, &e) != RC_OK) {
        fprintf(stderr, "campana_web: %s\n", e.msg);
        cw_end(c, 1);
        return;
    }
    if (c->opens > 1)
        cw_send_next(c);
}

static void
cw_close(void *ctx, int code, const char *reason)
{
    struct cw *c = ctx;
    struct err e;

    printf("cerrada %d\n", code);
    if (c->inflight >= 0) { /* its ack is lost: the sender marks it uncertain, never resends */
        printf("incierto %s\n", c->ids[c->inflight]);
        c->status[c->inflight] = -2;
        c->failed++;
        c->inflight = -1;
    }
    if (c->done || transport_connect(c->t, &e) != RC_OK) {
        fprintf(stderr, "campana_web: cerrada (%d): %s\n", code, reason);
        cw_end(c, 1);
    }
}

static void
cw_numbers(void *ctx, uint64_t request_id, const struct transport_number *n, size_t count)
{
    struct cw *c = ctx;

    (void)request_id;
    for (size_t i = 0; i < count; i++) {
        if (n[i].on_whatsapp != 1) {
            printf("omitido %s\n", n[i].number);
            c->status[i] = -1;
            c->skipped++;
        } else {
            snprintf(c->jids[i], sizeof c->jids[i], "%s", n[i].jid ? n[i].jid : "");
        }
    }
    cw_send_next(c);
    cw_check_done(c); /* everyone skipped: nothing to wait for */
}

static void
cw_ack(void *ctx, const char *id, int error, int64_t at)
{
    struct cw *c = ctx;
    int i = cw_find(c, id);

    (void)at;
    if (i < 0 || i != c->inflight)
        return;
    c->inflight = -1;
    if (error != 0) {
        printf("error %s %d\n", id, error);
        c->status[i] = -2;
        c->failed++;
    } else {
        c->status[i] = 2;
        c->acked++;
        printf("enviado %s %s\n", id, c->jids[i]);
    }
    if (c->acked == (c->nnum - c->skipped) / 2 && !c->dropped) {
        c->dropped = 1;
        cw_admin(c, "drop"); /* mid-campaign: the server drops us; we reconnect */
        return;
    }
    cw_send_next(c);
    cw_check_done(c);
}

static void
cw_receipt(void *ctx, const char *id, enum transport_receipt kind, int64_t at)
{
    struct cw *c = ctx;
    int i = cw_find(c, id), st = kind == TRANSPORT_RECEIPT_READ ? 4 : 3;

    (void)at;
    if (i < 0 || c->status[i] < 2 || st <= c->status[i])
        return;
    c->status[i] = st;
    if (st == 4) {
        c->read++;
        printf("leido %s\n", id);
    }
    cw_check_done(c);
}

/* ---- main ------------------------------------------------------------------------------- */

static int
mem_put(void *ctx, enum wasig_table t, const char *key, const uint8_t *blob, size_t len,
        struct err *e)
{
    (void)ctx, (void)t, (void)key, (void)blob, (void)len, (void)e;
    return RC_OK;
}

static int
mem_del(void *ctx, enum wasig_table t, const char *key, struct err *e)
{
    (void)ctx, (void)t, (void)key, (void)e;
    return RC_OK;
}

static int
mem_load(void *ctx, enum wasig_table t, wasig_row_fn fn, void *arg, struct err *e)
{
    (void)ctx, (void)t, (void)fn, (void)arg, (void)e;
    return RC_OK;
}

/* Phase 1: pairs c->creds through the fake phone; false on failure. */
static bool
cw_link(struct cw *c)
{
    struct wa_client_config cfg = { .url = c->url };
    struct wa_client_events ev = {
        .ctx = c, .qr = cw_link_qr, .open = cw_link_open, .close = cw_link_close
    };
    struct err e;

    wa_session_config_default(&cfg.session);
    if ((c->client = wa_client_new(&c->loop, c->creds, &cfg, &ev, &e)) == NULL ||
        wa_client_connect(c->client, &e) != RC_OK) {
        fprintf(stderr, "campana_web: %s\n", e.msg);
        return false;
    }
    uv_run(&c->loop, UV_RUN_DEFAULT);
    wa_client_free(c->client);
    c->client = NULL;
    return !c->done && wa_creds_is_paired(c->creds);
}

/* Phase 2: the campaign over transport_web with an in-memory Signal state. */
static void
cw_campaign(struct cw *c, struct seal_key *key)
{
    static const struct wasig_persist mem = { mem_put, mem_del, mem_load, NULL };
    struct transport_web_config cfg = { .url = c->url };
    struct transport_events ev = { .ctx = c,
                                   .open = cw_open,
                                   .close = cw_close,
                                   .ack = cw_ack,
                                   .receipt = cw_receipt,
                                   .numbers = cw_numbers };
    struct wasig *sig;
    struct err e;

    if ((sig = wasig_open(c->creds, 1, key, &mem, &e)) == NULL) {
        fprintf(stderr, "campana_web: %s\n", e.msg);
        cw_end(c, 1);
        return;
    }
    wa_session_config_default(&cfg.session);
    wa_msgsend_config_default(&cfg.msg);
    cfg.msg.check_gap_ms = 0;
    c->t = transport_web_new(&c->loop, c->creds, sig, &cfg, NULL, NULL, &ev, &e);
    if (c->t == NULL || transport_connect(c->t, &e) != RC_OK) {
        fprintf(stderr, "campana_web: %s\n", e.msg);
        cw_end(c, 1);
    }
    uv_run(&c->loop, UV_RUN_DEFAULT);
    transport_web_destroy(c->t);
    wasig_free(sig);
}

int
main(int argc, char **argv)
{
    struct cw c;
    struct seal_key *key;
    struct err e;
    int rc;

    if (argc < 5 || argc - 4 > CW_MAX) {
        fprintf(stderr, "uso: campana_web URL ADMIN_FIFO KEY_FILE NUMERO…\n");
        return 2;
    }
    memset(&c, 0, sizeof c);
    c.url = argv[1];
    c.admin = argv[2];
    c.nums = argv + 4;
    c.nnum = argc - 4;
    c.inflight = -1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if ((key = seal_key_open(argv[3], true, &e)) == NULL ||
        (c.creds = wa_creds_generate(&e)) == NULL) {
        fprintf(stderr, "campana_web: %s\n", e.msg);
        return 1;
    }
    uv_loop_init(&c.loop);
    uv_timer_init(&c.loop, &c.guard);
    c.guard.data = &c;
    uv_timer_start(&c.guard, cw_timeout, 120000, 0);
    uv_unref((uv_handle_t *)&c.guard); /* a watchdog: it does not keep the loop alive */
    if (cw_link(&c))
        cw_campaign(&c, key);
    else
        cw_end(&c, 1);
    uv_run(&c.loop, UV_RUN_DEFAULT);
    rc = uv_loop_close(&c.loop);
    wa_creds_free(c.creds);
    seal_key_close(key);
    if (rc != 0)
        fprintf(stderr, "campana_web: uv_loop_close = %d\n", rc);
    return rc != 0 ? 1 : c.rc;
}
