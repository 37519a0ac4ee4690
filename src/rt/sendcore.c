/*
 * DESIGN — one account's sending loop as a state machine over a fake-able clock.
 *
 * Phases: CONNECTING (transport_connect called) → READY (waiting for the claim deadline:
 * the pacing gap after the previous campaign send) → TYPING (a message claimed, "escribiendo…"
 * shown for a time proportional to its text) → ACK (sent, waiting for the server) →
 * READY… When a claim hands out nothing the loop is IDLE until api.envio_proximo's time,
 * a notification about this account, sendcore_wake() or idle_recheck_ms. DOWN waits for
 * the reconnect policy's delay; STOPPED is final.
 *
 * Pause needs no per-message check: the claim itself returns nothing for a paused campaign,
 * and a message is claimed only when its typing starts, so a pause lets at most the message
 * already claimed (at most typing_ms, ≤ 4 s, earlier) go out. The gap runs from one send to
 * the next claim; typing follows the claim, so sends are gap + typing apart.
 *
 * Replies (campana_id NULL, docs/wa-responder.md): the claim hands out the account's pending
 * replies before any campaign message, at any hour and past the cap, so IDLE's claim on a wake
 * takes them. READY's gap does not hold one either: a notification about the account (or
 * sendcore_wake) while READY waits a gap makes a replies-only claim now (REPLIES), and the loop
 * returns to READY with the gap's deadline whether or not it found one. A wake while a message
 * is in hand (or while reconnecting) is remembered for the next gap, and after a reply the
 * loop looks once more (its claim may have swallowed the next one's notification). A reply
 * takes no pacing step and does not move last_send: after it the loop goes back to the
 * deadline it had (READY's gap, or at once when it came from IDLE or a due claim, so an idle
 * loop is idle again right after it). It has no per-recipient gap (the client is
 * mid-conversation; its send still counts in a later campaign message's) but has typing, its number
 * check and the same ack, uncertainty and recovery; its events carry campana_id 0. Notifications
 * that libpq read along with one of the loop's own results are handed to on_notify at the end of
 * every sendcore_run, since the socket will not turn readable for them.
 *
 * A close while a message waits for its ack makes it uncertain (api.mensajes_recuperar:
 * this loop holds the lock, so every ENVIANDO row of the account is its own); a message
 * claimed but not yet handed to the transport is kept and sent after the reconnect.
 *
 * Batches: the claim is one durable call per message (it must be on disk before the text
 * leaves); acks, receipts, positive number checks and the claims' NOTIFYs wait in `lote` for
 * at most LOTE_MS (or LOTE_MAX items) and go in one api.envio_lote call, also before idling,
 * before marking anything uncertain (so an ack already heard is not taken for a lost one)
 * and at stop. A crash loses the batch: its acked messages stay ENVIANDO and the next start
 * makes them uncertain (never re-sent); its receipts are lost. Until then a buffered ack's
 * message counts against the cap as in flight, so the cap stays exact.
 */
#include "rt/sendcore.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/optout.h"
#include "core/rng.h"
#include "core/transport.h"
#include "db/db.h"
#include "db/db_sender.h"
#include "db/db_wa.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

enum phase {
    PH_NEW,
    PH_CONNECTING,
    PH_READY,
    PH_REPLIES, /* inside a campaign's gap: a replies-only claim is due, then READY resume_at */
    PH_IDLE,
    PH_CHECKING,
    PH_TYPING,
    PH_ACK,
    PH_DOWN,
    PH_STOPPED
};

#define RECENT_N             64 /* recipients remembered for the per-recipient gap */
#define SENDCORE_IDLE_MIN_MS 1000
#define LOTE_MS              20  /* acks, receipts and numbers wait at most this long… */
#define LOTE_MAX             256 /* …or until this many are waiting */

struct recent {
    char tel[24];
    int64_t at;
};

