/* The pure message-layer modules: jid parsing, message ids (Baileys' generateMessageIDV2
 * recomputed here from its definition), number normalisation (Mexican 52/521, others pass
 * through), usync queries (Appendix A bytes) and replies, pre-key bundles, receipts, acks
 * and their replies, presence stanzas. Hostile inputs must be refused, never half-read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/digest.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "wa/binnode.h"
#include "wa/devices.h"
#include "wa/jid.h"
#include "wa/keybundle.h"
#include "wa/msgid.h"
#include "wa/presence.h"
#include "wa/receipt.h"
#include "wa/tctoken.h"
#include "wa/usync.h"

/* Hex of n's encoding (flags byte included), in a static buffer. */
static const char *
hex_of(const struct binnode *n)
{
    static char hex[8192];
    struct strbuf sb;

    strbuf_init(&sb);
    assert_int_equal(binnode_encode(n, &sb, NULL), RC_OK);
    assert_true(sb.len * 2 < sizeof hex);
    for (size_t i = 0; i < sb.len; i++)
        sprintf(hex + 2 * i, "%02x", (unsigned char)sb.buf[i]);
    strbuf_fini(&sb);
    return hex;
}

/* Round-trips n through the codec (what the server's bytes would decode to). */
static struct binnode *
wire(struct binnode *n)
{
    struct strbuf sb;
    struct binnode *out = NULL;

    strbuf_init(&sb);
    assert_int_equal(binnode_encode(n, &sb, NULL), RC_OK);
    assert_int_equal(binnode_decode(sb.buf, sb.len, &out, NULL), RC_OK);
    strbuf_fini(&sb);
    binnode_free(n);
    return out;
}

