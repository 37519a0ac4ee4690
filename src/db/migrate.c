/*
 * migrate — applying sql/NNN_name.sql files once each (migrate.h).
 *
 * DESIGN. One session advisory lock (MIGRATE_LOCK_KEY) serialises every migrator; the
 * bookkeeping table is created under it, and the applied set is read only once it is held,
 * so a second migrator sees the first one's work. Checksums are computed by the server
 * (sha256 of the text as UTF-8), so the C side needs no hash code and both sides agree by
 * construction. Each pending file runs as one PQexec inside BEGIN … COMMIT together with its
 * bookkeeping row: either both are there or neither is.
 */
#include "db/migrate.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db/db_internal.h"
#include "util/err.h"
#include "util/xmalloc.h"

#define SQL_CHECKSUM "SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')"

/* One row of crm.schema_migrations. */
struct applied_row {
    char *name;
    char *checksum;
};

struct applied_set {
    struct applied_row *rows;
    size_t n;
};

void
migrate_report_fini(struct migrate_report *r)
{
    if (r == NULL)
        return;
    free(r->names);
    r->names = NULL;
    r->applied = r->already = 0;
}

static void
applied_fini(struct applied_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->rows[i].name);
        free(s->rows[i].checksum);
    }
    free(s->rows);
    s->rows = NULL;
    s->n = 0;
}

/* "NNN_x.sql": three digits, '_', at least one of [A-Za-z0-9_-], ".sql". */
static bool
name_valid(const char *name)
{
    size_t len = strlen(name);

    if (len < 9 || strcmp(name + len - 4, ".sql") != 0 || name[3] != '_')
        return false;
    for (size_t i = 0; i < 3; i++)
        if (!isdigit((unsigned char)name[i]))
            return false;
    for (size_t i = 4; i < len - 4; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-')
            return false;
    return true;
}

int
migrate_check_names(const struct migration_file *files, size_t n, struct err *e)
{
    for (size_t i = 0; i < n; i++) {
        if (files[i].name == NULL || files[i].sql == NULL || !name_valid(files[i].name))
            return err_set(e, RC_INVAL,
                           "nombre de migración inválido «%s»: se espera NNN_nombre.sql",
                           files[i].name != NULL ? files[i].name : "(nulo)");
        /* Same width digits, so comparing the first three bytes compares the numbers. */
        if (i > 0 && strncmp(files[i - 1].name, files[i].name, 3) >= 0)
            return err_set(e, RC_INVAL,
                           "las migraciones deben ir en orden estrictamente creciente: "
                           "«%s» viene después de «%s»",
                           files[i].name, files[i - 1].name);
    }
    return RC_OK;
}

/* Reads crm.schema_migrations, or an empty set when the table does not exist (status). */
static int
applied_load(struct db *db, bool may_be_missing, struct applied_set *s, struct err *e)
{
    static const char sql[] = "SELECT nombre, checksum FROM crm.schema_migrations"
                              " ORDER BY nombre";
    PGresult *res = NULL;
    char *exists = NULL;
    int rc = RC_OK;

    if (may_be_missing) {
        rc = db_query_text(db, "SELECT to_regclass('crm.schema_migrations') IS NOT NULL", 0,
                           NULL, &exists, e);
        if (rc != RC_OK || exists == NULL || strcmp(exists, "t") != 0)
            goto out;
    }
    res = PQexec(db_pg(db), sql);
    rc = db_check(db, res, PGRES_TUPLES_OK, e);
    if (rc != RC_OK)
        goto out;
    s->n = (size_t)PQntuples(res);
    s->rows = xcalloc(s->n > 0 ? s->n : 1, sizeof *s->rows);
    for (size_t i = 0; i < s->n; i++) {
        s->rows[i].name = xstrdup(PQgetvalue(res, (int)i, 0));
        s->rows[i].checksum = xstrdup(PQgetvalue(res, (int)i, 1));
    }
out:
    PQclear(res);
    free(exists);
    return rc;
}

static const struct applied_row *
applied_find(const struct applied_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->rows[i].name, name) == 0)
            return &s->rows[i];
    return NULL;
}

