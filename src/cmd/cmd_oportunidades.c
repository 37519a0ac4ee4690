/*
 * cmd_oportunidades — `embudo oportunidades [--etapa E] [--promotor LOGIN] [--lote N]`: the
 * active
 * opportunities the caller may see (a promoter its own, a supervisor its team's, an admin
 * all; row-level security decides) and the sales of the last 7 days, with the ids that
 * `mover`, `venta`, `reasignar` and `bandeja` take. The rows are the TUI embudo's
 * (db_tui_embudo), so the two never disagree; the time left is in business hours. Main
 * thread.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_tui.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

static const char *const estado_txt[] = { "ABIERTA", "EN_BANDEJA", "GANADA", "DEVUELTA",
                                          "DESCARTADA" };

static const char *
etapa_nombre(const struct tui_etapa *et, size_t n, int id)
{
    for (size_t i = 0; i < n; i++)
        if (et[i].id == id)
            return et[i].nombre;
    return "—";
}

/* "en 3 h 20 m hábiles", "vencida hace 1 h 5 m hábiles", "sin tiempo" into buf. */
static const char *
vence_txt(const struct tui_tarjeta *t, char *buf, size_t size)
{
    long m;

    if (!t->con_timer || t->estado != TUI_ABIERTA) {
        snprintf(buf, size, "sin tiempo");
        return buf;
    }
    m = lround(fabs(t->restante) * 60.0);
    snprintf(buf, size, "%s%ld h %02ld m hábiles", t->restante < 0 ? "vencida hace " : "en ",
             m / 60, m % 60);
    return buf;
}

static void
print_text(const struct tui_tarjeta *rows, size_t n, const struct tui_etapa *et, size_t net)
{
    struct strbuf sb;
    char vence[64];

    if (n == 0) {
        printf("no hay oportunidades con esos filtros\n");
        return;
    }
    strbuf_init(&sb);
    crm_cmd_col(&sb, "ID", 9);
    crm_cmd_col(&sb, "CLIENTE", 32);
    crm_cmd_col(&sb, "CONVENIO", 11);
    crm_cmd_col(&sb, "ETAPA", 18);
    crm_cmd_col(&sb, "ESTADO", 12);
    crm_cmd_col(&sb, "VENCE", 30);
    strbuf_addstr(&sb, "PROMOTOR\n");
    for (size_t i = 0; i < n; i++) {
        char id[24];

        snprintf(id, sizeof id, "%lld", (long long)rows[i].id);
        crm_cmd_col(&sb, id, 9);
        crm_cmd_col(&sb, rows[i].cliente, 32);
        crm_cmd_col(&sb, rows[i].convenio[0] != '\0' ? rows[i].convenio : "—", 11);
        crm_cmd_col(&sb, etapa_nombre(et, net, rows[i].etapa_id), 18);
        crm_cmd_col(&sb, estado_txt[rows[i].estado], 12);
        crm_cmd_col(&sb, vence_txt(&rows[i], vence, sizeof vence), 30);
        strbuf_addf(&sb, "%s\n", rows[i].login);
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static void
print_json(const struct tui_tarjeta *rows, size_t n, const struct tui_etapa *et, size_t net)
{
    struct strbuf sb;
    struct json j;
    char t1[32];

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        const struct tui_tarjeta *t = &rows[i];

        json_obj(&j);
        json_key(&j, "oportunidad");
        json_int(&j, t->id);
        json_key(&j, "cliente");
        json_str(&j, t->cliente);
        json_key(&j, "convenio");
        json_str(&j, t->convenio[0] != '\0' ? t->convenio : NULL);
        json_key(&j, "etapa");
        json_str(&j, etapa_nombre(et, net, t->etapa_id));
        json_key(&j, "estado");
        json_str(&j, estado_txt[t->estado]);
        json_key(&j, "horas_habiles_restantes"); /* negative: overdue; null: no timer */
        if (t->con_timer && t->estado == TUI_ABIERTA) {
            char num[32];

            snprintf(num, sizeof num, "%.2f", t->restante);
            json_num(&j, num);
        } else {
            json_null(&j);
        }
        json_key(&j, "etapa_desde");
        json_str(&j, crm_cmd_time_iso(t->etapa_desde, t1, sizeof t1));
        json_key(&j, "promotor");
        json_str(&j, t->login);
        json_key(&j, "lote");
        json_int(&j, t->lote_id);
        json_end(&j);
    }
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_oportunidades_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("oportunidades");
    const char *etapa = NULL, *promotor = NULL, *lote_s = NULL;
    const struct cmd_opt opts[] = { { "etapa", true, &etapa, NULL },
                                    { "promotor", true, &promotor, NULL },
                                    { "lote", true, &lote_s, NULL },
                                    { NULL, false, NULL, NULL } };
    long lote = 0;
    struct tui_tarjeta *rows = NULL;
    struct tui_etapa *et = NULL;
    struct err e = { 0 };
    size_t n = 0, net = 0, keep = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (etapa != NULL && crm_cmd_texto(entry, "etapa", etapa, 60) != 0)
        return 2;
    if (promotor != NULL && crm_cmd_texto(entry, "promotor", promotor, 31) != 0)
        return 2;
    if (lote_s != NULL && !cmd_parse_long(lote_s, 1, 999999999999L, &lote))
        return cmd_usage(entry, "«--lote» debe ser un número de lote (se dio «%s»)", lote_s);
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_tui_etapas(db, &et, &net, &e) != RC_OK || db_tui_embudo(db, 0, &rows, &n, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
        goto out;
    }
    if (etapa != NULL) {
        bool existe = false;

        for (size_t i = 0; i < net; i++)
            existe = existe || strcasecmp(et[i].nombre, etapa) == 0;
        if (!existe) {
            err_set(&e, RC_NOTFOUND, "no hay una etapa activa llamada «%s»", etapa);
            status = crm_cmd_fail(ctx, &e);
            goto out;
        }
    }
    for (size_t i = 0; i < n; i++)
        if ((promotor == NULL || strcmp(rows[i].login, promotor) == 0) &&
            (lote == 0 || rows[i].lote_id == lote) &&
            (etapa == NULL || strcasecmp(etapa_nombre(et, net, rows[i].etapa_id), etapa) == 0))
            rows[keep++] = rows[i];
    if (ctx->json)
        print_json(rows, keep, et, net);
    else
        print_text(rows, keep, et, net);
out:
    free(rows);
    free(et);
    db_close(db);
    return status;
}
