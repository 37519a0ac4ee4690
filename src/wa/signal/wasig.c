#include "wa/signal/wasig.h"

#include <inttypes.h>
#include <key_helper.h>
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <signal_protocol.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/secure.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "wa/creds.h"
#include "wa/signal/wasig_int.h"

#define WASIG_DEVICE_MAX 0xFFFFu

/* ---- addresses ------------------------------------------------------------------------------ */

static const struct {
    const char *server;
    enum wasig_domain domain;
} wasig_servers[] = {
    { "s.whatsapp.net", WASIG_DOMAIN_PN },
    { "c.us", WASIG_DOMAIN_PN },
    { "lid", WASIG_DOMAIN_LID },
    { "hosted", WASIG_DOMAIN_HOSTED },
    { "hosted.lid", WASIG_DOMAIN_HOSTED_LID },
};

/* Parses the decimal device after ':' up to '@'; false when not 0..WASIG_DEVICE_MAX. */
static bool
wasig_parse_device(const char *p, const char *at, uint32_t *dev)
{
    uint32_t d = 0;

    if (p == at || at - p > 5)
        return false;
    for (; p < at; p++) {
        if (*p < '0' || *p > '9')
            return false;
        d = d * 10 + (uint32_t)(*p - '0');
    }
    *dev = d;
    return d <= WASIG_DEVICE_MAX;
}

int
wasig_addr_from_jid(const char *jid, struct wasig_addr *out, struct err *e)
{
    const char *at = jid ? strchr(jid, '@') : NULL;
    const char *colon;
    size_t ulen;

    memset(out, 0, sizeof *out);
    if (at == NULL)
        return err_set(e, RC_INVAL, "signal: JID sin '@'");
    colon = memchr(jid, ':', (size_t)(at - jid));
    ulen = (size_t)((colon ? colon : at) - jid);
    if (ulen == 0 || ulen >= WASIG_USER_MAX || strspn(jid, "0123456789") != ulen)
        return err_set(e, RC_INVAL, "signal: usuario de JID inválido");
    if (colon != NULL && !wasig_parse_device(colon + 1, at, &out->device))
        return err_set(e, RC_INVAL, "signal: dispositivo de JID inválido");
    for (size_t i = 0; i < sizeof wasig_servers / sizeof wasig_servers[0]; i++) {
        if (strcmp(at + 1, wasig_servers[i].server) == 0) {
            memcpy(out->user, jid, ulen);
            out->domain = wasig_servers[i].domain;
            return RC_OK;
        }
    }
    return err_set(e, RC_INVAL, "signal: servidor de JID no admitido");
}

/* The Signal name: the user, "_<domain>" appended unless PN (Baileys
 * jidToSignalProtocolAddress). Returns its length, 0 when it does not fit. */
static size_t
wasig_addr_name(const struct wasig_addr *a, char *buf, size_t len)
{
    int n = a->domain == WASIG_DOMAIN_PN ? snprintf(buf, len, "%s", a->user)
                                         : snprintf(buf, len, "%s_%d", a->user, (int)a->domain);

    return n > 0 && (size_t)n < len && a->user[0] != '\0' ? (size_t)n : 0;
}

char *
wasig_addr_key(const struct wasig_addr *a, char *buf, size_t len)
{
    char name[WASIG_USER_MAX + 8];

    if (wasig_addr_name(a, name, sizeof name) == 0)
        snprintf(buf, len, "?");
    else
        snprintf(buf, len, "%s.%" PRIu32, name, a->device);
    return buf;
}

/* A libsignal address over name (which must outlive it). RC_INVAL for a bad address. */
int
wasig_sigaddr(const struct wasig_addr *a, char *name, size_t len, signal_protocol_address *out,
              struct err *e)
{
    size_t n = wasig_addr_name(a, name, len);

    if (n == 0 || a->device > WASIG_DEVICE_MAX || strspn(a->user, "0123456789") != strlen(a->user))
        return err_set(e, RC_INVAL, "signal: dirección inválida");
    out->name = name;
    out->name_len = n;
    out->device_id = (int32_t)a->device;
    return RC_OK;
}

const char *
wasig_type_name(enum wasig_type t)
{
    return t == WASIG_PKMSG ? "pkmsg" : "msg";
}

int
wasig_type_parse(const char *s, enum wasig_type *out, struct err *e)
{
    if (s != NULL && strcmp(s, "pkmsg") == 0)
        *out = WASIG_PKMSG;
    else if (s != NULL && strcmp(s, "msg") == 0)
        *out = WASIG_MSG;
    else
        return err_set(e, RC_INVAL, "signal: tipo de mensaje cifrado no admitido");
    return RC_OK;
}

/* ---- errors ------------------------------------------------------------------------------- */

/* Maps a libsignal result to an rc; a persistence failure inside a callback comes back
 * as its own error. */
