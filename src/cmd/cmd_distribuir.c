/*
 * cmd_distribuir — `embudo distribuir --cantidad N [filters] [--promotores a,b] [--vista-previa]
 * [--clave K]`: a supervisor deals N clients of the pool evenly over their team (or the named
 * promoters), within each one's cupo and cartera (api.distribuir, sql/069). --vista-previa
 * prints the plan only (api.distribuir_vista): who would get how many, and why (today's
 * receipts, cupo and cartera room), next to the filter's count. Main thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_crm.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* The most logins --promotores takes (a team, not the whole company). */
#define PROMOTORES_MAX 200

static void
col_int(struct strbuf *sb, long long v, int width)
{
    char num[24];

    snprintf(num, sizeof num, "%lld", v);
    crm_cmd_col(sb, num, width);
}

static void
print_text(const struct db_distribucion *d, bool vista)
{
    struct strbuf sb;
    int total = 0;

    strbuf_init(&sb);
    if (!vista && d->mensaje != NULL)
        strbuf_addf(&sb, "%s\n", d->mensaje);
    crm_cmd_col(&sb, "PROMOTOR", 14);
    crm_cmd_col(&sb, "NOMBRE", 28);
    if (vista) {
        crm_cmd_col(&sb, "HOY", 4);
        crm_cmd_col(&sb, "CUPO", 5);
        crm_cmd_col(&sb, "CARTERA", 7);
        strbuf_addstr(&sb, "RECIBIRÍA\n");
    } else {
        crm_cmd_col(&sb, "RECIBIÓ", 7);
        crm_cmd_col(&sb, "LOTE", 8);
        strbuf_addstr(&sb, "CUPO RESTANTE\n");
    }
    for (size_t i = 0; i < d->n; i++) {
        const struct db_distribucion_fila *f = &d->filas[i];

        crm_cmd_col(&sb, f->login, 14);
        crm_cmd_col(&sb, f->nombre != NULL ? f->nombre : "", 28);
        if (vista) {
            col_int(&sb, f->recibidos_hoy, 4);
            col_int(&sb, f->cupo_restante, 5);
            col_int(&sb, f->cartera_libre, 7);
            strbuf_addf(&sb, "%d\n", f->recibe);
        } else {
            col_int(&sb, f->recibe, 7);
            if (f->lote_id != 0)
                col_int(&sb, f->lote_id, 8);
            else
                crm_cmd_col(&sb, "—", 8);
            strbuf_addf(&sb, "%d\n", f->cupo_restante);
        }
        total += f->recibe;
    }
    if (vista)
        strbuf_addf(&sb, "total: %d de %lld disponibles con esos filtros\n", total,
                    (long long)d->disponibles);
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static void
print_json(const struct db_distribucion *d, bool vista)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    if (vista) {
        json_key(&j, "disponibles");
        json_int(&j, d->disponibles);
    } else {
        json_key(&j, "distribucion");
        json_int(&j, d->distribucion_id);
        json_key(&j, "repetido");
        json_bool(&j, d->repetido);
        json_key(&j, "mensaje");
        json_str(&j, d->mensaje);
    }
    json_key(&j, "promotores");
    json_arr(&j);
    for (size_t i = 0; i < d->n; i++) {
        const struct db_distribucion_fila *f = &d->filas[i];

        json_obj(&j);
        json_key(&j, "promotor");
        json_str(&j, f->login);
        json_key(&j, "nombre");
        json_str(&j, f->nombre);
        if (vista) {
            json_key(&j, "recibidos_hoy");
            json_int(&j, f->recibidos_hoy);
            json_key(&j, "cupo_restante");
            json_int(&j, f->cupo_restante);
            json_key(&j, "cartera_libre");
            json_int(&j, f->cartera_libre);
            json_key(&j, "recibiria");
            json_int(&j, f->recibe);
        } else {
            json_key(&j, "asignados");
            json_int(&j, f->recibe);
            json_key(&j, "lote");
            if (f->lote_id != 0)
                json_int(&j, f->lote_id);
            else
                json_null(&j);
            json_key(&j, "cupo_restante");
            json_int(&j, f->cupo_restante);
        }
        json_end(&j);
    }
    json_end(&j);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

/*
 * Splits "ana,beto , carla" into logins (in place in *buf, which the caller frees). Returns
 * 0, or 2 after printing usage for an empty name or too many.
 */
static int
parse_promotores(const struct cmd_entry *entry, const char *arg, char **buf, const char ***out,
                 size_t *n)
{
    char *save = NULL;

    *buf = xstrdup(arg);
    *out = xcalloc(PROMOTORES_MAX, sizeof **out);
    *n = 0;
    for (char *tok = strtok_r(*buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        for (char *end = tok + strlen(tok); end > tok && end[-1] == ' '; end--)
            end[-1] = '\0';
        if (*tok == '\0')
            continue;
        if (*n == PROMOTORES_MAX)
            return cmd_usage(entry, "«--promotores» admite hasta %d nombres", PROMOTORES_MAX);
        (*out)[(*n)++] = tok;
    }
    if (*n == 0)
        return cmd_usage(entry, "«--promotores» necesita al menos un usuario (ana,beto…)");
    return 0;
}

int
cmd_distribuir_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("distribuir");
    const char *cantidad = NULL, *conv = NULL, *ent = NULL, *emin = NULL, *emax = NULL;
    const char *clave = NULL, *promotores = NULL;
    bool vista = false;
    const struct cmd_opt opts[] = {
        { "cantidad", true, &cantidad, NULL },     { "convenio", true, &conv, NULL },
        { "entidad", true, &ent, NULL },           { "edad-min", true, &emin, NULL },
        { "edad-max", true, &emax, NULL },         { "clave", true, &clave, NULL },
        { "promotores", true, &promotores, NULL }, { "vista-previa", false, NULL, &vista },
        { NULL, false, NULL, NULL },
    };
    const char **logins = NULL;
    char *buf = NULL;
    size_t nlogins = 0;
    struct db_distribucion d;
    struct db_filtros f;
    struct err e = { 0 };
    struct db *db = NULL;
    long n;
    int status, rc;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (cantidad == NULL)
        return cmd_usage(entry, "falta «--cantidad»");
    if (!cmd_parse_long(cantidad, 1, 5000, &n))
        return cmd_usage(entry, "«--cantidad» debe ser un número entre 1 y 5000 (se dio «%s»)",
                         cantidad);
    if (vista && clave != NULL)
        return cmd_usage(entry, "«--clave» es para repartir; la vista previa no reparte nada");
    if (clave != NULL && crm_cmd_texto(entry, "clave", clave, 100) != 0)
        return 2;
    if (crm_cmd_filtros(entry, conv, ent, emin, emax, &f) != 0)
        return 2;
    if (promotores != NULL
        && (status = parse_promotores(entry, promotores, &buf, &logins, &nlogins)) != 0)
        goto out;
    if ((db = crm_cmd_open(ctx)) == NULL) {
        status = 1;
        goto out;
    }
    rc = vista ? db_distribuir_vista(db, (int)n, &f, logins, nlogins, &d, &e)
               : db_distribuir(db, (int)n, &f, logins, nlogins, clave, &d, &e);
    if (rc != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        if (ctx->json)
            print_json(&d, vista);
        else
            print_text(&d, vista);
        db_distribucion_fini(&d);
    }
    db_close(db);
out:
    free(logins);
    free(buf);
    return status;
}
