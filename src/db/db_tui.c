#include "db/db_tui.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

/* ---- helpers ------------------------------------------------------------------------ */

/* Runs sql with n text parameters; *res is set (maybe to NULL) even on failure. */
static int
tui_query(struct db *db, const char *sql, int n, const char *const *params, int ncols,
          PGresult **res, struct err *e)
{
    int rc;

    *res = PQexecParams(db_pg(db), sql, n, NULL, params, NULL, NULL, 0);
    rc = db_check(db, *res, PGRES_TUPLES_OK, e);
    if (rc == RC_OK && PQnfields(*res) != ncols)
        rc = err_set(e, RC_DB, "forma inesperada del resultado: %d columnas en lugar de %d",
                     PQnfields(*res), ncols);
    return rc;
}

/* ---- etapas ------------------------------------------------------------------------- */

static const char sql_etapas[] = "SELECT id, orden, tipo, coalesce(timer_horas, 0), nombre,"
                                 " intentos_minimos FROM crm.etapas WHERE activa ORDER BY orden";

static enum tui_etapa_tipo
etapa_tipo_parse(const char *s)
{
    if (strcmp(s, "INICIAL") == 0)
        return TUI_ETAPA_INICIAL;
    if (strcmp(s, "SALIDA") == 0)
        return TUI_ETAPA_SALIDA;
    if (strcmp(s, "VENTA") == 0)
        return TUI_ETAPA_VENTA;
    return TUI_ETAPA_NORMAL;
}

int
db_tui_etapas(struct db *db, struct tui_etapa **out, size_t *n, struct err *e)
{
    PGresult *res;
    int rc;

    assert(db != NULL && out != NULL && n != NULL);
    *out = NULL;
    *n = 0;
    rc = tui_query(db, sql_etapas, 0, NULL, 6, &res, e);
    if (rc != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *out = xcalloc(*n > 0 ? *n : 1, sizeof **out);
    for (int i = 0; i < PQntuples(res); i++) {
        struct tui_etapa *t = &(*out)[i];

        t->id = db_col_int(res, i, 0);
        t->orden = db_col_int(res, i, 1);
        t->tipo = etapa_tipo_parse(PQgetvalue(res, i, 2));
        t->timer_horas = db_col_double(res, i, 3);
        db_col_copy(t->nombre, sizeof t->nombre, res, i, 4);
        t->intentos_minimos = db_col_int(res, i, 5);
    }
out:
    PQclear(res);
    return rc;
}

enum tui_estado
tui_estado_parse(const char *s)
{
    static const char *const names[] = { "ABIERTA", "EN_BANDEJA", "GANADA", "DEVUELTA",
                                         "DESCARTADA" };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0)
            return (enum tui_estado)i;
    return TUI_ABIERTA;
}

/* ---- embudo ------------------------------------------------------------------------- */

/*
 * The windows from now to the latest expiry are computed once (MATERIALIZED: otherwise the
 * planner inlines the CTE into the per-row subquery). Overdue rows (between expiry and the
 * sweep) are few; they get the exact negative count from crm.horas_habiles_entre.
 * $1 = usuario_id or NULL (everyone visible).
 */
static const char sql_tarjetas[] =
    "WITH o AS MATERIALIZED ("
    "  SELECT o.* FROM crm.oportunidades o"
    "   WHERE (o.estado IN ('ABIERTA', 'EN_BANDEJA')"
    "          OR (o.estado = 'GANADA' AND o.cerrada_at > now() - interval '7 days'))"
    "     AND ($1::int IS NULL OR o.usuario_id = $1::int)),"
    " v AS MATERIALIZED ("
    "  SELECT * FROM crm.ventanas_habiles(now(),"
    "   (SELECT max(timer_vence) FROM o WHERE estado = 'ABIERTA'), crm.zona()))"
    " SELECT o.id, o.etapa_id, o.usuario_id, o.estado,"
    "  o.timer_vence IS NOT NULL OR o.timer_pausa IS NOT NULL,"
    "  CASE WHEN o.timer_pausa IS NOT NULL THEN o.timer_pausa"
    "       WHEN o.timer_vence IS NULL THEN 0"
    "       WHEN o.timer_vence <= now()"
    "       THEN -crm.horas_habiles_entre(o.timer_vence, now(), crm.zona())"
    "       ELSE coalesce((SELECT sum(extract(epoch FROM least(v.cierra, o.timer_vence) - v.abre))"
    "                        FROM v WHERE v.abre < o.timer_vence), 0) / 3600 END,"
    "  coalesce(e.timer_horas, 0), (SELECT aviso_pct FROM crm.ajustes),"
    "  extract(epoch FROM o.etapa_desde)::bigint, extract(epoch FROM o.updated_at)::bigint,"
    "  coalesce(nullif(concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido), ''),"
    "           p.nombre),"
    "  coalesce(cv.clave, ''), coalesce(u.login, ''), o.lote_id, o.timer_pausa IS NOT NULL"
    " FROM o JOIN crm.etapas e ON e.id = o.etapa_id"
    " LEFT JOIN padron.clientes c ON c.id = o.cliente_id"
    " LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id"
    " LEFT JOIN padron.convenios cv ON cv.id = coalesce(c.convenio_id, p.convenio_id)"
    " LEFT JOIN crm.usuarios u ON u.id = o.usuario_id"
    " ORDER BY e.orden, o.timer_vence NULLS LAST, o.id";

