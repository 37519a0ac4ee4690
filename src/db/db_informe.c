#include "db/db_informe.h"

#include <assert.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

/* Rows fetched from the export's cursor at a time: flat memory, few round trips. */
#define EXPORT_BATCH 2000
#define TEXT_(x)     #x
#define TEXT(x)      TEXT_(x)

/* NULL or "AAAA-MM-DD" in shape; the server checks the calendar. */
static bool
fecha_forma(const char *s)
{
    if (s == NULL)
        return true;
    for (int i = 0; i < 10; i++) {
        bool guion = i == 4 || i == 7;
        if (s[i] == '\0' || (guion ? s[i] != '-' : !isdigit((unsigned char)s[i])))
            return false;
    }
    return s[10] == '\0';
}

static int
rango_check(const struct db_informe_rango *r, struct err *e)
{
    if (!fecha_forma(r->desde))
        return err_set(e, RC_INVAL, "fecha inválida «%s»: se espera AAAA-MM-DD", r->desde);
    if (!fecha_forma(r->hasta))
        return err_set(e, RC_INVAL, "fecha inválida «%s»: se espera AAAA-MM-DD", r->hasta);
    return RC_OK;
}

/* Ends the report's transaction; a failure of the body wins over one of the ending. */
static int
fin_transaccion(struct db *db, int rc, struct err *e)
{
    struct err e2 = { 0 };
    int rc2 = db_exec(db, rc == RC_OK ? "COMMIT" : "ROLLBACK", &e2);

    if (rc == RC_OK && rc2 != RC_OK) {
        if (e != NULL)
            *e = e2;
        return rc2;
    }
    return rc;
}

static int
leer_rango(struct db *db, const char *const *p, struct db_informe *out, struct err *e)
{
    static const char sql[] = "SELECT rango_desde, rango_hasta"
                              " FROM api.informe_rango($1::date, $2::date)";
    PGresult *res = NULL;
    int rc = db_query_row(db, sql, 2, p, &res, e);

    if (rc == RC_OK) {
        db_col_copy(out->desde, sizeof out->desde, res, 0, 0);
        db_col_copy(out->hasta, sizeof out->hasta, res, 0, 1);
    }
    PQclear(res);
    return rc;
}

/* NULL (no stay ended in the range) reads as -1. */
static double
horas(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? -1.0 : db_col_double(res, row, col);
}

static int
leer_etapas(struct db *db, const char *const *p, struct db_informe *out, struct err *e)
{
    static const char sql[] =
        "SELECT etapa_id, orden, etapa, tipo, entradas, salidas, avanzaron, regresaron,"
        " a_bandeja, ventas, vencidas, otras, horas_mediana, horas_p90, en_etapa"
        " FROM api.informe_etapas($1::date, $2::date, $3)";
    PGresult *res = NULL;
    int rc = db_query_rows(db, sql, 3, p, &res, e);

    if (rc == RC_OK) {
        out->netapas = (size_t)PQntuples(res);
        out->etapas = xcalloc(out->netapas + 1, sizeof *out->etapas);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_informe_etapa *x = &out->etapas[i];

            x->etapa_id = db_col_int(res, i, 0);
            x->orden = db_col_int(res, i, 1);
            db_col_copy(x->etapa, sizeof x->etapa, res, i, 2);
            db_col_copy(x->tipo, sizeof x->tipo, res, i, 3);
            x->entradas = db_col_int(res, i, 4);
            x->salidas = db_col_int(res, i, 5);
            x->avanzaron = db_col_int(res, i, 6);
            x->regresaron = db_col_int(res, i, 7);
            x->a_bandeja = db_col_int(res, i, 8);
            x->ventas = db_col_int(res, i, 9);
            x->vencidas = db_col_int(res, i, 10);
            x->otras = db_col_int(res, i, 11);
            x->horas_mediana = horas(res, i, 12);
            x->horas_p90 = horas(res, i, 13);
            x->en_etapa = db_col_int(res, i, 14);
        }
    }
    PQclear(res);
    return rc;
}

static int
leer_motivos(struct db *db, const char *const *p, struct db_informe *out, struct err *e)
{
    static const char sql[] = "SELECT tipo, razon, n"
                              " FROM api.informe_motivos($1::date, $2::date, $3)";
    PGresult *res = NULL;
    int rc = db_query_rows(db, sql, 3, p, &res, e);

    if (rc == RC_OK) {
        out->nmotivos = (size_t)PQntuples(res);
        out->motivos = xcalloc(out->nmotivos + 1, sizeof *out->motivos);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_informe_motivo *x = &out->motivos[i];

            db_col_copy(x->tipo, sizeof x->tipo, res, i, 0);
            db_col_copy(x->razon, sizeof x->razon, res, i, 1);
            x->n = db_col_int(res, i, 2);
        }
    }
    PQclear(res);
    return rc;
}

