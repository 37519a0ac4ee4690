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

/*
 * --actualizar. The client of a row is the one with its CURP; a row without a CURP, or whose
 * CURP is new, is a new client as before. First the rows whose new phone is already a
 * vigente phone of ANOTHER client leave the staging table (rejected: two clients with one
 * phone would get one person's campaign twice), unless that client is in the file too with
 * another phone: the phone is then free once the file is applied, so two clients who swapped
 * phones are updated in one run. Such a row depends on the other's: when that one is rejected
 * the phone stays taken, so the check repeats until it rejects nothing more. Then each matched
 * client takes the file's values (only the columns the file has: an absent optional column erases
 * nothing), its phone becomes the file's (the others stop being vigente; one it had before is made
 * vigente again), and so does its e-mail when the file has that column. What changed is collected
 * in import_cambiados; the matched rows then leave the staging table.
 */
static const char sql_conflictos[] =
    "WITH d AS (SELECT DISTINCT ON (i.linea) i.linea, 'TELEFONO_OTRO' AS por,"
    "                  dc.cliente_id"
    "             FROM pg_temp.import_clientes i JOIN padron.clientes c ON c.curp = i.curp"
    "             JOIN padron.datos_contacto dc ON dc.valor = i.telefono AND dc.vigente"
    "              AND dc.tipo <> 'EMAIL' AND dc.cliente_id <> c.id"
    "            WHERE NOT EXISTS (SELECT 1 FROM pg_temp.import_clientes j"
    "                                JOIN padron.clientes c2 ON c2.curp = j.curp"
    "                               WHERE c2.id = dc.cliente_id"
    "                                 AND j.telefono IS DISTINCT FROM dc.valor)"
    "            ORDER BY i.linea, dc.cliente_id),"
    "     del AS (DELETE FROM pg_temp.import_clientes s USING d WHERE s.linea = d.linea"
    "             RETURNING s.linea, d.por, d.cliente_id, s.nombre, s.primer_apellido,"
    "                       s.segundo_apellido, s.curp, s.rfc, s.convenio_id, s.entidad_id,"
    "                       s.municipio, s.edad, s.telefono, s.email, s.capacidad_pago,"
    "                       s.segmento)"
    " SELECT * FROM del ORDER BY linea";

static const char sql_cambiados[] =
    "CREATE TEMP TABLE import_cambiados (id bigint NOT NULL) ON COMMIT DROP";

/* The phone (and with email, the e-mail) of every matched client: the others stop being
 * vigente, then the file's is added (or made vigente again; $1 = origen). */
static const char sql_contacto_baja[] =
    "WITH x AS (UPDATE padron.datos_contacto dc SET vigente = false"
    "             FROM pg_temp.import_clientes i JOIN padron.clientes c ON c.curp = i.curp"
    "            WHERE dc.cliente_id = c.id AND dc.tipo = '%s' AND dc.vigente"
    "              AND dc.valor IS DISTINCT FROM i.%s"
    "           RETURNING dc.cliente_id)"
    " INSERT INTO pg_temp.import_cambiados SELECT cliente_id FROM x";
static const char sql_contacto_alta[] =
    "WITH x AS (INSERT INTO padron.datos_contacto AS dc (cliente_id, tipo, valor, origen)"
    "           SELECT c.id, '%s', i.%s, $1"
    "             FROM pg_temp.import_clientes i JOIN padron.clientes c ON c.curp = i.curp"
    "            WHERE i.%s IS NOT NULL"
    "           ON CONFLICT (cliente_id, tipo, valor) DO UPDATE SET vigente = true"
    "            WHERE NOT dc.vigente"
    "           RETURNING dc.cliente_id)"
    " INSERT INTO pg_temp.import_cambiados SELECT cliente_id FROM x";

static const char sql_emparejados[] =
    "DELETE FROM pg_temp.import_clientes s USING padron.clientes c WHERE c.curp = s.curp";

/*
 * --bajas. Who the file names (CURP, phone, convenio) is kept before the staging rows are
 * consumed; after the updates and the inserts, a client of those convenios named neither by
 * CURP nor by a vigente phone gets a BAJA_PADRON block without end, unless it has one, and a
 * client named again has its block ended. More than a fifth of those convenios' clients is
 * refused unless forzar: a partial file must not empty the pool.
 */
