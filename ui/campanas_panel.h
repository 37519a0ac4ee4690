/*
 * campanas_panel — what the campaign panes of issue 5 (ui/wa_panel.c, wizard_panel.c,
 * progreso_panel.c, estadisticas_panel.c) share, and their seam with the sender runtime.
 *
 * The sender (src/rt/sender, H14) runs the account's transport on its own thread; the code
 * that starts it in-process registers a struct wa_envio_ops here, and forwards what the
 * sender reports (QR refs, link end, state, health) through wa_panel_*() on the loop thread.
 * Until one is registered, the WhatsApp pane says linking is not available in this session.
 *
 * Loop thread only.
 */
#ifndef UI_CAMPANAS_PANEL_H
#define UI_CAMPANAS_PANEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ui/app_pane.h"
#include "ui/vm/wa_vm.h"

/* What the panes ask of the sender (every callback on the loop thread, none blocking). */
struct wa_envio_ops {
    /* Start this session's sender for the user's account (connects; shows QR refs through
       wa_panel_qr when the account is not linked). RC_BUSY: another session sends. */
    int (*iniciar)(void *ctx, struct err *e);
    void (*detener)(void *ctx);
    /* Simulated network only: the phone scans the current QR. */
    void (*escanear)(void *ctx);
    /* Something to send may have appeared (a campaign launched or resumed). */
    void (*despertar)(void *ctx);
    bool sim; /* the transport is the simulated network */
    void *ctx;
};

/* Registers (ops copied; NULL = none) the sender seam for every campaign pane. */
void wa_panel_set_envio(struct app *a, const struct wa_envio_ops *ops);

/* What the sender reports, forwarded here (loop thread). */
void wa_panel_qr(struct app *a, const char *ref, int64_t expira_ms);
void wa_panel_qr_fin(struct app *a, bool vencido); /* linked, or every ref expired */
void wa_panel_envio(struct app *a, enum wa_envio envio, const char *salud);

/* The registered sender (NULL when none); the progress pane wakes it on launch/resume. */
const struct wa_envio_ops *wa_panel_envio_ops(struct app *a);

/* progreso_panel.c: show campaign id in the progress pane. */
void progreso_panel_mostrar(struct app *a, int64_t id);

/* "HH:MM" of t in the business zone (the status bar's clock offset) into buf. */
void campanas_hhmm(struct app *a, time_t t, char *buf, size_t len);
/* The business date today, YYYY-MM-DD, days_ago days back, into buf (11 bytes). */
void campanas_fecha(struct app *a, int days_ago, char *buf, size_t len);
/* Epoch milliseconds now (CLOCK_REALTIME). */
int64_t campanas_now_ms(void);

#endif
