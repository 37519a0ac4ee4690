/*
 * fakewa_link — the simulated phones linking a device by phone number: the person types the
 * 8-character code the companion shows into the phone (tests only).
 *
 * DESIGN. Three steps, companion = client, primary = the phone (Baileys rc14
 * requestPairingCode and the link_code_companion_reg notification):
 *   1. companion_hello (an md iq): the companion names the phone's jid and sends its
 *      ephemeral public key wrapped with the code (salt ‖ iv ‖ AES-256-CTR under
 *      PBKDF2-SHA256(code, salt, 131072)). The server keeps it and answers with a ref.
 *   2. type-code (admin FIFO): the phone unwraps the key with the typed code (a wrong code
 *      gives garbage: the phone cannot tell), makes its own ephemeral pair and the server
 *      sends the primary_hello notification (ref, phone identity, wrapped phone ephemeral).
 *   3. companion_finish (an md iq): a key bundle sealed with AES-256-GCM under
 *      HKDF(X25519 of the two ephemerals, linkCodeSalt, "link_code_pairing_key_bundle_
 *      encryption_key") holding both identity keys and 32 random bytes. The phone opens it
 *      (a wrong code fails here), derives the ADV secret HKDF(ephemeral shared ‖
 *      X25519(phone identity, companion identity) ‖ random, "adv_secret") and links the
 *      device exactly as after a QR scan (fw_phone_link, pair-success, 515).
 * Each request lives on its connection (struct fw_link) and is consumed by the finish.
 * Every failure at the finish is logged and ends that connection; a bad hello gets an iq
 * error, as a real server would give, and the connection stays.
 */
#include <string.h>
#include <time.h>

#include "crypto/aead.h"
#include "crypto/cipher.h"
#include "crypto/digest.h"
#include "crypto/secure.h"
#include "fakewa.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/strbuf.h"
#include "wa/binnode.h"

#define FW_LC_ITER       (2u << 16) /* PBKDF2 iterations, as Baileys (2 << 16) */
#define FW_LC_SALT       32
#define FW_LC_BUNDLE_PT  (3 * FW_KEY) /* companion identity ‖ phone identity ‖ random */
#define FW_LC_BUNDLE     (FW_LC_SALT + AEAD_IV_BYTES + FW_LC_BUNDLE_PT + AEAD_TAG_BYTES)
#define FW_LC_BUNDLE_KDF "link_code_pairing_key_bundle_encryption_key"
#define FW_LC_ADV_KDF    "adv_secret"
#define FW_JID_SUFFIX    "@s.whatsapp.net"

/* out = AES-256-CTR(PBKDF2(code, salt), iv, in), FW_KEY bytes (CTR: the same both ways). */
static int
fw_lc_ctr(uint8_t out[FW_KEY], const char *code, const uint8_t *salt, const uint8_t *iv,
          const uint8_t *in)
{
    uint8_t key[FW_KEY];
    size_t outlen = 0;
    int rc = digest_pbkdf2_sha256(key, sizeof key, (const uint8_t *)code, strlen(code), salt,
                                  FW_LC_SALT, FW_LC_ITER, NULL);

    if (rc == RC_OK)
        rc = cipher_aes(CIPHER_AES_CTR, 1, key, sizeof key, iv, CIPHER_IV_BYTES, in, FW_KEY, out,
                        &outlen, NULL);
    secure_wipe(key, sizeof key);
    return rc == RC_OK && outlen == FW_KEY ? RC_OK : RC_CRYPTO;
}

/* The typed code as the phone reads it: dashes dropped, letters upper-cased, exactly
 * FW_LC_CODE letters and digits. False otherwise. */
