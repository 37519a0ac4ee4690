/* test_seal — the key file (0600 creation, refusals) and sealed blobs (round trip,
 * tampering, wrong owner, wrong key). Uses a private temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/seal.h"
#include "util/err.h"

struct fx {
    char dir[64];
    char path[128];
};

static int
setup(void **st)
{
    struct fx *f = calloc(1, sizeof *f);

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/embudo-seal-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/wa.key", f->dir);
    *st = f;
    return 0;
}

static int
teardown(void **st)
{
    struct fx *f = *st;
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void
write_file(const char *path, const void *data, size_t n, mode_t mode)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static void
test_key_is_created_0600_on_first_use_even_with_umask_0(void **st)
{
    struct fx *f = *st;
    struct seal_key *a, *b;
    struct stat sb;
    uint8_t blob[64], out[64];
    size_t n;
    struct err e;
    mode_t old = umask(0);

    assert_null(seal_key_open(f->path, false, &e));
    assert_int_equal(e.rc, RC_NOTFOUND);
    a = seal_key_open(f->path, true, &e);
    umask(old);
    assert_non_null(a);
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0600);
    assert_int_equal(sb.st_size, SEAL_KEY_BYTES);
    b = seal_key_open(f->path, true, &e); /* the second use loads, not overwrites */
    assert_non_null(b);
    assert_int_equal(seal_blob(a, "ad", 2, "secreto", 7, blob, sizeof blob, &e), RC_OK);
    assert_int_equal(seal_open(b, "ad", 2, blob, seal_blob_len(7), out, sizeof out, &n, &e), RC_OK);
    assert_int_equal(n, 7);
    assert_memory_equal(out, "secreto", 7);
    seal_key_close(a);
    seal_key_close(b);
    seal_key_close(NULL);
}

static void
test_key_readable_by_others_is_refused(void **st)
{
    static const mode_t modes[] = { 0644, 0640, 0604, 0620, 0602, 0660 };
    struct fx *f = *st;
    uint8_t key[SEAL_KEY_BYTES] = { 1, 2, 3 };
    struct seal_key *k;
    struct err e;

    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        write_file(f->path, key, sizeof key, modes[i]);
        assert_null(seal_key_open(f->path, true, &e));
        assert_int_equal(e.rc, RC_INVAL);
        assert_non_null(strstr(e.msg, "chmod 600"));
    }
    assert_non_null(strstr(e.msg, "otros usuarios pueden leerlo"));
    assert_non_null(strstr(e.msg, "0660"));
    assert_int_equal(chmod(f->path, 0600), 0); /* the fix the message gives works */
    k = seal_key_open(f->path, false, &e);
    assert_non_null(k);
    seal_key_close(k);
}

static void
test_key_of_wrong_length_is_refused(void **st)
{
    struct fx *f = *st;
    uint8_t key[SEAL_KEY_BYTES + 1] = { 0 };
    struct err e;

    write_file(f->path, key, SEAL_KEY_BYTES - 1, 0600);
    assert_null(seal_key_open(f->path, true, &e));
    assert_int_equal(e.rc, RC_INVAL);
    assert_non_null(strstr(e.msg, "debe medir 32 bytes y mide 31"));
    write_file(f->path, key, SEAL_KEY_BYTES + 1, 0600);
    assert_null(seal_key_open(f->path, true, &e));
    assert_non_null(strstr(e.msg, "mide 33"));
    write_file(f->path, "", 0, 0600); /* empty is not "missing": never replaced */
    assert_null(seal_key_open(f->path, true, &e));
    assert_non_null(strstr(e.msg, "mide 0"));
}

static void
test_symlink_and_directory_are_refused(void **st)
{
    struct fx *f = *st;
    char real[160];
    uint8_t key[SEAL_KEY_BYTES] = { 0 };
    struct err e;

    snprintf(real, sizeof real, "%s/real.key", f->dir);
    write_file(real, key, sizeof key, 0600);
    assert_int_equal(symlink(real, f->path), 0);
    assert_null(seal_key_open(f->path, true, &e));
    assert_int_equal(e.rc, RC_INVAL);
    assert_non_null(strstr(e.msg, "enlace simbólico"));
    assert_null(seal_key_open(f->dir, true, &e));
    assert_int_equal(e.rc, RC_INVAL);
    assert_non_null(strstr(e.msg, "no es un archivo normal"));
}

static struct seal_key *
fresh_key(const struct fx *f, const char *name)
{
    char path[160];
    struct err e;
    struct seal_key *k;

    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    k = seal_key_open(path, true, &e);
    if (k == NULL)
        fail_msg("%s", e.msg);
    return k;
}

