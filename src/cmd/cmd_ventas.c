/*
 * cmd_ventas — the sales after they are registered (sql/092): `embudo ventas [--desde D]
 * [--hasta H] [--promotor LOGIN] [--canceladas]` lists them with their total (the month up to
 * today by default; own, team or everyone by role), and the supervisor's `embudo venta
 * corregir OPORTUNIDAD [--monto X] [--producto P] [--folio F] --motivo M` and `embudo venta
 * cancelar OPORTUNIDAD --motivo M`, which cmd_venta_exec (cmd_crm.c) hands over here when its
 * first argument names them. Registering a sale stays `embudo venta OPORTUNIDAD --monto …`.
 * Text or, with --json, JSON. Main thread.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "core/dinero.h"
#include "db/db.h"
#include "db/db_ventas.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

/* The sales in force of rows[0..n) and their amount in centavos. */
static int64_t
total_vigentes(const struct db_venta_fila *v, size_t n, size_t *vigentes)
{
    int64_t total = 0, c;

    *vigentes = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].cancelada || !dinero_centavos(v[i].monto, &c))
            continue;
        total += c;
        (*vigentes)++;
    }
    return total;
}

static void
print_json(const struct db_venta_fila *v, size_t n)
{
    struct strbuf sb;
    struct json j;
    char t1[32], t2[32], t3[32];

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        const char *const kv[][2] = {
            { "folio", v[i].folio },
            { "producto", v[i].producto },
            { "estado", v[i].cancelada ? "CANCELADA" : "VIGENTE" },
            { "registrada", crm_cmd_time_iso(v[i].registrada, t1, sizeof t1) },
            { "fecha", v[i].fecha },
            { "promotor", v[i].promotor },
            { "promotor_nombre", v[i].promotor_nombre },
            { "cliente", v[i].cliente },
            { "convenio", v[i].convenio[0] != '\0' ? v[i].convenio : NULL },
            { "corregida",
              v[i].corregida != 0 ? crm_cmd_time_iso(v[i].corregida, t2, sizeof t2) : NULL },
            { "cancelada",
              v[i].cancelada ? crm_cmd_time_iso(v[i].cancelada_at, t3, sizeof t3) : NULL },
            { "cancelada_por", v[i].cancelada ? v[i].cancelada_por : NULL },
            { "motivo_cancelacion", v[i].cancelada ? v[i].motivo_cancelacion : NULL },
        };

        json_obj(&j);
        json_key(&j, "oportunidad");
        json_int(&j, v[i].oportunidad_id);
        json_key(&j, "monto");
        json_raw(&j, v[i].monto); /* the database's own decimal */
        crm_cmd_json_textos(&j, kv, sizeof kv / sizeof kv[0]);
        json_end(&j);
    }
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

/* A right-aligned column of width characters (ASCII text: amounts). */
static void
col_derecha(struct strbuf *sb, const char *s, int width)
{
    strbuf_addf(sb, "%*s ", width, s);
}

