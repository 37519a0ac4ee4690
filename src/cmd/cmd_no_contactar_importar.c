/*
 * cmd_no_contactar_importar — `embudo no-contactar importar ARCHIVO.csv|- --fuente REUS|REPEP
 * [--detalle T] [--rechazos R.csv]`: an admin loads a REUS or REPEP extract
 * (docs/no-contactar.md). The file is read as a stream (core/csv), every row is checked
 * (core/dnc: phone, date, expiry, repeats) and the valid phones go in batches of NC_LOTE to
 * api.no_contactar_cargar, all inside ONE transaction on one connection.
 *
 * All or nothing: one invalid row and nothing is loaded (ROLLBACK, exit 1), and the rows are
 * reported with their line on stderr (the first CSVFILE_STDERR_MAX) and all in --rechazos;
 * after the first invalid row the rest of the file is still read and checked, but no more
 * batches are sent. A database refusal, a lost connection and SIGINT/SIGTERM also roll back.
 * Memory: one batch plus core/dnc's set of the phones seen. On a TTY a progress line is
 * redrawn on stderr. Main thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "cmd/cmd_csvfile.h"
#include "cmd/cmd_no_contactar_int.h"
#include "core/csv.h"
#include "core/dnc.h"
#include "db/db.h"
#include "db/db_no_contactar.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define NC_LOTE           10000 /* phones per api.no_contactar_cargar call */
#define NC_PROGRESO_FILAS 10000

_Static_assert(NC_LOTE <= DB_NO_CONTACTAR_LOTE, "a batch must fit one api call");

/* One load. */
struct carga {
    const struct cmd_ctx *ctx;
    const char *fuente;  /* REUS | REPEP */
    const char *detalle; /* or NULL */
    struct csvfile f;
    char **header; /* the file's header as written, for the rejects file */
    size_t nheader;
    struct csv *csv;
    struct dnc_checker *chk;
    struct dnc_batch *batch;
    struct db *db;
    bool in_tx;
    unsigned long filas, vencidas, repetidas, reenviadas, lotes;
    long long nuevas, renovadas, clientes;
};

static void
carga_reject(struct carga *c, unsigned long line, const char *motivo, char *const *fields, size_t n)
{
    csvfile_reject(&c->f, c->header, c->nheader, line, motivo, fields, n);
}

/* Redraws the progress line on a TTY; false when the load was cancelled. */
static bool
carga_progress(struct carga *c)
{
    char accion[32];

    snprintf(accion, sizeof accion, "cargando %s", c->fuente);
    csvfile_progress(&c->f, accion, c->filas, csv_offset(c->csv));
    return !csvfile_cancelled();
}

static int
carga_header(struct carga *c, struct err *e)
{
    struct csv_row row;
    int rc = csv_next(c->csv, &row, e);

    if (rc == RC_NOTFOUND)
        return err_set(e, RC_INVAL, "el archivo está vacío: falta el encabezado");
    if (rc != RC_OK)
        return err_wrap(e, "encabezado (línea %lu)", row.line);
    c->header = xcalloc(row.nfields + 1, sizeof *c->header);
    c->nheader = row.nfields;
    for (size_t i = 0; i < row.nfields; i++)
        c->header[i] = xstrdup(row.fields[i]);
    return dnc_checker_header(c->chk, &row, e);
}

/* Sends the pending batch (if any) in the open transaction. */
static int
carga_send(struct carga *c, struct err *e)
{
    struct db_no_contactar_carga r;
    size_t n = dnc_batch_len(c->batch);

    if (n == 0)
        return RC_OK;
    if (db_no_contactar_cargar(c->db, dnc_batch_telefonos(c->batch),
                               dnc_batch_registrados(c->batch), n, c->fuente, c->detalle, &r,
                               e) != RC_OK)
        return err_wrap(e, "líneas %lu a %lu", dnc_batch_first_line(c->batch),
                        dnc_batch_last_line(c->batch));
    c->nuevas += r.nuevos;
    c->renovadas += r.renovados;
    c->clientes += r.clientes;
    c->lotes++;
    dnc_batch_next(c->batch);
    return RC_OK;
}

/* Checks one record; a valid one joins the batch (sent when full) while nothing was rejected. */
static int
carga_row(struct carga *c, int csv_rc, struct csv_row *row, const struct err *csv_e, struct err *e)
{
    struct err re = { 0 };
    struct dnc_row r;

    if (csv_rc != RC_OK) {
        carga_reject(c, row->line, csv_e->msg, NULL, 0);
        return RC_OK;
    }
    if (dnc_checker_row(c->chk, row, &r, &re) != RC_OK) {
        carga_reject(c, row->line, re.msg, row->fields, row->nfields);
        return RC_OK;
    }
    if (r.vencida) {
        c->vencidas++;
        return RC_OK;
    }
    if (c->f.rechazos > 0)
        return RC_OK; /* nothing will be loaded: only keep checking */
    switch (dnc_batch_add(c->batch, &r)) {
    case DNC_ADD_NEW:
        break;
    case DNC_ADD_RESENT:
        c->reenviadas++;
        c->repetidas++;
        break;
    case DNC_ADD_REPEATED:
        c->repetidas++;
        break;
    }
    return dnc_batch_full(c->batch) ? carga_send(c, e) : RC_OK;
}

static int
carga_stream(struct carga *c, struct err *e)
{
    struct csv_row row;
    struct err re = { 0 };
    int rc;

    while ((rc = csv_next(c->csv, &row, &re)) != RC_NOTFOUND) {
        if (rc == RC_IO)
            return err_set(e, RC_IO, "no se pudo leer el archivo: %s", re.msg);
        c->filas++;
        if ((rc = carga_row(c, rc, &row, &re, e)) != RC_OK)
            return rc;
        if (c->filas % NC_PROGRESO_FILAS == 0 && !carga_progress(c))
            return err_set(e, RC_CLOSED, "carga cancelada: no se cargó nada");
    }
    return RC_OK;
}

