/*
 * fakewa_peer — the fake server's other users (tests only): recipients with real Signal
 * devices (src/wa/signal/wasig, the same layer embudo uses, on in-memory state), the
 * usync directory (devices, lid, contact with Mexican 52/521 canonicalisation), pre-key
 * bundles, and the recipient side of a text: every <enc> is decrypted by the device it is
 * addressed to, the plaintext is logged ("decrypted"), then the server's ack and the
 * delivery and read receipts come back. Our own phones (FW_PHONE_USER and FW_PHONE2_USER,
 * device 0 each) are peers too, so the deviceSentMessage copy is decrypted and logged as well;
 * every "decrypted" event names the sending device ("from": the connection's account), so a
 * test can tell which account a message came from.
 *
 * Admin scenarios (fakewa.c): contact, retry-next, error-next, identity, devices, drop,
 * drop-after.
 * Loop thread only; everything a client sends is hostile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/seal.h"
#include "crypto/secure.h"
#include "fakewa.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/binnode.h"
#include "wa/creds.h"
#include "wa/jid.h"
#include "wa/signal/wasig.h"
#include "wa/wamsg.h"

#define FW_PEER_DEVICES_MAX 8
#define FW_PEER_PREKEYS     40

struct fw_peer_dev {
    uint32_t id;
    struct wa_creds *creds;
    struct wasig *sig;
    size_t next_prekey; /* index of the next one-time pre-key handed out */
};

struct fw_peer {
    char user[WA_JID_USER_MAX + 1]; /* canonical PN user */
    char lid[WA_JID_USER_MAX + 1];
    size_t ndev;
    struct fw_peer_dev dev[FW_PEER_DEVICES_MAX];
    bool noread;
    bool tc_required; /* messages to it without its privacy token get error 463 */
    uint8_t tc[16];   /* the token it issued us (when tc_t > 0) */
    long long tc_t;
};

struct fw_peers {
    struct fw_peer *p;
    size_t n, cap;
    struct seal_key *key;
    uint64_t next_lid;
    int64_t next_dev_owner; /* usuario_id for each device's AD: unique */
    bool retry_next;
    int error_next;
    int drop_after; /* drop-after N: messages still to take before dropping everyone (0 off) */
    /* Notifications nobody was connected to receive: delivered at the next login, as the
     * real server delivers offline notifications. */
    struct fw_pending {
        char type[16], user[WA_JID_USER_MAX + 1], child[16];
    } pending[32];
    size_t npending;
};

/* In-memory Signal rows: wasig keeps its state in memory; nothing needs to survive. */
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

static const struct wasig_persist mem_persist = { mem_put, mem_del, mem_load, NULL };

static struct fw_peer *peer_set(struct fw *srv, const char *user, size_t ndev, const char *lid);

static struct fw_peers *
peers(struct fw *srv)
{
    struct fw_peers *ps = srv->peers;
    char path[64];
    struct err e;

    if (ps != NULL)
        return ps;
    ps = srv->peers = xcalloc(1, sizeof *ps);
    ps->next_lid = 88880000001;
    snprintf(path, sizeof path, "/tmp/fakewa-%ld.key", (long)getpid());
    if ((ps->key = seal_key_open(path, true, &e)) == NULL) {
        fprintf(stderr, "fakewa: clave de sellado: %s\n", e.msg);
        abort();
    }
    unlink(path);
    for (int i = 0; i < FW_PHONES; i++) /* our phones: the copies' recipients */
        peer_set(srv, srv->phones[i].user, 1, srv->phones[i].lid);
    return ps;
}

/* Fresh Signal identity for one device of user. */
static void
dev_init(struct fw_peers *ps, struct fw_peer *p, struct fw_peer_dev *d, uint32_t id)
{
    struct err e;

    memset(d, 0, sizeof *d);
    d->id = id;
    if ((d->creds = wa_creds_generate(&e)) == NULL ||
        wa_creds_prekeys_gen(d->creds, FW_PEER_PREKEYS, &e) != RC_OK)
        abort();
    snprintf(d->creds->me_jid, sizeof d->creds->me_jid, "%s:%u@s.whatsapp.net", p->user,
             (unsigned)id);
    snprintf(d->creds->me_lid, sizeof d->creds->me_lid, "%s:%u@lid", p->lid, (unsigned)id);
    d->sig = wasig_open(d->creds, ++ps->next_dev_owner, ps->key, &mem_persist, &e);
    if (d->sig == NULL) {
        fprintf(stderr, "fakewa: wasig_open: %s\n", e.msg);
        abort();
    }
}

