/*
 * test_binnode — the WhatsApp binary node codec: byte vectors produced by Baileys 7.0.0-rc14
 * (wa-protocol.md §3.6 and Appendix A, re-checked by tests/interop/run.sh), every tag,
 * round trips, the documented normalisations, the builder API, and hostile input (every
 * truncation, bad tags, limits, zlib bombs) rejected with RC_INVAL and nothing leaked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/binnode.h"
#include "wa/tokens.h"

/* ---- helpers ------------------------------------------------------------------------- */

/* Parses hex (spaces allowed) into a new buffer; returns its length. */
static size_t
unhex(const char *hex, unsigned char **out)
{
    size_t n = 0;
    unsigned char *p = xmalloc(strlen(hex) / 2 + 1);

    for (const char *s = hex; *s != '\0';) {
        unsigned v;

        if (*s == ' ') {
            s++;
            continue;
        }
        assert_int_equal(sscanf(s, "%2x", &v), 1);
        p[n++] = (unsigned char)v;
        s += 2;
    }
    *out = p;
    return n;
}

static char *
hex_of(const unsigned char *p, size_t n)
{
    char *s = xmalloc(2 * n + 1);

    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02x", p[i]);
    s[2 * n] = '\0';
    return s;
}

static void
assert_encodes(const struct binnode *n, const char *want_hex)
{
    struct strbuf sb;
    struct err e = { 0 };
    unsigned char *want;
    size_t want_len = unhex(want_hex, &want);
    char *got, *exp;

    strbuf_init(&sb);
    assert_int_equal(binnode_encode(n, &sb, &e), RC_OK);
    got = hex_of((unsigned char *)sb.buf, sb.len);
    exp = hex_of(want, want_len);
    assert_string_equal(got, exp);
    free(got);
    free(exp);
    free(want);
    strbuf_fini(&sb);
}

/* Decodes hex, which must succeed, and checks the dump. */
static void
assert_decodes(const char *hex, const char *want_dump)
{
    struct err e = { 0 };
    struct binnode *n = NULL;
    unsigned char *buf;
    size_t len = unhex(hex, &buf);
    char *dump;

    if (binnode_decode(buf, len, &n, &e) != RC_OK)
        fail_msg("decode %s: %s", hex, e.msg);
    dump = binnode_dump(n);
    assert_string_equal(dump, want_dump);
    free(dump);
    binnode_free(n);
    free(buf);
}

static void
assert_rejects_buf(const unsigned char *buf, size_t len, const char *why)
{
    struct err e = { 0 };
    struct binnode *n = (struct binnode *)&e; /* must be overwritten with NULL */

    assert_int_equal(binnode_decode(buf, len, &n, &e), RC_INVAL);
    assert_null(n);
    assert_int_equal(e.rc, RC_INVAL);
    if (why != NULL && strstr(e.msg, why) == NULL)
        fail_msg("expected \"%s\" in \"%s\"", why, e.msg);
}

static void
assert_rejects(const char *hex, const char *why)
{
    unsigned char *buf;
    size_t len = unhex(hex, &buf);

    assert_rejects_buf(buf, len, why);
    free(buf);
}

/* Encodes n, decodes the bytes and checks the decoded dump. */
static void
assert_round_trip(const struct binnode *n, const char *want_dump)
{
    struct strbuf sb;
    struct err e = { 0 };
    struct binnode *back = NULL;
    char *dump;

    strbuf_init(&sb);
    assert_int_equal(binnode_encode(n, &sb, &e), RC_OK);
    if (binnode_decode(sb.buf, sb.len, &back, &e) != RC_OK)
        fail_msg("round trip: %s", e.msg);
    dump = binnode_dump(back);
    assert_string_equal(dump, want_dump);
    free(dump);
    binnode_free(back);
    strbuf_fini(&sb);
}

/* A node <tag attr=value/> whose attribute exercises one string form. */
static struct binnode *
attr_node(const char *tag, const char *key, const char *value)
{
    struct binnode *n = binnode_new(tag);

    binnode_set_attr(n, key, value);
    return n;
}

static void
assert_attr_encodes(const char *value, const char *want_hex)
{
    struct binnode *n = attr_node("to", "jid", value);

    assert_encodes(n, want_hex);
    binnode_free(n);
}

/* ---- vectors from Baileys ------------------------------------------------------------- */

