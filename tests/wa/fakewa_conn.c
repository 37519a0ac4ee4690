/* fakewa_conn — the protocol of one fake-server connection (tests only). See fakewa.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/secure.h"
#include "crypto/sign.h"
#include "fakewa.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/binnode.h"
#include "wa/noise.h"
#include "wa/pbwire.h"

/* What the fake server reads from a ClientPayload. */
struct fw_payload {
    uint64_t username;
    bool has_username;
    uint64_t device;
    bool passive;
    const uint8_t *reg; /* DevicePairingRegistrationData, a view */
    size_t reglen;
};

void
fw_conn_init(struct fw_conn *c, struct fw *srv, int id)
{
    memset(c, 0, sizeof *c);
    c->srv = srv;
    c->id = id;
    c->st = FW_HELLO;
    frame_dec_init(&c->dec, 0, true);
    c->hs = noise_hs_new(NOISE_RESPONDER, &srv->noise, NULL);
}

void
fw_conn_fini(struct fw_conn *c)
{
    struct fw_msg *m;

    while ((m = fw_conn_pop(c)) != NULL)
        free(m);
    frame_dec_fini(&c->dec);
    noise_hs_free(c->hs);
    noise_transport_free(c->tr);
    secure_wipe(c, sizeof *c);
}

struct fw_msg *
fw_conn_pop(struct fw_conn *c)
{
    struct fw_msg *m = c->out_head;

    if (m != NULL) {
        c->out_head = m->next;
        if (c->out_head == NULL)
            c->out_tail = NULL;
    }
    return m;
}

static void
fw_conn_queue(struct fw_conn *c, const struct strbuf *sb)
{
    struct fw_msg *m = xmalloc(sizeof *m + sb->len);

    m->next = NULL;
    m->len = sb->len;
    memcpy(m->buf, sb->buf, sb->len);
    if (c->out_tail != NULL)
        c->out_tail->next = m;
    else
        c->out_head = m;
    c->out_tail = m;
    fw_io_kick(c);
}

void
fw_conn_iq_id(struct fw_conn *c, char *buf, size_t len)
{
    snprintf(buf, len, "fw.%" PRIu64, ++c->srv->next_iq);
}

bool
fw_conn_send_node(struct fw_conn *c, const struct binnode *n)
{
    struct strbuf pt, ct, fr;
    struct err e;
    bool ok;

    strbuf_init(&pt);
    strbuf_init(&ct);
    strbuf_init(&fr);
    ok = binnode_encode(n, &pt, &e) == RC_OK &&
         noise_transport_encrypt(c->tr, (const uint8_t *)pt.buf, pt.len, &ct, &e) == RC_OK &&
         frame_put(&fr, (const uint8_t *)ct.buf, ct.len, &e) == RC_OK;
    if (ok) {
        char *dump = binnode_dump(n);

        fw_conn_queue(c, &fr);
        fprintf(stderr, "fakewa[%d] >> %s\n", c->id, dump);
        free(dump);
    } else {
        fw_event(c->srv, c->id, "error", "\"where\":\"send\"");
    }
    strbuf_fini(&pt);
    strbuf_fini(&ct);
    strbuf_fini(&fr);
    return ok;
}

/* A frame of random bytes where a transport ciphertext belongs: the client must refuse it
 * (tag mismatch) and close, never act on it. */
static void
fw_conn_send_forged(struct fw_conn *c)
{
    uint8_t junk[48];
    struct strbuf fr;

    c->srv->corrupt_next = false;
    secure_random(junk, sizeof junk);
    strbuf_init(&fr);
    if (frame_put(&fr, junk, sizeof junk, NULL) == RC_OK)
        fw_conn_queue(c, &fr);
    strbuf_fini(&fr);
    fw_event(c->srv, c->id, "forged-frame", NULL);
}

static bool
fw_payload_parse(const uint8_t *p, size_t len, struct fw_payload *pl)
{
    struct pbwire_reader r;
    struct pbwire_field f;
    bool got;

    memset(pl, 0, sizeof *pl);
    pbwire_reader_init(&r, p, len);
    for (;;) {
        if (pbwire_next(&r, &f, &got, NULL) != RC_OK)
            return false;
        if (!got)
            return true;
        if (f.num == 1 && f.type == PBWIRE_VARINT) {
            pl->username = f.varint;
            pl->has_username = true;
        } else if (f.num == 3 && f.type == PBWIRE_VARINT) {
            pl->passive = f.varint != 0;
        } else if (f.num == 18 && f.type == PBWIRE_VARINT) {
            pl->device = f.varint;
        } else if (f.num == 19 && f.type == PBWIRE_BYTES) {
            pl->reg = f.data;
            pl->reglen = f.len;
        }
    }
}

