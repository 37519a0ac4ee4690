/*
 * DESIGN — the handoff, as in redis bio.c.
 *
 * One mutex guards two FIFO lists: todo (loop → worker) and done (worker → loop).
 * The worker sleeps on a condition variable until todo is non-empty or stopping is
 * set, runs one job without the lock, appends it to done and calls uv_async_send().
 * libuv coalesces async wakeups, so the loop callback takes the *whole* done list at
 * once and calls each job's done() outside the lock, in completion order.
 *
 * Stopping discards the todo list (those jobs come back with ran = false), lets the
 * running job finish, runs state_fini on the worker thread and joins it. The loop
 * thread then drains done synchronously and closes the async handle; the struct is
 * freed in the close callback (libuv handles are embedded in their owner).
 */
#include "rt/worker.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include <uv.h>

#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

struct jobq {
    struct job *head;
    struct job *tail;
};

struct worker {
    uv_async_t wake; /* first member: the close callback gets the worker back */
    uv_thread_t thread;
    uv_mutex_t lock;
    uv_cond_t cond;
    struct jobq todo; /* guarded by lock */
    struct jobq done; /* guarded by lock */
    bool stopping;    /* guarded by lock */
    unsigned pending; /* loop thread only: submitted, done() not yet called */
    void *state;      /* worker thread only after start */
    worker_state_fini_fn *state_fini;
    char name[32];
};

static void
jobq_push(struct jobq *q, struct job *job)
{
    job->next = NULL;
    if (q->tail != NULL)
        q->tail->next = job;
    else
        q->head = job;
    q->tail = job;
}

static struct job *
jobq_pop(struct jobq *q)
{
    struct job *job = q->head;

    if (job != NULL) {
        q->head = job->next;
        if (q->head == NULL)
            q->tail = NULL;
        job->next = NULL;
    }
    return job;
}

/* Moves every job of src to the end of dst. */
static void
jobq_take_all(struct jobq *dst, struct jobq *src)
{
    if (src->head == NULL)
        return;
    if (dst->tail != NULL)
        dst->tail->next = src->head;
    else
        dst->head = src->head;
    dst->tail = src->tail;
    src->head = src->tail = NULL;
}

static void
worker_main(void *arg)
{
    struct worker *w = arg;

    uv_mutex_lock(&w->lock);
    for (;;) {
        struct job *job;

        while (w->todo.head == NULL && !w->stopping)
            uv_cond_wait(&w->cond, &w->lock);
        if (w->stopping)
            break;
        job = jobq_pop(&w->todo);
        uv_mutex_unlock(&w->lock);
        job->run(job, w->state); /* blocking work, no lock held */
        job->ran = true;
        uv_mutex_lock(&w->lock);
        jobq_push(&w->done, job);
        uv_async_send(&w->wake); /* coalesces: the loop drains the whole done list */
    }
    /* Stopping: whatever was never started goes back unrun. */
    jobq_take_all(&w->done, &w->todo);
    uv_mutex_unlock(&w->lock);
    if (w->state_fini != NULL)
        w->state_fini(w->state);
    w->state = NULL;
}

/* Loop thread: calls done() for every finished job, outside the lock. */
static void
worker_drain(struct worker *w)
{
    struct jobq batch = { NULL, NULL };
    struct job *job;

    uv_mutex_lock(&w->lock);
    jobq_take_all(&batch, &w->done);
    uv_mutex_unlock(&w->lock);
    while ((job = jobq_pop(&batch)) != NULL) {
        w->pending--;
        job->done(job);
    }
}

static void
worker_on_wake(uv_async_t *h)
{
    worker_drain((struct worker *)h);
}

static void
worker_on_close(uv_handle_t *h)
{
    struct worker *w = (struct worker *)h;

    uv_cond_destroy(&w->cond);
    uv_mutex_destroy(&w->lock);
    free(w);
}

struct worker *
worker_start(uv_loop_t *loop, const char *name, void *state, worker_state_fini_fn *state_fini,
             struct err *e)
{
    struct worker *w = xcalloc(1, sizeof *w);
    int r;

    assert(loop != NULL && name != NULL);
    snprintf(w->name, sizeof w->name, "%s", name);
    w->state = state;
    w->state_fini = state_fini;
    if (uv_mutex_init(&w->lock) != 0 || uv_cond_init(&w->cond) != 0)
        fatal("worker %s: no se pudo crear el mutex", w->name);
    r = uv_async_init(loop, &w->wake, worker_on_wake);
    if (r != 0) {
        err_set(e, RC_IO, "worker %s: uv_async_init: %s", w->name, uv_strerror(r));
        uv_cond_destroy(&w->cond);
        uv_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    r = uv_thread_create(&w->thread, worker_main, w);
    if (r != 0) {
        err_set(e, RC_IO, "worker %s: uv_thread_create: %s", w->name, uv_strerror(r));
        w->state = NULL; /* not taken: the caller keeps it */
        uv_close((uv_handle_t *)&w->wake, worker_on_close);
        return NULL;
    }
    log_debug("worker %s: iniciado", w->name);
    return w;
}

void
worker_submit(struct worker *w, struct job *job)
{
    assert(job != NULL && job->run != NULL && job->done != NULL);
    job->ran = false;
    uv_mutex_lock(&w->lock);
    assert(!w->stopping);
    jobq_push(&w->todo, job);
    uv_cond_signal(&w->cond);
    uv_mutex_unlock(&w->lock);
    w->pending++;
}

unsigned
worker_pending(const struct worker *w)
{
    return w->pending;
}

void
worker_stop(struct worker *w)
{
    if (w == NULL)
        return;
    uv_mutex_lock(&w->lock);
    w->stopping = true;
    uv_cond_signal(&w->cond);
    uv_mutex_unlock(&w->lock);
    uv_thread_join(&w->thread);
    worker_drain(w); /* the thread is gone: every job is in done now */
    log_debug("worker %s: detenido", w->name);
    uv_close((uv_handle_t *)&w->wake, worker_on_close);
}
