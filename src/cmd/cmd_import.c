/*
 * cmd_import — `embudo import clientes FILE.csv [--rechazos RECHAZOS.csv] [--actualizar [--bajas
 * [--forzar]]]`: loads a client file into the padron (docs/import.md) through db_import, all
 * valid rows in one transaction; with --actualizar a row whose CURP is already a client's
 * updates it, and with --bajas the file's convenios' clients it no longer names leave the pool.
 * Rejected rows go to stderr with their line and reason (the first CSVFILE_STDERR_MAX of them) and,
 * with
 * --rechazos, all of them to a CSV file. On a TTY a progress line is redrawn on stderr.
 * SIGINT/SIGTERM cancel: nothing is loaded. Main thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "cmd/cmd_csvfile.h"
#include "core/config.h"
#include "core/csv.h"
#include "db/db.h"
#include "db/db_import.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

struct import_ui {
    struct csvfile f;
    struct db_import_stats st; /* filled by db_import_clientes */
};

static void
import_on_reject(void *arg, unsigned long line, const char *motivo, char *const *fields, size_t n)
{
    struct import_ui *ui = arg;

    csvfile_reject(&ui->f, ui->st.header, ui->st.nheader, line, motivo, fields, n);
}

static bool
import_on_progress(void *arg, unsigned long rows, unsigned long long bytes)
{
    struct import_ui *ui = arg;

    csvfile_progress(&ui->f, "importando", rows, bytes);
    return !csvfile_cancelled();
}

static void
import_summary(const struct cmd_ctx *ctx, const struct db_import_stats *st,
               const struct db_import_opts *o, double secs)
{
    struct strbuf sb;
    struct json j;

    if (!ctx->json) {
        printf("importación completa en %.1f s: %lu filas leídas, %lu cargadas, ", secs, st->filas,
               st->cargadas);
        if (o->actualizar)
            printf("%lu actualizadas, %lu sin cambios, ", st->actualizadas, st->sin_cambios);
        if (o->bajas)
            printf("%lu dados de baja, %lu reactivados, ", st->bajas, st->reactivados);
        printf("%lu rechazadas, %lu ya estaban en el padrón\n", st->rechazadas, st->en_padron);
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "filas");
    json_int(&j, (int64_t)st->filas);
    json_key(&j, "cargadas");
    json_int(&j, (int64_t)st->cargadas);
    json_key(&j, "rechazadas");
    json_int(&j, (int64_t)st->rechazadas);
    json_key(&j, "en_padron");
    json_int(&j, (int64_t)st->en_padron);
    if (o->bajas) {
        json_key(&j, "bajas");
        json_int(&j, (int64_t)st->bajas);
        json_key(&j, "reactivados");
        json_int(&j, (int64_t)st->reactivados);
    }
    if (o->actualizar) {
        json_key(&j, "actualizadas");
        json_int(&j, (int64_t)st->actualizadas);
        json_key(&j, "sin_cambios");
        json_int(&j, (int64_t)st->sin_cambios);
    }
    json_key(&j, "milisegundos");
    json_int(&j, (int64_t)(secs * 1000.0));
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

/* Connects, imports, reports; returns the exit status. */
static int
import_run(const struct cmd_ctx *ctx, struct import_ui *ui, bool actualizar, bool bajas,
           bool forzar)
{
    const char *login = ctx->as_login != NULL ? ctx->as_login
                        : ctx->cfg->embedded  ? DB_LOGIN_ADMIN
                                              : NULL;
    struct db_import_opts o = { .reject = import_on_reject,
                                .reject_arg = ui,
                                .progress = import_on_progress,
                                .progress_arg = ui,
                                .actualizar = actualizar,
                                .bajas = bajas,
                                .forzar = forzar };
    struct err e = { 0 };
    struct db *db = db_open(ctx->cfg, login, &e);
    int rc;

    if (db == NULL)
        return crm_cmd_fail(ctx, &e);
    rc = db_import_clientes(db, csvfile_read, &ui->f, &o, &ui->st, &e);
    csvfile_done(&ui->f);
    if (rc == RC_OK)
        import_summary(ctx, &ui->st, &o, csvfile_elapsed(&ui->f));
    db_import_stats_fini(&ui->st);
    db_close(db);
    return rc == RC_OK ? 0 : crm_cmd_fail(ctx, &e);
}

int
cmd_import_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("import");
    const char *rech = NULL;
    bool actualizar = false, bajas = false, forzar = false;
    const struct cmd_opt opts[] = { { "rechazos", true, &rech, NULL },
                                    { "actualizar", false, NULL, &actualizar },
                                    { "bajas", false, NULL, &bajas },
                                    { "forzar", false, NULL, &forzar },
                                    { NULL, false, NULL, NULL } };
    struct import_ui ui = { 0 };
    char *pos[2];
    int npos = 0, status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, pos, 2, &npos)) != 0)
        return status;
    if (npos != 2 || strcmp(pos[0], "clientes") != 0)
        return cmd_usage(entry, npos == 0 ? "falta «clientes ARCHIVO.csv»"
                                          : "solo se importan «clientes»: import clientes "
                                            "ARCHIVO.csv");
    if (bajas && !actualizar)
        return cmd_usage(entry, "«--bajas» va con «--actualizar»: el archivo tiene que ser el "
                                "padrón completo de sus convenios");
    if (forzar && !bajas)
        return cmd_usage(entry, "«--forzar» solo va con «--bajas»");
    if ((status = csvfile_open(&ui.f, pos[1], rech)) != 0)
        return status;
    status = import_run(ctx, &ui, actualizar, bajas, forzar);
    return csvfile_close(&ui.f, status);
}
