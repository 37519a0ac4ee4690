/*
 * cmd_etapa — `embudo etapa …`, the funnel's stages (sql/095):
 *   etapa [lista]                                  every stage, its timer, and how many of
 *                                                  the caller's active opportunities are there
 *   etapa agregar NOMBRE --tipo NORMAL|SALIDA [--horas N] [--despues-de ETAPA] [--intentos N]
 *   etapa cambiar ETAPA [--nombre N] [--horas N | --sin-timer] [--intentos N]
 *   etapa mover ETAPA --despues-de ETAPA
 *   etapa desactivar ETAPA | etapa activar ETAPA
 *   etapa cambios [--limite N]                     who changed what
 * Changes are an admin's. Flags are checked here (exit 2) before connecting; refusals print
 * the database's message (exit 1). Text or, with --json, one object or array. Main thread.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_etapas.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

static const char *
tipo_texto(const char *tipo)
{
    return strcmp(tipo, "INICIAL") == 0  ? "inicial"
           : strcmp(tipo, "SALIDA") == 0 ? "salida"
           : strcmp(tipo, "VENTA") == 0  ? "venta"
                                         : "normal";
}

static void
print_lista(const struct cmd_ctx *ctx, const struct db_etapa_fila *f, size_t n)
{
    struct strbuf sb;
    struct json j;
    char buf[32];

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            json_obj(&j);
            json_key(&j, "orden");
            json_int(&j, f[i].orden);
            json_key(&j, "nombre");
            json_str(&j, f[i].nombre);
            json_key(&j, "tipo");
            json_str(&j, f[i].tipo);
            json_key(&j, "horas");
            if (f[i].horas[0] != '\0')
                json_num(&j, f[i].horas);
            else
                json_null(&j);
            json_key(&j, "intentos_minimos");
            json_int(&j, f[i].intentos);
            json_key(&j, "activa");
            json_bool(&j, f[i].activa);
            json_key(&j, "oportunidades");
            json_int(&j, f[i].oportunidades);
            json_end(&j);
        }
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    crm_cmd_col(&sb, "#", 3);
    crm_cmd_col(&sb, "ETAPA", 26);
    crm_cmd_col(&sb, "TIPO", 8);
    crm_cmd_col(&sb, "TEMPORIZADOR", 13);
    crm_cmd_col(&sb, "OPORTUNIDADES", 13);
    strbuf_addstr(&sb, "NOTA\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%d", f[i].orden);
        crm_cmd_col(&sb, buf, 3);
        crm_cmd_col(&sb, f[i].nombre, 26);
        crm_cmd_col(&sb, tipo_texto(f[i].tipo), 8);
        if (f[i].horas[0] != '\0')
            snprintf(buf, sizeof buf, "%s h hábiles", f[i].horas);
        else
            snprintf(buf, sizeof buf, "—");
        crm_cmd_col(&sb, buf, 13);
        snprintf(buf, sizeof buf, "%lld", (long long)f[i].oportunidades);
        crm_cmd_col(&sb, buf, 13);
        if (!f[i].activa)
            strbuf_addstr(&sb, "desactivada");
        else if (f[i].intentos > 0)
            strbuf_addf(&sb, "pide %d %s antes", f[i].intentos,
                        f[i].intentos == 1 ? "intento" : "intentos");
        strbuf_addch(&sb, '\n');
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static int
run_lista(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    struct db_etapa_fila *f = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, argc, argv, NULL, NULL, 0, NULL)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_etapas(db, &f, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_lista(ctx, f, n);
    free(f);
    db_close(db);
    return status;
}

/* --horas: a positive number of business hours with up to two decimals ("36", "7.5"). */
static bool
horas_validas(const char *s)
{
    return crm_cmd_monto_valido(s) && strlen(s) <= 8;
}

