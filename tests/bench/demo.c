/*
 * demo — benchmark of `embudo demo`: the generator alone (clients and contacts formatted as
 * COPY text, no database) and db_demo_load into fresh databases copied from
 * $EMBUDO_TEST_TEMPLATE of the cluster in $EMBUDO_TEST_HOME (tests/bench/run.sh sets both
 * up), with the time of each phase taken from the progress callback. Prints figures; asserts
 * nothing about time (DESIGN.md §7); exit 1 only on setup or load errors.
 * Environment knobs: BENCH_DEMO_GEN (clients for the generator run, default 1000000) and
 * BENCH_DEMO_CARGAS (space-separated sizes to load, default "100000 1000000").
 */
#include "core/demo.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/db_demo.h"
#include "tests/db/dbt.h"
#include "util/err.h"
#include "util/strbuf.h"

/* The generator alone: rows per second and bytes of COPY text. */
static void
bench_generator(long n)
{
    struct demo_gen *g = demo_gen_new(1, n);
    struct demo_cliente c;
    struct strbuf sb;
    long next_id = 1;
    size_t bytes = 0;
    double t0 = dbt_now(), secs;

    strbuf_init(&sb);
    while (demo_gen_next(g, &c)) {
        demo_cliente_copy(&c, &sb);
        demo_contactos_copy(&c, &next_id, &sb);
        if (sb.len > 1 << 20) {
            bytes += sb.len;
            strbuf_reset(&sb);
        }
    }
    bytes += sb.len;
    secs = dbt_now() - t0;
    printf("generador: %ld clientes + %ld contactos en %.2f s (%.0f clientes/s, %.1f MB de "
           "COPY)\n",
           n, next_id - 1, secs, (double)n / secs, (double)bytes / 1e6);
    strbuf_fini(&sb);
    demo_gen_free(g);
}

/* Phase boundaries seen by the progress callback. */
struct phases {
    double start, clientes_done, contactos_done;
};

static void
on_progress(void *arg, const char *fase, long hechos, long total)
{
    struct phases *p = arg;

    if (hechos != total)
        return;
    if (strcmp(fase, "clientes") == 0)
        p->clientes_done = dbt_now();
    else
        p->contactos_done = dbt_now();
}

static int
bench_load(long n)
{
    struct err e = { 0 };
    struct dbt *t = dbt_new(NULL, &e);
    struct db *db = t != NULL ? dbt_connect_err(t, NULL, &e) : NULL;
    struct phases ph = { 0 };
    struct db_demo_opts o = {
        .semilla = 1, .clientes = n, .progreso = on_progress, .progreso_arg = &ph
    };
    struct db_demo_report r;
    int rc = RC_DB;
    double end;

    if (db != NULL) {
        ph.start = dbt_now();
        rc = db_demo_load(db, &o, &r, &e);
    }
    end = dbt_now();
    if (rc != RC_OK)
        fprintf(stderr, "bench demo: %s\n", e.msg);
    else
        printf("carga de %ld clientes (%ld contactos): %.2f s en total — COPY clientes %.2f s, "
               "COPY contactos %.2f s, usuarios + embudo + calendario + COMMIT + ANALYZE "
               "%.2f s\n",
               n, r.contactos, end - ph.start, ph.clientes_done - ph.start,
               ph.contactos_done - ph.clientes_done, end - ph.contactos_done);
    db_close(db);
    dbt_free(t);
    return rc == RC_OK ? 0 : 1;
}

int
main(void)
{
    const char *gen = getenv("BENCH_DEMO_GEN");
    const char *cargas = getenv("BENCH_DEMO_CARGAS");
    long ngen = gen != NULL ? strtol(gen, NULL, 10) : 1000000;
    char *list, *save = NULL;
    int status = 0;

    bench_generator(ngen >= DEMO_CLIENTES_MIN && ngen <= DEMO_CLIENTES_MAX ? ngen : 1000000);
    list = strdup(cargas != NULL ? cargas : "100000 1000000");
    for (char *s = strtok_r(list, " ", &save); s != NULL; s = strtok_r(NULL, " ", &save)) {
        long n = strtol(s, NULL, 10);
        if (n >= DEMO_CLIENTES_MIN && n <= DEMO_CLIENTES_MAX)
            status |= bench_load(n);
    }
    free(list);
    return status;
}
