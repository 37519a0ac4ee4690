/* The session state machine driven by a scripted server written in this file, on a fake
 * clock: QR rotation and expiry, pair-success checks (HMAC, account signature, HOSTED
 * prefixes), the pair-device-sign bytes, 515 → login payload, <success> → pre-key count and
 * upload (§6.2 shape) → active → open, keepalive pings and silence → 408, answers to
 * unknown iqs, acks, and every close code. The "phone" signs with the same primitives a
 * real one uses (XEdDSA, HMAC-SHA256). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/digest.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "wa.pb-c.h"
#include "wa/binnode.h"
#include "wa/creds.h"
#include "wa/pairing.h"
#include "wa/payload.h"
#include "wa/session.h"

#define JID "15550001111:3@s.whatsapp.net"
#define LID "99990001111:3@lid"

struct fx {
    struct wa_creds *creds;
    struct wa_session *s;
    struct wa_session_config cfg;
    int64_t now;
    struct x25519_keypair phone; /* the phone's identity (account signature key) */
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);

    f->creds = wa_creds_generate(NULL);
    assert_non_null(f->creds);
    wa_session_config_default(&f->cfg);
    f->now = 1000000;
    f->s = wa_session_new(f->creds, &f->cfg, f->now);
    wa_session_start(f->s, f->now);
    x25519_keypair_gen(&f->phone);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    wa_session_free(f->s);
    wa_creds_free(f->creds);
    free(f);
    return 0;
}

/* Feeds n (then frees it) at the fixture's time. */
static int
feed(struct fx *f, struct binnode *n)
{
    int rc = wa_session_feed(f->s, n, f->now, NULL);

    binnode_free(n);
    return rc;
}

static struct binnode *
node(const char *tag, const char *k1, const char *v1, const char *k2, const char *v2)
{
    struct binnode *n = binnode_new(tag);

    if (k1)
        binnode_set_attr(n, k1, v1);
    if (k2)
        binnode_set_attr(n, k2, v2);
    return n;
}

static void
expect_event(struct fx *f, enum wa_session_event_kind kind, struct wa_session_event *ev)
{
    assert_true(wa_session_pop_event(f->s, ev));
    assert_int_equal(ev->kind, kind);
}

static void
expect_no_event(struct fx *f)
{
    struct wa_session_event ev;

    assert_false(wa_session_pop_event(f->s, &ev));
}

static void
expect_close(struct fx *f, int code)
{
    struct wa_session_event ev;

    expect_event(f, WA_SESSION_EV_CLOSE, &ev);
    assert_int_equal(ev.code, code);
    assert_true(ev.text[0] != '\0');
    assert_true(wa_session_closed(f->s));
    assert_null(wa_session_pop_send(f->s));
    expect_no_event(f);
    assert_int_equal(wa_session_deadline(f->s), INT64_MAX);
}

static void
drop_sends(struct fx *f)
{
    struct binnode *n;

    while ((n = wa_session_pop_send(f->s)) != NULL)
        binnode_free(n);
}

/* Pops the next node and checks tag and type attribute. The caller frees it. */
static struct binnode *
expect_send(struct fx *f, const char *tag, const char *type)
{
    struct binnode *n = wa_session_pop_send(f->s);

    assert_non_null(n);
    assert_string_equal(binnode_tag(n), tag);
    if (type)
        assert_string_equal(binnode_attr(n, "type"), type);
    return n;
}

/* Answers pings with a result (a live server) and ticks up to t. */
static void
advance(struct fx *f, int64_t t)
{
    while (wa_session_deadline(f->s) <= t && !wa_session_closed(f->s)) {
        struct binnode *n;

        f->now = wa_session_deadline(f->s);
        (void)wa_session_tick(f->s, f->now, NULL);
        while ((n = wa_session_pop_send(f->s)) != NULL) {
            if (binnode_child(n, "ping") != NULL)
                (void)wa_session_feed(f->s, n, f->now, NULL); /* any frame refreshes */
            binnode_free(n);
        }
    }
    f->now = t;
}

/* ---- the scripted phone ------------------------------------------------------------------ */

enum tamper { OK, BAD_HMAC, BAD_ACCOUNT_SIG, HOSTED, NO_DEVICE };

