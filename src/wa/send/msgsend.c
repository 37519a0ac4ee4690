/* msgsend — the messaging state machine: queues, queries, dispatch, timers, presence and
 * number checks. See msgsend.h; the send path is msgsend_out.c, the receive path
 * msgsend_in.c. */
#include "wa/send/msgsend.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/secure.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "wa/binnode.h"
#include "wa/creds.h"
#include "wa/devices.h"
#include "wa/presence.h"
#include "wa/send/msgsend_int.h"
#include "wa/tctoken.h"

void
wa_msgsend_config_default(struct wa_msgsend_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->query_timeout_ms = 60000;
    cfg->device_ttl_ms = WA_DEVICES_TTL_MS;
    cfg->keep_ms = 300000;
    cfg->max_retries = 5;
    cfg->check_gap_ms = 2000;
    cfg->check_batch = 50;
    cfg->number_ttl_ms = INT64_C(86400000);
}

void
wa_msgsend_event_fini(struct wa_msgsend_event *ev)
{
    if (ev == NULL)
        return;
    if (ev->text != NULL) {
        secure_wipe(ev->text, strlen(ev->text));
        free(ev->text);
    }
    free(ev->nums);
    ev->text = NULL;
    ev->nums = NULL;
}

static bool load_me(struct wa_msgsend *ms, int64_t now);
static struct ms_ncache *ncache_find(struct wa_msgsend *ms, const char *number, int64_t now);

struct wa_msgsend *
wa_msgsend_new(struct wa_creds *creds, struct wasig *sig, const struct wa_msgsend_config *cfg)
{
    struct wa_msgsend *ms = xcalloc(1, sizeof *ms);
    uint8_t r[4];

    ms->creds = creds;
    ms->sig = sig;
    ms->cfg = *cfg;
    ms->push_name = cfg->push_name ? xstrdup(cfg->push_name) : NULL;
    ms->cfg.push_name = NULL;
    ms->dev = wa_devices_new(cfg->device_ttl_ms);
    ms->ncache = xcalloc(MS_NCACHE_MAX, sizeof *ms->ncache);
    ms->tokens = xcalloc(MS_TOKENS_MAX, sizeof *ms->tokens);
    secure_random(r, sizeof r);
    snprintf(ms->id_prefix, sizeof ms->id_prefix, "%u.%u-", (unsigned)(r[0] << 8 | r[1]),
             (unsigned)(r[2] << 8 | r[3]));
    ms->id_counter = 1;
    ms->paired = load_me(ms, 0);
    return ms;
}

static void
drop_outs(struct wa_msgsend *ms, bool only_unsent)
{
    struct ms_out **pp = &ms->outs, *o;

    while ((o = *pp) != NULL) {
        if (only_unsent && o->st == MSO_SENT) {
            pp = &o->next;
            continue;
        }
        *pp = o->next;
        secure_wipe(o->msg, o->msglen);
        free(o->msg);
        free(o);
    }
}

static void
drop_pending(struct wa_msgsend *ms)
{
    struct ms_node *sn;
    struct ms_query *q;
    struct ms_check *c;

    while ((sn = ms->sq_head) != NULL) {
        ms->sq_head = sn->next;
        binnode_free(sn->n);
        free(sn);
    }
    ms->sq_tail = NULL;
    while ((q = ms->queries) != NULL) {
        ms->queries = q->next;
        ms_query_free(q);
    }
    while ((c = ms->checks) != NULL) {
        ms->checks = c->next;
        free(c->nums);
        free(c);
    }
    ms->check_inflight = false;
}

void
wa_msgsend_free(struct wa_msgsend *ms)
{
    struct ms_event *ev;

    if (ms == NULL)
        return;
    drop_pending(ms);
    drop_outs(ms, false);
    while ((ev = ms->ev_head) != NULL) {
        ms->ev_head = ev->next;
        wa_msgsend_event_fini(&ev->ev);
        free(ev);
    }
    wa_devices_free(ms->dev);
    for (size_t i = 0; i < ms->ntokens; i++)
        free(ms->tokens[i].data);
    free(ms->tokens);
    free(ms->ncache);
    free(ms->push_name);
    free(ms);
}

/* ---- queues ---------------------------------------------------------------------------- */

void
ms_push(struct wa_msgsend *ms, struct binnode *n)
{
    struct ms_node *sn;

    if (n == NULL)
        return;
    sn = xcalloc(1, sizeof *sn);
    sn->n = n;
    if (ms->sq_tail != NULL)
        ms->sq_tail->next = sn;
    else
        ms->sq_head = sn;
    ms->sq_tail = sn;
}

