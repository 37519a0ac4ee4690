#include "wa/noise.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/secure.h"
#include "crypto/x25519.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/cert.h"
#include "wa/frame.h"
#include "wa/noise_int.h"
#include "wa/pbwire.h"

/* 28 characters and 4 NULs: exactly one hash long, so it is h as is (not hashed). */
static const uint8_t noise_mode[NOISE_KEY_BYTES] = "Noise_XX_25519_AESGCM_SHA256\0\0\0";

struct noise_transport {
    uint8_t wkey[NOISE_KEY_BYTES];
    uint8_t rkey[NOISE_KEY_BYTES];
    uint64_t wn; /* next write counter; 2^32 means exhausted */
    uint64_t rn; /* next read counter */
    bool failed;
};

/* ---- symmetric state (shared with noise_resp.c through noise_int.h) ---------------- */

static void
noise_iv(uint8_t iv[AEAD_IV_BYTES], uint64_t n)
{
    memset(iv, 0, AEAD_IV_BYTES);
    iv[8] = (uint8_t)(n >> 24);
    iv[9] = (uint8_t)(n >> 16);
    iv[10] = (uint8_t)(n >> 8);
    iv[11] = (uint8_t)n;
}

void
noise_mix_hash(struct noise_hs *hs, const uint8_t *data, size_t len)
{
    digest_sha256(hs->h, hs->h, sizeof hs->h, data, len);
}

int
noise_mix_dh(struct noise_hs *hs, const uint8_t *priv, const uint8_t *pub, struct err *e)
{
    uint8_t dh[X25519_KEY_BYTES], okm[2 * NOISE_KEY_BYTES];
    int rc;

    rc = x25519_dh(dh, priv, pub, e);
    if (rc == RC_OK)
        rc = digest_hkdf_sha256(okm, sizeof okm, hs->ck, sizeof hs->ck, dh, sizeof dh, NULL, 0, e);
    if (rc == RC_OK) {
        memcpy(hs->ck, okm, NOISE_KEY_BYTES);
        memcpy(hs->k, okm + NOISE_KEY_BYTES, NOISE_KEY_BYTES);
        hs->n = 0;
    }
    secure_wipe(dh, sizeof dh);
    secure_wipe(okm, sizeof okm);
    return rc == RC_OK ? RC_OK : noise_fail(hs, rc);
}

int
noise_seal(struct noise_hs *hs, const uint8_t *pt, size_t len, uint8_t *out, struct err *e)
{
    uint8_t iv[AEAD_IV_BYTES];
    int rc;

    noise_iv(iv, hs->n);
    rc = aead_gcm_seal(out, hs->k, iv, hs->h, sizeof hs->h, pt, len, e);
    if (rc != RC_OK)
        return noise_fail(hs, rc);
    hs->n++;
    noise_mix_hash(hs, out, len + AEAD_TAG_BYTES);
    return RC_OK;
}

int
noise_open(struct noise_hs *hs, const uint8_t *ct, size_t len, uint8_t *out, struct err *e)
{
    uint8_t iv[AEAD_IV_BYTES];
    int rc;

    noise_iv(iv, hs->n);
    rc = aead_gcm_open(out, hs->k, iv, hs->h, sizeof hs->h, ct, len, e);
    if (rc != RC_OK)
        return noise_fail(hs, rc);
    hs->n++;
    noise_mix_hash(hs, ct, len);
    return RC_OK;
}

int
noise_fail(struct noise_hs *hs, int rc)
{
    hs->state = NOISE_HS_FAILED;
    return rc;
}

int
noise_expect(struct noise_hs *hs, enum noise_role role, enum noise_hs_state state, struct err *e)
{
    if (hs->role == role && hs->state == state)
        return RC_OK;
    return noise_fail(hs, err_set(e, RC_INVAL, "Noise: paso del handshake fuera de orden"));
}