static void
dev_fini(struct fw_peer_dev *d)
{
    wasig_free(d->sig);
    wa_creds_free(d->creds);
    memset(d, 0, sizeof *d);
}

struct fw_peer *
fw_peer_find(struct fw *srv, const char *user)
{
    struct fw_peers *ps = peers(srv);

    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->p[i].user, user) == 0 || strcmp(ps->p[i].lid, user) == 0)
            return &ps->p[i];
    return NULL;
}

/* Sets the device count of user (creating the user); devices keep their identities. */
static struct fw_peer *
peer_set(struct fw *srv, const char *user, size_t ndev, const char *lid)
{
    struct fw_peers *ps = peers(srv);
    struct fw_peer *p = fw_peer_find(srv, user);

    if (p == NULL) {
        if (ps->n == ps->cap) {
            ps->cap = ps->cap ? ps->cap * 2 : 16;
            ps->p = xrealloc(ps->p, ps->cap * sizeof *ps->p);
        }
        p = &ps->p[ps->n++];
        memset(p, 0, sizeof *p);
        snprintf(p->user, sizeof p->user, "%s", user);
        if (lid != NULL)
            snprintf(p->lid, sizeof p->lid, "%s", lid);
        else
            snprintf(p->lid, sizeof p->lid, "%llu", (unsigned long long)ps->next_lid++);
    }
    ndev = ndev > FW_PEER_DEVICES_MAX ? FW_PEER_DEVICES_MAX : ndev;
    while (p->ndev > ndev)
        dev_fini(&p->dev[--p->ndev]);
    for (; p->ndev < ndev; p->ndev++)
        dev_init(ps, p, &p->dev[p->ndev], (uint32_t)p->ndev);
    return p;
}

void
fw_peers_free(struct fw *srv)
{
    struct fw_peers *ps = srv->peers;

    if (ps == NULL)
        return;
    for (size_t i = 0; i < ps->n; i++)
        while (ps->p[i].ndev > 0)
            dev_fini(&ps->p[i].dev[--ps->p[i].ndev]);
    free(ps->p);
    seal_key_close(ps->key);
    free(ps);
    srv->peers = NULL;
}

/* ---- usync ------------------------------------------------------------------------------- */

/* The peer a contact number names: exact, or the other Mexican form (52 ↔ 521). */
static struct fw_peer *
contact_lookup(struct fw *srv, const char *digits)
{
    struct fw_peer *p = fw_peer_find(srv, digits);
    char alt[WA_JID_USER_MAX + 2];
    size_t n = strlen(digits);

    if (p != NULL)
        return p;
    if (n == 12 && strncmp(digits, "52", 2) == 0)
        snprintf(alt, sizeof alt, "521%s", digits + 2);
    else if (n == 13 && strncmp(digits, "521", 3) == 0)
        snprintf(alt, sizeof alt, "52%s", digits + 3);
    else
        return NULL;
    return fw_peer_find(srv, alt);
}

static void
add_device_list(struct fw *srv, struct binnode *u, const struct fw_peer *p)
{
    struct binnode *dl = binnode_add(binnode_add(u, "devices"), "device-list");
    char id[12];

    for (size_t i = 0; p != NULL && i < p->ndev; i++) {
        struct binnode *d = binnode_add(dl, "device");

        snprintf(id, sizeof id, "%u", (unsigned)p->dev[i].id);
        binnode_set_attr(d, "id", id);
        if (p->dev[i].id != 0)
            binnode_set_attr(d, "key-index", "1");
    }
    /* One of our phones: the companions it linked too (the client drops its own). */
    for (size_t i = 0; p != NULL && i < srv->nacc; i++) {
        struct binnode *d;

        if (strcmp(srv->acc[i].phone->user, p->user) != 0)
            continue;
        d = binnode_add(dl, "device");
        snprintf(id, sizeof id, "%u", (unsigned)srv->acc[i].device);
        binnode_set_attr(d, "id", id);
        binnode_set_attr(d, "key-index", "1");
    }
    if (p == NULL)
        binnode_set_list(dl);
}

