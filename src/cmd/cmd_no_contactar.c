/*
 * cmd_no_contactar — `embudo no-contactar …`, the do-not-contact registry (sql/074,
 * docs/no-contactar.md):
 *   agregar TELEFONO [--fuente F] [--registrado D] [--detalle T]   one number (SOLICITUD…)
 *   importar ARCHIVO.csv|- --fuente REUS|REPEP …                  cmd_no_contactar_importar.c
 *   quitar TELEFONO --fuente F --motivo M                         ends an entry (admins)
 *   consultar TELEFONO                                            anyone
 *   lista [--fuente F] [--todas] [--limite N] [--despues T]       supervisors, admins, auditors
 *   resumen                                                       ídem
 * The database decides who may do what (EB8xx, 42501); flags and phones are checked here first
 * (exit 2). Refusals print the database's message (exit 1). Main thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "cmd/cmd_no_contactar_int.h"
#include "core/dnc.h"
#include "core/import.h"
#include "db/db.h"
#include "db/db_no_contactar.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

#define LISTA_LIMITE_DEFECTO 100
#define LISTA_LIMITE_MAX     5000 /* numbers per page; the api takes up to 10 000 */
#define TEXTO_MAX            500

int
nc_fuente_arg(const struct cmd_entry *entry, const char *s, bool solicitud, char out[12])
{
    static const char *const fuentes[] = { "REUS", "REPEP", "SOLICITUD" };
    size_t n = solicitud ? 3 : 2;

    for (size_t i = 0; s != NULL && i < n; i++)
        if (strcasecmp(s, fuentes[i]) == 0) {
            snprintf(out, 12, "%s", fuentes[i]);
            return 0;
        }
    if (s == NULL)
        return cmd_usage(entry, "falta «--fuente» (%s)",
                         solicitud ? "REUS, REPEP o SOLICITUD" : "REUS o REPEP");
    if (!solicitud && strcasecmp(s, "SOLICITUD") == 0)
        return cmd_usage(entry, "una carga es de REUS o de REPEP; las solicitudes se agregan una "
                                "por una con «no-contactar agregar»");
    return cmd_usage(entry, "«--fuente» debe ser %s (se dio «%s»)",
                     solicitud ? "REUS, REPEP o SOLICITUD" : "REUS o REPEP", s);
}

int
nc_telefono_arg(const struct cmd_entry *entry, const char *s, char out[14])
{
    if (s == NULL)
        return cmd_usage(entry, "falta el TELEFONO");
    if (!import_phone_normalize(s, out))
        return cmd_usage(entry, "«%s» no es un teléfono mexicano de 10 dígitos", s);
    return 0;
}

bool
nc_ts_parse(const char *s, time_t *out)
{
    struct tm tm = { 0 };
    const char *p;
    long off = 0, hh = 0, mm = 0;
    int sign;
    time_t t;

    if (s == NULL || (p = strptime(s, "%Y-%m-%d %H:%M:%S", &tm)) == NULL)
        return false;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if (*p != '+' && *p != '-')
        return false;
    sign = *p++ == '-' ? -1 : 1;
    /* PostgreSQL writes the offset as +HH or +HH:MM (ISO DateStyle). */
    if (sscanf(p, "%2ld:%2ld", &hh, &mm) < 1)
        return false;
    off = sign * (hh * 3600 + mm * 60);
    if ((t = timegm(&tm)) == (time_t)-1)
        return false;
    *out = t - off;
    return true;
}

/* The local date (business zone) of a server timestamp, "—" for NULL, or "sin fin". */
static const char *
fecha_local(const char *ts, const char *if_null, char buf[16])
{
    struct tm tm;
    time_t t;

    if (ts == NULL)
        return if_null;
    if (!nc_ts_parse(ts, &t) || localtime_r(&t, &tm) == NULL ||
        strftime(buf, 16, "%Y-%m-%d", &tm) == 0)
        return ts;
    return buf;
}

