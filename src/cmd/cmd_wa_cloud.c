/*
 * cmd_wa_cloud — `embudo wa cloud …`, the accounts that send through Meta's Cloud API
 * (docs/wa-cloud.md, sql/100):
 *   wa cloud [lista]                                   the CLOUD accounts
 *   wa cloud asignar LOGIN --numero-id ID              LOGIN's account sends from that number
 *   wa cloud quitar LOGIN                              back to WhatsApp Web (link again)
 *   wa cloud probar (LOGIN | --numero-id ID)           asks Meta for the number with the token
 *   wa cloud plantilla ETAPA NOMBRE (--meta M [--idioma I] | --quitar)
 *                                                      the approved twin of a template
 * asignar, quitar and a shared template's mapping are for admins (the database refuses the
 * rest); probar reads the token file (wa.cloud_token_archivo), so it runs where the worker
 * does. Flags are checked here (exit 2) before connecting; refusals print the database's
 * message (exit 1). Main thread.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "cmd/cmd_wa_int.h"
#include "cmd/wa_cloud.h"
#include "core/config.h"
#include "crypto/secure.h"
#include "db/db.h"
#include "db/db_wa_cloud.h"
#include "db/db_wa_tui.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "wa/cloud/transport_cloud.h"

#define PROBAR_TIMEOUT_MS 20000L

static bool
numero_id_valido(const char *s)
{
    size_t n = strlen(s);

    return n >= 1 && n <= DB_WA_CLOUD_NUMERO_MAX && strspn(s, "0123456789") == n;
}

/* "+5215511110000" for "5215511110000@s.whatsapp.net"; "—" before the first connection. */
static const char *
numero_de_jid(const char *jid, char *buf, size_t size)
{
    size_t n = strcspn(jid, "@:");

    if (n == 0)
        return "—";
    snprintf(buf, size, "+%.*s", (int)n, jid);
    return buf;
}

static void
print_lista(const struct cmd_ctx *ctx, const struct db_wa_cloud_cuenta *c, size_t n)
{
    char numero[32];
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    if (!ctx->json) {
        if (n == 0)
            strbuf_addstr(&sb, "ninguna cuenta envía por la API oficial de WhatsApp "
                               "(embudo wa cloud asignar LOGIN --numero-id ID)\n");
        else {
            crm_cmd_col(&sb, "USUARIO", 14);
            crm_cmd_col(&sb, "NOMBRE", 28);
            crm_cmd_col(&sb, "ID DEL NÚMERO", 18);
            crm_cmd_col(&sb, "ESTADO", 14);
            crm_cmd_col(&sb, "NÚMERO", 16);
            strbuf_addstr(&sb, "EVENTOS\n");
        }
        for (size_t i = 0; i < n; i++) {
            crm_cmd_col(&sb, c[i].login, 14);
            crm_cmd_col(&sb, c[i].nombre, 28);
            crm_cmd_col(&sb, c[i].numero_id, 18);
            crm_cmd_col(&sb, c[i].estado, 14);
            crm_cmd_col(&sb, numero_de_jid(c[i].jid, numero, sizeof numero), 16);
            strbuf_addf(&sb, "%d\n", c[i].pendientes);
        }
        fputs(sb.buf, stdout);
        strbuf_fini(&sb);
        return;
    }
    json_init(&j, &sb);
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        json_obj(&j);
        json_key(&j, "usuario");
        json_str(&j, c[i].login);
        json_key(&j, "nombre");
        json_str(&j, c[i].nombre);
        json_key(&j, "numero_id");
        json_str(&j, c[i].numero_id);
        json_key(&j, "estado");
        json_str(&j, c[i].estado);
        json_key(&j, "jid");
        json_str(&j, c[i].jid[0] != '\0' ? c[i].jid : NULL);
        json_key(&j, "eventos_pendientes");
        json_int(&j, c[i].pendientes);
        json_end(&j);
    }
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static int
run_lista(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    struct db_wa_cloud_cuenta *c = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, argc, argv, NULL, NULL, 0, NULL)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_wa_cloud_cuentas(db, &c, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_lista(ctx, c, n);
    db_wa_cloud_cuentas_free(c);
    db_close(db);
    return status;
}

