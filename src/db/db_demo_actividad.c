/*
 * db_demo_actividad — the demo's morning of work (db_demo_actividad.h).
 *
 * DESIGN. BEGIN → the demo's advisory lock → decide (a demo row and no lote) → as the admin,
 * the starter templates (api.plantilla_guardar, shared) → per promoter,
 * as that user: api.solicitar_asignacion with the convenio core/demo_actividad.h drew, then
 * each opportunity's steps through api.registrar_intento / mover / nota / registrar_venta →
 * per supervisor, as that user: api.bandeja_reasignar of the team's first «No localizado» to
 * another promoter → RESET SESSION AUTHORIZATION → COMMIT. A request that finds no client
 * (a tiny demo) is undone to its savepoint and that promoter stays idle.
 */
#include "db/db_demo_actividad.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/demo.h"
#include "core/demo_actividad.h"
#include "core/rng.h"
#include "db/db_demo.h"
#include "db/db_internal.h"
#include "util/err.h"

/* Mixed into the demo seed, so the morning's draws do not repeat the clients'. */
#define SEMILLA_ACTIVIDAD 0x61637469766964ULL

/* Becomes login for session_user and current_user, inside the transaction. */
static int
como(struct db *db, const char *login, struct err *e)
{
    char *ident = PQescapeIdentifier(db_pg(db), login, strlen(login));
    char sql[160];
    int rc;

    if (ident == NULL)
        return err_set(e, RC_DB, "usuario demo «%s»: %s", login, PQerrorMessage(db_pg(db)));
    snprintf(sql, sizeof sql, "SET SESSION AUTHORIZATION %s", ident);
    PQfreemem(ident);
    rc = db_exec(db, sql, e);
    return rc == RC_OK ? RC_OK : err_wrap(e, "usuario demo «%s»", login);
}

static int
decidir(struct db *db, bool *cargar, struct err *e)
{
    char *v = NULL;
    int rc = db_query_text(db,
                           "SELECT EXISTS (SELECT 1 FROM crm.demo_cargas)"
                           " AND NOT EXISTS (SELECT 1 FROM crm.lotes)",
                           0, NULL, &v, e);

    *cargar = rc == RC_OK && v != NULL && strcmp(v, "t") == 0;
    free(v);
    return rc;
}

static int
paso_run(struct db *db, int64_t oportunidad, const struct demo_paso *p,
         struct db_demo_actividad *out, struct err *e)
{
    char id[24], monto[24], folio[40];
    const char *params[4] = { id, p->a, p->motivo, NULL };
    PGresult *res = NULL;
    int rc;

    snprintf(id, sizeof id, "%" PRId64, oportunidad);
    switch (p->tipo) {
    case DEMO_PASO_INTENTO:
        rc = db_query_rows(db, "SELECT api.registrar_intento($1::bigint, $2, $3)", 3, params, &res,
                           e);
        out->intentos += rc == RC_OK;
        break;
    case DEMO_PASO_MOVER:
        rc = db_query_rows(db, "SELECT estado FROM api.mover($1::bigint, $2, $3)", 3, params, &res,
                           e);
        out->movimientos += rc == RC_OK;
        if (rc == RC_OK && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "EN_BANDEJA") == 0)
            out->en_bandeja++;
        break;
    case DEMO_PASO_NOTA:
        rc = db_query_rows(db, "SELECT api.nota($1::bigint, $2)", 2, params, &res, e);
        out->notas += rc == RC_OK;
        break;
    case DEMO_PASO_VENTA:
        snprintf(monto, sizeof monto, "%ld", p->monto);
        snprintf(folio, sizeof folio, "DEMO-%" PRId64, oportunidad);
        params[1] = monto;
        params[2] = p->a;
        params[3] = folio;
        rc = db_query_rows(db, "SELECT * FROM api.registrar_venta($1::bigint, $2::numeric, $3, $4)",
                           4, params, &res, e);
        out->ventas += rc == RC_OK;
        break;
    default:
        rc = err_set(e, RC_INVAL, "paso demo desconocido");
    }
    PQclear(res);
    return rc == RC_OK ? RC_OK : err_wrap(e, "oportunidad %s, «%s»", id, p->a);
}

