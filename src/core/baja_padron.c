#include "core/baja_padron.h"

#include <stdio.h>

const char *
baja_padron_aviso(bool ascii)
{
    return ascii ? "! El cliente ya no está en el padrón del convenio"
                 : "⚠ El cliente ya no está en el padrón del convenio";
}

char *
baja_padron_fmt(char *buf, size_t bufsz, const char *fecha, bool ascii)
{
    snprintf(buf, bufsz, "%s (baja del %s)", baja_padron_aviso(ascii), fecha);
    return buf;
}

const char *
baja_padron_glyph(bool ascii)
{
    return ascii ? "!" : "⚠";
}

const char *
baja_padron_marca(bool ascii)
{
    return ascii ? "! Baja del padrón" : "⚠ Baja del padrón";
}
