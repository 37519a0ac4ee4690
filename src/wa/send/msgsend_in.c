/* msgsend_in — the receive path: receipts about our messages, incoming 1:1 messages,
 * notifications and number-check answers (guide §6.5, §8, §10). See msgsend.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/secure.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "wa/binnode.h"
#include "wa/creds.h"
#include "wa/devices.h"
#include "wa/receipt.h"
#include "wa/send/msgsend_int.h"
#include "wa/tctoken.h"
#include "wa/wamsg.h"

static void
status_event(struct wa_msgsend *ms, const char *id, int status, int64_t at)
{
    struct ms_out *o = ms_out_find(ms, id);
    struct wa_msgsend_event *ev;

    if (o != NULL) {
        if (status <= o->status)
            return; /* forward only */
        o->status = status;
    }
    ev = ms_event(ms, WA_MSGSEND_EV_RECEIPT);
    snprintf(ev->id, sizeof ev->id, "%s", id);
    ev->status = status;
    ev->at_ms = at;
}

void
ms_on_receipt(struct wa_msgsend *ms, const struct binnode *n, int64_t now)
{
    static struct wa_receipt r; /* owner thread only; large */
    int status;

    if (wa_receipt_parse(n, &r, NULL) != RC_OK)
        return; /* the session acked it; nothing we can read */
    if (r.kind == WA_RECEIPT_RETRY) {
        ms_on_retry(ms, n, now);
        return;
    }
    status = wa_receipt_status(r.kind);
    if (status == 0 || ms_is_me(ms, &r.from))
        return; /* our own devices' receipts are about what we received */
    for (size_t i = 0; i < r.nids; i++)
        status_event(ms, r.ids[i], status, r.t > 0 ? r.t * 1000 : now);
}

/* <receipt id to [participant] type="retry"><retry count id t v/><registration/></receipt>:
 * asks the sender to re-encrypt (we could not decrypt). */
static struct binnode *
retry_receipt(const struct wa_msgsend *ms, const struct binnode *n)
{
    struct binnode *r = wa_receipt_for_message(n, "retry"), *rt;
    uint32_t reg = ms->creds->registration_id;
    uint8_t b[4] = { (uint8_t)(reg >> 24), (uint8_t)(reg >> 16), (uint8_t)(reg >> 8),
                     (uint8_t)reg };

    if (r == NULL)
        return NULL;
    rt = binnode_add(r, "retry");
    binnode_set_attr(rt, "count", "1");
    binnode_set_attr(rt, "id", binnode_attr(n, "id"));
    if (binnode_attr(n, "t") != NULL)
        binnode_set_attr(rt, "t", binnode_attr(n, "t"));
    binnode_set_attr(rt, "v", "1");
    binnode_set_bytes(binnode_add(r, "registration"), b, sizeof b);
    return r;
}

/* The first <enc> we can decrypt (pkmsg or msg), or NULL. */
static const struct binnode *
first_enc(const struct binnode *n, enum wasig_type *type)
{
    const struct binnode *enc = NULL;

    while ((enc = binnode_child_next(n, "enc", enc)) != NULL)
        if (wasig_type_parse(binnode_attr(enc, "type"), type, NULL) == RC_OK &&
            binnode_kind(enc) == BINNODE_BYTES)
            return enc;
    return NULL;
}

static void
incoming_event(struct wa_msgsend *ms, const struct wa_jid *sender, const struct binnode *n,
               char *text, int64_t now)
{
    struct wa_msgsend_event *ev = ms_event(ms, WA_MSGSEND_EV_INCOMING);
    const char *pn = sender->lid ? wa_devices_pn_of(ms->dev, sender->user) : sender->user;
    const char *t = binnode_attr(n, "t");
    long long secs = t ? atoll(t) : 0;

    if (pn != NULL)
        snprintf(ev->from, sizeof ev->from, "%s@%s", pn, WA_JID_PN);
    else
        wa_jid_format(sender, true, ev->from);
    snprintf(ev->id, sizeof ev->id, "%.64s", binnode_attr(n, "id"));
    ev->text = text;
    ev->at_ms = secs > 0 && secs < INT64_C(100000000000) ? secs * 1000 : now;
}

