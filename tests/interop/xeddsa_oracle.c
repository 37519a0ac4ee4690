/*
 * xeddsa_oracle — cross-checks src/crypto/sign.c against libsignal-protocol-c 2.3.3 (the
 * library the guide verified against Baileys) and prints the vectors kept in
 * tests/unit/test_crypto.c. Test-only, built and run by hand (see docs/wa.md):
 *
 *   cc -std=c17 -D_GNU_SOURCE -I. -Isrc $(pkg-config --cflags libsignal-protocol-c) \
 *      tests/interop/xeddsa_oracle.c src/crypto/sign.c src/crypto/digest.c \
 *      src/crypto/secure.c src/crypto/x25519.c src/util/err.c src/util/xmalloc.c \
 *      -o /tmp/xeddsa_oracle $(pkg-config --libs libsignal-protocol-c libsodium libcrypto)
 *   /tmp/xeddsa_oracle            # exits 0 when every check passes
 *
 * The random source handed to libsignal is deterministic, so the printed vectors are stable.
 */
#include <curve.h>
#include <signal_protocol.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"
#include "crypto/x25519.h"

static unsigned oracle_ctr;

static int
oracle_random(uint8_t *data, size_t len, void *user)
{
    (void)user;
    for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t)(oracle_ctr++ * 131u + 7u);
    return 0;
}

/* libsignal insists on a complete provider; only random_func is used for signatures. */
static int
oracle_hmac_init(void **c, const uint8_t *k, size_t n, void *u)
{
    (void)c, (void)k, (void)n, (void)u;
    return -1;
}
static int
oracle_upd(void *c, const uint8_t *d, size_t n, void *u)
{
    (void)c, (void)d, (void)n, (void)u;
    return -1;
}
static int
oracle_fin(void *c, signal_buffer **o, void *u)
{
    (void)c, (void)o, (void)u;
    return -1;
}
static void
oracle_clean(void *c, void *u)
{
    (void)c, (void)u;
}
static int
oracle_sha_init(void **c, void *u)
{
    (void)c, (void)u;
    return -1;
}

static void
oracle_hex(const char *name, const uint8_t *p, size_t n)
{
    printf("%s ", name);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

int
main(void)
{
    signal_crypto_provider prov = {
        .random_func = oracle_random,
        .hmac_sha256_init_func = oracle_hmac_init,
        .hmac_sha256_update_func = oracle_upd,
        .hmac_sha256_final_func = oracle_fin,
        .hmac_sha256_cleanup_func = oracle_clean,
        .sha512_digest_init_func = oracle_sha_init,
        .sha512_digest_update_func = oracle_upd,
        .sha512_digest_final_func = oracle_fin,
        .sha512_digest_cleanup_func = oracle_clean,
    };
    signal_context *ctx;
    int fail = 0;

    if (signal_context_create(&ctx, NULL) != 0 ||
        signal_context_set_crypto_provider(ctx, &prov) != 0)
        return 2;
    for (int i = 0; i < 40; i++) {
        uint8_t seed[32], msg[100], mine[64], pt[33];
        struct x25519_keypair kp;
        ec_private_key *priv;
        ec_public_key *pub;
        signal_buffer *sig;
        size_t mlen = (size_t)(i * 7 % 100);

        oracle_random(seed, sizeof seed, NULL);
        oracle_random(msg, mlen, NULL);
        if (x25519_keypair_from_priv(&kp, seed, NULL) != 0) {
            printf("setup failed at %d\n", i);
            return 2;
        }
        pt[0] = 5;
        memcpy(pt + 1, kp.pub, 32);
        if (curve_decode_private_point(&priv, kp.priv, 32, ctx) != 0 ||
            curve_decode_point(&pub, pt, 33, ctx) != 0 ||
            curve_calculate_signature(ctx, &sig, priv, msg, mlen) != 0) {
            printf("setup failed at %d\n", i);
            return 2;
        }
        if (!sign_xeddsa_verify(kp.pub, msg, mlen, signal_buffer_data(sig))) {
            printf("FAIL %d: libsignal signature rejected by sign_xeddsa_verify\n", i);
            fail = 1;
        }
        if (sign_xeddsa(mine, kp.priv, msg, mlen, NULL, NULL) != 0 ||
            curve_verify_signature(pub, msg, mlen, mine, 64) != 1) {
            printf("FAIL %d: sign_xeddsa signature rejected by libsignal\n", i);
            fail = 1;
        }
        if (i < 3) {
            printf("vector %d\n", i);
            oracle_hex("priv", kp.priv, 32);
            oracle_hex("pub ", kp.pub, 32);
            oracle_hex("msg ", msg, mlen);
            oracle_hex("sig ", signal_buffer_data(sig), 64);
        }
        signal_buffer_free(sig);
        SIGNAL_UNREF(priv);
        SIGNAL_UNREF(pub);
    }
    signal_context_destroy(ctx);
    printf(fail ? "xeddsa_oracle: FAIL\n" : "xeddsa_oracle: 40/40 both ways\n");
    return fail;
}
