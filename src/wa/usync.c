/* usync — user-sync queries and replies. See usync.h. */
#include "wa/usync.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "wa/binnode.h"

static struct binnode *
usync_iq(const char *id, const char *sid, const char *context, struct binnode **query,
         struct binnode **list)
{
    struct binnode *iq = binnode_new("iq"), *us;

    binnode_set_attr(iq, "id", id);
    binnode_set_attr(iq, "to", "@s.whatsapp.net");
    binnode_set_attr(iq, "type", "get");
    binnode_set_attr(iq, "xmlns", "usync");
    us = binnode_add(iq, "usync");
    binnode_set_attr(us, "context", context);
    binnode_set_attr(us, "mode", "query");
    binnode_set_attr(us, "sid", sid);
    binnode_set_attr(us, "last", "true");
    binnode_set_attr(us, "index", "0");
    *query = binnode_add(us, "query");
    *list = binnode_add(us, "list");
    return iq;
}

struct binnode *
wa_usync_devices_query(const char *id, const char *sid, const char *const *user_jids, size_t n,
                       bool with_lid)
{
    struct binnode *q, *list, *iq = usync_iq(id, sid, "message", &q, &list);

    binnode_set_attr(binnode_add(q, "devices"), "version", "2");
    if (with_lid)
        binnode_add(q, "lid");
    for (size_t i = 0; i < n; i++) {
        struct binnode *u = binnode_add(list, "user");

        binnode_set_attr(u, "jid", user_jids[i]);
        binnode_set_list(u); /* Baileys sends an explicit empty child list */
    }
    return iq;
}

struct binnode *
wa_usync_contact_query(const char *id, const char *sid, const char *const *digits, size_t n)
{
    struct binnode *q, *list, *iq = usync_iq(id, sid, "interactive", &q, &list);
    char buf[WA_JID_USER_MAX + 2];

    binnode_add(q, "contact");
    for (size_t i = 0; i < n; i++) {
        buf[0] = '+';
        strncpy(buf + 1, digits[i], sizeof buf - 2);
        buf[sizeof buf - 1] = '\0';
        binnode_set_string(binnode_add(binnode_add(list, "user"), "contact"), buf);
    }
    return iq;
}

/* One <device id key-index is_hosted/>: kept, skipped, or refused. */
static int
parse_device(const struct binnode *d, struct wa_usync_user *u, struct err *e)
{
    const char *id = binnode_attr(d, "id"), *hosted = binnode_attr(d, "is_hosted");
    char jid[WA_JID_MAX + 8];
    struct wa_jid tmp;

    if (id == NULL || strlen(id) > 3)
        return err_set(e, RC_INVAL, "usync: dispositivo sin id válido");
    snprintf(jid, sizeof jid, "0:%s@s.whatsapp.net", id);
    if (wa_jid_parse(jid, &tmp, NULL) != RC_OK)
        return err_set(e, RC_INVAL, "usync: id de dispositivo inválido");
    for (size_t i = 0; i < u->ndevices; i++)
        if (u->devices[i] == tmp.device)
            return err_set(e, RC_INVAL, "usync: dispositivo repetido");
    if (hosted != NULL && strcmp(hosted, "true") == 0)
        return RC_OK;
    if (tmp.device != 0 && binnode_attr(d, "key-index") == NULL)
        return RC_OK;
    if (u->ndevices >= WA_USYNC_DEVICES_MAX)
        return err_set(e, RC_INVAL, "usync: demasiados dispositivos");
    u->devices[u->ndevices++] = (uint8_t)tmp.device;
    return RC_OK;
}

static int
parse_devices(const struct binnode *devs, struct wa_usync_user *u, struct err *e)
{
    const struct binnode *dl = binnode_child(devs, "device-list"), *d = NULL;

    if (binnode_child(devs, "error") != NULL) {
        u->error = true;
        return RC_OK;
    }
    if (dl == NULL)
        return RC_OK;
    u->has_devices = true;
    while ((d = binnode_child_next(dl, "device", d)) != NULL)
        if (parse_device(d, u, e) != RC_OK)
            return RC_INVAL;
    return RC_OK;
}

static int
parse_contact(const struct binnode *c, struct wa_usync_user *u, struct err *e)
{
    const char *type = binnode_attr(c, "type"), *text = binnode_text(c);

    if (text != NULL && strlen(text) < sizeof u->contact)
        strcpy(u->contact, text);
    if (binnode_child(c, "error") != NULL || type == NULL)
        u->status = WA_USYNC_CONTACT_UNKNOWN;
    else if (strcmp(type, "in") == 0)
        u->status = WA_USYNC_CONTACT_IN;
    else if (strcmp(type, "out") == 0)
        u->status = WA_USYNC_CONTACT_OUT;
    else
        return err_set(e, RC_INVAL, "usync: tipo de contacto desconocido");
    return RC_OK;
}

static int
parse_user(const struct binnode *un, struct wa_usync_user *u, struct err *e)
{
    const char *jid = binnode_attr(un, "jid");
    const struct binnode *c;

    memset(u, 0, sizeof *u);
    if (jid != NULL) {
        if (wa_jid_parse(jid, &u->jid, e) != RC_OK || u->jid.device != 0 || u->jid.lid)
            return err_set(e, RC_INVAL, "usync: jid de usuario inválido");
        u->has_jid = true;
    }
    if (binnode_child(un, "error") != NULL)
        u->error = true;
    if ((c = binnode_child(un, "lid")) != NULL && binnode_attr(c, "val") != NULL) {
        if (wa_jid_parse(binnode_attr(c, "val"), &u->lid, e) != RC_OK || !u->lid.lid ||
            u->lid.device != 0)
            return err_set(e, RC_INVAL, "usync: lid inválido");
        u->has_lid = true;
    }
    if ((c = binnode_child(un, "devices")) != NULL && parse_devices(c, u, e) != RC_OK)
        return RC_INVAL;
    if ((c = binnode_child(un, "contact")) != NULL && parse_contact(c, u, e) != RC_OK)
        return RC_INVAL;
    if (!u->has_jid && u->contact[0] == '\0')
        return err_set(e, RC_INVAL, "usync: usuario sin jid ni contacto");
    return RC_OK;
}

int
wa_usync_parse(const struct binnode *iq, struct wa_usync_result *out, struct err *e)
{
    const char *type = binnode_attr(iq, "type");
    const struct binnode *us = binnode_child(iq, "usync"), *list, *un = NULL;
    int rc = RC_OK;

    out->nusers = 0;
    if (strcmp(binnode_tag(iq), "iq") != 0 || type == NULL)
        return err_set(e, RC_INVAL, "usync: respuesta sin tipo");
    if (strcmp(type, "result") != 0) {
        const struct binnode *er = binnode_child(iq, "error");
        const char *code = er ? binnode_attr(er, "code") : NULL;

        return err_set(e, RC_INVAL, "usync: el servidor respondió error %.8s", code ? code : "?");
    }
    if (us == NULL || (list = binnode_child(us, "list")) == NULL)
        return err_set(e, RC_INVAL, "usync: respuesta sin lista");
    while (rc == RC_OK && (un = binnode_child_next(list, "user", un)) != NULL) {
        if (out->nusers >= WA_USYNC_USERS_MAX)
            rc = err_set(e, RC_INVAL, "usync: demasiados usuarios");
        else
            rc = parse_user(un, &out->users[out->nusers++], e);
    }
    if (rc != RC_OK)
        out->nusers = 0;
    return rc;
}
