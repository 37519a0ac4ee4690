#include "cmd/wa_sim.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "cmd/wa_link.h"
#include "core/config.h"
#include "core/qr_text.h"
#include "core/reconnect.h"
#include "core/rng.h"
#include "core/transport.h"
#include "core/transport_sim.h"
#include "crypto/seal.h"
#include "db/db.h"
#include "db/db_wa.h"
#include "util/err.h"

#define QR_QUIET 2 /* modules of quiet zone around a printed QR */

void
wa_sim_jid(int usuario_id, char *buf, size_t len)
{
    snprintf(buf, len, "5215599%06d@s.whatsapp.net", usuario_id % 1000000);
}

int
wa_sim_guardar(struct db *db, const char *key_file, int usuario_id, const char *jid, struct err *e)
{
    struct seal_key *k = seal_key_open(key_file, true, e);
    char ad[64], pt[160];
    uint8_t blob[256];
    size_t n;
    int rc;

    if (k == NULL)
        return e->rc;
    n = (size_t)snprintf(pt, sizeof pt, "sim:%s", jid);
    seal_ad_write(ad, sizeof ad, "wa_cuentas", usuario_id);
    rc = seal_blob(k, ad, strlen(ad), pt, n, blob, sizeof blob, e);
    seal_key_close(k);
    memset(pt, 0, sizeof pt);
    if (rc == RC_OK)
        rc = db_wa_guardar_credenciales(db, jid, blob, seal_blob_len(n), e);
    return rc;
}

/* ---- `wa link` on sim ---------------------------------------------------------------- */

struct sim_run {
    struct transport *t;
    struct rng rng;
    unsigned attempt;
    bool raw, opened, failed;
    char jid[64];
    char why[200];
};

static int64_t
sim_now(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sim_qr(void *ctx, const char *qr, int64_t expires_at_ms)
{
    struct sim_run *r = ctx;
    char *text = NULL;
    struct err e;

    (void)expires_at_ms;
    if (r->raw) {
        printf("%s\n", qr);
    } else if (qr_text_render(qr, false, QR_QUIET, &text, &e) == RC_OK) {
        fputs(text, stdout);
        printf("Red simulada: el teléfono simulado escanea el código "
               "(EMBUDO_SIM_AUTOSCAN=1)…\n");
        free(text);
    } else {
        fprintf(stderr, "embudo: %s\n", e.msg);
    }
    fflush(stdout);
}

static void
sim_code(void *ctx, const char *code, int64_t expires_at_ms)
{
    struct sim_run *r = ctx;

    wa_link_print_code(code, expires_at_ms, sim_now(NULL), r->raw);
    if (!r->raw)
        printf("Red simulada: el teléfono simulado escribe el código (EMBUDO_SIM_AUTOSCAN=1)…\n");
    fflush(stdout);
}

static void
sim_open(void *ctx, const char *self)
{
    struct sim_run *r = ctx;

    snprintf(r->jid, sizeof r->jid, "%s", self);
    r->opened = true;
}

/* Pairing ends with close 515 and an immediate reconnect, as on WhatsApp; anything else
 * (every QR expired, 401…) ends the attempt with the policy's reason. */
static void
sim_close(void *ctx, int code, const char *reason)
{
    struct sim_run *r = ctx;
    struct reconnect_decision d;
    struct err e = { 0 };

    reconnect_decide(code, true, r->attempt++, &r->rng, &d);
    if (d.action == RECONNECT_NOW && transport_connect(r->t, &e) == RC_OK)
        return;
    r->failed = true;
    snprintf(r->why, sizeof r->why, "%s (%d, %s)", d.why, code, reason);
}

/* Runs the simulated network on this thread until it opens or fails. */
static void
sim_drive(struct sim_run *r)
{
    int64_t due;

    while (!r->opened && !r->failed) {
        int64_t wait;

        if (!transport_sim_next_deadline(r->t, &due)) {
            r->failed = true;
            snprintf(r->why, sizeof r->why, "la red simulada dejó de responder");
            return;
        }
        wait = due - sim_now(NULL);
        if (wait > 0) {
            struct timespec ts = { .tv_sec = wait / 1000, .tv_nsec = wait % 1000 * 1000000 };

            nanosleep(&ts, NULL);
        }
        (void)transport_sim_advance(r->t, sim_now(NULL));
    }
}

int
cmd_wa_link_sim(const struct cmd_ctx *ctx, bool raw, const char *telefono)
{
    const char *scan = getenv("EMBUDO_SIM_AUTOSCAN"), *seed = getenv("EMBUDO_SIM_SEED");
    struct sim_run r = { .raw = raw };
    struct sim_config cfg;
    struct transport_clock clk = { .now_ms = sim_now };
    struct transport_events ev = {
        .ctx = &r, .qr = sim_qr, .code = sim_code, .open = sim_open, .close = sim_close
    };
    struct db_wa_cuenta cuenta = { 0 };
    struct db *db;
    struct err e = { 0 };
    char self[64];
    int status = 0;

    if (scan == NULL || strcmp(scan, "1") != 0)
        return cmd_fail("en la red simulada (transport = sim) nadie escanea el código: use "
                        "EMBUDO_SIM_AUTOSCAN=1, o la tecla s del panel WhatsApp de la terminal");
    if ((db = crm_cmd_open(ctx)) == NULL)
        return 1;
    if (db_wa_cuenta(db, &cuenta, &e) != RC_OK) {
        status = crm_cmd_fail(ctx, &e);
        goto out;
    }
    if (cuenta.credenciales != NULL && strcmp(cuenta.estado, "CONECTADA") == 0) {
        status = cmd_fail("la cuenta ya está vinculada como %s; desvincúlela antes con "
                          "«embudo wa unlink»",
                          cuenta.jid != NULL ? cuenta.jid : "—");
        goto out;
    }
    sim_config_default(&cfg);
    cfg.seed = seed != NULL ? (uint64_t)strtoull(seed, NULL, 10) : (uint64_t)getpid();
    cfg.linked = false;
    cfg.autoscan = true;
    wa_sim_jid(cuenta.usuario_id, self, sizeof self);
    cfg.self = self;
    rng_seed(&r.rng, cfg.seed);
    if ((r.t = transport_sim_new(&cfg, &clk, &ev, &e)) == NULL ||
        transport_connect(r.t, &e) != RC_OK ||
        (telefono != NULL && transport_link_code(r.t, telefono, &e) != RC_OK)) {
        status = cmd_fail("%s", e.msg);
        goto out;
    }
    sim_drive(&r);
    if (r.failed) {
        status = cmd_fail("no se vinculó: %s", r.why);
    } else if (wa_sim_guardar(db, ctx->cfg->wa_key_file.value, cuenta.usuario_id, r.jid, &e) !=
               RC_OK) {
        status = crm_cmd_fail(ctx, &e);
    } else {
        printf("vinculado: %s (red simulada)\n", r.jid);
    }
out:
    if (r.t != NULL)
        transport_free(r.t);
    db_wa_cuenta_fini(&cuenta);
    db_close(db);
    return status;
}
