/*
 * cmd_usuario — `embudo usuario …`, running the team without psql (sql/002, 071, 072, 099):
 *   usuario [lista]                                  the users the caller may see
 *   usuario crear LOGIN --nombre N --rol R [--supervisor S] [--cupo N] [--cartera N]
 *   usuario estado LOGIN ACTIVO|AUSENTE|VACACIONES|BAJA [--motivo M]
 *   usuario supervisor LOGIN SUPERVISOR              moves a promoter to another team
 *   usuario limites LOGIN [--cupo N] [--cartera N]   cupo diario and cartera máxima
 *   usuario nombre LOGIN NOMBRE… [--motivo M]       corrects the name (099)
 *   usuario cambios [LOGIN] [--limite N]             who changed what, when and why (078)
 * Changes are for admins, but a supervisor may set ACTIVO, AUSENTE or VACACIONES on their own
 * promoters (the database refuses the rest: EB101, EB115, EB116). Flags are checked here
 * (exit 2) before connecting; refusals print the database's message (exit 1). Main thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "db/db.h"
#include "db/db_usuarios.h"
#include "util/err.h"
#include "util/json.h"
#include "util/strbuf.h"

/* api.crear_usuario's defaults, which a positional call cannot leave out. */
#define CUPO_DEFECTO    50
#define CARTERA_DEFECTO 500

static void
print_lista(const struct cmd_ctx *ctx, const struct db_usuario *u, size_t n)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    if (!ctx->json) {
        crm_cmd_col(&sb, "USUARIO", 14);
        crm_cmd_col(&sb, "NOMBRE", 28);
        crm_cmd_col(&sb, "ROL", 10);
        crm_cmd_col(&sb, "ESTADO", 10);
        crm_cmd_col(&sb, "SUPERVISOR", 12);
        crm_cmd_col(&sb, "CUPO", 5);
        strbuf_addstr(&sb, "CARTERA\n");
        for (size_t i = 0; i < n; i++) {
            bool promotor = strcmp(u[i].rol, "PROMOTOR") == 0; /* cupo and cartera are theirs */
            char num[16];

            crm_cmd_col(&sb, u[i].login, 14);
            crm_cmd_col(&sb, u[i].nombre, 28);
            crm_cmd_col(&sb, u[i].rol, 10);
            crm_cmd_col(&sb, u[i].estado, 10);
            crm_cmd_col(&sb, u[i].supervisor != NULL ? u[i].supervisor : "—", 12);
            snprintf(num, sizeof num, "%d", u[i].cupo_diario);
            crm_cmd_col(&sb, promotor ? num : "—", 5);
            if (promotor)
                strbuf_addf(&sb, "%d/%d\n", u[i].activas, u[i].cartera_max);
            else
                strbuf_addstr(&sb, "—\n");
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
        json_str(&j, u[i].login);
        json_key(&j, "nombre");
        json_str(&j, u[i].nombre);
        json_key(&j, "rol");
        json_str(&j, u[i].rol);
        json_key(&j, "estado");
        json_str(&j, u[i].estado);
        json_key(&j, "supervisor");
        json_str(&j, u[i].supervisor);
        json_key(&j, "cupo_diario");
        json_int(&j, u[i].cupo_diario);
        json_key(&j, "cartera_max");
        json_int(&j, u[i].cartera_max);
        json_key(&j, "activas");
        json_int(&j, u[i].activas);
        json_end(&j);
    }
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static void
print_limites_json(const char *login, int cupo, int cartera)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "usuario");
    json_str(&j, login);
    json_key(&j, "cupo_diario");
    json_int(&j, cupo);
    json_key(&j, "cartera_max");
    json_int(&j, cartera);
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static int
run_lista(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    struct db_usuario *u = NULL;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;
    int status;

    if ((status = cmd_parse(entry, argc, argv, NULL, NULL, 0, NULL)) != 0)
        return status;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_usuarios(db, &u, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_lista(ctx, u, n);
    db_usuarios_free(u, n);
    db_close(db);
    return status;
}

/* Parses an optional --cupo/--cartera value into *out (-1 when absent). 0 or 2. */
static int
limite(const struct cmd_entry *entry, const char *flag, const char *s, long max, int *out)
{
    long v;

    *out = -1;
    if (s == NULL)
        return 0;
    if (!cmd_parse_long(s, 0, max, &v))
        return cmd_usage(entry, "«--%s» debe ser un número entre 0 y %ld (se dio «%s»)", flag, max,
                         s);
    *out = (int)v;
    return 0;
}

/* src in upper case into dst (ASCII: roles and estados). */
static const char *
upcase(char *dst, size_t size, const char *src)
{
    size_t i = 0;

    for (; i + 1 < size && src[i] != '\0'; i++)
        dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 'a' + 'A' : src[i]);
    dst[i] = '\0';
    return dst;
}