static void
pack(const ProtobufCMessage *m, struct strbuf *out)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *b = malloc(n ? n : 1);

    protobuf_c_message_pack(m, b);
    strbuf_add(out, b, n);
    free(b);
}

/* <device-identity> bytes as a phone makes them for our identity key. */
static void
phone_identity(struct fx *f, enum tamper t, struct strbuf *out)
{
    Proto__ADVDeviceIdentity d = PROTO__ADVDEVICE_IDENTITY__INIT;
    Proto__ADVSignedDeviceIdentity a = PROTO__ADVSIGNED_DEVICE_IDENTITY__INIT;
    Proto__ADVSignedDeviceIdentityHMAC h = PROTO__ADVSIGNED_DEVICE_IDENTITY_HMAC__INIT;
    struct strbuf det, acc, msg;
    uint8_t sig[64], mac[32];

    strbuf_init(&det);
    strbuf_init(&acc);
    strbuf_init(&msg);
    d.has_rawid = d.has_timestamp = d.has_keyindex = 1;
    d.rawid = 123456;
    d.timestamp = 1700000000;
    d.keyindex = 7;
    if (t == HOSTED) {
        d.has_devicetype = 1;
        d.devicetype = PROTO__ADVENCRYPTION_TYPE__HOSTED;
    }
    pack(&d.base, &det);
    strbuf_add(&msg, t == HOSTED ? "\x06\x05" : "\x06\x00", 2);
    strbuf_add(&msg, det.buf, det.len);
    strbuf_add(&msg, f->creds->identity.pub, 32);
    assert_int_equal(sign_xeddsa(sig, f->phone.priv, (uint8_t *)msg.buf, msg.len, NULL, NULL), 0);
    if (t == BAD_ACCOUNT_SIG)
        sig[5] ^= 1;
    a.has_details = a.has_accountsignaturekey = a.has_accountsignature = 1;
    a.details = (ProtobufCBinaryData){ det.len, (uint8_t *)det.buf };
    a.accountsignaturekey = (ProtobufCBinaryData){ 32, f->phone.pub };
    a.accountsignature = (ProtobufCBinaryData){ 64, sig };
    pack(&a.base, &acc);
    strbuf_reset(&msg);
    if (t == HOSTED)
        strbuf_add(&msg, "\x06\x05", 2);
    strbuf_add(&msg, acc.buf, acc.len);
    digest_hmac_sha256(mac, f->creds->adv_secret, 32, (uint8_t *)msg.buf, msg.len);
    if (t == BAD_HMAC)
        mac[0] ^= 0x80;
    h.has_details = h.has_hmac = 1;
    h.details = (ProtobufCBinaryData){ acc.len, (uint8_t *)acc.buf };
    h.hmac = (ProtobufCBinaryData){ 32, mac };
    if (t == HOSTED) {
        h.has_accounttype = 1;
        h.accounttype = PROTO__ADVENCRYPTION_TYPE__HOSTED;
    }
    pack(&h.base, out);
    strbuf_fini(&det);
    strbuf_fini(&acc);
    strbuf_fini(&msg);
}

static struct binnode *
pair_success(struct fx *f, enum tamper t)
{
    struct binnode *iq = node("iq", "from", "s.whatsapp.net", "type", "set");
    struct binnode *ps, *dev;
    struct strbuf b;

    binnode_set_attr(iq, "id", "ps-1");
    binnode_set_attr(iq, "xmlns", "md");
    ps = binnode_add(iq, "pair-success");
    strbuf_init(&b);
    phone_identity(f, t, &b);
    binnode_set_bytes(binnode_add(ps, "device-identity"), b.buf, b.len);
    strbuf_fini(&b);
    binnode_set_attr(binnode_add(ps, "platform"), "name", "android");
    if (t != NO_DEVICE) {
        dev = binnode_add(ps, "device");
        binnode_set_attr(dev, "jid", JID);
        binnode_set_attr(dev, "lid", LID);
    }
    return iq;
}

static struct binnode *
pair_device(size_t nrefs)
{
    struct binnode *iq = node("iq", "from", "s.whatsapp.net", "type", "set");
    struct binnode *pd;
    char ref[32];

    binnode_set_attr(iq, "id", "pd-1");
    binnode_set_attr(iq, "xmlns", "md");
    pd = binnode_add(iq, "pair-device");
    for (size_t i = 0; i < nrefs; i++) {
        snprintf(ref, sizeof ref, "2@ref%zu==", i + 1);
        binnode_set_bytes(binnode_add(pd, "ref"), ref, strlen(ref));
    }
    return iq;
}

