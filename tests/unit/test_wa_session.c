/* The session state machine driven by a scripted server written in this file, on a fake
 * clock: QR rotation and expiry, pair-success checks (HMAC, account signature, HOSTED
 * prefixes), the pair-device-sign bytes, 515 → login payload, <success> → pre-key count and
 * upload (§6.2 shape) → active → open, keepalive pings and silence → 408, answers to
 * unknown iqs, acks, and every close code. Linking with a pairing code: companion_hello
 * before and after pair-device, the primary's notification, companion_finish decrypted and
 * the adv secret recomputed on the phone's side, pair-success under that secret, expiry,
 * server refusals, hostile notifications and refused requests. The "phone" signs and
 * derives with the same primitives a real one uses (XEdDSA, HMAC-SHA256, X25519, HKDF,
 * AES-GCM). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/secure.h"
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
    bool own_adv;                /* the phone signs pair-success with adv, not the creds' */
    uint8_t adv[32];
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
    digest_hmac_sha256(mac, f->own_adv ? f->adv : f->creds->adv_secret, 32, (uint8_t *)msg.buf,
                       msg.len);
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

/* ---- linking with a code ------------------------------------------------------------------ */

#define PHONE     "15550001111"
#define PHONE_JID PHONE "@s.whatsapp.net"
#define CODE_REF  "2@linkref=="

/* The bytes of n's child tag, which must exist. */
static const unsigned char *
code_child(const struct binnode *n, const char *tag, size_t *len)
{
    const struct binnode *c = binnode_child(n, tag);

    assert_non_null(c);
    return binnode_content(c, len);
}

/* Checks the companion_hello iq and returns its link_code_companion_reg, writing the
 * ephemeral key it carries, unwrapped with code, to eph (NULL: skip the two PBKDF2 runs).
 * The caller frees *iq. */