static void
test_iq_ping_vector(void **state)
{
    struct binnode *iq = binnode_new("iq");

    (void)state;
    binnode_set_attr(iq, "id", "1.2-3");
    binnode_set_attr(iq, "to", "@s.whatsapp.net");
    binnode_set_attr(iq, "type", "get");
    binnode_set_attr(iq, "xmlns", "w:p");
    binnode_add(iq, "ping");
    assert_encodes(iq, "00 f80a 19 08 ff831b2a3f 11 fa0003 04 29 16 57 f801 f80156");
    assert_decodes("00 f80a 19 08 ff831b2a3f 11 fa0003 04 29 16 57 f801 f80156",
                   "<iq id=\"1.2-3\" to=\"@s.whatsapp.net\" type=\"get\" xmlns=\"w:p\">\n"
                   "  <ping/>\n"
                   "</iq>\n");
    binnode_free(iq);
}

static void
test_jid_vectors(void **state)
{
    (void)state;
    assert_attr_encodes("15557654321:12@s.whatsapp.net", "00 f803 11 0c f7 00 0c ff8615557654321f");
    assert_attr_encodes("123456789012345:7@lid", "00 f803 11 0c f7 01 07 ff88123456789012345f");
    assert_decodes("00 f803 11 0c f7 01 07 ff88123456789012345f",
                   "<to jid=\"123456789012345:7@lid\"/>\n");
    assert_decodes("00 f803 11 0c f7 00 0c ff8615557654321f",
                   "<to jid=\"15557654321:12@s.whatsapp.net\"/>\n");
}

static void
test_appendix_vectors(void **state)
{
    struct binnode *n = binnode_new("user");

    (void)state;
    binnode_set_attr(n, "jid", "99990001111@lid");
    binnode_set_attr(n, "reason", "identity");
    assert_encodes(n, "00 f805 0e 0c fa ff8699990001111f 76 ec2e 9c");
    binnode_free(n);
    n = attr_node("receipt", "type", "read-self");
    assert_encodes(n, "00 f803 07 04 ec00");
    binnode_free(n);
    n = binnode_new("chatstate");
    binnode_set_attr(n, "from", "15550001111:3@s.whatsapp.net");
    binnode_set_attr(n, "to", "15557654321@s.whatsapp.net");
    binnode_add(n, "composing");
    assert_encodes(n, "00f8062e06f70003ff8615550001111f11faff8615557654321f03f801f80134");
    binnode_free(n);
    n = binnode_new("ack");
    binnode_set_attr(n, "id", "3EB0AA");
    binnode_set_attr(n, "to", "15557654321@s.whatsapp.net");
    binnode_set_attr(n, "class", "receipt");
    binnode_set_attr(n, "type", "read");
    assert_encodes(n, "00f8091b08fb033eb0aa11faff8615557654321f031507042a");
    binnode_free(n);
}

static void
test_content_vectors(void **state)
{
    static const unsigned char two[] = { 1, 2 };
    struct binnode *n = binnode_new("enc");
    struct binnode *user = binnode_new("user");

    (void)state;
    binnode_set_attr(n, "v", "2");
    binnode_set_attr(n, "type", "pkmsg");
    binnode_set_bytes(n, two, sizeof two);
    assert_encodes(n, "00 f806 1d 51 45 04 53 fc020102");
    binnode_free(n);
    binnode_set_string(binnode_add(user, "contact"), "+15557654321");
    assert_encodes(user, "00f8020ef801f80225fc0c2b3135353537363534333231");
    /* Raw text comes back as bytes, as in Baileys; binnode_text() still reads it. */
    assert_round_trip(user, "<user>\n  <contact>[2b3135353537363534333231]</contact>\n</user>\n");
    binnode_free(user);
    n = attr_node("presence", "name", "Bob");
    binnode_set_attr(n, "type", "available");
    assert_encodes(n, "00f8051f89fc03426f620488");
    binnode_free(n);
}

/* ---- each tag --------------------------------------------------------------------------- */

static void
test_tokens_single_and_double(void **state)
{
    (void)state;
    assert_attr_encodes("s.whatsapp.net", "00 f803 11 0c 03");
    assert_attr_encodes("passive", "00 f803 11 0c ec18");
    assert_attr_encodes("pair-device", "00 f803 11 0c ed ee");
    for (int d = 0; d < TOKENS_DICT_COUNT; d++) {
        char hex[64], dump[128];

        snprintf(hex, sizeof hex, "00 f803 11 0c %02x 05", 236 + d);
        snprintf(dump, sizeof dump, "<to jid=\"%s\"/>\n", tokens_double[d][5]);
        assert_attr_encodes(tokens_double[d][5], hex);
        assert_decodes(hex, dump);
    }
    {
        char dump[128];

        snprintf(dump, sizeof dump, "<to jid=\"%s\"/>\n", tokens_single[235]);
        assert_decodes("00 f803 11 0c eb", dump);
    }
}