static int
leer_promotores(struct db *db, const char *const *p, struct db_informe *out, struct err *e)
{
    static const char sql[] =
        "SELECT login, nombre, recibidas, captadas, intentos, a_bandeja, vencidas, ventas, monto"
        " FROM api.informe_promotores($1::date, $2::date, $3)";
    PGresult *res = NULL;
    int rc = db_query_rows(db, sql, 3, p, &res, e);

    if (rc == RC_OK) {
        out->npromotores = (size_t)PQntuples(res);
        out->promotores = xcalloc(out->npromotores + 1, sizeof *out->promotores);
        for (int i = 0; i < PQntuples(res); i++) {
            struct db_informe_promotor *x = &out->promotores[i];

            db_col_copy(x->login, sizeof x->login, res, i, 0);
            db_col_copy(x->nombre, sizeof x->nombre, res, i, 1);
            x->recibidas = db_col_int(res, i, 2);
            x->captadas = db_col_int(res, i, 3);
            x->intentos = db_col_int(res, i, 4);
            x->a_bandeja = db_col_int(res, i, 5);
            x->vencidas = db_col_int(res, i, 6);
            x->ventas = db_col_int(res, i, 7);
            x->monto = db_col_double(res, i, 8);
        }
    }
    PQclear(res);
    return rc;
}

int
db_informe_load(struct db *db, const struct db_informe_rango *r, struct db_informe *out,
                struct err *e)
{
    struct db_informe inf;
    const char *p[3];
    int rc;

