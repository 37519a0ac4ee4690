#include "wa/frame.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

const uint8_t frame_wa_header[FRAME_WA_BYTES] = { 'W', 'A', 6, 3 };

static void
frame_put24(struct strbuf *out, size_t n)
{
    char b[3] = { (char)((n >> 16) & 0xff), (char)((n >> 8) & 0xff), (char)(n & 0xff) };

    strbuf_add(out, b, sizeof b);
}

static size_t
frame_get24(const uint8_t *p)
{
    return (size_t)p[0] << 16 | (size_t)p[1] << 8 | (size_t)p[2];
}

int
frame_intro_put(struct strbuf *out, const uint8_t *routing, size_t routing_len, struct err *e)
{
    static const char ed[] = { 'E', 'D', 0, 1 };

    if (routing_len > FRAME_MAX_BYTES)
        return err_set(e, RC_INVAL, "trama: información de ruteo demasiado larga");
    if (routing_len > 0) {
        strbuf_add(out, ed, sizeof ed);
        frame_put24(out, routing_len);
        strbuf_add(out, routing, routing_len);
    }
    strbuf_add(out, frame_wa_header, sizeof frame_wa_header);
    return RC_OK;
}

int
frame_put(struct strbuf *out, const uint8_t *payload, size_t len, struct err *e)
{
    if (len > FRAME_MAX_BYTES)
        return err_set(e, RC_INVAL, "trama: %zu bytes excede el máximo", len);
    frame_put24(out, len);
    if (len > 0)
        strbuf_add(out, payload, len);
    return RC_OK;
}

void
frame_dec_init(struct frame_dec *d, size_t max_frame, bool expect_intro)
{
    memset(d, 0, sizeof *d);
    d->max_frame = max_frame == 0 || max_frame > FRAME_MAX_BYTES ? FRAME_MAX_BYTES : max_frame;
    d->state = expect_intro ? FRAME_DEC_INTRO : FRAME_DEC_FRAMES;
}

void
frame_dec_fini(struct frame_dec *d)
{
    free(d->buf);
    free(d->routing);
    memset(d, 0, sizeof *d);
}

int
frame_dec_feed(struct frame_dec *d, const uint8_t *data, size_t len, struct err *e)
{
    if (d->state == FRAME_DEC_FAILED)
        return err_set(e, RC_INVAL, "trama: el decodificador ya falló");
    if (d->off > 0) { /* drop what was popped; earlier views die here, as documented */
        memmove(d->buf, d->buf + d->off, d->len - d->off);
        d->len -= d->off;
        d->off = 0;
    }
    if (len == 0)
        return RC_OK;
    if (len > d->cap - d->len) {
        size_t want = d->cap == 0 ? 4096 : d->cap;

        while (want - d->len < len)
            want = want > SIZE_MAX / 2 ? d->len + len : want * 2;
        d->buf = xrealloc(d->buf, want);
        d->cap = want;
    }
    memcpy(d->buf + d->len, data, len);
    d->len += len;
    return RC_OK;
}

static int
frame_dec_fail(struct frame_dec *d, struct err *e, const char *what)
{
    d->state = FRAME_DEC_FAILED;
    return err_set(e, RC_INVAL, "trama: %s", what);
}

/* True when the first min(avail, n) bytes of p match want: bad magic fails early. */
static bool
frame_prefix_ok(const uint8_t *p, size_t avail, const uint8_t *want, size_t n)
{
    return memcmp(p, want, avail < n ? avail : n) == 0;
}

/* Server side: consumes "WA" 06 03, or "ED" 00 01 len24 routing "WA" 06 03, once whole. */
static int
frame_dec_intro(struct frame_dec *d, bool *done, struct err *e)
{
    static const uint8_t ed[] = { 'E', 'D', 0, 1 };
    const uint8_t *p = d->buf + d->off;
    size_t avail = d->len - d->off, skip = 0, rlen = 0;

    *done = false;
    if (avail >= 1 && p[0] == 'E') {
        if (!frame_prefix_ok(p, avail, ed, sizeof ed))
            return frame_dec_fail(d, e, "prefijo ED desconocido");
        if (avail < FRAME_ED_BYTES)
            return RC_OK;
        rlen = frame_get24(p + 4);
        if (rlen == 0 || rlen > d->max_frame)
            return frame_dec_fail(d, e, "longitud de ruteo inválida");
        skip = FRAME_ED_BYTES + rlen;
    }
    if (avail > skip && !frame_prefix_ok(p + skip, avail - skip, frame_wa_header, FRAME_WA_BYTES))
        return frame_dec_fail(d, e, "cabecera de inicio desconocida");
    if (avail < skip + FRAME_WA_BYTES)
        return RC_OK;
    if (rlen > 0) {
        d->routing = xmalloc(rlen);
        memcpy(d->routing, p + FRAME_ED_BYTES, rlen);
        d->routing_len = rlen;
    }
    d->off += skip + FRAME_WA_BYTES;
    d->state = FRAME_DEC_FRAMES;
    *done = true;
    return RC_OK;
}

int
frame_dec_pop(struct frame_dec *d, const uint8_t **frame, size_t *len, struct err *e)
{
    size_t avail, n;
    bool done;
    int rc;

    *frame = NULL;
    *len = 0;
    if (d->state == FRAME_DEC_FAILED)
        return err_set(e, RC_INVAL, "trama: el decodificador ya falló");
    if (d->state == FRAME_DEC_INTRO) {
        if ((rc = frame_dec_intro(d, &done, e)) != RC_OK || !done)
            return rc;
    }
    avail = d->len - d->off;
    if (avail < FRAME_HDR_BYTES)
        return RC_OK;
    n = frame_get24(d->buf + d->off);
    if (n > d->max_frame)
        return frame_dec_fail(d, e, "longitud de trama excede el máximo");
    if (avail - FRAME_HDR_BYTES < n)
        return RC_OK;
    *frame = d->buf + d->off + FRAME_HDR_BYTES;
    *len = n;
    d->off += FRAME_HDR_BYTES + n;
    return RC_OK;
}

const uint8_t *
frame_dec_routing(const struct frame_dec *d, size_t *len)
{
    *len = d->routing_len;
    return d->routing;
}
