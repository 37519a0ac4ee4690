/*
 * cmd_calendario — `embudo calendario …`, the business calendar (sql/093, sql/097):
 *   calendario [ver] [--desde AAAA-MM-DD] [--hasta AAAA-MM-DD]   weekly hours, rest days and
 *                                                  the dates with hours of their own
 *   calendario inhabil AAAA-MM-DD NOMBRE…          an admin closes a day (or renames it)
 *   calendario habil AAAA-MM-DD                    an admin opens a rest day again
 *   calendario especial AAAA-MM-DD HH:MM HH:MM NOMBRE…   an admin gives a date its own hours
 *   calendario normal AAAA-MM-DD                   the date goes back to its weekday's hours
 *   calendario horario DIA HH:MM HH:MM | DIA cerrado   an admin sets or closes a weekday
 *   calendario cambios [--limite N]                who changed what, and the timers moved
 * A change moves the running stage timers across it, and says how many. Flags are checked here
 * (exit 2) before connecting; refusals print the database's message (exit 1). Text or, with
 * --json, one object or array. Main thread.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_calendario.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

/* "AAAA-MM-DD" as people write it, "DD/MM/AAAA", into buf (size ≥ 11). */
static const char *
dmy(const char *iso, char *buf, size_t size)
{
    snprintf(buf, size, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    return buf;
}

static void
print_ver(const struct cmd_ctx *ctx, const struct db_horario_dia *h,
          const struct db_calendario_dia *d, size_t n)
{
    struct strbuf sb;
    struct json j;
    char f1[16], f2[16];
    size_t inhabiles = 0, especiales = 0;

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_obj(&j);
        json_key(&j, "horario");
        json_arr(&j);
        for (int i = 0; i < 7; i++) {
            json_obj(&j);
            json_key(&j, "dia");
            json_int(&j, h[i].dia);
            json_key(&j, "nombre");
            json_str(&j, h[i].nombre);
            json_key(&j, "abre");
            json_str(&j, h[i].abre[0] != '\0' ? h[i].abre : NULL);
            json_key(&j, "cierra");
            json_str(&j, h[i].cierra[0] != '\0' ? h[i].cierra : NULL);
            json_end(&j);
        }
        json_end(&j);
        json_key(&j, "dias");
        json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            const char *const kv[][2] = {
                { "fecha", d[i].fecha },
                { "dia", d[i].dia },
                { "abre", d[i].abre[0] != '\0' ? d[i].abre : NULL },
                { "cierra", d[i].cierra[0] != '\0' ? d[i].cierra : NULL },
                { "inhabil", d[i].inhabil[0] != '\0' ? d[i].inhabil : NULL },
                { "especial", d[i].especial[0] != '\0' ? d[i].especial : NULL },
            };

            json_obj(&j);
            crm_cmd_json_textos(&j, kv, sizeof kv / sizeof kv[0]);
            json_end(&j);
        }
        json_end(&j);
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    strbuf_addstr(&sb, "Horario de operación (los temporizadores corren solo en él):\n");
    for (int i = 0; i < 7; i++) {
        strbuf_addstr(&sb, "  ");
        crm_cmd_col(&sb, h[i].nombre, 10);
        if (h[i].abre[0] != '\0')
            strbuf_addf(&sb, "%s–%s\n", h[i].abre, h[i].cierra);
        else
            strbuf_addstr(&sb, "cerrado\n");
    }
    if (n > 0)
        strbuf_addf(&sb, "\nDías inhábiles del %s al %s:\n", dmy(d[0].fecha, f1, sizeof f1),
                    dmy(d[n - 1].fecha, f2, sizeof f2));
    for (size_t i = 0; i < n; i++) {
        if (d[i].inhabil[0] == '\0')
            continue;
        strbuf_addf(&sb, "  %s  ", dmy(d[i].fecha, f1, sizeof f1));
        crm_cmd_col(&sb, d[i].dia, 10);
        strbuf_addf(&sb, "%s\n", d[i].inhabil);
        inhabiles++;
    }
    if (n > 0 && inhabiles == 0)
        strbuf_addstr(&sb, "  ninguno\n");
    for (size_t i = 0; i < n; i++) { /* a rest day on a special date wins: it is closed */
        if (d[i].especial[0] == '\0' || d[i].inhabil[0] != '\0')
            continue;
        if (especiales++ == 0)
            strbuf_addstr(&sb, "\nDías con horario especial:\n");
        strbuf_addf(&sb, "  %s  ", dmy(d[i].fecha, f1, sizeof f1));
        crm_cmd_col(&sb, d[i].dia, 10);
        strbuf_addf(&sb, "%s–%s  %s\n", d[i].abre, d[i].cierra, d[i].especial);
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static int
run_ver(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *desde = NULL, *hasta = NULL;
    const struct cmd_opt opts[] = { { "desde", true, &desde, NULL },
                                    { "hasta", true, &hasta, NULL },
                                    { NULL, false, NULL, NULL } };
    struct db_calendario_dia *d = NULL;
    struct db_horario_dia h[7];
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, argc, argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (desde != NULL && !crm_cmd_fecha_valida(desde))
        return cmd_usage(entry, "«--desde» es una fecha AAAA-MM-DD");
    if (hasta != NULL && !crm_cmd_fecha_valida(hasta))
        return cmd_usage(entry, "«--hasta» es una fecha AAAA-MM-DD");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_horario(db, h, &e) != RC_OK || db_calendario(db, desde, hasta, &d, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_ver(ctx, h, d, n);
    db_calendario_free(d, n);
    db_close(db);
    return status;
}

/* The outcome of a change: its sentence, or {"recalculadas": n, "mensaje": "…"}. */
static int
print_cambio(const struct cmd_ctx *ctx, struct db *db, int rc, int recalculadas, char *msg,
             const struct err *e)
{
    char num[24];

    snprintf(num, sizeof num, "%d", recalculadas);
    return crm_cmd_cambio_hecho(ctx, db, rc, e, "recalculadas", num, true, msg);
}

/* pos[first…npos) as one name (it may come unquoted: «Día de la Virgen»), checked; NULL
 * (usage said) when it is not one. The caller frees it. */
static char *
nombre_de(const struct cmd_entry *entry, char **pos, int first, int npos)
{
    struct strbuf nombre;

    strbuf_init(&nombre);
    for (int i = first; i < npos; i++)
        strbuf_addf(&nombre, "%s%s", i > first ? " " : "", pos[i]);
    if (crm_cmd_texto(entry, "nombre", nombre.buf, 120) != 0) {
        strbuf_fini(&nombre);
        return NULL;
    }
    return strbuf_detach(&nombre, NULL);
}

static int
run_inhabil(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    char *pos[16], *msg = NULL, *nombre;
    struct err e = { 0 };
    int npos = 0, status, n = 0, rc;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, NULL, pos, 16, &npos)) != 0)
        return status;
    if (npos < 2)
        return cmd_usage(entry, "indique la fecha (AAAA-MM-DD) y el nombre del día inhábil");
    if (!crm_cmd_fecha_valida(pos[0]))
        return cmd_usage(entry, "«%s» no es una fecha AAAA-MM-DD", pos[0]);
    if ((nombre = nombre_de(entry, pos, 1, npos)) == NULL)
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL) {
        free(nombre);
        return 1;
    }
    rc = db_dia_inhabil_agregar(db, pos[0], nombre, &n, &msg, &e);
    free(nombre);
    return print_cambio(ctx, db, rc, n, msg, &e);
}

