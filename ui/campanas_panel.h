/*
 * campanas_panel — what the campaign panes of issue 5 (ui/wa_panel.c, wizard_panel.c,
 * progreso_panel.c, estadisticas_panel.c) share, and their seam with the sender runtime.
 *
 * The sender (src/rt/sender.h) runs the account's transport on its own thread; the code that
 * starts it in-process (ui/wa_envio.c) registers a struct wa_envio_ops here and forwards what
 * the sender reports (state, health, QR refs) through wa_panel_*() on the loop thread. Linking
 * (simulated network or native client) is ui/wa_vincular.c's; with no sender registered the
 * pane still links, and says this session cannot send.
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
    /* Something to send may have appeared (a campaign launched or resumed). */
    void (*despertar)(void *ctx);
    void *ctx;
};

/* ui/wa_envio.c: registers this session's sender (rt/sender.h) as the seam below, when the
 * configuration allows sending (transport sim, or web with the factory app_run was given). */
void wa_envio_init(struct app *a);

/* Registers (ops copied; NULL = none) the sender seam for every campaign pane. */
void wa_panel_set_envio(struct app *a, const struct wa_envio_ops *ops);

/* What the sender reports, forwarded here (loop thread). */
void wa_panel_qr(struct app *a, const char *ref, int64_t expira_ms);
/* Linking by phone number: the 8-character code to type on the phone, until expira_ms. */
void wa_panel_codigo(struct app *a, const char *codigo, int64_t expira_ms);
void wa_panel_qr_fin(struct app *a, bool vencido); /* linked, or every ref expired */
void wa_panel_envio(struct app *a, enum wa_envio envio, const char *salud);

/* The registered sender (NULL when none); the progress pane wakes it on launch/resume. */
const struct wa_envio_ops *wa_panel_envio_ops(struct app *a);

/*
 * An answer to a client was queued for the user's WhatsApp Web account (Detalle's w, sql/101):
 * this session's sender is registered if it was not yet (the pane registers it on its first
 * visit), woken when it runs, started when it does not, as e in the pane does (the account is
 * linked: the database took the answer). RC_OK; RC_INVAL with a Spanish e when this session
 * cannot send (the configuration); RC_BUSY when the previous sender is still stopping; what
 * starting it returned otherwise. Another session holding the account's sender is reported
 * later through wa_panel_envio (that one sends it).
 */
int wa_panel_responder(struct app *a, struct err *e) __attribute__((warn_unused_result));

/*
 * wa_vincular.c: links the user's account on the simulated network (QR refs through
 * wa_panel_qr; s scans; EMBUDO_SIM_AUTOSCAN=1 scans the first). With telefono (digits with
 * the country code, "525512345678") it links by phone number instead: the code goes through
 * wa_panel_codigo and s "types" it. fin(ok, code, why) runs once the link is stored (ok) or
 * the attempt ended (code: the close code, 408 when every ref or the phone code expired, else
 * 0 or another; why: Spanish). RC_BUSY when one is running.
 */
int wa_vincular_sim(struct app *a, void (*fin)(struct app *a, bool ok, int code, const char *why),
                    const char *telefono, struct err *e) __attribute__((warn_unused_result));
int wa_vincular_sim_escanear(struct err *e) __attribute__((warn_unused_result));

/*
 * wa_vincular.c: links the user's account over transport = web with the factory app_run was
 * given (a thread of its own; QR refs through wa_panel_qr as they rotate, or with telefono the
 * phone code through wa_panel_codigo). fin as above, once the account's state is recorded.
 * RC_BUSY when one is running, RC_INVAL without a factory, RC_IO when the thread cannot start.
 */
int wa_vincular_web(struct app *a, void (*fin)(struct app *a, bool ok, int code, const char *why),
                    const char *telefono, struct err *e) __attribute__((warn_unused_result));

/* progreso_panel.c: show campaign id in the progress pane. */
void progreso_panel_mostrar(struct app *a, int64_t id);

/* "HH:MM" of t in the business zone (the status bar's clock offset) into buf. */
void campanas_hhmm(struct app *a, time_t t, char *buf, size_t len);
/* The business date today, YYYY-MM-DD, days_ago days back, into buf (11 bytes). */
void campanas_fecha(struct app *a, int days_ago, char *buf, size_t len);
/* Epoch milliseconds now (CLOCK_REALTIME). */
int64_t campanas_now_ms(void);

#endif