/* Unpads and decodes a decrypted plaintext; emits the text of a peer's message. */
static void
deliver(struct wa_msgsend *ms, const struct wa_jid *sender, const struct binnode *n,
        const uint8_t *pt, size_t len, int64_t now)
{
    struct wamsg m;
    size_t mlen;

    memset(&m, 0, sizeof m);
    if (wamsg_unpad(pt, len, &mlen, NULL) == RC_OK && wamsg_decode(pt, mlen, &m, NULL) == RC_OK &&
        m.text != NULL && !m.device_sent && !ms_is_me(ms, sender)) {
        incoming_event(ms, sender, n, m.text, now);
        m.text = NULL; /* moved into the event */
    }
    wamsg_fini(&m);
}

int
ms_on_message(struct wa_msgsend *ms, const struct binnode *n, int64_t now, struct err *e)
{
    const char *from = binnode_attr(n, "from"), *part = binnode_attr(n, "participant");
    const struct binnode *enc;
    enum wasig_type type = WASIG_MSG;
    struct wa_jid sender;
    struct wasig_addr a;
    const unsigned char *ct;
    uint8_t *pt = NULL;
    size_t ctlen = 0, ptlen = 0;
    bool changed = false;
    int rc;

    if (ms->sig == NULL || binnode_attr(n, "id") == NULL || from == NULL)
        return RC_OK; /* without Signal state: left unacknowledged, redelivered later */
    if (wa_jid_parse(part ? part : from, &sender, NULL) != RC_OK ||
        (enc = first_enc(n, &type)) == NULL) {
        /* groups, newsletters, broadcasts, undecryptable kinds: acked and ignored */
        ms_push(ms, wa_nack_message(n, ms->creds->me_jid, 0));
        return RC_OK;
    }
    ms_addr(ms, &sender, &a);
    ct = binnode_content(enc, &ctlen);
    rc = wasig_decrypt(ms->sig, &a, type, ct, ctlen, &changed, &pt, &ptlen, e);
    if (changed)
        ms_identity_event(ms, &sender);
    ms_persist_creds(ms);
    if (rc == RC_OK) {
        deliver(ms, &sender, n, pt, ptlen, now);
        secure_wipe(pt, ptlen);
        free(pt);
        ms_push(ms, wa_receipt_for_message(n, ms_is_me(ms, &sender) ? "sender" : NULL));
        return RC_OK;
    }
    if (rc != RC_CRYPTO && rc != RC_NOTFOUND && rc != RC_INVAL)
        return rc; /* the store failed: unacknowledged, the server redelivers */
    ms_push(ms, retry_receipt(ms, n));
    return RC_OK;
}

/* A contact issued us a privacy token: keep its newest under the contact's LID (the
 * sender_lid the server gave, else the mapped one, else its phone JID) and store it. */
static void
on_privacy_token(struct wa_msgsend *ms, const struct binnode *n, int64_t now)
{
    static struct wa_tctoken_note note; /* owner thread only; large */
    const struct wa_tctoken *tok;
    char jid[WA_JID_MAX];

    if (wa_tctoken_parse(n, &note, NULL) != RC_OK || (tok = wa_tctoken_newest(&note)) == NULL)
        return; /* the session acked it; nothing usable */
    if (note.has_sender_lid) {
        if (!note.from.lid)
            ms_map_lid(ms, note.from.user, note.sender_lid.user, now);
        wa_jid_format(&note.sender_lid, true, jid);
    } else {
        ms_token_jid(ms, &note.from, jid);
    }
    if (ms_token_keep(ms, jid, tok->data, tok->len, tok->t) && ms->cfg.store.token_put != NULL)
        ms->cfg.store.token_put(ms->cfg.store.ctx, jid, tok->data, tok->len, tok->t);
}

