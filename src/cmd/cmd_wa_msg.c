/*
 * cmd_wa_msg — `embudo wa revisar NUMERO…` and `embudo wa enviar [--esperar E] NUMERO TEXTO`:
 * the number check and one manual text through the same `web` transport campaigns use
 * (src/cmd/wa_web: the stored, sealed credentials and Signal state).
 *
 * revisar prints, per number in the order given, "NUMERO: JID" (the canonical JID the
 * server returned: for Mexican mobiles 52 or 521) or "NUMERO: no está en WhatsApp", and
 * caches each Mexican answer (api.wa_numero_guardar). enviar normalises the number (Mexican
 * numbers to 52 + ten digits, others pass through), checks it first and sends to the JID
 * the server gave, prints "id: <message id>" and then each event as it arrives
 * ("enviado", "entregado", "leído", or "error N"), until --esperar (enviado by default) is
 * reached. A manual text goes through the campaigns' governor: api.wa_envio_manual counts
 * it against the day's cap and refuses opted-out phones (sql/032); its state follows the
 * ack and receipts. Main thread; its own libuv loop.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "cmd/cmd.h"
#include "cmd/cmd_crm.h"
#include "cmd/cmd_wa_int.h"
#include "cmd/wa_web.h"
#include "core/config.h"
#include "core/optout.h"
#include "core/transport.h"
#include "db/db.h"
#include "db/db_wa.h"
#include "db/db_wa_manual.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "wa/creds.h"
#include "wa/msgid.h"
#include "wa/usync.h"

/* How long a command waits for the whole exchange before giving up. */
#define WAMSG_TIMEOUT_MS 120000

enum wm_step { WM_CHECK, WM_SEND, WM_WAIT };

struct wm {
    struct wa_run r;
    struct wa_web *w;
    struct transport *t; /* w's */
    uv_timer_t guard;
    bool enviar;
    int nnum;
    char **nums; /* as typed */
    const char *text;
    int want; /* enviar: 2 enviado, 3 entregado, 4 leído */
    int got;  /* furthest state seen */
    enum wm_step step;
    bool failed; /* refused by the server: closing */
    char msg_id[WA_MSGID_LEN + 1];
};

static void
wm_finish(struct wm *m, int status)
{
    if (m->r.finished)
        return;
    m->r.finished = true;
    m->r.status = status;
    uv_timer_stop(&m->guard);
    uv_close((uv_handle_t *)&m->guard, NULL);
    transport_free(m->t); /* stops: no more events; destroyed after the loop */
}

static void
wm_timeout(uv_timer_t *t)
{
    struct wm *m = t->data;

    fprintf(stderr, "embudo: sin respuesta de WhatsApp a tiempo\n");
    wm_finish(m, 1);
}

static void
wm_open(void *ctx, const char *self)
{
    struct wm *m = ctx;
    struct err e;

    (void)self;
    if (transport_check_numbers(m->t, 1, (const char *const *)m->nums, (size_t)m->nnum, &e) !=
        RC_OK) {
        fprintf(stderr, "embudo: %s\n", e.msg);
        wm_finish(m, 1);
    }
}

static void
wm_close(void *ctx, int code, const char *reason)
{
    struct wm *m = ctx;

    if (!m->r.finished && !m->failed)
        fprintf(stderr, "embudo: la conexión con WhatsApp terminó (%d, %s): %s\n", code,
                transport_close_name(code), reason);
    wm_finish(m, 1);
}

/* Caches a Mexican answer (the cache is keyed by the normalised Mexican phone). */
static void
wm_cache(struct wm *m, const struct transport_number *x)
{
    char tel[16];
    struct err e;
    int omitidos = 0;

    if (x->on_whatsapp < 0 || strlen(x->number) != 12 || strncmp(x->number, "52", 2) != 0)
        return;
    snprintf(tel, sizeof tel, "+%s", x->number);
    if (db_wa_numero_guardar(m->r.db, tel, x->on_whatsapp == 1, x->jid, &omitidos, &e) != RC_OK)
        fprintf(stderr, "embudo: no se guardó la verificación de %s: %s\n", tel, e.msg);
}

static void
wm_print(const char *typed, const struct transport_number *x)
{
    if (x->on_whatsapp == 1)
        printf("%s: %s\n", typed, x->jid != NULL ? x->jid : "(en WhatsApp)");
    else if (x->on_whatsapp == 0)
        printf("%s: no está en WhatsApp\n", typed);
    else
        printf("%s: sin respuesta del servidor\n", typed);
    fflush(stdout);
}

/* The governor: one of today's sends for this text (the cap, warm-up and opt-outs of
 * campaigns); 0, or 1 with the reason printed. */
