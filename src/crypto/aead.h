/*
 * aead — AES-256-GCM with a 12-byte IV and a 16-byte tag appended to the ciphertext.
 *
 * OpenSSL EVP underneath (libsodium's AES-GCM needs AES-NI). Pure functions, safe on
 * any thread. The key is borrowed for the call and never copied outside OpenSSL's
 * context, which is freed (and cleansed) before returning.
 */
#ifndef CRYPTO_AEAD_H
#define CRYPTO_AEAD_H

#include <stddef.h>
#include <stdint.h>

struct err;

#define AEAD_KEY_BYTES 32
#define AEAD_IV_BYTES  12
#define AEAD_TAG_BYTES 16
/* The largest plaintext accepted (OpenSSL counts in int). */
#define AEAD_MAX_BYTES ((size_t)0x7fffffff - AEAD_TAG_BYTES)

/* Writes ptlen + AEAD_TAG_BYTES bytes to out (ciphertext then tag). aad may be NULL when
 * aadlen is 0; out may equal pt. Returns RC_OK, RC_INVAL (too long) or RC_CRYPTO. */
int aead_gcm_seal(uint8_t *out, const uint8_t key[AEAD_KEY_BYTES], const uint8_t iv[AEAD_IV_BYTES],
                  const uint8_t *aad, size_t aadlen, const uint8_t *pt, size_t ptlen, struct err *e)
    __attribute__((warn_unused_result));

/* Checks the tag and writes ctlen - AEAD_TAG_BYTES bytes to out; out may equal ct.
 * Returns RC_OK, RC_INVAL (shorter than a tag or too long) or RC_CRYPTO (forged or
 * corrupted: out is zeroed, nothing unauthenticated escapes). */
int aead_gcm_open(uint8_t *out, const uint8_t key[AEAD_KEY_BYTES], const uint8_t iv[AEAD_IV_BYTES],
                  const uint8_t *aad, size_t aadlen, const uint8_t *ct, size_t ctlen, struct err *e)
    __attribute__((warn_unused_result));

#endif
