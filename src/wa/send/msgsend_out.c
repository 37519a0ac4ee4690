/* msgsend_out — the send path: device lookup, pre-key bundles, per-device encryption, the
 * <message> stanza, server acks and retry receipts (guide §7). See msgsend.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/secure.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/binnode.h"
#include "wa/creds.h"
#include "wa/devices.h"
#include "wa/keybundle.h"
#include "wa/receipt.h"
#include "wa/send/msgsend_int.h"
#include "wa/tctoken.h"
#include "wa/wamsg.h"

#define MS_TARGETS_MAX (2 * WA_USYNC_DEVICES_MAX)

struct ms_target {
    struct wa_jid dev; /* PN form, as the participant is named */
    struct wasig_addr addr;
    bool own;
};

struct ms_out *
ms_out_find(struct wa_msgsend *ms, const char *id)
{
    for (struct ms_out *o = ms->outs; o != NULL; o = o->next)
        if (strcmp(o->id, id) == 0)
            return o;
    return NULL;
}

static void
out_unlink_free(struct wa_msgsend *ms, struct ms_out *o)
{
    for (struct ms_out **pp = &ms->outs; *pp != NULL; pp = &(*pp)->next)
        if (*pp == o) {
            *pp = o->next;
            break;
        }
    secure_wipe(o->msg, o->msglen);
    free(o->msg);
    free(o);
}

void
ms_out_fail(struct wa_msgsend *ms, struct ms_out *o, int code)
{
    if (!o->acked) {
        struct wa_msgsend_event *ev = ms_event(ms, WA_MSGSEND_EV_ACK);

        snprintf(ev->id, sizeof ev->id, "%s", o->id);
        ev->error = code;
    }
    out_unlink_free(ms, o);
}

static bool
id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;

    if (n == 0 || n > WA_MSGSEND_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (id[i] <= ' ' || id[i] > '~')
            return false;
    return true;
}

/* A message to a bare number goes to the canonical JID a number check gives (Mexican
 * mobiles: 52 or 521, as the server says): from the cache, or after a check of its own. */
static int
out_by_number(struct wa_msgsend *ms, struct ms_out *o, const char *number, int64_t now)
{
    snprintf(o->number, sizeof o->number, "%s", number);
    o->st = MSO_NUMBER;
    switch (ms_number_peer(ms, number, &o->peer, now)) {
    case 1:
        o->st = MSO_DEVICES;
        ms_out_advance(ms, o, now);
        break;
    case 0:
        break; /* ms_out_number resumes it */
    default:
        ms_out_fail(ms, o, WA_MSGSEND_ERR_NO_DEVICES);
        break;
    }
    return RC_OK;
}

void
ms_out_number(struct wa_msgsend *ms, const struct wa_msgsend_number *num, int64_t now)
{
    struct ms_out *o = ms->outs, *next;

    for (; o != NULL; o = next) {
        next = o->next;
        if (o->st != MSO_NUMBER || strcmp(o->number, num->number) != 0)
            continue;
        if (num->on_whatsapp == 1 && wa_jid_parse(num->jid, &o->peer, NULL) == RC_OK) {
            o->st = MSO_DEVICES;
            ms_out_advance(ms, o, now);
        } else {
            ms_out_fail(ms, o,
                        num->on_whatsapp == 0 ? WA_MSGSEND_ERR_NO_DEVICES : WA_MSGSEND_ERR_TIMEOUT);
        }
    }
}

