/* The pairing-code crypto of wa/pairing against vectors computed by Baileys 7.0.0-rc14 itself
 * (node on tests/interop/node_modules/@whiskeysockets/baileys/lib: bytesToCrockford,
 * derivePairingCodeKey + aesEncryptCTR, and the link_code_companion_reg steps of
 * messages-recv.js with Curve.sharedKey, hkdf and aesEncryptGCM on fixed keys), plus the
 * hostile-length and low-order-point refusals. The script that printed them:
 *
 *   const g = await import(B + '/Utils/generics.js'), c = await import(B + '/Utils/crypto.js');
 *   g.bytesToCrockford(Buffer.from('0123456789', 'hex'))                  // 15JMBSWA
 *   key = await c.derivePairingCodeKey('ABCD2345', salt);                 // salt = 00..1f
 *   Buffer.concat([salt, iv, c.aesEncryptCTR(pub, key, iv)])              // iv = f0..ff
 *   k = c.hkdf(Curve.sharedKey(eph, pEphPub), 32, {salt: 66…, info: 'link_code_pairing_…'})
 *   c.aesEncryptGCM(idPub ‖ pIdPub ‖ 55…, k, 77…, Buffer.alloc(0)); c.hkdf(…, {info: 'adv_secret'})
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/secure.h"
#include "crypto/x25519.h"
#include "util/err.h"
#include "wa/creds.h"
#include "wa/pairing.h"

static void
unhex(uint8_t *out, size_t n, const char *hex)
{
    assert_int_equal(strlen(hex), 2 * n);
    for (size_t i = 0; i < n; i++) {
        unsigned v;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

/* A clamped private key of 32 bytes b, as the node script made them. */
static void
keypair_of(struct x25519_keypair *kp, uint8_t b)
{
    uint8_t priv[32];

    memset(priv, b, sizeof priv);
    assert_int_equal(x25519_keypair_from_priv(kp, priv, NULL), RC_OK);
}

static void
test_code_matches_baileys_crockford(void **state)
{
    static const struct {
        const char *hex, *code;
    } v[] = {
        { "0000000000", "11111111" }, { "ffffffffff", "ZZZZZZZZ" }, { "0123456789", "15JMBSWA" },
        { "a5c3e1f00f", "MQ2Y4W1G" }, { "8421084210", "HHHHHHHH" },
    };
    char code[WA_PAIRING_CODE_LEN + 1];
    uint8_t raw[WA_PAIRING_CODE_RAW_BYTES];

    (void)state;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        unhex(raw, sizeof raw, v[i].hex);
        memset(code, 'x', sizeof code);
        wa_pairing_code_make(code, raw);
        assert_string_equal(code, v[i].code);
    }
}