static void
expected_qr(const struct fx *f, const char *ref, char *out, size_t cap)
{
    char n[48], i[48], a[48];

    wa_pairing_b64(n, sizeof n, f->creds->noise.pub, 32);
    wa_pairing_b64(i, sizeof i, f->creds->identity.pub, 32);
    wa_pairing_b64(a, sizeof a, f->creds->adv_secret, 32);
    snprintf(out, cap, "https://wa.me/settings/linked_devices#%s,%s,%s,%s,1", ref, n, i, a);
}

/* ---- pairing -------------------------------------------------------------------------- */

static void
test_qr_rotation_and_expiry(void **state)
{
    struct fx *f = *state;
    struct wa_session_event ev;
    struct binnode *n;
    int64_t t0 = f->now;
    char want[WA_SESSION_TEXT_MAX];

    assert_int_equal(feed(f, pair_device(3)), RC_OK);
    n = expect_send(f, "iq", "result"); /* answered at once */
    assert_string_equal(binnode_attr(n, "id"), "pd-1");
    assert_string_equal(binnode_attr(n, "to"), "s.whatsapp.net");
    assert_int_equal(binnode_nchildren(n), 0);
    binnode_free(n);
    expect_event(f, WA_SESSION_EV_QR, &ev);
    expected_qr(f, "2@ref1==", want, sizeof want);
    assert_string_equal(ev.text, want);
    assert_int_equal(ev.expires_at_ms, t0 + 60000);
    expect_no_event(f);
    advance(f, t0 + 59999);
    expect_no_event(f);
    advance(f, t0 + 60000);
    expect_event(f, WA_SESSION_EV_QR, &ev);
    expected_qr(f, "2@ref2==", want, sizeof want);
    assert_string_equal(ev.text, want);
    assert_int_equal(ev.expires_at_ms, t0 + 80000);
    advance(f, t0 + 80000);
    expect_event(f, WA_SESSION_EV_QR, &ev);
    assert_int_equal(ev.expires_at_ms, t0 + 100000);
    advance(f, t0 + 99999);
    expect_no_event(f);
    advance(f, t0 + 100000);
    expect_close(f, 408); /* refs exhausted */
}

static void
test_pair_success_and_restart(void **state)
{
    struct fx *f = *state;
    struct wa_session_event ev;
    Proto__ADVSignedDeviceIdentity *a;
    struct binnode *n, *di;
    const unsigned char *b;
    struct strbuf msg, pl, want;
    size_t len;

    assert_int_equal(feed(f, pair_device(2)), RC_OK);
    drop_sends(f);
    expect_event(f, WA_SESSION_EV_QR, &ev);
    assert_int_equal(feed(f, pair_success(f, OK)), RC_OK);
    expect_event(f, WA_SESSION_EV_PAIRED, &ev);
    assert_string_equal(ev.text, JID);
    assert_string_equal(ev.lid, LID);
    assert_string_equal(ev.platform, "android");
    assert_string_equal(f->creds->me_jid, JID);
    assert_string_equal(f->creds->me_lid, LID);
    assert_true(f->creds->account_len > 0);
    n = expect_send(f, "iq", "result");
    assert_string_equal(binnode_attr(n, "id"), "ps-1");
    assert_string_equal(binnode_attr(n, "to"), "s.whatsapp.net");
    di = binnode_child(binnode_child(n, "pair-device-sign"), "device-identity");
    assert_non_null(di);
    assert_string_equal(binnode_attr(di, "key-index"), "7");
    b = binnode_content(di, &len);
    a = proto__advsigned_device_identity__unpack(NULL, len, b);
    assert_non_null(a);
    assert_false(a->has_accountsignaturekey); /* left out of the reply */
    assert_true(a->has_details && a->has_accountsignature && a->has_devicesignature);
    strbuf_init(&msg);
    strbuf_add(&msg, "\x06\x01", 2);
    strbuf_add(&msg, a->details.data, a->details.len);
    strbuf_add(&msg, f->creds->identity.pub, 32);
    strbuf_add(&msg, f->phone.pub, 32);
    assert_true(sign_xeddsa_verify(f->creds->identity.pub, (uint8_t *)msg.buf, msg.len,
                                   a->devicesignature.data));
    proto__advsigned_device_identity__free_unpacked(a, NULL);
    strbuf_fini(&msg);
    binnode_free(n);
    /* The QR timer is gone; the server then asks for a restart. */
    advance(f, f->now + 200000);
    expect_no_event(f);
    assert_int_equal(feed(f, node("stream:error", "code", "515", NULL, NULL)), RC_CLOSED);
    expect_close(f, 515);
    /* The new connection logs in with the stored jid. */
    wa_session_free(f->s);
    f->s = wa_session_new(f->creds, &f->cfg, f->now);
    strbuf_init(&pl);
    strbuf_init(&want);
    assert_int_equal(wa_session_client_payload(f->s, &pl, NULL), RC_OK);
    assert_int_equal(wa_payload_login(&f->cfg, JID, &want, NULL), RC_OK);
    assert_int_equal(pl.len, want.len);
    assert_memory_equal(pl.buf, want.buf, want.len);
    strbuf_fini(&pl);
    strbuf_fini(&want);
}

