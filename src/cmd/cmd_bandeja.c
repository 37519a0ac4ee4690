/*
 * cmd_bandeja — the supervisor's commands: `bandeja` (list the exits inbox),
 * `bandeja reasignar|devolver|descartar|reabrir ID… [--a LOGIN] --motivo M`,
 * `reasignar OPORTUNIDAD… --a LOGIN --motivo M` and `extender OPORTUNIDAD… --horas N
 * --motivo M` (more business hours on running stage timers). All-or-nothing in the database;
 * refusals print its message and exit 1. Main thread.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_crm.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

#define IDS_MAX 1000

static void
bandeja_json_row(struct json *j, const struct db_bandeja_fila *r)
{
    char t1[32], t2[32], horas[32];

    json_obj(j);
    json_key(j, "oportunidad");
    json_int(j, r->oportunidad_id);
    json_key(j, "cliente");
    json_str(j, r->cliente);
    json_key(j, "telefono");
    json_str(j, r->telefono);
    json_key(j, "promotor");
    json_str(j, r->usuario_login);
    json_key(j, "promotor_nombre");
    json_str(j, r->usuario_nombre);
    json_key(j, "etapa");
    json_str(j, r->etapa);
    json_key(j, "motivo");
    json_str(j, r->motivo);
    json_key(j, "desde");
    json_str(j, crm_cmd_time_iso(r->desde, t1, sizeof t1));
    json_key(j, "antiguedad_horas");
    json_int(j, (int64_t)r->antiguedad_horas);
    json_key(j, "espera_habiles");
    snprintf(horas, sizeof horas, "%.2f", r->espera_habiles);
    json_num(j, horas);
    json_key(j, "atrasada");
    json_bool(j, r->atrasada);
    json_key(j, "ultimo_evento");
    json_str(j, r->ultimo_evento);
    json_key(j, "ultimo_evento_at");
    json_str(j, crm_cmd_time_iso(r->ultimo_evento_at, t2, sizeof t2));
    json_key(j, "intentos");
    json_int(j, r->intentos);
    json_key(j, "ultimo_intento");
    json_str(j, r->ultimo_intento);
    json_end(j);
}

static void
bandeja_print(const struct cmd_ctx *ctx, const struct db_bandeja_fila *rows, size_t n)
{
    struct strbuf sb;
    struct json j;
    size_t tarde = 0;

    strbuf_init(&sb);
    if (!ctx->json) {
        if (n == 0) {
            strbuf_addstr(&sb, "la bandeja está vacía\n");
        } else {
            crm_cmd_col(&sb, "ID", 8);
            crm_cmd_col(&sb, "CLIENTE", 30);
            crm_cmd_col(&sb, "TELÉFONO", 14);
            crm_cmd_col(&sb, "PROMOTOR", 12);
            crm_cmd_col(&sb, "SALIÓ EN", 16);
            strbuf_addstr(&sb, "ESPERA HÁB.  ");
            crm_cmd_col(&sb, "INTENTOS", 11);
            strbuf_addstr(&sb, "MOTIVO\n");
        }
        for (size_t i = 0; i < n; i++) {
            char id[24];

            snprintf(id, sizeof id, "%lld", (long long)rows[i].oportunidad_id);
            crm_cmd_col(&sb, id, 8);
            crm_cmd_col(&sb, rows[i].cliente, 30);
            crm_cmd_col(&sb, rows[i].telefono != NULL ? rows[i].telefono : "—", 14);
            crm_cmd_col(&sb, rows[i].usuario_login, 12);
            crm_cmd_col(&sb, rows[i].etapa, 16);
            strbuf_addf(&sb, "%7.0f h%s  ", floor(rows[i].espera_habiles),
                        rows[i].atrasada ? " !" : "  ");
            snprintf(id, sizeof id, "%d %s", rows[i].intentos,
                     rows[i].intentos == 1 ? "intento" : "intentos");
            crm_cmd_col(&sb, id, 11);
            strbuf_addf(&sb, "%s\n", rows[i].motivo);
            tarde += rows[i].atrasada;
        }
        if (tarde > 0)
            strbuf_addf(&sb,
                        "! = atrasada (%zu): más horas hábiles en la bandeja de las que fija"
                        " el ajuste bandeja_horas\n",
                        tarde);
        fputs(sb.buf, stdout);
        strbuf_fini(&sb);
        return;
    }
    json_init(&j, &sb);
    json_arr(&j);
    for (size_t i = 0; i < n; i++)
        bandeja_json_row(&j, &rows[i]);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static int
bandeja_list(struct cmd_ctx *ctx, const struct cmd_entry *entry)
{
    struct db_bandeja_fila *rows;
    struct err e = { 0 };
    struct db *db;
    size_t n;
    int status = 0;

    if (ctx->argc != 0)
        return cmd_usage(entry, "argumento de más: «%s»", ctx->argv[0]);
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_bandeja(db, &rows, &n, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        bandeja_print(ctx, rows, n);
        db_bandeja_free(rows, n);
    }
    db_close(db);
    return status;
}

static void
cambio_print(const struct cmd_ctx *ctx, const char *accion, int cambiadas, int64_t lote,
             const char *mensaje)
{
    struct strbuf sb;
    struct json j;

    if (!ctx->json) {
        printf("%s: %d %s", accion, cambiadas, cambiadas == 1 ? "oportunidad" : "oportunidades");
        if (lote != 0)
            printf(" (lote %lld)", (long long)lote);
        printf("\n");
        if (mensaje != NULL && mensaje[0] != '\0')
            printf("%s\n", mensaje);
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "accion");
    json_str(&j, accion);
    json_key(&j, "cambiadas");
    json_int(&j, cambiadas);
    json_key(&j, "lote");
    if (lote != 0)
        json_int(&j, lote);
    else
        json_null(&j);
    json_key(&j, "mensaje");
    json_str(&j, mensaje);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

/* The decision named by verb, or -1 for reasignar, or -2 when unknown. */
static int
bandeja_verb(const char *verb)
{
    if (strcmp(verb, "devolver") == 0)
        return DB_BANDEJA_DEVOLVER;
    if (strcmp(verb, "descartar") == 0)
        return DB_BANDEJA_DESCARTAR;
    if (strcmp(verb, "reabrir") == 0)
        return DB_BANDEJA_REABRIR;
    return strcmp(verb, "reasignar") == 0 ? -1 : -2;
}

