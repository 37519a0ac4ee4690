/* The ClientPayload bytes: login equals Baileys 7.0.0-rc14 byte for byte (guide Appendix A);
 * registration carries the fields of guide §4.3 (read back with the protoc-c decoder).
 * Also the MD5 wrapper (RFC 1321 vectors), the JID parser and the browser-derived ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/md5.h"
#include "crypto/sign.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "wa.pb-c.h"
#include "wa/creds.h"
#include "wa/payload.h"
#include "wa/session.h"

static char *
hex(const void *p, size_t n)
{
    const uint8_t *b = p;
    char *s = malloc(2 * n + 1);

    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02x", b[i]);
    s[2 * n] = '\0';
    return s;
}

static void
assert_hex(const void *p, size_t n, const char *want)
{
    char *h = hex(p, n);

    assert_string_equal(h, want);
    free(h);
}

static void
test_md5_vectors(void **state)
{
    uint8_t out[MD5_BYTES];

    (void)state;
    assert_int_equal(md5_digest(out, "", 0, NULL), RC_OK);
    assert_hex(out, sizeof out, "d41d8cd98f00b204e9800998ecf8427e");
    assert_int_equal(md5_digest(out, "abc", 3, NULL), RC_OK);
    assert_hex(out, sizeof out, "900150983cd24fb0d6963f7d28e17f72");
    assert_int_equal(md5_digest(out, "2.3000.1043857760", 17, NULL), RC_OK);
    assert_hex(out, sizeof out, "f6f65c0607a1cdffd8752b051fc95edf"); /* guide §4.3 */
}

static void
test_login_payload_equals_baileys(void **state)
{
    struct wa_session_config cfg;
    struct strbuf sb;

    (void)state;
    wa_session_config_default(&cfg);
    strbuf_init(&sb);
    assert_int_equal(wa_payload_login(&cfg, "15550001111:3@s.whatsapp.net", &sb, NULL), RC_OK);
    assert_hex(
        sb.buf, sb.len,
        "08d7dfe8f63918012a36080e120b080210b81718e082e0f1031a0330303022033030302a03302e31"
        "3a074465736b746f704203302e3150005a02656e620255533202200060016801900103880201c80200");
    strbuf_fini(&sb);
}

static void
test_login_payload_variants(void **state)
{
    struct wa_session_config cfg;
    Proto__ClientPayload *p;
    struct strbuf sb;

    (void)state;
    wa_session_config_default(&cfg);
    cfg.push_name = "Ana";
    strbuf_init(&sb);
    /* No device part: the device field is absent, as in Baileys. */
    assert_int_equal(wa_payload_login(&cfg, "5215512345678@s.whatsapp.net", &sb, NULL), RC_OK);
    p = proto__client_payload__unpack(NULL, sb.len, (const uint8_t *)sb.buf);
    assert_non_null(p);
    assert_true(p->has_username);
    assert_true(p->username == UINT64_C(5215512345678));
    assert_false(p->has_device);
    assert_string_equal(p->pushname, "Ana");
    assert_true(p->passive && p->pull);
    proto__client_payload__free_unpacked(p, NULL);
    strbuf_fini(&sb);
}

static void
test_jid_parser(void **state)
{
    static const char *const bad[] = { "",
                                       "@s.whatsapp.net",
                                       "abc@s.whatsapp.net",
                                       "1:@s",
                                       "1:70000@s",
                                       "123",
                                       "1@",
                                       "99999999999999999999999@s",
                                       "1_x:2@s" };
    uint64_t user;
    uint32_t dev;
    int has;

    (void)state;
    assert_int_equal(wa_payload_parse_jid("15550001111:3@s.whatsapp.net", &user, &dev, &has, NULL),
                     RC_OK);
    assert_true(user == UINT64_C(15550001111) && dev == 3 && has);
    assert_int_equal(wa_payload_parse_jid("1_1:0@lid", &user, &dev, &has, NULL), RC_OK);
    assert_true(user == 1 && dev == 0 && has);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(wa_payload_parse_jid(bad[i], &user, &dev, &has, NULL), RC_INVAL);
}

static void
test_platform_ids(void **state)
{
    (void)state;
    assert_int_equal(wa_payload_platform_id("Mac OS", "Chrome"), 1);
    assert_int_equal(wa_payload_platform_id("Mac OS", "Edge"), 2);
    assert_int_equal(wa_payload_platform_id("Mac OS", "Firefox"), 3);
    assert_int_equal(wa_payload_platform_id("Mac OS", "IE"), 4);
    assert_int_equal(wa_payload_platform_id("Mac OS", "Opera"), 5);
    assert_int_equal(wa_payload_platform_id("Mac OS", "Safari"), 6);
    assert_int_equal(wa_payload_platform_id("Mac OS", "Desktop"), 7);
    assert_int_equal(wa_payload_platform_id("Windows", "Desktop"), 8);
    assert_int_equal(wa_payload_platform_id("Ubuntu", "Lynx"), 9);
    assert_int_equal(wa_payload_platform_type("Chrome"), 1);
    assert_int_equal(wa_payload_platform_type("safari"), 5);
    assert_int_equal(wa_payload_platform_type("Desktop"), 7);
    assert_int_equal(wa_payload_platform_type("Android"), 16);
    assert_int_equal(wa_payload_platform_type("unknown"), 1); /* 0 is falsy in Baileys */
    assert_int_equal(wa_payload_platform_type("Lynx"), 1);
}

