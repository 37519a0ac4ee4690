/* wa/signal: our Signal state (embudo's crypto provider and sealed write-through store)
 * against a "recipient device" built with libsignal-protocol-c directly — its own
 * stores and an independent OpenSSL crypto provider written here — so a mistake in our
 * provider cannot cancel itself out. Bundle → session → pkmsg → the recipient decrypts;
 * its reply → we decrypt; our one-time pre-key consumed and removed; identity change;
 * tampering; persistence across a reopen; persistence failures; padding and Message. */
#include <group_cipher.h>
#include <group_session_builder.h>
#include <key_helper.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>
#include <setjmp.h>
#include <signal_protocol.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/seal.h"
#include "crypto/secure.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/creds.h"
#include "wa/signal/wasig.h"
#include "wa/signal/wasig_int.h" /* test_sender_keys drives libsignal on our store */
#include "wa/wamsg.h"

/* ---- a key/value list (the recipient's stores and our fake persistence) ------------------ */

struct kv {
    char key[WASIG_ROWKEY_MAX + 32];
    uint8_t *val;
    size_t len;
};

struct kvl {
    struct kv *v;
    size_t n;
};

static struct kv *
kv_find(struct kvl *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].key, key) == 0)
            return &l->v[i];
    return NULL;
}

static void
kv_put(struct kvl *l, const char *key, const uint8_t *val, size_t len)
{
    struct kv *k = kv_find(l, key);

    if (k == NULL) {
        l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
        k = &l->v[l->n++];
        snprintf(k->key, sizeof k->key, "%s", key);
    } else {
        free(k->val);
    }
    k->val = xmalloc(len ? len : 1);
    memcpy(k->val, val, len);
    k->len = len;
}

static bool
kv_del(struct kvl *l, const char *key)
{
    struct kv *k = kv_find(l, key);

    if (k == NULL)
        return false;
    free(k->val);
    *k = l->v[--l->n];
    return true;
}

static void
kv_clear(struct kvl *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].val);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* ---- our fake persistence: five tables in memory, with failure injection --------------- */

struct mem {
    struct kvl t[WASIG_T_COUNT];
    int fail_put; /* > 0: the fail_put-th put from now fails */
    int fail_del;
    int puts, dels;
};

static int
mem_put(void *ctx, enum wasig_table t, const char *key, const uint8_t *blob, size_t len,
        struct err *e)
{
    struct mem *m = ctx;

    if (m->fail_put > 0 && --m->fail_put == 0)
        return err_set(e, RC_DB, "base de datos caída (simulada)");
    m->puts++;
    kv_put(&m->t[t], key, blob, len);
    return RC_OK;
}

static int
mem_del(void *ctx, enum wasig_table t, const char *key, struct err *e)
{
    struct mem *m = ctx;

    if (m->fail_del > 0 && --m->fail_del == 0)
        return err_set(e, RC_DB, "base de datos caída (simulada)");
    m->dels++;
    kv_del(&m->t[t], key);
    return RC_OK;
}

static int
mem_load(void *ctx, enum wasig_table t, wasig_row_fn fn, void *arg, struct err *e)
{
    struct mem *m = ctx;

    for (size_t i = 0; i < m->t[t].n; i++) {
        int rc = fn(arg, m->t[t].v[i].key, m->t[t].v[i].val, m->t[t].v[i].len, e);

        if (rc != RC_OK)
            return rc;
    }
    return RC_OK;
}

/* ---- the recipient's crypto provider: OpenSSL only -------------------------------------- */

static int
r_random(uint8_t *data, size_t len, void *ud)
{
    (void)ud;
    secure_random(data, len);
    return 0;
}

static int
r_hmac_init(void **ctx, const uint8_t *key, size_t keylen, void *ud)
{
    static char sha256[] = "SHA256";
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
    OSSL_PARAM p[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, sha256, 0),
                       OSSL_PARAM_construct_end() };

    (void)ud;
    EVP_MAC_free(mac);
    if (c == NULL || EVP_MAC_init(c, key, keylen, p) != 1)
        return SG_ERR_UNKNOWN;
    *ctx = c;
    return 0;
}

