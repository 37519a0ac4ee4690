#include "ui/panes_prorroga.h"

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