int
wasig_sg_err(struct wasig *s, int r, const char *what, struct err *e)
{
    if (r == WASIG_SG_PERSIST && s->store_err.rc != RC_OK) {
        if (e != NULL)
            *e = s->store_err;
        return s->store_err.rc;
    }
    switch (r) {
    case SG_ERR_NOMEM:
        fatal("signal: sin memoria");
    case SG_ERR_INVALID_KEY_ID:
    case SG_ERR_NO_SESSION:
        return err_set(e, RC_NOTFOUND, "signal: %s: no hay sesión o pre-clave (%d)", what, r);
    case SG_ERR_INVAL:
    case SG_ERR_INVALID_PROTO_BUF:
    case SG_ERR_INVALID_VERSION:
    case SG_ERR_LEGACY_MESSAGE:
        return err_set(e, RC_INVAL, "signal: %s: mensaje inválido (%d)", what, r);
    default:
        return err_set(e, RC_CRYPTO, "signal: %s: falló (%d)", what, r);
    }
}

/* Resets the per-call state the store callbacks report through. */
void
wasig_call_begin(struct wasig *s)
{
    err_clear(&s->store_err);
    s->identity_changed = false;
    s->pending_identity = false;
    s->defer_identity = false;
}

/* ---- keys ------------------------------------------------------------------------------------ */

/* An ec_public_key from 32 raw bytes (0x05 is prepended). NULL when not a key. */
ec_public_key *
wasig_pub(struct wasig *s, const uint8_t raw[WASIG_KEY_BYTES])
{
    uint8_t p[WASIG_KEY_BYTES + 1];
    ec_public_key *k = NULL;

    p[0] = 0x05;
    memcpy(p + 1, raw, WASIG_KEY_BYTES);
    if (curve_decode_point(&k, p, sizeof p, s->gctx) != 0)
        return NULL;
    return k;
}

/* A libsignal key pair from an X25519 pair of the credentials. NULL on failure. */
static ec_key_pair *
wasig_pair(struct wasig *s, const uint8_t pub[WASIG_KEY_BYTES], const uint8_t priv[32])
{
    ec_public_key *k = wasig_pub(s, pub);
    ec_private_key *p = NULL;
    ec_key_pair *pair = NULL;

    if (k != NULL && curve_decode_private_point(&p, priv, 32, s->gctx) == 0)
        (void)ec_key_pair_create(&pair, k, p);
    if (k != NULL)
        SIGNAL_UNREF(k);
    if (p != NULL)
        SIGNAL_UNREF(p);
    return pair;
}

/* ---- seeding from the credentials -------------------------------------------------------- */

/* Deletes every row of every table (the store belonged to an earlier link). */
static int
wasig_store_reset(struct wasig *s, struct err *e)
{
    for (int t = 0; t < WASIG_T_COUNT; t++) {
        struct wasig_tab *tab = &s->tabs[t];

        while (tab->count > 0) {
            const struct wasig_row *r = NULL;
            char key[WASIG_ROWKEY_MAX];
            int rc;

            for (size_t i = 0; r == NULL && i < tab->nbuckets; i++)
                r = tab->buckets[i];
            if (r == NULL) /* count > 0 holds a row somewhere; never taken */
                break;
            snprintf(key, sizeof key, "%s", r->key);
            rc = wasig_row_del(s, (enum wasig_table)t, key, NULL, e);
            if (rc != RC_OK)
                return rc;
        }
    }
    return RC_OK;
}

/* Serializes the credentials' signed pre-key into *out (caller frees with bzero_free). */
static int
wasig_signed_record(struct wasig *s, signal_buffer **out, struct err *e)
{
    const struct wa_creds *c = s->creds;
    ec_key_pair *pair = wasig_pair(s, c->signed_prekey.pub, c->signed_prekey.priv);
    session_signed_pre_key *spk = NULL;
    int r = SG_ERR_INVALID_KEY;

    *out = NULL;
    if (pair != NULL)
        r = session_signed_pre_key_create(&spk, c->signed_prekey_id, 0, pair, c->signed_prekey_sig,
                                          SIGN_BYTES);
    if (r == 0)
        r = session_signed_pre_key_serialize(out, spk);
    if (spk != NULL)
        SIGNAL_UNREF(spk);
    if (pair != NULL)
        SIGNAL_UNREF(pair);
    return r == 0 ? RC_OK : wasig_sg_err(s, r, "pre-clave firmada", e);
}

/* Stores the signed pre-key of the credentials. A stored one with the same id but other
 * bytes means the rows come from an earlier link (new credentials reuse id 1): every row
 * is dropped first, sessions included, since they were made for another identity. */
static int
wasig_seed_signed(struct wasig *s, struct err *e)
{
    char key[16];
    signal_buffer *rec = NULL;
    const struct wasig_row *r;
    int rc;

    snprintf(key, sizeof key, "%" PRIu32, s->creds->signed_prekey_id);
    rc = wasig_signed_record(s, &rec, e);
    if (rc != RC_OK)
        return rc;
    r = wasig_row_find(s, WASIG_T_SIGNED_PREKEY, key);
    if (r != NULL && (r->len != signal_buffer_len(rec) ||
                      !secure_equal(r->data, signal_buffer_data(rec), r->len)))
        rc = wasig_store_reset(s, e);
    if (rc == RC_OK && (r == NULL || wasig_row_find(s, WASIG_T_SIGNED_PREKEY, key) == NULL))
        rc = wasig_row_put(s, WASIG_T_SIGNED_PREKEY, key, signal_buffer_data(rec),
                           signal_buffer_len(rec), e);
    signal_buffer_bzero_free(rec);
    return rc;
}

