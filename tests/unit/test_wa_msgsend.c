/* The messaging state machine (src/wa/msgsend*) against a server scripted in this file,
 * with real Signal on both ends: the recipient's devices and our phone are wasig
 * instances (in-memory rows) that decrypt what msgsend produces. Covers device lookup
 * (usync + lid, cache, invalidation), bundles → sessions, pkmsg fan-out with the
 * deviceSentMessage copy and <device-identity>, acks (463 → privacy token), forward-only
 * receipts, retry receipts, timeouts, number checks (52/521, cache, throttle), incoming
 * texts (decrypted, receipt sent, pre-key consumed → CREDS), identity changes, hostile
 * input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/seal.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "wa/binnode.h"
#include "wa/creds.h"
#include "wa/devices.h"
#include "wa/send/msgsend.h"
#include "wa/signal/wasig.h"
#include "wa/wamsg.h"

#define PEER     "5215512345678"
#define PEER_LID "88887654321"
#define ME_USER  "15550001111"
#define ME_LID   "99990001111"

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

static const struct wasig_persist mem = { mem_put, mem_del, mem_load, NULL };

struct dev {
    struct wa_creds *creds;
    struct wasig *sig;
    size_t next_prekey;
};

struct fx {
    char dir[64], keypath[96];
    struct seal_key *key;
    struct dev me, peer0, peer5, phone;
    struct wa_msgsend *ms;
    int64_t now;
    int64_t owner;
};

static void
dev_make(struct fx *f, struct dev *d, const char *jid, const char *lid)
{
    struct err e;

    d->creds = wa_creds_generate(&e);
    assert_non_null(d->creds);
    assert_int_equal(wa_creds_prekeys_gen(d->creds, 8, &e), RC_OK);
    snprintf(d->creds->me_jid, sizeof d->creds->me_jid, "%s", jid);
    snprintf(d->creds->me_lid, sizeof d->creds->me_lid, "%s", lid);
    d->sig = wasig_open(d->creds, ++f->owner, f->key, &mem, &e);
    assert_non_null(d->sig);
}

static void
dev_free(struct dev *d)
{
    wasig_free(d->sig);
    wa_creds_free(d->creds);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct wa_msgsend_config cfg;
    struct err e;

    strcpy(f->dir, "/tmp/test_msgsend.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->keypath, sizeof f->keypath, "%s/wa.key", f->dir);
    f->key = seal_key_open(f->keypath, true, &e);
    assert_non_null(f->key);
    dev_make(f, &f->me, ME_USER ":3@s.whatsapp.net", ME_LID ":3@lid");
    f->me.creds->account_len = 12;
    memset(f->me.creds->account, 0x42, 12);
    dev_make(f, &f->peer0, PEER "@s.whatsapp.net", PEER_LID "@lid");
    dev_make(f, &f->peer5, PEER ":5@s.whatsapp.net", PEER_LID ":5@lid");
    dev_make(f, &f->phone, ME_USER "@s.whatsapp.net", ME_LID "@lid");
    wa_msgsend_config_default(&cfg);
    f->ms = wa_msgsend_new(f->me.creds, f->me.sig, &cfg);
    f->now = 1700000000000;
    wa_msgsend_online(f->ms, f->now);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    struct wa_msgsend_event ev;
    struct binnode *n;

    while ((n = wa_msgsend_pop_send(f->ms)) != NULL)
        binnode_free(n);
    while (wa_msgsend_pop_event(f->ms, &ev))
        wa_msgsend_event_fini(&ev);
    wa_msgsend_free(f->ms);
    dev_free(&f->me);
    dev_free(&f->peer0);
    dev_free(&f->peer5);
    dev_free(&f->phone);
    seal_key_close(f->key);
    unlink(f->keypath);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Round trip through the codec, as the client would deliver a server node. */
static struct binnode *
wire(struct binnode *n)
{
    struct strbuf sb;
    struct binnode *out = NULL;

    strbuf_init(&sb);
    assert_int_equal(binnode_encode(n, &sb, NULL), RC_OK);
    assert_int_equal(binnode_decode(sb.buf, sb.len, &out, NULL), RC_OK);
    strbuf_fini(&sb);
    binnode_free(n);
    return out;
}

static void
feed(struct fx *f, struct binnode *n)
{
    n = wire(n);
    assert_int_equal(wa_msgsend_feed(f->ms, n, f->now, NULL), RC_OK);
    binnode_free(n);
}

/* The next queued node, which must have tag. */
static struct binnode *
pop(struct fx *f, const char *tag)
{
    struct binnode *n = wa_msgsend_pop_send(f->ms);

    assert_non_null(n);
    if (strcmp(binnode_tag(n), tag) != 0) {
        char *d = binnode_dump(n);
        fprintf(stderr, "expected <%s>, got %s\n", tag, d);
        free(d);
        fail();
    }
    return wire(n);
}

static bool
pop_event(struct fx *f, enum wa_msgsend_event_kind kind, struct wa_msgsend_event *ev)
{
    if (!wa_msgsend_pop_event(f->ms, ev))
        return false;
    assert_int_equal(ev->kind, kind);
    return true;
}

static struct binnode *
result_to(const struct binnode *req)
{
    struct binnode *r = binnode_new("iq");

    binnode_set_attr(r, "id", binnode_attr(req, "id"));
    binnode_set_attr(r, "from", "s.whatsapp.net");
    binnode_set_attr(r, "type", "result");
    return r;
}

