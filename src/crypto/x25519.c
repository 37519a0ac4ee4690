#include "crypto/x25519.h"

#include <string.h>

#include <sodium.h>

#include "crypto/secure.h"
#include "util/err.h"

static void
x25519_clamp(uint8_t k[X25519_KEY_BYTES])
{
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
}

void
x25519_keypair_gen(struct x25519_keypair *kp)
{
    secure_random(kp->priv, sizeof kp->priv);
    x25519_clamp(kp->priv);
    /* A clamped scalar is never zero, so the base multiplication cannot fail. */
    if (crypto_scalarmult_base(kp->pub, kp->priv) != 0)
        memset(kp->pub, 0, sizeof kp->pub);
}

int
x25519_keypair_from_priv(struct x25519_keypair *kp, const uint8_t priv[X25519_KEY_BYTES],
                         struct err *e)
{
    memmove(kp->priv, priv, sizeof kp->priv);
    x25519_clamp(kp->priv);
    if (crypto_scalarmult_base(kp->pub, kp->priv) != 0) {
        sodium_memzero(kp, sizeof *kp);
        return err_set(e, RC_CRYPTO, "X25519: clave privada inválida");
    }
    return RC_OK;
}

int
x25519_dh(uint8_t shared[X25519_KEY_BYTES], const uint8_t priv[X25519_KEY_BYTES],
          const uint8_t pub[X25519_KEY_BYTES], struct err *e)
{
    if (crypto_scalarmult(shared, priv, pub) != 0) {
        sodium_memzero(shared, X25519_KEY_BYTES);
        return err_set(e, RC_CRYPTO, "X25519: clave pública de orden bajo");
    }
    return RC_OK;
}
