/*
 * test_worker — the rt job worker: run on the worker thread, done on the loop thread,
 * whole done list drained per wakeup, clean stop with uv_loop_close() == 0.
 *
 * It lives under tests/db only because those binaries link rt and libuv; it needs no
 * database. worker.c is included so the stop test can set the stopping flag at an
 * exact moment instead of racing the thread (no sleeps).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rt/worker.c"

struct tjob {
    struct job job; /* first member */
    int id;
    int *order; /* loop side: ids appended by done() */
    int *norder;
    uv_thread_t ran_on;
    uv_thread_t done_on;
    uv_sem_t *started; /* posted by run() when not NULL */
    uv_sem_t *release; /* run() waits on it when not NULL */
    uv_thread_t *done_threads;
    bool *ran_flags;
};

struct tstate {
    int runs; /* worker thread only */
    uv_thread_t fini_on;
    bool finied;
};

static void
tjob_run(struct job *job, void *state)
{
    struct tjob *t = (struct tjob *)job;
    struct tstate *s = state;

    t->ran_on = uv_thread_self();
    s->runs++;
    if (t->started != NULL)
        uv_sem_post(t->started);
    if (t->release != NULL)
        uv_sem_wait(t->release);
}

static void
tjob_done(struct job *job)
{
    struct tjob *t = (struct tjob *)job;

    t->order[(*t->norder)++] = t->id;
    t->done_threads[t->id] = uv_thread_self();
    t->ran_flags[t->id] = job->ran;
    free(t);
}

static void
tstate_fini(void *state)
{
    struct tstate *s = state;

    s->fini_on = uv_thread_self();
    s->finied = true;
}

struct fixture {
    uv_loop_t loop;
    struct tstate state;
    struct worker *w;
    int order[2000];
    int norder;
    uv_thread_t done_threads[2000];
    bool ran_flags[2000];
    uv_thread_t self;
};

static int
setup(void **st)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    struct err e = { 0 };

    assert_int_equal(uv_loop_init(&f->loop), 0);
    f->self = uv_thread_self();
    f->w = worker_start(&f->loop, "prueba", &f->state, tstate_fini, &e);
    assert_non_null(f->w);
    *st = f;
    return 0;
}

static int
teardown(void **st)
{
    struct fixture *f = *st;

    free(f);
    return 0;
}

static struct tjob *
tjob_new(struct fixture *f, int id)
{
    struct tjob *t = xcalloc(1, sizeof *t);

    t->job.run = tjob_run;
    t->job.done = tjob_done;
    t->id = id;
    t->order = f->order;
    t->norder = &f->norder;
    t->done_threads = f->done_threads;
    t->ran_flags = f->ran_flags;
    return t;
}

/* Stops the worker, runs the loop until every handle is closed, closes the loop. */
static void
stop_and_close(struct fixture *f)
{
    worker_stop(f->w);
    f->w = NULL;
    assert_int_equal(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(uv_loop_close(&f->loop), 0);
}

static void
test_jobs_run_on_worker_and_finish_on_loop_in_order(void **st)
{
    struct fixture *f = *st;
    const int n = 1000;

    for (int i = 0; i < n; i++)
        worker_submit(f->w, &tjob_new(f, i)->job);
    assert_int_equal(worker_pending(f->w), n);
    /* Wakeups coalesce: keep running the loop until every done() has come back. */
    while (worker_pending(f->w) > 0)
        uv_run(&f->loop, UV_RUN_ONCE);
    assert_int_equal(f->norder, n);
    for (int i = 0; i < n; i++) {
        assert_int_equal(f->order[i], i);
        assert_true(f->ran_flags[i]);
        assert_true(uv_thread_equal(&f->done_threads[i], &f->self));
    }
    stop_and_close(f);
    assert_int_equal(f->state.runs, n);
    assert_true(f->state.finied);
    assert_false(uv_thread_equal(&f->state.fini_on, &f->self));
}

static void
test_run_happens_off_the_loop_thread(void **st)
{
    struct fixture *f = *st;
    struct tjob *t = tjob_new(f, 0);
    uv_thread_t ran_on;
    uv_sem_t started, release;

    uv_sem_init(&started, 0);
    uv_sem_init(&release, 0);
    t->started = &started;
    t->release = &release;
    worker_submit(f->w, &t->job);
    uv_sem_wait(&started);
    ran_on = t->ran_on; /* t is still the worker's, but run() wrote this before posting */
    assert_false(uv_thread_equal(&ran_on, &f->self));
    uv_sem_post(&release);
    while (worker_pending(f->w) > 0)
        uv_run(&f->loop, UV_RUN_ONCE);
    assert_int_equal(f->norder, 1);
    stop_and_close(f);
    uv_sem_destroy(&started);
    uv_sem_destroy(&release);
}

static void
test_stop_discards_unstarted_jobs_and_finishes_the_running_one(void **st)
{
    struct fixture *f = *st;
    struct tjob *first = tjob_new(f, 0);
    uv_sem_t started, release;

    uv_sem_init(&started, 0);
    uv_sem_init(&release, 0);
    first->started = &started;
    first->release = &release;
    worker_submit(f->w, &first->job);
    worker_submit(f->w, &tjob_new(f, 1)->job);
    worker_submit(f->w, &tjob_new(f, 2)->job);
    uv_sem_wait(&started);
    /* Job 0 is running and blocked: mark stopping now, as worker_stop() will. */
    uv_mutex_lock(&f->w->lock);
    f->w->stopping = true;
    uv_mutex_unlock(&f->w->lock);
    uv_sem_post(&release);
    worker_stop(f->w); /* joins, then calls every done() here, synchronously */
    assert_int_equal(f->norder, 3);
    assert_int_equal(f->order[0], 0);
    assert_true(f->ran_flags[0]);
    assert_false(f->ran_flags[1]);
    assert_false(f->ran_flags[2]);
    assert_int_equal(f->state.runs, 1);
    assert_true(f->state.finied);
    f->w = NULL;
    assert_int_equal(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    uv_sem_destroy(&started);
    uv_sem_destroy(&release);
}

static void
test_stop_idle_worker_closes_cleanly(void **st)
{
    struct fixture *f = *st;

    stop_and_close(f);
    assert_int_equal(f->norder, 0);
    assert_int_equal(f->state.runs, 0);
    assert_true(f->state.finied);
    worker_stop(NULL); /* NULL-safe */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_jobs_run_on_worker_and_finish_on_loop_in_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_run_happens_off_the_loop_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_stop_discards_unstarted_jobs_and_finishes_the_running_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_idle_worker_closes_cleanly, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
