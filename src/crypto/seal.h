/*
 * seal — secrets at rest: the key file and XChaCha20-Poly1305 sealed blobs.
 *
 * The key is 32 random bytes in a file (config wa.key_file, default $EMBUDO_HOME/wa.key),
 * created with mode 0600 on first use and refused when group or others have any access,
 * when it is not a regular file owned by us, or when it is not exactly 32 bytes. It is
 * held in guarded memory (sodium_malloc, read-only) and wiped on close: open it, seal
 * or open what you need, close it. Each blob carries associated data naming its owner
 * ("wa_cuentas:<usuario_id>"), so a blob copied to another row does not open.
 * Blob layout: version byte 1 | 24-byte nonce | ciphertext | 16-byte tag.
 * Any thread; a loaded key is read-only and may be shared.
 */
#ifndef CRYPTO_SEAL_H
#define CRYPTO_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct seal_key;

#define SEAL_KEY_BYTES   32
#define SEAL_NONCE_BYTES 24
#define SEAL_TAG_BYTES   16
#define SEAL_VERSION     1
#define SEAL_OVERHEAD    (1 + SEAL_NONCE_BYTES + SEAL_TAG_BYTES)

/*
 * Loads the key file at path; when it does not exist and create is true, first writes
 * a new random key there with mode 0600 (atomically: two processes racing end up with
 * the same key). Returns the key, or NULL with e: RC_NOTFOUND (missing, create false),
 * RC_INVAL (a file that must not be used as a key: permissions, owner, type, length —
 * the Spanish message says how to fix it), RC_IO or RC_CRYPTO.
 */
struct seal_key *seal_key_open(const char *path, bool create, struct err *e)
    __attribute__((warn_unused_result));

/* Wipes and releases the key. NULL-safe. */
void seal_key_close(struct seal_key *k);

/* Bytes of the blob for a plaintext of ptlen bytes. */
size_t seal_blob_len(size_t ptlen);

/* Formats the associated data of a row: "<table>:<owner_id>" into buf. Returns buf. */
char *seal_ad_write(char *buf, size_t len, const char *table, int64_t owner_id);

/*
 * Seals pt under k and the associated data ad into out, which must hold
 * seal_blob_len(ptlen) bytes (outcap). A fresh random nonce each call. RC_OK, or
 * RC_INVAL when out is too small.
 */
int seal_blob(const struct seal_key *k, const void *ad, size_t adlen, const void *pt, size_t ptlen,
              uint8_t *out, size_t outcap, struct err *e) __attribute__((warn_unused_result));

/*
 * Opens a blob sealed with the same key and associated data; writes bloblen -
 * SEAL_OVERHEAD bytes to out (outcap must allow it) and their count to *ptlen. RC_OK;
 * RC_INVAL for a truncated blob, an unknown version or a small out; RC_CRYPTO when the
 * blob was altered or belongs to another owner or key (out is then zeroed). The caller
 * wipes the plaintext after use (secure_wipe).
 */
int seal_open(const struct seal_key *k, const void *ad, size_t adlen, const uint8_t *blob,
              size_t bloblen, uint8_t *out, size_t outcap, size_t *ptlen, struct err *e)
    __attribute__((warn_unused_result));

#endif