/* A server timestamp as ISO 8601 UTC for JSON (NULL stays null). */
static void
json_ts(struct json *j, const char *ts)
{
    char buf[32];
    time_t t;

    if (ts == NULL)
        json_null(j);
    else if (nc_ts_parse(ts, &t))
        json_str(j, crm_cmd_time_iso(t, buf, sizeof buf));
    else
        json_str(j, ts);
}

const char *
nc_plural(long long n, const char *uno, const char *varios)
{
    return n == 1 ? uno : varios;
}

/* ---- agregar ------------------------------------------------------------------------------ */

static void
print_alta(const struct cmd_ctx *ctx, const struct db_no_contactar_alta *a)
{
    struct strbuf sb;
    struct json j;
    char fecha[16];

    if (!ctx->json) {
        if (a->hasta[0] == '\0')
            printf("%s quedó en el registro de no contactar: %s, sin fin.\n", a->telefono,
                   a->fuente);
        else
            printf("%s quedó en el registro de no contactar: %s, vence el %s.\n", a->telefono,
                   a->fuente, fecha_local(a->hasta, "", fecha));
        printf("%d %s del padrón %s; %d %s %s ese teléfono.\n", a->clientes,
               nc_plural(a->clientes, "cliente", "clientes"),
               nc_plural(a->clientes, "bloqueado", "bloqueados"), a->oportunidades,
               nc_plural(a->oportunidades, "oportunidad activa", "oportunidades activas"),
               nc_plural(a->oportunidades, "tiene", "tienen"));
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "telefono");
    json_str(&j, a->telefono);
    json_key(&j, "fuente");
    json_str(&j, a->fuente);
    json_key(&j, "hasta");
    json_ts(&j, a->hasta[0] != '\0' ? a->hasta : NULL);
    json_key(&j, "clientes_bloqueados");
    json_int(&j, a->clientes);
    json_key(&j, "oportunidades_activas");
    json_int(&j, a->oportunidades);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

/* --registrado as AAAA-MM-DD (DD/MM/AAAA accepted too) into out. 0, or 2 after usage. */
static int
registrado_arg(const struct cmd_entry *entry, const char *s, char out[11])
{
    int days;
    bool real;

    if (!dnc_date_parse(s, &days, &real) || !real)
        return cmd_usage(entry,
                         "«--registrado» debe ser una fecha AAAA-MM-DD que exista (se dio "
                         "«%s»)",
                         s);
    dnc_date_fmt(days, out);
    return 0;
}

static int
run_agregar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *fuente_s = NULL, *reg_s = NULL, *detalle = NULL;
    const struct cmd_opt opts[] = {
        { "fuente", true, &fuente_s, NULL },
        { "registrado", true, &reg_s, NULL },
        { "detalle", true, &detalle, NULL },
        { NULL, false, NULL, NULL },
    };
    char *pos[1], tel[14], fuente[12], reg[11];
    int npos = 0, status;
    struct db_no_contactar_alta a;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (nc_telefono_arg(entry, npos > 0 ? pos[0] : NULL, tel) != 0 ||
        nc_fuente_arg(entry, fuente_s != NULL ? fuente_s : "SOLICITUD", true, fuente) != 0 ||
        (reg_s != NULL && registrado_arg(entry, reg_s, reg) != 0) ||
        (detalle != NULL && crm_cmd_texto(entry, "detalle", detalle, TEXTO_MAX) != 0))
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_no_contactar_agregar(db, tel, fuente, reg_s != NULL ? reg : NULL, detalle, &a, &e) !=
        RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_alta(ctx, &a);
    db_close(db);
    return status;
}

/* ---- quitar ------------------------------------------------------------------------------- */