/* Reads the inner bytes fields 1..3 of one sub-message into parts (last value wins). */
static int
noise_parts_read(const uint8_t *p, size_t len, struct noise_parts *parts, struct err *e)
{
    struct pbwire_reader r;
    struct pbwire_field f;
    bool got;
    int rc;

    pbwire_reader_init(&r, p, len);
    while ((rc = pbwire_next(&r, &f, &got, e)) == RC_OK && got) {
        if (f.num >= NOISE_PARTS)
            continue; /* extended fields and unknown ones: not used */
        if (f.type != PBWIRE_BYTES)
            return err_set(e, RC_INVAL, "Noise: campo %u con tipo inesperado", (unsigned)f.num);
        parts->f[f.num] = f.data;
        parts->len[f.num] = f.len;
    }
    return rc;
}

int
noise_msg_parse(const uint8_t *msg, size_t len, enum noise_msg_field which,
                struct noise_parts *parts, struct err *e)
{
    struct pbwire_reader r;
    struct pbwire_field f;
    bool got, seen = false;
    int rc;

    memset(parts, 0, sizeof *parts);
    pbwire_reader_init(&r, msg, len);
    while ((rc = pbwire_next(&r, &f, &got, e)) == RC_OK && got) {
        if (f.num != (uint32_t)which)
            continue;
        if (f.type != PBWIRE_BYTES)
            return err_set(e, RC_INVAL, "Noise: mensaje de handshake mal formado");
        if ((rc = noise_parts_read(f.data, f.len, parts, e)) != RC_OK)
            return rc;
        seen = true;
    }
    if (rc == RC_OK && !seen)
        rc = err_set(e, RC_INVAL, "Noise: falta el mensaje de handshake esperado");
    return rc;
}

/* ---- handshake state ---------------------------------------------------------------- */

struct noise_hs *
noise_hs_new(enum noise_role role, const struct x25519_keypair *s, const struct x25519_keypair *eph)
{
    struct noise_hs *hs = secure_alloc(sizeof *hs);

    hs->role = role;
    hs->state = NOISE_HS_START;
    memcpy(&hs->s, s, sizeof hs->s);
    if (eph != NULL)
        memcpy(&hs->e, eph, sizeof hs->e);
    else
        x25519_keypair_gen(&hs->e);
    memcpy(hs->h, noise_mode, sizeof hs->h);
    memcpy(hs->ck, hs->h, sizeof hs->ck);
    memcpy(hs->k, hs->h, sizeof hs->k);
    noise_mix_hash(hs, frame_wa_header, FRAME_WA_BYTES);
    return hs;
}

void
noise_hs_free(struct noise_hs *hs)
{
    secure_free(hs);
}

const uint8_t *
noise_hs_remote_static(const struct noise_hs *hs)
{
    return hs->have_rs ? hs->rs : NULL;
}

/* ---- initiator ------------------------------------------------------------------------ */

int
noise_init_write_hello(struct noise_hs *hs, struct strbuf *out, struct err *e)
{
    struct strbuf inner;
    int rc;

    if ((rc = noise_expect(hs, NOISE_INITIATOR, NOISE_HS_START, e)) != RC_OK)
        return rc;
    noise_mix_hash(hs, hs->e.pub, sizeof hs->e.pub);
    strbuf_init(&inner);
    pbwire_put_bytes(&inner, 1, hs->e.pub, sizeof hs->e.pub);
    pbwire_put_bytes(out, NOISE_MSG_CLIENT_HELLO, (const uint8_t *)inner.buf, inner.len);
    strbuf_fini(&inner);
    hs->state = NOISE_HS_HELLO;
    return RC_OK;
}

