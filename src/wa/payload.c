#include "wa/payload.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto/md5.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "wa.pb-c.h"
#include "wa/creds.h"
#include "wa/session.h"

/* protoc-c declares string fields as char * although packing only reads them; this hands
 * it a read-only string without a qualifier-dropping cast. */
static char *
ro(const char *s)
{
    char *p;

    memcpy(&p, &s, sizeof p);
    return p;
}

/* The same for bytes fields. */
static uint8_t *
ro_bytes(const uint8_t *s)
{
    uint8_t *p;

    memcpy(&p, &s, sizeof p);
    return p;
}

static bool
is_android(const char *browser)
{
    for (const char *p = browser; *p; p++)
        if (strncasecmp(p, "android", 7) == 0)
            return true;
    return false;
}

/* DeviceProps.PlatformType names, indexed by value (wa.proto). */
static const char *const PLATFORM_TYPES[] = {
    "UNKNOWN",
    "CHROME",
    "FIREFOX",
    "IE",
    "OPERA",
    "SAFARI",
    "EDGE",
    "DESKTOP",
    "IPAD",
    "ANDROID_TABLET",
    "OHANA",
    "ALOHA",
    "CATALINA",
    "TCL_TV",
    "IOS_PHONE",
    "IOS_CATALYST",
    "ANDROID_PHONE",
    "ANDROID_AMBIGUOUS",
    "WEAR_OS",
    "AR_WRIST",
    "AR_DEVICE",
    "UWP",
    "VR",
    "CLOUD_API",
    "SMARTGLASSES",
};

int
wa_payload_platform_type(const char *browser)
{
    if (strcasecmp(browser, "android") == 0)
        return PROTO__DEVICE_PROPS__PLATFORM_TYPE__ANDROID_PHONE;
    /* Baileys looks the name up in the enum and falls back to CHROME for unknown names and
     * for UNKNOWN itself (value 0 is falsy), so index 0 is never returned. */
    for (size_t i = 1; i < sizeof PLATFORM_TYPES / sizeof PLATFORM_TYPES[0]; i++)
        if (strcasecmp(browser, PLATFORM_TYPES[i]) == 0)
            return (int)i;
    return PROTO__DEVICE_PROPS__PLATFORM_TYPE__CHROME;
}

int
wa_payload_platform_id(const char *os, const char *browser)
{
    static const char *const names[] = { "Chrome", "Edge", "Firefox", "IE", "Opera", "Safari" };

    if (strcmp(browser, "Desktop") == 0)
        return strcmp(os, "Windows") == 0 ? 8 : 7;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(browser, names[i]) == 0)
            return (int)i + 1;
    return 9;
}

/* Reads 1..20 digits into *v without overflow. Returns the number of characters used. */
static size_t
parse_u64(const char *s, uint64_t *v)
{
    size_t i = 0;

    *v = 0;
    while (isdigit((unsigned char)s[i]) && i < 21) {
        unsigned d = (unsigned)(s[i] - '0');

        if (*v > (UINT64_MAX - d) / 10)
            return 0;
        *v = *v * 10 + d;
        i++;
    }
    return i > 20 ? 0 : i;
}

int
wa_payload_parse_jid(const char *jid, uint64_t *user, uint32_t *device, int *has_device,
                     struct err *e)
{
    size_t n = parse_u64(jid, user);
    const char *p = jid + n;
    uint64_t dev;

    *device = 0;
    *has_device = 0;
    if (n == 0)
        return err_set(e, RC_INVAL, "jid propio inválido");
    if (*p == '_') { /* an agent: digits we do not use */
        size_t k = parse_u64(p + 1, &dev);

        if (k == 0)
            return err_set(e, RC_INVAL, "jid propio inválido");
        p += 1 + k;
    }
    if (*p == ':') {
        size_t k = parse_u64(p + 1, &dev);

        if (k == 0 || dev > 65535)
            return err_set(e, RC_INVAL, "jid propio inválido");
        *device = (uint32_t)dev;
        *has_device = 1;
        p += 1 + k;
    }
    if (*p != '@' || p[1] == '\0')
        return err_set(e, RC_INVAL, "jid propio inválido");
    return RC_OK;
}

/* A protobuf-c output sink that appends to a strbuf (base must stay first). */
struct sb_sink {
    ProtobufCBuffer base;
    struct strbuf *sb;
};

static void
sb_sink_append(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
    struct sb_sink *s = (struct sb_sink *)b;

    strbuf_add(s->sb, data, len);
}

