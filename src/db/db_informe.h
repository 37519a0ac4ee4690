/*
 * db_informe — the funnel report and the history export (sql/077_informe.sql): what happened
 * in the embudo over a range of business dates, for the caller's scope — a promoter their own
 * opportunities, a supervisor the team's, an admin or auditor everyone's, narrowed to one
 * promoter on request. Every event counts for the opportunity's current owner, as every view
 * of the history does (row-level security). Also the aging heatmap (sql/081_envejecimiento.sql):
 * how long the open opportunities have been in their stage now, per promoter and stage.
 *
 * Read-only. Any thread, on the thread that owns db (the UI runs it on its worker). The report
 * and the export open and close their own transaction: db must not be inside one.
 */
#ifndef DB_DB_INFORME_H
#define DB_DB_INFORME_H

#include <stddef.h>

struct db;
struct err;

/* What to report on. NULL fields take the server's defaults. */
struct db_informe_rango {
    const char *desde;    /* "AAAA-MM-DD"; NULL = hasta − 6 días (a week) */
    const char *hasta;    /* "AAAA-MM-DD"; NULL = today's business date (America/Mexico_City) */
    const char *promotor; /* a login of the caller's scope; NULL = the whole scope */
};

/* One stage of the funnel (crm.etapas, by orden), over the range. */
struct db_informe_etapa {
    int etapa_id;
    int orden;
    char etapa[48]; /* crm.etapas.nombre */
    char tipo[12];  /* "INICIAL" | "NORMAL" | "SALIDA" | "VENTA" */
    int entradas;   /* opportunities that entered the stage in the range */
    /* Stays in the stage that ended in the range, by how they ended: */
    int salidas;    /* = the six below */
    int avanzaron;  /* to a stage of higher orden (TRANSICION, REABIERTA) */
    int regresaron; /* to a stage of lower orden */
    int a_bandeja;  /* the promoter chose a SALIDA stage */
    int ventas;     /* the sale */
    int vencidas;   /* the stage timer ran out (back to the pool) */
    int otras;      /* returned or discarded from the bandeja, reassigned to another stage */
    /* Business hours of those stays (crm.horario_operativo, dias_inhabiles, the zone);
     * -1 when no stay ended in the range. */
    double horas_mediana;
    double horas_p90;
    int en_etapa; /* active opportunities in the stage now (not a range figure) */
};

/* Why opportunities left the funnel, or how contact attempts went, over the range. */
struct db_informe_motivo {
    char tipo[16];   /* "A_BANDEJA" | "TIMER_VENCIDO" | "DEVUELTA" | "DESCARTADA" | "INTENTO" */
    char razon[128]; /* A_BANDEJA: the SALIDA stage; TIMER_VENCIDO: the stage it expired in;
                      * DEVUELTA/DESCARTADA: the supervisor's reason; INTENTO: the result
                      * (no-contesta…); "(otros)" gathers a tipo's reasons past its 15th */
    int n;
};

/* One promoter of the scope over the range (every promoter of it, even with nothing). */
struct db_informe_promotor {
    char login[64];
    char nombre[128];
    int recibidas; /* opportunities assigned, dealt or reassigned to them (ASIGNADA, REASIGNADA) */
    int captadas;  /* their own leads (CAPTADA) */
    int intentos;  /* contact attempts recorded */
    int a_bandeja;
    int vencidas;
    int ventas;
    double monto; /* sum of those sales, pesos */
};

struct db_informe {
    char desde[11], hasta[11]; /* the range actually used, "AAAA-MM-DD" */
    struct db_informe_etapa *etapas;
    size_t netapas;
    struct db_informe_motivo *motivos; /* by tipo, then n descending */
    size_t nmotivos;
    struct db_informe_promotor *promotores; /* by nombre */
    size_t npromotores;
};

/*
 * Reads the whole report in one REPEATABLE READ READ ONLY transaction (the three parts agree).
 * *out is fully overwritten on RC_OK (release with db_informe_fini). RC_REFUSED with the
 * api's message: EB370 a bad range (desde > hasta, more than 366 days), EB212 hasta after
 * today, EB630 a promotor unknown or outside the caller's scope; RC_INVAL for a date that
 * is not AAAA-MM-DD; RC_DB otherwise (db.h).
 */
int db_informe_load(struct db *db, const struct db_informe_rango *r, struct db_informe *out,
                    struct err *e) __attribute__((warn_unused_result));
void db_informe_fini(struct db_informe *inf);

/* The history export's columns, in order (the CSV header; the JSON keys). */
#define DB_HISTORIAL_NCOLUMNAS 15
extern const char *const db_historial_columnas[DB_HISTORIAL_NCOLUMNAS];

/* One history row as text; NULL for SQL NULL. Valid only during the callback. */
struct db_historial_fila {
    const char *campos[DB_HISTORIAL_NCOLUMNAS];
};

/*
 * Streams every history row of the scope whose ocurrido_at falls in the range, by id, to
 * fila (stops at its first non-RC_OK and returns that), fetched from a cursor in batches so
 * memory stays flat for millions of rows. Same refusals as db_informe_load.
 */
int db_historial_exportar(struct db *db, const struct db_informe_rango *r,
                          int (*fila)(void *arg, const struct db_historial_fila *f), void *arg,
                          struct err *e) __attribute__((warn_unused_result));

/* ---- the aging heatmap (api.informe_envejecimiento) ---------------------------------- */

/* A column: a stage with a timer (INICIAL or NORMAL with timer_horas), by orden. */
struct db_env_etapa {
    int etapa_id;
    int orden;
    char etapa[48];
    double timer_horas; /* the stage's timer: its rot threshold, in business hours */
};

/* A row: a promoter of the scope (by nombre). */
struct db_env_promotor {
    char login[64];
    char nombre[128];
};

/* The ABIERTA opportunities of one promoter in one stage, now. */
struct db_env_celda {
    int abiertas;
    int en_aviso; /* past aviso_pct of the timer, not yet run out (the cards' ◐) */
    int vencidas; /* timer run out, waiting for the sweep (the cards' ○) */
    /* Business hours since they entered the stage, one decimal; -1 when abiertas is 0. */
    double horas_mediana, horas_max;
    double razon; /* horas_mediana ÷ timer_horas (3 decimals); -1 when abiertas is 0 */
};

struct db_envejecimiento {
    int aviso_pct; /* crm.ajustes: the warning threshold, % of a timer; 0 with no rows */
    struct db_env_etapa *etapas;
    size_t netapas;
    struct db_env_promotor *promotores;
    size_t npromotores;
    struct db_env_celda *celdas; /* promoter i, stage k at [i * netapas + k] */
};

/*
 * Reads the heatmap for the caller's scope, or only promotor (a login; NULL = the whole
 * scope). *out is fully overwritten on RC_OK (release with db_envejecimiento_fini); a scope
 * with no promoter or no stage with a timer gives no rows and no columns. RC_REFUSED EB630
 * for a promotor unknown or outside the scope; RC_DB otherwise (db.h).
 */
int db_envejecimiento_load(struct db *db, const char *promotor, struct db_envejecimiento *out,
                           struct err *e) __attribute__((warn_unused_result));
void db_envejecimiento_fini(struct db_envejecimiento *v);

#endif