/* One <user> of the reply. */
static void
usync_user(struct fw *srv, struct binnode *list, const struct binnode *u, bool devices, bool lid,
           int *in, int *out)
{
    const struct binnode *ct = binnode_child(u, "contact");
    const char *text = ct ? binnode_text(ct) : NULL, *jid = binnode_attr(u, "jid");
    struct binnode *r = binnode_add(list, "user");
    struct wa_jid j;
    struct fw_peer *p = NULL;
    char buf[WA_JID_MAX];

    if (text != NULL && text[0] == '+') {
        p = contact_lookup(srv, text + 1);
        snprintf(buf, sizeof buf, "%.20s@s.whatsapp.net", p ? p->user : text + 1);
        binnode_set_attr(r, "jid", buf);
        struct binnode *c = binnode_add(r, "contact");
        binnode_set_attr(c, "type", p ? "in" : "out");
        binnode_set_string(c, text);
        *(p ? in : out) += 1;
    } else if (jid != NULL && wa_jid_parse(jid, &j, NULL) == RC_OK) {
        p = fw_peer_find(srv, j.user);
        binnode_set_attr(r, "jid", jid);
    } else {
        binnode_set_attr(binnode_add(r, "error"), "code", "400");
        return;
    }
    if (devices)
        add_device_list(srv, r, p);
    if (lid && p != NULL) {
        snprintf(buf, sizeof buf, "%s@lid", p->lid);
        binnode_set_attr(binnode_add(r, "lid"), "val", buf);
    }
}

bool
fw_peer_usync(struct fw_conn *c, const struct binnode *iq)
{
    const struct binnode *us = binnode_child(iq, "usync");
    const struct binnode *q = us ? binnode_child(us, "query") : NULL;
    const struct binnode *list = us ? binnode_child(us, "list") : NULL, *u = NULL;
    struct binnode *r = binnode_new("iq"), *rl;
    bool devices = q && binnode_child(q, "devices"), lid = q && binnode_child(q, "lid");
    int in = 0, out = 0, n = 0;
    char ctx[24];

    if (q == NULL || list == NULL) {
        binnode_free(r);
        return false;
    }
    binnode_set_attr(r, "from", "s.whatsapp.net");
    binnode_set_attr(r, "type", "result");
    binnode_set_attr(r, "id", binnode_attr(iq, "id"));
    rl = binnode_add(binnode_add(r, "usync"), "list");
    while ((u = binnode_child_next(list, "user", u)) != NULL && n++ < 512)
        usync_user(c->srv, rl, u, devices, lid, &in, &out);
    fw_event(c->srv, c->id, "usync",
             "\"context\":\"%s\",\"users\":%d,\"in\":%d,\"out\":%d,\"devices\":%s,"
             "\"lid\":%s",
             fw_safe(ctx, sizeof ctx, binnode_attr(us, "context")), n, in, out,
             devices ? "true" : "false", lid ? "true" : "false");
    (void)fw_conn_send_node(c, r);
    binnode_free(r);
    return true;
}

/* ---- pre-key bundles ------------------------------------------------------------------------ */

static struct fw_peer_dev *
dev_lookup(struct fw *srv, const char *jid, struct fw_peer **pp)
{
    struct wa_jid j;
    struct fw_peer *p;

    if (wa_jid_parse(jid, &j, NULL) != RC_OK || (p = fw_peer_find(srv, j.user)) == NULL)
        return NULL;
    if (pp != NULL)
        *pp = p;
    for (size_t i = 0; i < p->ndev; i++)
        if (p->dev[i].id == j.device)
            return &p->dev[i];
    return NULL;
}

static void
be_bytes(struct binnode *parent, const char *tag, uint32_t v, size_t n)
{
    uint8_t b[4];

    for (size_t i = n; i-- > 0; v >>= 8)
        b[i] = (uint8_t)v;
    binnode_set_bytes(binnode_add(parent, tag), b, n);
}

static void
bundle(struct binnode *u, struct fw_peer_dev *d)
{
    const struct wa_creds *cr = d->creds;
    struct binnode *sk, *k;
    uint8_t five = 5;

    be_bytes(u, "registration", cr->registration_id, 4);
    binnode_set_bytes(binnode_add(u, "type"), &five, 1);
    binnode_set_bytes(binnode_add(u, "identity"), cr->identity.pub, FW_KEY);
    sk = binnode_add(u, "skey");
    be_bytes(sk, "id", cr->signed_prekey_id, 3);
    binnode_set_bytes(binnode_add(sk, "value"), cr->signed_prekey.pub, FW_KEY);
    binnode_set_bytes(binnode_add(sk, "signature"), cr->signed_prekey_sig, FW_SIG);
    if (d->next_prekey < cr->nprekeys) {
        const struct wa_prekey *pk = &cr->prekeys[d->next_prekey++];

        k = binnode_add(u, "key");
        be_bytes(k, "id", pk->id, 3);
        binnode_set_bytes(binnode_add(k, "value"), pk->kp.pub, FW_KEY);
    }
}

