/*
 * cmd_informe — `embudo informe [--desde D] [--hasta H] [--promotor LOGIN]`: the funnel over
 * a range of business dates (db_informe, sql/077): per stage the entries, how the stays ended
 * and their median and p90 business hours; why opportunities left; and per promoter what they
 * received, worked and sold. Scope as row-level security gives it (own, team, everyone).
 * Text tables or, with --json, one object. `embudo informe envejecimiento [--promotor LOGIN]`:
 * the aging heatmap now (db_envejecimiento_load, sql/081) — per promoter and stage with a
 * timer, the open opportunities and the median business hours they have been there, with
 * how many are past the warning and how many ran out. Main thread.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "core/intento.h"
#include "db/db.h"
#include "db/db_informe.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

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

/* ---- informe envejecimiento ----------------------------------------------------------- */

/* Characters of s (UTF-8: ñ, accents and «·» count one), as crm_cmd_col counts them. */
static int
chars(const char *s)
{
    int n = 0;

    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A stage's heading: "Nuevo (24 h)"; the timer without needless decimals. */
static void
env_titulo(char *buf, size_t sz, const struct db_env_etapa *x)
{
    snprintf(buf, sz, "%s (%.6g h)", x->etapa, x->timer_horas);
}

/* A cell: "8 · 12.5 h" (open opportunities · median business hours), "—" when none. */
static void
env_celda(char *buf, size_t sz, const struct db_env_celda *c)
{
    if (c->abiertas == 0)
        snprintf(buf, sz, "—");
    else
        snprintf(buf, sz, "%d · %.1f h", c->abiertas, c->horas_mediana);
}

/* Each stage column's width: its heading, its cells and its totals, whichever is widest. */
static void
env_anchos(const struct db_envejecimiento *v, int *w)
{
    char buf[96];

    for (size_t k = 0; k < v->netapas; k++) {
        env_titulo(buf, sizeof buf, &v->etapas[k]);
        w[k] = chars(buf);
        for (size_t i = 0; i < v->npromotores; i++) {
            env_celda(buf, sizeof buf, &v->celdas[i * v->netapas + k]);
            w[k] = chars(buf) > w[k] ? chars(buf) : w[k];
        }
        w[k] = w[k] < 8 ? 8 : w[k]; /* the totals' numbers */
    }
}

/* Ends a table row: the padding after its last column goes, then the newline. */
static void
env_fin_fila(struct strbuf *sb)
{
    while (sb->len > 0 && sb->buf[sb->len - 1] == ' ')
        sb->buf[--sb->len] = '\0';
    strbuf_addch(sb, '\n');
}

/* The EN AVISO or VENCIDAS row: per stage, the sum over the promoters. */
static void
env_totales(struct strbuf *sb, const struct db_envejecimiento *v, const int *w, bool vencidas)
{
    char buf[32];

    crm_cmd_col(sb, vencidas ? "VENCIDAS" : "EN AVISO", 12);
    for (size_t k = 0; k < v->netapas; k++) {
        int n = 0;

        for (size_t i = 0; i < v->npromotores; i++) {
            const struct db_env_celda *c = &v->celdas[i * v->netapas + k];
            n += vencidas ? c->vencidas : c->en_aviso;
        }
        snprintf(buf, sizeof buf, "%d", n);
        crm_cmd_col(sb, buf, w[k] + 1);
    }
    env_fin_fila(sb);
}

static void
env_print_text(const struct db_envejecimiento *v, const char *promotor)
{
    struct strbuf sb;
    char buf[96];
    int *w = xcalloc(v->netapas + 1, sizeof *w);

    strbuf_init(&sb);
    strbuf_addf(&sb,
                "Envejecimiento de las oportunidades abiertas%s%s (horas hábiles en la etapa;"
                " aviso al %d %% del tiempo)\n\n",
                promotor != NULL ? " · promotor " : "", promotor != NULL ? promotor : "",
                v->aviso_pct);
    if (v->netapas == 0 || v->npromotores == 0) {
        strbuf_addstr(&sb, v->netapas == 0 ? "Ninguna etapa tiene tiempo límite.\n"
                                           : "No hay promotores en su alcance.\n");
        goto print;
    }
    env_anchos(v, w);
    crm_cmd_col(&sb, "PROMOTOR", 12);
    for (size_t k = 0; k < v->netapas; k++) {
        env_titulo(buf, sizeof buf, &v->etapas[k]);
        crm_cmd_col(&sb, buf, w[k] + 1);
    }
    env_fin_fila(&sb);
    for (size_t i = 0; i < v->npromotores; i++) {
        crm_cmd_col(&sb, v->promotores[i].login, 12);
        for (size_t k = 0; k < v->netapas; k++) {
            env_celda(buf, sizeof buf, &v->celdas[i * v->netapas + k]);
            crm_cmd_col(&sb, buf, w[k] + 1);
        }
        env_fin_fila(&sb);
    }
    env_totales(&sb, v, w, false);
    env_totales(&sb, v, w, true);
print:
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
    free(w);
}

/* A decimal as a JSON number, or null when the cell has no opportunity (v < 0). */
static void
json_decimal(struct json *j, const char *key, double v, int decimales)
{
    char buf[32];

    json_key(j, key);
    if (v < 0) {
        json_null(j);
        return;
    }
    snprintf(buf, sizeof buf, "%.*f", decimales, v);
    json_num(j, buf);
}

static void
env_json_celda(struct json *j, const char *etapa, const struct db_env_celda *c)
{
    static const char *const keys[] = { "abiertas", "en_aviso", "vencidas" };
    const int v[] = { c->abiertas, c->en_aviso, c->vencidas };

    json_obj(j);
    json_key(j, "etapa");
    json_str(j, etapa);
    json_ints(j, keys, v, sizeof v / sizeof v[0]);
    json_decimal(j, "horas_mediana", c->horas_mediana, 1);
    json_decimal(j, "horas_max", c->horas_max, 1);
    json_decimal(j, "razon", c->razon, 3);
    json_end(j);
}

static void
env_print_json(const struct db_envejecimiento *v)
{
    struct strbuf sb;
    struct json j;
    char buf[32];

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "aviso_pct");
    json_int(&j, v->aviso_pct);
    json_key(&j, "etapas");
    json_arr(&j);
    for (size_t k = 0; k < v->netapas; k++) {
        json_obj(&j);
        json_key(&j, "etapa");
        json_str(&j, v->etapas[k].etapa);
        json_key(&j, "orden");
        json_int(&j, v->etapas[k].orden);
        snprintf(buf, sizeof buf, "%.2f", v->etapas[k].timer_horas);
        json_key(&j, "timer_horas");
        json_num(&j, buf);
        json_end(&j);
    }
    json_end(&j);
    json_key(&j, "promotores");
    json_arr(&j);
    for (size_t i = 0; i < v->npromotores; i++) {
        json_obj(&j);
        json_key(&j, "promotor");
        json_str(&j, v->promotores[i].login);
        json_key(&j, "nombre");
        json_str(&j, v->promotores[i].nombre);
        json_key(&j, "celdas");
        json_arr(&j);
        for (size_t k = 0; k < v->netapas; k++)
            env_json_celda(&j, v->etapas[k].etapa, &v->celdas[i * v->netapas + k]);
        json_end(&j);
        json_end(&j);
    }
    json_end(&j);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static int
run_envejecimiento(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *promotor = NULL;
    const struct cmd_opt opts[] = {
        { "promotor", true, &promotor, NULL },
        { NULL, false, NULL, NULL },
    };
    struct db_envejecimiento v;
    struct err e = { 0 };
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, argc, argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_envejecimiento_load(db, promotor, &v, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        if (ctx->json)
            env_print_json(&v);
        else
            env_print_text(&v, promotor);
        db_envejecimiento_fini(&v);
    }
    db_close(db);
    return status;
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

    if (ctx->argc > 0 && strcmp(ctx->argv[0], "envejecimiento") == 0)
        return run_envejecimiento(ctx, entry, ctx->argc - 1, ctx->argv + 1);
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