static void
test_jid(void **state)
{
    struct wa_jid j;
    char out[WA_JID_MAX];

    (void)state;
    assert_int_equal(wa_jid_parse("15557654321:12@s.whatsapp.net", &j, NULL), RC_OK);
    assert_string_equal(j.user, "15557654321");
    assert_int_equal(j.device, 12);
    assert_false(j.lid);
    wa_jid_format(&j, false, out);
    assert_string_equal(out, "15557654321:12@s.whatsapp.net");
    wa_jid_format(&j, true, out);
    assert_string_equal(out, "15557654321@s.whatsapp.net");
    assert_int_equal(wa_jid_parse("99990001111@lid", &j, NULL), RC_OK);
    assert_true(j.lid);
    assert_int_equal(j.device, 0);
    static const char *const bad[] = {
        NULL,
        "",
        "@s.whatsapp.net",
        "123",
        "12a@s.whatsapp.net",
        "1@g.us",
        "1:256@lid",
        "1:01@lid",
        "1:@lid",
        "1:2:3@lid",
        "123456789012345678901@lid",
        "1_2:3@s.whatsapp.net",
        "1@s.whatsapp.net.",
        "1@lid@lid",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(wa_jid_parse(bad[i], &j, NULL), RC_INVAL);
    assert_true(wa_jid_from_number("5215512345678", out));
    assert_string_equal(out, "5215512345678@s.whatsapp.net");
    assert_false(wa_jid_from_number("+52", out));
}

static void
test_msgid(void **state)
{
    uint8_t rnd[16], buf[44] = { 0 }, h[32];
    char id[WA_MSGID_LEN + 1], want[WA_MSGID_LEN + 1], id2[WA_MSGID_LEN + 1];

    (void)state;
    for (int i = 0; i < 16; i++)
        rnd[i] = (uint8_t)(i * 7 + 1);
    /* The definition, byte by byte: 1700000000 = 0x6553F100. */
    buf[4] = 0x65, buf[5] = 0x53, buf[6] = 0xF1, buf[7] = 0x00;
    memcpy(buf + 8, "15550001111@c.us", 16);
    memcpy(buf + 28, rnd, 16);
    digest_sha256(h, buf, sizeof buf, NULL, 0);
    strcpy(want, "3EB0");
    for (int i = 0; i < 9; i++)
        sprintf(want + 4 + 2 * i, "%02X", h[i]);
    wa_msgid_v2(1700000000, "15550001111", rnd, id);
    assert_string_equal(id, want);
    assert_true(wa_msgid_valid(id));
    wa_msgid_new(1700000000, "15550001111", id2);
    assert_true(wa_msgid_valid(id2));
    assert_string_not_equal(id, id2);
    assert_false(wa_msgid_valid("3EB0abcdef0123456789AB"));
    assert_false(wa_msgid_valid("3EB0"));
    /* A long user is cut at the 20-byte zone, never past it. */
    wa_msgid_v2(1, "123456789012345678901234", rnd, id);
    assert_true(wa_msgid_valid(id));
}

static void
test_number_normalize(void **state)
{
    char out[WA_NUMBER_MAX];

    (void)state;
    assert_true(wa_number_normalize("+52 1 55 1234 5678", out));
    assert_string_equal(out, "525512345678");
    assert_true(wa_number_normalize("+525512345678", out));
    assert_string_equal(out, "525512345678");
    assert_true(wa_number_normalize("5512345678", out));
    assert_string_equal(out, "525512345678");
    assert_true(wa_number_normalize("+1 (555) 765-4321", out));
    assert_string_equal(out, "15557654321");
    assert_true(wa_number_normalize("+44 20 7946 0958", out));
    assert_string_equal(out, "442079460958");
    assert_false(wa_number_normalize("+1 555", out));
    assert_false(wa_number_normalize("55-12x4", out));
    assert_false(wa_number_normalize("1+5557654321", out));
    assert_false(wa_number_normalize("+1234567890123456", out));
    assert_false(wa_number_normalize(NULL, out));
}

static void
test_usync_queries(void **state)
{
    const char *users[] = { "15550001111@s.whatsapp.net", "15557654321@s.whatsapp.net" };
    const char *nums[] = { "15557654321" };
    struct binnode *iq;
    char *dump;

    (void)state;
    iq = wa_usync_devices_query("1.2-3", "1.2-4", users, 2, true);
    dump = binnode_dump(iq);
    assert_non_null(strstr(dump, "<usync context=\"message\" mode=\"query\" sid=\"1.2-4\" "
                                 "last=\"true\" index=\"0\">"));
    assert_non_null(strstr(dump, "<devices version=\"2\"/>"));
    assert_non_null(strstr(dump, "<lid/>"));
    assert_non_null(strstr(dump, "<user jid=\"15557654321@s.whatsapp.net\"></user>"));
    free(dump);
    binnode_free(iq);
    iq = wa_usync_devices_query("1.2-3", "1.2-4", users, 2, false); /* every LID known */
    dump = binnode_dump(iq);
    assert_non_null(strstr(dump, "<devices version=\"2\"/>"));
    assert_null(strstr(dump, "<lid/>"));
    free(dump);
    binnode_free(iq);
    iq = wa_usync_contact_query("1.2-3", "1.2-4", nums, 1);
    /* Appendix A: <user><contact>+15557654321</contact></user>, inside the list. */
    assert_non_null(strstr(hex_of(iq), "f8020ef801f80225fc0c2b3135353537363534333231"));
    dump = binnode_dump(iq);
    assert_non_null(strstr(dump, "context=\"interactive\""));
    assert_non_null(strstr(dump, "<contact/>"));
    free(dump);
    binnode_free(iq);
}

/* <user jid><devices><device-list><device id …/>…</device-list></devices><lid val/></user> */
static struct binnode *
usync_user(struct binnode *list, const char *jid, const char *lid)
{
    struct binnode *u = binnode_add(list, "user");

    if (jid != NULL)
        binnode_set_attr(u, "jid", jid);
    if (lid != NULL)
        binnode_set_attr(binnode_add(u, "lid"), "val", lid);
    return u;
}

static struct binnode *
usync_reply(struct binnode **list)
{
    struct binnode *iq = binnode_new("iq");

    binnode_set_attr(iq, "type", "result");
    binnode_set_attr(iq, "id", "1");
    *list = binnode_add(binnode_add(iq, "usync"), "list");
    return iq;
}

static void
add_device(struct binnode *dl, const char *id, const char *key_index, const char *hosted)
{
    struct binnode *d = binnode_add(dl, "device");

    binnode_set_attr(d, "id", id);
    if (key_index != NULL)
        binnode_set_attr(d, "key-index", key_index);
    if (hosted != NULL)
        binnode_set_attr(d, "is_hosted", hosted);
}

static void
test_usync_devices_reply(void **state)
{
    static struct wa_usync_result r;
    struct binnode *list, *iq = usync_reply(&list), *u, *dl;

    (void)state;
    u = usync_user(list, "15557654321@s.whatsapp.net", "88887654321@lid");
    dl = binnode_add(binnode_add(u, "devices"), "device-list");
    add_device(dl, "0", NULL, NULL);
    add_device(dl, "3", "1", NULL);
    add_device(dl, "7", NULL, NULL);  /* no key-index: dropped */
    add_device(dl, "9", "2", "true"); /* hosted: dropped */
    usync_user(list, "15550001111@s.whatsapp.net", NULL);
    iq = wire(iq);
    assert_int_equal(wa_usync_parse(iq, &r, NULL), RC_OK);
    assert_int_equal(r.nusers, 2);
    assert_string_equal(r.users[0].jid.user, "15557654321");
    assert_true(r.users[0].has_lid);
    assert_string_equal(r.users[0].lid.user, "88887654321");
    assert_true(r.users[0].has_devices);
    assert_int_equal(r.users[0].ndevices, 2);
    assert_int_equal(r.users[0].devices[0], 0);
    assert_int_equal(r.users[0].devices[1], 3);
    assert_false(r.users[1].has_devices);
    binnode_free(iq);
}

static void
test_usync_contact_reply(void **state)
{
    static struct wa_usync_result r;
    struct binnode *list, *iq = usync_reply(&list), *c;

    (void)state;
    c = binnode_add(usync_user(list, "5215512345678@s.whatsapp.net", NULL), "contact");
    binnode_set_attr(c, "type", "in");
    binnode_set_string(c, "+525512345678");
    c = binnode_add(usync_user(list, "525598765432@s.whatsapp.net", NULL), "contact");
    binnode_set_attr(c, "type", "out");
    binnode_set_string(c, "+525598765432");
    iq = wire(iq);
    assert_int_equal(wa_usync_parse(iq, &r, NULL), RC_OK);
    assert_int_equal(r.nusers, 2);
    assert_int_equal(r.users[0].status, WA_USYNC_CONTACT_IN);
    assert_string_equal(r.users[0].contact, "+525512345678");
    assert_string_equal(r.users[0].jid.user, "5215512345678");
    assert_int_equal(r.users[1].status, WA_USYNC_CONTACT_OUT);
    binnode_free(iq);
}

/* Hostile replies: each is refused as a whole. */
static void
test_usync_hostile(void **state)
{
    static struct wa_usync_result r;
    struct binnode *list, *iq, *dl;
    struct err e;
    char id[16];

    (void)state;
    iq = usync_reply(&list);
    usync_user(list, "15557654321:3@s.whatsapp.net", NULL); /* a device jid as user */
    assert_int_equal(wa_usync_parse(iq, &r, &e), RC_INVAL);
    assert_int_equal(r.nusers, 0);
    binnode_free(iq);
    iq = usync_reply(&list);
    usync_user(list, "15557654321@s.whatsapp.net", "1@s.whatsapp.net"); /* lid not @lid */
    assert_int_equal(wa_usync_parse(iq, &r, &e), RC_INVAL);
    binnode_free(iq);
    iq = usync_reply(&list);
    dl = binnode_add(binnode_add(usync_user(list, "1@s.whatsapp.net", NULL), "devices"),
                     "device-list");
    add_device(dl, "3", "1", NULL);
    add_device(dl, "3", "1", NULL); /* repeated */
    assert_int_equal(wa_usync_parse(iq, &r, &e), RC_INVAL);
    binnode_free(iq);
    static const char *const bad_ids[] = { "256", "-1", "01", "", "1000", "x" };
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        iq = usync_reply(&list);
        dl = binnode_add(binnode_add(usync_user(list, "1@s.whatsapp.net", NULL), "devices"),
                         "device-list");
        add_device(dl, bad_ids[i], "1", NULL);
        assert_int_equal(wa_usync_parse(iq, &r, &e), RC_INVAL);
        binnode_free(iq);
    }
    iq = usync_reply(&list);
    dl = binnode_add(binnode_add(usync_user(list, "1@s.whatsapp.net", NULL), "devices"),
                     "device-list");
    for (int i = 0; i <= WA_USYNC_DEVICES_MAX; i++) {
        snprintf(id, sizeof id, "%d", i);
        add_device(dl, id, "1", NULL);
    }
    assert_int_equal(wa_usync_parse(iq, &r, &e), RC_INVAL);
    binnode_free(iq);
    iq = usync_reply(&list);
    binnode_set_attr(binnode_add(usync_user(list, "1@s.whatsapp.net", NULL), "contact"), "type",
                     "maybe");
    assert_int_equal(wa_usync_parse(iq, &r, &e), RC_INVAL);
    binnode_free(iq);
    iq = usync_reply(&list);
    usync_user(list, NULL, NULL); /* neither jid nor contact */
    assert_int_equal(wa_usync_parse(iq, &r, &e), RC_INVAL);
    binnode_free(iq);
    iq = usync_reply(&list);
    binnode_set_attr(iq, "type", "error");
    binnode_set_attr(binnode_add(iq, "error"), "code", "500");
    assert_int_equal(wa_usync_parse(iq, &r, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "500"));
    binnode_free(iq);
    iq = binnode_new("iq");
    binnode_set_attr(iq, "type", "result");
    assert_int_equal(wa_usync_parse(iq, &r, &e), RC_INVAL); /* no <usync><list> */
    binnode_free(iq);
}

