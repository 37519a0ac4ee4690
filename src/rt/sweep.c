#include "rt/sweep.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "db/db.h"
#include "db/db_crm.h"
#include "util/err.h"

/* Batches until one comes back short (or a stop is asked between batches). */
static int
sweep_batches(struct db *db, const char *proceso, const atomic_int *stop, struct sweep_run *run,
              struct err *e)
{
    int dev, avis, rc;

    do {
        rc = db_barrer_timers(db, SWEEP_BATCH, proceso, &dev, &avis, e);
        if (rc != RC_OK)
            return rc;
        run->devueltas += dev;
        run->avisadas += avis;
        run->lotes++;
    } while ((dev == SWEEP_BATCH || avis == SWEEP_BATCH) &&
             (stop == NULL || atomic_load(stop) == 0));
    return RC_OK;
}

int
sweep_run(struct db *db, const char *proceso, const atomic_int *stop, struct sweep_run *run,
          struct err *e)
{
    struct err e2 = { 0 };
    int64_t id;
    int rc;

    *run = (struct sweep_run){ 0 };
    if ((rc = db_sweep_inicio(db, proceso, &id, e)) != RC_OK)
        return rc;
    rc = sweep_batches(db, proceso, stop, run, e);
    if (db_sweep_fin(db, id, run->devueltas, run->avisadas, rc == RC_OK ? NULL : e->msg, &e2) !=
            RC_OK &&
        rc == RC_OK) {
        *e = e2;
        rc = e2.rc;
    }
    return rc;
}

void
sweep_run_text(const struct sweep_run *run, char *buf, size_t size)
{
    snprintf(buf, size, "barrido: %d %s al pool, %d %s (%d %s)", run->devueltas,
             run->devueltas == 1 ? "devuelta" : "devueltas", run->avisadas,
             run->avisadas == 1 ? "avisada" : "avisadas", run->lotes,
             run->lotes == 1 ? "lote" : "lotes");
}
