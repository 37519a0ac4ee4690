/*
 * no_contactar_vm — how the panes show the do-not-contact registry (sql/074: REUS, REPEP and
 * people who asked, SOLICITUD): the «⊘ No contactar» tag of a marked opportunity and how
 * much of a cell it leaves for the name, the set of marked opportunity ids a pane's read
 * returned, and the words for one registry entry in Detalle («REUS (CONDUSEF) · vence el
 * 12/03/2028»).
 *
 * Pure C (no curses, no db): the controller copies the database's rows into struct
 * no_contactar_entrada. Any thread; the loop thread in practice (the id set is also sorted on
 * the database worker, inside the job that read it).
 */
#ifndef VM_NO_CONTACTAR_VM_H
#define VM_NO_CONTACTAR_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A name keeps at least this many columns beside the full tag; below, only the glyph. */
#define NO_CONTACTAR_NOMBRE_MIN 10

/* "⊘ No contactar" (ASCII terminal: "! No contactar"). */
const char *no_contactar_tag(bool ascii);

/* "⊘" (ASCII terminal: "!"): the short tag, for cells too narrow for the words. */
const char *no_contactar_glyph(bool ascii);

/*
 * A cell of cols columns that shows a name and the tag: returns the columns left for the
 * name (never negative) and sets *tag to the tag that fits — the words while the name keeps
 * NO_CONTACTAR_NOMBRE_MIN columns (and one blank before the tag), else the glyph alone.
 */
int no_contactar_cell(int cols, bool ascii, const char **tag);

/* Sorts ids and drops repeats in place (an opportunity comes once per registered phone);
 * returns how many are left. */
size_t no_contactar_ids_sort(int64_t *ids, size_t n);

/* True when id is in ids[0..n), sorted by no_contactar_ids_sort. */
bool no_contactar_ids_has(const int64_t *ids, size_t n, int64_t id);

/* One entry in force for a phone of an opportunity (api.no_contactar_consultar). */
struct no_contactar_entrada {
    char telefono[16];   /* E.164: "+525512345678" */
    char fuente[12];     /* REUS | REPEP | SOLICITUD */
    char hasta[32];      /* "" = no end; else the server's "YYYY-MM-DD HH:MM:SS±TZ" */
    char detalle[512];   /* "" = none */
    char creado_por[48]; /* login; "" = loaded by the database owner */
};

/* "REUS (CONDUSEF)", "REPEP (PROFECO)", "SOLICITUD (a petición)"; anything else as it is. */
const char *no_contactar_fuente_nombre(const char *fuente);

/* "YYYY-MM-DD…" → "DD/MM/YYYY" into buf; anything else is copied as it is. Returns buf. */
char *no_contactar_fecha(char *buf, size_t bufsz, const char *iso);

/*
 * What Detalle says of one entry, without the phone: "REUS (CONDUSEF) · vence el 12/03/2028",
 * "REPEP (PROFECO) · sin vencimiento", "SOLICITUD (a petición) · sin vencimiento · prom1 ·
 * «no quiere llamadas»" (the login who registered it and the detail, when known).
 */
void no_contactar_entrada_fmt(char *buf, size_t bufsz, const struct no_contactar_entrada *e);

#endif
