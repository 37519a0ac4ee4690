/*
 * hex — hexadecimal digits both ways: the value of one digit (either case) and bytes written
 * as lowercase digits. For escapes (core/http1), signatures (wa/cloud/graph), keys
 * (wa/cert), bytea text (db) and the fakes. Pure; any thread.
 */
#ifndef UTIL_HEX_H
#define UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

/* 0…15 for '0'…'9', 'a'…'f', 'A'…'F'; -1 for anything else. */
int hex_digit(char c);

/* The n bytes at p as 2n lowercase digits and a NUL into out (2n + 1 bytes). */
void hex_encode(char *out, const uint8_t *p, size_t n);

#endif
