/* msgid — message ids and number normalisation. See msgid.h. */
#include "wa/msgid.h"

#include <stddef.h>
#include <string.h>

#include "core/import.h"
#include "crypto/digest.h"
#include "crypto/secure.h"

void
wa_msgid_v2(int64_t secs, const char *me_user, const uint8_t rnd[16], char out[WA_MSGID_LEN + 1])
{
    static const char hex[] = "0123456789ABCDEF";
    uint8_t buf[44] = { 0 }, h[DIGEST_SHA256_BYTES];
    uint64_t t = (uint64_t)secs;
    size_t n = me_user ? strlen(me_user) : 0;

    for (size_t i = 8; i-- > 0; t >>= 8)
        buf[i] = (uint8_t)t;
    if (n > 0) {
        /* Buffer.write stops at the end of the buffer; the zone is 20 bytes before rnd. */
        size_t un = n > 20 ? 20 : n, cn = un + 5 > 20 ? 20 - un : 5;

        memcpy(buf + 8, me_user, un);
        memcpy(buf + 8 + un, "@c.us", cn);
    }
    memcpy(buf + 28, rnd, 16);
    digest_sha256(h, buf, sizeof buf, NULL, 0);
    memcpy(out, "3EB0", 4);
    for (size_t i = 0; i < 9; i++) {
        out[4 + 2 * i] = hex[h[i] >> 4];
        out[5 + 2 * i] = hex[h[i] & 15];
    }
    out[WA_MSGID_LEN] = '\0';
}

void
wa_msgid_new(int64_t secs, const char *me_user, char out[WA_MSGID_LEN + 1])
{
    uint8_t rnd[16];

    secure_random(rnd, sizeof rnd);
    wa_msgid_v2(secs, me_user, rnd, out);
}

bool
wa_msgid_valid(const char *id)
{
    if (id == NULL || strlen(id) != WA_MSGID_LEN || strncmp(id, "3EB0", 4) != 0)
        return false;
    for (size_t i = 4; i < WA_MSGID_LEN; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'A' && id[i] <= 'F')))
            return false;
    return true;
}

bool
wa_number_normalize(const char *in, char out[WA_NUMBER_MAX])
{
    char mx[14], digits[WA_NUMBER_MAX];
    size_t n = 0;

    if (in == NULL)
        return false;
    for (const char *p = in; *p != '\0'; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n + 1 >= sizeof digits)
                return false;
            digits[n++] = *p;
        } else if (!strchr(" -.()", *p) && !(*p == '+' && p == in)) {
            return false;
        }
    }
    digits[n] = '\0';
    if (import_phone_normalize(in, mx)) {
        memcpy(out, mx + 1, 13); /* "+52" + 10 digits → "52…" */
        return true;
    }
    if (n < 8 || n > 15)
        return false;
    memcpy(out, digits, n + 1);
    return true;
}