static const struct binnode *
expect_hello(struct fx *f, const char *code, uint8_t eph[32], struct binnode **iq)
{
    static const char *const order[] = {
        "link_code_pairing_wrapped_companion_ephemeral_pub",
        "companion_server_auth_key_pub",
        "companion_platform_id",
        "companion_platform_display",
        "link_code_pairing_nonce",
    };
    const struct binnode *reg;
    const unsigned char *b;
    uint8_t other[32];
    size_t len;

    *iq = expect_send(f, "iq", "set");
    assert_string_equal(binnode_attr(*iq, "to"), "s.whatsapp.net");
    assert_string_equal(binnode_attr(*iq, "xmlns"), "md");
    assert_non_null(binnode_attr(*iq, "id"));
    reg = binnode_child(*iq, "link_code_companion_reg");
    assert_non_null(reg);
    assert_string_equal(binnode_attr(reg, "jid"), PHONE_JID);
    assert_string_equal(binnode_attr(reg, "stage"), "companion_hello");
    assert_string_equal(binnode_attr(reg, "should_show_push_notification"), "true");
    assert_int_equal(binnode_nchildren(reg), 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(binnode_tag(binnode_child_at(reg, i)), order[i]);
    b = code_child(reg, order[0], &len);
    assert_int_equal(len, WA_PAIRING_WRAPPED_BYTES);
    if (eph != NULL) {
        assert_int_equal(wa_pairing_code_unwrap(eph, code, b, len, NULL), RC_OK);
        /* Only the right code gives the key (the phone proves it in expect_finish). */
        assert_int_equal(wa_pairing_code_unwrap(other, "ZZZZZZZZ", b, len, NULL), RC_OK);
        assert_memory_not_equal(other, eph, 32);
    }
    b = code_child(reg, "companion_server_auth_key_pub", &len);
    assert_int_equal(len, 32);
    assert_memory_equal(b, f->creds->noise.pub, 32);
    assert_string_equal(binnode_text(binnode_child(reg, "companion_platform_id")), "1");
    assert_string_equal(binnode_text(binnode_child(reg, "companion_platform_display")),
                        "Chrome (Mac OS)");
    assert_string_equal(binnode_text(binnode_child(reg, "link_code_pairing_nonce")), "0");
    return reg;
}

/* Pops the CODE event and checks its shape. */
static void
expect_code(struct fx *f, char code[WA_PAIRING_CODE_LEN + 1], int64_t expires)
{
    struct wa_session_event ev;

    expect_event(f, WA_SESSION_EV_CODE, &ev);
    assert_int_equal(strlen(ev.text), WA_PAIRING_CODE_LEN);
    assert_int_equal(strspn(ev.text, "123456789ABCDEFGHJKLMNPQRSTVWXYZ"), WA_PAIRING_CODE_LEN);
    assert_int_equal(ev.expires_at_ms, expires);
    memcpy(code, ev.text, WA_PAIRING_CODE_LEN + 1);
}

/* <iq type=result|error id> answering one of our iqs, with an optional <error> or ref. */
static struct binnode *
reply(const char *id, const char *type, const char *err_code, const char *ref)
{
    struct binnode *iq = node("iq", "from", "s.whatsapp.net", "type", type);

    binnode_set_attr(iq, "id", id);
    if (err_code != NULL) {
        struct binnode *er = binnode_add(iq, "error");

        binnode_set_attr(er, "code", err_code);
        binnode_set_attr(er, "text", "rate-overlimit");
    }
    if (ref != NULL)
        binnode_set_bytes(
            binnode_add(binnode_add(iq, "link_code_companion_reg"), "link_code_pairing_ref"), ref,
            strlen(ref));
    return iq;
}

/* A session asked for a code after pair-device: returns the code, our ephemeral key as the
 * phone unwraps it (eph NULL: not needed) and the hello's id (answered with CODE_REF). */
static void
code_ready(struct fx *f, char code[WA_PAIRING_CODE_LEN + 1], uint8_t eph[32], char *hello_id)
{
    struct wa_session_event ev;
    struct binnode *iq;

    assert_int_equal(feed(f, pair_device(3)), RC_OK);
    drop_sends(f);
    expect_event(f, WA_SESSION_EV_QR, &ev);
    assert_int_equal(wa_session_request_code(f->s, PHONE, f->now, NULL), RC_OK);
    expect_code(f, code, f->now + WA_SESSION_CODE_MS);
    expect_no_event(f);
    expect_hello(f, code, eph, &iq);
    assert_null(wa_session_pop_send(f->s));
    snprintf(hello_id, 40, "%s", binnode_attr(iq, "id"));
    binnode_free(iq);
    assert_int_equal(feed(f, reply(hello_id, "result", NULL, CODE_REF)), RC_OK);
    assert_null(wa_session_pop_send(f->s));
    expect_no_event(f);
}

enum notif_tamper { N_OK, N_NO_REG, N_NO_REF, N_SHORT_IDENTITY, N_LONG_WRAPPED, N_LOW_ORDER };

/* The phone's <notification type="link_code_companion_reg"> after the person typed code: its
 * ephemeral key peph wrapped with the code, its identity f->phone. */
static struct binnode *
notification(struct fx *f, const char *code, const struct x25519_keypair *peph, const char *ref,
             enum notif_tamper t)
{
    struct binnode *n =
        node("notification", "from", "s.whatsapp.net", "type", "link_code_companion_reg");
    uint8_t wrapped[WA_PAIRING_WRAPPED_BYTES + 1], salt[32], iv[16], key[32];
    struct binnode *reg;

    binnode_set_attr(n, "id", "lc-1");
    if (t == N_NO_REG)
        return n;
    reg = binnode_add(n, "link_code_companion_reg");
    binnode_set_attr(reg, "stage", "primary_hello");
    if (t != N_NO_REF)
        binnode_set_bytes(binnode_add(reg, "link_code_pairing_ref"), ref, strlen(ref));
    binnode_set_bytes(binnode_add(reg, "primary_identity_pub"), f->phone.pub,
                      t == N_SHORT_IDENTITY ? 31 : 32);
    secure_random(salt, sizeof salt);
    secure_random(iv, sizeof iv);
    memcpy(key, peph->pub, 32);
    if (t == N_LOW_ORDER)
        memset(key, 0, sizeof key);
    assert_int_equal(wa_pairing_code_wrap(wrapped, code, key, salt, iv, NULL), RC_OK);
    wrapped[WA_PAIRING_WRAPPED_BYTES] = 0;
    binnode_set_bytes(binnode_add(reg, "link_code_pairing_wrapped_primary_ephemeral_pub"), wrapped,
                      WA_PAIRING_WRAPPED_BYTES + (t == N_LONG_WRAPPED ? 1 : 0));
    return n;
}

/* The phone's side of companion_finish: opens the bundle with X25519(peph, our ephemeral),
 * checks what it holds and derives the adv secret into f->adv. Returns the iq's id. */
static void
expect_finish(struct fx *f, const struct x25519_keypair *peph, const uint8_t eph[32], char *id)
{
    static const char binfo[] = "link_code_pairing_key_bundle_encryption_key";
    uint8_t shared[32], ident[32], key[32], pt[96], ikm[96];
    const struct binnode *reg;
    const unsigned char *b;
    struct binnode *iq;
    size_t len;

    iq = expect_send(f, "iq", "set");
    assert_string_equal(binnode_attr(iq, "xmlns"), "md");
    assert_string_equal(binnode_attr(iq, "to"), "s.whatsapp.net");
    snprintf(id, 40, "%s", binnode_attr(iq, "id"));
    reg = binnode_child(iq, "link_code_companion_reg");
    assert_non_null(reg);
    assert_string_equal(binnode_attr(reg, "jid"), PHONE_JID);
    assert_string_equal(binnode_attr(reg, "stage"), "companion_finish");
    assert_int_equal(binnode_nchildren(reg), 3);
    assert_string_equal(binnode_tag(binnode_child_at(reg, 0)),
                        "link_code_pairing_wrapped_key_bundle");
    assert_string_equal(binnode_tag(binnode_child_at(reg, 1)), "companion_identity_public");
    assert_string_equal(binnode_tag(binnode_child_at(reg, 2)), "link_code_pairing_ref");
    b = code_child(reg, "companion_identity_public", &len);
    assert_int_equal(len, 32);
    assert_memory_equal(b, f->creds->identity.pub, 32);
    b = code_child(reg, "link_code_pairing_ref", &len);
    assert_int_equal(len, strlen(CODE_REF));
    assert_memory_equal(b, CODE_REF, len);
    b = code_child(reg, "link_code_pairing_wrapped_key_bundle", &len);
    assert_int_equal(len, WA_PAIRING_BUNDLE_BYTES);
    assert_int_equal(x25519_dh(shared, peph->priv, eph, NULL), RC_OK);
    assert_int_equal(digest_hkdf_sha256(key, 32, b, 32, shared, 32, (const uint8_t *)binfo,
                                        sizeof binfo - 1, NULL),
                     RC_OK);
    assert_int_equal(aead_gcm_open(pt, key, b + 32, NULL, 0, b + 44, len - 44, NULL), RC_OK);
    assert_memory_equal(pt, f->creds->identity.pub, 32);
    assert_memory_equal(pt + 32, f->phone.pub, 32);
    assert_int_equal(x25519_dh(ident, f->phone.priv, f->creds->identity.pub, NULL), RC_OK);
    memcpy(ikm, shared, 32);
    memcpy(ikm + 32, ident, 32);
    memcpy(ikm + 64, pt + 64, 32);
    assert_int_equal(
        digest_hkdf_sha256(f->adv, 32, NULL, 0, ikm, 96, (const uint8_t *)"adv_secret", 10, NULL),
        RC_OK);
    f->own_adv = true;
    binnode_free(iq);
}

static void
expect_notification_ack(struct fx *f)
{
    struct binnode *n = expect_send(f, "ack", NULL);

    assert_string_equal(binnode_attr(n, "id"), "lc-1");
    assert_string_equal(binnode_attr(n, "to"), "s.whatsapp.net");
    assert_string_equal(binnode_attr(n, "class"), "notification");
    assert_string_equal(binnode_attr(n, "type"), "link_code_companion_reg");
    binnode_free(n);
}

static void
test_code_links_after_pair_device(void **state)
{
    struct fx *f = *state;
    char code[WA_PAIRING_CODE_LEN + 1], hello_id[40], finish_id[40];
    struct x25519_keypair peph;
    struct wa_session_event ev;
    uint8_t eph[32], old_adv[32];
    int64_t t0 = f->now;

    code_ready(f, code, eph, hello_id);
    /* The QRs stopped: past every ref's expiry nothing happens. */
    advance(f, t0 + 120000);
    expect_no_event(f);
    assert_false(wa_session_closed(f->s));
    assert_int_equal(wa_session_deadline(f->s) <= t0 + WA_SESSION_CODE_MS, 1);
    /* The person types the code: the phone's notification. */
    memcpy(old_adv, f->creds->adv_secret, 32);
    x25519_keypair_gen(&peph);
    assert_int_equal(feed(f, notification(f, code, &peph, CODE_REF, N_OK)), RC_OK);
    expect_event(f, WA_SESSION_EV_CREDS, &ev);
    expect_no_event(f);
    expect_finish(f, &peph, eph, finish_id);
    expect_notification_ack(f);
    assert_null(wa_session_pop_send(f->s));
    assert_memory_equal(f->creds->adv_secret, f->adv, 32); /* both sides agree */
    assert_memory_not_equal(f->creds->adv_secret, old_adv, 32);
    assert_false(wa_creds_is_paired(f->creds));
    assert_int_equal(feed(f, reply(finish_id, "result", NULL, NULL)), RC_OK);
    assert_null(wa_session_pop_send(f->s));
    /* A second notification changes nothing (acked only). */
    assert_int_equal(feed(f, notification(f, code, &peph, CODE_REF, N_OK)), RC_OK);
    expect_notification_ack(f);
    assert_null(wa_session_pop_send(f->s));
    expect_no_event(f);
    assert_memory_equal(f->creds->adv_secret, f->adv, 32);
    /* pair-success under the phone's adv secret links as with a QR. */
    assert_int_equal(feed(f, pair_success(f, OK)), RC_OK);
    expect_event(f, WA_SESSION_EV_PAIRED, &ev);
    assert_string_equal(ev.text, JID);
    assert_string_equal(f->creds->me_jid, JID);
    binnode_free(expect_send(f, "iq", "result"));
    /* The code timer is gone with the code. */
    advance(f, t0 + 2 * WA_SESSION_CODE_MS);
    expect_no_event(f);
    assert_false(wa_session_closed(f->s));
    assert_int_equal(wa_session_request_code(f->s, PHONE, f->now, NULL), RC_REFUSED);
}

static void
test_code_before_pair_device_then_expires(void **state)
{
    struct fx *f = *state;
    char code[WA_PAIRING_CODE_LEN + 1];
    struct wa_session_event ev;
    struct binnode *iq;
    uint8_t eph[32];
    int64_t t0;
    struct err e;

    assert_int_equal(wa_session_request_code(f->s, PHONE, f->now, NULL), RC_OK);
    expect_no_event(f);
    assert_null(wa_session_pop_send(f->s));
    assert_int_equal(wa_session_request_code(f->s, PHONE, f->now, &e), RC_REFUSED);
    assert_true(e.msg[0] != '\0');
    f->now += 1500;
    t0 = f->now;
    assert_int_equal(feed(f, pair_device(2)), RC_OK);
    iq = expect_send(f, "iq", "result"); /* pair-device answered as always */
    assert_string_equal(binnode_attr(iq, "id"), "pd-1");
    binnode_free(iq);
    expect_code(f, code, t0 + WA_SESSION_CODE_MS);
    expect_no_event(f); /* no QR */
    expect_hello(f, code, eph, &iq);
    binnode_free(iq);
    /* A repeated pair-device is answered and changes nothing. */
    assert_int_equal(feed(f, pair_device(2)), RC_OK);
    binnode_free(expect_send(f, "iq", "result"));
    assert_null(wa_session_pop_send(f->s));
    expect_no_event(f);
    /* Nobody types it. */
    advance(f, t0 + WA_SESSION_CODE_MS - 1);
    expect_no_event(f);
    advance(f, t0 + WA_SESSION_CODE_MS);
    assert_true(wa_session_pop_event(f->s, &ev));
    assert_int_equal(ev.kind, WA_SESSION_EV_CLOSE);
    assert_int_equal(ev.code, 408);
    assert_string_equal(ev.text, "el código de vinculación venció");
    assert_true(wa_session_closed(f->s));
    assert_int_equal(wa_session_request_code(f->s, PHONE, f->now, NULL), RC_REFUSED);
}

static void
test_code_request_refusals(void **state)
{
    static const char *const bad[] = {
        "",           "123456789",      "1234567890123456",     "+5215512345678", "52155 1234567",
        "52155abc45", "521551234567a8", "５２１５５１２３４５",
    };
    struct fx *f = *state;
    struct err e;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(wa_session_request_code(f->s, bad[i], f->now, &e), RC_INVAL);
        assert_false(wa_session_phone_valid(bad[i]));
    }
    assert_int_equal(wa_session_request_code(f->s, NULL, f->now, NULL), RC_INVAL);
    assert_true(wa_session_phone_valid("1234567890"));
    assert_true(wa_session_phone_valid("123456789012345"));
    expect_no_event(f);
    /* Bad requests left no code behind: a good one still works. */
    assert_int_equal(wa_session_request_code(f->s, "123456789012345", f->now, NULL), RC_OK);
    /* Paired credentials never ask. */
    wa_session_free(f->s);
    snprintf(f->creds->me_jid, sizeof f->creds->me_jid, "%s", JID);
    f->s = wa_session_new(f->creds, &f->cfg, f->now);
    assert_int_equal(wa_session_request_code(f->s, PHONE, f->now, &e), RC_REFUSED);
    f->creds->me_jid[0] = '\0';
    /* A closed session neither. */
    wa_session_free(f->s);
    f->s = wa_session_new(f->creds, &f->cfg, f->now);
    wa_session_abort(f->s, 428, "socket cerrado");
    assert_int_equal(wa_session_request_code(f->s, PHONE, f->now, &e), RC_REFUSED);
}

