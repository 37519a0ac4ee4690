/*
 * cmd_wa_responder — `embudo wa responder OPORTUNIDAD TEXTO [--clave K]` and `embudo wa
 * conversacion OPORTUNIDAD`: the promoter answers a client who wrote to her WhatsApp, and
 * reads one opportunity's WhatsApp both ways (sql/101_wa_responder.sql, docs/wa-responder.md).
 *
 * responder only queues: her own account's sender (the terminal's WhatsApp pane, `embudo
 * worker` for server sending, the central server for a Cloud API number) sends it first, at
 * any hour. It prints "mensaje N: <the database's sentence>" (when it leaves; a repeated
 * --clave returns the first answer); a refusal (not hers, not ABIERTA, no linked account, the
 * client did not write in the last 24 hours, opted out, registry, the text) is the database's
 * Spanish sentence on stderr, exit 1. conversacion prints one line per message, oldest first:
 * the time, ← (the client) or → (the account), the state of what went out, the campaign or
 * «respuesta», and the text on one line. Both take --json.
 *
 * `embudo wa resolver MENSAJE (enviado|reenviar|descartar)` decides a message in doubt (its ack
 * was lost: nobody knows whether it arrived), a campaign's or an answer, as Progreso and
 * Detalle do (api.mensaje_resolver_incierto): it did arrive, send it again (due now), or give it
 * up. It prints "mensaje N: ESTADO" (--json: {"mensaje_id","estado"}); a message that is not
 * the caller's to operate (EB360) or not in doubt (EB361) is the database's sentence on stderr,
 * exit 1. Main thread.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "cmd/cmd_wa_int.h"
#include "db/db.h"
#include "db/db_wa.h"
#include "db/db_wa_respuesta.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

static int
responder_print(const struct cmd_ctx *ctx, const struct db_wa_respondido *r)
{
    struct strbuf sb;
    struct json j;

    if (!ctx->json) {
        printf("mensaje %lld: %s\n", (long long)r->mensaje_id, r->mensaje);
        return 0;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "mensaje_id");
    json_int(&j, r->mensaje_id);
    json_key(&j, "repetido");
    json_bool(&j, r->repetido);
    json_key(&j, "proveedor");
    json_str(&j, r->proveedor);
    json_key(&j, "estado_cuenta");
    json_str(&j, r->estado_cuenta);
    json_key(&j, "mensaje");
    json_str(&j, r->mensaje);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
    return 0;
}

int
cmd_wa_responder(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("wa");
    const char *clave = NULL;
    const struct cmd_opt opts[] = { { "clave", true, &clave, NULL }, { NULL, false, NULL, NULL } };
    struct db_wa_respondido r;
    struct err e = { 0 };
    char *pos[2];
    int npos = 0, status;
    long id;
    struct db *db;

    if ((status = cmd_parse(entry, ctx->argc - 1, ctx->argv + 1, opts, pos, 2, &npos)) != 0)
        return status;
    if (npos != 2)
        return cmd_usage(entry, "wa responder necesita OPORTUNIDAD y TEXTO");
    if ((status = crm_cmd_oportunidad(entry, pos[0], &id)) != 0)
        return status;
    /* The text and the clave are the database's to judge (EB420), like every other rule. */
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_wa_responder(db, id, pos[1], clave, &r, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        status = responder_print(ctx, &r);
    db_close(db);
    return status;
}

/* What became of a message the account sent (or will), in words. */
static const char *
estado_texto(const struct db_wa_linea *l)
{
    static const struct {
        const char *estado, *texto;
    } estados[] = {
        { "PENDIENTE", "en cola" },   { "ENVIANDO", "enviando" }, { "ENVIADO", "enviado" },
        { "ENTREGADO", "entregado" }, { "LEIDO", "leído" },       { "FALLIDO", "falló" },
        { "OMITIDO", "no salió" },
    };

    if (l->entrante)
        return l->baja ? "baja" : "";
    if (l->incierto)
        return "en duda";
    for (size_t i = 0; i < sizeof estados / sizeof estados[0]; i++)
        if (strcmp(l->estado, estados[i].estado) == 0)
            return estados[i].texto;
    return l->estado;
}

