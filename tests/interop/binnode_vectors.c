/*
 * binnode_vectors — embudo's side of the binary-node cross-check with Baileys (test only).
 *
 *   binnode_vectors emit        builds embudo's corpus, checks each vector against the dump
 *                               written below, and prints one JSON object per line:
 *                               {"name","kind","hex","dump"}; kind "node" was encoded by
 *                               embudo, kind "bytes" is hand-made wire input (decode only)
 *   binnode_vectors check FILE  decodes every vector Baileys emitted (same line format),
 *                               compares the dump, and for kind "node" re-encodes and
 *                               compares the bytes; prints "N passed, N failed"
 *
 * tests/interop/run.sh drives both directions with binnode-vectors.mjs. Exit 0 only when
 * every vector matches.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/binnode.h"
#include "wa/tokens.h"

/* ---- JSON lines ---------------------------------------------------------------------- */

static void
json_str(struct strbuf *sb, const char *s, size_t len)
{
    strbuf_addch(sb, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\')
            strbuf_addf(sb, "\\%c", c);
        else if (c == '\n')
            strbuf_addstr(sb, "\\n");
        else if (c < 0x20)
            strbuf_addf(sb, "\\u%04x", c);
        else
            strbuf_add(sb, &c, 1);
    }
    strbuf_addch(sb, '"');
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
emit_line(const char *name, const char *kind, const unsigned char *wire, size_t len,
          const char *dump)
{
    struct strbuf sb;
    char *hex = hex_of(wire, len);

    strbuf_init(&sb);
    strbuf_addstr(&sb, "{\"name\":");
    json_str(&sb, name, strlen(name));
    strbuf_addf(&sb, ",\"kind\":\"%s\",\"hex\":\"%s\",\"dump\":", kind, hex);
    json_str(&sb, dump, strlen(dump));
    strbuf_addstr(&sb, "}\n");
    fwrite(sb.buf, 1, sb.len, stdout);
    strbuf_fini(&sb);
    free(hex);
}

/* Appends the UTF-8 form of code point cp (BMP only, as JSON.stringify writes them). */
static bool
utf8_put(struct strbuf *sb, unsigned cp)
{
    unsigned char b[3];

    if (cp >= 0xd800 && cp <= 0xdfff)
        return false;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        strbuf_add(sb, b, 1);
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xc0 | cp >> 6);
        b[1] = (unsigned char)(0x80 | (cp & 0x3f));
        strbuf_add(sb, b, 2);
    } else {
        b[0] = (unsigned char)(0xe0 | cp >> 12);
        b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        b[2] = (unsigned char)(0x80 | (cp & 0x3f));
        strbuf_add(sb, b, 3);
    }
    return true;
}

/* Reads the string value of "key" from one JSON line into out. */
static bool
json_field(const char *line, const char *key, struct strbuf *out)
{
    char pat[32];
    const char *p;

    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    if ((p = strstr(line, pat)) == NULL)
        return false;
    strbuf_reset(out);
    for (p += strlen(pat); *p != '"'; p++) {
        unsigned cp;

        if (*p == '\0')
            return false;
        if (*p != '\\') {
            strbuf_addch(out, *p);
            continue;
        }
        p++;
        if (*p == 'n')
            strbuf_addch(out, '\n');
        else if (*p == 'u' && sscanf(p + 1, "%4x", &cp) == 1 && utf8_put(out, cp))
            p += 4;
        else if (*p == '"' || *p == '\\' || *p == '/')
            strbuf_addch(out, *p);
        else
            return false;
    }
    return true;
}

static bool
unhex(const char *hex, struct strbuf *out)
{
    size_t n = strlen(hex);

    strbuf_reset(out);
    if (n % 2 != 0)
        return false;
    for (size_t i = 0; i < n; i += 2) {
        unsigned v;

        if (sscanf(hex + i, "%2x", &v) != 1)
            return false;
        strbuf_addch(out, (char)v);
    }
    return true;
}

/* ---- embudo's corpus ------------------------------------------------------------------ */

