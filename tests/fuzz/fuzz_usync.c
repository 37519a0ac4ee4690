/* libFuzzer harness for the usync reply parser (src/wa/usync.c, guide §7.1, §10): the
 * input is a binary node (src/wa/binnode.c) given to wa_usync_parse. A refusal must leave
 * no users; an accepted reply must hold only parsable JIDs, at most the caps, unique
 * device ids. Seeds in tests/fuzz/corpus/usync/. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"
#include "wa/binnode.h"
#include "wa/jid.h"
#include "wa/usync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct wa_usync_result res;

static void
check(const struct wa_usync_user *u)
{
    char jid[WA_JID_MAX];
    struct wa_jid back;

    if (u->has_jid) {
        wa_jid_format(&u->jid, true, jid);
        assert(wa_jid_parse(jid, &back, NULL) == RC_OK && wa_jid_same_user(&back, &u->jid));
    }
    assert(u->ndevices <= WA_USYNC_DEVICES_MAX);
    for (size_t i = 0; i < u->ndevices; i++)
        for (size_t j = i + 1; j < u->ndevices; j++)
            assert(u->devices[i] != u->devices[j]);
    assert(memchr(u->contact, '\0', sizeof u->contact) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct binnode *n = NULL;

    if (binnode_decode(data, size, &n, NULL) != RC_OK)
        return 0;
    if (wa_usync_parse(n, &res, NULL) == RC_OK) {
        assert(res.nusers <= WA_USYNC_USERS_MAX);
        for (size_t i = 0; i < res.nusers; i++)
            check(&res.users[i]);
    } else {
        assert(res.nusers == 0);
    }
    binnode_free(n);
    return 0;
}
