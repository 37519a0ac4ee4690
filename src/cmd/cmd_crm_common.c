/* cmd_crm_common — helpers shared by the CRM commands (see cmd_crm.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_crm.h"
#include "core/config.h"
#include "db/db.h"
#include "db/db_crm.h"
#include "db/db_sesion.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define IDS_MAX 1000

struct db *
crm_cmd_open(const struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    struct db *db;

    /* Times are shown in the business zone unless the person set TZ themselves. */
    if (getenv("TZ") == NULL && ctx->cfg->zona.value != NULL && ctx->cfg->zona.value[0] != '\0') {
        setenv("TZ", ctx->cfg->zona.value, 1);
        tzset();
    }
    db = db_open(ctx->cfg, ctx->as_login, &e);
    if (db == NULL)
        (void)crm_cmd_fail(ctx, &e);
    return db;
}

bool
crm_cmd_sesion_barre(const struct db_sesion *s, const char *que, const char *hace, struct err *e)
{
    if (s->barre)
        return true;
    if (strcmp(s->rol, "AUDITOR") == 0)
        err_set(e, RC_REFUSED,
                "un auditor no puede correr %s: su rol solo consulta, y %s escribe cada minuto"
                " (%s); use la cuenta svc_embudo o un administrador",
                que, que, hace);
    else
        err_set(e, RC_REFUSED,
                "la sesión %s no puede correr %s: su rol no tiene permiso para el barrido de"
                " temporizadores (api.barrer_timers); use la cuenta svc_embudo o un administrador",
                s->login, que);
    return false;
}

int
crm_cmd_fail(const struct cmd_ctx *ctx, const struct err *in)
{
    struct err copy = *in;
    const struct err *e = &copy;

    /* Functions not granted to the caller's role (api.bandeja for a promoter…). */
    if (strcmp(in->code, "42501") == 0)
        snprintf(copy.msg, sizeof copy.msg, "su usuario no tiene permiso para esto (%.400s)",
                 in->msg);
    if (ctx->json) {
        struct strbuf sb;
        struct json j;

        strbuf_init(&sb);
        json_init(&j, &sb);
        json_obj(&j);
        json_key(&j, "error");
        json_obj(&j);
        json_key(&j, "codigo");
        json_str(&j, e->code[0] != '\0' ? e->code : NULL);
        json_key(&j, "mensaje");
        json_str(&j, e->msg);
        json_end(&j);
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
    }
    return cmd_fail("%s", e->msg);
}