static int
carga_run(struct carga *c, struct err *e)
{
    int rc;

    if ((rc = carga_header(c, e)) != RC_OK)
        return rc;
    if ((rc = db_exec(c->db, "BEGIN", e)) != RC_OK)
        return rc;
    c->in_tx = true;
    if ((rc = carga_stream(c, e)) != RC_OK)
        return rc;
    if (c->f.rechazos > 0)
        return err_set(e, RC_INVAL,
                       "no se cargó nada: %lu %s de %lu; corrija el archivo y vuelva a cargarlo "
                       "(la carga es todo o nada)",
                       c->f.rechazos,
                       nc_plural((long long)c->f.rechazos, "fila rechazada", "filas rechazadas"),
                       c->filas);
    if (c->filas == 0)
        return err_set(e, RC_INVAL, "el archivo no trae ningún teléfono, solo el encabezado");
    if ((rc = carga_send(c, e)) != RC_OK)
        return rc;
    if (!carga_progress(c))
        return err_set(e, RC_CLOSED, "carga cancelada: no se cargó nada");
    rc = db_exec(c->db, "COMMIT", e);
    c->in_tx = false;
    return rc;
}

static void
carga_summary(const struct carga *c, double secs)
{
    /* A number repeated across batches was counted once more as renewed by the database. */
    long long renovadas = c->renovadas - (long long)c->reenviadas;
    struct strbuf sb;
    struct json j;

    if (!c->ctx->json) {
        printf("carga de %s completa en %.1f s: %lu %s, %lu %s, %lld %s, %lld %s, %lu %s, "
               "%lu %s, %lld %s\n",
               c->fuente, secs, c->filas,
               nc_plural((long long)c->filas, "fila leída", "filas leídas"), c->f.rechazos,
               nc_plural((long long)c->f.rechazos, "rechazada", "rechazadas"), c->nuevas,
               nc_plural(c->nuevas, "nueva", "nuevas"), renovadas,
               nc_plural(renovadas, "renovada", "renovadas"), c->repetidas,
               nc_plural((long long)c->repetidas, "repetida", "repetidas"), c->vencidas,
               nc_plural((long long)c->vencidas, "vencida", "vencidas"), c->clientes,
               nc_plural(c->clientes, "cliente bloqueado", "clientes bloqueados"));
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "fuente");
    json_str(&j, c->fuente);
    json_key(&j, "filas");
    json_int(&j, (int64_t)c->filas);
    json_key(&j, "rechazadas");
    json_int(&j, (int64_t)c->f.rechazos);
    json_key(&j, "nuevas");
    json_int(&j, c->nuevas);
    json_key(&j, "renovadas");
    json_int(&j, renovadas);
    json_key(&j, "repetidas");
    json_int(&j, (int64_t)c->repetidas);
    json_key(&j, "vencidas");
    json_int(&j, (int64_t)c->vencidas);
    json_key(&j, "clientes_bloqueados");
    json_int(&j, c->clientes);
    json_key(&j, "milisegundos");
    json_int(&j, (int64_t)(secs * 1000.0));
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

/* Today in the business zone (crm_cmd_open set TZ to it unless the person set TZ). */
static int
hoy_local(void)
{
    time_t t = time(NULL);
    struct tm tm;

    localtime_r(&t, &tm);
    return dnc_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Connects, loads, reports; returns the exit status. */
static int
carga_exec(struct carga *c)
{
    struct err e = { 0 };
    int rc;

    if ((c->db = crm_cmd_open(c->ctx)) == NULL)
        return 1;
    c->chk = dnc_checker_new(strcmp(c->fuente, "REUS") == 0, hoy_local());
    c->batch = dnc_batch_new(NC_LOTE);
    c->csv = csv_new(csvfile_read, &c->f);
    rc = carga_run(c, &e);
    if (c->in_tx) {
        struct err ignored = { 0 };

        /* Nothing of this load stays: the connection may be gone, which rolls back too. */
        (void)!db_exec(c->db, "ROLLBACK", &ignored);
        c->in_tx = false;
    }
    csvfile_done(&c->f);
    if (rc == RC_OK)
        carga_summary(c, csvfile_elapsed(&c->f));
    csv_free(c->csv);
    dnc_batch_free(c->batch);
    dnc_checker_free(c->chk);
    db_close(c->db);
    return rc == RC_OK ? 0 : crm_cmd_fail(c->ctx, &e);
}

int
nc_importar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *fuente_s = NULL, *detalle = NULL, *rech = NULL;
    const struct cmd_opt opts[] = {
        { "fuente", true, &fuente_s, NULL },
        { "detalle", true, &detalle, NULL },
        { "rechazos", true, &rech, NULL },
        { NULL, false, NULL, NULL },
    };
    struct carga c = { .ctx = ctx };
    char *pos[1], fuente[12];
    int npos = 0, status;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (npos == 0)
        return cmd_usage(entry, "falta el ARCHIVO.csv que se carga («-» para la entrada estándar)");
    if (nc_fuente_arg(entry, fuente_s, false, fuente) != 0 ||
        (detalle != NULL && crm_cmd_texto(entry, "detalle", detalle, 500) != 0))
        return 2;
    c.fuente = fuente;
    c.detalle = detalle;
    if ((status = csvfile_open(&c.f, pos[0], rech)) != 0)
        return status;
    status = carga_exec(&c);
    for (size_t i = 0; i < c.nheader; i++)
        free(c.header[i]);
    free(c.header);
    return csvfile_close(&c.f, status);
}