struct wa_msgsend_event *
ms_event(struct wa_msgsend *ms, enum wa_msgsend_event_kind kind)
{
    struct ms_event *ev = xcalloc(1, sizeof *ev);

    ev->ev.kind = kind;
    if (ms->ev_tail != NULL)
        ms->ev_tail->next = ev;
    else
        ms->ev_head = ev;
    ms->ev_tail = ev;
    return &ev->ev;
}

struct binnode *
wa_msgsend_pop_send(struct wa_msgsend *ms)
{
    struct ms_node *sn = ms->sq_head;
    struct binnode *n;

    if (sn == NULL)
        return NULL;
    ms->sq_head = sn->next;
    if (ms->sq_head == NULL)
        ms->sq_tail = NULL;
    n = sn->n;
    free(sn);
    return n;
}

bool
wa_msgsend_pop_event(struct wa_msgsend *ms, struct wa_msgsend_event *ev)
{
    struct ms_event *x = ms->ev_head;

    if (x == NULL)
        return false;
    ms->ev_head = x->next;
    if (ms->ev_head == NULL)
        ms->ev_tail = NULL;
    *ev = x->ev;
    free(x);
    return true;
}

struct wa_devices *
wa_msgsend_devices(struct wa_msgsend *ms)
{
    return ms->dev;
}

void
ms_learn_user(struct wa_msgsend *ms, const struct wa_usync_user *u, int64_t now)
{
    if (u->has_jid && !u->jid.lid && u->has_lid)
        ms_map_lid(ms, u->jid.user, u->lid.user, now); /* before the put, which maps it too */
    wa_devices_put(ms->dev, u, now);
}

void
ms_map_lid(struct wa_msgsend *ms, const char *pn, const char *lid, int64_t now)
{
    const char *old = wa_devices_lid_of(ms->dev, pn);
    bool fresh = old == NULL || strcmp(old, lid) != 0;

    wa_devices_map(ms->dev, pn, lid, now);
    if (fresh && ms->cfg.store.lid_put != NULL)
        ms->cfg.store.lid_put(ms->cfg.store.ctx, pn, lid);
}

/* ---- privacy tokens -------------------------------------------------------------------- */

void
ms_token_jid(const struct wa_msgsend *ms, const struct wa_jid *user, char out[WA_JID_MAX])
{
    const char *lid = user->lid ? NULL : wa_devices_lid_of(ms->dev, user->user);

    if (lid != NULL)
        snprintf(out, WA_JID_MAX, "%s@%s", lid, WA_JID_LID);
    else
        wa_jid_format(user, true, out);
}

static struct ms_token *
token_find(const struct wa_msgsend *ms, const char *jid)
{
    for (size_t i = 0; i < ms->ntokens; i++)
        if (strcmp(ms->tokens[i].jid, jid) == 0)
            return &ms->tokens[i];
    return NULL;
}

bool
ms_token_keep(struct wa_msgsend *ms, const char *jid, const uint8_t *data, size_t len, int64_t t)
{
    struct ms_token *x = token_find(ms, jid);

    if (len == 0 || len > WA_TCTOKEN_BYTES_MAX || t <= 0 || strlen(jid) >= WA_JID_MAX)
        return false;
    if (x != NULL && x->t >= t)
        return false; /* the newest is kept (a replay of the same token changes nothing) */
    if (x == NULL && ms->ntokens < MS_TOKENS_MAX) {
        x = &ms->tokens[ms->ntokens++];
    } else if (x == NULL) {
        x = &ms->tokens[0]; /* full: the oldest token goes */
        for (size_t i = 1; i < ms->ntokens; i++)
            if (ms->tokens[i].t < x->t)
                x = &ms->tokens[i];
    }
    free(x->data);
    snprintf(x->jid, sizeof x->jid, "%s", jid);
    x->t = t;
    x->len = len;
    x->data = xmalloc(len);
    memcpy(x->data, data, len);
    return true;
}

void
wa_msgsend_restore_token(struct wa_msgsend *ms, const char *jid, const uint8_t *token, size_t len,
                         int64_t t_s)
{
    struct wa_jid j;

    if (token != NULL && wa_jid_parse(jid, &j, NULL) == RC_OK && j.device == 0)
        (void)ms_token_keep(ms, jid, token, len, t_s);
}

