/*
 * db_demo — the demo load (db_demo.h).
 *
 * DESIGN. One transaction: advisory lock → decide from crm.demo_cargas and the padron →
 * COPY convenios, clientes (streamed from the generator in 256 KiB chunks) and
 * datos_contacto (a second generator with the same seed replays the clients, so nothing of
 * size N is kept in memory) → identity sequences moved past the explicit ids → users through
 * api.crear_usuario (roles are cluster-wide; existing plain ones are adopted) → funnel, hours,
 * rest days → the crm.demo_cargas row → COMMIT. Any failure rolls everything back, so a
 * database never holds half a demo. Ids are explicit, so the same seed gives the same ids in
 * every database, whatever its sequences went through before.
 */
#include "db/db_demo.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/demo.h"
#include "db/db_internal.h"
#include "db/db_usuarios.h"
#include "util/err.h"
#include "util/strbuf.h"

/* COPY data is sent in chunks of about this size. */
#define COPY_CHUNK (256 * 1024)
/* Progress is reported every this many clients. */
#define PROGRESS_STEP 10000

/* Runs sql with n text parameters; any result other than an error is fine. */
static int
exec_params(struct db *db, const char *sql, int n, const char *const *params, struct err *e)
{
    PGresult *res = PQexecParams(db_pg(db), sql, n, NULL, params, NULL, NULL, 0);
    int rc = RC_OK;

    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = db_check(db, res, PGRES_COMMAND_OK, e);
    PQclear(res);
    return rc;
}

/* ---- deciding ------------------------------------------------------------------------- */

/* Fills out from an existing crm.demo_cargas row and decides; *load stays false. */
static int
demo_existing(const struct db_demo_opts *o, const char *semilla, const char *clientes,
              struct db_demo_report *out, struct err *e)
{
    out->semilla = strtoull(semilla, NULL, 10);
    out->clientes = strtol(clientes, NULL, 10);
    if (out->semilla == o->semilla && out->clientes == o->clientes) {
        out->estado = DB_DEMO_YA_CARGADO;
        return RC_OK;
    }
    if (o->si_falta) {
        out->estado = DB_DEMO_OMITIDO;
        return RC_OK;
    }
    return err_set(e, RC_REFUSED,
                   "la base de datos ya tiene otros datos demo (semilla %" PRIu64
                   ", %ld clientes); no se mezclan cargas: para la semilla %" PRIu64
                   " con %ld clientes use una base de datos nueva",
                   out->semilla, out->clientes, o->semilla, o->clientes);
}

/* No demo recorded: load only into an empty padron. */
static int
demo_empty_padron(struct db *db, const struct db_demo_opts *o, struct db_demo_report *out,
                  bool *load, struct err *e)
{
    char *busy = NULL;
    int rc = db_query_text(db,
                           "SELECT EXISTS (SELECT 1 FROM padron.clientes)"
                           " OR EXISTS (SELECT 1 FROM padron.convenios)",
                           0, NULL, &busy, e);

    if (rc != RC_OK)
        goto out;
    if (busy == NULL || strcmp(busy, "t") != 0) {
        *load = true;
        out->estado = DB_DEMO_CARGADO;
    } else if (o->si_falta) {
        out->estado = DB_DEMO_OMITIDO;
    } else {
        rc = err_set(e, RC_REFUSED,
                     "el padrón ya tiene clientes o convenios que no vienen de "
                     "embudo demo; la demo solo se carga en un padrón vacío");
    }
out:
    free(busy);
    return rc;
}

/* Reads crm.demo_cargas and the padron and decides whether to load (*load). */
static int
demo_decide(struct db *db, const struct db_demo_opts *o, struct db_demo_report *out, bool *load,
            struct err *e)
{
    PGresult *res = PQexec(db_pg(db), "SELECT semilla, clientes FROM crm.demo_cargas");
    int rc = db_check(db, res, PGRES_TUPLES_OK, e);

    *load = false;
    if (rc != RC_OK) {
        if (e != NULL && strcmp(e->code, "42P01") == 0)
            rc = err_set(e, RC_DB,
                         "la base de datos no está migrada (falta crm.demo_cargas); "
                         "ejecute «embudo db migrate»");
    } else if (PQntuples(res) > 0) {
        rc = demo_existing(o, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), out, e);
    } else {
        rc = demo_empty_padron(db, o, out, load, e);
    }
    PQclear(res);
    return rc;
}

