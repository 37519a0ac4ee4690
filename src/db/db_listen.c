#include "db/db_listen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

enum phase {
    PH_CONNECT, /* PQconnectPoll until CONNECTION_OK */
    PH_SEND,    /* LISTEN queued; flushing */
    PH_ACK,     /* waiting for LISTEN's result */
    PH_READY,   /* listening */
    PH_FAILED,
};

struct db_listen {
    char *conninfo;
    char channel[64];
    PGconn *pg;
    enum phase phase;
    bool want_write;
};

static void
quiet_notice(void *arg, const char *message)
{
    (void)arg;
    log_debug("postgres (listen): %.*s", (int)strcspn(message, "\n"), message);
}

/* Copies libpq's last message without its trailing newline. */
static void
fail(struct db_listen *l, struct err *e, const char *what)
{
    const char *m = l->pg != NULL ? PQerrorMessage(l->pg) : "";
    size_t n = strlen(m);

    while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
    if (l->phase != PH_FAILED)
        err_set(e, RC_DB, "%s: %.*s", what, (int)n, m);
    l->phase = PH_FAILED;
    l->want_write = false;
    if (l->pg != NULL)
        PQfinish(l->pg);
    l->pg = NULL;
}

static void
start(struct db_listen *l)
{
    /* dbname is expanded; the keys after it override (keepalives matter for TCP only). */
    const char *const keys[] = { "dbname",           "fallback_application_name",
                                 "client_encoding",  "keepalives",
                                 "keepalives_idle",  "keepalives_interval",
                                 "keepalives_count", NULL };
    const char *const vals[] = { l->conninfo, "embudo-listen", "UTF8", "1", "30", "10", "3", NULL };

    l->pg = PQconnectStartParams(keys, vals, 1);
    if (l->pg == NULL)
        fatal("sin memoria para la conexión");
    l->phase = PH_CONNECT;
    l->want_write = true; /* libpq: wait for writable before the first PQconnectPoll */
    if (PQstatus(l->pg) == CONNECTION_BAD) {
        struct err e;

        fail(l, &e, "escucha");
        log_warn("%s", e.msg);
    }
}

struct db_listen *
db_listen_new(const char *conninfo, const char *channel)
{
    struct db_listen *l = xcalloc(1, sizeof *l);

    l->conninfo = xstrdup(conninfo != NULL ? conninfo : "");
    snprintf(l->channel, sizeof l->channel, "%s", channel);
    start(l);
    return l;
}

void
db_listen_free(struct db_listen *l)
{
    if (l == NULL)
        return;
    if (l->pg != NULL)
        PQfinish(l->pg);
    free(l->conninfo);
    free(l);
}

void
db_listen_restart(struct db_listen *l)
{
    if (l->pg != NULL)
        PQfinish(l->pg);
    l->pg = NULL;
    start(l);
}

int
db_listen_fd(const struct db_listen *l)
{
    return l->pg != NULL && l->phase != PH_FAILED ? PQsocket(l->pg) : -1;
}

bool
db_listen_wants_write(const struct db_listen *l)
{
    return l->want_write;
}

enum db_listen_state
db_listen_state(const struct db_listen *l)
{
    if (l->phase == PH_READY)
        return DB_LISTEN_READY;
    return l->phase == PH_FAILED ? DB_LISTEN_FAILED : DB_LISTEN_CONNECTING;
}

/* The connection sequence; moves to PH_SEND (LISTEN queued) once connected. */
static void
step_connect(struct db_listen *l, struct err *e)
{
    char sql[96];

    switch (PQconnectPoll(l->pg)) {
    case PGRES_POLLING_READING:
        l->want_write = false;
        return;
    case PGRES_POLLING_WRITING:
        l->want_write = true;
        return;
    case PGRES_POLLING_OK:
        break;
    case PGRES_POLLING_FAILED:
    case PGRES_POLLING_ACTIVE:
    default:
        fail(l, e, "no se pudo conectar para escuchar avisos");
        return;
    }
    PQsetNoticeProcessor(l->pg, quiet_notice, NULL);
    if (PQsetnonblocking(l->pg, 1) != 0) {
        fail(l, e, "escucha");
        return;
    }
    snprintf(sql, sizeof sql, "LISTEN %s", l->channel); /* an identifier we chose */
    if (!PQsendQuery(l->pg, sql)) {
        fail(l, e, "no se pudo enviar LISTEN");
        return;
    }
    l->phase = PH_SEND;
}

/* Reads finished results; LISTEN's success moves to PH_READY. false on failure. */
static bool
read_results(struct db_listen *l, struct err *e)
{
    PGresult *res;

    while (!PQisBusy(l->pg) && (res = PQgetResult(l->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(res);

        PQclear(res);
        if (st != PGRES_COMMAND_OK) {
            fail(l, e, "LISTEN falló");
            return false;
        }
        if (l->phase == PH_ACK)
            l->phase = PH_READY;
    }
    return true;
}

enum db_listen_state
db_listen_step(struct db_listen *l, db_listen_fn *fn, void *ctx, struct err *e)
{
    PGnotify *n;

    if (l->phase == PH_CONNECT)
        step_connect(l, e);
    if (l->phase == PH_SEND) {
        int f = PQflush(l->pg);

        if (f < 0)
            fail(l, e, "no se pudo enviar LISTEN");
        l->want_write = f == 1;
        if (f == 0)
            l->phase = PH_ACK;
    }
    if (l->phase == PH_ACK || l->phase == PH_READY) {
        if (!PQconsumeInput(l->pg) || PQstatus(l->pg) != CONNECTION_OK) {
            fail(l, e, "se perdió la conexión de avisos");
            return DB_LISTEN_FAILED;
        }
        if (!read_results(l, e))
            return DB_LISTEN_FAILED;
        while ((n = PQnotifies(l->pg)) != NULL) {
            if (fn != NULL)
                fn(ctx, n->extra != NULL ? n->extra : "");
            PQfreemem(n);
        }
    }
    return db_listen_state(l);
}
