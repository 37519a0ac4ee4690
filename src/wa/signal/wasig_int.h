/*
 * wasig_int — what the files of src/wa/signal share: the struct wasig, the row cache
 * and the libsignal glue (crypto provider, store callbacks). Not for other layers.
 * Same thread rule as wasig.h: one owner.
 */
#ifndef WA_SIGNAL_WASIG_INT_H
#define WA_SIGNAL_WASIG_INT_H

#include <signal_protocol.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "wa/signal/wasig.h"

/* An app-specific libsignal error (below SG_ERR_MINIMUM): the persistence failed. */
#define WASIG_SG_PERSIST (SG_ERR_MINIMUM - 1)

/* One cached row: the plaintext libsignal serialized (heap, wiped when replaced). */
struct wasig_row {
    struct wasig_row *next;
    char key[WASIG_ROWKEY_MAX];
    uint8_t *data;
    size_t len;
};

/* A chained hash table of rows (FNV-1a over the key). */
struct wasig_tab {
    struct wasig_row **buckets;
    size_t nbuckets;
    size_t count;
};

struct wasig {
    signal_context *gctx;
    signal_protocol_store_context *sctx;
    struct wa_creds *creds; /* borrowed */
    int64_t usuario_id;
    const struct seal_key *key; /* borrowed */
    struct wasig_persist persist;
    struct wasig_tab tabs[WASIG_T_COUNT];
    bool creds_dirty;
    /* Set by the identity callback during one libsignal call. */
    bool identity_changed;
    /* While decrypting, identities are held back until the message decrypts. */
    bool defer_identity;
    bool pending_identity;
    char pending_key[WASIG_ROWKEY_MAX];
    uint8_t pending_data[WASIG_KEY_BYTES + 1];
    /* The first persistence failure inside a libsignal callback, for the caller. */
    struct err store_err;
};

/* provider.c: our crypto provider for libsignal (src/crypto underneath). */
void wasig_provider_fill(signal_crypto_provider *p);

/* store.c: the cache. */
struct wasig_row *wasig_row_find(const struct wasig *s, enum wasig_table t, const char *key);
/* Seals and persists one row, then caches it. RC_OK or persist's/seal's error. */
int wasig_row_put(struct wasig *s, enum wasig_table t, const char *key, const uint8_t *data,
                  size_t len, struct err *e) __attribute__((warn_unused_result));
/* Deletes one row from persistence, then from the cache. *gone (may be NULL): it existed. */
int wasig_row_del(struct wasig *s, enum wasig_table t, const char *key, bool *gone, struct err *e)
    __attribute__((warn_unused_result));
/* Loads every row of every table through persist->load, opening each under its AD. */
int wasig_rows_load(struct wasig *s, struct err *e) __attribute__((warn_unused_result));
/* Frees (and wipes) every cached row. */
void wasig_rows_free(struct wasig *s);
/* Registers the five libsignal stores on s->sctx. RC_OK or RC_CRYPTO. */
int wasig_store_attach(struct wasig *s, struct err *e) __attribute__((warn_unused_result));
/* wasig.c: shared by sessions.c. */
#define WASIG_NAME_MAX (WASIG_USER_MAX + 8)
/* A libsignal address for a, its name written into name[len]. RC_OK or RC_INVAL. */
int wasig_sigaddr(const struct wasig_addr *a, char *name, size_t len, signal_protocol_address *out,
                  struct err *e) __attribute__((warn_unused_result));
/* Maps a libsignal result to an rc (a persistence failure comes back as its own error). */
int wasig_sg_err(struct wasig *s, int r, const char *what, struct err *e);
/* Resets the per-call state the store callbacks report through. */
void wasig_call_begin(struct wasig *s);
/* 32 raw bytes → a libsignal public key (0x05 prepended); NULL when not a point. */
ec_public_key *wasig_pub(struct wasig *s, const uint8_t raw[WASIG_KEY_BYTES]);
/* Imports the credentials' pre-key id into the store when the creds hold it (*found): the
 * store's lookups fall back to it, so a pre-key generated after wasig_open is usable even
 * when nobody called wasig_prekeys_import. RC_OK or persist's error. */
int wasig_prekey_import_id(struct wasig *s, uint32_t id, bool *found, struct err *e)
    __attribute__((warn_unused_result));
/* The row key of a libsignal address, "<name>.<device>"; false when it does not fit. */
bool wasig_sigaddr_key(const signal_protocol_address *a, char *buf, size_t len);

#endif
