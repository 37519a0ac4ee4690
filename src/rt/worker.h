/*
 * worker — one background thread that runs blocking jobs for a libuv loop (redis bio).
 *
 * The loop thread creates the worker, submits jobs and receives them back: run() is
 * called on the worker thread, done() later on the loop thread, which frees the job.
 * The worker owns a state pointer (e.g. a database connection holder) that only its
 * thread touches after worker_start(); state_fini() releases it on that thread at stop.
 * Every function here is for the loop thread only.
 */
#ifndef RT_WORKER_H
#define RT_WORKER_H

#include <stdbool.h>

#include <uv.h>

struct err;
struct worker;

/*
 * A unit of work, embedded by the caller in its own struct (container_of style) and
 * owned by the worker between worker_submit() and done(). A job carries copies of
 * what it needs, never pointers into loop-thread state.
 */
struct job {
    struct job *next; /* the worker's list link; do not touch */
    /* Worker thread: the blocking work. state is the worker's own state pointer. */
    void (*run)(struct job *job, void *state);
    /* Loop thread: consume the result and free the job. Always called exactly once. */
    void (*done)(struct job *job);
    /* Set by the worker: false when the job was discarded by worker_stop() unrun. */
    bool ran;
};

/* Called on the worker thread after its last job, to release state. May be NULL. */
typedef void worker_state_fini_fn(void *state);

/*
 * Starts a worker thread attached to loop. state becomes the worker's: only the worker
 * thread uses it from now on (state_fini runs there at stop). name is for logs.
 * Returns NULL and fills e (RC_IO) when libuv cannot create the handle or the thread;
 * state is then not taken (the caller still owns it).
 */
struct worker *worker_start(uv_loop_t *loop, const char *name, void *state,
                            worker_state_fini_fn *state_fini, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Queues job for the worker; takes ownership until job->done() is called on the loop
 * thread. Jobs run one at a time in submission order. Must not be called after
 * worker_stop() has begun.
 */
void worker_submit(struct worker *w, struct job *job);

/* Number of jobs submitted whose done() has not been called yet. */
unsigned worker_pending(const struct worker *w);

/*
 * Stops the worker: jobs not yet started are discarded (ran = false), the running one
 * finishes, state_fini runs on the worker thread, the thread is joined, and done() is
 * called here for every job still queued or finished. The async handle is closed; the
 * worker is freed from its close callback, so run the loop (uv_run) afterwards until
 * it has no more handles before uv_loop_close(). NULL-safe.
 */
void worker_stop(struct worker *w);

#endif
