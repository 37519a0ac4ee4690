/*
 * fuzz_wa_message — libFuzzer harness for what a peer's decrypted plaintext goes through
 * (src/wa/wamsg.c): the padding check, then the Message decoder (deviceSentMessage
 * unwrapped one level). Besides "no crash, no leak, no UB", it checks properties of what is
 * accepted: an unpadded length is shorter than the input and the pad bytes all equal the
 * last byte; a decoded text re-encodes and decodes to the same text and secret; a decoded
 * Message that is not a wrapper wraps (deviceSentMessage) and unwraps back to the same.
 * Build and run: `make fuzz` (corpus tests/fuzz/corpus/wa_message/).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "wa/wamsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The text and secret of a and b agree. */
static bool
same(const struct wamsg *a, const struct wamsg *b)
{
    if ((a->text == NULL) != (b->text == NULL) || a->has_secret != b->has_secret)
        return false;
    if (a->text != NULL && strcmp(a->text, b->text) != 0)
        return false;
    return !a->has_secret || memcmp(a->secret, b->secret, WAMSG_SECRET_BYTES) == 0;
}

/* Re-encodes m's text and checks the decoding gives it back. */
static void
reencode(const struct wamsg *m)
{
    struct strbuf sb;
    struct wamsg back;
    const uint8_t *secret = m->has_secret ? m->secret : NULL;

    if (m->text == NULL || m->text[0] == '\0' || (m->extended && secret == NULL))
        return;
    strbuf_init(&sb);
    if (wamsg_encode_text(m->text, m->extended, secret, &sb, NULL) != RC_OK ||
        wamsg_decode((const uint8_t *)sb.buf, sb.len, &back, NULL) != RC_OK ||
        strcmp(back.text, m->text) != 0 || back.extended != m->extended)
        abort();
    wamsg_fini(&back);
    strbuf_fini(&sb);
}

/* Wraps an accepted non-wrapper Message for our other devices and unwraps it again. */
static void
rewrap(const uint8_t *data, size_t size, const struct wamsg *m)
{
    struct strbuf sb;
    struct wamsg back;

    if (m->device_sent)
        return;
    strbuf_init(&sb);
    if (wamsg_wrap_device_sent(data, size, "5215512345678@s.whatsapp.net", &sb, NULL) != RC_OK ||
        wamsg_decode((const uint8_t *)sb.buf, sb.len, &back, NULL) != RC_OK || !back.device_sent ||
        strcmp(back.dest_jid, "5215512345678@s.whatsapp.net") != 0 || !same(m, &back))
        abort();
    wamsg_fini(&back);
    strbuf_fini(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wamsg m;
    size_t n = 0;

    if (wamsg_unpad(data, size, &n, NULL) == RC_OK) {
        if (n >= size || n == 0)
            abort();
        for (size_t i = n; i < size; i++)
            if (data[i] != data[size - 1] || data[i] != size - n)
                abort();
        if (wamsg_decode(data, n, &m, NULL) == RC_OK) {
            reencode(&m);
            rewrap(data, n, &m);
        }
        wamsg_fini(&m);
    }
    if (wamsg_decode(data, size, &m, NULL) == RC_OK)
        reencode(&m);
    wamsg_fini(&m);
    return 0;
}
