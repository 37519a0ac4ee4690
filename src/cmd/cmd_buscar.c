/*
 * cmd_buscar — `embudo buscar TEXTO [--limite N]`: the opportunities the caller sees whose
 * client has that phone (ten digits, any usual prefix), that CURP, or a name containing the
 * text, accents and case aside (api.buscar, sql/090). Any state, active first: the number
 * `mover`, `venta`, `oportunidad`… take, the client, phone, stage, state, owner and last
 * change. A text that is not a whole phone, CURP or 3 letters of a name is refused with the
 * reason (EB240, exit 1). Text (a table) or, with --json, an array. Main thread.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_buscar.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

#define BUSCAR_LIMITE 50

static void
print_json(const struct db_hallazgo *h, size_t n)
{
    struct strbuf sb;
    struct json j;
    char iso[32];

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        const char *const kv[][2] = {
            { "cliente", h[i].cliente },
            { "telefono", h[i].telefono },
            { "etapa", h[i].etapa },
            { "estado", h[i].estado },
            { "promotor", h[i].promotor },
            { "actualizada", crm_cmd_time_iso(h[i].actualizada, iso, sizeof iso) },
            { "encontrada_por", h[i].por },
        };

        json_obj(&j);
        json_key(&j, "oportunidad");
        json_int(&j, h[i].oportunidad_id);
        crm_cmd_json_textos(&j, kv, sizeof kv / sizeof kv[0]);
        json_end(&j);
    }
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static void
print_text(const struct db_hallazgo *h, size_t n, const char *texto, int limite)
{
    struct strbuf sb;
    char num[24], t[64];

    if (n == 0) {
        printf("no hay oportunidades suyas con «%s»\n", texto);
        return;
    }
    strbuf_init(&sb);
    crm_cmd_col(&sb, "OPORT.", 8);
    crm_cmd_col(&sb, "CLIENTE", 28);
    crm_cmd_col(&sb, "TELÉFONO", 15);
    crm_cmd_col(&sb, "ETAPA", 16);
    crm_cmd_col(&sb, "ESTADO", 12);
    crm_cmd_col(&sb, "PROMOTOR", 12);
    strbuf_addstr(&sb, "ACTUALIZADA\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(num, sizeof num, "%lld", (long long)h[i].oportunidad_id);
        crm_cmd_col(&sb, num, 8);
        crm_cmd_col(&sb, h[i].cliente, 28);
        crm_cmd_col(&sb, h[i].telefono[0] != '\0' ? h[i].telefono : "—", 15);
        crm_cmd_col(&sb, h[i].etapa, 16);
        crm_cmd_col(&sb, h[i].estado, 12);
        crm_cmd_col(&sb, h[i].promotor, 12);
        strbuf_addf(&sb, "%s\n", crm_cmd_time(h[i].actualizada, t, sizeof t));
    }
    if (n == (size_t)limite)
        strbuf_addf(&sb, "(se muestran las primeras %d: afine la búsqueda o use --limite)\n",
                    limite);
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

int
cmd_buscar_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("buscar");
    const char *limite_s = NULL;
    const struct cmd_opt opts[] = { { "limite", true, &limite_s, NULL },
                                    { NULL, false, NULL, NULL } };
    struct db_hallazgo *h = NULL;
    struct err e = { 0 };
    char *pos[1];
    int npos = 0, status;
    long limite = BUSCAR_LIMITE;
    size_t n = 0;
    struct db *db;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (npos != 1)
        return cmd_usage(entry, "se espera el TEXTO a buscar: un teléfono, una CURP o parte del "
                                "nombre (entre comillas si lleva espacios)");
    if (limite_s != NULL && !cmd_parse_long(limite_s, 1, 200, &limite))
        return cmd_usage(entry, "«--limite» es un número de 1 a 200");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_buscar(db, pos[0], (int)limite, &h, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else if (ctx->json)
        print_json(h, n);
    else
        print_text(h, n, pos[0], (int)limite);
    db_hallazgos_free(h, n);
    db_close(db);
    return status;
}