static void
print_text(const struct db_venta_fila *v, size_t n, const struct db_ventas_filtro *f)
{
    struct strbuf sb;
    char num[24], pesos[DINERO_FMT_MAX];
    size_t vigentes;
    int64_t total = total_vigentes(v, n, &vigentes);

    if (n == 0) {
        puts(f->desde == NULL && f->hasta == NULL ? "no hay ventas registradas este mes"
                                                  : "no hay ventas registradas en esas fechas");
        return;
    }
    strbuf_init(&sb);
    crm_cmd_col(&sb, "OPORT.", 7);
    crm_cmd_col(&sb, "FECHA", 10);
    crm_cmd_col(&sb, "FOLIO", 14);
    crm_cmd_col(&sb, "CLIENTE", 26);
    crm_cmd_col(&sb, "CONVENIO", 12);
    crm_cmd_col(&sb, "PRODUCTO", 20);
    col_derecha(&sb, "MONTO", 15);
    crm_cmd_col(&sb, "PROMOTOR", 10);
    strbuf_addstr(&sb, "ESTADO\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(num, sizeof num, "%lld", (long long)v[i].oportunidad_id);
        crm_cmd_col(&sb, num, 7);
        crm_cmd_col(&sb, v[i].fecha, 10);
        crm_cmd_col(&sb, v[i].folio, 14);
        crm_cmd_col(&sb, v[i].cliente, 26);
        crm_cmd_col(&sb, v[i].convenio[0] != '\0' ? v[i].convenio : "—", 12);
        crm_cmd_col(&sb, v[i].producto, 20);
        col_derecha(&sb, dinero_texto(v[i].monto, pesos, sizeof pesos), 15);
        crm_cmd_col(&sb, v[i].promotor, 10);
        if (v[i].cancelada)
            strbuf_addf(&sb, "cancelada por %s: %s", v[i].cancelada_por, v[i].motivo_cancelacion);
        else
            strbuf_addstr(&sb, v[i].corregida != 0 ? "vigente (corregida)" : "vigente");
        strbuf_addch(&sb, '\n');
    }
    strbuf_addf(&sb, "%zu %s, total %s", vigentes,
                vigentes == 1 ? "venta vigente" : "ventas vigentes",
                dinero_fmt(total, pesos, sizeof pesos));
    if (n > vigentes)
        strbuf_addf(&sb, " (%zu %s aparte)", n - vigentes,
                    n - vigentes == 1 ? "cancelada" : "canceladas");
    strbuf_addch(&sb, '\n');
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

int
cmd_ventas_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("ventas");
    struct db_ventas_filtro f = { 0 };
    const struct cmd_opt opts[] = { { "desde", true, &f.desde, NULL },
                                    { "hasta", true, &f.hasta, NULL },
                                    { "promotor", true, &f.promotor, NULL },
                                    { "canceladas", false, NULL, &f.canceladas },
                                    { NULL, false, NULL, NULL } };
    struct db_venta_fila *v = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (f.desde != NULL && !crm_cmd_fecha_valida(f.desde))
        return cmd_usage(entry, "«--desde» es una fecha AAAA-MM-DD");
    if (f.hasta != NULL && !crm_cmd_fecha_valida(f.hasta))
        return cmd_usage(entry, "«--hasta» es una fecha AAAA-MM-DD");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_ventas(db, &f, &v, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else if (ctx->json)
        print_json(v, n);
    else
        print_text(v, n, &f);
    db_ventas_free(v, n);
    db_close(db);
    return status;
}

/* `venta corregir|cancelar OPORTUNIDAD …`: argv[0] is the verb. */
int
cmd_venta_cambio(struct cmd_ctx *ctx, const struct cmd_entry *entry)
{
    bool corregir = strcmp(ctx->argv[0], "corregir") == 0;
    const char *monto = NULL, *producto = NULL, *folio = NULL, *motivo = NULL;
    const struct cmd_opt opts_corregir[] = { { "monto", true, &monto, NULL },
                                             { "producto", true, &producto, NULL },
                                             { "folio", true, &folio, NULL },
                                             { "motivo", true, &motivo, NULL },
                                             { NULL, false, NULL, NULL } };
    const struct cmd_opt opts_cancelar[] = { { "motivo", true, &motivo, NULL },
                                             { NULL, false, NULL, NULL } };
    char *pos[2], num[24];
    int npos = 0, status;
    long id;
    char *msg = NULL;
    struct err e = { 0 };
    struct db *db;
    int rc;

    if ((status = cmd_parse(entry, ctx->argc - 1, ctx->argv + 1,
                            corregir ? opts_corregir : opts_cancelar, pos, 1, &npos)) != 0)
        return status;
    if (npos != 1)
        return cmd_usage(entry, "se espera el número de OPORTUNIDAD después de «%s»", ctx->argv[0]);
    if (crm_cmd_oportunidad(entry, pos[0], &id) != 0)
        return 2;
    if (corregir && monto == NULL && producto == NULL && folio == NULL)
        return cmd_usage(entry, "indique qué corregir: «--monto», «--producto» o «--folio»");
    if (monto != NULL && !crm_cmd_monto_valido(monto))
        return cmd_usage(entry, "«--monto» debe ser un importe mayor que 0 con a lo más dos "
                                "decimales, sin comas (p. ej. 12500.50)");
    if ((producto != NULL && crm_cmd_texto(entry, "producto", producto, 80) != 0) ||
        (folio != NULL && crm_cmd_texto(entry, "folio", folio, 40) != 0) ||
        crm_cmd_texto(entry, "motivo", motivo, 500) != 0)
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    rc = corregir ? db_venta_corregir(db, id, monto, producto, folio, motivo, &msg, &e)
                  : db_venta_cancelar(db, id, motivo, &msg, &e);
    snprintf(num, sizeof num, "%ld", id);
    return crm_cmd_cambio_hecho(ctx, db, rc, &e, "oportunidad", num, true, msg);
}
