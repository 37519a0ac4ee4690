#include "db/db_wa_tui.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "db/db_wa.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* NULL for NULL or blank text (an empty filter means "any"). */
static const char *
blank_null(const char *s)
{
    return s == NULL || s[0] == '\0' ? NULL : s;
}

int
db_wa_tui_audiencia(struct db *db, const char *convenio, const char *entidad, int maximo,
                    struct db_wa_audiencia **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT etapa, abiertas, enviables"
                              " FROM api.campana_audiencia($1, $2, $3::int)";
    char max[16];
    const char *params[3] = { blank_null(convenio), blank_null(entidad), NULL };
    PGresult *res;
    int rc;

    *rows = NULL;
    *n = 0;
    if (maximo > 0) {
        snprintf(max, sizeof max, "%d", maximo);
        params[2] = max;
    }
    if ((rc = db_query_rows(db, sql, 3, params, &res, e)) == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            db_col_copy((*rows)[i].etapa, sizeof (*rows)[i].etapa, res, i, 0);
            (*rows)[i].abiertas = db_col_int(res, i, 1);
            (*rows)[i].enviables = db_col_int(res, i, 2);
        }
    }
    PQclear(res);
    return rc;
}

int
db_wa_tui_plantillas(struct db *db, const char *etapa, struct db_wa_plantilla **rows, size_t *n,
                     struct err *e)
{
    static const char sql[] =
        "SELECT p.id, p.nombre, p.usuario_id IS NULL, p.texto, p.meta_nombre, p.meta_idioma"
        " FROM crm.plantillas p"
        " JOIN crm.etapas e ON e.id = p.etapa_id"
        " WHERE lower(e.nombre) = lower(btrim($1))"
        "   AND (p.usuario_id IS NULL OR p.usuario_id = crm.yo())"
        " ORDER BY p.usuario_id IS NULL, p.nombre";
    const char *params[1] = { etapa };
    PGresult *res;
    int rc;

    *rows = NULL;
    *n = 0;
    if ((rc = db_query_rows(db, sql, 1, params, &res, e)) == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            (*rows)[i].id = db_col_i64(res, i, 0);
            db_col_copy((*rows)[i].nombre, sizeof (*rows)[i].nombre, res, i, 1);
            (*rows)[i].compartida = PQgetvalue(res, i, 2)[0] == 't';
            (*rows)[i].texto = db_col_dup(res, i, 3);
            db_col_copy((*rows)[i].meta_nombre, sizeof(*rows)[i].meta_nombre, res, i, 4);
            db_col_copy((*rows)[i].meta_idioma, sizeof(*rows)[i].meta_idioma, res, i, 5);
        }
    }
    PQclear(res);
    return rc;
}

void
db_wa_tui_plantillas_free(struct db_wa_plantilla *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++)
        free(rows[i].texto);
    free(rows);
}

int
db_wa_tui_muestra(struct db *db, const char *etapa, const char *convenio, const char *entidad,
                  int max, struct db_wa_muestra **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT * FROM api.campana_muestra($1, $2, $3, $4::int)";
    char num[16];
    const char *params[4] = { etapa, blank_null(convenio), blank_null(entidad), num };
    PGresult *res;
    int rc;

    *rows = NULL;
    *n = 0;
    snprintf(num, sizeof num, "%d", max);
    if ((rc = db_query_rows(db, sql, 4, params, &res, e)) == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++)
            for (int k = 0; k < 8 && k < PQnfields(res); k++)
                (*rows)[i].v[k] = db_col_dup(res, i, k);
    }
    PQclear(res);
    return rc;
}

void
db_wa_tui_muestra_free(struct db_wa_muestra *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++)
        for (int k = 0; k < 8; k++)
            free(rows[i].v[k]);
    free(rows);
}

int
db_wa_tui_variaciones(struct db *db, const char *plantilla, const char *modelo,
                      struct db_wa_variacion **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT orden, aceptada, texto, motivo"
                              " FROM api.variaciones($1, $2)";
    const char *params[2] = { plantilla, modelo };
    PGresult *res;
    int rc;

    *rows = NULL;
    *n = 0;
    if ((rc = db_query_rows(db, sql, 2, params, &res, e)) == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            (*rows)[i].orden = db_col_int(res, i, 0);
            (*rows)[i].aceptada = PQgetvalue(res, i, 1)[0] == 't';
            (*rows)[i].texto = db_col_dup(res, i, 2);
            (*rows)[i].motivo = db_col_dup(res, i, 3);
        }
    }
    PQclear(res);
    return rc;
}

void
db_wa_tui_variaciones_free(struct db_wa_variacion *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].texto);
        free(rows[i].motivo);
    }
    free(rows);
}

int
db_wa_tui_variaciones_guardar(struct db *db, const char *plantilla, const char *modelo,
                              const char *const *textos, const bool *aceptadas,
                              const char *const *motivos, size_t n, int *guardadas,
                              struct err *e)
{
    static const char sql[] = "SELECT api.variaciones_guardar($1, $2, $3::text[],"
                              " $4::boolean[], $5::text[])";
    struct strbuf t, a, m;
    const char *params[5];
    PGresult *res;
    int rc;