static void
pack_into(const ProtobufCMessage *m, struct strbuf *out)
{
    struct sb_sink sink = { { sb_sink_append }, out };

    protobuf_c_message_pack_to_buffer(m, &sink.base);
}

/* Everything getClientPayload() sets; pointers into the caller's structs. */
struct common {
    Proto__ClientPayload__UserAgent ua;
    Proto__ClientPayload__UserAgent__AppVersion ver;
    Proto__ClientPayload__WebInfo web;
};

static void
common_fill(Proto__ClientPayload *p, struct common *c, const struct wa_session_config *cfg)
{
    Proto__ClientPayload__UserAgent ua = PROTO__CLIENT_PAYLOAD__USER_AGENT__INIT;
    Proto__ClientPayload__UserAgent__AppVersion ver =
        PROTO__CLIENT_PAYLOAD__USER_AGENT__APP_VERSION__INIT;
    Proto__ClientPayload__WebInfo web = PROTO__CLIENT_PAYLOAD__WEB_INFO__INIT;
    bool android = is_android(cfg->browser_name);

    c->ver = ver;
    c->ver.has_primary = c->ver.has_secondary = c->ver.has_tertiary = 1;
    c->ver.primary = cfg->version[0];
    c->ver.secondary = cfg->version[1];
    c->ver.tertiary = cfg->version[2];
    c->ua = ua;
    c->ua.has_platform = 1;
    c->ua.platform = android ? PROTO__CLIENT_PAYLOAD__USER_AGENT__PLATFORM__ANDROID
                             : PROTO__CLIENT_PAYLOAD__USER_AGENT__PLATFORM__WEB;
    c->ua.appversion = &c->ver;
    c->ua.mcc = ro("000");
    c->ua.mnc = ro("000");
    c->ua.osversion = ro("0.1");
    c->ua.device = ro("Desktop");
    c->ua.osbuildnumber = ro("0.1");
    c->ua.has_releasechannel = 1;
    c->ua.releasechannel = PROTO__CLIENT_PAYLOAD__USER_AGENT__RELEASE_CHANNEL__RELEASE;
    c->ua.localelanguageiso6391 = ro("en");
    c->ua.localecountryiso31661alpha2 = ro(cfg->country);
    c->web = web;
    c->web.has_websubplatform = 1;
    c->web.websubplatform = PROTO__CLIENT_PAYLOAD__WEB_INFO__WEB_SUB_PLATFORM__WEB_BROWSER;
    if (cfg->sync_full_history && strcmp(cfg->browser_name, "Desktop") == 0) {
        if (strcmp(cfg->browser_os, "Mac OS") == 0)
            c->web.websubplatform = PROTO__CLIENT_PAYLOAD__WEB_INFO__WEB_SUB_PLATFORM__DARWIN;
        else if (strcmp(cfg->browser_os, "Windows") == 0)
            c->web.websubplatform = PROTO__CLIENT_PAYLOAD__WEB_INFO__WEB_SUB_PLATFORM__WIN32;
    }
    p->has_connecttype = 1;
    p->connecttype = PROTO__CLIENT_PAYLOAD__CONNECT_TYPE__WIFI_UNKNOWN;
    p->has_connectreason = 1;
    p->connectreason = PROTO__CLIENT_PAYLOAD__CONNECT_REASON__USER_ACTIVATED;
    p->useragent = &c->ua;
    p->webinfo = android ? NULL : &c->web;
    p->pushname = cfg->push_name && cfg->push_name[0] ? ro(cfg->push_name) : NULL;
}

int
wa_payload_login(const struct wa_session_config *cfg, const char *jid, struct strbuf *out,
                 struct err *e)
{
    Proto__ClientPayload p = PROTO__CLIENT_PAYLOAD__INIT;
    struct common c;
    uint64_t user;
    uint32_t device;
    int has_device;

    if (wa_payload_parse_jid(jid, &user, &device, &has_device, e) != RC_OK)
        return RC_INVAL;
    common_fill(&p, &c, cfg);
    p.has_passive = p.passive = 1;
    p.has_pull = p.pull = 1;
    p.has_username = 1;
    p.username = user;
    p.has_device = has_device;
    p.device = device;
    p.has_liddbmigrated = 1;
    p.liddbmigrated = 0;
    pack_into(&p.base, out);
    return RC_OK;
}

