#include "crypto/cipher.h"

#include <openssl/evp.h>
#include <string.h>

#include <sodium.h>

#include "crypto/secure.h"
#include "util/err.h"

struct cipher_hmac {
    crypto_auth_hmacsha256_state st;
};

struct cipher_sha512 {
    crypto_hash_sha512_state st;
};

size_t
cipher_out_len(enum cipher_mode m, size_t len)
{
    if (m == CIPHER_AES_CTR)
        return len;
    return len + CIPHER_BLOCK_BYTES - len % CIPHER_BLOCK_BYTES;
}

/* The EVP cipher for a mode and key length; NULL for a key length AES does not have. */
static const EVP_CIPHER *
cipher_evp(enum cipher_mode m, size_t keylen)
{
    switch (keylen) {
    case 16:
        return m == CIPHER_AES_CTR ? EVP_aes_128_ctr() : EVP_aes_128_cbc();
    case 24:
        return m == CIPHER_AES_CTR ? EVP_aes_192_ctr() : EVP_aes_192_cbc();
    case 32:
        return m == CIPHER_AES_CTR ? EVP_aes_256_ctr() : EVP_aes_256_cbc();
    default:
        return NULL;
    }
}

/* Checks what OpenSSL would refuse, in our words. */
static int
cipher_check(enum cipher_mode m, int enc, size_t keylen, size_t ivlen, size_t len, struct err *e)
{
    if (cipher_evp(m, keylen) == NULL)
        return err_set(e, RC_INVAL, "AES: la llave debe tener 16, 24 o 32 bytes");
    if (ivlen != CIPHER_IV_BYTES)
        return err_set(e, RC_INVAL, "AES: el vector inicial debe tener 16 bytes");
    if (len > CIPHER_MAX_BYTES)
        return err_set(e, RC_INVAL, "AES: mensaje demasiado largo");
    if (!enc && m == CIPHER_AES_CBC_PKCS7 && (len == 0 || len % CIPHER_BLOCK_BYTES != 0))
        return err_set(e, RC_INVAL, "AES-CBC: el texto cifrado no son bloques completos");
    return RC_OK;
}

int
cipher_aes(enum cipher_mode m, int enc, const uint8_t *key, size_t keylen, const uint8_t *iv,
           size_t ivlen, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen, struct err *e)
{
    EVP_CIPHER_CTX *ctx;
    int n = 0, fin = 0, ok;
    int rc = cipher_check(m, enc, keylen, ivlen, len, e);

    if (rc != RC_OK)
        return rc;
    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return err_set(e, RC_CRYPTO, "AES: no se pudo preparar el contexto");
    ok = EVP_CipherInit_ex(ctx, cipher_evp(m, keylen), NULL, key, iv, enc ? 1 : 0) == 1 &&
         (len == 0 || EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1) &&
         EVP_CipherFinal_ex(ctx, out + n, &fin) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        secure_wipe(out, enc ? cipher_out_len(m, len) : len);
        *outlen = 0;
        return err_set(e, RC_CRYPTO, "AES: %s", enc ? "falló el cifrado" : "relleno inválido");
    }
    *outlen = (size_t)n + (size_t)fin;
    return RC_OK;
}

struct cipher_hmac *
cipher_hmac_new(const uint8_t *key, size_t keylen)
{
    struct cipher_hmac *h = secure_alloc(sizeof *h);

    crypto_auth_hmacsha256_init(&h->st, key, keylen);
    return h;
}

void
cipher_hmac_update(struct cipher_hmac *h, const uint8_t *data, size_t len)
{
    if (len > 0)
        crypto_auth_hmacsha256_update(&h->st, data, len);
}

void
cipher_hmac_final(struct cipher_hmac *h, uint8_t out[32])
{
    crypto_auth_hmacsha256_final(&h->st, out);
}

void
cipher_hmac_free(struct cipher_hmac *h)
{
    secure_free(h);
}

struct cipher_sha512 *
cipher_sha512_new(void)
{
    struct cipher_sha512 *h = secure_alloc(sizeof *h);

    crypto_hash_sha512_init(&h->st);
    return h;
}

void
cipher_sha512_update(struct cipher_sha512 *h, const uint8_t *data, size_t len)
{
    if (len > 0)
        crypto_hash_sha512_update(&h->st, data, len);
}

void
cipher_sha512_final(struct cipher_sha512 *h, uint8_t out[64])
{
    crypto_hash_sha512_final(&h->st, out);
    crypto_hash_sha512_init(&h->st);
}

void
cipher_sha512_free(struct cipher_sha512 *h)
{
    secure_free(h);
}