enum { TARJETA_COLS = 15 };

static void
tarjeta_read(struct tui_tarjeta *t, const PGresult *res, int i, int c0)
{
    t->id = db_col_i64(res, i, c0 + 0);
    t->etapa_id = db_col_int(res, i, c0 + 1);
    t->usuario_id = db_col_int(res, i, c0 + 2);
    t->estado = tui_estado_parse(PQgetvalue(res, i, c0 + 3));
    t->con_timer = db_col_bool(res, i, c0 + 4);
    t->restante = db_col_double(res, i, c0 + 5);
    t->timer_horas = db_col_double(res, i, c0 + 6);
    t->aviso_pct = db_col_double(res, i, c0 + 7);
    t->etapa_desde = (time_t)db_col_i64(res, i, c0 + 8);
    t->actualizada = (time_t)db_col_i64(res, i, c0 + 9);
    db_col_copy(t->cliente, sizeof t->cliente, res, i, c0 + 10);
    db_col_copy(t->convenio, sizeof t->convenio, res, i, c0 + 11);
    db_col_copy(t->login, sizeof t->login, res, i, c0 + 12);
    t->lote_id = db_col_i64(res, i, c0 + 13);
    t->pausada = db_col_bool(res, i, c0 + 14);
}

int
db_tui_embudo(struct db *db, int usuario_id, struct tui_tarjeta **out, size_t *n, struct err *e)
{
    char ubuf[16];
    const char *params[1] = { NULL };
    PGresult *res;
    int rc;

    assert(db != NULL && out != NULL && n != NULL);
    *out = NULL;
    *n = 0;
    if (usuario_id > 0) {
        snprintf(ubuf, sizeof ubuf, "%d", usuario_id);
        params[0] = ubuf;
    }
    rc = tui_query(db, sql_tarjetas, 1, params, TARJETA_COLS, &res, e);
    if (rc != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *out = xcalloc(*n > 0 ? *n : 1, sizeof **out);
    for (int i = 0; i < PQntuples(res); i++)
        tarjeta_read(&(*out)[i], res, i, 0);
out:
    PQclear(res);
    return rc;
}

int
db_tui_baja_padron(struct db *db, int64_t **ids, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT oportunidad_id FROM api.baja_padron_oportunidades()";
    PGresult *res = NULL;
    int rc;

    assert(db != NULL && ids != NULL && n != NULL);
    *ids = NULL;
    *n = 0;
    rc = tui_query(db, sql, 0, NULL, 1, &res, e);
    if (rc == RC_OK && PQntuples(res) > 0) {
        *n = (size_t)PQntuples(res);
        *ids = xcalloc(*n, sizeof **ids);
        for (int i = 0; i < PQntuples(res); i++)
            (*ids)[i] = db_col_i64(res, i, 0);
    }
    PQclear(res);
    return rc;
}

/* ---- detalle ------------------------------------------------------------------------ */

/* The card columns of sql_tarjetas for one id, then the detail columns; two say since when
 * the client is out of the lender's padron (sql/087: crm.bloqueos is not the promoter's to
 * read, the api function answers for the opportunities the caller sees), the last four what
 * became of the sale (sql/092: cancelled when and why, corrected). */
static const char sql_detalle[] =
    "WITH o AS MATERIALIZED (SELECT o.* FROM crm.oportunidades o WHERE o.id = $1::bigint),"
    " v AS MATERIALIZED ("
    "  SELECT * FROM crm.ventanas_habiles(now(), (SELECT timer_vence FROM o), crm.zona()))"
    " SELECT o.id, o.etapa_id, o.usuario_id, o.estado,"
    "  o.timer_vence IS NOT NULL OR o.timer_pausa IS NOT NULL,"
    "  CASE WHEN o.timer_pausa IS NOT NULL THEN o.timer_pausa"
    "       WHEN o.timer_vence IS NULL THEN 0"
    "       WHEN o.timer_vence <= now()"
    "       THEN -crm.horas_habiles_entre(o.timer_vence, now(), crm.zona())"
    "       ELSE coalesce((SELECT sum(extract(epoch FROM v.cierra - v.abre)) FROM v), 0) / 3600"
    "  END,"
    "  coalesce(e.timer_horas, 0), (SELECT aviso_pct FROM crm.ajustes),"
    "  extract(epoch FROM o.etapa_desde)::bigint, extract(epoch FROM o.updated_at)::bigint,"
    "  coalesce(nullif(concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido), ''),"
    "           p.nombre),"
    "  coalesce(cv.clave, ''), coalesce(u.login, ''), o.lote_id, o.timer_pausa IS NOT NULL,"
    "  e.nombre, coalesce(u.nombre, ''), coalesce(cv.nombre, ''), coalesce(en.nombre, ''),"
    "  coalesce(c.municipio, ''), coalesce(c.edad, 0), coalesce(c.curp, p.curp, ''),"
    "  coalesce(c.rfc, ''), coalesce(o.motivo_salida, ''), coalesce(vt.folio, ''),"
    "  coalesce(vt.monto::text, ''), coalesce(vt.producto, ''), o.prospecto_id IS NOT NULL,"
    "  p.telefono, coalesce(floor(extract(epoch FROM bp.desde))::bigint, 0),"
    "  coalesce(to_char(bp.desde AT TIME ZONE crm.zona(), 'DD/MM/YYYY'), ''),"
    "  coalesce(vt.estado = 'CANCELADA', false),"
    "  coalesce(to_char(vt.cancelada_at AT TIME ZONE crm.zona(), 'DD/MM/YYYY'), ''),"
    "  coalesce(vt.motivo_cancelacion, ''), vt.corregida_at IS NOT NULL"
    " FROM o JOIN crm.etapas e ON e.id = o.etapa_id"
    " LEFT JOIN padron.clientes c ON c.id = o.cliente_id"
    " LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id"
    " LEFT JOIN padron.convenios cv ON cv.id = coalesce(c.convenio_id, p.convenio_id)"
    " LEFT JOIN padron.entidades en ON en.id = c.entidad_id"
    " LEFT JOIN crm.usuarios u ON u.id = o.usuario_id"
    " LEFT JOIN crm.ventas vt ON vt.oportunidad_id = o.id"
    " CROSS JOIN LATERAL (SELECT api.oportunidad_baja_padron(o.id) AS desde) bp";

enum { DETALLE_COLS = TARJETA_COLS + 20 };

static const char sql_contactos[] =
    "SELECT d.tipo, d.valor, d.vigente FROM crm.oportunidades o"
    " JOIN padron.datos_contacto d ON d.cliente_id = o.cliente_id"
    " WHERE o.id = $1::bigint ORDER BY d.vigente DESC, d.tipo, d.id";

static const char sql_eventos[] =
    "SELECT h.id, extract(epoch FROM h.ocurrido_at)::bigint,"
    " to_char(h.ocurrido_at AT TIME ZONE crm.zona(), 'DD/MM/YY HH24:MI'), h.evento,"
    " coalesce(h.etapa_anterior, ''), coalesce(h.etapa_nueva, ''),"
    " coalesce(api.usuario_login(h.usuario_id), ''),"
    " coalesce(h.motivo, ''), coalesce(h.datos ->> 'resultado', wm.estado,"
    " to_char((h.datos ->> 'reanudar')::date, 'DD/MM'),"
    " CASE WHEN h.evento = 'DATOS_CORREGIDOS' AND jsonb_typeof(h.datos -> 'campos') = 'array'"
    "      THEN array_to_string(ARRAY(SELECT x.c FROM jsonb_array_elements_text("
    "               h.datos -> 'campos') WITH ORDINALITY x(c, i) ORDER BY x.i), ',') END, ''),"
    " coalesce(vc.d #>> '{antes,monto}', ''), coalesce(vc.d #>> '{despues,monto}', ''),"
    " coalesce(vc.d #>> '{antes,producto}', ''), coalesce(vc.d #>> '{despues,producto}', ''),"
    " coalesce(vc.d #>> '{antes,folio}', ''), coalesce(vc.d #>> '{despues,folio}', ''),"
    " coalesce(CASE WHEN h.evento = 'VENTA_CANCELADA' THEN h.datos ->> 'cerrada' END, ''),"
    " coalesce(wm.id, 0), coalesce(wm.incierto, false), coalesce(wm.hasta, 0)"
    " FROM crm.historial h"
    " CROSS JOIN LATERAL (SELECT CASE WHEN h.evento = 'VENTA_CORREGIDA' THEN h.datos END AS d) vc"
    /* The answer's message as the caller sees it (row-level security). In doubt, the end of
     * its client's 24 hours on its account: crm.wa_ventana_de's, which the claim checks (the
     * account's entrantes are visible exactly when its messages are). */
    " LEFT JOIN LATERAL (SELECT m.id, m.estado, m.incierto,"
    "      CASE WHEN m.incierto THEN (SELECT extract(epoch FROM max(r.recibido_at)"
    "                                        + interval '24 hours')::bigint"
    "           FROM crm.wa_entrantes r"
    "           WHERE r.oportunidad_id = m.oportunidad_id AND r.usuario_id = m.usuario_id) END"
    "      AS hasta"
    "      FROM crm.wa_mensajes m"
    "      WHERE h.evento = 'WA_MENSAJE' AND m.id = (h.datos ->> 'mensaje_id')::bigint) wm"
    "   ON true"
    " WHERE h.oportunidad_id = $1::bigint ORDER BY h.id";

static void
detalle_read(struct tui_detalle *d, const PGresult *res)
{
    int c = TARJETA_COLS;

    tarjeta_read(&d->t, res, 0, 0);
    db_col_copy(d->etapa, sizeof d->etapa, res, 0, c + 0);
    db_col_copy(d->usuario_nombre, sizeof d->usuario_nombre, res, 0, c + 1);
    db_col_copy(d->convenio_nombre, sizeof d->convenio_nombre, res, 0, c + 2);
    db_col_copy(d->entidad, sizeof d->entidad, res, 0, c + 3);
    db_col_copy(d->municipio, sizeof d->municipio, res, 0, c + 4);
    d->edad = db_col_int(res, 0, c + 5);
    db_col_copy(d->curp, sizeof d->curp, res, 0, c + 6);
    db_col_copy(d->rfc, sizeof d->rfc, res, 0, c + 7);
    db_col_copy(d->motivo_salida, sizeof d->motivo_salida, res, 0, c + 8);
    db_col_copy(d->venta_folio, sizeof d->venta_folio, res, 0, c + 9);
    db_col_copy(d->venta_monto, sizeof d->venta_monto, res, 0, c + 10);
    db_col_copy(d->venta_producto, sizeof d->venta_producto, res, 0, c + 11);
    d->prospecto = db_col_bool(res, 0, c + 12);
    if (d->prospecto && !PQgetisnull(res, 0, c + 13)) {
        d->ncontactos = 1;
        d->contactos = xcalloc(1, sizeof *d->contactos);
        snprintf(d->contactos[0].tipo, sizeof d->contactos[0].tipo, "%s", "CELULAR");
        db_col_copy(d->contactos[0].valor, sizeof d->contactos[0].valor, res, 0, c + 13);
        d->contactos[0].vigente = true;
    }
    d->baja_padron = (time_t)db_col_i64(res, 0, c + 14);
    db_col_copy(d->baja_padron_fecha, sizeof d->baja_padron_fecha, res, 0, c + 15);
    d->venta_cancelada = db_col_bool(res, 0, c + 16);
    db_col_copy(d->venta_cancelada_fecha, sizeof d->venta_cancelada_fecha, res, 0, c + 17);
    db_col_copy(d->venta_motivo_cancelacion, sizeof d->venta_motivo_cancelacion, res, 0, c + 18);
    d->venta_corregida = db_col_bool(res, 0, c + 19);
}

static int
contactos_load(struct db *db, const char *const *params, struct tui_detalle *d, struct err *e)
{
    PGresult *res;
    int rc = tui_query(db, sql_contactos, 1, params, 3, &res, e);
    int n;

    if (rc != RC_OK || (n = PQntuples(res)) == 0)
        goto out;
    d->contactos = xcalloc((size_t)n, sizeof *d->contactos);
    d->ncontactos = (size_t)n;
    for (int i = 0; i < n; i++) {
        db_col_copy(d->contactos[i].tipo, sizeof d->contactos[i].tipo, res, i, 0);
        db_col_copy(d->contactos[i].valor, sizeof d->contactos[i].valor, res, i, 1);
        d->contactos[i].vigente = db_col_bool(res, i, 2);
    }
out:
    PQclear(res);
    return rc;
}

static int
eventos_load(struct db *db, const char *const *params, struct tui_detalle *d, struct err *e)
{
    PGresult *res;
    int rc = tui_query(db, sql_eventos, 1, params, 19, &res, e);
    int n;

    if (rc != RC_OK || (n = PQntuples(res)) == 0)
        goto out;
    d->eventos = xcalloc((size_t)n, sizeof *d->eventos);
    d->neventos = (size_t)n;
    for (int i = 0; i < n; i++) {
        struct tui_evento *v = &d->eventos[i];

        v->id = db_col_i64(res, i, 0);
        v->at = (time_t)db_col_i64(res, i, 1);
        db_col_copy(v->cuando, sizeof v->cuando, res, i, 2);
        db_col_copy(v->evento, sizeof v->evento, res, i, 3);
        db_col_copy(v->etapa_anterior, sizeof v->etapa_anterior, res, i, 4);
        db_col_copy(v->etapa_nueva, sizeof v->etapa_nueva, res, i, 5);
        db_col_copy(v->login, sizeof v->login, res, i, 6);
        db_col_copy(v->motivo, sizeof v->motivo, res, i, 7);
        db_col_copy(v->resultado, sizeof v->resultado, res, i, 8);
        for (int k = 0; k < 2; k++) {
            db_col_copy(v->venta_monto[k], sizeof v->venta_monto[k], res, i, 9 + k);
            db_col_copy(v->venta_producto[k], sizeof v->venta_producto[k], res, i, 11 + k);
            db_col_copy(v->venta_folio[k], sizeof v->venta_folio[k], res, i, 13 + k);
        }
        db_col_copy(v->cerrada, sizeof v->cerrada, res, i, 15);
        v->mensaje_id = db_col_i64(res, i, 16);
        v->incierto = db_col_bool(res, i, 17);
        v->ventana_hasta = db_col_i64(res, i, 18);
    }
out:
    PQclear(res);
    return rc;
}

int
db_tui_detalle(struct db *db, int64_t id, struct tui_detalle *out, struct err *e)
{
    char idbuf[24];
    const char *params[1] = { idbuf };
    PGresult *res;
    int rc;

    assert(db != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    snprintf(idbuf, sizeof idbuf, "%" PRId64, id);
    rc = tui_query(db, sql_detalle, 1, params, DETALLE_COLS, &res, e);
    if (rc == RC_OK && PQntuples(res) == 0)
        rc = err_set(e, RC_NOTFOUND, "la oportunidad %" PRId64 " no existe o no es visible", id);
    if (rc != RC_OK)
        goto out;
    detalle_read(out, res);
    if (!out->prospecto)
        rc = contactos_load(db, params, out, e);
    if (rc == RC_OK)
        rc = eventos_load(db, params, out, e);
out:
    PQclear(res);
    if (rc != RC_OK)
        db_tui_detalle_fini(out);
    return rc;
}

void
db_tui_detalle_fini(struct tui_detalle *d)
{
    if (d == NULL)
        return;
    free(d->contactos);
    free(d->eventos);
    d->contactos = NULL;
    d->eventos = NULL;
    d->ncontactos = d->neventos = 0;
}

/* ---- asignación ----------------------------------------------------------------------- */

static const char sql_yo[] =
    "SELECT u.rol, u.estado, greatest(u.cupo_diario, coalesce(cd.usados, 0)),"
    " coalesce(cd.usados, 0),"
    " (SELECT count(*) FROM crm.oportunidades o WHERE o.usuario_id = u.id"
    "   AND o.estado IN ('ABIERTA', 'EN_BANDEJA')), u.cartera_max"
    " FROM crm.usuarios u LEFT JOIN crm.cupo_diario cd"
    "   ON cd.usuario_id = u.id AND cd.fecha = crm.fecha_negocio(now())"
    " WHERE u.id = crm.yo()";

static const char sql_convenios[] =
    "SELECT clave, nombre FROM padron.convenios WHERE activo ORDER BY clave";
static const char sql_entidades[] = "SELECT clave, nombre FROM padron.entidades ORDER BY id";

static int
opciones_load(struct db *db, const char *sql, struct tui_opcion **out, size_t *n, struct err *e)
{
    PGresult *res;
    int rc = tui_query(db, sql, 0, NULL, 2, &res, e);

    if (rc != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *out = xcalloc(*n > 0 ? *n : 1, sizeof **out);
    for (int i = 0; i < PQntuples(res); i++) {
        db_col_copy((*out)[i].clave, sizeof(*out)[i].clave, res, i, 0);
        db_col_copy((*out)[i].nombre, sizeof(*out)[i].nombre, res, i, 1);
    }
out:
    PQclear(res);
    return rc;
}

int
db_tui_asignacion_ctx(struct db *db, struct tui_asignacion_ctx *out, struct err *e)
{
    PGresult *res;
    int rc;

    assert(db != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    rc = tui_query(db, sql_yo, 0, NULL, 6, &res, e);
    if (rc == RC_OK && PQntuples(res) != 1)
        rc = err_set(e, RC_NOTFOUND, "no está registrado como usuario activo de embudo");
    if (rc != RC_OK)
        goto out;
    db_col_copy(out->rol, sizeof out->rol, res, 0, 0);
    db_col_copy(out->estado, sizeof out->estado, res, 0, 1);
    out->cupo_limite = db_col_int(res, 0, 2);
    out->cupo_usados = db_col_int(res, 0, 3);
    out->cartera = db_col_int(res, 0, 4);
    out->cartera_max = db_col_int(res, 0, 5);
    rc = opciones_load(db, sql_convenios, &out->convenios, &out->nconvenios, e);
    if (rc == RC_OK)
        rc = opciones_load(db, sql_entidades, &out->entidades, &out->nentidades, e);
out:
    PQclear(res);
    if (rc != RC_OK)
        db_tui_asignacion_ctx_fini(out);
    return rc;
}

void
db_tui_asignacion_ctx_fini(struct tui_asignacion_ctx *c)
{
    if (c == NULL)
        return;
    free(c->convenios);
    free(c->entidades);
    c->convenios = c->entidades = NULL;
    c->nconvenios = c->nentidades = 0;
}

/* ---- equipo ------------------------------------------------------------------------- */

static const char sql_promotores[] =
    "SELECT u.id, u.login, u.nombre, u.estado, greatest(u.cupo_diario, coalesce(cd.usados, 0)),"
    " coalesce(cd.usados, 0),"
    " (SELECT count(*) FROM crm.oportunidades o WHERE o.usuario_id = u.id"
    "   AND o.estado IN ('ABIERTA', 'EN_BANDEJA')), u.cartera_max,"
    " (SELECT count(*) FROM crm.oportunidades o WHERE o.usuario_id = u.id"
    "   AND o.estado = 'ABIERTA' AND o.timer_vence <= now()),"
    " (SELECT count(*) FROM crm.oportunidades o WHERE o.usuario_id = u.id"
    "   AND o.estado = 'ABIERTA' AND o.timer_aviso <= now()),"
    " (SELECT count(*) FROM crm.ventas v WHERE v.usuario_id = u.id AND v.estado = 'VIGENTE'"
    "   AND v.registrada_at >= (date_trunc('week', now() AT TIME ZONE crm.zona())"
    "                           AT TIME ZONE crm.zona()))"
    " FROM crm.usuarios u LEFT JOIN crm.cupo_diario cd"
    "   ON cd.usuario_id = u.id AND cd.fecha = crm.fecha_negocio(now())"
    " WHERE u.rol = 'PROMOTOR' AND u.estado <> 'BAJA' ORDER BY u.login";

/* Business hours each active opportunity has spent in its stage, from windows made once. */
static const char sql_celdas[] =
    "WITH o AS MATERIALIZED ("
    "  SELECT o.usuario_id, o.etapa_id, o.etapa_desde FROM crm.oportunidades o"
    "   JOIN crm.usuarios u ON u.id = o.usuario_id AND u.rol = 'PROMOTOR'"
    "  WHERE o.estado IN ('ABIERTA', 'EN_BANDEJA')),"
    " v AS MATERIALIZED ("
    "  SELECT * FROM crm.ventanas_habiles((SELECT min(etapa_desde) FROM o), now(), crm.zona()))"
    " SELECT o.usuario_id, o.etapa_id, count(*),"
    "  max(coalesce((SELECT sum(extract(epoch FROM v.cierra - greatest(v.abre, o.etapa_desde)))"
    "                  FROM v WHERE v.cierra > o.etapa_desde), 0) / 3600)"
    " FROM o GROUP BY 1, 2 ORDER BY 1, 2";

static void
promotor_read(struct tui_promotor *p, const PGresult *res, int i)
{
    p->id = db_col_int(res, i, 0);
    db_col_copy(p->login, sizeof p->login, res, i, 1);
    db_col_copy(p->nombre, sizeof p->nombre, res, i, 2);
    db_col_copy(p->estado, sizeof p->estado, res, i, 3);
    p->cupo_limite = db_col_int(res, i, 4);
    p->cupo_usados = db_col_int(res, i, 5);
    p->cartera = db_col_int(res, i, 6);
    p->cartera_max = db_col_int(res, i, 7);
    p->vencidas = db_col_int(res, i, 8);
    p->avisadas = db_col_int(res, i, 9);
    p->ventas_semana = db_col_int(res, i, 10);
}

static int
celdas_load(struct db *db, struct tui_equipo *q, struct err *e)
{
    PGresult *res;
    int rc = tui_query(db, sql_celdas, 0, NULL, 4, &res, e);

    if (rc != RC_OK)
        goto out;
    q->nceldas = (size_t)PQntuples(res);
    q->celdas = xcalloc(q->nceldas > 0 ? q->nceldas : 1, sizeof *q->celdas);
    for (int i = 0; i < PQntuples(res); i++) {
        q->celdas[i].usuario_id = db_col_int(res, i, 0);
        q->celdas[i].etapa_id = db_col_int(res, i, 1);
        q->celdas[i].n = db_col_int(res, i, 2);
        q->celdas[i].max_horas = db_col_double(res, i, 3);
    }
out:
    PQclear(res);
    return rc;
}

int
db_tui_promotores(struct db *db, struct tui_promotor **out, size_t *n, struct err *e)
{
    PGresult *res;
    int rc;

    assert(db != NULL && out != NULL && n != NULL);
    *out = NULL;
    *n = 0;
    rc = tui_query(db, sql_promotores, 0, NULL, 11, &res, e);
    if (rc != RC_OK)
        goto out;
    *n = (size_t)PQntuples(res);
    *out = xcalloc(*n > 0 ? *n : 1, sizeof **out);
    for (int i = 0; i < PQntuples(res); i++)
        promotor_read(&(*out)[i], res, i);
out:
    PQclear(res);
    return rc;
}

/* Today's contact attempts per promoter, as `embudo reparto` counts them (by who recorded
   them, opportunities since reassigned included). Only the equipo pane shows them, so the
   pickers that read the promoters do not pay for api.reparto(). */
static int
intentos_load(struct db *db, struct tui_equipo *q, struct err *e)
{
    PGresult *res;
    int rc = tui_query(db, "SELECT login, intentos FROM api.reparto()", 0, NULL, 2, &res, e);

    for (int i = 0; rc == RC_OK && i < PQntuples(res); i++)
        for (size_t k = 0; k < q->npromotores; k++)
            if (strcmp(q->promotores[k].login, PQgetvalue(res, i, 0)) == 0)
                q->promotores[k].intentos_hoy = db_col_int(res, i, 1);
    PQclear(res);
    return rc;
}

int
db_tui_equipo(struct db *db, struct tui_equipo *out, struct err *e)
{
    int rc;

    assert(db != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    rc = db_tui_promotores(db, &out->promotores, &out->npromotores, e);
    if (rc == RC_OK)
        rc = intentos_load(db, out, e);
    if (rc == RC_OK)
        rc = celdas_load(db, out, e);
    if (rc != RC_OK)
        db_tui_equipo_fini(out);
    return rc;
}

void
db_tui_equipo_fini(struct tui_equipo *q)
{
    if (q == NULL)
        return;
    free(q->promotores);
    free(q->celdas);
    q->promotores = NULL;
    q->celdas = NULL;
    q->npromotores = q->nceldas = 0;
}
