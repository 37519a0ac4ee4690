/*
 * db_calendario — the business calendar (sql/093_calendario.sql, sql/097_horario_especial.sql):
 * the days of a range with their window, the name of their rest day or of their own hours
 * (api.calendario), the weekly hours (api.horario) and who changed what
 * (api.calendario_cambios), for everyone; and the admin's changes, each of which moves the
 * stage timers running across it so they keep the business hours they had left
 * (api.dia_inhabil_agregar / _quitar, api.dia_especial_agregar / _quitar,
 * api.horario_cambiar). One statement each, autocommit; any thread, on the thread that owns
 * db.
 */
#ifndef DB_DB_CALENDARIO_H
#define DB_DB_CALENDARIO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;
struct err;

/* One day. abre and cierra are "HH:MM", both "" when the day is closed (a closed weekday or
 * a rest day); inhabil is the rest day's name and especial the name of the date's own hours
 * (abre and cierra are then those), both owned, "" for none. */
struct db_calendario_dia {
    char fecha[11]; /* AAAA-MM-DD */
    char dia[12];   /* "miércoles" */
    char abre[6];
    char cierra[6];
    char *inhabil;
    char *especial;
};

/*
 * The days of [desde, hasta] (AAAA-MM-DD; NULL desde: today in the business zone; NULL hasta:
 * desde plus 89 days), in order; db_calendario_free. EB001, EB020 (hasta before desde or more
 * than 400 days), 22007/22008 (a date that is not one).
 */
int db_calendario(struct db *db, const char *desde, const char *hasta,
                  struct db_calendario_dia **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_calendario_free(struct db_calendario_dia *rows, size_t n);

/* The weekly hours, out[0] Monday … out[6] Sunday; abre and cierra "" on a closed weekday. */
struct db_horario_dia {
    int dia; /* ISO weekday, 1 = Monday */
    char nombre[12];
    char abre[6];
    char cierra[6];
};
int db_horario(struct db *db, struct db_horario_dia out[7], struct err *e)
    __attribute__((warn_unused_result));

/* One change; strings owned, "" when absent (hecho_por "": the database's owner). */
struct db_calendario_cambio {
    int64_t id;
    time_t hecho_at;
    char *hecho_por;
    char *cambio; /* INHABIL_AGREGADO, INHABIL_RENOMBRADO, INHABIL_QUITADO, HORARIO,
                   * ESPECIAL_AGREGADO, ESPECIAL_CAMBIADO, ESPECIAL_QUITADO */
    char fecha[11];
    char dia[12];
    char *antes;
    char *despues;
    int recalculadas;
};

/* The last limite changes (1…1000), newest first; db_calendario_cambios_free. EB001, EB020. */
int db_calendario_cambios(struct db *db, int limite, struct db_calendario_cambio **rows, size_t *n,
                          struct err *e) __attribute__((warn_unused_result));
void db_calendario_cambios_free(struct db_calendario_cambio *rows, size_t n);

/*
 * The admin's changes. *recalculadas: how many running timers moved; *mensaje (owned, Spanish)
 * says what happened, including "ya era inhábil" for a repeated call. EB101 (not an admin),
 * EB020 (a day already past, or more than ten years ahead), EB021 (name), EB022 (quitar: not
 * a rest day), EB023 (weekday or window), EB024 (the week left without hours), EB025 (the
 * calendar or an opportunity busy for 10 s, or a deadlock: try again; nothing was changed).
 */
int db_dia_inhabil_agregar(struct db *db, const char *fecha, const char *nombre, int *recalculadas,
                           char **mensaje, struct err *e) __attribute__((warn_unused_result));
int db_dia_inhabil_quitar(struct db *db, const char *fecha, int *recalculadas, char **mensaje,
                          struct err *e) __attribute__((warn_unused_result));
/*
 * A date's own hours (today or later), "HH:MM" each: a shorter or longer day, or a closed
 * weekday opened; the same again is a no-op, another window or name replaces it. EB021
 * (name), EB023 (window), EB026 (the date is a rest day: take that back first). _quitar: the
 * date goes back to its weekday's hours; EB027 when it had none of its own.
 */
int db_dia_especial_agregar(struct db *db, const char *fecha, const char *abre, const char *cierra,
                            const char *nombre, int *recalculadas, char **mensaje, struct err *e)
    __attribute__((warn_unused_result));
int db_dia_especial_quitar(struct db *db, const char *fecha, int *recalculadas, char **mensaje,
                           struct err *e) __attribute__((warn_unused_result));
/* dia 1 = Monday … 7 = Sunday; abre and cierra "HH:MM", both NULL to close the day. */
int db_horario_cambiar(struct db *db, int dia, const char *abre, const char *cierra,
                       int *recalculadas, char **mensaje, struct err *e)
    __attribute__((warn_unused_result));

#endif
