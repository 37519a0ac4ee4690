/*
 * tui — benchmark of the embudo pane with 10,000 opportunities (issue 4): the read
 * (db_tui_embudo: every card with its business hours left, one calendar walk through
 * crm.ventanas_habiles) next to the per-row alternative (api.horas_habiles_entre per card),
 * the model's indexing (filter + sort) and the view-model build of one frame at 80×24 and
 * 160×50 while the cursor moves, and the resident memory with the cards loaded. The curses
 * copy of a frame (ui/pane) is a few hundred waddstr calls and is not linked here. Prints
 * figures; asserts nothing about time. The only failures are setup errors (exit 1).
 *
 * Data, in a fresh database copied from $EMBUDO_TEST_TEMPLATE ($EMBUDO_TEST_HOME's cluster,
 * tests/bench/run.sh): 30,000 clients, one promoter with room for 10,000, who requests them
 * through api.solicitar_asignacion and moves a third to Contactado and a tenth to Interesado
 * through api.mover. BENCH_TUI_CARDS changes the 10,000.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "db/db_tui.h"
#include "tests/db/dbt.h"
#include "ui/vm/embudo_vm.h"
#include "util/err.h"
#include "util/xmalloc.h"

#define REPS_READ 10
#define FRAMES    2000

static struct embudo_vm vm; /* large: static, the main thread only */

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

static double
quantile(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, cmp_double);
    return v[(size_t)(q * (double)(n - 1))];
}

static long
rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static void
die(const char *what, const struct err *e)
{
    fprintf(stderr, "bench tui: %s: %s\n", what, e != NULL ? e->msg : "");
    exit(1);
}

static void
run(struct db *db, const char *sql)
{
    struct err e = { 0 };

    if (db_exec(db, sql, &e) != RC_OK)
        die(sql, &e);
}

static void
seed(struct dbt *t, struct db *adm, long cards)
{
    struct db *p;
    char sql[1024];
    struct err e = { 0 };

    if (dbt_role_err(t, "bt_sup", "embudo_supervisor", &e) != RC_OK ||
        dbt_role_err(t, "bt_prom", "embudo_promotor", &e) != RC_OK)
        die("roles", &e);
    snprintf(
        sql, sizeof sql,
        "INSERT INTO crm.usuarios (login, nombre, rol) VALUES ('bt_sup', 'Sup', 'SUPERVISOR');"
        "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id, cupo_diario,"
        " cartera_max) SELECT 'bt_prom', 'Promotora Núñez', 'PROMOTOR', id, 10000, 100000"
        " FROM crm.usuarios WHERE login = 'bt_sup';"
        "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('IMSS', 'IMSS', 'FEDERAL');"
        "INSERT INTO padron.clientes (nombre, primer_apellido, segundo_apellido, convenio_id,"
        " entidad_id, edad) SELECT 'María José ' || g, 'Núñez', 'Peña', 1, 1 + g %% 32,"
        " 18 + g %% 60 FROM generate_series(1, %ld) g",
        cards * 3);
    run(adm, sql);
    p = dbt_connect_err(t, "bt_prom", &e);
    if (p == NULL)
        die("conectar bt_prom", &e);
    for (long done = 0; done < cards; done += 1000) {
        snprintf(sql, sizeof sql, "SELECT * FROM api.solicitar_asignacion(%ld)",
                 cards - done < 1000 ? cards - done : 1000);
        run(p, sql);
    }
    run(p, "SELECT count(*) FROM crm.oportunidades o,"
           " LATERAL api.mover(o.id, CASE WHEN o.id % 10 = 0 THEN 'Interesado'"
           " ELSE 'Contactado' END) WHERE o.id % 3 = 0 OR o.id % 10 = 0");
    db_close(p);
}

static void
bench_read(struct dbt *t, struct db *p)
{
    double v[REPS_READ], w[REPS_READ];
    struct tui_tarjeta *cards = NULL;
    size_t n = 0;
    struct err e = { 0 };

    for (int i = 0; i < REPS_READ; i++) {
        double t0 = now_ms();

        if (db_tui_embudo(p, 0, &cards, &n, &e) != RC_OK)
            die("db_tui_embudo", &e);
        v[i] = now_ms() - t0;
        free(cards);
        t0 = now_ms();
        (void)dbt_scalar_tmp(t, p,
                             "SELECT count(api.horas_habiles_entre(now(), timer_vence))"
                             " FROM crm.oportunidades");
        w[i] = now_ms() - t0;
    }
    printf("lectura del embudo (%zu tarjetas), db_tui_embudo: mediana %.1f ms, p95 %.1f ms\n", n,
           quantile(v, REPS_READ, 0.5), quantile(v, REPS_READ, 0.95));
    printf("  en comparación, api.horas_habiles_entre por fila: mediana %.1f ms, p95 %.1f ms\n",
           quantile(w, REPS_READ, 0.5), quantile(w, REPS_READ, 0.95));
}

