/*
 * cmd_campana — WhatsApp campaigns from the command line (issue 5): `campana crear` (prints
 * the id, the per-day plan and the skipped recipients with their reasons; with --meta the
 * template's twin approved in Meta, which a Cloud API account needs: docs/wa-cloud.md), `campana
 * lanzar|pausar|reanudar|cancelar ID`, `campana estado ID` (counts per state) and `campana
 * lista [--estado E] [--promotor LOGIN]` (the campaigns the user sees, newest first, each with
 * api.campana_estado's counts); the messages' export is cmd_export's. Flags are checked in C (exit
 * 2), each call goes through db_wa (exit 1 with the database's message when refused). Main thread.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_wa.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

/* "2026-11-30" for a YYYYMMDD date, into buf. */
static const char *
fecha_txt(int32_t d, char *buf, size_t size)
{
    snprintf(buf, size, "%04d-%02d-%02d", (int)(d / 10000), (int)(d / 100 % 100), (int)(d % 100));
    return buf;
}

/* ---- campana crear ------------------------------------------------------------------------- */

static void
crear_print_text(const struct db_campana_creada *c)
{
    char f[16], t[64];

    printf("campaña %lld creada: %d %s, %d %s\n", (long long)c->id, c->destinatarios,
           c->destinatarios == 1 ? "mensaje programado" : "mensajes programados", c->omitidos,
           c->omitidos == 1 ? "omitido" : "omitidos");
    if (c->mensaje != NULL)
        printf("%s\n", c->mensaje);
    printf("plan por día:\n");
    for (size_t i = 0; i < c->nplan; i++)
        printf("  %s%s  %4d  desde %s\n", fecha_txt(c->plan[i].dia, f, sizeof f),
               c->plan[i].hoy ? " (hoy)" : "", c->plan[i].mensajes,
               crm_cmd_time(c->plan[i].desde, t, sizeof t));
    if (c->nomitidos > 0)
        printf("omitidos:\n");
    for (size_t i = 0; i < c->nomitidos; i++) {
        const struct db_omitido *o = &c->omitidos_v[i];

        printf("  oportunidad %lld  %s  %s: %s\n", (long long)o->oportunidad_id,
               o->telefono != NULL ? o->telefono : "—", o->cliente != NULL ? o->cliente : "—",
               o->detalle);
    }
    printf("para enviarla: embudo campana lanzar %lld\n", (long long)c->id);
}

static void
crear_print_json(const struct db_campana_creada *c)
{
    struct strbuf sb;
    struct json j;
    char f[16], t[32];

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "campana");
    json_int(&j, c->id);
    json_key(&j, "destinatarios");
    json_int(&j, c->destinatarios);
    json_key(&j, "omitidos");
    json_int(&j, c->omitidos);
    json_key(&j, "hoy");
    json_int(&j, c->hoy);
    json_key(&j, "tope_hoy");
    json_int(&j, c->tope_hoy);
    json_key(&j, "mensaje");
    json_str(&j, c->mensaje);
    json_key(&j, "plan");
    json_arr(&j);
    for (size_t i = 0; i < c->nplan; i++) {
        json_obj(&j);
        json_key(&j, "dia");
        json_str(&j, fecha_txt(c->plan[i].dia, f, sizeof f));
        json_key(&j, "mensajes");
        json_int(&j, c->plan[i].mensajes);
        json_key(&j, "desde");
        json_str(&j, crm_cmd_time_iso(c->plan[i].desde, t, sizeof t));
        json_end(&j);
    }
    json_end(&j);
    json_key(&j, "omitidos_detalle");
    json_arr(&j);
    for (size_t i = 0; i < c->nomitidos; i++) {
        json_obj(&j);
        json_key(&j, "oportunidad");
        json_int(&j, c->omitidos_v[i].oportunidad_id);
        json_key(&j, "telefono");
        json_str(&j, c->omitidos_v[i].telefono);
        json_key(&j, "motivo");
        json_str(&j, c->omitidos_v[i].motivo);
        json_key(&j, "detalle");
        json_str(&j, c->omitidos_v[i].detalle);
        json_end(&j);
    }
    json_end(&j);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static int
