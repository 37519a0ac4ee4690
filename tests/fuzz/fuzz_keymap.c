/*
 * fuzz_keymap — libFuzzer harness for the teclas.conf parser (ui/vm/keymap.c, keymap_load).
 *
 * Any input must load (RC_OK) or fail with RC_INVAL and "fuzz.conf:N: …" naming a line that
 * exists; afterwards the registry stays usable: every binding has a label and a known
 * context and action, lookups return known actions, and loading the same text twice more
 * does not change the bindings after the first time (a file describes a state); with an odd
 * length it loads as a read-only profile's (an auditor's), where no binding may write.
 * keymap.c is compiled into this harness (the fuzz build links src/ only), with vm.c for
 * the profiles it asks about (vm_profile_read_only).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui/vm/keymap.c"
#include "ui/vm/vm.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
count_lines(const uint8_t *data, size_t size)
{
    size_t n = 1;

    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

static void
check_registry(const struct keymap *km)
{
    for (size_t i = 0; i < km->n; i++) {
        const struct keymap_binding *b = &km->b[i];

        if ((unsigned)b->ctx >= KEYMAP_CTX_COUNT || (unsigned)b->action >= ACTION_COUNT ||
            (b->action != ACTION_NONE && b->label[0] == '\0') || b->desc == NULL)
            abort();
        if (keymap_lookup(km, b->ctx, &b->key) != b->action)
            abort(); /* one binding per (context, key) */
        if (km->read_only && keymap_action_writes(b->action))
            abort(); /* an auditor's keymap binds nothing that writes */
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct keymap *km = keymap_new();
    struct err e;
    size_t n1;
    int rc;

    err_clear(&e);
    if (size % 2 == 1)
        keymap_set_read_only(km); /* an auditor's: the same parse, writing actions left out */
    rc = keymap_load(km, (const char *)data, size, "fuzz.conf", &e);
    if (rc != RC_OK) {
        long line;

        if (rc != RC_INVAL || strncmp(e.msg, "fuzz.conf:", 10) != 0)
            abort();
        line = strtol(e.msg + 10, NULL, 10);
        if (line < 1 || (size_t)line > count_lines(data, size))
            abort();
    }
    check_registry(km);
    (void)keymap_load(km, (const char *)data, size, "fuzz.conf", &e);
    n1 = km->n;
    (void)keymap_load(km, (const char *)data, size, "fuzz.conf", &e);
    if (km->n != n1)
        abort();
    check_registry(km);
    keymap_free(km);
    return 0;
}
