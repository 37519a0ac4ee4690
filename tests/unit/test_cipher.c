/* crypto/cipher: AES-256-CBC/PKCS#7 and AES-256-CTR against NIST SP 800-38A (F.2.5, F.5.5),
 * the incremental HMAC-SHA256 (RFC 4231 case 2) and SHA-512 ("abc", FIPS 180-2) contexts,
 * and the refusals (key and IV sizes, partial blocks, bad padding). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/cipher.h"
#include "util/err.h"

static void
unhex(const char *h, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;

        assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static const char key_hex[] = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
static const char pt_hex[] = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51";

static void
test_cbc_nist(void **state)
{
    uint8_t key[32], iv[16], pt[32], want[32], out[48], back[48];
    size_t n = 0, m = 0;
    struct err e;

    (void)state;
    unhex(key_hex, key, 32);
    unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
    unhex(pt_hex, pt, 32);
    unhex("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d", want, 32);
    assert_int_equal(cipher_out_len(CIPHER_AES_CBC_PKCS7, 32), 48);
    assert_int_equal(cipher_aes(CIPHER_AES_CBC_PKCS7, 1, key, 32, iv, 16, pt, 32, out, &n, &e),
                     RC_OK);
    assert_int_equal(n, 48); /* a whole block of padding */
    assert_memory_equal(out, want, 32);
    assert_int_equal(cipher_aes(CIPHER_AES_CBC_PKCS7, 0, key, 32, iv, 16, out, n, back, &m, &e),
                     RC_OK);
    assert_int_equal(m, 32);
    assert_memory_equal(back, pt, 32);
    /* Refusals: a partial block, a forged last block (bad padding), sizes. */
    assert_int_equal(cipher_aes(CIPHER_AES_CBC_PKCS7, 0, key, 32, iv, 16, out, 47, back, &m, &e),
                     RC_INVAL);
    out[47] ^= 0xff;
    assert_int_equal(cipher_aes(CIPHER_AES_CBC_PKCS7, 0, key, 32, iv, 16, out, 48, back, &m, &e),
                     RC_CRYPTO);
    assert_int_equal(m, 0);
    assert_int_equal(cipher_aes(CIPHER_AES_CBC_PKCS7, 1, key, 31, iv, 16, pt, 32, out, &n, &e),
                     RC_INVAL);
    assert_int_equal(cipher_aes(CIPHER_AES_CBC_PKCS7, 1, key, 32, iv, 12, pt, 32, out, &n, &e),
                     RC_INVAL);
}

static void
test_ctr_nist(void **state)
{
    uint8_t key[32], iv[16], pt[32], want[32], out[32], back[32];
    size_t n = 0;

    (void)state;
    unhex(key_hex, key, 32);
    unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", iv, 16);
    unhex(pt_hex, pt, 32);
    unhex("601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5", want, 32);
    assert_int_equal(cipher_out_len(CIPHER_AES_CTR, 32), 32);
    assert_int_equal(cipher_aes(CIPHER_AES_CTR, 1, key, 32, iv, 16, pt, 32, out, &n, NULL), RC_OK);
    assert_int_equal(n, 32);
    assert_memory_equal(out, want, 32);
    assert_int_equal(cipher_aes(CIPHER_AES_CTR, 0, key, 32, iv, 16, out, 20, back, &n, NULL),
                     RC_OK);
    assert_int_equal(n, 20); /* any length, no padding */
    assert_memory_equal(back, pt, 20);
}

static void
test_hash_contexts(void **state)
{
    static const char data[] = "what do ya want for nothing?";
    uint8_t mac[32], want[32], md[64], want512[64];
    struct cipher_hmac *h;
    struct cipher_sha512 *s;

    (void)state;
    unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", want, 32);
    h = cipher_hmac_new((const uint8_t *)"Jefe", 4);
    cipher_hmac_update(h, (const uint8_t *)data, 10);
    cipher_hmac_update(h, NULL, 0);
    cipher_hmac_update(h, (const uint8_t *)data + 10, sizeof data - 11);
    cipher_hmac_final(h, mac);
    cipher_hmac_free(h);
    assert_memory_equal(mac, want, 32);
    unhex("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
          want512, 64);
    s = cipher_sha512_new();
    cipher_sha512_update(s, (const uint8_t *)"a", 1);
    cipher_sha512_update(s, (const uint8_t *)"bc", 2);
    cipher_sha512_final(s, md);
    assert_memory_equal(md, want512, 64);
    cipher_sha512_update(s, (const uint8_t *)"abc", 3); /* final reset it for reuse */
    cipher_sha512_final(s, md);
    assert_memory_equal(md, want512, 64);
    cipher_sha512_free(s);
    cipher_hmac_free(NULL);
    cipher_sha512_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cbc_nist),
        cmocka_unit_test(test_ctr_nist),
        cmocka_unit_test(test_hash_contexts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
