#include "db/db_resumen.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db/db_internal.h"
#include "util/err.h"

static const char *const estado_names[RESUMEN_ESTADOS] = {
    [RESUMEN_ABIERTA] = "ABIERTA",       [RESUMEN_EN_BANDEJA] = "EN_BANDEJA",
    [RESUMEN_GANADA] = "GANADA",         [RESUMEN_DEVUELTA] = "DEVUELTA",
    [RESUMEN_DESCARTADA] = "DESCARTADA",
};

const char *
resumen_estado_name(enum resumen_estado s)
{
    return (unsigned)s < RESUMEN_ESTADOS ? estado_names[s] : "";
}

/*
 * The counts per estado come back as one row with a column per estado, so the result
 * shape does not depend on which estados happen to have rows. crm.yo()/mi_rol() are
 * NULL for a login that is not a CRM user (e.g. the cluster's owner). The month's sales are
 * the ones row-level security lets her see (own, team, all), as the opportunities; so are the
 * campaigns that paused by themselves (sql/102: pausa_motivo is set only then, and cleared
 * when they leave PAUSADA).
 */
static const char sql_resumen[] =
    "WITH mes AS (SELECT x.monto FROM crm.ventas x WHERE x.estado = 'VIGENTE'"
    "   AND x.registrada_at >= date_trunc('month', now() AT TIME ZONE crm.zona())"
    "                          AT TIME ZONE crm.zona()),"
    " hoy AS (SELECT (now() AT TIME ZONE crm.zona())::date AS d),"
    " prox AS (SELECT * FROM ("
    "   SELECT i.fecha, i.nombre, NULL::time AS abre, NULL::time AS cierra"
    "     FROM crm.dias_inhabiles i, hoy WHERE i.fecha >= hoy.d"
    "   UNION ALL"
    "   SELECT e.fecha, e.nombre, e.abre, e.cierra FROM crm.dias_especiales e, hoy"
    "    WHERE e.fecha >= hoy.d"
    "      AND NOT EXISTS (SELECT 1 FROM crm.dias_inhabiles i WHERE i.fecha = e.fecha)) x"
    "   ORDER BY x.fecha LIMIT 1),"
    " sola AS (SELECT c.id, c.nombre, u.login FROM crm.wa_campanas c"
    "   JOIN crm.usuarios u ON u.id = c.usuario_id WHERE c.pausa_motivo IS NOT NULL)"
    " SELECT session_user,"
    " coalesce((SELECT u.nombre FROM crm.usuarios u WHERE u.id = crm.yo()), ''),"
    " coalesce(crm.mi_rol(), ''),"
    " (SELECT count(*) FROM padron.clientes),"
    " count(*) FILTER (WHERE o.estado = 'ABIERTA'),"
    " count(*) FILTER (WHERE o.estado = 'EN_BANDEJA'),"
    " count(*) FILTER (WHERE o.estado = 'GANADA'),"
    " count(*) FILTER (WHERE o.estado = 'DEVUELTA'),"
    " count(*) FILTER (WHERE o.estado = 'DESCARTADA'),"
    " count(*) FILTER (WHERE o.estado = 'ABIERTA' AND o.timer_aviso <= now()),"
    " (SELECT count(*) FROM mes), (SELECT coalesce(sum(mes.monto), 0)::text FROM mes),"
    " coalesce((SELECT prox.fecha::text FROM prox), ''),"
    " coalesce((SELECT prox.nombre FROM prox), ''),"
    " coalesce((SELECT to_char(prox.abre, 'HH24:MI') FROM prox), ''),"
    " coalesce((SELECT to_char(prox.cierra, 'HH24:MI') FROM prox), ''),"
    " (SELECT count(*) FROM sola),"
    " coalesce((SELECT sola.nombre FROM sola ORDER BY sola.id DESC LIMIT 1), ''),"
    " coalesce((SELECT sola.login FROM sola ORDER BY sola.id DESC LIMIT 1), '')"
    " FROM crm.oportunidades o";

