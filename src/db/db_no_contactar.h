/*
 * db_no_contactar — the do-not-contact registry through schema api (sql/074): REUS and REPEP
 * extracts an admin loads, and numbers whose owners asked not to be contacted (SOLICITUD).
 * A number in force blocks its padron clients from the pool, is skipped by campaigns and the
 * sender, and cannot be captured. The database decides who may do what: a promoter adds
 * SOLICITUD only for a phone of their own active opportunities, a supervisor for the team's
 * (EB804); REUS/REPEP, batches and removals are an admin's (EB802, EB101); the full list and
 * summary are for supervisors, admins and auditors (EB809); an auditor writes nothing (42501).
 *
 * Same rules as db_crm.h: one parameterised statement per call, in autocommit (a batch load
 * is the caller's transaction: wrap db_no_contactar_cargar calls in BEGIN/COMMIT for all or
 * nothing); refusals are RC_REFUSED with e->code = the SQLSTATE (EB8xx, docs/sqlstates.md)
 * and the database's Spanish message; results own their strings. Callers: the CLI
 * (`embudo no-contactar`), the TUI and tests.
 */
#ifndef DB_DB_NO_CONTACTAR_H
#define DB_DB_NO_CONTACTAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct err;

/* Most phones one db_no_contactar_cargar call takes (api.no_contactar_cargar's limit). */
#define DB_NO_CONTACTAR_LOTE 100000

/* What api.no_contactar_agregar answered. */
struct db_no_contactar_alta {
    char telefono[16]; /* as stored: +52 and ten digits */
    char fuente[12];   /* REUS | REPEP | SOLICITUD */
    char hasta[32];    /* "" = no end; else "YYYY-MM-DD HH:MM:SS±TZ" as the server prints it */
    int clientes;      /* padron clients now blocked by this number */
    int oportunidades; /* active opportunities with this phone that the caller sees */
};

/*
 * Adds (or renews) telefono in the registry of fuente (NULL = SOLICITUD). registrado
 * ("YYYY-MM-DD") and detalle may be NULL. EB701 (phone), EB801…EB805, EB001.
 */
int db_no_contactar_agregar(struct db *db, const char *telefono, const char *fuente,
                            const char *registrado, const char *detalle,
                            struct db_no_contactar_alta *out, struct err *e)
    __attribute__((warn_unused_result));

/* What one api.no_contactar_cargar call did. */
struct db_no_contactar_carga {
    int nuevos;    /* entries that did not exist */
    int renovados; /* existing entries renewed (also removed or expired ones) */
    int clientes;  /* padron clients blocked by the batch's numbers */
};

/*
 * An admin's batch of n (1…DB_NO_CONTACTAR_LOTE) phones already in E.164 for fuente REUS or
 * REPEP; registrados[i] "YYYY-MM-DD" or NULL (registrados itself may be NULL). Refused whole
 * on any bad element (EB806 names its 1-based position), EB101, EB801, EB803, EB805.
 */
int db_no_contactar_cargar(struct db *db, const char *const *telefonos,
                           const char *const *registrados, size_t n, const char *fuente,
                           const char *detalle, struct db_no_contactar_carga *out, struct err *e)
    __attribute__((warn_unused_result));

/* Ends telefono's entry of fuente, with motivo; *quedan receives how many padron clients it
 * still blocks through another fuente. EB101, EB701, EB801, EB805, EB807. */
int db_no_contactar_quitar(struct db *db, const char *telefono, const char *fuente,
                           const char *motivo, int *quedan, struct err *e)
    __attribute__((warn_unused_result));

/* One entry of the registry. */
struct db_no_contactar {
    char *telefono;
    char *fuente;
    char *registrado; /* "YYYY-MM-DD" or NULL */
    char *hasta;      /* NULL = no end */
    bool vigente;
    char *detalle;
    char *creado_por; /* login; NULL = the database owner's session */
    char *creado_at;
    char *quitado_at; /* NULL unless removed */
    char *quitado_por;
    char *quitado_motivo;
};
void db_no_contactar_free(struct db_no_contactar *rows, size_t n);

/* The entries in force for one number (anyone may ask); none = *n 0. EB701, EB001. */
int db_no_contactar_consultar(struct db *db, const char *telefono, struct db_no_contactar **rows,
                              size_t *n, struct err *e) __attribute__((warn_unused_result));

/*
 * Entries by telefono after `despues` (NULL = from the start), at most limite (1…10000), of
 * fuente (NULL = all); todas adds removed and expired ones. EB801, EB806, EB809.
 */
int db_no_contactar_lista(struct db *db, const char *fuente, const char *despues, int limite,
                          bool todas, struct db_no_contactar **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));

/* One row of api.no_contactar_resumen(): always REUS, REPEP, SOLICITUD in that order. */
struct db_no_contactar_resumen {
    char fuente[12];
    int64_t vigentes;
    int64_t vencidos;
    int64_t quitados;
    int64_t clientes_bloqueados;
    int64_t oportunidades_activas;
};

/* Fills rows[0..2]. EB809. */
int db_no_contactar_resumen(struct db *db, struct db_no_contactar_resumen rows[3], struct err *e)
    __attribute__((warn_unused_result));

/* One of the caller's visible active opportunities whose phone is in force in the registry. */
struct db_no_contactar_marca {
    int64_t oportunidad_id;
    char telefono[16];
    char fuentes[40]; /* "REUS", "REPEP, SOLICITUD"… */
};

/* All of them, by oportunidad_id (an opportunity may appear once per registered phone). */
int db_no_contactar_oportunidades(struct db *db, struct db_no_contactar_marca **rows, size_t *n,
                                  struct err *e) __attribute__((warn_unused_result));

#endif
