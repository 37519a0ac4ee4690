#include "crypto/digest.h"

#include <limits.h>
#include <openssl/evp.h>
#include <string.h>

#include <sodium.h>

#include "util/err.h"

void
digest_sha256(uint8_t out[DIGEST_SHA256_BYTES], const uint8_t *a, size_t alen, const uint8_t *b,
              size_t blen)
{
    crypto_hash_sha256_state st;

    crypto_hash_sha256_init(&st);
    if (alen > 0)
        crypto_hash_sha256_update(&st, a, alen);
    if (blen > 0)
        crypto_hash_sha256_update(&st, b, blen);
    crypto_hash_sha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

void
digest_sha512(uint8_t out[DIGEST_SHA512_BYTES], const uint8_t *a, size_t alen, const uint8_t *b,
              size_t blen, const uint8_t *c, size_t clen)
{
    crypto_hash_sha512_state st;

    crypto_hash_sha512_init(&st);
    if (alen > 0)
        crypto_hash_sha512_update(&st, a, alen);
    if (blen > 0)
        crypto_hash_sha512_update(&st, b, blen);
    if (clen > 0)
        crypto_hash_sha512_update(&st, c, clen);
    crypto_hash_sha512_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

void
digest_hmac_sha256(uint8_t out[DIGEST_SHA256_BYTES], const uint8_t *key, size_t keylen,
                   const uint8_t *msg, size_t msglen)
{
    static const uint8_t none[1];
    crypto_auth_hmacsha256_state st;

    crypto_auth_hmacsha256_init(&st, keylen > 0 ? key : none, keylen);
    if (msglen > 0)
        crypto_auth_hmacsha256_update(&st, msg, msglen);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

/* T(i) = HMAC(prk, T(i-1) || info || i), concatenated and truncated (RFC 5869 §2.3). */
static void
hkdf_expand(uint8_t *out, size_t outlen, const uint8_t prk[DIGEST_SHA256_BYTES],
            const uint8_t *info, size_t infolen)
{
    crypto_auth_hmacsha256_state st;
    uint8_t t[DIGEST_SHA256_BYTES];
    size_t done = 0;
    uint8_t i = 0;

    while (done < outlen) {
        size_t n = outlen - done < sizeof t ? outlen - done : sizeof t;

        i++;
        crypto_auth_hmacsha256_init(&st, prk, DIGEST_SHA256_BYTES);
        if (i > 1)
            crypto_auth_hmacsha256_update(&st, t, sizeof t);
        if (infolen > 0)
            crypto_auth_hmacsha256_update(&st, info, infolen);
        crypto_auth_hmacsha256_update(&st, &i, 1);
        crypto_auth_hmacsha256_final(&st, t);
        memcpy(out + done, t, n);
        done += n;
    }
    sodium_memzero(&st, sizeof st);
    sodium_memzero(t, sizeof t);
}

int
digest_hkdf_sha256(uint8_t *out, size_t outlen, const uint8_t *salt, size_t saltlen,
                   const uint8_t *ikm, size_t ikmlen, const uint8_t *info, size_t infolen,
                   struct err *e)
{
    uint8_t prk[DIGEST_SHA256_BYTES];

    if (outlen == 0 || outlen > DIGEST_HKDF_MAX_BYTES)
        return err_set(e, RC_INVAL, "HKDF: longitud de salida inválida (%zu)", outlen);
    digest_hmac_sha256(prk, salt, saltlen, ikm, ikmlen);
    hkdf_expand(out, outlen, prk, info, infolen);
    sodium_memzero(prk, sizeof prk);
    return RC_OK;
}

int
digest_pbkdf2_sha256(uint8_t *out, size_t outlen, const uint8_t *password, size_t passlen,
                     const uint8_t *salt, size_t saltlen, uint32_t iterations, struct err *e)
{
    if (outlen == 0 || iterations == 0 || iterations > INT_MAX || outlen > INT_MAX ||
        passlen > INT_MAX || saltlen > INT_MAX)
        return err_set(e, RC_INVAL, "PBKDF2: parámetros inválidos");
    if (PKCS5_PBKDF2_HMAC((const char *)password, (int)passlen, salt, (int)saltlen, (int)iterations,
                          EVP_sha256(), (int)outlen, out) != 1)
        return err_set(e, RC_CRYPTO, "PBKDF2: OpenSSL falló");
    return RC_OK;
}