static void
test_registration_payload_before_pairing(void **state)
{
    struct fx *f = *state;
    struct strbuf pl, want;

    strbuf_init(&pl);
    strbuf_init(&want);
    assert_int_equal(wa_session_client_payload(f->s, &pl, NULL), RC_OK);
    assert_int_equal(wa_payload_registration(&f->cfg, f->creds, &want, NULL), RC_OK);
    assert_int_equal(pl.len, want.len);
    assert_memory_equal(pl.buf, want.buf, want.len);
    strbuf_fini(&pl);
    strbuf_fini(&want);
}

static void
test_pair_success_hosted(void **state)
{
    struct fx *f = *state;
    struct wa_session_event ev;

    assert_int_equal(feed(f, pair_success(f, HOSTED)), RC_OK);
    expect_event(f, WA_SESSION_EV_PAIRED, &ev);
    drop_sends(f);
}

static void
rejected(struct fx *f, enum tamper t)
{
    struct wa_session_event ev;

    assert_int_equal(feed(f, pair_device(2)), RC_OK);
    drop_sends(f);
    assert_int_equal(feed(f, pair_success(f, t)), RC_CLOSED);
    expect_event(f, WA_SESSION_EV_QR, &ev);
    expect_close(f, 500);
    assert_false(wa_creds_is_paired(f->creds));
    assert_int_equal(f->creds->account_len, 0);
}

static void
test_bad_hmac_rejected(void **state)
{
    rejected(*state, BAD_HMAC);
}

static void
test_bad_account_signature_rejected(void **state)
{
    rejected(*state, BAD_ACCOUNT_SIG);
}

static void
test_pair_success_without_device_rejected(void **state)
{
    rejected(*state, NO_DEVICE);
}

/* ---- login ---------------------------------------------------------------------------- */

/* Pairs f's creds, then starts a fresh session as after the 515 restart. */
static void
paired_session(struct fx *f)
{
    struct wa_session_event ev;

    assert_int_equal(feed(f, pair_success(f, OK)), RC_OK);
    expect_event(f, WA_SESSION_EV_PAIRED, &ev);
    drop_sends(f);
    wa_session_free(f->s);
    f->s = wa_session_new(f->creds, &f->cfg, f->now);
    wa_session_start(f->s, f->now);
}

static struct binnode *
reply_to(const struct binnode *q, const char *type)
{
    struct binnode *r = node("iq", "from", "s.whatsapp.net", "type", type);

    binnode_set_attr(r, "id", binnode_attr(q, "id"));
    return r;
}

/* Checks a <child>bytes</child> of exactly len bytes and returns them. */
static const unsigned char *
child_bytes(const struct binnode *n, const char *tag, size_t len)
{
    size_t got;
    const unsigned char *b = binnode_content(binnode_child(n, tag), &got);

    assert_non_null(b);
    assert_int_equal(got, len);
    return b;
}