static void
device(struct binnode *dl, const char *id)
{
    struct binnode *d = binnode_add(dl, "device");

    binnode_set_attr(d, "id", id);
    if (strcmp(id, "0") != 0)
        binnode_set_attr(d, "key-index", "1");
}

/* Answers a devices+lid usync: our user has devices 0 and 3, the peer 0 and 5; any other
 * user has none. */
static void
answer_usync(struct fx *f, const struct binnode *iq)
{
    const struct binnode *list = binnode_child(binnode_child(iq, "usync"), "list"), *u = NULL;
    struct binnode *r = result_to(iq), *rl = binnode_add(binnode_add(r, "usync"), "list");

    while ((u = binnode_child_next(list, "user", u)) != NULL) {
        const char *jid = binnode_attr(u, "jid");
        struct binnode *ru = binnode_add(rl, "user"), *dl;

        binnode_set_attr(ru, "jid", jid);
        dl = binnode_add(binnode_add(ru, "devices"), "device-list");
        binnode_set_list(dl);
        if (strncmp(jid, ME_USER "@", strlen(ME_USER) + 1) == 0) {
            device(dl, "0");
            device(dl, "3");
            binnode_set_attr(binnode_add(ru, "lid"), "val", ME_LID "@lid");
        } else if (strncmp(jid, PEER "@", strlen(PEER) + 1) == 0) {
            device(dl, "0");
            device(dl, "5");
            binnode_set_attr(binnode_add(ru, "lid"), "val", PEER_LID "@lid");
        }
    }
    feed(f, r);
}

static struct dev *
dev_for(struct fx *f, const char *jid)
{
    if (strcmp(jid, PEER_LID "@lid") == 0 || strcmp(jid, PEER "@s.whatsapp.net") == 0)
        return &f->peer0;
    if (strcmp(jid, PEER_LID ":5@lid") == 0 || strcmp(jid, PEER ":5@s.whatsapp.net") == 0)
        return &f->peer5;
    if (strcmp(jid, ME_LID "@lid") == 0 || strcmp(jid, ME_USER "@s.whatsapp.net") == 0)
        return &f->phone;
    return NULL;
}

static void
be(struct binnode *p, const char *tag, uint32_t v, size_t n)
{
    uint8_t b[4];

    for (size_t i = n; i-- > 0; v >>= 8)
        b[i] = (uint8_t)v;
    binnode_set_bytes(binnode_add(p, tag), b, n);
}

/* The key children of d's bundle (one fresh one-time pre-key) under u. */
static void
bundle_of(struct dev *d, struct binnode *u, bool with_reg)
{
    const struct wa_creds *c = d->creds;
    const struct wa_prekey *pk = &c->prekeys[d->next_prekey++];
    struct binnode *sk, *k;
    uint8_t five = 5;

    if (with_reg)
        be(u, "registration", c->registration_id, 4);
    binnode_set_bytes(binnode_add(u, "type"), &five, 1);
    binnode_set_bytes(binnode_add(u, "identity"), c->identity.pub, 32);
    sk = binnode_add(u, "skey");
    be(sk, "id", c->signed_prekey_id, 3);
    binnode_set_bytes(binnode_add(sk, "value"), c->signed_prekey.pub, 32);
    binnode_set_bytes(binnode_add(sk, "signature"), c->signed_prekey_sig, 64);
    k = binnode_add(u, "key");
    be(k, "id", pk->id, 3);
    binnode_set_bytes(binnode_add(k, "value"), pk->kp.pub, 32);
}

/* Answers a key query; returns how many users were asked. */
static int
answer_keys(struct fx *f, const struct binnode *iq)
{
    const struct binnode *u = NULL;
    struct binnode *r = result_to(iq), *list = binnode_add(r, "list");
    int n = 0;

    while ((u = binnode_child_next(binnode_child(iq, "key"), "user", u)) != NULL) {
        const char *jid = binnode_attr(u, "jid");
        struct dev *d = dev_for(f, jid);
        struct binnode *ru = binnode_add(list, "user");

        binnode_set_attr(ru, "jid", jid);
        assert_non_null(d);
        bundle_of(d, ru, true);
        n++;
    }
    feed(f, r);
    return n;
}

/* Decrypts enc as device d (sender: our device); returns the decoded message. */
static void
open_as(struct fx *f, struct dev *d, const struct binnode *enc, struct wamsg *m)
{
    struct wasig_addr from;
    enum wasig_type type;
    const unsigned char *ct;
    uint8_t *pt = NULL;
    size_t ctlen = 0, ptlen = 0, mlen = 0;

    assert_int_equal(wasig_addr_from_jid(f->me.creds->me_jid, &from, NULL), RC_OK);
    assert_int_equal(wasig_type_parse(binnode_attr(enc, "type"), &type, NULL), RC_OK);
    ct = binnode_content(enc, &ctlen);
    assert_int_equal(wasig_decrypt(d->sig, &from, type, ct, ctlen, NULL, &pt, &ptlen, NULL), RC_OK);
    assert_int_equal(wamsg_unpad(pt, ptlen, &mlen, NULL), RC_OK);
    memset(m, 0, sizeof *m);
    assert_int_equal(wamsg_decode(pt, mlen, m, NULL), RC_OK);
    free(pt);
}

