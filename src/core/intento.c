/*
 * intento — outcome codes and labels of a contact attempt; see intento.h.
 */
#include "core/intento.h"

#include <stdbool.h>
#include <string.h>

const char *const intento_codigos[INTENTO_NRESULTADOS] = {
    "NO_CONTESTA", "BUZON", "NUMERO_EQUIVOCADO", "NO_INTERESADO", "CITA", "CONTACTADO",
};

const char *const intento_etiquetas[INTENTO_NRESULTADOS] = {
    "no contesta", "buzón", "número equivocado", "no interesado", "cita", "contactado",
};

/*
 * Folds s into out as the code would be written: ASCII letters upper-cased, the accented
 * vowels and ñ of Spanish to their bare letter, '-' and spaces to '_'. False when s has
 * anything else or does not fit.
 */
static bool
fold(const char *s, char *out, size_t size)
{
    static const struct {
        unsigned char lo, up;
        char c;
    } acentos[] = { { 0xa1, 0x81, 'A' }, { 0xa9, 0x89, 'E' }, { 0xad, 0x8d, 'I' },
                    { 0xb3, 0x93, 'O' }, { 0xba, 0x9a, 'U' }, { 0xbc, 0x9c, 'U' },
                    { 0xb1, 0x91, 'N' } };
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;

    while (*p != '\0') {
        char c = 0;

        if (*p == 0xc3 && p[1] != '\0') {
            for (size_t i = 0; i < sizeof acentos / sizeof acentos[0]; i++)
                if (p[1] == acentos[i].lo || p[1] == acentos[i].up)
                    c = acentos[i].c;
            p += 2;
        } else {
            if (*p >= 'a' && *p <= 'z')
                c = (char)(*p - 'a' + 'A');
            else if ((*p >= 'A' && *p <= 'Z') || *p == '_')
                c = (char)*p;
            else if (*p == '-' || *p == ' ')
                c = '_';
            p++;
        }
        if (c == 0 || n + 1 >= size)
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return true;
}

const char *
intento_codigo(const char *texto)
{
    char buf[64];

    if (texto == NULL || !fold(texto, buf, sizeof buf))
        return NULL;
    for (size_t i = 0; i < INTENTO_NRESULTADOS; i++)
        if (strcmp(buf, intento_codigos[i]) == 0)
            return intento_codigos[i];
    return NULL;
}

const char *
intento_etiqueta(const char *codigo)
{
    for (size_t i = 0; codigo != NULL && i < INTENTO_NRESULTADOS; i++)
        if (strcmp(codigo, intento_codigos[i]) == 0)
            return intento_etiquetas[i];
    return codigo;
}
