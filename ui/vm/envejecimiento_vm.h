/*
 * envejecimiento_vm — the aging heatmap of the Informe pane (every profile; sql/081): one row
 * per promoter of the scope, one column per stage with a timer, each cell the ABIERTA
 * opportunities there and the median business hours they have been in the stage, coloured by
 * that median against the stage's own timer — below the warning threshold (● timer_ok), past
 * it (◐ timer_warn), past the whole timer (○ timer_late) — so the glyph says what the colour
 * says without colour (NO_COLOR, mono) and in ASCII (* ~ o). Under the grid, per stage, the
 * opportunities in the warning band and those whose timer ran out; a legend in words.
 *
 * Narrow terminals: stage names are clipped to their column's figures first (never the
 * figures), then the columns that do not fit are reached by scrolling sideways (← →), with a
 * line saying which stages show.
 *
 * Pure C (no curses, no db): ui/informe_panel.c copies db_envejecimiento into these structs
 * and ui/vm/informe_vm.c places the rows. The loop thread owns the data.
 */
#ifndef VM_ENVEJECIMIENTO_VM_H
#define VM_ENVEJECIMIENTO_VM_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/vm/vm.h"

/* The fields mean what db_env_* in src/db/db_informe.h say. */
struct env_etapa {
    char etapa[48];
    double timer_horas;
};

struct env_promotor {
    char login[64];
    char nombre[128];
};

/* What a cell shows (db_env_celda without the longest stay, which the CLI's JSON has). */
struct env_celda {
    int abiertas, en_aviso, vencidas;
    double horas_mediana, razon; /* < 0 when abiertas is 0 */
};

/* A heatmap as read (arrays malloc'd). */
struct env_datos {
    int aviso_pct;
    char promotor[64]; /* the login it was narrowed to; "" = the whole scope */
    struct env_etapa *etapas;
    size_t netapas;
    struct env_promotor *promotores;
    size_t npromotores;
    struct env_celda *celdas; /* promoter i, stage k at [i * netapas + k] */
};

/* Frees d's arrays and empties it. */
void env_datos_fini(struct env_datos *d);

enum env_nivel {
    ENV_VACIA,  /* no open opportunity */
    ENV_BIEN,   /* median below aviso_pct of the timer */
    ENV_AVISO,  /* from aviso_pct up to the whole timer */
    ENV_PASADA, /* the median is past the stage's timer */
};

/* The band a cell is coloured by: its razon (median ÷ timer) against aviso_pct and 1. */
enum env_nivel env_nivel_de(const struct env_celda *c, int aviso_pct);

/*
 * Places the heatmap's content rows for width columns: content row r goes to lines[r − skip]
 * when 0 ≤ r − skip < nlines (lines already initialised; others are only counted). *primera
 * is the first stage column shown: kept in range here (hence a pointer), and the stages that
 * fit from it are *visibles. Returns the number of content rows.
 */
int env_vm_emit(struct vm_line *lines, int nlines, int skip, const struct env_datos *d, int width,
                int *primera, int *visibles);

#endif
