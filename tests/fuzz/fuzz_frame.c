/* libFuzzer harness for the frame decoder (src/wa/frame.c). The first input byte picks
 * the side (client, or server expecting the intro header), a maximum frame size and a
 * chunking seed; the rest is fed as websocket messages of varying sizes. Every popped
 * frame must respect the maximum, and re-encoding the popped frames must reproduce the
 * consumed input byte for byte. Build and run: see docs/wa.md ("Fuzzing"). */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/strbuf.h"
#include "wa/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t maxes[] = { 0, 1, 16, 300, 70000 };
    struct strbuf again;
    struct frame_dec d;
    size_t pos = 1, popped_bytes = 0;
    uint8_t ctl;
    int rc = 0;

    if (size < 1)
        return 0;
    ctl = data[0];
    frame_dec_init(&d, maxes[(ctl >> 1) % 5], (ctl & 1) != 0);
    strbuf_init(&again);
    while (pos < size && rc == 0) {
        size_t chunk = 1 + (size_t)((ctl >> 4) * 3 + pos) % 17, left = size - pos;
        const uint8_t *f;
        size_t len;

        chunk = chunk < left ? chunk : left;
        rc = frame_dec_feed(&d, data + pos, chunk, NULL);
        pos += chunk;
        while (rc == 0 && (rc = frame_dec_pop(&d, &f, &len, NULL)) == 0 && f != NULL) {
            assert(len <= d.max_frame);
            assert(frame_put(&again, f, len, NULL) == 0); /* reads the whole view (ASan) */
            popped_bytes += FRAME_HDR_BYTES + len;
        }
    }
    if ((ctl & 1) == 0 && rc == 0) /* client side: frames are the input, nothing else */
        assert(again.len == popped_bytes && memcmp(again.buf, data + 1, again.len) == 0);
    strbuf_fini(&again);
    frame_dec_fini(&d);
    return 0;
}