static void
test_token_table_is_consistent(void **state)
{
    (void)state;
    assert_string_equal(tokens_single[3], "s.whatsapp.net");
    assert_string_equal(tokens_single[25], "iq");
    assert_string_equal(tokens_double[1][238], "pair-device");
    for (size_t i = 0; i < TOKENS_SORTED_COUNT; i++) {
        const struct tokens_entry *t = &tokens_sorted[i];

        if (i > 0)
            assert_true(strcmp(tokens_sorted[i - 1].s, t->s) < 0);
        if (t->dict < 0)
            assert_string_equal(tokens_single[t->index], t->s);
        else
            assert_string_equal(tokens_double[t->dict][t->index], t->s);
    }
}

static void
test_packed_nibble_and_hex(void **state)
{
    (void)state;
    assert_attr_encodes("1.2-3", "00 f803 11 0c ff831b2a3f");
    assert_attr_encodes("0123456789", "00 f803 11 0c ff05 0123456789");
    assert_attr_encodes("3EB0AA", "00 f803 11 0c fb03 3eb0aa");
    assert_attr_encodes("ABC", "00 f803 11 0c fb82 abcf");
    /* Lowercase hex is not packable: raw. */
    assert_attr_encodes("3eb0", "00 f803 11 0c fc04 33656230");
    assert_decodes("00 f803 11 0c fb82 abcf", "<to jid=\"ABC\"/>\n");
    assert_decodes("00 f803 11 0c ff80", "<to jid=\"\"/>\n");
}

static void
test_packed_limit_is_127(void **state)
{
    char s[129];
    struct binnode *n;

    (void)state;
    memset(s, '7', 127);
    s[127] = '\0';
    n = attr_node("to", "jid", s);
    {
        struct strbuf sb;

        strbuf_init(&sb);
        assert_int_equal(binnode_encode(n, &sb, NULL), RC_OK);
        assert_int_equal((unsigned char)sb.buf[5], 0xff);
        assert_int_equal((unsigned char)sb.buf[6], 0x80 | 64);
        strbuf_fini(&sb);
    }
    binnode_free(n);
    s[127] = '7';
    s[128] = '\0';
    n = attr_node("to", "jid", s);
    {
        struct strbuf sb;

        strbuf_init(&sb);
        assert_int_equal(binnode_encode(n, &sb, NULL), RC_OK);
        assert_int_equal((unsigned char)sb.buf[5], 0xfc); /* 128 chars: raw BINARY_8 */
        strbuf_fini(&sb);
    }
    binnode_free(n);
}

/* Round-trips value as an attribute and checks the decoded text. */
static void
assert_attr_round_trips(const char *value, const char *want_value)
{
    struct binnode *n = attr_node("to", "jid", value);
    char dump[256];

    snprintf(dump, sizeof dump, "<to jid=\"%s\"/>\n", want_value);
    assert_round_trip(n, dump);
    binnode_free(n);
}

static void
test_jid_forms(void **state)
{
    static const char *const jids[] = {
        "123-456@g.us",      "120363025246125486@g.us",
        "status@broadcast",  "15551234567@s.whatsapp.net",
        "user@example.com",  "a@b@c",
        "15551234567:5@lid", "@s.whatsapp.net",
        "551:3@hosted",      "551@hosted",
    };

    (void)state;
    assert_attr_encodes("123-456@g.us", "00f803110cfaff84123a456f1c");
    assert_attr_encodes("120363025246125486@g.us", "00f803110cfaff091203630252461254861c");
    assert_attr_encodes("status@broadcast", "00f803110cfa0b0d");
    assert_attr_encodes("15551234567@s.whatsapp.net", "00f803110cfaff8615551234567f03");
    assert_attr_encodes("user@example.com", "00f803110cfa0efc0b6578616d706c652e636f6d");
    assert_attr_encodes("a@b@c", "00f803110cfafc0161fafc0162ee25");
    assert_attr_encodes("15551234567:5@lid", "00f803110cf70105ff8615551234567f");
    assert_attr_encodes("551@hosted", "00f803110cfaff82551ffc06686f73746564");
    for (size_t i = 0; i < sizeof jids / sizeof jids[0]; i++)
        assert_attr_round_trips(jids[i], jids[i]);
}

