/*
 * conn — opening and closing struct db, the conninfo for both modes, and the one place
 * where a failed PGresult becomes a struct err (db.h, db_internal.h).
 */
#include "db/db.h"

#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/config.h"
#include "db/cluster.h"
#include "db/db_internal.h"
#include "util/err.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

struct db {
    PGconn *pg;
    char *login;   /* session_user, owned */
    char *version; /* server_version, owned */
};

static const char MSG_LOST[] = "sin conexión con la base de datos";

/* Server notices (RAISE NOTICE, "already exists, skipping") go to the log, never stdout. */
static void
db_notice(void *arg, const char *message)
{
    (void)arg;
    log_debug("postgres: %.*s", (int)strcspn(message, "\n"), message);
}

/* Appends " key=value" to sb, quoting value as libpq's conninfo syntax requires. */
static void
conninfo_add(struct strbuf *sb, const char *key, const char *value)
{
    if (sb->len > 0)
        strbuf_addch(sb, ' ');
    strbuf_addf(sb, "%s='", key);
    for (const char *p = value; *p != '\0'; p++) {
        if (*p == '\'' || *p == '\\')
            strbuf_addch(sb, '\\');
        strbuf_addch(sb, *p);
    }
    strbuf_addch(sb, '\'');
}

char *
db_default_login_dup(void)
{
    struct passwd *pw = getpwuid(geteuid());

    if (pw != NULL && pw->pw_name != NULL && pw->pw_name[0] != '\0')
        return xstrdup(pw->pw_name);
    const char *user = getenv("USER");
    return xstrdup(user != NULL && user[0] != '\0' ? user : DB_LOGIN_ADMIN);
}

char *
db_conninfo_socket_fmt(const char *socket_dir, const char *dbname, const char *user)
{
    struct strbuf sb;

    strbuf_init(&sb);
    /* Every key explicit, so stray PG* variables cannot point us elsewhere. */
    conninfo_add(&sb, "host", socket_dir);
    conninfo_add(&sb, "port", CLUSTER_PORT);
    conninfo_add(&sb, "dbname", dbname);
    conninfo_add(&sb, "user", user);
    char *out = strbuf_detach(&sb, NULL);

    strbuf_fini(&sb); /* detach re-initialises sb */
    return out;
}

char *
db_conninfo_fmt(const struct config *cfg, const char *login)
{
    char *run, *deflogin = NULL, *ci;

    if (!cfg->embedded)
        return xstrdup(cfg->database_url.value != NULL ? cfg->database_url.value : "");
    if (login == NULL)
        login = deflogin = db_default_login_dup();
    run = cluster_run_dir_fmt(cfg);
    ci = db_conninfo_socket_fmt(run, DB_NAME, login);
    free(run);
    free(deflogin);
    return ci;
}

/* Reads session_user and server_version into db once connected. */
static int
db_fill_identity(struct db *db, struct err *e)
{
    const char *v = PQparameterStatus(db->pg, "server_version");
    int rc;

    db->version = xstrdup(v != NULL ? v : "?");
    rc = db_query_text(db, "SELECT session_user", 0, NULL, &db->login, e);
    if (rc == RC_OK && db->login == NULL)
        db->login = xstrdup("");
    return rc;
}

/*
 * A server's refusal of someone who is not, or no longer, an embudo user — the two ways it
 * happens on a shared server with peer authentication — as a Spanish sentence with the fix
 * into e; false for any other failure. PostgreSQL words them in its lc_messages: English and
 * Spanish are recognised, anything else keeps the server's text.
 */
static bool
conn_refusal(PGconn *pg, const char *m, struct err *e)
{
    const char *who = PQuser(pg) != NULL ? PQuser(pg) : "";

    if ((strstr(m, "role \"") != NULL && strstr(m, "\" does not exist") != NULL) ||
        strstr(m, "no existe el rol") != NULL) {
        err_set(e, RC_DB,
                "la cuenta «%s» no es un usuario de embudo: un administrador la da de alta con "
                "«embudo usuario crear %s …»",
                who, who);
        return true;
    }
    if (strstr(m, "is not permitted to log in") != NULL ||
        strstr(m, "no se le permite conectarse") != NULL) {
        err_set(e, RC_DB,
                "el usuario «%s» no puede entrar: está dado de baja (un administrador lo "
                "reactiva con «embudo usuario estado %s ACTIVO»)",
                who, who);
        return true;
    }
    return false;
}

