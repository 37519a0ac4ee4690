/*
 * cmd_informe — `embudo informe [--desde D] [--hasta H] [--promotor LOGIN]`: the funnel over
 * a range of business dates (db_informe, sql/077): per stage the entries, how the stays ended
 * and their median and p90 business hours; why opportunities left; and per promoter what they
 * received, worked and sold. Scope as row-level security gives it (own, team, everyone).
 * Text tables or, with --json, one object. Main thread.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "core/intento.h"
#include "db/db.h"
#include "db/db_informe.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

/* Spanish headings of api.informe_motivos' tipos. */
static const struct {
    const char *tipo, *titulo;
} motivo_titulos[] = {
    { "A_BANDEJA", "Salida elegida" },         { "TIMER_VENCIDO", "Tiempo vencido en" },
    { "DEVUELTA", "Devuelta por supervisor" }, { "DESCARTADA", "Descartada" },
    { "INTENTO", "Intentos de contacto" },
};

static const char *
motivo_titulo(const char *tipo)
{
    for (size_t i = 0; i < sizeof motivo_titulos / sizeof motivo_titulos[0]; i++)
        if (strcmp(motivo_titulos[i].tipo, tipo) == 0)
            return motivo_titulos[i].titulo;
    return tipo;
}

/* A number right-aligned in width columns, then two spaces. */
static void
num(struct strbuf *sb, int v, int width)
{
    strbuf_addf(sb, "%*d  ", width, v);
}

/* Business hours with one decimal, or "—" when no stay ended. */
static void
horas(struct strbuf *sb, double h, int width)
{
    if (h < 0)
        strbuf_addf(sb, "%*s  ", width + 2, "—"); /* the dash is 3 bytes, 1 column */
    else
        strbuf_addf(sb, "%*.1f  ", width, h);
}

static void
print_etapas(struct strbuf *sb, const struct db_informe *inf)
{
    strbuf_addstr(sb, "ETAPA             ENTRAN  SALEN  AVANZA  REGRESA  BANDEJA  VENTA  VENCE"
                      "  OTRAS  MEDIANA H  P90 H  AHORA\n");
    for (size_t i = 0; i < inf->netapas; i++) {
        const struct db_informe_etapa *x = &inf->etapas[i];

        crm_cmd_col(sb, x->etapa, 16);
        num(sb, x->entradas, 6);
        num(sb, x->salidas, 5);
        num(sb, x->avanzaron, 6);
        num(sb, x->regresaron, 7);
        num(sb, x->a_bandeja, 7);
        num(sb, x->ventas, 5);
        num(sb, x->vencidas, 5);
        num(sb, x->otras, 5);
        horas(sb, x->horas_mediana, 9);
        horas(sb, x->horas_p90, 5);
        strbuf_addf(sb, "%5d\n", x->en_etapa);
    }
}

static void
print_motivos(struct strbuf *sb, const struct db_informe *inf)
{
    const char *tipo = "";

    strbuf_addstr(sb, "\nPOR QUÉ SALEN\n");
    if (inf->nmotivos == 0)
        strbuf_addstr(sb, "  nada en este rango\n");
    for (size_t i = 0; i < inf->nmotivos; i++) {
        const struct db_informe_motivo *m = &inf->motivos[i];

        if (strcmp(m->tipo, tipo) != 0) {
            tipo = m->tipo;
            strbuf_addf(sb, "  %s\n", motivo_titulo(tipo));
        }
        strbuf_addstr(sb, "    ");
        crm_cmd_col(sb, strcmp(tipo, "INTENTO") == 0 ? intento_etiqueta(m->razon) : m->razon, 40);
        strbuf_addf(sb, "%5d\n", m->n);
    }
}

static void
print_promotores(struct strbuf *sb, const struct db_informe *inf)
{
    strbuf_addstr(sb, "\nPOR PROMOTOR\n");
    crm_cmd_col(sb, "PROMOTOR", 12);
    crm_cmd_col(sb, "NOMBRE", 28);
    strbuf_addstr(sb, "RECIBIDAS  CAPTADAS  INTENTOS  BANDEJA  VENCIDAS  VENTAS           MONTO"
                      "  CONVERSIÓN\n");
    for (size_t i = 0; i < inf->npromotores; i++) {
        const struct db_informe_promotor *p = &inf->promotores[i];
        int base = p->recibidas + p->captadas;

        crm_cmd_col(sb, p->login, 12);
        crm_cmd_col(sb, p->nombre, 28);
        num(sb, p->recibidas, 9);
        num(sb, p->captadas, 8);
        num(sb, p->intentos, 8);
        num(sb, p->a_bandeja, 7);
        num(sb, p->vencidas, 8);
        num(sb, p->ventas, 6);
        strbuf_addf(sb, "%14.2f  ", p->monto);
        if (base > 0)
            strbuf_addf(sb, "%9.1f %%\n", 100.0 * p->ventas / base);
        else
            strbuf_addf(sb, "%12s\n", "—");
    }
}