const uint8_t *
wa_msgsend_token(const struct wa_msgsend *ms, const char *jid, size_t *len, int64_t *t_s)
{
    const struct ms_token *x = token_find(ms, jid);

    if (x == NULL)
        return NULL;
    *len = x->len;
    *t_s = x->t;
    return x->data;
}

const char *
ms_next_id(struct wa_msgsend *ms, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%" PRIu64, ms->id_prefix, ms->id_counter++);
    return buf;
}

struct ms_query *
ms_query_add(struct wa_msgsend *ms, enum ms_qkind kind, const char *id, int64_t now)
{
    struct ms_query *q = xcalloc(1, sizeof *q);

    q->kind = kind;
    snprintf(q->id, sizeof q->id, "%s", id);
    q->deadline = now + ms->cfg.query_timeout_ms;
    q->next = ms->queries;
    ms->queries = q;
    return q;
}

void
ms_query_free(struct ms_query *q)
{
    free(q);
}

/* Signal address of a device: under the user's LID when the mapping is known (Baileys
 * keys a PN device's session there, so both views share one session). */
void
ms_addr(const struct wa_msgsend *ms, const struct wa_jid *dev, struct wasig_addr *a)
{
    const char *lid = dev->lid ? NULL : wa_devices_lid_of(ms->dev, dev->user);

    memset(a, 0, sizeof *a);
    snprintf(a->user, sizeof a->user, "%s", lid ? lid : dev->user);
    a->device = dev->device;
    a->domain = lid != NULL || dev->lid ? WASIG_DOMAIN_LID : WASIG_DOMAIN_PN;
}

bool
ms_is_me(const struct wa_msgsend *ms, const struct wa_jid *j)
{
    if (j->lid)
        return ms->has_me_lid && strcmp(j->user, ms->me_lid.user) == 0;
    return strcmp(j->user, ms->me.user) == 0;
}

int
ms_persist_creds(struct wa_msgsend *ms)
{
    if (ms->sig != NULL && wasig_creds_dirty(ms->sig))
        ms_event(ms, WA_MSGSEND_EV_CREDS);
    return RC_OK;
}

/* ---- connection ------------------------------------------------------------------------ */

static const char *
presence_name(const struct wa_msgsend *ms)
{
    if (ms->push_name != NULL)
        return ms->push_name;
    return ms->creds->me_name[0] != '\0' ? ms->creds->me_name : NULL;
}

/* Reads our jid and lid from the credentials; false when not paired. */
static bool
load_me(struct wa_msgsend *ms, int64_t now)
{
    struct wa_jid lid;

    if (wa_jid_parse(ms->creds->me_jid, &ms->me, NULL) != RC_OK)
        return false;
    ms->has_me_lid = wa_jid_parse(ms->creds->me_lid, &lid, NULL) == RC_OK && lid.lid;
    if (ms->has_me_lid) {
        ms->me_lid = lid;
        wa_devices_map(ms->dev, ms->me.user, lid.user, now);
    }
    return true;
}

void
wa_msgsend_online(struct wa_msgsend *ms, int64_t now_ms)
{
    if (!load_me(ms, now_ms))
        return; /* not paired: nothing can be sent */
    ms->online = true;
    ms->next_check_ms = now_ms;
    ms_push(ms, wa_presence_online(true, presence_name(ms)));
}

void
wa_msgsend_offline(struct wa_msgsend *ms)
{
    ms->online = false;
    drop_pending(ms);
    drop_outs(ms, true);
}

/* ---- presence -------------------------------------------------------------------------- */

static bool
subscribed(struct wa_msgsend *ms, const char *user)
{
    for (size_t i = 0; i < ms->nsubs; i++)
        if (strcmp(ms->subs[i], user) == 0)
            return true;
    snprintf(ms->subs[ms->nsubs % MS_SUBS_MAX], sizeof ms->subs[0], "%s", user);
    ms->nsubs = ms->nsubs < MS_SUBS_MAX ? ms->nsubs + 1 : MS_SUBS_MAX;
    return false;
}

int
ms_peer_of(const char *to, struct wa_jid *peer, struct err *e)
{
    char jid[WA_JID_MAX];

    if (to != NULL && strchr(to, '@') == NULL) {
        if (!wa_jid_from_number(to, jid))
            return err_set(e, RC_INVAL, "número inválido: %.24s", to);
        to = jid;
    }
    if (wa_jid_parse(to, peer, e) != RC_OK)
        return RC_INVAL;
    peer->device = 0;
    return RC_OK;
}