int
wa_msgsend_send_text(struct wa_msgsend *ms, const char *to, const char *id, const char *text,
                     int64_t now_ms, struct err *e)
{
    uint8_t secret[WAMSG_SECRET_BYTES];
    char number[WA_NUMBER_MAX] = "";
    struct wa_jid peer;
    struct strbuf sb;
    struct ms_out *o, **pp;

    memset(&peer, 0, sizeof peer);

    if (!ms->online)
        return err_set(e, RC_CLOSED, "WhatsApp no está conectado");
    if (ms->sig == NULL)
        return err_set(e, RC_INVAL, "sin estado Signal no se puede enviar");
    if (!id_ok(id) || ms_out_find(ms, id) != NULL)
        return err_set(e, RC_INVAL, "id de mensaje inválido o repetido");
    if (to == NULL || strchr(to, '@') != NULL) {
        if (ms_peer_of(to, &peer, e) != RC_OK)
            return RC_INVAL;
    } else if (!wa_number_normalize(to, number)) {
        return err_set(e, RC_INVAL, "número inválido: %.24s", to);
    }
    secure_random(secret, sizeof secret);
    strbuf_init(&sb);
    if (wamsg_encode_text(text, true, secret, &sb, e) != RC_OK) {
        strbuf_fini(&sb);
        return RC_INVAL;
    }
    o = xcalloc(1, sizeof *o);
    snprintf(o->id, sizeof o->id, "%s", id);
    o->peer = peer;
    o->msg = (uint8_t *)strbuf_detach(&sb, &o->msglen);
    o->st = MSO_DEVICES;
    for (pp = &ms->outs; *pp != NULL; pp = &(*pp)->next)
        ;
    *pp = o;
    if (number[0] != '\0')
        return out_by_number(ms, o, number, now_ms);
    ms_out_advance(ms, o, now_ms);
    return RC_OK;
}

/* Asks the device lists (and LIDs) of the users whose list is not cached. */
static void
ask_devices(struct wa_msgsend *ms, struct ms_out *o, bool need_peer, bool need_own, int64_t now)
{
    char peer[WA_JID_MAX], me[WA_JID_MAX], id[40], sid[40];
    const char *users[2];
    size_t n = 0;

    bool lid = false; /* asked only when a user's LID is not known (stored or learnt) */

    wa_jid_format(&o->peer, true, peer);
    wa_jid_format(&ms->me, true, me);
    if (need_own) {
        users[n++] = me;
        lid = !ms->has_me_lid;
    }
    if (need_peer) {
        users[n++] = peer;
        lid = lid || (!o->peer.lid && wa_devices_lid_of(ms->dev, o->peer.user) == NULL);
    }
    ms_next_id(ms, id, sizeof id);
    ms_push(ms, wa_usync_devices_query(id, ms_next_id(ms, sid, sizeof sid), users, n, lid));
    ms_query_add(ms, MSQ_DEVICES, id, now);
    snprintf(o->wait_q, sizeof o->wait_q, "%s", id);
    o->st = MSO_DEVICES;
}

static void
add_target(const struct wa_msgsend *ms, struct ms_target *t, size_t *n, const char *user,
           uint8_t device, bool own)
{
    struct ms_target *x = &t[*n];

    if (own && device == ms->me.device)
        return; /* our own exact device never gets a copy */
    memset(x, 0, sizeof *x);
    snprintf(x->dev.user, sizeof x->dev.user, "%s", user);
    x->dev.device = device;
    ms_addr(ms, &x->dev, &x->addr);
    x->own = own;
    (*n)++;
}

/* The JID a device's keys are asked under: its Signal address written as a JID. */
static void
addr_jid(const struct wasig_addr *a, char out[WA_JID_MAX])
{
    struct wa_jid j;

    memset(&j, 0, sizeof j);
    snprintf(j.user, sizeof j.user, "%.20s", a->user);
    j.device = a->device;
    j.lid = a->domain == WASIG_DOMAIN_LID;
    wa_jid_format(&j, false, out);
}

