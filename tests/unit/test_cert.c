/* Certificate chain: every check whatsmeow makes, one failing test each, and the root key
 * choice (EMBUDO_WA_ROOT_KEY honoured only by test builds; see also test_cert_release.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/sign.h"
#include "crypto/x25519.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "wa/cert.h"

#define NOW 1700000000

struct fixture {
    struct x25519_keypair root, inter, server, other;
    struct strbuf chain;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    x25519_keypair_gen(&f->root);
    x25519_keypair_gen(&f->inter);
    x25519_keypair_gen(&f->server);
    x25519_keypair_gen(&f->other);
    strbuf_init(&f->chain);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    strbuf_fini(&f->chain);
    free(f);
    return 0;
}

/* A chain whose details the test controls; each part signed by the given private key. */
static void
build(struct fixture *f, const struct cert_details *di, const uint8_t *isigner,
      const struct cert_details *dl, const uint8_t *lsigner)
{
    struct strbuf ib, lb;
    uint8_t isig[64], lsig[64];

    strbuf_init(&ib);
    strbuf_init(&lb);
    cert_details_put(&ib, di);
    cert_details_put(&lb, dl);
    assert_int_equal(sign_xeddsa(isig, isigner, (uint8_t *)ib.buf, ib.len, NULL, NULL), RC_OK);
    assert_int_equal(sign_xeddsa(lsig, lsigner, (uint8_t *)lb.buf, lb.len, NULL, NULL), RC_OK);
    strbuf_reset(&f->chain);
    cert_chain_put(&f->chain, (uint8_t *)lb.buf, lb.len, lsig, (uint8_t *)ib.buf, ib.len, isig);
    strbuf_fini(&ib);
    strbuf_fini(&lb);
}

static int
verify(struct fixture *f, const uint8_t *root, int64_t now)
{
    struct err e = { 0 };
    int rc;

    rc = cert_verify_chain((uint8_t *)f->chain.buf, f->chain.len, f->server.pub, root, now, &e);
    if (rc != RC_OK)
        assert_true(strlen(e.msg) > 0);
    return rc;
}

/* The good details: intermediate serial 7 from the root, leaf from 7 for the server key. */
static void
good(struct fixture *f, struct cert_details *di, struct cert_details *dl)
{
    *di = (struct cert_details){ 7, CERT_ROOT_SERIAL, f->inter.pub, 32, NOW - 10, NOW + 10 };
    *dl = (struct cert_details){ 8, 7, f->server.pub, 32, NOW - 10, NOW + 10 };
}

static void
test_valid_chain_accepted(void **state)
{
    struct fixture *f = *state;
    struct cert_details di, dl;

    good(f, &di, &dl);
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    assert_int_equal(verify(f, f->root.pub, NOW), RC_OK);
    assert_int_equal(verify(f, f->root.pub, NOW - 10), RC_OK); /* bounds are inclusive */
    assert_int_equal(verify(f, f->root.pub, NOW + 10), RC_OK);
    strbuf_reset(&f->chain);
    assert_int_equal(cert_chain_make(&f->chain, f->root.priv, f->inter.priv, 1, f->server.pub,
                                     NOW - 1, NOW + 1, NULL),
                     RC_OK);
    assert_int_equal(verify(f, f->root.pub, NOW), RC_OK);
}

static void
test_signatures_checked(void **state)
{
    struct fixture *f = *state;
    struct cert_details di, dl;

    good(f, &di, &dl);
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    assert_int_equal(verify(f, f->other.pub, NOW), RC_CRYPTO);     /* another root */
    assert_int_equal(verify(f, cert_wa_root_key, NOW), RC_CRYPTO); /* WhatsApp's root */
    build(f, &di, f->other.priv, &dl, f->inter.priv);              /* intermediate forged */
    assert_int_equal(verify(f, f->root.pub, NOW), RC_CRYPTO);
    build(f, &di, f->root.priv, &dl, f->root.priv); /* leaf signed by the root, not the inter */
    assert_int_equal(verify(f, f->root.pub, NOW), RC_CRYPTO);
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    f->chain.buf[10] ^= 1; /* one bit of the signed leaf details */
    assert_int_equal(verify(f, f->root.pub, NOW) == RC_OK, 0);
}

