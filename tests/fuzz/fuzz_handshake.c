/* libFuzzer harness for the Noise handshake message parsers: the initiator reading a
 * ServerHello (src/wa/noise.c), the HandshakeMessage parser itself, the certificate chain
 * and Details parsers behind it (src/wa/cert.c), and the responder reading a ClientHello.
 * Keys are fixed so runs are reproducible. Build and run: see docs/wa.md ("Fuzzing"). */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/x25519.h"
#include "util/strbuf.h"
#include "wa/cert.h"
#include "wa/noise.h"
#include "wa/noise_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_key(struct x25519_keypair *kp, uint8_t byte)
{
    uint8_t priv[32];

    memset(priv, byte, sizeof priv);
    if (x25519_keypair_from_priv(kp, priv, NULL) != 0)
        __builtin_trap();
}

/* The initiator after its ClientHello, fed the input as the ServerHello. */
static void
fuzz_server_hello(const uint8_t *data, size_t size, const struct x25519_keypair *cs,
                  const struct x25519_keypair *ce, const struct x25519_keypair *root)
{
    struct noise_hs *hs = noise_hs_new(NOISE_INITIATOR, cs, ce);
    struct strbuf out;

    strbuf_init(&out);
    if (noise_init_write_hello(hs, &out, NULL) != 0)
        __builtin_trap();
    if (noise_init_read_server_hello(hs, data, size, root->pub, 2000000000, NULL) == 0)
        assert(noise_hs_remote_static(hs) != NULL);
    strbuf_fini(&out);
    noise_hs_free(hs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct x25519_keypair cs, ce, ss, root; /* fuzzer thread only */
    static int ready;
    struct noise_parts parts;
    struct cert_details det;
    struct noise_hs *resp;

    if (!ready) {
        fuzz_key(&cs, 4);
        fuzz_key(&ce, 5);
        fuzz_key(&ss, 3);
        fuzz_key(&root, 1);
        ready = 1;
    }
    fuzz_server_hello(data, size, &cs, &ce, &root);
    for (int w = NOISE_MSG_CLIENT_HELLO; w <= NOISE_MSG_CLIENT_FINISH; w++) {
        if (noise_msg_parse(data, size, (enum noise_msg_field)w, &parts, NULL) == 0)
            for (int i = 1; i < NOISE_PARTS; i++)
                assert(parts.f[i] == NULL ||
                       (parts.f[i] >= data && parts.f[i] + parts.len[i] <= data + size));
    }
    (void)cert_verify_chain(data, size, ss.pub, root.pub, 2000000000, NULL);
    if (cert_details_parse(data, size, &det, NULL) == 0)
        assert(det.key == NULL || det.key + det.key_len <= data + size);
    resp = noise_hs_new(NOISE_RESPONDER, &ss, &ce);
    (void)noise_resp_read_hello(resp, data, size, NULL);
    noise_hs_free(resp);
    return 0;
}