int
wa_msgsend_presence(struct wa_msgsend *ms, const char *to, enum wa_msgsend_presence p,
                    int64_t now_ms, struct err *e)
{
    char me[WA_JID_MAX], peer_jid[WA_JID_MAX], id[40];
    struct wa_jid peer;

    if (!ms->online)
        return err_set(e, RC_CLOSED, "WhatsApp no está conectado");
    if (p == WA_MSGSEND_AVAILABLE) {
        ms_push(ms, wa_presence_online(true, presence_name(ms)));
        return RC_OK;
    }
    if (to != NULL && strchr(to, '@') == NULL) {
        /* A phone: typing goes to its canonical JID, known once checked; before, nothing
         * is shown (presence is cosmetic). */
        char digits[WA_NUMBER_MAX];
        const struct ms_ncache *hit;

        if (!wa_number_normalize(to, digits))
            return err_set(e, RC_INVAL, "número inválido: %.24s", to);
        hit = ncache_find(ms, digits, now_ms);
        if (hit == NULL || hit->on_whatsapp != 1 || wa_jid_parse(hit->jid, &peer, NULL) != RC_OK)
            return RC_OK;
    } else if (ms_peer_of(to, &peer, e) != RC_OK) {
        return RC_INVAL;
    }
    wa_jid_format(&peer, true, peer_jid);
    if (p == WA_MSGSEND_COMPOSING && !subscribed(ms, peer.user))
        ms_push(ms, wa_presence_subscribe(peer_jid, ms_next_id(ms, id, sizeof id)));
    wa_jid_format(peer.lid && ms->has_me_lid ? &ms->me_lid : &ms->me, false, me);
    if (peer.lid && ms->has_me_lid) /* our LID with our device */
        snprintf(me, sizeof me, "%s:%u@lid", ms->me_lid.user, (unsigned)ms->me.device);
    ms_push(ms, wa_presence_chatstate(me, peer_jid, p == WA_MSGSEND_COMPOSING));
    return RC_OK;
}

/* ---- number checks --------------------------------------------------------------------- */

static struct ms_ncache *
ncache_find(struct wa_msgsend *ms, const char *number, int64_t now)
{
    for (size_t i = 0; i < ms->nncache; i++)
        if (strcmp(ms->ncache[i].number, number) == 0)
            return now - ms->ncache[i].at_ms < ms->cfg.number_ttl_ms ? &ms->ncache[i] : NULL;
    return NULL;
}

/* Remembers an answer (1 or 0; unknown answers are not cached). */
static void
ncache_put(struct wa_msgsend *ms, const struct wa_msgsend_number *num, int64_t now)
{
    struct ms_ncache *c = NULL;

    if (num->on_whatsapp < 0)
        return;
    for (size_t i = 0; i < ms->nncache && c == NULL; i++)
        if (strcmp(ms->ncache[i].number, num->number) == 0)
            c = &ms->ncache[i];
    if (c == NULL)
        c = &ms->ncache[ms->nncache < MS_NCACHE_MAX ? ms->nncache++ : (size_t)now % MS_NCACHE_MAX];
    snprintf(c->number, sizeof c->number, "%s", num->number);
    snprintf(c->jid, sizeof c->jid, "%s", num->jid);
    c->on_whatsapp = num->on_whatsapp;
    c->at_ms = now;
}

static void
check_new(struct wa_msgsend *ms, uint64_t request_id, const char *const *numbers, size_t n,
          bool internal, int64_t now)
{
    struct ms_check *c, **pp;

    c = xcalloc(1, sizeof *c);
    c->internal = internal;
    c->request_id = request_id;
    c->n = n;
    c->nums = xcalloc(n, sizeof *c->nums);
    for (size_t i = 0; i < n; i++) {
        struct wa_msgsend_number *x = &c->nums[i];

        x->on_whatsapp = CHECK_PENDING;
        if (!wa_number_normalize(numbers[i], x->number)) {
            snprintf(x->number, sizeof x->number, "%.20s", numbers[i] ? numbers[i] : "");
            x->on_whatsapp = 0;
        }
    }
    for (pp = &ms->checks; *pp != NULL; pp = &(*pp)->next)
        ;
    *pp = c;
    ms_check_pump(ms, now);
}

int
wa_msgsend_check(struct wa_msgsend *ms, uint64_t request_id, const char *const *numbers, size_t n,
                 int64_t now_ms, struct err *e)
{
    if (n == 0)
        return err_set(e, RC_INVAL, "ningún número que revisar");
    if (!ms->online)
        return err_set(e, RC_CLOSED, "WhatsApp no está conectado");
    check_new(ms, request_id, numbers, n, false, now_ms);
    return RC_OK;
}

