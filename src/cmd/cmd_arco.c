/*
 * cmd_arco — personal data under the LFPDPPP (sql/080_arco.sql; docs/arco.md):
 *   arco [lista] [--pendientes]                              cancellations (admin, auditor)
 *   arco cancelar (--cliente ID | --prospecto ID | --oportunidad ID) --folio F
 *                 [--recibida AAAA-MM-DD] [--plazo DIAS] [--detalle T]    block (admin)
 *   arco suprimir (FOLIO | --vencidas)                       suppress (admin)
 *   aviso [lista]                                            privacy notice versions
 *   aviso agregar VERSION --ubicacion U [--desde AAAA-MM-DD]  publish one (admin)
 * Flags are checked here (exit 2) before connecting; refusals print the database's message
 * (exit 1). Text or, with --json, one object or array. Main thread.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_arco.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

/* "123" or "—" for 0, into buf. */
static const char *
id_text(int64_t id, char *buf, size_t size)
{
    if (id <= 0)
        return "—";
    snprintf(buf, size, "%lld", (long long)id);
    return buf;
}

/* "key": id, or null for 0. */
static void
put_id(struct json *j, const char *key, int64_t id)
{
    json_key(j, key);
    if (id > 0)
        json_int(j, id);
    else
        json_null(j);
}

