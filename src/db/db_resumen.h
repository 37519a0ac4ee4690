/*
 * db_resumen — the numbers of the client's home screen: who the session is, how many
 * clientes the padrón holds, how many oportunidades the user may see, by estado, and how many
 * open ones passed their timer's warning («por vencer», the kanban's ◐), the sales in force
 * she may see registered this month (sql/092) with their amount, and the next
 * date the business calendar treats apart, today's included: a rest day (sql/093) or a date
 * with hours of its own (sql/097); and the campaigns she may see that paused by themselves
 * (sql/102), with the newest one's name and promoter; for a supervisor, an admin or the
 * auditor, how many exits of the bandeja she sees are late (sql/103).
 *
 * Read-only: one statement, and api.bandeja's count for the profiles it is granted to;
 * row-level security decides what "visible" means (own, team, all). Any thread, on the
 * thread that owns db (the UI runs it on its worker).
 */
#ifndef DB_DB_RESUMEN_H
#define DB_DB_RESUMEN_H

struct db;
struct err;

/* crm.oportunidades.estado, in this order. */
enum resumen_estado {
    RESUMEN_ABIERTA,
    RESUMEN_EN_BANDEJA,
    RESUMEN_GANADA,
    RESUMEN_DEVUELTA,
    RESUMEN_DESCARTADA,
    RESUMEN_ESTADOS
};

struct resumen {
    char login[64];   /* session_user */
    char nombre[128]; /* crm.usuarios.nombre, "" when the login is not a CRM user */
    char rol[16];     /* "PROMOTOR" | "SUPERVISOR" | "ADMIN" | "AUDITOR", "" when not a CRM user */
    long long clientes;
    long long oportunidades[RESUMEN_ESTADOS];
    long long por_vencer;      /* ABIERTA ones past timer_aviso (expired and not swept yet too) */
    long long ventas_mes;      /* sales in force registered since the 1st, business zone */
    char ventas_mes_monto[32]; /* their sum as the database writes it, "119000.00" */
    char cal_fecha[11];        /* that date, AAAA-MM-DD; "" when none is declared */
    char cal_nombre[128];
    char cal_abre[6], cal_cierra[6]; /* a special date's hours, "HH:MM"; "" for a rest day */
    long long campanas_solas;        /* visible campaigns PAUSADA by themselves */
    char campana_sola[484];          /* the newest one's name, "" when none */
    char campana_sola_login[64];     /* and its promoter's login */
    long long bandeja_atrasadas;     /* api.bandeja's rows past crm.ajustes.bandeja_horas;
                                        -1 when not read: a promoter, or not a CRM user */
};

/* The database's spelling of an estado ("EN_BANDEJA"). */
const char *resumen_estado_name(enum resumen_estado s);

/*
 * Reads the summary into *out (fully overwritten on RC_OK). RC_DB with the mapping of
 * db.h on failure (e->code "08006" when the connection is gone).
 */
int db_resumen_load(struct db *db, struct resumen *out, struct err *e)
    __attribute__((warn_unused_result));

#endif
