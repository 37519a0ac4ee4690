/*
 * cmd_db — `embudo db init | start | stop | status | migrate | psql [ARGS…] | respaldar
 * [ARCHIVO] [--forzar] | restaurar ARCHIVO`: the embedded PostgreSQL cluster, migrations, a
 * psql shortcut, backups and their restore (db/respaldo.h). Main thread; prints Spanish
 * messages.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/config.h"
#include "db/cluster.h"
#include "db/db.h"
#include "db/migrate.h"
#include "db/respaldo.h"
#include "util/err.h"
#include "util/xmalloc.h"

/* pg_ctl's convention: status exits 3 when the server is not running. */
#define DB_STATUS_STOPPED 3

static const struct cmd_entry *
db_entry(void)
{
    return cmd_find("db");
}

/* init/stop make sense only for the embedded cluster. */
static int
db_require_embedded(const struct cmd_ctx *ctx, const char *sub)
{
    if (ctx->cfg->embedded)
        return 0;
    return cmd_fail("«db %s» solo aplica al clúster embebido; embudo usa el servidor "
                    "configurado en %s",
                    sub, ctx->cfg->database_url.where != NULL ? ctx->cfg->database_url.where
                                                              : "el entorno (PG*)");
}

static int
db_init(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    struct cluster_status st;
    bool created = false;

    if (db_require_embedded(ctx, "init") != 0)
        return 1;
    if (cluster_init(ctx->cfg, &created, &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    if (cluster_status(ctx->cfg, &st, &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    if (created)
        printf("clúster creado en %s; PostgreSQL corriendo (pid %ld)\n", st.data_dir, st.pid);
    else
        printf("el clúster ya existía en %s; PostgreSQL corriendo (pid %ld)\n", st.data_dir,
               st.pid);
    cluster_status_fini(&st);
    return 0;
}

static int
db_start(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    struct db *db;
    bool started = false;
    long pid = 0;

    if (!ctx->cfg->embedded) {
        db = db_open(ctx->cfg, NULL, &e);
        if (db == NULL)
            return cmd_fail("%s", e.msg);
        printf("servidor externo disponible (PostgreSQL %s)\n", db_server_version(db));
        db_close(db);
        return 0;
    }
    if (cluster_start(ctx->cfg, &started, &pid, &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    if (started)
        printf("PostgreSQL arrancado (pid %ld)\n", pid);
    else
        printf("PostgreSQL ya estaba corriendo (pid %ld)\n", pid);
    return 0;
}

static int
db_stop(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    bool was_running = false;

    if (db_require_embedded(ctx, "stop") != 0)
        return 1;
    if (cluster_stop(ctx->cfg, &was_running, &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    puts(was_running ? "PostgreSQL detenido" : "PostgreSQL no estaba corriendo");
    return 0;
}

/* Version and migration counts over a fresh connection; fields stay NULL/0 on failure. */
struct db_info {
    char *version;
    size_t applied, pending;
    char msg[ERR_MSG_BYTES]; /* why the database could not be asked, or "" */
};

static void
db_info_get(const struct cmd_ctx *ctx, struct db_info *info)
{
    struct err e = { 0 };
    struct db *db;

    memset(info, 0, sizeof *info);
    /* cluster.c never starts anything for status: connect without db_open's start. */
    if (ctx->cfg->embedded) {
        char *ci = db_conninfo_fmt(ctx->cfg, DB_LOGIN_ADMIN);
        db = db_open_conninfo(ci, &e);
        free(ci);
    } else {
        db = db_open(ctx->cfg, NULL, &e);
    }
    if (db != NULL) {
        info->version = xstrdup(db_server_version(db));
        if (db_migrate_status(db, migration_files, migration_files_len, &info->applied,
                              &info->pending, &e) != RC_OK)
            snprintf(info->msg, sizeof info->msg, "%s", e.msg);
    } else {
        snprintf(info->msg, sizeof info->msg, "%s", e.msg);
    }
    db_close(db);
}

static void
db_status_print(const struct cmd_ctx *ctx, const struct cluster_status *st, bool running,
                const struct db_info *info)
{
    static const char *const names[] = { "sin crear", "detenido", "corriendo" };
    const char *state = ctx->cfg->embedded ? names[st->state]
                        : running          ? "disponible"
                                           : "sin conexión";

    if (ctx->json) {
        printf("{\"estado\":\"%s\",\"embebido\":%s,\"pid\":%ld,\"version\":\"%s\","
               "\"migraciones_aplicadas\":%zu,\"migraciones_pendientes\":%zu}\n",
               state, ctx->cfg->embedded ? "true" : "false", st->pid,
               info->version != NULL ? info->version : "", info->applied, info->pending);
        return;
    }
    printf("estado:       %s\n", state);
    if (ctx->cfg->embedded) {
        if (st->pid > 0)
            printf("pid:          %ld\n", st->pid);
        printf("datos:        %s\nsocket:       %s\nregistro:     %s\n", st->data_dir,
               st->socket_dir, st->log_file);
    } else {
        printf("servidor:     %s\n", ctx->cfg->database_url.value[0] != '\0'
                                         ? "DATABASE_URL / --db / configuración"
                                         : "variables PG* del entorno");
    }
    if (info->version != NULL)
        printf("versión:      PostgreSQL %s\n", info->version);
    if (info->version != NULL && info->msg[0] == '\0')
        printf("migraciones:  %zu %s, %zu %s\n", info->applied,
               info->applied == 1 ? "aplicada" : "aplicadas", info->pending,
               info->pending == 1 ? "pendiente" : "pendientes");
    if (info->msg[0] != '\0')
        printf("aviso:        %s\n", info->msg);
}

static int
db_status(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    struct cluster_status st = { 0 };
    struct db_info info = { 0 };
    bool running;

    if (ctx->cfg->embedded && cluster_status(ctx->cfg, &st, &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    running = ctx->cfg->embedded ? st.state == CLUSTER_RUNNING : true;
    if (running)
        db_info_get(ctx, &info);
    if (!ctx->cfg->embedded)
        running = info.version != NULL;
    db_status_print(ctx, &st, running, &info);
    free(info.version);
    cluster_status_fini(&st);
    return running ? 0 : DB_STATUS_STOPPED;
}

static int
db_migrate_cmd(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    struct migrate_report rep = { 0 };
    struct db *db = db_open(ctx->cfg, ctx->cfg->embedded ? DB_LOGIN_ADMIN : NULL, &e);
    int rc, status = 0;

    if (db == NULL)
        return cmd_fail("%s", e.msg);
    rc = db_migrate(db, migration_files, migration_files_len, &rep, &e);
    for (size_t i = 0; i < rep.applied; i++)
        printf("aplicada %s\n", rep.names[i]);
    if (rc != RC_OK)
        status = cmd_fail("%s", e.msg);
    else if (rep.applied == 0)
        printf("nada que aplicar (%zu %s)\n", rep.already,
               rep.already == 1 ? "migración ya aplicada" : "migraciones ya aplicadas");
    else
        printf("%zu %s; %zu ya lo %s\n", rep.applied,
               rep.applied == 1 ? "migración aplicada" : "migraciones aplicadas", rep.already,
               rep.already == 1 ? "estaba" : "estaban");
    migrate_report_fini(&rep);
    db_close(db);
    return status;
}

/* Replaces this process with psql connected to embudo's database. */
static int
db_psql(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    char *psql, *ci;
    char **argv;
    int n = 0;

    if (ctx->cfg->embedded && cluster_ensure_running(ctx->cfg, &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    psql = cluster_bin_fmt(ctx->cfg, "psql", &e);
    if (psql == NULL)
        return cmd_fail("%s", e.msg);
    ci = db_conninfo_fmt(ctx->cfg, ctx->as_login);
    argv = xcalloc((size_t)ctx->argc + 4, sizeof *argv);
    argv[n++] = psql;
    if (ci[0] != '\0') {
        argv[n++] = xstrdup("-d");
        argv[n++] = ci;
    }
    for (int i = 1; i < ctx->argc; i++)
        argv[n++] = ctx->argv[i];
    argv[n] = NULL;
    fflush(NULL);
    execv(psql, argv);
    return cmd_fail("no se pudo ejecutar %s", psql);
}

/* "683.8 KiB": a size people read at a glance (the exact bytes are printed beside it). */
static void
size_human(long long bytes, char *out, size_t outsz)
{
    static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
    double v = (double)bytes;
    size_t u = 0;

    while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(out, outsz, "%lld bytes", bytes);
    else
        snprintf(out, outsz, "%.1f %s", v, units[u]);
}

static int
db_respaldar(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    struct respaldo_info info;
    bool forzar = false;
    char *pos[1] = { NULL };
    char name[64], size[32];
    int npos = 0, status;
    const struct cmd_opt opts[] = { { "forzar", false, NULL, &forzar },
                                    { NULL, false, NULL, NULL } };

    if ((status = cmd_parse(db_entry(), ctx->argc - 1, ctx->argv + 1, opts, pos, 1, &npos)) != 0)
        return status;
    if (npos == 0) {
        time_t now = time(NULL);
        struct tm tm;

        strftime(name, sizeof name, "embudo-%Y%m%d-%H%M.dump", localtime_r(&now, &tm));
        pos[0] = name;
    }
    if (respaldo_write(ctx->cfg, pos[0], forzar, &info, &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    size_human(info.bytes, size, sizeof size);
    printf("respaldo:     %s\ntamaño:       %s (%lld bytes)\nmigraciones:  %zu (la última, %s)\n",
           pos[0], size, info.bytes, info.migrations, info.last);
    printf("fuera del respaldo: la llave de WhatsApp (%s), la configuración y los temas\n",
           ctx->cfg->wa_key_file.value);
    return 0;
}

static int
db_restaurar(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    struct respaldo_report rep;
    char *pos[1] = { NULL };
    int npos = 0, status;

    if ((status = cmd_parse(db_entry(), ctx->argc - 1, ctx->argv + 1, NULL, pos, 1, &npos)) != 0)
        return status;
    if (npos == 0)
        return cmd_usage(db_entry(), "«db restaurar» necesita el ARCHIVO del respaldo");
    if (db_require_embedded(ctx, "restaurar") != 0)
        return 1;
    if (respaldo_restore(ctx->cfg, pos[0], &rep, &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    printf("restaurado:    %s en la base %s\n", pos[0], DB_NAME);
    printf("usuarios:      %lld (sus roles de PostgreSQL, recreados)\n", rep.users);
    printf("oportunidades: %lld\n", rep.opportunities);
    printf("migraciones:   %zu del respaldo, %zu %s ahora\n", rep.archive.migrations, rep.applied,
           rep.applied == 1 ? "aplicada" : "aplicadas");
    puts("revise la base con «embudo doctor»");
    return 0;
}

int
cmd_db_exec(struct cmd_ctx *ctx)
{
    static const struct {
        const char *name;
        int (*fn)(struct cmd_ctx *);
        bool args; /* parses its own arguments */
    } subs[] = {
        { "init", db_init, false },           { "start", db_start, false },
        { "stop", db_stop, false },           { "status", db_status, false },
        { "migrate", db_migrate_cmd, false }, { "psql", db_psql, true },
        { "respaldar", db_respaldar, true },  { "restaurar", db_restaurar, true },
    };

    if (ctx->argc < 1)
        return cmd_usage(db_entry(), "falta el subcomando");
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(ctx->argv[0], subs[i].name) != 0)
            continue;
        if (!subs[i].args && ctx->argc > 1)
            return cmd_usage(db_entry(), "«db %s» no lleva argumentos", subs[i].name);
        return subs[i].fn(ctx);
    }
    return cmd_usage(db_entry(), "subcomando desconocido: «%s»", ctx->argv[0]);
}
