/*
 * noise — WhatsApp's Noise_XX_25519_AESGCM_SHA256 handshake and transport cipher.
 *
 * DESIGN. A pure state machine: each call takes the peer's message bytes (one frame's
 * payload, without framing) or returns ours in a strbuf; there is no socket, clock or
 * global state, so the client session, the C fake server and the tests drive it alike.
 * The initiator (client) runs hello → read server hello (which verifies the certificate
 * chain against a root key and the decrypted server static) → finish; the responder
 * (the fake server, noise_resp.c) mirrors it. Then noise_hs_split() yields the transport
 * cipher: one AES-256-GCM key and one 32-bit counter per direction, IV = 8 zero bytes and
 * the counter big-endian, no AAD. WhatsApp's departures from textbook Noise are kept on
 * purpose (docs/wa.md "Noise y certificados"): the 32-byte protocol name is h without
 * hashing, one counter n is shared by both directions during the handshake and reset by
 * each mixKey (so the client's static is sealed with n = 1), and the split gives the
 * initiator write = first 32 bytes, read = last 32.
 *
 * Any error fails the state for good (RC_CRYPTO: forged or corrupt; RC_INVAL: malformed
 * or out of order). All key material lives in secure_alloc() memory and is wiped on free;
 * error messages never carry key bytes. One owner per state; any thread.
 */
#ifndef WA_NOISE_H
#define WA_NOISE_H

#include <stddef.h>
#include <stdint.h>

struct err;
struct strbuf;
struct x25519_keypair;

#define NOISE_KEY_BYTES 32
#define NOISE_TAG_BYTES 16

enum noise_role {
    NOISE_INITIATOR, /* the client */
    NOISE_RESPONDER, /* the (fake) server */
};

struct noise_hs;
struct noise_transport;

/* Starts a handshake with our static key pair s (copied) and, for reproducible tests, a
 * fixed ephemeral eph (NULL: a fresh one). The prologue is the 4-byte WA header. Never
 * NULL; free with noise_hs_free(). */
struct noise_hs *noise_hs_new(enum noise_role role, const struct x25519_keypair *s,
                              const struct x25519_keypair *eph);
/* Wipes and frees hs. NULL-safe. */
void noise_hs_free(struct noise_hs *hs);

/* Initiator, step 1: appends the ClientHello HandshakeMessage to out. */
int noise_init_write_hello(struct noise_hs *hs, struct strbuf *out, struct err *e)
    __attribute__((warn_unused_result));

/* Initiator, step 2: processes the ServerHello: ee, decrypts the server static, es,
 * decrypts the certificate chain and verifies it with cert_verify_chain() against root
 * (32 bytes) at unix time now. Returns RC_OK, RC_INVAL (malformed) or RC_CRYPTO
 * (decryption or certificate failure). */
int noise_init_read_server_hello(struct noise_hs *hs, const uint8_t *msg, size_t len,
                                 const uint8_t root[NOISE_KEY_BYTES], int64_t now, struct err *e)
    __attribute__((warn_unused_result));

/* Initiator, step 3: appends the ClientFinish carrying our encrypted static and the
 * encrypted payload (the ClientPayload protobuf). After it, noise_hs_split(). */
int noise_init_write_finish(struct noise_hs *hs, const uint8_t *payload, size_t len,
                            struct strbuf *out, struct err *e) __attribute__((warn_unused_result));

/* Responder, step 1: reads the ClientHello (the frame after the intro header). */
int noise_resp_read_hello(struct noise_hs *hs, const uint8_t *msg, size_t len, struct err *e)
    __attribute__((warn_unused_result));

/* Responder, step 2: appends the ServerHello, with the encoded CertChain as its payload. */
int noise_resp_write_server_hello(struct noise_hs *hs, const uint8_t *cert_chain, size_t certlen,
                                  struct strbuf *out, struct err *e)
    __attribute__((warn_unused_result));

/* Responder, step 3: reads the ClientFinish; appends the decrypted payload to payload_out.
 * The client's static key is then noise_hs_remote_static(). */
int noise_resp_read_finish(struct noise_hs *hs, const uint8_t *msg, size_t len,
                           struct strbuf *payload_out, struct err *e)
    __attribute__((warn_unused_result));

/* The peer's static public key once learned (initiator: after step 2; responder: after
 * step 3), else NULL. A view valid while hs lives. */
const uint8_t *noise_hs_remote_static(const struct noise_hs *hs);

/* After the last handshake message: derives the transport keys (HKDF(ck, "") → 64 bytes)
 * and returns the transport cipher (free with noise_transport_free()). hs may then be
 * freed. Returns NULL and fills e (RC_INVAL) when the handshake is not complete. */
struct noise_transport *noise_hs_split(struct noise_hs *hs, struct err *e);

/* Wipes and frees t. NULL-safe. */
void noise_transport_free(struct noise_transport *t);

/* Encrypts one frame's plaintext, appending ciphertext ‖ tag to out. Returns RC_OK, or
 * RC_CRYPTO when the write counter is exhausted (2^32 frames) or the state has failed. */
int noise_transport_encrypt(struct noise_transport *t, const uint8_t *pt, size_t len,
                            struct strbuf *out, struct err *e) __attribute__((warn_unused_result));

/* Decrypts one received frame with the next read counter, appending the plaintext to out.
 * A forged, corrupted, replayed, reordered or dropped frame fails (RC_CRYPTO) and the
 * transport stays failed: the connection must be closed. */
int noise_transport_decrypt(struct noise_transport *t, const uint8_t *ct, size_t len,
                            struct strbuf *out, struct err *e) __attribute__((warn_unused_result));

#endif