void
crm_cmd_json_print(struct strbuf *sb)
{
    fputs(sb->buf, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    strbuf_reset(sb);
}

void
crm_cmd_json_textos(struct json *j, const char *const (*kv)[2], size_t n)
{
    for (size_t k = 0; k < n; k++) {
        json_key(j, kv[k][0]);
        json_str(j, kv[k][1]);
    }
}

void
crm_cmd_una_linea(struct strbuf *sb, const char *s)
{
    for (; s != NULL && *s != '\0'; s++)
        strbuf_addch(sb, *s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s);
}

void
crm_cmd_print_cambio(const struct cmd_ctx *ctx, const char *msg, const char *k1, const char *v1,
                     bool v1_num, const char *k2, const char *v2)
{
    struct strbuf sb;
    struct json j;

    if (!ctx->json) {
        printf("%s\n", msg);
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, k1);
    if (v1_num)
        json_num(&j, v1);
    else
        json_str(&j, v1);
    json_key(&j, k2);
    json_str(&j, v2);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
crm_cmd_oportunidad(const struct cmd_entry *entry, const char *s, long *id)
{
    if (!cmd_parse_long(s, 1, INT64_MAX, id))
        return cmd_usage(entry, "«%s» no es un número de oportunidad", s);
    return 0;
}

int
crm_cmd_ids(const struct cmd_entry *entry, char **pos, int npos, int64_t **ids)
{
    long v;
    int status;

    *ids = NULL;
    if (npos < 1)
        return cmd_usage(entry, "falta el número de oportunidad");
    if (npos > IDS_MAX)
        return cmd_usage(entry, "a lo más %d oportunidades por llamada", IDS_MAX);
    *ids = xcalloc((size_t)npos, sizeof **ids);
    for (int i = 0; i < npos; i++) {
        if ((status = crm_cmd_oportunidad(entry, pos[i], &v)) != 0) {
            free(*ids);
            *ids = NULL;
            return status;
        }
        (*ids)[i] = v;
    }
    return 0;
}

static int
crm_cmd_edad(const struct cmd_entry *entry, const char *flag, const char *s, int *out)
{
    long v;

    *out = 0;
    if (s == NULL)
        return 0;
    if (!cmd_parse_long(s, 18, 110, &v))
        return cmd_usage(entry, "«--%s» debe ser una edad entre 18 y 110 (se dio «%s»)", flag, s);
    *out = (int)v;
    return 0;
}

int
crm_cmd_filtros(const struct cmd_entry *entry, const char *convenio, const char *entidad,
                const char *edad_min, const char *edad_max, struct db_filtros *f)
{
    *f = (struct db_filtros){ .convenio = convenio, .entidad = entidad };
    if (convenio != NULL && (convenio[0] == '\0' || strlen(convenio) > 20))
        return cmd_usage(entry, "«--convenio» debe ser la clave de un convenio (p. ej. IMSS)");
    if (entidad != NULL && (entidad[0] == '\0' || strlen(entidad) > 4))
        return cmd_usage(entry, "«--entidad» debe ser la clave de una entidad (p. ej. JAL, CDMX)");
    if (crm_cmd_edad(entry, "edad-min", edad_min, &f->edad_min) != 0 ||
        crm_cmd_edad(entry, "edad-max", edad_max, &f->edad_max) != 0)
        return 2;
    if (f->edad_min != 0 && f->edad_max != 0 && f->edad_min > f->edad_max)
        return cmd_usage(entry, "«--edad-min» (%d) es mayor que «--edad-max» (%d)", f->edad_min,
                         f->edad_max);
    return 0;
}

/* Characters, not bytes: UTF-8 continuation bytes are not counted. */
static size_t
utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

bool
crm_cmd_monto_valido(const char *s)
{
    size_t ent = strspn(s, "0123456789"), dec = 0;
    bool nonzero = strspn(s, "0.") != strlen(s);

    if (ent < 1 || ent > 8)
        return false;
    if (s[ent] == '.') {
        dec = strspn(s + ent + 1, "0123456789");
        if (dec < 1 || dec > 2)
            return false;
        return s[ent + 1 + dec] == '\0' && nonzero;
    }
    return s[ent] == '\0' && nonzero;
}

int
crm_cmd_texto(const struct cmd_entry *entry, const char *flag, const char *value, size_t max_chars)
{
    const char *p = value;

    if (value == NULL)
        return cmd_usage(entry, "falta «--%s»", flag);
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0')
        return cmd_usage(entry, "«--%s» no puede estar vacío", flag);
    if (utf8_chars(value) > max_chars)
        return cmd_usage(entry, "«--%s» admite a lo más %zu caracteres", flag, max_chars);
    return 0;
}

void
crm_cmd_col(struct strbuf *sb, const char *s, int width)
{
    int chars = 0;
    const char *p = s;

    /* whole characters only: a continuation byte (10xxxxxx) never starts one */
    while (*p != '\0' && chars < width) {
        p++;
        while (((unsigned char)*p & 0xC0) == 0x80)
            p++;
        chars++;
    }
    strbuf_add(sb, s, (size_t)(p - s));
    for (; chars < width; chars++)
        strbuf_addch(sb, ' ');
    strbuf_addch(sb, ' ');
}

const char *
crm_cmd_time(time_t t, char *buf, size_t size)
{
    struct tm tm;

    if (t == 0 || localtime_r(&t, &tm) == NULL ||
        strftime(buf, size, "%Y-%m-%d %H:%M %z", &tm) == 0)
        snprintf(buf, size, "—");
    return buf;
}

const char *
crm_cmd_time_iso(time_t t, char *buf, size_t size)
{
    struct tm tm;

    if (t == 0 || gmtime_r(&t, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return NULL;
    return buf;
}

bool
crm_cmd_fecha_valida(const char *s)
{
    struct tm tm = { 0 };
    char back[16];
    const char *end;

    if (s == NULL || (end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0' ||
        tm.tm_year < 100 || tm.tm_year > 300)
        return false;
    tm.tm_isdst = -1;
    tm.tm_hour = 12;
    if (mktime(&tm) == (time_t)-1)
        return false;
    strftime(back, sizeof back, "%Y-%m-%d", &tm);
    return strcmp(back, s) == 0;
}

int
crm_cmd_solo_limite(const struct cmd_entry *entry, int argc, char **argv, int *out)
{
    const char *limite = NULL;
    const struct cmd_opt opts[] = { { "limite", true, &limite, NULL },
                                    { NULL, false, NULL, NULL } };
    long lim = 50;
    int status;

    if ((status = cmd_parse(entry, argc, argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (limite != NULL && !cmd_parse_long(limite, 1, 1000, &lim))
        return cmd_usage(entry, "«--limite» es un número de 1 a 1000");
    *out = (int)lim;
    return 0;
}

int
crm_cmd_cambio_hecho(const struct cmd_ctx *ctx, struct db *db, int rc, const struct err *e,
                     const char *k1, const char *v1, bool v1_num, char *msg)
{
    int status = 0;

    if (rc != RC_OK)
        status = crm_cmd_fail(ctx, e);
    else
        crm_cmd_print_cambio(ctx, msg != NULL ? msg : "", k1, v1, v1_num, "mensaje", msg);
    free(msg);
    db_close(db);
    return status;
}
