/*
 * receipt — receipts and acks (guide §7.6, §7.7, §8): parsing what the server sends
 * about our messages, and building what we send back.
 *
 * Parsers read hostile nodes: ids must be 1..WA_RECEIPT_ID_MAX printable ASCII, at most
 * WA_RECEIPT_IDS_MAX ids per receipt, JIDs must parse (wa/jid.h), numbers must be
 * decimal; anything else is RC_INVAL. Builders return a node the caller owns. Pure, any
 * thread.
 */
#ifndef WA_RECEIPT_H
#define WA_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wa/jid.h"
#include "wa/keybundle.h"

struct binnode;
struct err;

#define WA_RECEIPT_ID_MAX  64
#define WA_RECEIPT_IDS_MAX 64

enum wa_receipt_kind {
    WA_RECEIPT_DELIVERY,  /* no type: delivered to that device */
    WA_RECEIPT_READ,      /* read */
    WA_RECEIPT_READ_SELF, /* read, from a user (or our device) with read receipts off */
    WA_RECEIPT_PLAYED,    /* voice/video played */
    WA_RECEIPT_SENDER,    /* our other device's receipt for what it sent */
    WA_RECEIPT_INACTIVE,  /* delivered while the recipient was inactive */
    WA_RECEIPT_RETRY,     /* decryption failed: re-send (§7.7) */
    WA_RECEIPT_OTHER,     /* server-error, hist_sync, peer_msg, unknown: acked, ignored */
};

/* Status rank of a kind for forward-only updates: 0 none, 3 delivered, 4 read, 5 played
 * (Baileys' WebMessageInfo.Status). */
int wa_receipt_status(enum wa_receipt_kind k);

struct wa_receipt {
    enum wa_receipt_kind kind;
    char type[24];      /* the type attribute as sent ("" when none) */
    struct wa_jid from; /* the chat or device that sent it */
    bool has_participant, has_recipient;
    struct wa_jid participant, recipient;
    int64_t t; /* seconds, 0 when absent */
    size_t nids;
    char ids[WA_RECEIPT_IDS_MAX][WA_RECEIPT_ID_MAX + 1]; /* the id, then <list><item id> */
    /* retry only */
    uint32_t retry_count;
    bool has_regid;
    uint32_t regid;
    bool has_keys; /* a <keys> child carried a full bundle (jid = from) */
    struct wa_keybundle keys;
};

/* Parses a <receipt>. */
int wa_receipt_parse(const struct binnode *n, struct wa_receipt *r, struct err *e)
    __attribute__((warn_unused_result));

struct wa_ack {
    char cls[16]; /* "message", "receipt", … */
    char id[WA_RECEIPT_ID_MAX + 1];
    char from[WA_JID_MAX]; /* as sent, "" when absent */
    int error;             /* 0, or the server's code (463, 479…) */
    int64_t t;
};

/* Parses an <ack class id [from] [error] [t]/>. */
int wa_ack_parse(const struct binnode *n, struct wa_ack *a, struct err *e)
    __attribute__((warn_unused_result));

/* <ack id to=from class=tag [participant] [recipient] [type]/> for a receipt, notification
 * or call (§8.2); NULL when n lacks id or from. */
struct binnode *wa_ack_for(const struct binnode *n);

/* <ack id to=from class="message" from=me [error=code]/>: the ack of an incoming message we
 * ignore (code 0) or cannot handle (a nack with a code of §8.2). NULL when n lacks id or
 * from. */
struct binnode *wa_nack_message(const struct binnode *n, const char *me, int code);

/* <receipt id to=from [participant] [type]/> for an incoming message (type NULL:
 * delivered). NULL when n lacks id or from. */
struct binnode *wa_receipt_for_message(const struct binnode *n, const char *type);

#endif
