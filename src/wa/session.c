#include "wa/session.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/transport.h"
#include "crypto/secure.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/binnode.h"
#include "wa/creds.h"
#include "wa/pairing.h"
#include "wa/payload.h"

#define S_WHATSAPP_NET   "s.whatsapp.net"
#define QUERY_TIMEOUT_MS INT64_C(60000) /* Baileys' defaultQueryTimeoutMs */
#define MAX_REFS         64

enum phase {
    PH_CONNECTED, /* handshake done: waiting for pair-device or success */
    PH_QR,        /* showing QR refs */
    PH_CODE,      /* linking with a code: companion_hello sent, waiting for the phone */
    PH_PAIRED,    /* pair-device-sign sent: waiting for the 515 restart */
    PH_COUNT,     /* logged in: pre-key count query in flight */
    PH_UPLOAD,    /* pre-key upload in flight */
    PH_ACTIVE,    /* passive→active iq in flight */
    PH_DIGEST,    /* key-bundle digest check in flight */
    PH_OPEN,      /* logged in and active */
    PH_CLOSED,
};

enum code_stage {
    CODE_WANTED,   /* asked before pair-device: companion_hello waits for it */
    CODE_SHOWN,    /* companion_hello sent and CODE emitted: waiting for the phone */
    CODE_FINISHED, /* companion_finish sent: waiting for pair-success */
};

/* A pairing code in flight, in secure_alloc() memory (the code and the ephemeral key). */
struct session_code {
    enum code_stage stage;
    struct x25519_keypair eph; /* the pairing ephemeral key, one per code */
    char code[WA_PAIRING_CODE_LEN + 1];
    char jid[WA_SESSION_PHONE_MAX + sizeof "@" S_WHATSAPP_NET];
    char hello_id[40], finish_id[40]; /* our iqs, to match their answers ("" none) */
    uint8_t ref[WA_PAIRING_REF_MAX];  /* from the companion_hello answer, when it has one */
    size_t ref_len;
    int64_t deadline_ms; /* when the code lapses (CODE_SHOWN on) */
};

struct wa_session {
    struct wa_creds *creds; /* borrowed */
    struct wa_session_config cfg;
    char *os, *browser, *country, *push_name; /* cfg's strings, owned */
    enum phase phase;
    bool started;
    int64_t created_ms, last_rx_ms, next_ping_ms;
    char id_prefix[16];
    uint64_t id_counter;
    struct session_code *code; /* NULL unless a pairing code was asked */
    /* QR refs (owned copies) and the time the shown one expires. */
    char *refs[MAX_REFS];
    size_t nrefs, ref_next;
    int64_t qr_deadline_ms;
    /* The one login-sequence query in flight (count, upload, active). */
    char pending_id[40];
    int64_t pending_deadline_ms;
    uint32_t upload_end; /* first id after the uploaded range */
    bool active_done;    /* the active iq was answered (or timed out) */
    bool opened;         /* the OPEN event went out */
    /* Output queues (FIFO arrays). */
    struct binnode **sendq;
    size_t nsend, send_head, capsend;
    struct wa_session_event *evq;
    size_t nev, ev_head, capev;
};

/* ---- configuration and lifecycle ------------------------------------------------------ */

void
wa_session_config_default(struct wa_session_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->version[0] = 2;
    cfg->version[1] = 3000;
    cfg->version[2] = 1043857760;
    cfg->browser_os = "Mac OS";
    cfg->browser_name = "Chrome";
    cfg->country = "US";
    cfg->push_name = NULL;
    cfg->sync_full_history = true;
    cfg->qr_first_ms = WA_SESSION_QR_FIRST_MS;
    cfg->qr_next_ms = WA_SESSION_QR_NEXT_MS;
    cfg->keepalive_ms = WA_SESSION_KEEPALIVE_MS;
    cfg->silence_ms = WA_SESSION_SILENCE_MS;
}

struct wa_session *
wa_session_new(struct wa_creds *creds, const struct wa_session_config *cfg, int64_t now_ms)
{
    struct wa_session *s;
    uint8_t r[4];

    assert(creds != NULL && cfg != NULL);
    assert(cfg->qr_first_ms > 0 && cfg->qr_next_ms > 0 && cfg->keepalive_ms > 0 &&
           cfg->silence_ms > 0);
    s = xcalloc(1, sizeof *s);
    s->creds = creds;
    s->cfg = *cfg;
    s->os = xstrdup(cfg->browser_os ? cfg->browser_os : "Mac OS");
    s->browser = xstrdup(cfg->browser_name ? cfg->browser_name : "Chrome");
    s->country = xstrdup(cfg->country ? cfg->country : "US");
    s->push_name = cfg->push_name ? xstrdup(cfg->push_name) : NULL;
    s->cfg.browser_os = s->os;
    s->cfg.browser_name = s->browser;
    s->cfg.country = s->country;
    s->cfg.push_name = s->push_name;
    s->phase = PH_CONNECTED;
    s->created_ms = s->last_rx_ms = now_ms;
    s->qr_deadline_ms = s->pending_deadline_ms = INT64_MAX;
    secure_random(r, sizeof r);
    snprintf(s->id_prefix, sizeof s->id_prefix, "%u.%u-", (unsigned)(r[0] << 8 | r[1]),
             (unsigned)(r[2] << 8 | r[3]));
    s->id_counter = 1;
    return s;
}

static void
refs_clear(struct wa_session *s)
{
    for (size_t i = 0; i < s->nrefs; i++)
        free(s->refs[i]);
    s->nrefs = s->ref_next = 0;
}

static void
sendq_clear(struct wa_session *s)
{
    for (size_t i = s->send_head; i < s->nsend; i++)
        binnode_free(s->sendq[i]);
    s->nsend = s->send_head = 0;
}

static void
code_clear(struct wa_session *s)
{
    secure_free(s->code); /* wipes the code and the ephemeral key */
    s->code = NULL;
}