campana_crear(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    struct db_campana_nueva n = { 0 };
    const char *maximo = NULL;
    const struct cmd_opt opts[] = {
        { "etapa", true, &n.etapa, NULL },
        { "texto", true, &n.texto, NULL },
        { "nombre", true, &n.nombre, NULL },
        { "convenio", true, &n.convenio, NULL },
        { "entidad", true, &n.entidad, NULL },
        { "maximo", true, &maximo, NULL },
        { "meta", true, &n.meta_nombre, NULL },
        { "idioma", true, &n.meta_idioma, NULL },
        { NULL, false, NULL, NULL },
    };
    struct db_campana_creada c;
    struct err e = { 0 };
    struct db *db;
    long m = 0;
    int status;

    if ((status = cmd_parse(entry, argc, argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (n.etapa == NULL || n.texto == NULL)
        return cmd_usage(entry, "«campana crear» necesita «--etapa» y «--texto»");
    if (crm_cmd_texto(entry, "texto", n.texto, 4096) != 0 ||
        (n.nombre != NULL && crm_cmd_texto(entry, "nombre", n.nombre, 120) != 0))
        return 2;
    if (n.meta_idioma != NULL && n.meta_nombre == NULL)
        return cmd_usage(entry,
                         "«--idioma» es el de la plantilla aprobada en Meta: va con «--meta»");
    if (maximo != NULL && !cmd_parse_long(maximo, 1, 5000, &m))
        return cmd_usage(entry, "«--maximo» debe ser un número entre 1 y 5000 (se dio «%s»)",
                         maximo);
    n.maximo = (int)m;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_campana_crear(db, &n, &c, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        if (ctx->json)
            crear_print_json(&c);
        else
            crear_print_text(&c);
        db_campana_creada_fini(&c);
    }
    db_close(db);
    return status;
}

/* ---- lanzar | pausar | reanudar | cancelar --------------------------------------------------- */

static int
campana_accion(struct cmd_ctx *ctx, const struct cmd_entry *entry, enum db_campana_accion a,
               int argc, char **argv)
{
    char *pos[2];
    int npos = 0, status;
    long id;
    char estado[16];
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, NULL, pos, 1, &npos)) != 0)
        return status;
    if (npos != 1 || !cmd_parse_long(pos[0], 1, LONG_MAX, &id))
        return cmd_usage(entry, "indique el número de la campaña");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_campana_accion(db, id, a, estado, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        char msg[160], num[24];

        snprintf(msg, sizeof msg, "campaña %ld: %s", id, estado);
        snprintf(num, sizeof num, "%ld", id);
        crm_cmd_print_cambio(ctx, msg, "campana", num, true, "estado", estado);
    }
    db_close(db);
    return status;
}

/* ---- estado -------------------------------------------------------------------------------- */

/* The counts of struct db_campana_estado with their names, for both outputs. */
#define NCUENTAS 13
static void
estado_counts(const struct db_campana_estado *s, const char *names[NCUENTAS], int vals[NCUENTAS])
{
    static const char *const n[NCUENTAS] = {
        "total",       "pendientes", "enviando", "inciertos",  "enviados", "entregados",  "leidos",
        "respondidos", "fallidos",   "omitidos", "cancelados", "bajas",    "sin_entregar"
    };
    const int v[NCUENTAS] = { s->total,       s->pendientes, s->enviando,   s->inciertos,
                              s->enviados,    s->entregados, s->leidos,     s->respondidos,
                              s->fallidos,    s->omitidos,   s->cancelados, s->bajas,
                              s->sin_entregar };

    for (int i = 0; i < NCUENTAS; i++) {
        names[i] = n[i];
        vals[i] = v[i];
    }
}

/* One campaign as a JSON object: `campana estado --json`, and each element of `campana lista`. */
static void
estado_json(struct json *j, const struct db_campana_estado *s)
{
    const char *names[NCUENTAS];
    int vals[NCUENTAS];
    char t[64];

    estado_counts(s, names, vals);
    json_obj(j);
    json_key(j, "campana");
    json_int(j, s->id);
    json_key(j, "nombre");
    json_str(j, s->nombre);
    json_key(j, "estado");
    json_str(j, s->estado);
    json_key(j, "etapa");
    json_str(j, s->etapa);
    json_key(j, "promotor");
    json_str(j, s->usuario_login);
    for (int i = 0; i < NCUENTAS; i++) {
        json_key(j, names[i]);
        json_int(j, vals[i]);
    }
    json_key(j, "proximo");
    json_str(j, crm_cmd_time_iso(s->proximo_at, t, sizeof t));
    json_key(j, "pausa_motivo");
    json_str(j, s->pausa_motivo);
    json_end(j);
}

static void
estado_print(const struct cmd_ctx *ctx, const struct db_campana_estado *s)
{
    const char *names[NCUENTAS];
    int vals[NCUENTAS];
    char t[64];
    struct strbuf sb;
    struct json j;

    if (!ctx->json) {
        estado_counts(s, names, vals);
        printf("campaña %lld «%s» (%s, etapa %s): %s\n", (long long)s->id, s->nombre,
               s->usuario_login, s->etapa, s->estado);
        if (s->pausa_motivo != NULL)
            printf("  %s\n", s->pausa_motivo);
        for (int i = 0; i < NCUENTAS; i++)
            printf("  %-12s %6d\n", names[i], vals[i]);
        if (s->proximo_at != 0)
            printf("próximo envío: %s\n", crm_cmd_time(s->proximo_at, t, sizeof t));
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    estado_json(&j, s);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static int
campana_estado(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    char *pos[2];
    int npos = 0, status;
    long id;
    struct db_campana_estado s;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, NULL, pos, 1, &npos)) != 0)
        return status;
    if (npos != 1 || !cmd_parse_long(pos[0], 1, LONG_MAX, &id))
        return cmd_usage(entry, "indique el número de la campaña");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_campana_estado(db, id, &s, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        estado_print(ctx, &s);
        db_campana_estado_fini(&s);
    }
    db_close(db);
    return status;
}

