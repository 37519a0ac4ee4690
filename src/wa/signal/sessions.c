/*
 * sessions — building, using and dropping Signal sessions (wasig.h's session half).
 */
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>
#include <session_record.h>
#include <session_state.h>
#include <signal_protocol.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/secure.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "wa/signal/wasig.h"
#include "wa/signal/wasig_int.h"

/* The libsignal bundle for b; SG error code on failure. */
static int
ses_bundle(struct wasig *s, uint32_t device, const struct wasig_bundle *b,
           session_pre_key_bundle **out)
{
    ec_public_key *id = wasig_pub(s, b->identity), *sk = wasig_pub(s, b->skey);
    ec_public_key *pk = b->has_prekey ? wasig_pub(s, b->prekey) : NULL;
    int r = SG_ERR_INVALID_KEY;

    if (id != NULL && sk != NULL && (!b->has_prekey || pk != NULL))
        r = session_pre_key_bundle_create(out, b->registration_id, (int)device,
                                          b->has_prekey ? b->prekey_id : 0, pk, b->skey_id, sk,
                                          b->skey_sig, WASIG_SIG_BYTES, id);
    if (id != NULL)
        SIGNAL_UNREF(id);
    if (sk != NULL)
        SIGNAL_UNREF(sk);
    if (pk != NULL)
        SIGNAL_UNREF(pk);
    return r;
}

/* Drops a's session when the stored identity differs from the bundle's. */
static int
ses_check_identity(struct wasig *s, const struct wasig_addr *a, const struct wasig_bundle *b,
                   bool *changed, struct err *e)
{
    char key[WASIG_ROWKEY_MAX];
    const struct wasig_row *r;

    *changed = false;
    wasig_addr_key(a, key, sizeof key);
    r = wasig_row_find(s, WASIG_T_IDENTITY, key);
    if (r == NULL ||
        (r->len == WASIG_KEY_BYTES + 1 && memcmp(r->data + 1, b->identity, WASIG_KEY_BYTES) == 0))
        return RC_OK;
    *changed = true;
    return wasig_row_del(s, WASIG_T_SESSION, key, NULL, e);
}

int
wasig_session_build(struct wasig *s, const struct wasig_addr *a, const struct wasig_bundle *b,
                    bool *identity_changed, struct err *e)
{
    char name[WASIG_NAME_MAX];
    signal_protocol_address sa;
    session_pre_key_bundle *bundle = NULL;
    session_builder *builder = NULL;
    bool changed = false;
    int rc, r;

    if (identity_changed != NULL)
        *identity_changed = false;
    rc = wasig_sigaddr(a, name, sizeof name, &sa, e);
    if (rc == RC_OK)
        rc = ses_check_identity(s, a, b, &changed, e);
    if (rc != RC_OK)
        return rc;
    wasig_call_begin(s);
    r = ses_bundle(s, a->device, b, &bundle);
    if (r == 0)
        r = session_builder_create(&builder, s->sctx, &sa, s->gctx);
    if (r == 0)
        r = session_builder_process_pre_key_bundle(builder, bundle);
    rc = r == 0 ? RC_OK : wasig_sg_err(s, r, "sesión desde el paquete de claves", e);
    session_builder_free(builder);
    if (bundle != NULL)
        SIGNAL_UNREF(bundle);
    if (identity_changed != NULL)
        *identity_changed = changed || s->identity_changed;
    return rc;
}

bool
wasig_has_session(const struct wasig *s, const struct wasig_addr *a)
{
    char key[WASIG_ROWKEY_MAX];

    wasig_addr_key(a, key, sizeof key);
    return wasig_row_find(s, WASIG_T_SESSION, key) != NULL;
}

int
wasig_session_drop(struct wasig *s, const struct wasig_addr *a, struct err *e)
{
    char name[WASIG_NAME_MAX], key[WASIG_ROWKEY_MAX];
    signal_protocol_address sa;
    int rc = wasig_sigaddr(a, name, sizeof name, &sa, e);

    if (rc != RC_OK)
        return rc;
    wasig_addr_key(a, key, sizeof key);
    return wasig_row_del(s, WASIG_T_SESSION, key, NULL, e);
}

int
wasig_user_drop(struct wasig *s, const struct wasig_addr *a, size_t *dropped, struct err *e)
{
    char name[WASIG_NAME_MAX];
    signal_protocol_address sa;
    int rc = wasig_sigaddr(a, name, sizeof name, &sa, e), r;

    if (dropped != NULL)
        *dropped = 0;
    if (rc != RC_OK)
        return rc;
    wasig_call_begin(s);
    r = signal_protocol_session_delete_all_sessions(s->sctx, sa.name, sa.name_len);
    if (r < 0)
        return wasig_sg_err(s, r, "borrar sesiones", e);
    if (dropped != NULL)
        *dropped = (size_t)r;
    return RC_OK;
}

/* Copies a libsignal buffer into a new xmalloc'd one. */
static void
ses_copy_out(const signal_buffer *b, uint8_t **out, size_t *len)
{
    *len = signal_buffer_len(b);
    *out = xmalloc(*len > 0 ? *len : 1);
    memcpy(*out, signal_buffer_const_data(b), *len);
}

