/*
 * db — the database connection as the rest of embudo sees it: an opaque handle.
 *
 * libpq is included only under src/db/; everything else uses struct db. A struct db
 * wraps one PGconn and belongs to one thread at a time (STYLE.md §B.5.7): open it on
 * the thread that uses it, or hand it over with the job that uses it, never share it.
 * The functions here may be called from any thread, each on its own handle.
 *
 * Embedded mode (cfg->embedded): the private cluster under $EMBUDO_HOME is started on
 * demand (cluster_ensure_running) and reached through its unix socket in $EMBUDO_HOME/run,
 * database "embudo", as the given login. External mode: cfg->database_url (or the PG*
 * environment when it is empty) is used as given.
 */
#ifndef DB_DB_H
#define DB_DB_H

#include <stddef.h>

struct config;
struct err;

/* One PGconn; one thread at a time. */
struct db;

/* The bootstrap superuser of the embedded cluster; admin work (migrate, demo) uses it. */
#define DB_LOGIN_ADMIN "postgres"
/* The database embudo uses inside the embedded cluster. */
#define DB_NAME "embudo"

/*
 * Connects as login (NULL = the default: the OS user name in embedded mode, whatever the
 * URL/environment says in external mode). In embedded mode the cluster is initialised and
 * started first when needed. In external mode login is ignored (--as is refused there,
 * and admin work uses the configured account). Returns NULL and fills e (RC_DB, RC_IO,
 * RC_INVAL) on failure. The session has application_name=embudo and UTF8 encoding.
 */
struct db *db_open(const struct config *cfg, const char *login, struct err *e)
    __attribute__((warn_unused_result));

/*
 * Connects with an explicit libpq conninfo string or URL, without touching the cluster.
 * For tests and tools (tests/db/dbt.c uses it for per-test databases). NULL + e on failure.
 */
struct db *db_open_conninfo(const char *conninfo, struct err *e)
    __attribute__((warn_unused_result));

/* Closes the connection and frees db. NULL-safe. */
void db_close(struct db *db);

/*
 * The conninfo db_open would use for login, as one string psql accepts as its dbname
 * argument (e.g. "host=/home/x/run dbname=embudo user=ana application_name=embudo").
 * Does not start anything. The caller frees the result.
 */
char *db_conninfo_fmt(const struct config *cfg, const char *login);

/*
 * The conninfo for a PostgreSQL unix socket in socket_dir (port 5432), with host, port,
 * dbname and user all explicit and quoted. For the embedded cluster and test fixtures.
 * Caller frees.
 */
char *db_conninfo_socket_fmt(const char *socket_dir, const char *dbname, const char *user);

/* The default login in embedded mode: the OS user name (getpwuid(geteuid())). Caller frees. */
char *db_default_login_dup(void);

/* session_user of this connection; valid until db_close. */
const char *db_login(const struct db *db);

/* The server's version as text ("15.20"); valid until db_close. */
const char *db_server_version(const struct db *db);

/*
 * Runs one or more simple SQL statements that return no rows the caller needs.
 * RC_OK, or the mapping below.
 *
 * Every db function maps a failed statement into e the same way:
 *   SQLSTATE class 'EB' (embudo's api refusals, raised by plpgsql with a Spanish message)
 *     → RC_REFUSED, e->code = the SQLSTATE, e->msg = the primary message;
 *   connection lost → RC_DB "sin conexión con la base de datos" (e->code = "08006");
 *   anything else → RC_DB, e->code = the SQLSTATE, e->msg = the server's message.
 */
int db_exec(struct db *db, const char *sql, struct err *e) __attribute__((warn_unused_result));

/*
 * Runs sql (with n text parameters $1…$n, may be NULL when n is 0) and returns the first
 * column of the first row as a newly allocated string (the caller frees it) in *out;
 * *out is NULL when the value is SQL NULL. No rows → RC_NOTFOUND. For small lookups
 * (status, tests); real queries belong in db_<aggregate>.c modules.
 */
int db_query_text(struct db *db, const char *sql, int n, const char *const *params,
                  char **out, struct err *e) __attribute__((warn_unused_result));

#endif