static void
print_arcos(const struct cmd_ctx *ctx, const struct db_arco *r, size_t n)
{
    struct strbuf sb;
    struct json j;
    char a[24], b[24];

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            const char *const kv[][2] = {
                { "folio", r[i].folio },       { "titular", r[i].titular },
                { "recibida", r[i].recibida }, { "bloqueo_hasta", r[i].bloqueo_hasta },
                { "estado", r[i].estado },     { "detalle", r[i].detalle },
                { "registro", r[i].registro }, { "suprimida", r[i].suprimida },
            };

            json_obj(&j);
            crm_cmd_json_textos(&j, kv, sizeof kv / sizeof kv[0]);
            put_id(&j, "cliente", r[i].cliente_id);
            put_id(&j, "prospecto", r[i].prospecto_id);
            json_end(&j);
        }
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    if (n == 0) {
        puts("no hay cancelaciones de datos que mostrar");
        strbuf_fini(&sb);
        return;
    }
    crm_cmd_col(&sb, "FOLIO", 16);
    crm_cmd_col(&sb, "CLIENTE", 8);
    crm_cmd_col(&sb, "PROSP.", 7);
    crm_cmd_col(&sb, "RECIBIDA", 10);
    crm_cmd_col(&sb, "ESTADO", 10);
    crm_cmd_col(&sb, "HASTA", 10);
    strbuf_addstr(&sb, "TITULAR\n");
    for (size_t i = 0; i < n; i++) {
        bool suprimida = strcmp(r[i].estado, "SUPRIMIDA") == 0;

        crm_cmd_col(&sb, r[i].folio, 16);
        crm_cmd_col(&sb, id_text(r[i].cliente_id, a, sizeof a), 8);
        crm_cmd_col(&sb, id_text(r[i].prospecto_id, b, sizeof b), 7);
        crm_cmd_col(&sb, r[i].recibida, 10);
        crm_cmd_col(&sb, suprimida ? "suprimida" : "bloqueada", 10);
        /* Blocked: the day suppression is due; suppressed: the day it was done. */
        crm_cmd_col(&sb, suprimida ? r[i].suprimida : r[i].bloqueo_hasta, 10);
        strbuf_addstr(&sb, r[i].titular != NULL ? r[i].titular : "—");
        if (r[i].detalle != NULL)
            strbuf_addf(&sb, " — %s", r[i].detalle);
        strbuf_addch(&sb, '\n');
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static int
run_lista(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    bool pendientes = false;
    const struct cmd_opt opts[] = { { "pendientes", false, NULL, &pendientes },
                                    { NULL, false, NULL, NULL } };
    struct db_arco *r = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, argc, argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_arcos(db, pendientes, &r, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_arcos(ctx, r, n);
    db_arcos_free(r, n);
    db_close(db);
    return status;
}

/* An id flag's value into *out (0 when absent). false after printing usage. */
static bool
id_flag(const struct cmd_entry *entry, const char *flag, const char *value, int64_t *out)
{
    long v;

    *out = 0;
    if (value == NULL)
        return true;
    if (!cmd_parse_long(value, 1, 2147483647L, &v)) {
        (void)cmd_usage(entry, "«--%s» es un número entero positivo, no «%s»", flag, value);
        return false;
    }
    *out = v;
    return true;
}

/* The titular from exactly one of --cliente, --prospecto, --oportunidad into *t. 0 or 2. */
static int
titular_flags(const struct cmd_entry *entry, const char *cliente, const char *prospecto,
              const char *oportunidad, struct db_arco_titular *t)
{
    if ((cliente != NULL) + (prospecto != NULL) + (oportunidad != NULL) != 1)
        return cmd_usage(entry, "nombre al titular con uno de --cliente, --prospecto u"
                                " --oportunidad");
    if (!id_flag(entry, "cliente", cliente, &t->cliente) ||
        !id_flag(entry, "prospecto", prospecto, &t->prospecto) ||
        !id_flag(entry, "oportunidad", oportunidad, &t->oportunidad))
        return 2;
    return 0;
}

static void
print_alta(const struct cmd_ctx *ctx, const char *folio, const struct db_arco_alta *a)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_obj(&j);
        json_key(&j, "folio");
        json_str(&j, folio);
        put_id(&j, "cliente", a->cliente_id);
        put_id(&j, "prospecto", a->prospecto_id);
        json_key(&j, "bloqueo_hasta");
        json_str(&j, a->bloqueo_hasta);
        json_key(&j, "oportunidades_cerradas");
        json_int(&j, a->oportunidades);
        json_key(&j, "telefonos");
        json_int(&j, a->telefonos);
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    if (a->cliente_id > 0)
        printf("Datos del cliente %lld bloqueados (folio %s): ya no se le asigna, contacta ni"
               " capta.\n",
               (long long)a->cliente_id, folio);
    else
        printf("Datos del prospecto %lld bloqueados (folio %s): ya no se le contacta ni capta.\n",
               (long long)a->prospecto_id, folio);
    printf("%d oportunidad%s activa%s cerrada%s; %d teléfono%s en el registro de no contactar.\n",
           a->oportunidades, a->oportunidades == 1 ? "" : "es", a->oportunidades == 1 ? "" : "s",
           a->oportunidades == 1 ? "" : "s", a->telefonos, a->telefonos == 1 ? "" : "s");
    printf("Sus datos se suprimen a partir del %s: embudo arco suprimir %s\n", a->bloqueo_hasta,
           folio);
    strbuf_fini(&sb);
}

static int
run_cancelar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *cliente = NULL, *prospecto = NULL, *oportunidad = NULL, *folio = NULL;
    const char *recibida = NULL, *plazo = NULL, *detalle = NULL;
    const struct cmd_opt opts[] = {
        { "cliente", true, &cliente, NULL },         { "prospecto", true, &prospecto, NULL },
        { "oportunidad", true, &oportunidad, NULL }, { "folio", true, &folio, NULL },
        { "recibida", true, &recibida, NULL },       { "plazo", true, &plazo, NULL },
        { "detalle", true, &detalle, NULL },         { NULL, false, NULL, NULL },
    };
    struct db_arco_titular t;
    struct db_arco_alta alta;
    struct err e = { 0 };
    long dias = -1;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, argc, argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if ((status = titular_flags(entry, cliente, prospecto, oportunidad, &t)) != 0)
        return status;
    if ((status = crm_cmd_texto(entry, "folio", folio, 40)) != 0)
        return status;
    if (recibida != NULL && !crm_cmd_fecha_valida(recibida))
        return cmd_usage(entry, "«--recibida» es la fecha AAAA-MM-DD en que llegó la solicitud");
    if (plazo != NULL && !cmd_parse_long(plazo, 0, 3650, &dias))
        return cmd_usage(entry, "«--plazo» son los días de bloqueo, de 0 a 3650");
    if (detalle != NULL && (status = crm_cmd_texto(entry, "detalle", detalle, 500)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_arco_cancelar(db, folio, &t, recibida, (int)dias, detalle, &alta, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_alta(ctx, folio, &alta);
    db_close(db);
    return status;
}

/*
 * Writes text to path through a temporary file beside it (mode 0600: it holds personal data),
 * synced and renamed at the end, so a failure leaves no half file. false with errno set.
 */
static bool
escribir_privado(const char *path, const char *text)
{
    struct strbuf tmp;
    size_t len = strlen(text), off = 0;
    bool ok;
    int fd;

    strbuf_init(&tmp);
    strbuf_addf(&tmp, "%s.XXXXXX", path);
    if ((fd = mkstemp(tmp.buf)) < 0) {
        strbuf_fini(&tmp);
        return false;
    }
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);

        if (n < 0)
            break;
        off += (size_t)n;
    }
    ok = off == len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp.buf, path) == 0;
    if (!ok)
        (void)unlink(tmp.buf);
    strbuf_fini(&tmp);
    return ok;
}