int
ms_number_peer(struct wa_msgsend *ms, const char *digits, struct wa_jid *peer, int64_t now)
{
    const struct ms_ncache *hit = ncache_find(ms, digits, now);

    if (hit != NULL)
        return hit->on_whatsapp == 1 && wa_jid_parse(hit->jid, peer, NULL) == RC_OK ? 1 : -1;
    /* Queued now, answered later (a cache miss cannot finish at once): the message is in
     * its list by then. */
    check_new(ms, 0, &digits, 1, true, now);
    return 0;
}

/* Answers the head request when nothing of it is left to ask or in flight. */
static bool
check_finish(struct wa_msgsend *ms, struct ms_check *c, int64_t now)
{
    struct wa_msgsend_event *ev;

    while (c->asked < c->n && c->nums[c->asked].on_whatsapp != CHECK_PENDING)
        c->asked++;
    if (c->asked < c->n || c->pending > 0)
        return false;
    for (size_t i = 0; i < c->n; i++) {
        if (c->nums[i].on_whatsapp == CHECK_GAVE_UP)
            c->nums[i].on_whatsapp = -1;
        ncache_put(ms, &c->nums[i], now);
    }
    ms->checks = c->next;
    if (c->internal) {
        for (size_t i = 0; i < c->n; i++)
            ms_out_number(ms, &c->nums[i], now);
        free(c->nums);
        free(c);
        return true;
    }
    ev = ms_event(ms, WA_MSGSEND_EV_NUMBERS);
    ev->request_id = c->request_id;
    ev->n = c->n;
    ev->nums = c->nums;
    free(c);
    return true;
}

/* Fills answers from the cache, then asks the next batch of the head request when the
 * throttle allows. */
void
ms_check_pump(struct wa_msgsend *ms, int64_t now)
{
    struct ms_check *c;

    while ((c = ms->checks) != NULL && !ms->check_inflight) {
        for (size_t i = c->asked; i < c->n; i++) {
            const struct ms_ncache *hit = ncache_find(ms, c->nums[i].number, now);

            if (c->nums[i].on_whatsapp == CHECK_PENDING && hit != NULL) {
                c->nums[i].on_whatsapp = hit->on_whatsapp;
                snprintf(c->nums[i].jid, sizeof c->nums[i].jid, "%s", hit->jid);
            }
        }
        if (check_finish(ms, c, now))
            continue;
        if (!ms->online || now < ms->next_check_ms)
            return;
        const char *batch[WA_USYNC_USERS_MAX];
        size_t k = 0, first = c->asked, cap = ms->cfg.check_batch;
        char id[40], sid[40];
        struct ms_query *q;

        cap = cap == 0 || cap > WA_USYNC_USERS_MAX ? WA_USYNC_USERS_MAX : cap;
        while (c->asked < c->n && k < cap) {
            const struct wa_msgsend_number *x = &c->nums[c->asked++];

            if (x->on_whatsapp == CHECK_PENDING)
                batch[k++] = x->number;
        }
        ms_next_id(ms, id, sizeof id);
        ms_push(ms, wa_usync_contact_query(id, ms_next_id(ms, sid, sizeof sid), batch, k));
        q = ms_query_add(ms, MSQ_CONTACT, id, now);
        q->check = c;
        q->first = first;
        q->count = c->asked - first;
        c->pending = k;
        ms->check_inflight = true;
        ms->next_check_ms = now + ms->cfg.check_gap_ms;
    }
}

/* ---- input and timers ------------------------------------------------------------------ */

/* Takes the query answered by id out of the list; NULL when it is not ours. */
static struct ms_query *
query_take(struct wa_msgsend *ms, const char *id)
{
    for (struct ms_query **pp = &ms->queries; *pp != NULL; pp = &(*pp)->next) {
        struct ms_query *q = *pp;

        if (strcmp(q->id, id) == 0) {
            *pp = q->next;
            return q;
        }
    }
    return NULL;
}

/* A contact query that failed (timeout, error reply): ask its numbers again, twice, then
 * answer them as unknown. */
void
ms_check_failed(struct wa_msgsend *ms, struct ms_query *q, int64_t now)
{
    struct ms_check *c = q->check;

    ms->check_inflight = false;
    c->pending = 0;
    if (++c->attempts < 3) {
        c->asked = q->first;
    } else {
        /* Still unknown (-1): answered as such and not cached. Mark them resolved. */
        for (size_t i = q->first; i < q->first + q->count; i++)
            if (c->nums[i].on_whatsapp == CHECK_PENDING)
                c->nums[i].on_whatsapp = CHECK_GAVE_UP;
    }
    ms_check_pump(ms, now);
}