/* Asks the bundles of the targets without a session; false when none is missing. */
static bool
ask_keys(struct wa_msgsend *ms, struct ms_out *o, const struct ms_target *t, size_t n, int64_t now)
{
    char jids[MS_TARGETS_MAX][WA_JID_MAX], id[40];
    const char *ptrs[MS_TARGETS_MAX];
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        if (!wasig_has_session(ms->sig, &t[i].addr)) {
            addr_jid(&t[i].addr, jids[k]);
            ptrs[k] = jids[k];
            k++;
        }
    if (k == 0)
        return false;
    ms_push(ms, wa_keybundle_query(ms_next_id(ms, id, sizeof id), ptrs, k, false));
    ms_query_add(ms, MSQ_KEYS, id, now);
    snprintf(o->wait_q, sizeof o->wait_q, "%s", id);
    o->st = MSO_KEYS;
    return true;
}

/* Pads and encrypts plain for t into a new <enc> under parent; *pk set on a pkmsg.
 * RC_NOTFOUND/RC_CRYPTO skip the device; other codes (the store failed) stop the send. */
static int
enc_child(struct wa_msgsend *ms, struct binnode *parent, const struct wasig_addr *a,
          const struct strbuf *plain, const char *count, bool *pk)
{
    enum wasig_type type;
    struct strbuf padded;
    uint8_t *ct = NULL;
    size_t ctlen = 0;
    struct binnode *enc;
    int rc;

    strbuf_init(&padded);
    wamsg_pad((const uint8_t *)plain->buf, plain->len, NULL, &padded);
    rc = wasig_encrypt(ms->sig, a, (const uint8_t *)padded.buf, padded.len, &type, &ct, &ctlen,
                       NULL);
    secure_wipe(padded.buf, padded.len);
    strbuf_fini(&padded);
    if (rc != RC_OK)
        return rc;
    enc = binnode_add(parent, "enc");
    binnode_set_attr(enc, "v", "2");
    binnode_set_attr(enc, "type", wasig_type_name(type));
    if (count != NULL)
        binnode_set_attr(enc, "count", count);
    binnode_set_bytes(enc, ct, ctlen);
    free(ct);
    *pk = *pk || type == WASIG_PKMSG;
    return RC_OK;
}

static void
add_identity(struct wa_msgsend *ms, struct binnode *msg, bool pk)
{
    if (pk && ms->creds->account_len > 0)
        binnode_set_bytes(binnode_add(msg, "device-identity"), ms->creds->account,
                          ms->creds->account_len);
}

/* <tctoken> with the peer's privacy token when one is kept and not expired (guide §7.8;
 * Baileys attaches it to every 1:1 message, never to a retry's re-send). The token is kept
 * under the peer's LID, or under its phone JID when it came before the LID was known. */
static void
add_tctoken(struct wa_msgsend *ms, struct binnode *msg, const struct wa_jid *peer, int64_t now)
{
    char jid[WA_JID_MAX];
    const uint8_t *tok;
    size_t len = 0;
    int64_t t = 0;

    ms_token_jid(ms, peer, jid);
    tok = wa_msgsend_token(ms, jid, &len, &t);
    if (tok == NULL) {
        wa_jid_format(peer, true, jid);
        tok = wa_msgsend_token(ms, jid, &len, &t);
    }
    if (tok != NULL && !wa_tctoken_expired(t, now / 1000))
        binnode_set_bytes(binnode_add(msg, "tctoken"), tok, len);
}

/* The plaintexts: the Message for peers, the deviceSentMessage for our other devices. */
static int
plaintexts(const struct ms_out *o, struct strbuf *peer, struct strbuf *own)
{
    char dest[WA_JID_MAX];

    wa_jid_format(&o->peer, true, dest);
    strbuf_add(peer, o->msg, o->msglen);
    return wamsg_wrap_device_sent(o->msg, o->msglen, dest, own, NULL);
}