bool
fw_peer_keys(struct fw_conn *c, const struct binnode *iq)
{
    const struct binnode *key = binnode_child(iq, "key"), *u = NULL;
    struct binnode *r = binnode_new("iq"), *list;
    int found = 0, missing = 0;

    binnode_set_attr(r, "from", "s.whatsapp.net");
    binnode_set_attr(r, "type", "result");
    binnode_set_attr(r, "id", binnode_attr(iq, "id"));
    list = binnode_add(r, "list");
    while ((u = binnode_child_next(key, "user", u)) != NULL) {
        const char *jid = binnode_attr(u, "jid");
        struct fw_peer_dev *d = jid ? dev_lookup(c->srv, jid, NULL) : NULL;
        struct binnode *ru;

        if (jid == NULL)
            continue;
        ru = binnode_add(list, "user");
        binnode_set_attr(ru, "jid", jid);
        if (d != NULL) {
            bundle(ru, d);
            found++;
        } else {
            binnode_set_attr(binnode_add(ru, "error"), "code", "404");
            missing++;
        }
    }
    fw_event(c->srv, c->id, "keys", "\"found\":%d,\"missing\":%d", found, missing);
    (void)fw_conn_send_node(c, r);
    binnode_free(r);
    return true;
}

/* ---- messages ------------------------------------------------------------------------------- */

/* Writes s as a JSON string body (quotes excluded) into out, truncated to fit. */
static void
json_text(char *out, size_t cap, const char *s)
{
    size_t n = 0;

    for (; s != NULL && *s != '\0' && n + 7 < cap; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch == '"' || ch == '\\') {
            out[n++] = '\\';
            out[n++] = (char)ch;
        } else if (ch < 0x20 || ch == 0x7f) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", ch);
        } else {
            out[n++] = (char)ch;
        }
    }
    out[n] = '\0';
}

/* Decrypts one <enc> as device d from the connection's account; logs the plaintext. */
static void
decrypt_one(struct fw_conn *c, struct fw_peer_dev *d, const char *to, const char *id,
            const struct binnode *enc, bool retry)
{
    struct wasig_addr from;
    enum wasig_type type;
    const unsigned char *ct;
    uint8_t *pt = NULL;
    size_t ctlen = 0, ptlen = 0, mlen = 0;
    struct wamsg m;
    struct err e;
    char sto[WA_JID_MAX], sid[80], text[1024], sfrom[WA_JID_MAX];

    memset(&m, 0, sizeof m);
    fw_safe(sto, sizeof sto, to);
    fw_safe(sid, sizeof sid, id);
    ct = binnode_content(enc, &ctlen);
    if (c->acc == NULL || wasig_addr_from_jid(c->acc->jid, &from, &e) != RC_OK ||
        wasig_type_parse(binnode_attr(enc, "type"), &type, &e) != RC_OK || ct == NULL ||
        wasig_decrypt(d->sig, &from, type, ct, ctlen, NULL, &pt, &ptlen, &e) != RC_OK ||
        wamsg_unpad(pt, ptlen, &mlen, &e) != RC_OK || wamsg_decode(pt, mlen, &m, &e) != RC_OK) {
        fw_event(c->srv, c->id, "decrypt-failed", "\"to\":\"%s\",\"id\":\"%s\"", sto, sid);
    } else {
        json_text(text, sizeof text, m.text);
        fw_safe(sfrom, sizeof sfrom, c->acc->jid);
        fw_event(c->srv, c->id, "decrypted",
                 "\"to\":\"%s\",\"id\":\"%s\",\"from\":\"%s\",\"type\":\"%s\","
                 "\"dsm\":%s,\"retry\":%s,\"text\":\"%s\"",
                 sto, sid, sfrom, wasig_type_name(type), m.device_sent ? "true" : "false",
                 retry ? "true" : "false", text);
    }
    wamsg_fini(&m);
    if (pt != NULL) {
        secure_wipe(pt, ptlen);
        free(pt);
    }
}