static void
add_bytes(struct binnode *p, const char *tag, const void *b, size_t n)
{
    binnode_set_bytes(binnode_add(p, tag), b, n);
}

/* Fills n with the key children of a bundle; fields selects which are broken. */
static void
bundle_children(struct binnode *n, bool with_reg, int broken)
{
    uint8_t k[64], reg[4] = { 0, 0, 0x30, 0x39 }, id3[3] = { 0, 1, 2 }, t = 5;
    struct binnode *sk, *key;

    memset(k, 0xAB, sizeof k);
    if (with_reg)
        add_bytes(n, "registration", reg, broken == 1 ? 3 : 4);
    add_bytes(n, "type", &t, broken == 2 ? 0 : 1);
    add_bytes(n, "identity", k, broken == 3 ? 33 : 32);
    sk = binnode_add(n, "skey");
    add_bytes(sk, "id", id3, 3);
    add_bytes(sk, "value", k, 32);
    add_bytes(sk, "signature", k, broken == 4 ? 63 : 64);
    key = binnode_add(n, "key");
    add_bytes(key, "id", id3, broken == 5 ? 2 : 3);
    add_bytes(key, "value", k, 32);
}

static struct binnode *
bundle_reply(int broken)
{
    struct binnode *iq = binnode_new("iq"), *list, *u;

    binnode_set_attr(iq, "type", "result");
    list = binnode_add(iq, "list");
    u = binnode_add(list, "user");
    binnode_set_attr(u, "jid", "88887654321:3@lid");
    bundle_children(u, true, broken);
    u = binnode_add(list, "user");
    binnode_set_attr(u, "jid", "88887654321@lid");
    binnode_set_attr(binnode_add(u, "error"), "code", "404");
    return iq;
}

