/*
 * cmd_respuestas — `embudo respuestas [--pendientes] [--desde AAAA-MM-DD]`: what clients
 * answered to campaign messages (api.wa_respuestas, sql/089), newest first, with whether
 * anyone acted on the opportunity since. A promoter sees the replies on her opportunities and
 * those from numbers that matched none; a supervisor her team's; an admin and the auditor
 * everyone's. Without --desde: the last 30 days, or, with --pendientes, every reply still to
 * attend however old. Text (a table) or, with --json, an array. Main thread.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_respuestas.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

/* The list without --desde: a month, like `embudo prorroga --todas`. */
#define RESPUESTAS_DIAS 30

/* What became of the reply, in words: the ESTADO column. */
static const char *
situacion(const struct db_respuesta *r)
{
    if (r->baja)
        return "baja";
    if (r->oportunidad_id == 0)
        return "sin oportunidad";
    if (r->por_atender)
        return "por atender";
    return r->atendida ? "atendida" : "no atendida";
}

static void
print_json(const struct db_respuesta *r, size_t n)
{
    struct strbuf sb;
    struct json j;
    char iso[32];

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        const char *const kv[][2] = {
            { "recibida", crm_cmd_time_iso((time_t)r[i].recibido, iso, sizeof iso) },
            { "cliente", r[i].cliente },
            { "telefono", r[i].telefono },
            { "etapa", r[i].etapa },
            { "estado_oportunidad", r[i].estado },
            { "promotor", r[i].promotor },
            { "texto", r[i].texto },
        };

        json_obj(&j);
        json_key(&j, "respuesta");
        json_int(&j, r[i].id);
        json_key(&j, "oportunidad");
        if (r[i].oportunidad_id != 0)
            json_int(&j, r[i].oportunidad_id);
        else
            json_null(&j);
        crm_cmd_json_textos(&j, kv, sizeof kv / sizeof kv[0]);
        json_key(&j, "baja");
        json_bool(&j, r[i].baja);
        json_key(&j, "atendida");
        json_bool(&j, r[i].atendida);
        json_key(&j, "por_atender");
        json_bool(&j, r[i].por_atender);
        json_end(&j);
    }
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static void
print_text(const struct db_respuesta *r, size_t n, bool pendientes, const char *desde)
{
    struct strbuf sb;
    char num[24];

    if (n == 0) {
        if (pendientes)
            puts("no hay respuestas por atender");
        else if (desde != NULL)
            printf("no hay respuestas desde el %s\n", desde);
        else
            printf("no hay respuestas en los últimos %d días\n", RESPUESTAS_DIAS);
        return;
    }
    strbuf_init(&sb);
    crm_cmd_col(&sb, "RESPUESTA", 9);
    crm_cmd_col(&sb, "RECIBIDA", 14);
    crm_cmd_col(&sb, "OPORT.", 7);
    crm_cmd_col(&sb, "CLIENTE", 24);
    crm_cmd_col(&sb, "PROMOTOR", 10);
    crm_cmd_col(&sb, "ETAPA", 14);
    crm_cmd_col(&sb, "ESTADO", 15);
    strbuf_addstr(&sb, "TEXTO\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(num, sizeof num, "%lld", (long long)r[i].id);
        crm_cmd_col(&sb, num, 9);
        crm_cmd_col(&sb, r[i].recibido_local, 14);
        snprintf(num, sizeof num, "%lld", (long long)r[i].oportunidad_id);
        crm_cmd_col(&sb, r[i].oportunidad_id != 0 ? num : "—", 7);
        /* Without an opportunity the number is all there is to say who wrote. */
        crm_cmd_col(&sb,
                    r[i].cliente != NULL    ? r[i].cliente
                    : r[i].telefono != NULL ? r[i].telefono
                                            : "—",
                    24);
        crm_cmd_col(&sb, r[i].promotor != NULL ? r[i].promotor : "—", 10);
        crm_cmd_col(&sb, r[i].etapa != NULL ? r[i].etapa : "—", 14);
        crm_cmd_col(&sb, situacion(&r[i]), 15);
        crm_cmd_una_linea(&sb, r[i].texto);
        strbuf_addch(&sb, '\n');
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

int
cmd_respuestas_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("respuestas");
    const char *desde = NULL;
    bool pendientes = false;
    const struct cmd_opt opts[] = { { "pendientes", false, NULL, &pendientes },
                                    { "desde", true, &desde, NULL },
                                    { NULL, false, NULL, NULL } };
    struct db_respuesta *r = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (desde != NULL && !crm_cmd_fecha_valida(desde))
        return cmd_usage(entry, "«--desde» es una fecha AAAA-MM-DD");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_respuestas(db, desde, desde == NULL && !pendientes ? RESPUESTAS_DIAS : 0, pendientes, &r,
                      &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else if (ctx->json)
        print_json(r, n);
    else
        print_text(r, n, pendientes, desde);
    db_respuestas_free(r, n);
    db_close(db);
    return status;
}