/* Runs a decision or a reassignment (verb < 0) on ids once the flags are valid. */
static int
bandeja_apply(struct cmd_ctx *ctx, int verb, const char *name, const int64_t *ids, size_t n,
              const char *a_login, const char *motivo, bool from_bandeja)
{
    struct db_reasignacion r = { 0 };
    struct err e = { 0 };
    struct db *db;
    int cambiadas = 0, rc, status = 0;

    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (verb >= 0)
        rc = db_bandeja_decidir(db, (enum db_bandeja_accion)verb, ids, n, motivo, &cambiadas, &e);
    else if (from_bandeja)
        rc = db_bandeja_reasignar(db, ids, n, a_login, motivo, &r, &e);
    else
        rc = db_reasignar(db, ids, n, a_login, motivo, &r, &e);
    if (rc != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        cambio_print(ctx, name, verb >= 0 ? cambiadas : r.reasignadas, r.lote_id, r.mensaje);
    db_reasignacion_fini(&r);
    db_close(db);
    return status;
}

/* Parses "ID… [--a LOGIN] --motivo M" for verb and applies it. */
static int
bandeja_action(struct cmd_ctx *ctx, const struct cmd_entry *entry, int verb, const char *name,
               int argc, char **argv, bool from_bandeja)
{
    const char *a_login = NULL, *motivo = NULL;
    const struct cmd_opt opts[] = { { "a", true, &a_login, NULL },
                                    { "motivo", true, &motivo, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[IDS_MAX + 1];
    int npos = 0, status;
    int64_t *ids = NULL;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, IDS_MAX + 1, &npos)) != 0)
        return status;
    if ((status = crm_cmd_ids(entry, pos, npos, &ids)) != 0)
        return status;
    if (verb < 0 && crm_cmd_texto(entry, "a", a_login, 31) != 0)
        status = 2;
    else if (verb >= 0 && a_login != NULL)
        status = cmd_usage(entry, "«--a» solo se usa con «reasignar»");
    else if (crm_cmd_texto(entry, "motivo", motivo, 500) != 0)
        status = 2;
    else
        status = bandeja_apply(ctx, verb, name, ids, (size_t)npos, a_login, motivo, from_bandeja);
    free(ids);
    return status;
}

int
cmd_bandeja_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("bandeja");
    int verb;

    if (ctx->argc == 0 || ctx->argv[0][0] == '-')
        return bandeja_list(ctx, entry);
    verb = bandeja_verb(ctx->argv[0]);
    if (verb == -2)
        return cmd_usage(entry,
                         "acción desconocida: «%s» (reasignar, devolver, descartar o "
                         "reabrir)",
                         ctx->argv[0]);
    return bandeja_action(ctx, entry, verb, ctx->argv[0], ctx->argc - 1, ctx->argv + 1, true);
}

int
cmd_reasignar_exec(struct cmd_ctx *ctx)
{
    return bandeja_action(ctx, cmd_find("reasignar"), -1, "reasignar", ctx->argc, ctx->argv, false);
}

int
cmd_extender_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("extender");
    const char *horas_s = NULL, *motivo = NULL;
    const struct cmd_opt opts[] = { { "horas", true, &horas_s, NULL },
                                    { "motivo", true, &motivo, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[IDS_MAX + 1];
    int npos = 0, extendidas = 0, status;
    int64_t *ids = NULL;
    struct err e = { 0 };
    struct db *db;
    long horas;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, pos, IDS_MAX + 1, &npos)) != 0)
        return status;
    if (horas_s == NULL)
        return cmd_usage(entry, "falta «--horas»");
    if (!cmd_parse_long(horas_s, 1, 120, &horas))
        return cmd_usage(entry,
                         "«--horas» debe ser un número de horas hábiles entre 1 y 120"
                         " (se dio «%s»)",
                         horas_s);
    if (crm_cmd_texto(entry, "motivo", motivo, 500) != 0)
        return 2;
    if ((status = crm_cmd_ids(entry, pos, npos, &ids)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL) {
        free(ids);
        return 1;
    }
    if (db_extender_timer(db, ids, (size_t)npos, (int)horas, motivo, &extendidas, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        char msg[96];

        snprintf(msg, sizeof msg, "%ld h hábiles más en su etapa", horas);
        cambio_print(ctx, "extender", extendidas, 0, msg);
    }
    db_close(db);
    free(ids);
    return status;
}