static void
check_upload(const struct fx *f, const struct binnode *up, uint32_t first, size_t count)
{
    const struct binnode *list = binnode_child(up, "list"), *skey = binnode_child(up, "skey");
    uint8_t reg[4] = { 0, 0, (uint8_t)(f->creds->registration_id >> 8),
                       (uint8_t)f->creds->registration_id };

    assert_string_equal(binnode_attr(up, "xmlns"), "encrypt");
    assert_string_equal(binnode_attr(up, "to"), "s.whatsapp.net");
    assert_non_null(binnode_attr(up, "id"));
    assert_int_equal(binnode_nchildren(up), 5);
    assert_memory_equal(child_bytes(up, "registration", 4), reg, 4);
    assert_memory_equal(child_bytes(up, "type", 1), "\x05", 1);
    assert_memory_equal(child_bytes(up, "identity", 32), f->creds->identity.pub, 32);
    assert_int_equal(binnode_nchildren(list), count);
    for (size_t i = 0; i < count; i++) {
        const struct binnode *k = binnode_child_at(list, i);
        const unsigned char *id = child_bytes(k, "id", 3);
        uint32_t kid = (uint32_t)id[0] << 16 | (uint32_t)id[1] << 8 | id[2];
        const struct wa_prekey *pk = wa_creds_prekey_find(f->creds, kid);

        assert_string_equal(binnode_tag(k), "key");
        assert_int_equal(kid, first + i);
        assert_non_null(pk); /* the private half is kept */
        assert_memory_equal(child_bytes(k, "value", 32), pk->kp.pub, 32);
    }
    assert_memory_equal(child_bytes(skey, "id", 3), "\x00\x00\x01", 3);
    assert_memory_equal(child_bytes(skey, "value", 32), f->creds->signed_prekey.pub, 32);
    assert_memory_equal(child_bytes(skey, "signature", 64), f->creds->signed_prekey_sig, 64);
}

/* Answers the active iq, expects the digest check and answers it with a <digest>. */
static void
answer_active(struct fx *f, const struct binnode *active, bool with_digest)
{
    struct binnode *q, *r;

    assert_int_equal(feed(f, reply_to(active, "result")), RC_OK);
    q = expect_send(f, "iq", "get");
    assert_string_equal(binnode_attr(q, "xmlns"), "encrypt");
    assert_non_null(binnode_child(q, "digest"));
    r = reply_to(q, "result");
    if (with_digest)
        binnode_add(r, "digest");
    binnode_free(q);
    assert_int_equal(feed(f, r), RC_OK);
}

/* <success> → count query answered with server_count → (upload) → active → digest → open. */
static void
login(struct fx *f, const char *server_count, size_t want_upload)
{
    struct wa_session_event ev;
    struct binnode *q, *r;
    uint32_t first = f->creds->first_unuploaded_prekey_id;

    assert_int_equal(feed(f, node("success", "t", "1700000000", "lid", LID)), RC_OK);
    q = expect_send(f, "iq", "get");
    assert_string_equal(binnode_attr(q, "xmlns"), "encrypt");
    assert_non_null(binnode_child(q, "count"));
    r = reply_to(q, "result");
    binnode_set_attr(binnode_add(r, "count"), "value", server_count);
    binnode_free(q);
    assert_int_equal(feed(f, r), RC_OK);
    if (want_upload > 0) {
        expect_event(f, WA_SESSION_EV_CREDS, &ev); /* new keys: persist before sending */
        q = expect_send(f, "iq", "set");
        check_upload(f, q, first, want_upload);
        assert_int_equal(feed(f, reply_to(q, "result")), RC_OK);
        binnode_free(q);
        expect_event(f, WA_SESSION_EV_CREDS, &ev);
        assert_int_equal(f->creds->first_unuploaded_prekey_id, first + want_upload);
    }
    q = expect_send(f, "iq", "set");
    assert_string_equal(binnode_attr(q, "xmlns"), "passive");
    assert_non_null(binnode_child(q, "active"));
    expect_no_event(f);
    answer_active(f, q, true);
    binnode_free(q);
    expect_event(f, WA_SESSION_EV_OPEN, &ev);
    assert_string_equal(ev.text, JID);
    assert_string_equal(ev.lid, LID);
    assert_null(wa_session_pop_send(f->s));
}

static void
test_login_uploads_812(void **state)
{
    struct fx *f = *state;

    paired_session(f);
    login(f, "0", 812);
    assert_int_equal(f->creds->nprekeys, 812);
    assert_int_equal(f->creds->next_prekey_id, 813);
}