static int
wm_reserve(struct wm *m, const char *number, const char *jid)
{
    char tel[WA_NUMBER_MAX + 2];
    int quedan = 0;
    struct err e;

    snprintf(tel, sizeof tel, "+%s", number);
    if (db_wa_envio_manual(m->r.db, tel, jid, m->msg_id, &quedan, &e) != RC_OK) {
        fprintf(stderr, "embudo: %s\n", e.msg);
        return 1;
    }
    fprintf(stderr, "hoy puede enviar %d más\n", quedan);
    return 0;
}

/* Records what the server said about the manual text (forward only). */
static void
wm_record(struct wm *m, const char *estado, const char *error)
{
    struct err e;

    if (db_wa_envio_manual_estado(m->r.db, m->msg_id, estado, error, &e) != RC_OK)
        fprintf(stderr, "embudo: no se anotó el estado del envío: %s\n", e.msg);
}

static void
wm_send(struct wm *m, const char *number, const char *jid)
{
    struct err e;
    char user[WA_CREDS_JID_MAX];
    struct timespec ts;

    snprintf(user, sizeof user, "%s", wa_web_creds(m->w)->me_jid);
    user[strcspn(user, ":@")] = '\0';
    clock_gettime(CLOCK_REALTIME, &ts);
    wa_msgid_new((int64_t)ts.tv_sec, user, m->msg_id);
    if (wm_reserve(m, number, jid) != 0) {
        wm_finish(m, 1);
        return;
    }
    if (transport_send_text(m->t, jid, m->msg_id, m->text, &e) != RC_OK) {
        fprintf(stderr, "embudo: %s\n", e.msg);
        wm_finish(m, 1);
        return;
    }
    m->step = WM_WAIT;
    printf("id: %s\n", m->msg_id);
    fflush(stdout);
}

static void
wm_numbers(void *ctx, uint64_t request_id, const struct transport_number *nums, size_t n)
{
    struct wm *m = ctx;

    (void)request_id;
    for (size_t i = 0; i < n; i++) {
        wm_cache(m, &nums[i]);
        if (!m->enviar)
            wm_print(m->nums[i], &nums[i]);
    }
    if (!m->enviar) {
        wm_finish(m, 0);
        return;
    }
    if (n != 1 || nums[0].on_whatsapp != 1 || nums[0].jid == NULL) {
        wm_print(m->nums[0], &nums[0]);
        wm_finish(m, 1);
        return;
    }
    wm_send(m, nums[0].number, nums[0].jid);
}

/* Prints a state once, in order; finishes when the one waited for is reached. */
static void
wm_state(struct wm *m, int state)
{
    static const char *const names[] = { "", "", "enviado", "entregado", "leído" };
    static const char *const estados[] = { "", "", "ENVIADO", "ENTREGADO", "LEIDO" };

    if (state > m->got)
        wm_record(m, estados[state], NULL);
    while (m->got < state) {
        m->got++;
        if (m->got >= 2) {
            printf("%s\n", names[m->got]);
            fflush(stdout);
        }
    }
    if (m->got >= m->want)
        wm_finish(m, 0);
}

static void
wm_ack(void *ctx, const char *msg_id, int error, int64_t at_ms)
{
    struct wm *m = ctx;

    (void)at_ms;
    if (strcmp(msg_id, m->msg_id) != 0)
        return;
    if (error != 0) {
        char why[16];

        snprintf(why, sizeof why, "ERROR_%d", error);
        wm_record(m, "FALLIDO", why);
        printf("error %d\n", error);
        fflush(stdout);
        fprintf(stderr, "embudo: WhatsApp rechazó el mensaje (%d)\n", error);
        m->failed = true; /* a clean close: what the refusal queued (a token) leaves first */
        transport_disconnect(m->t);
        return;
    }
    wm_state(m, 2);
}

static void
wm_receipt(void *ctx, const char *msg_id, enum transport_receipt kind, int64_t at_ms)
{
    struct wm *m = ctx;

    (void)at_ms;
    if (strcmp(msg_id, m->msg_id) == 0)
        wm_state(m, kind == TRANSPORT_RECEIPT_READ ? 4 : 3);
}

/* A reply that arrives meanwhile is recorded like the sender records it (opt-outs too):
 * the client acknowledged it, so it would not come again. */
static void
wm_incoming(void *ctx, const char *from, const char *msg_id, const char *text, int64_t at_ms)
{
    struct wm *m = ctx;
    const char *rule = NULL;
    bool baja = optout_detect(text, &rule);
    struct db_entrante out;
    struct err e;

    (void)msg_id;
    (void)at_ms;
    if (db_wa_entrante(m->r.db, 0, from, text, baja, rule, &out, &e) != RC_OK)
        fprintf(stderr, "embudo: no se guardó un mensaje recibido de %s: %s\n", from, e.msg);
}

/* ---- the run ----------------------------------------------------------------------------- */