static struct binnode *
attrs_node(const char *tag, const char *const *kv)
{
    struct binnode *n = binnode_new(tag);

    for (; kv[0] != NULL; kv += 2)
        binnode_set_attr(n, kv[0], kv[1]);
    return n;
}

static struct binnode *
build_iq_ping(void)
{
    static const char *const kv[] = { "id",    "1.2-3", "to", "@s.whatsapp.net", "type", "get",
                                      "xmlns", "w:p",   NULL };
    struct binnode *n = attrs_node("iq", kv);

    binnode_add(n, "ping");
    return n;
}

static struct binnode *
build_message_pn(void)
{
    static const char *const kv[] = {
        "id", "3EB0C431C26A1916E3E2", "to", "5215512345678@s.whatsapp.net", "type", "text", NULL
    };
    unsigned char cipher[40];
    struct binnode *n = attrs_node("message", kv), *to, *enc;

    for (size_t i = 0; i < sizeof cipher; i++)
        cipher[i] = (unsigned char)(i * 37 + 11);
    to = binnode_add(binnode_add(n, "participants"), "to");
    binnode_set_attr(to, "jid", "5215512345678:2@s.whatsapp.net");
    enc = binnode_add(to, "enc");
    binnode_set_attr(enc, "v", "2");
    binnode_set_attr(enc, "type", "pkmsg");
    binnode_set_bytes(enc, cipher, sizeof cipher);
    return n;
}

static struct binnode *
build_jids(void)
{
    static const char *const kv[] = {
        "lid",         "123456789012345:7@lid",
        "lid_user",    "123456789012345@lid",
        "group",       "120363025246125486@g.us",
        "participant", "5215512345678:12@s.whatsapp.net",
        "hosted",      "551:3@hosted",
        "hosted_lid",  "551:3@hosted.lid",
        "hosted_pn",   "551@hosted",
        "server",      "@s.whatsapp.net",
        "bare",        "s.whatsapp.net",
        "status",      "status@broadcast",
        "mail",        "user@example.com",
        "nested",      "a@b@c",
        NULL,
    };

    return attrs_node("jids", kv);
}

static struct binnode *
build_packed(void)
{
    static const char *const kv[] = { "digits", "0123456789", "odd",    "12345", "id",    "1.2-3",
                                      "hex",    "3EB0AA",     "hexodd", "ABC",   "lower", "3eb0",
                                      "dash",   "-",          "empty",  "",      NULL };

    return attrs_node("packed", kv);
}

static struct binnode *
build_tokens(void)
{
    struct binnode *n = binnode_new("receipt");

    binnode_set_attr(n, "type", "read-self");
    binnode_set_attr(n, "d1", tokens_double[1][238]);
    binnode_set_attr(n, "d2", tokens_double[2][10]);
    binnode_set_attr(n, tokens_double[3][1], tokens_double[3][255]); /* a non-numeric key */
    binnode_set_string(n, tokens_single[235]);
    return n;
}

static struct binnode *
build_contents(void)
{
    struct binnode *n = binnode_new("contents");

    binnode_set_list(binnode_add(n, "emptylist"));
    binnode_set_string(binnode_add(n, "text"), "hola, ñandú");
    binnode_set_string(binnode_add(n, "token"), "available");
    binnode_set_string(binnode_add(n, "digits"), "5215512345678");
    binnode_set_string(binnode_add(n, "jid"), "5215512345678@s.whatsapp.net");
    binnode_set_string(binnode_add(n, "emptytext"), "");
    binnode_set_bytes(binnode_add(n, "emptybytes"), NULL, 0);
    binnode_set_attr(binnode_add(n, "escapes"), "v", "a&b<c>\"d\" [e]\tf\ng");
    return n;
}

static struct binnode *
build_blob(size_t len)
{
    struct binnode *n = binnode_new("media");
    unsigned char *data = xmalloc(len);

    for (size_t i = 0; i < len; i++)
        data[i] = (unsigned char)(i * 131 + 7);
    binnode_set_bytes(n, data, len);
    free(data);
    return n;
}

static struct binnode *
build_binary_8(void)
{
    return build_blob(200);
}

static struct binnode *
build_binary_20(void)
{
    return build_blob(300);
}