/* send_text → usync → keys → the <message>, returned (caller frees). */
static struct binnode *
send_through(struct fx *f, const char *id, const char *text, bool fresh)
{
    struct binnode *n;

    assert_int_equal(wa_msgsend_send_text(f->ms, PEER "@s.whatsapp.net", id, text, f->now, NULL),
                     RC_OK);
    if (fresh) {
        n = pop(f, "iq");
        assert_string_equal(binnode_attr(n, "xmlns"), "usync");
        answer_usync(f, n);
        binnode_free(n);
        n = pop(f, "iq");
        assert_string_equal(binnode_attr(n, "xmlns"), "encrypt");
        assert_int_equal(answer_keys(f, n), 3); /* peer 0, peer 5, our phone */
        binnode_free(n);
    }
    return pop(f, "message");
}

static struct binnode *
server_node(const char *tag, const char *id, const char *from, const char *type)
{
    struct binnode *n = binnode_new(tag);

    binnode_set_attr(n, "id", id);
    binnode_set_attr(n, "from", from);
    if (type != NULL)
        binnode_set_attr(n, "type", type);
    binnode_set_attr(n, "t", "1700000001");
    return n;
}

static struct binnode *
ack(const char *id, const char *error)
{
    struct binnode *a = server_node("ack", id, PEER "@s.whatsapp.net", NULL);

    binnode_set_attr(a, "class", "message");
    if (error != NULL)
        binnode_set_attr(a, "error", error);
    return a;
}

/* The whole send: fan-out to the peer's two devices and our phone, pkmsg, device-identity;
 * each device decrypts its copy; then ack and forward-only receipts. */
static void
test_send_fanout_ack_receipts(void **state)
{
    struct fx *f = *state;
    struct binnode *m = send_through(f, "3EB0A1", "hola {mundo}", true), *t = NULL;
    struct wa_msgsend_event ev;
    int copies = 0;

    assert_string_equal(binnode_attr(m, "to"), PEER "@s.whatsapp.net");
    assert_string_equal(binnode_attr(m, "type"), "text");
    assert_non_null(binnode_child(m, "device-identity"));
    while ((t = binnode_child_next(binnode_child(m, "participants"), "to", t)) != NULL) {
        const struct binnode *enc = binnode_child(t, "enc");
        struct dev *d = dev_for(f, binnode_attr(t, "jid"));
        struct wamsg w;

        assert_non_null(d);
        assert_string_equal(binnode_attr(enc, "type"), "pkmsg");
        assert_string_equal(binnode_attr(enc, "v"), "2");
        open_as(f, d, enc, &w);
        assert_string_equal(w.text, "hola {mundo}");
        assert_int_equal(w.device_sent, d == &f->phone);
        if (d == &f->phone)
            assert_string_equal(w.dest_jid, PEER "@s.whatsapp.net");
        wamsg_fini(&w);
        copies++;
    }
    assert_int_equal(copies, 3); /* our own device 3 gets none */
    binnode_free(m);
    assert_false(wa_msgsend_pop_event(f->ms, &ev));
    feed(f, ack("3EB0A1", NULL));
    assert_true(pop_event(f, WA_MSGSEND_EV_ACK, &ev));
    assert_string_equal(ev.id, "3EB0A1");
    assert_int_equal(ev.error, 0);
    feed(f, ack("3EB0A1", NULL)); /* a second ack: nothing */
    feed(f, server_node("receipt", "3EB0A1", PEER "@s.whatsapp.net", NULL));
    assert_true(pop_event(f, WA_MSGSEND_EV_RECEIPT, &ev));
    assert_int_equal(ev.status, 3);
    assert_int_equal(ev.at_ms, 1700000001000);
    feed(f, server_node("receipt", "3EB0A1", PEER ":5@s.whatsapp.net", NULL));
    feed(f, server_node("receipt", "3EB0A1", PEER "@s.whatsapp.net", "read"));
    assert_true(pop_event(f, WA_MSGSEND_EV_RECEIPT, &ev));
    assert_int_equal(ev.status, 4);
    feed(f, server_node("receipt", "3EB0A1", PEER "@s.whatsapp.net", NULL)); /* late delivery */
    feed(f, server_node("receipt", "3EB0A1", ME_USER "@s.whatsapp.net", "read-self"));
    assert_false(wa_msgsend_pop_event(f->ms, &ev));
    /* The second message needs no lookup: devices cached, sessions built; msg follows. */
    m = send_through(f, "3EB0A2", "otra", false);
    assert_non_null(binnode_child(m, "device-identity")); /* pkmsg until a reply */
    binnode_free(m);
}

/* A retry receipt from one device: re-encrypted for that device only; counts above the
 * limit or repeated are ignored. */
static void
test_retry_receipt(void **state)
{
    struct fx *f = *state;
    struct binnode *m = send_through(f, "3EB0B1", "reintento", true), *r, *rt;
    struct wamsg w;
    uint8_t reg[4];
    uint32_t id = f->peer5.creds->registration_id;

    binnode_free(m);
    for (int i = 0; i < 4; i++)
        reg[i] = (uint8_t)(id >> (24 - 8 * i));
    r = server_node("receipt", "3EB0B1", PEER "@s.whatsapp.net", "retry");
    binnode_set_attr(r, "participant", PEER ":5@s.whatsapp.net");
    rt = binnode_add(r, "retry");
    binnode_set_attr(rt, "count", "1");
    binnode_set_attr(rt, "id", "3EB0B1");
    binnode_set_bytes(binnode_add(r, "registration"), reg, 4);
    feed(f, r);
    m = pop(f, "message");
    assert_string_equal(binnode_attr(m, "to"), PEER ":5@s.whatsapp.net");
    assert_string_equal(binnode_attr(m, "device_fanout"), "false");
    assert_string_equal(binnode_attr(binnode_child(m, "enc"), "count"), "1");
    open_as(f, &f->peer5, binnode_child(m, "enc"), &w);
    assert_string_equal(w.text, "reintento");
    wamsg_fini(&w);
    binnode_free(m);
    /* The same count again, and one above the limit: nothing. */
    r = server_node("receipt", "3EB0B1", PEER "@s.whatsapp.net", "retry");
    binnode_set_attr(r, "participant", PEER ":5@s.whatsapp.net");
    binnode_set_attr(binnode_add(r, "retry"), "count", "1");
    feed(f, r);
    r = server_node("receipt", "3EB0B1", PEER "@s.whatsapp.net", "retry");
    binnode_set_attr(r, "participant", PEER ":5@s.whatsapp.net");
    binnode_set_attr(binnode_add(r, "retry"), "count", "6");
    feed(f, r);
    assert_null(wa_msgsend_pop_send(f->ms));
}