/* Asks for the lote; *lote is 0 when no client matched (the request is undone). */
static int
pedir(struct db *db, const struct demo_pedido *pd, int64_t *lote, struct err *e)
{
    char cantidad[16];
    const char *params[2] = { cantidad, pd->convenio };
    PGresult *res = NULL;
    int rc = db_exec(db, "SAVEPOINT pedido", e);

    *lote = 0;
    snprintf(cantidad, sizeof cantidad, "%d", pd->cantidad);
    if (rc == RC_OK)
        rc = db_query_row(db, "SELECT lote_id FROM api.solicitar_asignacion($1::int, $2)", 2,
                          params, &res, e);
    if (rc == RC_OK)
        *lote = db_col_i64(res, 0, 0);
    PQclear(res);
    if (rc == RC_REFUSED && e != NULL && strcmp(e->code, "EB209") == 0) {
        err_clear(e);
        return db_exec(db, "ROLLBACK TO SAVEPOINT pedido", e);
    }
    return rc;
}

/* The admin's starter templates, shared with everyone: one per working stage. */
static int
plantillas_run(struct db *db, const char *admin, struct db_demo_actividad *out, struct err *e)
{
    int rc = como(db, admin, e);

    for (size_t i = 0; rc == RC_OK && i < demo_plantillas_len; i++) {
        const struct demo_plantilla *p = &demo_plantillas[i];
        const char *params[3] = { p->etapa, p->nombre, p->texto };
        PGresult *res = NULL;

        rc =
            db_query_rows(db, "SELECT api.plantilla_guardar($1, $2, $3, true)", 3, params, &res, e);
        PQclear(res);
        if (rc == RC_OK)
            out->plantillas++;
        else
            err_wrap(e, "plantilla «%s»", p->nombre);
    }
    return rc;
}

/* One promoter's morning, as that promoter. */
static int
promotor_run(struct db *db, struct rng *r, const char *login, struct db_demo_actividad *out,
             struct err *e)
{
    struct demo_pedido pd;
    struct demo_paso pasos[DEMO_PASOS_MAX];
    char lote_txt[24];
    const char *params[1] = { lote_txt };
    PGresult *res = NULL;
    int64_t lote;
    int rc;

    demo_actividad_pedido(r, &pd);
    rc = como(db, login, e);
    if (rc == RC_OK)
        rc = pedir(db, &pd, &lote, e);
    if (rc != RC_OK || lote == 0)
        goto out;
    snprintf(lote_txt, sizeof lote_txt, "%" PRId64, lote);
    rc =
        db_query_rows(db, "SELECT id FROM crm.oportunidades WHERE lote_id = $1::bigint ORDER BY id",
                      1, params, &res, e);
    for (int i = 0; rc == RC_OK && i < PQntuples(res); i++) {
        int n = demo_actividad_pasos(r, &pd, pasos);

        out->oportunidades++;
        for (int k = 0; rc == RC_OK && k < n; k++)
            rc = paso_run(db, db_col_i64(res, i, 0), &pasos[k], out, e);
    }
out:
    PQclear(res);
    if (rc != RC_OK)
        err_wrap(e, "%s", login);
    return rc;
}

