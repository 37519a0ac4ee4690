/*
 * intento — the outcomes of a contact attempt (api.registrar_intento, sql/065): their codes
 * as the database stores them, their Spanish labels, and reading what a person typed. Pure
 * data; any thread.
 */
#ifndef CORE_INTENTO_H
#define CORE_INTENTO_H

#include <stddef.h>

#define INTENTO_NRESULTADOS 6

/* Codes in the order the forms offer them: NO_CONTESTA, BUZON, NUMERO_EQUIVOCADO,
 * NO_INTERESADO, CITA, CONTACTADO. */
extern const char *const intento_codigos[INTENTO_NRESULTADOS];
/* Their labels, same order: "no contesta", "buzón", "número equivocado"… */
extern const char *const intento_etiquetas[INTENTO_NRESULTADOS];

/*
 * The code for what a person typed: a code or a label, in any case, with '-', '_' or spaces
 * between words and with or without accents ("no-contesta", "Buzon", "número equivocado").
 * NULL when it is none of them.
 */
const char *intento_codigo(const char *texto);

/* The label of a code ("BUZON" → "buzón"), or the code itself when unknown. */
const char *intento_etiqueta(const char *codigo);

#endif