/* 463: the message fails with that code and a privacy token is issued, no resend; 479
 * fails it too. */
static void
test_error_acks(void **state)
{
    struct fx *f = *state;
    struct binnode *m = send_through(f, "3EB0C1", "uno", true), *iq;
    struct wa_msgsend_event ev;

    binnode_free(m);
    feed(f, ack("3EB0C1", "463"));
    assert_true(pop_event(f, WA_MSGSEND_EV_ACK, &ev));
    assert_int_equal(ev.error, 463);
    iq = pop(f, "iq");
    assert_string_equal(binnode_attr(iq, "xmlns"), "privacy");
    assert_string_equal(binnode_attr(binnode_child(binnode_child(iq, "tokens"), "token"), "jid"),
                        PEER "@s.whatsapp.net");
    binnode_free(iq);
    assert_null(wa_msgsend_pop_send(f->ms));
    m = send_through(f, "3EB0C2", "dos", false);
    binnode_free(m);
    feed(f, ack("3EB0C2", "479"));
    assert_true(pop_event(f, WA_MSGSEND_EV_ACK, &ev));
    assert_int_equal(ev.error, 479);
    assert_null(wa_msgsend_pop_send(f->ms));
    /* An id in use is refused; offline refuses. */
    assert_int_equal(
        wa_msgsend_send_text(f->ms, PEER "@s.whatsapp.net", "3EB0C3", "x", f->now, NULL), RC_OK);
    assert_int_equal(
        wa_msgsend_send_text(f->ms, PEER "@s.whatsapp.net", "3EB0C3", "x", f->now, NULL), RC_INVAL);
    wa_msgsend_offline(f->ms);
    assert_int_equal(
        wa_msgsend_send_text(f->ms, PEER "@s.whatsapp.net", "3EB0C4", "x", f->now, NULL),
        RC_CLOSED);
}

/* A user without devices fails the message; an unanswered lookup times out (408). */
static void
test_no_devices_and_timeout(void **state)
{
    struct fx *f = *state;
    struct wa_msgsend_event ev;
    struct binnode *iq;

    assert_int_equal(
        wa_msgsend_send_text(f->ms, "5215599999999@s.whatsapp.net", "3EB0D1", "x", f->now, NULL),
        RC_OK);
    iq = pop(f, "iq");
    answer_usync(f, iq);
    binnode_free(iq);
    assert_true(pop_event(f, WA_MSGSEND_EV_ACK, &ev));
    assert_int_equal(ev.error, WA_MSGSEND_ERR_NO_DEVICES);
    assert_int_equal(
        wa_msgsend_send_text(f->ms, "5215588888888@s.whatsapp.net", "3EB0D2", "x", f->now, NULL),
        RC_OK);
    iq = pop(f, "iq");
    binnode_free(iq);
    assert_int_equal(wa_msgsend_deadline(f->ms), f->now + 60000);
    wa_msgsend_tick(f->ms, f->now + 59999);
    assert_false(wa_msgsend_pop_event(f->ms, &ev));
    wa_msgsend_tick(f->ms, f->now + 60000);
    assert_true(pop_event(f, WA_MSGSEND_EV_ACK, &ev));
    assert_int_equal(ev.error, WA_MSGSEND_ERR_TIMEOUT);
}

/* The <contact> texts of a contact query, each followed by a space (caller frees). */
static char *
contacts_of(const struct binnode *iq)
{
    const struct binnode *list = binnode_child(binnode_child(iq, "usync"), "list"), *u = NULL;
    struct strbuf sb;

    strbuf_init(&sb);
    while ((u = binnode_child_next(list, "user", u)) != NULL) {
        strbuf_addstr(&sb, binnode_text(binnode_child(u, "contact")));
        strbuf_addch(&sb, ' ');
    }
    return strbuf_detach(&sb, NULL);
}

/* Number checks: normalised, answered in order (52 ↔ 521 matched to the asking number),
 * invalid numbers answered 0 at once, cached, throttled, retried on timeout. */
