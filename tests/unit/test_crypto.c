/* Crypto primitives against published vectors: SHA-256 (FIPS 180-2), HMAC-SHA256
 * (RFC 4231), HKDF-SHA256 (RFC 5869), X25519 (RFC 7748), AES-256-GCM (McGrew-Viega /
 * NIST SP 800-38D test cases 13-16), Ed25519 (RFC 8032), and XEdDSA vectors made by
 * libsignal-protocol-c 2.3.3 (tests/interop/xeddsa_oracle.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/secure.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"
#include "util/err.h"

/* Decodes hex into out (cap bytes at most); returns the byte count. */
static size_t
unhex(uint8_t *out, size_t cap, const char *hex)
{
    size_t n = strlen(hex) / 2;

    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

static void
assert_hex(const uint8_t *got, size_t n, const char *want)
{
    uint8_t w[256];

    assert_int_equal(unhex(w, sizeof w, want), n);
    assert_memory_equal(got, w, n);
}

static void
test_sha256_vectors(void **state)
{
    uint8_t out[32];

    (void)state;
    digest_sha256(out, NULL, 0, NULL, 0);
    assert_hex(out, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest_sha256(out, (const uint8_t *)"abc", 3, NULL, 0);
    assert_hex(out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    digest_sha256(out, (const uint8_t *)"a", 1, (const uint8_t *)"bc", 2);
    assert_hex(out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_hmac_rfc4231(void **state)
{
    static const char big_data[] = "This is a test using a larger than block-size key and a larger "
                                   "than block-size data. The key needs to be hashed before being "
                                   "used by the HMAC algorithm.";
    uint8_t key[131], out[32];

    (void)state;
    memset(key, 0x0b, 20);
    digest_hmac_sha256(out, key, 20, (const uint8_t *)"Hi There", 8);
    assert_hex(out, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    digest_hmac_sha256(out, (const uint8_t *)"Jefe", 4,
                       (const uint8_t *)"what do ya want for nothing?", 28);
    assert_hex(out, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(key, 0xaa, sizeof key);
    digest_hmac_sha256(out, key, sizeof key,
                       (const uint8_t *)"Test Using Larger Than Block-Size Key - Hash Key First",
                       54);
    assert_hex(out, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    digest_hmac_sha256(out, key, sizeof key, (const uint8_t *)big_data, strlen(big_data));
    assert_hex(out, 32, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void
test_hkdf_rfc5869(void **state)
{
    uint8_t ikm[80], salt[80], info[80], okm[82];

    (void)state;
    /* Test case 1 */
    memset(ikm, 0x0b, 22);
    for (uint8_t i = 0; i < 80; i++) {
        salt[i] = i;
        info[i] = (uint8_t)(0xf0 + i);
    }
    assert_int_equal(digest_hkdf_sha256(okm, 42, salt, 13, ikm, 22, info, 10, NULL), RC_OK);
    assert_hex(okm, 42,
               "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
               "34007208d5b887185865");
    /* Test case 2: long inputs, L = 82 (three blocks) */
    for (uint8_t i = 0; i < 80; i++) {
        ikm[i] = i;
        salt[i] = (uint8_t)(0x60 + i);
        info[i] = (uint8_t)(0xb0 + i);
    }
    assert_int_equal(digest_hkdf_sha256(okm, 82, salt, 80, ikm, 80, info, 80, NULL), RC_OK);
    assert_hex(okm, 82,
               "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
               "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
               "cc30c58179ec3e87c14c01d5c1f3434f1d87");
    /* Test case 3: empty salt and info */
    memset(ikm, 0x0b, 22);
    assert_int_equal(digest_hkdf_sha256(okm, 42, NULL, 0, ikm, 22, NULL, 0, NULL), RC_OK);
    assert_hex(okm, 42,
               "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
               "9d201395faa4b61a96c8");
}

/* RFC 7914 §11's PBKDF2-HMAC-SHA256 vectors, and the pairing code's parameters (checked
   against Python's hashlib.pbkdf2_hmac). */
static void
test_pbkdf2_sha256(void **state)
{
    uint8_t out[64], salt[32];

    (void)state;
    assert_int_equal(digest_pbkdf2_sha256(out, 64, (const uint8_t *)"passwd", 6,
                                          (const uint8_t *)"salt", 4, 1, NULL),
                     RC_OK);
    assert_hex(out, 64,
               "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
               "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    assert_int_equal(digest_pbkdf2_sha256(out, 64, (const uint8_t *)"Password", 8,
                                          (const uint8_t *)"NaCl", 4, 80000, NULL),
                     RC_OK);
    assert_hex(out, 64,
               "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
               "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    for (uint8_t i = 0; i < 32; i++)
        salt[i] = i;
    assert_int_equal(
        digest_pbkdf2_sha256(out, 32, (const uint8_t *)"ABCD1234", 8, salt, 32, 131072, NULL),
        RC_OK);
    assert_hex(out, 32, "b04d4d0e43ffa6d1a3b2226d4ee58ba2900a470c09bcf39fb5257512a55c08bc");
    assert_int_equal(digest_pbkdf2_sha256(out, 0, NULL, 0, NULL, 0, 1, NULL), RC_INVAL);
    assert_int_equal(digest_pbkdf2_sha256(out, 32, NULL, 0, NULL, 0, 0, NULL), RC_INVAL);
}

static void
test_hkdf_rejects_bad_length(void **state)
{
    uint8_t okm[1];
    struct err e;

    (void)state;
    assert_int_equal(digest_hkdf_sha256(okm, 0, NULL, 0, NULL, 0, NULL, 0, &e), RC_INVAL);
    assert_int_equal(e.rc, RC_INVAL);
    assert_int_equal(
        digest_hkdf_sha256(okm, DIGEST_HKDF_MAX_BYTES + 1, NULL, 0, NULL, 0, NULL, 0, NULL),
        RC_INVAL);
}

static void
test_x25519_rfc7748_functions(void **state)
{
    uint8_t k[32], u[32], out[32], next[32];

    (void)state;
    unhex(k, 32, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    unhex(u, 32, "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    assert_int_equal(x25519_dh(out, k, u, NULL), RC_OK);
    assert_hex(out, 32, "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    unhex(k, 32, "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d");
    unhex(u, 32, "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
    assert_int_equal(x25519_dh(out, k, u, NULL), RC_OK);
    assert_hex(out, 32, "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    /* §5.2 iteration: k = u = 9; after 1 and 1000 rounds */
    memset(k, 0, 32);
    k[0] = 9;
    memcpy(u, k, 32);
    for (int i = 1; i <= 1000; i++) {
        assert_int_equal(x25519_dh(next, k, u, NULL), RC_OK);
        memcpy(u, k, 32);
        memcpy(k, next, 32);
        if (i == 1)
            assert_hex(k, 32, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
    }
    assert_hex(k, 32, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
}

static void
test_x25519_rfc7748_dh(void **state)
{
    uint8_t apriv[32], bpriv[32], s1[32], s2[32];
    struct x25519_keypair a, b;

    (void)state;
    unhex(apriv, 32, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    unhex(bpriv, 32, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    assert_int_equal(x25519_keypair_from_priv(&a, apriv, NULL), RC_OK);
    assert_int_equal(x25519_keypair_from_priv(&b, bpriv, NULL), RC_OK);
    assert_hex(a.pub, 32, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    assert_hex(b.pub, 32, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    assert_int_equal(x25519_dh(s1, a.priv, b.pub, NULL), RC_OK);
    assert_int_equal(x25519_dh(s2, b.priv, a.pub, NULL), RC_OK);
    assert_hex(s1, 32, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    assert_memory_equal(s1, s2, 32);
}

static void
test_x25519_rejects_low_order_and_generates(void **state)
{
    struct x25519_keypair a, b;
    uint8_t zero[32] = { 0 }, s1[32], s2[32];
    struct err e;

    (void)state;
    x25519_keypair_gen(&a);
    x25519_keypair_gen(&b);
    assert_memory_not_equal(a.pub, b.pub, 32);
    assert_int_equal(a.priv[0] & 7, 0); /* clamped */
    assert_int_equal(a.priv[31] & 0xc0, 0x40);
    assert_int_equal(x25519_dh(s1, a.priv, b.pub, NULL), RC_OK);
    assert_int_equal(x25519_dh(s2, b.priv, a.pub, NULL), RC_OK);
    assert_memory_equal(s1, s2, 32);
    assert_int_equal(x25519_dh(s1, a.priv, zero, &e), RC_CRYPTO);
    assert_memory_equal(s1, zero, 32);
}

struct gcm_vec {
    const char *key, *iv, *aad, *pt, *ct_tag;
};

static const struct gcm_vec gcm_vecs[] = {
    { "0000000000000000000000000000000000000000000000000000000000000000",
      "000000000000000000000000", "", "", "530f8afbc74536b9a963b4f1c4cb738b" },
    { "0000000000000000000000000000000000000000000000000000000000000000",
      "000000000000000000000000", "", "00000000000000000000000000000000",
      "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919" },
    { "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
      "cafebabefacedbaddecaf888", "",
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
      "49a6b525b16aedf5aa0de657ba637b391aafd255",
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
      "56828838c5f61e6393ba7a0abcc9f662898015adb094dac5d93471bdec1a502270e3cc6c" },
    { "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
      "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
      "49a6b525b16aedf5aa0de657ba637b39",
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
      "56828838c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b" },
};

static void
test_aes_gcm_nist_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof gcm_vecs / sizeof gcm_vecs[0]; i++) {
        uint8_t key[32], iv[12], aad[32], pt[64], want[80], out[80], back[64];
        size_t aadlen, ptlen, ctlen;

        unhex(key, 32, gcm_vecs[i].key);
        unhex(iv, 12, gcm_vecs[i].iv);
        aadlen = unhex(aad, sizeof aad, gcm_vecs[i].aad);
        ptlen = unhex(pt, sizeof pt, gcm_vecs[i].pt);
        ctlen = unhex(want, sizeof want, gcm_vecs[i].ct_tag);
        assert_int_equal(ctlen, ptlen + AEAD_TAG_BYTES);
        assert_int_equal(aead_gcm_seal(out, key, iv, aad, aadlen, pt, ptlen, NULL), RC_OK);
        assert_memory_equal(out, want, ctlen);
        assert_int_equal(aead_gcm_open(back, key, iv, aad, aadlen, want, ctlen, NULL), RC_OK);
        if (ptlen > 0)
            assert_memory_equal(back, pt, ptlen);
    }
}

static void
test_aes_gcm_rejects_tampering(void **state)
{
    const struct gcm_vec *v = &gcm_vecs[3];
    uint8_t key[32], iv[12], aad[32], ct[80], out[64], zero[64] = { 0 };
    size_t aadlen, ctlen;
    struct err e;

    (void)state;
    unhex(key, 32, v->key);
    unhex(iv, 12, v->iv);
    aadlen = unhex(aad, sizeof aad, v->aad);
    ctlen = unhex(ct, sizeof ct, v->ct_tag);
    ct[5] ^= 1; /* ciphertext */
    assert_int_equal(aead_gcm_open(out, key, iv, aad, aadlen, ct, ctlen, &e), RC_CRYPTO);
    assert_memory_equal(out, zero, ctlen - AEAD_TAG_BYTES); /* nothing unauthenticated leaks */
    ct[5] ^= 1;
    ct[ctlen - 1] ^= 0x80; /* tag */
    assert_int_equal(aead_gcm_open(out, key, iv, aad, aadlen, ct, ctlen, NULL), RC_CRYPTO);
    ct[ctlen - 1] ^= 0x80;
    aad[0] ^= 1; /* associated data */
    assert_int_equal(aead_gcm_open(out, key, iv, aad, aadlen, ct, ctlen, NULL), RC_CRYPTO);
    aad[0] ^= 1;
    iv[11] ^= 1; /* counter */
    assert_int_equal(aead_gcm_open(out, key, iv, aad, aadlen, ct, ctlen, NULL), RC_CRYPTO);
    iv[11] ^= 1;
    assert_int_equal(aead_gcm_open(out, key, iv, aad, aadlen, ct, ctlen, NULL), RC_OK);
    assert_int_equal(aead_gcm_open(out, key, iv, aad, aadlen, ct, AEAD_TAG_BYTES - 1, &e),
                     RC_INVAL);
}

static void
test_ed25519_rfc8032(void **state)
{
    uint8_t pk[32], sig[64], msg = 0x72;

    (void)state;
    unhex(pk, 32, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    unhex(sig, 64,
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33b"
          "acc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    assert_true(sign_ed25519_verify(pk, NULL, 0, sig));
    unhex(pk, 32, "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    unhex(sig, 64,
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e1599"
          "6e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    assert_true(sign_ed25519_verify(pk, &msg, 1, sig));
    msg ^= 1;
    assert_false(sign_ed25519_verify(pk, &msg, 1, sig));
}

/* Made by libsignal-protocol-c 2.3.3 curve_calculate_signature (xeddsa_oracle). */
static const struct {
    const char *pub, *msg, *sig;
} xeddsa_vecs[] = {
    { "c7293c76b0f18bd15f832b9a9a89e2d3f73ad3b2515e5dc939d9b3cee6094732", "",
      "e858c3f5382409b328a39f271dfff6a73702088411d008d74b0336e55b75fec408eb882b94e4607ce16fc476"
      "8b89a5026825c42878120319d35d3d10d6e2eb09" },
    { "e636c12f832872caf891fa3326c004c434b949845ca7d9861e6c27b7a2eaab5a", "870a8d10931699",
      "50e703d099a11220f8e7559faf075d398dcb463c8def544b415b4bd19f616e2c27e7ff45688b45c111319e38"
      "fad5e44b1cbf78b08d357022ef809104b3d93e02" },
    { "2b4eb782541a926f9e20ab767928e9d8064f4f708dd10a97fd62bf9c6c95727e",
      "3cbf42c548cb4ed154d75add60e3",
      "8d4e554d524c5f96cb7dac8639e0a20828cbbe52a29167e654dcc10944fbbd7d88ea1a911fe92f9a05b67a4d"
      "47cbf4f9dfef7836917277cf288e89eab9e51087" },
};

static void
test_xeddsa_libsignal_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof xeddsa_vecs / sizeof xeddsa_vecs[0]; i++) {
        uint8_t pub[32], msg[32], sig[64];
        size_t n;

        unhex(pub, 32, xeddsa_vecs[i].pub);
        n = unhex(msg, sizeof msg, xeddsa_vecs[i].msg);
        unhex(sig, 64, xeddsa_vecs[i].sig);
        assert_true(sign_xeddsa_verify(pub, msg, n, sig));
        sig[10] ^= 4;
        assert_false(sign_xeddsa_verify(pub, msg, n, sig));
        sig[10] ^= 4;
        pub[0] ^= 2;
        assert_false(sign_xeddsa_verify(pub, msg, n, sig));
    }
}

static void
test_xeddsa_sign_roundtrip(void **state)
{
    static const uint8_t msg[] = "details bytes";
    uint8_t z[SIGN_NONCE_BYTES] = { 7 }, s1[64], s2[64], s3[64];
    uint8_t big_u[32];
    struct x25519_keypair a, b;

    (void)state;
    x25519_keypair_gen(&a);
    x25519_keypair_gen(&b);
    assert_int_equal(sign_xeddsa(s1, a.priv, msg, sizeof msg, z, NULL), RC_OK);
    assert_int_equal(sign_xeddsa(s2, a.priv, msg, sizeof msg, z, NULL), RC_OK);
    assert_memory_equal(s1, s2, 64); /* deterministic for a fixed Z */
    assert_int_equal(sign_xeddsa(s3, a.priv, msg, sizeof msg, NULL, NULL), RC_OK);
    assert_memory_not_equal(s1, s3, 64); /* random Z */
    assert_true(sign_xeddsa_verify(a.pub, msg, sizeof msg, s1));
    assert_true(sign_xeddsa_verify(a.pub, msg, sizeof msg, s3));
    assert_int_equal(s1[63] & 0x80, 0); /* XEdDSA: A has sign bit 0 */
    assert_false(sign_xeddsa_verify(b.pub, msg, sizeof msg, s1));
    assert_false(sign_xeddsa_verify(a.pub, msg, sizeof msg - 1, s1));
    memset(big_u, 0xff, sizeof big_u); /* u >= p: no canonical point */
    big_u[31] = 0x7f;
    assert_false(sign_xeddsa_verify(big_u, msg, sizeof msg, s1));
}

static void
test_secure_helpers(void **state)
{
    uint8_t a[16], b[16];
    uint8_t *p;

    (void)state;
    secure_random(a, sizeof a);
    memcpy(b, a, sizeof b);
    assert_true(secure_equal(a, b, sizeof a));
    b[15] ^= 1;
    assert_false(secure_equal(a, b, sizeof a));
    secure_wipe(a, sizeof a);
    memset(b, 0, sizeof b);
    assert_memory_equal(a, b, sizeof a);
    p = secure_alloc(40);
    for (size_t i = 0; i < 40; i++)
        assert_int_equal(p[i], 0);
    secure_free(p);
    secure_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_hmac_rfc4231),
        cmocka_unit_test(test_hkdf_rfc5869),
        cmocka_unit_test(test_hkdf_rejects_bad_length),
        cmocka_unit_test(test_pbkdf2_sha256),
        cmocka_unit_test(test_x25519_rfc7748_functions),
        cmocka_unit_test(test_x25519_rfc7748_dh),
        cmocka_unit_test(test_x25519_rejects_low_order_and_generates),
        cmocka_unit_test(test_aes_gcm_nist_vectors),
        cmocka_unit_test(test_aes_gcm_rejects_tampering),
        cmocka_unit_test(test_ed25519_rfc8032),
        cmocka_unit_test(test_xeddsa_libsignal_vectors),
        cmocka_unit_test(test_xeddsa_sign_roundtrip),
        cmocka_unit_test(test_secure_helpers),
    };

    return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