static void
test_keybundle(void **state)
{
    static struct wa_keybundle_list l;
    const char *jids[] = { "88887654321@lid", "88887654321:3@lid" };
    struct binnode *iq;
    char *dump;

    (void)state;
    iq = wa_keybundle_query("9", jids, 2, true);
    dump = binnode_dump(iq);
    assert_non_null(strstr(dump, "reason=\"identity\""));
    assert_non_null(strstr(dump, "xmlns=\"encrypt\""));
    free(dump);
    binnode_free(iq);
    iq = wire(bundle_reply(0));
    assert_int_equal(wa_keybundle_parse(iq, &l, NULL), RC_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.b[0].jid.device, 3);
    assert_int_equal(l.b[0].regid, 12345);
    assert_int_equal(l.b[0].skey_id, 0x102);
    assert_true(l.b[0].has_prekey);
    assert_int_equal(l.b[0].prekey_id, 0x102);
    assert_int_equal(l.b[0].skey_sig[63], 0xAB);
    assert_int_equal(l.b[1].error, 404);
    binnode_free(iq);
    for (int broken = 1; broken <= 5; broken++) {
        iq = bundle_reply(broken);
        assert_int_equal(wa_keybundle_parse(iq, &l, NULL), RC_INVAL);
        assert_int_equal(l.n, 0);
        binnode_free(iq);
    }
}

