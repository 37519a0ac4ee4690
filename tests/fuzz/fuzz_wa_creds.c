/* libFuzzer harness for the credentials blob parser (src/wa/creds.c). Any input must be
 * parsed or refused without crash or leak. An accepted blob must dump to a canonical blob
 * that parses again and dumps to the very same bytes (a fixpoint). Seeds in
 * tests/fuzz/corpus/wa_creds/ are real dumps (fresh, paired with pre-keys). Run with
 * `make fuzz` (see docs/wa.md, "Sesión, emparejamiento y credenciales"). */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/secure.h"
#include "wa/creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wa_creds *c = NULL, *again = NULL;
    uint8_t *b1, *b2;
    size_t n1, n2;

    if (wa_creds_parse(data, size, &c, NULL) != 0) {
        assert(c == NULL);
        return 0;
    }
    wa_creds_dump(c, &b1, &n1);
    assert(wa_creds_parse(b1, n1, &again, NULL) == 0);
    wa_creds_dump(again, &b2, &n2);
    assert(n1 == n2 && memcmp(b1, b2, n1) == 0);
    assert(wa_creds_is_paired(c) == wa_creds_is_paired(again));
    secure_free(b1);
    secure_free(b2);
    wa_creds_free(again);
    wa_creds_free(c);
    return 0;
}
