/*
 * cmd_crm — the promoter's commands: `asignar`, `disponibles`, `mover`, `intento`, `venta`,
 * `captar`.
 * Each validates its flags in C (exit 2, Spanish), calls one api function through db_crm
 * (exit 1 with the database's message when refused) and prints text or, with --json, one
 * JSON object. Main thread.
 */
#include "cmd/cmd_crm.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/intento.h"
#include "db/db.h"
#include "db/db_crm.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

/* ---- asignar ------------------------------------------------------------------------------ */

static void
asignar_print(const struct cmd_ctx *ctx, const struct db_asignacion *a, const char *clave)
{
    struct strbuf sb;
    struct json j;

    if (!ctx->json) {
        if (a->repetido)
            printf("la clave «%s» ya se había usado: es el lote %lld\n", clave,
                   (long long)a->lote_id);
        printf("lote %lld: %d %s de %d %s; cupo restante hoy: %d\n", (long long)a->lote_id,
               a->asignados, a->asignados == 1 ? "asignado" : "asignados", a->solicitados,
               a->solicitados == 1 ? "solicitado" : "solicitados", a->cupo_restante);
        if (a->mensaje != NULL && a->mensaje[0] != '\0')
            printf("%s\n", a->mensaje);
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "lote");
    json_int(&j, a->lote_id);
    json_key(&j, "asignados");
    json_int(&j, a->asignados);
    json_key(&j, "solicitados");
    json_int(&j, a->solicitados);
    json_key(&j, "cupo_restante");
    json_int(&j, a->cupo_restante);
    json_key(&j, "repetido");
    json_bool(&j, a->repetido);
    json_key(&j, "mensaje");
    json_str(&j, a->mensaje);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_asignar_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("asignar");
    const char *cantidad = NULL, *conv = NULL, *ent = NULL, *emin = NULL, *emax = NULL;
    const char *clave = NULL;
    const struct cmd_opt opts[] = {
        { "cantidad", true, &cantidad, NULL }, { "convenio", true, &conv, NULL },
        { "entidad", true, &ent, NULL },       { "edad-min", true, &emin, NULL },
        { "edad-max", true, &emax, NULL },     { "clave", true, &clave, NULL },
        { NULL, false, NULL, NULL },
    };
    struct db_filtros f;
    struct db_asignacion a;
    struct err e = { 0 };
    struct db *db;
    long n;
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (cantidad == NULL)
        return cmd_usage(entry, "falta «--cantidad»");
    if (!cmd_parse_long(cantidad, 1, 1000, &n))
        return cmd_usage(entry, "«--cantidad» debe ser un número entre 1 y 1000 (se dio «%s»)",
                         cantidad);
    if (clave != NULL && crm_cmd_texto(entry, "clave", clave, 100) != 0)
        return 2;
    if (crm_cmd_filtros(entry, conv, ent, emin, emax, &f) != 0)
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_asignar(db, (int)n, &f, clave, &a, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        asignar_print(ctx, &a, clave);
        db_asignacion_fini(&a);
    }
    db_close(db);
    return status;
}

/* ---- disponibles ---------------------------------------------------------------------------- */

static void
disponibles_print(const struct cmd_ctx *ctx, const struct db_conteo *rows, size_t n)
{
    struct strbuf sb;
    struct json j;
    int64_t total = 0;

    if (!ctx->json) {
        for (size_t i = 0; i < n; i++) {
            printf("%-20s %12lld\n", rows[i].grupo, (long long)rows[i].disponibles);
            total += rows[i].disponibles;
        }
        if (n != 1)
            printf("%-20s %12lld\n", "TOTAL", (long long)total);
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        json_obj(&j);
        json_key(&j, "grupo");
        json_str(&j, rows[i].grupo);
        json_key(&j, "disponibles");
        json_int(&j, rows[i].disponibles);
        json_end(&j);
    }
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_disponibles_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("disponibles");
    const char *conv = NULL, *ent = NULL, *emin = NULL, *emax = NULL, *por = NULL;
    const struct cmd_opt opts[] = {
        { "convenio", true, &conv, NULL }, { "entidad", true, &ent, NULL },
        { "edad-min", true, &emin, NULL }, { "edad-max", true, &emax, NULL },
        { "por", true, &por, NULL },       { NULL, false, NULL, NULL },
    };
    enum db_por p = DB_POR_TOTAL;
    struct db_filtros f;
    struct db_conteo *rows;
    struct err e = { 0 };
    struct db *db;
    size_t n;
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (por != NULL && strcmp(por, "convenio") == 0)
        p = DB_POR_CONVENIO;
    else if (por != NULL && strcmp(por, "entidad") == 0)
        p = DB_POR_ENTIDAD;
    else if (por != NULL)
        return cmd_usage(entry, "«--por» debe ser «convenio» o «entidad» (se dio «%s»)", por);
    if (crm_cmd_filtros(entry, conv, ent, emin, emax, &f) != 0)
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_disponibles(db, &f, p, &rows, &n, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        disponibles_print(ctx, rows, n);
        db_conteos_free(rows, n);
    }
    db_close(db);
    return status;
}