static struct binnode *
receipt(const char *type, const char *id)
{
    struct binnode *r = binnode_new("receipt");

    binnode_set_attr(r, "id", id);
    binnode_set_attr(r, "from", "15557654321@s.whatsapp.net");
    binnode_set_attr(r, "t", "1700000000");
    if (type != NULL)
        binnode_set_attr(r, "type", type);
    return r;
}

static void
test_receipt_kinds(void **state)
{
    static struct wa_receipt r;
    static const struct {
        const char *type;
        enum wa_receipt_kind kind;
        int status;
    } cases[] = {
        { NULL, WA_RECEIPT_DELIVERY, 3 },         { "read", WA_RECEIPT_READ, 4 },
        { "read-self", WA_RECEIPT_READ_SELF, 4 }, { "played", WA_RECEIPT_PLAYED, 5 },
        { "sender", WA_RECEIPT_SENDER, 0 },       { "inactive", WA_RECEIPT_INACTIVE, 0 },
        { "hist_sync", WA_RECEIPT_OTHER, 0 },
    };
    struct binnode *n, *list;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        n = wire(receipt(cases[i].type, "3EB0AA"));
        assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_OK);
        assert_int_equal(r.kind, cases[i].kind);
        assert_int_equal(wa_receipt_status(r.kind), cases[i].status);
        assert_int_equal(r.t, 1700000000);
        assert_int_equal(r.nids, 1);
        binnode_free(n);
    }
    n = receipt("read", "3EB0AA");
    list = binnode_add(n, "list");
    binnode_set_attr(binnode_add(list, "item"), "id", "3EB0BB");
    binnode_set_attr(binnode_add(list, "item"), "id", "3EB0CC");
    binnode_set_attr(n, "recipient", "15550001111@s.whatsapp.net");
    n = wire(n);
    assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_OK);
    assert_int_equal(r.nids, 3);
    assert_string_equal(r.ids[2], "3EB0CC");
    assert_true(r.has_recipient);
    binnode_free(n);
}

static void
test_receipt_retry(void **state)
{
    static struct wa_receipt r;
    struct binnode *n, *retry;

    (void)state;
    n = receipt("retry", "3EB0AA");
    retry = binnode_add(n, "retry");
    binnode_set_attr(retry, "count", "2");
    binnode_set_attr(retry, "id", "3EB0AA");
    binnode_set_attr(n, "participant", "15557654321:4@s.whatsapp.net");
    bundle_children(binnode_add(n, "keys"), false, 0);
    add_bytes(n, "registration", "\0\0\x30\x39", 4);
    n = wire(n);
    assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_OK);
    assert_int_equal(r.kind, WA_RECEIPT_RETRY);
    assert_int_equal(r.retry_count, 2);
    assert_true(r.has_regid);
    assert_int_equal(r.regid, 12345);
    assert_true(r.has_keys);
    assert_int_equal(r.keys.jid.device, 4);
    binnode_free(n);
    /* No <retry>, a zero count, or a short registration: refused. */
    n = receipt("retry", "3EB0AA");
    assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_INVAL);
    binnode_set_attr(binnode_add(n, "retry"), "count", "0");
    assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_INVAL);
    binnode_free(n);
    n = receipt("retry", "3EB0AA");
    binnode_set_attr(binnode_add(n, "retry"), "count", "1");
    add_bytes(n, "registration", "\0\0\x30", 3);
    assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_INVAL);
    binnode_free(n);
}

static void
test_receipt_hostile(void **state)
{
    static struct wa_receipt r;
    char longid[WA_RECEIPT_ID_MAX + 2];
    struct binnode *n, *list;

    (void)state;
    memset(longid, 'A', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    n = receipt(NULL, longid);
    assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_INVAL);
    binnode_free(n);
    n = receipt(NULL, "a b");
    assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_INVAL);
    binnode_free(n);
    n = receipt(NULL, "X");
    binnode_set_attr(n, "t", "17e9");
    assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_INVAL);
    binnode_set_attr(n, "t", "1");
    binnode_set_attr(n, "from", "1@g.us");
    assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_INVAL);
    binnode_free(n);
    n = receipt(NULL, "X");
    list = binnode_add(n, "list");
    for (int i = 0; i < WA_RECEIPT_IDS_MAX; i++)
        binnode_set_attr(binnode_add(list, "item"), "id", "Y");
    assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_INVAL);
    binnode_free(n);
    n = binnode_new("message");
    assert_int_equal(wa_receipt_parse(n, &r, NULL), RC_INVAL);
    binnode_free(n);
}

