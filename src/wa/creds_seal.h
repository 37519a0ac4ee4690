/*
 * creds_seal — an account's WhatsApp credentials at rest: wa_creds_dump sealed under the key
 * file (src/crypto/seal, associated data "wa_cuentas:<usuario_id>", so a blob copied to
 * another account does not open) and back. The plaintext lives only in secure memory and is
 * wiped. Used by `embudo wa` (link, conectar) and by the `web` transport of every sender
 * (src/cmd/wa_web). Any thread.
 */
#ifndef WA_CREDS_SEAL_H
#define WA_CREDS_SEAL_H

#include <stddef.h>
#include <stdint.h>

struct err;
struct seal_key;
struct wa_creds;

/* Seals c for account usuario_id into a new heap blob *out (the caller frees it) of *len
 * bytes. RC_OK, or the seal's error. */
int wa_creds_seal(const struct seal_key *k, int64_t usuario_id, const struct wa_creds *c,
                  uint8_t **out, size_t *len, struct err *e) __attribute__((warn_unused_result));

/* Opens a blob from wa_creds_seal into new credentials *out (wa_creds_free). RC_INVAL
 * (truncated, malformed), RC_CRYPTO (another key or account, altered). */
int wa_creds_unseal(const struct seal_key *k, int64_t usuario_id, const uint8_t *blob, size_t len,
                    struct wa_creds **out, struct err *e) __attribute__((warn_unused_result));

#endif
