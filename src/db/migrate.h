/*
 * migrate — applies sql/NNN_name.sql migrations, each once, in order, each in its own
 * transaction, recorded with a checksum in crm.schema_migrations.
 *
 * The set of files is a parameter: the program passes the embedded set (migration_files,
 * generated at build time by src/db/embed-sql.sh), tests pass synthetic sets. Concurrent
 * callers, in any number of processes, are serialised with a session advisory lock. Call on
 * the thread that owns the struct db; connect as an administrator (DB_LOGIN_ADMIN in the
 * embedded cluster). Lower layer: nothing is printed; the report says what happened.
 */
#ifndef DB_MIGRATE_H
#define DB_MIGRATE_H

#include <stddef.h>

struct db;
struct err;

struct migration_file {
    const char *name; /* "001_schema.sql": three digits, '_', a name, ".sql" */
    const char *sql;  /* the whole file; must not contain BEGIN/COMMIT */
};

/* The files under sql/ at build time, in order (build/<mode>/gen/migrations_data.c). */
extern const struct migration_file migration_files[];
extern const size_t migration_files_len;

/* The advisory lock key migrate holds (bigint "embudo" in ASCII). */
#define MIGRATE_LOCK_KEY "111520477701231"

struct migrate_report {
    size_t applied;     /* files applied by this call */
    size_t already;     /* files that were already applied before */
    const char **names; /* the applied files' names (borrowed from files); array owned */
};

/* Frees the names array. NULL-safe. */
void migrate_report_fini(struct migrate_report *r);

/*
 * Applies the pending files of files[0..n). Refuses (RC_INVAL, nothing applied) when a name
 * is not NNN_name.sql or the names are not strictly increasing, when an applied file's
 * checksum differs (it was edited), when an applied file is missing from files, or when a
 * pending file sorts before an applied one. A failing file is rolled back whole and reported
 * as RC_DB "la migración X falló en la línea L: <server message>"; files applied before it
 * stay applied. Fills *out (caller finis it) on RC_OK and on failure alike.
 */
int db_migrate(struct db *db, const struct migration_file *files, size_t n,
               struct migrate_report *out, struct err *e) __attribute__((warn_unused_result));

/*
 * Counts, without changing anything, how many of files are applied and pending. A missing
 * crm.schema_migrations means nothing is applied. RC_OK or RC_DB.
 */
int db_migrate_status(struct db *db, const struct migration_file *files, size_t n,
                      size_t *applied, size_t *pending, struct err *e)
    __attribute__((warn_unused_result));

/* Checks the names (NNN_name.sql, strictly increasing). RC_OK or RC_INVAL. Pure. */
int migrate_check_names(const struct migration_file *files, size_t n, struct err *e);

#endif