static void
test_ack(void **state)
{
    struct wa_ack a;
    struct binnode *n = binnode_new("ack");

    (void)state;
    binnode_set_attr(n, "class", "message");
    binnode_set_attr(n, "id", "3EB0AA");
    binnode_set_attr(n, "from", "15557654321@s.whatsapp.net");
    binnode_set_attr(n, "t", "1700000000");
    n = wire(n);
    assert_int_equal(wa_ack_parse(n, &a, NULL), RC_OK);
    assert_string_equal(a.cls, "message");
    assert_int_equal(a.error, 0);
    binnode_set_attr(n, "error", "463");
    assert_int_equal(wa_ack_parse(n, &a, NULL), RC_OK);
    assert_int_equal(a.error, 463);
    binnode_set_attr(n, "error", "46x");
    assert_int_equal(wa_ack_parse(n, &a, NULL), RC_INVAL);
    binnode_set_attr(n, "error", "99999");
    assert_int_equal(wa_ack_parse(n, &a, NULL), RC_INVAL);
    binnode_free(n);
    n = binnode_new("ack");
    binnode_set_attr(n, "id", "1");
    assert_int_equal(wa_ack_parse(n, &a, NULL), RC_INVAL); /* no class */
    binnode_free(n);
}

/* The acks and receipts we send back, against Appendix A's bytes where it has them. */
static void
test_replies(void **state)
{
    struct binnode *r = receipt("read", "3EB0AA"), *a, *m;
    char *dump;

    (void)state;
    binnode_set_attr(r, "t", NULL);
    a = wa_ack_for(r);
    /* <ack id="3EB0AA" to="15557654321@s.whatsapp.net" class="receipt" type="read"/> */
    assert_string_equal(hex_of(a), "00f8091b08fb033eb0aa11faff8615557654321f031507042a");
    binnode_free(a);
    binnode_free(r);
    m = binnode_new("message");
    binnode_set_attr(m, "id", "ABC");
    binnode_set_attr(m, "from", "15557654321@s.whatsapp.net");
    a = wa_receipt_for_message(m, NULL);
    dump = binnode_dump(a);
    assert_string_equal(dump, "<receipt id=\"ABC\" to=\"15557654321@s.whatsapp.net\"/>\n");
    free(dump);
    binnode_free(a);
    a = wa_nack_message(m, "15550001111:3@s.whatsapp.net", 491);
    dump = binnode_dump(a);
    assert_non_null(strstr(dump, "class=\"message\""));
    assert_non_null(strstr(dump, "error=\"491\""));
    assert_non_null(strstr(dump, "from=\"15550001111:3@s.whatsapp.net\""));
    free(dump);
    binnode_free(a);
    binnode_set_attr(m, "from", NULL);
    assert_null(wa_ack_for(m));
    assert_null(wa_receipt_for_message(m, NULL));
    binnode_free(m);
}

static void
test_presence(void **state)
{
    (void)state;
    /* Appendix A vectors. */
    struct binnode *c = wa_presence_online(true, "B@ob");
    assert_string_equal(hex_of(c), "00f8051f89fc03426f620488");
    binnode_free(c);
    c = wa_presence_chatstate("15550001111:3@s.whatsapp.net", "15557654321@s.whatsapp.net", true);
    assert_string_equal(hex_of(c),
                        "00f8062e06f70003ff8615550001111f11faff8615557654321f03f801f80134");
    binnode_free(c);
    assert_null(wa_presence_online(true, NULL));
    c = wa_presence_subscribe("15557654321@s.whatsapp.net", "7");
    char *dump = binnode_dump(c);
    assert_non_null(strstr(dump, "type=\"subscribe\""));
    free(dump);
    binnode_free(c);
}

/* The device cache: fresh for the TTL, dropped by invalidate (PN or LID user), LIDs both
 * ways and kept after an invalidate, the least recently stored evicted when full. */