static bool
fw_conn_hello(struct fw_conn *c, const uint8_t *p, size_t len)
{
    struct strbuf hello, fr;
    struct err e;
    bool ok;

    strbuf_init(&hello);
    strbuf_init(&fr);
    ok = noise_resp_read_hello(c->hs, p, len, &e) == RC_OK &&
         noise_resp_write_server_hello(c->hs, (const uint8_t *)c->srv->chain->buf,
                                       c->srv->chain->len, &hello, &e) == RC_OK &&
         frame_put(&fr, (const uint8_t *)hello.buf, hello.len, &e) == RC_OK;
    if (ok) {
        size_t rlen;

        (void)frame_dec_routing(&c->dec, &rlen);
        fw_event(c->srv, c->id, "hello", "\"routing_bytes\":%zu", rlen);
        fw_conn_queue(c, &fr);
        c->st = FW_FINISH;
    } else {
        fw_event(c->srv, c->id, "hello-rejected", NULL);
    }
    strbuf_fini(&hello);
    strbuf_fini(&fr);
    return ok;
}

static void
fw_send_simple(struct fw_conn *c, const char *tag, const char *k, const char *v)
{
    struct binnode *n = binnode_new(tag);

    if (k != NULL)
        binnode_set_attr(n, k, v);
    (void)fw_conn_send_node(c, n);
    binnode_free(n);
}

static struct fw_account *
fw_account_find(struct fw *srv, uint64_t user, uint64_t device)
{
    char want[FW_JID_MAX];

    snprintf(want, sizeof want, "%" PRIu64 ":%" PRIu64 "@s.whatsapp.net", user, device);
    for (size_t i = 0; i < srv->nacc; i++)
        if (srv->acc[i].paired && strcmp(srv->acc[i].jid, want) == 0)
            return &srv->acc[i];
    return NULL;
}

static bool
fw_conn_login(struct fw_conn *c, const struct fw_payload *pl)
{
    struct fw_account *a = fw_account_find(c->srv, pl->username, pl->device);
    const char *why = NULL;
    struct binnode *n;
    char t[24];

    if (!pl->has_username)
        why = "no-username";
    else if (a == NULL)
        why = "unknown-device";
    else if (!secure_equal(a->noise_pub, c->client_static, FW_KEY))
        why = "noise-key-mismatch";
    fw_event(c->srv, c->id, "login",
             "\"username\":\"%" PRIu64 "\",\"device\":%" PRIu64
             ",\"passive\":%s,\"ok\":%s,\"why\":\"%s\"",
             pl->username, pl->device, pl->passive ? "true" : "false",
             why == NULL ? "true" : "false", why == NULL ? "" : why);
    if (why != NULL) {
        fw_send_simple(c, "failure", "reason", "401");
        c->close_after_flush = true;
        return true;
    }
    c->acc = a;
    snprintf(t, sizeof t, "%lld", (long long)time(NULL));
    n = binnode_new("success");
    binnode_set_attr(n, "t", t);
    binnode_set_attr(n, "props", "1");
    binnode_set_attr(n, "lid", a->lid);
    (void)fw_conn_send_node(c, n);
    binnode_free(n);
    fw_peer_login(c);
    n = binnode_new("ib");
    binnode_set_attr(binnode_add(n, "offline"), "count", "0");
    (void)fw_conn_send_node(c, n);
    binnode_free(n);
    if (c->srv->corrupt_next)
        fw_conn_send_forged(c);
    return true;
}

static bool
fw_conn_finish(struct fw_conn *c, const uint8_t *p, size_t len)
{
    struct strbuf payload;
    struct fw_payload pl;
    struct err e;
    bool ok = false;

    strbuf_init(&payload);
    if (noise_resp_read_finish(c->hs, p, len, &payload, &e) != RC_OK) {
        fw_event(c->srv, c->id, "finish-rejected", NULL);
        goto out;
    }
    memcpy(c->client_static, noise_hs_remote_static(c->hs), FW_KEY);
    c->tr = noise_hs_split(c->hs, &e);
    noise_hs_free(c->hs);
    c->hs = NULL;
    if (c->tr == NULL)
        goto out;
    c->st = FW_OPEN;
    if (!fw_payload_parse((const uint8_t *)payload.buf, payload.len, &pl)) {
        fw_event(c->srv, c->id, "payload-rejected", NULL);
        goto out;
    }
    c->registering = pl.reg != NULL;
    ok = c->registering ? fw_phone_registration(c, pl.reg, pl.reglen) : fw_conn_login(c, &pl);
out:
    strbuf_fini(&payload);
    return ok;
}

