/*
 * app_reread — a pane's re-read on notifications, paced. After each read the next may start
 * only once `factor` times that read's duration has passed, so a busy company's notifications
 * keep the database busy at most 1/factor of the time (an admin's read can take 0.2 s); a
 * change notified meanwhile is read by a one-second timer once the pause is over, and the
 * timer exists only while a change waits. Informe and Inicio's replies use it.
 *
 * The owner keeps its own "a read is running" flag and starts reads itself: it calls
 * app_reread_started when it submits one and app_reread_done when the answer arrives.
 * Loop thread only.
 */
#ifndef UI_APP_REREAD_H
#define UI_APP_REREAD_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

struct app;

struct app_reread {
    struct app *a;
    unsigned factor;
    void *owner;
    void (*load)(void *owner);    /* starts a read */
    bool (*loading)(void *owner); /* a read is running */
    bool (*wanted)(void *owner);  /* still worth reading when the timer fires; NULL: always */
    bool pending;                 /* a change notified that no read has covered yet */
    uint64_t started_ms, next_ms; /* monotonic; when notifications may read again */
    uv_timer_t wait;              /* while pending: reads it once the pause is over */
    bool wait_init, wait_closing;
};

void app_reread_init(struct app_reread *r, struct app *a, unsigned factor, void *owner,
                     void (*load)(void *owner), bool (*loading)(void *owner),
                     bool (*wanted)(void *owner));

/* A read was submitted: what was pending is being read. */
void app_reread_started(struct app_reread *r);

/* Its answer arrived: the pause before the next one starts now. */
void app_reread_done(struct app_reread *r);

/* Something pending is read now when forced or when the pause is over, else by the timer. */
void app_reread_go(struct app_reread *r, bool force);

#endif