static void
test_devices(void **state)
{
    static struct wa_usync_user u;
    struct wa_devices *d = wa_devices_new(1000);
    uint8_t ids[WA_USYNC_DEVICES_MAX];
    size_t n = 0;

    (void)state;
    memset(&u, 0, sizeof u);
    assert_int_equal(wa_jid_parse("5215512345678@s.whatsapp.net", &u.jid, NULL), RC_OK);
    assert_int_equal(wa_jid_parse("88887654321@lid", &u.lid, NULL), RC_OK);
    u.has_jid = u.has_lid = u.has_devices = true;
    u.ndevices = 2;
    u.devices[0] = 0;
    u.devices[1] = 7;
    assert_false(wa_devices_get(d, "5215512345678", 0, ids, &n));
    wa_devices_put(d, &u, 100);
    assert_true(wa_devices_get(d, "5215512345678", 1099, ids, &n));
    assert_int_equal(n, 2);
    assert_int_equal(ids[1], 7);
    assert_false(wa_devices_get(d, "5215512345678", 1100, ids, &n)); /* expired */
    assert_string_equal(wa_devices_lid_of(d, "5215512345678"), "88887654321");
    assert_string_equal(wa_devices_pn_of(d, "88887654321"), "5215512345678");
    wa_devices_put(d, &u, 2000);
    wa_devices_invalidate(d, "88887654321"); /* by its LID */
    assert_false(wa_devices_get(d, "5215512345678", 2001, ids, &n));
    assert_string_equal(wa_devices_lid_of(d, "5215512345678"), "88887654321");
    u.has_lid = false; /* a reply without <lid> keeps the known one */
    wa_devices_put(d, &u, 3000);
    assert_string_equal(wa_devices_lid_of(d, "5215512345678"), "88887654321");
    assert_null(wa_devices_lid_of(d, "1"));
    assert_null(wa_devices_pn_of(d, "1"));
    for (int i = 0; i < WA_DEVICES_MAX; i++) { /* fill: the oldest (ours, at 3000) goes */
        char user[24];

        snprintf(user, sizeof user, "%d", 100000 + i);
        wa_devices_map(d, user, "1", 4000 + i);
    }
    assert_null(wa_devices_lid_of(d, "5215512345678"));
    wa_devices_free(d);
}

static struct binnode *
note(const char *from, const char *sender_lid)
{
    struct binnode *n = binnode_new("notification");

    binnode_set_attr(n, "from", from);
    binnode_set_attr(n, "type", "privacy_token");
    binnode_set_attr(n, "id", "N1");
    if (sender_lid != NULL)
        binnode_set_attr(n, "sender_lid", sender_lid);
    binnode_add(n, "tokens");
    return n;
}

static void
token(struct binnode *n, const char *type, const char *t, const char *bytes)
{
    struct binnode *tk = binnode_add(binnode_child(n, "tokens"), "token");

    binnode_set_attr(tk, "jid", "15550001111@s.whatsapp.net");
    if (t != NULL)
        binnode_set_attr(tk, "t", t);
    binnode_set_attr(tk, "type", type);
    if (bytes != NULL)
        binnode_set_bytes(tk, bytes, strlen(bytes));
}

/* Privacy tokens (guide §7.8): the notification, other kinds skipped, the newest, hostile
 * notifications refused whole; the bucket rule; the issue iq. */