/* The late exits, counted by the function the Bandeja pane reads, so the two agree; granted
 * to supervisors, admins and the auditor only (a promoter's exits are her supervisor's). */
static const char sql_atrasadas[] = "SELECT count(*) FROM api.bandeja() b WHERE b.atrasada";

static bool
sees_bandeja(const char *rol)
{
    return strcmp(rol, "SUPERVISOR") == 0 || strcmp(rol, "ADMIN") == 0 ||
           strcmp(rol, "AUDITOR") == 0;
}

static int
load_atrasadas(struct db *db, long long *out, struct err *e)
{
    PGresult *res = PQexecParams(db_pg(db), sql_atrasadas, 0, NULL, NULL, NULL, NULL, 0);
    int rc = db_check(db, res, PGRES_TUPLES_OK, e);

    if (rc == RC_OK && (PQntuples(res) != 1 || PQnfields(res) != 1))
        rc = err_set(e, RC_DB, "resumen: forma inesperada del conteo de la bandeja");
    if (rc == RC_OK)
        *out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return rc;
}

static void
copy_text(char *dst, size_t dstsz, const char *src)
{
    snprintf(dst, dstsz, "%s", src);
}

int
db_resumen_load(struct db *db, struct resumen *out, struct err *e)
{
    PGresult *res;
    int rc;

    assert(db != NULL && out != NULL);
    res = PQexecParams(db_pg(db), sql_resumen, 0, NULL, NULL, NULL, NULL, 0);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);

    if (rc != RC_OK)
        goto out;
    if (PQntuples(res) != 1 || PQnfields(res) != 5 + RESUMEN_ESTADOS + 9) {
        rc = err_set(e, RC_DB, "resumen: forma inesperada del resultado");
        goto out;
    }
    memset(out, 0, sizeof *out);
    copy_text(out->login, sizeof out->login, PQgetvalue(res, 0, 0));
    copy_text(out->nombre, sizeof out->nombre, PQgetvalue(res, 0, 1));
    copy_text(out->rol, sizeof out->rol, PQgetvalue(res, 0, 2));
    out->clientes = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
    for (int i = 0; i < RESUMEN_ESTADOS; i++)
        out->oportunidades[i] = strtoll(PQgetvalue(res, 0, 4 + i), NULL, 10);
    out->por_vencer = strtoll(PQgetvalue(res, 0, 4 + RESUMEN_ESTADOS), NULL, 10);
    out->ventas_mes = strtoll(PQgetvalue(res, 0, 5 + RESUMEN_ESTADOS), NULL, 10);
    copy_text(out->ventas_mes_monto, sizeof out->ventas_mes_monto,
              PQgetvalue(res, 0, 6 + RESUMEN_ESTADOS));
    copy_text(out->cal_fecha, sizeof out->cal_fecha, PQgetvalue(res, 0, 7 + RESUMEN_ESTADOS));
    copy_text(out->cal_nombre, sizeof out->cal_nombre, PQgetvalue(res, 0, 8 + RESUMEN_ESTADOS));
    copy_text(out->cal_abre, sizeof out->cal_abre, PQgetvalue(res, 0, 9 + RESUMEN_ESTADOS));
    copy_text(out->cal_cierra, sizeof out->cal_cierra, PQgetvalue(res, 0, 10 + RESUMEN_ESTADOS));
    out->campanas_solas = strtoll(PQgetvalue(res, 0, 11 + RESUMEN_ESTADOS), NULL, 10);
    copy_text(out->campana_sola, sizeof out->campana_sola,
              PQgetvalue(res, 0, 12 + RESUMEN_ESTADOS));
    copy_text(out->campana_sola_login, sizeof out->campana_sola_login,
              PQgetvalue(res, 0, 13 + RESUMEN_ESTADOS));
    out->bandeja_atrasadas = -1;
    if (sees_bandeja(out->rol))
        rc = load_atrasadas(db, &out->bandeja_atrasadas, e);
out:
    PQclear(res);
    return rc;
}