static struct binnode *
build_binary_32(void)
{
    return build_blob((size_t)1 << 20);
}

static struct binnode *
build_list_16(void)
{
    struct binnode *n = binnode_new("list");

    for (int i = 0; i < 300; i++) {
        char id[16];

        snprintf(id, sizeof id, "%d", i);
        binnode_set_attr(binnode_add(n, "item"), "id", id);
    }
    return n;
}

static struct binnode *
build_deep(void)
{
    struct binnode *root = binnode_new("l0"), *n = root;

    for (int i = 1; i < 12; i++) {
        char tag[16];

        snprintf(tag, sizeof tag, "l%d", i);
        n = binnode_add(n, tag);
        binnode_set_attr(n, "depth", tag + 1);
    }
    binnode_set_bytes(n, "\x00\xff", 2);
    return root;
}

struct node_vector {
    const char *name;
    struct binnode *(*build)(void);
    const char *dump; /* NULL: checked by its own rule in emit_nodes() */
};

static const struct node_vector node_vectors[] = {
    { "iq-ping", build_iq_ping,
      "<iq id=\"1.2-3\" to=\"@s.whatsapp.net\" type=\"get\" xmlns=\"w:p\">\n  <ping/>\n</iq>\n" },
    { "message-pn-device", build_message_pn,
      "<message id=\"3EB0C431C26A1916E3E2\" to=\"5215512345678@s.whatsapp.net\" type=\"text\">\n"
      "  <participants>\n"
      "    <to jid=\"5215512345678:2@s.whatsapp.net\">\n"
      "      <enc v=\"2\" type=\"pkmsg\">[0b30557a9fc4e90e33587da2c7ec11365b80a5caef14395e83a8cdf2"
      "173c6186abd0f51a3f6489ae]</enc>\n"
      "    </to>\n"
      "  </participants>\n"
      "</message>\n" },
    { "jids", build_jids,
      "<jids lid=\"123456789012345:7@lid\" lid_user=\"123456789012345@lid\""
      " group=\"120363025246125486@g.us\" participant=\"5215512345678:12@s.whatsapp.net\""
      " hosted=\"551:3@hosted\" hosted_lid=\"551:3@hosted.lid\" hosted_pn=\"551@hosted\""
      " server=\"@s.whatsapp.net\" bare=\"s.whatsapp.net\" status=\"status@broadcast\""
      " mail=\"user@example.com\" nested=\"a@b@c\"/>\n" },
    { "packed", build_packed,
      "<packed digits=\"0123456789\" odd=\"12345\" id=\"1.2-3\" hex=\"3EB0AA\" hexodd=\"ABC\""
      " lower=\"3eb0\" dash=\"-\" empty=\"\"/>\n" },
    { "tokens", build_tokens, NULL },
    { "contents", build_contents,
      "<contents>\n"
      "  <emptylist></emptylist>\n"
      "  <text>[686f6c612c20c3b1616e64c3ba]</text>\n"
      "  <token>available</token>\n"
      "  <digits>5215512345678</digits>\n"
      "  <jid>5215512345678@s.whatsapp.net</jid>\n"
      "  <emptytext>[]</emptytext>\n"
      "  <emptybytes>[]</emptybytes>\n"
      "  <escapes v=\"a&amp;b&lt;c&gt;&quot;d&quot; &#x5b;e]&#x09;f&#x0a;g\"/>\n"
      "</contents>\n" },
    { "binary-8", build_binary_8, NULL },
    { "binary-20", build_binary_20, NULL },
    { "binary-32", build_binary_32, NULL },
    { "list-16", build_list_16, NULL },
    { "deep", build_deep, NULL },
};

/* The dump a vector without a literal must have: built tree == decoded tree, which holds for
 * those because they carry no raw-string content and no ":0" device. */
static char *
expected_dump(const struct node_vector *v, const struct binnode *built)
{
    return v->dump != NULL ? xstrdup(v->dump) : binnode_dump(built);
}