    strbuf_init(&t);
    strbuf_init(&a);
    strbuf_init(&m);
    for (size_t i = 0; i < n; i++) {
        strbuf_addstr(&t, i == 0 ? "{" : ",");
        db_array_elem(&t, textos[i]);
        strbuf_addstr(&a, i == 0 ? "{" : ",");
        strbuf_addstr(&a, aceptadas[i] ? "t" : "f");
        strbuf_addstr(&m, i == 0 ? "{" : ",");
        db_array_elem(&m, motivos[i] != NULL ? motivos[i] : "");
    }
    strbuf_addstr(&t, n == 0 ? "{}" : "}");
    strbuf_addstr(&a, n == 0 ? "{}" : "}");
    strbuf_addstr(&m, n == 0 ? "{}" : "}");
    params[0] = plantilla;
    params[1] = modelo;
    params[2] = t.buf;
    params[3] = a.buf;
    params[4] = m.buf;
    if ((rc = db_query_rows(db, sql, 5, params, &res, e)) == RC_OK)
        *guardadas = PQntuples(res) == 1 ? db_col_int(res, 0, 0) : 0;
    PQclear(res);
    strbuf_fini(&t);
    strbuf_fini(&a);
    strbuf_fini(&m);
    return rc;
}

int
db_wa_tui_campanas(struct db *db, struct db_wa_campana_fila **rows, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT c.id, c.nombre, c.estado, u.login,"
                              " c.pausa_motivo IS NOT NULL FROM crm.wa_campanas c"
                              " JOIN crm.usuarios u ON u.id = c.usuario_id"
                              " ORDER BY c.id DESC LIMIT 50";
    PGresult *res;
    int rc;

    *rows = NULL;
    *n = 0;
    if ((rc = db_query_rows(db, sql, 0, NULL, &res, e)) == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            (*rows)[i].id = db_col_i64(res, i, 0);
            db_col_copy((*rows)[i].nombre, sizeof (*rows)[i].nombre, res, i, 1);
            db_col_copy((*rows)[i].estado, sizeof (*rows)[i].estado, res, i, 2);
            db_col_copy((*rows)[i].login, sizeof (*rows)[i].login, res, i, 3);
            (*rows)[i].pausada_sola = db_col_bool(res, i, 4);
        }
    }
    PQclear(res);
    return rc;
}

int
db_wa_tui_inciertos(struct db *db, int64_t id, struct db_wa_incierto **rows, size_t *n,
                    struct err *e)
{
    static const char sql[] =
        "SELECT m.id,"
        " coalesce(nullif(concat_ws(' ', cl.nombre, cl.primer_apellido), ''), pr.nombre, ''),"
        " coalesce(m.telefono, ''), extract(epoch FROM coalesce(m.reclamado_at,"
        " m.actualizado_at))::bigint"
        " FROM crm.wa_mensajes m JOIN crm.oportunidades o ON o.id = m.oportunidad_id"
        " LEFT JOIN padron.clientes cl ON cl.id = o.cliente_id"
        " LEFT JOIN crm.prospectos pr ON pr.id = o.prospecto_id"
        " WHERE m.campana_id = $1::bigint AND m.incierto AND m.estado = 'ENVIANDO'"
        " ORDER BY m.id";
    char num[24];
    const char *params[1] = { num };
    PGresult *res;
    int rc;

    *rows = NULL;
    *n = 0;
    snprintf(num, sizeof num, "%" PRId64, id);
    if ((rc = db_query_rows(db, sql, 1, params, &res, e)) == RC_OK) {
        *n = (size_t)PQntuples(res);
        *rows = xcalloc(*n + 1, sizeof **rows);
        for (int i = 0; i < PQntuples(res); i++) {
            (*rows)[i].id = db_col_i64(res, i, 0);
            db_col_copy((*rows)[i].cliente, sizeof (*rows)[i].cliente, res, i, 1);
            db_col_copy((*rows)[i].telefono, sizeof (*rows)[i].telefono, res, i, 2);
            (*rows)[i].desde = (time_t)db_col_i64(res, i, 3);
        }
    }
    PQclear(res);
    return rc;
}

int
db_wa_tui_reintentar(struct db *db, int64_t id, struct db_campana_creada *out, struct err *e)
{
    static const char sql[] = "SELECT campana_id, destinatarios, omitidos, hoy, tope_hoy, mensaje"
                              " FROM api.campana_reintentar($1::bigint)";
    char num[24];
    const char *params[1] = { num };
    PGresult *res;
    int rc;

    memset(out, 0, sizeof *out);
    snprintf(num, sizeof num, "%" PRId64, id);
    if ((rc = db_query_rows(db, sql, 1, params, &res, e)) == RC_OK && PQntuples(res) != 1)
        rc = err_set(e, RC_DB, "respuesta inesperada de la base de datos: %d filas",
                     PQntuples(res));
    if (rc == RC_OK) {
        out->id = db_col_i64(res, 0, 0);
        out->destinatarios = db_col_int(res, 0, 1);
        out->omitidos = db_col_int(res, 0, 2);
        out->hoy = db_col_int(res, 0, 3);
        out->tope_hoy = db_col_int(res, 0, 4);
        out->mensaje = db_col_dup(res, 0, 5);
    }
    PQclear(res);
    if (rc == RC_OK)
        rc = db_campana_plan(db, out->id, &out->plan, &out->nplan, e);
    if (rc == RC_OK)
        rc = db_campana_omitidos(db, out->id, &out->omitidos_v, &out->nomitidos, e);
    if (rc != RC_OK)
        db_campana_creada_fini(out);
    return rc;
}
