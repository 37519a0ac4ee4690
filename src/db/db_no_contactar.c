#include "db/db_no_contactar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

int
db_no_contactar_agregar(struct db *db, const char *telefono, const char *fuente,
                        const char *registrado, const char *detalle,
                        struct db_no_contactar_alta *out, struct err *e)
{
    static const char sql[] = "SELECT telefono_e164, fuente_alta, hasta, clientes, oportunidades"
                              " FROM api.no_contactar_agregar($1, $2, $3::date, $4)";
    const char *p[4] = { telefono, fuente != NULL ? fuente : "SOLICITUD", registrado, detalle };
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = db_query_row(db, sql, 4, p, &res, e);
    if (rc == RC_OK) {
        db_col_copy(out->telefono, sizeof out->telefono, res, 0, 0);
        db_col_copy(out->fuente, sizeof out->fuente, res, 0, 1);
        db_col_copy(out->hasta, sizeof out->hasta, res, 0, 2);
        out->clientes = db_col_int(res, 0, 3);
        out->oportunidades = db_col_int(res, 0, 4);
    }
    PQclear(res);
    return rc;
}

int
db_no_contactar_cargar(struct db *db, const char *const *telefonos, const char *const *registrados,
                       size_t n, const char *fuente, const char *detalle,
                       struct db_no_contactar_carga *out, struct err *e)
{
    static const char sql[] = "SELECT nuevos, renovados, clientes"
                              " FROM api.no_contactar_cargar($1::text[], $2, $3::date[], $4)";
    struct strbuf tels, regs;
    PGresult *res = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    strbuf_init(&tels);
    strbuf_init(&regs);
    strbuf_addch(&tels, '{');
    strbuf_addch(&regs, '{');
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            strbuf_addch(&tels, ',');
            strbuf_addch(&regs, ',');
        }
        db_array_elem(&tels, telefonos[i]);
        db_array_elem(&regs, registrados != NULL ? registrados[i] : NULL);
    }
    strbuf_addch(&tels, '}');
    strbuf_addch(&regs, '}');
    {
        const char *p[4] = { tels.buf, fuente, registrados != NULL ? regs.buf : NULL, detalle };

        rc = db_query_row(db, sql, 4, p, &res, e);
    }
    if (rc == RC_OK) {
        out->nuevos = db_col_int(res, 0, 0);
        out->renovados = db_col_int(res, 0, 1);
        out->clientes = db_col_int(res, 0, 2);
    }
    PQclear(res);
    strbuf_fini(&regs);
    strbuf_fini(&tels);
    return rc;
}

int
db_no_contactar_quitar(struct db *db, const char *telefono, const char *fuente, const char *motivo,
                       int *quedan, struct err *e)
{
    static const char sql[] = "SELECT api.no_contactar_quitar($1, $2, $3)";
    const char *p[3] = { telefono, fuente, motivo };
    PGresult *res = NULL;
    int rc;

    *quedan = 0;
    rc = db_query_row(db, sql, 3, p, &res, e);
    if (rc == RC_OK)
        *quedan = db_col_int(res, 0, 0);
    PQclear(res);
    return rc;
}

void
db_no_contactar_free(struct db_no_contactar *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].telefono);
        free(rows[i].fuente);
        free(rows[i].registrado);
        free(rows[i].hasta);
        free(rows[i].detalle);
        free(rows[i].creado_por);
        free(rows[i].creado_at);
        free(rows[i].quitado_at);
        free(rows[i].quitado_por);
        free(rows[i].quitado_motivo);
    }
    free(rows);
}

/* Reads rows whose columns are telefono, fuente, registrado, hasta, vigente, detalle,
 * creado_por, creado_at, quitado_at, quitado_por, quitado_motivo. */