void
wa_session_free(struct wa_session *s)
{
    if (s == NULL)
        return;
    code_clear(s);
    refs_clear(s);
    sendq_clear(s);
    free(s->sendq);
    if (s->evq != NULL)
        secure_wipe(s->evq, s->capev * sizeof *s->evq); /* QR strings hold key material */
    free(s->evq);
    free(s->os);
    free(s->browser);
    free(s->country);
    free(s->push_name);
    free(s);
}

/* ---- queues ---------------------------------------------------------------------------- */

static void
push_send(struct wa_session *s, struct binnode *n)
{
    if (s->send_head == s->nsend)
        s->send_head = s->nsend = 0;
    if (s->nsend == s->capsend) {
        s->capsend = s->capsend ? 2 * s->capsend : 16;
        s->sendq = xreallocarray(s->sendq, s->capsend, sizeof *s->sendq);
    }
    s->sendq[s->nsend++] = n;
}

static struct wa_session_event *
push_event(struct wa_session *s, enum wa_session_event_kind kind)
{
    struct wa_session_event *ev;

    if (s->ev_head == s->nev)
        s->ev_head = s->nev = 0;
    if (s->nev == s->capev) {
        size_t cap = s->capev ? 2 * s->capev : 8;
        struct wa_session_event *q = xcalloc(cap, sizeof *q);

        if (s->nev > 0)
            memcpy(q, s->evq, s->nev * sizeof *q);
        if (s->evq != NULL)
            secure_wipe(s->evq, s->capev * sizeof *s->evq);
        free(s->evq);
        s->evq = q;
        s->capev = cap;
    }
    ev = &s->evq[s->nev++];
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    return ev;
}

struct binnode *
wa_session_pop_send(struct wa_session *s)
{
    if (s->send_head == s->nsend)
        return NULL;
    return s->sendq[s->send_head++];
}

bool
wa_session_pop_event(struct wa_session *s, struct wa_session_event *ev)
{
    if (s->ev_head == s->nev)
        return false;
    *ev = s->evq[s->ev_head];
    secure_wipe(&s->evq[s->ev_head], sizeof *s->evq);
    s->ev_head++;
    return true;
}

/* ---- closing ------------------------------------------------------------------------- */

static int
session_close(struct wa_session *s, int code, const char *reason, struct err *e)
{
    struct wa_session_event *ev;

    if (s->phase == PH_CLOSED)
        return err_set(e, RC_CLOSED, "sesión de WhatsApp cerrada");
    s->phase = PH_CLOSED;
    refs_clear(s);
    code_clear(s);
    sendq_clear(s); /* nothing is sent after a close */
    ev = push_event(s, WA_SESSION_EV_CLOSE);
    ev->code = code;
    snprintf(ev->text, sizeof ev->text, "%s", reason);
    return err_set(e, RC_CLOSED, "%s (código %d)", reason, code);
}

void
wa_session_abort(struct wa_session *s, int code, const char *reason)
{
    (void)session_close(s, code, reason, NULL);
}

bool
wa_session_closed(const struct wa_session *s)
{
    return s->phase == PH_CLOSED;
}

/* ---- building nodes ---------------------------------------------------------------------- */

/* Writes the next query id ("<u16>.<u16>-<counter>") into buf. */
static const char *
next_id(struct wa_session *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%" PRIu64, s->id_prefix, s->id_counter++);
    return buf;
}

/* <iq id to="s.whatsapp.net" type xmlns> in Baileys' attribute order for query(). */
static struct binnode *
iq_new(struct wa_session *s, const char *type, const char *xmlns, char *id, size_t idcap)
{
    struct binnode *iq = binnode_new("iq");

    binnode_set_attr(iq, "id", next_id(s, id, idcap));
    binnode_set_attr(iq, "to", S_WHATSAPP_NET);
    binnode_set_attr(iq, "type", type);
    binnode_set_attr(iq, "xmlns", xmlns);
    return iq;
}

/* A query of the login sequence: remembered so its reply advances the phase. */
static void
send_step(struct wa_session *s, struct binnode *iq, enum phase next, int64_t now)
{
    s->phase = next;
    s->pending_deadline_ms = now + QUERY_TIMEOUT_MS;
    push_send(s, iq);
}

static void
add_bytes_child(struct binnode *parent, const char *tag, const void *data, size_t len)
{
    binnode_set_bytes(binnode_add(parent, tag), data, len);
}