static void
check_device_props(const ProtobufCBinaryData *b)
{
    Proto__DeviceProps *dp = proto__device_props__unpack(NULL, b->len, b->data);
    Proto__DeviceProps__HistorySyncConfig *h;

    assert_non_null(dp);
    assert_string_equal(dp->os, "Mac OS");
    assert_non_null(dp->version);
    assert_int_equal(dp->version->primary, 10);
    assert_int_equal(dp->version->secondary, 15);
    assert_int_equal(dp->version->tertiary, 7);
    assert_true(dp->has_platformtype && dp->platformtype == 1);
    assert_true(dp->has_requirefullsync && dp->requirefullsync);
    h = dp->historysyncconfig;
    assert_non_null(h);
    assert_true(h->has_storagequotamb && h->storagequotamb == 10240);
    assert_true(h->has_inlineinitialpayloadine2eemsg && h->inlineinitialpayloadine2eemsg);
    assert_true(h->has_supportcallloghistory && !h->supportcallloghistory);
    assert_true(h->has_supportbotuseragentchathistory && h->supportbotuseragentchathistory);
    assert_true(h->has_supportcagreactionsandpolls && h->supportcagreactionsandpolls);
    assert_true(h->has_supportbizhostedmsg && h->supportbizhostedmsg);
    assert_true(h->has_supportrecentsyncchunkmessagecounttuning);
    assert_true(h->has_supporthostedgroupmsg && h->supporthostedgroupmsg);
    assert_true(h->has_supportfbidbotchathistory && h->supportfbidbotchathistory);
    assert_true(h->has_supportmessageassociation && h->supportmessageassociation);
    assert_true(h->has_supportgrouphistory && !h->supportgrouphistory);
    assert_false(h->has_recentsyncdayslimit || h->has_fullsyncdayslimit || h->has_ondemandready);
    proto__device_props__free_unpacked(dp, NULL);
}

static void
test_registration_payload_fields(void **state)
{
    struct wa_session_config cfg;
    struct wa_creds *c = wa_creds_generate(NULL);
    Proto__ClientPayload *p;
    Proto__ClientPayload__DevicePairingRegistrationData *d;
    uint8_t msg[33], regid[4];
    struct strbuf sb;

    (void)state;
    assert_non_null(c);
    wa_session_config_default(&cfg);
    strbuf_init(&sb);
    assert_int_equal(wa_payload_registration(&cfg, c, &sb, NULL), RC_OK);
    p = proto__client_payload__unpack(NULL, sb.len, (const uint8_t *)sb.buf);
    assert_non_null(p);
    assert_true(p->has_passive && !p->passive && p->has_pull && !p->pull);
    assert_false(p->has_username || p->has_device || p->has_liddbmigrated);
    assert_true(p->has_connecttype && p->connecttype == 1 && p->connectreason == 1);
    assert_int_equal(p->useragent->platform, 14);
    assert_int_equal(p->useragent->appversion->tertiary, 1043857760);
    assert_string_equal(p->useragent->localecountryiso31661alpha2, "US");
    assert_true(p->webinfo->has_websubplatform && p->webinfo->websubplatform == 0);
    d = p->devicepairingdata;
    assert_non_null(d);
    regid[0] = regid[1] = 0;
    regid[2] = (uint8_t)(c->registration_id >> 8);
    regid[3] = (uint8_t)c->registration_id;
    assert_int_equal(d->eregid.len, 4);
    assert_memory_equal(d->eregid.data, regid, 4);
    assert_hex(d->ekeytype.data, d->ekeytype.len, "05");
    assert_memory_equal(d->eident.data, c->identity.pub, 32);
    assert_hex(d->eskeyid.data, d->eskeyid.len, "000001");
    assert_memory_equal(d->eskeyval.data, c->signed_prekey.pub, 32);
    msg[0] = 0x05;
    memcpy(msg + 1, c->signed_prekey.pub, 32);
    assert_int_equal(d->eskeysig.len, 64);
    assert_true(sign_xeddsa_verify(c->identity.pub, msg, sizeof msg, d->eskeysig.data));
    assert_hex(d->buildhash.data, d->buildhash.len, "f6f65c0607a1cdffd8752b051fc95edf");
    check_device_props(&d->deviceprops);
    proto__client_payload__free_unpacked(p, NULL);
    strbuf_fini(&sb);
    wa_creds_free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md5_vectors),
        cmocka_unit_test(test_login_payload_equals_baileys),
        cmocka_unit_test(test_login_payload_variants),
        cmocka_unit_test(test_jid_parser),
        cmocka_unit_test(test_platform_ids),
        cmocka_unit_test(test_registration_payload_fields),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
