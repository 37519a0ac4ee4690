/* The release build's root key rule, proven in every build: this file compiles the very
 * source of src/wa/cert.c with EMBUDO_TEST_BUILD undefined (as MODE=release does), so the
 * linker takes these definitions instead of the test-build cert.o from wa.a. With
 * EMBUDO_WA_ROOT_KEY naming a test root, the release code must still choose WhatsApp's
 * root and reject a chain that the test root signed. */
#undef EMBUDO_TEST_BUILD
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "wa/cert.c"

static void
test_release_ignores_env_and_rejects_test_chain(void **state)
{
    struct x25519_keypair root, inter, server;
    struct strbuf chain;
    uint8_t chosen[32];
    char hex[65];

    (void)state;
    x25519_keypair_gen(&root);
    x25519_keypair_gen(&inter);
    x25519_keypair_gen(&server);
    strbuf_init(&chain);
    assert_int_equal(cert_chain_make(&chain, root.priv, inter.priv, 1, server.pub, 100, 200, NULL),
                     RC_OK);
    /* The chain itself is sound: it verifies against the test root when that is given. */
    assert_int_equal(
        cert_verify_chain((uint8_t *)chain.buf, chain.len, server.pub, root.pub, 150, NULL), RC_OK);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", root.pub[i]);
    assert_int_equal(setenv(CERT_ROOT_ENV, hex, 1), 0);
    assert_false(cert_root_override_allowed());
    assert_int_equal(cert_root_key(chosen, NULL), RC_OK);
    assert_memory_equal(chosen, cert_wa_root_key, 32);
    assert_int_equal(
        cert_verify_chain((uint8_t *)chain.buf, chain.len, server.pub, chosen, 150, NULL),
        RC_CRYPTO);
    /* Even a malformed value cannot make the release build fail or fall back oddly. */
    assert_int_equal(setenv(CERT_ROOT_ENV, "not hex", 1), 0);
    assert_int_equal(cert_root_key(chosen, NULL), RC_OK);
    assert_memory_equal(chosen, cert_wa_root_key, 32);
    assert_int_equal(unsetenv(CERT_ROOT_ENV), 0);
    strbuf_fini(&chain);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_release_ignores_env_and_rejects_test_chain),
    };

    return cmocka_run_group_tests_name("cert_release", tests, NULL, NULL);
}
