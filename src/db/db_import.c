#include "db/db_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/import.h"
#include "db/db_internal.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Bytes of COPY text sent per PQputCopyData. */
#define COPY_CHUNK (256 * 1024)

/*
 * The staging table: the import's rows with their file line, the id each will get in
 * padron.clientes (drawn from its identity sequence as rows arrive), the columns in
 * enum import_col order. Dropped at COMMIT or ROLLBACK.
 */
static const char sql_staging[] =
    "CREATE TEMP TABLE import_clientes ("
    " linea bigint NOT NULL,"
    " id bigint NOT NULL DEFAULT nextval('padron.clientes_id_seq'),"
    " nombre text, primer_apellido text, segundo_apellido text, curp text, rfc text,"
    " convenio_id smallint, entidad_id smallint, municipio text, edad smallint,"
    " telefono text, email text, capacidad_pago numeric(12, 2), segmento text"
    ") ON COMMIT DROP";

static const char sql_copy[] =
    "COPY pg_temp.import_clientes (linea, nombre, primer_apellido, segundo_apellido, curp, rfc,"
    " convenio_id, entidad_id, municipio, edad, telefono, email, capacidad_pago, segmento)"
    " FROM STDIN";

/* Rows already in the padron (same CURP, or a vigente phone) leave the staging table. */
static const char sql_en_padron[] =
    "WITH d AS (SELECT i.linea, c.id AS cliente_id, 'CURP' AS por"
    "             FROM pg_temp.import_clientes i JOIN padron.clientes c ON c.curp = i.curp"
    "           UNION ALL"
    "           SELECT i.linea, dc.cliente_id, 'TELEFONO'"
    "             FROM pg_temp.import_clientes i JOIN padron.datos_contacto dc"
    "               ON dc.valor = i.telefono AND dc.vigente AND dc.tipo <> 'EMAIL'),"
    "     del AS (DELETE FROM pg_temp.import_clientes s USING d WHERE s.linea = d.linea"
    "             RETURNING s.linea, d.por, d.cliente_id, s.nombre, s.primer_apellido,"
    "                       s.segundo_apellido, s.curp, s.rfc, s.convenio_id, s.entidad_id,"
    "                       s.municipio, s.edad, s.telefono, s.email, s.capacidad_pago,"
    "                       s.segmento)"
    " SELECT DISTINCT ON (linea) * FROM del ORDER BY linea, por";

static const char sql_clientes[] =
    "INSERT INTO padron.clientes (id, nombre, primer_apellido, segundo_apellido, curp, rfc,"
    " convenio_id, entidad_id, municipio, edad, capacidad_pago, segmento)"
    " SELECT id, nombre, primer_apellido, segundo_apellido, curp, rfc, convenio_id, entidad_id,"
    " municipio, edad, capacidad_pago, segmento FROM pg_temp.import_clientes ORDER BY linea";

static const char sql_contactos[] =
    "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor, origen)"
    " SELECT id, 'CELULAR', telefono, $1 FROM pg_temp.import_clientes"
    " UNION ALL"
    " SELECT id, 'EMAIL', email, $1 FROM pg_temp.import_clientes WHERE email IS NOT NULL";

/* One import in progress. */
struct imp {
    struct db *db;
    PGconn *pg;
    const struct db_import_opts *o;
    struct db_import_stats *st;
    struct import_catalog *cat;
    struct import_checker *chk;
    struct csv *csv;
    struct strbuf copy; /* COPY text not yet sent */
    bool in_tx;
    bool in_copy;
};

/* Runs a statement expecting want; maps the failure. */
static int
imp_exec(struct imp *im, const char *sql, ExecStatusType want, struct err *e)
{
    PGresult *res = PQexec(im->pg, sql);
    int rc = db_check(im->db, res, want, e);

    PQclear(res);
    return rc;
}

static int
imp_catalog(struct imp *im, struct err *e)
{
    PGresult *res = PQexec(im->pg, "SELECT id, clave, activo FROM padron.convenios");
    int rc = db_check(im->db, res, PGRES_TUPLES_OK, e);

    im->cat = import_catalog_new();
    for (int i = 0; rc == RC_OK && i < PQntuples(res); i++)
        import_catalog_add_convenio(im->cat, atoi(PQgetvalue(res, i, 0)), PQgetvalue(res, i, 1),
                                    PQgetvalue(res, i, 2)[0] == 't');
    PQclear(res);
    if (rc != RC_OK)
        return rc;
    res = PQexec(im->pg, "SELECT id, clave, nombre FROM padron.entidades");
    rc = db_check(im->db, res, PGRES_TUPLES_OK, e);
    for (int i = 0; rc == RC_OK && i < PQntuples(res); i++)
        import_catalog_add_entidad(im->cat, atoi(PQgetvalue(res, i, 0)), PQgetvalue(res, i, 1),
                                   PQgetvalue(res, i, 2));
    PQclear(res);
    return rc;
}

