/*
 * usync — the user-sync queries of guide §7.1 (devices + lid) and §10 (contact), and the
 * parser of their replies.
 *
 * Builders return a new <iq> the caller owns (the id and sid are the caller's). The parser
 * reads a server reply, which is hostile: every JID must parse (wa/jid.h), at most
 * WA_USYNC_USERS_MAX users and WA_USYNC_DEVICES_MAX devices each are taken, device ids are
 * 0..255 and unique per user; anything else is RC_INVAL and no partial result is kept.
 * Pure, any thread.
 */
#ifndef WA_USYNC_H
#define WA_USYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wa/jid.h"

struct binnode;
struct err;

#define WA_USYNC_USERS_MAX   256
#define WA_USYNC_DEVICES_MAX 64

enum wa_usync_contact {
    WA_USYNC_CONTACT_UNKNOWN, /* no <contact> in the reply (or an error child) */
    WA_USYNC_CONTACT_IN,      /* on WhatsApp */
    WA_USYNC_CONTACT_OUT,     /* not on WhatsApp */
};

struct wa_usync_user {
    struct wa_jid jid; /* the user as the server named it (device 0) */
    bool has_jid;      /* contact replies for numbers "out" may carry none */
    char contact[24];  /* the <contact> text asked for ("+digits"), "" when absent */
    enum wa_usync_contact status;
    struct wa_jid lid; /* valid when has_lid */
    bool has_lid;
    bool has_devices; /* a <devices><device-list> was present */
    bool error;       /* the user carried an <error> child (or devices/contact did) */
    size_t ndevices;
    uint8_t devices[WA_USYNC_DEVICES_MAX]; /* device ids kept (see wa_usync_parse) */
};

struct wa_usync_result {
    size_t nusers;
    struct wa_usync_user users[WA_USYNC_USERS_MAX];
};

/* <iq type=get xmlns=usync><usync context="message" …><query><devices version="2"/>[<lid/>]
 * </query><list><user jid=…/>…</list></usync></iq> for user JIDs (n ≥ 1); <lid/> only
 * with_lid (the caller leaves it out when every user's LID is known already). */
struct binnode *wa_usync_devices_query(const char *id, const char *sid,
                                       const char *const *user_jids, size_t n, bool with_lid);

/* The contact query (context "interactive") for numbers given as bare digits; each goes
 * out as "+digits". */
struct binnode *wa_usync_contact_query(const char *id, const char *sid, const char *const *digits,
                                       size_t n);

/*
 * Parses a usync reply iq into *out (caller-allocated, large). Devices: device 0 is always
 * kept, another only with a key-index attribute, and is_hosted="true" devices are
 * dropped (Baileys' rule). RC_OK; RC_INVAL for a malformed reply or an iq of type error
 * (e names the server's code).
 */
int wa_usync_parse(const struct binnode *iq, struct wa_usync_result *out, struct err *e)
    __attribute__((warn_unused_result));

#endif