static int
wm_run(struct wm *m)
{
    struct wa_web_params wp = { .url = m->r.ctx->cfg->wa_url.value,
                                .db = m->r.db,
                                .cuenta = (int)m->r.usuario_id,
                                .key = m->r.key,
                                .signal = m->enviar,
                                .no_check_gap = true }; /* one query per command */
    struct transport_events ev = { .ctx = m,
                                   .open = wm_open,
                                   .close = wm_close,
                                   .ack = wm_ack,
                                   .receipt = wm_receipt,
                                   .incoming = wm_incoming,
                                   .numbers = wm_numbers };
    int rc;

    uv_loop_init(&m->r.loop);
    uv_timer_init(&m->r.loop, &m->guard);
    m->guard.data = m;
    uv_timer_start(&m->guard, wm_timeout, WAMSG_TIMEOUT_MS, 0);
    if ((m->w = wa_web_new(&m->r.loop, &wp, NULL, &ev, &m->r.e)) != NULL)
        m->t = wa_web_transport(m->w);
    if (m->t == NULL || transport_connect(m->t, &m->r.e) != RC_OK) {
        fprintf(stderr, "embudo: %s\n", m->r.e.msg);
        if (m->t == NULL) {
            m->r.finished = true;
            m->r.status = 1;
            uv_close((uv_handle_t *)&m->guard, NULL);
        } else {
            wm_finish(m, 1);
        }
    }
    uv_run(&m->r.loop, UV_RUN_DEFAULT);
    wa_web_free(m->w);
    rc = uv_loop_close(&m->r.loop);
    if (rc != 0)
        fprintf(stderr, "embudo: el ciclo de eventos no cerró limpio (%s)\n", uv_strerror(rc));
    return rc != 0 ? 1 : m->r.status;
}

/* Opens the account, then runs (wa_web loads its credentials and Signal state). */
static int
wm_exec(struct wm *m, const struct cmd_ctx *ctx)
{
    struct db_wa_cuenta cuenta;
    int status;

    memset(&cuenta, 0, sizeof cuenta);
    status = wa_run_open(&m->r, ctx, &cuenta);
    if (status == 0)
        status = wm_run(m);
    db_wa_cuenta_fini(&cuenta);
    wa_run_close(&m->r);
    return status;
}

/* Every number must normalise (E.164; Mexican numbers to 52 + ten digits). */
static int
wm_check_args(const struct cmd_entry *entry, char **nums, int n)
{
    char out[WA_NUMBER_MAX];

    for (int i = 0; i < n; i++)
        if (!wa_number_normalize(nums[i], out))
            return cmd_usage(entry, "número inválido: «%s» (use E.164, p. ej. +52 55 1234 5678)",
                             nums[i]);
    return 0;
}

int
cmd_wa_revisar(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("wa");
    const struct cmd_opt opts[] = { { NULL, false, NULL, NULL } };
    struct wm m;
    int rc;

    memset(&m, 0, sizeof m);
    m.nums = xcalloc((size_t)ctx->argc + 1, sizeof *m.nums);
    rc = cmd_parse(entry, ctx->argc - 1, ctx->argv + 1, opts, m.nums, ctx->argc, &m.nnum);
    if (rc == 0 && m.nnum == 0)
        rc = cmd_usage(entry, "falta al menos un NUMERO");
    if (rc == 0 && m.nnum > WA_USYNC_USERS_MAX)
        rc = cmd_usage(entry, "a lo más %d números por vez", WA_USYNC_USERS_MAX);
    if (rc == 0)
        rc = wm_check_args(entry, m.nums, m.nnum);
    if (rc == 0)
        rc = wm_exec(&m, ctx);
    free(m.nums);
    return rc;
}

int
cmd_wa_enviar(struct cmd_ctx *ctx)
{
    const struct cmd_entry *entry = cmd_find("wa");
    const char *esperar = "enviado";
    const struct cmd_opt opts[] = { { "esperar", true, &esperar, NULL },
                                    { NULL, false, NULL, NULL } };
    char *pos[2];
    struct wm m;
    int rc, npos = 0;

    memset(&m, 0, sizeof m);
    m.enviar = true;
    if ((rc = cmd_parse(entry, ctx->argc - 1, ctx->argv + 1, opts, pos, 2, &npos)) != 0)
        return rc;
    if (npos != 2)
        return cmd_usage(entry, "wa enviar necesita NUMERO y TEXTO");
    if (strcmp(esperar, "enviado") == 0)
        m.want = 2;
    else if (strcmp(esperar, "entregado") == 0)
        m.want = 3;
    else if (strcmp(esperar, "leido") == 0 || strcmp(esperar, "leído") == 0)
        m.want = 4;
    else
        return cmd_usage(entry, "--esperar: enviado, entregado o leido");
    if (pos[1][0] == '\0')
        return cmd_usage(entry, "el TEXTO está vacío");
    m.nums = pos;
    m.nnum = 1;
    m.text = pos[1];
    if ((rc = wm_check_args(entry, m.nums, 1)) != 0)
        return rc;
    return wm_exec(&m, ctx);
}