static bool
rol_valido(const char *rol)
{
    static const char *const roles[] = { "PROMOTOR", "SUPERVISOR", "ADMIN", "AUDITOR" };

    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcasecmp(rol, roles[i]) == 0)
            return true;
    return false;
}

static int
run_crear(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *nombre = NULL, *rol = NULL, *sup = NULL, *cupo_s = NULL, *cartera_s = NULL;
    const struct cmd_opt opts[] = {
        { "nombre", true, &nombre, NULL },     { "rol", true, &rol, NULL },
        { "supervisor", true, &sup, NULL },    { "cupo", true, &cupo_s, NULL },
        { "cartera", true, &cartera_s, NULL }, { NULL, false, NULL, NULL },
    };
    char *pos[1], rol_up[16];
    int npos = 0, status, id = 0;
    struct db_usuario_nuevo u = { 0 };
    struct err e = { 0 };
    struct db *db;
    char msg[256];

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (npos == 0)
        return cmd_usage(entry, "falta el usuario (LOGIN) a crear");
    if (crm_cmd_texto(entry, "nombre", nombre, 120) != 0)
        return 2;
    if (rol == NULL)
        return cmd_usage(entry, "falta «--rol» (PROMOTOR, SUPERVISOR, ADMIN o AUDITOR)");
    if (!rol_valido(rol))
        return cmd_usage(
            entry, "«--rol» debe ser PROMOTOR, SUPERVISOR, ADMIN o AUDITOR (se dio «%s»)", rol);
    if (limite(entry, "cupo", cupo_s, 10000, &u.cupo_diario) != 0 ||
        limite(entry, "cartera", cartera_s, 100000, &u.cartera_max) != 0)
        return 2;
    u.login = pos[0];
    u.nombre = nombre;
    u.rol = upcase(rol_up, sizeof rol_up, rol);
    u.supervisor = sup;
    if (u.cupo_diario < 0)
        u.cupo_diario = CUPO_DEFECTO;
    if (u.cartera_max < 0)
        u.cartera_max = CARTERA_DEFECTO;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_usuario_crear(db, &u, &id, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        snprintf(msg, sizeof msg, "usuario %s (%s, %s) listo", u.login, u.nombre, u.rol);
        crm_cmd_print_cambio(ctx, msg, "usuario", u.login, false, "rol", u.rol);
    }
    db_close(db);
    return status;
}

/* «prom2: ACTIVO → VACACIONES (12 temporizadores en pausa)», or with --json {"usuario",
 * "estado", "temporizadores_pausados", "temporizadores_reanudados"}. */
static void
print_estado(const struct cmd_ctx *ctx, const char *login, const char *anterior, const char *estado,
             int pausados, int reanudados)
{
    struct strbuf sb;
    struct json j;

    strbuf_init(&sb);
    if (ctx->json) {
        json_init(&j, &sb);
        json_obj(&j);
        json_key(&j, "usuario");
        json_str(&j, login);
        json_key(&j, "estado");
        json_str(&j, estado);
        json_key(&j, "temporizadores_pausados");
        json_int(&j, pausados);
        json_key(&j, "temporizadores_reanudados");
        json_int(&j, reanudados);
        json_end(&j);
        crm_cmd_json_print(&sb);
        strbuf_fini(&sb);
        return;
    }
    strbuf_addf(&sb, "%s: %s → %s", login, anterior, estado);
    if (pausados > 0)
        strbuf_addf(&sb, " (%d %s en pausa mientras no está)", pausados,
                    pausados == 1 ? "temporizador" : "temporizadores");
    if (reanudados > 0)
        strbuf_addf(&sb, " (%d %s de nuevo)", reanudados,
                    reanudados == 1 ? "temporizador corre" : "temporizadores corren");
    puts(sb.buf);
    strbuf_fini(&sb);
}