static int
emit_nodes(void)
{
    int failed = 0;

    for (size_t i = 0; i < sizeof node_vectors / sizeof node_vectors[0]; i++) {
        const struct node_vector *v = &node_vectors[i];
        struct binnode *n = v->build(), *back = NULL;
        struct strbuf sb;
        struct err e = { 0 };
        char *want = expected_dump(v, n), *got = NULL;

        strbuf_init(&sb);
        if (binnode_encode(n, &sb, &e) != RC_OK ||
            binnode_decode(sb.buf, sb.len, &back, &e) != RC_OK) {
            fprintf(stderr, "binnode_vectors: %s: %s\n", v->name, e.msg);
            failed++;
        } else if (strcmp(got = binnode_dump(back), want) != 0) {
            fprintf(stderr, "binnode_vectors: %s: got\n%s\nwant\n%s", v->name, got, want);
            failed++;
        } else {
            emit_line(v->name, "node", (unsigned char *)sb.buf, sb.len, got);
        }
        free(got);
        free(want);
        binnode_free(back);
        binnode_free(n);
        strbuf_fini(&sb);
    }
    return failed;
}

/* Hand-made wire input: forms embudo (like Baileys) never writes, but must read. */
struct bytes_vector {
    const char *name;
    const char *hex;
    const char *dump;
};

static const struct bytes_vector bytes_vectors[] = {
    { "fb-jid", "00f803110cf6ff81500102fc046d736772", "<to jid=\"5:258@msgr\"/>\n" },
    { "interop-jid-server", "00f803110cf5ff815000030007fc0478797a31",
      "<to jid=\"7-5:3@xyz1\"/>\n" },
    { "interop-jid-default", "00f803110cf5ff815000030007", "<to jid=\"7-5:3@interop\"/>\n" },
    { "ad-jid-unknown-domain", "00f803110cf70700ff8150", "<to jid=\"5@s.whatsapp.net\"/>\n" },
    { "ad-jid-device-0", "00f803110cf70000ff021555", "<to jid=\"1555@s.whatsapp.net\"/>\n" },
    { "list-16-small", "00f90002fc016100", "<a></a>\n" },
    { "binary-20-small", "00f803fd000001610cfe0000000162", "<a jid=\"b\"/>\n" },
    { "binary-32-content", "00f802fc0161fe000000027a00", "<a>[7a00]</a>\n" },
    { "binary-20-masked", "00f802fc0161fdf00003616263", "<a>[616263]</a>\n" },
    { "packed-empty-odd", "00f803110cff80", "<to jid=\"\"/>\n" },
    { "jid-pair-empty-user", "00f803110cfa0003", "<to jid=\"@s.whatsapp.net\"/>\n" },
    { "dict-ends", "00f803fc0161ecffefff", NULL },
    { "duplicate-attr", "00f8071908fc0161110c08fc0162", "<iq id=\"b\" to=\"jid\"/>\n" },
    { "flags-other-bits", "04f801fc0161", "<a/>\n" },
};

/* flags 0x02 + zlib of a plain node: <iq id="1.2-3"><ping/></iq>. */
static void
compressed_vector(struct strbuf *wire)
{
    static const unsigned char plain[] = { 0xf8, 0x04, 0x19, 0x08, 0xff, 0x83, 0x1b,
                                           0x2a, 0x3f, 0xf8, 0x01, 0xf8, 0x01, 0x56 };
    unsigned char c[128];
    uLongf clen = sizeof c;

    if (compress2(c, &clen, plain, sizeof plain, 9) != Z_OK)
        fatal("zlib compress2");
    strbuf_addch(wire, 0x02);
    strbuf_add(wire, c, clen);
}

static char *
dict_ends_dump(void)
{
    return xasprintf("<a %s=\"%s\"/>\n", tokens_double[0][255], tokens_double[3][255]);
}

static int
emit_one_bytes(const char *name, const struct strbuf *wire, const char *want)
{
    struct binnode *n = NULL;
    struct err e = { 0 };
    char *got;
    int failed = 0;

    if (binnode_decode(wire->buf, wire->len, &n, &e) != RC_OK) {
        fprintf(stderr, "binnode_vectors: %s: %s\n", name, e.msg);
        return 1;
    }
    got = binnode_dump(n);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "binnode_vectors: %s: got\n%s\nwant\n%s", name, got, want);
        failed = 1;
    } else {
        emit_line(name, "bytes", (unsigned char *)wire->buf, wire->len, got);
    }
    free(got);
    binnode_free(n);
    return failed;
}

