/*
 * fuzz_binnode — libFuzzer harness for the binary node decoder (src/wa/binnode.c).
 *
 * Every input is one received buffer (flags byte, node, maybe zlib). Besides "no crash, no
 * leak, no UB" (ASan/UBSan/LeakSanitizer), it checks two properties of anything accepted:
 * embudo can always encode what it decoded, and decode that again; and one more
 * encode/decode pass changes nothing (the only normalisation, a ":0" device, happens once).
 * Build and run: see docs/wa.md, "Nodos binarios".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "wa/binnode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encodes n into out and returns the decoding of those bytes; aborts on any failure. */
static struct binnode *
pass(const struct binnode *n, struct strbuf *out)
{
    struct binnode *back = NULL;
    struct err e = { 0 };

    if (binnode_encode(n, out, &e) != RC_OK ||
        binnode_decode(out->buf, out->len, &back, &e) != RC_OK)
        abort();
    return back;
}

/* Walks the whole tree through the public accessors. */
static size_t
walk(const struct binnode *n)
{
    size_t len = 0, sum = strlen(binnode_tag(n));

    for (size_t i = 0; i < binnode_nattrs(n); i++) {
        if (binnode_attr(n, binnode_attr_key(n, i)) != binnode_attr_value(n, i))
            abort();
    }
    (void)binnode_content(n, &len);
    (void)binnode_text(n);
    for (size_t i = 0; i < binnode_nchildren(n); i++)
        sum += walk(binnode_child_at(n, i));
    return sum + len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct binnode *t1 = NULL, *t2, *t3, *t4;
    struct strbuf b1, b2, b3;
    struct err e = { 0 };

    if (binnode_decode(data, size, &t1, &e) != RC_OK) {
        if (e.rc != RC_INVAL || t1 != NULL || e.msg[0] == '\0')
            abort();
        return 0;
    }
    (void)walk(t1);
    free(binnode_dump(t1));
    strbuf_init(&b1);
    strbuf_init(&b2);
    strbuf_init(&b3);
    t2 = pass(t1, &b1);
    t3 = pass(t2, &b2);
    t4 = pass(t3, &b3);
    if (b2.len != b3.len || memcmp(b2.buf, b3.buf, b2.len) != 0)
        abort(); /* a second encode/decode pass must be a fixpoint */
    binnode_free(t1);
    binnode_free(t2);
    binnode_free(t3);
    binnode_free(t4);
    strbuf_fini(&b1);
    strbuf_fini(&b2);
    strbuf_fini(&b3);
    return 0;
}