static int
run_estado(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *motivo = NULL;
    const struct cmd_opt opts[] = { { "motivo", true, &motivo, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[2], anterior[16], estado[16];
    int npos = 0, status, pausados = 0, reanudados = 0;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 2, &npos)) != 0)
        return status;
    if (npos < 2)
        return cmd_usage(entry, "se esperan LOGIN y ESTADO (ACTIVO, AUSENTE, VACACIONES o BAJA)");
    if (motivo != NULL && (status = crm_cmd_texto(entry, "motivo", motivo, 500)) != 0)
        return status;
    upcase(estado, sizeof estado, pos[1]);
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_usuario_estado(db, pos[0], estado, motivo, anterior, sizeof anterior, &pausados,
                          &reanudados, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_estado(ctx, pos[0], anterior, estado, pausados, reanudados);
    db_close(db);
    return status;
}

static int
run_supervisor(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    char *pos[2], msg[256];
    int npos = 0, status;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, NULL, pos, 2, &npos)) != 0)
        return status;
    if (npos < 2)
        return cmd_usage(entry, "se esperan LOGIN del promotor y LOGIN del supervisor");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_usuario_supervisor(db, pos[0], pos[1], &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        snprintf(msg, sizeof msg, "%s ahora es del equipo de %s", pos[0], pos[1]);
        crm_cmd_print_cambio(ctx, msg, "usuario", pos[0], false, "supervisor", pos[1]);
    }
    db_close(db);
    return status;
}