static int
emit_bytes(void)
{
    struct strbuf wire;
    int failed = 0;

    strbuf_init(&wire);
    for (size_t i = 0; i < sizeof bytes_vectors / sizeof bytes_vectors[0]; i++) {
        const struct bytes_vector *v = &bytes_vectors[i];
        char *want = v->dump != NULL ? xstrdup(v->dump) : dict_ends_dump();

        if (!unhex(v->hex, &wire))
            fatal("bad hex in %s", v->name);
        failed += emit_one_bytes(v->name, &wire, want);
        free(want);
    }
    strbuf_reset(&wire);
    compressed_vector(&wire);
    failed += emit_one_bytes("zlib-compressed", &wire, "<iq id=\"1.2-3\">\n  <ping/>\n</iq>\n");
    strbuf_fini(&wire);
    return failed;
}

/* ---- checking Baileys' vectors ---------------------------------------------------------- */

/* Decodes one of Baileys' vectors; 0 when the dump (and, for "node", the bytes) match. */
static int
check_vector(const char *name, const char *kind, const struct strbuf *wire, const char *dump)
{
    struct binnode *n = NULL;
    struct strbuf again;
    struct err e = { 0 };
    char *got;
    int bad = 0;

    if (binnode_decode(wire->buf, wire->len, &n, &e) != RC_OK) {
        fprintf(stderr, "binnode_vectors: %s: embudo rejects Baileys' bytes: %s\n", name, e.msg);
        return 1;
    }
    got = binnode_dump(n);
    if (strcmp(got, dump) != 0) {
        fprintf(stderr, "binnode_vectors: %s: embudo decodes\n%s\nBaileys decodes\n%s", name, got,
                dump);
        bad = 1;
    }
    strbuf_init(&again);
    if (!bad && strcmp(kind, "node") == 0 &&
        (binnode_encode(n, &again, &e) != RC_OK || again.len != wire->len ||
         memcmp(again.buf, wire->buf, wire->len) != 0)) {
        fprintf(stderr, "binnode_vectors: %s: embudo re-encodes different bytes\n", name);
        bad = 1;
    }
    strbuf_fini(&again);
    free(got);
    binnode_free(n);
    return bad;
}

static int
check_file(const char *path)
{
    FILE *f = fopen(path, "r");
    struct strbuf name, kind, hex, dump, wire;
    char *line = NULL;
    size_t cap = 0;
    int passed = 0, failed = 0;

    if (f == NULL) {
        perror(path);
        return 2;
    }
    strbuf_init(&name);
    strbuf_init(&kind);
    strbuf_init(&hex);
    strbuf_init(&dump);
    strbuf_init(&wire);
    while (getline(&line, &cap, f) > 0) {
        if (!json_field(line, "name", &name) || !json_field(line, "kind", &kind) ||
            !json_field(line, "hex", &hex) || !json_field(line, "dump", &dump) ||
            !unhex(hex.buf, &wire)) {
            fprintf(stderr, "binnode_vectors: malformed line: %s", line);
            failed++;
        } else if (check_vector(name.buf, kind.buf, &wire, dump.buf) != 0) {
            failed++;
        } else {
            passed++;
        }
    }
    free(line);
    fclose(f);
    strbuf_fini(&name);
    strbuf_fini(&kind);
    strbuf_fini(&hex);
    strbuf_fini(&dump);
    strbuf_fini(&wire);
    printf("binnode Baileys -> embudo: %d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "emit") == 0) {
        int failed = emit_nodes() + emit_bytes();

        if (failed != 0)
            fprintf(stderr, "binnode_vectors: %d embudo vectors failed their own check\n", failed);
        return failed == 0 ? 0 : 1;
    }
    if (argc == 3 && strcmp(argv[1], "check") == 0)
        return check_file(argv[2]);
    fprintf(stderr, "uso: binnode_vectors emit | binnode_vectors check ARCHIVO\n");
    return 2;
}
