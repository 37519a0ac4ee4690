/*
 * demo — the deterministic generator behind `embudo demo`: a realistic Mexican padron
 * (clientes with CURP/RFC, convenios, entidad/municipio, edad, capacidad de pago, contacts)
 * plus the fixed demo users and funnel, as data and as COPY text rows.
 *
 * Pure: no I/O, no clock, no libc randomness, integer arithmetic only, so one seed gives the
 * same bytes on every machine and every run (DEMO_GENERADOR names that output; bump it when
 * the output for a seed changes). A struct demo_gen belongs to one thread; the tables are
 * read-only and may be read from any thread. src/db/db_demo.c streams the rows into COPY.
 */
#ifndef CORE_DEMO_H
#define CORE_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* Version of the generator's output, recorded in crm.demo_cargas.generador. */
#define DEMO_GENERADOR 1
/* Limits of --clientes (the CURP uniqueness table is sized from it). */
#define DEMO_CLIENTES_MIN     1L
#define DEMO_CLIENTES_MAX     2000000L
#define DEMO_CLIENTES_DEFAULT 100000L
#define DEMO_SEMILLA_DEFAULT  1L
/* The padron's cut-off date: fecha_carga of every row; edad is the age on this date. */
#define DEMO_FECHA_CORTE "2026-01-05"

/* The column lists the COPY rows below follow, in order. */
#define DEMO_COPY_CONVENIOS "padron.convenios (id, clave, nombre, tipo, activo)"
#define DEMO_COPY_CLIENTES                                                                    \
    "padron.clientes (id, nombre, primer_apellido, segundo_apellido, curp, rfc, convenio_id," \
    " entidad_id, municipio, edad, capacidad_pago, segmento, fecha_carga)"
#define DEMO_COPY_CONTACTOS "padron.datos_contacto (id, cliente_id, tipo, valor, origen, vigente)"

enum { DEMO_CONTACTOS_MAX = 3 };

struct demo_contacto {
    const char *tipo; /* "CELULAR", "FIJO" or "EMAIL" (static) */
    char valor[64];   /* E.164 "+52" + 10 digits, or a lower-case e-mail address */
    bool vigente;
};

/* One generated client. Strings are borrowed from static tables unless they are arrays. */
struct demo_cliente {
    long id; /* 1..n, in generation order */
    const char *nombre;
    const char *primer_apellido;
    const char *segundo_apellido; /* NULL when the person has only one surname */
    char curp[19];                /* always set, unique among the generator's rows */
    char rfc[14];                 /* "" when unknown */
    int convenio_id;              /* index into demo_convenios + 1 */
    int entidad_id;               /* INEGI 1..32, where the person lives */
    const char *municipio;
    int edad;       /* on DEMO_FECHA_CORTE, 18..85 */
    char sexo;      /* 'H' or 'M' (also in the CURP) */
    int nacimiento; /* yyyymmdd (also in the CURP) */
    long capacidad; /* capacidad de pago in centavos; -1 = unknown */
    char segmento;  /* 'A'..'D'; '\0' when capacidad is unknown */
    int ncontactos;
    struct demo_contacto contactos[DEMO_CONTACTOS_MAX];
};

/* A payroll agreement of the demo (fixed, seed-independent). */
struct demo_convenio {
    const char *clave;
    const char *nombre;
    const char *tipo; /* padron.convenios.tipo */
    int entidad_id;   /* 0 = nationwide; else every client of it lives in that entidad */
    unsigned peso;    /* relative share of the clients */
    unsigned mujeres; /* women per thousand clients */
    int ingreso_min;  /* monthly net income range, pesos */
    int ingreso_max;
};
extern const struct demo_convenio demo_convenios[];
extern const size_t demo_convenios_len;

/* A demo user for api.crear_usuario (fixed, seed-independent; supervisors come first). */
struct demo_usuario {
    const char *login;
    const char *nombre;
    const char *rol;        /* PROMOTOR | SUPERVISOR | ADMIN */
    const char *supervisor; /* login, or NULL */
    int cupo_diario;
    int cartera_max;
};
extern const struct demo_usuario demo_usuarios[];
extern const size_t demo_usuarios_len;

/* A stage of the demo funnel; horas 0 = no timer. */
struct demo_etapa {
    const char *nombre;
    const char *tipo; /* INICIAL | NORMAL | SALIDA | VENTA */
    int horas;
};
extern const struct demo_etapa demo_etapas[];
extern const size_t demo_etapas_len;

/* A shared campaign template the demo's admin writes in its morning of work
 * (db_demo_actividad), for a working stage. */
struct demo_plantilla {
    const char *etapa; /* a demo_etapas name */
    const char *nombre;
    const char *texto; /* core/plantilla syntax: {variables} and {spin|tax} */
};
extern const struct demo_plantilla demo_plantillas[];
extern const size_t demo_plantillas_len;

struct demo_gen;

/*
 * A generator of n clients (DEMO_CLIENTES_MIN..DEMO_CLIENTES_MAX, asserted) from seed. The
 * caller frees it with demo_gen_free. Two generators with the same seed and n produce the
 * same rows; the first k rows do not depend on n.
 */
struct demo_gen *demo_gen_new(uint64_t seed, long n);
void demo_gen_free(struct demo_gen *g);

/* Fills *out with the next client and returns true, or returns false after n clients. */
bool demo_gen_next(struct demo_gen *g, struct demo_cliente *out);

/* Appends every convenio as COPY rows in DEMO_COPY_CONVENIOS order (ids 1..len). */
void demo_convenios_copy(struct strbuf *sb);

/* Appends c as one COPY row in DEMO_COPY_CLIENTES order. */
void demo_cliente_copy(const struct demo_cliente *c, struct strbuf *sb);

/*
 * Appends c's contacts as COPY rows in DEMO_COPY_CONTACTOS order, numbering them from
 * *next_id (advanced by the rows written). Ids are therefore dense over a whole run.
 */
void demo_contactos_copy(const struct demo_cliente *c, long *next_id, struct strbuf *sb);

/*
 * The CURP check digit (position 18) of the first 17 characters of curp, as RENAPO computes
 * it. Exposed for tests.
 */
char demo_curp_digito(const char *curp17);

#endif
