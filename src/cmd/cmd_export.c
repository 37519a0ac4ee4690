/*
 * cmd_export — `embudo export mensajes|historial|ventas [--desde D] [--hasta H] [--promotor
 * LOGIN] [--salida FILE]`: WhatsApp messages, campaigns' and answers (db_wa), the append-only
 * history (db_informe) or the sales with the cancelled ones (db_ventas) of the caller's scope
 * as CSV (RFC 4180, CRLF) or, with --json, one JSON array. Messages and history stream from
 * the database to the output (the sales of a range are few and come in one read); with
 * --salida they go to a temporary file beside it that is renamed into place only when every
 * row was written, so a failure leaves no half file. Main thread.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "core/csv.h"
#include "db/db.h"
#include "db/db_informe.h"
#include "db/db_ventas.h"
#include "db/db_wa.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

/* How a column is written in JSON (CSV writes every one as text). */
enum col_kind { COL_TEXT, COL_NUM, COL_BOOL, COL_JSON };

struct exporter {
    FILE *out;
    bool json;
    bool first;
    int ncols;
    const char *const *cols;
    const enum col_kind *kinds;
    struct strbuf sb;
};

static int
export_campos(struct exporter *x, const char *const *campos)
{
    struct json j;

    strbuf_reset(&x->sb);
    if (x->json) {
        json_init(&j, &x->sb);
        json_obj(&j);
        for (int k = 0; k < x->ncols; k++) {
            json_key(&j, x->cols[k]);
            if (campos[k] == NULL)
                json_null(&j);
            else if (x->kinds[k] == COL_NUM || x->kinds[k] == COL_JSON)
                json_raw(&j, campos[k]); /* the database's own number or jsonb text */
            else if (x->kinds[k] == COL_BOOL)
                json_bool(&j, campos[k][0] == 't');
            else
                json_str(&j, campos[k]);
        }
        json_end(&j);
        fprintf(x->out, "%s%s", x->first ? "" : ",", x->sb.buf);
    } else {
        for (int k = 0; k < x->ncols; k++) {
            if (k > 0)
                strbuf_addch(&x->sb, ',');
            csv_field_write(&x->sb, campos[k] != NULL ? campos[k] : "");
        }
        fprintf(x->out, "%s\r\n", x->sb.buf);
    }
    x->first = false;
    return ferror(x->out) ? RC_IO : RC_OK;
}

static int
fila_mensaje(void *arg, const struct db_mensaje_fila *f)
{
    return export_campos(arg, f->campos);
}

static int
fila_historial(void *arg, const struct db_historial_fila *f)
{
    return export_campos(arg, f->campos);
}

static const enum col_kind mensaje_kinds[DB_MENSAJE_NCOLUMNAS] = {
    [0] = COL_NUM,
    [1] = COL_NUM,
    [4] = COL_NUM,
    [7] = COL_BOOL,
};
static const enum col_kind historial_kinds[DB_HISTORIAL_NCOLUMNAS] = {
    [0] = COL_NUM, [3] = COL_NUM, [4] = COL_NUM, [5] = COL_NUM, [14] = COL_JSON,
};

/*
 * The sales: what reconciling folios with the lender and paying commissions needs, and not the
 * client's name (the folio and the opportunity identify the file; a CSV leaves the system).
 */
enum { VENTA_NCOLUMNAS = 13 };
static const char *const venta_columnas[VENTA_NCOLUMNAS] = {
    "oportunidad", "fecha",         "registrada",         "folio",  "monto",
    "producto",    "convenio",      "promotor",           "estado", "corregida",
    "cancelada",   "cancelada_por", "motivo_cancelacion",
};
static const enum col_kind venta_kinds[VENTA_NCOLUMNAS] = { [0] = COL_NUM, [4] = COL_NUM };

/* The sales of r (all of them, cancelled too), each through export_campos. */
static int
ventas_exportar(struct db *db, const struct db_informe_rango *r, struct exporter *x, struct err *e)
{
    struct db_ventas_filtro f = {
        .desde = r->desde, .hasta = r->hasta, .promotor = r->promotor, .canceladas = true
    };
    struct db_venta_fila *v;
    char id[24], t1[32], t2[32], t3[32];
    size_t n;
    int rc;

    if ((rc = db_ventas(db, &f, &v, &n, e)) != RC_OK)
        return rc;
    for (size_t i = 0; i < n && rc == RC_OK; i++) {
        const char *campos[VENTA_NCOLUMNAS] = {
            id,
            v[i].fecha,
            crm_cmd_time_iso(v[i].registrada, t1, sizeof t1),
            v[i].folio,
            v[i].monto,
            v[i].producto,
            v[i].convenio,
            v[i].promotor,
            v[i].cancelada ? "CANCELADA" : "VIGENTE",
            v[i].corregida != 0 ? crm_cmd_time_iso(v[i].corregida, t2, sizeof t2) : NULL,
            v[i].cancelada ? crm_cmd_time_iso(v[i].cancelada_at, t3, sizeof t3) : NULL,
            v[i].cancelada ? v[i].cancelada_por : NULL,
            v[i].cancelada ? v[i].motivo_cancelacion : NULL,
        };

        snprintf(id, sizeof id, "%lld", (long long)v[i].oportunidad_id);
        rc = export_campos(x, campos);
    }
    db_ventas_free(v, n);
    return rc;
}