static const struct migration_file *
file_find(const struct migration_file *files, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(files[i].name, name) == 0)
            return &files[i];
    return NULL;
}

/*
 * The applied set must be a prefix of files, unchanged: every applied row has its file
 * with the same checksum, and no pending file sorts before an applied one.
 */
static int
applied_verify(struct db *db, const struct migration_file *files, size_t n,
               const struct applied_set *s, struct err *e)
{
    const char *last_applied = NULL;
    int rc = RC_OK;

    for (size_t i = 0; i < s->n && rc == RC_OK; i++) {
        const struct migration_file *f = file_find(files, n, s->rows[i].name);
        const char *params[1];
        char *sum = NULL;

        if (f == NULL)
            return err_set(e, RC_INVAL,
                           "la migración %s ya aplicada no está entre las de este programa; "
                           "¿es un embudo más viejo que la base de datos?",
                           s->rows[i].name);
        params[0] = f->sql;
        rc = db_query_text(db, SQL_CHECKSUM, 1, params, &sum, e);
        if (rc == RC_OK && (sum == NULL || strcmp(sum, s->rows[i].checksum) != 0))
            rc = err_set(e, RC_INVAL,
                         "la migración %s ya aplicada fue modificada (su checksum no coincide); "
                         "las migraciones solo se agregan: deshaga el cambio y escriba una "
                         "migración nueva",
                         f->name);
        free(sum);
        last_applied = s->rows[i].name;
    }
    for (size_t i = 0; i < n && rc == RC_OK && last_applied != NULL; i++)
        if (applied_find(s, files[i].name) == NULL && strcmp(files[i].name, last_applied) < 0)
            rc = err_set(e, RC_INVAL,
                         "la migración %s es anterior a %s, que ya está aplicada; "
                         "las migraciones nuevas van al final",
                         files[i].name, last_applied);
    return rc;
}

/* 1-based line of the 1-based character position pos in text (UTF-8), or 0. */
static long
line_of(const char *text, const char *pos_str)
{
    long pos = pos_str != NULL ? strtol(pos_str, NULL, 10) : 0;
    long line = 1, ch = 0;

    if (pos <= 0)
        return 0;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if ((*p & 0xC0) != 0x80 && ++ch >= pos)
            return line;
        if (*p == '\n')
            line++;
    }
    return line;
}

/* Fills e for a file whose text failed: file, line when known, and the server's message. */
static int
file_err(struct db *db, const struct migration_file *f, const PGresult *res, struct err *e)
{
    struct err inner = { 0 };
    long line = res != NULL ? line_of(f->sql, PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION))
                            : 0;
    const char *ctx = res != NULL ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
    int rc = db_result_err(db, res, &inner);

    if (line > 0)
        err_set(e, RC_DB, "la migración %s falló en la línea %ld: %s", f->name, line, inner.msg);
    else if (ctx != NULL)
        err_set(e, RC_DB, "la migración %s falló: %s (%.*s)", f->name, inner.msg,
                (int)strcspn(ctx, "\n"), ctx);
    else
        err_set(e, RC_DB, "la migración %s falló: %s", f->name, inner.msg);
    if (e != NULL)
        memcpy(e->code, inner.code, sizeof e->code);
    (void)rc;
    return RC_DB;
}

