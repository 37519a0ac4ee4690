/* libFuzzer harness for the session state machine (src/wa/session.c) under hostile
 * server input. The first byte picks unpaired or paired credentials, whether the Noise
 * handshake finished and (bits 2 and 3 both set: a quarter of the inputs, as PBKDF2 makes
 * the code path slow) whether a pairing code was asked; then records { u16 BE length, time step byte, binnode bytes } are
 * decoded (src/wa/binnode.c) and fed at a growing fake time, with a tick after each. Every
 * queued node must encode, no event may carry an unterminated string, and nothing may
 * crash or leak. Seeds in tests/fuzz/corpus/wa_session/. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/strbuf.h"
#include "wa/binnode.h"
#include "wa/creds.h"
#include "wa/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Drains both queues, checking what the glue would do with them. */
static void
drain(struct wa_session *s)
{
    struct wa_session_event ev;
    struct binnode *n;
    struct strbuf sb;

    strbuf_init(&sb);
    while ((n = wa_session_pop_send(s)) != NULL) {
        assert(binnode_encode(n, &sb, NULL) == 0);
        binnode_free(n);
    }
    strbuf_fini(&sb);
    while (wa_session_pop_event(s, &ev))
        assert(memchr(ev.text, '\0', sizeof ev.text) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wa_session_config cfg;
    struct wa_creds *c;
    struct wa_session *s;
    int64_t now = 1000;
    size_t pos = 1;

    if (size < 1 || (c = wa_creds_generate(NULL)) == NULL)
        return 0;
    if (data[0] & 1) {
        memcpy(c->me_jid, "15550001111:3@s.whatsapp.net", 29);
        memset(c->account, 1, 8);
        c->account_len = 8;
    }
    wa_session_config_default(&cfg);
    s = wa_session_new(c, &cfg, now);
    if (data[0] & 2)
        wa_session_start(s, now);
    if ((data[0] & 0x0c) == 0x0c)
        (void)wa_session_request_code(s, "15550001111", now, NULL);
    while (size - pos >= 3) {
        size_t len = (size_t)data[pos] << 8 | data[pos + 1];
        struct binnode *n;

        now += (int64_t)data[pos + 2] * 1000;
        pos += 3;
        len = len < size - pos ? len : size - pos;
        if (binnode_decode(data + pos, len, &n, NULL) == 0) {
            (void)wa_session_feed(s, n, now, NULL);
            binnode_free(n);
        }
        pos += len;
        (void)wa_session_tick(s, now, NULL);
        drain(s);
    }
    wa_session_abort(s, 428, "fin");
    drain(s);
    wa_session_free(s);
    wa_creds_free(c);
    return 0;
}