static void
test_login_tops_up_and_skips(void **state)
{
    struct fx *f = *state;

    paired_session(f);
    login(f, "0", 812);
    wa_session_free(f->s);
    f->s = wa_session_new(f->creds, &f->cfg, f->now);
    wa_session_start(f->s, f->now);
    login(f, "3", 5); /* low: 5 more, ids 813.. */
    assert_int_equal(f->creds->nprekeys, 817);
    wa_session_free(f->s);
    f->s = wa_session_new(f->creds, &f->cfg, f->now);
    wa_session_start(f->s, f->now);
    login(f, "40", 0); /* enough on the server: straight to active */
}

static void
test_digest_missing_uploads_5(void **state)
{
    struct fx *f = *state;
    struct wa_session_event ev;
    struct binnode *q;

    paired_session(f);
    login(f, "0", 812);
    wa_session_free(f->s);
    f->s = wa_session_new(f->creds, &f->cfg, f->now);
    wa_session_start(f->s, f->now);
    assert_int_equal(feed(f, node("success", NULL, NULL, NULL, NULL)), RC_OK);
    q = expect_send(f, "iq", "get");
    binnode_free(q);
    advance(f, f->now + 60000); /* the count times out: no upload, as in Baileys */
    /* advance() dropped the active iq; its timeout sends the digest, dropped too… */
    advance(f, f->now + 60000);
    advance(f, f->now + 60000); /* …and the digest timeout opens without uploading */
    expect_event(f, WA_SESSION_EV_OPEN, &ev);
    assert_int_equal(f->creds->nprekeys, 812);
    /* Now a clean answer without <digest>: 5 more keys before OPEN. */
    wa_session_free(f->s);
    f->s = wa_session_new(f->creds, &f->cfg, f->now);
    wa_session_start(f->s, f->now);
    assert_int_equal(feed(f, node("success", NULL, NULL, NULL, NULL)), RC_OK);
    q = expect_send(f, "iq", "get"); /* an error answer to the count skips the upload */
    assert_int_equal(feed(f, reply_to(q, "error")), RC_OK);
    binnode_free(q);
    q = expect_send(f, "iq", "set"); /* active, no upload after an error count */
    assert_non_null(binnode_child(q, "active"));
    answer_active(f, q, false);
    binnode_free(q);
    expect_event(f, WA_SESSION_EV_CREDS, &ev);
    q = expect_send(f, "iq", "set");
    check_upload(f, q, 813, 5);
    expect_no_event(f);
    assert_int_equal(feed(f, reply_to(q, "result")), RC_OK);
    binnode_free(q);
    expect_event(f, WA_SESSION_EV_CREDS, &ev);
    expect_event(f, WA_SESSION_EV_OPEN, &ev);
    assert_null(wa_session_pop_send(f->s));
}

static void
test_low_prekey_notification(void **state)
{
    struct fx *f = *state;
    struct wa_session_event ev;
    struct binnode *n, *q;

    paired_session(f);
    login(f, "0", 812);
    n = node("notification", "from", "s.whatsapp.net", "type", "encrypt");
    binnode_set_attr(n, "id", "n1");
    binnode_set_attr(binnode_add(n, "count"), "value", "2");
    assert_int_equal(feed(f, n), RC_OK);
    q = expect_send(f, "ack", NULL);
    assert_string_equal(binnode_attr(q, "class"), "notification");
    assert_string_equal(binnode_attr(q, "type"), "encrypt");
    binnode_free(q);
    expect_event(f, WA_SESSION_EV_CREDS, &ev);
    q = expect_send(f, "iq", "set");
    check_upload(f, q, 813, 5);
    binnode_free(q);
}

static void
test_success_before_pairing_closes(void **state)
{
    struct fx *f = *state;

    assert_int_equal(feed(f, node("success", NULL, NULL, NULL, NULL)), RC_CLOSED);
    expect_close(f, 500);
}

/* ---- keepalive, unknown iqs, acks ------------------------------------------------------------ */

static bool
is_ping_id(const char *id, unsigned counter)
{
    unsigned a, b, c;
    char tail;

    return sscanf(id, "%u.%u-%u%c", &a, &b, &c, &tail) == 3 && a <= 65535 && b <= 65535 &&
           c == counter;
}

