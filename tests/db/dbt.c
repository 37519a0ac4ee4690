/*
 * dbt — database test fixtures (dbt.h). Linked into every tests/db binary.
 */
#include "dbt.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "core/config.h"
#include "db/db.h"
#include "db/db_internal.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

struct dbt {
    char *name;
    char **tmp; /* strings handed out by dbt_scalar_tmp */
    size_t ntmp;
};

static atomic_uint dbt_counter; /* any thread: unique database names within the process */

const char *
dbt_home(void)
{
    const char *h = getenv("EMBUDO_TEST_HOME");

    if (h == NULL || h[0] == '\0')
        fail_msg("EMBUDO_TEST_HOME no está definido: ejecute estas pruebas con «make check-db» "
                 "(tests/db/run.sh)");
    return h;
}

static const char *
dbt_home_or_null(void)
{
    const char *h = getenv("EMBUDO_TEST_HOME");

    return h != NULL && h[0] != '\0' ? h : NULL;
}

/* Conninfo for dbname on the test cluster, or NULL when EMBUDO_TEST_HOME is unset. */
static char *
conninfo_for(const char *dbname, const char *login)
{
    const char *home = dbt_home_or_null();
    char *run, *ci;

    if (home == NULL)
        return NULL;
    run = xasprintf("%s/run", home);
    ci = db_conninfo_socket_fmt(run, dbname, login != NULL ? login : DBT_ADMIN);
    free(run);
    return ci;
}

static struct db *
admin_connect(const char *dbname, struct err *e)
{
    char *ci = conninfo_for(dbname, DBT_ADMIN);
    struct db *db;

    if (ci == NULL) {
        err_set(e, RC_INVAL, "EMBUDO_TEST_HOME no está definido (use make check-db)");
        return NULL;
    }
    db = db_open_conninfo(ci, e);
    free(ci);
    return db;
}

struct dbt *
dbt_new(const char *template, struct err *e)
{
    const char *tmpl = template != NULL ? template : getenv("EMBUDO_TEST_TEMPLATE");
    struct db *admin = admin_connect("postgres", e);
    struct dbt *t;
    char *sql;
    int rc;

    if (admin == NULL)
        return NULL;
    if (tmpl == NULL || tmpl[0] == '\0')
        tmpl = "embudo_template";
    t = xcalloc(1, sizeof *t);
    t->name = xasprintf("t_%ld_%u", (long)getpid(), atomic_fetch_add(&dbt_counter, 1));
    sql = xasprintf("CREATE DATABASE \"%s\" TEMPLATE \"%s\" STRATEGY FILE_COPY", t->name, tmpl);
    rc = db_exec(admin, sql, e);
    free(sql);
    db_close(admin);
    if (rc != RC_OK) {
        err_wrap(e, "creando la base de pruebas %s desde %s", t->name, tmpl);
        free(t->name);
        free(t);
        return NULL;
    }
    return t;
}

void
dbt_free(struct dbt *t)
{
    struct err e = { 0 };
    struct db *admin;

    if (t == NULL)
        return;
    admin = admin_connect("postgres", &e);
    if (admin != NULL) {
        char *sql = xasprintf("DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", t->name);
        if (db_exec(admin, sql, &e) != RC_OK)
            fprintf(stderr, "dbt: no se pudo borrar %s: %s\n", t->name, e.msg);
        free(sql);
    }
    db_close(admin);
    for (size_t i = 0; i < t->ntmp; i++)
        free(t->tmp[i]);
    free(t->tmp);
    free(t->name);
    free(t);
}

static int
setup_from(void **state, const char *template)
{
    struct err e = { 0 };
    struct dbt *t = dbt_new(template, &e);

    if (t == NULL) {
        print_error("dbt: %s\n", e.msg);
        return -1;
    }
    *state = t;
    return 0;
}

int
dbt_setup(void **state)
{
    return setup_from(state, NULL);
}

int
dbt_setup_empty(void **state)
{
    return setup_from(state, "template0");
}

int
dbt_teardown(void **state)
{
    dbt_free(*state);
    *state = NULL;
    return 0;
}

const char *
dbt_dbname(const struct dbt *t)
{
    return t->name;
}

char *
dbt_conninfo_fmt(const struct dbt *t, const char *login)
{
    char *ci = conninfo_for(t->name, login);

    return ci != NULL ? ci : xstrdup("");
}

