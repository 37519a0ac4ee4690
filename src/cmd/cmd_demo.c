/*
 * cmd_demo — `embudo demo [--clientes N] [--seed S] [--si-falta] [--actividad]`: migrates when
 * needed and loads the deterministic demo (core/demo.h, db/db_demo.h) as the administrator
 * account; --actividad then works a morning on it through the api (db/db_demo_actividad.h).
 * Main thread. Progress goes to stderr only when it is a terminal; --json prints a summary.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/config.h"
#include "core/demo.h"
#include "db/db.h"
#include "db/db_demo.h"
#include "db/db_demo_actividad.h"
#include "db/migrate.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

struct demo_args {
    long clientes;
    long semilla;
    bool si_falta;
    bool actividad;
};

/* Parses the options into a; returns 0 or the usage exit status. */
static int
demo_parse(struct cmd_ctx *ctx, struct demo_args *a)
{
    const struct cmd_entry *entry = cmd_find("demo");
    const char *clientes = NULL, *semilla = NULL;
    const struct cmd_opt opts[] = {
        { "clientes", true, &clientes, NULL },
        { "seed", true, &semilla, NULL },
        { "si-falta", false, NULL, &a->si_falta },
        { "actividad", false, NULL, &a->actividad },
        { NULL, false, NULL, NULL },
    };
    int st = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL);

    a->clientes = DEMO_CLIENTES_DEFAULT;
    a->semilla = DEMO_SEMILLA_DEFAULT;
    if (st != 0)
        return st;
    if (clientes != NULL &&
        !cmd_parse_long(clientes, DEMO_CLIENTES_MIN, DEMO_CLIENTES_MAX, &a->clientes))
        return cmd_usage(entry, "«--clientes» debe ser un entero entre %ld y %ld: «%s»",
                         DEMO_CLIENTES_MIN, DEMO_CLIENTES_MAX, clientes);
    if (semilla != NULL && !cmd_parse_long(semilla, 0, INT64_MAX, &a->semilla))
        return cmd_usage(entry, "«--seed» debe ser un entero entre 0 y %" PRId64 ": «%s»",
                         INT64_MAX, semilla);
    return 0;
}

/* Progress on a terminal: "clientes: 45 % (45 000 de 100 000)" rewritten in place. */
static void
demo_progress(void *arg, const char *fase, long hechos, long total)
{
    (void)arg;
    fprintf(stderr, "\r\033[K%s: %3ld %% (%ld de %ld)", fase, total > 0 ? hechos * 100 / total : 0,
            hechos, total);
    if (hechos == total)
        fputc('\n', stderr);
    fflush(stderr);
}

static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *
estado_name(enum db_demo_estado s)
{
    switch (s) {
    case DB_DEMO_CARGADO:
        return "cargado";
    case DB_DEMO_YA_CARGADO:
        return "ya_cargado";
    case DB_DEMO_OMITIDO:
        return "omitido";
    }
    return "?";
}

static void
actividad_json(struct json *j, const struct db_demo_actividad *v)
{
    const struct {
        const char *k;
        long n;
    } campos[] = {
        { "oportunidades", v->oportunidades },
        { "intentos", v->intentos },
        { "movimientos", v->movimientos },
        { "notas", v->notas },
        { "ventas", v->ventas },
        { "canceladas", v->canceladas },
        { "en_bandeja", v->en_bandeja },
        { "reasignadas", v->reasignadas },
        { "no_contactar", v->no_contactar },
        { "vacaciones", v->vacaciones },
        { "en_pausa", v->en_pausa },
    };

    json_obj(j);
    json_key(j, "cargada");
    json_bool(j, v->cargada);
    for (size_t i = 0; i < sizeof campos / sizeof campos[0]; i++) {
        json_key(j, campos[i].k);
        json_int(j, campos[i].n);
    }
    json_end(j);
}