static void
be_put(uint8_t *p, uint32_t v, size_t n)
{
    for (size_t i = n; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

/* <iq type="result" id to=from/>: the answer to pair-device and to unknown server iqs. */
static void
send_result(struct wa_session *s, const struct binnode *req)
{
    const char *id = binnode_attr(req, "id"), *from = binnode_attr(req, "from");
    struct binnode *iq;

    if (id == NULL)
        return;
    iq = binnode_new("iq");
    binnode_set_attr(iq, "to", from ? from : S_WHATSAPP_NET);
    binnode_set_attr(iq, "type", "result");
    binnode_set_attr(iq, "id", id);
    push_send(s, iq);
}

/* The ack every notification, receipt and call gets (guide §8.2, Baileys buildAckStanza). */
static void
send_ack(struct wa_session *s, const struct binnode *n)
{
    static const char *const copy[] = { "participant", "recipient", "type" };
    const char *id = binnode_attr(n, "id"), *from = binnode_attr(n, "from");
    struct binnode *ack;

    if (id == NULL || from == NULL)
        return;
    ack = binnode_new("ack");
    binnode_set_attr(ack, "id", id);
    binnode_set_attr(ack, "to", from);
    binnode_set_attr(ack, "class", binnode_tag(n));
    for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++)
        if (binnode_attr(n, copy[i]) != NULL)
            binnode_set_attr(ack, copy[i], binnode_attr(n, copy[i]));
    push_send(s, ack);
}

/* ---- handshake ----------------------------------------------------------------------- */

int
wa_session_client_payload(const struct wa_session *s, struct strbuf *out, struct err *e)
{
    if (wa_creds_is_paired(s->creds))
        return wa_payload_login(&s->cfg, s->creds->me_jid, out, e);
    return wa_payload_registration(&s->cfg, s->creds, out, e);
}

void
wa_session_start(struct wa_session *s, int64_t now_ms)
{
    if (s->started || s->phase == PH_CLOSED)
        return;
    s->started = true;
    s->last_rx_ms = now_ms;
    s->next_ping_ms = now_ms + s->cfg.keepalive_ms;
}

/* ---- linking with a code: the request -------------------------------------------------- */

bool
wa_session_phone_valid(const char *phone)
{
    size_t n;

    if (phone == NULL)
        return false;
    for (n = 0; phone[n] != '\0'; n++)
        if (n >= WA_SESSION_PHONE_MAX || phone[n] < '0' || phone[n] > '9')
            return false;
    return n >= WA_SESSION_PHONE_MIN;
}

/* <iq to type="set" id xmlns="md"><link_code_companion_reg jid stage/></iq>, Baileys' order;
 * *reg gets the inner node. */
static struct binnode *
code_iq(struct wa_session *s, const char *stage, char *id, size_t idcap, struct binnode **reg)
{
    struct binnode *iq = binnode_new("iq");

    binnode_set_attr(iq, "to", S_WHATSAPP_NET);
    binnode_set_attr(iq, "type", "set");
    binnode_set_attr(iq, "id", next_id(s, id, idcap));
    binnode_set_attr(iq, "xmlns", "md");
    *reg = binnode_add(iq, "link_code_companion_reg");
    binnode_set_attr(*reg, "jid", s->code->jid);
    binnode_set_attr(*reg, "stage", stage);
    return iq;
}

/* The server's pair-device is here and a code was asked: companion_hello with our pairing
 * ephemeral key wrapped with the code, then the CODE event; QRs stop. */
static int
code_start(struct wa_session *s, int64_t now, struct err *e)
{
    struct session_code *k = s->code;
    uint8_t wrapped[WA_PAIRING_WRAPPED_BYTES], salt[WA_PAIRING_SALT_BYTES];
    uint8_t iv[WA_PAIRING_CTR_IV_BYTES];
    char pid[16], display[160];
    struct wa_session_event *ev;
    struct binnode *iq, *reg;

    secure_random(salt, sizeof salt);
    secure_random(iv, sizeof iv);
    if (wa_pairing_code_wrap(wrapped, k->code, k->eph.pub, salt, iv, e) != RC_OK)
        return session_close(s, TRANSPORT_CLOSE_BAD_SESSION,
                             "no se pudo preparar el código de vinculación", e);
    iq = code_iq(s, "companion_hello", k->hello_id, sizeof k->hello_id, &reg);
    binnode_set_attr(reg, "should_show_push_notification", "true");
    add_bytes_child(reg, "link_code_pairing_wrapped_companion_ephemeral_pub", wrapped,
                    sizeof wrapped);
    add_bytes_child(reg, "companion_server_auth_key_pub", s->creds->noise.pub, X25519_KEY_BYTES);
    snprintf(pid, sizeof pid, "%d", wa_payload_platform_id(s->cfg.browser_os, s->cfg.browser_name));
    binnode_set_string(binnode_add(reg, "companion_platform_id"), pid);
    snprintf(display, sizeof display, "%s (%s)", s->cfg.browser_name, s->cfg.browser_os);
    binnode_set_string(binnode_add(reg, "companion_platform_display"), display);
    binnode_set_string(binnode_add(reg, "link_code_pairing_nonce"), "0");
    push_send(s, iq);
    refs_clear(s);
    s->qr_deadline_ms = INT64_MAX;
    s->phase = PH_CODE;
    k->stage = CODE_SHOWN;
    k->deadline_ms = now + WA_SESSION_CODE_MS;
    ev = push_event(s, WA_SESSION_EV_CODE);
    snprintf(ev->text, sizeof ev->text, "%s", k->code);
    ev->expires_at_ms = k->deadline_ms;
    return RC_OK;
}

int
wa_session_request_code(struct wa_session *s, const char *phone, int64_t now_ms, struct err *e)
{
    uint8_t raw[WA_PAIRING_CODE_RAW_BYTES];
    struct session_code *k;

    assert(s != NULL);
    if (!wa_session_phone_valid(phone))
        return err_set(e, RC_INVAL,
                       "número inválido para vincular: se esperan de %d a %d dígitos, con el "
                       "código de país y sin «+»",
                       WA_SESSION_PHONE_MIN, WA_SESSION_PHONE_MAX);
    if (s->phase == PH_CLOSED)
        return err_set(e, RC_REFUSED, "la conexión con WhatsApp ya terminó");
    if (s->code != NULL)
        return err_set(e, RC_REFUSED, "ya se pidió un código de vinculación en esta conexión");
    if (wa_creds_is_paired(s->creds) || (s->phase != PH_CONNECTED && s->phase != PH_QR))
        return err_set(e, RC_REFUSED, "este dispositivo ya está vinculado");
    k = secure_alloc(sizeof *k);
    x25519_keypair_gen(&k->eph);
    secure_random(raw, sizeof raw);
    wa_pairing_code_make(k->code, raw);
    secure_wipe(raw, sizeof raw);
    snprintf(k->jid, sizeof k->jid, "%s@" S_WHATSAPP_NET, phone);
    k->stage = CODE_WANTED;
    k->deadline_ms = INT64_MAX;
    s->code = k;
    if (s->phase == PH_QR)
        return code_start(s, now_ms, e);
    return RC_OK;
}

/* ---- QR pairing ---------------------------------------------------------------------- */

/* Shows the next ref, or ends the session when none is left (Baileys: 408). */
static int
qr_next(struct wa_session *s, int64_t now, struct err *e)
{
    struct wa_session_event *ev;
    int64_t ttl = s->ref_next == 0 ? s->cfg.qr_first_ms : s->cfg.qr_next_ms;
    int pid = wa_payload_platform_id(s->cfg.browser_os, s->cfg.browser_name);

    if (s->ref_next >= s->nrefs)
        return session_close(s, TRANSPORT_CLOSE_TIMED_OUT,
                             "se agotaron los códigos QR sin que se escaneara ninguno", e);
    ev = push_event(s, WA_SESSION_EV_QR);
    if (wa_pairing_qr(ev->text, sizeof ev->text, s->refs[s->ref_next++], s->creds, pid, e) !=
        RC_OK) {
        s->nev--; /* drop the half-built event */
        return session_close(s, TRANSPORT_CLOSE_BAD_SESSION, "QR inválido del servidor", e);
    }
    ev->expires_at_ms = now + ttl;
    s->qr_deadline_ms = now + ttl;
    return RC_OK;
}

/* <iq type="set"><pair-device><ref>…</ref>…</pair-device></iq> */
static int
on_pair_device(struct wa_session *s, const struct binnode *iq, const struct binnode *pd,
               int64_t now, struct err *e)
{
    const struct binnode *r = NULL;

    send_result(s, iq);
    if (wa_creds_is_paired(s->creds))
        return RC_OK; /* a paired device never shows a QR */
    /* Linking with a code: no QR, ever; a repeated pair-device changes nothing. */
    if (s->code != NULL)
        return s->code->stage == CODE_WANTED ? code_start(s, now, e) : RC_OK;
    refs_clear(s);
    while ((r = binnode_child_next(pd, "ref", r)) != NULL && s->nrefs < MAX_REFS) {
        const char *t = binnode_text(r);

        if (t != NULL && t[0] != '\0' && strlen(t) <= WA_PAIRING_REF_MAX && !strchr(t, ','))
            s->refs[s->nrefs++] = xstrdup(t);
    }
    s->phase = PH_QR;
    return qr_next(s, now, e);
}

/* Copies an attribute into dst when it fits; false when absent or too long. */
static bool
attr_copy(char *dst, size_t cap, const struct binnode *n, const char *key)
{
    const char *v = n ? binnode_attr(n, key) : NULL;

    if (v == NULL || strlen(v) >= cap)
        return false;
    memcpy(dst, v, strlen(v) + 1);
    return true;
}

/* Validates the <device> and optional <platform>/<biz> before any key is touched. */
static int
pair_identity(const struct binnode *ps, char *jid, char *lid, char *plat, char *name, struct err *e)
{
    const struct binnode *dev = binnode_child(ps, "device");
    uint64_t user;
    uint32_t device;
    int has_dev;

    if (!attr_copy(jid, WA_CREDS_JID_MAX, dev, "jid") ||
        wa_payload_parse_jid(jid, &user, &device, &has_dev, NULL) != RC_OK)
        return err_set(e, RC_INVAL, "emparejamiento: jid del dispositivo inválido");
    if (!attr_copy(lid, WA_CREDS_JID_MAX, dev, "lid"))
        lid[0] = '\0';
    if (!attr_copy(plat, WA_CREDS_PLATFORM_MAX, binnode_child(ps, "platform"), "name"))
        plat[0] = '\0';
    if (!attr_copy(name, WA_CREDS_NAME_MAX, binnode_child(ps, "biz"), "name"))
        name[0] = '\0';
    return RC_OK;
}

static void
send_pair_sign(struct wa_session *s, const char *id, const struct strbuf *bytes, uint32_t key_index)
{
    struct binnode *iq = binnode_new("iq"), *di;
    char kidx[16];

    binnode_set_attr(iq, "to", S_WHATSAPP_NET);
    binnode_set_attr(iq, "type", "result");
    binnode_set_attr(iq, "id", id);
    di = binnode_add(binnode_add(iq, "pair-device-sign"), "device-identity");
    snprintf(kidx, sizeof kidx, "%" PRIu32, key_index);
    binnode_set_attr(di, "key-index", kidx);
    binnode_set_bytes(di, bytes->buf, bytes->len);
    push_send(s, iq);
}

/* <iq><pair-success><device-identity/><platform/><device/>[<biz/>]</pair-success></iq> */
static int
on_pair_success(struct wa_session *s, const struct binnode *iq, const struct binnode *ps,
                struct err *e)
{
    char jid[WA_CREDS_JID_MAX], lid[WA_CREDS_JID_MAX], plat[WA_CREDS_PLATFORM_MAX];
    char name[WA_CREDS_NAME_MAX];
    const struct binnode *di = binnode_child(ps, "device-identity");
    const unsigned char *bytes = NULL;
    struct wa_pairing_result res;
    struct wa_session_event *ev;
    struct strbuf reply;
    size_t len = 0;
    int rc;

    if (wa_creds_is_paired(s->creds) || binnode_attr(iq, "id") == NULL)
        return session_close(s, TRANSPORT_CLOSE_BAD_SESSION, "pair-success inesperado", e);
    if (di != NULL)
        bytes = binnode_content(di, &len);
    if (bytes == NULL || pair_identity(ps, jid, lid, plat, name, e) != RC_OK)
        return session_close(s, TRANSPORT_CLOSE_BAD_SESSION, "pair-success incompleto", e);
    strbuf_init(&reply);
    rc = wa_pairing_accept(s->creds, bytes, len, &reply, &res, e);
    if (rc != RC_OK) {
        strbuf_fini(&reply);
        return session_close(s, TRANSPORT_CLOSE_BAD_SESSION,
                             rc == RC_CRYPTO ? "la firma del emparejamiento no es válida"
                                             : "pair-success malformado",
                             e);
    }
    memcpy(s->creds->me_jid, jid, sizeof jid);
    memcpy(s->creds->me_lid, lid, sizeof lid);
    memcpy(s->creds->platform, plat, sizeof plat);
    memcpy(s->creds->me_name, name, sizeof name);
    ev = push_event(s, WA_SESSION_EV_PAIRED);
    snprintf(ev->text, sizeof ev->text, "%s", jid);
    snprintf(ev->lid, sizeof ev->lid, "%s", lid);
    snprintf(ev->platform, sizeof ev->platform, "%s", plat);
    send_pair_sign(s, binnode_attr(iq, "id"), &reply, res.key_index);
    strbuf_fini(&reply);
    refs_clear(s);
    code_clear(s);
    s->qr_deadline_ms = INT64_MAX;
    s->phase = PH_PAIRED;
    return RC_OK;
}

/* ---- login: pre-keys, passive→active ---------------------------------------------------- */

static void
send_count_query(struct wa_session *s, int64_t now)
{
    char id[40];
    struct binnode *iq = binnode_new("iq");

    /* Baileys' attribute order for this one: id, xmlns, type, to. */
    binnode_set_attr(iq, "id", next_id(s, id, sizeof id));
    binnode_set_attr(iq, "xmlns", "encrypt");
    binnode_set_attr(iq, "type", "get");
    binnode_set_attr(iq, "to", S_WHATSAPP_NET);
    binnode_add(iq, "count");
    snprintf(s->pending_id, sizeof s->pending_id, "%s", id);
    send_step(s, iq, PH_COUNT, now);
}

static void
send_active(struct wa_session *s, int64_t now)
{
    char id[40];
    struct binnode *iq = binnode_new("iq");

    binnode_set_attr(iq, "to", S_WHATSAPP_NET);
    binnode_set_attr(iq, "xmlns", "passive");
    binnode_set_attr(iq, "type", "set");
    binnode_set_attr(iq, "id", next_id(s, id, sizeof id));
    binnode_add(iq, "active");
    snprintf(s->pending_id, sizeof s->pending_id, "%s", id);
    send_step(s, iq, PH_ACTIVE, now);
}

/* <iq xmlns="encrypt" type="get"><digest/></iq>: Baileys' key-bundle check after active. */
static void
send_digest(struct wa_session *s, int64_t now)
{
    char id[40];
    struct binnode *iq = binnode_new("iq");

    binnode_set_attr(iq, "to", S_WHATSAPP_NET);
    binnode_set_attr(iq, "type", "get");
    binnode_set_attr(iq, "xmlns", "encrypt");
    binnode_set_attr(iq, "id", next_id(s, id, sizeof id));
    binnode_add(iq, "digest");
    snprintf(s->pending_id, sizeof s->pending_id, "%s", id);
    send_step(s, iq, PH_DIGEST, now);
}

/* The §6.2 upload iq for the kept pre-keys with ids in [first, end). */
static struct binnode *
upload_node(struct wa_session *s, uint32_t first, uint32_t end, char *id, size_t idcap)
{
    const struct wa_creds *c = s->creds;
    struct binnode *iq = binnode_new("iq"), *list, *skey, *key;
    uint8_t b[4], t = 0x05;

    binnode_set_attr(iq, "xmlns", "encrypt");
    binnode_set_attr(iq, "type", "set");
    binnode_set_attr(iq, "to", S_WHATSAPP_NET);
    binnode_set_attr(iq, "id", next_id(s, id, idcap));
    be_put(b, c->registration_id, 4);
    add_bytes_child(iq, "registration", b, 4);
    add_bytes_child(iq, "type", &t, 1);
    add_bytes_child(iq, "identity", c->identity.pub, X25519_KEY_BYTES);
    list = binnode_add(iq, "list");
    binnode_set_list(list);
    for (size_t i = 0; i < c->nprekeys; i++) {
        if (c->prekeys[i].id < first || c->prekeys[i].id >= end)
            continue;
        key = binnode_add(list, "key");
        be_put(b, c->prekeys[i].id, 3);
        add_bytes_child(key, "id", b, 3);
        add_bytes_child(key, "value", c->prekeys[i].kp.pub, X25519_KEY_BYTES);
    }
    skey = binnode_add(iq, "skey");
    be_put(b, c->signed_prekey_id, 3);
    add_bytes_child(skey, "id", b, 3);
    add_bytes_child(skey, "value", c->signed_prekey.pub, X25519_KEY_BYTES);
    add_bytes_child(skey, "signature", c->signed_prekey_sig, SIGN_BYTES);
    return iq;
}

/* Uploads count pre-keys from first_unuploaded on, generating the missing ones first
 * (Baileys generateOrGetPreKeys); the CREDS event precedes the node so the new private
 * keys are stored before the server can hand them out. */
static int
upload_prekeys(struct wa_session *s, size_t count, int64_t now, struct err *e)
{
    struct wa_creds *c = s->creds;
    uint32_t first = c->first_unuploaded_prekey_id;
    size_t have = c->next_prekey_id - first;
    char id[40];

    if (count > have && wa_creds_prekeys_gen(c, count - have, e) != RC_OK)
        return session_close(s, TRANSPORT_CLOSE_BAD_SESSION, "no caben más pre-claves", e);
    if (count > have)
        push_event(s, WA_SESSION_EV_CREDS);
    s->upload_end = first + (uint32_t)count;
    send_step(s, upload_node(s, first, s->upload_end, id, sizeof id), PH_UPLOAD, now);
    snprintf(s->pending_id, sizeof s->pending_id, "%s", id);
    return RC_OK;
}

/* True when reply is an <iq type="result"> without an <error> child (Baileys'
 * assertNodeErrorFree); NULL (a timeout) is not. */
static bool
is_result(const struct binnode *reply)
{
    const char *t = reply ? binnode_attr(reply, "type") : NULL;

    return t != NULL && strcmp(t, "result") == 0 && binnode_child(reply, "error") == NULL;
}

/* The count reply: upload 812 when the server has none, else top up to 5 (guide §6.1).
 * A failed or missing count goes on to active, as Baileys does. */
static int
on_count(struct wa_session *s, const struct binnode *reply, int64_t now, struct err *e)
{
    const struct binnode *cn = reply ? binnode_child(reply, "count") : NULL;
    const char *v = cn ? binnode_attr(cn, "value") : NULL;
    const struct wa_creds *c = s->creds;
    uint32_t last = c->next_prekey_id - 1;
    char *end = NULL;
    unsigned long n = 0;
    size_t target;

    if (v != NULL && v[0] >= '0' && v[0] <= '9')
        n = strtoul(v, &end, 10);
    if (!is_result(reply) || end == NULL || *end != '\0') {
        send_active(s, now);
        return RC_OK;
    }
    target = n == 0 ? WA_SESSION_PREKEYS_INITIAL : WA_SESSION_PREKEYS_MIN;
    if (n <= target || (last > 0 && wa_creds_prekey_find(c, last) == NULL))
        return upload_prekeys(s, target, now, e);
    send_active(s, now);
    return RC_OK;
}

static void
emit_open(struct wa_session *s)
{
    struct wa_session_event *ev = push_event(s, WA_SESSION_EV_OPEN);

    snprintf(ev->text, sizeof ev->text, "%s", s->creds->me_jid);
    snprintf(ev->lid, sizeof ev->lid, "%s", s->creds->me_lid);
    s->phase = PH_OPEN;
    s->opened = true;
}

/* The reply (NULL: timed out) to the login-sequence query in flight. */
static int
on_step_reply(struct wa_session *s, const struct binnode *reply, int64_t now, struct err *e)
{
    struct wa_creds *c = s->creds;

    s->pending_id[0] = '\0';
    s->pending_deadline_ms = INT64_MAX;
    switch (s->phase) {
    case PH_COUNT:
        return on_count(s, reply, now, e);
    case PH_UPLOAD:
        if (is_result(reply) && s->upload_end > c->first_unuploaded_prekey_id) {
            c->first_unuploaded_prekey_id = s->upload_end;
            push_event(s, WA_SESSION_EV_CREDS);
        }
        if (!s->active_done)
            send_active(s, now);
        else if (!s->opened)
            emit_open(s);
        else
            s->phase = PH_OPEN;
        return RC_OK;
    case PH_ACTIVE:
        s->active_done = true; /* Baileys goes on even when active fails */
        send_digest(s, now);
        return RC_OK;
    case PH_DIGEST:
        /* A clean answer without <digest>: the server lost our bundle, upload 5 first. */
        if (is_result(reply) && binnode_child(reply, "digest") == NULL)
            return upload_prekeys(s, WA_SESSION_PREKEYS_MIN, now, e);
        emit_open(s);
        return RC_OK;
    case PH_CONNECTED:
    case PH_QR:
    case PH_CODE:
    case PH_PAIRED:
    case PH_OPEN:
    case PH_CLOSED:
        break;
    }
    return RC_OK;
}

/* <success t lid …/>: logged in. Keeps our lid and starts the pre-key check. */
static int
on_success(struct wa_session *s, const struct binnode *n, int64_t now, struct err *e)
{
    char lid[WA_CREDS_JID_MAX];

    if (!wa_creds_is_paired(s->creds) || s->phase != PH_CONNECTED)
        return session_close(s, TRANSPORT_CLOSE_BAD_SESSION, "<success> inesperado", e);
    if (attr_copy(lid, sizeof lid, n, "lid") && strcmp(lid, s->creds->me_lid) != 0) {
        memcpy(s->creds->me_lid, lid, sizeof lid);
        push_event(s, WA_SESSION_EV_CREDS);
    }
    send_count_query(s, now);
    return RC_OK;
}

/* <notification type="encrypt" from="s.whatsapp.net"><count value="N"/></notification>
 * with N < 5: upload 5 more once the login sequence is done (guide §6.2). */
static int
maybe_topup(struct wa_session *s, const struct binnode *n, int64_t now, struct err *e)
{
    const char *type = binnode_attr(n, "type"), *from = binnode_attr(n, "from");
    const struct binnode *cn = binnode_child(n, "count");
    const char *v = cn ? binnode_attr(cn, "value") : NULL;
    char *end = NULL;
    unsigned long cnt;

    if (type == NULL || strcmp(type, "encrypt") != 0 || from == NULL ||
        strcmp(from, S_WHATSAPP_NET) != 0 || v == NULL || v[0] < '0' || v[0] > '9')
        return RC_OK;
    cnt = strtoul(v, &end, 10);
    if (*end != '\0' || cnt >= WA_SESSION_PREKEYS_MIN || s->phase != PH_OPEN)
        return RC_OK;
    return upload_prekeys(s, WA_SESSION_PREKEYS_MIN, now, e);
}

/* ---- closes from the server ------------------------------------------------------------ */

/* A decimal code of 1..4 digits, or fallback (Baileys: a non-numeric code is a bad session). */
static int
parse_code(const char *v, int fallback)
{
    int code = 0;
    size_t i;

    if (v == NULL || v[0] == '\0')
        return fallback;
    for (i = 0; v[i] >= '0' && v[i] <= '9' && i < 4; i++)
        code = code * 10 + (v[i] - '0');
    return v[i] == '\0' && code > 0 ? code : fallback;
}

/* <stream:error code="N"/>, <stream:error><conflict/></stream:error>, else 500 (guide §11). */
static int
on_stream_error(struct wa_session *s, const struct binnode *n, struct err *e)
{
    const struct binnode *first = binnode_nchildren(n) > 0 ? binnode_child_at(n, 0) : NULL;
    int fallback = TRANSPORT_CLOSE_BAD_SESSION;
    char why[160];
    int code;

    if (first != NULL && strcmp(binnode_tag(first), "conflict") == 0)
        fallback = TRANSPORT_CLOSE_REPLACED;
    code = parse_code(binnode_attr(n, "code"), fallback);
    snprintf(why, sizeof why, "error de flujo del servidor: %s", transport_close_name(code));
    return session_close(s, code, why, e);
}

static int
on_failure(struct wa_session *s, const struct binnode *n, struct err *e)
{
    int code = parse_code(binnode_attr(n, "reason"), TRANSPORT_CLOSE_BAD_SESSION);
    char why[160];

    snprintf(why, sizeof why, "el servidor rechazó la sesión: %s", transport_close_name(code));
    return session_close(s, code, why, e);
}

/* <ib>: downgrade_webclient (411), edge_routing (persist), offline_preview (ask a batch). */
static int
on_ib(struct wa_session *s, const struct binnode *n, struct err *e)
{
    const struct binnode *er = binnode_child(n, "edge_routing");
    const struct binnode *ri = er ? binnode_child(er, "routing_info") : NULL;
    const unsigned char *bytes;
    size_t len = 0;

    if (binnode_child(n, "downgrade_webclient") != NULL)
        return session_close(s, TRANSPORT_CLOSE_MD_MISMATCH,
                             "el servidor pide multidispositivo (downgrade_webclient)", e);
    if (ri != NULL && (bytes = binnode_content(ri, &len)) != NULL && len > 0 &&
        wa_creds_set_routing(s->creds, bytes, len, NULL) == RC_OK)
        push_event(s, WA_SESSION_EV_CREDS);
    if (binnode_child(n, "offline_preview") != NULL) {
        struct binnode *ib = binnode_new("ib");

        binnode_set_attr(binnode_add(ib, "offline_batch"), "count", "100");
        push_send(s, ib);
    }
    return RC_OK;
}

/* ---- linking with a code: the server's side --------------------------------------------- */

/* The bytes of parent's first child tag, or NULL when either is missing. */
static const unsigned char *
child_bytes(const struct binnode *parent, const char *tag, size_t *len)
{
    const struct binnode *c = parent ? binnode_child(parent, tag) : NULL;

    *len = 0;
    return c ? binnode_content(c, len) : NULL;
}

static bool
code_is_reply(const struct session_code *k, const char *id)
{
    return (k->hello_id[0] != '\0' && strcmp(id, k->hello_id) == 0) ||
           (k->finish_id[0] != '\0' && strcmp(id, k->finish_id) == 0);
}

/* A Spanish sentence for the server's refusal of a code step (hostile text: printable ASCII
 * only, capped). */
static void
code_refusal(char *why, size_t cap, bool hello, int code, const char *text)
{
    char t[48];
    size_t n = 0;
    const char *what = code == 429   ? "demasiados intentos, espere unos minutos"
                       : code == 400 ? "solicitud inválida (revise el número)"
                                     : transport_close_name(code);

    for (; text != NULL && text[n] != '\0' && n + 1 < sizeof t; n++)
        t[n] = text[n] >= 0x20 && text[n] < 0x7f ? text[n] : '?';
    t[n] = '\0';
    snprintf(why, cap, "WhatsApp rechazó %s: %s (%d%s%s)",
             hello ? "el pedido del código de vinculación" : "la vinculación con código", what,
             code, n > 0 ? " " : "", t);
}

/* The answer to companion_hello (may carry the pairing ref) or companion_finish. */
static int
on_code_reply(struct wa_session *s, const struct binnode *reply, const char *id, struct err *e)
{
    struct session_code *k = s->code;
    bool hello = strcmp(id, k->hello_id) == 0;
    const unsigned char *ref;
    char why[WA_SESSION_TEXT_MAX];
    size_t len;

    if (!is_result(reply)) {
        const struct binnode *er = binnode_child(reply, "error");
        int code = parse_code(er ? binnode_attr(er, "code") : NULL, TRANSPORT_CLOSE_BAD_SESSION);

        code_refusal(why, sizeof why, hello, code, er ? binnode_attr(er, "text") : NULL);
        return session_close(s, code, why, e);
    }
    if (!hello) {
        k->finish_id[0] = '\0';
        return RC_OK;
    }
    k->hello_id[0] = '\0';
    ref =
        child_bytes(binnode_child(reply, "link_code_companion_reg"), "link_code_pairing_ref", &len);
    if (ref != NULL && len > 0 && len <= sizeof k->ref) {
        memcpy(k->ref, ref, len);
        k->ref_len = len;
    }
    return RC_OK;
}

/* The phone took the code: unwrap its ephemeral key, derive the adv secret (CREDS) and send
 * companion_finish. RC_OK also when the notification belongs to another code (its ref is
 * not the one the server gave us): it is then ignored. */
static int
code_finish(struct wa_session *s, const struct binnode *reg, struct err *e)
{
    struct session_code *k = s->code;
    uint8_t peer[X25519_KEY_BYTES], bundle[WA_PAIRING_BUNDLE_BYTES];
    const unsigned char *ref, *ident, *wrapped;
    size_t rlen, ilen, wlen;
    struct wa_pairing_code_rand rnd;
    struct binnode *iq, *r;
    int rc;

    ref = child_bytes(reg, "link_code_pairing_ref", &rlen);
    ident = child_bytes(reg, "primary_identity_pub", &ilen);
    wrapped = child_bytes(reg, "link_code_pairing_wrapped_primary_ephemeral_pub", &wlen);
    if (ref == NULL || rlen == 0 || rlen > WA_PAIRING_REF_MAX || ident == NULL || wrapped == NULL)
        return session_close(s, TRANSPORT_CLOSE_BAD_SESSION,
                             "notificación de vinculación con código incompleta", e);
    if (k->ref_len > 0 && (rlen != k->ref_len || memcmp(ref, k->ref, rlen) != 0))
        return RC_OK;
    secure_random(&rnd, sizeof rnd);
    rc = wa_pairing_code_unwrap(peer, k->code, wrapped, wlen, e);
    if (rc == RC_OK)
        rc = wa_pairing_code_finish(s->creds, &k->eph, peer, ident, ilen, &rnd, bundle, e);
    secure_wipe(&rnd, sizeof rnd);
    secure_wipe(peer, sizeof peer);
    if (rc != RC_OK)
        return session_close(s, TRANSPORT_CLOSE_BAD_SESSION,
                             rc == RC_CRYPTO ? "la clave del teléfono para vincular no es válida"
                                             : "notificación de vinculación con código malformada",
                             e);
    push_event(s, WA_SESSION_EV_CREDS); /* the new adv secret */
    iq = code_iq(s, "companion_finish", k->finish_id, sizeof k->finish_id, &r);
    add_bytes_child(r, "link_code_pairing_wrapped_key_bundle", bundle, sizeof bundle);
    add_bytes_child(r, "companion_identity_public", s->creds->identity.pub, X25519_KEY_BYTES);
    add_bytes_child(r, "link_code_pairing_ref", ref, rlen);
    push_send(s, iq);
    k->stage = CODE_FINISHED;
    return RC_OK;
}

/* <notification type="link_code_companion_reg"><link_code_companion_reg stage="primary_hello">
 * …: handled only while our code waits for the phone; acked after our answer (Baileys). */
static int
on_code_notification(struct wa_session *s, const struct binnode *n, struct err *e)
{
    const struct binnode *reg = binnode_child(n, "link_code_companion_reg");
    const char *stage = reg ? binnode_attr(reg, "stage") : NULL;
    int rc = RC_OK;

    if (s->phase == PH_CODE && s->code->stage == CODE_SHOWN &&
        (stage == NULL || strcmp(stage, "primary_hello") == 0))
        rc = code_finish(s, reg, e);
    if (rc == RC_OK && s->phase != PH_CLOSED)
        send_ack(s, n);
    return rc;
}

/* ---- input ----------------------------------------------------------------------------- */

static int
on_iq(struct wa_session *s, const struct binnode *n, int64_t now, struct err *e)
{
    const char *type = binnode_attr(n, "type"), *id = binnode_attr(n, "id");
    const struct binnode *first = binnode_nchildren(n) > 0 ? binnode_child_at(n, 0) : NULL;
    const char *ftag = first ? binnode_tag(first) : "";

    if (type == NULL)
        return RC_OK;
    if (strcmp(type, "set") == 0 && strcmp(ftag, "pair-device") == 0)
        return on_pair_device(s, n, first, now, e);
    if (strcmp(ftag, "pair-success") == 0)
        return on_pair_success(s, n, first, e);
    if (strcmp(type, "result") == 0 || strcmp(type, "error") == 0) {
        if (id != NULL && s->code != NULL && code_is_reply(s->code, id))
            return on_code_reply(s, n, id, e);
        if (id != NULL && s->pending_id[0] != '\0' && strcmp(id, s->pending_id) == 0)
            return on_step_reply(s, n, now, e);
        return RC_OK; /* ping replies and answers nobody waits for */
    }
    if (strcmp(type, "get") == 0 || strcmp(type, "set") == 0)
        send_result(s, n); /* an iq we do not handle: answer it so the server does not wait */
    return RC_OK;
}

static int
dispatch(struct wa_session *s, const struct binnode *n, int64_t now, struct err *e)
{
    const char *tag = binnode_tag(n);

    if (strcmp(tag, "iq") == 0)
        return on_iq(s, n, now, e);
    if (strcmp(tag, "success") == 0)
        return on_success(s, n, now, e);
    if (strcmp(tag, "failure") == 0)
        return on_failure(s, n, e);
    if (strcmp(tag, "stream:error") == 0)
        return on_stream_error(s, n, e);
    if (strcmp(tag, "xmlstreamend") == 0)
        return session_close(s, TRANSPORT_CLOSE_CLOSED, "el servidor terminó el flujo", e);
    if (strcmp(tag, "ib") == 0)
        return on_ib(s, n, e);
    if (strcmp(tag, "notification") == 0) {
        const char *type = binnode_attr(n, "type");

        if (type != NULL && strcmp(type, "link_code_companion_reg") == 0)
            return on_code_notification(s, n, e);
        send_ack(s, n);
        return maybe_topup(s, n, now, e);
    }
    if (strcmp(tag, "receipt") == 0 || strcmp(tag, "call") == 0)
        send_ack(s, n);
    /* <message> needs Signal (part 2): left unacknowledged, so the server redelivers it. */
    return RC_OK;
}

int
wa_session_feed(struct wa_session *s, const struct binnode *n, int64_t now_ms, struct err *e)
{
    int rc;

    assert(s != NULL && n != NULL);
    if (s->phase == PH_CLOSED)
        return err_set(e, RC_CLOSED, "sesión de WhatsApp cerrada");
    s->last_rx_ms = now_ms;
    rc = dispatch(s, n, now_ms, e);
    if (s->phase == PH_CLOSED)
        return RC_CLOSED;
    return rc == RC_OK ? RC_OK : session_close(s, TRANSPORT_CLOSE_BAD_SESSION, "error interno", e);
}

/* ---- timers ---------------------------------------------------------------------------- */

static void
send_ping(struct wa_session *s)
{
    char id[40];
    struct binnode *iq = iq_new(s, "get", "w:p", id, sizeof id);

    binnode_add(iq, "ping");
    push_send(s, iq);
}

int
wa_session_tick(struct wa_session *s, int64_t now_ms, struct err *e)
{
    if (s->phase == PH_CLOSED)
        return err_set(e, RC_CLOSED, "sesión de WhatsApp cerrada");
    if (!s->started) {
        if (now_ms - s->created_ms >= s->cfg.silence_ms)
            return session_close(s, TRANSPORT_CLOSE_TIMED_OUT, "el saludo Noise no terminó", e);
        return RC_OK;
    }
    if (s->phase == PH_CODE && now_ms >= s->code->deadline_ms)
        return session_close(s, TRANSPORT_CLOSE_TIMED_OUT, "el código de vinculación venció", e);
    if (now_ms >= s->next_ping_ms) {
        /* Baileys checks silence only when the keepalive interval fires. */
        if (now_ms - s->last_rx_ms > s->cfg.silence_ms)
            return session_close(s, TRANSPORT_CLOSE_TIMED_OUT,
                                 "conexión perdida: el servidor no respondió", e);
        send_ping(s);
        s->next_ping_ms = now_ms + s->cfg.keepalive_ms;
    }
    if (now_ms >= s->qr_deadline_ms && s->phase == PH_QR && qr_next(s, now_ms, e) != RC_OK)
        return RC_CLOSED;
    if (now_ms >= s->pending_deadline_ms && on_step_reply(s, NULL, now_ms, e) != RC_OK)
        return s->phase == PH_CLOSED ? RC_CLOSED : RC_OK;
    return s->phase == PH_CLOSED ? RC_CLOSED : RC_OK;
}

int64_t
wa_session_deadline(const struct wa_session *s)
{
    int64_t d;

    if (s->phase == PH_CLOSED)
        return INT64_MAX;
    if (!s->started)
        return s->created_ms + s->cfg.silence_ms;
    d = s->next_ping_ms;
    if (s->phase == PH_QR && s->qr_deadline_ms < d)
        d = s->qr_deadline_ms;
    if (s->phase == PH_CODE && s->code->deadline_ms < d)
        d = s->code->deadline_ms;
    if (s->pending_deadline_ms < d)
        d = s->pending_deadline_ms;
    return d;
}
