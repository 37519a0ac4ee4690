/*
 * noise_int — internals shared by noise.c (initiator, transport) and noise_resp.c
 * (responder). Only those two files and the tests/fuzzers include this header.
 */
#ifndef WA_NOISE_INT_H
#define WA_NOISE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/x25519.h"
#include "wa/noise.h"

struct err;
struct strbuf;

/* HandshakeMessage field numbers and the largest inner field we read. */
enum noise_msg_field {
    NOISE_MSG_CLIENT_HELLO = 2,
    NOISE_MSG_SERVER_HELLO = 3,
    NOISE_MSG_CLIENT_FINISH = 4,
};
#define NOISE_PARTS 4 /* inner fields 1..3 are used */

/* Views of the bytes fields 1..3 of one HandshakeMessage sub-message (NULL when absent). */
struct noise_parts {
    const uint8_t *f[NOISE_PARTS];
    size_t len[NOISE_PARTS];
};

enum noise_hs_state {
    NOISE_HS_START,
    NOISE_HS_HELLO,  /* initiator sent / responder read the ClientHello */
    NOISE_HS_SERVER, /* initiator read / responder sent the ServerHello */
    NOISE_HS_DONE,   /* ClientFinish sent / read: ready to split */
    NOISE_HS_FAILED,
};

struct noise_hs {
    enum noise_role role;
    enum noise_hs_state state;
    uint8_t h[NOISE_KEY_BYTES];
    uint8_t ck[NOISE_KEY_BYTES];
    uint8_t k[NOISE_KEY_BYTES];
    uint32_t n;
    struct x25519_keypair s;
    struct x25519_keypair e;
    uint8_t re[NOISE_KEY_BYTES];
    uint8_t rs[NOISE_KEY_BYTES];
    bool have_rs;
};

/* Parses a HandshakeMessage, keeping the bytes fields 1..3 of sub-message `which`
 * (protobuf merge: repeated occurrences merge, the last value of a field wins). Unknown
 * fields are skipped. Returns RC_OK, or RC_INVAL when malformed or `which` is absent. */
int noise_msg_parse(const uint8_t *msg, size_t len, enum noise_msg_field which,
                    struct noise_parts *parts, struct err *e) __attribute__((warn_unused_result));

/* h = SHA-256(h ‖ data). */
void noise_mix_hash(struct noise_hs *hs, const uint8_t *data, size_t len);
/* DH(priv, pub), then ck, k = HKDF(ck, dh); n = 0. */
int noise_mix_dh(struct noise_hs *hs, const uint8_t *priv, const uint8_t *pub, struct err *e)
    __attribute__((warn_unused_result));
/* Seals pt with k, IV(n), AAD h into out (len + 16 bytes), n++, mixes the ciphertext in. */
int noise_seal(struct noise_hs *hs, const uint8_t *pt, size_t len, uint8_t *out, struct err *e)
    __attribute__((warn_unused_result));
/* Opens ct (len >= 16) into out (len - 16 bytes), n++, mixes the ciphertext in. */
int noise_open(struct noise_hs *hs, const uint8_t *ct, size_t len, uint8_t *out, struct err *e)
    __attribute__((warn_unused_result));
/* Marks hs failed and returns rc (for `return noise_fail(hs, err_set(...))`). */
int noise_fail(struct noise_hs *hs, int rc);
/* Refuses a call made in the wrong role or state (RC_INVAL, failing hs). */
int noise_expect(struct noise_hs *hs, enum noise_role role, enum noise_hs_state state,
                 struct err *e) __attribute__((warn_unused_result));

#endif
