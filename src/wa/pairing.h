/*
 * pairing — the QR string, the pairing-code crypto and the pair-success checks (guide §5),
 * as pure functions.
 *
 * wa_pairing_qr builds the current Baileys QR form; wa_pairing_accept verifies what the
 * phone sent in <pair-success><device-identity> (HMAC with the adv secret, the account
 * signature), signs it with our identity key, fills the credentials and returns the
 * bytes for the <pair-device-sign> reply. The wa_pairing_code_* functions are the
 * companion's side of linking with a phone number and an 8-character code (Baileys
 * requestPairingCode and the link_code_companion_reg notification); they replace the adv
 * secret the QR would carry. The server bytes are hostile: every length and signature is
 * checked before use, and derived keys are wiped. Any thread; one owner per creds.
 */
#ifndef WA_PAIRING_H
#define WA_PAIRING_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/x25519.h"

struct err;
struct strbuf;
struct wa_creds;

#define WA_PAIRING_REF_MAX 256 /* longer refs are refused (the real ones are ~90 bytes) */

/* Writes "https://wa.me/settings/linked_devices#ref,b64(noise),b64(identity),b64(adv),id"
 * into out. RC_INVAL when ref is empty, longer than WA_PAIRING_REF_MAX, holds a comma, or
 * the result does not fit in cap. */
int wa_pairing_qr(char *out, size_t cap, const char *ref, const struct wa_creds *c, int platform_id,
                  struct err *e) __attribute__((warn_unused_result));

/* The outcome of a verified pair-success. */
struct wa_pairing_result {
    uint32_t key_index; /* ADVDeviceIdentity.keyIndex, for the key-index attribute */
};

/*
 * Checks the ADVSignedDeviceIdentityHMAC bytes of <device-identity> against c (HMAC key =
 * adv secret, prefix 06 05 for a HOSTED account; account signature by the phone's key over
 * 06 00 (06 05 for a HOSTED device) ‖ details ‖ our identity), signs 06 01 ‖ details ‖ our
 * identity ‖ account key with our identity key, stores the full ADVSignedDeviceIdentity in
 * c->account and appends the reply's ADVSignedDeviceIdentity (without the account
 * signature key) to reply. RC_INVAL for malformed input, RC_CRYPTO for a bad HMAC or
 * signature; c and reply are unchanged then. The jid/lid/platform are the caller's.
 */
int wa_pairing_accept(struct wa_creds *c, const uint8_t *devid, size_t len, struct strbuf *reply,
                      struct wa_pairing_result *res, struct err *e)
    __attribute__((warn_unused_result));

/* ---- linking with a phone number and a code ------------------------------------------------ */

#define WA_PAIRING_CODE_LEN        8      /* characters of the code the person types */
#define WA_PAIRING_CODE_RAW_BYTES  5      /* random bytes behind it (40 bits) */
#define WA_PAIRING_CODE_ITERATIONS 131072 /* PBKDF2-HMAC-SHA256 rounds (Baileys: 2 << 16) */
#define WA_PAIRING_SALT_BYTES      32
#define WA_PAIRING_CTR_IV_BYTES    16
/* A key wrapped with the code: salt(32) ‖ iv(16) ‖ AES-256-CTR(PBKDF2(code, salt), iv, key). */
#define WA_PAIRING_WRAPPED_BYTES \
    (WA_PAIRING_SALT_BYTES + WA_PAIRING_CTR_IV_BYTES + X25519_KEY_BYTES)
#define WA_PAIRING_GCM_IV_BYTES 12
#define WA_PAIRING_RANDOM_BYTES 32
/* The companion_finish key bundle: salt(32) ‖ iv(12) ‖ AES-256-GCM(our identity ‖ primary
 * identity ‖ random) ‖ tag(16). */
#define WA_PAIRING_BUNDLE_BYTES                                               \
    (WA_PAIRING_SALT_BYTES + WA_PAIRING_GCM_IV_BYTES + 2 * X25519_KEY_BYTES + \
     WA_PAIRING_RANDOM_BYTES + 16)

