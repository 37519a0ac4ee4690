/*
 * cmd_oportunidades — `embudo oportunidades [--etapa E] [--promotor LOGIN] [--lote N]`: the
 * active
 * opportunities the caller may see (a promoter its own, a supervisor its team's, an admin
 * all; row-level security decides) and the sales of the last 7 days, with the ids that
 * `mover`, `venta`, `reasignar` and `bandeja` take. The rows are the TUI embudo's
 * (db_tui_embudo), so the two never disagree; the time left is in business hours. `embudo
 * oportunidad N` shows one of them (any state) as the TUI's Detalle reads it (db_tui_detalle):
 * its data, its contacts and, when the lender no longer lists the client (sql/087), the
 * aviso with the date. Main thread.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "core/baja_padron.h"
#include "core/dinero.h"
#include "db/db.h"
#include "db/db_tui.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

static const char *const estado_txt[] = { "ABIERTA", "EN_BANDEJA", "GANADA", "DEVUELTA",
                                          "DESCARTADA" };

static const char *
etapa_nombre(const struct tui_etapa *et, size_t n, int id)
{
    for (size_t i = 0; i < n; i++)
        if (et[i].id == id)
            return et[i].nombre;
    return "—";
}

/* "en 3 h 20 m hábiles", "vencida hace 1 h 5 m hábiles", "en pausa: 12 h 30 m hábiles" (its
 * owner is away, sql/094), "sin tiempo" into buf. */
static const char *
vence_txt(const struct tui_tarjeta *t, char *buf, size_t size)
{
    long m;

    if (!t->con_timer || t->estado != TUI_ABIERTA) {
        snprintf(buf, size, "sin tiempo");
        return buf;
    }
    m = lround(fabs(t->restante) * 60.0);
    snprintf(buf, size, "%s%ld h %02ld m hábiles",
             t->pausada        ? "en pausa: "
             : t->restante < 0 ? "vencida hace "
                               : "en ",
             m / 60, m % 60);
    return buf;
}