static void
test_keepalive_and_silence(void **state)
{
    struct fx *f = *state;
    int64_t t0 = f->now;
    struct binnode *p;

    assert_int_equal(wa_session_deadline(f->s), t0 + 30000);
    assert_int_equal(wa_session_tick(f->s, t0 + 29999, NULL), RC_OK);
    assert_null(wa_session_pop_send(f->s));
    assert_int_equal(wa_session_tick(f->s, t0 + 30000, NULL), RC_OK);
    p = expect_send(f, "iq", "get");
    assert_string_equal(binnode_attr(p, "xmlns"), "w:p");
    assert_string_equal(binnode_attr(p, "to"), "s.whatsapp.net");
    assert_non_null(binnode_child(p, "ping"));
    assert_true(is_ping_id(binnode_attr(p, "id"), 1));
    /* The server answers at 31 s: the next ping at 60 s goes out. */
    f->now = t0 + 31000;
    assert_int_equal(feed(f, reply_to(p, "result")), RC_OK);
    binnode_free(p);
    assert_int_equal(wa_session_tick(f->s, t0 + 60000, NULL), RC_OK);
    p = expect_send(f, "iq", "get");
    assert_true(is_ping_id(binnode_attr(p, "id"), 2));
    binnode_free(p);
    /* Then silence: at the 90 s tick 59 s have passed since the last frame. */
    assert_int_equal(wa_session_deadline(f->s), t0 + 90000);
    assert_int_equal(wa_session_tick(f->s, t0 + 90000, NULL), RC_CLOSED);
    expect_close(f, 408);
}

static void
test_handshake_timeout(void **state)
{
    struct fx *f = *state;

    wa_session_free(f->s);
    f->s = wa_session_new(f->creds, &f->cfg, f->now); /* never started */
    assert_int_equal(wa_session_deadline(f->s), f->now + 35000);
    assert_int_equal(wa_session_tick(f->s, f->now + 34999, NULL), RC_OK);
    assert_int_equal(wa_session_tick(f->s, f->now + 35000, NULL), RC_CLOSED);
    expect_close(f, 408);
}

static void
test_query_timeout_moves_on(void **state)
{
    struct fx *f = *state;
    struct wa_session_event ev;
    struct binnode *q;

    paired_session(f);
    assert_int_equal(feed(f, node("success", NULL, NULL, NULL, NULL)), RC_OK);
    q = expect_send(f, "iq", "get");
    binnode_free(q);
    advance(f, f->now + 60000); /* no count reply: go on to active, as Baileys does */
    q = wa_session_pop_send(f->s);
    assert_null(q);
    expect_no_event(f);
    assert_false(wa_session_closed(f->s));
    /* advance() dropped the active iq with the pings; its timeout sends the digest (also
     * dropped), whose timeout opens the session. */
    advance(f, f->now + 60000);
    expect_no_event(f);
    advance(f, f->now + 60000);
    expect_event(f, WA_SESSION_EV_OPEN, &ev);
}

static void
test_unknown_iq_answered(void **state)
{
    struct fx *f = *state;
    struct binnode *n = node("iq", "from", "s.whatsapp.net", "type", "get"), *r;

    binnode_set_attr(n, "id", "srv-7");
    binnode_set_attr(n, "xmlns", "urn:xmpp:ping");
    binnode_add(n, "ping");
    assert_int_equal(feed(f, n), RC_OK);
    r = expect_send(f, "iq", "result");
    assert_string_equal(binnode_attr(r, "id"), "srv-7");
    assert_string_equal(binnode_attr(r, "to"), "s.whatsapp.net");
    binnode_free(r);
    /* A result nobody waits for is ignored; an iq without id is not answered. */
    assert_int_equal(feed(f, node("iq", "type", "result", "id", "zzz")), RC_OK);
    assert_int_equal(feed(f, node("iq", "type", "set", NULL, NULL)), RC_OK);
    assert_int_equal(feed(f, node("iq", NULL, NULL, NULL, NULL)), RC_OK);
    assert_null(wa_session_pop_send(f->s));
    expect_no_event(f);
}

