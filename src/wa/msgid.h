/*
 * msgid — message ids and number normalisation for WhatsApp sends (guide §7.5, §10).
 *
 * Message ids follow Baileys' generateMessageIDV2: "3EB0" + the first 9 bytes of
 * SHA-256(8-byte BE unix seconds ‖ "<user>@c.us" in a 20-byte zone ‖ 16 random bytes) as
 * uppercase hex: 22 characters, which the binary codec packs as HEX_8. Pure given the
 * random bytes; wa_msgid_new draws them from the CSPRNG. Any thread.
 */
#ifndef WA_MSGID_H
#define WA_MSGID_H

#include <stdbool.h>
#include <stdint.h>

#define WA_MSGID_LEN  22
#define WA_NUMBER_MAX 21 /* 20 digits + NUL */

/* The id for our user digits (may be "" or NULL) at unix time secs with rnd. */
void wa_msgid_v2(int64_t secs, const char *me_user, const uint8_t rnd[16],
                 char out[WA_MSGID_LEN + 1]);

/* Same with 16 fresh random bytes. */
void wa_msgid_new(int64_t secs, const char *me_user, char out[WA_MSGID_LEN + 1]);

/* True when id has the shape of ours: "3EB0" and 18 uppercase hex digits. */
bool wa_msgid_valid(const char *id);

/*
 * Normalises a phone number written in E.164 (a leading '+', spaces, dashes, dots and
 * parentheses allowed) into bare digits: a Mexican number (+52, 52 1, 044…, or ten
 * national digits, core/import's rule) becomes "52" + ten digits, any other number of
 * 8..15 digits passes through unchanged. False when it is neither.
 */
bool wa_number_normalize(const char *in, char out[WA_NUMBER_MAX]);

#endif