struct sendcore {
    struct sendcore_config cfg;
    struct db *db;
    struct transport *t;
    struct pacing pacing;
    struct rng rng;
    enum phase phase;
    int64_t deadline; /* meaningful in READY, IDLE, TYPING, ACK, DOWN */
    bool has_deadline;
    bool locked, linking, ever_open, stopping;
    unsigned attempt;      /* reconnects since the last open */
    struct db_mensaje cur; /* the claimed message (TYPING, ACK); campana_id 0: a reply */
    bool has_cur;
    int64_t last_send, gap; /* the last campaign message's send and the gap after it */
    int64_t resume_at;      /* a reply: READY's deadline once it is done (the campaign's) */
    bool replies_due;       /* a wake came while busy: look for replies in the next gap */
    struct recent recent[RECENT_N];
    unsigned recent_next;
    struct sendcore_stats st;
    /* Heard from the network, not recorded yet (db_sender_lote): acks and receipts in
     * arrival order, numbers found on WhatsApp; lote_since = when the oldest arrived. */
    struct db_sender_item *lote;
    size_t nlote, caplote;
    struct db_sender_numero *nums;
    size_t nnums, capnums;
    int64_t lote_since;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static int64_t
now_of(const struct sendcore *sc)
{
    return sc->cfg.now_ms(sc->cfg.clock_ctx);
}

/* An event about message mid of campaign cid (0 = a reply, or unknown). */
static void
emit_in(struct sendcore *sc, enum sender_event_kind kind, int code, int64_t mid, int64_t cid,
        const char *text)
{
    struct sender_event ev = { .kind = kind, .cuenta = sc->cfg.cuenta, .code = code };

    ev.mensaje_id = mid;
    ev.campana_id = cid;
    ev.at_ms = now_of(sc);
    snprintf(ev.text, sizeof ev.text, "%s", text != NULL ? text : "");
    if (sc->cfg.event != NULL)
        sc->cfg.event(sc->cfg.event_ctx, &ev);
}

static void
emit(struct sendcore *sc, enum sender_event_kind kind, int code, int64_t mid, const char *text)
{
    emit_in(sc, kind, code, mid, sc->has_cur && sc->cur.id == mid ? sc->cur.campana_id : 0, text);
}

static void
set_deadline(struct sendcore *sc, enum phase ph, int64_t at)
{
    sc->phase = ph;
    sc->deadline = at;
    sc->has_deadline = true;
}

static void
set_waiting(struct sendcore *sc, enum phase ph)
{
    sc->phase = ph;
    sc->has_deadline = false;
}

/* A database failure: a lost connection ends the loop (its lock went with it); anything else
 * is reported and sending goes on. Returns true when the loop stopped. */
static bool
db_failed(struct sendcore *sc, const char *what, const struct err *e)
{
    char buf[256];

    snprintf(buf, sizeof buf, "%s: %.200s", what, e->msg);
    log_warn("envío cuenta %d: %s", sc->cfg.cuenta, buf);
    if (e->rc == RC_DB && strcmp(e->code, "08006") == 0) {
        sc->locked = false; /* the server released it with the session */
        sendcore_stop(sc, buf);
        return true;
    }
    emit(sc, SENDER_EV_ERROR, e->rc, 0, buf);
    return false;
}

void
sendcore_msg_id(int64_t id, char out[24])
{
    snprintf(out, 24, "3EB0%016" PRIX64, (uint64_t)id);
}

bool
sendcore_msg_id_parse(const char *s, int64_t *id)
{
    char *end;
    unsigned long long v;

    if (s == NULL || strncmp(s, "3EB0", 4) != 0 || strlen(s) != 20)
        return false;
    v = strtoull(s + 4, &end, 16);
    if (*end != '\0' || v == 0 || v > INT64_MAX)
        return false;
    *id = (int64_t)v;
    return true;
}

/* Digits the transport addresses: the checked JID's number, else the phone without '+'. */
static void
recipient_of(const struct db_mensaje *m, char *out, size_t len)
{
    const char *src = m->jid != NULL ? m->jid : m->telefono;
    size_t j = 0;

    for (const char *p = src; *p != '\0' && *p != '@' && *p != ':' && j + 1 < len; p++)
        if (*p >= '0' && *p <= '9')
            out[j++] = *p;
    out[j] = '\0';
}

static int64_t
recipient_last(const struct sendcore *sc, const char *tel)
{
    int64_t last = PACING_NEVER;

    for (size_t i = 0; i < RECENT_N; i++)
        if (sc->recent[i].tel[0] != '\0' && strcmp(sc->recent[i].tel, tel) == 0 &&
            sc->recent[i].at > last)
            last = sc->recent[i].at;
    return last;
}

static void
recipient_sent(struct sendcore *sc, const char *tel, int64_t at)
{
    struct recent *r = &sc->recent[sc->recent_next++ % RECENT_N];

    snprintf(r->tel, sizeof r->tel, "%s", tel);
    r->at = at;
}

static void
cur_drop(struct sendcore *sc)
{
    if (sc->has_cur)
        db_mensaje_fini(&sc->cur);
    sc->has_cur = false;
}

/* The message in hand answers a client (campana_id NULL): no campaign pacing for it. */
static bool
cur_is_reply(const struct sendcore *sc)
{
    return sc->has_cur && sc->cur.campana_id == 0;
}

/* ---- the batch of acks, receipts and numbers ---------------------------------------------- */

/* Records what is waiting in one statement and reports what changed. The batch is taken out
 * first: a failure drops it (the acked messages stay ENVIANDO and become uncertain at the
 * next recovery; receipts are lost), and nothing here can record it twice. */
static void
lote_flush(struct sendcore *sc)
{
    struct db_sender_item *items = sc->lote;
    struct db_sender_numero *nums = sc->nums;
    size_t n = sc->nlote, nn = sc->nnums;
    struct err e = { 0 };
    char buf[256];

    if (n == 0 && nn == 0)
        return;
    sc->lote = NULL;
    sc->nums = NULL;
    sc->nlote = sc->caplote = sc->nnums = sc->capnums = 0;
    if (db_sender_lote(sc->db, sc->cfg.cuenta, items, n, nums, nn, &e) != RC_OK) {
        db_failed(sc, "registrar acuses y recibos", &e);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const struct db_sender_item *it = &items[i];
        int64_t id = it->id;

        if (it->kind == DB_SENDER_ACK && it->cambio) {
            emit_in(sc, SENDER_EV_SENT, 0, id, it->tag, it->wa_id);
        } else if (it->kind == DB_SENDER_ACK && it->motivo[0] != '\0') {
            snprintf(buf, sizeof buf, "confirmar envío: %.200s", it->motivo);
            log_warn("envío cuenta %d: %s", sc->cfg.cuenta, buf);
            emit_in(sc, SENDER_EV_ERROR, RC_REFUSED, id, it->tag, buf);
        } else if (it->kind == DB_SENDER_RECIBO && it->cambio) {
            sc->st.receipts++;
            id = 0;
            (void)sendcore_msg_id_parse(it->wa_id, &id);
            emit_in(sc, SENDER_EV_RECEIPT, it->leido ? 1 : 0, id, 0, it->wa_id);
        }
    }
out:
    free(items);
    free(nums);
}

/* A new item was added: note when the batch started; a full batch goes at once. */
static void
lote_added(struct sendcore *sc)
{
    if (sc->nlote + sc->nnums == 1)
        sc->lote_since = now_of(sc);
    if (sc->nlote + sc->nnums >= LOTE_MAX)
        lote_flush(sc);
}

static struct db_sender_item *
lote_push(struct sendcore *sc, enum db_sender_item_kind kind, const char *wa_id, int64_t at_ms)
{
    struct db_sender_item *it;

    if (sc->nlote == sc->caplote) {
        sc->caplote = sc->caplote ? 2 * sc->caplote : 32;
        sc->lote = xrealloc(sc->lote, sc->caplote * sizeof *sc->lote);
    }
    it = &sc->lote[sc->nlote++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    snprintf(it->wa_id, sizeof it->wa_id, "%s", wa_id);
    it->at_ms = at_ms;
    return it;
}

static void
lote_numero(struct sendcore *sc, const char *telefono, const char *jid)
{
    struct db_sender_numero *nu;

    if (sc->nnums == sc->capnums) {
        sc->capnums = sc->capnums ? 2 * sc->capnums : 32;
        sc->nums = xrealloc(sc->nums, sc->capnums * sizeof *sc->nums);
    }
    nu = &sc->nums[sc->nnums++];
    snprintf(nu->telefono, sizeof nu->telefono, "%s", telefono);
    snprintf(nu->jid, sizeof nu->jid, "%s", jid);
    lote_added(sc);
}

/* ---- the send cycle ---------------------------------------------------------------------- */

/* Makes every ENVIANDO row of the account uncertain (the in-flight one lost its ack). Acks
 * already heard are recorded first: only the messages without one become uncertain. */
static void
mark_uncertain(struct sendcore *sc)
{
    struct err e = { 0 };
    int n = 0;
    int64_t mid = sc->has_cur ? sc->cur.id : 0;

    lote_flush(sc);
    if (sc->phase == PH_STOPPED || !sc->locked)
        return; /* the flush lost the connection */
    if (db_mensajes_recuperar(sc->db, sc->cfg.cuenta, &n, &e) != RC_OK) {
        db_failed(sc, "marcar en duda", &e);
        return;
    }
    sc->st.uncertain += (unsigned)n;
    if (n > 0)
        emit(sc, SENDER_EV_UNCERTAIN, 0, mid, "sin confirmación del servidor: en duda");
}

/* Inside a campaign's gap: a replies-only claim now, then READY at the gap's deadline. */
static void
replies_now(struct sendcore *sc, int64_t now)
{
    sc->resume_at = sc->deadline;
    set_deadline(sc, PH_REPLIES, now);
}

/* READY until at, the next full claim. A gap still to wait does not hold a reply asked for
 * while the loop was busy (replies_due): it is looked for now. A claim already due takes the
 * replies first anyway. */
static void
wait_ready(struct sendcore *sc, int64_t at, int64_t now)
{
    set_deadline(sc, PH_READY, at);
    if (at > now && sc->replies_due) {
        sc->replies_due = false;
        replies_now(sc, now);
    }
}

/* After a campaign message (or at the start): the next claim waits the pacing gap. */
static void
schedule_next(struct sendcore *sc, int64_t now)
{
    struct pacing_step step;
    char why[PACING_WHY_BYTES];

    pacing_next(&sc->pacing, 0, 0, &step);
    sc->gap = step.wait_ms + step.typing_ms;
    if (step.rest)
        emit(sc, SENDER_EV_REST, (int)step.burst, 0, pacing_step_explain(&step, why, sizeof why));
    wait_ready(sc, sc->last_send + sc->gap > now ? sc->last_send + sc->gap : now, now);
}

/*
 * The message in hand is done: acked, refused, uncertain or not on WhatsApp. After a campaign
 * message the pacing decides the next claim (schedule_next; at once when paced is false:
 * nothing went out). After a reply the loop goes back to the deadline it had before it: a
 * reply takes no pacing step and the campaign's gap keeps running from the campaign's last
 * send. Another reply may be waiting (its notification went with this one's claim): with a gap
 * left it is looked for at once; without one the full claim comes at once anyway.
 */
static void
cur_done(struct sendcore *sc, int64_t now, bool paced)
{
    bool reply = cur_is_reply(sc);

    cur_drop(sc);
    if (reply) {
        sc->replies_due = true;
        wait_ready(sc, sc->resume_at, now);
    } else if (paced) {
        schedule_next(sc, now);
    } else {
        set_deadline(sc, PH_READY, now);
    }
}

/* Nothing to claim: sleep until the database says, a notification, or the re-check. */
static void
go_idle(struct sendcore *sc, int64_t now)
{
    struct err e = { 0 };
    int64_t wait = -1;

    lote_flush(sc); /* nothing else to do: the panes get the counts now */
    if (sc->phase == PH_STOPPED)
        return;
    if (db_sender_proximo(sc->db, sc->cfg.cuenta, &wait, &e) != RC_OK &&
        db_failed(sc, "próximo envío", &e))
        return;
    if (wait < 0 || wait > sc->cfg.idle_recheck_ms)
        wait = sc->cfg.idle_recheck_ms;
    else if (wait < SENDCORE_IDLE_MIN_MS)
        wait = SENDCORE_IDLE_MIN_MS; /* due yet refused (a row locked elsewhere): no spinning */
    if (!sc->st.idle)
        emit(sc, SENDER_EV_IDLE, 0, 0, "nada que enviar por ahora");
    sc->st.idle = true;
    set_deadline(sc, PH_IDLE, now + wait);
}

/* The claimed message's typing: presence (failures ignored), then the send. */
static void
start_typing(struct sendcore *sc, int64_t now)
{
    struct err e = { 0 };
    char tel[24];
    int64_t typing, rwait;

    recipient_of(&sc->cur, tel, sizeof tel);
    typing = pacing_typing_ms(&sc->pacing.cfg, pacing_text_chars(sc->cur.texto));
    /* A reply's client is mid-conversation: no per-recipient gap, but a person types. */
    rwait =
        cur_is_reply(sc) ? 0 : pacing_recipient_wait(&sc->pacing.cfg, now, recipient_last(sc, tel));
    if (transport_presence(sc->t, tel, TRANSPORT_PRESENCE_COMPOSING, &e) != RC_OK) {
        sc->st.presence_failures++; /* cosmetic: logged, never waited on */
        log_info("envío cuenta %d: escribiendo… falló: %s", sc->cfg.cuenta, e.msg);
    }
    set_deadline(sc, PH_TYPING, now + (typing > rwait ? typing : rwait));
}

/* Asks the network whether the claimed message's number has WhatsApp (answer: on_numbers;
 * no answer in ack_timeout_ms, a refused check or a network that cannot check: send anyway,
 * as before the cache). */
static void
check_number(struct sendcore *sc, int64_t now)
{
    struct err e = { 0 };
    char tel[24];
    const char *nums[1] = { tel };

    recipient_of(&sc->cur, tel, sizeof tel);
    if (!transport_can_check(sc->t) ||
        transport_check_numbers(sc->t, (uint64_t)sc->cur.id, nums, 1, &e) != RC_OK) {
        start_typing(sc, now);
        return;
    }
    set_deadline(sc, PH_CHECKING, now + sc->cfg.ack_timeout_ms);
}

/* Before a claim: the notifications queued in libpq (our own statements', and others' about
 * rows this claim sees anyway) are freed, nothing to wake; the claim answers a pending wake. */
static void
claim_prepare(struct sendcore *sc)
{
    struct err e = { 0 };

    if (db_sender_notifications(sc->db, false, NULL, NULL, &e) != RC_OK)
        err_clear(&e);
    sc->replies_due = false;
}

/* A message is in cur: announce it, then check its number or start typing. */
static void
claimed(struct sendcore *sc, int64_t now)
{
    sc->has_cur = true;
    sc->st.idle = false;
    sc->st.claimed++;
    if (sc->cur.campana_id == 0)
        sc->st.replies++;
    lote_push(sc, DB_SENDER_RECLAMADO, "", 0)->id = sc->cur.id; /* the panes' NOTIFY */
    lote_added(sc);
    if (sc->phase == PH_STOPPED)
        return;
    if (sc->cur.jid == NULL) { /* never checked: is it on WhatsApp at all? */
        check_number(sc, now);
        return;
    }
    start_typing(sc, now);
}

/* The full claim (READY's deadline passed, or IDLE): the account's replies first, then the
 * campaigns' messages (api.mensaje_reclamar). */
static void
claim(struct sendcore *sc, int64_t now)
{
    struct err e = { 0 };
    bool found = false;

    claim_prepare(sc);
    if (db_sender_reclamar(sc->db, sc->cfg.cuenta, false, &sc->cur, &found, &e) != RC_OK) {
        if (!db_failed(sc, "reclamar", &e))
            go_idle(sc, now);
        return;
    }
    if (!found) {
        go_idle(sc, now);
        return;
    }
    sc->resume_at = now; /* a reply: no gap was left (or the loop was idle); claim again after it */
    claimed(sc, now);
}

/* Inside a campaign's gap (REPLIES): only a reply may be claimed; none, and the loop waits the
 * rest of the gap. */
static void
claim_replies(struct sendcore *sc, int64_t now)
{
    struct err e = { 0 };
    bool found = false;

    claim_prepare(sc);
    if (db_sender_reclamar(sc->db, sc->cfg.cuenta, true, &sc->cur, &found, &e) != RC_OK) {
        if (!db_failed(sc, "reclamar respuestas", &e))
            set_deadline(sc, PH_READY, sc->resume_at);
        return;
    }
    if (!found) {
        set_deadline(sc, PH_READY, sc->resume_at);
        return;
    }
    claimed(sc, now);
}

static void
send_current(struct sendcore *sc, int64_t now)
{
    struct err e = { 0 };
    char tel[24], id[24];
    bool cambio;
    int rc;

    recipient_of(&sc->cur, tel, sizeof tel);
    sendcore_msg_id(sc->cur.id, id);
    rc = transport_send_text(sc->t, tel, id, sc->cur.texto, &e);
    if (rc == RC_CLOSED) {
        set_waiting(sc, PH_TYPING); /* sent after the reconnect */
        return;
    }
    if (rc != RC_OK) {
        sc->st.failed++;
        if (db_mensaje_fallido(sc->db, sc->cur.id, "DESTINO_INVALIDO", &cambio, &e) != RC_OK &&
            db_failed(sc, "marcar fallido", &e))
            return;
        emit(sc, SENDER_EV_FAILED, 0, sc->cur.id, "DESTINO_INVALIDO");
        cur_done(sc, now, true);
        return;
    }
    sc->st.sent++;
    if (!cur_is_reply(sc)) /* a reply leaves the campaign's gap alone */
        sc->last_send = now;
    recipient_sent(sc, tel, now);
    if (sc->phase == PH_TYPING) /* the send's own callbacks may have moved on already */
        set_deadline(sc, PH_ACK, now + sc->cfg.ack_timeout_ms);
}

/* ---- transport events ---------------------------------------------------------------------- */

static void
on_ack(void *ctx, const char *msg_id, int error, int64_t at_ms)
{
    struct sendcore *sc = ctx;
    struct err e = { 0 };
    int64_t id;
    bool cambio = false, mine;
    char code[16];

    if (!sendcore_msg_id_parse(msg_id, &id))
        return;
    mine = sc->has_cur && sc->cur.id == id && sc->phase == PH_ACK;
    if (error == 0) { /* recorded with the next batch; SENDER_EV_SENT then */
        struct db_sender_item *it = lote_push(sc, DB_SENDER_ACK, msg_id, at_ms);

        it->id = id;
        it->tag = mine ? sc->cur.campana_id : 0;
        sc->st.acked++;
        lote_added(sc);
        if (sc->phase == PH_STOPPED)
            return;
    } else {
        snprintf(code, sizeof code, "%d", error);
        if (db_mensaje_fallido(sc->db, id, code, &cambio, &e) != RC_OK) {
            if (db_failed(sc, "marcar fallido", &e))
                return;
        } else {
            sc->st.failed++;
            if (cambio)
                emit(sc, SENDER_EV_FAILED, error, id, code);
        }
    }
    if (mine)
        cur_done(sc, now_of(sc), true);
}

static void
on_receipt(void *ctx, const char *msg_id, enum transport_receipt kind, int64_t at_ms)
{
    struct sendcore *sc = ctx;

    /* Recorded with the next batch; a duplicated, late or foreign one changes nothing. */
    lote_push(sc, DB_SENDER_RECIBO, msg_id, at_ms)->leido = kind == TRANSPORT_RECEIPT_READ;
    lote_added(sc);
}

static void
on_incoming(void *ctx, const char *from, const char *msg_id, const char *text, int64_t at_ms)
{
    struct sendcore *sc = ctx;
    struct err e = { 0 };
    struct db_entrante out;
    const char *rule = NULL;
    bool baja = optout_detect(text, &rule);

    (void)msg_id;
    (void)at_ms;
    if (db_wa_entrante(sc->db, sc->cfg.cuenta, from, text, baja, rule, &out, &e) != RC_OK) {
        db_failed(sc, "registrar mensaje entrante", &e);
        return;
    }
    sc->st.incoming++;
    if (baja)
        sc->st.optouts++;
    emit(sc, SENDER_EV_INCOMING, baja ? 1 : 0, out.mensaje_id, rule);
}

/* The answer to check_number: cache it; without WhatsApp the message fails (it was
 * claimed: only PENDIENTE rows can be skipped) and the next claim follows at once. */
static void
on_numbers(void *ctx, uint64_t request_id, const struct transport_number *nums, size_t n)
{
    struct sendcore *sc = ctx;
    struct err e = { 0 };
    char jid[48];
    int omitidos = 0;
    bool on, cambio = false;

    if (sc->phase != PH_CHECKING || !sc->has_cur || request_id != (uint64_t)sc->cur.id || n != 1)
        return;
    on = nums[0].on_whatsapp == 1;
    /* The JID the server gave is the one to send to (Mexican mobiles: 52 or 521). */
    if (nums[0].jid != NULL)
        snprintf(jid, sizeof jid, "%s", nums[0].jid);
    else
        snprintf(jid, sizeof jid, "%s@s.whatsapp.net", nums[0].number);
    if (on) { /* cached with the next batch: the send needs only the jid */
        lote_numero(sc, sc->cur.telefono, jid);
        if (sc->phase != PH_CHECKING)
            return; /* a full batch failed and stopped the loop */
        free(sc->cur.jid);
        sc->cur.jid = xstrdup(jid);
        start_typing(sc, now_of(sc));
        return;
    }
    if (db_wa_numero_guardar(sc->db, sc->cur.telefono, false, NULL, &omitidos, &e) != RC_OK &&
        db_failed(sc, "guardar verificación", &e))
        return;
    sc->st.failed++;
    if (db_mensaje_fallido(sc->db, sc->cur.id, "SIN_WHATSAPP", &cambio, &e) != RC_OK &&
        db_failed(sc, "marcar fallido", &e))
        return;
    emit(sc, SENDER_EV_FAILED, 0, sc->cur.id, "SIN_WHATSAPP");
    cur_done(sc, now_of(sc), false); /* nothing went out: no gap */
}

static void
on_qr(void *ctx, const char *qr, int64_t expires_at_ms)
{
    struct sendcore *sc = ctx;
    struct sender_event ev = { .kind = SENDER_EV_QR, .cuenta = sc->cfg.cuenta };

    sc->linking = true;
    ev.at_ms = expires_at_ms;
    snprintf(ev.text, sizeof ev.text, "%s", qr);
    if (sc->cfg.event != NULL)
        sc->cfg.event(sc->cfg.event_ctx, &ev);
}

static void
on_open(void *ctx, const char *self)
{
    struct sendcore *sc = ctx;
    struct err e = { 0 };
    int64_t now = now_of(sc);

    sc->attempt = 0;
    sc->linking = false;
    sc->st.connects++;
    if (db_sender_estado(sc->db, sc->cfg.cuenta, "CONECTADA", NULL, &e) != RC_OK &&
        db_failed(sc, "registrar conexión", &e))
        return;
    emit(sc, SENDER_EV_OPEN, 0, 0, self);
    if (sc->has_cur && sc->cur.jid == NULL) { /* its number check was lost with the drop */
        check_number(sc, now);
        return;
    }
    if (sc->has_cur) { /* claimed before the drop, never handed over: send it now */
        set_deadline(sc, PH_TYPING, now);
        return;
    }
    if (!sc->ever_open)
        schedule_next(sc, now); /* the first step has no gap */
    else
        wait_ready(sc, sc->last_send + sc->gap > now ? sc->last_send + sc->gap : now, now);
    sc->ever_open = true;
}

/* The account state a close leaves behind. */
static const char *
close_state(int code, enum reconnect_action a)
{
    if (a == RECONNECT_RELINK)
        return "REQUIERE_VINCULO";
    if (a == RECONNECT_ASK && code == TRANSPORT_CLOSE_FORBIDDEN)
        return "BLOQUEADA";
    return "DESCONECTADA";
}

static void finish(struct sendcore *sc, int rc, const char *why, bool leave_state);

static void
on_close(void *ctx, int code, const char *reason)
{
    struct sendcore *sc = ctx;
    struct reconnect_decision d;
    struct err e = { 0 };
    int64_t now = now_of(sc);

    (void)reason;
    if (sc->stopping || sc->phase == PH_STOPPED)
        return;
    if (sc->phase == PH_REPLIES) /* looked for once connected again */
        sc->replies_due = true;
    if (sc->phase == PH_ACK) { /* its ack will never come: the user decides */
        mark_uncertain(sc);
        cur_drop(sc);
    }
    reconnect_decide(code, sc->linking, sc->attempt, &sc->rng, &d);
    sc->st.last_action = d.action;
    if (db_sender_estado(sc->db, sc->cfg.cuenta, close_state(code, d.action), d.why, &e) != RC_OK &&
        db_failed(sc, "registrar desconexión", &e))
        return;
    emit(sc, SENDER_EV_DOWN, code, 0, d.why);
    switch (d.action) {
    case RECONNECT_NOW:
    case RECONNECT_BACKOFF:
        sc->attempt++;
        set_deadline(sc, PH_DOWN, now + d.delay_ms);
        break;
    case RECONNECT_RELINK:
    case RECONNECT_ASK:
    case RECONNECT_NONE:
        finish(sc, RC_CLOSED, d.why, true);
        break;
    }
}

static void
reconnect(struct sendcore *sc)
{
    struct err e = { 0 };

    set_waiting(sc, PH_CONNECTING);
    if (transport_connect(sc->t, &e) != RC_OK)
        finish(sc, e.rc, e.msg, false);
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

void
sendcore_config_default(struct sendcore_config *c)
{
    memset(c, 0, sizeof *c);
    pacing_config_preset(&c->pacing, PACING_PRESET_NORMAL);
    sim_config_default(&c->sim);
    c->ack_timeout_ms = 60000;
    c->idle_recheck_ms = 60000;
}

struct sendcore *
sendcore_new(struct db *db, const struct sendcore_config *c, struct err *e)
{
    struct sendcore *sc;

    assert(db != NULL && c != NULL && c->now_ms != NULL);
    if (pacing_config_check(&c->pacing, e) != RC_OK)
        return NULL;
    sc = xcalloc(1, sizeof *sc);
    sc->cfg = *c;
    sc->db = db;
    pacing_init(&sc->pacing, &c->pacing, c->seed);
    rng_seed(&sc->rng, rng_mix(c->seed, (uint64_t)c->cuenta));
    sc->phase = PH_NEW;
    return sc;
}

/* Creates the transport for the account: the configured factory's, or sim (paired when the
 * account is linked). */
static int
transport_make(struct sendcore *sc, const struct db_sender_cuenta *cu, struct err *e)
{
    struct sim_config sim = sc->cfg.sim;
    struct transport_clock clock = { .now_ms = sc->cfg.now_ms, .ctx = sc->cfg.clock_ctx };
    struct transport_events ev = { .ctx = sc,
                                   .qr = on_qr,
                                   .open = on_open,
                                   .close = on_close,
                                   .ack = on_ack,
                                   .receipt = on_receipt,
                                   .incoming = on_incoming,
                                   .numbers = on_numbers };
    struct sendcore_transport_req req = { .db = sc->db, .cuenta = sc->cfg.cuenta,
                                          .clock = &clock, .ev = &ev };

    sim.linked = cu->vinculada;
    sim.self = cu->jid[0] != '\0' ? cu->jid : NULL;
    if (sc->cfg.transport != NULL)
        sc->t = sc->cfg.transport(sc->cfg.transport_ctx, &req, e);
    else
        sc->t = transport_sim_new(&sim, &clock, &ev, e);
    return sc->t != NULL ? RC_OK : e->rc;
}

/* Lock, LISTEN, recovery, account check. */
static int
start_db(struct sendcore *sc, struct db_sender_cuenta *cu, int *recovered, struct err *e)
{
    bool got = false;
    int rc;

    if ((rc = db_sender_cuenta(sc->db, sc->cfg.cuenta, cu, e)) != RC_OK)
        return rc;
    if ((rc = db_sender_lock(sc->db, sc->cfg.cuenta, &got, e)) != RC_OK)
        return rc;
    if (!got)
        return err_set(e, RC_BUSY, "la cuenta de WhatsApp de %s está enviando desde otra sesión",
                       cu->login);
    sc->locked = true;
    if ((rc = db_sender_listen(sc->db, e)) != RC_OK ||
        (rc = db_mensajes_recuperar(sc->db, sc->cfg.cuenta, recovered, e)) != RC_OK)
        return rc;
    if (!cu->vinculada)
        return err_set(e, RC_INVAL,
                       "la cuenta de WhatsApp de %s no está vinculada (%s): vincúlela primero",
                       cu->login, cu->estado);
    return RC_OK;
}

int
sendcore_start(struct sendcore *sc, struct err *e)
{
    struct db_sender_cuenta cu;
    struct err e2 = { 0 };
    int recovered = 0;
    char buf[64] = "";
    int rc;

    assert(sc->phase == PH_NEW);
    if ((rc = start_db(sc, &cu, &recovered, e)) != RC_OK ||
        (rc = transport_make(sc, &cu, e)) != RC_OK) {
        if (sc->locked && db_sender_unlock(sc->db, sc->cfg.cuenta, &e2) == RC_OK)
            sc->locked = false;
        sc->phase = PH_STOPPED;
        return rc;
    }
    sc->st.uncertain += (unsigned)recovered;
    if (recovered > 0)
        snprintf(buf, sizeof buf, "%d mensajes en duda", recovered);
    emit(sc, SENDER_EV_STARTED, recovered, 0, buf);
    reconnect(sc);
    return sc->phase == PH_STOPPED ? RC_CLOSED : RC_OK;
}

bool
sendcore_deadline(const struct sendcore *sc, int64_t *deadline_ms)
{
    int64_t d = 0, td;
    bool any = false;

    if (sc->phase == PH_STOPPED)
        return false;
    if (sc->has_deadline) {
        d = sc->deadline;
        any = true;
    }
    if (sc->t != NULL && transport_sim_next_deadline(sc->t, &td) && (!any || td < d)) {
        d = td;
        any = true;
    }
    if (sc->nlote + sc->nnums > 0 && (!any || sc->lote_since + LOTE_MS < d)) {
        d = sc->lote_since + LOTE_MS;
        any = true;
    }
    if (any)
        *deadline_ms = d;
    return any;
}

/* The loop's own step when its deadline passed. */
static void
step(struct sendcore *sc, int64_t now)
{
    sc->has_deadline = false;
    switch (sc->phase) {
    case PH_READY:
    case PH_IDLE:
        claim(sc, now);
        break;
    case PH_REPLIES:
        claim_replies(sc, now);
        break;
    case PH_CHECKING: /* no answer: send as if it had said yes */
        start_typing(sc, now);
        break;
    case PH_TYPING:
        send_current(sc, now);
        break;
    case PH_ACK: /* no ack in time: the user decides */
        mark_uncertain(sc);
        if (sc->phase != PH_STOPPED) /* else finish dropped the message */
            cur_done(sc, now, true);
        break;
    case PH_DOWN:
        reconnect(sc);
        break;
    case PH_NEW:
    case PH_CONNECTING:
    case PH_STOPPED:
        break;
    }
}

static void on_notify(void *ctx, const char *payload);

void
sendcore_run(struct sendcore *sc, int64_t now)
{
    struct err e = { 0 };

    if (sc->phase == PH_STOPPED)
        return;
    if (sc->t != NULL)
        (void)transport_sim_advance(sc->t, now);
    /* A bounded number of due steps per call: a zero-gap loop yields to the driver. */
    for (int i = 0; i < 8 && sc->phase != PH_STOPPED && sc->has_deadline && sc->deadline <= now;
         i++) {
        step(sc, now);
        if (sc->t != NULL && sc->phase != PH_STOPPED)
            (void)transport_sim_advance(sc->t, now);
    }
    if (sc->phase != PH_STOPPED && sc->nlote + sc->nnums > 0 && now >= sc->lote_since + LOTE_MS)
        lote_flush(sc);
    /* A notification that came with one of these statements' results is in libpq's queue, and
     * the socket will not turn readable for it: one about this account wakes the loop now (a
     * reply must not wait for the gap). No I/O. */
    if (sc->phase != PH_STOPPED &&
        db_sender_notifications(sc->db, false, on_notify, sc, &e) != RC_OK)
        err_clear(&e);
}

void
sendcore_wake(struct sendcore *sc)
{
    int64_t now = now_of(sc);

    switch (sc->phase) {
    case PH_IDLE:
        set_deadline(sc, PH_IDLE, now);
        break;
    case PH_READY: /* inside a gap: replies only, now; a due claim takes them first anyway */
        if (sc->has_deadline && sc->deadline > now)
            replies_now(sc, now);
        break;
    case PH_CONNECTING:
    case PH_CHECKING:
    case PH_TYPING:
    case PH_ACK:
    case PH_DOWN: /* busy: replies are looked for in the next gap (wait_ready) */
        sc->replies_due = true;
        break;
    case PH_NEW:
    case PH_REPLIES:
    case PH_STOPPED:
        break;
    }
}

/* A notification for this account ({"tabla" : …, "usuario_id" : N, …}) wakes the loop. */
static void
on_notify(void *ctx, const char *payload)
{
    struct sendcore *sc = ctx;
    const char *p = strstr(payload, "\"usuario_id\"");

    if (p == NULL)
        return;
    p += strlen("\"usuario_id\"");
    while (*p == ' ' || *p == ':')
        p++;
    if (strtol(p, NULL, 10) == sc->cfg.cuenta)
        sendcore_wake(sc);
}

void
sendcore_db_input(struct sendcore *sc, bool readable)
{
    struct err e = { 0 };

    if (sc->phase == PH_STOPPED)
        return;
    if (db_sender_notifications(sc->db, readable, on_notify, sc, &e) != RC_OK)
        db_failed(sc, "avisos", &e);
}

int
sendcore_db_fd(const struct sendcore *sc)
{
    return db_sender_fd(sc->db);
}

static void
finish(struct sendcore *sc, int rc, const char *why, bool leave_state)
{
    struct err e = { 0 };

    if (sc->phase == PH_STOPPED || sc->stopping)
        return;
    sc->stopping = true;
    if (sc->t != NULL)
        transport_disconnect(sc->t);
    if (sc->locked) {
        lote_flush(sc);
        if (sc->phase == PH_ACK)
            mark_uncertain(sc);
        if (!leave_state &&
            db_sender_estado(sc->db, sc->cfg.cuenta, "DESCONECTADA", why, &e) != RC_OK)
            log_warn("envío cuenta %d: %s", sc->cfg.cuenta, e.msg);
        if (db_sender_unlock(sc->db, sc->cfg.cuenta, &e) == RC_OK)
            sc->locked = false;
    }
    cur_drop(sc);
    set_waiting(sc, PH_STOPPED);
    emit(sc, SENDER_EV_STOPPED, rc, 0, why);
}

void
sendcore_stop(struct sendcore *sc, const char *why)
{
    finish(sc, RC_OK, why != NULL ? why : "envío detenido", false);
}

bool
sendcore_stopped(const struct sendcore *sc)
{
    return sc->phase == PH_STOPPED;
}

void
sendcore_stats(const struct sendcore *sc, struct sendcore_stats *out)
{
    *out = sc->st;
}

struct transport *
sendcore_transport(struct sendcore *sc)
{
    return sc->t;
}

void
sendcore_free(struct sendcore *sc)
{
    if (sc == NULL)
        return;
    cur_drop(sc);
    transport_free(sc->t);
    free(sc->lote); /* not recorded: a crash loses them (the acked messages become uncertain) */
    free(sc->nums);
    free(sc);
}