/* Decrypts the server static (48 bytes) into hs->rs. */
static int
noise_init_open_static(struct noise_hs *hs, const struct noise_parts *p, struct err *e)
{
    int rc;

    if (p->len[2] != NOISE_KEY_BYTES + AEAD_TAG_BYTES)
        return noise_fail(hs, err_set(e, RC_INVAL,
                                      "Noise: clave estática del servidor con "
                                      "longitud inválida (%zu)",
                                      p->len[2]));
    if ((rc = noise_open(hs, p->f[2], p->len[2], hs->rs, e)) != RC_OK) {
        err_wrap(e, "Noise: clave estática del servidor");
        return rc;
    }
    hs->have_rs = true;
    return RC_OK;
}

/* Decrypts and verifies the certificate chain of the ServerHello payload. */
static int
noise_init_check_cert(struct noise_hs *hs, const struct noise_parts *p, const uint8_t *root,
                      int64_t now, struct err *e)
{
    size_t n = p->len[3] - AEAD_TAG_BYTES;
    uint8_t *cert = xmalloc(n + 1);
    int rc;

    rc = noise_open(hs, p->f[3], p->len[3], cert, e);
    if (rc != RC_OK)
        err_wrap(e, "Noise: certificado del servidor");
    else if ((rc = cert_verify_chain(cert, n, hs->rs, root, now, e)) != RC_OK)
        noise_fail(hs, rc);
    free(cert);
    return rc;
}

int
noise_init_read_server_hello(struct noise_hs *hs, const uint8_t *msg, size_t len,
                             const uint8_t root[NOISE_KEY_BYTES], int64_t now, struct err *e)
{
    struct noise_parts p;
    int rc;

    if ((rc = noise_expect(hs, NOISE_INITIATOR, NOISE_HS_HELLO, e)) != RC_OK)
        return rc;
    if ((rc = noise_msg_parse(msg, len, NOISE_MSG_SERVER_HELLO, &p, e)) != RC_OK)
        return noise_fail(hs, rc);
    if (p.len[1] != NOISE_KEY_BYTES || p.f[2] == NULL || p.f[3] == NULL ||
        p.len[3] < AEAD_TAG_BYTES)
        return noise_fail(hs, err_set(e, RC_INVAL, "Noise: ServerHello incompleto"));
    memcpy(hs->re, p.f[1], NOISE_KEY_BYTES);
    noise_mix_hash(hs, hs->re, sizeof hs->re);
    if ((rc = noise_mix_dh(hs, hs->e.priv, hs->re, e)) != RC_OK || /* ee */
        (rc = noise_init_open_static(hs, &p, e)) != RC_OK ||       /* s  */
        (rc = noise_mix_dh(hs, hs->e.priv, hs->rs, e)) != RC_OK || /* es */
        (rc = noise_init_check_cert(hs, &p, root, now, e)) != RC_OK)
        return rc;
    hs->state = NOISE_HS_SERVER;
    return RC_OK;
}

int
noise_init_write_finish(struct noise_hs *hs, const uint8_t *payload, size_t len, struct strbuf *out,
                        struct err *e)
{
    uint8_t enc_static[NOISE_KEY_BYTES + AEAD_TAG_BYTES];
    struct strbuf inner;
    uint8_t *enc_payload;
    int rc;

    if ((rc = noise_expect(hs, NOISE_INITIATOR, NOISE_HS_SERVER, e)) != RC_OK)
        return rc;
    if (len > FRAME_MAX_BYTES)
        return noise_fail(hs, err_set(e, RC_INVAL, "Noise: carga demasiado grande"));
    /* The same k as the certificate, so n is 1 here: no mixKey in between (the trap). */
    if ((rc = noise_seal(hs, hs->s.pub, sizeof hs->s.pub, enc_static, e)) != RC_OK ||
        (rc = noise_mix_dh(hs, hs->s.priv, hs->re, e)) != RC_OK) /* se */
        return rc;
    enc_payload = xmalloc(len + AEAD_TAG_BYTES);
    rc = noise_seal(hs, payload, len, enc_payload, e);
    if (rc == RC_OK) {
        strbuf_init(&inner);
        pbwire_put_bytes(&inner, 1, enc_static, sizeof enc_static);
        pbwire_put_bytes(&inner, 2, enc_payload, len + AEAD_TAG_BYTES);
        pbwire_put_bytes(out, NOISE_MSG_CLIENT_FINISH, (const uint8_t *)inner.buf, inner.len);
        strbuf_fini(&inner);
        hs->state = NOISE_HS_DONE;
    }
    free(enc_payload);
    return rc;
}

