#include "ui/app_reread.h"

#include <time.h>

#include "ui/app_internal.h"

static uint64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void
app_reread_init(struct app_reread *r, struct app *a, unsigned factor, void *owner,
                void (*load)(void *owner), bool (*loading)(void *owner),
                bool (*wanted)(void *owner))
{
    r->a = a;
    r->factor = factor;
    r->owner = owner;
    r->load = load;
    r->loading = loading;
    r->wanted = wanted;
}

void
app_reread_started(struct app_reread *r)
{
    r->pending = false;
    r->started_ms = mono_ms();
}

void
app_reread_done(struct app_reread *r)
{
    r->next_ms = mono_ms();
    r->next_ms += (r->next_ms - r->started_ms) * r->factor;
}

static void
wait_closed(uv_handle_t *t)
{
    struct app_reread *r = t->data;

    r->wait_init = r->wait_closing = false;
}

static void
wait_stop(struct app_reread *r)
{
    if (r->wait_init && !r->wait_closing) {
        r->wait_closing = true;
        uv_close((uv_handle_t *)&r->wait, wait_closed);
    }
}

static void
on_wait(uv_timer_t *t)
{
    struct app_reread *r = t->data;

    if (r->a->quit || !r->pending || (r->wanted != NULL && !r->wanted(r->owner))) {
        wait_stop(r);
    } else if (!r->loading(r->owner) && mono_ms() >= r->next_ms) {
        wait_stop(r);
        r->load(r->owner);
    }
}

void
app_reread_go(struct app_reread *r, bool force)
{
    if (force || mono_ms() >= r->next_ms) {
        r->load(r->owner);
        return;
    }
    if (r->wait_init || r->a->quit)
        return;
    uv_timer_init(&r->a->loop, &r->wait);
    r->wait.data = r;
    r->wait_init = true;
    uv_timer_start(&r->wait, on_wait, 1000, 1000);
}