static void
print_text(const struct db_informe *inf, const char *promotor)
{
    struct strbuf sb;

    strbuf_init(&sb);
    strbuf_addf(&sb, "Informe del %s al %s%s%s (horas hábiles)\n\n", inf->desde, inf->hasta,
                promotor != NULL ? " · promotor " : "", promotor != NULL ? promotor : "");
    print_etapas(&sb, inf);
    print_motivos(&sb, inf);
    if (inf->npromotores > 0)
        print_promotores(&sb, inf);
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static void
json_horas(struct json *j, const char *key, double h)
{
    char buf[32];

    json_key(j, key);
    if (h < 0) {
        json_null(j);
    } else {
        snprintf(buf, sizeof buf, "%.1f", h);
        json_num(j, buf);
    }
}

static void
json_ints(struct json *j, const char *const *keys, const int *v, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        json_key(j, keys[k]);
        json_int(j, v[k]);
    }
}

static void
print_json(const struct db_informe *inf)
{
    static const char *const etapa_keys[] = { "orden",      "entradas",  "salidas", "avanzaron",
                                              "regresaron", "a_bandeja", "ventas",  "vencidas",
                                              "otras",      "en_etapa" };
    static const char *const prom_keys[] = { "recibidas", "captadas", "intentos",
                                             "a_bandeja", "vencidas", "ventas" };
    struct strbuf sb;
    struct json j;
    char monto[32];

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "desde");
    json_str(&j, inf->desde);
    json_key(&j, "hasta");
    json_str(&j, inf->hasta);
    json_key(&j, "etapas");
    json_arr(&j);
    for (size_t i = 0; i < inf->netapas; i++) {
        const struct db_informe_etapa *x = &inf->etapas[i];
        const int v[] = { x->orden,     x->entradas, x->salidas,  x->avanzaron, x->regresaron,
                          x->a_bandeja, x->ventas,   x->vencidas, x->otras,     x->en_etapa };

        json_obj(&j);
        json_key(&j, "etapa");
        json_str(&j, x->etapa);
        json_key(&j, "tipo");
        json_str(&j, x->tipo);
        json_ints(&j, etapa_keys, v, sizeof v / sizeof v[0]);
        json_horas(&j, "horas_mediana", x->horas_mediana);
        json_horas(&j, "horas_p90", x->horas_p90);
        json_end(&j);
    }
    json_end(&j);
    json_key(&j, "motivos");
    json_arr(&j);
    for (size_t i = 0; i < inf->nmotivos; i++) {
        json_obj(&j);
        json_key(&j, "tipo");
        json_str(&j, inf->motivos[i].tipo);
        json_key(&j, "razon");
        json_str(&j, inf->motivos[i].razon);
        json_key(&j, "n");
        json_int(&j, inf->motivos[i].n);
        json_end(&j);
    }
    json_end(&j);
    json_key(&j, "promotores");
    json_arr(&j);
    for (size_t i = 0; i < inf->npromotores; i++) {
        const struct db_informe_promotor *p = &inf->promotores[i];
        const int v[] = { p->recibidas, p->captadas, p->intentos,
                          p->a_bandeja, p->vencidas, p->ventas };

        json_obj(&j);
        json_key(&j, "promotor");
        json_str(&j, p->login);
        json_key(&j, "nombre");
        json_str(&j, p->nombre);
        json_ints(&j, prom_keys, v, sizeof v / sizeof v[0]);
        snprintf(monto, sizeof monto, "%.2f", p->monto);
        json_key(&j, "monto");
        json_num(&j, monto);
        json_end(&j);
    }
    json_end(&j);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_informe_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("informe");
    struct db_informe_rango r = { 0 };
    const struct cmd_opt opts[] = {
        { "desde", true, &r.desde, NULL },
        { "hasta", true, &r.hasta, NULL },
        { "promotor", true, &r.promotor, NULL },
        { NULL, false, NULL, NULL },
    };
    struct db_informe inf;
    struct err e = { 0 };
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if ((r.desde != NULL && !crm_cmd_fecha_valida(r.desde)) ||
        (r.hasta != NULL && !crm_cmd_fecha_valida(r.hasta)))
        return cmd_usage(entry, "«--desde» y «--hasta» son fechas AAAA-MM-DD");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_informe_load(db, &r, &inf, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        if (ctx->json)
            print_json(&inf);
        else
            print_text(&inf, r.promotor);
        db_informe_fini(&inf);
    }
    db_close(db);
    return status;
}
