#include "ui/panes_prorroga.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/db_prorroga.h"
#include "util/err.h"
#include "util/xmalloc.h"

int
panes_prorroga_write(struct db *db, struct panes_write_job *j, struct err *e)
{
    char vence[32];
    int64_t id;
    int rc;

    if (j->kind == PANES_PRORROGA) {
        rc = db_prorroga_pedir(db, j->id, j->reanudar, j->texto, &id, e);
        if (rc == RC_OK)
            snprintf(j->msg, sizeof j->msg, "Prórroga pedida: el supervisor decide.");
        return rc;
    }
    rc = db_prorroga_resolver(db, j->id, j->aprobar, j->aprobar ? NULL : j->texto, vence,
                              sizeof vence, e);
    if (rc == RC_OK && j->aprobar)
        snprintf(j->msg, sizeof j->msg, "Prórroga aprobada: vence %s", vence);
    else if (rc == RC_OK)
        snprintf(j->msg, sizeof j->msg, "Prórroga rechazada.");
    return rc;
}

/* The newest request on oportunidad among those api.prorrogas lists (pending ones, or those
 * of the last 30 days), into *id; 0 when there is none. */
static int
prorroga_de(struct db *db, int pendientes, int64_t oportunidad, int64_t *id, struct err *e)
{
    struct db_prorroga *rows;
    size_t n;
    int rc = db_prorrogas(db, pendientes, &rows, &n, e);

    *id = 0;
    if (rc != RC_OK)
        return rc;
    for (size_t i = 0; i < n && *id == 0; i++) /* newest first */
        if (rows[i].oportunidad_id == oportunidad)
            *id = rows[i].id;
    db_prorrogas_free(rows, n);
    return RC_OK;
}

int
panes_prorroga_cancelar(struct db *db, int64_t oportunidad, struct err *e)
{
    int64_t id;
    int rc = prorroga_de(db, 1, oportunidad, &id, e);

    /* Decided meanwhile: the latest request still goes to the database, which says how it
     * ended (EB645) in its own words. */
    if (rc == RC_OK && id == 0)
        rc = prorroga_de(db, 0, oportunidad, &id, e);
    if (rc != RC_OK)
        return rc;
    if (id == 0)
        return err_set(e, RC_NOTFOUND,
                       "la oportunidad %" PRId64 " no tiene una prórroga por decidir", oportunidad);
    return db_prorroga_cancelar(db, id, e);
}

static void
copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src != NULL ? src : "");
}

int
panes_prorrogas_pendientes(struct db *db, struct bandeja_prorroga **out, size_t *n, struct err *e)
{
    struct db_prorroga *rows;
    size_t nrows;
    int rc = db_prorrogas(db, 1, &rows, &nrows, e);

    *out = NULL;
    *n = 0;
    if (rc != RC_OK)
        return rc;
    *out = nrows > 0 ? xcalloc(nrows, sizeof **out) : NULL;
    for (size_t i = 0; i < nrows; i++) {
        struct bandeja_prorroga *p = &(*out)[i];

        p->id = rows[i].id;
        p->oportunidad_id = rows[i].oportunidad_id;
        copy(p->cliente, sizeof p->cliente, rows[i].cliente);
        copy(p->login, sizeof p->login, rows[i].promotor);
        copy(p->etapa, sizeof p->etapa, rows[i].etapa);
        copy(p->vence, sizeof p->vence, rows[i].vence);
        copy(p->reanudar, sizeof p->reanudar, rows[i].reanudar);
        copy(p->motivo, sizeof p->motivo, rows[i].motivo);
        copy(p->pedida, sizeof p->pedida, rows[i].pedida);
    }
    *n = nrows;
    db_prorrogas_free(rows, nrows);
    return RC_OK;
}