static void
test_serials_checked(void **state)
{
    struct fixture *f = *state;
    struct cert_details di, dl;

    good(f, &di, &dl);
    di.issuer_serial = 3; /* not issued by the root */
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    assert_int_equal(verify(f, f->root.pub, NOW), RC_CRYPTO);
    good(f, &di, &dl);
    dl.issuer_serial = 6; /* leaf names another intermediate */
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    assert_int_equal(verify(f, f->root.pub, NOW), RC_CRYPTO);
}

static void
test_validity_checked(void **state)
{
    struct fixture *f = *state;
    struct cert_details di, dl;

    good(f, &di, &dl);
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    assert_int_equal(verify(f, f->root.pub, NOW + 11), RC_CRYPTO);
    assert_int_equal(verify(f, f->root.pub, NOW - 11), RC_CRYPTO);
    assert_int_equal(verify(f, f->root.pub, -1), RC_CRYPTO);
    dl.not_after = NOW + 1000; /* the intermediate alone has expired */
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    assert_int_equal(verify(f, f->root.pub, NOW + 100), RC_CRYPTO);
    good(f, &di, &dl);
    dl.not_before = NOW + 5; /* the leaf alone is not valid yet */
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    assert_int_equal(verify(f, f->root.pub, NOW), RC_CRYPTO);
    good(f, &di, &dl);
    dl.not_before = dl.not_after = 0; /* no window at all: expired, as whatsmeow */
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    assert_int_equal(verify(f, f->root.pub, NOW), RC_CRYPTO);
}

static void
test_keys_checked(void **state)
{
    struct fixture *f = *state;
    struct cert_details di, dl;

    good(f, &di, &dl);
    dl.key = f->other.pub; /* a genuine chain for another server key (replay) */
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    assert_int_equal(verify(f, f->root.pub, NOW), RC_CRYPTO);
    good(f, &di, &dl);
    dl.key_len = 31;
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    assert_int_equal(verify(f, f->root.pub, NOW), RC_CRYPTO);
    good(f, &di, &dl);
    di.key_len = 31;
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    assert_int_equal(verify(f, f->root.pub, NOW), RC_CRYPTO);
}

static void
test_malformed_chains(void **state)
{
    struct fixture *f = *state;
    uint8_t sig[64] = { 0 };
    struct strbuf one;

    strbuf_init(&one);
    strbuf_reset(&f->chain);
    assert_int_equal(verify(f, f->root.pub, NOW), RC_INVAL); /* empty */
    strbuf_add(&f->chain, "\x0a\x05\x0a\x01", 4);            /* truncated */
    assert_int_equal(verify(f, f->root.pub, NOW), RC_INVAL);
    strbuf_reset(&f->chain);
    cert_chain_put(&f->chain, (const uint8_t *)"x", 1, sig, (const uint8_t *)"y", 1, sig);
    f->chain.len -= 1; /* intermediate signature 63 bytes: length byte still says 64 */
    assert_int_equal(verify(f, f->root.pub, NOW), RC_INVAL);
    strbuf_reset(&f->chain);
    strbuf_add(&f->chain, "\x12\x04\x0a\x02\x08\x01", 6); /* intermediate only, no leaf */
    assert_int_equal(verify(f, f->root.pub, NOW), RC_INVAL);
    /* 63-byte signatures encoded consistently */
    strbuf_reset(&f->chain);
    strbuf_add(&one, "\x0a\x01x\x12\x3f", 5);
    strbuf_add(&one, sig, 63);
    strbuf_add(&f->chain, "\x0a\x44", 2);
    strbuf_add(&f->chain, one.buf, one.len);
    strbuf_add(&f->chain, "\x12\x44", 2);
    strbuf_add(&f->chain, one.buf, one.len);
    assert_int_equal(verify(f, f->root.pub, NOW), RC_CRYPTO);
    strbuf_fini(&one);
}