/* Each hostile notification closes 500 and leaves the adv secret alone. */
static void
test_code_malformed_notification_closes(void **state)
{
    static const enum notif_tamper cases[] = { N_NO_REG, N_NO_REF, N_SHORT_IDENTITY, N_LONG_WRAPPED,
                                               N_LOW_ORDER };
    struct fx *f = *state;
    char code[WA_PAIRING_CODE_LEN + 1], hello_id[40];
    struct x25519_keypair peph;
    uint8_t adv[32];

    x25519_keypair_gen(&peph);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wa_session_free(f->s);
        f->s = wa_session_new(f->creds, &f->cfg, f->now);
        wa_session_start(f->s, f->now);
        code_ready(f, code, NULL, hello_id);
        memcpy(adv, f->creds->adv_secret, 32);
        assert_int_equal(feed(f, notification(f, code, &peph, CODE_REF, cases[i])), RC_CLOSED);
        expect_close(f, 500);
        assert_memory_equal(f->creds->adv_secret, adv, 32);
    }
}

static void
test_code_notification_not_ours_ignored(void **state)
{
    struct fx *f = *state;
    char code[WA_PAIRING_CODE_LEN + 1], hello_id[40];
    struct x25519_keypair peph;
    struct wa_session_event ev;
    struct binnode *n;
    uint8_t adv[32];

    memcpy(adv, f->creds->adv_secret, 32);
    x25519_keypair_gen(&peph);
    /* No code asked: acked, ignored. */
    assert_int_equal(feed(f, notification(f, "ABCD2345", &peph, CODE_REF, N_OK)), RC_OK);
    expect_notification_ack(f);
    assert_null(wa_session_pop_send(f->s));
    expect_no_event(f);
    /* A code asked, but the notification carries another ref than the hello's answer. */
    code_ready(f, code, NULL, hello_id);
    assert_int_equal(feed(f, notification(f, code, &peph, "2@otherref", N_OK)), RC_OK);
    expect_notification_ack(f);
    assert_null(wa_session_pop_send(f->s));
    expect_no_event(f);
    /* An unknown stage is not the phone's hello either. */
    n = notification(f, code, &peph, CODE_REF, N_OK);
    binnode_set_attr(binnode_child(n, "link_code_companion_reg"), "stage", "refresh_code");
    assert_int_equal(feed(f, n), RC_OK);
    expect_notification_ack(f);
    expect_no_event(f);
    assert_memory_equal(f->creds->adv_secret, adv, 32);
    assert_false(wa_session_closed(f->s));
    /* The code still waits: the real one goes through. */
    assert_int_equal(feed(f, notification(f, code, &peph, CODE_REF, N_OK)), RC_OK);
    expect_event(f, WA_SESSION_EV_CREDS, &ev);
    binnode_free(expect_send(f, "iq", "set"));
    expect_notification_ack(f);
    assert_memory_not_equal(f->creds->adv_secret, adv, 32);
}

