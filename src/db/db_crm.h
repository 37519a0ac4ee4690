/*
 * db_crm — typed calls to the CRM functions of schema api (docs/api.md): assignment,
 * availability, a supervisor's distribution, funnel, sales, captación, bandeja, reassignment,
 * timer extension, timer sweep, invariants.
 *
 * Plain C structs in and out; no libpq type leaves src/db. Every call is one statement with
 * parameters (never SQL assembled from strings) on the caller's struct db, in autocommit,
 * so each call is its own transaction. A business refusal comes back as RC_REFUSED with
 * e->code = the SQLSTATE (EBnnn, docs/api.md) and e->msg = the database's Spanish message;
 * any other failure is RC_DB (db.h). Results own their strings: release them with the
 * matching _fini/_free. Same threading rule as db.h: the thread that owns the struct db.
 * Callers: src/cmd (CLI), the TUI's database jobs, tests and the benchmark.
 */
#ifndef DB_DB_CRM_H
#define DB_DB_CRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;
struct err;

/* Assignment / availability filters. NULL strings and 0 ages mean "any". */
struct db_filtros {
    const char *convenio; /* padron.convenios.clave */
    const char *entidad;  /* padron.entidades.clave */
    int edad_min;         /* 0 = no lower bound */
    int edad_max;         /* 0 = no upper bound */
};

/* The one row of api.solicitar_asignacion. */
struct db_asignacion {
    int64_t lote_id;
    int asignados;
    int solicitados;
    int cupo_restante;
    bool repetido; /* the clave was used before: this is the first lote, nothing charged */
    char *mensaje; /* Spanish; NULL when the database said nothing (full grant) */
};

/*
 * Requests cantidad clients matching f, with idempotency key clave (NULL = none). Fills out
 * (db_asignacion_fini it) on RC_OK. Refusals (RC_REFUSED): EB201…EB209.
 */
int db_asignar(struct db *db, int cantidad, const struct db_filtros *f, const char *clave,
               struct db_asignacion *out, struct err *e) __attribute__((warn_unused_result));
void db_asignacion_fini(struct db_asignacion *a);

/* Grouping of api.disponibles. */
enum db_por { DB_POR_TOTAL, DB_POR_CONVENIO, DB_POR_ENTIDAD };

struct db_conteo {
    char *grupo; /* convenio or entidad clave, or "TOTAL" */
    int64_t disponibles;
};

/*
 * Counts assignable clients with the assignment's own predicate. *rows (n of them) is owned
 * by the caller: db_conteos_free. RC_OK, RC_REFUSED (EB202/EB203/EB204/EB210), RC_DB.
 */
