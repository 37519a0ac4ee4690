/* Noise XX as WhatsApp runs it: a full in-memory handshake initiator <-> responder, the
 * ClientHello bytes of the guide, transport frames both ways, and every way to break it
 * (tampered bytes, wrong counters, bad certificates, calls out of order). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/x25519.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "wa/cert.h"
#include "wa/frame.h"
#include "wa/noise.h"

#define NOW 1700000000

struct fixture {
    struct x25519_keypair root, inter, server, client;
    struct strbuf chain;
    struct noise_hs *ini, *resp;
    struct noise_transport *ti, *tr;
    struct strbuf m1, m2, m3, got;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    x25519_keypair_gen(&f->root);
    x25519_keypair_gen(&f->inter);
    x25519_keypair_gen(&f->server);
    x25519_keypair_gen(&f->client);
    strbuf_init(&f->chain);
    strbuf_init(&f->m1);
    strbuf_init(&f->m2);
    strbuf_init(&f->m3);
    strbuf_init(&f->got);
    assert_int_equal(cert_chain_make(&f->chain, f->root.priv, f->inter.priv, 1, f->server.pub,
                                     NOW - 60, NOW + 60, NULL),
                     RC_OK);
    f->ini = noise_hs_new(NOISE_INITIATOR, &f->client, NULL);
    f->resp = noise_hs_new(NOISE_RESPONDER, &f->server, NULL);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    noise_hs_free(f->ini);
    noise_hs_free(f->resp);
    noise_transport_free(f->ti);
    noise_transport_free(f->tr);
    strbuf_fini(&f->chain);
    strbuf_fini(&f->m1);
    strbuf_fini(&f->m2);
    strbuf_fini(&f->m3);
    strbuf_fini(&f->got);
    free(f);
    return 0;
}

#define U8(sb) ((const uint8_t *)(sb).buf)

/* Runs hello and server hello; leaves the ServerHello in m2 unread by the initiator. */
static void
first_two(struct fixture *f)
{
    assert_int_equal(noise_init_write_hello(f->ini, &f->m1, NULL), RC_OK);
    assert_int_equal(noise_resp_read_hello(f->resp, U8(f->m1), f->m1.len, NULL), RC_OK);
    assert_int_equal(
        noise_resp_write_server_hello(f->resp, U8(f->chain), f->chain.len, &f->m2, NULL), RC_OK);
}

static void
full_handshake(struct fixture *f, const char *payload)
{
    first_two(f);
    assert_int_equal(
        noise_init_read_server_hello(f->ini, U8(f->m2), f->m2.len, f->root.pub, NOW, NULL), RC_OK);
    assert_int_equal(
        noise_init_write_finish(f->ini, (const uint8_t *)payload, strlen(payload), &f->m3, NULL),
        RC_OK);
    assert_int_equal(noise_resp_read_finish(f->resp, U8(f->m3), f->m3.len, &f->got, NULL), RC_OK);
    f->ti = noise_hs_split(f->ini, NULL);
    f->tr = noise_hs_split(f->resp, NULL);
    assert_non_null(f->ti);
    assert_non_null(f->tr);
}

/* Known answers from tests/interop/noise_kat.py, an independent Python reference of the
 * guide's §2 (single handshake counter, encStatic with n = 1, split write/read order). */
static const char kat_chain[] =
    "0a730a2f080810071a205dfedd3b6bd47f6fa28ee15d969d5bb0ea53774d488bdaf9df1c6e0124b3ef2220e8"
    "072880d0acf30e1240ab35c42db1f8a887216a05c3c5853bff58ac1b301cb6f9435f2e200d98f64f2a8d827f"
    "86523e6cf5483863da1db7e70d2d32afc83bb29a16b321dda47eed220212730a2f080710001a20ce8d3ad1cc"
    "b633ec7b70c17814a5c76ecd029685050d344745ba05870e587d5920e8072880d0acf30e12400333ca019efc"
    "62fca069e678f7d4e2475366c63274b5d285e91986d4b245cd5d5e609fa0b52824ab2caaa1cb7828c41498c7"
    "78f8c02d6745effa1e46a4096b04";