/* Builds <participants> for every target with a session and queues the stanza. */
static void
encrypt_and_send(struct wa_msgsend *ms, struct ms_out *o, const struct ms_target *t, size_t n,
                 int64_t now)
{
    struct strbuf pp, op;
    struct binnode *msg = binnode_new("message"), *parts;
    char jid[WA_JID_MAX];
    size_t peers = 0;
    bool pk = false;
    int rc = RC_OK;

    strbuf_init(&pp);
    strbuf_init(&op);
    binnode_set_attr(msg, "id", o->id);
    wa_jid_format(&o->peer, true, jid);
    binnode_set_attr(msg, "to", jid);
    binnode_set_attr(msg, "type", "text");
    parts = binnode_add(msg, "participants");
    if (plaintexts(o, &pp, &op) != RC_OK)
        rc = RC_CRYPTO;
    for (size_t i = 0; i < n && (rc == RC_OK || rc == RC_NOTFOUND || rc == RC_CRYPTO); i++) {
        struct binnode *to = binnode_new("to");

        wa_jid_format(&t[i].dev, false, jid);
        binnode_set_attr(to, "jid", jid);
        rc = enc_child(ms, to, &t[i].addr, t[i].own ? &op : &pp, NULL, &pk);
        if (rc == RC_OK) {
            binnode_add_child(parts, to);
            peers += t[i].own ? 0 : 1;
        } else {
            binnode_free(to);
        }
    }
    secure_wipe(pp.buf, pp.len);
    secure_wipe(op.buf, op.len);
    strbuf_fini(&pp);
    strbuf_fini(&op);
    if (peers == 0) {
        binnode_free(msg);
        ms_out_fail(ms, o,
                    rc == RC_OK || rc == RC_NOTFOUND ? WA_MSGSEND_ERR_KEYS : WA_MSGSEND_ERR_CRYPTO);
        return;
    }
    add_identity(ms, msg, pk);
    add_tctoken(ms, msg, &o->peer, now);
    ms_push(ms, msg);
    o->st = MSO_SENT;
    o->expires_ms = now + ms->cfg.keep_ms;
}

void
ms_out_advance(struct wa_msgsend *ms, struct ms_out *o, int64_t now)
{
    uint8_t peer_ids[WA_USYNC_DEVICES_MAX], own_ids[WA_USYNC_DEVICES_MAX];
    size_t np = 0, no = 0, n = 0;
    struct ms_target t[MS_TARGETS_MAX];
    bool have_peer, have_own;

    if (o->st == MSO_SENT || o->wait_q[0] != '\0')
        return;
    have_peer = wa_devices_get(ms->dev, o->peer.user, now, peer_ids, &np);
    have_own = wa_devices_get(ms->dev, ms->me.user, now, own_ids, &no);
    if (!have_peer && o->asked_devices) {
        ms_out_fail(ms, o, WA_MSGSEND_ERR_NO_DEVICES);
        return;
    }
    if ((!have_peer || !have_own) && !o->asked_devices) {
        ask_devices(ms, o, !have_peer, !have_own, now);
        return;
    }
    for (size_t i = 0; i < np; i++)
        add_target(ms, t, &n, o->peer.user, peer_ids[i], false);
    for (size_t i = 0; i < no; i++)
        add_target(ms, t, &n, ms->me.user, own_ids[i], true);
    if (np == 0) {
        ms_out_fail(ms, o, WA_MSGSEND_ERR_NO_DEVICES);
        return;
    }
    if (!o->asked_keys && ask_keys(ms, o, t, n, now))
        return;
    encrypt_and_send(ms, o, t, n, now);
}

void
ms_out_resume(struct wa_msgsend *ms, const struct ms_query *q, int64_t now)
{
    struct ms_out *o = ms->outs, *next;

    for (; o != NULL; o = next) {
        next = o->next;
        if (strcmp(o->wait_q, q->id) != 0)
            continue;
        o->wait_q[0] = '\0';
        if (q->kind == MSQ_DEVICES)
            o->asked_devices = true;
        else
            o->asked_keys = true;
        ms_out_advance(ms, o, now); /* may free o; next was read before */
    }
}