void
fw_conn_iq_result(struct fw_conn *c, const char *id, struct binnode *child)
{
    struct binnode *n = binnode_new("iq");

    binnode_set_attr(n, "from", "s.whatsapp.net");
    binnode_set_attr(n, "type", "result");
    binnode_set_attr(n, "id", id);
    if (child != NULL)
        binnode_add_child(n, child);
    (void)fw_conn_send_node(c, n);
    binnode_free(n);
}

void
fw_conn_iq_error(struct fw_conn *c, const char *id, const char *code, const char *text)
{
    struct binnode *n = binnode_new("iq"), *er;

    binnode_set_attr(n, "from", "s.whatsapp.net");
    binnode_set_attr(n, "type", "error");
    binnode_set_attr(n, "id", id);
    er = binnode_add(n, "error");
    binnode_set_attr(er, "code", code);
    binnode_set_attr(er, "text", text);
    (void)fw_conn_send_node(c, n);
    binnode_free(n);
}

bool
fw_child_bytes(const struct binnode *n, const char *tag, size_t want, const uint8_t **out)
{
    const struct binnode *ch = binnode_child(n, tag);
    size_t len;
    const unsigned char *p = ch != NULL ? binnode_content(ch, &len) : NULL;

    if (p == NULL || len != want)
        return false;
    *out = p;
    return true;
}

/* Validates a pre-key upload (guide §6.2); returns the number of keys or -1. */
static long
fw_prekeys_check(struct fw_conn *c, const struct binnode *iq)
{
    const uint8_t *reg, *type, *ident, *id, *val, *sig;
    const struct binnode *list = binnode_child(iq, "list"), *skey = binnode_child(iq, "skey");
    uint8_t msg[1 + FW_KEY];
    long n = 0;

    if (!fw_child_bytes(iq, "registration", 4, &reg) || !fw_child_bytes(iq, "type", 1, &type) ||
        type[0] != 5 || !fw_child_bytes(iq, "identity", FW_KEY, &ident) || list == NULL ||
        skey == NULL || c->acc == NULL || memcmp(ident, c->acc->ident_pub, FW_KEY) != 0)
        return -1;
    for (size_t i = 0; i < binnode_nchildren(list); i++) {
        const struct binnode *k = binnode_child_at(list, i);

        if (strcmp(binnode_tag(k), "key") != 0 || !fw_child_bytes(k, "id", 3, &id) ||
            !fw_child_bytes(k, "value", FW_KEY, &val))
            return -1;
        n++;
    }
    if (!fw_child_bytes(skey, "id", 3, &id) || !fw_child_bytes(skey, "value", FW_KEY, &val) ||
        !fw_child_bytes(skey, "signature", FW_SIG, &sig))
        return -1;
    msg[0] = 5;
    memcpy(msg + 1, val, FW_KEY);
    return sign_xeddsa_verify(ident, msg, sizeof msg, sig) ? n : -1;
}

static void
fw_conn_encrypt_iq(struct fw_conn *c, const struct binnode *iq, const char *id, const char *first)
{
    char v[24];
    struct binnode *r;

    if (strcmp(first, "count") == 0) {
        r = binnode_new("count");
        snprintf(v, sizeof v, "%u", c->acc != NULL ? c->acc->prekeys : 0u);
        binnode_set_attr(r, "value", v);
        fw_event(c->srv, c->id, "prekey-count", "\"value\":%s", v);
        fw_conn_iq_result(c, id, r);
    } else if (strcmp(first, "digest") == 0) {
        fw_event(c->srv, c->id, "digest", NULL);
        fw_conn_iq_result(c, id, binnode_new("digest"));
    } else if (binnode_child(iq, "registration") != NULL) {
        long n = fw_prekeys_check(c, iq);

        fw_event(c->srv, c->id, "prekey-upload", "\"keys\":%ld,\"ok\":%s", n,
                 n >= 0 ? "true" : "false");
        if (n >= 0 && c->acc != NULL)
            c->acc->prekeys += (uint32_t)n;
        fw_conn_iq_result(c, id, NULL);
    } else {
        fw_conn_iq_result(c, id, NULL);
    }
}

