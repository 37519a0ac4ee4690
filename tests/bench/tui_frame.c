/*
 * tui_frame — benchmark of one whole frame of the embudo pane with 10,000 opportunities,
 * curses included (issue 4): the view-model build (ui/vm/embudo_vm) plus the copy into the
 * pane's WINDOW (ui/pane/embudo_pane) plus doupdate() writing the terminal's bytes, as the
 * client's frame callback does, at 80×24 and 160×50, kanban and list, while the cursor
 * scrolls (so every frame writes something). The terminal is a real ncurses SCREEN
 * (TERM=xterm-256color) whose output goes to /dev/null. Also the resident memory with the
 * cards loaded and the peak. tests/bench/tui.c measures the database read and the model.
 *
 * No database: the cards are generated (names with accents and ñ, eight stages, timers ok,
 * warned and overdue). BENCH_TUI_CARDS changes the 10,000. Prints figures; asserts nothing
 * about time (target: ≤ 16 ms per frame, ≤ 50 MB resident). Exit 1 only when the terminal
 * cannot be set up.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "ui/pane/embudo_pane.h"
#include "ui/pane/pane.h"
#include "ui/vm/embudo_vm.h"
#include "util/xmalloc.h"

#define FRAMES 1000

static struct embudo_vm vm; /* large: static, the main thread only */

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this thread: what a frame costs, without the waits of a loaded machine. */
static double
cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

/* "VmRSS" or "VmHWM" of this process, in kB. */
static long
status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;

    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, key, strlen(key)) == 0)
            kb = strtol(line + strlen(key) + 1, NULL, 10);
    if (f != NULL)
        fclose(f);
    return kb;
}

static struct embudo_card *
make_cards(size_t n)
{
    static const char *const nombres[] = { "María Guadalupe", "José Ángel", "Xóchitl", "Ramón",
                                           "Begoña",          "Iñaki",      "Héctor",  "Sofía" };
    static const char *const apellidos[] = { "Núñez", "Peña",       "Muñoz",   "Ibáñez",
                                             "Gómez", "Villaseñor", "Ordóñez", "Cañedo" };
    static const char *const convenios[] = { "IMSS", "ISSSTE", "PEMEX", "SEP", "CFE" };
    struct embudo_card *c = xcalloc(n, sizeof *c);
    unsigned long x = 12345;

    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL; /* a fixed LCG: same data */
        c[i].id = (int64_t)i + 1;
        c[i].etapa_id = 1 + (int)((x >> 33) % 6);
        c[i].estado = EMBUDO_ABIERTA;
        c[i].con_timer = true;
        c[i].timer_horas = 48;
        c[i].restante = (double)((long)((x >> 20) % 120) - 30); /* some overdue */
        c[i].aviso_pct = 75;
        c[i].etapa_desde = 1700000000 + (long long)(x % 100000);
        snprintf(c[i].cliente, sizeof c[i].cliente, "%s %s %s %zu", nombres[(x >> 8) % 8],
                 apellidos[(x >> 12) % 8], apellidos[(x >> 16) % 8], i);
        snprintf(c[i].convenio, sizeof c[i].convenio, "%s", convenios[(x >> 24) % 5]);
        snprintf(c[i].login, sizeof c[i].login, "prom%zu", i % 7 + 1);
    }
    return c;
}

static void
set_stages(struct embudo_model *m)
{
    static const char *const names[] = { "Nuevo",         "Contactado",    "Interesado",
                                         "En trámite",    "Documentación", "Firma",
                                         "No localizado", "Venta" };
    struct embudo_stage st[8];

    for (int i = 0; i < 8; i++) {
        st[i] = (struct embudo_stage){ .id = i + 1, .salida = i == 6, .venta = i == 7 };
        snprintf(st[i].nombre, sizeof st[i].nombre, "%s", names[i]);
    }
    embudo_model_set_stages(m, st, 8);
}

/* FRAMES frames at w × h: build, copy into the window, doupdate; the cursor scrolls. */
static void
bench_frames(struct embudo_model *m, int w, int h, bool list)
{
    static double build[FRAMES], frame[FRAMES], cpu[FRAMES];
    struct pane p = { 0 };

    resizeterm(h + 3, w);
    pane_place(&p, 2, 0, h, w);
    if (m->list != list)
        embudo_model_action(m, ACTION_TOGGLE_VIEW, vm.page);
    for (int i = 0; i < FRAMES; i++) {
        double t0 = now_ms(), c0 = cpu_ms(), t1;

        embudo_model_action(m, i % 400 < 200 ? ACTION_DOWN : ACTION_UP, vm.page);
        if (i % 100 == 50)
            embudo_model_action(m, ACTION_RIGHT, vm.page);
        embudo_vm_build(&vm, m, w, h);
        t1 = now_ms();
        embudo_pane_draw(&p, &vm);
        doupdate();
        build[i] = t1 - t0;
        frame[i] = now_ms() - t0;
        cpu[i] = cpu_ms() - c0;
    }
    pane_fini(&p);
    printf("  %3dx%-3d %-7s vm: mediana %.3f ms | cuadro (vm + curses + doupdate): mediana "
           "%.3f ms, p99 %.3f ms, máximo %.3f ms | CPU del cuadro: mediana %.3f ms, p99 %.3f ms\n",
           w, h, list ? "lista" : "kanban", quantile(build, FRAMES, 0.5),
           quantile(frame, FRAMES, 0.5), quantile(frame, FRAMES, 0.99),
           quantile(frame, FRAMES, 1.0), quantile(cpu, FRAMES, 0.5), quantile(cpu, FRAMES, 0.99));
}

int
main(void)
{
    const char *env = getenv("BENCH_TUI_CARDS");
    size_t n = env != NULL ? (size_t)strtoul(env, NULL, 10) : 10000;
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    struct embudo_model m;
    SCREEN *scr;
    long before;
    double t0;

    setlocale(LC_ALL, "C.UTF-8");
    scr = out != NULL && in != NULL ? newterm("xterm-256color", out, in) : NULL;
    if (scr == NULL) {
        fprintf(stderr, "bench tui_frame: no se pudo crear la terminal xterm-256color\n");
        return 1;
    }
    before = status_kb("VmRSS:");
    embudo_model_init(&m);
    set_stages(&m);
    t0 = now_ms();
    embudo_model_take_cards(&m, make_cards(n), n);
    printf("embudo con %zu oportunidades (modelo indexado en %.1f ms), %d cuadros por caso:\n", n,
           now_ms() - t0, FRAMES);
    bench_frames(&m, 80, 21, false); /* the body of an 80×24 screen */
    bench_frames(&m, 160, 47, false);
    bench_frames(&m, 80, 21, true);
    bench_frames(&m, 160, 47, true);
    printf("memoria residente: %ld kB con las tarjetas y la terminal (%ld kB antes de cargar "
           "las tarjetas); pico %ld kB. Meta: 16 ms por cuadro, 50 MB.\n",
           status_kb("VmRSS:"), before, status_kb("VmHWM:"));
    embudo_model_fini(&m);
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
    return 0;
}
