#include "crypto/secure.h"

#include <string.h>

#include <sodium.h>

#include "util/xmalloc.h"

/* sodium_init() is idempotent and thread-safe, so calling it on entry is enough. */
static void
secure_ensure_init(void)
{
    if (sodium_init() < 0)
        fatal("no se pudo inicializar libsodium");
}

void
secure_random(void *buf, size_t n)
{
    secure_ensure_init();
    randombytes_buf(buf, n);
}

void
secure_wipe(void *p, size_t n)
{
    if (p == NULL || n == 0)
        return;
    sodium_memzero(p, n);
}

void *
secure_alloc(size_t n)
{
    void *p;

    secure_ensure_init();
    p = sodium_malloc(n == 0 ? 1 : n);
    if (p == NULL)
        fatal("sin memoria protegida (%zu bytes)", n);
    memset(p, 0, n == 0 ? 1 : n);
    return p;
}

void
secure_free(void *p)
{
    sodium_free(p); /* wipes, and is NULL-safe */
}

bool
secure_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}
