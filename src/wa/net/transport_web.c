/* transport_web — the campaign transport over the native client. See transport_web.h. */
#include "wa/net/transport_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "wa/binnode.h"
#include "wa/net/client.h"

struct tweb {
    struct transport base; /* first: the vtable's struct transport * is ours */
    uv_loop_t *loop;
    struct wa_creds *creds;
    struct wa_client *client;
    struct wa_msgsend *ms;
    struct transport_web_store store;
    uv_timer_t timer;
    bool connecting, open, dead, pumping;
};

/* The clock when the caller gives none: the wall clock, epoch milliseconds. */
static int64_t
tw_wall_ms(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
tw_now(const struct tweb *tw)
{
    return tw->base.clock.now_ms(tw->base.clock.ctx);
}

static void tw_pump(struct tweb *tw);

static void
tw_timer_cb(uv_timer_t *t)
{
    struct tweb *tw = t->data;

    wa_msgsend_tick(tw->ms, tw_now(tw));
    tw_pump(tw);
}

static void
tw_arm(struct tweb *tw)
{
    int64_t d = wa_msgsend_deadline(tw->ms), now = tw_now(tw);

    if (tw->dead)
        return;
    if (d == INT64_MAX) {
        uv_timer_stop(&tw->timer);
        return;
    }
    uv_timer_start(&tw->timer, tw_timer_cb, d > now ? (uint64_t)(d - now) : 0, 0);
}

static void
tw_numbers(struct tweb *tw, const struct wa_msgsend_event *ev)
{
    struct transport_number *nums = xcalloc(ev->n, sizeof *nums);

    for (size_t i = 0; i < ev->n; i++) {
        nums[i].number = ev->nums[i].number;
        nums[i].on_whatsapp = ev->nums[i].on_whatsapp;
        nums[i].jid = ev->nums[i].jid[0] != '\0' ? ev->nums[i].jid : NULL;
    }
    if (tw->base.ev.numbers != NULL)
        tw->base.ev.numbers(tw->base.ev.ctx, ev->request_id, nums, ev->n);
    free(nums);
}

/* One messenger event → a transport event (or a credentials store). */
static void
tw_event(struct tweb *tw, const struct wa_msgsend_event *ev)
{
    const struct transport_events *te = &tw->base.ev;
    struct err e;

    switch (ev->kind) {
    case WA_MSGSEND_EV_ACK:
        if (te->ack != NULL)
            te->ack(te->ctx, ev->id, ev->error, ev->at_ms ? ev->at_ms : tw_now(tw));
        break;
    case WA_MSGSEND_EV_RECEIPT:
        if (te->receipt != NULL)
            te->receipt(te->ctx, ev->id,
                        ev->status >= 4 ? TRANSPORT_RECEIPT_READ : TRANSPORT_RECEIPT_DELIVERED,
                        ev->at_ms);
        break;
    case WA_MSGSEND_EV_INCOMING:
        if (te->incoming != NULL)
            te->incoming(te->ctx, ev->from, ev->id, ev->text, ev->at_ms);
        break;
    case WA_MSGSEND_EV_NUMBERS:
        tw_numbers(tw, ev);
        break;
    case WA_MSGSEND_EV_IDENTITY:
        log_info("wa: cambió la identidad de %s; sesión reconstruida", ev->from);
        break;
    case WA_MSGSEND_EV_CREDS:
        err_clear(&e);
        if (tw->store.persist != NULL && tw->store.persist(tw->store.ctx, tw->creds, &e) != RC_OK) {
            log_warn("wa: no se pudieron guardar las credenciales: %s", e.msg);
            wa_client_disconnect(tw->client);
        }
        break;
    }
}

/* One round: credentials stored first (before anything that depends on them leaves), then
 * every queued node sent, then the other events delivered — so a callback that stops the
 * transport never strands a node the same input produced (the 463 privacy token). */
static bool
tw_round(struct tweb *tw)
{
    struct wa_msgsend_event ev, *held = NULL;
    struct binnode *n;
    size_t nheld = 0;
    bool did = false;

    while (wa_msgsend_pop_event(tw->ms, &ev)) {
        if (ev.kind == WA_MSGSEND_EV_CREDS) {
            tw_event(tw, &ev);
        } else {
            held = xrealloc(held, (nheld + 1) * sizeof *held);
            held[nheld++] = ev;
        }
        did = true;
    }
    while (!tw->dead && (n = wa_msgsend_pop_send(tw->ms)) != NULL) {
        if (wa_client_send(tw->client, n, NULL) != RC_OK)
            wa_msgsend_offline(tw->ms);
        binnode_free(n);
        did = true;
    }
    for (size_t i = 0; i < nheld; i++) {
        if (!tw->dead)
            tw_event(tw, &held[i]);
        wa_msgsend_event_fini(&held[i]);
    }
    free(held);
    return did;
}

static void
tw_pump(struct tweb *tw)
{
    if (tw->pumping || tw->dead)
        return;
    tw->pumping = true;
    while (!tw->dead && tw_round(tw))
        ;
    tw->pumping = false;
    tw_arm(tw);
}

/* ---- client events --------------------------------------------------------------------- */

static void
tw_qr(void *ctx, const char *qr, int64_t expires_at_ms)
{
    struct tweb *tw = ctx;

    if (!tw->dead && tw->base.ev.qr != NULL)
        tw->base.ev.qr(tw->base.ev.ctx, qr, expires_at_ms);
}

static void
tw_code(void *ctx, const char *code, int64_t expires_at_ms)
{
    struct tweb *tw = ctx;

    if (!tw->dead && tw->base.ev.code != NULL)
        tw->base.ev.code(tw->base.ev.ctx, code, expires_at_ms);
}

static int
tw_persist(void *ctx, const struct wa_creds *creds, struct err *e)
{
    struct tweb *tw = ctx;

    return tw->store.persist != NULL ? tw->store.persist(tw->store.ctx, creds, e) : RC_OK;
}

static void
tw_open(void *ctx, const char *jid, const char *lid)
{
    struct tweb *tw = ctx;

    (void)lid;
    tw->connecting = false;
    tw->open = true;
    wa_msgsend_online(tw->ms, tw_now(tw));
    if (tw->base.ev.open != NULL)
        tw->base.ev.open(tw->base.ev.ctx, jid);
    tw_pump(tw);
}

static void
tw_close(void *ctx, int code, const char *reason)
{
    struct tweb *tw = ctx;

    tw->connecting = false;
    tw->open = false;
    wa_msgsend_offline(tw->ms);
    uv_timer_stop(&tw->timer);
    if (!tw->dead && tw->base.ev.close != NULL)
        tw->base.ev.close(tw->base.ev.ctx, code, reason);
}

static void
tw_node(void *ctx, const struct binnode *n, int64_t now_ms)
{
    struct tweb *tw = ctx;
    struct err e;

    (void)now_ms; /* the transport's clock is the one msgsend runs on */
    err_clear(&e);
    if (wa_msgsend_feed(tw->ms, n, tw_now(tw), &e) != RC_OK) {
        log_warn("wa: el almacén Signal falló: %s", e.msg);
        wa_client_disconnect(tw->client);
    }
    tw_pump(tw);
}

/* ---- the vtable ------------------------------------------------------------------------ */

static int
tw_connect(struct transport *t, struct err *e)
{
    struct tweb *tw = (struct tweb *)t;
    int rc;

    if (tw->connecting || tw->open)
        return err_set(e, RC_INVAL, "ya conectado o conectando");
    rc = wa_client_connect(tw->client, e);
    if (rc == RC_BUSY)
        return err_set(e, RC_INVAL, "la conexión anterior aún se está cerrando");
    tw->connecting = rc == RC_OK;
    return rc;
}

static int
tw_link_code(struct transport *t, const char *phone, struct err *e)
{
    struct tweb *tw = (struct tweb *)t;

    if (tw->dead)
        return err_set(e, RC_CLOSED, "transporte detenido");
    if (tw->open)
        return err_set(e, RC_REFUSED, "la cuenta ya está vinculada y conectada");
    if (!tw->connecting)
        return err_set(e, RC_CLOSED, "no hay una conexión con WhatsApp en curso");
    return wa_client_link_code(tw->client, phone, e);
}

static void
tw_disconnect(struct transport *t)
{
    wa_client_disconnect(((struct tweb *)t)->client);
}

static int
tw_send_text(struct transport *t, const char *to, const char *msg_id, const char *text,
             struct err *e)
{
    struct tweb *tw = (struct tweb *)t;
    int rc = wa_msgsend_send_text(tw->ms, to, msg_id, text, tw_now(tw), e);

    tw_pump(tw);
    return rc;
}

static int
tw_presence(struct transport *t, const char *to, enum transport_presence p, struct err *e)
{
    struct tweb *tw = (struct tweb *)t;
    enum wa_msgsend_presence mp = p == TRANSPORT_PRESENCE_AVAILABLE   ? WA_MSGSEND_AVAILABLE
                                  : p == TRANSPORT_PRESENCE_COMPOSING ? WA_MSGSEND_COMPOSING
                                                                      : WA_MSGSEND_PAUSED;
    int rc = wa_msgsend_presence(tw->ms, to, mp, tw_now(tw), e);

    tw_pump(tw);
    return rc;
}

static int
tw_check(struct transport *t, uint64_t request_id, const char *const *numbers, size_t n,
         struct err *e)
{
    struct tweb *tw = (struct tweb *)t;
    int rc = wa_msgsend_check(tw->ms, request_id, numbers, n, tw_now(tw), e);

    tw_pump(tw);
    return rc;
}

static void
tw_free(struct transport *t)
{
    struct tweb *tw = (struct tweb *)t;

    if (tw->dead)
        return;
    tw->dead = true;
    wa_client_stop(tw->client);
    uv_timer_stop(&tw->timer);
    uv_close((uv_handle_t *)&tw->timer, NULL);
}

static const struct transport_ops tw_ops = {
    .name = "web",
    .connect = tw_connect,
    .disconnect = tw_disconnect,
    .link_code = tw_link_code,
    .send_text = tw_send_text,
    .presence = tw_presence,
    .check_numbers = tw_check,
    .free = tw_free,
};

struct transport *
transport_web_new(uv_loop_t *loop, struct wa_creds *creds, struct wasig *sig,
                  const struct transport_web_config *cfg, const struct transport_web_store *store,
                  const struct transport_clock *clock, const struct transport_events *ev,
                  struct err *e)
{
    struct tweb *tw = xcalloc(1, sizeof *tw);
    struct wa_client_config ccfg = { .url = cfg->url, .session = cfg->session };
    struct wa_client_events cev = { .ctx = tw,
                                    .qr = tw_qr,
                                    .code = tw_code,
                                    .persist = tw_persist,
                                    .open = tw_open,
                                    .close = tw_close,
                                    .node = tw_node };

    tw->base.ops = &tw_ops;
    tw->base.ev = *ev;
    if (clock != NULL && clock->now_ms != NULL)
        tw->base.clock = *clock;
    else
        tw->base.clock.now_ms = tw_wall_ms;
    tw->loop = loop;
    tw->creds = creds;
    if (store != NULL)
        tw->store = *store;
    if ((tw->client = wa_client_new(loop, creds, &ccfg, &cev, e)) == NULL) {
        free(tw);
        return NULL;
    }
    tw->ms = wa_msgsend_new(creds, sig, &cfg->msg);
    uv_timer_init(loop, &tw->timer);
    tw->timer.data = tw;
    return &tw->base;
}

void
transport_web_destroy(struct transport *t)
{
    struct tweb *tw = (struct tweb *)t;

    if (tw == NULL)
        return;
    wa_client_free(tw->client);
    wa_msgsend_free(tw->ms);
    free(tw);
}

struct wa_msgsend *
transport_web_msgsend(struct transport *t)
{
    return ((struct tweb *)t)->ms;
}
