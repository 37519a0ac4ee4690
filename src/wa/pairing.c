#include "wa/pairing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/aead.h"
#include "crypto/cipher.h"
#include "crypto/digest.h"
#include "crypto/secure.h"
#include "crypto/sign.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa.pb-c.h"
#include "wa/creds.h"

#define QR_PREFIX "https://wa.me/settings/linked_devices#"

size_t
wa_pairing_b64(char *out, size_t cap, const uint8_t *data, size_t len)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t need = 4 * ((len + 2) / 3), o = 0;

    if (cap < need + 1)
        return 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;

        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = i + 1 < len ? tab[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? tab[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

int
wa_pairing_qr(char *out, size_t cap, const char *ref, const struct wa_creds *c, int platform_id,
              struct err *e)
{
    char noise[48], ident[48], adv[48];
    size_t rlen = strlen(ref);
    int n;

    if (rlen == 0 || rlen > WA_PAIRING_REF_MAX || strchr(ref, ',') != NULL)
        return err_set(e, RC_INVAL, "emparejamiento: ref de QR inválida");
    wa_pairing_b64(noise, sizeof noise, c->noise.pub, X25519_KEY_BYTES);
    wa_pairing_b64(ident, sizeof ident, c->identity.pub, X25519_KEY_BYTES);
    wa_pairing_b64(adv, sizeof adv, c->adv_secret, WA_CREDS_ADV_BYTES);
    n = snprintf(out, cap, QR_PREFIX "%s,%s,%s,%s,%d", ref, noise, ident, adv, platform_id);
    secure_wipe(adv, sizeof adv);
    if (n < 0 || (size_t)n >= cap) {
        if (cap > 0)
            secure_wipe(out, cap);
        return err_set(e, RC_INVAL, "emparejamiento: QR demasiado largo");
    }
    return RC_OK;
}

/* ---- linking with a code ------------------------------------------------------------------ */

void
wa_pairing_code_make(char out[WA_PAIRING_CODE_LEN + 1],
                     const uint8_t raw[WA_PAIRING_CODE_RAW_BYTES])
{
    static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";
    uint64_t v = 0;

    for (size_t i = 0; i < WA_PAIRING_CODE_RAW_BYTES; i++)
        v = v << 8 | raw[i];
    /* 40 bits make exactly 8 groups of 5, so no padding bits (bytesToCrockford's tail). */
    for (size_t i = 0; i < WA_PAIRING_CODE_LEN; i++)
        out[i] = alphabet[v >> (5 * (WA_PAIRING_CODE_LEN - 1 - i)) & 31];
    out[WA_PAIRING_CODE_LEN] = '\0';
    secure_wipe(&v, sizeof v);
}

/* AES-256-CTR of 32 bytes with key = PBKDF2(code, salt) (encryption and decryption alike). */
static int
code_ctr(uint8_t out[X25519_KEY_BYTES], const char *code, const uint8_t *salt, const uint8_t *iv,
         const uint8_t in[X25519_KEY_BYTES], struct err *e)
{
    uint8_t key[32];
    size_t outlen = 0;
    int rc;

    if (code == NULL || strlen(code) != WA_PAIRING_CODE_LEN)
        return err_set(e, RC_INVAL, "vinculación: el código debe tener %d caracteres",
                       WA_PAIRING_CODE_LEN);
    rc = digest_pbkdf2_sha256(key, sizeof key, (const uint8_t *)code, WA_PAIRING_CODE_LEN, salt,
                              WA_PAIRING_SALT_BYTES, WA_PAIRING_CODE_ITERATIONS, e);
    if (rc == RC_OK)
        rc = cipher_aes(CIPHER_AES_CTR, 1, key, sizeof key, iv, WA_PAIRING_CTR_IV_BYTES, in,
                        X25519_KEY_BYTES, out, &outlen, e);
    if (rc == RC_OK && outlen != X25519_KEY_BYTES)
        rc = err_set(e, RC_CRYPTO, "vinculación: AES-CTR devolvió %zu bytes", outlen);
    secure_wipe(key, sizeof key);
    return rc;
}

int
wa_pairing_code_wrap(uint8_t out[WA_PAIRING_WRAPPED_BYTES], const char *code,
                     const uint8_t pub[X25519_KEY_BYTES], const uint8_t salt[WA_PAIRING_SALT_BYTES],
                     const uint8_t iv[WA_PAIRING_CTR_IV_BYTES], struct err *e)
{
    uint8_t *ct = out + WA_PAIRING_SALT_BYTES + WA_PAIRING_CTR_IV_BYTES;
    int rc;

    memcpy(out, salt, WA_PAIRING_SALT_BYTES);
    memcpy(out + WA_PAIRING_SALT_BYTES, iv, WA_PAIRING_CTR_IV_BYTES);
    rc = code_ctr(ct, code, salt, iv, pub, e);
    if (rc != RC_OK)
        secure_wipe(out, WA_PAIRING_WRAPPED_BYTES);
    return rc;
}

int
wa_pairing_code_unwrap(uint8_t pub[X25519_KEY_BYTES], const char *code, const uint8_t *wrapped,
                       size_t len, struct err *e)
{
    const uint8_t *iv = wrapped + WA_PAIRING_SALT_BYTES;
    int rc;

    if (wrapped == NULL || len != WA_PAIRING_WRAPPED_BYTES) {
        secure_wipe(pub, X25519_KEY_BYTES);
        return err_set(e, RC_INVAL, "vinculación: clave envuelta de %zu bytes (se esperan %d)",
                       wrapped == NULL ? 0 : len, WA_PAIRING_WRAPPED_BYTES);
    }
    rc = code_ctr(pub, code, wrapped, iv, iv + WA_PAIRING_CTR_IV_BYTES, e);
    if (rc != RC_OK)
        secure_wipe(pub, X25519_KEY_BYTES);
    return rc;
}

/* Secrets of one finish step, kept together so one wipe clears them all. */
struct code_secrets {
    uint8_t companion[X25519_KEY_BYTES]; /* X25519(eph, primary eph) */
    uint8_t key[32];                     /* the bundle key */
    uint8_t payload[2 * X25519_KEY_BYTES + WA_PAIRING_RANDOM_BYTES];
    uint8_t ikm[2 * X25519_KEY_BYTES + WA_PAIRING_RANDOM_BYTES]; /* companion ‖ identity ‖ rnd */
    uint8_t adv[WA_CREDS_ADV_BYTES];
};

static int
code_bundle(struct code_secrets *k, const struct wa_creds *c, const uint8_t *primary_identity,
            const struct wa_pairing_code_rand *rnd, uint8_t *bundle, struct err *e)
{
    static const char info[] = "link_code_pairing_key_bundle_encryption_key";
    uint8_t *p = k->payload;
    int rc;

    rc = digest_hkdf_sha256(k->key, sizeof k->key, rnd->salt, sizeof rnd->salt, k->companion,
                            sizeof k->companion, (const uint8_t *)info, sizeof info - 1, e);
    if (rc != RC_OK)
        return rc;
    memcpy(p, c->identity.pub, X25519_KEY_BYTES);
    memcpy(p + X25519_KEY_BYTES, primary_identity, X25519_KEY_BYTES);
    memcpy(p + 2 * X25519_KEY_BYTES, rnd->random, WA_PAIRING_RANDOM_BYTES);
    memcpy(bundle, rnd->salt, WA_PAIRING_SALT_BYTES);
    memcpy(bundle + WA_PAIRING_SALT_BYTES, rnd->iv, WA_PAIRING_GCM_IV_BYTES);
    return aead_gcm_seal(bundle + WA_PAIRING_SALT_BYTES + WA_PAIRING_GCM_IV_BYTES, k->key, rnd->iv,
                         NULL, 0, k->payload, sizeof k->payload, e);
}

int
wa_pairing_code_finish(struct wa_creds *c, const struct x25519_keypair *eph,
                       const uint8_t primary_eph[X25519_KEY_BYTES], const uint8_t *primary_identity,
                       size_t idlen, const struct wa_pairing_code_rand *rnd,
                       uint8_t bundle[WA_PAIRING_BUNDLE_BYTES], struct err *e)
{
    static const char info[] = "adv_secret";
    struct code_secrets *k;
    int rc;

    if (primary_identity == NULL || idlen != X25519_KEY_BYTES) {
        secure_wipe(bundle, WA_PAIRING_BUNDLE_BYTES);
        return err_set(e, RC_INVAL, "vinculación: clave de identidad del teléfono de %zu bytes",
                       primary_identity == NULL ? 0 : idlen);
    }
    k = secure_alloc(sizeof *k);
    rc = x25519_dh(k->companion, eph->priv, primary_eph, e);
    if (rc == RC_OK)
        rc = code_bundle(k, c, primary_identity, rnd, bundle, e);
    if (rc == RC_OK) {
        memcpy(k->ikm, k->companion, X25519_KEY_BYTES);
        rc = x25519_dh(k->ikm + X25519_KEY_BYTES, c->identity.priv, primary_identity, e);
    }
    if (rc == RC_OK) {
        memcpy(k->ikm + 2 * X25519_KEY_BYTES, rnd->random, WA_PAIRING_RANDOM_BYTES);
        rc = digest_hkdf_sha256(k->adv, sizeof k->adv, NULL, 0, k->ikm, sizeof k->ikm,
                                (const uint8_t *)info, sizeof info - 1, e);
    }
    if (rc == RC_OK)
        memcpy(c->adv_secret, k->adv, WA_CREDS_ADV_BYTES);
    else
        secure_wipe(bundle, WA_PAIRING_BUNDLE_BYTES);
    secure_free(k); /* wipes */
    return rc;
}

/* ---- pair-success ------------------------------------------------------------------------ */

/* Step 1: the HMAC over (06 05 for HOSTED accounts) ‖ details with the adv secret. */
static int
check_hmac(const struct wa_creds *c, const Proto__ADVSignedDeviceIdentityHMAC *h, struct err *e)
{
    static const uint8_t hosted[2] = { 6, 5 };
    uint8_t mac[DIGEST_SHA256_BYTES];
    uint8_t *msg;
    size_t plen = 0;
    bool ok;

    if (!h->has_details || !h->has_hmac || h->details.len == 0)
        return err_set(e, RC_INVAL, "emparejamiento: device-identity incompleto");
    if (h->has_accounttype && h->accounttype == PROTO__ADVENCRYPTION_TYPE__HOSTED)
        plen = sizeof hosted;
    msg = xmalloc(plen + h->details.len);
    memcpy(msg, hosted, plen);
    memcpy(msg + plen, h->details.data, h->details.len);
    digest_hmac_sha256(mac, c->adv_secret, WA_CREDS_ADV_BYTES, msg, plen + h->details.len);
    free(msg);
    ok = h->hmac.len == sizeof mac && secure_equal(mac, h->hmac.data, sizeof mac);
    return ok ? RC_OK : err_set(e, RC_CRYPTO, "emparejamiento: HMAC de la cuenta inválido");
}

/* prefix(2) ‖ details ‖ a(32) [‖ b(32)] in a new buffer of *len bytes. */
static uint8_t *
sig_msg(const uint8_t prefix[2], const ProtobufCBinaryData *details, const uint8_t *a,
        const uint8_t *b, size_t *len)
{
    uint8_t *m = xmalloc(2 + details->len + 2 * X25519_KEY_BYTES);
    size_t off = 2 + details->len;

    memcpy(m, prefix, 2);
    memcpy(m + 2, details->data, details->len);
    memcpy(m + off, a, X25519_KEY_BYTES);
    off += X25519_KEY_BYTES;
    if (b != NULL) {
        memcpy(m + off, b, X25519_KEY_BYTES);
        off += X25519_KEY_BYTES;
    }
    *len = off;
    return m;
}

/* Step 2: the phone's account signature over 06 00 (06 05 HOSTED) ‖ details ‖ our id. */
static int
check_account(const struct wa_creds *c, const Proto__ADVSignedDeviceIdentity *acc,
              const Proto__ADVDeviceIdentity *dev, struct err *e)
{
    static const uint8_t plain[2] = { 6, 0 }, hosted[2] = { 6, 5 };
    const uint8_t *prefix = plain;
    uint8_t *msg;
    size_t len;
    bool ok;

    if (!acc->has_accountsignaturekey || acc->accountsignaturekey.len != SIGN_KEY_BYTES ||
        !acc->has_accountsignature || acc->accountsignature.len != SIGN_BYTES)
        return err_set(e, RC_INVAL, "emparejamiento: firma de la cuenta ausente o malformada");
    if (dev->has_devicetype && dev->devicetype == PROTO__ADVENCRYPTION_TYPE__HOSTED)
        prefix = hosted;
    msg = sig_msg(prefix, &acc->details, c->identity.pub, NULL, &len);
    ok = sign_xeddsa_verify(acc->accountsignaturekey.data, msg, len, acc->accountsignature.data);
    free(msg);
    return ok ? RC_OK : err_set(e, RC_CRYPTO, "emparejamiento: firma de la cuenta inválida");
}

/* Step 3+4: our device signature, then the stored account and the reply bytes. */
static int
sign_and_store(struct wa_creds *c, const Proto__ADVSignedDeviceIdentity *acc, struct strbuf *reply,
               struct err *e)
{
    static const uint8_t prefix[2] = { 6, 1 };
    Proto__ADVSignedDeviceIdentity out = PROTO__ADVSIGNED_DEVICE_IDENTITY__INIT;
    uint8_t sig[SIGN_BYTES], *msg;
    size_t len;
    int rc;

    msg = sig_msg(prefix, &acc->details, c->identity.pub, acc->accountsignaturekey.data, &len);
    rc = sign_xeddsa(sig, c->identity.priv, msg, len, NULL, e);
    free(msg);
    if (rc != RC_OK)
        return rc;
    out.has_details = out.has_accountsignaturekey = 1;
    out.has_accountsignature = out.has_devicesignature = 1;
    out.details = acc->details;
    out.accountsignaturekey = acc->accountsignaturekey;
    out.accountsignature = acc->accountsignature;
    out.devicesignature = (ProtobufCBinaryData){ sizeof sig, sig };
    len = proto__advsigned_device_identity__get_packed_size(&out);
    if (len > WA_CREDS_ACCOUNT_MAX)
        return err_set(e, RC_INVAL, "emparejamiento: device-identity demasiado grande");
    proto__advsigned_device_identity__pack(&out, c->account);
    c->account_len = len;
    out.has_accountsignaturekey = 0; /* the reply leaves the key out (Baileys) */
    len = proto__advsigned_device_identity__get_packed_size(&out);
    msg = xmalloc(len);
    proto__advsigned_device_identity__pack(&out, msg);
    strbuf_add(reply, msg, len);
    free(msg);
    return RC_OK;
}

/* Steps 2-4 on the decoded HMAC envelope. */
static int
accept_details(struct wa_creds *c, const ProtobufCBinaryData *details, struct strbuf *reply,
               struct wa_pairing_result *res, struct err *e)
{
    Proto__ADVSignedDeviceIdentity *acc;
    Proto__ADVDeviceIdentity *dev = NULL;
    int rc;

    acc = proto__advsigned_device_identity__unpack(NULL, details->len, details->data);
    if (acc == NULL || !acc->has_details)
        rc = err_set(e, RC_INVAL, "emparejamiento: ADVSignedDeviceIdentity malformado");
    else if ((dev = proto__advdevice_identity__unpack(NULL, acc->details.len, acc->details.data)) ==
             NULL)
        rc = err_set(e, RC_INVAL, "emparejamiento: ADVDeviceIdentity malformado");
    else if ((rc = check_account(c, acc, dev, e)) == RC_OK &&
             (rc = sign_and_store(c, acc, reply, e)) == RC_OK)
        res->key_index = dev->has_keyindex ? dev->keyindex : 0;
    if (dev != NULL)
        proto__advdevice_identity__free_unpacked(dev, NULL);
    if (acc != NULL)
        proto__advsigned_device_identity__free_unpacked(acc, NULL);
    return rc;
}

int
wa_pairing_accept(struct wa_creds *c, const uint8_t *devid, size_t len, struct strbuf *reply,
                  struct wa_pairing_result *res, struct err *e)
{
    Proto__ADVSignedDeviceIdentityHMAC *h;
    int rc;

    h = proto__advsigned_device_identity_hmac__unpack(NULL, len, devid);
    if (h == NULL)
        return err_set(e, RC_INVAL, "emparejamiento: device-identity malformado");
    rc = check_hmac(c, h, e);
    if (rc == RC_OK)
        rc = accept_details(c, &h->details, reply, res, e);
    proto__advsigned_device_identity_hmac__free_unpacked(h, NULL);
    return rc;
}
