/*
 * rng — a small deterministic pseudo-random source (splitmix64) for core policy.
 *
 * Core never calls rand() or time(): jitter, gaps, spintax choices and the simulated
 * network draw from a struct rng the caller seeds, so a seed reproduces a run. Not for
 * secrets (crypto/secure.h is). One owner; no locking. Any thread may use its own rng.
 */
#ifndef CORE_RNG_H
#define CORE_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One million: probabilities are given in parts per million (ppm). */
#define RNG_PPM_ONE 1000000u

struct rng {
    uint64_t state;
};

/* Sets the state from seed; every seed (0 included) gives a usable sequence. */
void rng_seed(struct rng *r, uint64_t seed);

/* The next 64 uniformly distributed bits. */
uint64_t rng_next(struct rng *r);

/* A uniform value in [0, n); n must be > 0. Unbiased (rejection sampling). */
uint64_t rng_below(struct rng *r, uint64_t n);

/* A uniform value in [lo, hi] (inclusive); lo must be <= hi. */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi);

/* True with probability ppm / RNG_PPM_ONE (0 never draws true, >= RNG_PPM_ONE always). */
bool rng_chance(struct rng *r, uint32_t ppm);

/* A well-mixed 64-bit combination of a and b (for per-recipient seeds). Pure. */
uint64_t rng_mix(uint64_t a, uint64_t b);

/* A 64-bit hash of n bytes at p mixed with seed (FNV-1a then splitmix finaliser). Pure. */
uint64_t rng_hash(const void *p, size_t n, uint64_t seed);

#endif
