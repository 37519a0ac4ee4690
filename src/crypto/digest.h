/*
 * digest — SHA-256, SHA-512, HMAC-SHA256, HKDF-SHA256 (RFC 5869) and PBKDF2-HMAC-SHA256
 * (RFC 8018).
 *
 * Thin wrappers over libsodium; pure functions, safe on any thread. HKDF is built
 * on HMAC because libsodium 1.0.18 has none; PBKDF2 is OpenSSL's (libsodium has none
 * either). Outputs may hold secrets: callers wipe them.
 */
#ifndef CRYPTO_DIGEST_H
#define CRYPTO_DIGEST_H

#include <stddef.h>
#include <stdint.h>

struct err;

#define DIGEST_SHA256_BYTES 32
#define DIGEST_SHA512_BYTES 64
/* RFC 5869: L <= 255 * HashLen. */
#define DIGEST_HKDF_MAX_BYTES (255 * DIGEST_SHA256_BYTES)

/* out = SHA-256(a || b); b may be NULL when blen is 0. out may alias a. */
void digest_sha256(uint8_t out[DIGEST_SHA256_BYTES], const uint8_t *a, size_t alen,
                   const uint8_t *b, size_t blen);

/* out = SHA-512(a || b || c); any part may be NULL when its length is 0. */
void digest_sha512(uint8_t out[DIGEST_SHA512_BYTES], const uint8_t *a, size_t alen,
                   const uint8_t *b, size_t blen, const uint8_t *c, size_t clen);

/* out = HMAC-SHA256(key, msg). Any key length (including 0) is allowed. */
void digest_hmac_sha256(uint8_t out[DIGEST_SHA256_BYTES], const uint8_t *key, size_t keylen,
                        const uint8_t *msg, size_t msglen);

/* HKDF-SHA256 extract-and-expand into out[0..outlen). salt, ikm and info may be
 * empty (NULL with length 0). Returns RC_OK, or RC_INVAL when outlen is 0 or above
 * DIGEST_HKDF_MAX_BYTES. */
int digest_hkdf_sha256(uint8_t *out, size_t outlen, const uint8_t *salt, size_t saltlen,
                       const uint8_t *ikm, size_t ikmlen, const uint8_t *info, size_t infolen,
                       struct err *e) __attribute__((warn_unused_result));

/* PBKDF2-HMAC-SHA256 of the password into out[0..outlen) (WhatsApp's pairing code uses 131072
 * iterations). RC_OK, or RC_INVAL when outlen or iterations is 0 or a length is above
 * INT_MAX, or RC_CRYPTO when OpenSSL fails. */
int digest_pbkdf2_sha256(uint8_t *out, size_t outlen, const uint8_t *password, size_t passlen,
                         const uint8_t *salt, size_t saltlen, uint32_t iterations, struct err *e)
    __attribute__((warn_unused_result));

#endif
