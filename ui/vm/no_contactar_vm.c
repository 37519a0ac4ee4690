#include "ui/vm/no_contactar_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/vm/vm.h"

const char *
no_contactar_tag(bool ascii)
{
    return ascii ? "! No contactar" : "⊘ No contactar";
}

const char *
no_contactar_glyph(bool ascii)
{
    return ascii ? "!" : "⊘";
}

int
no_contactar_cell(int cols, bool ascii, const char **tag)
{
    int full = vm_text_width(no_contactar_tag(ascii));
    int left;

    *tag = no_contactar_tag(ascii);
    if (cols - full - 1 < NO_CONTACTAR_NOMBRE_MIN)
        *tag = no_contactar_glyph(ascii);
    left = cols - vm_text_width(*tag) - 1;
    return left > 0 ? left : 0;
}

static int
id_cmp(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

    return a < b ? -1 : a > b ? 1 : 0;
}

size_t
no_contactar_ids_sort(int64_t *ids, size_t n)
{
    size_t k = 0;

    if (n == 0)
        return 0;
    qsort(ids, n, sizeof *ids, id_cmp);
    for (size_t i = 1; i < n; i++)
        if (ids[i] != ids[k])
            ids[++k] = ids[i];
    return k + 1;
}

bool
no_contactar_ids_has(const int64_t *ids, size_t n, int64_t id)
{
    return n > 0 && bsearch(&id, ids, n, sizeof *ids, id_cmp) != NULL;
}

const char *
no_contactar_fuente_nombre(const char *fuente)
{
    if (strcmp(fuente, "REUS") == 0)
        return "REUS (CONDUSEF)";
    if (strcmp(fuente, "REPEP") == 0)
        return "REPEP (PROFECO)";
    if (strcmp(fuente, "SOLICITUD") == 0)
        return "SOLICITUD (a petición)";
    return fuente;
}

char *
no_contactar_fecha(char *buf, size_t bufsz, const char *iso)
{
    bool fecha = strlen(iso) >= 10 && iso[4] == '-' && iso[7] == '-' &&
                 strspn(iso, "0123456789") == 4 && strspn(iso + 5, "0123456789") == 2 &&
                 strspn(iso + 8, "0123456789") >= 2;

    if (fecha)
        snprintf(buf, bufsz, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    else
        snprintf(buf, bufsz, "%s", iso);
    return buf;
}

void
no_contactar_entrada_fmt(char *buf, size_t bufsz, const struct no_contactar_entrada *e)
{
    char fecha[40];
    size_t k;

    if (e->hasta[0] != '\0')
        snprintf(buf, bufsz, "%s · vence el %s", no_contactar_fuente_nombre(e->fuente),
                 no_contactar_fecha(fecha, sizeof fecha, e->hasta));
    else
        snprintf(buf, bufsz, "%s · sin vencimiento", no_contactar_fuente_nombre(e->fuente));
    k = strlen(buf);
    if (e->creado_por[0] != '\0' && k < bufsz)
        k += (size_t)snprintf(buf + k, bufsz - k, " · %s", e->creado_por);
    if (e->detalle[0] != '\0' && k < bufsz)
        snprintf(buf + k, bufsz - k, " · «%s»", e->detalle);
}
