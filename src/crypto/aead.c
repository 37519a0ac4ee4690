#include "crypto/aead.h"

#include <openssl/evp.h>
#include <string.h>

#include "crypto/secure.h"
#include "util/err.h"

/* Creates a context keyed for one direction; NULL on failure. */
static EVP_CIPHER_CTX *
aead_ctx_new(int enc, const uint8_t *key, const uint8_t *iv)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

    if (ctx == NULL)
        return NULL;
    if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, AEAD_IV_BYTES, NULL) != 1 ||
        EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, enc) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static int
aead_add_aad(EVP_CIPHER_CTX *ctx, const uint8_t *aad, size_t aadlen)
{
    int n;

    if (aadlen == 0)
        return 1;
    return EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen);
}

int
aead_gcm_seal(uint8_t *out, const uint8_t key[AEAD_KEY_BYTES], const uint8_t iv[AEAD_IV_BYTES],
              const uint8_t *aad, size_t aadlen, const uint8_t *pt, size_t ptlen, struct err *e)
{
    EVP_CIPHER_CTX *ctx;
    int n = 0, fin = 0, ok;

    if (ptlen > AEAD_MAX_BYTES || aadlen > AEAD_MAX_BYTES)
        return err_set(e, RC_INVAL, "AES-GCM: mensaje demasiado largo");
    ctx = aead_ctx_new(1, key, iv);
    if (ctx == NULL)
        return err_set(e, RC_CRYPTO, "AES-GCM: no se pudo preparar el cifrado");
    ok = aead_add_aad(ctx, aad, aadlen) == 1 &&
         (ptlen == 0 || EVP_EncryptUpdate(ctx, out, &n, pt, (int)ptlen) == 1) &&
         EVP_EncryptFinal_ex(ctx, out + n, &fin) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, AEAD_TAG_BYTES, out + ptlen) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return err_set(e, RC_CRYPTO, "AES-GCM: falló el cifrado");
    return RC_OK;
}

int
aead_gcm_open(uint8_t *out, const uint8_t key[AEAD_KEY_BYTES], const uint8_t iv[AEAD_IV_BYTES],
              const uint8_t *aad, size_t aadlen, const uint8_t *ct, size_t ctlen, struct err *e)
{
    uint8_t tag[AEAD_TAG_BYTES];
    EVP_CIPHER_CTX *ctx;
    size_t ptlen;
    int n = 0, fin = 0, ok;

    if (ctlen < AEAD_TAG_BYTES)
        return err_set(e, RC_INVAL, "AES-GCM: texto cifrado más corto que la etiqueta");
    if (ctlen > AEAD_MAX_BYTES + AEAD_TAG_BYTES || aadlen > AEAD_MAX_BYTES)
        return err_set(e, RC_INVAL, "AES-GCM: mensaje demasiado largo");
    ptlen = ctlen - AEAD_TAG_BYTES;
    memcpy(tag, ct + ptlen, sizeof tag); /* out may overwrite ct */
    ctx = aead_ctx_new(0, key, iv);
    if (ctx == NULL)
        return err_set(e, RC_CRYPTO, "AES-GCM: no se pudo preparar el descifrado");
    ok = aead_add_aad(ctx, aad, aadlen) == 1 &&
         (ptlen == 0 || EVP_DecryptUpdate(ctx, out, &n, ct, (int)ptlen) == 1) &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, AEAD_TAG_BYTES, tag) == 1 &&
         EVP_DecryptFinal_ex(ctx, out + n, &fin) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        secure_wipe(out, ptlen);
        return err_set(e, RC_CRYPTO, "AES-GCM: autenticación fallida");
    }
    return RC_OK;
}