static struct embudo_card *
cards_load(struct db *p, size_t *n, struct embudo_stage *st, int *nst)
{
    struct tui_tarjeta *t = NULL;
    struct tui_etapa *et = NULL;
    size_t ne = 0;
    struct embudo_card *c;
    struct err e = { 0 };

    if (db_tui_embudo(p, 0, &t, n, &e) != RC_OK || db_tui_etapas(p, &et, &ne, &e) != RC_OK)
        die("lectura", &e);
    c = xcalloc(*n + 1, sizeof *c);
    for (size_t i = 0; i < *n; i++) {
        c[i].id = t[i].id;
        c[i].etapa_id = t[i].etapa_id;
        c[i].con_timer = t[i].con_timer;
        c[i].restante = t[i].restante;
        c[i].timer_horas = t[i].timer_horas;
        c[i].aviso_pct = t[i].aviso_pct;
        snprintf(c[i].cliente, sizeof c[i].cliente, "%s", t[i].cliente);
        snprintf(c[i].convenio, sizeof c[i].convenio, "%s", t[i].convenio);
    }
    *nst = 0;
    for (size_t i = 0; i < ne && *nst < EMBUDO_MAX_STAGES; i++, (*nst)++) {
        st[*nst] = (struct embudo_stage){ .id = et[i].id,
                                          .salida = et[i].tipo == TUI_ETAPA_SALIDA,
                                          .venta = et[i].tipo == TUI_ETAPA_VENTA,
                                          .intentos_minimos = et[i].intentos_minimos };
        snprintf(st[*nst].nombre, sizeof st[*nst].nombre, "%s", et[i].nombre);
    }
    free(t);
    free(et);
    return c;
}

/* One frame per cursor step, as a held-down j would ask for. */
static void
bench_frames(struct embudo_model *m, int w, int h, bool list)
{
    static double v[FRAMES];

    m->list = list;
    for (int i = 0; i < FRAMES; i++) {
        double t0 = now_ms();

        embudo_model_action(m, i % 400 < 200 ? ACTION_DOWN : ACTION_UP, vm.page);
        embudo_vm_build(&vm, m, w, h);
        v[i] = now_ms() - t0;
    }
    printf("  cuadro %dx%d (%s): mediana %.3f ms, p99 %.3f ms, máximo %.3f ms\n", w, h,
           list ? "lista" : "columnas", quantile(v, FRAMES, 0.5), quantile(v, FRAMES, 0.99),
           quantile(v, FRAMES, 1.0));
}

static void
bench_vm(struct db *p)
{
    struct embudo_stage st[EMBUDO_MAX_STAGES];
    struct embudo_model m;
    size_t n = 0;
    int nst = 0;
    long before = rss_kb();
    struct embudo_card *c = cards_load(p, &n, st, &nst);
    double t0;

    embudo_model_init(&m);
    embudo_model_set_stages(&m, st, nst);
    t0 = now_ms();
    embudo_model_take_cards(&m, c, n);
    printf("modelo: indexar y ordenar %zu tarjetas %.1f ms", n, now_ms() - t0);
    t0 = now_ms();
    embudo_model_set_filter(&m, "99 nunez");
    printf("; filtro \"99 nunez\" (%zu coinciden) %.1f ms\n", m.nidx, now_ms() - t0);
    embudo_model_set_filter(&m, "");
    bench_frames(&m, 80, 24, false);
    bench_frames(&m, 160, 50, false);
    bench_frames(&m, 160, 50, true);
    printf("memoria residente: %ld kB con las tarjetas cargadas (%ld kB antes de leerlas)\n",
           rss_kb(), before);
    embudo_model_fini(&m);
}

int
main(void)
{
    const char *env = getenv("BENCH_TUI_CARDS");
    long cards = env != NULL ? strtol(env, NULL, 10) : 10000;
    struct err e = { 0 };
    struct dbt *t;
    struct db *adm, *p;
    double t0 = now_ms();

    setlocale(LC_ALL, "C.UTF-8");
    if ((t = dbt_new(NULL, &e)) == NULL)
        die("base de pruebas", &e);
    if ((adm = dbt_connect_err(t, NULL, &e)) == NULL)
        die("conectar", &e);
    seed(t, adm, cards);
    printf("datos: %ld oportunidades en %.1f s\n", cards, (now_ms() - t0) / 1e3);
    if ((p = dbt_connect_err(t, "bt_prom", &e)) == NULL)
        die("conectar bt_prom", &e);
    bench_read(t, p);
    bench_vm(p);
    db_close(p);
    db_close(adm);
    dbt_free(t);
    return 0;
}
