/*
 * cmd_crm — what the CRM commands (cmd_crm.c, cmd_bandeja.c, cmd_oportunidades.c,
 * cmd_reparto.c, cmd_sweep.c, cmd_import.c) share: connecting as --as, reporting database
 * refusals, ids, filters, times and --json output. Main thread only; prints to
 * stdout/stderr (this is the CLI layer).
 *
 * Exit statuses: 0 ok, 1 refused or failed (the database's Spanish message on stderr; with
 * --json also {"error":{"codigo","mensaje"}} on stdout), 2 usage (flag validation in C).
 */
#ifndef CMD_CMD_CRM_H
#define CMD_CMD_CRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cmd/cmd.h"

struct db;
struct db_filtros;
struct db_sesion;
struct err;
struct json;
struct strbuf;

/* Connects as ctx->as_login (NULL = the default login). NULL after printing the failure. */
struct db *crm_cmd_open(const struct cmd_ctx *ctx);

/*
 * Whether the session s (db_sesion_load) may run que ("el worker", "el barrido"), a loop whose
 * every round writes — the timer sweep at least; hace says what it writes. false with the
 * refusal in e (RC_REFUSED, Spanish, naming the account to use instead): the auditor only
 * reads (sql/071), and a role without the sweep's grants could only fail once a minute.
 */
bool crm_cmd_sesion_barre(const struct db_sesion *s, const char *que, const char *hace,
                          struct err *e);

/* Reports e (stderr, and stdout as JSON with --json); returns 1. */
int crm_cmd_fail(const struct cmd_ctx *ctx, const struct err *e);

/* Prints sb's JSON text and a newline on stdout, then resets sb. */
void crm_cmd_json_print(struct strbuf *sb);

/* Writes each {key, value} of kv[0..n) as a member of the open object (a NULL value: null). */
void crm_cmd_json_textos(struct json *j, const char *const (*kv)[2], size_t n);

/* Appends s (NULL: nothing) on one line: newlines and tabs become blanks. */
void crm_cmd_una_linea(struct strbuf *sb, const char *s);

/*
 * The outcome of a change: msg (Spanish) on its own line, or with --json {k1: v1, k2: v2},
 * v1 written as a JSON number when v1_num (an id) and as a string otherwise.
 */
void crm_cmd_print_cambio(const struct cmd_ctx *ctx, const char *msg, const char *k1,
                          const char *v1, bool v1_num, const char *k2, const char *v2);

/*
 * The end of a change made by an api function that answers with a sentence: e's refusal when
 * rc is not RC_OK, else msg as crm_cmd_print_cambio prints it, with {k1: v1, "mensaje": msg}.
 * Frees msg and closes db; returns the exit status (0 or 1).
 */
int crm_cmd_cambio_hecho(const struct cmd_ctx *ctx, struct db *db, int rc, const struct err *e,
                         const char *k1, const char *v1, bool v1_num, char *msg);

/*
 * Parses opportunity ids (positive integers) from pos[0..npos): at least 1, at most 1000.
 * *ids is allocated (caller frees). Returns 0, or 2 after printing usage.
 */
int crm_cmd_ids(const struct cmd_entry *entry, char **pos, int npos, int64_t **ids);

/* s as an opportunity number into *id: 0, or the usage status after ««s» no es un número de
 * oportunidad». */
int crm_cmd_oportunidad(const struct cmd_entry *entry, const char *s, long *id);

/*
 * Fills f from the --convenio/--entidad/--edad-min/--edad-max strings (each may be NULL).
 * Ages must be 18–110 and min ≤ max. Returns 0, or 2 after printing usage.
 */
int crm_cmd_filtros(const struct cmd_entry *entry, const char *convenio, const char *entidad,
                    const char *edad_min, const char *edad_max, struct db_filtros *f);

/* `venta corregir|cancelar …` (cmd_ventas.c): ctx->argv[0] is the verb; entry is "venta". */
int cmd_venta_cambio(struct cmd_ctx *ctx, const struct cmd_entry *entry);

/* An amount for --monto: "12500", "12500.5", "12500.50" — 1 to 8 integer digits, at most two
 * decimals, no thousands separators, greater than 0. */
bool crm_cmd_monto_valido(const char *s);

/* Checks a mandatory free-text flag (--motivo…): present, 1..max characters. 0 or 2. */
int crm_cmd_texto(const struct cmd_entry *entry, const char *flag, const char *value,
                  size_t max_chars);

/* Appends s cut or padded with spaces to width characters (UTF-8: ñ and accents count one),
 * then one space: a column of a plain-text table. */
void crm_cmd_col(struct strbuf *sb, const char *s, int width);

/* True when s is a calendar date written AAAA-MM-DD between 2000 and 2200 (2026-02-30 is
 * not; NULL is not): flags checked in C, so a typo is a usage error. */
bool crm_cmd_fecha_valida(const char *s);

/* Parses argv for a record of changes that takes only `--limite N` (1…1000; default 50) into
 * *out: 0, or the usage status after printing usage. */
int crm_cmd_solo_limite(const struct cmd_entry *entry, int argc, char **argv, int *out);

/* "2026-11-30 10:30 -0600" in the local time zone, or "—" for 0; into buf. */
const char *crm_cmd_time(time_t t, char *buf, size_t size);

/* ISO 8601 UTC ("2026-11-30T16:30:00Z") for JSON, or NULL for 0; into buf. */
const char *crm_cmd_time_iso(time_t t, char *buf, size_t size);

#endif
