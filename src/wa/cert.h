/*
 * cert — WhatsApp's Noise certificate chain (CertChain: leaf + intermediate) and its check.
 *
 * cert_verify_chain() checks everything whatsmeow's verifyServerCert does: both parts
 * present, 64-byte signatures, the root's XEdDSA signature over the intermediate details,
 * intermediate issuer serial 0, a 32-byte intermediate key, the intermediate's signature
 * over the leaf details, both validity windows, leaf issuer serial = intermediate serial,
 * and (constant time) leaf key = the server static key from the handshake.
 *
 * The root key is WhatsApp's, compiled in. Only a test build (EMBUDO_TEST_BUILD, set by
 * MODE=debug|asan|tsan) lets EMBUDO_WA_ROOT_KEY (64 hex characters) replace it, so the C
 * fake server can sign its own chain; a release build ignores the variable. The encoders
 * at the end serve that fake server and the tests. Pure except cert_root_key() (getenv);
 * any thread.
 */
#ifndef WA_CERT_H
#define WA_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct strbuf;

#define CERT_KEY_BYTES 32
#define CERT_SIG_BYTES 64
#define CERT_ROOT_ENV  "EMBUDO_WA_ROOT_KEY"
/* The issuer serial WhatsApp's intermediate certificates carry (the root's serial). */
#define CERT_ROOT_SERIAL 0

/* WhatsApp's root public key (Curve25519; WA_CERT_DETAILS.PUBLIC_KEY, whatsmeow WACertPubKey). */
extern const uint8_t cert_wa_root_key[CERT_KEY_BYTES];

/* NoiseCertificate.Details. key is a view into the parsed bytes. */
struct cert_details {
    uint32_t serial;
    uint32_t issuer_serial;
    const uint8_t *key;
    size_t key_len;
    uint64_t not_before; /* unix seconds */
    uint64_t not_after;
};

/* Verifies the encoded CertChain `chain` against root at unix time now, binding the leaf
 * to server_static (the decrypted Noise static key). Returns RC_OK, RC_INVAL (malformed)
 * or RC_CRYPTO (a bad signature, serial, validity window or key), with e saying which. */
int cert_verify_chain(const uint8_t *chain, size_t len, const uint8_t server_static[CERT_KEY_BYTES],
                      const uint8_t root[CERT_KEY_BYTES], int64_t now, struct err *e)
    __attribute__((warn_unused_result));

/* Chooses the root key: WhatsApp's, unless allow_override is true and override_hex is a
 * non-empty string, which must then be 64 hex characters (else RC_INVAL: a mistyped test
 * key fails loudly instead of falling back). Pure, so both build flavours are testable. */
int cert_root_choose(const char *override_hex, bool allow_override, uint8_t root[CERT_KEY_BYTES],
                     struct err *e) __attribute__((warn_unused_result));

/* The root key this build uses: cert_root_choose(getenv(CERT_ROOT_ENV), <test build>). */
int cert_root_key(uint8_t root[CERT_KEY_BYTES], struct err *e) __attribute__((warn_unused_result));

/* True when this build honours CERT_ROOT_ENV (compiled with EMBUDO_TEST_BUILD). */
bool cert_root_override_allowed(void);

/* Parses NoiseCertificate.Details. Returns RC_OK or RC_INVAL. */
int cert_details_parse(const uint8_t *p, size_t len, struct cert_details *d, struct err *e)
    __attribute__((warn_unused_result));

/* Appends encoded Details to out (fields with zero values are still written). */
void cert_details_put(struct strbuf *out, const struct cert_details *d);

/* Appends a CertChain: leaf {details, signature}, intermediate {details, signature}. */
void cert_chain_put(struct strbuf *out, const uint8_t *leaf, size_t leaflen,
                    const uint8_t leaf_sig[CERT_SIG_BYTES], const uint8_t *inter, size_t interlen,
                    const uint8_t inter_sig[CERT_SIG_BYTES]);

/* Builds and appends a valid chain the way WhatsApp (and the fake server) does: the
 * intermediate (serial inter_serial, issuer CERT_ROOT_SERIAL, key inter_priv's public key)
 * signed by root_priv, the leaf (issuer inter_serial, key leaf_key) signed by inter_priv,
 * both valid over [not_before, not_after]. Returns RC_OK or RC_CRYPTO. */
int cert_chain_make(struct strbuf *out, const uint8_t root_priv[CERT_KEY_BYTES],
                    const uint8_t inter_priv[CERT_KEY_BYTES], uint32_t inter_serial,
                    const uint8_t leaf_key[CERT_KEY_BYTES], uint64_t not_before, uint64_t not_after,
                    struct err *e) __attribute__((warn_unused_result));

#endif
