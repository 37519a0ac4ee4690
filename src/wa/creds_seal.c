/* creds_seal — sealed credentials at rest. See creds_seal.h. */
#include "wa/creds_seal.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/seal.h"
#include "crypto/secure.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "wa/creds.h"

int
wa_creds_seal(const struct seal_key *k, int64_t usuario_id, const struct wa_creds *c, uint8_t **out,
              size_t *len, struct err *e)
{
    uint8_t *blob = NULL, *sealed;
    size_t plen = 0, slen;
    char ad[64];
    int rc;

    wa_creds_dump(c, &blob, &plen);
    slen = seal_blob_len(plen);
    sealed = xmalloc(slen);
    seal_ad_write(ad, sizeof ad, "wa_cuentas", usuario_id);
    rc = seal_blob(k, ad, strlen(ad), blob, plen, sealed, slen, e);
    secure_free(blob);
    if (rc != RC_OK) {
        free(sealed);
        return rc;
    }
    *out = sealed;
    *len = slen;
    return RC_OK;
}

int
wa_creds_unseal(const struct seal_key *k, int64_t usuario_id, const uint8_t *blob, size_t len,
                struct wa_creds **out, struct err *e)
{
    uint8_t *plain;
    size_t plen = 0;
    char ad[64];
    int rc;

    *out = NULL;
    if (len < SEAL_OVERHEAD)
        return err_set(e, RC_INVAL, "credenciales selladas truncadas");
    plain = secure_alloc(len);
    seal_ad_write(ad, sizeof ad, "wa_cuentas", usuario_id);
    rc = seal_open(k, ad, strlen(ad), blob, len, plain, len, &plen, e);
    if (rc == RC_OK)
        rc = wa_creds_parse(plain, plen, out, e);
    secure_free(plain);
    return rc;
}
