#include "wa/cert.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/secure.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/strbuf.h"
#include "wa/pbwire.h"

const uint8_t cert_wa_root_key[CERT_KEY_BYTES] = {
    0x14, 0x23, 0x75, 0x57, 0x4d, 0x0a, 0x58, 0x71, 0x66, 0xaa, 0xe7, 0x1e, 0xbe, 0x51, 0x64, 0x37,
    0xc4, 0xa2, 0x8b, 0x73, 0xe3, 0x69, 0x5c, 0x6c, 0xe1, 0xf7, 0xf9, 0x54, 0x5d, 0xa8, 0xee, 0x6b,
};

/* One NoiseCertificate: views of its details bytes and signature. */
struct cert_part {
    const uint8_t *details;
    size_t details_len;
    const uint8_t *sig;
    size_t sig_len;
};

static int
cert_part_parse(const uint8_t *p, size_t len, struct cert_part *c, struct err *e)
{
    struct pbwire_reader r;
    struct pbwire_field f;
    bool got;
    int rc;

    pbwire_reader_init(&r, p, len);
    while ((rc = pbwire_next(&r, &f, &got, e)) == RC_OK && got) {
        if (f.num != 1 && f.num != 2)
            continue;
        if (f.type != PBWIRE_BYTES)
            return err_set(e, RC_INVAL, "certificado: campo con tipo inesperado");
        if (f.num == 1) {
            c->details = f.data;
            c->details_len = f.len;
        } else {
            c->sig = f.data;
            c->sig_len = f.len;
        }
    }
    return rc;
}

/* Parses CertChain { leaf = 1, intermediate = 2 } (repeated occurrences merge). */
static int
cert_chain_parse(const uint8_t *p, size_t len, struct cert_part *leaf, struct cert_part *inter,
                 struct err *e)
{
    struct pbwire_reader r;
    struct pbwire_field f;
    bool got;
    int rc;

    memset(leaf, 0, sizeof *leaf);
    memset(inter, 0, sizeof *inter);
    pbwire_reader_init(&r, p, len);
    while ((rc = pbwire_next(&r, &f, &got, e)) == RC_OK && got) {
        if (f.num != 1 && f.num != 2)
            continue;
        if (f.type != PBWIRE_BYTES)
            return err_set(e, RC_INVAL, "certificado: cadena mal formada");
        rc = cert_part_parse(f.data, f.len, f.num == 1 ? leaf : inter, e);
        if (rc != RC_OK)
            return rc;
    }
    return rc;
}

/* Assigns a varint field to a uint32 member, refusing values that do not fit. */
static int
cert_u32(uint32_t *dst, const struct pbwire_field *f, struct err *e)
{
    if (f->type != PBWIRE_VARINT || f->varint > UINT32_MAX)
        return err_set(e, RC_INVAL, "certificado: número de serie inválido");
    *dst = (uint32_t)f->varint;
    return RC_OK;
}

int
cert_details_parse(const uint8_t *p, size_t len, struct cert_details *d, struct err *e)
{
    struct pbwire_reader r;
    struct pbwire_field f;
    bool got;
    int rc;

    memset(d, 0, sizeof *d);
    pbwire_reader_init(&r, p, len);
    while ((rc = pbwire_next(&r, &f, &got, e)) == RC_OK && got) {
        if (f.num == 1 || f.num == 2) {
            rc = cert_u32(f.num == 1 ? &d->serial : &d->issuer_serial, &f, e);
        } else if (f.num == 3) {
            if (f.type != PBWIRE_BYTES)
                return err_set(e, RC_INVAL, "certificado: clave con tipo inesperado");
            d->key = f.data;
            d->key_len = f.len;
        } else if (f.num == 4 || f.num == 5) {
            if (f.type != PBWIRE_VARINT)
                return err_set(e, RC_INVAL, "certificado: vigencia con tipo inesperado");
            *(f.num == 4 ? &d->not_before : &d->not_after) = f.varint;
        }
        if (rc != RC_OK)
            return rc;
    }
    return rc;
}