/* Strings Baileys would write as lossy JIDs (it drops an agent, truncates or zeroes a bad
 * device, or emits an undecodable empty server) travel raw here and come back intact. */
static void
test_lossy_jids_go_raw(void **state)
{
    static const char *const raw[] = {
        "a_1@s.whatsapp.net",
        "x:07@s.whatsapp.net",
        "abc@",
        "1:2@g.us",
        "x:300@s.whatsapp.net",
        "a:b:c@lid",
        "a:@lid",
        "toString",
        "@",
    };

    (void)state;
    for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
        struct binnode *n = attr_node("to", "jid", raw[i]);
        struct strbuf sb;

        strbuf_init(&sb);
        assert_int_equal(binnode_encode(n, &sb, NULL), RC_OK);
        assert_int_equal((unsigned char)sb.buf[5], 0xfc); /* 00 f803 <to> <jid> value */
        strbuf_fini(&sb);
        binnode_free(n);
        assert_attr_round_trips(raw[i], raw[i]);
    }
    /* Device 0 is written like Baileys does and dropped on decode, as Baileys does. */
    assert_attr_encodes("1555:0@s.whatsapp.net", "00f803110cf70000ff021555");
    assert_attr_round_trips("1555:0@s.whatsapp.net", "1555@s.whatsapp.net");
}

static void
test_ad_jid_domains(void **state)
{
    (void)state;
    assert_attr_encodes("551:3@hosted", "00f803110cf78003ff82551f");
    assert_attr_encodes("551:3@hosted.lid", "00f803110cf78103ff82551f");
    assert_decodes("00 f803 11 0c f7 80 03 ff8150", "<to jid=\"5:3@hosted\"/>\n");
    assert_decodes("00 f803 11 0c f7 81 03 ff8150", "<to jid=\"5:3@hosted.lid\"/>\n");
    /* Unknown domain types mean s.whatsapp.net, as in Baileys; device 0 is omitted. */
    assert_decodes("00 f803 11 0c f7 07 00 ff8150", "<to jid=\"5@s.whatsapp.net\"/>\n");
    assert_decodes("00 f803 11 0c f7 00 00 fc00", "<to jid=\"@s.whatsapp.net\"/>\n");
}

static void
test_fb_and_interop_jids_decode(void **state)
{
    (void)state;
    /* FB_JID: user "5", device 0x0102, server "msgr". */
    assert_decodes("00 f803 11 0c f6 ff8150 0102 fc046d736772", "<to jid=\"5:258@msgr\"/>\n");
    /* INTEROP_JID with a server, then without one (end of the node list). */
    assert_decodes("00 f803 11 0c f5 ff8150 0003 0007 fc0478797a31", "<to jid=\"7-5:3@xyz1\"/>\n");
    assert_decodes("00 f803 11 0c f5 ff8150 0003 0007", "<to jid=\"7-5:3@interop\"/>\n");
}

static void
test_lists_empty_8_16(void **state)
{
    struct binnode *n = binnode_new("list");

    (void)state;
    binnode_set_list(n);
    assert_encodes(n, "00 f802 71 00"); /* "list" is token 0x71 */
    assert_round_trip(n, "<list></list>\n");
    for (int i = 0; i < 300; i++)
        binnode_add(n, "item");
    assert_int_equal(binnode_nchildren(n), 300);
    {
        struct strbuf sb;
        struct binnode *back = NULL;

        strbuf_init(&sb);
        assert_int_equal(binnode_encode(n, &sb, NULL), RC_OK);
        assert_int_equal((unsigned char)sb.buf[4], 0xf9); /* 00 f802 71 f9 012c */
        assert_int_equal((unsigned char)sb.buf[5], 0x01);
        assert_int_equal((unsigned char)sb.buf[6], 0x2c);
        assert_int_equal(binnode_decode(sb.buf, sb.len, &back, NULL), RC_OK);
        assert_int_equal(binnode_nchildren(back), 300);
        assert_string_equal(binnode_tag(binnode_child_at(back, 299)), "item");
        binnode_free(back);
        strbuf_fini(&sb);
    }
    binnode_free(n);
    /* A node with LIST_16 size, and explicit LIST_EMPTY content. */
    assert_decodes("00 f90002 fc0161 00", "<a></a>\n");
}