/* Reads the header and keeps its names for the caller's rejects file. */
static int
imp_header(struct imp *im, struct err *e)
{
    struct csv_row row;
    int rc = csv_next(im->csv, &row, e);

    if (rc == RC_NOTFOUND)
        return err_set(e, RC_INVAL, "el archivo está vacío: falta el encabezado");
    if (rc != RC_OK)
        return err_wrap(e, "encabezado (línea %lu)", row.line);
    im->st->header = xcalloc(row.nfields + 1, sizeof *im->st->header);
    im->st->nheader = row.nfields;
    for (size_t i = 0; i < row.nfields; i++)
        im->st->header[i] = xstrdup(row.fields[i]);
    return import_checker_header(im->chk, &row, e);
}

static int
imp_begin(struct imp *im, struct err *e)
{
    int rc;

    if ((rc = imp_exec(im, "BEGIN", PGRES_COMMAND_OK, e)) != RC_OK)
        return rc;
    im->in_tx = true;
    if ((rc = imp_exec(im, sql_staging, PGRES_COMMAND_OK, e)) != RC_OK)
        return rc;
    if ((rc = imp_exec(im, sql_copy, PGRES_COPY_IN, e)) != RC_OK)
        return rc;
    im->in_copy = true;
    return RC_OK;
}

static int
imp_flush(struct imp *im, struct err *e)
{
    if (im->copy.len == 0)
        return RC_OK;
    if (PQputCopyData(im->pg, im->copy.buf, (int)im->copy.len) != 1)
        return err_set(e, RC_DB, "COPY falló: %s", PQerrorMessage(im->pg));
    strbuf_reset(&im->copy);
    return RC_OK;
}

static int
imp_copy_row(struct imp *im, const struct import_cliente *c, struct err *e)
{
    strbuf_addf(&im->copy, "%lu\t", c->line);
    for (size_t col = 0; col < IC_COUNT; col++) {
        char num[16];
        const char *v = c->text[col];

        if (col == IC_CONVENIO || col == IC_ENTIDAD || col == IC_EDAD) {
            snprintf(num, sizeof num, "%d",
                     col == IC_CONVENIO  ? c->convenio_id
                     : col == IC_ENTIDAD ? c->entidad_id
                                         : c->edad);
            v = num;
        }
        strbuf_add_copy_text(&im->copy, v);
        strbuf_addch(&im->copy, col == IC_COUNT - 1 ? '\n' : '\t');
    }
    return im->copy.len >= COPY_CHUNK ? imp_flush(im, e) : RC_OK;
}

static void
imp_reject(struct imp *im, unsigned long line, const char *motivo, char *const *fields, size_t n)
{
    im->st->rechazadas++;
    if (im->o->reject != NULL)
        im->o->reject(im->o->reject_arg, line, motivo, fields, n);
}

static bool
imp_progress(struct imp *im)
{
    return im->o->progress == NULL ||
           im->o->progress(im->o->progress_arg, im->st->filas, csv_offset(im->csv));
}

/* Reads, checks and copies every data row. */
static int
imp_stream(struct imp *im, struct err *e)
{
    struct csv_row row;
    struct import_cliente c;
    struct err re = { 0 };
    int rc;

    while ((rc = csv_next(im->csv, &row, &re)) != RC_NOTFOUND) {
        if (rc == RC_IO)
            return err_set(e, RC_IO, "%s", re.msg);
        im->st->filas++;
        if (rc != RC_OK)
            imp_reject(im, row.line, re.msg, NULL, 0);
        else if (import_checker_row(im->chk, &row, &c, &re) != RC_OK)
            imp_reject(im, row.line, re.msg, row.fields, row.nfields);
        else if ((rc = imp_copy_row(im, &c, e)) != RC_OK)
            return rc;
        if (im->st->filas % DB_IMPORT_PROGRESS_ROWS == 0 && !imp_progress(im))
            return err_set(e, RC_CLOSED, "importación cancelada: no se cargó nada");
    }
    return RC_OK;
}

static int
imp_end_copy(struct imp *im, struct err *e)
{
    PGresult *res;
    int rc;

    if ((rc = imp_flush(im, e)) != RC_OK)
        return rc;
    im->in_copy = false;
    if (PQputCopyEnd(im->pg, NULL) != 1)
        return err_set(e, RC_DB, "COPY falló: %s", PQerrorMessage(im->pg));
    res = PQgetResult(im->pg);
    rc = db_check(im->db, res, PGRES_COMMAND_OK, e);
    PQclear(res);
    while ((res = PQgetResult(im->pg)) != NULL)
        PQclear(res);
    return rc;
}

