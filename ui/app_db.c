#include "ui/app_db.h"

#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "db/db.h"
#include "util/log.h"
#include "util/xmalloc.h"

struct app_db_state {
    const struct config *cfg;
    char *login; /* NULL = default */
    struct db *db;
    bool opened; /* a connection has succeeded once */
};

struct app_db_state *
app_db_state_new(const struct config *cfg, const char *login)
{
    struct app_db_state *s = xcalloc(1, sizeof *s);

    s->cfg = cfg;
    s->login = login != NULL ? xstrdup(login) : NULL;
    return s;
}

void
app_db_state_free(void *state)
{
    struct app_db_state *s = state;

    if (s == NULL)
        return;
    db_close(s->db);
    free(s->login);
    free(s);
}

/*
 * Worker thread. The first connection goes through db_open, which starts the embedded
 * cluster when needed. Once connected, reconnections only connect: a server someone
 * stopped on purpose is not restarted behind their back by a client retrying.
 */
static int
app_db_connect(struct app_db_state *s, struct err *e)
{
    char *conninfo;

    if (s->db != NULL)
        return RC_OK;
    if (!s->opened) {
        s->db = db_open(s->cfg, s->login, e);
    } else {
        conninfo = db_conninfo_fmt(s->cfg, s->login);
        s->db = db_open_conninfo(conninfo, e);
        free(conninfo);
    }
    if (s->db == NULL)
        return e->rc != RC_OK ? e->rc : RC_DB;
    s->opened = true;
    log_info("conectado como %s", db_login(s->db));
    return RC_OK;
}

/* True when e says the session is gone (db.h maps every such failure to 08006). */
static bool
conn_lost(const struct err *e)
{
    return e->rc == RC_DB && strncmp(e->code, "08", 2) == 0;
}

static void
resumen_run(struct job *job, void *state)
{
    struct app_db_resumen_job *j = (struct app_db_resumen_job *)job;
    struct app_db_state *s = state;

    err_clear(&j->e);
    j->rc = app_db_connect(s, &j->e);
    if (j->rc == RC_OK)
        j->rc = db_resumen_load(s->db, &j->r, &j->e);
    if (j->rc != RC_OK && s->db != NULL && conn_lost(&j->e)) {
        db_close(s->db);
        s->db = NULL;
    }
    j->connected = s->db != NULL;
    if (j->rc != RC_OK)
        log_warn("resumen: %s", j->e.msg);
}

struct app_db_resumen_job *
app_db_resumen_job_new(void (*done_fn)(struct job *job), void *ctx)
{
    struct app_db_resumen_job *j = xcalloc(1, sizeof *j);

    j->job.run = resumen_run;
    j->job.done = done_fn;
    j->ctx = ctx;
    return j;
}
