#include "core/rng.h"

#include <assert.h>

/* The splitmix64 finaliser: a bijection with good avalanche on all 64 bits. */
static uint64_t
mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void
rng_seed(struct rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t
rng_next(struct rng *r)
{
    r->state += UINT64_C(0x9e3779b97f4a7c15);
    return mix64(r->state);
}

uint64_t
rng_below(struct rng *r, uint64_t n)
{
    uint64_t limit, x;

    assert(n > 0);
    /* Reject the top partial copy of [0, n) so every residue is equally likely. */
    limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;
    do
        x = rng_next(r);
    while (x > limit);
    return x % n;
}

int64_t
rng_range(struct rng *r, int64_t lo, int64_t hi)
{
    uint64_t span;

    assert(lo <= hi);
    span = (uint64_t)hi - (uint64_t)lo;
    if (span == UINT64_MAX)
        return (int64_t)rng_next(r);
    return (int64_t)((uint64_t)lo + rng_below(r, span + 1));
}

bool
rng_chance(struct rng *r, uint32_t ppm)
{
    if (ppm == 0)
        return false;
    if (ppm >= RNG_PPM_ONE)
        return true;
    return rng_below(r, RNG_PPM_ONE) < ppm;
}

uint64_t
rng_mix(uint64_t a, uint64_t b)
{
    return mix64(a ^ mix64(b + UINT64_C(0x9e3779b97f4a7c15)));
}

uint64_t
rng_hash(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = UINT64_C(0xcbf29ce484222325);

    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return rng_mix(h, seed);
}