static void
print_quitado(const struct cmd_ctx *ctx, const char *tel, const char *fuente, int quedan)
{
    struct strbuf sb;
    struct json j;

    if (!ctx->json) {
        printf("%s ya no está en el registro %s de no contactar.\n", tel, fuente);
        if (quedan == 0)
            printf("Ningún cliente del padrón sigue bloqueado por ese número.\n");
        else
            printf("%d %s del padrón %s por otra fuente.\n", quedan,
                   nc_plural(quedan, "cliente", "clientes"),
                   nc_plural(quedan, "sigue bloqueado", "siguen bloqueados"));
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "telefono");
    json_str(&j, tel);
    json_key(&j, "fuente");
    json_str(&j, fuente);
    json_key(&j, "clientes_bloqueados");
    json_int(&j, quedan);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static int
run_quitar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *fuente_s = NULL, *motivo = NULL;
    const struct cmd_opt opts[] = {
        { "fuente", true, &fuente_s, NULL },
        { "motivo", true, &motivo, NULL },
        { NULL, false, NULL, NULL },
    };
    char *pos[1], tel[14], fuente[12];
    int npos = 0, status, quedan = 0;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (nc_telefono_arg(entry, npos > 0 ? pos[0] : NULL, tel) != 0 ||
        nc_fuente_arg(entry, fuente_s, true, fuente) != 0 ||
        crm_cmd_texto(entry, "motivo", motivo, TEXTO_MAX) != 0)
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_no_contactar_quitar(db, tel, fuente, motivo, &quedan, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_quitado(ctx, tel, fuente, quedan);
    db_close(db);
    return status;
}

/* ---- consultar and lista ------------------------------------------------------------------ */

static const char *
estado(const struct db_no_contactar *r)
{
    return r->vigente ? "vigente" : r->quitado_at != NULL ? "quitado" : "vencido";
}

static void
json_entries(struct json *j, const struct db_no_contactar *r, size_t n, bool lista)
{
    json_arr(j);
    for (size_t i = 0; i < n; i++) {
        json_obj(j);
        if (lista) {
            json_key(j, "telefono");
            json_str(j, r[i].telefono);
        }
        json_key(j, "fuente");
        json_str(j, r[i].fuente);
        json_key(j, "registrado");
        json_str(j, r[i].registrado);
        json_key(j, "hasta");
        json_ts(j, r[i].hasta);
        if (lista) {
            json_key(j, "estado");
            json_str(j, estado(&r[i]));
        }
        json_key(j, "detalle");
        json_str(j, r[i].detalle);
        json_key(j, "creado_por");
        json_str(j, r[i].creado_por);
        json_key(j, "creado_at");
        json_ts(j, r[i].creado_at);
        if (lista) {
            json_key(j, "quitado_at");
            json_ts(j, r[i].quitado_at);
            json_key(j, "quitado_por");
            json_str(j, r[i].quitado_por);
            json_key(j, "quitado_motivo");
            json_str(j, r[i].quitado_motivo);
        }
        json_end(j);
    }
    json_end(j);
}

static void
print_consulta(const struct cmd_ctx *ctx, const char *tel, const struct db_no_contactar *r,
               size_t n)
{
    struct strbuf sb;
    struct json j;
    char f1[16];

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_obj(&j);
        json_key(&j, "telefono");
        json_str(&j, tel);
        json_key(&j, "en_registro");
        json_bool(&j, n > 0);
        json_key(&j, "entradas");
        json_entries(&j, r, n, false);
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    if (n == 0) {
        printf("El número %s no está en el registro de no contactar.\n", tel);
        strbuf_fini(&sb);
        return;
    }
    strbuf_addf(&sb, "El número %s está en el registro de no contactar:\n", tel);
    crm_cmd_col(&sb, "FUENTE", 9);
    crm_cmd_col(&sb, "REGISTRADO", 10);
    crm_cmd_col(&sb, "VENCE", 10);
    crm_cmd_col(&sb, "AGREGÓ", 12);
    strbuf_addstr(&sb, "DETALLE\n");
    for (size_t i = 0; i < n; i++) {
        crm_cmd_col(&sb, r[i].fuente, 9);
        crm_cmd_col(&sb, r[i].registrado != NULL ? r[i].registrado : "—", 10);
        crm_cmd_col(&sb, fecha_local(r[i].hasta, "sin fin", f1), 10);
        crm_cmd_col(&sb, r[i].creado_por != NULL ? r[i].creado_por : "—", 12);
        strbuf_addf(&sb, "%s\n", r[i].detalle != NULL ? r[i].detalle : "—");
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static int
run_consultar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    struct db_no_contactar *rows = NULL;
    char *pos[1], tel[14];
    int npos = 0, status;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, NULL, pos, 1, &npos)) != 0)
        return status;
    if (nc_telefono_arg(entry, npos > 0 ? pos[0] : NULL, tel) != 0)
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_no_contactar_consultar(db, tel, &rows, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_consulta(ctx, tel, rows, n);
    db_no_contactar_free(rows, n);
    db_close(db);
    return status;
}

