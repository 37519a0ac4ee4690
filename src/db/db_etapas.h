/*
 * db_etapas — the funnel's stages, administered (sql/095_etapas_admin.sql): the list with the
 * active opportunities the caller sees in each (api.etapas) and the record of changes
 * (api.etapas_cambios), for everyone; and an admin's changes — add a working stage or an exit,
 * rename, change or start or stop its timer, its attempts, its place, take it out of the funnel
 * or bring it back. A timer given to a stage starts for the opportunities in it; taken away, it
 * stops theirs; a new length counts for entries from then on. One statement each, autocommit;
 * any thread, on the thread that owns db.
 */
#ifndef DB_DB_ETAPAS_H
#define DB_DB_ETAPAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;
struct err;

struct db_etapa_fila {
    int orden;
    char nombre[48];
    char tipo[8];   /* INICIAL, NORMAL, SALIDA, VENTA */
    char horas[16]; /* the timer in business hours as the database writes it ("48"), "" none */
    int intentos;   /* an exit's minimum contact attempts */
    bool activa;
    int64_t oportunidades; /* active ones in it that the caller sees */
};

/* Every stage in order, active or not; free(*rows). EB001. */
int db_etapas(struct db *db, struct db_etapa_fila **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));

/* One change; strings owned, "" when absent (hecho_por "": the database's owner). */
struct db_etapa_cambio {
    int64_t id;
    time_t hecho_at;
    char *hecho_por;
    char *etapa; /* its name now */
    char *campo; /* alta, nombre, timer_horas, intentos_minimos, orden, activa */
    char *anterior;
    char *nuevo;
};

/* The last limite changes (1…1000), newest first; db_etapas_cambios_free. EB001, EB020. */
int db_etapas_cambios(struct db *db, int limite, struct db_etapa_cambio **rows, size_t *n,
                      struct err *e) __attribute__((warn_unused_result));
void db_etapas_cambios_free(struct db_etapa_cambio *rows, size_t n);

/*
 * The admin's changes; *mensaje (owned, Spanish) says what happened. EB101 (not an admin),
 * EB303 (no such stage), EB031 (a new stage is NORMAL or SALIDA), EB032 (name), EB033 (hours,
 * attempts, nothing to change), EB034 (the INICIAL or VENTA stage), EB035 (opportunities still
 * in the stage), EB036 (stages or an opportunity busy for 10 s, or a deadlock: try again).
 */
/* horas: decimal text or NULL (none); despues_de NULL: after the last working stage (NORMAL)
 * or the last exit (SALIDA); intentos: an exit's, 0 otherwise. */
int db_etapa_agregar(struct db *db, const char *nombre, const char *tipo, const char *horas,
                     const char *despues_de, int intentos, char **mensaje, struct err *e)
    __attribute__((warn_unused_result));
/* nombre, horas: NULL to keep; sin_timer: take the timer away; intentos: -1 to keep. */
int db_etapa_cambiar(struct db *db, const char *etapa, const char *nombre, const char *horas,
                     bool sin_timer, int intentos, char **mensaje, struct err *e)
    __attribute__((warn_unused_result));
int db_etapa_mover(struct db *db, const char *etapa, const char *despues_de, char **mensaje,
                   struct err *e) __attribute__((warn_unused_result));
/* activar false takes it out of the funnel, true brings it back. */
int db_etapa_activa(struct db *db, const char *etapa, bool activar, char **mensaje, struct err *e)
    __attribute__((warn_unused_result));

#endif
