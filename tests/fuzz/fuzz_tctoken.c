/* libFuzzer harness for the privacy token notification parser (src/wa/tctoken.c, guide
 * §7.8): the input is a binary node (src/wa/binnode.c) given to wa_tctoken_parse. A refusal
 * must leave nothing; an accepted note must name user JIDs (a LID for sender_lid), hold at
 * most the cap, every token 1..WA_TCTOKEN_BYTES_MAX bytes with t > 0, and its newest one
 * must have the largest t. Seeds in tests/fuzz/corpus/tctoken/. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"
#include "wa/binnode.h"
#include "wa/jid.h"
#include "wa/tctoken.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct wa_tctoken_note note;

static void
check_jid(const struct wa_jid *j)
{
    char jid[WA_JID_MAX];
    struct wa_jid back;

    assert(j->device == 0);
    wa_jid_format(j, true, jid);
    assert(wa_jid_parse(jid, &back, NULL) == RC_OK && wa_jid_same_user(&back, j));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct binnode *n = NULL;
    const struct wa_tctoken *newest;

    if (binnode_decode(data, size, &n, NULL) != RC_OK)
        return 0;
    if (wa_tctoken_parse(n, &note, NULL) == RC_OK) {
        assert(wa_tctoken_is_note(n));
        check_jid(&note.from);
        if (note.has_sender_lid) {
            check_jid(&note.sender_lid);
            assert(note.sender_lid.lid);
        }
        assert(note.n <= WA_TCTOKENS_MAX);
        newest = wa_tctoken_newest(&note);
        assert((newest == NULL) == (note.n == 0));
        for (size_t i = 0; i < note.n; i++) {
            assert(note.tok[i].len >= 1 && note.tok[i].len <= WA_TCTOKEN_BYTES_MAX);
            assert(note.tok[i].t > 0 && note.tok[i].t <= newest->t);
            (void)wa_tctoken_expired(note.tok[i].t, note.tok[i].t);
        }
    } else {
        assert(note.n == 0 && !note.has_sender_lid);
    }
    binnode_free(n);
    return 0;
}