/* ---- COPY ----------------------------------------------------------------------------- */

static int
copy_start(struct db *db, const char *target, struct err *e)
{
    char sql[256];
    PGresult *res;
    int rc;

    snprintf(sql, sizeof sql, "COPY %s FROM STDIN", target);
    res = PQexec(db_pg(db), sql);
    rc = db_check(db, res, PGRES_COPY_IN, e);
    PQclear(res);
    return rc;
}

/* Sends sb's rows when they reach a chunk (or always, when force) and empties sb. */
static int
copy_flush(struct db *db, struct strbuf *sb, bool force, struct err *e)
{
    if (sb->len == 0 || (!force && sb->len < COPY_CHUNK))
        return RC_OK;
    if (PQputCopyData(db_pg(db), sb->buf, (int)sb->len) != 1)
        return err_set(e, RC_DB, "COPY interrumpido: %s", PQerrorMessage(db_pg(db)));
    strbuf_reset(sb);
    return RC_OK;
}

/* Ends the COPY (aborting it when rc is not RC_OK) and collects the server's verdict. */
static int
copy_finish(struct db *db, int rc, struct err *e)
{
    PGconn *pg = db_pg(db);
    PGresult *res;

    if (PQputCopyEnd(pg, rc == RC_OK ? NULL : "carga demo cancelada") != 1 && rc == RC_OK)
        rc = err_set(e, RC_DB, "COPY interrumpido: %s", PQerrorMessage(pg));
    while ((res = PQgetResult(pg)) != NULL) {
        if (rc == RC_OK)
            rc = db_check(db, res, PGRES_COMMAND_OK, e);
        PQclear(res);
    }
    return rc;
}

static void
progress(const struct db_demo_opts *o, const char *fase, long done)
{
    if (o->progreso != NULL && (done % PROGRESS_STEP == 0 || done == o->clientes))
        o->progreso(o->progreso_arg, fase, done, o->clientes);
}

/*
 * One pass of the generator: clientes rows (contactos false) or datos_contacto rows
 * (contactos true, *ncontactos gets how many).
 */
static int
copy_pass(struct db *db, const struct db_demo_opts *o, bool contactos, long *ncontactos,
          struct err *e)
{
    struct demo_gen *g = demo_gen_new(o->semilla, o->clientes);
    const char *fase = contactos ? "contactos" : "clientes";
    struct demo_cliente c;
    struct strbuf sb;
    long next_id = 1;
    int rc = copy_start(db, contactos ? DEMO_COPY_CONTACTOS : DEMO_COPY_CLIENTES, e);

    strbuf_init(&sb);
    if (rc != RC_OK)
        goto out;
    while (rc == RC_OK && demo_gen_next(g, &c)) {
        if (contactos)
            demo_contactos_copy(&c, &next_id, &sb);
        else
            demo_cliente_copy(&c, &sb);
        rc = copy_flush(db, &sb, false, e);
        progress(o, fase, c.id);
    }
    if (rc == RC_OK)
        rc = copy_flush(db, &sb, true, e);
    rc = copy_finish(db, rc, e);
    if (ncontactos != NULL)
        *ncontactos = next_id - 1;
out:
    strbuf_fini(&sb);
    demo_gen_free(g);
    return rc;
}

static int
copy_convenios(struct db *db, struct err *e)
{
    struct strbuf sb;
    int rc = copy_start(db, DEMO_COPY_CONVENIOS, e);

    strbuf_init(&sb);
    if (rc == RC_OK) {
        demo_convenios_copy(&sb);
        rc = copy_flush(db, &sb, true, e);
        rc = copy_finish(db, rc, e);
    }
    strbuf_fini(&sb);
    return rc;
}

/* ---- the rest of the demo ------------------------------------------------------------- */

/* The identity sequences continue after the explicit ids COPY wrote. */
static int
sequences_advance(struct db *db, struct err *e)
{
    return db_exec(db,
                   "SELECT setval(pg_get_serial_sequence('padron.convenios', 'id'),"
                   "              (SELECT max(id) FROM padron.convenios)),"
                   "       setval(pg_get_serial_sequence('padron.clientes', 'id'),"
                   "              (SELECT max(id) FROM padron.clientes)),"
                   "       setval(pg_get_serial_sequence('padron.datos_contacto', 'id'),"
                   "              (SELECT max(id) FROM padron.datos_contacto))",
                   e);
}