/* Appends the encoded DeviceProps of generateRegistrationNode to out. */
static void
device_props(const struct wa_session_config *cfg, struct strbuf *out)
{
    Proto__DeviceProps dp = PROTO__DEVICE_PROPS__INIT;
    Proto__DeviceProps__AppVersion v = PROTO__DEVICE_PROPS__APP_VERSION__INIT;
    Proto__DeviceProps__HistorySyncConfig h = PROTO__DEVICE_PROPS__HISTORY_SYNC_CONFIG__INIT;

    h.has_storagequotamb = 1;
    h.storagequotamb = 10240;
    h.has_inlineinitialpayloadine2eemsg = h.inlineinitialpayloadine2eemsg = 1;
    h.has_supportcallloghistory = 1;
    h.supportcallloghistory = 0;
    h.has_supportbotuseragentchathistory = h.supportbotuseragentchathistory = 1;
    h.has_supportcagreactionsandpolls = h.supportcagreactionsandpolls = 1;
    h.has_supportbizhostedmsg = h.supportbizhostedmsg = 1;
    h.has_supportrecentsyncchunkmessagecounttuning = 1;
    h.supportrecentsyncchunkmessagecounttuning = 1;
    h.has_supporthostedgroupmsg = h.supporthostedgroupmsg = 1;
    h.has_supportfbidbotchathistory = h.supportfbidbotchathistory = 1;
    h.has_supportmessageassociation = h.supportmessageassociation = 1;
    h.has_supportgrouphistory = 1;
    h.supportgrouphistory = 0;
    v.has_primary = v.has_secondary = v.has_tertiary = 1;
    v.primary = 10;
    v.secondary = 15;
    v.tertiary = 7;
    dp.os = ro(cfg->browser_os);
    dp.version = &v;
    dp.has_platformtype = 1;
    dp.platformtype = (Proto__DeviceProps__PlatformType)wa_payload_platform_type(cfg->browser_name);
    dp.has_requirefullsync = 1;
    dp.requirefullsync = cfg->sync_full_history;
    dp.historysyncconfig = &h;
    pack_into(&dp.base, out);
}

static void
be_put(uint8_t *p, uint32_t v, size_t n)
{
    for (size_t i = n; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

/* The "<primary>.<secondary>.<tertiary>" MD5 (buildHash). */
static int
build_hash(uint8_t out[MD5_BYTES], const struct wa_session_config *cfg, struct err *e)
{
    char ver[40];
    int n = snprintf(ver, sizeof ver, "%u.%u.%u", (unsigned)cfg->version[0],
                     (unsigned)cfg->version[1], (unsigned)cfg->version[2]);

    return md5_digest(out, ver, (size_t)n, e);
}

int
wa_payload_registration(const struct wa_session_config *cfg, const struct wa_creds *c,
                        struct strbuf *out, struct err *e)
{
    Proto__ClientPayload p = PROTO__CLIENT_PAYLOAD__INIT;
    Proto__ClientPayload__DevicePairingRegistrationData d =
        PROTO__CLIENT_PAYLOAD__DEVICE_PAIRING_REGISTRATION_DATA__INIT;
    struct common com;
    struct strbuf props;
    uint8_t regid[4], skey_id[3], hash[MD5_BYTES], keytype = 0x05;
    int rc;

    if ((rc = build_hash(hash, cfg, e)) != RC_OK)
        return rc;
    strbuf_init(&props);
    device_props(cfg, &props);
    be_put(regid, c->registration_id, sizeof regid);
    be_put(skey_id, c->signed_prekey_id, sizeof skey_id);
    d.has_eregid = d.has_ekeytype = d.has_eident = d.has_eskeyid = 1;
    d.has_eskeyval = d.has_eskeysig = d.has_buildhash = d.has_deviceprops = 1;
    d.eregid = (ProtobufCBinaryData){ sizeof regid, regid };
    d.ekeytype = (ProtobufCBinaryData){ 1, &keytype };
    d.eident = (ProtobufCBinaryData){ X25519_KEY_BYTES, ro_bytes(c->identity.pub) };
    d.eskeyid = (ProtobufCBinaryData){ sizeof skey_id, skey_id };
    d.eskeyval = (ProtobufCBinaryData){ X25519_KEY_BYTES, ro_bytes(c->signed_prekey.pub) };
    d.eskeysig = (ProtobufCBinaryData){ SIGN_BYTES, ro_bytes(c->signed_prekey_sig) };
    d.buildhash = (ProtobufCBinaryData){ sizeof hash, hash };
    d.deviceprops = (ProtobufCBinaryData){ props.len, (uint8_t *)props.buf };
    common_fill(&p, &com, cfg);
    p.has_passive = 1;
    p.passive = 0;
    p.has_pull = 1;
    p.pull = 0;
    p.devicepairingdata = &d;
    pack_into(&p.base, out);
    strbuf_fini(&props);
    return RC_OK;
}