/* The supervisor hands the team's first «No localizado» to another of its promoters. */
static int
supervisor_run(struct db *db, const char *login, struct db_demo_actividad *out, struct err *e)
{
    const char *salida = demo_etapas[6].nombre; /* No localizado */
    const char *params[3] = { salida, NULL, NULL };
    PGresult *res = NULL, *dest = NULL;
    char id[24];
    int rc = como(db, login, e);

    if (rc == RC_OK)
        rc = db_query_rows(db,
                           "SELECT o.id, u.login FROM crm.oportunidades o"
                           " JOIN crm.usuarios u ON u.id = o.usuario_id"
                           " JOIN crm.etapas x ON x.id = o.etapa_id"
                           " WHERE o.estado = 'EN_BANDEJA' AND x.nombre = $1"
                           " ORDER BY o.id LIMIT 1",
                           1, params, &res, e);
    if (rc != RC_OK || PQntuples(res) == 0)
        goto out;
    params[0] = PQgetvalue(res, 0, 1);
    rc = db_query_rows(db,
                       "SELECT login FROM crm.usuarios WHERE rol = 'PROMOTOR' AND estado = 'ACTIVO'"
                       " AND login <> $1 ORDER BY login LIMIT 1",
                       1, params, &dest, e);
    if (rc != RC_OK || PQntuples(dest) == 0)
        goto out;
    snprintf(id, sizeof id, "{%s}", PQgetvalue(res, 0, 0));
    params[0] = id;
    params[1] = PQgetvalue(dest, 0, 0);
    params[2] = "otro promotor lo intenta en otro horario";
    PQclear(res);
    res = NULL;
    rc = db_query_rows(db, "SELECT reasignadas FROM api.bandeja_reasignar($1::bigint[], $2, $3)", 3,
                       params, &res, e);
    if (rc == RC_OK) {
        out->reasignadas += db_col_int(res, 0, 0);
        out->en_bandeja -= db_col_int(res, 0, 0);
    }
out:
    PQclear(dest);
    PQclear(res);
    if (rc != RC_OK)
        err_wrap(e, "%s", login);
    return rc;
}

/*
 * The lender declined one of the team's credits: when the team sold twice or more, the
 * supervisor cancels its first sale (sql/092), and the opportunity waits in the bandeja.
 */
static int
cancelacion_run(struct db *db, const char *login, struct db_demo_actividad *out, struct err *e)
{
    PGresult *res = NULL;
    int rc = como(db, login, e);

    if (rc == RC_OK)
        rc = db_query_rows(db,
                           "SELECT api.venta_cancelar(v.oportunidad_id, 'la financiera no aprobó"
                           " el crédito: la capacidad de pago no alcanza')"
                           " FROM (SELECT x.oportunidad_id, count(*) OVER () AS n"
                           "         FROM crm.ventas x JOIN crm.usuarios u ON u.id = x.usuario_id"
                           "        WHERE u.supervisor_id = crm.yo() AND x.estado = 'VIGENTE'"
                           "        ORDER BY x.oportunidad_id LIMIT 1) v"
                           " WHERE v.n >= 2",
                           0, NULL, &res, e);
    for (int i = 0; rc == RC_OK && i < PQntuples(res); i++) {
        out->canceladas++;
        if (strstr(PQgetvalue(res, i, 0), "bandeja") != NULL)
            out->en_bandeja++;
    }
    PQclear(res);
    if (rc != RC_OK)
        err_wrap(e, "%s", login);
    return rc;
}

/*
 * The last supervisor's last promoter leaves on holiday at the end of the morning (078's
 * estado, by the supervisor, with a reason): their stage timers wait (sql/094), so the demo
 * shows paused cards, an absent promoter in Equipo and Repartir, and the history step.
 */
static int
vacaciones_run(struct db *db, const char *login, struct db_demo_actividad *out, struct err *e)
{
    PGresult *res = NULL;
    int rc = como(db, login, e);

    if (rc == RC_OK)
        rc = db_query_rows(db,
                           "SELECT api.cambiar_estado_usuario(u.login, 'VACACIONES',"
                           " 'vacaciones de fin de año')"
                           " FROM crm.usuarios u WHERE u.supervisor_id = crm.yo()"
                           " AND u.rol = 'PROMOTOR' AND u.estado = 'ACTIVO'"
                           " ORDER BY u.login DESC LIMIT 1",
                           0, NULL, &res, e);
    if (rc == RC_OK)
        out->vacaciones += PQntuples(res);
    PQclear(res);
    res = NULL;
    if (rc == RC_OK)
        rc = db_query_rows(db,
                           "SELECT count(*) FROM crm.oportunidades WHERE timer_pausa IS NOT NULL",
                           0, NULL, &res, e);
    if (rc == RC_OK)
        out->en_pausa = db_col_i64(res, 0, 0);
    PQclear(res);
    if (rc != RC_OK)
        err_wrap(e, "%s", login);
    return rc;
}