static void
test_binary_8_20_32(void **state)
{
    size_t sizes[] = { 0, 255, 256, 300, (1u << 20) - 1, 1u << 20 };
    unsigned char want_tag[] = { 0xfc, 0xfc, 0xfd, 0xfd, 0xfd, 0xfe };

    (void)state;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *data = xmalloc(sizes[i] + 1);
        struct binnode *n = binnode_new("media"), *back = NULL;
        struct strbuf sb;
        const unsigned char *got;
        size_t got_len;

        for (size_t j = 0; j < sizes[i]; j++)
            data[j] = (unsigned char)(j * 7);
        binnode_set_bytes(n, data, sizes[i]);
        strbuf_init(&sb);
        assert_int_equal(binnode_encode(n, &sb, NULL), RC_OK);
        assert_int_equal((unsigned char)sb.buf[4], want_tag[i]); /* 00 f802 <media> tag */
        assert_int_equal(binnode_decode(sb.buf, sb.len, &back, NULL), RC_OK);
        assert_int_equal(binnode_kind(back), BINNODE_BYTES);
        got = binnode_content(back, &got_len);
        assert_int_equal(got_len, sizes[i]);
        if (sizes[i] > 0)
            assert_memory_equal(got, data, sizes[i]);
        assert_int_equal(got[sizes[i]], 0);
        binnode_free(back);
        binnode_free(n);
        strbuf_fini(&sb);
        free(data);
    }
    assert_decodes("00 f802 fc0161 fd f00003 616263", "<a>[616263]</a>\n"); /* top nibble masked */
    assert_decodes("00 f802 fc0161 fe 00000001 7a", "<a>[7a]</a>\n");
}

/* ---- hostile input ---------------------------------------------------------------------- */

static void
test_every_truncation_is_rejected(void **state)
{
    static const char *const vectors[] = {
        "00 f80a 19 08 ff831b2a3f 11 fa0003 04 29 16 57 f801 f80156",
        "00 f803 11 0c f7 00 0c ff8615557654321f",
        "00 f805 0e 0c fa ff8699990001111f 76 ec2e 9c",
        "00 f806 1d 51 45 04 53 fc020102",
        "00f8020ef801f80225fc0c2b3135353537363534333231",
        "00 f803 11 0c f6 ff8150 0102 fc046d736772",
        "00 f90002 fc0161 00",
        "00 f802 fc0161 fe 00000001 7a",
    };

    (void)state;
    for (size_t v = 0; v < sizeof vectors / sizeof vectors[0]; v++) {
        unsigned char *buf;
        size_t len = unhex(vectors[v], &buf);

        for (size_t cut = 0; cut < len; cut++)
            assert_rejects_buf(buf, cut, NULL);
        free(buf);
    }
}

static void
test_bad_tags_and_strings(void **state)
{
    (void)state;
    for (int tag = 240; tag <= 244; tag++) {
        char hex[32];

        snprintf(hex, sizeof hex, "00 f803 11 0c %02x", tag);
        assert_rejects(hex, "etiqueta inválida");
    }
    assert_rejects("00 f803 11 0c f801", "etiqueta inválida");
    assert_rejects("00 0c", "se esperaba una lista");
    assert_rejects("00 00", "nodo vacío");
    assert_rejects("00 f801 00", "nodo sin etiqueta");
    assert_rejects("00 f801 fc00", "nodo sin etiqueta");
    assert_rejects("00 f803 11 0c ff81 c0", "nibble inválido");
    assert_rejects("00 f803 11 0c ff02 f111", "relleno");
    assert_rejects("00 f803 11 0c fc02 6100", "byte nulo");
    assert_rejects("00 f803 11 0c fa ff8150 00", "JID sin servidor");
    assert_rejects("00 f803 11 0c fa 00 fc00", "JID sin servidor");
    assert_rejects("00 f802 fc0161 fc05 6162", "longitud mayor");
    assert_rejects("00 f802 fc0161 fe ffffffff 00", "longitud mayor");
    assert_rejects("00 f802 fc0161 f9ffff f80119", "lista más larga");
    assert_rejects("00 f803 11", NULL);
    assert_rejects("", "vacío");
    assert_rejects("00 f801 19 00", "sobrantes");
    /* NUL is fine inside byte content; and duplicate keys keep the last value. */
    assert_decodes("00 f802 fc0161 fc0100", "<a>[00]</a>\n");
    assert_decodes("00 f805 19 08 fc0161 08 fc0162", "<iq id=\"b\"/>\n");
}

