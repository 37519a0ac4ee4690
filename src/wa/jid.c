/* jid — WhatsApp addresses. See jid.h. */
#include "wa/jid.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

static bool
all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Parses the device part (1..3 digits, no leading zero unless "0", at most 255). */
static bool
parse_device(const char *s, size_t n, uint32_t *out)
{
    uint32_t v = 0;

    if (n == 0 || n > 3 || !all_digits(s, n) || (n > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (uint32_t)(s[i] - '0');
    if (v > 255)
        return false;
    *out = v;
    return true;
}

int
wa_jid_parse(const char *s, struct wa_jid *j, struct err *e)
{
    const char *at, *colon;
    size_t ulen;

    memset(j, 0, sizeof *j);
    if (s == NULL || (at = strchr(s, '@')) == NULL)
        return err_set(e, RC_INVAL, "jid inválido: falta '@'");
    if (strcmp(at + 1, WA_JID_PN) == 0)
        j->lid = false;
    else if (strcmp(at + 1, WA_JID_LID) == 0)
        j->lid = true;
    else
        return err_set(e, RC_INVAL, "jid inválido: servidor no admitido");
    colon = memchr(s, ':', (size_t)(at - s));
    ulen = (size_t)((colon ? colon : at) - s);
    if (ulen > WA_JID_USER_MAX || !all_digits(s, ulen))
        return err_set(e, RC_INVAL, "jid inválido: usuario no numérico");
    memcpy(j->user, s, ulen);
    j->user[ulen] = '\0';
    if (colon != NULL && !parse_device(colon + 1, (size_t)(at - colon - 1), &j->device))
        return err_set(e, RC_INVAL, "jid inválido: dispositivo");
    return RC_OK;
}

void
wa_jid_format(const struct wa_jid *j, bool user_only, char out[WA_JID_MAX])
{
    const char *srv = j->lid ? WA_JID_LID : WA_JID_PN;

    if (user_only || j->device == 0)
        snprintf(out, WA_JID_MAX, "%s@%s", j->user, srv);
    else
        snprintf(out, WA_JID_MAX, "%s:%u@%s", j->user, (unsigned)j->device, srv);
}

bool
wa_jid_same_user(const struct wa_jid *a, const struct wa_jid *b)
{
    return a->lid == b->lid && strcmp(a->user, b->user) == 0;
}

bool
wa_jid_from_number(const char *digits, char out[WA_JID_MAX])
{
    size_t n = strlen(digits);

    if (n > WA_JID_USER_MAX || !all_digits(digits, n))
        return false;
    snprintf(out, WA_JID_MAX, "%s@%s", digits, WA_JID_PN);
    return true;
}
