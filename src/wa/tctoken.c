/* tctoken — privacy token notifications, expiry, issue. See tctoken.h. */
#include "wa/tctoken.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "wa/binnode.h"

bool
wa_tctoken_is_note(const struct binnode *n)
{
    const char *type = binnode_attr(n, "type");

    return strcmp(binnode_tag(n), "notification") == 0 && type != NULL &&
           strcmp(type, "privacy_token") == 0;
}

/* A user JID (no device) on either server. */
static int
user_jid(const char *s, struct wa_jid *j, const char *what, struct err *e)
{
    if (s == NULL)
        return err_set(e, RC_INVAL, "token de privacidad: falta %s", what);
    if (wa_jid_parse(s, j, NULL) != RC_OK)
        return err_set(e, RC_INVAL, "token de privacidad: %s inválido", what);
    j->device = 0;
    return RC_OK;
}

/* t: 1..18 decimal digits, > 0. */
static bool
parse_t(const char *s, int64_t *t)
{
    int64_t v = 0;
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n > 18)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *t = v;
    return v > 0;
}

static int
parse_tokens(const struct binnode *tokens, struct wa_tctoken_note *out, struct err *e)
{
    const struct binnode *tk = NULL;

    while ((tk = binnode_child_next(tokens, "token", tk)) != NULL) {
        const char *type = binnode_attr(tk, "type");
        const unsigned char *data;
        struct wa_tctoken *x;
        size_t len = 0;

        if (type == NULL || strcmp(type, "trusted_contact") != 0)
            continue; /* other kinds are not ours to use */
        if (out->n == WA_TCTOKENS_MAX)
            return err_set(e, RC_INVAL, "token de privacidad: más de %d", WA_TCTOKENS_MAX);
        x = &out->tok[out->n];
        data = binnode_kind(tk) == BINNODE_BYTES ? binnode_content(tk, &len) : NULL;
        if (data == NULL || len == 0 || len > WA_TCTOKEN_BYTES_MAX)
            return err_set(e, RC_INVAL, "token de privacidad: contenido de %zu bytes", len);
        if (!parse_t(binnode_attr(tk, "t"), &x->t))
            return err_set(e, RC_INVAL, "token de privacidad: t inválido");
        memcpy(x->data, data, len);
        x->len = len;
        out->n++;
    }
    return RC_OK;
}

int
wa_tctoken_parse(const struct binnode *n, struct wa_tctoken_note *out, struct err *e)
{
    const struct binnode *tokens;
    const char *sl;
    int rc;

    memset(out, 0, sizeof *out);
    if (!wa_tctoken_is_note(n))
        return err_set(e, RC_INVAL, "no es una notificación de token de privacidad");
    if ((rc = user_jid(binnode_attr(n, "from"), &out->from, "el remitente", e)) != RC_OK)
        goto fail;
    sl = binnode_attr(n, "sender_lid");
    if (sl != NULL) {
        if ((rc = user_jid(sl, &out->sender_lid, "sender_lid", e)) != RC_OK)
            goto fail;
        if (!out->sender_lid.lid) {
            rc = err_set(e, RC_INVAL, "token de privacidad: sender_lid no es un LID");
            goto fail;
        }
        out->has_sender_lid = true;
    }
    if ((tokens = binnode_child(n, "tokens")) == NULL) {
        rc = err_set(e, RC_INVAL, "token de privacidad: falta <tokens>");
        goto fail;
    }
    if ((rc = parse_tokens(tokens, out, e)) == RC_OK)
        return RC_OK;
fail:
    memset(out, 0, sizeof *out);
    return rc;
}

const struct wa_tctoken *
wa_tctoken_newest(const struct wa_tctoken_note *note)
{
    const struct wa_tctoken *best = NULL;

    for (size_t i = 0; i < note->n; i++)
        if (best == NULL || note->tok[i].t > best->t)
            best = &note->tok[i];
    return best;
}

bool
wa_tctoken_expired(int64_t t_s, int64_t now_s)
{
    int64_t cutoff = (now_s / WA_TCTOKEN_BUCKET_S - (WA_TCTOKEN_BUCKETS - 1)) * WA_TCTOKEN_BUCKET_S;

    return t_s < cutoff;
}

struct binnode *
wa_tctoken_issue(const char *id, const char *peer_jid, int64_t t_s)
{
    struct binnode *iq = binnode_new("iq"), *tok;
    char t[24];

    binnode_set_attr(iq, "id", id);
    binnode_set_attr(iq, "to", "@s.whatsapp.net");
    binnode_set_attr(iq, "type", "set");
    binnode_set_attr(iq, "xmlns", "privacy");
    tok = binnode_add(binnode_add(iq, "tokens"), "token");
    snprintf(t, sizeof t, "%lld", (long long)t_s);
    binnode_set_attr(tok, "jid", peer_jid);
    binnode_set_attr(tok, "t", t);
    binnode_set_attr(tok, "type", "trusted_contact");
    return iq;
}