static void
test_tctoken(void **state)
{
    static struct wa_tctoken_note tn;
    struct binnode *n;
    char *dump;

    (void)state;
    n = note("5215512345678@s.whatsapp.net", "88887654321@lid");
    token(n, "trusted_contact", "1700000000", "AAA");
    token(n, "other_kind", "1700000500", "BBB");
    token(n, "trusted_contact", "1700000100", "CCCC");
    n = wire(n);
    assert_true(wa_tctoken_is_note(n));
    assert_int_equal(wa_tctoken_parse(n, &tn, NULL), RC_OK);
    assert_string_equal(tn.from.user, "5215512345678");
    assert_false(tn.from.lid);
    assert_true(tn.has_sender_lid);
    assert_string_equal(tn.sender_lid.user, "88887654321");
    assert_int_equal(tn.n, 2);
    assert_int_equal(wa_tctoken_newest(&tn)->t, 1700000100);
    assert_int_equal(wa_tctoken_newest(&tn)->len, 4);
    assert_memory_equal(wa_tctoken_newest(&tn)->data, "CCCC", 4);
    binnode_free(n);

    /* Refused whole: bad from, a PN sender_lid, no <tokens>, t missing, zero or not a
     * number, empty content, a string instead of bytes, too many tokens. */
    const char *bad_t[] = { NULL, "0", "12a", "-5", "1234567890123456789" };
    for (size_t i = 0; i < sizeof bad_t / sizeof bad_t[0]; i++) {
        n = note("5215512345678@s.whatsapp.net", NULL);
        token(n, "trusted_contact", bad_t[i], "AAA");
        assert_int_equal(wa_tctoken_parse(n, &tn, NULL), RC_INVAL);
        assert_int_equal(tn.n, 0);
        binnode_free(n);
    }
    n = note("5215512345678@s.whatsapp.net", NULL);
    token(n, "trusted_contact", "1700000000", NULL);
    assert_int_equal(wa_tctoken_parse(n, &tn, NULL), RC_INVAL);
    binnode_free(n);
    n = note("5215512345678@s.whatsapp.net", NULL);
    token(n, "trusted_contact", "1700000000", NULL);
    binnode_set_string(binnode_child(binnode_child(n, "tokens"), "token"), "text");
    assert_int_equal(wa_tctoken_parse(n, &tn, NULL), RC_INVAL);
    binnode_free(n);
    n = note("120363000000000000@g.us", NULL);
    token(n, "trusted_contact", "1700000000", "AAA");
    assert_int_equal(wa_tctoken_parse(n, &tn, NULL), RC_INVAL);
    binnode_free(n);
    n = note("5215512345678@s.whatsapp.net", "5215512345678@s.whatsapp.net");
    token(n, "trusted_contact", "1700000000", "AAA");
    assert_int_equal(wa_tctoken_parse(n, &tn, NULL), RC_INVAL);
    binnode_free(n);
    n = note("5215512345678@s.whatsapp.net", NULL);
    for (int i = 0; i <= WA_TCTOKENS_MAX; i++)
        token(n, "trusted_contact", "1700000000", "AAA");
    assert_int_equal(wa_tctoken_parse(n, &tn, NULL), RC_INVAL);
    assert_int_equal(tn.n, 0);
    binnode_free(n);
    n = binnode_new("notification");
    binnode_set_attr(n, "from", "5215512345678@s.whatsapp.net");
    binnode_set_attr(n, "type", "privacy_token");
    assert_int_equal(wa_tctoken_parse(n, &tn, NULL), RC_INVAL);
    binnode_set_attr(n, "type", "devices");
    assert_false(wa_tctoken_is_note(n));
    binnode_free(n);

    /* Buckets: 4 weeks of 604800 s ending with the current one. */
    const int64_t w = WA_TCTOKEN_BUCKET_S, now = 2800 * w + 5;
    assert_false(wa_tctoken_expired(2797 * w, now));
    assert_true(wa_tctoken_expired(2797 * w - 1, now));
    assert_false(wa_tctoken_expired(now, now));

    n = wa_tctoken_issue("1.2-3", "5215512345678@s.whatsapp.net", 1700000000);
    dump = binnode_dump(n);
    assert_string_equal(dump, "<iq id=\"1.2-3\" to=\"@s.whatsapp.net\" type=\"set\" "
                              "xmlns=\"privacy\">\n"
                              "  <tokens>\n"
                              "    <token jid=\"5215512345678@s.whatsapp.net\" t=\"1700000000\" "
                              "type=\"trusted_contact\"/>\n"
                              "  </tokens>\n"
                              "</iq>\n");
    free(dump);
    binnode_free(n);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jid),
        cmocka_unit_test(test_msgid),
        cmocka_unit_test(test_number_normalize),
        cmocka_unit_test(test_usync_queries),
        cmocka_unit_test(test_usync_devices_reply),
        cmocka_unit_test(test_usync_contact_reply),
        cmocka_unit_test(test_usync_hostile),
        cmocka_unit_test(test_keybundle),
        cmocka_unit_test(test_receipt_kinds),
        cmocka_unit_test(test_receipt_retry),
        cmocka_unit_test(test_receipt_hostile),
        cmocka_unit_test(test_ack),
        cmocka_unit_test(test_replies),
        cmocka_unit_test(test_presence),
        cmocka_unit_test(test_devices),
        cmocka_unit_test(test_tctoken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