void
ms_on_devices_reply(struct wa_msgsend *ms, const struct binnode *iq, int64_t now)
{
    struct wa_usync_result *r = xmalloc(sizeof *r);

    if (wa_usync_parse(iq, r, NULL) == RC_OK)
        for (size_t i = 0; i < r->nusers; i++)
            ms_learn_user(ms, &r->users[i], now);
    free(r);
    ms_stale_sweep(ms);
}

static void
to_sig_bundle(const struct wa_keybundle *k, struct wasig_bundle *b)
{
    memset(b, 0, sizeof *b);
    b->registration_id = k->regid;
    memcpy(b->identity, k->identity, sizeof b->identity);
    b->skey_id = k->skey_id;
    memcpy(b->skey, k->skey, sizeof b->skey);
    memcpy(b->skey_sig, k->skey_sig, sizeof b->skey_sig);
    b->has_prekey = k->has_prekey;
    b->prekey_id = k->prekey_id;
    memcpy(b->prekey, k->prekey, sizeof b->prekey);
}

/* Reports a changed identity of dev's user (under its PN user when known). */
void
ms_identity_event(struct wa_msgsend *ms, const struct wa_jid *dev)
{
    struct wa_msgsend_event *ev = ms_event(ms, WA_MSGSEND_EV_IDENTITY);
    const char *pn = dev->lid ? wa_devices_pn_of(ms->dev, dev->user) : dev->user;

    if (pn != NULL)
        snprintf(ev->from, sizeof ev->from, "%s@%s", pn, WA_JID_PN);
    else
        wa_jid_format(dev, true, ev->from);
    if (ms->cfg.store.identity != NULL)
        ms->cfg.store.identity(ms->cfg.store.ctx, ev->from);
}

/* Builds a session from a parsed bundle for device dev. */
static void
build_session(struct wa_msgsend *ms, const struct wa_jid *dev, const struct wa_keybundle *k)
{
    struct wasig_bundle b;
    struct wasig_addr a;
    bool changed = false;

    ms_addr(ms, dev, &a);
    to_sig_bundle(k, &b);
    if (wasig_session_build(ms->sig, &a, &b, &changed, NULL) == RC_OK && changed)
        ms_identity_event(ms, dev);
    secure_wipe(&b, sizeof b);
}

void
ms_on_keys_reply(struct wa_msgsend *ms, const struct ms_query *q, const struct binnode *iq,
                 int64_t now)
{
    struct wa_keybundle_list *l = xmalloc(sizeof *l);

    if (wa_keybundle_parse(iq, l, NULL) == RC_OK)
        for (size_t i = 0; i < l->n; i++)
            if (l->b[i].error == 0)
                build_session(ms, &l->b[i].jid, &l->b[i]);
    free(l);
    if (q->kind == MSQ_RETRY_KEYS)
        ms_retry_send(ms, q->msg_id, q->device, q->retry_count, now);
    else
        ms_out_resume(ms, q, now);
}

/* Error 463: a privacy token is missing; issue ours (guide §7.8). Never resend. */
static void
issue_token(struct wa_msgsend *ms, const struct wa_jid *peer, int64_t now)
{
    char id[40], jid[WA_JID_MAX];

    wa_jid_format(peer, true, jid);
    ms_push(ms, wa_tctoken_issue(ms_next_id(ms, id, sizeof id), jid, now / 1000));
    ms_query_add(ms, MSQ_OTHER, id, now);
}

void
ms_on_ack(struct wa_msgsend *ms, const struct binnode *n, int64_t now)
{
    struct wa_ack a;
    struct ms_out *o;
    struct wa_msgsend_event *ev;

    if (wa_ack_parse(n, &a, NULL) != RC_OK || strcmp(a.cls, "message") != 0 ||
        (o = ms_out_find(ms, a.id)) == NULL || o->st != MSO_SENT || o->acked)
        return; /* a retry's ack, or not ours */
    o->acked = true;
    ev = ms_event(ms, WA_MSGSEND_EV_ACK);
    snprintf(ev->id, sizeof ev->id, "%s", a.id);
    ev->error = a.error;
    ev->at_ms = a.t > 0 ? a.t * 1000 : now;
    if (a.error == 463)
        issue_token(ms, &o->peer, now);
    if (a.error != 0)
        out_unlink_free(ms, o); /* refused: nothing to retry */
}