static void
hexify(char out[65], const uint8_t k[32])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02X", k[i]);
}

static void
test_root_choose(void **state)
{
    struct fixture *f = *state;
    uint8_t root[32];
    char hex[65];

    hexify(hex, f->root.pub);
    assert_int_equal(cert_root_choose(NULL, true, root, NULL), RC_OK);
    assert_memory_equal(root, cert_wa_root_key, 32);
    assert_int_equal(cert_root_choose("", true, root, NULL), RC_OK);
    assert_memory_equal(root, cert_wa_root_key, 32);
    assert_int_equal(cert_root_choose(hex, true, root, NULL), RC_OK);
    assert_memory_equal(root, f->root.pub, 32);
    assert_int_equal(cert_root_choose(hex, false, root, NULL), RC_OK); /* release: ignored */
    assert_memory_equal(root, cert_wa_root_key, 32);
    hex[5] = 'g';
    assert_int_equal(cert_root_choose(hex, true, root, NULL), RC_INVAL);
    assert_memory_equal(root, cert_wa_root_key, 32);
    assert_int_equal(cert_root_choose("abcd", true, root, NULL), RC_INVAL);
}

/* The build flavour decides: a test build takes the env root, a release build ignores it. */
static void
test_root_from_environment(void **state)
{
    struct fixture *f = *state;
    struct cert_details di, dl;
    uint8_t root[32];
    char hex[65];

    good(f, &di, &dl);
    build(f, &di, f->root.priv, &dl, f->inter.priv);
    hexify(hex, f->root.pub);
    assert_int_equal(setenv(CERT_ROOT_ENV, hex, 1), 0);
    assert_int_equal(cert_root_key(root, NULL), RC_OK);
#ifdef EMBUDO_TEST_BUILD
    assert_true(cert_root_override_allowed());
    assert_memory_equal(root, f->root.pub, 32);
    assert_int_equal(verify(f, root, NOW), RC_OK);
    assert_int_equal(setenv(CERT_ROOT_ENV, "zz", 1), 0);
    assert_int_equal(cert_root_key(root, NULL), RC_INVAL);
#else
    assert_false(cert_root_override_allowed());
    assert_memory_equal(root, cert_wa_root_key, 32);
    assert_int_equal(verify(f, root, NOW), RC_CRYPTO);
#endif
    assert_int_equal(unsetenv(CERT_ROOT_ENV), 0);
    assert_int_equal(cert_root_key(root, NULL), RC_OK);
    assert_memory_equal(root, cert_wa_root_key, 32);
    assert_int_equal(verify(f, root, NOW), RC_CRYPTO);
}

static void
test_details_roundtrip_and_strictness(void **state)
{
    struct fixture *f = *state;
    struct cert_details d = { 0xffffffffu, 2, f->server.pub, 32, 5, UINT64_MAX }, back;
    struct strbuf sb;

    strbuf_init(&sb);
    cert_details_put(&sb, &d);
    assert_int_equal(cert_details_parse((uint8_t *)sb.buf, sb.len, &back, NULL), RC_OK);
    assert_int_equal(back.serial, 0xffffffffu);
    assert_int_equal(back.issuer_serial, 2);
    assert_int_equal(back.key_len, 32);
    assert_memory_equal(back.key, f->server.pub, 32);
    assert_int_equal(back.not_before, 5);
    assert_true(back.not_after == UINT64_MAX);
    strbuf_reset(&sb);
    strbuf_add(&sb, "\x08\x80\x80\x80\x80\x10", 6); /* serial 2^32 does not fit uint32 */
    assert_int_equal(cert_details_parse((uint8_t *)sb.buf, sb.len, &back, NULL), RC_INVAL);
    strbuf_fini(&sb);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_chain_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signatures_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serials_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validity_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_chains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_choose, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_from_environment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_details_roundtrip_and_strictness, setup, teardown),
    };

    return cmocka_run_group_tests_name("cert", tests, NULL, NULL);
}