static const char kat_client_hello[] =
    "12220a2050a61409b1ddd0325e9b16b700e719e9772c07000b1bd7786e907c653d20495d";
static const char kat_server_hello[] =
    "1ad1020a20f5b2d6e60f9477e310c2982daaa6c9136c108a1777c5947e448fa37d681745571230b38522e923"
    "f382e5546a84284470e0a9e9ee9b9d94252033a50e323ea1157297df578ca0a6cae50b66aa6ea851a3ea1f1a"
    "fa01a81f15076f5eec71185837fb7967c3e4dd2471a022d15fef75f6e59a26e9da49aa29e5129354221a6056"
    "1f32cfba74d69c76640550dac56ddbaec66173ffac93ea503c934f357f259e2fc97889426c26408c51625b04"
    "10fa308f17fffeff955e9253172ee6d96db3bbccfd9f3faf2278bcb20ebeca281f2879304442b3da29e592ab"
    "1027b94e59ec71ae9035d9e7037bae717c07332e3232a9df66930ffc47558b21dc54ab28fb53493cc0c6d1fc"
    "62353ac4d847d7b5bdb1ebf5cb730a5c0277284d3f4a3058310045172d4109aa015da95f6b05ebefd847d366"
    "51eefabd1111c033c9507b6c7d28aaa73d91478fdb4769ccd070f477a79f8c48";
static const char kat_client_finish[] =
    "22520a307fd7c8843353cdd8b4bf043b9af747e17c308b5c9d3645582104b258f9e089f6037460dd5273e6b5"
    "81fa3c30afe6ced8121ee1a8abcf17db472bbe424607556b8c9476384746dcb6c2d4744b090f23d5";
static const char kat_ping[] = "c6ef12b3c0f7879da26b11dc89d6110a429303f7";
static const char kat_pong[] = "03e74ce2f5dd58daf49ededb56b4c9a6b9b5d4f7";

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
assert_sb_hex(const struct strbuf *sb, const char *hex)
{
    uint8_t want[512];
    size_t n = unhex(want, sizeof want, hex);

    assert_int_equal(sb->len, n);
    assert_memory_equal(sb->buf, want, n);
}

static void
kat_key(struct x25519_keypair *kp, uint8_t byte)
{
    uint8_t priv[32];

    memset(priv, byte, sizeof priv);
    assert_int_equal(x25519_keypair_from_priv(kp, priv, NULL), RC_OK);
}

static void
test_known_answers(void **state)
{
    struct fixture *f = *state;
    struct x25519_keypair cs, ce, ss, se, root;
    uint8_t chain[512];
    size_t chainlen = unhex(chain, sizeof chain, kat_chain);
    struct strbuf fr;

    kat_key(&cs, 4);
    kat_key(&ce, 5);
    kat_key(&ss, 3);
    kat_key(&se, 6);
    kat_key(&root, 1);
    noise_hs_free(f->ini);
    noise_hs_free(f->resp);
    f->ini = noise_hs_new(NOISE_INITIATOR, &cs, &ce);
    f->resp = noise_hs_new(NOISE_RESPONDER, &ss, &se);
    assert_int_equal(noise_init_write_hello(f->ini, &f->m1, NULL), RC_OK);
    assert_sb_hex(&f->m1, kat_client_hello);
    assert_int_equal(noise_resp_read_hello(f->resp, U8(f->m1), f->m1.len, NULL), RC_OK);
    assert_int_equal(noise_resp_write_server_hello(f->resp, chain, chainlen, &f->m2, NULL), RC_OK);
    assert_sb_hex(&f->m2, kat_server_hello);
    assert_int_equal(
        noise_init_read_server_hello(f->ini, U8(f->m2), f->m2.len, root.pub, 2000000000, NULL),
        RC_OK);
    assert_int_equal(
        noise_init_write_finish(f->ini, (const uint8_t *)"client payload", 14, &f->m3, NULL),
        RC_OK);
    assert_sb_hex(&f->m3, kat_client_finish);
    assert_int_equal(noise_resp_read_finish(f->resp, U8(f->m3), f->m3.len, &f->got, NULL), RC_OK);
    f->ti = noise_hs_split(f->ini, NULL);
    f->tr = noise_hs_split(f->resp, NULL);
    strbuf_init(&fr);
    assert_int_equal(noise_transport_encrypt(f->ti, (const uint8_t *)"ping", 4, &fr, NULL), RC_OK);
    assert_sb_hex(&fr, kat_ping);
    strbuf_reset(&fr);
    assert_int_equal(noise_transport_encrypt(f->tr, (const uint8_t *)"pong", 4, &fr, NULL), RC_OK);
    assert_sb_hex(&fr, kat_pong);
    strbuf_fini(&fr);
}