struct export_args {
    const char *que; /* "mensajes" | "historial" | "ventas" */
    struct db_informe_rango r;
    const char *salida;
};

/* The output: stdout, or a temporary file beside salida (its name into tmp). */
static FILE *
salida_abrir(const char *salida, struct strbuf *tmp)
{
    FILE *f;
    int fd;

    if (salida == NULL)
        return stdout;
    strbuf_addf(tmp, "%s.XXXXXX", salida);
    if ((fd = mkstemp(tmp->buf)) < 0)
        return NULL;
    if ((f = fdopen(fd, "w")) == NULL) {
        close(fd);
        unlink(tmp->buf);
    }
    return f;
}

static int
export_run(struct cmd_ctx *ctx, const struct export_args *a)
{
    bool historial = strcmp(a->que, "historial") == 0, ventas = strcmp(a->que, "ventas") == 0;
    struct exporter x = {
        .json = ctx->json,
        .first = true,
        .ncols = historial ? DB_HISTORIAL_NCOLUMNAS
                 : ventas  ? VENTA_NCOLUMNAS
                           : DB_MENSAJE_NCOLUMNAS,
        .cols = historial ? db_historial_columnas
                : ventas  ? venta_columnas
                          : db_mensaje_columnas,
        .kinds = historial ? historial_kinds
                 : ventas  ? venta_kinds
                           : mensaje_kinds,
    };
    struct err e = { 0 };
    struct strbuf tmp;
    struct db *db;
    int rc, status = 0;
    bool escrito;

    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    strbuf_init(&tmp);
    if ((x.out = salida_abrir(a->salida, &tmp)) == NULL) {
        strbuf_fini(&tmp);
        db_close(db);
        return cmd_fail("no se pudo crear «%s»", a->salida);
    }
    strbuf_init(&x.sb);
    if (x.json) {
        fputc('[', x.out);
    } else {
        for (int k = 0; k < x.ncols; k++)
            fprintf(x.out, "%s%s", k ? "," : "", x.cols[k]);
        fputs("\r\n", x.out);
    }
    if (historial)
        rc = db_historial_exportar(db, &a->r, fila_historial, &x, &e);
    else if (ventas)
        rc = ventas_exportar(db, &a->r, &x, &e);
    else
        rc = db_mensajes_exportar(db, a->r.desde, a->r.hasta, fila_mensaje, &x, &e);
    if (x.json)
        fputs("]\n", x.out);
    escrito = fflush(x.out) == 0 && !ferror(x.out);
    if (x.out != stdout)
        escrito = fclose(x.out) == 0 && escrito;
    if (rc == RC_OK && escrito && a->salida != NULL && rename(tmp.buf, a->salida) != 0)
        escrito = false;
    if (rc == RC_IO || (rc == RC_OK && !escrito))
        status = cmd_fail("no se pudo escribir «%s»", a->salida != NULL ? a->salida : "la salida");
    else if (rc != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    if (status != 0 && a->salida != NULL)
        (void)unlink(tmp.buf);
    strbuf_fini(&x.sb);
    strbuf_fini(&tmp);
    db_close(db);
    return status;
}

int
cmd_export_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("export");
    struct export_args a = { 0 };
    const struct cmd_opt opts[] = {
        { "desde", true, &a.r.desde, NULL },
        { "hasta", true, &a.r.hasta, NULL },
        { "promotor", true, &a.r.promotor, NULL },
        { "salida", true, &a.salida, NULL },
        { NULL, false, NULL, NULL },
    };
    int status;

    if (ctx->argc < 1 ||
        (strcmp(ctx->argv[0], "mensajes") != 0 && strcmp(ctx->argv[0], "historial") != 0 &&
         strcmp(ctx->argv[0], "ventas") != 0))
        return cmd_usage(entry, "se exporta «mensajes», «historial» o «ventas»");
    a.que = ctx->argv[0];
    if ((status = cmd_parse(entry, ctx->argc - 1, ctx->argv + 1, opts, NULL, 0, NULL)) != 0)
        return status;
    if (strcmp(a.que, "mensajes") == 0) {
        if (a.r.promotor != NULL)
            return cmd_usage(entry, "«--promotor» es solo para «historial» y «ventas»");
        if (!crm_cmd_fecha_valida(a.r.desde) || !crm_cmd_fecha_valida(a.r.hasta))
            return cmd_usage(entry, "«--desde» y «--hasta» son fechas AAAA-MM-DD");
    } else if ((a.r.desde != NULL && !crm_cmd_fecha_valida(a.r.desde)) ||
               (a.r.hasta != NULL && !crm_cmd_fecha_valida(a.r.hasta))) {
        return cmd_usage(entry, "«--desde» y «--hasta» son fechas AAAA-MM-DD");
    }
    return export_run(ctx, &a);
}
