#include "ui/vm/keymap.h"

#define CH(c)                  \
    {                          \
        KK_CHAR, (uint32_t)(c) \
    }

static const struct keymap_entry keymap_table[] = {
    { KEYMAP_HOME, CH('q'), ACTION_QUIT, "q", "salir", true },
    { KEYMAP_HOME, CH('r'), ACTION_REFRESH, "r", "actualizar", true },
    { KEYMAP_HOME, { KK_FN, 5 }, ACTION_REFRESH, "F5", "actualizar", false },
    { KEYMAP_HOME, CH('?'), ACTION_HELP, "?", "ayuda", true },
    { KEYMAP_HOME, { KK_FN, 1 }, ACTION_HELP, "F1", "ayuda", false },
    { KEYMAP_HELP, { KK_ESC, 0 }, ACTION_CLOSE, "Esc", "cerrar la ayuda", true },
    { KEYMAP_HELP, CH('?'), ACTION_CLOSE, "?", "cerrar la ayuda", false },
    { KEYMAP_HELP, CH('q'), ACTION_QUIT, "q", "salir", true },
};

#define KEYMAP_N (sizeof keymap_table / sizeof keymap_table[0])

enum action
keymap_lookup(enum keymap_ctx ctx, const struct key *k)
{
    for (size_t i = 0; i < KEYMAP_N; i++) {
        const struct keymap_entry *m = &keymap_table[i];

        if (m->ctx == ctx && m->key.kind == k->kind && m->key.ch == k->ch)
            return m->action;
    }
    return ACTION_NONE;
}

size_t
keymap_entries(enum keymap_ctx ctx, const struct keymap_entry **out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < KEYMAP_N; i++) {
        if (keymap_table[i].ctx != ctx)
            continue;
        if (n < max)
            out[n] = &keymap_table[i];
        n++;
    }
    return n;
}