static void
send_receipt(struct fw_conn *c, const char *id, const char *from, const char *type,
             const char *participant)
{
    struct binnode *r = binnode_new("receipt");
    char t[24];

    snprintf(t, sizeof t, "%lld", (long long)time(NULL));
    binnode_set_attr(r, "id", id);
    binnode_set_attr(r, "from", from);
    if (participant != NULL)
        binnode_set_attr(r, "participant", participant);
    if (type != NULL)
        binnode_set_attr(r, "type", type);
    binnode_set_attr(r, "t", t);
    (void)fw_conn_send_node(c, r);
    binnode_free(r);
}

static void
send_retry(struct fw_conn *c, const char *id, const char *from, const char *participant,
           const struct fw_peer_dev *d)
{
    struct binnode *r = binnode_new("receipt"), *rt;
    uint32_t reg = d->creds->registration_id;
    uint8_t b[4] = { (uint8_t)(reg >> 24), (uint8_t)(reg >> 16), (uint8_t)(reg >> 8),
                     (uint8_t)reg };

    binnode_set_attr(r, "id", id);
    binnode_set_attr(r, "from", from);
    binnode_set_attr(r, "participant", participant);
    binnode_set_attr(r, "type", "retry");
    rt = binnode_add(r, "retry");
    binnode_set_attr(rt, "count", "1");
    binnode_set_attr(rt, "id", id);
    binnode_set_attr(rt, "v", "1");
    binnode_set_bytes(binnode_add(r, "registration"), b, sizeof b);
    fw_event(c->srv, c->id, "retry-sent", NULL);
    (void)fw_conn_send_node(c, r);
    binnode_free(r);
}

static void
send_ack(struct fw_conn *c, const char *id, const char *from, int error)
{
    struct binnode *a = binnode_new("ack");
    char t[24], er[12];

    snprintf(t, sizeof t, "%lld", (long long)time(NULL));
    binnode_set_attr(a, "class", "message");
    binnode_set_attr(a, "id", id);
    binnode_set_attr(a, "from", from);
    binnode_set_attr(a, "t", t);
    if (error != 0) {
        snprintf(er, sizeof er, "%d", error);
        binnode_set_attr(a, "error", er);
    }
    (void)fw_conn_send_node(c, a);
    binnode_free(a);
}

/* Closes every open connection once what is queued for it went out. */
static void
drop_all(struct fw *srv)
{
    for (struct fw_conn *c = srv->conns; c != NULL; c = c->next)
        if (c->st == FW_OPEN) {
            c->close_after_flush = true;
            fw_io_kick(c);
        }
    fw_event(srv, 0, "drop", NULL);
}

/* After the ack: the recipient's delivery and read receipts (none for unknown users). */
static void
receipts(struct fw_conn *c, const char *id, const char *user_jid)
{
    struct wa_jid j;
    struct fw_peer *p;

    if (wa_jid_parse(user_jid, &j, NULL) != RC_OK || (p = fw_peer_find(c->srv, j.user)) == NULL ||
        fw_phone_find(c->srv, p->user) != NULL)
        return;
    send_receipt(c, id, user_jid, NULL, NULL);
    if (!p->noread)
        send_receipt(c, id, user_jid, "read", NULL);
}

/* A retry re-send: <message id to=DEVICE device_fanout="false"><enc …/></message>. */
static bool
retry_message(struct fw_conn *c, const struct binnode *n, const char *id, const char *to)
{
    struct fw_peer_dev *d = dev_lookup(c->srv, to, NULL);
    const struct binnode *enc = binnode_child(n, "enc");
    struct wa_jid j;
    char user[WA_JID_MAX];

    if (d == NULL || enc == NULL || wa_jid_parse(to, &j, NULL) != RC_OK)
        return false;
    decrypt_one(c, d, to, id, enc, true);
    snprintf(user, sizeof user, "%s@s.whatsapp.net", j.user);
    send_ack(c, id, to, 0);
    if (binnode_attr(n, "recipient") == NULL)
        receipts(c, id, user);
    return true;
}

/* A recipient that requires a privacy token refuses a message without its own (463, as the
 * real server does for restricted reach-outs); true when the message was refused. */
