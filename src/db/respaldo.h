/*
 * respaldo — backups of embudo's database (pg_dump custom format) and their restore into the
 * embedded cluster.
 *
 * A backup is the database alone: PostgreSQL roles are cluster-wide and pg_dump leaves them
 * out, so a restore recreates them — the group roles and embudo_owner by applying the
 * migrations to a scratch database, each user's LOGIN role and group from crm.usuarios
 * (crm.asegurar_rol; BAJA → NOLOGIN). The restore goes into a scratch database that replaces
 * an absent or empty «embudo» only once everything succeeded. Called by `embudo db respaldar`
 * and `embudo db restaurar` on the main thread: forks and waits for pg_dump/pg_restore,
 * passing SIGINT, SIGTERM and SIGHUP on to them meanwhile. Lower layer: nothing is printed.
 */
#ifndef DB_RESPALDO_H
#define DB_RESPALDO_H

#include <stdbool.h>
#include <stddef.h>

struct config;
struct err;

/* What an archive holds. */
struct respaldo_info {
    long long bytes;   /* the file's size */
    size_t migrations; /* rows of crm.schema_migrations in it */
    char last[64];     /* the newest of them ("082_historial_actor.sql"), or "" */
};

/*
 * Writes a pg_dump -Fc archive of the configured database to path (the embedded cluster is
 * started when needed; as DB_LOGIN_ADMIN there, as the configuration says on an external
 * server). The dump goes to a temporary file (mode 0600) beside path, is read back to count
 * its migrations, synced and only then takes the name path; every failure removes it. Refuses
 * an existing path unless overwrite. RC_OK with *out filled; RC_INVAL (path exists, no
 * migrations applied), RC_IO (pg_dump failed or was interrupted, files), RC_NOTFOUND (no
 * pg_dump), RC_DB.
 */
int respaldo_write(const struct config *cfg, const char *path, bool overwrite,
                   struct respaldo_info *out, struct err *e) __attribute__((warn_unused_result));

/* What a restore did. */
struct respaldo_report {
    struct respaldo_info archive; /* what the file held */
    size_t applied;               /* migrations newer than the dump, applied after it */
    long long users;              /* crm.usuarios rows: roles recreated */
    long long opportunities;      /* crm.oportunidades rows */
};

/*
 * Restores the archive at path into the embedded cluster's database «embudo», which must be
 * absent or empty (no table but an empty crm.schema_migrations): pg_restore --exit-on-error
 * --single-transaction into a scratch database, the database grants of 001, the users'
 * roles, the pending migrations, then the scratch database takes the name «embudo». A file
 * that is not a pg_dump archive of embudo, one from a newer embudo (a migration this binary
 * does not know) or a database with data is refused before anything changes (RC_INVAL). On a
 * later failure (RC_IO, RC_DB, RC_REFUSED) «embudo» is as it was; the roles created on the way
 * stay (the groups are what `db migrate` creates anyway; a user's role is recreated the same
 * by the next restore).
 */
int respaldo_restore(const struct config *cfg, const char *path, struct respaldo_report *out,
                     struct err *e) __attribute__((warn_unused_result));

#endif
