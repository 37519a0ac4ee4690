/*
 * tctoken — privacy tokens ("trusted contact" tokens, guide §7.8): the parser of the
 * <notification type="privacy_token"> a contact's issue sends us, the expiry rule, and the
 * <iq xmlns="privacy"> that issues ours.
 *
 * A contact that accepts us issues a token; the server delivers it as
 *   <notification type="privacy_token" from="<contact>" [sender_lid="<contact's lid>"]>
 *     <tokens><token jid="<us>" t="<unix s>" type="trusted_contact">BYTES</token>…</tokens>
 *   </notification>
 * and 1:1 messages to that contact then carry <tctoken>BYTES</tctoken>. The token belongs to
 * the notification's sender (the token's jid attribute names us). The parser reads hostile
 * input: from (and sender_lid) must be user JIDs, at most WA_TCTOKENS_MAX tokens, each
 * trusted_contact token 1..WA_TCTOKEN_BYTES_MAX bytes with a decimal t > 0; tokens of other
 * types are skipped; anything else is RC_INVAL with nothing kept. Pure, any thread.
 */
#ifndef WA_TCTOKEN_H
#define WA_TCTOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wa/jid.h"

struct binnode;
struct err;

#define WA_TCTOKENS_MAX      16
#define WA_TCTOKEN_BYTES_MAX 1024
/* A token is usable for 4 buckets of 7 days (Baileys' TC_TOKEN_NUM_BUCKETS, _BUCKET_DURATION). */
#define WA_TCTOKEN_BUCKET_S INT64_C(604800)
#define WA_TCTOKEN_BUCKETS  4

struct wa_tctoken {
    int64_t t; /* unix seconds, as the issuer stamped it */
    size_t len;
    uint8_t data[WA_TCTOKEN_BYTES_MAX];
};

struct wa_tctoken_note {
    struct wa_jid from;       /* the issuing contact (user JID, device 0) */
    bool has_sender_lid;      /* the server also named the contact's LID */
    struct wa_jid sender_lid; /* valid when has_sender_lid */
    size_t n;                 /* trusted_contact tokens kept, in document order */
    struct wa_tctoken tok[WA_TCTOKENS_MAX];
};

/* True when n is a privacy_token notification (tag and type; the rest unchecked). */
bool wa_tctoken_is_note(const struct binnode *n);

/* Parses a privacy_token notification into *out (caller-allocated). RC_OK (n may be 0:
 * nothing of type trusted_contact), RC_INVAL. */
int wa_tctoken_parse(const struct binnode *n, struct wa_tctoken_note *out, struct err *e)
    __attribute__((warn_unused_result));

/* The newest token of a parsed note (largest t, the first of equals), NULL when n == 0. */
const struct wa_tctoken *wa_tctoken_newest(const struct wa_tctoken_note *note);

/* True when a token stamped t_s no longer attaches at now_s: it falls before the oldest of
 * the WA_TCTOKEN_BUCKETS 7-day buckets ending with the current one. */
bool wa_tctoken_expired(int64_t t_s, int64_t now_s);

/* <iq id to="@s.whatsapp.net" type="set" xmlns="privacy"><tokens><token jid t
 * type="trusted_contact"/></tokens></iq>: issues our token to peer_jid at t_s. Caller owns. */
struct binnode *wa_tctoken_issue(const char *id, const char *peer_jid, int64_t t_s);

#endif