static void
conversacion_text(long id, const struct db_wa_linea *l, size_t n)
{
    struct strbuf sb;

    if (n == 0) {
        printf("la oportunidad %ld no tiene mensajes de WhatsApp\n", id);
        return;
    }
    strbuf_init(&sb);
    for (size_t i = 0; i < n; i++) {
        crm_cmd_col(&sb, l[i].cuando_local, 14);
        strbuf_addstr(&sb, l[i].entrante ? "← " : "→ ");
        crm_cmd_col(&sb, estado_texto(&l[i]), 9);
        crm_cmd_col(&sb,
                    l[i].entrante          ? "cliente"
                    : l[i].campana != NULL ? l[i].campana
                                           : "respuesta",
                    20);
        crm_cmd_una_linea(&sb, l[i].texto != NULL ? l[i].texto : "[suprimido]");
        if (l[i].motivo != NULL && strcmp(l[i].estado, "OMITIDO") == 0)
            strbuf_addf(&sb, " [%s]", l[i].motivo);
        else if (l[i].motivo != NULL)
            strbuf_addf(&sb, " [error %s]", l[i].motivo);
        strbuf_addch(&sb, '\n');
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static void
conversacion_json(const struct db_wa_linea *l, size_t n)
{
    struct strbuf sb;
    struct json j;
    char iso[32];

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        const char *const kv[][2] = {
            { "cuando", crm_cmd_time_iso((time_t)l[i].cuando, iso, sizeof iso) },
            { "direccion", l[i].entrante ? "entrante" : "saliente" },
            { "estado", l[i].entrante ? NULL : l[i].estado },
            { "campana", l[i].campana },
            { "texto", l[i].texto },
        };

        json_obj(&j);
        crm_cmd_json_textos(&j, kv, sizeof kv / sizeof kv[0]);
        json_key(&j, "mensaje_id");
        if (l[i].mensaje_id != 0)
            json_int(&j, l[i].mensaje_id);
        else
            json_null(&j);
        json_key(&j, "baja");
        json_bool(&j, l[i].baja);
        json_key(&j, "incierto");
        json_bool(&j, l[i].incierto);
        json_key(&j, "motivo");
        json_str(&j, l[i].motivo);
        json_end(&j);
    }
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_wa_conversacion(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("wa");
    const struct cmd_opt opts[] = { { NULL, false, NULL, NULL } };
    struct db_wa_linea *l = NULL;
    struct err e = { 0 };
    char *pos[1];
    int npos = 0, status;
    size_t n = 0;
    long id;
    struct db *db;

    if ((status = cmd_parse(entry, ctx->argc - 1, ctx->argv + 1, opts, pos, 1, &npos)) != 0)
        return status;
    if (npos != 1)
        return cmd_usage(entry, "wa conversacion necesita el número de OPORTUNIDAD");
    if ((status = crm_cmd_oportunidad(entry, pos[0], &id)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_wa_conversacion(db, id, &l, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else if (ctx->json)
        conversacion_json(l, n);
    else
        conversacion_text(id, l, n);
    db_wa_lineas_free(l, n);
    db_close(db);
    return status;
}

int
cmd_wa_resolver(struct cmd_ctx *ctx)
{
    static const struct {
        const char *nombre;
        enum db_incierto_accion accion;
    } acciones[] = {
        { "enviado", DB_INCIERTO_ENVIADO },
        { "reenviar", DB_INCIERTO_REENVIAR },
        { "descartar", DB_INCIERTO_DESCARTAR },
    };
    const struct cmd_entry *entry = cmd_find("wa");
    const struct cmd_opt opts[] = { { NULL, false, NULL, NULL } };
    struct err e = { 0 };
    char *pos[2], estado[16];
    int npos = 0, status, k = -1;
    long id;
    struct db *db;

    if ((status = cmd_parse(entry, ctx->argc - 1, ctx->argv + 1, opts, pos, 2, &npos)) != 0)
        return status;
    if (npos != 2)
        return cmd_usage(entry, "wa resolver necesita MENSAJE y enviado, reenviar o descartar");
    if (!cmd_parse_long(pos[0], 1, INT64_MAX, &id))
        return cmd_usage(entry, "«%s» no es un número de mensaje", pos[0]);
    for (size_t i = 0; i < sizeof acciones / sizeof acciones[0]; i++)
        if (strcmp(pos[1], acciones[i].nombre) == 0)
            k = (int)i;
    if (k < 0)
        return cmd_usage(entry, "«%s» no es una decisión: enviado, reenviar o descartar", pos[1]);
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_mensaje_resolver_incierto(db, id, acciones[k].accion, estado, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        char msg[160], num[24];

        snprintf(msg, sizeof msg, "mensaje %ld: %s", id, estado);
        snprintf(num, sizeof num, "%ld", id);
        crm_cmd_print_cambio(ctx, msg, "mensaje_id", num, true, "estado", estado);
    }
    db_close(db);
    return status;
}
