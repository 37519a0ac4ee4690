/*
 * app_panes — the registry: every pane of the terminal client, in tab order. Adding a
 * pane is one line here plus its own files (docs/tui.md, "Cómo agregar un panel"); the
 * controller shows each to the profiles its roles allow, numbered 1… in this order.
 */
#include "ui/app_pane.h"

extern const struct pane_ops app_home_pane;
extern const struct pane_ops embudo_panel, detalle_panel, asignacion_panel, bandeja_panel,
    equipo_panel, repartir_panel; /* issue 4: ui/<name>_panel.c */
extern const struct pane_ops informe_panel; /* the funnel report: ui/informe_panel.c */
extern const struct pane_ops wa_panel, wizard_panel, progreso_panel,
    estadisticas_panel; /* issue 5: ui/wa_panel.c… (campanas_panel.h) */

const struct pane_ops *const app_panes[] = {
    &app_home_pane, &embudo_panel, &detalle_panel,  &asignacion_panel,
    &bandeja_panel, &equipo_panel, &informe_panel,  &repartir_panel,
    &wa_panel,      &wizard_panel, &progreso_panel, &estadisticas_panel,
};
const size_t app_npanes = sizeof app_panes / sizeof app_panes[0];
