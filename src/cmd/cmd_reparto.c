/*
 * cmd_reparto — `embudo reparto [--fecha AAAA-MM-DD]`: what each promoter the caller may see
 * received on a business day against their cupo (api.reparto, sql/064, 067, 069): received by
 * request, by reassignment and by a supervisor's distribution, requests made and clients asked for, leads captured, contact
 * attempts recorded, cartera now. A
 * supervisor sees their team, an admin everyone, a promoter themself. Main thread.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_crm.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

static void
col_int(struct strbuf *sb, int v, int width)
{
    char num[16];

    snprintf(num, sizeof num, "%d", v);
    crm_cmd_col(sb, num, width);
}

static void
print_text(const struct db_reparto_fila *r, size_t n)
{
    static char total[] = "TOTAL";
    struct db_reparto_fila tot = { .login = total };
    struct strbuf sb;
    char cartera[24];

    if (n == 0) {
        printf("no hay promotores que usted vea\n");
        return;
    }
    strbuf_init(&sb);
    crm_cmd_col(&sb, "PROMOTOR", 14);
    crm_cmd_col(&sb, "NOMBRE", 24);
    crm_cmd_col(&sb, "ESTADO", 10);
    crm_cmd_col(&sb, "CUPO", 5);
    crm_cmd_col(&sb, "RECIBIDOS", 9);
    crm_cmd_col(&sb, "PEDIDO", 6);
    crm_cmd_col(&sb, "REASIG.", 7);
    crm_cmd_col(&sb, "REPART.", 7);
    crm_cmd_col(&sb, "PEDIDOS", 7);
    crm_cmd_col(&sb, "SOLICITÓ", 8);
    crm_cmd_col(&sb, "CAPTÓ", 5);
    crm_cmd_col(&sb, "INTENTOS", 8);
    strbuf_addstr(&sb, "CARTERA\n");
    for (size_t i = 0; i <= n; i++) {
        const struct db_reparto_fila *f = i < n ? &r[i] : &tot;

        if (i < n) {
            tot.cupo += f->cupo;
            tot.recibidos += f->recibidos;
            tot.por_solicitud += f->por_solicitud;
            tot.por_reasignacion += f->por_reasignacion;
            tot.por_distribucion += f->por_distribucion;
            tot.pedidos += f->pedidos;
            tot.solicitados += f->solicitados;
            tot.captados += f->captados;
            tot.activas += f->activas;
            tot.cartera_max += f->cartera_max;
            tot.intentos += f->intentos;
        }
        crm_cmd_col(&sb, f->login, 14);
        crm_cmd_col(&sb, f->nombre != NULL ? f->nombre : "", 24);
        crm_cmd_col(&sb, f->estado != NULL ? f->estado : "", 10);
        col_int(&sb, f->cupo, 5);
        col_int(&sb, f->recibidos, 9);
        col_int(&sb, f->por_solicitud, 6);
        col_int(&sb, f->por_reasignacion, 7);
        col_int(&sb, f->por_distribucion, 7);
        col_int(&sb, f->pedidos, 7);
        col_int(&sb, f->solicitados, 8);
        col_int(&sb, f->captados, 5);
        col_int(&sb, f->intentos, 8);
        snprintf(cartera, sizeof cartera, "%d/%d", f->activas, f->cartera_max);
        strbuf_addf(&sb, "%s\n", cartera);
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static void
print_json(const struct db_reparto_fila *r, size_t n)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        const struct { const char *k; int v; } nums[] = {
            { "cupo", r[i].cupo },
            { "recibidos", r[i].recibidos },
            { "por_solicitud", r[i].por_solicitud },
            { "por_reasignacion", r[i].por_reasignacion },
            { "por_distribucion", r[i].por_distribucion },
            { "pedidos", r[i].pedidos },
            { "solicitados", r[i].solicitados },
            { "captados", r[i].captados },
            { "activas", r[i].activas },
            { "cartera_max", r[i].cartera_max },
            { "intentos", r[i].intentos },
        };

        json_obj(&j);
        json_key(&j, "promotor");
        json_str(&j, r[i].login);
        json_key(&j, "nombre");
        json_str(&j, r[i].nombre);
        json_key(&j, "estado");
        json_str(&j, r[i].estado);
        for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
            json_key(&j, nums[k].k);
            json_int(&j, nums[k].v);
        }
        json_end(&j);
    }
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_reparto_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("reparto");
    const char *fecha = NULL;
    const struct cmd_opt opts[] = { { "fecha", true, &fecha, NULL },
                                    { NULL, false, NULL, NULL } };
    struct db_reparto_fila *rows = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (fecha != NULL && !crm_cmd_fecha_valida(fecha))
        return cmd_usage(entry, "«--fecha» debe ser una fecha AAAA-MM-DD (se dio «%s»)", fecha);
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_reparto(db, fecha, &rows, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else if (ctx->json)
        print_json(rows, n);
    else
        print_text(rows, n);
    db_reparto_free(rows, n);
    db_close(db);
    return status;
}