static void
test_number_check(void **state)
{
    struct fx *f = *state;
    const char *nums[] = { "+52 55 1234 5678", "+1 555 000 1111", "xx" };
    struct wa_msgsend_event ev;
    struct binnode *iq, *r, *rl, *u, *c;
    char *dump;

    assert_int_equal(wa_msgsend_check(f->ms, 7, nums, 3, f->now, NULL), RC_OK);
    iq = pop(f, "iq");
    dump = contacts_of(iq);
    assert_string_equal(dump, "+525512345678 +15550001111 ");
    free(dump);
    r = result_to(iq);
    rl = binnode_add(binnode_add(r, "usync"), "list");
    u = binnode_add(rl, "user"); /* the server answers in its own order, with the 521 JID */
    binnode_set_attr(u, "jid", "15550001111@s.whatsapp.net");
    c = binnode_add(u, "contact");
    binnode_set_attr(c, "type", "out");
    binnode_set_string(c, "+15550001111");
    u = binnode_add(rl, "user");
    binnode_set_attr(u, "jid", PEER "@s.whatsapp.net");
    c = binnode_add(u, "contact");
    binnode_set_attr(c, "type", "in");
    binnode_set_string(c, "+525512345678");
    binnode_free(iq);
    assert_false(wa_msgsend_pop_event(f->ms, &ev));
    feed(f, r);
    assert_true(pop_event(f, WA_MSGSEND_EV_NUMBERS, &ev));
    assert_int_equal(ev.request_id, 7);
    assert_int_equal(ev.n, 3);
    assert_string_equal(ev.nums[0].number, "525512345678");
    assert_int_equal(ev.nums[0].on_whatsapp, 1);
    assert_string_equal(ev.nums[0].jid, PEER "@s.whatsapp.net");
    assert_int_equal(ev.nums[1].on_whatsapp, 0);
    assert_int_equal(ev.nums[2].on_whatsapp, 0);
    wa_msgsend_event_fini(&ev);
    /* Asked again: from the cache, no query. */
    assert_int_equal(wa_msgsend_check(f->ms, 8, nums, 2, f->now, NULL), RC_OK);
    assert_null(wa_msgsend_pop_send(f->ms));
    assert_true(pop_event(f, WA_MSGSEND_EV_NUMBERS, &ev));
    assert_int_equal(ev.nums[0].on_whatsapp, 1);
    wa_msgsend_event_fini(&ev);
    /* A new number waits for the 2 s gap; unanswered three times it is unknown (-1). */
    nums[0] = "+52 33 1111 2222";
    assert_int_equal(wa_msgsend_check(f->ms, 9, nums, 1, f->now, NULL), RC_OK);
    assert_null(wa_msgsend_pop_send(f->ms));
    assert_int_equal(wa_msgsend_deadline(f->ms), f->now + 2000);
    for (int i = 0; i < 3; i++) { /* the first query, then two retries after timeouts */
        f->now = wa_msgsend_deadline(f->ms);
        wa_msgsend_tick(f->ms, f->now);
        iq = pop(f, "iq");
        binnode_free(iq);
        assert_null(wa_msgsend_pop_send(f->ms));
        assert_false(wa_msgsend_pop_event(f->ms, &ev));
    }
    f->now = wa_msgsend_deadline(f->ms);
    wa_msgsend_tick(f->ms, f->now);
    assert_true(pop_event(f, WA_MSGSEND_EV_NUMBERS, &ev));
    assert_int_equal(ev.nums[0].on_whatsapp, -1);
    wa_msgsend_event_fini(&ev);
    assert_int_equal(wa_msgsend_check(f->ms, 1, nums, 0, f->now, NULL), RC_INVAL);
}

/* A contact reply for the contact query iq: every asked number answered by table. */
static void
answer_contacts(struct fx *f, const struct binnode *iq)
{
    const struct binnode *list = binnode_child(binnode_child(iq, "usync"), "list"), *u = NULL;
    struct binnode *r = result_to(iq), *rl = binnode_add(binnode_add(r, "usync"), "list");

    while ((u = binnode_child_next(list, "user", u)) != NULL) {
        const char *asked = binnode_text(binnode_child(u, "contact"));
        struct binnode *ru = binnode_add(rl, "user"), *c;
        bool in = strcmp(asked, "+525512345678") == 0;

        binnode_set_attr(ru, "jid", in ? PEER "@s.whatsapp.net" : "523300000000@s.whatsapp.net");
        c = binnode_add(ru, "contact");
        binnode_set_attr(c, "type", in ? "in" : "out");
        binnode_set_string(c, asked);
    }
    feed(f, r);
}

/* A campaign that knows only phones: the number is checked first and the message goes to
 * the canonical (521) JID; the answer is cached; a number not on WhatsApp fails (code 1). */
static void
test_send_to_number(void **state)
{
    struct fx *f = *state;
    struct wa_msgsend_event ev;
    struct binnode *iq, *m;

    assert_int_equal(
        wa_msgsend_send_text(f->ms, "+52 55 1234 5678", "3EB0N1", "hola", f->now, NULL), RC_OK);
    iq = pop(f, "iq");
    assert_string_equal(binnode_attr(binnode_child(iq, "usync"), "context"), "interactive");
    answer_contacts(f, iq);
    binnode_free(iq);
    assert_false(wa_msgsend_pop_event(f->ms, &ev)); /* internal: no NUMBERS event */
    iq = pop(f, "iq");
    answer_usync(f, iq);
    binnode_free(iq);
    iq = pop(f, "iq");
    assert_int_equal(answer_keys(f, iq), 3);
    binnode_free(iq);
    m = pop(f, "message");
    assert_string_equal(binnode_attr(m, "to"), PEER "@s.whatsapp.net");
    binnode_free(m);
    assert_int_equal(wa_msgsend_send_text(f->ms, "525512345678", "3EB0N2", "otra", f->now, NULL),
                     RC_OK);
    m = pop(f, "message"); /* cached: no check, no lookup */
    binnode_free(m);
    f->now += 5000; /* past the 2 s gap between checks */
    assert_int_equal(wa_msgsend_send_text(f->ms, "+52 33 0000 0000", "3EB0N3", "x", f->now, NULL),
                     RC_OK);
    iq = pop(f, "iq");
    answer_contacts(f, iq);
    binnode_free(iq);
    assert_true(pop_event(f, WA_MSGSEND_EV_ACK, &ev));
    assert_string_equal(ev.id, "3EB0N3");
    assert_int_equal(ev.error, WA_MSGSEND_ERR_NO_DEVICES);
    assert_int_equal(wa_msgsend_send_text(f->ms, "12", "3EB0N4", "x", f->now, NULL), RC_INVAL);
}