static int
run_limites(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *cupo_s = NULL, *cartera_s = NULL;
    const struct cmd_opt opts[] = { { "cupo", true, &cupo_s, NULL },
                                    { "cartera", true, &cartera_s, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[1];
    int npos = 0, status, cupo, cartera, cupo_n = 0, cartera_n = 0;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (npos == 0)
        return cmd_usage(entry, "falta el usuario (LOGIN)");
    if (cupo_s == NULL && cartera_s == NULL)
        return cmd_usage(entry, "diga qué cambiar: «--cupo N», «--cartera N» o ambos");
    if (limite(entry, "cupo", cupo_s, 10000, &cupo) != 0 ||
        limite(entry, "cartera", cartera_s, 100000, &cartera) != 0)
        return 2;
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_usuario_limites(db, pos[0], cupo, cartera, &cupo_n, &cartera_n, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else if (!ctx->json) {
        printf("%s: cupo diario %d, cartera máxima %d\n", pos[0], cupo_n, cartera_n);
    } else {
        print_limites_json(pos[0], cupo_n, cartera_n);
    }
    db_close(db);
    return status;
}

/* «prom2: «Alvaro Ruiz» → «Álvaro Ruiz»» (the same name: «nada que cambiar»); the name may
 * be several words, unquoted. */
static int
run_nombre(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *motivo = NULL;
    const struct cmd_opt opts[] = { { "motivo", true, &motivo, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[16], anterior[256], msg[512];
    int npos = 0, status;
    struct strbuf nombre;
    struct err e = { 0 };
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 16, &npos)) != 0)
        return status;
    if (npos < 2)
        return cmd_usage(entry, "se esperan LOGIN y el NOMBRE completo");
    if (motivo != NULL && (status = crm_cmd_texto(entry, "motivo", motivo, 500)) != 0)
        return status;
    strbuf_init(&nombre);
    for (int i = 1; i < npos; i++)
        strbuf_addf(&nombre, "%s%s", i > 1 ? " " : "", pos[i]);
    if ((status = crm_cmd_texto(entry, "nombre", nombre.buf, 120)) != 0) {
        strbuf_fini(&nombre);
        return status;
    }
    if ((db = crm_cmd_open(ctx)) == NULL) {
        strbuf_fini(&nombre);
        return 1;
    }
    if (db_usuario_nombre(db, pos[0], nombre.buf, motivo, anterior, sizeof anterior, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        if (strcmp(anterior, nombre.buf) == 0)
            snprintf(msg, sizeof msg, "%s ya se llamaba «%s»: nada que cambiar", pos[0], anterior);
        else
            snprintf(msg, sizeof msg, "%s: «%s» → «%s»", pos[0], anterior, nombre.buf);
        crm_cmd_print_cambio(ctx, msg, "usuario", pos[0], false, "nombre", nombre.buf);
    }
    db_close(db);
    strbuf_fini(&nombre);
    return status;
}

static void
print_cambios(const struct cmd_ctx *ctx, const struct db_usuario_cambio *c, size_t n)
{
    struct strbuf sb;
    struct json j;
    char cuando[32];

    strbuf_init(&sb);
    if (!ctx->json) {
        if (n == 0)
            strbuf_addstr(&sb, "no hay cambios registrados\n");
        for (size_t i = 0; i < n; i++) {
            struct tm tm = { 0 };
            const char *end = strptime(c[i].hecho_at, "%Y-%m-%dT%H:%M:%SZ", &tm);

            strbuf_addf(&sb, "%s  %s  %s: %s → %s  por %s",
                        end != NULL ? crm_cmd_time(timegm(&tm), cuando, sizeof cuando)
                                    : c[i].hecho_at,
                        c[i].usuario, c[i].campo, c[i].anterior != NULL ? c[i].anterior : "—",
                        c[i].nuevo != NULL ? c[i].nuevo : "—",
                        c[i].hecho_por != NULL ? c[i].hecho_por : "el dueño de la base");
            if (c[i].motivo != NULL)
                strbuf_addf(&sb, " («%s»)", c[i].motivo);
            strbuf_addch(&sb, '\n');
        }
        fputs(sb.buf, stdout);
        strbuf_fini(&sb);
        return;
    }
    json_init(&j, &sb);
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        const char *const kv[][2] = {
            { "usuario", c[i].usuario },   { "campo", c[i].campo },
            { "anterior", c[i].anterior }, { "nuevo", c[i].nuevo },
            { "motivo", c[i].motivo },     { "hecho_por", c[i].hecho_por },
            { "hecho_at", c[i].hecho_at },
        };

        json_obj(&j);
        crm_cmd_json_textos(&j, kv, sizeof kv / sizeof kv[0]);
        json_end(&j);
    }
    json_end(&j);
    crm_cmd_json_print(&sb);
    strbuf_fini(&sb);
}

static int
run_cambios(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
    const char *limite_s = NULL;
    const struct cmd_opt opts[] = { { "limite", true, &limite_s, NULL },
                                    { NULL, false, NULL, NULL } };
    struct db_usuario_cambio *c = NULL;
    char *pos[1];
    int npos = 0, status;
    long limite = 50;
    struct err e = { 0 };
    size_t n = 0;
    struct db *db;

    if ((status = cmd_parse(entry, argc, argv, opts, pos, 1, &npos)) != 0)
        return status;
    if (limite_s != NULL && !cmd_parse_long(limite_s, 1, 10000, &limite))
        return cmd_usage(entry, "«--limite» debe ser un número entre 1 y 10000 (se dio «%s»)",
                         limite_s);
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_usuario_cambios(db, npos > 0 ? pos[0] : NULL, (int)limite, &c, &n, &e) != RC_OK)
        status = crm_cmd_fail(ctx, &e);
    else
        print_cambios(ctx, c, n);
    db_usuario_cambios_free(c, n);
    db_close(db);
    return status;
}

int
cmd_usuario_exec(struct cmd_ctx *ctx)
{
    static const struct cmd_verb verbs[] = {
        { "lista", run_lista },           { "crear", run_crear },     { "estado", run_estado },
        { "supervisor", run_supervisor }, { "limites", run_limites }, { "nombre", run_nombre },
        { "cambios", run_cambios },
    };

    return cmd_verbs_run(ctx, "usuario", verbs, sizeof verbs / sizeof verbs[0], true);
}
