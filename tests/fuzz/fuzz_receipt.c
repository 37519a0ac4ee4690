/* libFuzzer harness for what the server says about our messages: receipts (with retry
 * <keys>), acks and pre-key bundle replies (src/wa/receipt.c, src/wa/keybundle.c; guide
 * §7.2, §7.6–§8). The first byte picks the parser, the rest is a binary node. Accepted
 * results must respect the caps and hold NUL-terminated ids; the replies we build from any
 * node must encode. Seeds in tests/fuzz/corpus/receipt/. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "wa/binnode.h"
#include "wa/keybundle.h"
#include "wa/receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct wa_receipt rec;
static struct wa_keybundle_list kb;

static void
encodes(struct binnode *reply)
{
    struct strbuf sb;

    if (reply == NULL)
        return;
    strbuf_init(&sb);
    assert(binnode_encode(reply, &sb, NULL) == RC_OK);
    strbuf_fini(&sb);
    binnode_free(reply);
}

static void
run(uint8_t which, const struct binnode *n)
{
    struct wa_ack ack;

    switch (which % 3) {
    case 0:
        if (wa_receipt_parse(n, &rec, NULL) == RC_OK) {
            assert(rec.nids >= 1 && rec.nids <= WA_RECEIPT_IDS_MAX);
            for (size_t i = 0; i < rec.nids; i++)
                assert(strlen(rec.ids[i]) >= 1 && strlen(rec.ids[i]) <= WA_RECEIPT_ID_MAX);
            assert(rec.kind != WA_RECEIPT_RETRY || rec.retry_count >= 1);
        }
        break;
    case 1:
        if (wa_ack_parse(n, &ack, NULL) == RC_OK)
            assert(ack.error >= 0 && ack.error <= 9999 && ack.id[0] != '\0');
        break;
    default:
        if (wa_keybundle_parse(n, &kb, NULL) == RC_OK)
            assert(kb.n <= WA_KEYBUNDLE_MAX);
        else
            assert(kb.n == 0);
        break;
    }
    encodes(wa_ack_for(n));
    encodes(wa_receipt_for_message(n, "read"));
    encodes(wa_nack_message(n, "15550001111:3@s.whatsapp.net", 487));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct binnode *n = NULL;

    if (size < 1 || binnode_decode(data + 1, size - 1, &n, NULL) != RC_OK)
        return 0;
    run(data[0], n);
    binnode_free(n);
    return 0;
}