/* Our bundle, as the server would hand it to the peer. */
static void
our_bundle(struct fx *f, struct wasig_bundle *b)
{
    const struct wa_creds *c = f->me.creds;

    memset(b, 0, sizeof *b);
    b->registration_id = c->registration_id;
    memcpy(b->identity, c->identity.pub, 32);
    b->skey_id = c->signed_prekey_id;
    memcpy(b->skey, c->signed_prekey.pub, 32);
    memcpy(b->skey_sig, c->signed_prekey_sig, 64);
    b->has_prekey = true;
    b->prekey_id = c->prekeys[0].id;
    memcpy(b->prekey, c->prekeys[0].kp.pub, 32);
}

/* A message from the peer's phone: decrypted, its text emitted (under the PN JID), the
 * consumed pre-key reported (CREDS), a delivery receipt queued; the same bytes again do
 * not decrypt and get a retry receipt. */
static void
test_incoming(void **state)
{
    struct fx *f = *state;
    struct wasig_addr me;
    struct wasig_bundle b;
    struct strbuf msg, padded;
    enum wasig_type type;
    uint8_t *ct = NULL;
    size_t ctlen = 0;
    struct binnode *n, *r;
    struct wa_msgsend_event ev;

    our_bundle(f, &b);
    assert_int_equal(wasig_addr_from_jid(f->me.creds->me_jid, &me, NULL), RC_OK);
    assert_int_equal(wasig_session_build(f->peer0.sig, &me, &b, NULL, NULL), RC_OK);
    strbuf_init(&msg);
    strbuf_init(&padded);
    assert_int_equal(wamsg_encode_text("BAJA por favor", false, NULL, &msg, NULL), RC_OK);
    wamsg_pad((const uint8_t *)msg.buf, msg.len, NULL, &padded);
    assert_int_equal(wasig_encrypt(f->peer0.sig, &me, (const uint8_t *)padded.buf, padded.len,
                                   &type, &ct, &ctlen, NULL),
                     RC_OK);
    n = server_node("message", "ABCD01", PEER "@s.whatsapp.net", "text");
    binnode_set_attr(binnode_add(n, "enc"), "type", wasig_type_name(type));
    binnode_set_attr(binnode_child(n, "enc"), "v", "2");
    binnode_set_bytes(binnode_child(n, "enc"), ct, ctlen);
    n = wire(n);
    assert_int_equal(wa_msgsend_feed(f->ms, n, f->now, NULL), RC_OK);
    assert_true(pop_event(f, WA_MSGSEND_EV_CREDS, &ev)); /* stored before anything else */
    assert_true(pop_event(f, WA_MSGSEND_EV_INCOMING, &ev));
    assert_string_equal(ev.text, "BAJA por favor");
    assert_string_equal(ev.from, PEER "@s.whatsapp.net");
    assert_string_equal(ev.id, "ABCD01");
    assert_int_equal(ev.at_ms, 1700000001000);
    wa_msgsend_event_fini(&ev);
    r = pop(f, "receipt");
    assert_string_equal(binnode_attr(r, "to"), PEER "@s.whatsapp.net");
    assert_null(binnode_attr(r, "type"));
    binnode_free(r);
    assert_int_equal(wa_msgsend_feed(f->ms, n, f->now, NULL), RC_OK); /* a duplicate */
    r = pop(f, "receipt");
    assert_string_equal(binnode_attr(r, "type"), "retry");
    assert_non_null(binnode_child(r, "registration"));
    binnode_free(r);
    binnode_free(n);
    free(ct);
    strbuf_fini(&msg);
    strbuf_fini(&padded);
    /* A group message is acked and ignored. */
    n = server_node("message", "G1", "120363000000000000@g.us", "text");
    feed(f, n);
    r = pop(f, "ack");
    assert_string_equal(binnode_attr(r, "class"), "message");
    assert_null(binnode_attr(r, "error"));
    binnode_free(r);
    assert_false(wa_msgsend_pop_event(f->ms, &ev));
}

/* An identity notification drops the sessions (the next send fetches keys again and
 * reports nothing more); a devices notification drops the cached list (usync again). */
