/*
 * wasig — one WhatsApp account's Signal state: libsignal-protocol-c with embudo's crypto
 * provider (src/crypto) and a store of identities, one-time pre-keys, signed pre-keys,
 * sessions and sender keys (guide §6.2, §7.2, §7.4, §7.7, §8.3).
 *
 * The store is a cache in memory with write-through persistence: every row libsignal
 * changes is sealed (src/crypto/seal, AD "<table>:<usuario_id>:<row key>") and handed to
 * the caller's struct wasig_persist before the libsignal call returns, so a session update
 * is stored before its ciphertext can leave the process. A failed write fails the
 * operation. wasig_open() loads every row of the owner once (row by row through
 * persist->load); rows that do not open under their AD are refused, never guessed.
 *
 * Addresses follow Baileys' jidToSignalProtocolAddress: the name is the JID user, with
 * "_1" for @lid, "_128" for @hosted, "_129" for @hosted.lid; the device is the JID device
 * (0 when absent). A row key is "<name>.<device>". Trust is TOFU (as Baileys): a changed
 * identity is accepted, reported (identity_changed) and the old session dropped.
 *
 * One owner thread (the account's sender thread); a struct wasig is never shared. The
 * credentials are borrowed for the object's life and updated in place (a consumed pre-key
 * is also removed from them: store them again when wasig_creds_dirty() says so).
 */
#ifndef WA_SIGNAL_WASIG_H
#define WA_SIGNAL_WASIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct seal_key;
struct wa_creds;
struct wasig;

#define WASIG_KEY_BYTES  32 /* Curve25519 public key, without the 0x05 prefix */
#define WASIG_SIG_BYTES  64
#define WASIG_USER_MAX   64         /* JID user bytes, NUL included */
#define WASIG_ROWKEY_MAX 160        /* a row key, NUL included */
#define WASIG_MAX_PLAIN  (1u << 20) /* largest plaintext encrypt/decrypt accept */

/* JID domain types as the binary node codec names them (guide §3, §7.2). */
enum wasig_domain {
    WASIG_DOMAIN_PN = 0,          /* @s.whatsapp.net (and @c.us) */
    WASIG_DOMAIN_LID = 1,         /* @lid */
    WASIG_DOMAIN_HOSTED = 128,    /* @hosted */
    WASIG_DOMAIN_HOSTED_LID = 129 /* @hosted.lid */
};

/* One device: "15557654321:12@s.whatsapp.net" → { "15557654321", 12, PN }. */
struct wasig_addr {
    char user[WASIG_USER_MAX];
    uint32_t device;
    enum wasig_domain domain;
};

/* A <user> of the pre-key bundle reply (guide §7.2), keys without the 0x05 prefix. */
struct wasig_bundle {
    uint32_t registration_id;
    uint8_t identity[WASIG_KEY_BYTES];
    uint32_t skey_id;
    uint8_t skey[WASIG_KEY_BYTES];
    uint8_t skey_sig[WASIG_SIG_BYTES];
    bool has_prekey; /* the optional <key> (one-time pre-key) */
    uint32_t prekey_id;
    uint8_t prekey[WASIG_KEY_BYTES];
};

/* <enc type="…">: "pkmsg" (PreKeyWhisperMessage) or "msg" (WhisperMessage). */
enum wasig_type { WASIG_MSG = 0, WASIG_PKMSG = 1 };

/* The five tables (sql/031_wa_signal.sql), in load order. */
enum wasig_table {
    WASIG_T_IDENTITY = 0,  /* crm.wa_signal_identidades: key "<name>.<device>" */
    WASIG_T_PREKEY,        /* crm.wa_signal_prekeys: key = decimal pre-key id */
    WASIG_T_SIGNED_PREKEY, /* crm.wa_signal_signed_prekeys: key = decimal id */
    WASIG_T_SESSION,       /* crm.wa_signal_sesiones: key "<name>.<device>" */
    WASIG_T_SENDER_KEY,    /* crm.wa_signal_sender_keys: key "<group>/<name>.<device>" */
    WASIG_T_COUNT
};

/* Called by persist->load once per stored row; blob is borrowed for the call. */
typedef int (*wasig_row_fn)(void *arg, const char *key, const uint8_t *blob, size_t len,
                            struct err *e);

/*
 * Where sealed rows live (the glue wires it to src/db/db_signal; the tests to memory).
 * Each call is one row; blobs are already sealed. put inserts or replaces; del of a
 * missing row is RC_OK; load calls fn for every row of table t (stop and return fn's rc
 * when it fails). All return RC_OK or a negative rc with e filled.
 */
struct wasig_persist {
    int (*put)(void *ctx, enum wasig_table t, const char *key, const uint8_t *blob, size_t len,
               struct err *e);
    int (*del)(void *ctx, enum wasig_table t, const char *key, struct err *e);
    int (*load)(void *ctx, enum wasig_table t, wasig_row_fn fn, void *arg, struct err *e);
    void *ctx;
};

/* "wa_signal_identidades", … : the table's name, also the first part of a row's AD. */
const char *wasig_table_name(enum wasig_table t);

/* Parses a device JID ("user[:device]@server", server s.whatsapp.net, c.us, lid, hosted,
 * hosted.lid; an "_agent" suffix on the user is refused). RC_OK or RC_INVAL. */