/* `habil FECHA` and `normal FECHA`: one date given back to its weekday's hours by quitar. */
static int
run_quitar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv,
           const char *uso, int (*quitar)(struct db *, const char *, int *, char **, struct err *))
{
    char *pos[1], *msg = NULL;
    struct err e = { 0 };
    int npos = 0, status, n = 0, rc;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, NULL, pos, 1, &npos)) != 0)
        return status;
    if (npos != 1 || !crm_cmd_fecha_valida(pos[0]))
        return cmd_usage(entry, "%s", uso);
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    rc = quitar(db, pos[0], &n, &msg, &e);
    return print_cambio(ctx, db, rc, n, msg, &e);
}

static int
run_habil(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    return run_quitar(ctx, entry, argc, argv,
                      "indique la fecha (AAAA-MM-DD) del día inhábil que se trabaja",
                      db_dia_inhabil_quitar);
}

/* A weekday: its Spanish name, with or without its accent (ASCII letters in any case), or
 * 1…7 (1 = lunes); 0 for none. */
static int
dia_semana(const char *s)
{
    static const char *const nombres[][2] = {
        { "lunes", "lunes" },     { "martes", "martes" },   { "miércoles", "miercoles" },
        { "jueves", "jueves" },   { "viernes", "viernes" }, { "sábado", "sabado" },
        { "domingo", "domingo" },
    };
    long v;

    if (cmd_parse_long(s, 1, 7, &v))
        return (int)v;
    for (int i = 0; i < 7; i++)
        if (strcasecmp(s, nombres[i][0]) == 0 || strcasecmp(s, nombres[i][1]) == 0)
            return i + 1;
    return 0;
}