static bool
fw_lc_code_norm(char out[FW_LC_CODE + 1], const char *typed)
{
    size_t n = 0;

    for (; *typed != '\0'; typed++) {
        char ch = *typed;

        if (ch == '-')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (n == FW_LC_CODE || !((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
            return false;
        out[n++] = ch;
    }
    out[n] = '\0';
    return n == FW_LC_CODE;
}

/* The phone a jid ("<user>@s.whatsapp.net", no device) names, or NULL; user gets the part
 * before '@', filtered for the event log. */
static const struct fw_phone *
fw_lc_jid_phone(const struct fw *srv, const char *jid, char *user, size_t cap)
{
    const char *at = jid != NULL ? strchr(jid, '@') : NULL;
    char buf[FW_JID_MAX];
    size_t n;

    user[0] = '\0';
    if (at == NULL || (n = (size_t)(at - jid)) >= sizeof buf)
        return NULL;
    memcpy(buf, jid, n);
    buf[n] = '\0';
    fw_safe(user, cap, buf);
    if (strcmp(at, FW_JID_SUFFIX) != 0)
        return NULL;
    for (int i = 0; i < FW_PHONES; i++)
        if (strcmp(srv->phones[i].user, buf) == 0)
            return &srv->phones[i];
    return NULL;
}

/* Step 1: checks the request, keeps it on c and answers with a ref (or an iq error). */
static bool
fw_lc_hello(struct fw_conn *c, const char *id, const struct binnode *reg)
{
    const struct binnode *pid = binnode_child(reg, "companion_platform_id");
    const char *ptext = pid != NULL ? binnode_text(pid) : NULL;
    const uint8_t *wrapped = NULL, *noise = NULL;
    char user[24], platform[16];
    const struct fw_phone *phone =
        fw_lc_jid_phone(c->srv, binnode_attr(reg, "jid"), user, sizeof user);
    const char *why = NULL;
    struct binnode *r;
    uint8_t rnd[FW_REF_BYTES / 2];

    if (!c->registering || c->acc != NULL)
        why = "not-registering";
    else if (!fw_child_bytes(reg, "link_code_pairing_wrapped_companion_ephemeral_pub",
                             FW_LC_WRAPPED, &wrapped) ||
             !fw_child_bytes(reg, "companion_server_auth_key_pub", FW_KEY, &noise))
        why = "layout";
    else if (!secure_equal(noise, c->client_static, FW_KEY))
        why = "noise-key";
    else if (phone == NULL)
        why = "unknown-phone";
    fw_event(c->srv, c->id, "link-code-hello",
             "\"ok\":%s,\"why\":\"%s\",\"phone\":\"%s\",\"platform\":\"%s\"",
             why == NULL ? "true" : "false", why == NULL ? "" : why, user,
             fw_safe(platform, sizeof platform, ptext));
    if (why != NULL) {
        if (strcmp(why, "unknown-phone") == 0)
            fw_conn_iq_error(c, id, "404", "item-not-found");
        else
            fw_conn_iq_error(c, id, "400", "bad-request");
        return true;
    }
    /* A second hello replaces the first: a new code, a new ref. */
    secure_wipe(&c->link, sizeof c->link);
    c->link.phone = phone;
    memcpy(c->link.wrapped, wrapped, FW_LC_WRAPPED);
    secure_random(rnd, sizeof rnd);
    hex_encode(c->link.ref, rnd, sizeof rnd);
    r = binnode_new("link_code_companion_reg");
    binnode_set_bytes(binnode_add(r, "link_code_pairing_ref"), c->link.ref, strlen(c->link.ref));
    fw_conn_iq_result(c, id, r);
    return true;
}

/* Step 2's message: <notification type="link_code_companion_reg"> with the ref, the
 * phone's identity key and its wrapped ephemeral key. */
static bool
fw_lc_send_primary_hello(struct fw_conn *c, const uint8_t wrapped[FW_LC_WRAPPED])
{
    struct binnode *n = binnode_new("notification"), *reg;
    char id[32], t[24];
    bool ok;

    fw_conn_iq_id(c, id, sizeof id);
    snprintf(t, sizeof t, "%lld", (long long)time(NULL));
    binnode_set_attr(n, "from", "s.whatsapp.net");
    binnode_set_attr(n, "type", "link_code_companion_reg");
    binnode_set_attr(n, "id", id);
    binnode_set_attr(n, "t", t);
    reg = binnode_add(n, "link_code_companion_reg");
    binnode_set_attr(reg, "stage", "primary_hello");
    binnode_set_bytes(binnode_add(reg, "link_code_pairing_ref"), c->link.ref, strlen(c->link.ref));
    binnode_set_bytes(binnode_add(reg, "primary_identity_pub"), c->link.phone->key.pub, FW_KEY);
    binnode_set_bytes(binnode_add(reg, "link_code_pairing_wrapped_primary_ephemeral_pub"), wrapped,
                      FW_LC_WRAPPED);
    ok = fw_conn_send_node(c, n);
    binnode_free(n);
    return ok;
}

/* Step 2 on the phone: unwrap the companion's key with the typed code, wrap our own. */
static const char *
fw_lc_primary_hello(struct fw_conn *c, const char *code)
{
    struct fw_link *l = &c->link;
    uint8_t w[FW_LC_WRAPPED];

    if (fw_lc_ctr(l->companion_eph, code, l->wrapped, l->wrapped + FW_LC_SALT,
                  l->wrapped + FW_LC_SALT + CIPHER_IV_BYTES) != RC_OK)
        return "kdf";
    x25519_keypair_gen(&l->eph);
    secure_random(w, FW_LC_SALT + CIPHER_IV_BYTES);
    if (fw_lc_ctr(w + FW_LC_SALT + CIPHER_IV_BYTES, code, w, w + FW_LC_SALT, l->eph.pub) != RC_OK)
        return "kdf";
    if (!fw_lc_send_primary_hello(c, w))
        return "send";
    l->typed = true;
    return NULL;
}

/* The newest live request naming phone, or NULL. */
static struct fw_conn *
fw_lc_request(struct fw *srv, const struct fw_phone *phone)
{
    for (struct fw_conn *c = srv->conns; c != NULL; c = c->next)
        if (c->st == FW_OPEN && c->acc == NULL && c->link.phone == phone)
            return c;
    return NULL;
}

bool
fw_link_type(struct fw *srv, const char *user, const char *typed)
{
    const struct fw_phone *phone = fw_phone_find(srv, user);
    struct fw_conn *c = NULL;
    char code[FW_LC_CODE + 1], su[24];
    const char *why;

    if (phone == NULL)
        why = "unknown-phone";
    else if (!fw_lc_code_norm(code, typed))
        why = "code-format";
    else if ((c = fw_lc_request(srv, phone)) == NULL)
        why = "no-request";
    else if (c->link.typed)
        why = "already-typed";
    else
        why = fw_lc_primary_hello(c, code);
    fw_event(srv, c != NULL ? c->id : 0, "link-code-typed",
             "\"ok\":%s,\"why\":\"%s\",\"phone\":\"%s\"", why == NULL ? "true" : "false",
             why == NULL ? "" : why, fw_safe(su, sizeof su, user));
    secure_wipe(code, sizeof code);
    return why == NULL;
}

/* Step 3 on the phone: opens the key bundle into pt (both identities, then random). */
static const char *
fw_lc_open_bundle(struct fw_conn *c, const uint8_t *bundle, uint8_t shared[FW_KEY],
                  uint8_t pt[FW_LC_BUNDLE_PT])
{
    static const char info[] = FW_LC_BUNDLE_KDF;
    uint8_t key[AEAD_KEY_BYTES];
    const char *why = NULL;

    if (x25519_dh(shared, c->link.eph.priv, c->link.companion_eph, NULL) != RC_OK)
        why = "dh";
    else if (digest_hkdf_sha256(key, sizeof key, bundle, FW_LC_SALT, shared, FW_KEY,
                                (const uint8_t *)info, sizeof info - 1, NULL) != RC_OK ||
             aead_gcm_open(pt, key, bundle + FW_LC_SALT, NULL, 0,
                           bundle + FW_LC_SALT + AEAD_IV_BYTES, FW_LC_BUNDLE_PT + AEAD_TAG_BYTES,
                           NULL) != RC_OK)
        why = "bundle";
    else if (!secure_equal(pt, c->ident, FW_KEY) ||
             !secure_equal(pt + FW_KEY, c->link.phone->key.pub, FW_KEY))
        why = "bundle-identity";
    secure_wipe(key, sizeof key);
    return why;
}

/* Step 3's checks; on success adv is the ADV secret both sides now share. */
static const char *
fw_lc_finish_check(struct fw_conn *c, const struct binnode *reg, uint8_t adv[FW_KEY])
{
    static const char info[] = FW_LC_ADV_KDF;
    const struct binnode *rn = binnode_child(reg, "link_code_pairing_ref");
    size_t reflen = 0;
    const unsigned char *ref = rn != NULL ? binnode_content(rn, &reflen) : NULL;
    const uint8_t *bundle, *ident;
    uint8_t ikm[3 * FW_KEY], pt[FW_LC_BUNDLE_PT];
    char user[24];
    const char *why;

    if (c->link.phone == NULL)
        return "no-request";
    if (!c->link.typed)
        return "not-typed";
    if (ref == NULL ||
        !fw_child_bytes(reg, "link_code_pairing_wrapped_key_bundle", FW_LC_BUNDLE, &bundle) ||
        !fw_child_bytes(reg, "companion_identity_public", FW_KEY, &ident))
        return "layout";
    if (reflen != strlen(c->link.ref) || memcmp(ref, c->link.ref, reflen) != 0)
        return "ref";
    if (fw_lc_jid_phone(c->srv, binnode_attr(reg, "jid"), user, sizeof user) != c->link.phone)
        return "jid";
    if (!secure_equal(ident, c->ident, FW_KEY))
        return "identity-key";
    /* ikm = ephemeral shared ‖ identity shared ‖ the bundle's random. */
    why = fw_lc_open_bundle(c, bundle, ikm, pt);
    if (why == NULL && x25519_dh(ikm + FW_KEY, c->link.phone->key.priv, c->ident, NULL) != RC_OK)
        why = "dh";
    if (why == NULL) {
        memcpy(ikm + 2 * FW_KEY, pt + 2 * FW_KEY, FW_KEY);
        if (digest_hkdf_sha256(adv, FW_KEY, NULL, 0, ikm, sizeof ikm, (const uint8_t *)info,
                               sizeof info - 1, NULL) != RC_OK)
            why = "kdf";
    }
    secure_wipe(ikm, sizeof ikm);
    secure_wipe(pt, sizeof pt);
    return why;
}

/* Step 3: checks, then links the device as a QR scan would (pair-success, then 515). */
static bool
fw_lc_finish(struct fw_conn *c, const char *id, const struct binnode *reg)
{
    const struct fw_phone *phone = c->link.phone;
    uint8_t adv[FW_KEY];
    struct strbuf identity;
    const char *why = fw_lc_finish_check(c, reg, adv);

    strbuf_init(&identity);
    if (why == NULL)
        why = fw_phone_link(c, phone, adv, &identity);
    fw_event(c->srv, c->id, "link-code-finish", "\"ok\":%s,\"why\":\"%s\",\"phone\":\"%s\"",
             why == NULL ? "true" : "false", why == NULL ? "" : why,
             phone != NULL ? phone->user : "");
    if (why == NULL) {
        fw_conn_iq_result(c, id, NULL);
        fw_phone_send_pair_success(c, &identity);
    }
    secure_wipe(&c->link, sizeof c->link); /* a request is good for one finish */
    secure_wipe(adv, sizeof adv);
    strbuf_fini(&identity);
    return why == NULL;
}

bool
fw_link_iq(struct fw_conn *c, const struct binnode *iq)
{
    const struct binnode *reg = binnode_child_at(iq, 0);
    const char *id = binnode_attr(iq, "id"), *stage = binnode_attr(reg, "stage");
    char ss[32];

    if (stage != NULL && strcmp(stage, "companion_hello") == 0)
        return fw_lc_hello(c, id, reg);
    if (stage != NULL && strcmp(stage, "companion_finish") == 0)
        return fw_lc_finish(c, id, reg);
    fw_event(c->srv, c->id, "link-code-stage", "\"stage\":\"%s\"", fw_safe(ss, sizeof ss, stage));
    fw_conn_iq_error(c, id, "400", "bad-request");
    return true;
}
