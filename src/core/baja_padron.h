/*
 * baja_padron — what a promoter reads of a client the lender no longer lists (sql/086's
 * BAJA_PADRON block, shown since sql/087): one sentence with its glyph and the date, the same
 * in Detalle and in `embudo oportunidad N`. Pure data; any thread.
 */
#ifndef CORE_BAJA_PADRON_H
#define CORE_BAJA_PADRON_H

#include <stdbool.h>
#include <stddef.h>

/* "⚠ El cliente ya no está en el padrón del convenio"; ascii writes "!" for the glyph. */
const char *baja_padron_aviso(bool ascii);

/* "⚠" ("!" in ASCII): the mark before the client's name on the embudo's cards and the
 * bandeja's rows (sql/091). */
const char *baja_padron_glyph(bool ascii);

/* "⚠ Baja del padrón" ("! Baja del padrón"): what the mark means, in a footer. */
const char *baja_padron_marca(bool ascii);

/*
 * The aviso and its date, "⚠ El cliente ya no está en el padrón del convenio (baja del
 * 12/11/2026)", fecha written as given, into buf (truncated to bufsz). Returns buf.
 */
char *baja_padron_fmt(char *buf, size_t bufsz, const char *fecha, bool ascii);

#endif
