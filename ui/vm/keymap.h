/*
 * keymap — the one registry of keys: (context, key) → action, plus the labels the hint
 * bar and the help overlay show, so what is drawn is always what is bound.
 *
 * struct key is plain data: ui/term fills it from wgetch (this header has no curses),
 * tests build it by hand. Pure; the table is read-only, any thread.
 */
#ifndef VM_KEYMAP_H
#define VM_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kinds of key press. Not KEY_*: ncurses owns those names. */
enum key_kind {
    KK_NONE, /* nothing read */
    KK_CHAR, /* a printable character: ch holds its code point */
    KK_CTRL, /* Ctrl + letter: ch holds the lower-case letter */
    KK_ENTER,
    KK_ESC,
    KK_TAB,
    KK_BACKSPACE,
    KK_UP,
    KK_DOWN,
    KK_LEFT,
    KK_RIGHT,
    KK_PGUP,
    KK_PGDN,
    KK_HOME,
    KK_END,
    KK_FN,     /* function key: ch holds its number (F1 = 1) */
    KK_RESIZE, /* the terminal changed size */
    KK_OTHER,  /* anything else */
};

struct key {
    enum key_kind kind;
    uint32_t ch;
};

/* What a key does; the controller applies it. */
enum action {
    ACTION_NONE,
    ACTION_QUIT,
    ACTION_REFRESH,
    ACTION_HELP,  /* open or close the help overlay */
    ACTION_CLOSE, /* close the overlay (Esc) */
};

/* Where the key was pressed; each pane of issue 4 adds its own. */
enum keymap_ctx {
    KEYMAP_HOME,
    KEYMAP_HELP, /* the help overlay is open */
};

struct keymap_entry {
    enum keymap_ctx ctx;
    struct key key;
    enum action action;
    const char *label; /* how the key is written: "q", "Esc", "F1" */
    const char *desc;  /* Spanish: "salir" */
    bool hint;         /* shown in the hint bar */
};

/* The action bound to k in ctx, or ACTION_NONE. */
enum action keymap_lookup(enum keymap_ctx ctx, const struct key *k);

/*
 * The entries of ctx in display order, in out (up to max); returns how many there are
 * (which may exceed max). The entries are borrowed from the static table.
 */
size_t keymap_entries(enum keymap_ctx ctx, const struct keymap_entry **out, size_t max);

#endif