/* --intentos into *out (0…20): 0, or 2 after printing usage. */
static int
intentos(const struct cmd_entry *entry, const char *s, int *out)
{
    long v;

    if (s == NULL)
        return 0;
    if (!cmd_parse_long(s, 0, 20, &v))
        return cmd_usage(entry, "«--intentos» es un número de 0 a 20");
    *out = (int)v;
    return 0;
}

/* The stage name positional (exactly one): 0, or 2 after printing usage. */
static int
una_etapa(const struct cmd_entry *entry, int npos, const char *que)
{
    return npos == 1 ? 0 : cmd_usage(entry, "indique %s", que);
}

static int
run_agregar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *tipo = NULL, *horas = NULL, *despues = NULL, *intentos_s = NULL;
    const struct cmd_opt opts[] = { { "tipo", true, &tipo, NULL },
                                    { "horas", true, &horas, NULL },
                                    { "despues-de", true, &despues, NULL },
                                    { "intentos", true, &intentos_s, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[1], *msg = NULL;
    struct err e = { 0 };
    int npos = 0, status, k = 0, rc;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0 ||
        (status = una_etapa(entry, npos, "el nombre de la etapa nueva")) != 0 ||
        (status = crm_cmd_texto(entry, "tipo", tipo, 10)) != 0 ||
        (status = intentos(entry, intentos_s, &k)) != 0)
        return status;
    if (horas != NULL && !horas_validas(horas))
        return cmd_usage(entry, "«--horas» son horas hábiles, un número mayor que 0 (p. ej. 36 o "
                                "7.5)");
    if (despues != NULL && (status = crm_cmd_texto(entry, "despues-de", despues, 40)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    rc = db_etapa_agregar(db, pos[0], tipo, horas, despues, k, &msg, &e);
    return crm_cmd_cambio_hecho(ctx, db, rc, &e, "etapa", pos[0], false, msg);
}

static int
run_cambiar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *nombre = NULL, *horas = NULL, *intentos_s = NULL;
    bool sin_timer = false;
    const struct cmd_opt opts[] = { { "nombre", true, &nombre, NULL },
                                    { "horas", true, &horas, NULL },
                                    { "sin-timer", false, NULL, &sin_timer },
                                    { "intentos", true, &intentos_s, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[1], *msg = NULL;
    struct err e = { 0 };
    int npos = 0, status, k = -1, rc;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0 ||
        (status = una_etapa(entry, npos, "la ETAPA que cambia")) != 0 ||
        (status = intentos(entry, intentos_s, &k)) != 0)
        return status;
    if (nombre == NULL && horas == NULL && !sin_timer && intentos_s == NULL)
        return cmd_usage(entry, "diga qué cambiar: «--nombre», «--horas», «--sin-timer» o "
                                "«--intentos»");
    if (horas != NULL && sin_timer)
        return cmd_usage(entry, "«--horas» y «--sin-timer» no van juntas");
    if (horas != NULL && !horas_validas(horas))
        return cmd_usage(entry, "«--horas» son horas hábiles, un número mayor que 0 (p. ej. 36 o "
                                "7.5)");
    if (nombre != NULL && (status = crm_cmd_texto(entry, "nombre", nombre, 40)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    rc = db_etapa_cambiar(db, pos[0], nombre, horas, sin_timer, k, &msg, &e);
    return crm_cmd_cambio_hecho(ctx, db, rc, &e, "etapa", pos[0], false, msg);
}

static int
run_mover(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *despues = NULL;
    const struct cmd_opt opts[] = { { "despues-de", true, &despues, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[1], *msg = NULL;
    struct err e = { 0 };
    int npos = 0, status, rc;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0 ||
        (status = una_etapa(entry, npos, "la ETAPA que cambia de lugar")) != 0 ||
        (status = crm_cmd_texto(entry, "despues-de", despues, 40)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    rc = db_etapa_mover(db, pos[0], despues, &msg, &e);
    return crm_cmd_cambio_hecho(ctx, db, rc, &e, "etapa", pos[0], false, msg);
}

static int
activa(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv, bool activar)
{
    char *pos[1], *msg = NULL;
    struct err e = { 0 };
    int npos = 0, status, rc;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, NULL, pos, 1, &npos)) != 0 ||
        (status = una_etapa(entry, npos, "la ETAPA")) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    rc = db_etapa_activa(db, pos[0], activar, &msg, &e);
    return crm_cmd_cambio_hecho(ctx, db, rc, &e, "etapa", pos[0], false, msg);
}

static int
run_desactivar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    return activa(ctx, entry, argc, argv, false);
}

static int
run_activar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    return activa(ctx, entry, argc, argv, true);
}

/* What a change touched, as people say it. */
static const char *
campo_texto(const char *campo)
{
    static const char *const t[][2] = {
        { "alta", "alta" },
        { "nombre", "nombre" },
        { "timer_horas", "temporizador (h)" },
        { "intentos_minimos", "intentos mínimos" },
        { "orden", "lugar" },
        { "activa", "en el embudo" },
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(campo, t[i][0]) == 0)
            return t[i][1];
    return campo;
}

static void
print_cambios(const struct cmd_ctx *ctx, const struct db_etapa_cambio *c, size_t n)
{
    struct strbuf sb;
    struct json j;
    char t[40];

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            const char *const kv[][2] = {
                { "hecho", crm_cmd_time_iso(c[i].hecho_at, t, sizeof t) },
                { "hecho_por", c[i].hecho_por[0] != '\0' ? c[i].hecho_por : NULL },
                { "etapa", c[i].etapa },
                { "campo", c[i].campo },
                { "anterior", c[i].anterior[0] != '\0' ? c[i].anterior : NULL },
                { "nuevo", c[i].nuevo[0] != '\0' ? c[i].nuevo : NULL },
            };

            json_obj(&j);
            json_key(&j, "id");
            json_int(&j, c[i].id);
            crm_cmd_json_textos(&j, kv, sizeof kv / sizeof kv[0]);
            json_end(&j);
        }
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    if (n == 0) {
        puts("las etapas no han cambiado desde la instalación");
        strbuf_fini(&sb);
        return;
    }
    crm_cmd_col(&sb, "CUÁNDO", 22);
    crm_cmd_col(&sb, "QUIÉN", 14);
    crm_cmd_col(&sb, "ETAPA", 24);
    crm_cmd_col(&sb, "QUÉ", 16);
    strbuf_addstr(&sb, "ANTES → DESPUÉS\n");
    for (size_t i = 0; i < n; i++) {
        crm_cmd_col(&sb, crm_cmd_time(c[i].hecho_at, t, sizeof t), 22);
        crm_cmd_col(&sb, c[i].hecho_por[0] != '\0' ? c[i].hecho_por : "(superusuario)", 14);
        crm_cmd_col(&sb, c[i].etapa, 24);
        crm_cmd_col(&sb, campo_texto(c[i].campo), 16);
        strbuf_addf(&sb, "%s → %s\n", c[i].anterior[0] != '\0' ? c[i].anterior : "—",
                    c[i].nuevo[0] != '\0' ? c[i].nuevo : "—");
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static int
run_cambios(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    struct db_etapa_cambio *c = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status, lim = 0;

    if ((status = crm_cmd_solo_limite(entry, argc, argv, &lim)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_etapas_cambios(db, lim, &c, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_cambios(ctx, c, n);
    db_etapas_cambios_free(c, n);
    db_close(db);
    return status;
}

int
cmd_etapa_exec(struct cmd_ctx *ctx)
{
    static const struct cmd_verb verbs[] = {
        { "lista", run_lista },     { "agregar", run_agregar },       { "cambiar", run_cambiar },
        { "mover", run_mover },     { "desactivar", run_desactivar }, { "activar", run_activar },
        { "cambios", run_cambios },
    };

    return cmd_verbs_run(ctx, "etapa", verbs, sizeof verbs / sizeof verbs[0], true);
}