static int
run_acceso(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *cliente = NULL, *prospecto = NULL, *oportunidad = NULL, *salida = NULL;
    const struct cmd_opt opts[] = {
        { "cliente", true, &cliente, NULL },
        { "prospecto", true, &prospecto, NULL },
        { "oportunidad", true, &oportunidad, NULL },
        { "salida", true, &salida, NULL },
        { NULL, false, NULL, NULL },
    };
    struct db_arco_titular t;
    struct err e = { 0 };
    char *doc = NULL;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, argc, argv, opts, NULL, 0, NULL)) != 0)
        return status;
    if ((status = titular_flags(entry, cliente, prospecto, oportunidad, &t)) != 0)
        return status;
    if (salida != NULL && (status = crm_cmd_texto(entry, "salida", salida, 4096)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_arco_acceso(db, &t, &doc, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else if (salida == NULL)
        puts(doc);
    else if (!escribir_privado(salida, doc))
        status = cmd_fail("no se pudo escribir «%s»", salida);
    else
        fprintf(stderr, "datos del titular escritos en %s (solo su dueño puede leerlo)\n", salida);
    free(doc);
    db_close(db);
    return status;
}

static void
print_supresiones(const struct cmd_ctx *ctx, const struct db_arco_supresion *r, size_t n)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            json_obj(&j);
            json_key(&j, "folio");
            json_str(&j, r[i].folio);
            put_id(&j, "cliente", r[i].cliente_id);
            put_id(&j, "prospecto", r[i].prospecto_id);
            json_key(&j, "filas");
            json_int(&j, r[i].filas);
            json_end(&j);
        }
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    if (n == 0)
        puts("no hay bloqueos terminados por suprimir");
    for (size_t i = 0; i < n; i++)
        printf("folio %s: datos del %s %lld suprimidos (%lld fila%s)\n", r[i].folio,
               r[i].cliente_id > 0 ? "cliente" : "prospecto",
               (long long)(r[i].cliente_id > 0 ? r[i].cliente_id : r[i].prospecto_id),
               (long long)r[i].filas, r[i].filas == 1 ? "" : "s");
    strbuf_fini(&sb);
}

