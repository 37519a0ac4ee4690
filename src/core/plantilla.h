/*
 * plantilla — message templates: variables, spintax and literal braces.
 *
 *   {nombre}                 a variable from the fixed list below
 *   {Hola|Buen día|Qué tal}  spintax: one option per recipient; options may hold
 *                            variables and nested groups: {Hola {nombre}|Buen día}
 *   {{  }}                   a literal { or } (outside groups; a group may not start
 *                            with a nested group: write "{ {a|b} c|d}" or reorder)
 *
 * Parsing is the save-time check: an unknown variable, an unbalanced brace, invalid
 * UTF-8 or a template too long or too deep is an RC_INVAL error with its line and
 * column. Rendering picks options from a per-recipient seed, so a message is
 * reproducible. Pure; a parsed template is read-only and may be shared by threads.
 */
#ifndef CORE_PLANTILLA_H
#define CORE_PLANTILLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct plantilla;

#define PLANTILLA_MAX_BYTES 4096 /* WhatsApp allows more; a campaign message should not */
#define PLANTILLA_MAX_DEPTH 8

enum plantilla_var {
    PLANTILLA_VAR_NOMBRE,          /* {nombre}: first name */
    PLANTILLA_VAR_APELLIDO,        /* {apellido}: first surname */
    PLANTILLA_VAR_NOMBRE_COMPLETO, /* {nombre_completo} */
    PLANTILLA_VAR_CONVENIO,        /* {convenio}: the client's payroll agreement */
    PLANTILLA_VAR_PROMOTOR,        /* {promotor}: the sending promoter's name */
    PLANTILLA_VAR_ETAPA,           /* {etapa}: the opportunity's funnel stage */
    PLANTILLA_VAR_MUNICIPIO,       /* {municipio} */
    PLANTILLA_VAR_ENTIDAD,         /* {entidad}: the state */
    PLANTILLA_NVARS
};

/* Values for one recipient, indexed by enum plantilla_var; NULL or blank = missing. */
struct plantilla_valores {
    const char *v[PLANTILLA_NVARS];
};

/* Where a parse error is: 1-based line and column (in characters) and byte offset. */
struct plantilla_pos {
    size_t line, col, byte;
};

/*
 * Parses text. Returns a template to free with plantilla_free(), or NULL with RC_INVAL
 * in e ("línea 1, columna 6: variable desconocida {nombr}; use …") and, when pos is
 * not NULL, the error's position.
 */
struct plantilla *plantilla_parse(const char *text, struct plantilla_pos *pos, struct err *e)
    __attribute__((warn_unused_result));

/* NULL-safe. */
void plantilla_free(struct plantilla *p);

/*
 * The message for one recipient: options chosen by seed (see plantilla_seed), variables
 * replaced by values. Returns a string the caller frees, or NULL with RC_INVAL when a
 * variable the chosen text needs is missing ("falta el valor de {convenio}").
 */
char *plantilla_render(const struct plantilla *p, const struct plantilla_valores *v, uint64_t seed,
                       struct err *e) __attribute__((warn_unused_result));

/* A seed for one recipient of one campaign: stable and well mixed. */
uint64_t plantilla_seed(uint64_t campaign_id, uint64_t recipient_id);

/* How many option paths the spintax offers (1 without groups); saturates at UINT64_MAX. */
uint64_t plantilla_variantes(const struct plantilla *p);

/* Whether any option path uses variable var (the wizard checks those values exist). */
bool plantilla_usa(const struct plantilla *p, enum plantilla_var var);

/*
 * The variables the template uses, each once, in order of first appearance (options of a
 * group in order): the body parameters {{1}}…{{n}} of its twin approved in Meta
 * (docs/wa-cloud.md). Returns n.
 */
size_t plantilla_orden(const struct plantilla *p, enum plantilla_var out[PLANTILLA_NVARS]);

/* "nombre" for PLANTILLA_VAR_NOMBRE…; NULL when out of range. */
const char *plantilla_var_name(enum plantilla_var var);

#endif
