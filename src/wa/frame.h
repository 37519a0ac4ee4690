/*
 * frame — WhatsApp Web's framing under the websocket: the intro header and 3-byte lengths.
 *
 * The client's first frame is preceded by the intro header ("WA" 06 03, or the "ED"
 * routing prefix then "WA" 06 03 when routing info is stored); every frame is a 24-bit
 * big-endian length then that many bytes. The decoder takes websocket messages as they
 * come (a message may hold several frames or part of one) and pops whole frames. Server
 * bytes are hostile: lengths above the configured maximum fail the decoder for good.
 * Pure (no I/O); one owner, any thread.
 */
#ifndef WA_FRAME_H
#define WA_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct strbuf;

#define FRAME_HDR_BYTES 3
#define FRAME_MAX_BYTES 0xffffffu /* what 3 length bytes can say: 16 MiB - 1 */
#define FRAME_WA_BYTES  4         /* "WA", 6, DICT_VERSION 3; also the Noise prologue */
/* The ED routing prefix: "ED", 0, 1, then a 24-bit length. */
#define FRAME_ED_BYTES 7

/* The 4-byte "WA" 06 03 header (the Noise prologue). */
extern const uint8_t frame_wa_header[FRAME_WA_BYTES];

/* Appends the intro header to out: the ED prefix and routing bytes when routing_len > 0,
 * then the WA header. Returns RC_OK, or RC_INVAL when routing_len exceeds FRAME_MAX_BYTES. */
int frame_intro_put(struct strbuf *out, const uint8_t *routing, size_t routing_len, struct err *e)
    __attribute__((warn_unused_result));

/* Appends one frame (length then payload) to out. Returns RC_OK or RC_INVAL (too long). */
int frame_put(struct strbuf *out, const uint8_t *payload, size_t len, struct err *e)
    __attribute__((warn_unused_result));

enum frame_dec_state {
    FRAME_DEC_INTRO,  /* server side: the client's intro header comes first */
    FRAME_DEC_FRAMES, /* length-prefixed frames */
    FRAME_DEC_FAILED, /* a protocol violation was seen; sticky */
};

/* Embedded by its owner; fields are private. */
struct frame_dec {
    uint8_t *buf;
    size_t len; /* bytes held */
    size_t off; /* first byte not yet popped */
    size_t cap;
    size_t max_frame;
    enum frame_dec_state state;
    uint8_t *routing; /* server side: routing bytes of an ED prefix, owned */
    size_t routing_len;
};

/* Initialises d. max_frame (1..FRAME_MAX_BYTES; 0 means FRAME_MAX_BYTES) bounds a frame's
 * length and the routing info. expect_intro: true on the server side, which first reads
 * the client's intro header. Release with frame_dec_fini(). */
void frame_dec_init(struct frame_dec *d, size_t max_frame, bool expect_intro);
void frame_dec_fini(struct frame_dec *d);

/* Appends one websocket message's bytes (copied). Pop every frame after each feed: views
 * from frame_dec_pop() stay valid only until the next feed. Returns RC_OK, or RC_INVAL
 * when the decoder has failed. */
int frame_dec_feed(struct frame_dec *d, const uint8_t *data, size_t len, struct err *e)
    __attribute__((warn_unused_result));

/* Pops the next whole frame: RC_OK with *frame pointing at its *len bytes (a view, valid
 * until the next feed), RC_OK with *frame NULL when more bytes are needed, or RC_INVAL
 * (an oversized length, a bad intro header) after which the decoder stays failed. */
int frame_dec_pop(struct frame_dec *d, const uint8_t **frame, size_t *len, struct err *e)
    __attribute__((warn_unused_result));

/* Server side: the routing bytes of the client's ED prefix (NULL, 0 when none). A view. */
const uint8_t *frame_dec_routing(const struct frame_dec *d, size_t *len);

#endif
