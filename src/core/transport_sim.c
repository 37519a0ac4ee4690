#include "core/transport_sim.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "util/err.h"
#include "util/xmalloc.h"

const int sim_close_codes[SIM_NCLOSE] = {
    TRANSPORT_CLOSE_NETWORK,   TRANSPORT_CLOSE_LOGGED_OUT,  TRANSPORT_CLOSE_FORBIDDEN,
    TRANSPORT_CLOSE_TIMED_OUT, TRANSPORT_CLOSE_MD_MISMATCH, TRANSPORT_CLOSE_CLOSED,
    TRANSPORT_CLOSE_REPLACED,  TRANSPORT_CLOSE_BAD_SESSION, TRANSPORT_CLOSE_UNAVAILABLE,
    TRANSPORT_CLOSE_RESTART,
};

/* Replies the simulated recipients send; the first table is the opt-out kind. */
static const char *const sim_optout_replies[] = {
    "BAJA",
    "Ya no me escriban, por favor",
    "No me interesa",
    "STOP",
};
static const char *const sim_replies[] = {
    "¿Cuánto me prestan?", "Gracias, lo reviso",       "Sí, me interesa",
    "¿Qué tasa manejan?",  "Llámeme mañana por favor", "¿Me puede mandar los requisitos?",
};

enum sim_state { SIM_CLOSED, SIM_CONNECTING, SIM_LINKING, SIM_PAIRING, SIM_OPEN };

enum sim_ev_kind {
    EV_QR,          /* show QR number k (epoch-bound) */
    EV_QR_EXPIRE,   /* QR number k ran out */
    EV_CODE,        /* show the pairing code (link_code) */
    EV_CODE_EXPIRE, /* the pairing code ran out */
    EV_SCAN,        /* autoscan */
    EV_PAIRED,      /* the scan went through */
    EV_OPEN,
    EV_DROP,  /* the link breaks with code */
    EV_CLOSE, /* report a local close (never dropped) */
    EV_ACK,
    EV_RECEIPT,  /* server-side: survives reconnects, deferred while offline */
    EV_INCOMING, /* server-side too */
    EV_NUMBERS,
};

struct sim_ev {
    int64_t due;
    uint64_t seq; /* ties break in scheduling order */
    enum sim_ev_kind kind;
    uint32_t epoch; /* the connection it belongs to */
    int code;       /* close code, ack error, receipt kind or QR index */
    char *id;       /* message id */
    char *peer;     /* sender of an incoming message */
    char *text;
    uint64_t request_id;
    char **numbers;
    int *answers;
    size_t n;
};

struct sim {
    struct transport base; /* first: struct transport * converts to struct sim * */
    struct sim_config cfg;
    char *self;
    char qr_keys[3][45]; /* noise, identity and adv parts of the QR, fixed per sim */
    struct rng rng;
    enum sim_state state;
    uint32_t epoch;
    bool linked, autoscanned, advancing;
    bool code_wanted, code_shown; /* link_code on this connection; the code is on screen */
    unsigned qr_index;
    int64_t qr_expires;
    int64_t cur; /* due time of the event being processed */
    uint64_t seq, incoming_seq;
    struct sim_ev *heap; /* binary min-heap on (due, seq) */
    size_t nheap, capheap;
    struct sim_ev *deferred; /* server-side events that came due while offline */
    size_t ndeferred, capdeferred;
};

static const struct transport_ops sim_ops;

static struct sim *
sim_of(struct transport *t)
{
    assert(t != NULL && t->ops == &sim_ops);
    return (struct sim *)t;
}

static const struct sim *
sim_of_const(const struct transport *t)
{
    assert(t != NULL && t->ops == &sim_ops);
    return (const struct sim *)t;
}

static int64_t
sim_now(const struct sim *s)
{
    return s->advancing ? s->cur : s->base.clock.now_ms(s->base.clock.ctx);
}

/* ---- the event queue ----------------------------------------------------- */