static void
test_code_server_refusals_close(void **state)
{
    struct fx *f = *state;
    char code[WA_PAIRING_CODE_LEN + 1], hello_id[40], finish_id[40];
    struct x25519_keypair peph;
    struct wa_session_event ev;
    struct binnode *iq;
    uint8_t eph[32];

    /* companion_hello refused (too many attempts): the server's code. */
    assert_int_equal(feed(f, pair_device(1)), RC_OK);
    drop_sends(f);
    expect_event(f, WA_SESSION_EV_QR, &ev);
    assert_int_equal(wa_session_request_code(f->s, PHONE, f->now, NULL), RC_OK);
    expect_code(f, code, f->now + WA_SESSION_CODE_MS);
    expect_hello(f, code, eph, &iq);
    assert_int_equal(feed(f, reply(binnode_attr(iq, "id"), "error", "429", NULL)), RC_CLOSED);
    binnode_free(iq);
    assert_true(wa_session_pop_event(f->s, &ev));
    assert_int_equal(ev.kind, WA_SESSION_EV_CLOSE);
    assert_int_equal(ev.code, 429);
    assert_non_null(strstr(ev.text, "demasiados intentos"));
    assert_non_null(strstr(ev.text, "rate-overlimit"));
    /* companion_finish refused: the same. */
    wa_session_free(f->s);
    f->s = wa_session_new(f->creds, &f->cfg, f->now);
    wa_session_start(f->s, f->now);
    code_ready(f, code, eph, hello_id);
    x25519_keypair_gen(&peph);
    assert_int_equal(feed(f, notification(f, code, &peph, CODE_REF, N_OK)), RC_OK);
    expect_event(f, WA_SESSION_EV_CREDS, &ev);
    expect_finish(f, &peph, eph, finish_id);
    drop_sends(f);
    assert_int_equal(feed(f, reply(finish_id, "error", "400", NULL)), RC_CLOSED);
    expect_close(f, 400);
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
        cmocka_unit_test_setup_teardown(test_code_links_after_pair_device, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_before_pair_device_then_expires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_request_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_malformed_notification_closes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_notification_not_ours_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_server_refusals_close, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