static void
print_lista(const struct db_no_contactar *r, size_t n, bool todas)
{
    struct strbuf sb;
    char f[16];

    strbuf_init(&sb);
    crm_cmd_col(&sb, "TELÉFONO", 13);
    crm_cmd_col(&sb, "FUENTE", 9);
    crm_cmd_col(&sb, "REGISTRADO", 10);
    crm_cmd_col(&sb, "VENCE", 10);
    crm_cmd_col(&sb, "ESTADO", 7);
    crm_cmd_col(&sb, "AGREGÓ", 12);
    if (todas) {
        crm_cmd_col(&sb, "QUITÓ", 12);
        crm_cmd_col(&sb, "MOTIVO", 30);
    }
    strbuf_addstr(&sb, "DETALLE\n");
    for (size_t i = 0; i < n; i++) {
        crm_cmd_col(&sb, r[i].telefono, 13);
        crm_cmd_col(&sb, r[i].fuente, 9);
        crm_cmd_col(&sb, r[i].registrado != NULL ? r[i].registrado : "—", 10);
        crm_cmd_col(&sb, fecha_local(r[i].hasta, "sin fin", f), 10);
        crm_cmd_col(&sb, estado(&r[i]), 7);
        crm_cmd_col(&sb, r[i].creado_por != NULL ? r[i].creado_por : "—", 12);
        if (todas) {
            crm_cmd_col(&sb, r[i].quitado_por != NULL ? r[i].quitado_por : "—", 12);
            crm_cmd_col(&sb, r[i].quitado_motivo != NULL ? r[i].quitado_motivo : "—", 30);
        }
        strbuf_addf(&sb, "%s\n", r[i].detalle != NULL ? r[i].detalle : "—");
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

/*
 * How many of the n rows to show: api.no_contactar_lista returns every entry of up to the
 * number of numbers asked for, and run_lista asks for one number more than limite to learn
 * whether a next page exists; the rows of that extra number are not shown. *more: they exist.
 */
static size_t
pagina(const struct db_no_contactar *r, size_t n, size_t limite, bool *more)
{
    size_t numeros = 0;

    for (size_t i = 0; i < n; i++) {
        if ((i == 0 || strcmp(r[i - 1].telefono, r[i].telefono) != 0) && numeros++ == limite) {
            *more = true;
            return i;
        }
    }
    *more = false;
    return n;
}

static void
print_lista_json(const struct db_no_contactar *r, size_t shown, bool more)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "entradas");
    json_entries(&j, r, shown, true);
    json_key(&j, "despues");
    json_str(&j, more && shown > 0 ? r[shown - 1].telefono : NULL);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static int
run_lista(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *fuente_s = NULL, *limite_s = NULL, *despues_s = NULL;
    bool todas = false, more;
    const struct cmd_opt opts[] = {
        { "fuente", true, &fuente_s, NULL },   { "limite", true, &limite_s, NULL },
        { "despues", true, &despues_s, NULL }, { "todas", false, NULL, &todas },
        { NULL, false, NULL, NULL },
    };
    struct db_no_contactar *rows = NULL;
    char fuente[12], despues[14];
    long limite = LISTA_LIMITE_DEFECTO;
    int status;
    struct err e = { 0 };
    size_t n = 0, shown;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if ((fuente_s != NULL && nc_fuente_arg(entry, fuente_s, true, fuente) != 0) ||
        (despues_s != NULL && nc_telefono_arg(entry, despues_s, despues) != 0))
        return 2;
    if (limite_s != NULL && !cmd_parse_long(limite_s, 1, LISTA_LIMITE_MAX, &limite))
        return cmd_usage(entry, "«--limite» debe ser un número entre 1 y %d (se dio «%s»)",
                         LISTA_LIMITE_MAX, limite_s);
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_no_contactar_lista(db, fuente_s != NULL ? fuente : NULL,
                              despues_s != NULL ? despues : NULL, (int)limite + 1, todas, &rows, &n,
                              &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
        goto out;
    }
    shown = pagina(rows, n, (size_t)limite, &more);
    if (ctx->json) {
        print_lista_json(rows, shown, more);
    } else {
        print_lista(rows, shown, todas);
        if (more)
            fprintf(stderr, "hay más entradas: siga con «--despues %s»\n",
                    rows[shown - 1].telefono);
    }
out:
    db_no_contactar_free(rows, n);
    db_close(db);
    return status;
}

/* ---- resumen ------------------------------------------------------------------------------ */

static void
print_resumen(const struct cmd_ctx *ctx, const struct db_no_contactar_resumen *r)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_arr(&j);
        for (int i = 0; i < 3; i++) {
            json_obj(&j);
            json_key(&j, "fuente");
            json_str(&j, r[i].fuente);
            json_key(&j, "vigentes");
            json_int(&j, r[i].vigentes);
            json_key(&j, "vencidos");
            json_int(&j, r[i].vencidos);
            json_key(&j, "quitados");
            json_int(&j, r[i].quitados);
            json_key(&j, "clientes_bloqueados");
            json_int(&j, r[i].clientes_bloqueados);
            json_key(&j, "oportunidades_activas");
            json_int(&j, r[i].oportunidades_activas);
            json_end(&j);
        }
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    crm_cmd_col(&sb, "FUENTE", 9);
    crm_cmd_col(&sb, "VIGENTES", 9);
    crm_cmd_col(&sb, "VENCIDOS", 9);
    crm_cmd_col(&sb, "QUITADOS", 9);
    crm_cmd_col(&sb, "CLIENTES BLOQUEADOS", 19);
    strbuf_addstr(&sb, "OPORTUNIDADES ACTIVAS\n");
    for (int i = 0; i < 3; i++) {
        crm_cmd_col(&sb, r[i].fuente, 9);
        strbuf_addf(&sb, "%-9lld %-9lld %-9lld %-19lld %lld\n", (long long)r[i].vigentes,
                    (long long)r[i].vencidos, (long long)r[i].quitados,
                    (long long)r[i].clientes_bloqueados, (long long)r[i].oportunidades_activas);
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static int
run_resumen(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    struct db_no_contactar_resumen r[3];
    struct err e = { 0 };
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, argc, argv, NULL, NULL, 0, NULL)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_no_contactar_resumen(db, r, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_resumen(ctx, r);
    db_close(db);
    return status;
}

int
cmd_no_contactar_exec(struct cmd_ctx *ctx)
{
    static const struct cmd_verb verbs[] = {
        { "agregar", run_agregar },     { "importar", nc_importar }, { "quitar", run_quitar },
        { "consultar", run_consultar }, { "lista", run_lista },      { "resumen", run_resumen },
    };

    return cmd_verbs_run(ctx, "no-contactar", verbs, sizeof verbs / sizeof verbs[0], false);
}