static const char sql_presentes[] =
    "CREATE TEMP TABLE import_presentes ON COMMIT DROP AS"
    " SELECT curp, telefono, convenio_id FROM pg_temp.import_clientes";

static const char sql_ausentes[] =
    "CREATE TEMP TABLE import_ausentes ON COMMIT DROP AS"
    " SELECT c.id FROM padron.clientes c"
    "  WHERE c.convenio_id IN (SELECT DISTINCT convenio_id FROM pg_temp.import_presentes)"
    "    AND NOT EXISTS (SELECT 1 FROM pg_temp.import_presentes p WHERE p.curp = c.curp)"
    "    AND NOT EXISTS (SELECT 1 FROM padron.datos_contacto dc JOIN pg_temp.import_presentes p"
    "                      ON p.telefono = dc.valor"
    "                   WHERE dc.cliente_id = c.id AND dc.vigente AND dc.tipo <> 'EMAIL')"
    "    AND NOT EXISTS (SELECT 1 FROM crm.bloqueos b WHERE b.cliente_id = c.id"
    "                      AND b.motivo = 'BAJA_PADRON' AND b.hasta IS NULL)";

static const char sql_ausentes_cuenta[] =
    "SELECT (SELECT count(*) FROM pg_temp.import_ausentes),"
    " (SELECT count(*) FROM padron.clientes c WHERE c.convenio_id IN"
    "   (SELECT DISTINCT convenio_id FROM pg_temp.import_presentes))";

static const char sql_bajas[] =
    "INSERT INTO crm.bloqueos (cliente_id, motivo, detalle)"
    " SELECT id, 'BAJA_PADRON', 'ya no viene en el padrón de la financiera'"
    "   FROM pg_temp.import_ausentes";

static const char sql_reactivar[] =
    "UPDATE crm.bloqueos b SET hasta = now()"
    " WHERE b.motivo = 'BAJA_PADRON' AND b.hasta IS NULL"
    "   AND (EXISTS (SELECT 1 FROM padron.clientes c JOIN pg_temp.import_presentes p"
    "                  ON p.curp = c.curp WHERE c.id = b.cliente_id)"
    "        OR EXISTS (SELECT 1 FROM padron.datos_contacto dc JOIN pg_temp.import_presentes p"
    "                     ON p.telefono = dc.valor"
    "                    WHERE dc.cliente_id = b.cliente_id AND dc.vigente"
    "                      AND dc.tipo <> 'EMAIL'))";

/* The padron columns a matched client takes from the file (the staging table's names). */
static const struct {
    enum import_col col;
    const char *name;
} datos_cliente[] = {
    { IC_NOMBRE, "nombre" },
    { IC_PRIMER_APELLIDO, "primer_apellido" },
    { IC_SEGUNDO_APELLIDO, "segundo_apellido" },
    { IC_RFC, "rfc" },
    { IC_CONVENIO, "convenio_id" },
    { IC_ENTIDAD, "entidad_id" },
    { IC_MUNICIPIO, "municipio" },
    { IC_EDAD, "edad" },
    { IC_CAPACIDAD_PAGO, "capacidad_pago" },
    { IC_SEGMENTO, "segmento" },
};

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
    if (strcmp(PQgetvalue(res, i, 1), "TELEFONO_OTRO") == 0) {
        snprintf(motivo, sizeof motivo,
                 "el teléfono nuevo ya es de otro cliente del padrón (el cliente %s): no se "
                 "actualizó",
                 PQgetvalue(res, i, 2));
        im->st->rechazadas++;
    } else {
        snprintf(motivo, sizeof motivo, "ya está en el padrón: %s que el cliente %s",
                 strcmp(PQgetvalue(res, i, 1), "CURP") == 0 ? "misma CURP" : "mismo teléfono",
                 PQgetvalue(res, i, 2));
        im->st->en_padron++;
    }
    if (im->o->reject != NULL)
        im->o->reject(im->o->reject_arg, strtoul(PQgetvalue(res, i, 0), NULL, 10), motivo, fields,
                      n);
    for (size_t k = 0; k < n; k++)
        free(fields[k]);
    free(fields);
}