static bool
token_refused(struct fw_conn *c, const struct binnode *n, const char *id, const char *to)
{
    const struct binnode *tc = binnode_child(n, "tctoken");
    const unsigned char *b;
    struct fw_peer *p;
    struct wa_jid j;
    size_t len = 0;

    if (wa_jid_parse(to, &j, NULL) != RC_OK || (p = fw_peer_find(c->srv, j.user)) == NULL ||
        !p->tc_required)
        return false;
    b = tc != NULL ? binnode_content(tc, &len) : NULL;
    if (p->tc_t > 0 && b != NULL && len == sizeof p->tc && memcmp(b, p->tc, len) == 0) {
        fw_event(c->srv, c->id, "tctoken", "\"user\":\"%s\",\"ok\":true", p->user);
        return false;
    }
    fw_event(c->srv, c->id, "tctoken", "\"user\":\"%s\",\"ok\":false", p->user);
    send_ack(c, id, to, 463);
    return true;
}

bool
fw_peer_message(struct fw_conn *c, const struct binnode *n)
{
    struct fw_peers *ps = peers(c->srv);
    const char *id = binnode_attr(n, "id"), *to = binnode_attr(n, "to");
    const struct binnode *parts = binnode_child(n, "participants"), *t = NULL;
    const char *fanout = binnode_attr(n, "device_fanout");
    char retry_jid[WA_JID_MAX] = "";
    struct fw_peer_dev *retry_dev = NULL;

    if (id == NULL || to == NULL)
        return false;
    if (ps->error_next != 0) {
        fw_event(c->srv, c->id, "ack-error", "\"error\":%d", ps->error_next);
        send_ack(c, id, to, ps->error_next);
        ps->error_next = 0;
        return true;
    }
    if (fanout != NULL && strcmp(fanout, "false") == 0)
        return retry_message(c, n, id, to);
    if (token_refused(c, n, id, to))
        return true;
    while (parts != NULL && (t = binnode_child_next(parts, "to", t)) != NULL) {
        const char *jid = binnode_attr(t, "jid");
        struct fw_peer *p = NULL;
        struct fw_peer_dev *d = jid ? dev_lookup(c->srv, jid, &p) : NULL;
        const struct binnode *enc = binnode_child(t, "enc");

        if (d == NULL || enc == NULL) {
            fw_event(c->srv, c->id, "unknown-device", NULL);
        } else if (ps->retry_next && retry_dev == NULL && fw_phone_find(c->srv, p->user) == NULL) {
            retry_dev = d; /* "cannot decrypt": ask for a re-send */
            snprintf(retry_jid, sizeof retry_jid, "%s", jid);
        } else {
            decrypt_one(c, d, jid, id, enc, false);
        }
    }
    send_ack(c, id, to, 0);
    if (retry_dev != NULL) {
        ps->retry_next = false;
        send_retry(c, id, to, retry_jid, retry_dev);
    } else {
        receipts(c, id, to);
    }
    if (ps->drop_after > 0 && --ps->drop_after == 0)
        drop_all(c->srv); /* after this message's ack and receipts went out */
    return true;
}

/* ---- admin scenarios ------------------------------------------------------------------------ */

/* <tokens><token jid=<c's phone> t type="trusted_contact">TOKEN</token></tokens> of user. */
static void
add_token(struct fw_conn *c, struct binnode *nn, const char *user)
{
    struct fw_peer *p = fw_peer_find(c->srv, user);
    char me[WA_JID_MAX];
    struct binnode *tk;
    char t[24];

    if (p == NULL || p->tc_t == 0)
        return;
    tk = binnode_add(binnode_add(nn, "tokens"), "token");
    snprintf(t, sizeof t, "%lld", p->tc_t);
    snprintf(me, sizeof me, "%s@s.whatsapp.net",
             c->acc != NULL ? c->acc->phone->user : FW_PHONE_USER);
    binnode_set_attr(tk, "jid", me);
    binnode_set_attr(tk, "t", t);
    binnode_set_attr(tk, "type", "trusted_contact");
    binnode_set_bytes(tk, p->tc, sizeof p->tc);
}

/* Sends <notification type from=user@s.whatsapp.net id t>[<child/>]</notification> to every
 * logged-in connection. */