static bool
ev_before(const struct sim_ev *a, const struct sim_ev *b)
{
    return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void
ev_swap(struct sim_ev *a, struct sim_ev *b)
{
    struct sim_ev t = *a;

    *a = *b;
    *b = t;
}

static void
ev_free(struct sim_ev *ev)
{
    free(ev->id);
    free(ev->peer);
    free(ev->text);
    for (size_t i = 0; i < ev->n; i++)
        free(ev->numbers[i]);
    free(ev->numbers);
    free(ev->answers);
}

/* Queues ev (taking its strings) and tells the driver when the head moved earlier. */
static void
heap_push(struct sim *s, struct sim_ev ev)
{
    size_t i;
    bool earlier = s->nheap == 0 || ev.due < s->heap[0].due;

    if (s->nheap == s->capheap) {
        s->capheap = s->capheap ? 2 * s->capheap : 32;
        s->heap = xreallocarray(s->heap, s->capheap, sizeof *s->heap);
    }
    ev.seq = s->seq++;
    i = s->nheap++;
    s->heap[i] = ev;
    while (i > 0 && ev_before(&s->heap[i], &s->heap[(i - 1) / 2])) {
        ev_swap(&s->heap[i], &s->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    if (earlier && !s->advancing && s->base.clock.wake != NULL)
        s->base.clock.wake(s->base.clock.ctx, s->heap[0].due);
}

static struct sim_ev
heap_pop(struct sim *s)
{
    struct sim_ev top = s->heap[0];
    size_t i = 0;

    s->heap[0] = s->heap[--s->nheap];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;

        if (l < s->nheap && ev_before(&s->heap[l], &s->heap[m]))
            m = l;
        if (r < s->nheap && ev_before(&s->heap[r], &s->heap[m]))
            m = r;
        if (m == i)
            break;
        ev_swap(&s->heap[i], &s->heap[m]);
        i = m;
    }
    return top;
}

static void
defer(struct sim *s, struct sim_ev ev)
{
    if (s->ndeferred == s->capdeferred) {
        s->capdeferred = s->capdeferred ? 2 * s->capdeferred : 16;
        s->deferred = xreallocarray(s->deferred, s->capdeferred, sizeof *s->deferred);
    }
    s->deferred[s->ndeferred++] = ev;
}

static void
push_simple(struct sim *s, int64_t due, enum sim_ev_kind kind, int code)
{
    struct sim_ev ev = { .due = due, .kind = kind, .epoch = s->epoch, .code = code };

    heap_push(s, ev);
}

static int64_t
latency(struct sim *s)
{
    return rng_range(&s->rng, s->cfg.latency_min_ms, s->cfg.latency_max_ms);
}

/* ---- connection state ------------------------------------------------------ */

static void
random_b64(struct rng *r, char *out, size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[rng_below(r, 64)];
    out[n] = '\0';
}

/* Ends the connection now: later events of this epoch are dropped. */
static void
close_now(struct sim *s, int code, const char *reason)
{
    s->state = SIM_CLOSED;
    s->epoch++;
    if (code == TRANSPORT_CLOSE_LOGGED_OUT)
        s->linked = false;
    if (s->base.ev.close != NULL)
        s->base.ev.close(s->base.ev.ctx, code, reason);
}

/* Shows QR number k, shaped like WhatsApp's "ref,noise,identity,adv". */
static void
show_qr(struct sim *s, unsigned k)
{
    char ref[33], qr[200];
    int64_t now = sim_now(s);

    s->state = SIM_LINKING;
    s->qr_index = k;
    s->qr_expires = now + (k == 0 ? s->cfg.qr_first_ms : s->cfg.qr_next_ms);
    random_b64(&s->rng, ref, 32);
    snprintf(qr, sizeof qr, "2@%s,%s,%s,%s", ref, s->qr_keys[0], s->qr_keys[1], s->qr_keys[2]);
    push_simple(s, s->qr_expires, EV_QR_EXPIRE, (int)k);
    if (k == 0 && s->cfg.autoscan && !s->autoscanned) {
        s->autoscanned = true;
        push_simple(s, now + s->cfg.autoscan_after_ms, EV_SCAN, 0);
    }
    if (s->base.ev.qr != NULL)
        s->base.ev.qr(s->base.ev.ctx, qr, s->qr_expires);
}

/* Shows the pairing code instead of QRs; the scan trigger stands for typing it. */
static void
show_code(struct sim *s)
{
    static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTVWXYZ"; /* WhatsApp's Crockford */
    char code[9];
    int64_t now = sim_now(s);

    for (size_t i = 0; i < 8; i++)
        code[i] = alphabet[rng_below(&s->rng, 32)];
    code[8] = '\0';
    s->state = SIM_LINKING;
    s->code_shown = true;
    s->qr_expires = now + s->cfg.code_ms; /* what scan_now checks */
    push_simple(s, s->qr_expires, EV_CODE_EXPIRE, 0);
    if (s->cfg.autoscan && !s->autoscanned) {
        s->autoscanned = true;
        push_simple(s, now + s->cfg.autoscan_after_ms, EV_SCAN, 0);
    }
    if (s->base.ev.code != NULL)
        s->base.ev.code(s->base.ev.ctx, code, s->qr_expires);
}

static void
open_now(struct sim *s)
{
    struct sim_ev *held = s->deferred;
    size_t nheld = s->ndeferred;
    int64_t now = sim_now(s);

    s->state = SIM_OPEN;
    /* What the server held for us while we were away arrives right after login; if the
     * link drops again first, the events are simply deferred once more. */
    s->deferred = NULL;
    s->ndeferred = s->capdeferred = 0;
    for (size_t i = 0; i < nheld; i++) {
        held[i].due = now + latency(s);
        heap_push(s, held[i]);
    }
    free(held);
    if (s->base.ev.open != NULL)
        s->base.ev.open(s->base.ev.ctx, s->self);
}

static int
scan_now(struct sim *s, struct err *e)
{
    if (s->state != SIM_LINKING || sim_now(s) >= s->qr_expires)
        return err_set(e, RC_INVAL, "no hay un código QR vigente para escanear");
    s->state = SIM_PAIRING;
    push_simple(s, sim_now(s) + latency(s), EV_PAIRED, 0);
    return RC_OK;
}

static void
paired(struct sim *s)
{
    s->linked = true;
    if (s->cfg.restart_after_pair)
        close_now(s, TRANSPORT_CLOSE_RESTART, "vinculado: WhatsApp pide reiniciar la conexión");
    else
        open_now(s);
}

static void
qr_expired(struct sim *s, unsigned k)
{
    if (s->state != SIM_LINKING || s->qr_index != k || s->code_wanted)
        return; /* scanned, replaced, or a code took over */
    if (k + 1 < s->cfg.qr_refs)
        show_qr(s, k + 1);
    else
        close_now(s, TRANSPORT_CLOSE_TIMED_OUT, "se agotaron los códigos QR sin escanear");
}

/* ---- emitting events ---------------------------------------------------------- */

static void
emit_server_side(struct sim *s, struct sim_ev *ev, bool *keep)
{
    if (s->state != SIM_OPEN) {
        defer(s, *ev);
        *keep = true;
        return;
    }
    if (ev->kind == EV_RECEIPT && s->base.ev.receipt != NULL)
        s->base.ev.receipt(s->base.ev.ctx, ev->id, (enum transport_receipt)ev->code, ev->due);
    if (ev->kind == EV_INCOMING && s->base.ev.incoming != NULL)
        s->base.ev.incoming(s->base.ev.ctx, ev->peer, ev->id, ev->text, ev->due);
}

static void
emit_numbers(struct sim *s, const struct sim_ev *ev)
{
    struct transport_number *nums;

    if (s->base.ev.numbers == NULL)
        return;
    nums = xcalloc(ev->n, sizeof *nums);
    for (size_t i = 0; i < ev->n; i++) {
        nums[i].number = ev->numbers[i];
        nums[i].on_whatsapp = ev->answers[i];
    }
    s->base.ev.numbers(s->base.ev.ctx, ev->request_id, nums, ev->n);
    free(nums);
}

/* Handles one due event. Sets *keep when the event was moved to the deferred list. */
static void
process(struct sim *s, struct sim_ev *ev, bool *keep)
{
    bool current = ev->epoch == s->epoch;

    *keep = false;
    switch (ev->kind) {
    case EV_RECEIPT:
    case EV_INCOMING:
        emit_server_side(s, ev, keep);
        return;
    case EV_CLOSE:
        if (s->base.ev.close != NULL)
            s->base.ev.close(s->base.ev.ctx, ev->code, "desconexión solicitada");
        return;
    case EV_QR:
    case EV_QR_EXPIRE:
    case EV_CODE:
    case EV_CODE_EXPIRE:
    case EV_SCAN:
    case EV_PAIRED:
    case EV_OPEN:
    case EV_DROP:
    case EV_ACK:
    case EV_NUMBERS:
        break;
    }
    if (!current)
        return; /* the connection it belonged to is gone */
    switch (ev->kind) {
    case EV_QR:
        if (s->code_wanted)
            show_code(s);
        else
            show_qr(s, 0);
        break;
    case EV_QR_EXPIRE:
        qr_expired(s, (unsigned)ev->code);
        break;
    case EV_CODE:
        if (s->state == SIM_LINKING && !s->code_shown)
            show_code(s);
        break;
    case EV_CODE_EXPIRE:
        if (s->state == SIM_LINKING && s->code_shown)
            close_now(s, TRANSPORT_CLOSE_TIMED_OUT, "el código de vinculación venció");
        break;
    case EV_SCAN:
        (void)scan_now(s, NULL);
        break;
    case EV_PAIRED:
        if (s->state == SIM_PAIRING)
            paired(s);
        break;
    case EV_OPEN:
        if (s->state == SIM_CONNECTING)
            open_now(s);
        break;
    case EV_DROP:
        if (s->state != SIM_CLOSED)
            close_now(s, ev->code, transport_close_name(ev->code));
        break;
    case EV_ACK:
        if (s->base.ev.ack != NULL)
            s->base.ev.ack(s->base.ev.ctx, ev->id, ev->code, ev->due);
        break;
    case EV_NUMBERS:
        emit_numbers(s, ev);
        break;
    case EV_RECEIPT:
    case EV_INCOMING:
    case EV_CLOSE:
        break;
    }
}

bool
transport_sim_next_deadline(const struct transport *t, int64_t *deadline_ms)
{
    const struct sim *s;

    if (t->ops != &sim_ops)
        return false; /* another transport runs on its own timers */
    s = sim_of_const(t);
    if (s->nheap == 0)
        return false;
    *deadline_ms = s->heap[0].due;
    return true;
}

size_t
transport_sim_advance(struct transport *t, int64_t now)
{
    struct sim *s;
    size_t emitted = 0;
    bool outer;

    if (t->ops != &sim_ops)
        return 0;
    s = sim_of(t);
    outer = !s->advancing;

    s->advancing = true;
    while (s->nheap > 0 && s->heap[0].due <= now) {
        struct sim_ev ev = heap_pop(s);
        bool keep;

        s->cur = ev.due;
        process(s, &ev, &keep);
        if (!keep)
            ev_free(&ev);
        emitted++;
    }
    if (outer)
        s->advancing = false;
    return emitted;
}

/* ---- the vtable ------------------------------------------------------------------ */

static int
sim_connect(struct transport *t, struct err *e)
{
    struct sim *s = sim_of(t);

    if (s->state != SIM_CLOSED)
        return err_set(e, RC_INVAL, "la conexión ya está abierta o en curso");
    s->epoch++;
    s->state = SIM_CONNECTING;
    s->code_wanted = s->code_shown = false;
    push_simple(s, sim_now(s) + latency(s), s->linked ? EV_OPEN : EV_QR, 0);
    return RC_OK;
}

static void
sim_disconnect(struct transport *t)
{
    struct sim *s = sim_of(t);

    if (s->state == SIM_CLOSED)
        return;
    s->state = SIM_CLOSED;
    s->epoch++;
    push_simple(s, sim_now(s), EV_CLOSE, TRANSPORT_CLOSE_LOCAL);
}

static int
sim_link_code(struct transport *t, const char *phone, struct err *e)
{
    struct sim *s = sim_of(t);

    (void)phone; /* the simulated phone is whichever one scans */
    if (s->state == SIM_CLOSED)
        return err_set(e, RC_CLOSED, "sin conexión con WhatsApp: conecte antes de pedir el código");
    if (s->linked || s->state == SIM_OPEN || s->state == SIM_PAIRING)
        return err_set(e, RC_REFUSED, "la cuenta ya está vinculada");
    if (s->code_wanted)
        return err_set(e, RC_REFUSED, "ya se pidió un código de vinculación en esta conexión");
    s->code_wanted = true;
    if (s->state == SIM_LINKING) /* a QR is up: the code replaces it now */
        push_simple(s, sim_now(s), EV_CODE, 0);
    return RC_OK; /* still connecting: the code comes instead of the first QR */
}

/* Per send: whether (and with which code) the link breaks, from the close_ppm table. */
static int
draw_drop(struct sim *s)
{
    uint32_t total = 0;
    uint64_t r;

    for (size_t i = 0; i < SIM_NCLOSE; i++)
        total += s->cfg.close_ppm[i];
    if (total == 0)
        return -1;
    r = rng_below(&s->rng, RNG_PPM_ONE);
    for (size_t i = 0; i < SIM_NCLOSE; i++) {
        if (r < s->cfg.close_ppm[i])
            return sim_close_codes[i];
        r -= s->cfg.close_ppm[i];
    }
    return -1;
}

/* Schedules delivery, read and maybe a reply for a message the server accepted. */
static void
schedule_receipts(struct sim *s, const char *to, const char *msg_id, int64_t acked)
{
    struct sim_ev ev = { .kind = EV_RECEIPT, .epoch = s->epoch };
    int64_t at = acked + rng_range(&s->rng, s->cfg.deliver_min_ms, s->cfg.deliver_max_ms);

    ev.due = at;
    ev.code = TRANSPORT_RECEIPT_DELIVERED;
    ev.id = xstrdup(msg_id);
    heap_push(s, ev);
    if (!rng_chance(&s->rng, s->cfg.read_ppm))
        return;
    at += rng_range(&s->rng, s->cfg.read_min_ms, s->cfg.read_max_ms);
    ev.due = at;
    ev.code = TRANSPORT_RECEIPT_READ;
    ev.id = xstrdup(msg_id);
    heap_push(s, ev);
    if (!rng_chance(&s->rng, s->cfg.reply_ppm))
        return;
    if (rng_chance(&s->rng, s->cfg.optout_reply_ppm))
        ev.text = xstrdup(sim_optout_replies[rng_below(&s->rng, sizeof sim_optout_replies /
                                                                    sizeof sim_optout_replies[0])]);
    else
        ev.text =
            xstrdup(sim_replies[rng_below(&s->rng, sizeof sim_replies / sizeof sim_replies[0])]);
    ev.kind = EV_INCOMING;
    ev.due = at + rng_range(&s->rng, s->cfg.reply_min_ms, s->cfg.reply_max_ms);
    ev.code = 0;
    ev.peer = xstrdup(to);
    ev.id = xasprintf("SIMIN%08llu", (unsigned long long)++s->incoming_seq);
    heap_push(s, ev);
}

static int
sim_send_text(struct transport *t, const char *to, const char *msg_id, const char *text,
              struct err *e)
{
    struct sim *s = sim_of(t);
    struct sim_ev ack = { .kind = EV_ACK, .epoch = s->epoch };
    int64_t now = sim_now(s), lat;
    int drop;

    (void)text;
    if (s->state != SIM_OPEN)
        return err_set(e, RC_CLOSED, "sin conexión con WhatsApp: no se envió %s", msg_id);
    lat = latency(s);
    ack.due = now + lat;
    ack.code = rng_chance(&s->rng, s->cfg.send_fail_ppm) ? SIM_SEND_REFUSED : 0;
    ack.id = xstrdup(msg_id);
    heap_push(s, ack);
    if (ack.code == 0 && transport_sim_on_whatsapp(&s->cfg, to))
        schedule_receipts(s, to, msg_id, now + lat);
    /* A drop halfway through the round trip: the ack is lost with the connection, as
     * on the real network, while the server still delivers what it got. */
    drop = draw_drop(s);
    if (drop >= 0)
        push_simple(s, now + lat / 2, EV_DROP, drop);
    return RC_OK;
}

static int
sim_presence(struct transport *t, const char *to, enum transport_presence p, struct err *e)
{
    struct sim *s = sim_of(t);

    (void)to;
    if (s->state != SIM_OPEN)
        return err_set(e, RC_CLOSED, "sin conexión con WhatsApp");
    if (rng_chance(&s->rng, s->cfg.presence_fail_ppm))
        return err_set(e, RC_NET, "no se pudo indicar «%s» (falla simulada)",
                       transport_presence_name(p));
    return RC_OK;
}

static int
sim_check_numbers(struct transport *t, uint64_t request_id, const char *const *numbers, size_t n,
                  struct err *e)
{
    struct sim *s = sim_of(t);
    struct sim_ev ev = { .kind = EV_NUMBERS, .epoch = s->epoch, .request_id = request_id };

    if (s->state != SIM_OPEN)
        return err_set(e, RC_CLOSED, "sin conexión con WhatsApp");
    ev.due = sim_now(s) + latency(s);
    ev.n = n;
    ev.numbers = xcalloc(n, sizeof *ev.numbers);
    ev.answers = xcalloc(n, sizeof *ev.answers);
    for (size_t i = 0; i < n; i++) {
        ev.numbers[i] = xstrdup(numbers[i]);
        ev.answers[i] = transport_sim_on_whatsapp(&s->cfg, numbers[i]) ? 1 : 0;
    }
    heap_push(s, ev);
    return RC_OK;
}

static void
sim_free(struct transport *t)
{
    struct sim *s = sim_of(t);

    for (size_t i = 0; i < s->nheap; i++)
        ev_free(&s->heap[i]);
    for (size_t i = 0; i < s->ndeferred; i++)
        ev_free(&s->deferred[i]);
    free(s->heap);
    free(s->deferred);
    free(s->self);
    free(s);
}

static const struct transport_ops sim_ops = {
    .name = "sim",
    .connect = sim_connect,
    .disconnect = sim_disconnect,
    .link_code = sim_link_code,
    .send_text = sim_send_text,
    .presence = sim_presence,
    .check_numbers = sim_check_numbers,
    .free = sim_free,
};

/* ---- public -------------------------------------------------------------------- */

void
sim_config_default(struct sim_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->seed = 1;
    cfg->autoscan_after_ms = 3000;
    cfg->qr_first_ms = 60000;
    cfg->qr_next_ms = 20000;
    cfg->qr_refs = 6;
    cfg->code_ms = 180000;
    cfg->latency_min_ms = 80;
    cfg->latency_max_ms = 400;
    cfg->deliver_min_ms = 1000;
    cfg->deliver_max_ms = 20000;
    cfg->read_min_ms = 30000;
    cfg->read_max_ms = INT64_C(30) * 60000;
    cfg->reply_min_ms = 20000;
    cfg->reply_max_ms = INT64_C(10) * 60000;
    cfg->read_ppm = 600000;
    cfg->reply_ppm = 150000;
    cfg->optout_reply_ppm = 100000;
}

static int
check_range(const char *what, int64_t lo, int64_t hi, struct err *e)
{
    if (lo < 0 || lo > hi)
        return err_set(e, RC_INVAL, "simulador: rango de %s inválido (%lld a %lld ms)", what,
                       (long long)lo, (long long)hi);
    return RC_OK;
}

static int
sim_config_check(const struct sim_config *c, struct err *e)
{
    uint64_t total = 0;
    int rc;

    if ((rc = check_range("latencia", c->latency_min_ms, c->latency_max_ms, e)) != RC_OK ||
        (rc = check_range("entrega", c->deliver_min_ms, c->deliver_max_ms, e)) != RC_OK ||
        (rc = check_range("lectura", c->read_min_ms, c->read_max_ms, e)) != RC_OK ||
        (rc = check_range("respuesta", c->reply_min_ms, c->reply_max_ms, e)) != RC_OK)
        return rc;
    if (c->qr_refs == 0 || c->qr_first_ms <= 0 || c->qr_next_ms <= 0 || c->autoscan_after_ms < 0 ||
        c->code_ms <= 0)
        return err_set(e, RC_INVAL, "simulador: configuración de códigos QR inválida");
    for (size_t i = 0; i < SIM_NCLOSE; i++)
        total += c->close_ppm[i];
    if (total > RNG_PPM_ONE)
        return err_set(e, RC_INVAL,
                       "simulador: las probabilidades de desconexión suman más de 100 %%");
    return RC_OK;
}

struct transport *
transport_sim_new(const struct sim_config *cfg, const struct transport_clock *clock,
                  const struct transport_events *ev, struct err *e)
{
    struct sim *s;

    assert(cfg != NULL && clock != NULL && clock->now_ms != NULL);
    if (sim_config_check(cfg, e) != RC_OK)
        return NULL;
    s = xcalloc(1, sizeof *s);
    s->base.ops = &sim_ops;
    s->base.clock = *clock;
    if (ev != NULL)
        s->base.ev = *ev;
    s->cfg = *cfg;
    s->self = xstrdup(cfg->self != NULL ? cfg->self : "5215500000000@s.whatsapp.net");
    s->cfg.self = s->self;
    s->linked = cfg->linked;
    s->state = SIM_CLOSED;
    rng_seed(&s->rng, cfg->seed);
    for (size_t i = 0; i < 3; i++)
        random_b64(&s->rng, s->qr_keys[i], 44);
    return &s->base;
}

int
transport_sim_scan(struct transport *t, struct err *e)
{
    return scan_now(sim_of(t), e);
}

void
transport_sim_drop(struct transport *t, int code)
{
    struct sim *s = sim_of(t);

    if (s->state == SIM_CLOSED)
        return;
    push_simple(s, sim_now(s), EV_DROP, code);
}

void
transport_sim_incoming(struct transport *t, const char *from, const char *text)
{
    struct sim *s = sim_of(t);
    struct sim_ev ev = { .kind = EV_INCOMING, .epoch = s->epoch };

    ev.due = sim_now(s) + latency(s);
    ev.peer = xstrdup(from);
    ev.text = xstrdup(text);
    ev.id = xasprintf("SIMIN%08llu", (unsigned long long)++s->incoming_seq);
    heap_push(s, ev);
}

bool
transport_sim_on_whatsapp(const struct sim_config *cfg, const char *number)
{
    uint64_t h;

    if (*number == '+')
        number++;
    h = rng_hash(number, strlen(number), cfg->seed ^ UINT64_C(0x6e756d65726f73));
    return h % RNG_PPM_ONE >= cfg->not_on_whatsapp_ppm;
}

bool
transport_sim_linked(const struct transport *t)
{
    return sim_of_const(t)->linked;
}