static bool
fw_conn_iq(struct fw_conn *c, const struct binnode *iq)
{
    const char *type = binnode_attr(iq, "type"), *id = binnode_attr(iq, "id");
    const char *xmlns = binnode_attr(iq, "xmlns");
    const struct binnode *ch = binnode_nchildren(iq) > 0 ? binnode_child_at(iq, 0) : NULL;
    const char *first = ch != NULL ? binnode_tag(ch) : "";
    char sx[64], st[16], sf[64];

    if (type == NULL || id == NULL)
        return false;
    fw_event(c->srv, c->id, "iq", "\"type\":\"%s\",\"xmlns\":\"%s\",\"child\":\"%s\"",
             fw_safe(st, sizeof st, type), fw_safe(sx, sizeof sx, xmlns),
             fw_safe(sf, sizeof sf, first));
    if (strcmp(type, "result") == 0 || strcmp(type, "error") == 0) {
        if (c->pair_iq[0] != '\0' && strcmp(id, c->pair_iq) == 0)
            return fw_phone_device_sign(c, iq);
        return true;
    }
    if (xmlns != NULL && strcmp(xmlns, "md") == 0 && strcmp(first, "link_code_companion_reg") == 0)
        return fw_link_iq(c, iq);
    if (xmlns != NULL && strcmp(xmlns, "usync") == 0)
        return fw_peer_usync(c, iq);
    if (xmlns != NULL && strcmp(xmlns, "encrypt") == 0 && strcmp(first, "key") == 0)
        return fw_peer_keys(c, iq);
    if (xmlns != NULL && strcmp(xmlns, "encrypt") == 0)
        fw_conn_encrypt_iq(c, iq, id, first);
    else
        fw_conn_iq_result(c, id, NULL); /* ping, passive/active, abt, privacy, blocklist… */
    if (xmlns != NULL && strcmp(xmlns, "passive") == 0 && strcmp(first, "active") == 0)
        fw_event(c->srv, c->id, "active", NULL);
    return true;
}

static bool
fw_conn_node(struct fw_conn *c, const uint8_t *p, size_t len)
{
    struct strbuf pt;
    struct binnode *n = NULL;
    struct err e;
    bool ok = false;

    strbuf_init(&pt);
    if (noise_transport_decrypt(c->tr, p, len, &pt, &e) != RC_OK ||
        binnode_decode(pt.buf, pt.len, &n, &e) != RC_OK) {
        fw_event(c->srv, c->id, "frame-rejected", NULL);
        goto out;
    }
    {
        char *dump = binnode_dump(n);
        char tag[32];

        fprintf(stderr, "fakewa[%d] << %s\n", c->id, dump);
        free(dump);
        if (strcmp(binnode_tag(n), "iq") == 0) {
            ok = fw_conn_iq(c, n);
        } else if (strcmp(binnode_tag(n), "message") == 0 && c->acc != NULL) {
            ok = fw_peer_message(c, n);
        } else {
            char type[32], name[64], to[64];

            /* presence: type and name; chatstate: to and whether it is composing. */
            fw_event(c->srv, c->id, "node",
                     "\"tag\":\"%s\",\"type\":\"%s\",\"name\":\"%s\",\"to\":\"%s\","
                     "\"composing\":%s",
                     fw_safe(tag, sizeof tag, binnode_tag(n)),
                     fw_safe(type, sizeof type, binnode_attr(n, "type")),
                     fw_safe(name, sizeof name, binnode_attr(n, "name")),
                     fw_safe(to, sizeof to, binnode_attr(n, "to")),
                     binnode_child(n, "composing") != NULL ? "true" : "false");
            ok = true;
        }
    }
out:
    binnode_free(n);
    strbuf_fini(&pt);
    return ok;
}

bool
fw_conn_feed(struct fw_conn *c, const uint8_t *p, size_t len)
{
    const uint8_t *fr;
    size_t flen;
    struct err e;

    if (c->st == FW_DEAD || frame_dec_feed(&c->dec, p, len, &e) != RC_OK)
        return false;
    for (;;) {
        bool ok = false;

        if (frame_dec_pop(&c->dec, &fr, &flen, &e) != RC_OK) {
            fw_event(c->srv, c->id, "framing-rejected", NULL);
            return false;
        }
        if (fr == NULL)
            return true;
        switch (c->st) {
        case FW_HELLO:
            ok = fw_conn_hello(c, fr, flen);
            break;
        case FW_FINISH:
            ok = fw_conn_finish(c, fr, flen);
            break;
        case FW_OPEN:
            ok = fw_conn_node(c, fr, flen);
            break;
        case FW_DEAD:
            ok = false;
            break;
        }
        if (!ok) {
            c->st = FW_DEAD;
            return false;
        }
    }
}