/* Salt 00..1f, IV f0..ff, key (7i+3) & 0xff, code "ABCD2345". */
static const char WRAPPED_HEX[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
    "881281c819a3fa3c14191cfe141756c6ef4df6130fe7752d536deae641ef43f9";

static void
vector_inputs(uint8_t salt[32], uint8_t iv[16], uint8_t pub[32])
{
    for (size_t i = 0; i < 32; i++) {
        salt[i] = (uint8_t)i;
        pub[i] = (uint8_t)(i * 7 + 3);
    }
    for (size_t i = 0; i < 16; i++)
        iv[i] = (uint8_t)(0xf0 + i);
}

static void
test_wrap_matches_baileys(void **state)
{
    uint8_t salt[32], iv[16], pub[32], want[WA_PAIRING_WRAPPED_BYTES];
    uint8_t out[WA_PAIRING_WRAPPED_BYTES], back[32];

    (void)state;
    vector_inputs(salt, iv, pub);
    unhex(want, sizeof want, WRAPPED_HEX);
    assert_int_equal(wa_pairing_code_wrap(out, "ABCD2345", pub, salt, iv, NULL), RC_OK);
    assert_memory_equal(out, want, sizeof want);
    assert_int_equal(wa_pairing_code_unwrap(back, "ABCD2345", want, sizeof want, NULL), RC_OK);
    assert_memory_equal(back, pub, sizeof pub);
    /* CTR has no integrity: another code gives another key, not an error. */
    assert_int_equal(wa_pairing_code_unwrap(back, "ABCD2346", want, sizeof want, NULL), RC_OK);
    assert_memory_not_equal(back, pub, sizeof pub);
}

static void
test_wrap_round_trip_random(void **state)
{
    uint8_t raw[WA_PAIRING_CODE_RAW_BYTES], salt[32], iv[16], out[WA_PAIRING_WRAPPED_BYTES];
    uint8_t back[32];
    char code[WA_PAIRING_CODE_LEN + 1];
    struct x25519_keypair kp;

    (void)state;
    secure_random(raw, sizeof raw);
    secure_random(salt, sizeof salt);
    secure_random(iv, sizeof iv);
    x25519_keypair_gen(&kp);
    wa_pairing_code_make(code, raw);
    assert_int_equal(strlen(code), WA_PAIRING_CODE_LEN);
    assert_int_equal(wa_pairing_code_wrap(out, code, kp.pub, salt, iv, NULL), RC_OK);
    assert_memory_equal(out, salt, 32);
    assert_memory_equal(out + 32, iv, 16);
    assert_int_equal(wa_pairing_code_unwrap(back, code, out, sizeof out, NULL), RC_OK);
    assert_memory_equal(back, kp.pub, 32);
}

static void
test_unwrap_refuses_bad_lengths(void **state)
{
    uint8_t buf[WA_PAIRING_WRAPPED_BYTES + 1], pub[32], salt[32], iv[16], out[80];
    static const uint8_t zero[32];
    struct err e;

    (void)state;
    unhex(buf, WA_PAIRING_WRAPPED_BYTES, WRAPPED_HEX);
    buf[WA_PAIRING_WRAPPED_BYTES] = 0;
    for (size_t len = 0; len <= WA_PAIRING_WRAPPED_BYTES + 1; len++) {
        if (len == WA_PAIRING_WRAPPED_BYTES)
            continue;
        memset(pub, 0xaa, sizeof pub);
        assert_int_equal(wa_pairing_code_unwrap(pub, "ABCD2345", buf, len, &e), RC_INVAL);
        assert_memory_equal(pub, zero, sizeof pub);
    }
    assert_int_equal(wa_pairing_code_unwrap(pub, "ABCD2345", NULL, 80, NULL), RC_INVAL);
    /* The code must be exactly 8 characters. */
    assert_int_equal(wa_pairing_code_unwrap(pub, "ABCD234", buf, 80, &e), RC_INVAL);
    assert_int_equal(wa_pairing_code_unwrap(pub, "ABCD23456", buf, 80, NULL), RC_INVAL);
    assert_int_equal(wa_pairing_code_unwrap(pub, NULL, buf, 80, NULL), RC_INVAL);
    vector_inputs(salt, iv, pub);
    assert_int_equal(wa_pairing_code_wrap(out, "", pub, salt, iv, &e), RC_INVAL);
    assert_true(e.msg[0] != '\0');
}

/* The finish vector: ours 0x11 (ephemeral) and 0x22 (identity), the phone's 0x33 and 0x44;
 * random 0x55, salt 0x66, iv 0x77. */
static const char BUNDLE_HEX[] = "6666666666666666666666666666666666666666666666666666666666666666"
                                 "777777777777777777777777"
                                 "6096cb3cf260b09a5b00ead70b4d20dad3a415412885d3382715ef9bac8fe5a7"
                                 "efa6684e9ec6cc5c783359c6e91ee1aa371cae2f108e02387003f5ac6773dc1b"
                                 "2f17f80cd10f76b2745266b476b1fa956cce99754c79b7f5276b38259024ed2b"
                                 "a39e76753edb1111d0d47d9dcb5a6a56";
static const char ADV_HEX[] = "13e3f61872dc4e95d3a990c259e3fbee8b8774bdf0416e6b1e572a26373d9304";

struct finish_fx {
    struct wa_creds *c;
    struct x25519_keypair eph, peph, pid;
    struct wa_pairing_code_rand rnd;
};

static void
finish_fx_init(struct finish_fx *f)
{
    uint8_t want[32];

    f->c = wa_creds_generate(NULL);
    assert_non_null(f->c);
    keypair_of(&f->eph, 0x11);
    keypair_of(&f->c->identity, 0x22);
    keypair_of(&f->peph, 0x33);
    keypair_of(&f->pid, 0x44);
    /* The public keys node derived from the same private keys. */
    unhex(want, 32, "7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13");
    assert_memory_equal(f->eph.pub, want, 32);
    unhex(want, 32, "ff2ee45601ec1b67310c7790404585ae697331eee1c1f8cf2419731c1fff3e6b");
    assert_memory_equal(f->pid.pub, want, 32);
    memset(f->rnd.random, 0x55, sizeof f->rnd.random);
    memset(f->rnd.salt, 0x66, sizeof f->rnd.salt);
    memset(f->rnd.iv, 0x77, sizeof f->rnd.iv);
}

static void
test_finish_matches_baileys(void **state)
{
    uint8_t bundle[WA_PAIRING_BUNDLE_BYTES], want[WA_PAIRING_BUNDLE_BYTES], adv[32];
    struct finish_fx f;

    (void)state;
    finish_fx_init(&f);
    assert_int_equal(WA_PAIRING_BUNDLE_BYTES, 156);
    assert_int_equal(
        wa_pairing_code_finish(f.c, &f.eph, f.peph.pub, f.pid.pub, 32, &f.rnd, bundle, NULL),
        RC_OK);
    unhex(want, sizeof want, BUNDLE_HEX);
    assert_memory_equal(bundle, want, sizeof want);
    unhex(adv, sizeof adv, ADV_HEX);
    assert_memory_equal(f.c->adv_secret, adv, sizeof adv);
    wa_creds_free(f.c);
}

static void
test_finish_refuses_hostile_keys(void **state)
{
    uint8_t bundle[WA_PAIRING_BUNDLE_BYTES], adv[32], id33[33];
    static const uint8_t zero[WA_PAIRING_BUNDLE_BYTES];
    struct finish_fx f;
    struct err e;

    (void)state;
    finish_fx_init(&f);
    memcpy(adv, f.c->adv_secret, sizeof adv);
    memcpy(id33, f.pid.pub, 32);
    id33[32] = 0;
    /* The phone's identity must be exactly 32 bytes (no 0x05 form, nothing trailing). */
    assert_int_equal(
        wa_pairing_code_finish(f.c, &f.eph, f.peph.pub, f.pid.pub, 31, &f.rnd, bundle, &e),
        RC_INVAL);
    assert_int_equal(wa_pairing_code_finish(f.c, &f.eph, f.peph.pub, id33, 33, &f.rnd, bundle, &e),
                     RC_INVAL);
    assert_int_equal(wa_pairing_code_finish(f.c, &f.eph, f.peph.pub, NULL, 32, &f.rnd, bundle, &e),
                     RC_INVAL);
    assert_memory_equal(f.c->adv_secret, adv, sizeof adv);
    /* A low-order ephemeral or identity key gives an all-zero secret: refused, nothing set. */
    memset(bundle, 0xaa, sizeof bundle);
    assert_int_equal(wa_pairing_code_finish(f.c, &f.eph, zero, f.pid.pub, 32, &f.rnd, bundle, &e),
                     RC_CRYPTO);
    assert_memory_equal(bundle, zero, sizeof bundle);
    assert_memory_equal(f.c->adv_secret, adv, sizeof adv);
    memset(bundle, 0xaa, sizeof bundle);
    assert_int_equal(wa_pairing_code_finish(f.c, &f.eph, f.peph.pub, zero, 32, &f.rnd, bundle, &e),
                     RC_CRYPTO);
    assert_memory_equal(bundle, zero, sizeof bundle);
    assert_memory_equal(f.c->adv_secret, adv, sizeof adv);
    wa_creds_free(f.c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_matches_baileys_crockford),
        cmocka_unit_test(test_wrap_matches_baileys),
        cmocka_unit_test(test_wrap_round_trip_random),
        cmocka_unit_test(test_unwrap_refuses_bad_lengths),
        cmocka_unit_test(test_finish_matches_baileys),
        cmocka_unit_test(test_finish_refuses_hostile_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