static int
load_usuarios(struct db *db, struct err *e)
{
    int rc = RC_OK;

    for (size_t i = 0; i < demo_usuarios_len && rc == RC_OK; i++) {
        const struct demo_usuario *u = &demo_usuarios[i];
        const struct db_usuario_nuevo nuevo = { u->login,      u->nombre,      u->rol,
                                                u->supervisor, u->cupo_diario, u->cartera_max };
        int id;

        rc = db_usuario_crear(db, &nuevo, &id, e);
        if (rc != RC_OK)
            err_wrap(e, "usuario demo «%s»", u->login);
    }
    return rc;
}

/*
 * The demo funnel, keyed by name: stages that already exist (the default funnel of a later
 * migration) are updated in place and keep their ids; missing ones are added with the next
 * free id. Stages that are not the demo's keep their relative order after the demo's.
 */
static int
load_etapas(struct db *db, struct err *e)
{
    static const char upsert[] =
        "INSERT INTO crm.etapas (id, nombre, orden, tipo, timer_horas, activa)"
        " VALUES ((SELECT coalesce(max(id), 0) + 1 FROM crm.etapas), $1, $2::smallint, $3,"
        "         nullif($4::numeric, 0), true)"
        " ON CONFLICT (nombre) DO UPDATE SET orden = EXCLUDED.orden, tipo = EXCLUDED.tipo,"
        "     timer_horas = EXCLUDED.timer_horas, activa = true";
    char others[400];
    int rc = db_exec(db, "UPDATE crm.etapas SET orden = orden + 1000", e);

    for (size_t i = 0; i < demo_etapas_len && rc == RC_OK; i++) {
        char orden[24], horas[16];
        const char *params[4] = { demo_etapas[i].nombre, orden, demo_etapas[i].tipo, horas };

        snprintf(orden, sizeof orden, "%zu", i + 1);
        snprintf(horas, sizeof horas, "%d", demo_etapas[i].horas);
        rc = exec_params(db, upsert, 4, params, e);
        if (rc != RC_OK)
            err_wrap(e, "etapa demo «%s»", demo_etapas[i].nombre);
    }
    snprintf(others, sizeof others,
             "UPDATE crm.etapas e SET orden = %zu + r.k"
             "  FROM (SELECT id, row_number() OVER (ORDER BY orden) AS k"
             "          FROM crm.etapas WHERE orden > 1000) r"
             " WHERE e.id = r.id;"
             "SELECT setval(pg_get_serial_sequence('crm.etapas', 'id'),"
             "              (SELECT max(id) FROM crm.etapas))",
             demo_etapas_len);
    if (rc == RC_OK)
        rc = db_exec(db, others, e);
    return rc;
}

/*
 * Operating hours Mon–Fri 09–19 and Sat 09–14 in America/Mexico_City, the statutory rest days
 * from 2024 to ten years ahead (crm.generar_dias_inhabiles keeps the ones present), and the
 * two half days most offices keep in that span: 24 and 31 December until 14:00 when they fall
 * Monday to Friday (a Saturday closes at 14:00 anyway; a Sunday stays closed).
 */
static int
load_calendario(struct db *db, long *dias, struct err *e)
{
    char *added = NULL;
    int rc = db_exec(db,
                     "DELETE FROM crm.horario_operativo WHERE isodow = 7;"
                     "INSERT INTO crm.horario_operativo (isodow, abre, cierra) VALUES"
                     " (1, '09:00', '19:00'), (2, '09:00', '19:00'), (3, '09:00', '19:00'),"
                     " (4, '09:00', '19:00'), (5, '09:00', '19:00'), (6, '09:00', '14:00')"
                     " ON CONFLICT (isodow) DO UPDATE"
                     " SET abre = EXCLUDED.abre, cierra = EXCLUDED.cierra;"
                     "UPDATE crm.ajustes SET zona = 'America/Mexico_City'",
                     e);

    if (rc == RC_OK)
        rc = db_query_text(db,
                           "SELECT crm.generar_dias_inhabiles(2024,"
                           " extract(year FROM current_date)::int + 10)",
                           0, NULL, &added, e);
    if (rc == RC_OK)
        rc = db_exec(db,
                     "INSERT INTO crm.dias_especiales (fecha, abre, cierra, nombre)"
                     " SELECT d, '09:00', '14:00', n"
                     " FROM generate_series(2024, extract(year FROM current_date)::int + 10) y,"
                     "  LATERAL (VALUES (make_date(y, 12, 24), 'Nochebuena'),"
                     "                  (make_date(y, 12, 31), 'Fin de año')) v(d, n)"
                     " WHERE extract(isodow FROM d) BETWEEN 1 AND 5"
                     " ON CONFLICT (fecha) DO NOTHING",
                     e);
    *dias = added != NULL ? strtol(added, NULL, 10) : 0;
    free(added);
    return rc;
}

