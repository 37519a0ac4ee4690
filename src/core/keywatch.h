/*
 * keywatch — when a long-running process looks at its key file again.
 *
 * `embudo worker` opens every account's WhatsApp credentials with one file, wa.key_file. When
 * that file is missing (or there but unusable: permissions, owner, length) every web sender
 * fails the same way, and trying again each round (once a minute) fails again and says so
 * again, forever. Instead the worker remembers what lstat() said about the file when it last
 * checked it, and checks again only when that changed: it now exists, was replaced, rewritten
 * or chmod'ed. A good check is remembered too, so an unchanged good file is not reopened.
 *
 * Pure: the caller does lstat() and the check itself and hands in the results. Loop thread of
 * its owner; no allocation.
 */
#ifndef CORE_KEYWATCH_H
#define CORE_KEYWATCH_H

#include <stdbool.h>

/* What lstat() said about the file: enough to tell that it changed. */
struct keywatch_stat {
    int err; /* 0 when lstat() succeeded, else its errno (ENOENT: there is no file) */
    unsigned long long dev, ino, size;
    unsigned mode, uid;
    long long mtime_ns, ctime_ns;
};

struct keywatch {
    bool checked;            /* a check has been recorded */
    bool ok;                 /* what it found */
    struct keywatch_stat at; /* the file as it was then */
};

/* What to do with the file this round. */
enum keywatch_step {
    KEYWATCH_USE,   /* found good and unchanged since: go on without checking */
    KEYWATCH_WAIT,  /* found bad and unchanged since: do nothing, say nothing */
    KEYWATCH_CHECK, /* never checked, or it changed: check it, then keywatch_record */
};

/* What to tell the person after a check. */
enum keywatch_say {
    KEYWATCH_SAY_NOTHING, /* good, as it was */
    KEYWATCH_SAY_BAD,     /* bad: say why and how to fix it (once per change of the file) */
    KEYWATCH_SAY_GOOD,    /* good after being bad: say that it is tried again */
};

/* Zeroed: nothing checked yet. */
void keywatch_init(struct keywatch *kw);

/* The step for the file as lstat() sees it now. */
enum keywatch_step keywatch_step(const struct keywatch *kw, const struct keywatch_stat *now);

/* Records a check of the file as it was (now) and whether it passed; returns what to say. */
enum keywatch_say keywatch_record(struct keywatch *kw, const struct keywatch_stat *now, bool ok);

/* Whether two lstat() results describe the same file in the same state. */
bool keywatch_stat_equal(const struct keywatch_stat *a, const struct keywatch_stat *b);

#endif
