/*
 * cmd_prorroga — `embudo prorroga …`, a stage timer that waits until a date (sql/079):
 *   prorroga [lista] [--todas]                        pending requests (--todas: 30 days)
 *   prorroga pedir OPORTUNIDAD --hasta AAAA-MM-DD --motivo M   the owner asks
 *   prorroga aprobar ID [--respuesta R]                the owner's supervisor or an admin
 *   prorroga rechazar ID --respuesta R
 *   prorroga cancelar ID                               the requester withdraws it
 * Flags are checked here (exit 2) before connecting; refusals print the database's message
 * (exit 1). Text or, with --json, one object or array. Main thread.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_prorroga.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

/* The one positional number (an opportunity or a request); 0 after printing usage. */
static int64_t
numero(const struct cmd_entry *entry, int npos, char **pos, const char *que)
{
    long v;

    if (npos != 1 || !cmd_parse_long(pos[0], 1, 2147483647L, &v)) {
        (void)cmd_usage(entry, "indique el número de %s", que);
        return 0;
    }
    return v;
}

/* The outcome: linea, or {"prorroga": id, key: value}. */
static void
print_hecho(const struct cmd_ctx *ctx, int64_t id, const char *key, const char *value,
            const char *linea)
{
    char num[24];

    snprintf(num, sizeof num, "%lld", (long long)id);
    crm_cmd_print_cambio(ctx, linea, "prorroga", num, true, key, value);
}

static void
print_lista(const struct cmd_ctx *ctx, const struct db_prorroga *r, size_t n)
{
    struct strbuf sb;
    struct json j;
    char num[24];

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            const char *const kv[][2] = {
                { "cliente", r[i].cliente },
                { "promotor", r[i].promotor },
                { "etapa", r[i].etapa },
                { "vence", r[i].vence },
                { "reanudar", r[i].reanudar },
                { "motivo", r[i].motivo },
                { "estado", r[i].estado },
                { "pedida", r[i].pedida },
                { "resuelta_por", r[i].resuelta_por },
                { "respuesta", r[i].respuesta },
            };

            json_obj(&j);
            json_key(&j, "prorroga");
            json_int(&j, r[i].id);
            json_key(&j, "oportunidad");
            json_int(&j, r[i].oportunidad_id);
            crm_cmd_json_textos(&j, kv, sizeof kv / sizeof kv[0]);
            json_end(&j);
        }
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    if (n == 0) {
        puts("no hay prórrogas que mostrar");
        strbuf_fini(&sb);
        return;
    }
    crm_cmd_col(&sb, "PRÓRROGA", 9);
    crm_cmd_col(&sb, "OPORT.", 7);
    crm_cmd_col(&sb, "PROMOTOR", 10);
    crm_cmd_col(&sb, "ETAPA", 14);
    crm_cmd_col(&sb, "VENCE", 15);
    crm_cmd_col(&sb, "REANUDAR", 11);
    crm_cmd_col(&sb, "ESTADO", 10);
    strbuf_addstr(&sb, "MOTIVO\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(num, sizeof num, "%lld", (long long)r[i].id);
        crm_cmd_col(&sb, num, 9);
        snprintf(num, sizeof num, "%lld", (long long)r[i].oportunidad_id);
        crm_cmd_col(&sb, num, 7);
        crm_cmd_col(&sb, r[i].promotor, 10);
        crm_cmd_col(&sb, r[i].etapa, 14);
        crm_cmd_col(&sb, r[i].vence != NULL ? r[i].vence : "—", 15);
        crm_cmd_col(&sb, r[i].reanudar, 11);
        crm_cmd_col(&sb, r[i].estado, 10);
        strbuf_addstr(&sb, r[i].motivo);
        if (r[i].respuesta != NULL)
            strbuf_addf(&sb, " → %s", r[i].respuesta);
        strbuf_addch(&sb, '\n');
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static int
run_lista(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    bool todas = false;
    const struct cmd_opt opts[] = { { "todas", false, NULL, &todas }, { NULL, false, NULL, NULL } };
    struct db_prorroga *r = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, argc, argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_prorrogas(db, !todas, &r, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_lista(ctx, r, n);
    db_prorrogas_free(r, n);
    db_close(db);
    return status;
}

static int
run_pedir(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *hasta = NULL, *motivo = NULL;
    const struct cmd_opt opts[] = { { "hasta", true, &hasta, NULL },
                                    { "motivo", true, &motivo, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[1], linea[160];
    int npos = 0, status;
    int64_t op, id = 0;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if ((op = numero(entry, npos, pos, "la oportunidad")) == 0)
        return 2;
    if (!crm_cmd_fecha_valida(hasta))
        return cmd_usage(entry, "«--hasta» es la fecha AAAA-MM-DD en que se reanuda");
    if ((status = crm_cmd_texto(entry, "motivo", motivo, 500)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_prorroga_pedir(db, op, hasta, motivo, &id, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        snprintf(linea, sizeof linea,
                 "prórroga %lld pedida: la oportunidad %lld espera hasta el %s si su supervisor"
                 " la aprueba",
                 (long long)id, (long long)op, hasta);
        print_hecho(ctx, id, "estado", "PENDIENTE", linea);
    }
    db_close(db);
    return status;
}

/* aprobar / rechazar. */
static int
run_resolver(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv,
             bool aprobar)
{
    const char *respuesta = NULL;
    const struct cmd_opt opts[] = { { "respuesta", true, &respuesta, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[1], vence[32], linea[160];
    int npos = 0, status;
    int64_t id;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if ((id = numero(entry, npos, pos, "la prórroga")) == 0)
        return 2;
    if ((!aprobar || respuesta != NULL) &&
        (status = crm_cmd_texto(entry, "respuesta", respuesta, 500)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_prorroga_resolver(db, id, aprobar, respuesta, vence, sizeof vence, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else if (aprobar) {
        snprintf(linea, sizeof linea, "prórroga %lld aprobada: el temporizador vence el %s",
                 (long long)id, vence);
        print_hecho(ctx, id, "vence", vence, linea);
    } else {
        snprintf(linea, sizeof linea, "prórroga %lld rechazada", (long long)id);
        print_hecho(ctx, id, "estado", "RECHAZADA", linea);
    }
    db_close(db);
    return status;
}

static int
run_aprobar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    return run_resolver(ctx, entry, argc, argv, true);
}

static int
run_rechazar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    return run_resolver(ctx, entry, argc, argv, false);
}

static int
run_cancelar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    char *pos[1], linea[96];
    int npos = 0, status;
    int64_t id;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, NULL, pos, 1, &npos)) != 0)
        return status;
    if ((id = numero(entry, npos, pos, "la prórroga")) == 0)
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_prorroga_cancelar(db, id, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        snprintf(linea, sizeof linea, "prórroga %lld cancelada", (long long)id);
        print_hecho(ctx, id, "estado", "CANCELADA", linea);
    }
    db_close(db);
    return status;
}

int
cmd_prorroga_exec(struct cmd_ctx *ctx)
{
    static const struct cmd_verb verbs[] = {
        { "lista", run_lista },       { "pedir", run_pedir },       { "aprobar", run_aprobar },
        { "rechazar", run_rechazar }, { "cancelar", run_cancelar },
    };

    return cmd_verbs_run(ctx, "prorroga", verbs, sizeof verbs / sizeof verbs[0], true);
}
