/*
 * dinero — amounts of money as the database writes them (numeric(12, 2) as text,
 * "12500.50") turned into whole centavos, and centavos written as Mexicans read them
 * ("$12,500.50"). Integers all the way: a total of many sales never picks up binary rounding.
 * Pure functions; any thread.
 */
#ifndef CORE_DINERO_H
#define CORE_DINERO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Big enough for dinero_fmt of any int64_t: "-$92,233,720,368,547,758.07". */
#define DINERO_FMT_MAX 32

/*
 * "12500", "12500.5", "12500.50", "-3.10" → centavos in *out. false (and *out untouched) for
 * anything else: empty, blanks, more than two decimals, more than 15 integer digits, a sign
 * alone, exponents.
 */
bool dinero_centavos(const char *s, int64_t *out);

/* "$12,500.50", "-$3.10", "$0.00" into buf (size bytes, DINERO_FMT_MAX is always enough). */
const char *dinero_fmt(int64_t centavos, char *buf, size_t size);

/* The database's decimal text ("138500.00") as dinero_fmt writes it; text that is no amount
 * is written after a «$» as it is (cut to size). Returns buf. */
const char *dinero_texto(const char *decimal, char *buf, size_t size);

#endif
