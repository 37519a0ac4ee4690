/*
 * db_arco — personal data under the LFPDPPP (sql/080_arco.sql; docs/arco.md; anchors X1):
 * the versions of the privacy notice a captured lead is given, and a titular's cancellation
 * of their data as the law's two steps, block then suppress.
 *
 * Avisos: an admin publishes a version (today or later); anyone lists them with the one in
 * force and how many of the leads they may see were captured under each. Cancelar (admin):
 * closes the titular's active opportunity, puts their phones in the do-not-contact registry,
 * keeps a padron client out of the pool for good, and sets the day the block ends. Suprimir
 * (admin): once the block has ended, erases what identifies the titular everywhere the CRM
 * wrote it. Cancelaciones: admins and auditors. Acceso (admin, sql/083): everything the CRM
 * holds about a titular, as one JSON document.
 *
 * Same rules as db_crm.h: one statement per call, in autocommit; refusals are RC_REFUSED with
 * e->code (EB001, EB101, EB850…EB858, docs/sqlstates.md) and the database's Spanish message.
 * Any thread, on the thread that owns db. Called by src/cmd/cmd_arco.c.
 */
#ifndef DB_DB_ARCO_H
#define DB_DB_ARCO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct err;

/*
 * Publishes privacy notice version, in force from vigente_desde ("AAAA-MM-DD"; NULL today),
 * published at ubicacion (a URL or where the printed notice is). vigente[11] receives the
 * date it takes effect.
 */
int db_aviso_agregar(struct db *db, const char *version, const char *vigente_desde,
                     const char *ubicacion, char vigente[11], struct err *e)
    __attribute__((warn_unused_result));

/* One version of the notice, as api.avisos_privacidad gives it; strings owned. */
struct db_aviso {
    char *version;
    char *vigente_desde; /* "AAAA-MM-DD" */
    char *ubicacion;
    bool vigente; /* the one in force today */
    int64_t prospectos;
    char *creado_por; /* login; NULL: the database's owner */
};

/* Every version, newest first. db_avisos_free. */
int db_avisos(struct db *db, struct db_aviso **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_avisos_free(struct db_aviso *rows, size_t n);

/* How a cancellation names its titular: exactly one of the three ids is > 0. */
struct db_arco_titular {
    int64_t cliente;
    int64_t prospecto;
    int64_t oportunidad;
};

/* What a cancellation did. */
struct db_arco_alta {
    int64_t cliente_id; /* 0 when the titular is a prospect */
    int64_t prospecto_id;
    char bloqueo_hasta[11]; /* "AAAA-MM-DD": suppression is due that day */
    int oportunidades;      /* active opportunities closed */
    int telefonos;          /* phones put in the do-not-contact registry */
};

/*
 * Blocks the titular's data under folio. recibida "AAAA-MM-DD" (NULL today); plazo_dias < 0
 * takes the configured period; detalle may be NULL.
 */
int db_arco_cancelar(struct db *db, const char *folio, const struct db_arco_titular *titular,
                     const char *recibida, int plazo_dias, const char *detalle,
                     struct db_arco_alta *alta, struct err *e) __attribute__((warn_unused_result));

/*
 * The titular's right of access: every datum the CRM holds about them, as api.arco_acceso's
 * JSON document, indented (*doc malloc'd; the caller frees it).
 */
int db_arco_acceso(struct db *db, const struct db_arco_titular *titular, char **doc, struct err *e)
    __attribute__((warn_unused_result));

/* One titular suppressed. */
struct db_arco_supresion {
    char folio[41];
    int64_t cliente_id;
    int64_t prospecto_id;
    int64_t filas; /* rows changed or deleted */
};

/*
 * Suppresses the titular of folio (its block must have ended), or with folio NULL every titular
 * whose block has ended. *rows (xcalloc'd; free) gets one entry per titular suppressed.
 */
int db_arco_suprimir(struct db *db, const char *folio, struct db_arco_supresion **rows, size_t *n,
                     struct err *e) __attribute__((warn_unused_result));

/* One request, as api.arco_cancelaciones gives it; strings owned. */
struct db_arco {
    char *folio;
    char *titular; /* name; "[suprimido]" once suppressed */
    int64_t cliente_id;
    int64_t prospecto_id;
    char *recibida;      /* "AAAA-MM-DD" */
    char *bloqueo_hasta; /* "AAAA-MM-DD" */
    char *estado;        /* BLOQUEADA | SUPRIMIDA */
    char *detalle;       /* NULL when none or suppressed */
    char *registro;      /* login of who registered it; NULL: the database's owner */
    char *suprimida;     /* "AAAA-MM-DD" business date; NULL while blocked */
};

/* The requests, newest first; only those still blocked when pendientes. db_arcos_free. */
int db_arcos(struct db *db, bool pendientes, struct db_arco **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_arcos_free(struct db_arco *rows, size_t n);

#endif
