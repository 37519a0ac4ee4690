/*
 * wa_vincular — the seam through which the WhatsApp pane links the promoter's account over
 * `transport = web`. The ui may not build the native client (src/cmd does), so the
 * composition root (src/cmd/cmd_ui.c) fills a struct wa_link_factory
 * (src/cmd/wa_link.c: pairing exactly as `embudo wa link` does) and hands it to app_run;
 * ui/wa_vincular.c runs it on a thread of its own with its own libuv loop and forwards the
 * events to the loop thread.
 *
 * Every callback below runs on that link thread, never on the loop thread.
 */
#ifndef UI_WA_VINCULAR_H
#define UI_WA_VINCULAR_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

struct err;

/* What one linking attempt reports (strings borrowed for the call). */
struct wa_link_events {
    void *ctx;
    /* A QR to show until expires_at_ms (epoch ms); the next one replaces it. */
    void (*qr)(void *ctx, const char *qr, int64_t expires_at_ms);
    /* Linking by phone number: the 8-character code to type on the phone until
     * expires_at_ms (epoch ms). */
    void (*code)(void *ctx, const char *code, int64_t expires_at_ms);
    /* The phone scanned it: the device is paired as jid; the restart and login follow. */
    void (*paired)(void *ctx, const char *jid);
    /* The end, exactly once unless stop() came first: linked (ok: the credentials are
     * stored, text is the account's JID) or not (code: enum transport_close_code or a
     * server code; text: the Spanish reason). */
    void (*end)(void *ctx, bool ok, int code, const char *text);
};

struct wa_link_factory {
    /* Opens the database as login (NULL: the default) and the key file, refuses an account
     * that is already linked, and starts pairing on loop with fresh credentials: by QR, or
     * with telefono (digits with the country code) by a code typed on that phone. The
     * attempt's state, or NULL with a Spanish e. */
    void *(*start)(const void *ctx, uv_loop_t *loop, const char *login, const char *telefono,
                   const struct wa_link_events *ev, struct err *e);
    /* Ends the attempt at once: no event follows. Safe inside an event. */
    void (*stop)(void *state);
    /* Once the loop ran dry: records the account's state as `embudo wa link` does (a failed
     * attempt leaves it as it was) and releases everything. NULL-safe. */
    void (*finish)(void *state);
    const void *ctx; /* shared, read-only; outlives every attempt */
};

#endif
