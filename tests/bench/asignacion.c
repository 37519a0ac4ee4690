/*
 * asignacion — benchmark of client assignment (issue 3): api.solicitar_asignacion through the
 * real C wrapper (db_asignar) next to the seed's approach (every active client id loaded into
 * the program and sent back as NOT IN (<list>)), measured in the same run on the same data,
 * plus the availability counts (db_disponibles). Prints figures and ratios; asserts nothing
 * about time (DESIGN.md §7). The only failures are setup errors (exit 1).
 *
 * Data, in a fresh database copied from $EMBUDO_TEST_TEMPLATE of the cluster in
 * $EMBUDO_TEST_HOME (tests/bench/run.sh sets both up): 1,000,000 padron clients (convenio
 * skewed 30/20/15/10 % over the first four, entidad skewed towards low codes, edad 18–85,
 * deterministic), 25,000 of them blocked (2 % cool-down until a future date, 0.5 % opt-out
 * without end), 200 promoters, and 50,000 active opportunities created through
 * api.solicitar_asignacion itself, then the counts compacted as the sweep does. Environment knobs:
 * BENCH_CLIENTES (default 1000000), BENCH_ACTIVAS (50000), BENCH_CONSERVAR=1 (keep the database for
 * EXPLAIN afterwards).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "db/db_crm.h"
#include "tests/db/dbt.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define PROMOTORES   200
#define PEDIDO       50  /* clients per request */
#define REPS_SINGLE  200 /* single-request latency samples */
#define REPS_SEED    20  /* the seed is ~30–100× slower: fewer samples, one per round */
#define REPS_CONTEOS 30
#define MAX_HILOS    64