/* "HH:MM" with HH 00–23 and MM 00–59. */
static bool
hora_valida(const char *s)
{
    for (int i = 0; i < 5; i++)
        if (i == 2 ? s[i] != ':' : (s[i] < '0' || s[i] > '9'))
            return false;
    return s[5] == '\0' && (s[0] - '0') * 10 + (s[1] - '0') <= 23 && s[3] <= '5';
}

static int
run_especial(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    char *pos[16], *msg = NULL, *nombre;
    struct err e = { 0 };
    int npos = 0, status, n = 0, rc;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, NULL, pos, 16, &npos)) != 0)
        return status;
    if (npos < 4)
        return cmd_usage(entry, "indique la fecha (AAAA-MM-DD), la apertura y el cierre (HH:MM"
                                " HH:MM) y el nombre del día");
    if (!crm_cmd_fecha_valida(pos[0]))
        return cmd_usage(entry, "«%s» no es una fecha AAAA-MM-DD", pos[0]);
    if (!hora_valida(pos[1]) || !hora_valida(pos[2]))
        return cmd_usage(entry, "el horario es la apertura y el cierre en HH:MM (p. ej. 09:00 "
                                "14:00)");
    if ((nombre = nombre_de(entry, pos, 3, npos)) == NULL)
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL) {
        free(nombre);
        return 1;
    }
    rc = db_dia_especial_agregar(db, pos[0], pos[1], pos[2], nombre, &n, &msg, &e);
    free(nombre);
    return print_cambio(ctx, db, rc, n, msg, &e);
}

static int
run_normal(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    return run_quitar(ctx, entry, argc, argv,
                      "indique la fecha (AAAA-MM-DD) que vuelve a su horario de siempre",
                      db_dia_especial_quitar);
}

static int
run_horario(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    char *pos[3], *msg = NULL;
    struct err e = { 0 };
    int npos = 0, status, n = 0, dia, rc;
    bool cerrar;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, NULL, pos, 3, &npos)) != 0)
        return status;
    if (npos < 2)
        return cmd_usage(entry, "indique el día y su horario (HH:MM HH:MM) o «cerrado»");
    if ((dia = dia_semana(pos[0])) == 0)
        return cmd_usage(entry, "«%s» no es un día de la semana (lunes … domingo, o 1 … 7)",
                         pos[0]);
    cerrar = npos == 2 && strcasecmp(pos[1], "cerrado") == 0;
    if (!cerrar && (npos != 3 || !hora_valida(pos[1]) || !hora_valida(pos[2])))
        return cmd_usage(entry, "el horario es la apertura y el cierre en HH:MM (p. ej. 09:00 "
                                "19:00), o «cerrado»");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    rc = db_horario_cambiar(db, dia, cerrar ? NULL : pos[1], cerrar ? NULL : pos[2], &n, &msg, &e);
    return print_cambio(ctx, db, rc, n, msg, &e);
}

/* "12/12/2026 (sábado)" or "los sábados": what a change was about. */
static const char *
sobre(const struct db_calendario_cambio *c, char *buf, size_t size)
{
    char f[16];

    if (c->fecha[0] != '\0')
        snprintf(buf, size, "%s (%s)", dmy(c->fecha, f, sizeof f), c->dia);
    else
        snprintf(buf, size, "los %s%s", c->dia, /* lunes, sábados */
                 c->dia[0] != '\0' && c->dia[strlen(c->dia) - 1] == 's' ? "" : "s");
    return buf;
}

