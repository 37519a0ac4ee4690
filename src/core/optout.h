/*
 * optout — does an incoming WhatsApp text ask us to stop writing?
 *
 * Recognises the keywords BAJA, ALTO, STOP, BASTA, CANCELAR… when they make up the whole
 * message (with politeness around them: "baja por favor", "ALTO YA"), and request
 * phrases anywhere ("no me interesa", "ya no me escriban", "dame de baja de su lista",
 * "bórrenme", "número equivocado"…), ignoring case, accents, punctuation and stretched
 * letters ("BAAAJA"). It does not fire on ordinary talk about rates or places ("¿bajan
 * las tasas?", "Baja California", "el monto es muy alto") nor on "no me interesa X pero
 * sí Y". Pure; any thread. The rules and their cases are in tests/unit/test_optout.c.
 */
#ifndef CORE_OPTOUT_H
#define CORE_OPTOUT_H

#include <stdbool.h>

/*
 * True when text (UTF-8) is an opt-out. When rule is not NULL it receives a static
 * Spanish description of what matched ("palabra clave «baja»", "frase «no me
 * interesa»") for the history event, or NULL when nothing did.
 */
bool optout_detect(const char *text, const char **rule);

#endif