/* Outgoing messages waiting on q are failed with code. */
static void
fail_waiters(struct wa_msgsend *ms, const struct ms_query *q, int code)
{
    struct ms_out *o = ms->outs, *next;

    for (; o != NULL; o = next) {
        next = o->next;
        if (strcmp(o->wait_q, q->id) == 0)
            ms_out_fail(ms, o, code);
    }
}

static void
query_timeout(struct wa_msgsend *ms, struct ms_query *q, int64_t now)
{
    switch (q->kind) {
    case MSQ_DEVICES:
    case MSQ_KEYS:
        fail_waiters(ms, q, WA_MSGSEND_ERR_TIMEOUT);
        break;
    case MSQ_CONTACT:
        ms_check_failed(ms, q, now);
        break;
    case MSQ_RETRY_KEYS:
    case MSQ_OTHER:
        break;
    }
}

static void
on_iq_reply(struct wa_msgsend *ms, const struct binnode *n, int64_t now)
{
    const char *id = binnode_attr(n, "id");
    struct ms_query *q = id ? query_take(ms, id) : NULL;

    if (q == NULL)
        return;
    switch (q->kind) {
    case MSQ_DEVICES:
        ms_on_devices_reply(ms, n, now);
        ms_out_resume(ms, q, now);
        break;
    case MSQ_KEYS:
    case MSQ_RETRY_KEYS:
        ms_on_keys_reply(ms, q, n, now);
        break;
    case MSQ_CONTACT:
        ms_on_contact_reply(ms, q, n, now);
        break;
    case MSQ_OTHER:
        break;
    }
    ms_query_free(q);
}

int
wa_msgsend_feed(struct wa_msgsend *ms, const struct binnode *n, int64_t now_ms, struct err *e)
{
    const char *tag = binnode_tag(n), *type = binnode_attr(n, "type");

    assert(ms != NULL && n != NULL);
    if (!ms->paired && !load_me(ms, now_ms))
        return RC_OK; /* not paired yet (a link in progress): nothing of ours can arrive */
    ms->paired = true;
    if (strcmp(tag, "iq") == 0 && type != NULL &&
        (strcmp(type, "result") == 0 || strcmp(type, "error") == 0))
        on_iq_reply(ms, n, now_ms);
    else if (strcmp(tag, "ack") == 0)
        ms_on_ack(ms, n, now_ms);
    else if (strcmp(tag, "receipt") == 0)
        ms_on_receipt(ms, n, now_ms);
    else if (strcmp(tag, "notification") == 0)
        ms_on_notification(ms, n, now_ms);
    else if (strcmp(tag, "message") == 0)
        return ms_on_message(ms, n, now_ms, e);
    return RC_OK;
}

static void
expire_outs(struct wa_msgsend *ms, int64_t now)
{
    struct ms_out **pp = &ms->outs, *o;

    while ((o = *pp) != NULL) {
        if (o->st == MSO_SENT && now >= o->expires_ms) {
            *pp = o->next;
            secure_wipe(o->msg, o->msglen);
            free(o->msg);
            free(o);
        } else {
            pp = &o->next;
        }
    }
}

void
wa_msgsend_tick(struct wa_msgsend *ms, int64_t now_ms)
{
    struct ms_query **pp = &ms->queries, *q;

    while ((q = *pp) != NULL) {
        if (now_ms >= q->deadline) {
            *pp = q->next;
            query_timeout(ms, q, now_ms);
            ms_query_free(q);
            pp = &ms->queries; /* the handler may have added or removed queries */
        } else {
            pp = &q->next;
        }
    }
    expire_outs(ms, now_ms);
    ms_check_pump(ms, now_ms);
}

int64_t
wa_msgsend_deadline(const struct wa_msgsend *ms)
{
    int64_t d = INT64_MAX;

    for (const struct ms_query *q = ms->queries; q != NULL; q = q->next)
        d = q->deadline < d ? q->deadline : d;
    for (const struct ms_out *o = ms->outs; o != NULL; o = o->next)
        if (o->st == MSO_SENT && o->expires_ms < d)
            d = o->expires_ms;
    if (ms->checks != NULL && !ms->check_inflight && ms->online && ms->next_check_ms < d)
        d = ms->next_check_ms;
    return d;
}
