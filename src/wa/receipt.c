/* receipt — receipts and acks. See receipt.h. */
#include "wa/receipt.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "wa/binnode.h"

static const struct {
    const char *type;
    enum wa_receipt_kind kind;
} kinds[] = {
    { "read", WA_RECEIPT_READ },         { "read-self", WA_RECEIPT_READ_SELF },
    { "played", WA_RECEIPT_PLAYED },     { "sender", WA_RECEIPT_SENDER },
    { "inactive", WA_RECEIPT_INACTIVE }, { "retry", WA_RECEIPT_RETRY },
};

int
wa_receipt_status(enum wa_receipt_kind k)
{
    switch (k) {
    case WA_RECEIPT_DELIVERY:
        return 3;
    case WA_RECEIPT_READ:
    case WA_RECEIPT_READ_SELF:
        return 4;
    case WA_RECEIPT_PLAYED:
        return 5;
    case WA_RECEIPT_SENDER:
    case WA_RECEIPT_INACTIVE:
    case WA_RECEIPT_RETRY:
    case WA_RECEIPT_OTHER:
        return 0;
    }
    return 0;
}

static bool
id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;

    if (n == 0 || n > WA_RECEIPT_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (id[i] <= ' ' || id[i] > '~')
            return false;
    return true;
}