int db_disponibles(struct db *db, const struct db_filtros *f, enum db_por por,
                   struct db_conteo **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_conteos_free(struct db_conteo *rows, size_t n);

/* The row of api.mover. */
struct db_movimiento {
    int64_t oportunidad_id;
    char estado[16]; /* ABIERTA | EN_BANDEJA */
    int etapa_id;
    char *etapa;        /* stage name */
    time_t timer_vence; /* 0 = no timer */
};

/* Moves an opportunity to the stage named etapa (motivo may be NULL). EB301…EB307. */
int db_mover(struct db *db, int64_t oportunidad, const char *etapa, const char *motivo,
             struct db_movimiento *out, struct err *e) __attribute__((warn_unused_result));
void db_movimiento_fini(struct db_movimiento *m);

struct db_venta {
    char *folio;
    bool nueva;    /* false: this same sale was already registered */
    char *mensaje; /* may be NULL */
};

/*
 * Registers a sale; monto is decimal text ("12500.50") so no binary rounding happens on the
 * way. Idempotent for the same sale. EB301, EB302, EB307, EB310…EB314.
 */
int db_venta_registrar(struct db *db, int64_t oportunidad, const char *monto, const char *producto,
                       const char *folio, struct db_venta *out, struct err *e)
    __attribute__((warn_unused_result));
void db_venta_fini(struct db_venta *v);

/* Appends a note to an opportunity's history; *historial_id receives its id. EB301, EB320. */
int db_nota(struct db *db, int64_t oportunidad, const char *texto, int64_t *historial_id,
            struct err *e) __attribute__((warn_unused_result));

/*
 * Corrects a captured lead's data (sql/085): nombre, telefono, curp (NULL = unchanged) with the
 * reason; *msg (caller frees) says what changed. EB301, EB701, EB702, EB703, EB705, EB708
 * (a padron client's), EB709 (no reason, nothing changed, suppressed), EB710 (campaign
 * messages still to go to the old phone), EB808.
 */
int db_prospecto_corregir(struct db *db, int64_t oportunidad, const char *nombre,
                          const char *telefono, const char *curp, const char *motivo, char **msg,
                          struct err *e) __attribute__((warn_unused_result));

/*
 * Records a contact attempt (resultado: a code of core/intento.h; nota may be NULL);
 * *intentos receives the attempts on record since the opportunity reached its owner.
 * EB301, EB302, EB307, EB309.
 */
int db_registrar_intento(struct db *db, int64_t oportunidad, const char *resultado,
                         const char *nota, int *intentos, struct err *e)
    __attribute__((warn_unused_result));

struct db_captacion {
    int64_t oportunidad_id;
    int64_t cliente_id;   /* 0 when a new prospect was created */
    int64_t prospecto_id; /* 0 when the padron client was linked */
    int64_t lote_id;
    char *mensaje; /* may be NULL */
};

/* Captures a lead (convenio and curp may be NULL). EB207, EB701…EB707. */
int db_captar(struct db *db, const char *nombre, const char *telefono, const char *convenio,
              const char *curp, struct db_captacion *out, struct err *e)
    __attribute__((warn_unused_result));
void db_captacion_fini(struct db_captacion *c);

/* One EN_BANDEJA opportunity as api.bandeja lists it. */
struct db_bandeja_fila {
    int64_t oportunidad_id;
    char *cliente;
    char *telefono; /* may be NULL */
    int usuario_id;
    char *usuario_login;
    char *usuario_nombre;
    char *etapa;
    char *motivo;
    time_t desde;
    double antiguedad_horas; /* wall-clock hours since the exit */
    double espera_habiles;   /* business hours since the exit (sql/103) */
    bool atrasada;           /* espera_habiles ≥ crm.ajustes.bandeja_horas */
    char *ultimo_evento; /* may be NULL */
    time_t ultimo_evento_at;
    int intentos;          /* contact attempts since it reached its owner (sql/066) */
    char *ultimo_intento;  /* outcome code of the latest attempt (core/intento.h); may be NULL */
};

/* The supervisor's bandeja, oldest first; db_bandeja_free the rows. EB002 for promoters. */
int db_bandeja(struct db *db, struct db_bandeja_fila **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_bandeja_free(struct db_bandeja_fila *rows, size_t n);

/* One promoter's business day as api.reparto lists it (sql/064). */
struct db_reparto_fila {
    char *login;
    char *nombre;
    char *estado;
    int cupo;
    int recibidos;
    int por_solicitud; /* requested by the promoter */
    int por_reasignacion;
    int pedidos;
    int solicitados;
    int captados;
    int activas;
    int cartera_max;
    int intentos;         /* contact attempts the promoter recorded that day (sql/067) */
    int por_distribucion; /* dealt by a supervisor (DISTRIBUCION lotes, sql/069) */
};

/*
 * What each promoter the caller may see received on business day fecha ("AAAA-MM-DD",
 * checked by the caller; NULL = today) against their cupo; db_reparto_free the rows. EB212
 * for a day still to come.
 */
int db_reparto(struct db *db, const char *fecha, struct db_reparto_fila **rows, size_t *n,
               struct err *e) __attribute__((warn_unused_result));
void db_reparto_free(struct db_reparto_fila *rows, size_t n);

/* One promoter of a distribution (api.distribuir_vista, api.distribuir; sql/069). */
struct db_distribucion_fila {
    char *login;
    char *nombre;
    int recibidos_hoy; /* preview: clients charged to today's cupo so far */
    int cupo_restante; /* preview: before the distribution; distribuir: after it */
    int cartera_libre; /* preview only */
    int recibe;        /* preview: the plan; distribuir: what was assigned */
    int64_t lote_id;   /* distribuir: the DISTRIBUCION lote; 0 = received none */
};

/* A distribution plan (preview) or its outcome. */
struct db_distribucion {
    struct db_distribucion_fila *filas; /* in dealing order */
    size_t n;
    int64_t disponibles;     /* preview: the filter's count (api.disponibles) */
    int64_t distribucion_id; /* distribuir */
    bool repetido;           /* distribuir: the clave was used before, nothing charged */
    char *mensaje;           /* distribuir: Spanish summary */
};

/*
 * What dealing cantidad clients matching f would give each promoter: promotores[0..np) by
 * login, or np == 0 for the caller's whole team (admin: every active promoter). Nothing is
 * written. Fills out (db_distribucion_fini it). EB002, EB202…EB204, EB601…EB603, EB620,
 * EB621.
 */
int db_distribuir_vista(struct db *db, int cantidad, const struct db_filtros *f,
                        const char *const *promotores, size_t np, struct db_distribucion *out,
                        struct err *e) __attribute__((warn_unused_result));
/*
 * Deals them, evenly within each promoter's cupo and cartera, in one transaction; clave
 * (NULL = none) makes a retry return the first distribution. The preview's refusals plus
 * EB209 (no client matches) and EB622 (nobody has room).
 */
int db_distribuir(struct db *db, int cantidad, const struct db_filtros *f,
                  const char *const *promotores, size_t np, const char *clave,
                  struct db_distribucion *out, struct err *e) __attribute__((warn_unused_result));
void db_distribucion_fini(struct db_distribucion *d);

/* The row of api.reasignar (and of api.bandeja_reasignar). */
struct db_reasignacion {
    int64_t lote_id;
    int reasignadas;
    char *mensaje; /* may be NULL */
};

/*
 * Moves ids[0..n) to the promoter a_login, all or nothing (api.reasignar). n is 1..1000.
 * EB002, EB301, EB501, EB503, EB601…EB607.
 */
int db_reasignar(struct db *db, const int64_t *ids, size_t n, const char *a_login,
                 const char *motivo, struct db_reasignacion *out, struct err *e)
    __attribute__((warn_unused_result));
void db_reasignacion_fini(struct db_reasignacion *r);

enum db_bandeja_accion { DB_BANDEJA_DEVOLVER, DB_BANDEJA_DESCARTAR, DB_BANDEJA_REABRIR };

/*
 * Applies a bandeja decision to ids[0..n), all or nothing; *cambiadas = rows changed.
 * Reassigning from the bandeja is db_bandeja_reasignar. EB002, EB301, EB501…EB503.
 */
int db_bandeja_decidir(struct db *db, enum db_bandeja_accion accion, const int64_t *ids, size_t n,
                       const char *motivo, int *cambiadas, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Adds horas (1…120) business hours to the running stage timer of ids[0..n), all or nothing
 * (api.extender_timer, sql/062); *extendidas = rows extended. Supervisors of the owners'
 * team and admins. EB002, EB301, EB501, EB503, EB604, EB610, EB611.
 */
int db_extender_timer(struct db *db, const int64_t *ids, size_t n, int horas, const char *motivo,
                      int *extendidas, struct err *e) __attribute__((warn_unused_result));

/* api.bandeja_reasignar: like db_reasignar, for bandeja rows only. */
int db_bandeja_reasignar(struct db *db, const int64_t *ids, size_t n, const char *a_login,
                         const char *motivo, struct db_reasignacion *out, struct err *e)
    __attribute__((warn_unused_result));

/*
 * One sweep batch (api.barrer_timers) of at most lote rows, in its own transaction.
 * proceso names the sweeper (may be NULL). EB401 for lote outside 1..10000.
 */
int db_barrer_timers(struct db *db, int lote, const char *proceso, int *devueltas, int *avisadas,
                     struct err *e) __attribute__((warn_unused_result));

/* Heartbeat: a crm.sweep_runs row opened (api.sweep_inicio) and closed (api.sweep_fin). */
int db_sweep_inicio(struct db *db, const char *proceso, int64_t *run_id, struct err *e)
    __attribute__((warn_unused_result));
/* error NULL = the run succeeded. EB402 for an unknown or finished run. */
int db_sweep_fin(struct db *db, int64_t run_id, int devueltas, int avisadas, const char *error,
                 struct err *e) __attribute__((warn_unused_result));

/* The sweep's health (api.sweep_salud): is some process sweeping? Times 0 = never. */
struct db_sweep_salud {
    time_t ultimo_exito;  /* last run that finished without error */
    int segundos_desde;   /* seconds since then; -1 = never */
    time_t ultimo_inicio; /* last run started, finished or not */
    char *ultimo_error;   /* NULL when no run ever failed */
    time_t ultimo_error_at;
    int corridas_1h; /* runs started in the last hour */
};

/* Fills *out (db_sweep_salud_fini it). RC_OK or RC_DB. */
int db_sweep_salud(struct db *db, struct db_sweep_salud *out, struct err *e)
    __attribute__((warn_unused_result));
void db_sweep_salud_fini(struct db_sweep_salud *s);

/* One broken invariant (api.verificar_invariantes). */
struct db_violacion {
    char *invariante; /* MULTIPLES_ACTIVAS, SOBRE_CUPO, SIN_TIMER, SIN_HISTORIAL… */
    char *detalle;
};

/* Lists violations (none: *n = 0). Supervisors and admins only (else RC_DB 42501 / EB002). */
int db_invariantes(struct db *db, struct db_violacion **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_violaciones_free(struct db_violacion *rows, size_t n);

#endif
