/*
 * db_import — `embudo import clientes`: streams a CSV file through core/csv and core/import
 * and loads every valid row into padron.clientes (+ datos_contacto) in ONE transaction via
 * COPY. Rejected rows are handed to a callback with their line and reason; a duplicate of a
 * client already in the padron (same CURP, or same vigente phone) is skipped and reported
 * the same way — or, with actualizar, a row whose CURP is a client's updates that client
 * (data, phone, e-mail: the lender's file is the truth), and with bajas the clients of the
 * file's convenios it no longer names leave the pool (sql/086). On any error, on cancellation, or
 * if the process dies, nothing is written.
 *
 * Needs a login that may write the padron (its owner embudo_owner, or a superuser). Runs on
 * the thread that owns the struct db; lower layer: prints nothing.
 */
#ifndef DB_DB_IMPORT_H
#define DB_DB_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/csv.h"

struct db;
struct err;

/* One rejected row: fields are the file's columns in header order (raw, or as cleaned for
 * padron duplicates); fields is NULL when the record itself could not be read. */
typedef void db_import_reject_fn(void *arg, unsigned long line, const char *motivo,
                                 char *const *fields, size_t nfields);

/* Called every DB_IMPORT_PROGRESS_ROWS rows and before COMMIT; return false to cancel. */
typedef bool db_import_progress_fn(void *arg, unsigned long rows, unsigned long long bytes);

#define DB_IMPORT_PROGRESS_ROWS 10000

struct db_import_opts {
    db_import_reject_fn *reject; /* may be NULL */
    void *reject_arg;
    db_import_progress_fn *progress; /* may be NULL */
    void *progress_arg;
    const char *origen; /* datos_contacto.origen; NULL = "IMPORTACION" */
    bool actualizar;    /* a row whose CURP is a client's updates that client (docs/import.md) */
    bool bajas;         /* with actualizar: the file's convenios' clients it no longer names get
                         * a BAJA_PADRON block; the ones it names again lose theirs */
    bool forzar;        /* with bajas: even when more than a fifth of those clients would go */
};

struct db_import_stats {
    unsigned long filas;      /* data records read (header excluded) */
    unsigned long rechazadas; /* invalid rows (incl. duplicates within the file) */
    unsigned long en_padron;  /* skipped: already in the padron */
    unsigned long cargadas;   /* clients inserted (committed) */
    unsigned long actualizadas; /* --actualizar: clients whose data, phone or e-mail changed */
    unsigned long sin_cambios;  /* --actualizar: clients of the file already as it says */
    unsigned long bajas;        /* --bajas: clients blocked because the file no longer names them */
    unsigned long reactivados;  /* --bajas: clients named again, their BAJA_PADRON block ended */
    char **header;            /* the header's column names (for a rejects file); owned */
    size_t nheader;
};

/*
 * Imports the CSV read by read(arg). RC_OK when the transaction committed (possibly with 0
 * rows); RC_INVAL for a bad header (e names it), RC_CLOSED when progress cancelled, RC_IO
 * when reading failed, RC_DB when the database failed: in every non-OK case nothing was
 * loaded. *st is filled in every case; release it with db_import_stats_fini.
 */
int db_import_clientes(struct db *db, csv_read_fn *read, void *arg, const struct db_import_opts *o,
                       struct db_import_stats *st, struct err *e)
    __attribute__((warn_unused_result));
void db_import_stats_fini(struct db_import_stats *st);

#endif