static void
test_client_hello_bytes(void **state)
{
    struct fixture *f = *state;
    struct x25519_keypair eph;
    struct noise_hs *hs;
    struct strbuf wire;
    uint8_t want[11 + 32] = { 0x57, 0x41, 0x06, 0x03, 0x00, 0x00, 0x24, 0x12, 0x22, 0x0a, 0x20 };

    memset(&eph, 0, sizeof eph);
    memset(eph.pub, 0x11, sizeof eph.pub); /* the guide's Appendix A vector */
    memset(want + 11, 0x11, 32);
    hs = noise_hs_new(NOISE_INITIATOR, &f->client, &eph);
    strbuf_init(&wire);
    assert_int_equal(noise_init_write_hello(hs, &f->m1, NULL), RC_OK);
    assert_int_equal(frame_intro_put(&wire, NULL, 0, NULL), RC_OK);
    assert_int_equal(frame_put(&wire, U8(f->m1), f->m1.len, NULL), RC_OK);
    assert_int_equal(wire.len, sizeof want);
    assert_memory_equal(wire.buf, want, sizeof want);
    strbuf_fini(&wire);
    noise_hs_free(hs);
}

static void
test_full_handshake_and_transport(void **state)
{
    struct fixture *f = *state;
    struct strbuf a, b;

    full_handshake(f, "client payload");
    assert_int_equal(f->got.len, 14);
    assert_memory_equal(f->got.buf, "client payload", 14);
    assert_memory_equal(noise_hs_remote_static(f->ini), f->server.pub, 32);
    assert_memory_equal(noise_hs_remote_static(f->resp), f->client.pub, 32);
    strbuf_init(&a);
    strbuf_init(&b);
    for (int i = 0; i < 5; i++) { /* both directions, interleaved; counters independent */
        char msg[32];
        int n = snprintf(msg, sizeof msg, "frame %d", i);

        strbuf_reset(&a);
        strbuf_reset(&b);
        assert_int_equal(noise_transport_encrypt(f->ti, (uint8_t *)msg, (size_t)n, &a, NULL),
                         RC_OK);
        assert_int_equal(a.len, (size_t)n + NOISE_TAG_BYTES);
        assert_int_equal(noise_transport_decrypt(f->tr, U8(a), a.len, &b, NULL), RC_OK);
        assert_int_equal(b.len, (size_t)n);
        assert_memory_equal(b.buf, msg, (size_t)n);
        strbuf_reset(&a);
        strbuf_reset(&b);
        assert_int_equal(noise_transport_encrypt(f->tr, NULL, 0, &a, NULL), RC_OK);
        assert_int_equal(noise_transport_decrypt(f->ti, U8(a), a.len, &b, NULL), RC_OK);
        assert_int_equal(b.len, 0);
    }
    strbuf_fini(&a);
    strbuf_fini(&b);
}

static void
test_transport_rejects_tampering(void **state)
{
    struct fixture *f = *state;
    struct strbuf a, b;
    struct err e;

    full_handshake(f, "p");
    strbuf_init(&a);
    strbuf_init(&b);
    assert_int_equal(noise_transport_encrypt(f->ti, (const uint8_t *)"hello", 5, &a, NULL), RC_OK);
    a.buf[2] ^= 0x20;
    assert_int_equal(noise_transport_decrypt(f->tr, U8(a), a.len, &b, &e), RC_CRYPTO);
    assert_int_equal(b.len, 0); /* nothing unauthenticated is handed out */
    a.buf[2] ^= 0x20;           /* the genuine frame is now refused too: the state is dead */
    assert_int_equal(noise_transport_decrypt(f->tr, U8(a), a.len, &b, NULL), RC_CRYPTO);
    strbuf_fini(&a);
    strbuf_fini(&b);
}

