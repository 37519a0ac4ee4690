#include "crypto/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "util/err.h"
#include "util/xmalloc.h"

struct seal_key {
    unsigned char *bytes; /* SEAL_KEY_BYTES in sodium_malloc'd, read-only memory */
};

static int
init_sodium(struct err *e)
{
    if (sodium_init() < 0)
        return err_set(e, RC_CRYPTO, "no se pudo inicializar libsodium");
    return RC_OK;
}

/* Reads exactly n bytes (retrying short reads and EINTR). */
static int
read_all(int fd, unsigned char *buf, size_t n, const char *path, struct err *e)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return err_set(e, RC_IO, "no se pudo leer %s: %s", path, strerror(errno));
        if (r == 0)
            return err_set(e, RC_INVAL, "el archivo de llave %s se acortó al leerlo", path);
        got += (size_t)r;
    }
    return RC_OK;
}

static int
write_all(int fd, const unsigned char *buf, size_t n)
{
    size_t put = 0;

    while (put < n) {
        ssize_t w = write(fd, buf + put, n - put);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        put += (size_t)w;
    }
    return 0;
}

/* The checks a key file must pass before a byte of it is trusted. */
static int
check_key_file(int fd, const char *path, struct err *e)
{
    struct stat st;

    if (fstat(fd, &st) != 0)
        return err_set(e, RC_IO, "no se pudo revisar %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return err_set(e, RC_INVAL, "%s no es un archivo normal; no se usa como llave", path);
    if (st.st_uid != geteuid())
        return err_set(e, RC_INVAL,
                       "el archivo de llave %s pertenece a otro usuario (uid %u); se rechaza", path,
                       (unsigned)st.st_uid);
    if ((st.st_mode & 077) != 0)
        return err_set(e, RC_INVAL,
                       "el archivo de llave %s tiene permisos %04o: otros usuarios pueden "
                       "leerlo o modificarlo; ejecute «chmod 600 %s» y, si pudo filtrarse, "
                       "vuelva a vincular WhatsApp",
                       path, (unsigned)(st.st_mode & 07777), path);
    if (st.st_size != SEAL_KEY_BYTES)
        return err_set(e, RC_INVAL,
                       "el archivo de llave %s debe medir %d bytes y mide %lld; se rechaza", path,
                       SEAL_KEY_BYTES, (long long)st.st_size);
    return RC_OK;
}

/* Writes a new random key to a temporary file beside path and links it into place, so a
 * reader never sees a half-written key and a concurrent creator's key wins cleanly. */
static int
create_key(const char *path, struct err *e)
{
    unsigned char *key = sodium_malloc(SEAL_KEY_BYTES);
    char *tmp = xasprintf("%s.nueva.XXXXXX", path);
    int fd, rc = RC_OK;

    if (key == NULL)
        fatal("sodium_malloc: sin memoria para la llave");
    randombytes_buf(key, SEAL_KEY_BYTES);
    fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 whatever the umask */
    if (fd < 0) {
        rc =
            err_set(e, RC_IO, "no se pudo crear el archivo de llave %s: %s", path, strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) != 0 || write_all(fd, key, SEAL_KEY_BYTES) != 0 || fsync(fd) != 0)
        rc = err_set(e, RC_IO, "no se pudo escribir el archivo de llave %s: %s", path,
                     strerror(errno));
    if (close(fd) != 0 && rc == RC_OK)
        rc = err_set(e, RC_IO, "no se pudo cerrar %s: %s", tmp, strerror(errno));
    if (rc == RC_OK && link(tmp, path) != 0 && errno != EEXIST)
        rc = err_set(e, RC_IO, "no se pudo instalar el archivo de llave %s: %s", path,
                     strerror(errno));
    (void)unlink(tmp); /* EEXIST above: another process created it first; use theirs */
out:
    sodium_free(key);
    free(tmp);
    return rc;
}

static int
open_key_fd(const char *path, bool create, int *fd, struct err *e)
{
    int rc;

    *fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (*fd < 0 && errno == ENOENT && create) {
        if ((rc = create_key(path, e)) != RC_OK)
            return rc;
        *fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (*fd >= 0)
        return RC_OK;
    if (errno == ENOENT)
        return err_set(e, RC_NOTFOUND, "no existe el archivo de llave %s", path);
    if (errno == ELOOP)
        return err_set(e, RC_INVAL, "el archivo de llave %s es un enlace simbólico; se rechaza",
                       path);
    return err_set(e, RC_IO, "no se pudo abrir el archivo de llave %s: %s", path, strerror(errno));
}

struct seal_key *
seal_key_open(const char *path, bool create, struct err *e)
{
    struct seal_key *k = NULL;
    unsigned char *bytes;
    int fd, rc;

    if (init_sodium(e) != RC_OK || open_key_fd(path, create, &fd, e) != RC_OK)
        return NULL;
    if (check_key_file(fd, path, e) != RC_OK) {
        close(fd);
        return NULL;
    }
    bytes = sodium_malloc(SEAL_KEY_BYTES);
    if (bytes == NULL)
        fatal("sodium_malloc: sin memoria para la llave");
    rc = read_all(fd, bytes, SEAL_KEY_BYTES, path, e);
    close(fd);
    if (rc != RC_OK) {
        sodium_free(bytes);
        return NULL;
    }
    sodium_mprotect_readonly(bytes);
    k = xmalloc(sizeof *k);
    k->bytes = bytes;
    return k;
}

void
seal_key_close(struct seal_key *k)
{
    if (k == NULL)
        return;
    sodium_free(k->bytes); /* wipes before releasing, read-only or not */
    free(k);
}

size_t
seal_blob_len(size_t ptlen)
{
    return ptlen + SEAL_OVERHEAD;
}

char *
seal_ad_write(char *buf, size_t len, const char *table, int64_t owner_id)
{
    snprintf(buf, len, "%s:%" PRId64, table, owner_id);
    return buf;
}

int
seal_blob(const struct seal_key *k, const void *ad, size_t adlen, const void *pt, size_t ptlen,
          uint8_t *out, size_t outcap, struct err *e)
{
    unsigned long long clen;

    if (ptlen > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX - 1 ||
        outcap < seal_blob_len(ptlen))
        return err_set(e, RC_INVAL, "espacio insuficiente para el dato cifrado");
    out[0] = SEAL_VERSION;
    randombytes_buf(out + 1, SEAL_NONCE_BYTES);
    if (crypto_aead_xchacha20poly1305_ietf_encrypt(out + 1 + SEAL_NONCE_BYTES, &clen, pt, ptlen, ad,
                                                   adlen, NULL, out + 1, k->bytes) != 0)
        return err_set(e, RC_CRYPTO, "no se pudo cifrar");
    return RC_OK;
}

int
seal_open(const struct seal_key *k, const void *ad, size_t adlen, const uint8_t *blob,
          size_t bloblen, uint8_t *out, size_t outcap, size_t *ptlen, struct err *e)
{
    unsigned long long mlen;

    *ptlen = 0;
    if (bloblen < SEAL_OVERHEAD)
        return err_set(e, RC_INVAL, "dato cifrado truncado (%zu bytes)", bloblen);
    if (blob[0] != SEAL_VERSION)
        return err_set(e, RC_INVAL, "versión de cifrado desconocida (%u)", (unsigned)blob[0]);
    if (outcap < bloblen - SEAL_OVERHEAD)
        return err_set(e, RC_INVAL, "espacio insuficiente para el dato descifrado");
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL, blob + 1 + SEAL_NONCE_BYTES,
                                                   bloblen - 1 - SEAL_NONCE_BYTES, ad, adlen,
                                                   blob + 1, k->bytes) != 0) {
        sodium_memzero(out, bloblen - SEAL_OVERHEAD);
        return err_set(e, RC_CRYPTO,
                       "el dato cifrado fue alterado o pertenece a otro dueño o llave");
    }
    *ptlen = (size_t)mlen;
    return RC_OK;
}