/* Runs a statement that removes rows from the staging table and reports each; *n (may be
 * NULL) gets how many. */
static int
imp_report_removed(struct imp *im, const char *sql, int *n, struct err *e)
{
    PGresult *res = PQexec(im->pg, sql);
    int rc = db_check(im->db, res, PGRES_TUPLES_OK, e);

    for (int i = 0; rc == RC_OK && i < PQntuples(res); i++)
        imp_report_dup(im, res, i);
    if (rc == RC_OK && n != NULL)
        *n = PQntuples(res);
    PQclear(res);
    return rc;
}

/* Runs a statement with the origen as $1; *n (may be NULL) gets the rows it affected. */
static int
imp_exec_origen(struct imp *im, const char *sql, unsigned long *n, struct err *e)
{
    const char *origen[1] = { im->o->origen != NULL ? im->o->origen : "IMPORTACION" };
    PGresult *res = PQexecParams(im->pg, sql, 1, NULL, origen, NULL, NULL, 0);
    int rc = db_check(im->db, res, PGRES_COMMAND_OK, e);

    if (rc == RC_OK && n != NULL)
        *n = strtoul(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return rc;
}

/* The contact of type tipo (CELULAR/EMAIL) of every matched client becomes the file's. */
static int
imp_update_contacto(struct imp *im, const char *tipo, const char *col, struct err *e)
{
    char sql[1024];
    int rc;

    snprintf(sql, sizeof sql, sql_contacto_baja, tipo, col);
    if ((rc = imp_exec(im, sql, PGRES_COMMAND_OK, e)) != RC_OK)
        return rc;
    snprintf(sql, sizeof sql, sql_contacto_alta, tipo, col, col);
    return imp_exec_origen(im, sql, NULL, e);
}

/* --actualizar: the rows of clients already in the padron (by CURP) update them. */
static int
imp_update(struct imp *im, struct err *e)
{
    size_t ncols;
    const enum import_col *cols = import_checker_columns(im->chk, &ncols);
    struct strbuf set, old, new;
    bool email = false;
    unsigned long emparejados = 0;
    PGresult *res;
    int rc, rechazadas;

    do
        if ((rc = imp_report_removed(im, sql_conflictos, &rechazadas, e)) != RC_OK)
            return rc;
    while (rechazadas > 0);
    if ((rc = imp_exec(im, sql_cambiados, PGRES_COMMAND_OK, e)) != RC_OK)
        return rc;
    strbuf_init(&set);
    strbuf_init(&old);
    strbuf_init(&new);
    for (size_t k = 0; k < ncols; k++) {
        email |= cols[k] == IC_EMAIL;
        for (size_t d = 0; d < sizeof datos_cliente / sizeof datos_cliente[0]; d++) {
            const char *n = datos_cliente[d].name;

            if (datos_cliente[d].col != cols[k])
                continue;
            strbuf_addf(&set, "%s%s = i.%s", set.len > 0 ? ", " : "", n, n);
            strbuf_addf(&old, "%sc.%s", old.len > 0 ? ", " : "", n);
            strbuf_addf(&new, "%si.%s", new.len > 0 ? ", " : "", n);
        }
    }
    /* Required columns are always there, so set is never empty. A one-column row
     * "IS DISTINCT FROM" needs ROW() on both sides. */
    {
        char *sql = xasprintf("WITH x AS (UPDATE padron.clientes c SET %s"
                              " FROM pg_temp.import_clientes i WHERE c.curp = i.curp"
                              " AND ROW(%s) IS DISTINCT FROM ROW(%s) RETURNING c.id)"
                              " INSERT INTO pg_temp.import_cambiados SELECT id FROM x",
                              set.buf, old.buf, new.buf);

        rc = imp_exec(im, sql, PGRES_COMMAND_OK, e);
        free(sql);
    }
    strbuf_fini(&set);
    strbuf_fini(&old);
    strbuf_fini(&new);
    if (rc != RC_OK || (rc = imp_update_contacto(im, "CELULAR", "telefono", e)) != RC_OK ||
        (email && (rc = imp_update_contacto(im, "EMAIL", "email", e)) != RC_OK))
        return rc;
    res = PQexec(im->pg, "SELECT count(DISTINCT id) FROM pg_temp.import_cambiados");
    if ((rc = db_check(im->db, res, PGRES_TUPLES_OK, e)) == RC_OK)
        im->st->actualizadas = strtoul(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    if (rc != RC_OK)
        return rc;
    res = PQexec(im->pg, sql_emparejados);
    if ((rc = db_check(im->db, res, PGRES_COMMAND_OK, e)) == RC_OK)
        emparejados = strtoul(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    im->st->sin_cambios = emparejados - im->st->actualizadas;
    return rc;
}

/* Runs a statement; *n gets the rows it affected. */
static int
imp_exec_count(struct imp *im, const char *sql, unsigned long *n, struct err *e)
{
    PGresult *res = PQexec(im->pg, sql);
    int rc = db_check(im->db, res, PGRES_COMMAND_OK, e);

    if (rc == RC_OK)
        *n = strtoul(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return rc;
}

/* --bajas, after the updates and the inserts: see sql_presentes. */
static int
imp_bajas(struct imp *im, struct err *e)
{
    PGresult *res;
    unsigned long ausentes = 0, total = 0;
    int rc;

    if ((rc = imp_exec(im, sql_ausentes, PGRES_COMMAND_OK, e)) != RC_OK)
        return rc;
    res = PQexec(im->pg, sql_ausentes_cuenta);
    if ((rc = db_check(im->db, res, PGRES_TUPLES_OK, e)) == RC_OK) {
        ausentes = strtoul(PQgetvalue(res, 0, 0), NULL, 10);
        total = strtoul(PQgetvalue(res, 0, 1), NULL, 10);
    }
    PQclear(res);
    if (rc != RC_OK)
        return rc;
    if (!im->o->forzar && ausentes * 5 > total)
        return err_set(e, RC_INVAL,
                       "se darían de baja %lu de los %lu clientes de los convenios del archivo "
                       "(más de la quinta parte): ¿es el padrón completo? Revíselo, o repita "
                       "con --forzar; no se cargó nada",
                       ausentes, total);
    if ((rc = imp_exec_count(im, sql_bajas, &im->st->bajas, e)) != RC_OK)
        return rc;
    return imp_exec_count(im, sql_reactivar, &im->st->reactivados, e);
}

static int
imp_padron_dups(struct imp *im, struct err *e)
{
    int rc;

    /* A temp table has no statistics: without them the joins below would be nested loops. */
    if ((rc = imp_exec(im, "ANALYZE pg_temp.import_clientes", PGRES_COMMAND_OK, e)) != RC_OK)
        return rc;
    if (im->o->bajas && (rc = imp_exec(im, sql_presentes, PGRES_COMMAND_OK, e)) != RC_OK)
        return rc;
    if (im->o->actualizar && (rc = imp_update(im, e)) != RC_OK)
        return rc;
    return imp_report_removed(im, sql_en_padron, NULL, e);
}

static int
imp_insert(struct imp *im, struct err *e)
{
    PGresult *res = PQexec(im->pg, sql_clientes);
    int rc = db_check(im->db, res, PGRES_COMMAND_OK, e);

    if (rc == RC_OK)
        im->st->cargadas = strtoul(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if (rc != RC_OK)
        return rc;
    return imp_exec_origen(im, sql_contactos, NULL, e);
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
        (rc = imp_end_copy(im, e)) != RC_OK)
        return rc;
    /* A rejected row's client would look gone: --bajas needs the whole file. */
    if (im->o->bajas && im->st->rechazadas > 0)
        return err_set(e, RC_INVAL,
                       "con --bajas el archivo tiene que cargarse completo: %lu filas se "
                       "rechazaron (sus clientes se darían de baja); corríjalas y vuelva a "
                       "importar; no se cargó nada",
                       im->st->rechazadas);
    if ((rc = imp_padron_dups(im, e)) != RC_OK || (rc = imp_insert(im, e)) != RC_OK ||
        (im->o->bajas && (rc = imp_bajas(im, e)) != RC_OK))
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
        st->cargadas = st->actualizadas = st->sin_cambios = st->bajas = st->reactivados = 0;
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
