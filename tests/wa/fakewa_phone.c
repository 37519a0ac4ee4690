/* fakewa_phone — the simulated phones: registration check, QR scan, pair-success, 515 (tests
 * only). Each phone is its own account (user, LID, identity key); the one that scans a QR
 * (or takes a typed code, fakewa_link.c) owns the device it links. Byte layouts:
 * ../shared/docs/wa-protocol.md §4.3 and §5. */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "crypto/digest.h"
#include "crypto/secure.h"
#include "crypto/sign.h"
#include "fakewa.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/strbuf.h"
#include "wa/binnode.h"
#include "wa/pbwire.h"

#define FW_QR_PREFIX "https://wa.me/settings/linked_devices#"

/* Collects bytes fields 1..8 of a message into views (last value wins). */
static bool
fw_pb_fields(const uint8_t *p, size_t len, const uint8_t *v[9], size_t vl[9])
{
    struct pbwire_reader r;
    struct pbwire_field f;
    bool got;

    memset(v, 0, 9 * sizeof v[0]);
    memset(vl, 0, 9 * sizeof vl[0]);
    pbwire_reader_init(&r, p, len);
    for (;;) {
        if (pbwire_next(&r, &f, &got, NULL) != RC_OK)
            return false;
        if (!got)
            return true;
        if (f.num <= 8 && f.type == PBWIRE_BYTES) {
            v[f.num] = f.data;
            vl[f.num] = f.len;
        }
    }
}

void
fw_phones_init(struct fw *srv)
{
    static const char *const tab[FW_PHONES][3] = {
        { FW_PHONE_USER, FW_LID_USER, FW_PUSH_NAME },
        { FW_PHONE2_USER, FW_LID2_USER, FW_PUSH_NAME2 },
    };

    for (int i = 0; i < FW_PHONES; i++) {
        srv->phones[i].user = tab[i][0];
        srv->phones[i].lid = tab[i][1];
        srv->phones[i].name = tab[i][2];
        x25519_keypair_gen(&srv->phones[i].key);
    }
}

const struct fw_phone *
fw_phone_find(const struct fw *srv, const char *user)
{
    for (int i = 0; user != NULL && i < FW_PHONES; i++)
        if (strcmp(srv->phones[i].user, user) == 0 || strcmp(srv->phones[i].lid, user) == 0)
            return &srv->phones[i];
    return NULL;
}

static void
fw_send_pair_device(struct fw_conn *c)
{
    struct binnode *iq = binnode_new("iq"), *pd;
    char id[32];

    fw_conn_iq_id(c, id, sizeof id);
    binnode_set_attr(iq, "from", "@s.whatsapp.net");
    binnode_set_attr(iq, "type", "set");
    binnode_set_attr(iq, "id", id);
    binnode_set_attr(iq, "xmlns", "md");
    pd = binnode_add(iq, "pair-device");
    for (int i = 0; i < FW_REFS; i++) {
        uint8_t rnd[FW_REF_BYTES / 2];

        secure_random(rnd, sizeof rnd);
        hex_encode(c->refs[i], rnd, sizeof rnd);
        binnode_set_bytes(binnode_add(pd, "ref"), c->refs[i], strlen(c->refs[i]));
    }
    (void)fw_conn_send_node(c, iq);
    binnode_free(iq);
    fw_event(c->srv, c->id, "pair-device", "\"refs\":%d", FW_REFS);
}

bool
fw_phone_registration(struct fw_conn *c, const uint8_t *p, size_t len)
{
    const uint8_t *v[9];
    size_t vl[9];
    uint8_t msg[1 + FW_KEY];
    const char *why = NULL;
    char ident[2 * FW_KEY + 1] = "";

    if (!fw_pb_fields(p, len, v, vl))
        why = "malformed";
    else if (vl[1] != 4 || vl[2] != 1 || v[2][0] != 5 || vl[3] != FW_KEY || vl[4] != 3 ||
             vl[5] != FW_KEY || vl[6] != FW_SIG || vl[7] != 16 || vl[8] == 0)
        why = "layout";
    if (why == NULL) {
        msg[0] = 5;
        memcpy(msg + 1, v[5], FW_KEY);
        if (!sign_xeddsa_verify(v[3], msg, sizeof msg, v[6]))
            why = "skey-signature";
    }
    if (why == NULL) {
        memcpy(c->ident, v[3], FW_KEY);
        c->regid =
            (uint32_t)v[1][0] << 24 | (uint32_t)v[1][1] << 16 | (uint32_t)v[1][2] << 8 | v[1][3];
        hex_encode(ident, c->ident, FW_KEY);
    }
    fw_event(c->srv, c->id, "registration",
             "\"ok\":%s,\"why\":\"%s\",\"regid\":%" PRIu32 ",\"identity\":\"%s\"",
             why == NULL ? "true" : "false", why == NULL ? "" : why, c->regid, ident);
    if (why != NULL)
        return false;
    fw_send_pair_device(c);
    return true;
}

