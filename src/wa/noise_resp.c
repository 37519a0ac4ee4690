/*
 * noise_resp — the responder (server) side of the WhatsApp Noise XX handshake, the mirror
 * of the initiator in noise.c. Used by the C fake server and the tests; the client never
 * calls it. Prototypes are in wa/noise.h.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/aead.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/frame.h"
#include "wa/noise.h"
#include "wa/noise_int.h"
#include "wa/pbwire.h"

int
noise_resp_read_hello(struct noise_hs *hs, const uint8_t *msg, size_t len, struct err *e)
{
    struct noise_parts p;
    int rc;

    if ((rc = noise_expect(hs, NOISE_RESPONDER, NOISE_HS_START, e)) != RC_OK)
        return rc;
    if ((rc = noise_msg_parse(msg, len, NOISE_MSG_CLIENT_HELLO, &p, e)) != RC_OK)
        return noise_fail(hs, rc);
    if (p.len[1] != NOISE_KEY_BYTES)
        return noise_fail(hs, err_set(e, RC_INVAL, "Noise: ClientHello sin clave efímera"));
    memcpy(hs->re, p.f[1], NOISE_KEY_BYTES);
    noise_mix_hash(hs, hs->re, sizeof hs->re);
    hs->state = NOISE_HS_HELLO;
    return RC_OK;
}

int
noise_resp_write_server_hello(struct noise_hs *hs, const uint8_t *cert_chain, size_t certlen,
                              struct strbuf *out, struct err *e)
{
    uint8_t enc_static[NOISE_KEY_BYTES + AEAD_TAG_BYTES];
    struct strbuf inner;
    uint8_t *enc_cert;
    int rc;

    if ((rc = noise_expect(hs, NOISE_RESPONDER, NOISE_HS_HELLO, e)) != RC_OK)
        return rc;
    if (certlen > FRAME_MAX_BYTES)
        return noise_fail(hs, err_set(e, RC_INVAL, "Noise: certificado demasiado grande"));
    noise_mix_hash(hs, hs->e.pub, sizeof hs->e.pub);
    if ((rc = noise_mix_dh(hs, hs->e.priv, hs->re, e)) != RC_OK ||                    /* ee */
        (rc = noise_seal(hs, hs->s.pub, sizeof hs->s.pub, enc_static, e)) != RC_OK || /* s */
        (rc = noise_mix_dh(hs, hs->s.priv, hs->re, e)) != RC_OK)                      /* es */
        return rc;
    enc_cert = xmalloc(certlen + AEAD_TAG_BYTES);
    rc = noise_seal(hs, cert_chain, certlen, enc_cert, e);
    if (rc == RC_OK) {
        strbuf_init(&inner);
        pbwire_put_bytes(&inner, 1, hs->e.pub, sizeof hs->e.pub);
        pbwire_put_bytes(&inner, 2, enc_static, sizeof enc_static);
        pbwire_put_bytes(&inner, 3, enc_cert, certlen + AEAD_TAG_BYTES);
        pbwire_put_bytes(out, NOISE_MSG_SERVER_HELLO, (const uint8_t *)inner.buf, inner.len);
        strbuf_fini(&inner);
        hs->state = NOISE_HS_SERVER;
    }
    free(enc_cert);
    return rc;
}

int
noise_resp_read_finish(struct noise_hs *hs, const uint8_t *msg, size_t len,
                       struct strbuf *payload_out, struct err *e)
{
    struct noise_parts p;
    uint8_t *payload;
    int rc;

    if ((rc = noise_expect(hs, NOISE_RESPONDER, NOISE_HS_SERVER, e)) != RC_OK)
        return rc;
    if ((rc = noise_msg_parse(msg, len, NOISE_MSG_CLIENT_FINISH, &p, e)) != RC_OK)
        return noise_fail(hs, rc);
    if (p.len[1] != NOISE_KEY_BYTES + AEAD_TAG_BYTES || p.f[2] == NULL || p.len[2] < AEAD_TAG_BYTES)
        return noise_fail(hs, err_set(e, RC_INVAL, "Noise: ClientFinish incompleto"));
    /* n is 1: the client sealed its static under the certificate's key. */
    if ((rc = noise_open(hs, p.f[1], p.len[1], hs->rs, e)) != RC_OK) {
        err_wrap(e, "Noise: clave estática del cliente");
        return rc;
    }
    hs->have_rs = true;
    if ((rc = noise_mix_dh(hs, hs->e.priv, hs->rs, e)) != RC_OK) /* se */
        return rc;
    payload = xmalloc(p.len[2] - AEAD_TAG_BYTES + 1);
    rc = noise_open(hs, p.f[2], p.len[2], payload, e);
    if (rc == RC_OK) {
        strbuf_add(payload_out, payload, p.len[2] - AEAD_TAG_BYTES);
        hs->state = NOISE_HS_DONE;
    } else {
        err_wrap(e, "Noise: carga del cliente");
    }
    free(payload);
    return rc;
}
