/*
 * provider — libsignal-protocol-c's crypto callbacks on src/crypto: CSPRNG, HMAC-SHA256
 * and SHA-512 contexts (libsodium) and AES-CBC/PKCS#7 and AES-CTR (OpenSSL). Each callback
 * returns 0 or a negative libsignal code; intermediate plaintext is wiped.
 */
#include <signal_protocol.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/cipher.h"
#include "crypto/secure.h"
#include "util/xmalloc.h"
#include "wa/signal/wasig_int.h"

static int
prov_random(uint8_t *data, size_t len, void *ud)
{
    (void)ud;
    secure_random(data, len);
    return 0;
}

static int
prov_hmac_init(void **ctx, const uint8_t *key, size_t keylen, void *ud)
{
    (void)ud;
    *ctx = cipher_hmac_new(key, keylen);
    return 0;
}

static int
prov_hmac_update(void *ctx, const uint8_t *data, size_t len, void *ud)
{
    (void)ud;
    cipher_hmac_update(ctx, data, len);
    return 0;
}

static int
prov_hmac_final(void *ctx, signal_buffer **out, void *ud)
{
    uint8_t mac[32];

    (void)ud;
    cipher_hmac_final(ctx, mac);
    *out = signal_buffer_create(mac, sizeof mac);
    secure_wipe(mac, sizeof mac);
    return *out != NULL ? 0 : SG_ERR_NOMEM;
}

static void
prov_hmac_cleanup(void *ctx, void *ud)
{
    (void)ud;
    cipher_hmac_free(ctx);
}

static int
prov_sha512_init(void **ctx, void *ud)
{
    (void)ud;
    *ctx = cipher_sha512_new();
    return 0;
}

static int
prov_sha512_update(void *ctx, const uint8_t *data, size_t len, void *ud)
{
    (void)ud;
    cipher_sha512_update(ctx, data, len);
    return 0;
}

static int
prov_sha512_final(void *ctx, signal_buffer **out, void *ud)
{
    uint8_t md[64];

    (void)ud;
    cipher_sha512_final(ctx, md);
    *out = signal_buffer_create(md, sizeof md);
    secure_wipe(md, sizeof md);
    return *out != NULL ? 0 : SG_ERR_NOMEM;
}

static void
prov_sha512_cleanup(void *ctx, void *ud)
{
    (void)ud;
    cipher_sha512_free(ctx);
}

/* Both AES directions: libsignal's mode constant → ours, result into a new buffer. */
static int
prov_aes(signal_buffer **out, int mode, int enc, const uint8_t *key, size_t keylen,
         const uint8_t *iv, size_t ivlen, const uint8_t *in, size_t len)
{
    enum cipher_mode m;
    uint8_t *tmp;
    size_t cap, n = 0;
    int rc;

    if (mode == SG_CIPHER_AES_CBC_PKCS5)
        m = CIPHER_AES_CBC_PKCS7;
    else if (mode == SG_CIPHER_AES_CTR_NOPADDING)
        m = CIPHER_AES_CTR;
    else
        return SG_ERR_INVAL;
    if (len > CIPHER_MAX_BYTES)
        return SG_ERR_INVAL;
    cap = cipher_out_len(m, len);
    tmp = xmalloc(cap);
    rc = cipher_aes(m, enc, key, keylen, iv, ivlen, in, len, tmp, &n, NULL);
    *out = rc == RC_OK ? signal_buffer_create(tmp, n) : NULL;
    secure_wipe(tmp, cap);
    free(tmp);
    if (rc != RC_OK)
        return rc == RC_INVAL ? SG_ERR_INVAL : SG_ERR_UNKNOWN;
    return *out != NULL ? 0 : SG_ERR_NOMEM;
}

static int
prov_encrypt(signal_buffer **out, int mode, const uint8_t *key, size_t keylen, const uint8_t *iv,
             size_t ivlen, const uint8_t *pt, size_t len, void *ud)
{
    (void)ud;
    return prov_aes(out, mode, 1, key, keylen, iv, ivlen, pt, len);
}

static int
prov_decrypt(signal_buffer **out, int mode, const uint8_t *key, size_t keylen, const uint8_t *iv,
             size_t ivlen, const uint8_t *ct, size_t len, void *ud)
{
    (void)ud;
    return prov_aes(out, mode, 0, key, keylen, iv, ivlen, ct, len);
}

void
wasig_provider_fill(signal_crypto_provider *p)
{
    memset(p, 0, sizeof *p);
    p->random_func = prov_random;
    p->hmac_sha256_init_func = prov_hmac_init;
    p->hmac_sha256_update_func = prov_hmac_update;
    p->hmac_sha256_final_func = prov_hmac_final;
    p->hmac_sha256_cleanup_func = prov_hmac_cleanup;
    p->sha512_digest_init_func = prov_sha512_init;
    p->sha512_digest_update_func = prov_sha512_update;
    p->sha512_digest_final_func = prov_sha512_final;
    p->sha512_digest_cleanup_func = prov_sha512_cleanup;
    p->encrypt_func = prov_encrypt;
    p->decrypt_func = prov_decrypt;
}