/* Splits the QR string (with or without the URL prefix and platform id) and finds the
 * registering connection that showed its ref. */
static struct fw_conn *
fw_qr_conn(struct fw *srv, const char *qr, const char *part[5], size_t plen[5], int *nparts)
{
    const char *s =
        strncmp(qr, FW_QR_PREFIX, strlen(FW_QR_PREFIX)) == 0 ? qr + strlen(FW_QR_PREFIX) : qr;
    int n = 0;

    while (n < 5) {
        const char *comma = strchr(s, ',');

        part[n] = s;
        plen[n] = comma != NULL ? (size_t)(comma - s) : strlen(s);
        n++;
        if (comma == NULL)
            break;
        s = comma + 1;
    }
    *nparts = n;
    if (n < 4)
        return NULL;
    for (struct fw_conn *c = srv->conns; c != NULL; c = c->next)
        for (int i = 0; c->registering && c->st == FW_OPEN && i < FW_REFS; i++)
            if (strlen(c->refs[i]) == plen[0] && memcmp(c->refs[i], part[0], plen[0]) == 0)
                return c;
    return NULL;
}

/* ADVSignedDeviceIdentityHMAC for c's identity, signed by its account's phone, MACed with
 * adv. */
static bool
fw_build_identity(struct fw_conn *c, const uint8_t adv[FW_KEY], struct strbuf *out)
{
    struct strbuf details, msg, signed_id;
    uint8_t sig[FW_SIG], mac[DIGEST_SHA256_BYTES], raw[4];
    bool ok;

    strbuf_init(&details);
    strbuf_init(&msg);
    strbuf_init(&signed_id);
    secure_random(raw, sizeof raw);
    pbwire_put_uint(&details, 1, (uint32_t)raw[0] << 16 | (uint32_t)raw[1] << 8 | raw[2]);
    pbwire_put_uint(&details, 2, (uint64_t)time(NULL));
    pbwire_put_uint(&details, 3, 1);
    strbuf_add(&msg, "\x06\x00", 2);
    strbuf_add(&msg, details.buf, details.len);
    strbuf_add(&msg, c->ident, FW_KEY);
    ok = details.len <= sizeof c->adv_details &&
         sign_xeddsa(sig, c->acc->phone->key.priv, (const uint8_t *)msg.buf, msg.len, NULL, NULL) ==
             RC_OK;
    if (ok) {
        memcpy(c->adv_details, details.buf, details.len);
        c->adv_details_len = details.len;
        pbwire_put_bytes(&signed_id, 1, (const uint8_t *)details.buf, details.len);
        pbwire_put_bytes(&signed_id, 2, c->acc->phone->key.pub, FW_KEY);
        pbwire_put_bytes(&signed_id, 3, sig, FW_SIG);
        digest_hmac_sha256(mac, adv, FW_KEY, (const uint8_t *)signed_id.buf, signed_id.len);
        pbwire_put_bytes(out, 1, (const uint8_t *)signed_id.buf, signed_id.len);
        pbwire_put_bytes(out, 2, mac, sizeof mac);
    }
    strbuf_fini(&details);
    strbuf_fini(&msg);
    strbuf_fini(&signed_id);
    return ok;
}

static struct fw_account *
fw_account_add(struct fw_conn *c, const struct fw_phone *phone)
{
    struct fw *srv = c->srv;
    struct fw_account *a;

    if (srv->nacc >= FW_ACCOUNTS_MAX)
        return NULL;
    a = &srv->acc[srv->nacc++];
    memset(a, 0, sizeof *a);
    a->phone = phone;
    a->device = srv->next_device++;
    snprintf(a->jid, sizeof a->jid, "%s:%" PRIu32 "@s.whatsapp.net", phone->user, a->device);
    snprintf(a->lid, sizeof a->lid, "%s:%" PRIu32 "@lid", phone->lid, a->device);
    memcpy(a->noise_pub, c->client_static, FW_KEY);
    memcpy(a->ident_pub, c->ident, FW_KEY);
    return a;
}

void
fw_phone_send_pair_success(struct fw_conn *c, const struct strbuf *identity)
{
    struct binnode *iq = binnode_new("iq"), *ps, *dev;

    fw_conn_iq_id(c, c->pair_iq, sizeof c->pair_iq);
    binnode_set_attr(iq, "from", "@s.whatsapp.net");
    binnode_set_attr(iq, "type", "set");
    binnode_set_attr(iq, "id", c->pair_iq);
    binnode_set_attr(iq, "xmlns", "md");
    ps = binnode_add(iq, "pair-success");
    binnode_set_bytes(binnode_add(ps, "device-identity"), identity->buf, identity->len);
    binnode_set_attr(binnode_add(ps, "platform"), "name", "android");
    binnode_set_attr(binnode_add(ps, "biz"), "name", c->acc->phone->name); /* account's name */
    dev = binnode_add(ps, "device");
    binnode_set_attr(dev, "jid", c->acc->jid);
    binnode_set_attr(dev, "lid", c->acc->lid);
    (void)fw_conn_send_node(c, iq);
    binnode_free(iq);
}