int wasig_addr_from_jid(const char *jid, struct wasig_addr *out, struct err *e)
    __attribute__((warn_unused_result));

/* Writes the row key "<name>.<device>" (e.g. "99990001111_1.3") into buf. Returns buf. */
char *wasig_addr_key(const struct wasig_addr *a, char *buf, size_t len);

/* "pkmsg" / "msg", and back (RC_INVAL for anything else, e.g. "skmsg"). */
const char *wasig_type_name(enum wasig_type t);
int wasig_type_parse(const char *s, enum wasig_type *out, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Opens the Signal state of one account: creds (paired; borrowed for the object's life),
 * the owner's usuario_id (bound into every row's AD), the seal key (borrowed) and the
 * persistence (copied). Loads every stored row, then seeds the store from creds: the
 * signed pre-key, and every one-time pre-key the store lacks (first use migrates the
 * creds' pre-keys; later calls pick up newly generated ones). NULL with e: RC_CRYPTO (a
 * row that does not open: wrong owner, address or key), RC_INVAL (a row libsignal
 * cannot parse), or whatever persist returned. Free with wasig_free().
 */
struct wasig *wasig_open(struct wa_creds *creds, int64_t usuario_id, const struct seal_key *key,
                         const struct wasig_persist *persist, struct err *e)
    __attribute__((warn_unused_result));

/* Wipes the cache and frees everything. NULL-safe. Nothing is written. */
void wasig_free(struct wasig *s);

/* Copies into the store every one-time pre-key of creds it does not hold (call it after a
 * CREDS event that generated pre-keys, before uploading them). A pkmsg naming a key the
 * store lacks also imports it from creds on the spot, so a missed call costs nothing but a
 * late write. *added (may be NULL) gets the count. RC_OK or persist's error. */
int wasig_prekeys_import(struct wasig *s, size_t *added, struct err *e)
    __attribute__((warn_unused_result));

/* One-time pre-keys left in the store (the "low pre-keys" hook: the session layer uploads
 * more when the server's count is low; this is the local side). */
size_t wasig_prekey_count(const struct wasig *s);

/* True when a consumed pre-key was also removed from creds since the last call (which
 * clears it): seal and store the credentials again. */
bool wasig_creds_dirty(struct wasig *s);

/*
 * Builds a session with the device a from its bundle (guide §7.2): verifies the signed
 * pre-key's signature, and when the stored identity of a differs from the bundle's, drops
 * a's session first and sets *identity_changed (may be NULL) — the caller records the
 * event. RC_OK; RC_CRYPTO (bad signature or key), RC_INVAL, or persist's error.
 */
int wasig_session_build(struct wasig *s, const struct wasig_addr *a, const struct wasig_bundle *b,
                        bool *identity_changed, struct err *e) __attribute__((warn_unused_result));

/* True when a session with device a is stored (encrypt needs no bundle then). */
bool wasig_has_session(const struct wasig *s, const struct wasig_addr *a);

/* Drops the session with device a (retry with a new registration id, identity change
 * notification). Missing is RC_OK. */
int wasig_session_drop(struct wasig *s, const struct wasig_addr *a, struct err *e)
    __attribute__((warn_unused_result));

/* Drops the sessions with every device of a's user (a->device is ignored): guide §6.5,
 * <notification type="encrypt"> with <identity>. *dropped (may be NULL) gets the count. */
int wasig_user_drop(struct wasig *s, const struct wasig_addr *a, size_t *dropped, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Encrypts pt (already padded: wamsg_pad) for device a, which must have a session. The
 * updated session is persisted first. *type is PKMSG until a's first reply arrives, then
 * MSG. *ct is a new xmalloc'd buffer (caller frees), the serialized ciphertext for <enc>.
 * RC_OK; RC_NOTFOUND (no session); RC_INVAL (empty or above WASIG_MAX_PLAIN); RC_CRYPTO;
 * persist's error (nothing to send then).
 */
int wasig_encrypt(struct wasig *s, const struct wasig_addr *a, const uint8_t *pt, size_t len,
                  enum wasig_type *type, uint8_t **ct, size_t *ctlen, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Decrypts an <enc> of the given type from device a. A pkmsg may create or replace the
 * session (a changed identity sets *identity_changed, may be NULL) and consumes its
 * one-time pre-key (removed from the store and from creds). *pt is the padded plaintext
 * (wamsg_unpad next) in a new xmalloc'd buffer: caller wipes and frees it. Nothing is
 * stored when decryption fails. RC_OK; RC_NOTFOUND (msg without a session, or a pkmsg
 * naming a pre-key we do not hold); RC_CRYPTO (forged, tampered, duplicate); RC_INVAL
 * (not a Signal message); persist's error.
 */
int wasig_decrypt(struct wasig *s, const struct wasig_addr *a, enum wasig_type type,
                  const uint8_t *ct, size_t len, bool *identity_changed, uint8_t **pt,
                  size_t *ptlen, struct err *e) __attribute__((warn_unused_result));

/* The registration id of the session with a (what the peer told us), for retry receipts
 * (guide §7.7: a different <registration> drops the session). RC_NOTFOUND without one. */
int wasig_remote_registration_id(const struct wasig *s, const struct wasig_addr *a, uint32_t *out,
                                 struct err *e) __attribute__((warn_unused_result));

#endif
