#include "crypto/sign.h"

#include <openssl/bn.h>
#include <string.h>

#include <sodium.h>

#include "crypto/digest.h"
#include "crypto/secure.h"
#include "util/err.h"

bool
sign_ed25519_verify(const uint8_t pk[SIGN_KEY_BYTES], const uint8_t *msg, size_t len,
                    const uint8_t sig[SIGN_BYTES])
{
    static const uint8_t none[1];

    return crypto_sign_ed25519_verify_detached(sig, len > 0 ? msg : none, len, pk) == 0;
}

/*
 * Maps the Montgomery u-coordinate to the Edwards y-coordinate, y = (u - 1) / (u + 1)
 * mod p, encoded little-endian with the sign bit clear. The inputs are public keys,
 * so OpenSSL's variable-time big numbers are fine here.
 */
static bool
sign_mont_to_edwards(uint8_t y_out[SIGN_KEY_BYTES], const uint8_t u_in[SIGN_KEY_BYTES])
{
    uint8_t u_bytes[SIGN_KEY_BYTES];
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *p, *u, *num, *den, *y;
    bool ok = false;

    if (ctx == NULL)
        return false;
    BN_CTX_start(ctx);
    p = BN_CTX_get(ctx);
    u = BN_CTX_get(ctx);
    num = BN_CTX_get(ctx);
    den = BN_CTX_get(ctx);
    y = BN_CTX_get(ctx);
    memcpy(u_bytes, u_in, sizeof u_bytes);
    u_bytes[31] &= 0x7f; /* X25519 ignores bit 255 (RFC 7748 §5) */
    if (y == NULL || BN_lebin2bn(u_bytes, sizeof u_bytes, u) == NULL || !BN_set_word(p, 19) ||
        !BN_lshift(num, BN_value_one(), 255) || !BN_sub(p, num, p))
        goto out;
    if (BN_cmp(u, p) >= 0) /* XEdDSA spec: reject non-canonical u */
        goto out;
    if (!BN_mod_sub(num, u, BN_value_one(), p, ctx) || !BN_mod_add(den, u, BN_value_one(), p, ctx))
        goto out;
    if (BN_is_zero(den) || BN_mod_inverse(den, den, p, ctx) == NULL ||
        !BN_mod_mul(y, num, den, p, ctx) || BN_bn2lebinpad(y, y_out, SIGN_KEY_BYTES) < 0)
        goto out;
    ok = true;
out:
    BN_CTX_end(ctx);
    BN_CTX_free(ctx);
    return ok;
}

bool
sign_xeddsa_verify(const uint8_t u[SIGN_KEY_BYTES], const uint8_t *msg, size_t len,
                   const uint8_t sig[SIGN_BYTES])
{
    uint8_t a[SIGN_KEY_BYTES];
    uint8_t s[SIGN_BYTES];

    if (!sign_mont_to_edwards(a, u))
        return false;
    memcpy(s, sig, sizeof s);
    a[31] |= (uint8_t)(s[63] & 0x80);
    s[63] &= 0x7f;
    return sign_ed25519_verify(a, msg, len, s);
}

/* Reduces the 32-byte little-endian scalar k modulo the group order L. */
static void
sign_scalar_reduce32(uint8_t out[SIGN_KEY_BYTES], const uint8_t k[SIGN_KEY_BYTES])
{
    uint8_t wide[64] = { 0 };

    memcpy(wide, k, SIGN_KEY_BYTES);
    crypto_core_ed25519_scalar_reduce(out, wide);
    sodium_memzero(wide, sizeof wide);
}

/* XEdDSA calculate_key_pair(k): A = kB with the sign bit forced to 0, a = ±k mod L. */
static int
sign_key_pair(uint8_t A[SIGN_KEY_BYTES], uint8_t a[SIGN_KEY_BYTES], const uint8_t k[SIGN_KEY_BYTES])
{
    if (crypto_scalarmult_ed25519_base_noclamp(A, k) != 0)
        return -1;
    sign_scalar_reduce32(a, k);
    if (A[31] & 0x80)
        crypto_core_ed25519_scalar_negate(a, a);
    A[31] &= 0x7f;
    return 0;
}

/* The XEdDSA hash1 prefix: 2^256 - 2 as 32 little-endian bytes. */
static const uint8_t sign_hash1_prefix[32] = {
    0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

struct sign_secrets {
    uint8_t k[SIGN_KEY_BYTES];
    uint8_t a[SIGN_KEY_BYTES];
    uint8_t r[SIGN_KEY_BYTES];
    uint8_t z[SIGN_NONCE_BYTES];
    uint8_t wide[DIGEST_SHA512_BYTES];
    crypto_hash_sha512_state st;
};

/* r = hash1(a || M || Z) mod L (XEdDSA §2.5 / §5). */
static void
sign_nonce(struct sign_secrets *sx, const uint8_t *msg, size_t len)
{
    crypto_hash_sha512_init(&sx->st);
    crypto_hash_sha512_update(&sx->st, sign_hash1_prefix, sizeof sign_hash1_prefix);
    crypto_hash_sha512_update(&sx->st, sx->a, sizeof sx->a);
    if (len > 0)
        crypto_hash_sha512_update(&sx->st, msg, len);
    crypto_hash_sha512_update(&sx->st, sx->z, sizeof sx->z);
    crypto_hash_sha512_final(&sx->st, sx->wide);
    crypto_core_ed25519_scalar_reduce(sx->r, sx->wide);
}

int
sign_xeddsa(uint8_t sig[SIGN_BYTES], const uint8_t priv[SIGN_KEY_BYTES], const uint8_t *msg,
            size_t len, const uint8_t z[SIGN_NONCE_BYTES], struct err *e)
{
    struct sign_secrets *sx = secure_alloc(sizeof *sx);
    uint8_t A[SIGN_KEY_BYTES], h[SIGN_KEY_BYTES], R[SIGN_KEY_BYTES];
    int rc = RC_OK;

    memcpy(sx->k, priv, sizeof sx->k);
    sx->k[0] &= 248;
    sx->k[31] &= 127;
    sx->k[31] |= 64;
    if (z != NULL)
        memcpy(sx->z, z, sizeof sx->z);
    else
        secure_random(sx->z, sizeof sx->z);
    if (sign_key_pair(A, sx->a, sx->k) != 0) {
        rc = err_set(e, RC_CRYPTO, "XEdDSA: clave privada inválida");
        goto out;
    }
    sign_nonce(sx, msg, len);
    if (crypto_scalarmult_ed25519_base_noclamp(R, sx->r) != 0) {
        rc = err_set(e, RC_CRYPTO, "XEdDSA: nonce degenerado");
        goto out;
    }
    /* h = hash(R || A || M) mod L; s = r + h a mod L */
    digest_sha512(sx->wide, R, sizeof R, A, sizeof A, msg, len);
    crypto_core_ed25519_scalar_reduce(h, sx->wide);
    crypto_core_ed25519_scalar_mul(h, h, sx->a);
    crypto_core_ed25519_scalar_add(sig + 32, sx->r, h);
    memcpy(sig, R, sizeof R);
out:
    secure_free(sx);
    return rc;
}
