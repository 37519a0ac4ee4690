/* keybundle — pre-key bundles. See keybundle.h. */
#include "wa/keybundle.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "wa/binnode.h"

struct binnode *
wa_keybundle_query(const char *id, const char *const *device_jids, size_t n, bool reason_identity)
{
    struct binnode *iq = binnode_new("iq"), *key;

    binnode_set_attr(iq, "id", id);
    binnode_set_attr(iq, "xmlns", "encrypt");
    binnode_set_attr(iq, "type", "get");
    binnode_set_attr(iq, "to", "@s.whatsapp.net");
    key = binnode_add(iq, "key");
    for (size_t i = 0; i < n; i++) {
        struct binnode *u = binnode_add(key, "user");

        binnode_set_attr(u, "jid", device_jids[i]);
        if (reason_identity)
            binnode_set_attr(u, "reason", "identity");
    }
    return iq;
}

/* The bytes of child tag of n, which must be exactly want long. */
static const unsigned char *
exact(const struct binnode *n, const char *tag, size_t want)
{
    const struct binnode *c = n ? binnode_child(n, tag) : NULL;
    const unsigned char *p;
    size_t len = 0;

    if (c == NULL || binnode_kind(c) != BINNODE_BYTES || (p = binnode_content(c, &len)) == NULL ||
        len != want)
        return NULL;
    return p;
}

static uint32_t
be(const unsigned char *p, size_t n)
{
    uint32_t v = 0;

    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* <id>3 bytes</id><value>32 bytes</value>, the common part of <key> and <skey>. */
static bool
id_value(const struct binnode *k, uint32_t *id, uint8_t val[32])
{
    const unsigned char *pid = exact(k, "id", 3), *pv = exact(k, "value", 32);

    if (pid == NULL || pv == NULL)
        return false;
    *id = be(pid, 3);
    memcpy(val, pv, 32);
    return true;
}

int
wa_keybundle_parse_keys(const struct binnode *n, const struct binnode *reg_holder,
                        struct wa_keybundle *b, struct err *e)
{
    const unsigned char *reg = exact(reg_holder ? reg_holder : n, "registration", 4);
    const unsigned char *type = exact(n, "type", 1), *ident = exact(n, "identity", 32);
    const struct binnode *skey = binnode_child(n, "skey"), *key = binnode_child(n, "key");
    const unsigned char *sig = exact(skey, "signature", 64);

    if (reg == NULL || type == NULL || type[0] != 5 || ident == NULL)
        return err_set(e, RC_INVAL, "paquete de claves: registro, tipo o identidad inválidos");
    if (sig == NULL || !id_value(skey, &b->skey_id, b->skey))
        return err_set(e, RC_INVAL, "paquete de claves: clave firmada inválida");
    b->regid = be(reg, 4);
    memcpy(b->identity, ident, 32);
    memcpy(b->skey_sig, sig, 64);
    b->has_prekey = key != NULL;
    if (key != NULL && !id_value(key, &b->prekey_id, b->prekey))
        return err_set(e, RC_INVAL, "paquete de claves: pre-clave inválida");
    return RC_OK;
}

static int
parse_user(const struct binnode *u, struct wa_keybundle *b, struct err *e)
{
    const struct binnode *er = binnode_child(u, "error");

    memset(b, 0, sizeof *b);
    if (wa_jid_parse(binnode_attr(u, "jid"), &b->jid, e) != RC_OK)
        return RC_INVAL;
    if (er != NULL) {
        const char *code = binnode_attr(er, "code");
        long v = code ? strtol(code, NULL, 10) : 0;

        b->error = v > 0 && v < 1000 ? (int)v : 500;
        return RC_OK;
    }
    return wa_keybundle_parse_keys(u, NULL, b, e);
}

int
wa_keybundle_parse(const struct binnode *iq, struct wa_keybundle_list *out, struct err *e)
{
    const char *type = binnode_attr(iq, "type");
    const struct binnode *list = binnode_child(iq, "list"), *u = NULL;
    int rc = RC_OK;

    out->n = 0;
    if (type == NULL || strcmp(type, "result") != 0 || list == NULL)
        return err_set(e, RC_INVAL, "paquete de claves: respuesta sin lista");
    while (rc == RC_OK && (u = binnode_child_next(list, "user", u)) != NULL) {
        if (out->n >= WA_KEYBUNDLE_MAX)
            rc = err_set(e, RC_INVAL, "paquete de claves: demasiados usuarios");
        else
            rc = parse_user(u, &out->b[out->n++], e);
    }
    if (rc != RC_OK)
        out->n = 0;
    return rc;
}