void
ms_retry_send(struct wa_msgsend *ms, const char *msg_id, const char *device, uint32_t count,
              int64_t now)
{
    struct ms_out *o = ms_out_find(ms, msg_id);
    struct strbuf pp, op;
    struct binnode *msg;
    struct wasig_addr a;
    struct wa_jid dev;
    char cnt[12], peer[WA_JID_MAX];
    bool pk = false, own;
    int rc;

    (void)now;
    if (o == NULL || o->st != MSO_SENT || wa_jid_parse(device, &dev, NULL) != RC_OK)
        return;
    ms_addr(ms, &dev, &a);
    own = ms_is_me(ms, &dev);
    strbuf_init(&pp);
    strbuf_init(&op);
    msg = binnode_new("message");
    binnode_set_attr(msg, "id", o->id);
    binnode_set_attr(msg, "to", device);
    binnode_set_attr(msg, "type", "text");
    binnode_set_attr(msg, "device_fanout", "false");
    wa_jid_format(&o->peer, true, peer);
    if (own)
        binnode_set_attr(msg, "recipient", peer);
    snprintf(cnt, sizeof cnt, "%u", (unsigned)count);
    rc = plaintexts(o, &pp, &op);
    if (rc == RC_OK)
        rc = enc_child(ms, msg, &a, own ? &op : &pp, cnt, &pk);
    secure_wipe(pp.buf, pp.len);
    secure_wipe(op.buf, op.len);
    strbuf_fini(&pp);
    strbuf_fini(&op);
    if (rc != RC_OK) {
        binnode_free(msg);
        return;
    }
    add_identity(ms, msg, pk);
    ms_push(ms, msg);
    o->retries = count;
}

/* A retry receipt (guide §7.7): rebuild the session from its keys, or drop it when the
 * registration id changed, then re-encrypt for that one device (fetching its bundle when
 * no session is left). Up to max_retries per message. */
void
ms_on_retry(struct wa_msgsend *ms, const struct binnode *n, int64_t now)
{
    static struct wa_receipt r; /* owner thread only; large */
    const struct wa_jid *dev;
    struct wasig_addr a;
    struct ms_out *o;
    char jid[WA_JID_MAX], id[40];
    uint32_t regid;

    if (wa_receipt_parse(n, &r, NULL) != RC_OK || (o = ms_out_find(ms, r.ids[0])) == NULL ||
        o->st != MSO_SENT || r.retry_count > ms->cfg.max_retries || r.retry_count <= o->retries)
        return;
    dev = r.has_participant ? &r.participant : &r.from;
    wa_jid_format(dev, false, jid);
    ms_addr(ms, dev, &a);
    if (r.has_keys)
        build_session(ms, dev, &r.keys);
    else if (r.has_regid && wasig_remote_registration_id(ms->sig, &a, &regid, NULL) == RC_OK &&
             regid != r.regid && wasig_session_drop(ms->sig, &a, NULL) != RC_OK)
        return;
    if (wasig_has_session(ms->sig, &a)) {
        ms_retry_send(ms, o->id, jid, r.retry_count, now);
        return;
    }
    struct ms_query *q;
    char kj[WA_JID_MAX];
    const char *ptr = kj;

    addr_jid(&a, kj);
    ms_push(ms, wa_keybundle_query(ms_next_id(ms, id, sizeof id), &ptr, 1, false));
    q = ms_query_add(ms, MSQ_RETRY_KEYS, id, now);
    snprintf(q->msg_id, sizeof q->msg_id, "%s", o->id);
    snprintf(q->device, sizeof q->device, "%s", jid);
    q->retry_count = r.retry_count;
    o->retries = r.retry_count;
}
