/*
 * tokens — WhatsApp's binary-node token dictionaries: read-only data, any thread.
 *
 * tokens.c is generated from the pinned Baileys package by tests/interop/gen-tokens.mjs and
 * checked in; tests/interop/check-tokens.sh proves it is current. Only binnode.c and tests
 * should need these tables; everyone else goes through binnode.h.
 */
#ifndef WA_TOKENS_H
#define WA_TOKENS_H

enum {
    TOKENS_SINGLE_COUNT = 236, /* single-byte tokens 1..235; entry 0 is "" and never used */
    TOKENS_DICT_COUNT = 4,     /* DICTIONARY_0..3 */
    TOKENS_DICT_SIZE = 256,    /* entries per double-byte dictionary */
    TOKENS_SORTED_COUNT = 235 + 4 * 256,
};

/* One token: dict is -1 for the single-byte table, else 0..3; index is its byte. */
struct tokens_entry {
    const char *s;
    int dict;
    int index;
};

extern const char *const tokens_single[TOKENS_SINGLE_COUNT];
extern const char *const tokens_double[TOKENS_DICT_COUNT][TOKENS_DICT_SIZE];
/* Every token once, sorted by memcmp order of the strings. */
extern const struct tokens_entry tokens_sorted[TOKENS_SORTED_COUNT];

#endif
