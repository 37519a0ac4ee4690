/*
 * db_prorroga — a promoter asks for a stage timer to wait until a date, and their supervisor
 * approves or rejects it (sql/079_prorrogas.sql; docs/anchors.md C2, 1.4 #5): a client who
 * said "call me after the 15th" must not go back to the pool on the 10th, nor look abandoned.
 *
 * Pedir: the opportunity's owner, on an ABIERTA opportunity whose stage has a running timer,
 * a resume date after today and at most 30 days ahead, a reason; one pending request per
 * opportunity. Resolver: the owner's supervisor or an admin; approving restarts the stage's
 * whole timer from the resume date (never earlier than the timer already runs to); rejecting
 * needs an answer. Cancelar: the requester, while pending. Each step writes a history row
 * (PRORROGA_PEDIDA, PRORROGA, PRORROGA_RECHAZADA, PRORROGA_CANCELADA) and so notifies.
 *
 * Same rules as db_crm.h: one statement per call, in autocommit; refusals are RC_REFUSED with
 * e->code (EB002, EB503, EB604, EB611, EB640…EB645, docs/sqlstates.md) and the database's Spanish
 * message. Any thread, on the thread that owns db.
 */
#ifndef DB_DB_PRORROGA_H
#define DB_DB_PRORROGA_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct err;

/* Asks for oportunidad's timer to restart on reanudar ("AAAA-MM-DD"); *id = the request. */
int db_prorroga_pedir(struct db *db, int64_t oportunidad, const char *reanudar, const char *motivo,
                      int64_t *id, struct err *e) __attribute__((warn_unused_result));

/*
 * Approves (aprobar) or rejects request id with respuesta (NULL allowed when approving).
 * On approval *vence receives the new expiry as "DD/MM/YY HH:MM" in the business zone
 * (size bytes; "" when rejected).
 */
int db_prorroga_resolver(struct db *db, int64_t id, int aprobar, const char *respuesta, char *vence,
                         size_t size, struct err *e) __attribute__((warn_unused_result));

/* The requester withdraws pending request id. */
int db_prorroga_cancelar(struct db *db, int64_t id, struct err *e)
    __attribute__((warn_unused_result));

/* One request, as api.prorrogas gives it; strings owned. */
struct db_prorroga {
    int64_t id;
    int64_t oportunidad_id;
    char *cliente;  /* the client's or prospect's name */
    char *promotor; /* the owner's login */
    char *etapa;    /* the stage it is in now */
    char *vence;    /* its timer now, "DD/MM/YY HH:MM" business time; NULL = none */
    char *reanudar; /* "AAAA-MM-DD" */
    char *motivo;
    char *estado;       /* PENDIENTE | APROBADA | RECHAZADA | CANCELADA */
    char *pedida;       /* "DD/MM/YY HH:MM" */
    char *resuelta_por; /* login; NULL while pending */
    char *respuesta;    /* NULL when none */
};

/*
 * The requests the caller may see (own, team, all), newest first: pending ones of opportunities
 * still ABIERTA when pendientes, else every request of the last 30 days. db_prorrogas_free.
 */
int db_prorrogas(struct db *db, int pendientes, struct db_prorroga **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_prorrogas_free(struct db_prorroga *rows, size_t n);

#endif