static void
notify_one(struct fw_conn *c, const char *type, const char *user, const char *child)
{
    struct binnode *nn = binnode_new("notification");
    char from[WA_JID_MAX], id[32], t[24];

    snprintf(from, sizeof from, "%s@s.whatsapp.net", user);
    snprintf(t, sizeof t, "%lld", (long long)time(NULL));
    fw_conn_iq_id(c, id, sizeof id);
    binnode_set_attr(nn, "from", from);
    binnode_set_attr(nn, "type", type);
    binnode_set_attr(nn, "id", id);
    binnode_set_attr(nn, "t", t);
    if (child != NULL && child[0] != '\0')
        binnode_add(nn, child);
    if (strcmp(type, "privacy_token") == 0) /* the contact's current token */
        add_token(c, nn, user);
    (void)fw_conn_send_node(c, nn);
    binnode_free(nn);
}

static void
notify_all(struct fw *srv, const char *type, const char *user, const char *child)
{
    struct fw_peers *ps = peers(srv);
    int sent = 0;

    for (struct fw_conn *c = srv->conns; c != NULL; c = c->next)
        if (c->st == FW_OPEN && c->acc != NULL) {
            notify_one(c, type, user, child);
            sent++;
        }
    if (sent == 0 && ps->npending < sizeof ps->pending / sizeof ps->pending[0]) {
        struct fw_pending *p = &ps->pending[ps->npending++];

        snprintf(p->type, sizeof p->type, "%s", type);
        snprintf(p->user, sizeof p->user, "%s", user);
        snprintf(p->child, sizeof p->child, "%s", child ? child : "");
    }
}

void
fw_peer_login(struct fw_conn *c)
{
    struct fw_peers *ps = peers(c->srv);

    for (size_t i = 0; i < ps->npending; i++)
        notify_one(c, ps->pending[i].type, ps->pending[i].user, ps->pending[i].child);
    if (ps->npending > 0)
        fw_event(c->srv, c->id, "offline-notifications", "\"count\":%zu", ps->npending);
    ps->npending = 0;
}

/* contact USER NDEV [noread] | retry-next | error-next CODE | identity USER |
 * devices USER N | drop | drop-after N (drop once N more messages were acknowledged). False
 * when the line is none of these. */
bool
fw_peer_admin(struct fw *srv, const char *line)
{
    char user[WA_JID_USER_MAX + 2] = "", extra[16] = "";
    int num = 0;
    struct fw_peer *p;

    if (sscanf(line, "contact %21s %d %15s", user, &num, extra) >= 2 && num >= 1) {
        p = peer_set(srv, user, (size_t)num, NULL);
        p->noread = strcmp(extra, "noread") == 0;
        fw_event(srv, 0, "contact", "\"user\":\"%s\",\"devices\":%d", p->user, num);
    } else if (strcmp(line, "retry-next") == 0) {
        peers(srv)->retry_next = true;
    } else if (sscanf(line, "error-next %d", &num) == 1) {
        peers(srv)->error_next = num;
    } else if (sscanf(line, "require-token %21s", user) == 1 && (p = fw_peer_find(srv, user))) {
        p->tc_required = true; /* 463 without its privacy token from now on */
        fw_event(srv, 0, "require-token", "\"user\":\"%s\"", p->user);
    } else if (sscanf(line, "tctoken %21s", user) == 1 && (p = fw_peer_find(srv, user))) {
        /* it issues us a fresh token (held for the next login when nobody is connected) */
        secure_random(p->tc, sizeof p->tc);
        p->tc_t = (long long)time(NULL);
        notify_all(srv, "privacy_token", p->user, NULL);
        fw_event(srv, 0, "tctoken-issued", "\"user\":\"%s\"", p->user);
    } else if (sscanf(line, "identity %21s", user) == 1 && (p = fw_peer_find(srv, user))) {
        for (size_t i = 0; i < p->ndev; i++) {
            dev_fini(&p->dev[i]);
            dev_init(peers(srv), p, &p->dev[i], (uint32_t)i);
        }
        notify_all(srv, "encrypt", p->user, "identity");
        fw_event(srv, 0, "identity-changed", "\"user\":\"%s\"", p->user);
    } else if (sscanf(line, "devices %21s %d", user, &num) == 2 && num >= 1 &&
               (p = fw_peer_find(srv, user))) {
        peer_set(srv, p->user, (size_t)num, NULL);
        notify_all(srv, "devices", p->user, NULL);
        fw_event(srv, 0, "devices-changed", "\"user\":\"%s\",\"devices\":%d", p->user, num);
    } else if (strcmp(line, "drop") == 0) {
        drop_all(srv);
    } else if (sscanf(line, "drop-after %d", &num) == 1 && num >= 1) {
        peers(srv)->drop_after = num;
    } else {
        return false;
    }
    return true;
}
