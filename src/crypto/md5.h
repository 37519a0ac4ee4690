/*
 * md5 — MD5 (RFC 1321) for the one place WhatsApp wants it: the registration payload's
 * buildHash = MD5("<primary>.<secondary>.<tertiary>") (guide §4.3). Not for security.
 *
 * Through OpenSSL's EVP interface (the MD5() shortcut is deprecated in OpenSSL 3).
 * Pure, safe on any thread.
 */
#ifndef CRYPTO_MD5_H
#define CRYPTO_MD5_H

#include <stddef.h>
#include <stdint.h>

struct err;

#define MD5_BYTES 16

/* out = MD5(data[0..len)); data may be NULL when len is 0. RC_OK, or RC_CRYPTO when OpenSSL
 * has no MD5 (a FIPS-only provider). */
int md5_digest(uint8_t out[MD5_BYTES], const void *data, size_t len, struct err *e)
    __attribute__((warn_unused_result));

#endif