static int
read_entries(struct db *db, const char *sql, int np, const char *const *p,
             struct db_no_contactar **rows, size_t *n, struct err *e)
{
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, np, p, &res, e);
    if (rc != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *rows = xcalloc(*n + 1, sizeof **rows);
    for (int i = 0; i < PQntuples(res); i++) {
        struct db_no_contactar *r = &(*rows)[i];

        r->telefono = db_col_dup(res, i, 0);
        r->fuente = db_col_dup(res, i, 1);
        r->registrado = db_col_dup(res, i, 2);
        r->hasta = db_col_dup(res, i, 3);
        r->vigente = db_col_bool(res, i, 4);
        r->detalle = db_col_dup(res, i, 5);
        r->creado_por = db_col_dup(res, i, 6);
        r->creado_at = db_col_dup(res, i, 7);
        r->quitado_at = db_col_dup(res, i, 8);
        r->quitado_por = db_col_dup(res, i, 9);
        r->quitado_motivo = db_col_dup(res, i, 10);
    }
out:
    PQclear(res);
    return rc;
}

int
db_no_contactar_consultar(struct db *db, const char *telefono, struct db_no_contactar **rows,
                          size_t *n, struct err *e)
{
    static const char sql[] = "SELECT telefono_e164, fuente, registrado, hasta, true, detalle,"
                              " creado_por, creado_at, NULL, NULL, NULL"
                              " FROM api.no_contactar_consultar($1)";
    const char *p[1] = { telefono };

    return read_entries(db, sql, 1, p, rows, n, e);
}

int
db_no_contactar_lista(struct db *db, const char *fuente, const char *despues, int limite,
                      bool todas, struct db_no_contactar **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT telefono, fuente_reg, registrado, hasta, vigente, detalle,"
                              " creado_por, creado_at, quitado_at, quitado_por, quitado_motivo"
                              " FROM api.no_contactar_lista($1, $2, $3::int, $4::boolean)";
    char lim[16];
    const char *p[4] = { fuente, despues, lim, todas ? "true" : "false" };

    snprintf(lim, sizeof lim, "%d", limite);
    return read_entries(db, sql, 4, p, rows, n, e);
}

int
db_no_contactar_resumen(struct db *db, struct db_no_contactar_resumen rows[3], struct err *e)
{
    static const char sql[] = "SELECT fuente, vigentes, vencidos, quitados, clientes_bloqueados,"
                              " oportunidades_activas FROM api.no_contactar_resumen()";
    PGresult *res = NULL;
    int rc;

    memset(rows, 0, 3 * sizeof *rows);
    rc = db_query_rows(db, sql, 0, NULL, &res, e);
    if (rc == RC_OK && PQntuples(res) != 3)
        rc = err_set(e, RC_DB, "respuesta inesperada de la base de datos: %d filas en lugar de 3",
                     PQntuples(res));
    for (int i = 0; rc == RC_OK && i < 3; i++) {
        db_col_copy(rows[i].fuente, sizeof rows[i].fuente, res, i, 0);
        rows[i].vigentes = db_col_i64(res, i, 1);
        rows[i].vencidos = db_col_i64(res, i, 2);
        rows[i].quitados = db_col_i64(res, i, 3);
        rows[i].clientes_bloqueados = db_col_i64(res, i, 4);
        rows[i].oportunidades_activas = db_col_i64(res, i, 5);
    }
    PQclear(res);
    return rc;
}

int
db_no_contactar_oportunidades(struct db *db, struct db_no_contactar_marca **rows, size_t *n,
                              struct err *e)
{
    static const char sql[] = "SELECT oportunidad_id, telefono, fuentes"
                              " FROM api.no_contactar_oportunidades()";
    PGresult *res = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = db_query_rows(db, sql, 0, NULL, &res, e);
    if (rc != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *rows = xcalloc(*n + 1, sizeof **rows);
    for (int i = 0; i < PQntuples(res); i++) {
        (*rows)[i].oportunidad_id = db_col_i64(res, i, 0);
        db_col_copy((*rows)[i].telefono, sizeof(*rows)[i].telefono, res, i, 1);
        db_col_copy((*rows)[i].fuentes, sizeof(*rows)[i].fuentes, res, i, 2);
    }
out:
    PQclear(res);
    return rc;
}