static int
run_suprimir(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    bool vencidas = false;
    const struct cmd_opt opts[] = { { "vencidas", false, NULL, &vencidas },
                                    { NULL, false, NULL, NULL } };
    struct db_arco_supresion *r = NULL;
    struct err e = { 0 };
    char *pos[1];
    int npos = 0, status;
    size_t n = 0;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if ((npos == 1) == vencidas)
        return cmd_usage(entry, "indique el folio, o --vencidas para todos los bloqueos"
                                " terminados");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_arco_suprimir(db, npos == 1 ? pos[0] : NULL, &r, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_supresiones(ctx, r, n);
    free(r);
    db_close(db);
    return status;
}

int
cmd_arco_exec(struct cmd_ctx *ctx)
{
    static const struct cmd_verb verbs[] = {
        { "lista", run_lista },
        { "cancelar", run_cancelar },
        { "suprimir", run_suprimir },
        { "acceso", run_acceso },
    };

    return cmd_verbs_run(ctx, "arco", verbs, sizeof verbs / sizeof verbs[0], true);
}

/* ---- aviso -------------------------------------------------------------------------- */

static void
print_avisos(const struct cmd_ctx *ctx, const struct db_aviso *r, size_t n)
{
    struct strbuf sb;
    struct json j;
    char num[24];

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            json_obj(&j);
            json_key(&j, "version");
            json_str(&j, r[i].version);
            json_key(&j, "vigente_desde");
            json_str(&j, r[i].vigente_desde);
            json_key(&j, "ubicacion");
            json_str(&j, r[i].ubicacion);
            json_key(&j, "vigente");
            json_bool(&j, r[i].vigente);
            json_key(&j, "prospectos");
            json_int(&j, r[i].prospectos);
            json_key(&j, "creado_por");
            json_str(&j, r[i].creado_por);
            json_end(&j);
        }
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    if (n == 0) {
        puts("no hay avisos de privacidad: publique uno con «embudo aviso agregar»");
        strbuf_fini(&sb);
        return;
    }
    crm_cmd_col(&sb, "VERSIÓN", 16);
    crm_cmd_col(&sb, "DESDE", 10);
    crm_cmd_col(&sb, "", 8);
    crm_cmd_col(&sb, "PROSPECTOS", 10);
    strbuf_addstr(&sb, "UBICACIÓN\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(num, sizeof num, "%lld", (long long)r[i].prospectos);
        crm_cmd_col(&sb, r[i].version, 16);
        crm_cmd_col(&sb, r[i].vigente_desde, 10);
        crm_cmd_col(&sb, r[i].vigente ? "vigente" : "", 8);
        crm_cmd_col(&sb, num, 10);
        strbuf_addstr(&sb, r[i].ubicacion);
        strbuf_addch(&sb, '\n');
    }
    fputs(sb.buf, stdout);
    strbuf_fini(&sb);
}

static int
run_avisos(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    struct db_aviso *r = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, argc, argv, NULL, NULL, 0, NULL)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_avisos(db, &r, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_avisos(ctx, r, n);
    db_avisos_free(r, n);
    db_close(db);
    return status;
}

static int
run_aviso_agregar(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *ubicacion = NULL, *desde = NULL;
    const struct cmd_opt opts[] = { { "ubicacion", true, &ubicacion, NULL },
                                    { "desde", true, &desde, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[1], linea[200], vigente[11];
    int npos = 0, status;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (npos != 1)
        return cmd_usage(entry, "indique la versión del aviso (por ejemplo AP-2026-01)");
    if ((status = crm_cmd_texto(entry, "ubicacion", ubicacion, 500)) != 0)
        return status;
    if (desde != NULL && !crm_cmd_fecha_valida(desde))
        return cmd_usage(entry, "«--desde» es la fecha AAAA-MM-DD en que entra en vigor");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_aviso_agregar(db, pos[0], desde, ubicacion, vigente, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        snprintf(linea, sizeof linea, "aviso de privacidad %s publicado, vigente desde el %s",
                 pos[0], vigente);
        crm_cmd_print_cambio(ctx, linea, "version", pos[0], false, "vigente_desde", vigente);
    }
    db_close(db);
    return status;
}

int
cmd_aviso_exec(struct cmd_ctx *ctx)
{
    static const struct cmd_verb verbs[] = {
        { "lista", run_avisos },
        { "agregar", run_aviso_agregar },
    };

    return cmd_verbs_run(ctx, "aviso", verbs, sizeof verbs / sizeof verbs[0], true);
}