struct db *
dbt_connect_err(const struct dbt *t, const char *login, struct err *e)
{
    char *ci = conninfo_for(t->name, login);
    struct db *db;

    if (ci == NULL) {
        err_set(e, RC_INVAL, "EMBUDO_TEST_HOME no está definido (use make check-db)");
        return NULL;
    }
    db = db_open_conninfo(ci, e);
    free(ci);
    return db;
}

struct db *
dbt_connect(struct dbt *t, const char *login)
{
    struct err e = { 0 };
    struct db *db = dbt_connect_err(t, login, &e);

    if (db == NULL)
        fail_msg("dbt_connect(%s): %s", login != NULL ? login : DBT_ADMIN, e.msg);
    return db;
}

/* SQL string literal of s ('…' with quotes doubled); caller frees. */
static char *
sql_literal_dup(const char *s)
{
    struct strbuf sb;

    strbuf_init(&sb);
    strbuf_addch(&sb, '\'');
    for (; *s != '\0'; s++) {
        if (*s == '\'')
            strbuf_addch(&sb, '\'');
        strbuf_addch(&sb, *s);
    }
    strbuf_addch(&sb, '\'');
    char *out = strbuf_detach(&sb, NULL);

    strbuf_fini(&sb); /* detach re-initialises sb */
    return out;
}

int
dbt_role_err(const struct dbt *t, const char *login, const char *member_of, struct err *e)
{
    struct db *db = dbt_connect_err(t, NULL, e);
    char *lit = sql_literal_dup(login);
    char *mem = sql_literal_dup(member_of != NULL ? member_of : "");
    char *sql;
    int rc;

    if (db == NULL) {
        free(lit);
        free(mem);
        return e != NULL ? e->rc : RC_DB;
    }
    /* Concurrent CREATE ROLE can also fail with unique_violation on pg_authid. */
    sql = xasprintf("DO $dbt$ BEGIN"
                    " BEGIN EXECUTE format('CREATE ROLE %%I LOGIN', %s);"
                    " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;"
                    " IF %s <> '' THEN EXECUTE format('GRANT %%I TO %%I', %s, %s); END IF;"
                    " END $dbt$",
                    lit, mem, mem, lit);
    rc = db_exec(db, sql, e);
    free(sql);
    free(lit);
    free(mem);
    db_close(db);
    return rc;
}

void
dbt_role(struct dbt *t, const char *login, const char *member_of)
{
    struct err e = { 0 };

    if (dbt_role_err(t, login, member_of, &e) != RC_OK)
        fail_msg("dbt_role(%s, %s): %s", login, member_of != NULL ? member_of : "-", e.msg);
}

static char *
vfmt(const char *fmt, va_list ap)
{
    struct strbuf sb;

    strbuf_init(&sb);
    strbuf_vaddf(&sb, fmt, ap);
    char *out = strbuf_detach(&sb, NULL);

    strbuf_fini(&sb); /* detach re-initialises sb */
    return out;
}

void
dbt_exec(struct db *db, const char *fmt, ...)
{
    struct err e = { 0 };
    va_list ap;
    char *sql;
    int rc;

    va_start(ap, fmt);
    sql = vfmt(fmt, ap);
    va_end(ap);
    rc = db_exec(db, sql, &e);
    if (rc != RC_OK)
        fail_msg("dbt_exec: %s\n  SQL: %s\n  error [%s] %s", rc_name(rc), sql, e.code, e.msg);
    free(sql);
}

static const char *
scalar_v(struct dbt *t, struct db *db, const char *fmt, va_list ap)
{
    struct err e = { 0 };
    char *sql = vfmt(fmt, ap);
    char *val = NULL;
    int rc = db_query_text(db, sql, 0, NULL, &val, &e);

    if (rc != RC_OK)
        fail_msg("dbt_scalar: %s\n  SQL: %s\n  error [%s] %s", rc_name(rc), sql, e.code, e.msg);
    free(sql);
    if (val == NULL)
        val = xstrdup("(null)");
    t->tmp = xreallocarray(t->tmp, t->ntmp + 1, sizeof *t->tmp);
    t->tmp[t->ntmp++] = val;
    return val;
}

const char *
dbt_scalar_tmp(struct dbt *t, struct db *db, const char *fmt, ...)
{
    va_list ap;
    const char *v;

    va_start(ap, fmt);
    v = scalar_v(t, db, fmt, ap);
    va_end(ap);
    return v;
}

