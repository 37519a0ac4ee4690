/*
 * demo_actividad — a morning of work for the demo (`embudo demo --actividad`): which convenio
 * each promoter asks for and how many clients, and for each opportunity the steps a promoter
 * would take with it — contact attempts, stage moves with their reasons, notes, a sale —
 * drawn from the demo seed. The mix is what a supervisor sees on a normal day: most clients
 * still new or in the first stages, a few deep in the funnel, a couple of sales and a handful
 * of exits waiting in the bandeja.
 *
 * Pure (no db, no clock): db_demo_actividad runs the steps through the api as each user, so
 * every rule and history row is the real one. Any thread; one struct rng per caller.
 */
#ifndef CORE_DEMO_ACTIVIDAD_H
#define CORE_DEMO_ACTIVIDAD_H

#include <stdbool.h>

#include "core/rng.h"

enum demo_paso_tipo {
    DEMO_PASO_INTENTO, /* api.registrar_intento(o, a, motivo) */
    DEMO_PASO_MOVER,   /* api.mover(o, a, motivo) */
    DEMO_PASO_NOTA,    /* api.nota(o, a) */
    DEMO_PASO_VENTA,   /* api.registrar_venta(o, monto, a, folio) */
};

struct demo_paso {
    enum demo_paso_tipo tipo;
    const char *a;      /* the outcome code, stage name, note text or product */
    const char *motivo; /* MOVER: the reason (always for an exit); INTENTO: its note; or NULL */
    long monto;         /* VENTA: pesos */
};

/* The most steps one opportunity takes (three attempts, four moves, a note and a sale fit). */
#define DEMO_PASOS_MAX 10

/* What the promoter at index i of demo_usuarios asks for in the morning. */
struct demo_pedido {
    const char *convenio; /* a demo convenio's clave */
    bool pensionados;     /* its clients are pensioners (the product sold differs) */
    int cantidad;         /* 8..14 */
};

void demo_actividad_pedido(struct rng *r, struct demo_pedido *out);

/*
 * The steps for one opportunity of a request made with pedido; returns how many (0: the
 * client is still untouched in the first stage). Stage names are demo_etapas'.
 */
int demo_actividad_pasos(struct rng *r, const struct demo_pedido *pedido,
                         struct demo_paso out[DEMO_PASOS_MAX]);

#endif
