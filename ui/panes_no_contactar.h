/*
 * panes_no_contactar — the do-not-contact registry (sql/074, src/db/db_no_contactar.h) for the
 * panes that show opportunities: the ids of the marked ones, read inside the embudo's and the
 * bandeja's own jobs so marks and cards are one snapshot; the entries in force for the phones
 * of the opportunity detalle shows; and the SOLICITUD written from detalle (a panes_write_job
 * of kind PANES_NO_CONTACTAR, which panes_write_submit routes here).
 *
 * Freshness: a change of the registry notifies the owners of the active opportunities with
 * those phones as a change of their opportunities (sql/074), so the panes re-read as for any
 * other; after a mark made in this client detalle also calls app_reread.
 *
 * Every function here runs on the database worker, inside a job's query(), and touches only
 * what it is given.
 */
#ifndef UI_PANES_NO_CONTACTAR_H
#define UI_PANES_NO_CONTACTAR_H

#include <stddef.h>
#include <stdint.h>

#include "db/db_tui.h"
#include "ui/panes_db.h"
#include "ui/vm/no_contactar_vm.h"

struct db;
struct err;

/*
 * The caller's visible active opportunities whose phone is in force in the registry
 * (api.no_contactar_oportunidades): *ids (malloc'd, sorted and unique for
 * no_contactar_ids_has; free it) and *n.
 */
int panes_nc_marcas(struct db *db, int64_t **ids, size_t *n, struct err *e);

/*
 * The entries in force for each vigente mobile or landline of d (api.no_contactar_consultar,
 * one call per phone): *out (malloc'd, NULL when none; free it) and *n. A phone the
 * registry cannot hold (EB701) has none; any other failure fails the whole read.
 */
int panes_nc_entradas(struct db *db, const struct tui_detalle *d, struct no_contactar_entrada **out,
                      size_t *n, struct err *e);

/* PANES_NO_CONTACTAR: j->telefono as SOLICITUD with j->texto as detalle ("" = none); on
 * success j->msg says so in Spanish. The database's refusal (EB804…) comes back in e. */
int panes_nc_write(struct db *db, struct panes_write_job *j, struct err *e);

#endif
