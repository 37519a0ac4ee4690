/*
 * store — the row cache and libsignal's five store interfaces over it.
 *
 * DESIGN. Each table is a hash of rows keyed by text ("<name>.<device>", a decimal id,
 * "<group>/<name>.<device>"); a row holds libsignal's serialized record in plaintext
 * (heap memory, wiped when replaced or freed: one sodium_malloc per row would cost pages
 * and locked memory per session). A change is sealed (AD "<table>:<usuario_id>:<key>")
 * and handed to persist->put/del first; only when that succeeds does the cache change,
 * so memory never runs ahead of the database. A failure inside a libsignal callback is
 * kept in s->store_err and reported as WASIG_SG_PERSIST, which aborts libsignal's
 * operation (nothing is sent or handed out).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/seal.h"
#include "crypto/secure.h"
#include "util/xmalloc.h"
#include "wa/creds.h"
#include "wa/signal/wasig_int.h"

#define WASIG_MIN_BUCKETS 64
#define WASIG_AD_MAX      (WASIG_ROWKEY_MAX + 64)
#define WASIG_ROW_MAX     (1u << 20) /* largest plaintext row accepted when loading */

static const char *const wasig_table_names[WASIG_T_COUNT] = {
    "wa_signal_identidades", "wa_signal_prekeys",     "wa_signal_signed_prekeys",
    "wa_signal_sesiones",    "wa_signal_sender_keys",
};

const char *
wasig_table_name(enum wasig_table t)
{
    return (unsigned)t < WASIG_T_COUNT ? wasig_table_names[t] : "?";
}

/* ---- the cache ------------------------------------------------------------------------- */

static size_t
wasig_hash(const char *key)
{
    uint64_t h = 1469598103934665603ull;

    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (size_t)h;
}

static void
wasig_row_release(struct wasig_row *r)
{
    secure_wipe(r->data, r->len);
    free(r->data);
    free(r);
}

/* Doubles the bucket array when the table holds more than two rows per bucket. */
static void
wasig_tab_grow(struct wasig_tab *tab)
{
    size_t n = tab->nbuckets ? tab->nbuckets * 2 : WASIG_MIN_BUCKETS;
    struct wasig_row **b = xcalloc(n, sizeof *b);

    for (size_t i = 0; i < tab->nbuckets; i++) {
        struct wasig_row *r = tab->buckets[i], *next;

        for (; r != NULL; r = next) {
            next = r->next;
            r->next = b[wasig_hash(r->key) % n];
            b[wasig_hash(r->key) % n] = r;
        }
    }
    free(tab->buckets);
    tab->buckets = b;
    tab->nbuckets = n;
}

struct wasig_row *
wasig_row_find(const struct wasig *s, enum wasig_table t, const char *key)
{
    const struct wasig_tab *tab = &s->tabs[t];

    if (tab->nbuckets == 0)
        return NULL;
    for (struct wasig_row *r = tab->buckets[wasig_hash(key) % tab->nbuckets]; r; r = r->next)
        if (strcmp(r->key, key) == 0)
            return r;
    return NULL;
}

/* Caches a copy of data under key, replacing (and wiping) an older value. */
static void
wasig_cache_set(struct wasig *s, enum wasig_table t, const char *key, const uint8_t *data,
                size_t len)
{
    struct wasig_tab *tab = &s->tabs[t];
    struct wasig_row *r = wasig_row_find(s, t, key);
    uint8_t *copy = xmalloc(len > 0 ? len : 1);

    memcpy(copy, data, len);
    if (r != NULL) {
        secure_wipe(r->data, r->len);
        free(r->data);
    } else {
        if (tab->count >= 2 * tab->nbuckets)
            wasig_tab_grow(tab);
        r = xcalloc(1, sizeof *r);
        snprintf(r->key, sizeof r->key, "%s", key);
        r->next = tab->buckets[wasig_hash(key) % tab->nbuckets];
        tab->buckets[wasig_hash(key) % tab->nbuckets] = r;
        tab->count++;
    }
    r->data = copy;
    r->len = len;
}

