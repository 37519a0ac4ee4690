/*
 * fecha — calendar dates as the api writes them ("AAAA-MM-DD"): whether one exists, and the
 * day number of one and back (proleptic Gregorian), so the panes that take or move a range of
 * dates (Estadísticas WA, Informe) count days without a clock or a time zone.
 *
 * Pure C; any thread.
 */
#ifndef VM_FECHA_H
#define VM_FECHA_H

#include <stdbool.h>

/* "AAAA-MM-DD" that exists (2026-02-30 does not; years from 1900) into days since
 * 1970-01-01. False, *out untouched, for anything else. */
bool fecha_dias(const char *s, long *out);

/* The date of day number dias (years 1900…9999) as "AAAA-MM-DD" into out (11 bytes). */
void fecha_texto(long dias, char *out);

#endif
