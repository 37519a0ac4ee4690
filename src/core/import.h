/*
 * import — validation of client rows for `embudo import clientes` (docs/import.md): the
 * header's columns, every field's shape (the same rules as padron's CHECKs, so a row that
 * passes here cannot fail there), phone normalisation to E.164 +52, convenio and entidad
 * against a catalog read from the database, and duplicates within the file (CURP, phone).
 *
 * Pure: no I/O. The catalog is filled by src/db/db_import.c; the checker consumes csv_rows
 * one at a time (it trims and upper-cases fields in place) and remembers the keys it has
 * seen. One owner, one thread.
 */
#ifndef CORE_IMPORT_H
#define CORE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

struct csv_row;
struct err;

/* The columns a file may have; the order is the order of struct import_cliente's text. */
enum import_col {
    IC_NOMBRE,
    IC_PRIMER_APELLIDO,
    IC_SEGUNDO_APELLIDO,
    IC_CURP,
    IC_RFC,
    IC_CONVENIO,
    IC_ENTIDAD,
    IC_MUNICIPIO,
    IC_EDAD,
    IC_TELEFONO,
    IC_EMAIL,
    IC_CAPACIDAD_PAGO,
    IC_SEGMENTO,
    IC_COUNT
};

/* The column's header name ("primer_apellido"). */
const char *import_col_name(enum import_col c);

/* Convenios and entidades known to the database. */
struct import_catalog;

struct import_catalog *import_catalog_new(void);
void import_catalog_free(struct import_catalog *cat);
/* clave is stored upper-case; an inactive convenio is known but refused. */
void import_catalog_add_convenio(struct import_catalog *cat, int id, const char *clave,
                                 bool activo);
void import_catalog_add_entidad(struct import_catalog *cat, int id, const char *clave,
                                const char *nombre);
/* Reverse look-ups for reports; NULL when unknown. */
const char *import_catalog_convenio_clave(const struct import_catalog *cat, int id);
const char *import_catalog_entidad_clave(const struct import_catalog *cat, int id);

/*
 * One valid row. text[c] is the cleaned value of column c (trimmed; CURP, RFC, convenio,
 * entidad and segmento upper-case; e-mail lower-case; phone as +52 and ten digits) or NULL
 * when empty or absent. Views into the csv row: valid until the next csv_next.
 */
struct import_cliente {
    unsigned long line;
    char *text[IC_COUNT];
    int convenio_id;
    int entidad_id;
    int edad;
    char telefono[14];
    char entidad[8]; /* the entidad's clave, whatever form the file used */
};

struct import_checker;

/* A checker against cat (borrowed; must outlive the checker). */
struct import_checker *import_checker_new(const struct import_catalog *cat);
void import_checker_free(struct import_checker *chk);

/*
 * Reads the header row: names are matched case-insensitively after trimming. RC_INVAL when a
 * required column is missing, a column is unknown or repeated (e->msg names it).
 */
int import_checker_header(struct import_checker *chk, struct csv_row *hdr, struct err *e)
    __attribute__((warn_unused_result));

/* Column index in the file of each header column (n = number of columns); borrowed. */
const enum import_col *import_checker_columns(const struct import_checker *chk, size_t *n);

/*
 * Validates one data row into *out. RC_INVAL with the reason in e->msg (Spanish, naming the
 * column) when the row must be rejected; a rejected row's keys are not remembered.
 */
int import_checker_row(struct import_checker *chk, struct csv_row *row, struct import_cliente *out,
                       struct err *e) __attribute__((warn_unused_result));

/*
 * Normalises a Mexican phone number to "+52" and ten digits in out. Accepts spaces, dashes,
 * dots and parentheses; the prefixes +52, 52, +52 1, 521, 044, 045 and 01. False when it is
 * not a ten-digit national number whose area code starts with 2–9 (api.normalizar_telefono's
 * rule, so captación and import agree).
 */
bool import_phone_normalize(const char *in, char out[14]);

/* True when s has the CURP shape of padron.clientes's CHECK (upper-case, 18 characters). */
bool import_curp_valid(const char *s);

#endif