/* Appends `count` copies of hex to sb as bytes. */
static void
add_hex_times(struct strbuf *sb, const char *hex, size_t count)
{
    unsigned char *buf;
    size_t len = unhex(hex, &buf);

    for (size_t i = 0; i < count; i++)
        strbuf_add(sb, buf, len);
    free(buf);
}

static int
decode_sb(const struct strbuf *sb, struct err *e)
{
    struct binnode *n = NULL;
    int rc = binnode_decode(sb->buf, sb->len, &n, e);

    binnode_free(n);
    return rc;
}

static void
test_depth_limits(void **state)
{
    struct strbuf sb;
    struct err e = { 0 };

    (void)state;
    /* 64 nested <iq> are fine, 65 are not. */
    for (size_t levels = 64; levels <= 65; levels++) {
        strbuf_init(&sb);
        add_hex_times(&sb, "00", 1);
        add_hex_times(&sb, "f802 19 f801", levels - 1);
        add_hex_times(&sb, "f801 19", 1);
        assert_int_equal(decode_sb(&sb, &e), levels == 64 ? RC_OK : RC_INVAL);
        strbuf_fini(&sb);
    }
    assert_non_null(strstr(e.msg, "niveles"));
    /* A JID whose server is a JID whose server is a JID ... */
    strbuf_init(&sb);
    add_hex_times(&sb, "00 f803 11 0c", 1);
    add_hex_times(&sb, "fa 00", 80);
    add_hex_times(&sb, "03", 1);
    assert_int_equal(decode_sb(&sb, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "JID anidado"));
    strbuf_fini(&sb);
}

/* Nested INTEROP_JIDs each try an optional server; trying JIDs there made the rewinding
 * exponential (found by the fuzzer), so only plain strings are tried: a JID tag right after
 * the integrator means "no server" and is the next item. 62 nested levels decode at once. */
static void
test_interop_jid_server_is_a_plain_string(void **state)
{
    struct strbuf sb;
    struct err e = { 0 };
    struct binnode *n = NULL;

    (void)state;
    assert_decodes("00 f805 19 0c f5 ff8150 0003 0007 fa0003 03",
                   "<iq jid=\"7-5:3@interop\" @s.whatsapp.net=\"s.whatsapp.net\"/>\n");
    strbuf_init(&sb);
    add_hex_times(&sb, "00 f803 11 0c", 1);
    add_hex_times(&sb, "f5", 62);
    add_hex_times(&sb, "03", 1);
    add_hex_times(&sb, "f001 0002", 62); /* f0 is no string: every server attempt rewinds */
    if (binnode_decode(sb.buf, sb.len, &n, &e) != RC_OK)
        fail_msg("%s", e.msg);
    assert_non_null(
        strstr(binnode_attr(n, "jid"), "2-2-2-s.whatsapp.net:61441@interop:61441@interop"));
    binnode_free(n);
    strbuf_fini(&sb);
}

static void
test_attr_and_item_limits(void **state)
{
    struct strbuf sb;
    struct err e = { 0 };

    (void)state;
    strbuf_init(&sb);
    add_hex_times(&sb, "00 f90203 19", 1); /* 1 + 2 * 257 */
    add_hex_times(&sb, "08 08", 257);
    assert_int_equal(decode_sb(&sb, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "demasiados atributos"));
    strbuf_fini(&sb);
    /* 5 x 65535 leaves: more nodes than BINNODE_MAX_ITEMS in about 1 MB. */
    strbuf_init(&sb);
    add_hex_times(&sb, "00 f802 19 f805", 1);
    for (int i = 0; i < 5; i++) {
        add_hex_times(&sb, "f802 19 f9ffff", 1);
        add_hex_times(&sb, "f801 19", 65535);
    }
    assert_int_equal(decode_sb(&sb, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "demasiados nodos"));
    strbuf_fini(&sb);
}

/* flags 0x02 + zlib(plain) + extra. */
static void
compressed(struct strbuf *sb, const void *plain, size_t len, const char *extra_hex)
{
    uLongf clen = compressBound((uLong)len);
    unsigned char *c = xmalloc(clen);

    assert_int_equal(compress2(c, &clen, plain, (uLong)len, 9), Z_OK);
    strbuf_init(sb);
    add_hex_times(sb, "02", 1);
    strbuf_add(sb, c, clen);
    add_hex_times(sb, extra_hex, 1);
    free(c);
}