/* ---- transport --------------------------------------------------------------------- */

struct noise_transport *
noise_hs_split(struct noise_hs *hs, struct err *e)
{
    uint8_t okm[2 * NOISE_KEY_BYTES];
    struct noise_transport *t;
    bool init = hs->role == NOISE_INITIATOR;

    if (hs->state != NOISE_HS_DONE) {
        err_set(e, RC_INVAL, "Noise: el handshake no terminó");
        return NULL;
    }
    if (digest_hkdf_sha256(okm, sizeof okm, hs->ck, sizeof hs->ck, NULL, 0, NULL, 0, e) != RC_OK)
        return NULL;
    t = secure_alloc(sizeof *t);
    /* Initiator writes with the first half and reads with the second; the responder mirrors. */
    memcpy(t->wkey, init ? okm : okm + NOISE_KEY_BYTES, NOISE_KEY_BYTES);
    memcpy(t->rkey, init ? okm + NOISE_KEY_BYTES : okm, NOISE_KEY_BYTES);
    secure_wipe(okm, sizeof okm);
    return t;
}

void
noise_transport_free(struct noise_transport *t)
{
    secure_free(t);
}

int
noise_transport_encrypt(struct noise_transport *t, const uint8_t *pt, size_t len,
                        struct strbuf *out, struct err *e)
{
    uint8_t iv[AEAD_IV_BYTES];
    uint8_t *ct;
    int rc;

    if (t->failed || t->wn > UINT32_MAX)
        return err_set(e, RC_CRYPTO, "Noise: cifrado de transporte inutilizable");
    if (len > FRAME_MAX_BYTES - AEAD_TAG_BYTES)
        return err_set(e, RC_INVAL, "Noise: mensaje demasiado grande para una trama");
    noise_iv(iv, t->wn);
    ct = xmalloc(len + AEAD_TAG_BYTES);
    rc = aead_gcm_seal(ct, t->wkey, iv, NULL, 0, pt, len, e);
    if (rc == RC_OK) {
        strbuf_add(out, ct, len + AEAD_TAG_BYTES);
        t->wn++;
    } else {
        t->failed = true;
    }
    free(ct);
    return rc;
}

int
noise_transport_decrypt(struct noise_transport *t, const uint8_t *ct, size_t len,
                        struct strbuf *out, struct err *e)
{
    uint8_t iv[AEAD_IV_BYTES];
    uint8_t *pt;
    int rc;

    if (t->failed || t->rn > UINT32_MAX)
        return err_set(e, RC_CRYPTO, "Noise: cifrado de transporte inutilizable");
    if (len < AEAD_TAG_BYTES) {
        t->failed = true;
        return err_set(e, RC_CRYPTO, "Noise: trama cifrada más corta que la etiqueta");
    }
    noise_iv(iv, t->rn);
    pt = xmalloc(len - AEAD_TAG_BYTES + 1);
    rc = aead_gcm_open(pt, t->rkey, iv, NULL, 0, ct, len, e);
    if (rc == RC_OK) {
        strbuf_add(out, pt, len - AEAD_TAG_BYTES);
        t->rn++;
    } else {
        t->failed = true;
        rc = err_set(e, RC_CRYPTO, "Noise: trama rechazada (autenticación fallida)");
    }
    secure_wipe(pt, len - AEAD_TAG_BYTES);
    free(pt);
    return rc;
}