static void
test_transport_rejects_wrong_counter(void **state)
{
    struct fixture *f = *state;
    struct strbuf c0, c1, out;

    full_handshake(f, "p");
    strbuf_init(&c0);
    strbuf_init(&c1);
    strbuf_init(&out);
    assert_int_equal(noise_transport_encrypt(f->ti, (const uint8_t *)"zero", 4, &c0, NULL), RC_OK);
    assert_int_equal(noise_transport_encrypt(f->ti, (const uint8_t *)"one!", 4, &c1, NULL), RC_OK);
    /* Reordered: frame 1 arrives where counter 0 is expected. */
    assert_int_equal(noise_transport_decrypt(f->tr, U8(c1), c1.len, &out, NULL), RC_CRYPTO);
    noise_transport_free(f->tr);
    f->tr = NULL;
    strbuf_fini(&c0);
    strbuf_fini(&c1);
    strbuf_fini(&out);
}

static void
test_transport_rejects_replay_and_reflection(void **state)
{
    struct fixture *f = *state;
    struct strbuf c0, out;

    full_handshake(f, "p");
    strbuf_init(&c0);
    strbuf_init(&out);
    assert_int_equal(noise_transport_encrypt(f->ti, (const uint8_t *)"zero", 4, &c0, NULL), RC_OK);
    /* Reflected back to its sender: the read key differs from the write key. */
    assert_int_equal(noise_transport_decrypt(f->ti, U8(c0), c0.len, &out, NULL), RC_CRYPTO);
    assert_int_equal(noise_transport_decrypt(f->tr, U8(c0), c0.len, &out, NULL), RC_OK);
    /* Replayed: counter 1 is expected now. */
    assert_int_equal(noise_transport_decrypt(f->tr, U8(c0), c0.len, &out, NULL), RC_CRYPTO);
    assert_int_equal(noise_transport_decrypt(f->tr, U8(c0), 3, &out, NULL), RC_CRYPTO);
    strbuf_fini(&c0);
    strbuf_fini(&out);
}

/* Flips one byte of the ServerHello at offset off (SIZE_MAX: its last byte); the
 * initiator must refuse it. */
static void
tampered_server_hello(void **state, size_t off, int want)
{
    struct fixture *f = *state;

    first_two(f);
    if (off == SIZE_MAX)
        off = f->m2.len - 1;
    assert_true(off < f->m2.len);
    f->m2.buf[off] ^= 0x01;
    assert_int_equal(
        noise_init_read_server_hello(f->ini, U8(f->m2), f->m2.len, f->root.pub, NOW, NULL), want);
    /* and the state stays failed */
    assert_int_equal(noise_init_write_finish(f->ini, (const uint8_t *)"x", 1, &f->m3, NULL),
                     RC_INVAL);
    assert_null(noise_hs_split(f->ini, NULL));
}

static void
test_tampered_server_ephemeral(void **state)
{
    tampered_server_hello(state, 10, RC_CRYPTO); /* inside ephemeral: wrong keys, tag fails */
}

static void
test_tampered_server_static(void **state)
{
    tampered_server_hello(state, 4 + 34 + 2 + 5, RC_CRYPTO);
}

static void
test_tampered_certificate(void **state)
{
    tampered_server_hello(state, SIZE_MAX, RC_CRYPTO);
}

static void
test_truncated_server_hello(void **state)
{
    struct fixture *f = *state;

    first_two(f);
    assert_int_equal(
        noise_init_read_server_hello(f->ini, U8(f->m2), f->m2.len - 1, f->root.pub, NOW, NULL),
        RC_INVAL);
}