static void
test_zlib_input(void **state)
{
    static const unsigned char plain[] = { 0xf8, 0x02, 0x19, 0xf8, 0x01, 0xf8, 0x01, 0x56 };
    struct strbuf sb;
    struct err e = { 0 };
    struct binnode *n = NULL;
    unsigned char *big;

    (void)state;
    compressed(&sb, plain, sizeof plain, "");
    assert_int_equal(binnode_decode(sb.buf, sb.len, &n, &e), RC_OK);
    assert_non_null(binnode_child(n, "ping"));
    binnode_free(n);
    for (size_t cut = 0; cut < sb.len; cut++)
        assert_rejects_buf((unsigned char *)sb.buf, cut, NULL);
    strbuf_fini(&sb);
    compressed(&sb, plain, sizeof plain, "00");
    assert_rejects_buf((unsigned char *)sb.buf, sb.len, "después");
    strbuf_fini(&sb);
    assert_rejects("02 0102030405", "comprimido inválido");
    /* A bomb: 17 MiB of zeros squeeze into about 17 KB. */
    big = xcalloc(17u << 20, 1);
    compressed(&sb, big, 17u << 20, "");
    assert_true(sb.len < 100000);
    assert_rejects_buf((unsigned char *)sb.buf, sb.len, "supera");
    strbuf_fini(&sb);
    free(big);
}

/* ---- encoder limits and API ---------------------------------------------------------------- */

static void
test_encoder_limits_leave_output_alone(void **state)
{
    struct binnode *root = binnode_new("iq"), *n = root;
    struct strbuf sb;
    struct err e = { 0 };

    (void)state;
    for (int i = 0; i < BINNODE_MAX_DEPTH; i++)
        n = binnode_add(n, "iq");
    strbuf_init(&sb);
    strbuf_addstr(&sb, "keep");
    assert_int_equal(binnode_encode(root, &sb, &e), RC_INVAL);
    assert_int_equal(sb.len, 4);
    assert_string_equal(sb.buf, "keep");
    binnode_free(root);
    root = binnode_new("iq");
    for (int i = 0; i <= BINNODE_MAX_ATTRS; i++) {
        char key[16];

        snprintf(key, sizeof key, "k%d", i);
        binnode_set_attr(root, key, "v");
        assert_int_equal(binnode_encode(root, &sb, &e), i < BINNODE_MAX_ATTRS ? RC_OK : RC_INVAL);
    }
    assert_non_null(strstr(e.msg, "atributos"));
    binnode_free(root);
    strbuf_fini(&sb);
}

static void
test_attrs_api(void **state)
{
    struct binnode *n = binnode_new("iq");

    (void)state;
    binnode_set_attr(n, "id", "1");
    binnode_set_attr(n, "type", "get");
    binnode_set_attr(n, "to", "x");
    binnode_set_attr(n, "id", "2");
    assert_int_equal(binnode_nattrs(n), 3);
    assert_string_equal(binnode_attr_key(n, 0), "id");
    assert_string_equal(binnode_attr_value(n, 0), "2");
    binnode_set_attr(n, "type", NULL);
    binnode_set_attr(n, "absent", NULL);
    assert_int_equal(binnode_nattrs(n), 2);
    assert_null(binnode_attr(n, "type"));
    assert_string_equal(binnode_attr(n, "to"), "x");
    assert_string_equal(binnode_attr_key(n, 1), "to");
    binnode_free(n);
}

static void
test_children_api(void **state)
{
    struct binnode *n = binnode_new("list"), *other = binnode_new("x");
    struct binnode *c;
    int count = 0;

    (void)state;
    binnode_set_bytes(n, "ab", 2);
    binnode_add(n, "item");
    binnode_add(n, "other");
    binnode_add(n, "item");
    assert_int_equal(binnode_kind(n), BINNODE_LIST);
    assert_int_equal(binnode_nchildren(n), 3);
    assert_string_equal(binnode_tag(binnode_child(n, "other")), "other");
    assert_null(binnode_child(n, "none"));
    for (c = binnode_child_next(n, "item", NULL); c; c = binnode_child_next(n, "item", c))
        count++;
    assert_int_equal(count, 2);
    assert_null(binnode_child_next(n, "item", other));
    binnode_free(other);
    binnode_free(n);
}