/* Writes the 8-character code for 5 bytes, Crockford base32 over the alphabet
 * "123456789ABCDEFGHJKLMNPQRSTVWXYZ", most significant bits first (Baileys
 * bytesToCrockford), NUL-terminated. */
void wa_pairing_code_make(char out[WA_PAIRING_CODE_LEN + 1],
                          const uint8_t raw[WA_PAIRING_CODE_RAW_BYTES]);

/* Wraps a 32-byte public key with code (exactly WA_PAIRING_CODE_LEN bytes, used as the
 * PBKDF2 password) into out = salt ‖ iv ‖ AES-256-CTR(PBKDF2(code, salt, 131072), iv, pub).
 * The caller draws salt and iv (random). RC_OK, RC_INVAL (code of another length) or
 * RC_CRYPTO; out is zeroed on failure. Costs one PBKDF2 (tens of milliseconds). */
int wa_pairing_code_wrap(uint8_t out[WA_PAIRING_WRAPPED_BYTES], const char *code,
                         const uint8_t pub[X25519_KEY_BYTES],
                         const uint8_t salt[WA_PAIRING_SALT_BYTES],
                         const uint8_t iv[WA_PAIRING_CTR_IV_BYTES], struct err *e)
    __attribute__((warn_unused_result));

/* The inverse: pub from len bytes of wrapped (hostile; exactly WA_PAIRING_WRAPPED_BYTES). CTR
 * carries no integrity: a wrong code gives a wrong key, caught later by the server or the
 * pair-success HMAC. RC_OK, RC_INVAL (wrong length or code) or RC_CRYPTO; pub is zeroed on
 * failure. */
int wa_pairing_code_unwrap(uint8_t pub[X25519_KEY_BYTES], const char *code, const uint8_t *wrapped,
                           size_t len, struct err *e) __attribute__((warn_unused_result));

/* The companion's randomness for wa_pairing_code_finish (drawn with secure_random; fixed
 * in tests). */
struct wa_pairing_code_rand {
    uint8_t random[WA_PAIRING_RANDOM_BYTES]; /* goes into the bundle and the adv secret */
    uint8_t salt[WA_PAIRING_SALT_BYTES];     /* HKDF salt of the bundle key */
    uint8_t iv[WA_PAIRING_GCM_IV_BYTES];
};

/*
 * The companion_finish step once the phone's notification arrived. With
 * companionShared = X25519(eph.priv, primary_eph) and key = HKDF-SHA256(companionShared,
 * salt, "link_code_pairing_key_bundle_encryption_key"), writes bundle = salt ‖ iv ‖
 * AES-256-GCM(key, iv, c->identity.pub ‖ primary_identity ‖ random), and sets c->adv_secret
 * = HKDF-SHA256(companionShared ‖ X25519(c->identity.priv, primary_identity) ‖ random, no
 * salt, "adv_secret"). primary_identity is hostile: exactly 32 bytes. RC_OK; RC_INVAL (a
 * length); RC_CRYPTO (a low-order point, or a primitive failed): c and bundle are unchanged
 * (bundle zeroed) then. Every intermediate secret is wiped.
 */
int wa_pairing_code_finish(struct wa_creds *c, const struct x25519_keypair *eph,
                           const uint8_t primary_eph[X25519_KEY_BYTES],
                           const uint8_t *primary_identity, size_t idlen,
                           const struct wa_pairing_code_rand *rnd,
                           uint8_t bundle[WA_PAIRING_BUNDLE_BYTES], struct err *e)
    __attribute__((warn_unused_result));

/* Standard base64 with padding of len bytes into out (cap ≥ 4*((len+2)/3)+1). Returns the
 * length written (without the NUL), or 0 when out is too small. */
size_t wa_pairing_b64(char *out, size_t cap, const uint8_t *data, size_t len);

#endif