/* A decimal of 1..max_digits digits into *v; absent (NULL) leaves *v alone. */
static bool
decimal(const char *s, size_t max_digits, int64_t *v)
{
    int64_t x = 0;
    size_t n;

    if (s == NULL)
        return true;
    n = strlen(s);
    if (n == 0 || n > max_digits)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

static int
add_id(struct wa_receipt *r, const char *id, struct err *e)
{
    if (!id_ok(id))
        return err_set(e, RC_INVAL, "recibo: id inválido");
    if (r->nids >= WA_RECEIPT_IDS_MAX)
        return err_set(e, RC_INVAL, "recibo: demasiados ids");
    strcpy(r->ids[r->nids++], id);
    return RC_OK;
}

static int
opt_jid(const struct binnode *n, const char *key, bool *has, struct wa_jid *j, struct err *e)
{
    const char *v = binnode_attr(n, key);

    *has = v != NULL;
    return v == NULL ? RC_OK : wa_jid_parse(v, j, e);
}

/* <retry count id t v/>, <registration>, optional <keys>. */
static int
parse_retry(const struct binnode *n, struct wa_receipt *r, struct err *e)
{
    const struct binnode *retry = binnode_child(n, "retry"), *keys = binnode_child(n, "keys");
    const struct binnode *reg = binnode_child(n, "registration");
    const unsigned char *p;
    int64_t count = 1;
    size_t len = 0;

    if (retry == NULL || !decimal(binnode_attr(retry, "count"), 3, &count) || count < 1)
        return err_set(e, RC_INVAL, "recibo de reintento sin <retry count> válido");
    r->retry_count = (uint32_t)count;
    if (reg != NULL) {
        if ((p = binnode_content(reg, &len)) == NULL || len != 4)
            return err_set(e, RC_INVAL, "recibo de reintento: registro inválido");
        r->regid = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        r->has_regid = true;
    }
    if (keys != NULL) {
        if (wa_keybundle_parse_keys(keys, n, &r->keys, e) != RC_OK)
            return RC_INVAL;
        r->keys.jid = r->has_participant ? r->participant : r->from;
        r->has_keys = true;
    }
    return RC_OK;
}

static int
parse_ids(const struct binnode *n, struct wa_receipt *r, struct err *e)
{
    const struct binnode *list = binnode_child(n, "list"), *it = NULL;

    if (add_id(r, binnode_attr(n, "id"), e) != RC_OK)
        return RC_INVAL;
    while (list != NULL && (it = binnode_child_next(list, "item", it)) != NULL)
        if (add_id(r, binnode_attr(it, "id"), e) != RC_OK)
            return RC_INVAL;
    return RC_OK;
}

int
wa_receipt_parse(const struct binnode *n, struct wa_receipt *r, struct err *e)
{
    const char *type = binnode_attr(n, "type");

    memset(r, 0, sizeof *r);
    if (strcmp(binnode_tag(n), "receipt") != 0)
        return err_set(e, RC_INVAL, "no es un recibo");
    r->kind = type == NULL ? WA_RECEIPT_DELIVERY : WA_RECEIPT_OTHER;
    if (type != NULL) {
        snprintf(r->type, sizeof r->type, "%s", type);
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (strcmp(type, kinds[i].type) == 0)
                r->kind = kinds[i].kind;
    }
    if (wa_jid_parse(binnode_attr(n, "from"), &r->from, e) != RC_OK ||
        opt_jid(n, "participant", &r->has_participant, &r->participant, e) != RC_OK ||
        opt_jid(n, "recipient", &r->has_recipient, &r->recipient, e) != RC_OK)
        return err_wrap(e, "recibo");
    if (!decimal(binnode_attr(n, "t"), 12, &r->t))
        return err_set(e, RC_INVAL, "recibo: t inválido");
    if (parse_ids(n, r, e) != RC_OK)
        return RC_INVAL;
    return r->kind == WA_RECEIPT_RETRY ? parse_retry(n, r, e) : RC_OK;
}

int
wa_ack_parse(const struct binnode *n, struct wa_ack *a, struct err *e)
{
    const char *cls = binnode_attr(n, "class"), *id = binnode_attr(n, "id");
    const char *from = binnode_attr(n, "from");
    int64_t err = 0;

    memset(a, 0, sizeof *a);
    if (strcmp(binnode_tag(n), "ack") != 0 || cls == NULL || strlen(cls) >= sizeof a->cls)
        return err_set(e, RC_INVAL, "ack sin clase");
    if (!id_ok(id))
        return err_set(e, RC_INVAL, "ack: id inválido");
    if (from != NULL && strlen(from) >= sizeof a->from)
        return err_set(e, RC_INVAL, "ack: from demasiado largo");
    if (!decimal(binnode_attr(n, "error"), 4, &err) || !decimal(binnode_attr(n, "t"), 12, &a->t))
        return err_set(e, RC_INVAL, "ack: error o t inválidos");
    strcpy(a->cls, cls);
    strcpy(a->id, id);
    if (from != NULL)
        strcpy(a->from, from);
    a->error = (int)err;
    return RC_OK;
}

static struct binnode *
reply_base(const char *tag, const struct binnode *n)
{
    const char *id = binnode_attr(n, "id"), *from = binnode_attr(n, "from");
    struct binnode *r;

    if (id == NULL || from == NULL)
        return NULL;
    r = binnode_new(tag);
    binnode_set_attr(r, "id", id);
    binnode_set_attr(r, "to", from);
    return r;
}

struct binnode *
wa_ack_for(const struct binnode *n)
{
    static const char *const copy[] = { "participant", "recipient", "type" };
    struct binnode *ack = reply_base("ack", n);

    if (ack == NULL)
        return NULL;
    binnode_set_attr(ack, "class", binnode_tag(n));
    for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++)
        if (binnode_attr(n, copy[i]) != NULL)
            binnode_set_attr(ack, copy[i], binnode_attr(n, copy[i]));
    return ack;
}

struct binnode *
wa_nack_message(const struct binnode *n, const char *me, int code)
{
    struct binnode *ack = reply_base("ack", n);
    char buf[16];

    if (ack == NULL)
        return NULL;
    binnode_set_attr(ack, "class", "message");
    if (binnode_attr(n, "participant") != NULL)
        binnode_set_attr(ack, "participant", binnode_attr(n, "participant"));
    if (me != NULL)
        binnode_set_attr(ack, "from", me);
    if (code != 0) {
        snprintf(buf, sizeof buf, "%d", code);
        binnode_set_attr(ack, "error", buf);
    }
    return ack;
}

struct binnode *
wa_receipt_for_message(const struct binnode *n, const char *type)
{
    struct binnode *r = reply_base("receipt", n);

    if (r == NULL)
        return NULL;
    if (binnode_attr(n, "participant") != NULL)
        binnode_set_attr(r, "participant", binnode_attr(n, "participant"));
    if (type != NULL)
        binnode_set_attr(r, "type", type);
    return r;
}