static void
test_certificate_failures_abort_handshake(void **state)
{
    struct fixture *f = *state;
    struct x25519_keypair other;
    struct noise_hs *ini2;
    struct err e;

    first_two(f);
    /* wrong root (e.g. a release build meeting the fake server's chain) */
    assert_int_equal(
        noise_init_read_server_hello(f->ini, U8(f->m2), f->m2.len, cert_wa_root_key, NOW, &e),
        RC_CRYPTO);
    /* expired */
    ini2 = noise_hs_new(NOISE_INITIATOR, &f->client, NULL);
    noise_hs_free(f->resp);
    f->resp = noise_hs_new(NOISE_RESPONDER, &f->server, NULL);
    strbuf_reset(&f->m1);
    strbuf_reset(&f->m2);
    f->ini = (noise_hs_free(f->ini), ini2);
    first_two(f);
    assert_int_equal(
        noise_init_read_server_hello(f->ini, U8(f->m2), f->m2.len, f->root.pub, NOW + 61, NULL),
        RC_CRYPTO);
    /* a genuine chain for another server key: the leaf must equal the server static */
    x25519_keypair_gen(&other);
    strbuf_reset(&f->chain);
    assert_int_equal(cert_chain_make(&f->chain, f->root.priv, f->inter.priv, 1, other.pub, NOW - 1,
                                     NOW + 1, NULL),
                     RC_OK);
    noise_hs_free(f->ini);
    noise_hs_free(f->resp);
    f->ini = noise_hs_new(NOISE_INITIATOR, &f->client, NULL);
    f->resp = noise_hs_new(NOISE_RESPONDER, &f->server, NULL);
    strbuf_reset(&f->m1);
    strbuf_reset(&f->m2);
    first_two(f);
    assert_int_equal(
        noise_init_read_server_hello(f->ini, U8(f->m2), f->m2.len, f->root.pub, NOW, NULL),
        RC_CRYPTO);
}

static void
test_tampered_client_finish(void **state)
{
    struct fixture *f = *state;

    first_two(f);
    assert_int_equal(
        noise_init_read_server_hello(f->ini, U8(f->m2), f->m2.len, f->root.pub, NOW, NULL), RC_OK);
    assert_int_equal(noise_init_write_finish(f->ini, (const uint8_t *)"payload", 7, &f->m3, NULL),
                     RC_OK);
    f->m3.buf[f->m3.len - 3] ^= 0x40;
    assert_int_equal(noise_resp_read_finish(f->resp, U8(f->m3), f->m3.len, &f->got, NULL),
                     RC_CRYPTO);
    assert_int_equal(f->got.len, 0);
    assert_null(noise_hs_split(f->resp, NULL));
}

static void
test_out_of_order_calls(void **state)
{
    struct fixture *f = *state;
    struct err e;

    assert_null(noise_hs_split(f->ini, &e));
    assert_int_equal(e.rc, RC_INVAL);
    assert_int_equal(noise_init_write_finish(f->ini, (const uint8_t *)"x", 1, &f->m3, NULL),
                     RC_INVAL);
    assert_int_equal(noise_init_write_hello(f->ini, &f->m1, NULL), RC_INVAL);  /* failed for good */
    assert_int_equal(noise_init_write_hello(f->resp, &f->m1, NULL), RC_INVAL); /* wrong role */
    assert_int_equal(f->m1.len, 0);
    assert_null(noise_hs_remote_static(f->ini));
}

static void
test_responder_rejects_bad_hello(void **state)
{
    struct fixture *f = *state;

    strbuf_add(&f->m1, "\x12\x21\x0a\x1f", 4); /* ephemeral of 31 bytes */
    for (int i = 0; i < 31; i++)
        strbuf_addch(&f->m1, 'k');
    assert_int_equal(noise_resp_read_hello(f->resp, U8(f->m1), f->m1.len, NULL), RC_INVAL);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_known_answers),
        T(test_client_hello_bytes),
        T(test_full_handshake_and_transport),
        T(test_transport_rejects_tampering),
        T(test_transport_rejects_wrong_counter),
        T(test_transport_rejects_replay_and_reflection),
        T(test_tampered_server_ephemeral),
        T(test_tampered_server_static),
        T(test_tampered_certificate),
        T(test_truncated_server_hello),
        T(test_certificate_failures_abort_handshake),
        T(test_tampered_client_finish),
        T(test_out_of_order_calls),
        T(test_responder_rejects_bad_hello),
    };
#undef T

    return cmocka_run_group_tests_name("noise", tests, NULL, NULL);
}
