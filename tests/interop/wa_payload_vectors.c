/* wa_payload_vectors — embudo's side of the ClientPayload / QR / pair-device-sign
 * cross-check with the pinned Baileys (tests/interop/payload-vectors.mjs, run by
 * tests/interop/run-payload.sh).
 *
 *   wa_payload_vectors emit   one JSON object per line for each configuration below:
 *                             the credentials' public parts, the config, and embudo's
 *                             registration payload, login payload and QR string (hex/text),
 *                             plus a pair-success made by a test phone and embudo's
 *                             pair-device-sign reply to it
 *
 * The Node side rebuilds the payloads and the QR with Baileys from the same inputs and
 * compares bytes; it runs Baileys' configureSuccessfulPairing on the same pair-success and
 * checks that both replies agree (everything but the randomised device signature, which
 * each side verifies). Test-only; deterministic keys from SHA-256 of a label. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/digest.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "wa.pb-c.h"
#include "wa/creds.h"
#include "wa/pairing.h"
#include "wa/payload.h"
#include "wa/session.h"

struct variant {
    const char *name, *os, *browser, *country, *push;
    bool full_sync;
    uint32_t version[3];
};

static const struct variant VARIANTS[] = {
    { "default", "Mac OS", "Chrome", "US", NULL, true, { 2, 3000, 1043857760 } },
    { "windows-desktop", "Windows", "Desktop", "MX", "Ana", true, { 2, 3000, 1043857760 } },
    { "macos-desktop-nosync", "Mac OS", "Desktop", "US", NULL, false, { 2, 3000, 1 } },
    { "ubuntu-firefox", "Ubuntu", "Firefox", "BR", "Zé", true, { 2, 2413, 51 } },
    { "android", "Android", "Android", "US", NULL, true, { 2, 3000, 1043857760 } },
    { "other-browser", "Linux", "Lynx", "US", NULL, true, { 2, 3000, 1043857760 } },
};

static void
put_hex(const char *key, const void *p, size_t n)
{
    const uint8_t *b = p;

    printf("\"%s\":\"", key);
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\"");
}

static void
derive_pair(struct x25519_keypair *kp, const char *label, const char *name)
{
    uint8_t seed[DIGEST_SHA256_BYTES];

    digest_sha256(seed, (const uint8_t *)label, strlen(label), (const uint8_t *)name, strlen(name));
    if (x25519_keypair_from_priv(kp, seed, NULL) != RC_OK)
        exit(2);
}

/* Credentials from fixed seeds (the signature nonce is random; Node receives the bytes). */
static struct wa_creds *
fixed_creds(const char *name)
{
    struct wa_creds *c = wa_creds_generate(NULL);
    uint8_t msg[33];

    if (c == NULL)
        exit(2);
    derive_pair(&c->noise, "noise", name);
    derive_pair(&c->identity, "identity", name);
    derive_pair(&c->signed_prekey, "spk", name);
    digest_sha256(c->adv_secret, (const uint8_t *)"adv", 3, (const uint8_t *)name, strlen(name));
    c->registration_id = (uint32_t)(strlen(name) * 997) & 0x3FFF;
    msg[0] = 0x05;
    memcpy(msg + 1, c->signed_prekey.pub, 32);
    if (sign_xeddsa(c->signed_prekey_sig, c->identity.priv, msg, sizeof msg, NULL, NULL) != 0)
        exit(2);
    return c;
}

static void
pack(const ProtobufCMessage *m, struct strbuf *out)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *b = malloc(n ? n : 1);

    protobuf_c_message_pack(m, b);
    strbuf_add(out, b, n);
    free(b);
}