    assert(db != NULL && r != NULL && out != NULL);
    memset(&inf, 0, sizeof inf);
    if ((rc = rango_check(r, e)) != RC_OK)
        return rc;
    if ((rc = db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", e)) != RC_OK)
        return rc;
    p[0] = r->desde;
    p[1] = r->hasta;
    p[2] = r->promotor;
    rc = leer_rango(db, p, &inf, e);
    /* The resolved range, so the three parts cannot straddle midnight differently. */
    p[0] = inf.desde;
    p[1] = inf.hasta;
    if (rc == RC_OK)
        rc = leer_etapas(db, p, &inf, e);
    if (rc == RC_OK)
        rc = leer_motivos(db, p, &inf, e);
    if (rc == RC_OK)
        rc = leer_promotores(db, p, &inf, e);
    rc = fin_transaccion(db, rc, e);
    if (rc != RC_OK) {
        db_informe_fini(&inf);
        return rc;
    }
    *out = inf;
    return RC_OK;
}

void
db_informe_fini(struct db_informe *inf)
{
    free(inf->etapas);
    free(inf->motivos);
    free(inf->promotores);
    memset(inf, 0, sizeof *inf);
}

const char *const db_historial_columnas[DB_HISTORIAL_NCOLUMNAS] = {
    "historial_id",    "ocurrido_at",  "fecha",   "oportunidad_id", "cliente_id",
    "prospecto_id",    "promotor",     "evento",  "etapa_anterior", "etapa_nueva",
    "estado_anterior", "estado_nuevo", "usuario", "motivo",         "datos",
};

/* Sends each row of one fetched batch to fila; *n is how many came. */
static int
exportar_lote(struct db *db, int (*fila)(void *, const struct db_historial_fila *), void *arg,
              int *n, struct err *e)
{
    PGresult *res = NULL;
    int rc =
        db_query_rows(db, "FETCH " TEXT(EXPORT_BATCH) " FROM historial_exportar", 0, NULL, &res, e);

    *n = 0;
    if (rc == RC_OK) {
        *n = PQntuples(res);
        for (int i = 0; i < *n && rc == RC_OK; i++) {
            struct db_historial_fila f;

            for (int k = 0; k < DB_HISTORIAL_NCOLUMNAS; k++)
                f.campos[k] = PQgetisnull(res, i, k) ? NULL : PQgetvalue(res, i, k);
            rc = fila(arg, &f);
        }
    }
    PQclear(res);
    return rc;
}

int
db_historial_exportar(struct db *db, const struct db_informe_rango *r,
                      int (*fila)(void *arg, const struct db_historial_fila *f), void *arg,
                      struct err *e)
{
    static const char sql[] =
        "DECLARE historial_exportar NO SCROLL CURSOR FOR"
        " SELECT historial_id,"
        " to_char(ocurrido_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), fecha,"
        " oportunidad_id, cliente_id, prospecto_id, dueno, evento, etapa_anterior, etapa_nueva,"
        " estado_anterior, estado_nuevo, usuario, motivo, datos"
        " FROM api.historial_exportar($1::date, $2::date, $3)";
    const char *p[3] = { r->desde, r->hasta, r->promotor };
    PGresult *res = NULL;
    int rc, n;

    assert(db != NULL && r != NULL && fila != NULL);
    if ((rc = rango_check(r, e)) != RC_OK)
        return rc;
    if ((rc = db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", e)) != RC_OK)
        return rc;
    res = PQexecParams(db_pg(db), sql, 3, NULL, p, NULL, NULL, 0);
    rc = db_check(db, res, PGRES_COMMAND_OK, e);
    PQclear(res);
    while (rc == RC_OK) {
        rc = exportar_lote(db, fila, arg, &n, e);
        if (n < EXPORT_BATCH)
            break;
    }
    return fin_transaccion(db, rc, e);
}

/* ---- the aging heatmap --------------------------------------------------------------- */

/* NULL hours (no open opportunity in the cell) read as -1. */
static void
celda_read(struct db_env_celda *c, const PGresult *res, int i)
{
    c->abiertas = db_col_int(res, i, 7);
    c->en_aviso = db_col_int(res, i, 8);
    c->vencidas = db_col_int(res, i, 9);
    c->horas_mediana = horas(res, i, 10);
    c->horas_max = horas(res, i, 11);
    c->razon = horas(res, i, 12);
}

int
db_envejecimiento_load(struct db *db, const char *promotor, struct db_envejecimiento *out,
                       struct err *e)
{
    static const char sql[] =
        "SELECT login, nombre, etapa_id, orden, etapa, timer_horas, aviso_pct, abiertas,"
        " en_aviso, vencidas, horas_mediana, horas_max, razon"
        " FROM api.informe_envejecimiento($1)";
    const char *p[1] = { promotor };
    struct db_envejecimiento v;
    PGresult *res = NULL;
    size_t n, ne = 0;
    int rc;

    assert(db != NULL && out != NULL);
    memset(&v, 0, sizeof v);
    if ((rc = db_query_rows(db, sql, 1, p, &res, e)) != RC_OK)
        goto out;
    /* Every promoter × every column, by promoter then orden: the first promoter's rows are
       the columns. */
    n = (size_t)PQntuples(res);
    while (ne < n && strcmp(PQgetvalue(res, (int)ne, 0), PQgetvalue(res, 0, 0)) == 0)
        ne++;
    v.netapas = ne;
    v.npromotores = ne > 0 ? n / ne : 0;
    assert(v.npromotores * ne == n);
    v.etapas = xcalloc(ne + 1, sizeof *v.etapas);
    v.promotores = xcalloc(v.npromotores + 1, sizeof *v.promotores);
    v.celdas = xcalloc(n + 1, sizeof *v.celdas);
    v.aviso_pct = n > 0 ? db_col_int(res, 0, 6) : 0;
    for (size_t k = 0; k < ne; k++) {
        struct db_env_etapa *x = &v.etapas[k];

        x->etapa_id = db_col_int(res, (int)k, 2);
        x->orden = db_col_int(res, (int)k, 3);
        db_col_copy(x->etapa, sizeof x->etapa, res, (int)k, 4);
        x->timer_horas = db_col_double(res, (int)k, 5);
    }
    for (size_t i = 0; i < n; i++) {
        if (i % ne == 0) {
            db_col_copy(v.promotores[i / ne].login, sizeof v.promotores[0].login, res, (int)i, 0);
            db_col_copy(v.promotores[i / ne].nombre, sizeof v.promotores[0].nombre, res, (int)i, 1);
        }
        assert(db_col_int(res, (int)i, 2) == v.etapas[i % ne].etapa_id);
        celda_read(&v.celdas[i], res, (int)i);
    }
    *out = v;
out:
    PQclear(res);
    return rc;
}

void
db_envejecimiento_fini(struct db_envejecimiento *v)
{
    free(v->etapas);
    free(v->promotores);
    free(v->celdas);
    memset(v, 0, sizeof *v);
}
