/*
 * db_buscar — finding an opportunity by the client's phone, CURP or part of the name
 * (api.buscar, sql/090_buscar.sql): the client who calls back, the supervisor who asks whose
 * number this is. Only the opportunities the caller sees (own, team, all), in any state,
 * active first. Refusals: EB240 (too short, digits that are not a whole phone, limit out of
 * range), EB001. One statement, autocommit; any thread, on the thread that owns db.
 */
#ifndef DB_DB_BUSCAR_H
#define DB_DB_BUSCAR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;
struct err;

/* One opportunity found; strings owned, never NULL ("" when unknown). */
struct db_hallazgo {
    int64_t oportunidad_id;
    char *cliente;
    char *telefono; /* E.164: the prospect's, or the client's first vigente mobile */
    char *etapa;
    char *estado;       /* ABIERTA, EN_BANDEJA, GANADA, DEVUELTA, DESCARTADA */
    char *promotor;     /* the owner's login */
    time_t actualizada; /* its last change */
    char *por;          /* TELEFONO, CURP or NOMBRE: how texto was read */
};

/* At most limite (1…200) opportunities for texto. db_hallazgos_free. */
int db_buscar(struct db *db, const char *texto, int limite, struct db_hallazgo **rows, size_t *n,
              struct err *e) __attribute__((warn_unused_result));
void db_hallazgos_free(struct db_hallazgo *rows, size_t n);

#endif