/* A phone's ADVSignedDeviceIdentityHMAC for c, signed by the phone key ph. */
static void
phone_device_identity(const struct wa_creds *c, struct x25519_keypair *ph, struct strbuf *out)
{
    Proto__ADVDeviceIdentity d = PROTO__ADVDEVICE_IDENTITY__INIT;
    Proto__ADVSignedDeviceIdentity a = PROTO__ADVSIGNED_DEVICE_IDENTITY__INIT;
    Proto__ADVSignedDeviceIdentityHMAC h = PROTO__ADVSIGNED_DEVICE_IDENTITY_HMAC__INIT;
    struct strbuf det, acc, msg;
    uint8_t sig[64], mac[32];

    strbuf_init(&det);
    strbuf_init(&acc);
    strbuf_init(&msg);
    d.has_rawid = d.has_timestamp = d.has_keyindex = 1;
    d.rawid = 4242;
    d.timestamp = 1700000000;
    d.keyindex = 3;
    pack(&d.base, &det);
    strbuf_add(&msg, "\x06\x00", 2);
    strbuf_add(&msg, det.buf, det.len);
    strbuf_add(&msg, c->identity.pub, 32);
    if (sign_xeddsa(sig, ph->priv, (uint8_t *)msg.buf, msg.len, NULL, NULL) != 0)
        exit(2);
    a.has_details = a.has_accountsignaturekey = a.has_accountsignature = 1;
    a.details = (ProtobufCBinaryData){ det.len, (uint8_t *)det.buf };
    a.accountsignaturekey = (ProtobufCBinaryData){ 32, ph->pub };
    a.accountsignature = (ProtobufCBinaryData){ 64, sig };
    pack(&a.base, &acc);
    digest_hmac_sha256(mac, c->adv_secret, 32, (uint8_t *)acc.buf, acc.len);
    h.has_details = h.has_hmac = 1;
    h.details = (ProtobufCBinaryData){ acc.len, (uint8_t *)acc.buf };
    h.hmac = (ProtobufCBinaryData){ 32, mac };
    pack(&h.base, out);
    strbuf_fini(&det);
    strbuf_fini(&acc);
    strbuf_fini(&msg);
}

static void
emit_pairing(struct wa_creds *c, const char *name)
{
    struct x25519_keypair ph;
    struct wa_pairing_result res;
    struct strbuf di, reply;

    derive_pair(&ph, "phone", name);
    strbuf_init(&di);
    strbuf_init(&reply);
    phone_device_identity(c, &ph, &di);
    if (wa_pairing_accept(c, (uint8_t *)di.buf, di.len, &reply, &res, NULL) != RC_OK)
        exit(3);
    put_hex("identityPriv", c->identity.priv, 32); /* test keys: Baileys signs with it */
    printf(",");
    put_hex("deviceIdentity", di.buf, di.len);
    printf(",");
    put_hex("pairReply", reply.buf, reply.len);
    printf(",\"keyIndex\":%u", (unsigned)res.key_index);
    strbuf_fini(&di);
    strbuf_fini(&reply);
}

static void
emit_one(const struct variant *v)
{
    struct wa_session_config cfg;
    struct wa_creds *c = fixed_creds(v->name);
    struct strbuf reg, login;
    char qr[WA_SESSION_TEXT_MAX];

    wa_session_config_default(&cfg);
    cfg.browser_os = v->os;
    cfg.browser_name = v->browser;
    cfg.country = v->country;
    cfg.push_name = v->push;
    cfg.sync_full_history = v->full_sync;
    memcpy(cfg.version, v->version, sizeof cfg.version);
    strbuf_init(&reg);
    strbuf_init(&login);
    if (wa_payload_registration(&cfg, c, &reg, NULL) != RC_OK ||
        wa_payload_login(&cfg, "15550001111:7@s.whatsapp.net", &login, NULL) != RC_OK ||
        wa_pairing_qr(qr, sizeof qr, "2@Zm9vYmFy+/=", c, wa_payload_platform_id(v->os, v->browser),
                      NULL) != RC_OK)
        exit(3);
    printf("{\"name\":\"%s\",\"os\":\"%s\",\"browser\":\"%s\",\"country\":\"%s\",", v->name, v->os,
           v->browser, v->country);
    printf("\"pushName\":%s%s%s,\"syncFullHistory\":%s,", v->push ? "\"" : "",
           v->push ? v->push : "null", v->push ? "\"" : "", v->full_sync ? "true" : "false");
    printf("\"version\":[%u,%u,%u],\"regid\":%u,\"jid\":\"15550001111:7@s.whatsapp.net\",",
           (unsigned)v->version[0], (unsigned)v->version[1], (unsigned)v->version[2],
           (unsigned)c->registration_id);
    put_hex("noisePub", c->noise.pub, 32);
    printf(",");
    put_hex("identityPub", c->identity.pub, 32);
    printf(",");
    put_hex("spkPub", c->signed_prekey.pub, 32);
    printf(",");
    put_hex("spkSig", c->signed_prekey_sig, 64);
    printf(",");
    put_hex("adv", c->adv_secret, 32);
    printf(",\"ref\":\"2@Zm9vYmFy+/=\",\"qr\":\"%s\",", qr);
    put_hex("registration", reg.buf, reg.len);
    printf(",");
    put_hex("login", login.buf, login.len);
    printf(",");
    emit_pairing(c, v->name);
    printf("}\n");
    strbuf_fini(&reg);
    strbuf_fini(&login);
    wa_creds_free(c);
}

int
main(int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[1], "emit") != 0) {
        fprintf(stderr, "uso: wa_payload_vectors emit\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof VARIANTS / sizeof VARIANTS[0]; i++)
        emit_one(&VARIANTS[i]);
    return 0;
}
