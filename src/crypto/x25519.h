/*
 * x25519 — Curve25519 Diffie-Hellman (RFC 7748) with 32-byte keys, no 0x05 prefix.
 *
 * Pure functions over libsodium, safe on any thread. A private key is secret: keep
 * the struct in secure_alloc() memory or wipe it with secure_wipe() after use.
 */
#ifndef CRYPTO_X25519_H
#define CRYPTO_X25519_H

#include <stdint.h>

struct err;

#define X25519_KEY_BYTES 32

struct x25519_keypair {
    uint8_t pub[X25519_KEY_BYTES];
    uint8_t priv[X25519_KEY_BYTES]; /* clamped, as libsignal and Baileys store it */
};

/* Fills kp with a fresh random key pair. Never fails. */
void x25519_keypair_gen(struct x25519_keypair *kp);

/* Sets kp->priv to priv clamped and kp->pub to its public key. Returns RC_OK or RC_CRYPTO. */
int x25519_keypair_from_priv(struct x25519_keypair *kp, const uint8_t priv[X25519_KEY_BYTES],
                             struct err *e) __attribute__((warn_unused_result));

/* shared = X25519(priv, pub). Returns RC_OK, or RC_CRYPTO when pub is a low-order point
 * (the result would be all zeros); shared is then zeroed. */
int x25519_dh(uint8_t shared[X25519_KEY_BYTES], const uint8_t priv[X25519_KEY_BYTES],
              const uint8_t pub[X25519_KEY_BYTES], struct err *e)
    __attribute__((warn_unused_result));

#endif
