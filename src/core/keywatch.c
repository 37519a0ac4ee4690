#include "core/keywatch.h"

#include <string.h>

void
keywatch_init(struct keywatch *kw)
{
    memset(kw, 0, sizeof *kw);
}

bool
keywatch_stat_equal(const struct keywatch_stat *a, const struct keywatch_stat *b)
{
    if (a->err != 0 || b->err != 0) /* no file (or no answer): only the reason matters */
        return a->err == b->err;
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mode == b->mode &&
           a->uid == b->uid && a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

enum keywatch_step
keywatch_step(const struct keywatch *kw, const struct keywatch_stat *now)
{
    if (!kw->checked || !keywatch_stat_equal(&kw->at, now))
        return KEYWATCH_CHECK;
    return kw->ok ? KEYWATCH_USE : KEYWATCH_WAIT;
}

enum keywatch_say
keywatch_record(struct keywatch *kw, const struct keywatch_stat *now, bool ok)
{
    bool was_bad = kw->checked && !kw->ok;

    kw->checked = true;
    kw->ok = ok;
    kw->at = *now;
    if (!ok)
        return KEYWATCH_SAY_BAD; /* only checked when new or changed: news either way */
    return was_bad ? KEYWATCH_SAY_GOOD : KEYWATCH_SAY_NOTHING;
}