/* ---- mover ---------------------------------------------------------------------------------- */

static void
mover_print(const struct cmd_ctx *ctx, const struct db_movimiento *m)
{
    char when[64];
    struct strbuf sb;
    struct json j;

    if (!ctx->json) {
        printf("oportunidad %lld: %s en la etapa «%s»", (long long)m->oportunidad_id, m->estado,
               m->etapa);
        if (m->timer_vence != 0)
            printf("; vence %s", crm_cmd_time(m->timer_vence, when, sizeof when));
        printf("\n");
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "oportunidad");
    json_int(&j, m->oportunidad_id);
    json_key(&j, "estado");
    json_str(&j, m->estado);
    json_key(&j, "etapa_id");
    json_int(&j, m->etapa_id);
    json_key(&j, "etapa");
    json_str(&j, m->etapa);
    json_key(&j, "timer_vence");
    json_str(&j, crm_cmd_time_iso(m->timer_vence, when, sizeof when));
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_mover_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("mover");
    const char *motivo = NULL;
    const struct cmd_opt opts[] = { { "motivo", true, &motivo, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[3];
    int npos = 0, status;
    long id;
    struct db_movimiento m;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, pos, 2, &npos)) != 0)
        return status;
    if (npos != 2)
        return cmd_usage(entry, "se esperan OPORTUNIDAD y ETAPA");
    if ((status = crm_cmd_oportunidad(entry, pos[0], &id)) != 0)
        return status;
    if (crm_cmd_texto(entry, "etapa", pos[1], 40) != 0 ||
        (motivo != NULL && crm_cmd_texto(entry, "motivo", motivo, 500) != 0))
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_mover(db, id, pos[1], motivo, &m, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        mover_print(ctx, &m);
        db_movimiento_fini(&m);
    }
    db_close(db);
    return status;
}

/* ---- intento -------------------------------------------------------------------------------- */

int
cmd_intento_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("intento");
    const char *nota = NULL, *codigo;
    const struct cmd_opt opts[] = { { "nota", true, &nota, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[3];
    int npos = 0, status, n;
    long id;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, pos, 2, &npos)) != 0)
        return status;
    if (npos != 2)
        return cmd_usage(entry, "se esperan OPORTUNIDAD y RESULTADO");
    if ((status = crm_cmd_oportunidad(entry, pos[0], &id)) != 0)
        return status;
    if ((codigo = intento_codigo(pos[1])) == NULL)
        return cmd_usage(entry,
                         "«%s» no es un resultado: no-contesta, buzon, numero-equivocado, "
                         "no-interesado, cita o contactado",
                         pos[1]);
    if (nota != NULL && crm_cmd_texto(entry, "nota", nota, 500) != 0)
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_registrar_intento(db, id, codigo, nota, &n, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else if (ctx->json) {
        printf("{\"oportunidad\":%ld,\"resultado\":\"%s\",\"intentos\":%d}\n", id, codigo, n);
    } else {
        printf("oportunidad %ld: intento %d registrado (%s)\n", id, n, intento_etiqueta(codigo));
    }
    db_close(db);
    return status;
}

/* ---- venta ---------------------------------------------------------------------------------- */