/* v is NULL without --actividad. */
static void
demo_print_json(const struct db_demo_report *r, const struct db_demo_actividad *v, double secs)
{
    struct strbuf sb;
    struct json j;
    char num[32];

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "estado");
    json_str(&j, estado_name(r->estado));
    json_key(&j, "semilla");
    json_int(&j, (int64_t)r->semilla);
    json_key(&j, "clientes");
    json_int(&j, r->clientes);
    json_key(&j, "contactos");
    json_int(&j, r->contactos);
    json_key(&j, "convenios");
    json_int(&j, r->convenios);
    json_key(&j, "usuarios");
    json_int(&j, r->usuarios);
    json_key(&j, "etapas");
    json_int(&j, r->etapas);
    json_key(&j, "dias_inhabiles");
    json_int(&j, r->dias_inhabiles);
    if (v != NULL) {
        json_key(&j, "actividad");
        actividad_json(&j, v);
    }
    json_key(&j, "segundos");
    snprintf(num, sizeof num, "%.3f", secs);
    json_num(&j, num);
    json_end(&j);
    puts(sb.buf);
    strbuf_fini(&sb);
}

static void
demo_print(const struct db_demo_report *r, double secs)
{
    switch (r->estado) {
    case DB_DEMO_CARGADO:
        printf("datos demo cargados (semilla %" PRIu64 "): %ld clientes, %ld datos de contacto, "
               "%ld convenios, %ld usuarios, %ld etapas, en %.1f s\n",
               r->semilla, r->clientes, r->contactos, r->convenios, r->usuarios, r->etapas, secs);
        break;
    case DB_DEMO_YA_CARGADO:
        printf("los datos demo ya están cargados (semilla %" PRIu64 ", %ld clientes)\n", r->semilla,
               r->clientes);
        break;
    case DB_DEMO_OMITIDO:
        break; /* --si-falta: silent */
    }
}

static void
actividad_print(const struct db_demo_actividad *v, bool si_falta)
{
    if (v->cargada)
        printf("actividad demo: %ld plantillas de campaña; %ld oportunidades trabajadas con %ld "
               "intentos de contacto, %ld cambios de etapa, %ld notas y %ld ventas (%ld %s la "
               "financiera); %ld en la bandeja, %ld reasignadas; %ld %s en no contactar; %ld de "
               "vacaciones (%ld %s en pausa)\n",
               v->plantillas, v->oportunidades, v->intentos, v->movimientos, v->notas, v->ventas,
               v->canceladas, v->canceladas == 1 ? "cancelada por" : "canceladas por",
               v->en_bandeja, v->reasignadas, v->no_contactar,
               v->no_contactar == 1 ? "teléfono" : "teléfonos", v->vacaciones, v->en_pausa,
               v->en_pausa == 1 ? "temporizador" : "temporizadores");
    else if (!si_falta)
        printf("actividad demo omitida: solo se genera sobre la demo recién cargada, antes del "
               "primer lote\n");
}

/* Opens the administrator connection and applies pending migrations. NULL after a message. */
static struct db *
demo_connect(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    struct migrate_report rep = { 0 };
    struct db *db = db_open(ctx->cfg, ctx->cfg->embedded ? DB_LOGIN_ADMIN : NULL, &e);

    if (db == NULL) {
        cmd_fail("%s", e.msg);
        return NULL;
    }
    if (db_migrate(db, migration_files, migration_files_len, &rep, &e) != RC_OK) {
        cmd_fail("%s", e.msg);
        db_close(db);
        db = NULL;
    }
    migrate_report_fini(&rep);
    return db;
}

int
cmd_demo_exec(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    struct demo_args a = { 0 };
    struct db_demo_report r;
    struct db_demo_actividad v = { 0 };
    struct db_demo_opts o = { 0 };
    struct db *db;
    double t0;
    int st = demo_parse(ctx, &a);

    if (st != 0)
        return st;
    db = demo_connect(ctx);
    if (db == NULL)
        return 1;
    o.semilla = (uint64_t)a.semilla;
    o.clientes = a.clientes;
    o.si_falta = a.si_falta;
    if (!ctx->json && isatty(STDERR_FILENO))
        o.progreso = demo_progress;
    t0 = now_seconds();
    if (db_demo_load(db, &o, &r, &e) != RC_OK ||
        (a.actividad && db_demo_actividad(db, r.semilla, &v, &e) != RC_OK)) {
        if (o.progreso != NULL)
            fputs("\r\033[K", stderr); /* clear a half-drawn progress line */
        st = cmd_fail("%s", e.msg);
    } else if (ctx->json) {
        demo_print_json(&r, a.actividad ? &v : NULL, now_seconds() - t0);
    } else {
        demo_print(&r, now_seconds() - t0);
        if (a.actividad)
            actividad_print(&v, a.si_falta);
    }
    db_close(db);
    return st;
}