/* BEGIN; the file; its row; COMMIT. On any failure the transaction is rolled back. */
static int
file_apply(struct db *db, const struct migration_file *f, struct err *e)
{
    static const char ins[] = "INSERT INTO crm.schema_migrations (nombre, checksum)"
                              " VALUES ($1, encode(sha256(convert_to($2, 'UTF8')), 'hex'))";
    const char *params[2] = { f->name, f->sql };
    PGresult *res = NULL;
    int rc = db_exec(db, "BEGIN", e);

    if (rc != RC_OK)
        return rc;
    res = PQexec(db_pg(db), f->sql);
    if (res == NULL || (PQresultStatus(res) != PGRES_COMMAND_OK &&
                        PQresultStatus(res) != PGRES_TUPLES_OK &&
                        PQresultStatus(res) != PGRES_EMPTY_QUERY)) {
        rc = file_err(db, f, res, e);
        goto out;
    }
    if (PQtransactionStatus(db_pg(db)) != PQTRANS_INTRANS) {
        rc = err_set(e, RC_DB, "la migración %s terminó la transacción por su cuenta; "
                               "quite BEGIN/COMMIT del archivo", f->name);
        goto out;
    }
    PQclear(res);
    res = PQexecParams(db_pg(db), "RESET ROLE", 0, NULL, NULL, NULL, NULL, 0);
    rc = db_check(db, res, PGRES_COMMAND_OK, e);
    PQclear(res);
    res = rc == RC_OK ? PQexecParams(db_pg(db), ins, 2, NULL, params, NULL, NULL, 0) : NULL;
    if (rc == RC_OK)
        rc = db_check(db, res, PGRES_COMMAND_OK, e);
    if (rc == RC_OK)
        rc = db_exec(db, "COMMIT", e);
    if (rc != RC_OK)
        err_wrap(e, "la migración %s no se registró", f->name);
out:
    PQclear(res);
    if (rc != RC_OK && PQtransactionStatus(db_pg(db)) != PQTRANS_IDLE)
        PQclear(PQexec(db_pg(db), "ROLLBACK"));
    PQclear(PQexec(db_pg(db), "RESET ALL"));
    return rc;
}

/* Under the lock: bookkeeping table, verification, then each pending file. */
static int
migrate_locked(struct db *db, const struct migration_file *files, size_t n,
               struct migrate_report *out, struct err *e)
{
    struct applied_set s = { 0 };
    int rc = db_exec(db,
                     "CREATE SCHEMA IF NOT EXISTS crm;"
                     "CREATE TABLE IF NOT EXISTS crm.schema_migrations ("
                     " nombre text PRIMARY KEY,"
                     " checksum text NOT NULL,"
                     " aplicada_at timestamptz NOT NULL DEFAULT now())",
                     e);

    if (rc == RC_OK)
        rc = applied_load(db, false, &s, e);
    if (rc == RC_OK)
        rc = applied_verify(db, files, n, &s, e);
    for (size_t i = 0; i < n && rc == RC_OK; i++) {
        if (applied_find(&s, files[i].name) != NULL) {
            out->already++;
            continue;
        }
        rc = file_apply(db, &files[i], e);
        if (rc == RC_OK)
            out->names[out->applied++] = files[i].name;
    }
    applied_fini(&s);
    return rc;
}

int
db_migrate(struct db *db, const struct migration_file *files, size_t n,
           struct migrate_report *out, struct err *e)
{
    int rc;

    memset(out, 0, sizeof *out);
    out->names = xcalloc(n > 0 ? n : 1, sizeof *out->names);
    rc = migrate_check_names(files, n, e);
    if (rc != RC_OK)
        return rc;
    rc = db_exec(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", e);
    if (rc != RC_OK)
        return rc;
    rc = migrate_locked(db, files, n, out, e);
    PQclear(PQexec(db_pg(db), "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
    return rc;
}

int
db_migrate_status(struct db *db, const struct migration_file *files, size_t n, size_t *applied,
                  size_t *pending, struct err *e)
{
    struct applied_set s = { 0 };
    int rc = applied_load(db, true, &s, e);

    *applied = *pending = 0;
    for (size_t i = 0; i < n && rc == RC_OK; i++) {
        if (applied_find(&s, files[i].name) != NULL)
            (*applied)++;
        else
            (*pending)++;
    }
    applied_fini(&s);
    return rc;
}
