/*
 * keybundle — pre-key bundles (guide §7.2): the encrypt/key query and the parser of its
 * reply, also used for the <keys> of a retry receipt (§7.7).
 *
 * Server bytes are hostile: every field must have its exact length (registration 4 bytes,
 * type 05, identity 32, ids 3, values 32, signature 64), a user's JID must parse, and a
 * reply holds at most WA_KEYBUNDLE_MAX users; anything else is RC_INVAL with no partial
 * result. A user carrying <error code> is reported with its code, not refused. Pure, any
 * thread.
 */
#ifndef WA_KEYBUNDLE_H
#define WA_KEYBUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wa/jid.h"

struct binnode;
struct err;

#define WA_KEYBUNDLE_MAX 256

struct wa_keybundle {
    struct wa_jid jid; /* the device the bundle belongs to */
    int error;         /* > 0: the server's <error code>; the keys below are unset */
    uint32_t regid;
    uint8_t identity[32];
    uint32_t skey_id;
    uint8_t skey[32];
    uint8_t skey_sig[64];
    bool has_prekey; /* the one-time pre-key may be absent */
    uint32_t prekey_id;
    uint8_t prekey[32];
};

struct wa_keybundle_list {
    size_t n;
    struct wa_keybundle b[WA_KEYBUNDLE_MAX];
};

/* <iq xmlns="encrypt" type="get" to=@s.whatsapp.net id><key><user jid [reason]/>…</key></iq>.
 * reason_identity adds reason="identity" (Baileys' forced refresh). Caller owns it. */
struct binnode *wa_keybundle_query(const char *id, const char *const *device_jids, size_t n,
                                   bool reason_identity);

/* Parses the reply iq (type result, <list><user …>…</list>) into *out. */
int wa_keybundle_parse(const struct binnode *iq, struct wa_keybundle_list *out, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Parses the key fields of one node that holds them as children (a reply's <user>, or a
 * retry receipt's <keys> plus its <registration>: pass the receipt as reg_holder, else
 * NULL to read <registration> from n itself). The JID is left to the caller.
 */
int wa_keybundle_parse_keys(const struct binnode *n, const struct binnode *reg_holder,
                            struct wa_keybundle *b, struct err *e)
    __attribute__((warn_unused_result));

#endif