static void
venta_print(const struct cmd_ctx *ctx, int64_t id, const struct db_venta *v)
{
    struct strbuf sb;
    struct json j;

    if (!ctx->json) {
        if (v->nueva)
            printf("venta registrada: oportunidad %lld, folio %s\n", (long long)id, v->folio);
        else
            printf("la venta ya estaba registrada: oportunidad %lld, folio %s\n", (long long)id,
                   v->folio);
        if (v->mensaje != NULL && v->mensaje[0] != '\0')
            printf("%s\n", v->mensaje);
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "oportunidad");
    json_int(&j, id);
    json_key(&j, "folio");
    json_str(&j, v->folio);
    json_key(&j, "nueva");
    json_bool(&j, v->nueva);
    json_key(&j, "mensaje");
    json_str(&j, v->mensaje);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_venta_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("venta");
    const char *monto = NULL, *producto = NULL, *folio = NULL;
    const struct cmd_opt opts[] = { { "monto", true, &monto, NULL },
                                    { "producto", true, &producto, NULL },
                                    { "folio", true, &folio, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[2];
    int npos = 0, status;
    long id;
    struct db_venta v;
    struct err e = { 0 };
    struct db *db;

    if (ctx->argc > 0 &&
        (strcmp(ctx->argv[0], "corregir") == 0 || strcmp(ctx->argv[0], "cancelar") == 0))
        return cmd_venta_cambio(ctx, entry);
    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (npos != 1 || !cmd_parse_long(pos[0], 1, INT64_MAX, &id))
        return cmd_usage(entry, "se espera el número de OPORTUNIDAD");
    if (monto == NULL || !crm_cmd_monto_valido(monto))
        return cmd_usage(entry, "«--monto» debe ser un importe mayor que 0 con a lo más dos "
                                "decimales, sin comas (p. ej. 12500.50)");
    if (crm_cmd_texto(entry, "producto", producto, 80) != 0 ||
        crm_cmd_texto(entry, "folio", folio, 40) != 0)
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_venta_registrar(db, id, monto, producto, folio, &v, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        venta_print(ctx, id, &v);
        db_venta_fini(&v);
    }
    db_close(db);
    return status;
}

/* ---- captar --------------------------------------------------------------------------------- */

static void
captar_print(const struct cmd_ctx *ctx, const struct db_captacion *c)
{
    struct strbuf sb;
    struct json j;

    /* One line: the database's sentence («prospecto captado: oportunidad N») says what this
     * one does; --json carries it as "mensaje". */
    if (!ctx->json) {
        printf("oportunidad %lld captada (lote %lld): ", (long long)c->oportunidad_id,
               (long long)c->lote_id);
        if (c->cliente_id != 0)
            printf("el cliente %lld ya estaba en el padrón y quedó vinculado\n",
                   (long long)c->cliente_id);
        else
            printf("prospecto nuevo %lld\n", (long long)c->prospecto_id);
        return;
    }
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "oportunidad");
    json_int(&j, c->oportunidad_id);
    json_key(&j, "cliente");
    if (c->cliente_id != 0)
        json_int(&j, c->cliente_id);
    else
        json_null(&j);
    json_key(&j, "prospecto");
    if (c->prospecto_id != 0)
        json_int(&j, c->prospecto_id);
    else
        json_null(&j);
    json_key(&j, "lote");
    json_int(&j, c->lote_id);
    json_key(&j, "mensaje");
    json_str(&j, c->mensaje);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

int
cmd_captar_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("captar");
    const char *nombre = NULL, *tel = NULL, *conv = NULL, *curp = NULL;
    const struct cmd_opt opts[] = { { "nombre", true, &nombre, NULL },
                                    { "telefono", true, &tel, NULL },
                                    { "convenio", true, &conv, NULL },
                                    { "curp", true, &curp, NULL },
                                    { NULL, false, NULL, NULL } };
    struct db_captacion c;
    struct err e = { 0 };
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if (crm_cmd_texto(entry, "nombre", nombre, 160) != 0 ||
        crm_cmd_texto(entry, "telefono", tel, 40) != 0)
        return 2;
    if (conv != NULL && crm_cmd_texto(entry, "convenio", conv, 20) != 0)
        return 2;
    if (curp != NULL && strlen(curp) != 18)
        return cmd_usage(entry, "«--curp» debe tener 18 caracteres (se dio «%s»)", curp);
    /* Phone and CURP shape are the database's rules (api.normalizar_telefono, EB701/EB705). */
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_captar(db, nombre, tel, conv, curp, &c, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        captar_print(ctx, &c);
        db_captacion_fini(&c);
    }
    db_close(db);
    return status;
}

/* ---- corregir ------------------------------------------------------------------------------- */

int
cmd_corregir_exec(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("corregir");
    const char *nombre = NULL, *tel = NULL, *curp = NULL, *motivo = NULL;
    const struct cmd_opt opts[] = { { "nombre", true, &nombre, NULL },
                                    { "telefono", true, &tel, NULL },
                                    { "curp", true, &curp, NULL },
                                    { "motivo", true, &motivo, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[2], *msg = NULL, id_text[24];
    int npos = 0, status;
    long id;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, ctx->argc, ctx->argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (npos != 1)
        return cmd_usage(entry, "se espera el número de OPORTUNIDAD");
    if ((status = crm_cmd_oportunidad(entry, pos[0], &id)) != 0)
        return status;
    if (nombre == NULL && tel == NULL && curp == NULL)
        return cmd_usage(entry, "diga qué corregir: --nombre, --telefono o --curp");
    if ((nombre != NULL && crm_cmd_texto(entry, "nombre", nombre, 160) != 0) ||
        (tel != NULL && crm_cmd_texto(entry, "telefono", tel, 40) != 0) ||
        crm_cmd_texto(entry, "motivo", motivo, 500) != 0)
        return 2;
    if (curp != NULL && strlen(curp) != 18)
        return cmd_usage(entry, "«--curp» debe tener 18 caracteres (se dio «%s»)", curp);
    /* Phone and CURP shape, duplicates and the registry are the database's (sql/085). */
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_prospecto_corregir(db, id, nombre, tel, curp, motivo, &msg, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        snprintf(id_text, sizeof id_text, "%ld", id);
        crm_cmd_print_cambio(ctx, msg, "oportunidad", id_text, true, "mensaje", msg);
    }
    free(msg);
    db_close(db);
    return status;
}