long long
dbt_scalar_ll(struct dbt *t, struct db *db, const char *fmt, ...)
{
    va_list ap;
    const char *v;
    char *end;
    long long n;

    va_start(ap, fmt);
    v = scalar_v(t, db, fmt, ap);
    va_end(ap);
    n = strtoll(v, &end, 10);
    if (end == v || *end != '\0')
        fail_msg("dbt_scalar_ll: «%s» no es un entero", v);
    return n;
}

int
dbt_try(struct db *db, struct err *e, const char *fmt, ...)
{
    va_list ap;
    char *sql;
    int rc;

    va_start(ap, fmt);
    sql = vfmt(fmt, ap);
    va_end(ap);
    err_clear(e);
    rc = db_exec(db, sql, e);
    free(sql);
    return rc;
}

void
dbt_expect_refusal(struct db *db, const char *code, const char *sql)
{
    struct err e = { 0 };
    int rc = dbt_try(db, &e, "%s", sql);

    if (rc != RC_REFUSED || strcmp(e.code, code) != 0)
        fail_msg("%s: esperaba el rechazo %s, llegó %s %s (%s)", sql, code, rc_name(rc), e.code,
                 e.msg);
}

void
dbt_refused(int rc, const struct err *e, const char *code)
{
    if (rc != RC_REFUSED || strcmp(e->code, code) != 0)
        fail_msg("esperaba el rechazo %s, llegó %s %s (%s)", code, rc_name(rc), e->code, e->msg);
}

void
dbt_ok(int rc, const struct err *e)
{
    if (rc != RC_OK)
        fail_msg("esperaba RC_OK, llegó %s %s (%s)", rc_name(rc), e->code, e->msg);
}

void
dbt_usuarios(struct dbt *t, struct db *adm, const struct dbt_usuario *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char role[32];
        char *login = sql_literal_dup(u[i].login), *nombre = sql_literal_dup(u[i].nombre);
        char *rol = sql_literal_dup(u[i].rol);
        char *sup = sql_literal_dup(u[i].supervisor != NULL ? u[i].supervisor : "");
        char *estado = sql_literal_dup(u[i].estado != NULL ? u[i].estado : "ACTIVO");

        snprintf(role, sizeof role, "embudo_%s",
                 strcmp(u[i].rol, "PROMOTOR") == 0     ? "promotor"
                 : strcmp(u[i].rol, "SUPERVISOR") == 0 ? "supervisor"
                 : strcmp(u[i].rol, "AUDITOR") == 0    ? "auditor"
                                                       : "admin");
        dbt_role(t, u[i].login, role);
        dbt_exec(adm,
                 "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id, estado)"
                 " VALUES (%s, %s, %s, (SELECT id FROM crm.usuarios WHERE login = %s), %s)",
                 login, nombre, rol, sup, estado);
        free(login);
        free(nombre);
        free(rol);
        free(sup);
        free(estado);
    }
}

void
dbt_clientes_imss(struct db *adm, int n)
{
    dbt_exec(adm,
             "INSERT INTO padron.convenios (clave, nombre, tipo)"
             " VALUES ('IMSS', 'IMSS', 'FEDERAL');"
             "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id,"
             " edad) SELECT 'Cliente ' || i, 'Prueba', 1, 9, 30 FROM generate_series(1, %d) i",
             n);
}

void
dbt_config_load(struct config *cfg, const char *home)
{
    char home_env[] = "HOME=/nonexistent-embudo-test";
    char *const env[] = { home_env, NULL };
    struct config_flags flags = { .home = home };
    struct err e = { 0 };

    if (config_load(cfg, &flags, env, &e) != RC_OK)
        fail_msg("dbt_config_load(%s): %s", home, e.msg);
    if (!cfg->embedded)
        fail_msg("dbt_config_load(%s): la configuración no es embebida (%s)", home,
                 cfg->database_url.where);
}

void
dbt_intentos(struct db *db, long long oportunidad, int n)
{
    for (int i = 0; i < n; i++)
        dbt_exec(db, "SELECT * FROM api.registrar_intento(%lld, 'NO_CONTESTA')", oportunidad);
}

const char *
dbt_avisos(struct db *listener)
{
    static char out[1024];
    PGnotify *nt;

    dbt_exec(listener, "SELECT 1");
    out[0] = '\0';
    while ((nt = PQnotifies(db_pg(listener))) != NULL) {
        if (strcmp(nt->relname, "embudo") == 0)
            snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", out[0] ? ";" : "",
                     nt->extra);
        PQfreemem(nt);
    }
    return out;
}

double
dbt_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
