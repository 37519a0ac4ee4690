/*
 * panes_prorroga — prórrogas (sql/079, src/db/db_prorroga.h) for the panes: the owner's
 * request from detalle and the supervisor's decision from the bandeja (panes_write_job kinds
 * PANES_PRORROGA and PANES_PRORROGA_RESOLVER, which panes_write_submit routes here), the
 * requester withdrawing a pending one from detalle (in detalle's own job), and the pending
 * requests the bandeja lists, read in the bandeja's own job.
 *
 * Freshness: every step writes a history row, which notifies the owner (APP_T_HISTORIAL), so
 * the panes re-read as for any other change.
 *
 * Every function here runs on the database worker, inside a job's query(), and touches only
 * what it is given.
 */
#ifndef UI_PANES_PRORROGA_H
#define UI_PANES_PRORROGA_H

#include <stddef.h>
#include <stdint.h>

#include "ui/panes_db.h"
#include "ui/vm/bandeja_vm.h"

struct db;
struct err;

/* The write of j (PANES_PRORROGA or PANES_PRORROGA_RESOLVER); on success j->msg says it. */
int panes_prorroga_write(struct db *db, struct panes_write_job *j, struct err *e);

/*
 * Withdraws the caller's pending request on opportunity oportunidad: the one api.prorrogas
 * lists as pending for it now (at most one is), so what is withdrawn is what waits when the
 * user answered. One decided meanwhile still goes to api.prorroga_cancelar, whose refusal
 * (EB645: no longer pending; EB644: not the caller's) comes back as RC_REFUSED with the
 * database's message; no request at all in 30 days is RC_NOTFOUND.
 */
int panes_prorroga_cancelar(struct db *db, int64_t oportunidad, struct err *e);

/* The pending requests the caller may decide on or see: *out (malloc'd, NULL when none;
 * free it) and *n. */
int panes_prorrogas_pendientes(struct db *db, struct bandeja_prorroga **out, size_t *n,
                               struct err *e);

#endif
