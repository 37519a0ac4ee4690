/*
 * db_demo — loads the demo data of core/demo.h into a migrated embudo database: convenios,
 * clientes and datos_contacto through COPY, the demo users through api.crear_usuario, the
 * funnel, operating hours, rest days, the privacy notice, and the record in crm.demo_cargas — all
 * in one transaction, so a database either has the whole demo or none of it.
 *
 * Call on the thread that owns db, connected as a superuser (the bootstrap account of the
 * embedded cluster). Concurrent loads are serialised with a transaction
 * advisory lock. Lower layer: nothing is printed; progress goes to an optional callback.
 */
#ifndef DB_DB_DEMO_H
#define DB_DB_DEMO_H

#include <stdbool.h>
#include <stdint.h>

struct db;
struct err;

enum db_demo_estado {
    DB_DEMO_CARGADO,    /* this call loaded the demo */
    DB_DEMO_YA_CARGADO, /* the same seed and size were already loaded: nothing done */
    DB_DEMO_OMITIDO,    /* si_falta and the database already had data: nothing done */
};

/* Called with the phase ("clientes", "contactos"), rows done and rows expected. */
typedef void db_demo_progreso_fn(void *arg, const char *fase, long hechos, long total);

struct db_demo_opts {
    uint64_t semilla; /* 0..INT64_MAX (stored as bigint) */
    long clientes;    /* DEMO_CLIENTES_MIN..DEMO_CLIENTES_MAX */
    bool si_falta;    /* succeed without loading when any demo or padron data is present */
    db_demo_progreso_fn *progreso; /* may be NULL */
    void *progreso_arg;
};

struct db_demo_report {
    enum db_demo_estado estado;
    uint64_t semilla; /* of the demo in the database now (0 when OMITIDO without a demo) */
    long clientes;    /* idem */
    long convenios;   /* rows loaded by this call (0 unless CARGADO) */
    long contactos;
    long usuarios;
    long etapas;
    long dias_inhabiles; /* rest days added (those already present are kept) */
};

/*
 * Loads the demo described by o, or finds it already there. RC_OK with out->estado; RC_REFUSED
 * (nothing changed) when another demo (other seed or size) is loaded, or when the padron
 * already holds clients or convenios that no demo load put there — unless o->si_falta, which
 * turns both into DB_DEMO_OMITIDO; RC_DB when the database fails (e.g. not migrated:
 * crm.demo_cargas missing) — the transaction is rolled back whole.
 */
int db_demo_load(struct db *db, const struct db_demo_opts *o, struct db_demo_report *out,
                 struct err *e) __attribute__((warn_unused_result));

/* BEGIN a demo transaction (no statement or lock timeout: a million rows take a while) and
 * take the demo's advisory lock, so loads and the morning of work (db_demo_actividad)
 * serialise. RC_OK or the db mapping; the caller ends the transaction. */
int db_demo_begin(struct db *db, struct err *e) __attribute__((warn_unused_result));

#endif
