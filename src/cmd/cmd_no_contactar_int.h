/*
 * cmd_no_contactar_int — what `embudo no-contactar`'s files share (cmd_no_contactar.c: the
 * one-number actions, lista and resumen; cmd_no_contactar_importar.c: the batch load):
 * argument checks done in C before connecting, the server's timestamps and plural words.
 * Main thread. Not a public header.
 */
#ifndef CMD_CMD_NO_CONTACTAR_INT_H
#define CMD_CMD_NO_CONTACTAR_INT_H

#include <stdbool.h>
#include <time.h>

struct cmd_ctx;
struct cmd_entry;

/* The fuente in upper case: REUS, REPEP or (when solicitud) SOLICITUD. 0, or 2 after usage. */
int nc_fuente_arg(const struct cmd_entry *entry, const char *s, bool solicitud, char out[12]);

/* A Mexican phone as +52 and ten digits (import_phone_normalize). 0, or 2 after usage. */
int nc_telefono_arg(const struct cmd_entry *entry, const char *s, char out[14]);

/*
 * A timestamptz as the server prints it ("2028-03-15 06:00:00+00", maybe with fractions of a
 * second and a ±HH:MM offset) into *out. False (nothing changed) for NULL or another shape.
 */
bool nc_ts_parse(const char *s, time_t *out);

/* uno when n is 1, else varios: counts read in singular and plural. */
const char *nc_plural(long long n, const char *uno, const char *varios);

/* `no-contactar importar ARCHIVO.csv|- --fuente REUS|REPEP …` (cmd_no_contactar_importar.c);
 * argv starts after "importar". Returns the exit status. */
int nc_importar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv);

#endif