static void
test_text_and_content(void **state)
{
    struct binnode *n = binnode_new("body");
    size_t len;

    (void)state;
    assert_null(binnode_text(n));
    assert_null(binnode_content(n, &len));
    assert_int_equal(len, 0);
    binnode_set_string(n, "hola");
    assert_string_equal(binnode_text(n), "hola");
    binnode_set_bytes(n, "a\0b", 3);
    assert_null(binnode_text(n));
    assert_memory_equal(binnode_content(n, &len), "a\0b", 3);
    assert_int_equal(len, 3);
    binnode_set_bytes(n, "ok", 2);
    assert_string_equal(binnode_text(n), "ok");
    binnode_set_list(n);
    assert_null(binnode_text(n));
    binnode_free(n);
}

static void
test_dump_escapes(void **state)
{
    struct binnode *n = binnode_new("m");
    char *dump;

    (void)state;
    binnode_set_attr(n, "v",
                     "a&b<c>\"d\"[e]\n\x7f"
                     "ñ");
    binnode_set_string(binnode_add(n, "t"), "[x]");
    binnode_add(n, "none");
    dump = binnode_dump(n);
    assert_string_equal(dump, "<m v=\"a&amp;b&lt;c&gt;&quot;d&quot;&#x5b;e]&#x0a;&#x7f;ñ\">\n"
                              "  <t>&#x5b;x]</t>\n"
                              "  <none/>\n"
                              "</m>\n");
    free(dump);
    binnode_free(n);
}

static void
test_round_trip_nested_tree(void **state)
{
    struct binnode *n = binnode_new("message"), *enc, *list;

    (void)state;
    binnode_set_attr(n, "id", "3EB0C431C26A1916E3E2");
    binnode_set_attr(n, "to", "5215512345678@s.whatsapp.net");
    binnode_set_attr(n, "type", "text");
    list = binnode_add(n, "participants");
    enc = binnode_add(binnode_add(list, "to"), "enc");
    binnode_set_attr(binnode_child(list, "to"), "jid", "5215512345678:2@s.whatsapp.net");
    binnode_set_attr(enc, "v", "2");
    binnode_set_bytes(enc, "\x01\x02\xff", 3);
    binnode_set_list(binnode_add(n, "empty"));
    binnode_set_string(binnode_add(n, "note"), "¡hola, ñandú!");
    assert_round_trip(n, "<message id=\"3EB0C431C26A1916E3E2\" to=\"5215512345678@s.whatsapp.net\""
                         " type=\"text\">\n"
                         "  <participants>\n"
                         "    <to jid=\"5215512345678:2@s.whatsapp.net\">\n"
                         "      <enc v=\"2\">[0102ff]</enc>\n"
                         "    </to>\n"
                         "  </participants>\n"
                         "  <empty></empty>\n"
                         "  <note>[c2a1686f6c612c20c3b1616e64c3ba21]</note>\n"
                         "</message>\n");
    binnode_free(n);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iq_ping_vector),
        cmocka_unit_test(test_jid_vectors),
        cmocka_unit_test(test_appendix_vectors),
        cmocka_unit_test(test_content_vectors),
        cmocka_unit_test(test_tokens_single_and_double),
        cmocka_unit_test(test_token_table_is_consistent),
        cmocka_unit_test(test_packed_nibble_and_hex),
        cmocka_unit_test(test_packed_limit_is_127),
        cmocka_unit_test(test_jid_forms),
        cmocka_unit_test(test_lossy_jids_go_raw),
        cmocka_unit_test(test_ad_jid_domains),
        cmocka_unit_test(test_fb_and_interop_jids_decode),
        cmocka_unit_test(test_lists_empty_8_16),
        cmocka_unit_test(test_binary_8_20_32),
        cmocka_unit_test(test_every_truncation_is_rejected),
        cmocka_unit_test(test_bad_tags_and_strings),
        cmocka_unit_test(test_depth_limits),
        cmocka_unit_test(test_interop_jid_server_is_a_plain_string),
        cmocka_unit_test(test_attr_and_item_limits),
        cmocka_unit_test(test_zlib_input),
        cmocka_unit_test(test_encoder_limits_leave_output_alone),
        cmocka_unit_test(test_attrs_api),
        cmocka_unit_test(test_children_api),
        cmocka_unit_test(test_text_and_content),
        cmocka_unit_test(test_dump_escapes),
        cmocka_unit_test(test_round_trip_nested_tree),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