void
ms_on_notification(struct wa_msgsend *ms, const struct binnode *n, int64_t now)
{
    const char *type = binnode_attr(n, "type");
    struct wa_jid who;
    struct wasig_addr a;

    (void)now;
    if (wa_tctoken_is_note(n)) {
        on_privacy_token(ms, n, now);
        return;
    }
    if (type == NULL || ms->sig == NULL ||
        wa_jid_parse(binnode_attr(n, "from"), &who, NULL) != RC_OK)
        return;
    if (strcmp(type, "devices") == 0) {
        wa_devices_invalidate(ms->dev, who.user);
    } else if (strcmp(type, "encrypt") == 0 && binnode_child(n, "identity") != NULL) {
        ms_addr(ms, &who, &a);
        wa_devices_invalidate(ms->dev, who.user);
        if (a.domain == WASIG_DOMAIN_PN && !who.lid && ms->nstale < MS_STALE_MAX)
            snprintf(ms->stale[ms->nstale++], sizeof ms->stale[0], "%s", who.user);
        if (wasig_user_drop(ms->sig, &a, NULL, NULL) == RC_OK)
            ms_identity_event(ms, &who);
    }
}

void
ms_stale_sweep(struct wa_msgsend *ms)
{
    size_t k = 0;

    for (size_t i = 0; i < ms->nstale; i++) {
        const char *lid = wa_devices_lid_of(ms->dev, ms->stale[i]);
        struct wasig_addr a;

        if (lid == NULL) {
            memmove(ms->stale[k++], ms->stale[i], sizeof ms->stale[0]);
            continue;
        }
        memset(&a, 0, sizeof a);
        snprintf(a.user, sizeof a.user, "%s", lid);
        a.domain = WASIG_DOMAIN_LID;
        if (wasig_user_drop(ms->sig, &a, NULL, NULL) != RC_OK)
            memmove(ms->stale[k++], ms->stale[i], sizeof ms->stale[0]); /* try again later */
    }
    ms->nstale = k;
}

/* "52" + ten digits and "521" + the same ten name one Mexican mobile. */
static bool
mx_same(const char *a, const char *b)
{
    if (strlen(a) == 12 && strlen(b) == 13)
        return strncmp(a, "52", 2) == 0 && strncmp(b, "521", 3) == 0 && strcmp(a + 2, b + 3) == 0;
    if (strlen(a) == 13 && strlen(b) == 12)
        return mx_same(b, a);
    return false;
}

static const struct wa_usync_user *
match_number(const struct wa_usync_result *r, const char *num)
{
    for (size_t i = 0; i < r->nusers; i++)
        if (r->users[i].contact[0] == '+' && strcmp(r->users[i].contact + 1, num) == 0)
            return &r->users[i];
    for (size_t i = 0; i < r->nusers; i++)
        if (r->users[i].has_jid && strcmp(r->users[i].jid.user, num) == 0)
            return &r->users[i];
    for (size_t i = 0; i < r->nusers; i++)
        if (r->users[i].has_jid && mx_same(num, r->users[i].jid.user))
            return &r->users[i];
    return NULL;
}

void
ms_on_contact_reply(struct wa_msgsend *ms, struct ms_query *q, const struct binnode *iq,
                    int64_t now)
{
    struct wa_usync_result *r = xmalloc(sizeof *r);
    struct ms_check *c = q->check;

    if (wa_usync_parse(iq, r, NULL) != RC_OK) {
        free(r);
        ms_check_failed(ms, q, now);
        return;
    }
    for (size_t i = 0; i < r->nusers; i++)
        ms_learn_user(ms, &r->users[i], now); /* LIDs, when the reply had them */
    ms_stale_sweep(ms);
    for (size_t i = q->first; i < q->first + q->count; i++) {
        struct wa_msgsend_number *x = &c->nums[i];
        const struct wa_usync_user *u;

        if (x->on_whatsapp != CHECK_PENDING)
            continue;
        u = match_number(r, x->number);
        if (u == NULL || u->status == WA_USYNC_CONTACT_UNKNOWN) {
            x->on_whatsapp = CHECK_GAVE_UP;
        } else {
            x->on_whatsapp = u->status == WA_USYNC_CONTACT_IN ? 1 : 0;
            if (x->on_whatsapp == 1 && u->has_jid)
                wa_jid_format(&u->jid, true, x->jid);
        }
    }
    free(r);
    c->pending = 0;
    ms->check_inflight = false;
    ms_check_pump(ms, now);
}