struct db *
db_open_conninfo(const char *conninfo, struct err *e)
{
    /* dbname is expanded (URL or key=value); later keys override what it set. */
    const char *const keys[] = { "dbname", "fallback_application_name", "client_encoding",
                                 NULL };
    const char *const vals[] = { conninfo != NULL && conninfo[0] != '\0' ? conninfo : NULL,
                                 "embudo", "UTF8", NULL };
    struct db *db = xcalloc(1, sizeof *db);

    db->pg = PQconnectdbParams(keys, vals, 1);
    if (db->pg == NULL)
        fatal("sin memoria para la conexión");
    if (PQstatus(db->pg) != CONNECTION_OK) {
        const char *m = PQerrorMessage(db->pg);
        size_t n = strlen(m);

        while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
            n--;
        if (!conn_refusal(db->pg, m, e))
            err_set(e, RC_DB, "no se pudo conectar a la base de datos: %.*s", (int)n, m);
        goto fail;
    }
    PQsetNoticeProcessor(db->pg, db_notice, NULL);
    if (db_fill_identity(db, e) != RC_OK)
        goto fail;
    return db;
fail:
    db_close(db);
    return NULL;
}

struct db *
db_open(const struct config *cfg, const char *login, struct err *e)
{
    struct db *db;
    char *conninfo;

    if (cfg->embedded && cluster_ensure_running(cfg, e) != RC_OK)
        return NULL;
    conninfo = db_conninfo_fmt(cfg, login);
    db = db_open_conninfo(conninfo, e);
    free(conninfo);
    return db;
}

void
db_close(struct db *db)
{
    if (db == NULL)
        return;
    PQfinish(db->pg);
    free(db->login);
    free(db->version);
    free(db);
}

PGconn *
db_pg(struct db *db)
{
    return db->pg;
}

const char *
db_login(const struct db *db)
{
    return db->login;
}

const char *
db_server_version(const struct db *db)
{
    return db->version;
}

/* True when the failure means the session is gone rather than the statement was bad. */
static bool
db_is_conn_lost(struct db *db, const char *state)
{
    if (PQstatus(db->pg) == CONNECTION_BAD)
        return true;
    if (state == NULL)
        return false;
    return strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
           strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0;
}

int
db_result_err(struct db *db, const PGresult *res, struct err *e)
{
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    int rc;

    if (db_is_conn_lost(db, state)) {
        rc = err_set(e, RC_DB, "%s", MSG_LOST);
        state = "08006";
    } else if (state != NULL && strncmp(state, "EB", 2) == 0) {
        rc = err_set(e, RC_REFUSED, "%s", msg != NULL ? msg : state);
    } else if (msg != NULL) {
        rc = err_set(e, RC_DB, "%s", msg);
    } else {
        const char *m = PQerrorMessage(db->pg);
        rc = err_set(e, RC_DB, "%s", m[0] != '\0' ? m : "error desconocido de la base de datos");
    }
    if (e != NULL && state != NULL) {
        strncpy(e->code, state, sizeof e->code - 1);
        e->code[sizeof e->code - 1] = '\0';
    }
    return rc;
}

int
db_check(struct db *db, const PGresult *res, ExecStatusType want, struct err *e)
{
    if (res != NULL && PQresultStatus(res) == want)
        return RC_OK;
    if (res != NULL && PQresultStatus(res) != PGRES_FATAL_ERROR &&
        PQresultStatus(res) != PGRES_NONFATAL_ERROR && PQresultStatus(res) != PGRES_BAD_RESPONSE)
        return err_set(e, RC_DB, "respuesta inesperada de la base de datos: %s",
                       PQresStatus(PQresultStatus(res)));
    return db_result_err(db, res, e);
}

int
db_exec(struct db *db, const char *sql, struct err *e)
{
    PGresult *res = PQexec(db->pg, sql);
    int rc = RC_OK;

    /* A multi-statement string returns the last result; COMMAND_OK or TUPLES_OK are fine. */
    if (res != NULL && (PQresultStatus(res) == PGRES_TUPLES_OK ||
                        PQresultStatus(res) == PGRES_EMPTY_QUERY))
        goto out;
    rc = db_check(db, res, PGRES_COMMAND_OK, e);
out:
    PQclear(res);
    return rc;
}

int
db_query_text(struct db *db, const char *sql, int n, const char *const *params, char **out,
              struct err *e)
{
    PGresult *res = PQexecParams(db->pg, sql, n, NULL, params, NULL, NULL, 0);
    int rc;

    *out = NULL;
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    if (rc != RC_OK)
        goto out;
    if (PQntuples(res) < 1 || PQnfields(res) < 1) {
        rc = err_set(e, RC_NOTFOUND, "la consulta no devolvió filas");
        goto out;
    }
    if (!PQgetisnull(res, 0, 0))
        *out = xstrdup(PQgetvalue(res, 0, 0));
out:
    PQclear(res);
    return rc;
}
