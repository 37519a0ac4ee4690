/*
 * creds — one WhatsApp account's device credentials, and their binary blob.
 *
 * Generated once before the first pairing (guide §4.3: noise key, identity key, signed
 * pre-key id 1 signed with XEdDSA over 0x05‖pub, registration id, adv secret, pre-key
 * counters); completed by pair-success (me, account, platform) and later by the server
 * (routing info) and by pre-key generation. The whole struct, pre-keys included, lives
 * in secure_alloc() memory and is wiped when freed.
 *
 * At rest the credentials are a compact versioned blob (wa_creds_dump/wa_creds_parse)
 * that the caller seals with src/crypto/seal (AD "wa_cuentas:<usuario_id>") and stores in
 * crm.wa_cuentas.credenciales; the plaintext blob is never written to disk. The parser
 * treats its input as hostile: bounds-checked, no crash, no leak (fuzzed by
 * tests/fuzz/fuzz_wa_creds.c).
 *
 * Blob v1: "ewc" 0x01, then records { tag u8, length u32 BE, value }, each tag at most once,
 * in any order; unknown tags are refused (a newer format takes a new version byte).
 * Integers are big-endian. See creds.c for the tags.
 *
 * One owner (the account's sender thread); no globals.
 */
#ifndef WA_CREDS_H
#define WA_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sign.h"
#include "crypto/x25519.h"

struct err;

#define WA_CREDS_VERSION      1
#define WA_CREDS_ADV_BYTES    32
#define WA_CREDS_JID_MAX      128 /* bytes, NUL included */
#define WA_CREDS_NAME_MAX     128
#define WA_CREDS_PLATFORM_MAX 64
#define WA_CREDS_ACCOUNT_MAX  1024 /* an encoded ADVSignedDeviceIdentity is ~200 bytes */
#define WA_CREDS_ROUTING_MAX  1024
#define WA_CREDS_MAX_PREKEYS  16384
/* Pre-key ids travel as 3 bytes (guide §6.2). */
#define WA_CREDS_PREKEY_ID_MAX 0xFFFFFFu

struct wa_prekey {
    uint32_t id;
    struct x25519_keypair kp;
};

struct wa_creds {
    struct x25519_keypair noise;    /* Noise static key */
    struct x25519_keypair identity; /* Signal identity key ("signedIdentityKey") */
    struct x25519_keypair signed_prekey;
    uint32_t signed_prekey_id;
    uint8_t signed_prekey_sig[SIGN_BYTES]; /* XEdDSA(identity, 0x05 ‖ signed_prekey.pub) */
    uint32_t registration_id;              /* 14 bits */
    uint8_t adv_secret[WA_CREDS_ADV_BYTES];
    uint32_t next_prekey_id;             /* the id the next generated pre-key gets */
    uint32_t first_unuploaded_prekey_id; /* ids below it are on the server */

    /* After pairing ("" / 0 before). */
    char me_jid[WA_CREDS_JID_MAX];   /* "15550001111:3@s.whatsapp.net" */
    char me_lid[WA_CREDS_JID_MAX];   /* "99990001111:3@lid" */
    char me_name[WA_CREDS_NAME_MAX]; /* business name, when the phone sent one */
    char platform[WA_CREDS_PLATFORM_MAX];
    uint8_t account[WA_CREDS_ACCOUNT_MAX]; /* ADVSignedDeviceIdentity, signature key included */
    size_t account_len;
    uint8_t routing[WA_CREDS_ROUTING_MAX]; /* edge routing info for the intro header */
    size_t routing_len;

    /* One-time pre-keys kept until a pkmsg consumes them, ids strictly increasing. */
    struct wa_prekey *prekeys; /* secure_alloc() memory */
    size_t nprekeys;
    size_t capprekeys;
};

/* Generates fresh credentials (not paired, no one-time pre-keys yet). NULL with e
 * (RC_CRYPTO) only if signing the pre-key fails. Free with wa_creds_free(). */
struct wa_creds *wa_creds_generate(struct err *e) __attribute__((warn_unused_result));

/* Wipes and frees c and its pre-keys. NULL-safe. */
void wa_creds_free(struct wa_creds *c);

/* True once pair-success stored our jid. */
bool wa_creds_is_paired(const struct wa_creds *c);

/* Generates n new one-time pre-keys with ids next_prekey_id.. and advances it. RC_OK, or
 * RC_INVAL when that would pass WA_CREDS_MAX_PREKEYS kept keys or id WA_CREDS_PREKEY_ID_MAX
 * (nothing is generated then). */
int wa_creds_prekeys_gen(struct wa_creds *c, size_t n, struct err *e)
    __attribute__((warn_unused_result));

/* The kept pre-key with this id, or NULL. Borrowed until the next change to the pre-keys. */
const struct wa_prekey *wa_creds_prekey_find(const struct wa_creds *c, uint32_t id);

/* Wipes and forgets the pre-key with this id (a pkmsg used it). False when not kept. */
bool wa_creds_prekey_remove(struct wa_creds *c, uint32_t id);

/* Sets the routing info (bytes from <edge_routing>). RC_INVAL when longer than
 * WA_CREDS_ROUTING_MAX; c is unchanged then. */
int wa_creds_set_routing(struct wa_creds *c, const uint8_t *data, size_t len, struct err *e)
    __attribute__((warn_unused_result));

/* Serialises c into a new blob in secure_alloc() memory: *out (free it with secure_free)
 * and *len. Never fails. */
void wa_creds_dump(const struct wa_creds *c, uint8_t **out, size_t *len);

/* Parses a blob from wa_creds_dump into new credentials in *out (free with wa_creds_free).
 * RC_INVAL with a reason (never key bytes) on any malformed, truncated, inconsistent or
 * unknown-version input; *out is then NULL. */
int wa_creds_parse(const uint8_t *blob, size_t len, struct wa_creds **out, struct err *e)
    __attribute__((warn_unused_result));

#endif
