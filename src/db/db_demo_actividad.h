/*
 * db_demo_actividad — a morning of work on a freshly loaded demo (`embudo demo --actividad`):
 * the admin writes the starter campaign templates (core/demo.h), every demo promoter asks
 * for a lote and works it — contact attempts, stage moves, notes, a
 * few sales and exits to the bandeja (core/demo_actividad.h draws the steps from the seed) —
 * and each supervisor reassigns one exit of their team and, when the team sold twice or more,
 * cancels its first sale as the lender would decline it (sql/092). Everything goes through the api
 * as the user who would do it (SET SESSION AUTHORIZATION, so session_user is that user), so the
 * quota, the rules and every history row are the real ones, and `embudo doctor` stays clean.
 *
 * One transaction: all of the morning or none of it. It runs only on a database whose demo is
 * loaded and that has no lote yet, so a second call (or `make run` over a database in use)
 * changes nothing. Times are the load's: nothing has aged yet.
 *
 * Call on the thread that owns db, connected as a superuser (the account db_demo_load uses).
 */
#ifndef DB_DB_DEMO_ACTIVIDAD_H
#define DB_DB_DEMO_ACTIVIDAD_H

#include <stdbool.h>
#include <stdint.h>

struct db;
struct err;

struct db_demo_actividad {
    bool cargada; /* false: skipped (no demo loaded, or lotes exist already) */
    long plantillas, oportunidades, intentos, movimientos, notas, ventas, en_bandeja, reasignadas;
    long canceladas;   /* sales the lender declined (kept; their opportunity in the bandeja) */
    long no_contactar; /* phones the people asked not to be called again (SOLICITUD) */
    long vacaciones;   /* promoters on holiday at the end of the morning (sql/094) */
    long en_pausa;     /* their stage timers, paused until they come back */
};

/*
 * Works the morning from seed (the demo's). RC_OK with out->cargada; RC_REFUSED or RC_DB
 * (e says which step and user) when a step fails — the transaction is rolled back whole.
 */
int db_demo_actividad(struct db *db, uint64_t semilla, struct db_demo_actividad *out, struct err *e)
    __attribute__((warn_unused_result));

#endif