static int
run_asignar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *numero_id = NULL;
    const struct cmd_opt opts[] = { { "numero-id", true, &numero_id, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[1], msg[256];
    int npos = 0, status;
    struct err e = { 0 };
    bool cambio = false;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (npos == 0)
        return cmd_usage(entry, "falta el usuario (LOGIN) cuya cuenta envía por la API oficial");
    if (numero_id == NULL || !numero_id_valido(numero_id))
        return cmd_usage(entry, "«--numero-id» debe ser el identificador del número en Meta "
                                "(WhatsApp Manager › Números de teléfono): de 1 a 32 dígitos");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_wa_cloud_asignar(db, pos[0], numero_id, &cambio, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        if (cambio)
            snprintf(msg, sizeof msg,
                     "la cuenta de %s envía por la API oficial de WhatsApp (número %s): la "
                     "conecta el worker del servidor",
                     pos[0], numero_id);
        else
            snprintf(msg, sizeof msg, "nada que cambiar: %s ya envía por el número %s", pos[0],
                     numero_id);
        crm_cmd_print_cambio(ctx, msg, "usuario", pos[0], false, "numero_id", numero_id);
    }
    db_close(db);
    return status;
}

static int
run_quitar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    char *pos[1], msg[256];
    int npos = 0, status;
    struct err e = { 0 };
    bool cambio = false;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, NULL, pos, 1, &npos)) != 0)
        return status;
    if (npos == 0)
        return cmd_usage(entry, "falta el usuario (LOGIN) que vuelve a WhatsApp Web");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_wa_cloud_quitar(db, pos[0], &cambio, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        if (cambio)
            snprintf(msg, sizeof msg,
                     "la cuenta de %s vuelve a WhatsApp Web: %s debe vincularla con el código QR "
                     "(embudo wa link o la pantalla de WhatsApp)",
                     pos[0], pos[0]);
        else
            snprintf(msg, sizeof msg, "nada que cambiar: la cuenta de %s no usa la API oficial",
                     pos[0]);
        crm_cmd_print_cambio(ctx, msg, "usuario", pos[0], false, "proveedor", "WEB");
    }
    db_close(db);
    return status;
}

/* The phone number id of LOGIN's CLOUD account into out; 0 or an exit status. */
static int
numero_de(struct cmd_ctx *ctx, const char *login, char out[DB_WA_CLOUD_NUMERO_MAX + 1])
{
    struct db_wa_cloud_cuenta *c = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status = 1;

    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_wa_cloud_cuentas(db, &c, &n, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        for (size_t i = 0; i < n && status != 0; i++)
            if (strcmp(c[i].login, login) == 0) {
                snprintf(out, DB_WA_CLOUD_NUMERO_MAX + 1, "%s", c[i].numero_id);
                status = 0;
            }
        if (status != 0)
            cmd_fail("la cuenta de %s no envía por la API oficial de WhatsApp (o no la puede "
                     "ver esta sesión)",
                     login);
    }
    db_wa_cloud_cuentas_free(c);
    db_close(db);
    return status;
}

