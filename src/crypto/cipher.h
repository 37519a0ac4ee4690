/*
 * cipher — AES-CBC with PKCS#7 padding and AES-CTR, plus incremental HMAC-SHA256 and
 * SHA-512 contexts: what libsignal-protocol-c's crypto provider needs (src/wa/signal).
 *
 * AES runs on OpenSSL EVP (libsodium has no AES-CBC/CTR); the hash contexts on libsodium,
 * held in secure_alloc() memory and wiped when freed. Keys of 16, 24 or 32 bytes, IVs of
 * 16. Pure functions, any thread; a context has one owner.
 */
#ifndef CRYPTO_CIPHER_H
#define CRYPTO_CIPHER_H

#include <stddef.h>
#include <stdint.h>

struct err;
struct cipher_hmac;
struct cipher_sha512;

#define CIPHER_IV_BYTES    16
#define CIPHER_BLOCK_BYTES 16
/* The longest input accepted (OpenSSL counts in int; one block of room for padding). */
#define CIPHER_MAX_BYTES ((size_t)0x7fffffff - CIPHER_BLOCK_BYTES)

enum cipher_mode { CIPHER_AES_CBC_PKCS7 = 0, CIPHER_AES_CTR = 1 };

/* Bytes cipher_encrypt writes for len bytes of plaintext in mode m. */
size_t cipher_out_len(enum cipher_mode m, size_t len);

/*
 * Encrypts (enc != 0) or decrypts in mode m. out must hold cipher_out_len(m, len) bytes
 * (for decryption len is enough); *outlen gets the bytes written. RC_OK; RC_INVAL (key
 * not 16/24/32 bytes, IV not 16, input too long, CBC ciphertext not a whole number of
 * blocks); RC_CRYPTO (bad PKCS#7 padding on decryption: out is zeroed).
 */
int cipher_aes(enum cipher_mode m, int enc, const uint8_t *key, size_t keylen, const uint8_t *iv,
               size_t ivlen, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen,
               struct err *e) __attribute__((warn_unused_result));

/* An HMAC-SHA256 computation over several updates; any key length. Never NULL. */
struct cipher_hmac *cipher_hmac_new(const uint8_t *key, size_t keylen);
void cipher_hmac_update(struct cipher_hmac *h, const uint8_t *data, size_t len);
/* Writes the 32-byte MAC; the context may not be updated again (free it). */
void cipher_hmac_final(struct cipher_hmac *h, uint8_t out[32]);
/* Wipes and frees. NULL-safe. */
void cipher_hmac_free(struct cipher_hmac *h);

/* A SHA-512 computation over several updates. Never NULL. final writes the digest and
 * resets the context for reuse (libsignal's contract). */
struct cipher_sha512 *cipher_sha512_new(void);
void cipher_sha512_update(struct cipher_sha512 *h, const uint8_t *data, size_t len);
void cipher_sha512_final(struct cipher_sha512 *h, uint8_t out[64]);
void cipher_sha512_free(struct cipher_sha512 *h);

#endif