/* now within [not_before, not_after] (an absent not_after is 0: expired, as whatsmeow). */
static int
cert_check_validity(const struct cert_details *d, int64_t now, const char *which, struct err *e)
{
    uint64_t t = now < 0 ? 0 : (uint64_t)now;

    if (now < 0 || t < d->not_before)
        return err_set(e, RC_CRYPTO, "certificado %s: todavía no es válido", which);
    if (t > d->not_after)
        return err_set(e, RC_CRYPTO, "certificado %s: expirado", which);
    return RC_OK;
}

static int
cert_check_parts(const struct cert_part *leaf, const struct cert_part *inter, struct err *e)
{
    if (leaf->details == NULL || leaf->sig == NULL || inter->details == NULL || inter->sig == NULL)
        return err_set(e, RC_INVAL, "certificado: faltan partes de la cadena");
    if (inter->sig_len != CERT_SIG_BYTES || leaf->sig_len != CERT_SIG_BYTES)
        return err_set(e, RC_CRYPTO, "certificado: firma de longitud inesperada");
    return RC_OK;
}

/* The intermediate: signed by root, issued by the root serial, a 32-byte key, in date. */
static int
cert_check_intermediate(const struct cert_part *inter, const uint8_t *root, int64_t now,
                        struct cert_details *d, struct err *e)
{
    int rc;

    if (!sign_xeddsa_verify(root, inter->details, inter->details_len, inter->sig))
        return err_set(e, RC_CRYPTO, "certificado intermedio: firma de la raíz inválida");
    if ((rc = cert_details_parse(inter->details, inter->details_len, d, e)) != RC_OK)
        return rc;
    if (d->issuer_serial != CERT_ROOT_SERIAL)
        return err_set(e, RC_CRYPTO, "certificado intermedio: emisor inesperado (%u)",
                       (unsigned)d->issuer_serial);
    if (d->key_len != CERT_KEY_BYTES)
        return err_set(e, RC_CRYPTO, "certificado intermedio: clave de longitud inválida");
    return cert_check_validity(d, now, "intermedio", e);
}

int
cert_verify_chain(const uint8_t *chain, size_t len, const uint8_t server_static[CERT_KEY_BYTES],
                  const uint8_t root[CERT_KEY_BYTES], int64_t now, struct err *e)
{
    struct cert_part leaf, inter;
    struct cert_details di, dl;
    int rc;

    if ((rc = cert_chain_parse(chain, len, &leaf, &inter, e)) != RC_OK ||
        (rc = cert_check_parts(&leaf, &inter, e)) != RC_OK ||
        (rc = cert_check_intermediate(&inter, root, now, &di, e)) != RC_OK)
        return rc;
    if (!sign_xeddsa_verify(di.key, leaf.details, leaf.details_len, leaf.sig))
        return err_set(e, RC_CRYPTO, "certificado hoja: firma del intermedio inválida");
    if ((rc = cert_details_parse(leaf.details, leaf.details_len, &dl, e)) != RC_OK)
        return rc;
    if (dl.issuer_serial != di.serial)
        return err_set(e, RC_CRYPTO, "certificado hoja: emisor %u no es el intermedio %u",
                       (unsigned)dl.issuer_serial, (unsigned)di.serial);
    if (dl.key_len != CERT_KEY_BYTES || !secure_equal(dl.key, server_static, CERT_KEY_BYTES))
        return err_set(e, RC_CRYPTO, "certificado hoja: la clave no es la estática del servidor");
    return cert_check_validity(&dl, now, "hoja", e);
}

