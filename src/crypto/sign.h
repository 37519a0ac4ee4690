/*
 * sign — Ed25519 verification and XEdDSA signatures over Curve25519 keys.
 *
 * XEdDSA (Signal's spec, "The XEdDSA and VXEdDSA Signature Schemes", rev. 1) lets an
 * X25519 key pair sign: WhatsApp's certificate chain, pairing and Signal pre-keys all use
 * it. Verification follows libsignal (and so Baileys and whatsmeow): the Edwards sign bit
 * travels in the top bit of the signature's last byte, and signatures made by older
 * libsignal versions (sign bit set) verify too. Pure functions, safe on any thread.
 */
#ifndef CRYPTO_SIGN_H
#define CRYPTO_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGN_KEY_BYTES 32
#define SIGN_BYTES     64
/* XEdDSA's per-signature random input Z. */
#define SIGN_NONCE_BYTES 64

/* True when sig is a valid Ed25519 (RFC 8032) signature of msg under the Edwards key pk. */
bool sign_ed25519_verify(const uint8_t pk[SIGN_KEY_BYTES], const uint8_t *msg, size_t len,
                         const uint8_t sig[SIGN_BYTES]);

/* True when sig is a valid XEdDSA signature of msg under the Montgomery (X25519) public
 * key u. Rejects u >= p and u = -1 (no Edwards point). */
bool sign_xeddsa_verify(const uint8_t u[SIGN_KEY_BYTES], const uint8_t *msg, size_t len,
                        const uint8_t sig[SIGN_BYTES]);

/* Signs msg with the X25519 private key priv (clamped here), using the 64 random bytes z
 * (NULL: drawn from the CSPRNG; pass fixed bytes only for test vectors). Writes sig.
 * Returns RC_OK or RC_CRYPTO (a degenerate key). Secrets are wiped before returning. */
struct err;
int sign_xeddsa(uint8_t sig[SIGN_BYTES], const uint8_t priv[SIGN_KEY_BYTES], const uint8_t *msg,
                size_t len, const uint8_t z[SIGN_NONCE_BYTES], struct err *e)
    __attribute__((warn_unused_result));

#endif
