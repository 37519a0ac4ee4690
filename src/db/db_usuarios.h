/*
 * db_usuarios — user administration through schema api (sql/002, 071, 072, 078): list the
 * users the caller may see, create one, change its estado, its supervisor, its cupo diario
 * and cartera máxima, and read the record of those changes. Only admins (or a superuser /
 * embudo_owner session) may change anything, except that a supervisor sets ACTIVO, AUSENTE or
 * VACACIONES on the promoters of their team (078): the database refuses everyone else
 * (EB101, EB115, EB116; an auditor gets 42501).
 *
 * Same rules as db_crm.h: one parameterised statement per call, in autocommit; refusals are
 * RC_REFUSED with e->code = the SQLSTATE (EB1xx, docs/sqlstates.md) and the database's Spanish
 * message; results own their strings. Callers: the CLI (`embudo usuario`) and tests.
 */
#ifndef DB_DB_USUARIOS_H
#define DB_DB_USUARIOS_H

#include <stddef.h>

struct db;
struct err;

/* One row of api.usuarios(). */
struct db_usuario {
    char *login;
    char *nombre;
    char *rol;        /* PROMOTOR | SUPERVISOR | ADMIN | AUDITOR */
    char *estado;     /* ACTIVO | AUSENTE | VACACIONES | BAJA */
    char *supervisor; /* the supervisor's login; NULL for everyone but promoters */
    int cupo_diario;
    int cartera_max;
    int activas; /* the cartera now */
};

/* The users the caller may see, admins first, then by team; db_usuarios_free the rows. */
int db_usuarios(struct db *db, struct db_usuario **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_usuarios_free(struct db_usuario *rows, size_t n);

/* What api.crear_usuario takes; supervisor NULL but for promoters. */
struct db_usuario_nuevo {
    const char *login;
    const char *nombre;
    const char *rol;
    const char *supervisor;
    int cupo_diario; /* 0…10000 */
    int cartera_max; /* 0…100000 */
};

/*
 * Creates the user (its crm.usuarios row and LOGIN role); *id receives its id. Calling it
 * again with identical data changes nothing. EB101…EB110.
 */
int db_usuario_crear(struct db *db, const struct db_usuario_nuevo *u, int *id, struct err *e)
    __attribute__((warn_unused_result));

/* Sets estado (ACTIVO, AUSENTE, VACACIONES, BAJA) with an optional reason (NULL) kept in
 * the record of changes; the previous estado into anterior, and how many of the user's stage
 * timers the change paused (leaving ACTIVO for AUSENTE or VACACIONES) or resumed (coming
 * back, or BAJA) — sql/094 — into *pausados and *reanudados. One transaction. EB101,
 * EB111…EB116. */
int db_usuario_estado(struct db *db, const char *login, const char *estado, const char *motivo,
                      char *anterior, size_t size, int *pausados, int *reanudados, struct err *e)
    __attribute__((warn_unused_result));

/* Moves promoter login to supervisor's team. EB101, EB106, EB107, EB111. */
int db_usuario_supervisor(struct db *db, const char *login, const char *supervisor, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Sets cupo_diario and/or cartera_max (-1 keeps it); *cupo and *cartera receive the values in
 * force. EB101, EB108, EB111.
 */
int db_usuario_limites(struct db *db, const char *login, int cupo_diario, int cartera_max,
                       int *cupo, int *cartera, struct err *e) __attribute__((warn_unused_result));

/*
 * Corrects login's name (sql/099: blanks collapsed, 2…120 characters) with an optional reason
 * (NULL) kept in the record of changes; the name before into anterior. The same name again
 * changes nothing. EB101, EB104, EB111, EB112.
 */
int db_usuario_nombre(struct db *db, const char *login, const char *nombre, const char *motivo,
                      char *anterior, size_t size, struct err *e)
    __attribute__((warn_unused_result));

/* One change to a user (api.usuario_cambios, crm.usuarios_cambios); strings owned. */
struct db_usuario_cambio {
    char *usuario;  /* whose */
    char *campo;    /* estado | rol | supervisor | cupo_diario | cartera_max | nombre */
    char *anterior; /* NULL when there was none */
    char *nuevo;
    char *motivo;    /* NULL when none was given */
    char *hecho_por; /* login; NULL = the database owner's session */
    char *hecho_at;  /* ISO 8601 UTC */
    char *cuando;    /* "29/11/26 16:42": business zone local time, as Detalle's history */
};

/*
 * The changes to the users the caller may see (login NULL) or to one of them, newest first,
 * at most limite (1…10000); db_usuario_cambios_free the rows. EB001, EB111, EB112.
 */
int db_usuario_cambios(struct db *db, const char *login, int limite,
                       struct db_usuario_cambio **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_usuario_cambios_free(struct db_usuario_cambio *rows, size_t n);

#endif
