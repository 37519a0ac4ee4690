/*
 * demo_data — the read-only tables behind the demo generator (demo.c): weighted Mexican
 * given names and surnames, the 32 entidades with their CURP code, population weight, mobile
 * area codes and main municipios. Internal to src/core/demo.c; any thread may read them.
 */
#ifndef CORE_DEMO_DATA_H
#define CORE_DEMO_DATA_H

#include <stddef.h>

/* A string with a relative frequency. */
struct demo_peso {
    const char *s;
    unsigned peso;
};

/* One entidad federativa (index + 1 = INEGI id). */
struct demo_entidad {
    const char *curp;              /* two-letter entity code of the CURP */
    unsigned poblacion;            /* 2020 census, in tens of thousands */
    const char *ladas;             /* space-separated area codes, most common first */
    const struct demo_peso *munis; /* main municipios, NULL-terminated */
};

extern const struct demo_peso demo_nombres_h[];
extern const size_t demo_nombres_h_len;
extern const struct demo_peso demo_nombres_m[];
extern const size_t demo_nombres_m_len;
extern const struct demo_peso demo_apellidos[];
extern const size_t demo_apellidos_len;
extern const struct demo_peso demo_dominios[];
extern const size_t demo_dominios_len;
extern const struct demo_entidad demo_entidades[32];
/* Four-letter words RENAPO will not print at the start of a CURP (the 2nd letter becomes X). */
extern const char *const demo_curp_altisonantes[];
extern const size_t demo_curp_altisonantes_len;

#endif