static void
test_notifications(void **state)
{
    struct fx *f = *state;
    struct binnode *m = send_through(f, "3EB0E1", "uno", true), *n, *iq;
    struct wa_msgsend_event ev;

    binnode_free(m);
    n = server_node("notification", "N1", PEER "@s.whatsapp.net", "encrypt");
    binnode_add(n, "identity");
    feed(f, n);
    assert_true(pop_event(f, WA_MSGSEND_EV_IDENTITY, &ev));
    assert_string_equal(ev.from, PEER "@s.whatsapp.net");
    assert_int_equal(
        wa_msgsend_send_text(f->ms, PEER "@s.whatsapp.net", "3EB0E2", "dos", f->now, NULL), RC_OK);
    iq = pop(f, "iq"); /* the identity notification also dropped the device list */
    assert_string_equal(binnode_attr(iq, "xmlns"), "usync");
    answer_usync(f, iq);
    binnode_free(iq);
    iq = pop(f, "iq");
    assert_int_equal(answer_keys(f, iq), 2); /* the peer's two devices; our phone kept its own */
    binnode_free(iq);
    m = pop(f, "message");
    binnode_free(m);
    n = server_node("notification", "N2", PEER "@s.whatsapp.net", "devices");
    feed(f, n);
    assert_int_equal(
        wa_msgsend_send_text(f->ms, PEER "@s.whatsapp.net", "3EB0E3", "tres", f->now, NULL), RC_OK);
    iq = pop(f, "iq");
    assert_string_equal(binnode_attr(iq, "xmlns"), "usync");
    binnode_free(iq);
}

/* What a store was told (the glue's database in the program). */
static struct {
    int lids, tokens, identities;
    char who[WA_JID_MAX];
    char pn[32], lid[32], jid[WA_JID_MAX];
    uint8_t tok[16];
    size_t len;
    int64_t t;
} rec;

static void
rec_lid(void *ctx, const char *pn, const char *lid)
{
    (void)ctx;
    rec.lids++;
    snprintf(rec.pn, sizeof rec.pn, "%s", pn);
    snprintf(rec.lid, sizeof rec.lid, "%s", lid);
}

static void
rec_token(void *ctx, const char *jid, const uint8_t *tok, size_t len, int64_t t)
{
    (void)ctx;
    rec.tokens++;
    snprintf(rec.jid, sizeof rec.jid, "%s", jid);
    rec.len = len < sizeof rec.tok ? len : sizeof rec.tok;
    memcpy(rec.tok, tok, rec.len);
    rec.t = t;
}

static void
rec_identity(void *ctx, const char *jid)
{
    (void)ctx;
    rec.identities++;
    snprintf(rec.who, sizeof rec.who, "%s", jid);
}

/* A fresh messenger (a new process over the same Signal store) that reports to rec. */
static void
renew(struct fx *f)
{
    struct wa_msgsend_config cfg;
    struct wa_msgsend_event ev;
    struct binnode *n;

    while ((n = wa_msgsend_pop_send(f->ms)) != NULL)
        binnode_free(n);
    while (wa_msgsend_pop_event(f->ms, &ev))
        wa_msgsend_event_fini(&ev);
    wa_msgsend_free(f->ms);
    wa_msgsend_config_default(&cfg);
    cfg.store.lid_put = rec_lid;
    cfg.store.token_put = rec_token;
    cfg.store.identity = rec_identity;
    f->ms = wa_msgsend_new(f->me.creds, f->me.sig, &cfg);
    wa_msgsend_online(f->ms, f->now);
    memset(&rec, 0, sizeof rec);
}

/* A new process (fresh msgsend, same Signal store): an identity notification arrives before
 * the LID is known; the sessions stored under the LID are dropped once usync names it. */
static void
test_identity_before_lid(void **state)
{
    struct fx *f = *state;
    struct binnode *m = send_through(f, "3EB0F1", "uno", true), *n, *iq;
    struct wa_msgsend_event ev;

    binnode_free(m);
    renew(f);
    n = server_node("notification", "N1", PEER "@s.whatsapp.net", "encrypt");
    binnode_add(n, "identity");
    feed(f, n);
    assert_true(pop_event(f, WA_MSGSEND_EV_IDENTITY, &ev));
    assert_int_equal(rec.identities, 1); /* the glue records it on the opportunity */
    assert_string_equal(rec.who, PEER "@s.whatsapp.net");
    assert_int_equal(
        wa_msgsend_send_text(f->ms, PEER "@s.whatsapp.net", "3EB0F2", "dos", f->now, NULL), RC_OK);
    iq = pop(f, "iq");
    answer_usync(f, iq);
    binnode_free(iq);
    iq = pop(f, "iq");
    assert_string_equal(binnode_attr(iq, "xmlns"), "encrypt");
    assert_int_equal(answer_keys(f, iq), 2); /* both peer devices again; our phone kept */
    binnode_free(iq);
    m = pop(f, "message");
    binnode_free(m);
}

/* A LID a usync reply gives is stored once; a new process that restored the row asks the
 * devices without <lid/> and finds the sessions stored under the LID (no key fetch). */
static void
test_lid_store(void **state)
{
    struct fx *f = *state;
    struct binnode *m, *iq;

    renew(f);
    assert_int_equal(
        wa_msgsend_send_text(f->ms, PEER "@s.whatsapp.net", "3EB0L1", "uno", f->now, NULL), RC_OK);
    iq = pop(f, "iq");
    assert_non_null(binnode_child(binnode_child(binnode_child(iq, "usync"), "query"), "lid"));
    answer_usync(f, iq);
    binnode_free(iq);
    assert_int_equal(rec.lids, 1); /* the peer's; ours came with the credentials */
    assert_string_equal(rec.pn, PEER);
    assert_string_equal(rec.lid, PEER_LID);
    iq = pop(f, "iq");
    assert_int_equal(answer_keys(f, iq), 3);
    binnode_free(iq);
    binnode_free(pop(f, "message"));

    renew(f);
    wa_devices_map(wa_msgsend_devices(f->ms), PEER, PEER_LID, f->now); /* the stored row */
    assert_int_equal(
        wa_msgsend_send_text(f->ms, PEER "@s.whatsapp.net", "3EB0L2", "dos", f->now, NULL), RC_OK);
    iq = pop(f, "iq");
    assert_null(binnode_child(binnode_child(binnode_child(iq, "usync"), "query"), "lid"));
    answer_usync(f, iq);
    binnode_free(iq);
    assert_int_equal(rec.lids, 0); /* nothing new */
    m = pop(f, "message");         /* no key fetch: the LID-keyed sessions were found */
    binnode_free(m);

    renew(f); /* without the row: the phone address has no session, keys are fetched */
    assert_int_equal(
        wa_msgsend_send_text(f->ms, PEER "@s.whatsapp.net", "3EB0L3", "tres", f->now, NULL), RC_OK);
    iq = pop(f, "iq");
    assert_non_null(binnode_child(binnode_child(binnode_child(iq, "usync"), "query"), "lid"));
    binnode_free(iq);
}

