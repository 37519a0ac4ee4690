#include "crypto/md5.h"

#include <openssl/evp.h>
#include <string.h>

#include "util/err.h"

int
md5_digest(uint8_t out[MD5_BYTES], const void *data, size_t len, struct err *e)
{
    static const uint8_t empty[1];
    unsigned int n = 0;

    if (EVP_Digest(len > 0 ? data : empty, len, out, &n, EVP_md5(), NULL) != 1 || n != MD5_BYTES) {
        memset(out, 0, MD5_BYTES);
        return err_set(e, RC_CRYPTO, "MD5 no disponible en OpenSSL");
    }
    return RC_OK;
}