static void
test_acks(void **state)
{
    struct fx *f = *state;
    struct binnode *n = node("receipt", "from", "15557654321@s.whatsapp.net", "type", "read");
    struct binnode *a;

    binnode_set_attr(n, "id", "3EB0AA");
    assert_int_equal(feed(f, n), RC_OK);
    a = expect_send(f, "ack", NULL);
    assert_string_equal(binnode_attr(a, "id"), "3EB0AA");
    assert_string_equal(binnode_attr(a, "to"), "15557654321@s.whatsapp.net");
    assert_string_equal(binnode_attr(a, "class"), "receipt");
    assert_string_equal(binnode_attr(a, "type"), "read");
    assert_string_equal(binnode_attr_key(a, 0), "id"); /* Baileys' order */
    assert_string_equal(binnode_attr_key(a, 3), "type");
    binnode_free(a);
    n = node("notification", "from", "123@g.us", "participant", "5@s.whatsapp.net");
    binnode_set_attr(n, "id", "n9");
    assert_int_equal(feed(f, n), RC_OK);
    a = expect_send(f, "ack", NULL);
    assert_string_equal(binnode_attr(a, "class"), "notification");
    assert_string_equal(binnode_attr(a, "participant"), "5@s.whatsapp.net");
    assert_null(binnode_attr(a, "type"));
    binnode_free(a);
    assert_int_equal(feed(f, node("receipt", "id", "x", NULL, NULL)), RC_OK); /* no from */
    assert_null(wa_session_pop_send(f->s));
}

static void
test_routing_info_persisted(void **state)
{
    struct fx *f = *state;
    struct wa_session_event ev;
    struct binnode *ib = binnode_new("ib");

    binnode_set_bytes(binnode_add(binnode_add(ib, "edge_routing"), "routing_info"), "\x08\x02", 2);
    assert_int_equal(feed(f, ib), RC_OK);
    expect_event(f, WA_SESSION_EV_CREDS, &ev);
    assert_int_equal(f->creds->routing_len, 2);
    assert_memory_equal(f->creds->routing, "\x08\x02", 2);
}

/* ---- closes --------------------------------------------------------------------------- */

static void
test_close_codes(void **state)
{
    struct {
        const char *tag, *k, *v, *child;
        int code;
    } cases[] = {
        { "stream:error", "code", "515", NULL, 515 },
        { "stream:error", "code", "503", NULL, 503 },
        { "stream:error", "code", "401", NULL, 401 },
        { "stream:error", NULL, NULL, "conflict", 440 },
        { "stream:error", NULL, NULL, "ack", 500 },
        { "stream:error", "code", "abc", NULL, 500 },
        { "failure", "reason", "401", NULL, 401 },
        { "failure", "reason", "403", NULL, 403 },
        { "failure", NULL, NULL, NULL, 500 },
        { "ib", NULL, NULL, "downgrade_webclient", 411 },
        { "xmlstreamend", NULL, NULL, NULL, 428 },
    };
    struct fx *f = *state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct binnode *n = node(cases[i].tag, cases[i].k, cases[i].v, NULL, NULL);

        if (cases[i].child)
            binnode_set_attr(binnode_add(n, cases[i].child), "type", "replaced");
        wa_session_free(f->s);
        f->s = wa_session_new(f->creds, &f->cfg, f->now);
        wa_session_start(f->s, f->now);
        assert_int_equal(feed(f, n), RC_CLOSED);
        expect_close(f, cases[i].code);
        /* Dead: later input does nothing and reports closed. */
        assert_int_equal(feed(f, node("xmlstreamend", NULL, NULL, NULL, NULL)), RC_CLOSED);
        assert_int_equal(wa_session_tick(f->s, f->now + 100000, NULL), RC_CLOSED);
        expect_no_event(f);
    }
    wa_session_abort(f->s, 428, "x"); /* already closed: no second event */
    expect_no_event(f);
    wa_session_free(f->s);
    f->s = wa_session_new(f->creds, &f->cfg, f->now);
    wa_session_abort(f->s, 428, "socket cerrado");
    expect_close(f, 428);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_qr_rotation_and_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pair_success_and_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registration_payload_before_pairing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pair_success_hosted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_hmac_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_account_signature_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pair_success_without_device_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_uploads_812, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_tops_up_and_skips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_digest_missing_uploads_5, setup, teardown),
        cmocka_unit_test_setup_teardown(test_low_prekey_notification, setup, teardown),
        cmocka_unit_test_setup_teardown(test_success_before_pairing_closes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keepalive_and_silence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handshake_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_timeout_moves_on, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_iq_answered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routing_info_persisted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_codes, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
