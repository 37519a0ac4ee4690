/*
 * secure — random bytes, secret memory and constant-time comparison.
 *
 * The only door to libsodium's memory helpers for the layers above (wa/ may not
 * include <sodium.h>). Any thread may call these; libsodium is initialised lazily
 * and a failure to initialise it is fatal (nothing cryptographic can run without it).
 */
#ifndef CRYPTO_SECURE_H
#define CRYPTO_SECURE_H

#include <stdbool.h>
#include <stddef.h>

/* Fills buf with n bytes from the system CSPRNG. Never fails. */
void secure_random(void *buf, size_t n);

/* Overwrites n bytes at p with zeros in a way the compiler cannot elide. NULL-safe when n is 0. */
void secure_wipe(void *p, size_t n);

/* Guarded, locked, zero-filled memory for keys (sodium_malloc); never NULL (fatal on failure).
 * Free it with secure_free(), which wipes it. */
void *secure_alloc(size_t n);

/* Wipes and releases memory from secure_alloc(). secure_free(NULL) is a no-op. */
void secure_free(void *p);

/* True when the n bytes at a and b are equal, in time independent of their contents. */
bool secure_equal(const void *a, const void *b, size_t n);

#endif