static int
r_hmac_update(void *ctx, const uint8_t *data, size_t len, void *ud)
{
    (void)ud;
    return EVP_MAC_update(ctx, data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

static int
r_hmac_final(void *ctx, signal_buffer **out, void *ud)
{
    uint8_t md[32];
    size_t n = 0;

    (void)ud;
    if (EVP_MAC_final(ctx, md, &n, sizeof md) != 1)
        return SG_ERR_UNKNOWN;
    *out = signal_buffer_create(md, n);
    return 0;
}

static void
r_hmac_cleanup(void *ctx, void *ud)
{
    (void)ud;
    EVP_MAC_CTX_free(ctx);
}

static int
r_sha_init(void **ctx, void *ud)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();

    (void)ud;
    EVP_DigestInit_ex(c, EVP_sha512(), NULL);
    *ctx = c;
    return 0;
}

static int
r_sha_update(void *ctx, const uint8_t *data, size_t len, void *ud)
{
    (void)ud;
    return EVP_DigestUpdate(ctx, data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

static int
r_sha_final(void *ctx, signal_buffer **out, void *ud)
{
    uint8_t md[64];
    unsigned n = 0;

    (void)ud;
    EVP_DigestFinal_ex(ctx, md, &n);
    EVP_DigestInit_ex(ctx, EVP_sha512(), NULL);
    *out = signal_buffer_create(md, n);
    return 0;
}

static void
r_sha_cleanup(void *ctx, void *ud)
{
    (void)ud;
    EVP_MD_CTX_free(ctx);
}

static int
r_aes(signal_buffer **out, int mode, int enc, const uint8_t *key, const uint8_t *iv,
      const uint8_t *in, size_t len)
{
    const EVP_CIPHER *c = mode == SG_CIPHER_AES_CBC_PKCS5 ? EVP_aes_256_cbc() : EVP_aes_256_ctr();
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t *buf = xmalloc(len + 32);
    int n = 0, f = 0, ok;

    ok = EVP_CipherInit_ex(ctx, c, NULL, key, iv, enc) == 1 &&
         EVP_CipherUpdate(ctx, buf, &n, in, (int)len) == 1 &&
         EVP_CipherFinal_ex(ctx, buf + n, &f) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (ok)
        *out = signal_buffer_create(buf, (size_t)n + (size_t)f);
    free(buf);
    return ok ? 0 : SG_ERR_UNKNOWN;
}

static int
r_encrypt(signal_buffer **out, int mode, const uint8_t *key, size_t keylen, const uint8_t *iv,
          size_t ivlen, const uint8_t *pt, size_t len, void *ud)
{
    (void)ud;
    assert_int_equal(keylen, 32);
    assert_int_equal(ivlen, 16);
    return r_aes(out, mode, 1, key, iv, pt, len);
}

static int
r_decrypt(signal_buffer **out, int mode, const uint8_t *key, size_t keylen, const uint8_t *iv,
          size_t ivlen, const uint8_t *ct, size_t len, void *ud)
{
    (void)ud;
    assert_int_equal(keylen, 32);
    assert_int_equal(ivlen, 16);
    return r_aes(out, mode, 0, key, iv, ct, len);
}

/* ---- the recipient device: plain libsignal with its own stores --------------------------- */

struct peer {
    signal_context *g;
    signal_protocol_store_context *st;
    struct kvl sessions, prekeys, spks, idents, skeys;
    ratchet_identity_key_pair *id;
    uint32_t regid;
    struct wasig_bundle bundle; /* what the server would hand out for this device */
};

static void
addr_key(const signal_protocol_address *a, char *buf, size_t len)
{
    snprintf(buf, len, "%.*s.%d", (int)a->name_len, a->name, (int)a->device_id);
}

static int
p_copy(struct kv *k, signal_buffer **out)
{
    if (k == NULL)
        return 0;
    *out = signal_buffer_create(k->val, k->len);
    return 1;
}

static int
p_load_session(signal_buffer **rec, signal_buffer **urec, const signal_protocol_address *a,
               void *ud)
{
    char k[128];

    (void)urec;
    addr_key(a, k, sizeof k);
    return p_copy(kv_find(&((struct peer *)ud)->sessions, k), rec);
}

static int
p_sub_devices(signal_int_list **s, const char *n, size_t l, void *ud)
{
    (void)s, (void)n, (void)l, (void)ud;
    return SG_ERR_UNKNOWN; /* never called in these tests */
}

static int
p_store_session(const signal_protocol_address *a, uint8_t *rec, size_t len, uint8_t *urec,
                size_t ulen, void *ud)
{
    char k[128];

    (void)urec, (void)ulen;
    addr_key(a, k, sizeof k);
    kv_put(&((struct peer *)ud)->sessions, k, rec, len);
    return 0;
}

static int
p_contains_session(const signal_protocol_address *a, void *ud)
{
    char k[128];

    addr_key(a, k, sizeof k);
    return kv_find(&((struct peer *)ud)->sessions, k) != NULL;
}

static int
p_delete_session(const signal_protocol_address *a, void *ud)
{
    char k[128];

    addr_key(a, k, sizeof k);
    return kv_del(&((struct peer *)ud)->sessions, k);
}

static int
p_delete_all(const char *n, size_t l, void *ud)
{
    (void)n, (void)l, (void)ud;
    return 0;
}

static int
p_load_id(struct kvl *l, signal_buffer **rec, uint32_t id)
{
    char k[16];

    snprintf(k, sizeof k, "%u", id);
    return p_copy(kv_find(l, k), rec) ? SG_SUCCESS : SG_ERR_INVALID_KEY_ID;
}

static int
p_load_prekey(signal_buffer **rec, uint32_t id, void *ud)
{
    return p_load_id(&((struct peer *)ud)->prekeys, rec, id);
}

static int
p_load_spk(signal_buffer **rec, uint32_t id, void *ud)
{
    return p_load_id(&((struct peer *)ud)->spks, rec, id);
}

static int
p_store_prekey(uint32_t id, uint8_t *rec, size_t len, void *ud)
{
    char k[16];

    snprintf(k, sizeof k, "%u", id);
    kv_put(&((struct peer *)ud)->prekeys, k, rec, len);
    return 0;
}

static int
p_store_spk(uint32_t id, uint8_t *rec, size_t len, void *ud)
{
    char k[16];

    snprintf(k, sizeof k, "%u", id);
    kv_put(&((struct peer *)ud)->spks, k, rec, len);
    return 0;
}

static int
p_contains_prekey(uint32_t id, void *ud)
{
    char k[16];

    snprintf(k, sizeof k, "%u", id);
    return kv_find(&((struct peer *)ud)->prekeys, k) != NULL;
}

static int
p_contains_spk(uint32_t id, void *ud)
{
    char k[16];

    snprintf(k, sizeof k, "%u", id);
    return kv_find(&((struct peer *)ud)->spks, k) != NULL;
}

static int
p_remove_prekey(uint32_t id, void *ud)
{
    char k[16];

    snprintf(k, sizeof k, "%u", id);
    kv_del(&((struct peer *)ud)->prekeys, k);
    return 0;
}

static int
p_remove_spk(uint32_t id, void *ud)
{
    (void)id, (void)ud;
    return 0;
}

static int
p_id_pair(signal_buffer **pub, signal_buffer **priv, void *ud)
{
    struct peer *p = ud;

    ec_public_key_serialize(pub, ratchet_identity_key_pair_get_public(p->id));
    ec_private_key_serialize(priv, ratchet_identity_key_pair_get_private(p->id));
    return 0;
}

static int
p_regid(void *ud, uint32_t *id)
{
    *id = ((struct peer *)ud)->regid;
    return 0;
}

static int
p_save_identity(const signal_protocol_address *a, uint8_t *key, size_t len, void *ud)
{
    char k[128];

    addr_key(a, k, sizeof k);
    if (key != NULL)
        kv_put(&((struct peer *)ud)->idents, k, key, len);
    return 0;
}

static int
p_trusted(const signal_protocol_address *a, uint8_t *key, size_t len, void *ud)
{
    (void)a, (void)key, (void)len, (void)ud;
    return 1;
}

static void
skn_key(const signal_protocol_sender_key_name *n, char *buf, size_t len)
{
    char a[128];

    addr_key(&n->sender, a, sizeof a);
    snprintf(buf, len, "%.*s/%s", (int)n->group_id_len, n->group_id, a);
}

static int
p_store_skey(const signal_protocol_sender_key_name *n, uint8_t *rec, size_t len, uint8_t *urec,
             size_t ulen, void *ud)
{
    char k[256];

    (void)urec, (void)ulen;
    skn_key(n, k, sizeof k);
    kv_put(&((struct peer *)ud)->skeys, k, rec, len);
    return 0;
}

static int
p_load_skey(signal_buffer **rec, signal_buffer **urec, const signal_protocol_sender_key_name *n,
            void *ud)
{
    char k[256];

    (void)urec;
    skn_key(n, k, sizeof k);
    return p_copy(kv_find(&((struct peer *)ud)->skeys, k), rec);
}

/* Copies a libsignal public key into 32 raw bytes (drops the 0x05). */
static void
raw_pub(const ec_public_key *k, uint8_t out[32])
{
    signal_buffer *b = NULL;

    assert_int_equal(ec_public_key_serialize(&b, k), 0);
    assert_int_equal(signal_buffer_len(b), 33);
    assert_int_equal(signal_buffer_data(b)[0], 0x05);
    memcpy(out, signal_buffer_data(b) + 1, 32);
    signal_buffer_free(b);
}

static void
peer_stores(struct peer *p)
{
    signal_protocol_session_store ss = { p_load_session,
                                         p_sub_devices,
                                         p_store_session,
                                         p_contains_session,
                                         p_delete_session,
                                         p_delete_all,
                                         NULL,
                                         p };
    signal_protocol_pre_key_store ps = { p_load_prekey,   p_store_prekey, p_contains_prekey,
                                         p_remove_prekey, NULL,           p };
    signal_protocol_signed_pre_key_store sps = { p_load_spk,   p_store_spk, p_contains_spk,
                                                 p_remove_spk, NULL,        p };
    signal_protocol_identity_key_store is = { p_id_pair, p_regid, p_save_identity,
                                              p_trusted, NULL,    p };

    signal_protocol_sender_key_store sks = { p_store_skey, p_load_skey, NULL, p };

    assert_int_equal(signal_protocol_store_context_create(&p->st, p->g), 0);
    signal_protocol_store_context_set_sender_key_store(p->st, &sks);
    signal_protocol_store_context_set_session_store(p->st, &ss);
    signal_protocol_store_context_set_pre_key_store(p->st, &ps);
    signal_protocol_store_context_set_signed_pre_key_store(p->st, &sps);
    signal_protocol_store_context_set_identity_key_store(p->st, &is);
}

/* Generates the device's keys (signed pre-key 7, one-time pre-keys 100..102) and its bundle
 * (one-time pre-key 100). */
static void
peer_keys(struct peer *p)
{
    session_signed_pre_key *spk = NULL;
    signal_protocol_key_helper_pre_key_list_node *head = NULL, *n;

    assert_int_equal(signal_protocol_key_helper_generate_identity_key_pair(&p->id, p->g), 0);
    assert_int_equal(signal_protocol_key_helper_generate_registration_id(&p->regid, 0, p->g), 0);
    assert_int_equal(
        signal_protocol_key_helper_generate_signed_pre_key(&spk, p->id, 7, 1700000000000ull, p->g),
        0);
    assert_int_equal(signal_protocol_signed_pre_key_store_key(p->st, spk), 0);
    assert_int_equal(signal_protocol_key_helper_generate_pre_keys(&head, 100, 3, p->g), 0);
    for (n = head; n; n = signal_protocol_key_helper_key_list_next(n))
        assert_int_equal(signal_protocol_pre_key_store_key(
                             p->st, signal_protocol_key_helper_key_list_element(n)),
                         0);
    p->bundle.registration_id = p->regid;
    raw_pub(ratchet_identity_key_pair_get_public(p->id), p->bundle.identity);
    p->bundle.skey_id = 7;
    raw_pub(ec_key_pair_get_public(session_signed_pre_key_get_key_pair(spk)), p->bundle.skey);
    assert_int_equal(session_signed_pre_key_get_signature_len(spk), 64);
    memcpy(p->bundle.skey_sig, session_signed_pre_key_get_signature(spk), 64);
    p->bundle.has_prekey = true;
    p->bundle.prekey_id = session_pre_key_get_id(signal_protocol_key_helper_key_list_element(head));
    raw_pub(ec_key_pair_get_public(
                session_pre_key_get_key_pair(signal_protocol_key_helper_key_list_element(head))),
            p->bundle.prekey);
    signal_protocol_key_helper_key_list_free(head);
    SIGNAL_UNREF(spk);
}

static struct peer *
peer_new(void)
{
    struct peer *p = xcalloc(1, sizeof *p);
    signal_crypto_provider prov = {
        r_random,     r_hmac_init, r_hmac_update, r_hmac_final, r_hmac_cleanup, r_sha_init,
        r_sha_update, r_sha_final, r_sha_cleanup, r_encrypt,    r_decrypt,      p,
    };

    assert_int_equal(signal_context_create(&p->g, p), 0);
    assert_int_equal(signal_context_set_crypto_provider(p->g, &prov), 0);
    peer_stores(p);
    peer_keys(p);
    return p;
}

static void
peer_free(struct peer *p)
{
    if (p == NULL)
        return;
    SIGNAL_UNREF(p->id);
    signal_protocol_store_context_destroy(p->st);
    signal_context_destroy(p->g);
    kv_clear(&p->sessions);
    kv_clear(&p->prekeys);
    kv_clear(&p->spks);
    kv_clear(&p->idents);
    kv_clear(&p->skeys);
    free(p);
}

/* The peer decrypts what we sent (type from <enc>); returns the plaintext (caller frees). */
static signal_buffer *
peer_decrypt(struct peer *p, const signal_protocol_address *us, enum wasig_type t,
             const uint8_t *ct, size_t len, int *result)
{
    session_cipher *c = NULL;
    signal_buffer *out = NULL;
    int r;

    assert_int_equal(session_cipher_create(&c, p->st, us, p->g), 0);
    if (t == WASIG_PKMSG) {
        pre_key_signal_message *m = NULL;

        r = pre_key_signal_message_deserialize(&m, ct, len, p->g);
        if (r == 0)
            r = session_cipher_decrypt_pre_key_signal_message(c, m, NULL, &out);
        SIGNAL_UNREF(m);
    } else {
        signal_message *m = NULL;

        r = signal_message_deserialize(&m, ct, len, p->g);
        if (r == 0)
            r = session_cipher_decrypt_signal_message(c, m, NULL, &out);
        SIGNAL_UNREF(m);
    }
    session_cipher_free(c);
    *result = r;
    return out;
}

/* The peer encrypts to us; *ct is a copy (caller frees), returns libsignal's type. */
static int
peer_encrypt(struct peer *p, const signal_protocol_address *us, const char *text, uint8_t **ct,
             size_t *len)
{
    session_cipher *c = NULL;
    ciphertext_message *m = NULL;
    signal_buffer *ser;
    int type;

    assert_int_equal(session_cipher_create(&c, p->st, us, p->g), 0);
    assert_int_equal(session_cipher_encrypt(c, (const uint8_t *)text, strlen(text), &m), 0);
    type = ciphertext_message_get_type(m);
    ser = ciphertext_message_get_serialized(m);
    *len = signal_buffer_len(ser);
    *ct = xmalloc(*len);
    memcpy(*ct, signal_buffer_data(ser), *len);
    SIGNAL_UNREF(m);
    session_cipher_free(c);
    return type;
}

/* ---- fixture: our side --------------------------------------------------------------------- */

struct fx {
    char dir[64];
    char keypath[128];
    struct seal_key *key;
    struct wa_creds *creds;
    struct mem mem;
    struct wasig_persist persist;
    struct wasig *s;
    struct peer *peer;
    struct wasig_addr pa;       /* the peer device as we address it */
    signal_protocol_address us; /* how the peer names us */
};

static int
setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof *f);
    struct err e;

    snprintf(f->dir, sizeof f->dir, "/tmp/test_wasig.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->keypath, sizeof f->keypath, "%s/wa.key", f->dir);
    f->key = seal_key_open(f->keypath, true, &e);
    assert_non_null(f->key);
    f->creds = wa_creds_generate(&e);
    assert_non_null(f->creds);
    assert_int_equal(wa_creds_prekeys_gen(f->creds, 5, &e), RC_OK);
    f->persist = (struct wasig_persist){ mem_put, mem_del, mem_load, &f->mem };
    f->s = wasig_open(f->creds, 42, f->key, &f->persist, &e);
    assert_non_null(f->s);
    f->peer = peer_new();
    assert_int_equal(wasig_addr_from_jid("15557654321:2@s.whatsapp.net", &f->pa, &e), RC_OK);
    f->us = (signal_protocol_address){ "15550001111", 11, 3 };
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    wasig_free(f->s);
    peer_free(f->peer);
    wa_creds_free(f->creds);
    seal_key_close(f->key);
    for (int t = 0; t < WASIG_T_COUNT; t++)
        kv_clear(&f->mem.t[t]);
    unlink(f->keypath);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Encodes, pads and encrypts text for device a. */
static int
send_text(struct fx *f, const struct wasig_addr *a, const char *text, enum wasig_type *type,
          uint8_t **ct, size_t *len)
{
    struct strbuf msg, padded;
    int rc;

    strbuf_init(&msg);
    strbuf_init(&padded);
    assert_int_equal(wamsg_encode_text(text, false, NULL, &msg, NULL), RC_OK);
    wamsg_pad((const uint8_t *)msg.buf, msg.len, NULL, &padded);
    rc = wasig_encrypt(f->s, a, (const uint8_t *)padded.buf, padded.len, type, ct, len, NULL);
    strbuf_fini(&msg);
    strbuf_fini(&padded);
    return rc;
}

/* The peer decrypts, unpads and decodes; the text must be expected. */
static void
peer_reads(struct peer *p, const signal_protocol_address *us, enum wasig_type t, const uint8_t *ct,
           size_t len, const char *expected)
{
    int r;
    signal_buffer *pt = peer_decrypt(p, us, t, ct, len, &r);
    struct wamsg m;
    size_t n;

    assert_int_equal(r, 0);
    assert_int_equal(wamsg_unpad(signal_buffer_data(pt), signal_buffer_len(pt), &n, NULL), RC_OK);
    assert_int_equal(wamsg_decode(signal_buffer_data(pt), n, &m, NULL), RC_OK);
    assert_string_equal(m.text, expected);
    wamsg_fini(&m);
    signal_buffer_bzero_free(pt);
}

/* Sends text to the peer and checks it reads it; returns the type used. */
static enum wasig_type
roundtrip(struct fx *f, struct peer *p, const char *text)
{
    enum wasig_type t;
    uint8_t *ct;
    size_t len;

    assert_int_equal(send_text(f, &f->pa, text, &t, &ct, &len), RC_OK);
    assert_int_equal(ct[0], 0x33); /* version byte (guide §7.4) */
    peer_reads(p, &f->us, t, ct, len, text);
    free(ct);
    return t;
}

/* The peer sends text to us; we must decrypt it. Returns our decrypt rc. */
static int
peer_says(struct fx *f, struct peer *p, const char *text, bool *changed)
{
    uint8_t *ct, *pt = NULL;
    size_t len, ptlen = 0;
    int type = peer_encrypt(p, &f->us, text, &ct, &len), rc;

    rc = wasig_decrypt(f->s, &f->pa, type == CIPHERTEXT_PREKEY_TYPE ? WASIG_PKMSG : WASIG_MSG, ct,
                       len, changed, &pt, &ptlen, NULL);
    if (rc == RC_OK) {
        assert_int_equal(ptlen, strlen(text));
        assert_memory_equal(pt, text, ptlen);
    }
    free(pt);
    free(ct);
    return rc;
}

/* ---- tests ------------------------------------------------------------------------------- */

static void
test_bundle_pkmsg_then_msg(void **state)
{
    struct fx *f = *state;
    bool changed = true;
    uint32_t regid = 0;

    assert_false(wasig_has_session(f->s, &f->pa));
    assert_int_equal(wasig_session_build(f->s, &f->pa, &f->peer->bundle, &changed, NULL), RC_OK);
    assert_false(changed);
    assert_true(wasig_has_session(f->s, &f->pa));
    assert_int_equal(wasig_remote_registration_id(f->s, &f->pa, &regid, NULL), RC_OK);
    assert_int_equal(regid, f->peer->regid);
    assert_int_equal(roundtrip(f, f->peer, "hola, ¿cómo estás?"), WASIG_PKMSG);
    /* Until the peer answers, every message carries the pre-key header. */
    assert_int_equal(roundtrip(f, f->peer, "segundo"), WASIG_PKMSG);
    assert_int_equal(peer_says(f, f->peer, "bien, gracias", &changed), RC_OK);
    assert_false(changed);
    assert_int_equal(roundtrip(f, f->peer, "tercero"), WASIG_MSG);
    assert_int_equal(peer_says(f, f->peer, "otra", NULL), RC_OK);
    /* The peer's one-time pre-key was consumed on its side. */
    assert_null(kv_find(&f->peer->prekeys, "100"));
}

/* Our bundle, as the server would hand it to a peer (one-time pre-key = creds' first). */
static session_pre_key_bundle *
our_bundle(struct fx *f, struct peer *p, uint32_t prekey_id)
{
    const struct wa_prekey *pk = wa_creds_prekey_find(f->creds, prekey_id);
    uint8_t k[33];
    ec_public_key *id = NULL, *spk = NULL, *otk = NULL;
    session_pre_key_bundle *b = NULL;

    assert_non_null(pk);
    k[0] = 0x05;
    memcpy(k + 1, f->creds->identity.pub, 32);
    assert_int_equal(curve_decode_point(&id, k, 33, p->g), 0);
    memcpy(k + 1, f->creds->signed_prekey.pub, 32);
    assert_int_equal(curve_decode_point(&spk, k, 33, p->g), 0);
    memcpy(k + 1, pk->kp.pub, 32);
    assert_int_equal(curve_decode_point(&otk, k, 33, p->g), 0);
    assert_int_equal(session_pre_key_bundle_create(&b, f->creds->registration_id, 3, prekey_id, otk,
                                                   f->creds->signed_prekey_id, spk,
                                                   f->creds->signed_prekey_sig, 64, id),
                     0);
    SIGNAL_UNREF(id);
    SIGNAL_UNREF(spk);
    SIGNAL_UNREF(otk);
    return b;
}

/* The peer starts the conversation from our bundle. */
static void
peer_builds(struct fx *f, struct peer *p, uint32_t prekey_id)
{
    session_pre_key_bundle *b = our_bundle(f, p, prekey_id);
    session_builder *sb = NULL;

    assert_int_equal(session_builder_create(&sb, p->st, &f->us, p->g), 0);
    assert_int_equal(session_builder_process_pre_key_bundle(sb, b), 0);
    session_builder_free(sb);
    SIGNAL_UNREF(b);
}

static void
test_our_prekey_consumed(void **state)
{
    struct fx *f = *state;
    uint8_t *ct, *pt = NULL;
    size_t len, ptlen;
    bool changed = true;
    struct err e;

    assert_int_equal(wasig_prekey_count(f->s), 5);
    assert_int_equal(f->mem.t[WASIG_T_PREKEY].n, 5);
    peer_builds(f, f->peer, 2);
    assert_int_equal(peer_encrypt(f->peer, &f->us, "primero", &ct, &len), CIPHERTEXT_PREKEY_TYPE);
    assert_int_equal(wasig_decrypt(f->s, &f->pa, WASIG_PKMSG, ct, len, &changed, &pt, &ptlen, &e),
                     RC_OK);
    assert_false(changed);
    assert_memory_equal(pt, "primero", ptlen);
    free(pt);
    /* Gone from the cache, the persisted rows and the credentials. */
    assert_int_equal(wasig_prekey_count(f->s), 4);
    assert_null(kv_find(&f->mem.t[WASIG_T_PREKEY], "2"));
    assert_non_null(kv_find(&f->mem.t[WASIG_T_PREKEY], "1"));
    assert_null(wa_creds_prekey_find(f->creds, 2));
    assert_true(wasig_creds_dirty(f->s));
    assert_false(wasig_creds_dirty(f->s));
    assert_non_null(kv_find(&f->mem.t[WASIG_T_IDENTITY], "15557654321.2"));
    /* A replay is refused and removes nothing more. */
    assert_int_not_equal(wasig_decrypt(f->s, &f->pa, WASIG_PKMSG, ct, len, NULL, &pt, &ptlen, &e),
                         RC_OK);
    assert_null(pt);
    assert_int_equal(wasig_prekey_count(f->s), 4);
    free(ct);
    /* After a restart the consumed key stays gone and the session answers. */
    wasig_free(f->s);
    f->s = wasig_open(f->creds, 42, f->key, &f->persist, &e);
    assert_non_null(f->s);
    assert_int_equal(wasig_prekey_count(f->s), 4);
    assert_int_equal(roundtrip(f, f->peer, "respuesta"), WASIG_MSG);
}

static void
test_prekey_unknown(void **state)
{
    struct fx *f = *state;
    uint8_t *ct, *pt = NULL;
    size_t len, ptlen;
    struct err e;

    peer_builds(f, f->peer, 3);
    /* The server handed out a key we no longer hold (consumed elsewhere, lost). */
    assert_true(wa_creds_prekey_remove(f->creds, 3));
    wasig_free(f->s);
    assert_true(kv_del(&f->mem.t[WASIG_T_PREKEY], "3"));
    f->s = wasig_open(f->creds, 42, f->key, &f->persist, &e);
    assert_non_null(f->s);
    assert_int_equal(wasig_prekey_count(f->s), 4);
    peer_encrypt(f->peer, &f->us, "x", &ct, &len);
    assert_int_equal(wasig_decrypt(f->s, &f->pa, WASIG_PKMSG, ct, len, NULL, &pt, &ptlen, &e),
                     RC_NOTFOUND);
    assert_false(wasig_has_session(f->s, &f->pa));
    assert_null(kv_find(&f->mem.t[WASIG_T_IDENTITY], "15557654321.2"));
    free(ct);
}

static void
test_prekey_generated_after_open(void **state)
{
    struct fx *f = *state;
    uint8_t *ct, *pt = NULL;
    size_t len, ptlen;
    struct err e;

    /* The session generated keys 6..7 during the run and nobody imported them. */
    assert_int_equal(wa_creds_prekeys_gen(f->creds, 2, &e), RC_OK);
    assert_int_equal(wasig_prekey_count(f->s), 5);
    peer_builds(f, f->peer, 7);
    peer_encrypt(f->peer, &f->us, "llave nueva", &ct, &len);
    f->mem.fail_put = 1; /* the on-the-spot import cannot be stored: refused, nothing kept */
    assert_int_equal(wasig_decrypt(f->s, &f->pa, WASIG_PKMSG, ct, len, NULL, &pt, &ptlen, &e),
                     RC_DB);
    assert_null(pt);
    assert_false(wasig_has_session(f->s, &f->pa));
    assert_int_equal(wasig_decrypt(f->s, &f->pa, WASIG_PKMSG, ct, len, NULL, &pt, &ptlen, &e),
                     RC_OK);
    assert_memory_equal(pt, "llave nueva", ptlen);
    free(pt);
    free(ct);
    /* Key 7 was used and is gone everywhere; key 6 was never touched. */
    assert_null(kv_find(&f->mem.t[WASIG_T_PREKEY], "7"));
    assert_null(wa_creds_prekey_find(f->creds, 7));
    assert_null(kv_find(&f->mem.t[WASIG_T_PREKEY], "6"));
    assert_non_null(wa_creds_prekey_find(f->creds, 6));
    assert_int_equal(wasig_prekey_count(f->s), 5);
}

static void
test_identity_change_on_build(void **state)
{
    struct fx *f = *state;
    struct peer *p2;
    bool changed = false;

    assert_int_equal(wasig_session_build(f->s, &f->pa, &f->peer->bundle, &changed, NULL), RC_OK);
    assert_int_equal(roundtrip(f, f->peer, "antes"), WASIG_PKMSG);
    assert_int_equal(peer_says(f, f->peer, "ok", NULL), RC_OK);
    assert_int_equal(roundtrip(f, f->peer, "ya hay sesión"), WASIG_MSG);
    /* The same device reinstalled: a new identity behind the same address. */
    p2 = peer_new();
    assert_int_equal(wasig_session_build(f->s, &f->pa, &p2->bundle, &changed, NULL), RC_OK);
    assert_true(changed);
    assert_true(wasig_has_session(f->s, &f->pa));
    assert_int_equal(roundtrip(f, p2, "después"), WASIG_PKMSG);
    /* Building again from the same identity is no change (the server hands out no
     * consumed one-time pre-key: this bundle has none). */
    p2->bundle.has_prekey = false;
    assert_int_equal(wasig_session_build(f->s, &f->pa, &p2->bundle, &changed, NULL), RC_OK);
    assert_false(changed);
    assert_int_equal(roundtrip(f, p2, "otra vez"), WASIG_PKMSG);
    peer_free(p2);
}

static void
test_identity_change_on_decrypt(void **state)
{
    struct fx *f = *state;
    struct peer *p2 = peer_new();
    bool changed = false;

    assert_int_equal(wasig_session_build(f->s, &f->pa, &f->peer->bundle, NULL, NULL), RC_OK);
    assert_int_equal(roundtrip(f, f->peer, "hola"), WASIG_PKMSG);
    assert_int_equal(peer_says(f, f->peer, "hola", &changed), RC_OK);
    assert_false(changed);
    /* A reinstalled device writes first, from our bundle. */
    peer_builds(f, p2, 4);
    assert_int_equal(peer_says(f, p2, "soy nuevo", &changed), RC_OK);
    assert_true(changed);
    assert_int_equal(roundtrip(f, p2, "bienvenido"), WASIG_MSG);
    peer_free(p2);
}

/* The offset in a serialized pkmsg of the last MAC byte of its WhisperMessage. */
static size_t
inner_mac(struct peer *p, const uint8_t *ct, size_t len)
{
    pre_key_signal_message *m = NULL;
    signal_buffer *inner;
    const uint8_t *at;
    size_t off;

    assert_int_equal(pre_key_signal_message_deserialize(&m, ct, len, p->g), 0);
    inner = ciphertext_message_get_serialized(
        (ciphertext_message *)pre_key_signal_message_get_signal_message(m));
    at = memmem(ct, len, signal_buffer_data(inner), signal_buffer_len(inner));
    assert_non_null(at);
    off = (size_t)(at - ct) + signal_buffer_len(inner) - 1;
    SIGNAL_UNREF(m);
    return off;
}

static void
test_tampered_rejected(void **state)
{
    struct fx *f = *state;
    uint8_t *ct, *pt = NULL;
    size_t len, ptlen;
    int puts, dels;
    size_t at;
    struct err e;

    /* A tampered pkmsg from a new device: refused, and its identity not kept. (Its
     * registration id is not authenticated by Signal, so the tamper hits the MAC of the
     * embedded WhisperMessage.) */
    peer_builds(f, f->peer, 1);
    peer_encrypt(f->peer, &f->us, "primero", &ct, &len);
    at = inner_mac(f->peer, ct, len);
    ct[at] ^= 0x01;
    puts = f->mem.puts;
    dels = f->mem.dels;
    assert_int_equal(wasig_decrypt(f->s, &f->pa, WASIG_PKMSG, ct, len, NULL, &pt, &ptlen, &e),
                     RC_CRYPTO);
    assert_null(pt);
    assert_int_equal(f->mem.puts, puts);
    assert_int_equal(f->mem.dels, dels);
    assert_false(wasig_has_session(f->s, &f->pa));
    assert_null(kv_find(&f->mem.t[WASIG_T_IDENTITY], "15557654321.2"));
    assert_int_equal(wasig_prekey_count(f->s), 5);
    ct[at] ^= 0x01;
    assert_int_equal(wasig_decrypt(f->s, &f->pa, WASIG_PKMSG, ct, len, NULL, &pt, &ptlen, &e),
                     RC_OK);

    free(pt);
    free(ct);
    assert_int_equal(roundtrip(f, f->peer, "ok"), WASIG_MSG);
    /* A tampered msg: refused, nothing stored; the genuine one still decrypts. */
    peer_encrypt(f->peer, &f->us, "segundo", &ct, &len);
    for (size_t i = 1; i < len; i += 7) {
        ct[i] ^= 0x20;
        puts = f->mem.puts;
        assert_int_not_equal(wasig_decrypt(f->s, &f->pa, WASIG_MSG, ct, len, NULL, &pt, &ptlen, &e),
                             RC_OK);
        assert_null(pt);
        assert_int_equal(f->mem.puts, puts);
        ct[i] ^= 0x20;
    }
    assert_int_equal(wasig_decrypt(f->s, &f->pa, WASIG_MSG, ct, len, NULL, &pt, &ptlen, &e), RC_OK);
    assert_memory_equal(pt, "segundo", ptlen);
    free(pt);
    /* Not a Signal message at all; the wrong type for the bytes. */
    assert_int_equal(
        wasig_decrypt(f->s, &f->pa, WASIG_MSG, (const uint8_t *)"\x33zz", 3, NULL, &pt, &ptlen, &e),
        RC_INVAL);
    assert_int_not_equal(wasig_decrypt(f->s, &f->pa, WASIG_PKMSG, ct, len, NULL, &pt, &ptlen, &e),
                         RC_OK);
    free(ct);
}

static void
test_no_session(void **state)
{
    struct fx *f = *state;
    enum wasig_type t;
    uint8_t *ct, *pt;
    size_t len, ptlen;
    struct err e;

    assert_int_equal(send_text(f, &f->pa, "x", &t, &ct, &len), RC_NOTFOUND);
    assert_null(ct);
    assert_int_equal(
        wasig_decrypt(f->s, &f->pa, WASIG_MSG, (const uint8_t *)"\x33", 1, NULL, &pt, &ptlen, &e),
        RC_NOTFOUND);
    assert_int_equal(wasig_remote_registration_id(f->s, &f->pa, &(uint32_t){ 0 }, &e), RC_NOTFOUND);
    assert_int_equal(wasig_session_drop(f->s, &f->pa, &e), RC_OK);
    assert_int_equal(wasig_encrypt(f->s, &f->pa, (const uint8_t *)"", 0, &t, &ct, &len, &e),
                     RC_INVAL);
}

static void
test_bad_bundle(void **state)
{
    struct fx *f = *state;
    struct wasig_bundle b = f->peer->bundle;
    struct err e;

    b.skey_sig[10] ^= 0x01;
    assert_int_equal(wasig_session_build(f->s, &f->pa, &b, NULL, &e), RC_CRYPTO);
    assert_false(wasig_has_session(f->s, &f->pa));
    b = f->peer->bundle;
    memcpy(b.skey, f->peer->bundle.prekey, 32); /* signature over another key */
    assert_int_equal(wasig_session_build(f->s, &f->pa, &b, NULL, &e), RC_CRYPTO);
    /* Without the optional one-time pre-key a session still builds. */
    b = f->peer->bundle;
    b.has_prekey = false;
    assert_int_equal(wasig_session_build(f->s, &f->pa, &b, NULL, &e), RC_OK);
    assert_int_equal(roundtrip(f, f->peer, "sin pre-clave"), WASIG_PKMSG);
}

static void
test_drop_sessions(void **state)
{
    struct fx *f = *state;
    struct wasig_addr d0 = f->pa, lid;
    size_t n = 9;

    d0.device = 0;
    assert_int_equal(wasig_addr_from_jid("15557654321:2@lid", &lid, NULL), RC_OK);
    assert_int_equal(wasig_session_build(f->s, &f->pa, &f->peer->bundle, NULL, NULL), RC_OK);
    assert_int_equal(wasig_session_build(f->s, &d0, &f->peer->bundle, NULL, NULL), RC_OK);
    assert_int_equal(wasig_session_build(f->s, &lid, &f->peer->bundle, NULL, NULL), RC_OK);
    assert_int_equal(f->mem.t[WASIG_T_SESSION].n, 3);
    assert_int_equal(wasig_session_drop(f->s, &d0, NULL), RC_OK);
    assert_false(wasig_has_session(f->s, &d0));
    assert_true(wasig_has_session(f->s, &f->pa));
    assert_int_equal(wasig_session_build(f->s, &d0, &f->peer->bundle, NULL, NULL), RC_OK);
    /* All devices of the PN user go; the LID user (another Signal name) stays. */
    assert_int_equal(wasig_user_drop(f->s, &f->pa, &n, NULL), RC_OK);
    assert_int_equal(n, 2);
    assert_false(wasig_has_session(f->s, &f->pa));
    assert_false(wasig_has_session(f->s, &d0));
    assert_true(wasig_has_session(f->s, &lid));
    assert_int_equal(f->mem.t[WASIG_T_SESSION].n, 1);
    assert_non_null(kv_find(&f->mem.t[WASIG_T_SESSION], "15557654321_1.2"));
}

static void
test_reopen_and_sealed_rows(void **state)
{
    struct fx *f = *state;
    struct kv *row;
    struct err e;
    uint8_t *copy;
    size_t len;

    assert_int_equal(wasig_session_build(f->s, &f->pa, &f->peer->bundle, NULL, NULL), RC_OK);
    assert_int_equal(roundtrip(f, f->peer, "uno"), WASIG_PKMSG);
    assert_int_equal(peer_says(f, f->peer, "dos", NULL), RC_OK);
    /* A restart: a new object from the persisted rows carries the conversation on. */
    wasig_free(f->s);
    f->s = wasig_open(f->creds, 42, f->key, &f->persist, &e);
    assert_non_null(f->s);
    assert_true(wasig_has_session(f->s, &f->pa));
    assert_int_equal(wasig_prekey_count(f->s), 5);
    assert_int_equal(roundtrip(f, f->peer, "tres"), WASIG_MSG);
    assert_int_equal(peer_says(f, f->peer, "cuatro", NULL), RC_OK);
    /* Rows are sealed: the identity key of the peer is in no row in clear. */
    for (int t = 0; t < WASIG_T_COUNT; t++)
        for (size_t i = 0; i < f->mem.t[t].n; i++)
            assert_null(
                memmem(f->mem.t[t].v[i].val, f->mem.t[t].v[i].len, f->peer->bundle.identity, 32));
    wasig_free(f->s);
    f->s = NULL;
    /* Another owner cannot open them. */
    assert_null(wasig_open(f->creds, 43, f->key, &f->persist, &e));
    assert_int_equal(e.rc, RC_CRYPTO);
    /* A session row copied to another address does not open. */
    row = kv_find(&f->mem.t[WASIG_T_SESSION], "15557654321.2");
    assert_non_null(row);
    if (row == NULL) /* for gcc -O2's -Wnull-dereference: cmocka's assert is not noreturn */
        return;
    len = row->len;
    copy = xmalloc(len);
    memcpy(copy, row->val, len);
    kv_put(&f->mem.t[WASIG_T_SESSION], "15557654321.5", copy, len);
    assert_null(wasig_open(f->creds, 42, f->key, &f->persist, &e));
    assert_int_equal(e.rc, RC_CRYPTO);
    kv_del(&f->mem.t[WASIG_T_SESSION], "15557654321.5");
    /* Nor in another table. */
    kv_put(&f->mem.t[WASIG_T_SENDER_KEY], "15557654321.2", copy, len);
    assert_null(wasig_open(f->creds, 42, f->key, &f->persist, &e));
    assert_int_equal(e.rc, RC_CRYPTO);
    kv_del(&f->mem.t[WASIG_T_SENDER_KEY], "15557654321.2");
    free(copy);
    f->s = wasig_open(f->creds, 42, f->key, &f->persist, &e);
    assert_non_null(f->s);
}

static void
test_persist_failures(void **state)
{
    struct fx *f = *state;
    enum wasig_type t;
    uint8_t *ct = NULL, *pt = NULL;
    size_t len, ptlen;
    struct err e;

    f->mem.fail_put = 1;
    assert_int_equal(wasig_session_build(f->s, &f->pa, &f->peer->bundle, NULL, &e), RC_DB);
    assert_false(wasig_has_session(f->s, &f->pa));
    assert_int_equal(wasig_session_build(f->s, &f->pa, &f->peer->bundle, NULL, &e), RC_OK);
    assert_int_equal(roundtrip(f, f->peer, "uno"), WASIG_PKMSG);
    assert_int_equal(peer_says(f, f->peer, "dos", NULL), RC_OK);
    /* The session update is not stored: no ciphertext leaves. */
    f->mem.fail_put = 1;
    assert_int_equal(send_text(f, &f->pa, "perdido", &t, &ct, &len), RC_DB);
    assert_null(ct);
    /* Nothing advanced: the next one is read by the peer. */
    assert_int_equal(roundtrip(f, f->peer, "tres"), WASIG_MSG);
    /* A pkmsg whose pre-key cannot be removed is not handed out. */
    wasig_free(f->s);
    f->s = wasig_open(f->creds, 42, f->key, &f->persist, &e);
    assert_non_null(f->s);
    {
        struct peer *p2 = peer_new();
        struct wasig_addr a2;

        assert_int_equal(wasig_addr_from_jid("5215512345678@s.whatsapp.net", &a2, NULL), RC_OK);
        peer_builds(f, p2, 5);
        peer_encrypt(p2, &f->us, "hola", &ct, &len);
        f->mem.fail_del = 1;
        assert_int_equal(wasig_decrypt(f->s, &a2, WASIG_PKMSG, ct, len, NULL, &pt, &ptlen, &e),
                         RC_DB);
        assert_null(pt);
        free(ct);
        peer_free(p2);
    }
}

static void
test_import_and_relink(void **state)
{
    struct fx *f = *state;
    struct wa_creds *other;
    size_t added = 9;
    struct err e;

    /* The session layer generated more pre-keys: they join the store. */
    assert_int_equal(wa_creds_prekeys_gen(f->creds, 3, &e), RC_OK);
    assert_int_equal(wasig_prekeys_import(f->s, &added, &e), RC_OK);
    assert_int_equal(added, 3);
    assert_int_equal(wasig_prekey_count(f->s), 8);
    assert_int_equal(wasig_prekeys_import(f->s, &added, &e), RC_OK);
    assert_int_equal(added, 0);
    assert_int_equal(wasig_session_build(f->s, &f->pa, &f->peer->bundle, NULL, NULL), RC_OK);
    wasig_free(f->s);
    /* New credentials (a new link) over the old rows: the old rows go. */
    other = wa_creds_generate(&e);
    assert_int_equal(wa_creds_prekeys_gen(other, 2, &e), RC_OK);
    f->s = wasig_open(other, 42, f->key, &f->persist, &e);
    assert_non_null(f->s);
    assert_false(wasig_has_session(f->s, &f->pa));
    assert_int_equal(wasig_prekey_count(f->s), 2);
    assert_int_equal(f->mem.t[WASIG_T_PREKEY].n, 2);
    assert_int_equal(f->mem.t[WASIG_T_SESSION].n, 0);
    assert_int_equal(f->mem.t[WASIG_T_SIGNED_PREKEY].n, 1);
    wasig_free(f->s);
    f->s = wasig_open(f->creds, 42, f->key, &f->persist, &e); /* and back, for teardown */
    assert_non_null(f->s);
    wa_creds_free(other);
}

/* Sender keys (groups; unused by 1:1 text, but the store keeps them like the rest): ours are
 * created through our store, survive a reopen, and a peer decrypts what they encrypt. */
static void
test_sender_keys(void **state)
{
    struct fx *f = *state;
    static const char group[] = "120363000000000000@g.us";
    signal_protocol_sender_key_name ours = { group, sizeof group - 1, { "15550001111", 11, 3 } };
    group_session_builder *gb = NULL;
    sender_key_distribution_message *dist = NULL, *pdist = NULL;
    group_cipher *gc = NULL;
    ciphertext_message *ct = NULL;
    sender_key_message *skm = NULL;
    signal_buffer *ser, *pt = NULL;
    struct err e;

    assert_int_equal(group_session_builder_create(&gb, f->s->sctx, f->s->gctx), 0);
    assert_int_equal(group_session_builder_create_session(gb, &dist, &ours), 0);
    group_session_builder_free(gb);
    assert_non_null(
        kv_find(&f->mem.t[WASIG_T_SENDER_KEY], "120363000000000000@g.us/15550001111.3"));
    ser = ciphertext_message_get_serialized((ciphertext_message *)dist);
    assert_int_equal(sender_key_distribution_message_deserialize(
                         &pdist, signal_buffer_data(ser), signal_buffer_len(ser), f->peer->g),
                     0);
    assert_int_equal(group_session_builder_create(&gb, f->peer->st, f->peer->g), 0);
    assert_int_equal(group_session_builder_process_session(gb, &ours, pdist), 0);
    group_session_builder_free(gb);
    /* Restart, then encrypt with the reloaded sender key. */
    wasig_free(f->s);
    f->s = wasig_open(f->creds, 42, f->key, &f->persist, &e);
    assert_non_null(f->s);
    assert_int_equal(group_cipher_create(&gc, f->s->sctx, &ours, f->s->gctx), 0);
    assert_int_equal(group_cipher_encrypt(gc, (const uint8_t *)"hola grupo", 10, &ct), 0);
    group_cipher_free(gc);
    ser = ciphertext_message_get_serialized(ct);
    assert_int_equal(sender_key_message_deserialize(&skm, signal_buffer_data(ser),
                                                    signal_buffer_len(ser), f->peer->g),
                     0);
    assert_int_equal(group_cipher_create(&gc, f->peer->st, &ours, f->peer->g), 0);
    assert_int_equal(group_cipher_decrypt(gc, skm, NULL, &pt), 0);
    assert_memory_equal(signal_buffer_data(pt), "hola grupo", 10);
    group_cipher_free(gc);
    signal_buffer_free(pt);
    SIGNAL_UNREF(skm);
    SIGNAL_UNREF(ct);
    SIGNAL_UNREF(pdist);
    SIGNAL_UNREF(dist);
}

static void
test_addresses(void **state)
{
    static const struct {
        const char *jid, *key;
    } ok[] = {
        { "15557654321@s.whatsapp.net", "15557654321.0" },
        { "15557654321:12@s.whatsapp.net", "15557654321.12" },
        { "15557654321@c.us", "15557654321.0" },
        { "99990001111:3@lid", "99990001111_1.3" },
        { "99990001111@hosted", "99990001111_128.0" },
        { "99990001111:99@hosted.lid", "99990001111_129.99" },
    };
    static const char *const bad[] = {
        "15557654321",
        "@s.whatsapp.net",
        "abc@s.whatsapp.net",
        "1:@s.whatsapp.net",
        "1:x@s.whatsapp.net",
        "1:70000@lid",
        "1@g.us",
        "1_1@lid",
        "1@",
        "1:2:3@lid",
        NULL,
    };
    struct wasig_addr a;
    char key[WASIG_ROWKEY_MAX];
    enum wasig_type t;

    (void)state;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(wasig_addr_from_jid(ok[i].jid, &a, NULL), RC_OK);
        assert_string_equal(wasig_addr_key(&a, key, sizeof key), ok[i].key);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(wasig_addr_from_jid(bad[i], &a, NULL), RC_INVAL);
    assert_string_equal(wasig_type_name(WASIG_PKMSG), "pkmsg");
    assert_string_equal(wasig_type_name(WASIG_MSG), "msg");
    assert_int_equal(wasig_type_parse("pkmsg", &t, NULL), RC_OK);
    assert_int_equal(t, WASIG_PKMSG);
    assert_int_equal(wasig_type_parse("msg", &t, NULL), RC_OK);
    assert_int_equal(t, WASIG_MSG);
    assert_int_equal(wasig_type_parse("skmsg", &t, NULL), RC_INVAL);
    assert_int_equal(wasig_type_parse(NULL, &t, NULL), RC_INVAL);
    assert_string_equal(wasig_table_name(WASIG_T_SESSION), "wa_signal_sesiones");
}

static void
test_padding(void **state)
{
    struct strbuf sb;
    size_t n;
    uint8_t bad[8] = { 'a', 'b', 'c', 'd', 3, 3, 3, 3 };

    (void)state;
    for (unsigned r = 0; r < 256; r++) {
        uint8_t rb = (uint8_t)r;
        size_t pad = (r & 0x0F) + 1;

        strbuf_init(&sb);
        wamsg_pad((const uint8_t *)"mensaje", 7, &rb, &sb);
        assert_int_equal(sb.len, 7 + pad);
        for (size_t i = 7; i < sb.len; i++)
            assert_int_equal((uint8_t)sb.buf[i], pad);
        assert_int_equal(wamsg_unpad((const uint8_t *)sb.buf, sb.len, &n, NULL), RC_OK);
        assert_int_equal(n, 7);
        strbuf_fini(&sb);
    }
    for (int i = 0; i < 200; i++) { /* the CSPRNG draws 1..16 */
        strbuf_init(&sb);
        wamsg_pad((const uint8_t *)"x", 1, NULL, &sb);
        assert_true(sb.len >= 2 && sb.len <= 17);
        assert_int_equal(wamsg_unpad((const uint8_t *)sb.buf, sb.len, &n, NULL), RC_OK);
        assert_int_equal(n, 1);
        strbuf_fini(&sb);
    }
    assert_int_equal(wamsg_unpad(bad, 8, &n, NULL), RC_OK);
    assert_int_equal(n, 5);
    assert_int_equal(wamsg_unpad(bad, 0, &n, NULL), RC_INVAL);
    bad[7] = 0;
    assert_int_equal(wamsg_unpad(bad, 8, &n, NULL), RC_INVAL); /* zero */
    bad[7] = 8;
    assert_int_equal(wamsg_unpad(bad, 8, &n, NULL), RC_INVAL); /* all padding */
    bad[7] = 9;
    assert_int_equal(wamsg_unpad(bad, 8, &n, NULL), RC_INVAL); /* longer than the buffer */
    bad[7] = 4;
    assert_int_equal(wamsg_unpad(bad, 8, &n, NULL), RC_INVAL); /* 3 3 3 4 */
    bad[7] = 3;
    bad[5] = 2;
    assert_int_equal(wamsg_unpad(bad, 8, &n, NULL), RC_INVAL); /* 3 2 3 */
}

static void
test_message(void **state)
{
    uint8_t secret[32];
    struct strbuf a, b;
    struct wamsg m;

    (void)state;
    memset(secret, 0x5a, sizeof secret);
    strbuf_init(&a);
    strbuf_init(&b);
    assert_int_equal(wamsg_encode_text("hola", false, NULL, &a, NULL), RC_OK);
    /* conversation(1) = "hola": 0a 04 68 6f 6c 61 */
    assert_int_equal(a.len, 6);
    assert_memory_equal(a.buf, "\x0a\x04hola", 6);
    assert_int_equal(wamsg_decode((const uint8_t *)a.buf, a.len, &m, NULL), RC_OK);
    assert_string_equal(m.text, "hola");
    assert_false(m.extended || m.device_sent || m.has_secret);
    wamsg_fini(&m);
    strbuf_reset(&a);
    assert_int_equal(wamsg_encode_text("¡Buenas!", true, secret, &a, NULL), RC_OK);
    assert_int_equal(wamsg_decode((const uint8_t *)a.buf, a.len, &m, NULL), RC_OK);
    assert_string_equal(m.text, "¡Buenas!");
    assert_true(m.extended && m.has_secret);
    assert_memory_equal(m.secret, secret, 32);
    wamsg_fini(&m);
    /* Our other devices get the wrapper, with the context info copied. */
    assert_int_equal(wamsg_wrap_device_sent((const uint8_t *)a.buf, a.len,
                                            "5215512345678@s.whatsapp.net", &b, NULL),
                     RC_OK);
    assert_int_equal(wamsg_decode((const uint8_t *)b.buf, b.len, &m, NULL), RC_OK);
    assert_true(m.device_sent && m.extended && m.has_secret);
    assert_string_equal(m.dest_jid, "5215512345678@s.whatsapp.net");
    assert_string_equal(m.text, "¡Buenas!");
    wamsg_fini(&m);
    /* A wrapper inside a wrapper is refused. */
    strbuf_reset(&a);
    assert_int_equal(
        wamsg_wrap_device_sent((const uint8_t *)b.buf, b.len, "1@s.whatsapp.net", &a, NULL), RC_OK);
    assert_int_equal(wamsg_decode((const uint8_t *)a.buf, a.len, &m, NULL), RC_INVAL);
    wamsg_fini(&m);
    /* A Message without text (e.g. only unknown fields) decodes with text NULL. */
    assert_int_equal(wamsg_decode((const uint8_t *)"\x92\x01\x00", 3, &m, NULL), RC_OK);
    assert_null(m.text);
    wamsg_fini(&m);
    strbuf_fini(&a);
    strbuf_fini(&b);
}

static void
test_message_refused(void **state)
{
    struct strbuf b;
    struct wamsg m;

    (void)state;
    strbuf_init(&b);
    /* Refused: not protobuf, bad UTF-8, a NUL inside, empty text, no secret. */
    assert_int_equal(wamsg_decode((const uint8_t *)"\x0a\x05hi", 4, &m, NULL), RC_INVAL);
    wamsg_fini(&m);
    assert_int_equal(wamsg_decode((const uint8_t *)"\x0a\x02\xc3\x28", 4, &m, NULL), RC_INVAL);
    wamsg_fini(&m);
    assert_int_equal(wamsg_decode((const uint8_t *)"\x0a\x03h\0i", 5, &m, NULL), RC_INVAL);
    wamsg_fini(&m);
    assert_int_equal(wamsg_encode_text("", false, NULL, &b, NULL), RC_INVAL);
    assert_int_equal(wamsg_encode_text("\xc3\x28", false, NULL, &b, NULL), RC_INVAL);
    assert_int_equal(wamsg_encode_text("x", true, NULL, &b, NULL), RC_INVAL);
    assert_int_equal(
        wamsg_wrap_device_sent((const uint8_t *)"\xff", 1, "1@s.whatsapp.net", &b, NULL), RC_INVAL);
    assert_int_equal(wamsg_wrap_device_sent((const uint8_t *)"", 0, "", &b, NULL), RC_INVAL);
    assert_int_equal(b.len, 0);
    strbuf_fini(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bundle_pkmsg_then_msg, setup, teardown),
        cmocka_unit_test_setup_teardown(test_our_prekey_consumed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prekey_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prekey_generated_after_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_change_on_build, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_change_on_decrypt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_bundle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drop_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_and_sealed_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persist_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_and_relink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sender_keys, setup, teardown),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_padding),
        cmocka_unit_test(test_message),
        cmocka_unit_test(test_message_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
