/*
 * cmd_sweep — `embudo sweep [--once]` (the timer sweep as a process) and `embudo doctor`
 * (api.verificar_invariantes). Main thread.
 *
 * A sweep run is rt/sweep.h's sweep_run (heartbeat row, api.barrer_timers in batches, counts
 * or error recorded; `embudo worker` runs the same one). Without --once it repeats every
 * SWEEP_PERIOD_S seconds until SIGINT or SIGTERM; a lost connection is reopened on the next run.
 * Any number of sweepers may run at once: the database hands each row to exactly one of them.
 * Each new connection first reads who it is (db_sesion): a session that may not sweep (the
 * auditor) is refused at once with the account to use, exit 1, instead of a failed run every
 * minute forever.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_crm.h"
#include "db/db_sesion.h"
#include "rt/sweep.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

/* Set by the signal handler, read by the main thread's loop (lock-free: signal-safe). */
static atomic_int sweep_stop;

static void
sweep_on_signal(int sig)
{
    (void)sig;
    atomic_store(&sweep_stop, 1);
}

static void
sweep_print(const struct cmd_ctx *ctx, const struct sweep_run *run, const struct err *e)
{
    struct strbuf sb;
    struct json j;

    if (!ctx->json) {
        if (e == NULL) {
            char linea[128];

            sweep_run_text(run, linea, sizeof linea);
            printf("%s\n", linea);
        } else
            fprintf(stderr, "embudo: barrido fallido: %s\n", e->msg);
        fflush(stdout);
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "devueltas");
    json_int(&j, run->devueltas);
    json_key(&j, "avisadas");
    json_int(&j, run->avisadas);
    json_key(&j, "lotes");
    json_int(&j, run->lotes);
    json_key(&j, "error");
    json_str(&j, e != NULL ? e->msg : NULL);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

/* Sleeps up to seconds, waking early on a stop signal. */
static void
sweep_wait(int seconds)
{
    for (int i = 0; i < seconds && atomic_load(&sweep_stop) == 0; i++)
        sleep(1);
}

/* A new connection: whether its session may sweep at all. NULL (closed, printed) when not or
 * when it could not be told; with vetado set when it may not, so the loop ends instead of
 * failing every minute. */
static struct db *
sweep_open(struct cmd_ctx *ctx, bool *vetado)
{
    struct db *db = crm_cmd_open(ctx);
    struct db_sesion s;
    struct err e = { 0 };

    if (db == NULL)
        return NULL;
    if (db_sesion_load(db, &s, &e) == RC_OK &&
        crm_cmd_sesion_barre(&s, "el barrido", "devuelve al pool las oportunidades vencidas", &e))
        return db;
    *vetado = e.rc == RC_REFUSED;
    (void)crm_cmd_fail(ctx, &e);
    db_close(db);
    return NULL;
}

/* The loop; returns the exit status. */
static int
sweep_loop(struct cmd_ctx *ctx, bool once, const char *proceso)
{
    struct db *db = NULL;
    struct sweep_run run;
    struct err e = { 0 };
    bool vetado = false;
    int status = 0;

    while (atomic_load(&sweep_stop) == 0) {
        if (db == NULL && (db = sweep_open(ctx, &vetado)) == NULL) {
            status = 1;
            if (vetado)
                return 1; /* its role may not sweep: a minute later it still may not */
        } else if (sweep_run(db, proceso, &sweep_stop, &run, &e) != RC_OK) {
            sweep_print(ctx, &run, &e);
            status = 1;
            if (e.rc == RC_DB && strcmp(e.code, "08006") == 0) {
                db_close(db); /* reconnect on the next run */
                db = NULL;
            }
        } else {
            sweep_print(ctx, &run, NULL);
            status = 0;
        }
        if (once)
            break;
        sweep_wait(SWEEP_PERIOD_S);
    }
    db_close(db);
    return once ? status : 0;
}

int
cmd_sweep_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("sweep");
    bool once = false;
    const struct cmd_opt opts[] = { { "once", false, NULL, &once }, { NULL, false, NULL, NULL } };
    struct sigaction sa;
    char host[64] = "", proceso[160];
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = sweep_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    (void)gethostname(host, sizeof host - 1);
    snprintf(proceso, sizeof proceso, "embudo sweep %s:%ld", host, (long)getpid());
    return sweep_loop(ctx, once, proceso);
}

/* ---- doctor --------------------------------------------------------------------------------- */

/* A sweep whose last success is older than this is reported as stopped. */
#define SWEEP_STALE_SECONDS (5 * SWEEP_PERIOD_S)

static void
doctor_text(const struct db_violacion *rows, size_t n, const struct db_sweep_salud *s)
{
    if (n == 0)
        printf("sin violaciones: todas las invariantes se cumplen\n");
    for (size_t i = 0; i < n; i++)
        printf("%s: %s\n", rows[i].invariante, rows[i].detalle != NULL ? rows[i].detalle : "");
    if (n > 0)
        printf("%zu violaciones\n", n);
    if (s->segundos_desde < 0)
        printf("aviso: el barrido de timers nunca ha terminado bien: ejecute «embudo sweep»\n");
    else if (s->segundos_desde > SWEEP_STALE_SECONDS)
        printf("aviso: el último barrido exitoso fue hace %d min: ¿está corriendo «embudo "
               "sweep»?\n",
               s->segundos_desde / 60);
    else
        printf("barrido: último éxito hace %d s, %d corridas en la última hora\n",
               s->segundos_desde, s->corridas_1h);
    if (s->ultimo_error != NULL)
        printf("último error del barrido: %s\n", s->ultimo_error);
}

static void
doctor_json(const struct db_violacion *rows, size_t n, const struct db_sweep_salud *s)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "violaciones");
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        json_obj(&j);
        json_key(&j, "invariante");
        json_str(&j, rows[i].invariante);
        json_key(&j, "detalle");
        json_str(&j, rows[i].detalle);
        json_end(&j);
    }
    json_end(&j);
    json_key(&j, "barrido_segundos_desde_exito");
    if (s->segundos_desde >= 0)
        json_int(&j, s->segundos_desde);
    else
        json_null(&j);
    json_key(&j, "barrido_corridas_1h");
    json_int(&j, s->corridas_1h);
    json_key(&j, "barrido_ultimo_error");
    json_str(&j, s->ultimo_error);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_doctor_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("doctor");
    struct db_violacion *rows = NULL;
    struct db_sweep_salud salud = { 0 };
    struct err e = { 0 };
    struct db *db;
    size_t n = 0;
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, NULL, NULL, 0, NULL)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_invariantes(db, &rows, &n, &e) != RC_OK || db_sweep_salud(db, &salud, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        if (ctx->json)
            doctor_json(rows, n, &salud);
        else
            doctor_text(rows, n, &salud);
        status = n == 0 ? 0 : 1;
    }
    db_violaciones_free(rows, n);
    db_sweep_salud_fini(&salud);
    db_close(db);
    return status;
}