/* Unlinks and frees the row with key; false when there was none. */
static bool
wasig_cache_del(struct wasig *s, enum wasig_table t, const char *key)
{
    struct wasig_tab *tab = &s->tabs[t];
    struct wasig_row **pp;

    if (tab->nbuckets == 0)
        return false;
    for (pp = &tab->buckets[wasig_hash(key) % tab->nbuckets]; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->key, key) == 0) {
            struct wasig_row *r = *pp;

            *pp = r->next;
            wasig_row_release(r);
            tab->count--;
            return true;
        }
    }
    return false;
}

void
wasig_rows_free(struct wasig *s)
{
    for (int t = 0; t < WASIG_T_COUNT; t++) {
        struct wasig_tab *tab = &s->tabs[t];

        for (size_t i = 0; i < tab->nbuckets; i++) {
            struct wasig_row *r = tab->buckets[i], *next;

            for (; r != NULL; r = next) {
                next = r->next;
                wasig_row_release(r);
            }
        }
        free(tab->buckets);
        memset(tab, 0, sizeof *tab);
    }
}

/* ---- sealing and persistence ------------------------------------------------------------- */

/* "<table>:<usuario_id>:<key>": a sealed row opens only for this owner, table and key. */
static size_t
wasig_ad(const struct wasig *s, enum wasig_table t, const char *key, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s:%" PRId64 ":%s", wasig_table_name(t), s->usuario_id, key);

    return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

int
wasig_row_put(struct wasig *s, enum wasig_table t, const char *key, const uint8_t *data, size_t len,
              struct err *e)
{
    char ad[WASIG_AD_MAX];
    size_t adlen = wasig_ad(s, t, key, ad, sizeof ad);
    size_t blen = seal_blob_len(len);
    uint8_t *blob;
    int rc;

    if (adlen == 0 || strlen(key) >= WASIG_ROWKEY_MAX)
        return err_set(e, RC_INVAL, "signal: clave de fila demasiado larga");
    blob = xmalloc(blen);
    rc = seal_blob(s->key, ad, adlen, data, len, blob, blen, e);
    if (rc == RC_OK)
        rc = s->persist.put(s->persist.ctx, t, key, blob, blen, e);
    free(blob);
    if (rc == RC_OK)
        wasig_cache_set(s, t, key, data, len);
    return rc;
}

int
wasig_row_del(struct wasig *s, enum wasig_table t, const char *key, bool *gone, struct err *e)
{
    int rc;

    if (gone != NULL)
        *gone = false;
    if (wasig_row_find(s, t, key) == NULL)
        return RC_OK;
    rc = s->persist.del(s->persist.ctx, t, key, e);
    if (rc != RC_OK)
        return rc;
    if (gone != NULL)
        *gone = true;
    wasig_cache_del(s, t, key);
    return RC_OK;
}

/* Checks that libsignal can read a loaded row (a sealed row that opens may still be from a
 * buggy writer: refuse it at load, not in the middle of a send). */
static bool
wasig_row_parses(const struct wasig *s, enum wasig_table t, const uint8_t *p, size_t n)
{
    signal_type_base *obj = NULL;
    int r;

    switch (t) {
    case WASIG_T_IDENTITY:
        return n == WASIG_KEY_BYTES + 1 && p[0] == 0x05;
    case WASIG_T_PREKEY:
        r = session_pre_key_deserialize((session_pre_key **)&obj, p, n, s->gctx);
        break;
    case WASIG_T_SIGNED_PREKEY:
        r = session_signed_pre_key_deserialize((session_signed_pre_key **)&obj, p, n, s->gctx);
        break;
    case WASIG_T_SESSION:
        r = session_record_deserialize((session_record **)&obj, p, n, s->gctx);
        break;
    case WASIG_T_SENDER_KEY:
        r = sender_key_record_deserialize((sender_key_record **)&obj, p, n, s->gctx);
        break;
    case WASIG_T_COUNT:
    default:
        return false;
    }
    if (obj != NULL)
        signal_type_unref(obj);
    return r == 0;
}

struct wasig_load {
    struct wasig *s;
    enum wasig_table t;
};

/* persist->load's callback: open one sealed row under its AD and cache it. */
static int
wasig_load_row(void *arg, const char *key, const uint8_t *blob, size_t len, struct err *e)
{
    struct wasig_load *l = arg;
    char ad[WASIG_AD_MAX];
    size_t adlen = wasig_ad(l->s, l->t, key, ad, sizeof ad);
    size_t cap = len > SEAL_OVERHEAD ? len - SEAL_OVERHEAD : 1, n = 0;
    uint8_t *pt;
    int rc;

    if (adlen == 0 || strlen(key) >= WASIG_ROWKEY_MAX || len > WASIG_ROW_MAX + SEAL_OVERHEAD)
        return err_set(e, RC_INVAL, "signal: fila de %s con clave o tamaño inválidos",
                       wasig_table_name(l->t));
    pt = xmalloc(cap);
    rc = seal_open(l->s->key, ad, adlen, blob, len, pt, cap, &n, e);
    if (rc == RC_OK && !wasig_row_parses(l->s, l->t, pt, n))
        rc = err_set(e, RC_INVAL, "signal: fila ilegible en %s", wasig_table_name(l->t));
    else if (rc != RC_OK)
        err_wrap(e, "signal: fila de %s que no abre", wasig_table_name(l->t));
    if (rc == RC_OK)
        wasig_cache_set(l->s, l->t, key, pt, n);
    secure_wipe(pt, cap);
    free(pt);
    return rc;
}

int
wasig_rows_load(struct wasig *s, struct err *e)
{
    for (int t = 0; t < WASIG_T_COUNT; t++) {
        struct wasig_load l = { .s = s, .t = (enum wasig_table)t };
        int rc = s->persist.load(s->persist.ctx, l.t, wasig_load_row, &l, e);

        if (rc != RC_OK)
            return rc;
    }
    return RC_OK;
}

bool
wasig_sigaddr_key(const signal_protocol_address *a, char *buf, size_t len)
{
    int n;

    if (a->name_len == 0 || a->name_len >= WASIG_USER_MAX + 8 ||
        memchr(a->name, '\0', a->name_len) != NULL)
        return false;
    n = snprintf(buf, len, "%.*s.%" PRId32, (int)a->name_len, a->name, a->device_id);
    return n > 0 && (size_t)n < len;
}

/* Keeps the first persistence error of a libsignal call and returns the code for it. */
static int
wasig_cb_fail(struct wasig *s, const struct err *e)
{
    if (s->store_err.rc == RC_OK)
        s->store_err = *e;
    return WASIG_SG_PERSIST;
}

/* A new libsignal buffer with a row's bytes; 1 found, 0 not found, <0 out of memory. */
static int
wasig_cb_copy(const struct wasig_row *r, signal_buffer **out)
{
    if (r == NULL)
        return 0;
    *out = signal_buffer_create(r->data, r->len);
    return *out != NULL ? 1 : SG_ERR_NOMEM;
}

/* ---- session store ------------------------------------------------------------------------ */

static int
cb_load_session(signal_buffer **record, signal_buffer **user_record,
                const signal_protocol_address *a, void *ud)
{
    char key[WASIG_ROWKEY_MAX];

    (void)user_record;
    if (!wasig_sigaddr_key(a, key, sizeof key))
        return 0;
    return wasig_cb_copy(wasig_row_find(ud, WASIG_T_SESSION, key), record);
}

/* The device of a session row key of user name ("<name>.<device>"), or -1. */
static long
wasig_key_device(const char *key, const char *name, size_t name_len)
{
    char *end;
    long d;

    if (strncmp(key, name, name_len) != 0 || key[name_len] != '.' || key[name_len + 1] < '0' ||
        key[name_len + 1] > '9')
        return -1;
    d = strtol(key + name_len + 1, &end, 10);
    return *end == '\0' && d <= INT32_MAX ? d : -1;
}

static int
cb_sub_device_sessions(signal_int_list **sessions, const char *name, size_t name_len, void *ud)
{
    const struct wasig_tab *tab = &((struct wasig *)ud)->tabs[WASIG_T_SESSION];
    signal_int_list *l = signal_int_list_alloc();

    if (l == NULL)
        return SG_ERR_NOMEM;
    for (size_t i = 0; i < tab->nbuckets; i++) {
        for (const struct wasig_row *r = tab->buckets[i]; r; r = r->next) {
            long d = wasig_key_device(r->key, name, name_len);

            if (d >= 0 && signal_int_list_push_back(l, (int)d) < 0) {
                signal_int_list_free(l);
                return SG_ERR_NOMEM;
            }
        }
    }
    *sessions = l;
    return (int)signal_int_list_size(l);
}

static int
cb_store_session(const signal_protocol_address *a, uint8_t *record, size_t len,
                 uint8_t *user_record, size_t user_len, void *ud)
{
    struct wasig *s = ud;
    char key[WASIG_ROWKEY_MAX];
    struct err e;

    (void)user_record;
    (void)user_len;
    if (!wasig_sigaddr_key(a, key, sizeof key))
        return SG_ERR_INVAL;
    if (wasig_row_put(s, WASIG_T_SESSION, key, record, len, &e) != RC_OK)
        return wasig_cb_fail(s, &e);
    return 0;
}

static int
cb_contains_session(const signal_protocol_address *a, void *ud)
{
    char key[WASIG_ROWKEY_MAX];

    if (!wasig_sigaddr_key(a, key, sizeof key))
        return 0;
    return wasig_row_find(ud, WASIG_T_SESSION, key) != NULL;
}

static int
cb_delete_session(const signal_protocol_address *a, void *ud)
{
    struct wasig *s = ud;
    char key[WASIG_ROWKEY_MAX];
    bool gone;
    struct err e;

    if (!wasig_sigaddr_key(a, key, sizeof key))
        return 0;
    if (wasig_row_del(s, WASIG_T_SESSION, key, &gone, &e) != RC_OK)
        return wasig_cb_fail(s, &e);
    return gone ? 1 : 0;
}

static int
cb_delete_all_sessions(const char *name, size_t name_len, void *ud)
{
    struct wasig *s = ud;
    signal_int_list *devs = NULL;
    int n = cb_sub_device_sessions(&devs, name, name_len, ud), deleted = 0;

    for (int i = 0; i < n; i++) {
        signal_protocol_address a = { name, name_len, signal_int_list_at(devs, (unsigned)i) };
        int r = cb_delete_session(&a, s);

        if (r < 0) {
            deleted = r;
            break;
        }
        deleted += r;
    }
    if (devs != NULL)
        signal_int_list_free(devs);
    return n < 0 ? n : deleted;
}

/* ---- pre-key and signed pre-key stores ------------------------------------------------- */

static void
wasig_id_key(uint32_t id, char *buf, size_t len)
{
    snprintf(buf, len, "%" PRIu32, id);
}

/* The cached row of pre-key id; on a miss, the credentials' key of that id is imported
 * first (generated after wasig_open and not imported yet). NULL when neither has it;
 * *failed when the import's write failed. */
static const struct wasig_row *
wasig_prekey_row(struct wasig *s, uint32_t id, bool *failed)
{
    char key[16];
    const struct wasig_row *r;
    bool found = false;
    struct err e;

    *failed = false;
    wasig_id_key(id, key, sizeof key);
    r = wasig_row_find(s, WASIG_T_PREKEY, key);
    if (r != NULL)
        return r;
    if (wasig_prekey_import_id(s, id, &found, &e) != RC_OK) {
        (void)wasig_cb_fail(s, &e);
        *failed = true;
        return NULL;
    }
    return found ? wasig_row_find(s, WASIG_T_PREKEY, key) : NULL;
}

static int
cb_load_pre_key(signal_buffer **record, uint32_t id, void *ud)
{
    bool failed;
    const struct wasig_row *r = wasig_prekey_row(ud, id, &failed);

    if (failed)
        return WASIG_SG_PERSIST;
    return wasig_cb_copy(r, record) == 1 ? SG_SUCCESS : SG_ERR_INVALID_KEY_ID;
}

static int
cb_store_pre_key(uint32_t id, uint8_t *record, size_t len, void *ud)
{
    struct wasig *s = ud;
    char key[16];
    struct err e;

    wasig_id_key(id, key, sizeof key);
    if (wasig_row_put(s, WASIG_T_PREKEY, key, record, len, &e) != RC_OK)
        return wasig_cb_fail(s, &e);
    return 0;
}

static int
cb_contains_pre_key(uint32_t id, void *ud)
{
    bool failed;
    const struct wasig_row *r = wasig_prekey_row(ud, id, &failed);

    return failed ? WASIG_SG_PERSIST : r != NULL;
}

/* A pkmsg consumed the pre-key: gone from the store, and from the credentials too, so a
 * later import cannot bring it back (the caller stores the credentials again). */
static int
cb_remove_pre_key(uint32_t id, void *ud)
{
    struct wasig *s = ud;
    char key[16];
    struct err e;

    wasig_id_key(id, key, sizeof key);
    if (wasig_row_del(s, WASIG_T_PREKEY, key, NULL, &e) != RC_OK)
        return wasig_cb_fail(s, &e);
    if (wa_creds_prekey_remove(s->creds, id))
        s->creds_dirty = true;
    return 0;
}

static int
cb_load_signed_pre_key(signal_buffer **record, uint32_t id, void *ud)
{
    char key[16];

    wasig_id_key(id, key, sizeof key);
    return wasig_cb_copy(wasig_row_find(ud, WASIG_T_SIGNED_PREKEY, key), record) == 1
               ? SG_SUCCESS
               : SG_ERR_INVALID_KEY_ID;
}

static int
cb_store_signed_pre_key(uint32_t id, uint8_t *record, size_t len, void *ud)
{
    struct wasig *s = ud;
    char key[16];
    struct err e;

    wasig_id_key(id, key, sizeof key);
    if (wasig_row_put(s, WASIG_T_SIGNED_PREKEY, key, record, len, &e) != RC_OK)
        return wasig_cb_fail(s, &e);
    return 0;
}

static int
cb_contains_signed_pre_key(uint32_t id, void *ud)
{
    char key[16];

    wasig_id_key(id, key, sizeof key);
    return wasig_row_find(ud, WASIG_T_SIGNED_PREKEY, key) != NULL;
}

static int
cb_remove_signed_pre_key(uint32_t id, void *ud)
{
    struct wasig *s = ud;
    char key[16];
    struct err e;

    wasig_id_key(id, key, sizeof key);
    if (wasig_row_del(s, WASIG_T_SIGNED_PREKEY, key, NULL, &e) != RC_OK)
        return wasig_cb_fail(s, &e);
    return 0;
}

/* ---- identity store ------------------------------------------------------------------------ */

/* Our identity pair from the credentials: 0x05 ‖ pub and the 32-byte private key. */
static int
cb_identity_pair(signal_buffer **pub, signal_buffer **priv, void *ud)
{
    const struct wasig *s = ud;
    uint8_t p[WASIG_KEY_BYTES + 1];

    p[0] = 0x05;
    memcpy(p + 1, s->creds->identity.pub, WASIG_KEY_BYTES);
    *pub = signal_buffer_create(p, sizeof p);
    *priv = signal_buffer_create(s->creds->identity.priv, WASIG_KEY_BYTES);
    if (*pub == NULL || *priv == NULL) {
        signal_buffer_free(*pub);
        signal_buffer_bzero_free(*priv);
        return SG_ERR_NOMEM;
    }
    return 0;
}

static int
cb_registration_id(void *ud, uint32_t *id)
{
    *id = ((const struct wasig *)ud)->creds->registration_id;
    return 0;
}

/* Saves a peer's identity (TOFU). A different key than the stored one sets
 * identity_changed. While decrypting, the key is held back until the message decrypts. */
static int
cb_save_identity(const signal_protocol_address *a, uint8_t *data, size_t len, void *ud)
{
    struct wasig *s = ud;
    char key[WASIG_ROWKEY_MAX];
    const struct wasig_row *old;
    struct err e;
    bool gone;

    if (!wasig_sigaddr_key(a, key, sizeof key))
        return SG_ERR_INVAL;
    if (data == NULL)
        return wasig_row_del(s, WASIG_T_IDENTITY, key, &gone, &e) == RC_OK ? 0
                                                                           : wasig_cb_fail(s, &e);
    if (len != WASIG_KEY_BYTES + 1)
        return SG_ERR_INVALID_KEY;
    old = wasig_row_find(s, WASIG_T_IDENTITY, key);
    if (old != NULL && old->len == len && memcmp(old->data, data, len) == 0)
        return 0;
    if (old != NULL)
        s->identity_changed = true;
    if (s->defer_identity) {
        s->pending_identity = true;
        snprintf(s->pending_key, sizeof s->pending_key, "%s", key);
        memcpy(s->pending_data, data, len);
        return 0;
    }
    if (wasig_row_put(s, WASIG_T_IDENTITY, key, data, len, &e) != RC_OK)
        return wasig_cb_fail(s, &e);
    return 0;
}

/* Trust on first use, as Baileys: every identity is trusted; a change is reported by
 * cb_save_identity and handled by the caller (session dropped, event recorded). */
static int
cb_is_trusted(const signal_protocol_address *a, uint8_t *data, size_t len, void *ud)
{
    (void)a;
    (void)data;
    (void)ud;
    return len == WASIG_KEY_BYTES + 1 ? 1 : 0;
}

/* ---- sender key store (groups: kept for completeness, unused by 1:1 text) ------------------- */

static bool
wasig_skn_key(const signal_protocol_sender_key_name *n, char *buf, size_t len)
{
    char addr[WASIG_ROWKEY_MAX];
    int w;

    if (!wasig_sigaddr_key(&n->sender, addr, sizeof addr) || n->group_id_len == 0 ||
        memchr(n->group_id, '\0', n->group_id_len) != NULL)
        return false;
    w = snprintf(buf, len, "%.*s/%s", (int)n->group_id_len, n->group_id, addr);
    return w > 0 && (size_t)w < len;
}

static int
cb_store_sender_key(const signal_protocol_sender_key_name *n, uint8_t *record, size_t len,
                    uint8_t *user_record, size_t user_len, void *ud)
{
    struct wasig *s = ud;
    char key[WASIG_ROWKEY_MAX];
    struct err e;

    (void)user_record;
    (void)user_len;
    if (!wasig_skn_key(n, key, sizeof key))
        return SG_ERR_INVAL;
    if (wasig_row_put(s, WASIG_T_SENDER_KEY, key, record, len, &e) != RC_OK)
        return wasig_cb_fail(s, &e);
    return 0;
}

static int
cb_load_sender_key(signal_buffer **record, signal_buffer **user_record,
                   const signal_protocol_sender_key_name *n, void *ud)
{
    char key[WASIG_ROWKEY_MAX];

    (void)user_record;
    if (!wasig_skn_key(n, key, sizeof key))
        return 0;
    return wasig_cb_copy(wasig_row_find(ud, WASIG_T_SENDER_KEY, key), record);
}

int
wasig_store_attach(struct wasig *s, struct err *e)
{
    signal_protocol_session_store ss = {
        cb_load_session,
        cb_sub_device_sessions,
        cb_store_session,
        cb_contains_session,
        cb_delete_session,
        cb_delete_all_sessions,
        NULL,
        s,
    };
    signal_protocol_pre_key_store ps = {
        cb_load_pre_key, cb_store_pre_key, cb_contains_pre_key, cb_remove_pre_key, NULL, s,
    };
    signal_protocol_signed_pre_key_store sps = {
        cb_load_signed_pre_key,
        cb_store_signed_pre_key,
        cb_contains_signed_pre_key,
        cb_remove_signed_pre_key,
        NULL,
        s,
    };
    signal_protocol_identity_key_store is = {
        cb_identity_pair, cb_registration_id, cb_save_identity, cb_is_trusted, NULL, s,
    };
    signal_protocol_sender_key_store sks = { cb_store_sender_key, cb_load_sender_key, NULL, s };

    if (signal_protocol_store_context_set_session_store(s->sctx, &ss) != 0 ||
        signal_protocol_store_context_set_pre_key_store(s->sctx, &ps) != 0 ||
        signal_protocol_store_context_set_signed_pre_key_store(s->sctx, &sps) != 0 ||
        signal_protocol_store_context_set_identity_key_store(s->sctx, &is) != 0 ||
        signal_protocol_store_context_set_sender_key_store(s->sctx, &sks) != 0)
        return err_set(e, RC_CRYPTO, "signal: no se pudo preparar el almacén");
    return RC_OK;
}
