/*
 * jid — WhatsApp addresses ("user[:device]@server") parsed from hostile server strings.
 *
 * Only the forms a 1:1 text client meets are accepted: a user of 1..WA_JID_USER_MAX digits
 * (phone numbers and LIDs are decimal), an optional device 0..255 (the AD_JID byte), on
 * s.whatsapp.net or lid. Anything else (groups, agents, hosted devices, letters) is
 * RC_INVAL. Pure, any thread.
 */
#ifndef WA_JID_H
#define WA_JID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;

#define WA_JID_USER_MAX 20 /* digits */
#define WA_JID_MAX      48 /* "user:255@s.whatsapp.net" + NUL, with room */
#define WA_JID_PN       "s.whatsapp.net"
#define WA_JID_LID      "lid"

struct wa_jid {
    char user[WA_JID_USER_MAX + 1];
    uint32_t device; /* 0 when absent */
    bool lid;        /* server is "lid", else "s.whatsapp.net" */
};

/* Parses s into *j. RC_INVAL (e says why) for anything outside the forms above. */
int wa_jid_parse(const char *s, struct wa_jid *j, struct err *e)
    __attribute__((warn_unused_result));

/* Writes "user@server" (user_only or device 0) or "user:device@server" into out. */
void wa_jid_format(const struct wa_jid *j, bool user_only, char out[WA_JID_MAX]);

/* True when both name the same user on the same server (devices ignored). */
bool wa_jid_same_user(const struct wa_jid *a, const struct wa_jid *b);

/* Writes the user JID "digits@s.whatsapp.net" for a number of 1..20 digits; false when
 * digits is not that. */
bool wa_jid_from_number(const char *digits, char out[WA_JID_MAX]);

#endif