/* ---- lista --------------------------------------------------------------------------------- */

#define LISTA_MAX 200

static void
lista_print(const struct cmd_ctx *ctx, const struct db_campana_estado *v, size_t n, bool mas)
{
    struct strbuf sb;
    struct json j;
    size_t solas = 0;

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_arr(&j);
        for (size_t i = 0; i < n; i++)
            estado_json(&j, &v[i]);
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    if (n == 0) {
        strbuf_addstr(&sb, "no hay campañas con esos filtros\n");
    } else { /* the numbers' headings are as wide as their columns */
        crm_cmd_col(&sb, "ID", 8);
        crm_cmd_col(&sb, "PROMOTOR", 14);
        crm_cmd_col(&sb, "ESTADO", 14);
        strbuf_addstr(&sb, "ENVIADOS  ENTREGADOS  LEÍDOS  FALLIDOS  PENDIENTES  NOMBRE\n");
    }
    for (size_t i = 0; i < n; i++) {
        const struct db_campana_estado *c = &v[i];
        char id[24];

        snprintf(id, sizeof id, "%lld", (long long)c->id);
        crm_cmd_col(&sb, id, 8);
        crm_cmd_col(&sb, c->usuario_login, 14);
        crm_cmd_col(&sb, c->pausa_motivo != NULL ? "PAUSADA (sola)" : c->estado, 14);
        strbuf_addf(&sb, "%8d  %10d  %6d  %8d  %10d  %s\n", c->enviados, c->entregados, c->leidos,
                    c->fallidos, c->pendientes, c->nombre);
        solas += c->pausa_motivo != NULL;
    }
    if (solas > 0)
        strbuf_addf(&sb,
                    "PAUSADA (sola): %zu %s la base de datos, no una persona;"
                    " «embudo campana estado ID» dice por qué\n",
                    solas, solas == 1 ? "la pausó" : "las pausó");
    if (mas)
        strbuf_addf(&sb, "se muestran las %d más recientes: filtre con --estado o --promotor\n",
                    LISTA_MAX);
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static int
campana_lista(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    static const char *const estados[] = { "BORRADOR", "LISTA",     "ENVIANDO",
                                           "PAUSADA",  "TERMINADA", "CANCELADA" };
    const char *estado = NULL, *promotor = NULL, *filtro = NULL;
    const struct cmd_opt opts[] = {
        { "estado", true, &estado, NULL },
        { "promotor", true, &promotor, NULL },
        { NULL, false, NULL, NULL },
    };
    struct db_campana_estado *v;
    struct err e = { 0 };
    struct db *db;
    size_t n;
    int status;

    if ((status = cmd_parse(entry, argc, argv, opts, NULL, 0, NULL)) != 0)
        return status;
    for (size_t i = 0; estado != NULL && i < sizeof estados / sizeof estados[0]; i++)
        if (strcasecmp(estado, estados[i]) == 0)
            filtro = estados[i];
    if (estado != NULL && filtro == NULL)
        return cmd_usage(entry,
                         "«--estado» es borrador, lista, enviando, pausada, terminada o cancelada"
                         " (se dio «%s»)",
                         estado);
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_campanas(db, filtro, promotor, LISTA_MAX + 1, &v, &n, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        /* one more than shown was asked for: it says whether there are more */
        lista_print(ctx, v, n > LISTA_MAX ? LISTA_MAX : n, n > LISTA_MAX);
        db_campanas_free(v, n);
    }
    db_close(db);
    return status;
}

int
cmd_campana_exec(struct cmd_ctx *ctx)
{
    static const struct {
        const char *name;
        enum db_campana_accion a;
    } acciones[] = {
        { "lanzar", DB_CAMPANA_LANZAR },
        { "pausar", DB_CAMPANA_PAUSAR },
        { "reanudar", DB_CAMPANA_REANUDAR },
        { "cancelar", DB_CAMPANA_CANCELAR },
    };
    const struct cmd_entry *entry = cmd_find("campana");
    const char *sub = ctx->argc > 0 ? ctx->argv[0] : NULL;

    if (sub == NULL)
        return cmd_usage(entry, "falta la acción");
    if (strcmp(sub, "crear") == 0)
        return campana_crear(ctx, entry, ctx->argc - 1, ctx->argv + 1);
    if (strcmp(sub, "estado") == 0)
        return campana_estado(ctx, entry, ctx->argc - 1, ctx->argv + 1);
    if (strcmp(sub, "lista") == 0)
        return campana_lista(ctx, entry, ctx->argc - 1, ctx->argv + 1);
    for (size_t i = 0; i < sizeof acciones / sizeof acciones[0]; i++)
        if (strcmp(sub, acciones[i].name) == 0)
            return campana_accion(ctx, entry, acciones[i].a, ctx->argc - 1, ctx->argv + 1);
    return cmd_usage(entry, "acción desconocida «%s»", sub);
}