static int
run_probar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *numero_id = NULL;
    const struct cmd_opt opts[] = { { "numero-id", true, &numero_id, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[1], *token = NULL, id[DB_WA_CLOUD_NUMERO_MAX + 1];
    struct graph_phone phone;
    struct graph_error ge;
    struct err e = { 0 };
    int npos = 0, status, rc;
    size_t len;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if ((npos == 0) == (numero_id == NULL))
        return cmd_usage(entry,
                         "diga qué número probar: LOGIN o «--numero-id ID» (uno de los dos)");
    if (numero_id != NULL && !numero_id_valido(numero_id))
        return cmd_usage(entry, "«--numero-id» debe ser de 1 a 32 dígitos");
    if (numero_id != NULL)
        snprintf(id, sizeof id, "%s", numero_id);
    else if ((status = numero_de(ctx, pos[0], id)) != 0)
        return status;
    if (wa_cloud_secreto_leer(ctx->cfg->cloud_token.value,
                              "el token de Meta (wa.cloud_token_archivo)", &token, &len,
                              &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    rc = cloud_probar(ctx->cfg->cloud_url.value, id, token, PROBAR_TIMEOUT_MS, &phone, &ge, &e);
    secure_wipe(token, len);
    free(token);
    if (rc != RC_OK)
        return cmd_fail("%s", e.msg);
    if (ctx->json) {
        struct strbuf sb;
        struct json j;

        strbuf_init(&sb);
        json_init(&j, &sb);
        json_obj(&j);
        json_key(&j, "numero_id");
        json_str(&j, id);
        json_key(&j, "numero");
        json_str(&j, phone.number);
        json_key(&j, "nombre_verificado");
        json_str(&j, phone.name);
        json_key(&j, "calidad");
        json_str(&j, phone.quality);
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
    } else {
        printf("número %s: +%s, nombre verificado «%s», calidad %s\n", id, phone.number,
               phone.name[0] != '\0' ? phone.name : "—",
               phone.quality[0] != '\0' ? phone.quality : "desconocida");
    }
    return 0;
}

/* The caller's own template NOMBRE of ETAPA, else the shared one; 0 or an exit status. */
static int
plantilla_de(struct cmd_ctx *ctx, struct db *db, const char *etapa, const char *nombre, int64_t *id)
{
    struct db_wa_plantilla *p = NULL;
    struct err e = { 0 };
    size_t n = 0;
    int status = 1;

    if (db_wa_tui_plantillas(db, etapa, &p, &n, &e) != RC_OK)
        return crm_cmd_fail(ctx, &e);
    for (int pasada = 0; pasada < 2 && status != 0; pasada++) /* own first, then shared */
        for (size_t i = 0; i < n && status != 0; i++)
            if (p[i].compartida == (pasada == 1) && strcmp(p[i].nombre, nombre) == 0) {
                *id = p[i].id;
                status = 0;
            }
    if (status != 0)
        cmd_fail("no hay una plantilla «%s» en la etapa «%s» que esta sesión pueda ver", nombre,
                 etapa);
    db_wa_tui_plantillas_free(p, n);
    return status;
}

static int
run_plantilla(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *meta = NULL, *idioma = NULL;
    bool quitar = false;
    const struct cmd_opt opts[] = { { "meta", true, &meta, NULL },
                                    { "idioma", true, &idioma, NULL },
                                    { "quitar", false, NULL, &quitar },
                                    { NULL, false, NULL, NULL } };
    char *pos[2], msg[700];
    int npos = 0, status;
    struct err e = { 0 };
    int64_t id = 0;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 2, &npos)) != 0)
        return status;
    if (npos != 2)
        return cmd_usage(entry, "falta la plantilla: ETAPA y NOMBRE (como en el asistente)");
    if ((meta == NULL) == !quitar)
        return cmd_usage(entry, "diga «--meta NOMBRE_EN_META» o «--quitar» (uno de los dos)");
    if (quitar && idioma != NULL)
        return cmd_usage(entry, "«--idioma» va con «--meta», no con «--quitar»");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if ((status = plantilla_de(ctx, db, pos[0], pos[1], &id)) == 0) {
        if (db_plantilla_meta(db, id, meta, idioma != NULL ? idioma : "es_MX", &e) != RC_OK) {
            status = crm_cmd_fail(ctx, &e);
        } else {
            if (quitar)
                snprintf(msg, sizeof msg, "la plantilla «%s» ya no tiene gemela en Meta", pos[1]);
            else
                snprintf(msg, sizeof msg,
                         "la plantilla «%s» sale por la API oficial como «%s» (%s); sus "
                         "variables son {{1}}, {{2}}… en el orden en que aparecen",
                         pos[1], meta, idioma != NULL ? idioma : "es_MX");
            crm_cmd_print_cambio(ctx, msg, "plantilla", pos[1], false, "meta", quitar ? "" : meta);
        }
    }
    db_close(db);
    return status;
}

int
cmd_wa_cloud(struct cmd_ctx *ctx)
{
    static const struct cmd_verb verbs[] = {
        { "lista", run_lista },   { "asignar", run_asignar },     { "quitar", run_quitar },
        { "probar", run_probar }, { "plantilla", run_plantilla },
    };

    return cmd_verbs_run(ctx, "wa", verbs, sizeof verbs / sizeof verbs[0], true);
}