static void
print_text(const struct tui_tarjeta *rows, size_t n, const struct tui_etapa *et, size_t net)
{
    struct strbuf sb;
    char vence[64];

    if (n == 0) {
        printf("no hay oportunidades con esos filtros\n");
        return;
    }
    strbuf_init(&sb);
    crm_cmd_col(&sb, "ID", 9);
    crm_cmd_col(&sb, "CLIENTE", 32);
    crm_cmd_col(&sb, "CONVENIO", 11);
    crm_cmd_col(&sb, "ETAPA", 18);
    crm_cmd_col(&sb, "ESTADO", 12);
    crm_cmd_col(&sb, "VENCE", 30);
    strbuf_addstr(&sb, "PROMOTOR\n");
    for (size_t i = 0; i < n; i++) {
        char id[24];

        snprintf(id, sizeof id, "%lld", (long long)rows[i].id);
        crm_cmd_col(&sb, id, 9);
        crm_cmd_col(&sb, rows[i].cliente, 32);
        crm_cmd_col(&sb, rows[i].convenio[0] != '\0' ? rows[i].convenio : "—", 11);
        crm_cmd_col(&sb, etapa_nombre(et, net, rows[i].etapa_id), 18);
        crm_cmd_col(&sb, estado_txt[rows[i].estado], 12);
        crm_cmd_col(&sb, vence_txt(&rows[i], vence, sizeof vence), 30);
        strbuf_addf(&sb, "%s\n", rows[i].login);
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

/* "horas_habiles_restantes": the business hours left on an open opportunity's timer (negative:
 * overdue; while paused, the hours it keeps), null without one; "timer_en_pausa". */
static void
json_horas_restantes(struct json *j, const struct tui_tarjeta *t)
{
    char num[32];

    json_key(j, "horas_habiles_restantes");
    if (t->con_timer && t->estado == TUI_ABIERTA) {
        snprintf(num, sizeof num, "%.2f", t->restante);
        json_num(j, num);
    } else {
        json_null(j);
    }
    json_key(j, "timer_en_pausa");
    json_bool(j, t->pausada);
}

static void
print_json(const struct tui_tarjeta *rows, size_t n, const struct tui_etapa *et, size_t net)
{
    struct strbuf sb;
    struct json j;
    char t1[32];

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        const struct tui_tarjeta *t = &rows[i];

        json_obj(&j);
        json_key(&j, "oportunidad");
        json_int(&j, t->id);
        json_key(&j, "cliente");
        json_str(&j, t->cliente);
        json_key(&j, "convenio");
        json_str(&j, t->convenio[0] != '\0' ? t->convenio : NULL);
        json_key(&j, "etapa");
        json_str(&j, etapa_nombre(et, net, t->etapa_id));
        json_key(&j, "estado");
        json_str(&j, estado_txt[t->estado]);
        json_horas_restantes(&j, t);
        json_key(&j, "etapa_desde");
        json_str(&j, crm_cmd_time_iso(t->etapa_desde, t1, sizeof t1));
        json_key(&j, "promotor");
        json_str(&j, t->login);
        json_key(&j, "lote");
        json_int(&j, t->lote_id);
        json_end(&j);
    }
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_oportunidades_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("oportunidades");
    const char *etapa = NULL, *promotor = NULL, *lote_s = NULL;
    const struct cmd_opt opts[] = { { "etapa", true, &etapa, NULL },
                                    { "promotor", true, &promotor, NULL },
                                    { "lote", true, &lote_s, NULL },
                                    { NULL, false, NULL, NULL } };
    long lote = 0;
    struct tui_tarjeta *rows = NULL;
    struct tui_etapa *et = NULL;
    struct err e = { 0 };
    size_t n = 0, net = 0, keep = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (etapa != NULL && crm_cmd_texto(entry, "etapa", etapa, 60) != 0)
        return 2;
    if (promotor != NULL && crm_cmd_texto(entry, "promotor", promotor, 31) != 0)
        return 2;
    if (lote_s != NULL && !cmd_parse_long(lote_s, 1, 999999999999L, &lote))
        return cmd_usage(entry, "«--lote» debe ser un número de lote (se dio «%s»)", lote_s);
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_tui_etapas(db, &et, &net, &e) != RC_OK || db_tui_embudo(db, 0, &rows, &n, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
        goto out;
    }
    if (etapa != NULL) {
        bool existe = false;

        for (size_t i = 0; i < net; i++)
            existe = existe || strcasecmp(et[i].nombre, etapa) == 0;
        if (!existe) {
            err_set(&e, RC_NOTFOUND, "no hay una etapa activa llamada «%s»", etapa);
            status = crm_cmd_fail(ctx, &e);
            goto out;
        }
    }
    for (size_t i = 0; i < n; i++)
        if ((promotor == NULL || strcmp(rows[i].login, promotor) == 0) &&
            (lote == 0 || rows[i].lote_id == lote) &&
            (etapa == NULL || strcasecmp(etapa_nombre(et, net, rows[i].etapa_id), etapa) == 0))
            rows[keep++] = rows[i];
    if (ctx->json)
        print_json(rows, keep, et, net);
    else
        print_text(rows, keep, et, net);
out:
    free(rows);
    free(et);
    db_close(db);
    return status;
}

/* ---- oportunidad N -------------------------------------------------------------------- */

/* "label      value" (value "—" when empty) into sb. */
static void
detalle_par(struct strbuf *sb, const char *label, const char *value)
{
    crm_cmd_col(sb, label, 10);
    strbuf_addf(sb, "%s\n", value[0] != '\0' ? value : "—");
}

static const char *
contacto_label(const char *tipo)
{
    return strcmp(tipo, "CELULAR") == 0 ? "Celular" : strcmp(tipo, "FIJO") == 0 ? "Fijo" : "Correo";
}

/* The day of t as "12/11/2026" in the local zone (the configuration's, unless TZ is set). */
static const char *
fecha_txt(time_t t, char *buf, size_t size)
{
    struct tm tm;

    if (localtime_r(&t, &tm) == NULL || strftime(buf, size, "%d/%m/%Y", &tm) == 0)
        snprintf(buf, size, "—");
    return buf;
}

static void
detalle_print_text(const struct tui_detalle *d)
{
    struct strbuf sb;
    char buf[1024], vence[64], dia[32];

    strbuf_init(&sb);
    strbuf_addf(&sb, "Oportunidad %lld · %s\n", (long long)d->t.id, d->t.cliente);
    if (d->baja_padron != 0) /* first, as in Detalle: what changes how she works it */
        strbuf_addf(
            &sb, "%s\n",
            baja_padron_fmt(buf, sizeof buf, fecha_txt(d->baja_padron, dia, sizeof dia), false));
    snprintf(buf, sizeof buf, "%s · %s", d->etapa, estado_txt[d->t.estado]);
    detalle_par(&sb, "Etapa", buf);
    if (d->t.estado == TUI_ABIERTA)
        detalle_par(&sb, "Vence", vence_txt(&d->t, vence, sizeof vence));
    snprintf(buf, sizeof buf, "%s%s%s", d->t.convenio, d->convenio_nombre[0] != '\0' ? " — " : "",
             d->convenio_nombre);
    detalle_par(&sb, "Convenio", buf);
    if (!d->prospecto) {
        snprintf(buf, sizeof buf, "%s%s%s", d->entidad, d->municipio[0] != '\0' ? " · " : "",
                 d->municipio);
        detalle_par(&sb, "Entidad", buf);
        snprintf(buf, sizeof buf, "%d años", d->edad);
        detalle_par(&sb, "Edad", d->edad > 0 ? buf : "");
        detalle_par(&sb, "RFC", d->rfc);
    }
    detalle_par(&sb, "CURP", d->curp);
    snprintf(buf, sizeof buf, "%s%s%s%s", d->t.login, d->usuario_nombre[0] != '\0' ? " (" : "",
             d->usuario_nombre, d->usuario_nombre[0] != '\0' ? ")" : "");
    detalle_par(&sb, "Promotor", buf);
    if (d->motivo_salida[0] != '\0')
        detalle_par(&sb, "Motivo", d->motivo_salida);
    if (d->venta_folio[0] != '\0') {
        char pesos[DINERO_FMT_MAX];
        struct strbuf v;

        strbuf_init(&v);
        strbuf_addf(&v, "%s · %s · folio %s", dinero_texto(d->venta_monto, pesos, sizeof pesos),
                    d->venta_producto, d->venta_folio);
        if (d->venta_cancelada)
            strbuf_addf(&v, " · cancelada el %s: %s", d->venta_cancelada_fecha,
                        d->venta_motivo_cancelacion);
        else if (d->venta_corregida)
            strbuf_addstr(&v, " (corregida)");
        detalle_par(&sb, "Venta", v.buf);
        strbuf_fini(&v);
    }
    for (size_t i = 0; i < d->ncontactos; i++) {
        snprintf(buf, sizeof buf, "%s%s", d->contactos[i].valor,
                 d->contactos[i].vigente ? "" : " (no vigente)");
        detalle_par(&sb, contacto_label(d->contactos[i].tipo), buf);
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

/* s, or JSON null when empty. */
static void
json_texto(struct json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_str(j, s[0] != '\0' ? s : NULL);
}

static void
json_contactos(struct json *j, const struct tui_detalle *d)
{
    json_key(j, "contactos");
    json_arr(j);
    for (size_t i = 0; i < d->ncontactos; i++) {
        json_obj(j);
        json_texto(j, "tipo", d->contactos[i].tipo);
        json_texto(j, "valor", d->contactos[i].valor);
        json_key(j, "vigente");
        json_bool(j, d->contactos[i].vigente);
        json_end(j);
    }
    json_end(j);
}

static void
detalle_print_json(const struct tui_detalle *d)
{
    const struct tui_tarjeta *t = &d->t;
    bool venta = d->venta_folio[0] != '\0';
    struct strbuf sb;
    struct json j;
    char t1[32];

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "oportunidad");
    json_int(&j, t->id);
    json_texto(&j, "cliente", t->cliente);
    json_key(&j, "prospecto");
    json_bool(&j, d->prospecto);
    json_key(&j, "baja_padron"); /* since when the lender no longer lists the client */
    json_str(&j, crm_cmd_time_iso(d->baja_padron, t1, sizeof t1));
    json_texto(&j, "convenio", t->convenio);
    json_texto(&j, "convenio_nombre", d->convenio_nombre);
    json_texto(&j, "entidad", d->entidad);
    json_texto(&j, "municipio", d->municipio);
    json_key(&j, "edad");
    if (d->edad > 0)
        json_int(&j, d->edad);
    else
        json_null(&j);
    json_texto(&j, "curp", d->curp);
    json_texto(&j, "rfc", d->rfc);
    json_texto(&j, "etapa", d->etapa);
    json_texto(&j, "estado", estado_txt[t->estado]);
    json_horas_restantes(&j, t);
    json_key(&j, "etapa_desde");
    json_str(&j, crm_cmd_time_iso(t->etapa_desde, t1, sizeof t1));
    json_texto(&j, "promotor", t->login);
    json_texto(&j, "promotor_nombre", d->usuario_nombre);
    json_key(&j, "lote");
    json_int(&j, t->lote_id);
    json_texto(&j, "motivo_salida", d->motivo_salida);
    json_texto(&j, "venta_folio", d->venta_folio);
    json_key(&j, "venta_monto");
    if (venta)
        json_num(&j, d->venta_monto);
    else
        json_null(&j);
    json_texto(&j, "venta_producto", venta ? d->venta_producto : "");
    json_key(&j, "venta_estado"); /* a cancelled sale keeps its data (sql/092) */
    json_str(&j, !venta ? NULL : d->venta_cancelada ? "CANCELADA" : "VIGENTE");
    json_key(&j, "venta_corregida");
    json_bool(&j, venta && d->venta_corregida);
    json_texto(&j, "venta_motivo_cancelacion",
               d->venta_cancelada ? d->venta_motivo_cancelacion : "");
    json_contactos(&j, d);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_oportunidad_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("oportunidad");
    const struct cmd_opt opts[] = { { NULL, false, NULL, NULL } };
    struct tui_detalle d;
    struct err e = { 0 };
    char *pos[2];
    int npos = 0, status;
    long id;
    struct db *db;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (npos != 1)
        return cmd_usage(entry, "se espera el número de OPORTUNIDAD");
    if ((status = crm_cmd_oportunidad(entry, pos[0], &id)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_tui_detalle(db, id, &d, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        if (ctx->json)
            detalle_print_json(&d);
        else
            detalle_print_text(&d);
        db_tui_detalle_fini(&d);
    }
    db_close(db);
    return status;
}