/* Checks the QR's keys against the connection's handshake and registration. */
static const char *
fw_qr_check(struct fw_conn *c, const char *part[5], const size_t plen[5], uint8_t adv[FW_KEY])
{
    uint8_t k[FW_KEY + 3];

    if (fw_b64_decode(part[1], plen[1], k, sizeof k) != FW_KEY ||
        !secure_equal(k, c->client_static, FW_KEY))
        return "noise-key";
    if (fw_b64_decode(part[2], plen[2], k, sizeof k) != FW_KEY ||
        !secure_equal(k, c->ident, FW_KEY))
        return "identity-key";
    if (fw_b64_decode(part[3], plen[3], adv, FW_KEY) != FW_KEY)
        return "adv-secret";
    return NULL;
}

const char *
fw_phone_link(struct fw_conn *c, const struct fw_phone *phone, const uint8_t adv[FW_KEY],
              struct strbuf *identity)
{
    if (c->pair_iq[0] != '\0' || c->acc != NULL)
        return "already-scanned";
    if ((c->acc = fw_account_add(c, phone)) == NULL)
        return "too-many-devices";
    if (!fw_build_identity(c, adv, identity))
        return "sign";
    return NULL;
}

bool
fw_phone_scan(struct fw *srv, const struct fw_phone *phone, const char *qr)
{
    const char *part[5];
    size_t plen[5];
    int nparts = 0;
    uint8_t adv[FW_KEY];
    struct fw_conn *c = fw_qr_conn(srv, qr, part, plen, &nparts);
    const char *why = c == NULL ? "unknown-ref" : fw_qr_check(c, part, plen, adv);
    struct strbuf identity;

    strbuf_init(&identity);
    if (why == NULL)
        why = fw_phone_link(c, phone, adv, &identity);
    fw_event(srv, c != NULL ? c->id : 0, "scan",
             "\"ok\":%s,\"why\":\"%s\",\"parts\":%d,"
             "\"platform\":\"%.*s\",\"phone\":\"%s\"",
             why == NULL ? "true" : "false", why == NULL ? "" : why, nparts,
             nparts == 5 ? (int)(plen[4] < 8 ? plen[4] : 8) : 0, nparts == 5 ? part[4] : "",
             phone->user);
    if (why == NULL)
        fw_phone_send_pair_success(c, &identity);
    secure_wipe(adv, sizeof adv);
    strbuf_fini(&identity);
    return why == NULL;
}

/* Checks ADVSignedDeviceIdentity from pair-device-sign: our details, our account signature,
 * no account key, and a valid device signature (06 01 prefix). */
static const char *
fw_device_sign_check(struct fw_conn *c, const uint8_t *p, size_t len)
{
    const uint8_t *v[9];
    size_t vl[9];
    struct strbuf msg;
    bool ok;

    if (!fw_pb_fields(p, len, v, vl))
        return "malformed";
    if (vl[1] != c->adv_details_len || memcmp(v[1], c->adv_details, vl[1]) != 0)
        return "details";
    if (v[2] != NULL)
        return "account-key-present";
    if (vl[3] != FW_SIG || vl[4] != FW_SIG)
        return "signature-length";
    strbuf_init(&msg);
    strbuf_add(&msg, "\x06\x01", 2);
    strbuf_add(&msg, v[1], vl[1]);
    strbuf_add(&msg, c->ident, FW_KEY);
    strbuf_add(&msg, c->acc->phone->key.pub, FW_KEY);
    ok = sign_xeddsa_verify(c->ident, (const uint8_t *)msg.buf, msg.len, v[4]);
    strbuf_fini(&msg);
    return ok ? NULL : "device-signature";
}

bool
fw_phone_device_sign(struct fw_conn *c, const struct binnode *iq)
{
    const struct binnode *pds = binnode_child(iq, "pair-device-sign");
    const struct binnode *di = pds != NULL ? binnode_child(pds, "device-identity") : NULL;
    const char *ki = di != NULL ? binnode_attr(di, "key-index") : NULL;
    size_t len = 0;
    const unsigned char *p = di != NULL ? binnode_content(di, &len) : NULL;
    const char *why = p == NULL                            ? "no-device-identity"
                      : ki == NULL || strcmp(ki, "1") != 0 ? "key-index"
                                                           : fw_device_sign_check(c, p, len);
    struct binnode *se;

    c->pair_iq[0] = '\0';
    fw_event(c->srv, c->id, "device-sign", "\"ok\":%s,\"why\":\"%s\",\"jid\":\"%s\"",
             why == NULL ? "true" : "false", why == NULL ? "" : why, c->acc->jid);
    if (why != NULL)
        return false;
    c->acc->paired = true;
    se = binnode_new("stream:error");
    binnode_set_attr(se, "code", "515");
    (void)fw_conn_send_node(c, se);
    binnode_free(se);
    fw_event(c->srv, c->id, "restart", "\"code\":515");
    c->close_after_flush = true;
    return true;
}
