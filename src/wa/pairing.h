/*
 * pairing — the QR string and the pair-success checks (guide §5), as pure functions.
 *
 * wa_pairing_qr builds the current Baileys QR form; wa_pairing_accept verifies what the
 * phone sent in <pair-success><device-identity> (HMAC with the adv secret, the account
 * signature), signs it with our identity key, fills the credentials and returns the
 * bytes for the <pair-device-sign> reply. The server bytes are hostile: every length and
 * signature is checked before use. Any thread; one owner per creds.
 */
#ifndef WA_PAIRING_H
#define WA_PAIRING_H

#include <stddef.h>
#include <stdint.h>

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

/* Standard base64 with padding of len bytes into out (cap ≥ 4*((len+2)/3)+1). Returns the
 * length written (without the NUL), or 0 when out is too small. */
size_t wa_pairing_b64(char *out, size_t cap, const uint8_t *data, size_t len);

#endif