static struct binnode *
token_note(const char *id, const char *sender_lid, const char *t, const char *bytes)
{
    struct binnode *n = server_node("notification", id, PEER "@s.whatsapp.net", "privacy_token");
    struct binnode *tk = binnode_add(binnode_add(n, "tokens"), "token");

    if (sender_lid != NULL)
        binnode_set_attr(n, "sender_lid", sender_lid);
    binnode_set_attr(tk, "jid", ME_USER "@s.whatsapp.net");
    binnode_set_attr(tk, "t", t);
    binnode_set_attr(tk, "type", "trusted_contact");
    binnode_set_bytes(tk, bytes, strlen(bytes));
    return n;
}

static const struct binnode *
tctoken_of(const struct binnode *m, size_t *len)
{
    const struct binnode *tc = binnode_child(m, "tctoken");

    return tc != NULL && binnode_content(tc, len) != NULL ? tc : NULL;
}

/* A contact's privacy token: kept under its LID and stored; attached to the next message;
 * an older one neither replaces nor is stored; after four weekly buckets it no longer
 * attaches; a malformed notification changes nothing. */
static void
test_privacy_token(void **state)
{
    struct fx *f = *state;
    struct binnode *m, *n;
    const struct binnode *tc;
    size_t len = 0;

    renew(f);
    feed(f, token_note("T1", PEER_LID "@lid", "1699999990", "TOKEN-1"));
    assert_int_equal(rec.tokens, 1);
    assert_string_equal(rec.jid, PEER_LID "@lid");
    assert_int_equal(rec.t, 1699999990);
    assert_memory_equal(rec.tok, "TOKEN-1", 7);
    assert_int_equal(rec.lids, 1); /* sender_lid also gave the mapping */
    feed(f, token_note("T2", NULL, "1699999000", "OLDER"));
    n = server_node("notification", "T3", PEER "@s.whatsapp.net", "privacy_token");
    binnode_set_attr(binnode_add(binnode_add(n, "tokens"), "token"), "type", "trusted_contact");
    feed(f, n); /* no content, no t: refused whole */
    assert_int_equal(rec.tokens, 1);
    assert_null(wa_msgsend_pop_send(f->ms)); /* notifications are the session's to ack */

    m = send_through(f, "3EB0T1", "con token", true);
    assert_non_null(tc = tctoken_of(m, &len));
    assert_int_equal(len, 7);
    assert_memory_equal(binnode_content(tc, &len), "TOKEN-1", 7);
    binnode_free(m);

    f->now += INT64_C(4) * 7 * 86400 * 1000; /* four weeks on: expired */
    assert_int_equal(
        wa_msgsend_send_text(f->ms, PEER "@s.whatsapp.net", "3EB0T2", "sin", f->now, NULL), RC_OK);
    n = pop(f, "iq"); /* the device list expired too */
    answer_usync(f, n);
    binnode_free(n);
    m = pop(f, "message");
    assert_null(tctoken_of(m, &len));
    binnode_free(m);
}

/* Hostile or foreign nodes: no events, no crash, nothing sent except the ack a stanza we
 * ignore needs. */
static void
test_hostile(void **state)
{
    struct fx *f = *state;
    struct wa_msgsend_event ev;
    struct binnode *n;

    feed(f, server_node("receipt", "x y", PEER "@s.whatsapp.net", NULL));
    feed(f, server_node("receipt", "3EB0", "nonsense", "read"));
    feed(f, server_node("ack", "3EB0FF", PEER "@s.whatsapp.net", NULL));
    n = server_node("iq", "not-ours", "s.whatsapp.net", "result");
    feed(f, n);
    n = server_node("message", "M1", PEER "@s.whatsapp.net", "text");
    binnode_set_attr(binnode_add(n, "enc"), "type", "skmsg");
    feed(f, n);
    n = pop(f, "ack");
    binnode_free(n);
    n = server_node("message", "M2", PEER "@s.whatsapp.net", "text");
    binnode_set_attr(binnode_add(n, "enc"), "type", "msg");
    binnode_set_bytes(binnode_child(n, "enc"), "\x33garbage", 8);
    feed(f, n);
    n = pop(f, "receipt"); /* undecryptable: a retry receipt */
    binnode_free(n);
    feed(f, server_node("notification", "N", "garbage", "devices"));
    assert_false(wa_msgsend_pop_event(f->ms, &ev));
    assert_null(wa_msgsend_pop_send(f->ms));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_send_fanout_ack_receipts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_receipt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_acks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_devices_and_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_number_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incoming, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notifications, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_before_lid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_to_number, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lid_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_privacy_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
