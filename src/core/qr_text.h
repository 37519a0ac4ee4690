/*
 * qr_text — a QR code drawn as terminal text with Unicode half blocks.
 *
 * Each text row carries two module rows: "█" both halves lit, "▀" top, "▄" bottom, " "
 * none. "Lit" is the light (white) module by default, for the usual light-on-dark
 * terminal: the code then reads as dark modules on a lit background, which phones scan.
 * A quiet zone of light modules surrounds the symbol. Pure computation over libqrencode
 * (ECC level L, 8-bit mode); any thread.
 */
#ifndef CORE_QR_TEXT_H
#define CORE_QR_TEXT_H

#include <stdbool.h>

struct err;

/* Quiet zone (modules on each side): the QR standard asks for 4. */
#define QR_TEXT_QUIET 4

/* Renders data as lines ending in "\n" into *out (the caller frees it). dark_lit: draw the
 * dark modules instead (for dark-on-light terminals). quiet: 0..16 modules. RC_OK, or
 * RC_INVAL (empty data, too long for a QR code, quiet out of range). */
int qr_text_render(const char *data, bool dark_lit, int quiet, char **out, struct err *e)
    __attribute__((warn_unused_result));

#endif