/*
 * The privacy notice leads are captured under (sql/080): one version in force since the law's
 * reform (dated in the past, which only the loader may do: the api accepts today or later).
 */
static int
load_aviso(struct db *db, struct err *e)
{
    return db_exec(db,
                   "INSERT INTO crm.avisos_privacidad (version, vigente_desde, ubicacion)"
                   " VALUES ('AP-2025-03', '2025-03-21',"
                   " 'https://financiera-demo.mx/aviso-de-privacidad')"
                   " ON CONFLICT (version) DO NOTHING",
                   e);
}

static int
record_load(struct db *db, const struct db_demo_opts *o, struct err *e)
{
    char semilla[24], clientes[24], generador[16];
    const char *params[3] = { semilla, clientes, generador };

    snprintf(semilla, sizeof semilla, "%" PRIu64, o->semilla);
    snprintf(clientes, sizeof clientes, "%ld", o->clientes);
    snprintf(generador, sizeof generador, "%d", DEMO_GENERADOR);
    return exec_params(db,
                       "INSERT INTO crm.demo_cargas (semilla, clientes, generador)"
                       " VALUES ($1::bigint, $2::int, $3::smallint)",
                       3, params, e);
}

/* Everything the demo writes, inside the caller's transaction. */
static int
demo_fill(struct db *db, const struct db_demo_opts *o, struct db_demo_report *out, struct err *e)
{
    int rc = copy_convenios(db, e);

    if (rc == RC_OK)
        rc = copy_pass(db, o, false, NULL, e);
    if (rc == RC_OK)
        rc = copy_pass(db, o, true, &out->contactos, e);
    if (rc == RC_OK)
        rc = sequences_advance(db, e);
    if (rc == RC_OK)
        rc = load_usuarios(db, e);
    if (rc == RC_OK)
        rc = load_etapas(db, e);
    if (rc == RC_OK)
        rc = load_calendario(db, &out->dias_inhabiles, e);
    if (rc == RC_OK)
        rc = load_aviso(db, e);
    if (rc == RC_OK)
        rc = record_load(db, o, e);
    if (rc == RC_OK) {
        out->semilla = o->semilla;
        out->clientes = o->clientes;
        out->convenios = (long)demo_convenios_len;
        out->usuarios = (long)demo_usuarios_len;
        out->etapas = (long)demo_etapas_len;
    }
    return rc;
}

int
db_demo_begin(struct db *db, struct err *e)
{
    return db_exec(db,
                   "BEGIN;"
                   "SET LOCAL statement_timeout = 0;"
                   "SET LOCAL lock_timeout = 0;"
                   "SELECT pg_advisory_xact_lock(hashtext('embudo.demo'))",
                   e);
}

int
db_demo_load(struct db *db, const struct db_demo_opts *o, struct db_demo_report *out, struct err *e)
{
    bool load = false;
    int rc;

    assert(o->clientes >= DEMO_CLIENTES_MIN && o->clientes <= DEMO_CLIENTES_MAX);
    assert(o->semilla <= (uint64_t)INT64_MAX);
    memset(out, 0, sizeof *out);
    rc = db_demo_begin(db, e);
    if (rc == RC_OK)
        rc = demo_decide(db, o, out, &load, e);
    if (rc == RC_OK && load)
        rc = demo_fill(db, o, out, e);
    if (rc == RC_OK && load)
        rc = db_exec(db, "COMMIT", e);
    if (PQtransactionStatus(db_pg(db)) != PQTRANS_IDLE)
        PQclear(PQexec(db_pg(db), "ROLLBACK"));
    /* Fresh statistics for the assignment queries; a failure here loses nothing. */
    if (rc == RC_OK && load)
        PQclear(PQexec(db_pg(db), "ANALYZE padron.clientes, padron.datos_contacto"));
    return rc;
}
