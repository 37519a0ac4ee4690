/*
 * db_signal — the Signal store rows of a WhatsApp account (sql/031_wa_signal.sql): sealed
 * blobs in crm.wa_signal_{identidades,prekeys,signed_prekeys,sesiones,sender_keys}, one
 * row per record, through api.wa_signal_*.
 *
 * The blobs arrive sealed (src/wa/signal seals them with AD "<tabla>:<cuenta>:<clave>");
 * this module never sees a key. tabla is the table's name without schema (what
 * wasig_table_name() returns); clave the row key as text (a decimal id for the two pre-key
 * tables). cuenta is the account (usuario_id): the caller's own, or any account with
 * envio_servidor for a server session (else RC_REFUSED EB363). Refusals: EB380 (unknown
 * table), EB381 (bad key or blob). Autocommit, parameters only. The thread that owns the
 * struct db.
 */
#ifndef DB_DB_SIGNAL_H
#define DB_DB_SIGNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct err;

/* Called once per row by db_signal_filas; clave and blob are borrowed for the call. A
 * non-OK return stops the walk and is returned. (Same type as wasig_row_fn.) */
typedef int (*db_signal_fila_fn)(void *arg, const char *clave, const uint8_t *blob, size_t len,
                                 struct err *e);

/* Inserts or replaces one sealed row. RC_OK, RC_REFUSED (EB363, EB380, EB381), RC_DB. */
int db_signal_guardar(struct db *db, int64_t cuenta, const char *tabla, const char *clave,
                      const uint8_t *blob, size_t len, struct err *e)
    __attribute__((warn_unused_result));

/* Deletes one row; a missing row is RC_OK (*borrada, may be NULL, says which). */
int db_signal_borrar(struct db *db, int64_t cuenta, const char *tabla, const char *clave,
                     bool *borrada, struct err *e) __attribute__((warn_unused_result));

/* Calls fn for every row of tabla of cuenta, in key order. RC_OK, fn's rc, RC_REFUSED, RC_DB. */
int db_signal_filas(struct db *db, int64_t cuenta, const char *tabla, db_signal_fila_fn fn,
                    void *arg, struct err *e) __attribute__((warn_unused_result));

/* Drops every Signal row of cuenta (unlink, new link); *borradas (may be NULL) gets the
 * count. RC_OK, RC_REFUSED (EB363), RC_DB. */
int db_signal_vaciar(struct db *db, int64_t cuenta, long long *borradas, struct err *e)
    __attribute__((warn_unused_result));

#endif
