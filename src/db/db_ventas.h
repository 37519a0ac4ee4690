/*
 * db_ventas — the sales after they are registered (sql/092_ventas.sql): the list to
 * reconcile folios with the lender and pay commissions from (api.ventas: own, team or
 * everyone, one promoter of it, a range of business dates), and the supervisor's two
 * corrections, a mistyped sale (api.venta_corregir) and a credit the lender declined
 * (api.venta_cancelar: the sale is kept as CANCELADA and the opportunity goes to the bandeja,
 * or is discarded when its client cannot be worked again). Registering a sale is db_crm's
 * db_venta_registrar. One statement each, autocommit; any thread, on the thread that owns db.
 */
#ifndef DB_DB_VENTAS_H
#define DB_DB_VENTAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;
struct err;

/* One sale; strings owned and never NULL ("" when absent). */
struct db_venta_fila {
    int64_t oportunidad_id;
    char *folio;
    char *monto; /* decimal text as the database wrote it ("12500.50"): no binary rounding */
    char *producto;
    bool cancelada;
    time_t registrada;
    char fecha[11]; /* its business date, AAAA-MM-DD */
    char *promotor; /* login of who the sale counts for */
    char *promotor_nombre;
    char *cliente;
    char *convenio;
    time_t corregida;    /* 0: never corrected */
    time_t cancelada_at; /* 0 unless cancelada */
    char *cancelada_por; /* login */
    char *motivo_cancelacion;
};

/* What to list. NULL dates: api.ventas's defaults (the month of hasta, hasta today). */
struct db_ventas_filtro {
    const char *desde;    /* AAAA-MM-DD or NULL */
    const char *hasta;    /* AAAA-MM-DD or NULL */
    const char *promotor; /* a login of the caller's scope, or NULL for all of it */
    bool canceladas;      /* include cancelled sales */
};

/*
 * The sales of f, newest first; db_ventas_free. EB001, EB212 (future date), EB370 (bad range),
 * EB630 (promoter outside the scope), 22007/22008 (a date that is not one).
 */
int db_ventas(struct db *db, const struct db_ventas_filtro *f, struct db_venta_fila **rows,
              size_t *n, struct err *e) __attribute__((warn_unused_result));
void db_ventas_free(struct db_venta_fila *rows, size_t n);

/*
 * Corrects the sale in force of an opportunity: monto (decimal text), producto, folio, each
 * NULL to keep it; motivo is required. *mensaje (owned) says what happened, including "no se
 * cambió nada" for the same values. EB002, EB301, EB311…EB313, EB315, EB316.
 */
int db_venta_corregir(struct db *db, int64_t oportunidad, const char *monto, const char *producto,
                      const char *folio, const char *motivo, char **mensaje, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Cancels the sale of an opportunity (the lender declined the credit). *mensaje (owned) says
 * where the opportunity went, or that it was already cancelled. EB002, EB301, EB315, EB316.
 */
int db_venta_cancelar(struct db *db, int64_t oportunidad, const char *motivo, char **mensaje,
                      struct err *e) __attribute__((warn_unused_result));

#endif