/* Reports one padron duplicate with its cleaned values in the file's column order. */
static void
imp_report_dup(struct imp *im, const PGresult *res, int i)
{
    size_t n;
    const enum import_col *cols = import_checker_columns(im->chk, &n);
    char **fields = xcalloc(n + 1, sizeof *fields);
    char motivo[160];

    for (size_t k = 0; k < n; k++) {
        int col = 3 + (int)cols[k];
        const char *v = PQgetisnull(res, i, col) ? "" : PQgetvalue(res, i, col);

        if (cols[k] == IC_CONVENIO)
            v = import_catalog_convenio_clave(im->cat, atoi(v));
        else if (cols[k] == IC_ENTIDAD)
            v = import_catalog_entidad_clave(im->cat, atoi(v));
        fields[k] = xstrdup(v != NULL ? v : "");
    }
    snprintf(motivo, sizeof motivo, "ya está en el padrón: %s que el cliente %s",
             strcmp(PQgetvalue(res, i, 1), "CURP") == 0 ? "misma CURP" : "mismo teléfono",
             PQgetvalue(res, i, 2));
    im->st->en_padron++;
    if (im->o->reject != NULL)
        im->o->reject(im->o->reject_arg, strtoul(PQgetvalue(res, i, 0), NULL, 10), motivo, fields,
                      n);
    for (size_t k = 0; k < n; k++)
        free(fields[k]);
    free(fields);
}

static int
imp_padron_dups(struct imp *im, struct err *e)
{
    PGresult *res;
    int rc;

    /* A temp table has no statistics: without them the joins below would be nested loops. */
    if ((rc = imp_exec(im, "ANALYZE pg_temp.import_clientes", PGRES_COMMAND_OK, e)) != RC_OK)
        return rc;
    res = PQexec(im->pg, sql_en_padron);
    rc = db_check(im->db, res, PGRES_TUPLES_OK, e);
    for (int i = 0; rc == RC_OK && i < PQntuples(res); i++)
        imp_report_dup(im, res, i);
    PQclear(res);
    return rc;
}

static int
imp_insert(struct imp *im, struct err *e)
{
    const char *origen[1] = { im->o->origen != NULL ? im->o->origen : "IMPORTACION" };
    PGresult *res = PQexec(im->pg, sql_clientes);
    int rc = db_check(im->db, res, PGRES_COMMAND_OK, e);

    if (rc == RC_OK)
        im->st->cargadas = strtoul(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (rc != RC_OK)
        return rc;
    res = PQexecParams(im->pg, sql_contactos, 1, NULL, origen, NULL, NULL, 0);
    rc = db_check(im->db, res, PGRES_COMMAND_OK, e);
    PQclear(res);
    return rc;
}

/* Leaves the connection idle with nothing written: ends a COPY, rolls back. */
static void
imp_abort(struct imp *im)
{
    PGresult *res;

    if (im->in_copy) {
        if (PQputCopyEnd(im->pg, "importación cancelada") == 1)
            while ((res = PQgetResult(im->pg)) != NULL)
                PQclear(res);
        im->in_copy = false;
    }
    if (im->in_tx) {
        PQclear(PQexec(im->pg, "ROLLBACK"));
        im->in_tx = false;
    }
}

static int
imp_run(struct imp *im, struct err *e)
{
    int rc;

    if ((rc = imp_catalog(im, e)) != RC_OK)
        return rc;
    im->chk = import_checker_new(im->cat);
    if ((rc = imp_header(im, e)) != RC_OK)
        return rc;
    if ((rc = imp_begin(im, e)) != RC_OK || (rc = imp_stream(im, e)) != RC_OK ||
        (rc = imp_end_copy(im, e)) != RC_OK || (rc = imp_padron_dups(im, e)) != RC_OK ||
        (rc = imp_insert(im, e)) != RC_OK)
        return rc;
    if (!imp_progress(im))
        return err_set(e, RC_CLOSED, "importación cancelada: no se cargó nada");
    rc = imp_exec(im, "COMMIT", PGRES_COMMAND_OK, e);
    im->in_tx = false;
    return rc;
}

int
db_import_clientes(struct db *db, csv_read_fn *read, void *arg, const struct db_import_opts *o,
                   struct db_import_stats *st, struct err *e)
{
    struct imp im = { .db = db, .pg = db_pg(db), .o = o, .st = st };
    int rc;

    memset(st, 0, sizeof *st);
    im.csv = csv_new(read, arg);
    strbuf_init(&im.copy);
    rc = imp_run(&im, e);
    if (rc != RC_OK) {
        imp_abort(&im);
        st->cargadas = 0;
        if (rc == RC_DB && strcmp(e != NULL ? e->code : "", "42501") == 0)
            err_wrap(e, "importar requiere ser dueño del padrón (embudo_owner) o superusuario");
    }
    strbuf_fini(&im.copy);
    import_checker_free(im.chk);
    import_catalog_free(im.cat);
    csv_free(im.csv);
    return rc;
}

void
db_import_stats_fini(struct db_import_stats *st)
{
    for (size_t i = 0; st->header != NULL && i < st->nheader; i++)
        free(st->header[i]);
    free(st->header);
    st->header = NULL;
    st->nheader = 0;
}