static void
print_cambios(const struct cmd_ctx *ctx, const struct db_calendario_cambio *c, size_t n)
{
    static const struct {
        const char *cambio, *texto;
    } textos[] = {
        { "INHABIL_AGREGADO", "día inhábil" },
        { "INHABIL_RENOMBRADO", "nombre del día inhábil" },
        { "INHABIL_QUITADO", "día inhábil quitado" },
        { "HORARIO", "horario" },
        { "ESPECIAL_AGREGADO", "horario especial" },
        { "ESPECIAL_CAMBIADO", "horario especial" },
        { "ESPECIAL_QUITADO", "horario especial quitado" },
    };
    struct strbuf sb;
    struct json j;
    char t[40], s[48];

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            const char *const kv[][2] = {
                { "hecho", crm_cmd_time_iso(c[i].hecho_at, t, sizeof t) },
                { "hecho_por", c[i].hecho_por[0] != '\0' ? c[i].hecho_por : NULL },
                { "cambio", c[i].cambio },
                { "fecha", c[i].fecha[0] != '\0' ? c[i].fecha : NULL },
                { "dia", c[i].dia },
                { "antes", c[i].antes[0] != '\0' ? c[i].antes : NULL },
                { "despues", c[i].despues[0] != '\0' ? c[i].despues : NULL },
            };

            json_obj(&j);
            json_key(&j, "id");
            json_int(&j, c[i].id);
            crm_cmd_json_textos(&j, kv, sizeof kv / sizeof kv[0]);
            json_key(&j, "recalculadas");
            json_int(&j, c[i].recalculadas);
            json_end(&j);
        }
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    if (n == 0) {
        puts("el calendario no ha cambiado desde la instalación");
        strbuf_fini(&sb);
        return;
    }
    crm_cmd_col(&sb, "CUÁNDO", 22);
    crm_cmd_col(&sb, "QUIÉN", 14);
    crm_cmd_col(&sb, "QUÉ", 22);
    crm_cmd_col(&sb, "DÍA", 24);
    crm_cmd_col(&sb, "TEMPORIZADORES", 14);
    strbuf_addstr(&sb, "ANTES → DESPUÉS\n");
    for (size_t i = 0; i < n; i++) {
        const char *que = c[i].cambio;

        for (size_t k = 0; k < sizeof textos / sizeof textos[0]; k++)
            if (strcmp(c[i].cambio, textos[k].cambio) == 0)
                que = textos[k].texto;
        crm_cmd_col(&sb, crm_cmd_time(c[i].hecho_at, t, sizeof t), 22);
        crm_cmd_col(&sb, c[i].hecho_por[0] != '\0' ? c[i].hecho_por : "(superusuario)", 14);
        crm_cmd_col(&sb, que, 22);
        crm_cmd_col(&sb, sobre(&c[i], s, sizeof s), 24);
        snprintf(t, sizeof t, "%d", c[i].recalculadas);
        crm_cmd_col(&sb, t, 14);
        strbuf_addf(&sb, "%s → %s\n", c[i].antes[0] != '\0' ? c[i].antes : "—",
                    c[i].despues[0] != '\0' ? c[i].despues : "—");
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static int
run_cambios(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    struct db_calendario_cambio *c = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status, lim = 0;

    if ((status = crm_cmd_solo_limite(entry, argc, argv, &lim)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_calendario_cambios(db, lim, &c, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_cambios(ctx, c, n);
    db_calendario_cambios_free(c, n);
    db_close(db);
    return status;
}

int
cmd_calendario_exec(struct cmd_ctx *ctx)
{
    static const struct cmd_verb verbs[] = {
        { "ver", run_ver },           { "inhabil", run_inhabil }, { "habil", run_habil },
        { "especial", run_especial }, { "normal", run_normal },   { "horario", run_horario },
        { "cambios", run_cambios },
    };

    return cmd_verbs_run(ctx, "calendario", verbs, sizeof verbs / sizeof verbs[0], true);
}