/*
 * A person on the first promoter's list asks not to be called again: the promoter registers
 * the phone of its newest opportunity still in the first stage (the do-not-contact registry,
 * sql/074), so the demo shows the mark on a card.
 */
static int
solicitud_run(struct db *db, const char *login, struct db_demo_actividad *out, struct err *e)
{
    PGresult *res = NULL;
    int rc = como(db, login, e);

    if (rc == RC_OK)
        rc = db_query_rows(db,
                           "SELECT api.no_contactar_agregar(d.valor, 'SOLICITUD', NULL,"
                           " 'pidió por teléfono que no le vuelvan a llamar')"
                           " FROM crm.oportunidades o"
                           " JOIN crm.etapas x ON x.id = o.etapa_id AND x.tipo = 'INICIAL'"
                           " JOIN padron.datos_contacto d ON d.cliente_id = o.cliente_id"
                           " AND d.vigente AND d.tipo = 'CELULAR'"
                           " WHERE o.usuario_id = crm.yo() AND o.estado = 'ABIERTA'"
                           " ORDER BY o.id DESC LIMIT 1",
                           0, NULL, &res, e);
    if (rc == RC_OK)
        out->no_contactar += PQntuples(res);
    PQclear(res);
    if (rc != RC_OK)
        err_wrap(e, "%s", login);
    return rc;
}

int
db_demo_actividad(struct db *db, uint64_t semilla, struct db_demo_actividad *out, struct err *e)
{
    struct rng r;
    bool cargar = false;
    int rc;

    memset(out, 0, sizeof *out);
    rng_seed(&r, rng_mix(semilla, SEMILLA_ACTIVIDAD));
    rc = db_demo_begin(db, e);
    if (rc == RC_OK)
        rc = decidir(db, &cargar, e);
    if (rc == RC_OK && cargar)
        rc = plantillas_run(db, demo_usuarios[0].login, out, e); /* the admin */
    for (size_t i = 0; rc == RC_OK && cargar && i < demo_usuarios_len; i++)
        if (strcmp(demo_usuarios[i].rol, "PROMOTOR") == 0)
            rc = promotor_run(db, &r, demo_usuarios[i].login, out, e);
    for (size_t i = 0; rc == RC_OK && cargar && i < demo_usuarios_len; i++)
        if (strcmp(demo_usuarios[i].rol, "SUPERVISOR") == 0) {
            rc = supervisor_run(db, demo_usuarios[i].login, out, e);
            if (rc == RC_OK)
                rc = cancelacion_run(db, demo_usuarios[i].login, out, e);
        }
    for (size_t i = 0; rc == RC_OK && cargar && i < demo_usuarios_len; i++)
        if (strcmp(demo_usuarios[i].rol, "PROMOTOR") == 0) {
            rc = solicitud_run(db, demo_usuarios[i].login, out, e);
            break;
        }
    for (size_t i = demo_usuarios_len; rc == RC_OK && cargar && i-- > 0;)
        if (strcmp(demo_usuarios[i].rol, "SUPERVISOR") == 0) {
            rc = vacaciones_run(db, demo_usuarios[i].login, out, e);
            break;
        }
    if (rc == RC_OK && cargar)
        rc = db_exec(db, "RESET SESSION AUTHORIZATION; COMMIT", e);
    if (PQtransactionStatus(db_pg(db)) != PQTRANS_IDLE)
        PQclear(PQexec(db_pg(db), "ROLLBACK"));
    out->cargada = rc == RC_OK && cargar;
    if (!out->cargada)
        memset(out, 0, sizeof *out);
    if (rc != RC_OK)
        err_wrap(e, "actividad demo");
    return rc;
}