static long bench_clientes = 1000000;
static long bench_activas = 50000;

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of v[0..n), sorting v. */
static double
quantile(double *v, size_t n, double q)
{
    if (n == 0)
        return 0.0;
    qsort(v, n, sizeof *v, cmp_double);
    return v[(size_t)(q * (double)(n - 1) + 0.5)];
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
    va_list ap;

    fputs("asignacion: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void
must(struct db *db, const char *sql)
{
    struct err e = { 0 };

    if (db_exec(db, sql, &e) != RC_OK)
        die("%s\n  en: %.200s", e.msg, sql);
}

static struct db *
connect_as(const struct dbt *t, const char *login)
{
    struct err e = { 0 };
    struct db *db = dbt_connect_err(t, login, &e);

    if (db == NULL)
        die("no se pudo conectar como %s: %s", login != NULL ? login : "admin", e.msg);
    return db;
}

static void
login_name(char *buf, size_t size, int i)
{
    snprintf(buf, size, "bench_p%03d", i);
}

static long
env_long(const char *name, long def, long min, long max)
{
    const char *s = getenv(name);
    char *end;
    long v;

    if (s == NULL || *s == '\0')
        return def;
    v = strtol(s, &end, 10);
    if (*end != '\0' || v < min || v > max)
        die("%s debe estar entre %ld y %ld", name, min, max);
    return v;
}

/* ---- data --------------------------------------------------------------------------------- */

static void
load_padron(struct dbt *t, struct db *admin)
{
    static const char clientes[] =
        "WITH ins AS ("
        " INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id, edad)"
        " SELECT 'Cliente ' || g, 'Apellido ' || (g % 997),"
        "        CASE WHEN h < 30 THEN 1 WHEN h < 50 THEN 2 WHEN h < 65 THEN 3"
        "             WHEN h < 75 THEN 4 ELSE 5 + h % 6 END,"
        "        1 + floor(32 * (u / 10000.0) ^ 2)::int, 18 + a % 68"
        "   FROM generate_series(1, $1::int) g,"
        "        LATERAL (SELECT (hashint4(g)::bigint & 2147483647) % 100 AS h,"
        "                        (hashint4(g + 7777777)::bigint & 2147483647) % 10000 AS u,"
        "                        (hashint4(g + 3333333)::bigint & 2147483647) AS a) r"
        " RETURNING 1) SELECT count(*) FROM ins";
    char n[24], *out = NULL;
    const char *p[1] = { n };
    struct err e = { 0 };
    double t0 = now_ms();

    (void)t;
    must(admin, "INSERT INTO padron.convenios (id, clave, nombre, tipo) VALUES"
                " (1, 'IMSS', 'IMSS', 'FEDERAL'), (2, 'ISSSTE', 'ISSSTE', 'FEDERAL'),"
                " (3, 'SEP', 'SEP', 'FEDERAL'), (4, 'PEMEX', 'Pemex', 'FEDERAL'),"
                " (5, 'GEM', 'Gobierno del Estado de México', 'ESTATAL'),"
                " (6, 'GJAL', 'Gobierno de Jalisco', 'ESTATAL'),"
                " (7, 'IMSS-PEN', 'Pensionados IMSS', 'PENSIONADOS'),"
                " (8, 'ISSSTE-PEN', 'Pensionados ISSSTE', 'PENSIONADOS'),"
                " (9, 'CFE', 'CFE', 'FEDERAL'), (10, 'SEDENA', 'SEDENA', 'FEDERAL')");
    snprintf(n, sizeof n, "%ld", bench_clientes);
    if (db_query_text(admin, clientes, 1, p, &out, &e) != RC_OK)
        die("carga del padrón: %s", e.msg);
    printf("padrón: %s clientes cargados en %.1f s\n", out, (now_ms() - t0) / 1e3);
    free(out);
    must(admin, "SELECT api.crear_usuario('bench_sup', 'Supervisor bench', 'SUPERVISOR');"
                " SELECT api.crear_usuario('bench_admin', 'Admin bench', 'ADMIN');"
                " SELECT api.crear_usuario(format('bench_p%s', lpad(i::text, 3, '0')),"
                "        'Promotor ' || i, 'PROMOTOR', 'bench_sup', 10000, 100000)"
                "   FROM generate_series(1, 200) i");
    /* Blocked clients, as cool-downs and opt-outs leave them: 2 % until a future date, 0.5 %
     * without end. The assignment skips them and the counts subtract them. */
    t0 = now_ms();
    if (db_query_text(admin,
                      "WITH ins AS (INSERT INTO crm.bloqueos (cliente_id, hasta, motivo)"
                      " SELECT id, now() + interval '10 days', 'ENFRIAMIENTO'"
                      "   FROM padron.clientes WHERE id % 50 = 7"
                      " UNION ALL SELECT id, NULL, 'OPT_OUT' FROM padron.clientes"
                      "  WHERE id % 200 = 3 RETURNING 1) SELECT count(*) FROM ins",
                      0, NULL, &out, &e) != RC_OK)
        die("bloqueos: %s", e.msg);
    printf("bloqueos: %s clientes bloqueados en %.1f s\n", out, (now_ms() - t0) / 1e3);
    free(out);
    must(admin, "ANALYZE padron.clientes; ANALYZE crm.pool");
}

/* 50,000 active opportunities, created the real way: each promoter asks for its share. */
static void
load_activas(struct dbt *t, struct db *admin)
{
    long each = bench_activas / PROMOTORES, total = 0;
    double t0 = now_ms();

    for (int i = 1; i <= PROMOTORES && each > 0; i++) {
        char login[32];
        struct db_filtros f = { 0 };
        struct db_asignacion a;
        struct err e = { 0 };
        struct db *db;

        login_name(login, sizeof login, i);
        db = connect_as(t, login);
        for (long left = each; left > 0; left -= 1000) {
            if (db_asignar(db, (int)(left > 1000 ? 1000 : left), &f, NULL, &a, &e) != RC_OK)
                die("asignación inicial de %s: %s", login, e.msg);
            total += a.asignados;
            db_asignacion_fini(&a);
        }
        db_close(db);
    }
    /* The sweep compacts the availability counts about once a minute (api.sweep_fin). */
    must(admin, "SELECT crm.pool_conteo_compactar()");
    must(admin, "VACUUM ANALYZE crm.pool");
    must(admin, "VACUUM ANALYZE crm.pool_conteo");
    must(admin, "VACUUM ANALYZE crm.oportunidades");
    printf("activas: %ld oportunidades asignadas por %d promotores en %.1f s\n", total, PROMOTORES,
           (now_ms() - t0) / 1e3);
}

/* ---- the seed's approach -------------------------------------------------------------------- */

struct seed_ctx {
    int usuario_id;
    int etapa_id;
};

/*
 * The seed: every active client id travels into the program, which keeps them in memory and
 * sends them back inside the SQL text as NOT IN (<list>), then inserts the lote and the 50
 * opportunities directly (no quota, no lock: correctness aside). In the caller's transaction.
 */
static int
seed_request(struct db *db, const struct seed_ctx *s, struct err *e)
{
    static char none[] = "0"; /* NOT IN (0) when nothing is active */
    struct strbuf sql;
    char *ids = NULL, *p, *end;
    int rc;

    rc = db_query_text(db,
                       "SELECT string_agg(cliente_id::text, ',') FROM crm.oportunidades"
                       " WHERE estado IN ('ABIERTA', 'EN_BANDEJA')",
                       0, NULL, &ids, e);
    if (rc != RC_OK)
        return rc;
    strbuf_init(&sql);
    strbuf_addf(&sql,
                "WITH l AS (INSERT INTO crm.lotes (usuario_id, origen, solicitados,"
                " creado_por) VALUES (%d, 'SOLICITUD', %d, %d) RETURNING id),"
                " cand AS (SELECT c.id FROM padron.clientes c WHERE c.convenio_id = 1"
                " AND c.id NOT IN (",
                s->usuario_id, PEDIDO, s->usuario_id);
    /* Parse and re-print each id: the list lives in the program, as in the seed. */
    for (p = ids != NULL ? ids : none; *p != '\0'; p = *end == ',' ? end + 1 : end) {
        long long id = strtoll(p, &end, 10);
        strbuf_addf(&sql, "%s%lld", p == ids ? "" : ",", id);
    }
    strbuf_addf(&sql,
                ") LIMIT %d) INSERT INTO crm.oportunidades (cliente_id, usuario_id,"
                " lote_id, etapa_id) SELECT cand.id, %d, l.id, %d FROM cand, l",
                PEDIDO, s->usuario_id, s->etapa_id);
    rc = db_exec(db, sql.buf, e);
    strbuf_fini(&sql);
    free(ids);
    return rc;
}

static int
query_int(struct db *db, const char *sql, const char *param)
{
    const char *p[1] = { param };
    struct err e = { 0 };
    char *out = NULL;
    int v;

    if (db_query_text(db, sql, param != NULL ? 1 : 0, p, &out, &e) != RC_OK || out == NULL)
        die("%s: %s", sql, e.msg);
    v = atoi(out);
    free(out);
    return v;
}

/* ---- single requests, interleaved with the seed's ------------------------------------------ */

static const struct db_filtros hot = { .convenio = "IMSS" };

#define ROUNDS   REPS_SEED                  /* one seed request per round */
#define PER_ROUND (REPS_SINGLE / REPS_SEED) /* api requests of each kind per round */

/*
 * One api request in its own transaction, timing only the request. Rolled back (bench_p200):
 * every request takes the same 50 pool rows again, and each leaves dead index entries on those
 * keys that the next one walks over — a cost production never sees. Committed (bench_p197 and
 * bench_p198 in turn, so the quota lasts): each takes the next 50, as real requests do. The
 * COMMIT or ROLLBACK is outside the measured span.
 */
static double
api_request(struct db *db, bool confirmar)
{
    struct err e = { 0 };
    struct db_asignacion a;
    double t0, ms;

    must(db, "BEGIN");
    t0 = now_ms();
    if (db_asignar(db, PEDIDO, &hot, NULL, &a, &e) != RC_OK)
        die("solicitar_asignacion: %s", e.msg);
    ms = now_ms() - t0;
    if (a.asignados != PEDIDO)
        die("solicitar_asignacion dio %d de %d", a.asignados, PEDIDO);
    db_asignacion_fini(&a);
    must(db, confirmar ? "COMMIT" : "ROLLBACK");
    return ms;
}

static double
seed_timed(struct db *db, const struct seed_ctx *s)
{
    struct err e = { 0 };
    double t0, ms;

    must(db, "BEGIN");
    t0 = now_ms();
    if (seed_request(db, s, &e) != RC_OK)
        die("enfoque de la semilla: %s", e.msg);
    ms = now_ms() - t0;
    must(db, "ROLLBACK");
    return ms;
}

/*
 * The single-request figures and their ratio to the seed. This machine's speed drifts by tens
 * of percent within seconds (2 shared cores), so the three are measured in rounds that share
 * the same moments: one seed request, then PER_ROUND api requests rolled back and as many
 * committed, alternating. Besides the overall medians it prints the median over rounds of the
 * seed's time divided by the median api time of the same round, which a drift cannot bias.
 */
static void
single_requests(struct dbt *t, const struct seed_ctx *s)
{
    struct db *rb = connect_as(t, "bench_p200");
    struct db *cm[2] = { connect_as(t, "bench_p197"), connect_as(t, "bench_p198") };
    struct db *sd = connect_as(t, NULL);
    double seed[ROUNDS], ratio_rb[ROUNDS], ratio_cm[ROUNDS];
    double all_rb[ROUNDS * PER_ROUND], all_cm[ROUNDS * PER_ROUND];
    double med_rb, med_cm, med_seed;
    int ncm = 0;

    for (int i = 0; i < 10; i++) { /* warm-up: plpgsql compiles on the first call */
        (void)api_request(rb, false);
        (void)api_request(cm[ncm++ % 2], true);
    }
    (void)seed_timed(sd, s);
    for (int r = 0; r < ROUNDS; r++) {
        double round_rb[PER_ROUND], round_cm[PER_ROUND];

        seed[r] = seed_timed(sd, s);
        for (int j = 0; j < PER_ROUND; j++) {
            round_rb[j] = all_rb[r * PER_ROUND + j] = api_request(rb, false);
            round_cm[j] = all_cm[r * PER_ROUND + j] = api_request(cm[ncm++ % 2], true);
        }
        ratio_rb[r] = seed[r] / quantile(round_rb, PER_ROUND, 0.5);
        ratio_cm[r] = seed[r] / quantile(round_cm, PER_ROUND, 0.5);
    }
    med_rb = quantile(all_rb, ROUNDS * PER_ROUND, 0.5);
    med_cm = quantile(all_cm, ROUNDS * PER_ROUND, 0.5);
    printf("  api.solicitar_asignacion, revertida (las mismas 50 filas): mediana %.2f ms,"
           " p95 %.2f ms (%d pedidos de %d)\n",
           med_rb, quantile(all_rb, ROUNDS * PER_ROUND, 0.95), ROUNDS * PER_ROUND, PEDIDO);
    printf("  api.solicitar_asignacion, confirmada (las 50 siguientes): mediana %.2f ms,"
           " p95 %.2f ms (%d pedidos de %d)\n",
           med_cm, quantile(all_cm, ROUNDS * PER_ROUND, 0.95), ROUNDS * PER_ROUND, PEDIDO);
    med_seed = quantile(seed, ROUNDS, 0.5);
    printf("  semilla (ids al programa, NOT IN (<lista>)): mediana %.2f ms, p95 %.2f ms"
           " (%d pedidos, uno por ronda)\n",
           med_seed, quantile(seed, ROUNDS, 0.95), ROUNDS);
    printf("  → api %.1f× (revertida) y %.1f× (confirmada) más rápido que la semilla;"
           " por ronda (mediana de %d): %.1f× y %.1f× (objetivo ≥ 50×; mediana ≤ 5 ms)\n",
           med_seed / med_rb, med_seed / med_cm, ROUNDS, quantile(ratio_rb, ROUNDS, 0.5),
           quantile(ratio_cm, ROUNDS, 0.5));
    db_close(sd);
    db_close(cm[1]);
    db_close(cm[0]);
    db_close(rb);
}

static double
conteos(struct dbt *t, enum db_por por, const char *nombre)
{
    struct db *db = connect_as(t, "bench_p199");
    double ms[REPS_CONTEOS], med, primeras[5];
    struct db_conteo *rows = NULL;
    struct err e = { 0 };
    struct db_filtros f = { 0 };
    size_t n = 0;

    /* One connection, as a pane refreshing its counts: the first five calls of a session get
     * custom plans in plpgsql, later ones may get the cached generic plan. */
    for (int i = -5; i < REPS_CONTEOS; i++) {
        double t0 = now_ms();

        db_conteos_free(rows, n);
        if (db_disponibles(db, &f, por, &rows, &n, &e) != RC_OK)
            die("disponibles: %s", e.msg);
        if (i >= 0)
            ms[i] = now_ms() - t0;
        else
            primeras[i + 5] = now_ms() - t0;
    }
    med = quantile(ms, REPS_CONTEOS, 0.5);
    printf("  disponibles %s: primeras 5 de la sesión %.0f/%.0f/%.0f/%.0f/%.0f ms, después mediana"
           " %.2f ms, p95 %.2f ms;",
           nombre, primeras[0], primeras[1], primeras[2], primeras[3], primeras[4], med,
           quantile(ms, REPS_CONTEOS, 0.95));
    for (size_t i = 0; i < n; i++)
        printf(" %s=%" PRId64, rows[i].grupo, rows[i].disponibles);
    printf("\n");
    db_conteos_free(rows, n);
    db_close(db);
    return med;
}

/* ---- concurrent requesters (committed requests) --------------------------------------------- */

#define PROM_POR_HILO_MAX 8

struct hilo {
    const struct dbt *t;
    bool seed;
    struct seed_ctx sctx;
    int prom[PROM_POR_HILO_MAX]; /* ours: the promoters this requester rotates through */
    int nprom;
    int pedidos;
    pthread_barrier_t *start;
    double *lat;
    int ok, fallidas;
    long clientes;
    char error[160];
};

/* One committed request; false (error kept) when it failed. */
static bool
hilo_pedido(struct hilo *h, struct db *db, struct err *e)
{
    struct db_asignacion a;

    if (h->seed) {
        int rc = db_exec(db, "BEGIN", e);
        if (rc == RC_OK && (rc = seed_request(db, &h->sctx, e)) == RC_OK)
            rc = db_exec(db, "COMMIT", e);
        if (rc != RC_OK) {
            struct err ignore = { 0 };
            if (db_exec(db, "ROLLBACK", &ignore) != RC_OK)
                return false; /* the connection is gone: the next request fails too */
            return false;
        }
        h->clientes += PEDIDO;
        return true;
    }
    if (db_asignar(db, PEDIDO, &hot, NULL, &a, e) != RC_OK)
        return false;
    h->clientes += a.asignados;
    db_asignacion_fini(&a);
    return true;
}

static void *
hilo_main(void *arg)
{
    struct hilo *h = arg;
    struct db *dbs[PROM_POR_HILO_MAX];
    struct err e = { 0 };
    int n = h->seed ? 1 : h->nprom;

    for (int i = 0; i < n; i++) {
        char login[32];
        login_name(login, sizeof login, h->seed ? 0 : h->prom[i]);
        dbs[i] = connect_as(h->t, h->seed ? NULL : login);
    }
    h->lat = xcalloc((size_t)h->pedidos + 1, sizeof *h->lat);
    pthread_barrier_wait(h->start);
    for (int i = 0; i < h->pedidos; i++) {
        /* Each promoter in turn until its quota would run out. */
        struct db *db = dbs[(i * n) / h->pedidos];
        double t0 = now_ms();

        if (hilo_pedido(h, db, &e)) {
            h->lat[h->ok++] = now_ms() - t0;
        } else {
            h->fallidas++;
            snprintf(h->error, sizeof h->error, "%s%s%.120s", e.code, e.code[0] ? " " : "", e.msg);
        }
    }
    for (int i = 0; i < n; i++)
        db_close(dbs[i]);
    return NULL;
}

struct nivel {
    double tps;
    double clientes_s;
    double mediana, p95;
    int ok, fallidas;
};

/* Starts c requesters doing total requests between them; *next_prom hands out promoters. */
static struct nivel
correr_nivel(struct dbt *t, bool seed, int c, int total, int *next_prom, int seed_uid, int etapa)
{
    struct hilo h[MAX_HILOS];
    pthread_t th[MAX_HILOS];
    pthread_barrier_t start;
    struct nivel r = { 0 };
    double *all = xcalloc((size_t)total + (size_t)c, sizeof *all), t0, secs;
    long clientes = 0;
    int nall = 0, per = total / c;

    pthread_barrier_init(&start, NULL, (unsigned)c + 1);
    for (int i = 0; i < c; i++) {
        h[i] = (struct hilo){ .t = t,
                              .seed = seed,
                              .pedidos = per,
                              .start = &start,
                              .sctx = { .usuario_id = seed_uid, .etapa_id = etapa } };
        /* A promoter may take 10,000 a day and already has 250: 9,000 per promoter. */
        h[i].nprom = seed ? 0 : 1 + (per * PEDIDO) / 9000;
        for (int k = 0; k < h[i].nprom && k < PROM_POR_HILO_MAX; k++)
            h[i].prom[k] = (*next_prom)++;
        if (*next_prom > PROMOTORES - 2)
            die("no quedan promotores para este nivel");
        pthread_create(&th[i], NULL, hilo_main, &h[i]);
    }
    pthread_barrier_wait(&start);
    t0 = now_ms();
    for (int i = 0; i < c; i++)
        pthread_join(th[i], NULL);
    secs = (now_ms() - t0) / 1e3;
    for (int i = 0; i < c; i++) {
        memcpy(all + nall, h[i].lat, (size_t)h[i].ok * sizeof *all);
        nall += h[i].ok;
        r.ok += h[i].ok;
        r.fallidas += h[i].fallidas;
        clientes += h[i].clientes;
        if (h[i].fallidas > 0 && r.fallidas == h[i].fallidas)
            fprintf(stderr, "    (%s, %d requester(s): primer error: %s)\n",
                    seed ? "semilla" : "api", c, h[i].error);
        free(h[i].lat);
    }
    r.tps = r.ok / secs;
    r.clientes_s = (double)clientes / secs;
    r.mediana = quantile(all, (size_t)nall, 0.5);
    r.p95 = quantile(all, (size_t)nall, 0.95);
    pthread_barrier_destroy(&start);
    free(all);
    return r;
}

/* ---- report -----------------------------------------------------------------------------------
 */

static void
throughput(struct dbt *t, int seed_uid, int etapa)
{
    static const int niveles[] = { 1, 16, 64 };
    int next = 1;

    printf("\nrendimiento (pedidos de %d confirmados, filtro caliente convenio=IMSS):\n", PEDIDO);
    printf("  %-9s %-8s %8s %10s %10s %10s %9s %9s\n", "enfoque", "hilos", "pedidos", "pedidos/s",
           "clientes/s", "mediana ms", "p95 ms", "fallidos");
    for (size_t k = 0; k < sizeof niveles / sizeof niveles[0]; k++) {
        int c = niveles[k];
        struct nivel a = correr_nivel(t, false, c, 640, &next, 0, etapa);
        struct nivel s = correr_nivel(t, true, c, c < 32 ? 32 : c, &next, seed_uid, etapa);

        printf("  %-9s %-8d %8d %10.1f %10.0f %10.2f %9.2f %9d\n", "api", c, a.ok, a.tps,
               a.clientes_s, a.mediana, a.p95, a.fallidas);
        printf("  %-9s %-8d %8d %10.1f %10.0f %10.2f %9.2f %9d\n", "semilla", c, s.ok, s.tps,
               s.clientes_s, s.mediana, s.p95, s.fallidas);
        printf("  → con %d: %.1f× pedidos/s, %.1f× más rápido por pedido (mediana)\n", c,
               s.tps > 0 ? a.tps / s.tps : 0.0, a.mediana > 0 ? s.mediana / a.mediana : 0.0);
    }
}

/* Invariant check as an admin user; cuando names the moment in the report. */
static void
integridad(struct dbt *t, const char *cuando)
{
    struct db *adm = connect_as(t, "bench_admin");
    struct db_violacion *v = NULL;
    struct err e = { 0 };
    size_t n = 0;

    if (db_invariantes(adm, &v, &n, &e) != RC_OK)
        die("verificar_invariantes: %s", e.msg);
    printf("\nintegridad %s: %zu violaciones de invariantes", cuando, n);
    for (size_t i = 0; i < n && i < 5; i++)
        printf("%s %s", i ? ";" : ":", v[i].invariante);
    printf("; clientes con más de una oportunidad activa: %d\n",
           query_int(adm,
                     "SELECT count(*) FROM (SELECT cliente_id FROM crm.oportunidades"
                     " WHERE estado IN ('ABIERTA', 'EN_BANDEJA') GROUP BY 1"
                     " HAVING count(*) > 1) d",
                     NULL));
    db_violaciones_free(v, n);
    db_close(adm);
}

int
main(void)
{
    struct err e = { 0 };
    struct dbt *t;
    struct db *admin;
    int seed_uid, etapa;
    double c1, c2;

    setvbuf(stdout, NULL, _IOLBF, 0);
    bench_clientes = env_long("BENCH_CLIENTES", bench_clientes, 10000, 5000000);
    bench_activas = env_long("BENCH_ACTIVAS", bench_activas, 0, 200000);
    if ((t = dbt_new(NULL, &e)) == NULL)
        die("no se pudo crear la base de la prueba: %s (¿corre con tests/bench/run.sh?)", e.msg);
    admin = connect_as(t, NULL);
    printf("asignacion: %ld clientes, %ld activas, PostgreSQL %s, base %s\n", bench_clientes,
           bench_activas, db_server_version(admin), dbt_dbname(t));
    load_padron(t, admin);
    load_activas(t, admin);
    seed_uid = query_int(admin, "SELECT id FROM crm.usuarios WHERE login = $1", "bench_p150");
    etapa = query_int(admin, "SELECT id FROM crm.etapas WHERE tipo = 'INICIAL' AND activa", NULL);
    printf("\npedido individual de %d clientes (convenio=IMSS, solo el pedido medido):\n", PEDIDO);
    single_requests(t, &(struct seed_ctx){ seed_uid, etapa });
    printf("\nconteos de disponibles (objetivo ≤ 100 ms):\n");
    c1 = conteos(t, DB_POR_CONVENIO, "por convenio");
    c2 = conteos(t, DB_POR_TOTAL, "total");
    (void)c1;
    (void)c2;
    (void)conteos(t, DB_POR_ENTIDAD, "por entidad");
    integridad(t, "antes de las corridas concurrentes (solo la api ha escrito)");
    throughput(t, seed_uid, etapa);
    integridad(t, "al final (las filas de la semilla no llevan timer ni historial: SIN_TIMER y "
                  "SIN_HISTORIAL son suyas)");
    db_close(admin);
    if (getenv("BENCH_CONSERVAR") != NULL && getenv("BENCH_CONSERVAR")[0] == '1') {
        /* For EXPLAIN afterwards: with a cluster passed in EMBUDO_TEST_HOME it outlives us. */
        printf("\nbase conservada: %s\n", dbt_dbname(t));
        return 0;
    }
    dbt_free(t);
    return 0;
}