/* Stores one pre-key of the credentials unless the store already holds the same bytes. */
static int
wasig_import_one(struct wasig *s, const struct wa_prekey *pk, bool *added, struct err *e)
{
    ec_key_pair *pair = wasig_pair(s, pk->kp.pub, pk->kp.priv);
    session_pre_key *k = NULL;
    signal_buffer *rec = NULL;
    const struct wasig_row *r;
    char key[16];
    int sr = SG_ERR_INVALID_KEY, rc = RC_OK;

    *added = false;
    if (pair != NULL && (sr = session_pre_key_create(&k, pk->id, pair)) == 0)
        sr = session_pre_key_serialize(&rec, k);
    if (sr != 0)
        rc = wasig_sg_err(s, sr, "pre-clave", e);
    snprintf(key, sizeof key, "%" PRIu32, pk->id);
    r = rc == RC_OK ? wasig_row_find(s, WASIG_T_PREKEY, key) : NULL;
    if (rc == RC_OK && (r == NULL || r->len != signal_buffer_len(rec) ||
                        !secure_equal(r->data, signal_buffer_data(rec), r->len))) {
        rc = wasig_row_put(s, WASIG_T_PREKEY, key, signal_buffer_data(rec), signal_buffer_len(rec),
                           e);
        *added = rc == RC_OK;
    }
    signal_buffer_bzero_free(rec);
    if (k != NULL)
        SIGNAL_UNREF(k);
    if (pair != NULL)
        SIGNAL_UNREF(pair);
    return rc;
}

int
wasig_prekey_import_id(struct wasig *s, uint32_t id, bool *found, struct err *e)
{
    const struct wa_prekey *pk = wa_creds_prekey_find(s->creds, id);
    bool added;

    *found = pk != NULL;
    return pk != NULL ? wasig_import_one(s, pk, &added, e) : RC_OK;
}

int
wasig_prekeys_import(struct wasig *s, size_t *added, struct err *e)
{
    size_t n = 0;

    for (size_t i = 0; i < s->creds->nprekeys; i++) {
        bool one;
        int rc = wasig_import_one(s, &s->creds->prekeys[i], &one, e);

        if (rc != RC_OK)
            return rc;
        n += one;
    }
    if (added != NULL)
        *added = n;
    return RC_OK;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

/* The libsignal contexts with our provider and stores. */
static int
wasig_contexts(struct wasig *s, struct err *e)
{
    signal_crypto_provider prov;

    wasig_provider_fill(&prov);
    prov.user_data = s;
    if (signal_context_create(&s->gctx, s) != 0 ||
        signal_context_set_crypto_provider(s->gctx, &prov) != 0 ||
        signal_protocol_store_context_create(&s->sctx, s->gctx) != 0)
        return err_set(e, RC_CRYPTO, "signal: no se pudo crear el contexto");
    return wasig_store_attach(s, e);
}

struct wasig *
wasig_open(struct wa_creds *creds, int64_t usuario_id, const struct seal_key *key,
           const struct wasig_persist *persist, struct err *e)
{
    struct wasig *s;
    int rc;

    if (creds == NULL || key == NULL || persist == NULL || persist->put == NULL ||
        persist->del == NULL || persist->load == NULL) {
        err_set(e, RC_INVAL, "signal: faltan credenciales, llave o persistencia");
        return NULL;
    }
    s = xcalloc(1, sizeof *s);
    s->creds = creds;
    s->usuario_id = usuario_id;
    s->key = key;
    s->persist = *persist;
    rc = wasig_contexts(s, e);
    if (rc == RC_OK)
        rc = wasig_rows_load(s, e);
    if (rc == RC_OK)
        rc = wasig_seed_signed(s, e);
    if (rc == RC_OK)
        rc = wasig_prekeys_import(s, NULL, e);
    if (rc != RC_OK) {
        wasig_free(s);
        return NULL;
    }
    return s;
}

void
wasig_free(struct wasig *s)
{
    if (s == NULL)
        return;
    if (s->sctx != NULL)
        signal_protocol_store_context_destroy(s->sctx);
    if (s->gctx != NULL)
        signal_context_destroy(s->gctx);
    wasig_rows_free(s);
    secure_wipe(s, sizeof *s);
    free(s);
}

size_t
wasig_prekey_count(const struct wasig *s)
{
    return s->tabs[WASIG_T_PREKEY].count;
}

bool
wasig_creds_dirty(struct wasig *s)
{
    bool d = s->creds_dirty;

    s->creds_dirty = false;
    return d;
}