int
cert_root_choose(const char *override_hex, bool allow_override, uint8_t root[CERT_KEY_BYTES],
                 struct err *e)
{
    memcpy(root, cert_wa_root_key, CERT_KEY_BYTES);
    if (!allow_override || override_hex == NULL || override_hex[0] == '\0')
        return RC_OK;
    if (strlen(override_hex) != 2 * CERT_KEY_BYTES)
        return err_set(e, RC_INVAL, "%s: se esperan 64 caracteres hexadecimales", CERT_ROOT_ENV);
    for (size_t i = 0; i < CERT_KEY_BYTES; i++) {
        int hi = hex_digit(override_hex[2 * i]), lo = hex_digit(override_hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            memcpy(root, cert_wa_root_key, CERT_KEY_BYTES);
            return err_set(e, RC_INVAL, "%s: carácter no hexadecimal", CERT_ROOT_ENV);
        }
        root[i] = (uint8_t)(hi << 4 | lo);
    }
    return RC_OK;
}

bool
cert_root_override_allowed(void)
{
#ifdef EMBUDO_TEST_BUILD
    return true;
#else
    return false;
#endif
}

int
cert_root_key(uint8_t root[CERT_KEY_BYTES], struct err *e)
{
    bool allow = cert_root_override_allowed();

    return cert_root_choose(allow ? getenv(CERT_ROOT_ENV) : NULL, allow, root, e);
}

void
cert_details_put(struct strbuf *out, const struct cert_details *d)
{
    pbwire_put_uint(out, 1, d->serial);
    pbwire_put_uint(out, 2, d->issuer_serial);
    pbwire_put_bytes(out, 3, d->key, d->key_len);
    pbwire_put_uint(out, 4, d->not_before);
    pbwire_put_uint(out, 5, d->not_after);
}

static void
cert_part_put(struct strbuf *out, uint32_t num, const uint8_t *details, size_t len,
              const uint8_t sig[CERT_SIG_BYTES])
{
    struct strbuf part;

    strbuf_init(&part);
    pbwire_put_bytes(&part, 1, details, len);
    pbwire_put_bytes(&part, 2, sig, CERT_SIG_BYTES);
    pbwire_put_bytes(out, num, (const uint8_t *)part.buf, part.len);
    strbuf_fini(&part);
}

void
cert_chain_put(struct strbuf *out, const uint8_t *leaf, size_t leaflen,
               const uint8_t leaf_sig[CERT_SIG_BYTES], const uint8_t *inter, size_t interlen,
               const uint8_t inter_sig[CERT_SIG_BYTES])
{
    cert_part_put(out, 1, leaf, leaflen, leaf_sig);
    cert_part_put(out, 2, inter, interlen, inter_sig);
}

int
cert_chain_make(struct strbuf *out, const uint8_t root_priv[CERT_KEY_BYTES],
                const uint8_t inter_priv[CERT_KEY_BYTES], uint32_t inter_serial,
                const uint8_t leaf_key[CERT_KEY_BYTES], uint64_t not_before, uint64_t not_after,
                struct err *e)
{
    struct x25519_keypair *ikp = secure_alloc(sizeof *ikp);
    struct cert_details di = { inter_serial,   CERT_ROOT_SERIAL, NULL,
                               CERT_KEY_BYTES, not_before,       not_after };
    struct cert_details dl = { inter_serial + 1, inter_serial, leaf_key,
                               CERT_KEY_BYTES,   not_before,   not_after };
    uint8_t isig[CERT_SIG_BYTES], lsig[CERT_SIG_BYTES];
    struct strbuf ib, lb;
    int rc;

    strbuf_init(&ib);
    strbuf_init(&lb);
    rc = x25519_keypair_from_priv(ikp, inter_priv, e);
    if (rc == RC_OK) {
        di.key = ikp->pub;
        cert_details_put(&ib, &di);
        cert_details_put(&lb, &dl);
        rc = sign_xeddsa(isig, root_priv, (const uint8_t *)ib.buf, ib.len, NULL, e);
    }
    if (rc == RC_OK)
        rc = sign_xeddsa(lsig, inter_priv, (const uint8_t *)lb.buf, lb.len, NULL, e);
    if (rc == RC_OK)
        cert_chain_put(out, (const uint8_t *)lb.buf, lb.len, lsig, (const uint8_t *)ib.buf, ib.len,
                       isig);
    strbuf_fini(&ib);
    strbuf_fini(&lb);
    secure_free(ikp);
    return rc;
}