int
wasig_encrypt(struct wasig *s, const struct wasig_addr *a, const uint8_t *pt, size_t len,
              enum wasig_type *type, uint8_t **ct, size_t *ctlen, struct err *e)
{
    char name[WASIG_NAME_MAX];
    signal_protocol_address sa;
    session_cipher *cipher = NULL;
    ciphertext_message *msg = NULL;
    int rc = wasig_sigaddr(a, name, sizeof name, &sa, e), r;

    *ct = NULL;
    *ctlen = 0;
    if (rc != RC_OK)
        return rc;
    if (len == 0 || len > WASIG_MAX_PLAIN)
        return err_set(e, RC_INVAL, "signal: mensaje vacío o demasiado largo");
    if (!wasig_has_session(s, a))
        return err_set(e, RC_NOTFOUND, "signal: no hay sesión con ese dispositivo");
    wasig_call_begin(s);
    r = session_cipher_create(&cipher, s->sctx, &sa, s->gctx);
    if (r == 0)
        r = session_cipher_encrypt(cipher, pt, len, &msg);
    if (r == 0) {
        *type =
            ciphertext_message_get_type(msg) == CIPHERTEXT_PREKEY_TYPE ? WASIG_PKMSG : WASIG_MSG;
        ses_copy_out(ciphertext_message_get_serialized(msg), ct, ctlen);
    }
    rc = r == 0 ? RC_OK : wasig_sg_err(s, r, "cifrar", e);
    if (msg != NULL)
        SIGNAL_UNREF(msg);
    session_cipher_free(cipher);
    return rc;
}

/* libsignal's decryption for one type; *plain on success. */
static int
ses_decrypt(struct wasig *s, session_cipher *cipher, enum wasig_type type, const uint8_t *ct,
            size_t len, signal_buffer **plain)
{
    pre_key_signal_message *pk = NULL;
    signal_message *m = NULL;
    int r;

    if (type == WASIG_PKMSG) {
        r = pre_key_signal_message_deserialize(&pk, ct, len, s->gctx);
        if (r == 0)
            r = session_cipher_decrypt_pre_key_signal_message(cipher, pk, NULL, plain);
    } else {
        r = signal_message_deserialize(&m, ct, len, s->gctx);
        if (r == 0)
            r = session_cipher_decrypt_signal_message(cipher, m, NULL, plain);
    }
    if (pk != NULL)
        SIGNAL_UNREF(pk);
    if (m != NULL)
        SIGNAL_UNREF(m);
    return r;
}

int
wasig_decrypt(struct wasig *s, const struct wasig_addr *a, enum wasig_type type, const uint8_t *ct,
              size_t len, bool *identity_changed, uint8_t **pt, size_t *ptlen, struct err *e)
{
    char name[WASIG_NAME_MAX];
    signal_protocol_address sa;
    session_cipher *cipher = NULL;
    signal_buffer *plain = NULL;
    int rc = wasig_sigaddr(a, name, sizeof name, &sa, e), r;

    *pt = NULL;
    *ptlen = 0;
    if (identity_changed != NULL)
        *identity_changed = false;
    if (rc != RC_OK)
        return rc;
    if (len == 0 || len > WASIG_MAX_PLAIN + 1024)
        return err_set(e, RC_INVAL, "signal: mensaje cifrado vacío o demasiado largo");
    if (type == WASIG_MSG && !wasig_has_session(s, a))
        return err_set(e, RC_NOTFOUND, "signal: no hay sesión con ese dispositivo");
    wasig_call_begin(s);
    s->defer_identity = true;
    r = session_cipher_create(&cipher, s->sctx, &sa, s->gctx);
    if (r == 0)
        r = ses_decrypt(s, cipher, type, ct, len, &plain);
    s->defer_identity = false;
    session_cipher_free(cipher);
    rc = r == 0 ? RC_OK : wasig_sg_err(s, r, "descifrar", e);
    /* The sender's identity is kept only once its message decrypted. */
    if (rc == RC_OK && s->pending_identity)
        rc = wasig_row_put(s, WASIG_T_IDENTITY, s->pending_key, s->pending_data,
                           sizeof s->pending_data, e);
    if (rc == RC_OK) {
        ses_copy_out(plain, pt, ptlen);
        if (identity_changed != NULL)
            *identity_changed = s->identity_changed;
    }
    if (plain != NULL)
        signal_buffer_bzero_free(plain);
    return rc;
}

int
wasig_remote_registration_id(const struct wasig *s, const struct wasig_addr *a, uint32_t *out,
                             struct err *e)
{
    char key[WASIG_ROWKEY_MAX];
    const struct wasig_row *r;
    session_record *rec = NULL;
    int rc = RC_NOTFOUND;

    wasig_addr_key(a, key, sizeof key);
    r = wasig_row_find(s, WASIG_T_SESSION, key);
    if (r != NULL && session_record_deserialize(&rec, r->data, r->len, s->gctx) == 0) {
        session_state *st = session_record_get_state(rec);

        if (st != NULL && session_state_has_sender_chain(st)) {
            *out = session_state_get_remote_registration_id(st);
            rc = RC_OK;
        }
        SIGNAL_UNREF(rec);
    }
    if (rc != RC_OK)
        return err_set(e, RC_NOTFOUND, "signal: no hay sesión con ese dispositivo");
    return RC_OK;
}
