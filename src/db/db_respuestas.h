/*
 * db_respuestas — the clients' replies to campaign messages (sql/089_wa_respuestas.sql): who
 * answered, what they said, and whether anyone acted on it since. The promoter's inbox (the
 * TUI's Inicio), a supervisor's view of what her team left unattended, and `embudo
 * respuestas`.
 *
 * Visibility is the database's (api.wa_respuestas): replies on the opportunities of the users
 * the caller sees (own, team, all), plus the replies from numbers that matched no opportunity,
 * to the account that received them only. "Atendida" is derived there: a user wrote an
 * INTENTO, NOTA, TRANSICION, A_BANDEJA, VENTA, DEVUELTA, DESCARTADA or PRORROGA_PEDIDA row on
 * the opportunity after the reply; an opt-out is attended by definition.
 *
 * Same rules as db_crm.h: one statement per call; EB001 (not a user) is RC_REFUSED. Any
 * thread, on the thread that owns db.
 */
#ifndef DB_DB_RESPUESTAS_H
#define DB_DB_RESPUESTAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct err;

/* One reply, as api.wa_respuestas gives it; strings owned (NULL where the database has none). */
struct db_respuesta {
    int64_t id;              /* crm.wa_entrantes.id: grows with every reply */
    int64_t recibido;        /* epoch seconds */
    char recibido_local[24]; /* "DD/MM/YY HH:MM" in the business zone */
    int64_t edad_s;          /* seconds since it arrived, when it was read */
    int64_t oportunidad_id;  /* 0: the number matched no opportunity */
    char *cliente;           /* the client's or prospect's name; NULL without an opportunity */
    char *telefono;          /* E.164; NULL once an ARCO suppression erased it */
    char *etapa;             /* the opportunity's stage now */
    char *estado;            /* the opportunity's estado now (ABIERTA, EN_BANDEJA, …) */
    char *promotor;          /* the owner's login (without an opportunity: the account's) */
    char *texto;             /* what the person wrote («[suprimido]» after a suppression) */
    bool baja;               /* an opt-out */
    bool atendida;           /* someone acted on the opportunity after it (opt-outs: always) */
    bool por_atender;        /* not attended and the opportunity still open: the inbox */
};

/*
 * The replies the caller may see, newest first. pendientes: only those por atender (desde and
 * dias still apply). desde: "AAAA-MM-DD", the first business day to include; NULL with dias
 * > 0: the last dias days up to today (business zone); NULL with dias 0: no lower bound.
 * *rows holds *n replies (db_respuestas_free). RC_OK, RC_REFUSED (EB001), RC_DB.
 */
int db_respuestas(struct db *db, const char *desde, int dias, bool pendientes,
                  struct db_respuesta **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_respuestas_free(struct db_respuesta *rows, size_t n);

#endif