static void
test_round_trip_for_many_lengths_with_fresh_nonces(void **st)
{
    struct fx *f = *st;
    struct seal_key *k = fresh_key(f, "k1");
    static uint8_t pt[3000], blob[3100], blob2[3100], out[3000];
    char ad[48];
    size_t n;

    for (size_t i = 0; i < sizeof pt; i++)
        pt[i] = (uint8_t)(i * 7 + 1);
    seal_ad_write(ad, sizeof ad, "wa_cuentas", 42);
    assert_string_equal(ad, "wa_cuentas:42");
    for (size_t len = 0; len <= sizeof pt; len += len < 40 ? 1 : 997) {
        assert_int_equal(seal_blob(k, ad, strlen(ad), pt, len, blob, sizeof blob, NULL), RC_OK);
        assert_int_equal(seal_blob(k, ad, strlen(ad), pt, len, blob2, sizeof blob2, NULL), RC_OK);
        assert_int_equal(blob[0], SEAL_VERSION);
        assert_memory_not_equal(blob + 1, blob2 + 1, SEAL_NONCE_BYTES);
        assert_int_equal(
            seal_open(k, ad, strlen(ad), blob, seal_blob_len(len), out, sizeof out, &n, NULL),
            RC_OK);
        assert_int_equal(n, len);
        if (len > 0) {
            assert_memory_equal(out, pt, len);
            assert_memory_not_equal(blob + 1 + SEAL_NONCE_BYTES, pt, len); /* encrypted */
        }
    }
    seal_key_close(k);
}

static void
test_any_flipped_bit_is_detected(void **st)
{
    struct fx *f = *st;
    struct seal_key *k = fresh_key(f, "k1");
    const char *msg = "{\"noiseKey\":\"secreto\"}";
    size_t len = strlen(msg), blen = seal_blob_len(len), n;
    uint8_t blob[128], bad[128], out[128];
    struct err e;

    assert_int_equal(seal_blob(k, "wa_cuentas:7", 12, msg, len, blob, sizeof blob, NULL), RC_OK);
    for (size_t i = 0; i < blen; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(bad, blob, blen);
            bad[i] ^= (uint8_t)(1u << bit);
            memset(out, 0xaa, sizeof out);
            if (seal_open(k, "wa_cuentas:7", 12, bad, blen, out, sizeof out, &n, &e) == RC_OK)
                fail_msg("byte %zu bit %d alterado y aceptado", i, bit);
            if (i > 0) { /* the version byte is refused before decryption */
                assert_int_equal(e.rc, RC_CRYPTO);
                for (size_t j = 0; j < len; j++)
                    assert_int_equal(out[j], 0);
            }
        }
    }
    assert_int_equal(seal_open(k, "wa_cuentas:7", 12, blob, blen - 1, out, sizeof out, &n, &e),
                     RC_CRYPTO); /* a cut tag */
    assert_int_equal(
        seal_open(k, "wa_cuentas:7", 12, blob, SEAL_OVERHEAD - 1, out, sizeof out, &n, &e),
        RC_INVAL);
    seal_key_close(k);
}

static void
test_wrong_owner_or_key_does_not_open(void **st)
{
    struct fx *f = *st;
    struct seal_key *k1 = fresh_key(f, "k1"), *k2 = fresh_key(f, "k2");
    uint8_t blob[64], out[64];
    size_t n;
    struct err e;

    assert_int_equal(seal_blob(k1, "wa_cuentas:42", 13, "credencial", 10, blob, sizeof blob, &e),
                     RC_OK);
    assert_int_equal(
        seal_open(k1, "wa_cuentas:43", 13, blob, seal_blob_len(10), out, sizeof out, &n, &e),
        RC_CRYPTO);
    assert_non_null(strstr(e.msg, "otro dueño"));
    assert_int_equal(
        seal_open(k1, "wa_signal:42", 12, blob, seal_blob_len(10), out, sizeof out, &n, &e),
        RC_CRYPTO);
    assert_int_equal(seal_open(k1, NULL, 0, blob, seal_blob_len(10), out, sizeof out, &n, &e),
                     RC_CRYPTO);
    assert_int_equal(
        seal_open(k2, "wa_cuentas:42", 13, blob, seal_blob_len(10), out, sizeof out, &n, &e),
        RC_CRYPTO);
    assert_int_equal(seal_open(k1, "wa_cuentas:42", 13, blob, seal_blob_len(10), out, 9, &n, &e),
                     RC_INVAL); /* out too small */
    assert_int_equal(seal_blob(k1, "x", 1, "credencial", 10, blob, seal_blob_len(10) - 1, &e),
                     RC_INVAL);
    assert_int_equal(
        seal_open(k1, "wa_cuentas:42", 13, blob, seal_blob_len(10), out, sizeof out, &n, &e),
        RC_OK);
    seal_key_close(k1);
    seal_key_close(k2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_key_is_created_0600_on_first_use_even_with_umask_0,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_readable_by_others_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_of_wrong_length_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_and_directory_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_for_many_lengths_with_fresh_nonces, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_any_flipped_bit_is_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_owner_or_key_does_not_open, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
