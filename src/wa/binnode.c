#include "wa/binnode.h"

#include <assert.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/tokens.h"

/*
 * DESIGN
 *
 * The wire format is Baileys' (src/WABinary/{encode,decode}.ts, rc14). A node is a list
 * whose size is 1 (tag) + 2 per attribute + 1 when content follows; strings are tokens,
 * packed nibbles/hex, JIDs or raw bytes. The encoder writes exactly Baileys' bytes for every
 * string whose Baileys encoding decodes back to itself; for the few strings Baileys mangles
 * (an "@" string whose JID form loses data, object-prototype names such as "toString") it
 * writes the raw string, so decode(encode(x)) == x always holds (one documented exception:
 * a ":0" device, which Baileys also drops). See docs/wa.md, "Nodos binarios".
 *
 * The decoder reads from a bounds-checked cursor. Before it allocates room for a list or an
 * attribute set it checks that the remaining input could possibly hold them (every child
 * needs 3 bytes, every attribute 2), so a small hostile buffer cannot make it allocate much.
 * Depth, attributes per node and total items are capped (binnode.h).
 */

enum {
    WT_LIST_EMPTY = 0,
    WT_DICTIONARY_0 = 236,
    WT_DICTIONARY_3 = 239,
    WT_INTEROP_JID = 245,
    WT_FB_JID = 246,
    WT_AD_JID = 247,
    WT_LIST_8 = 248,
    WT_LIST_16 = 249,
    WT_JID_PAIR = 250,
    WT_HEX_8 = 251,
    WT_BINARY_8 = 252,
    WT_BINARY_20 = 253,
    WT_BINARY_32 = 254,
    WT_NIBBLE_8 = 255,
    WT_PACKED_MAX = 127,
    WT_LIST_MAX = 65535,
    WT_MIN_NODE_BYTES = 3, /* f8 01 <token> */
};

/* AD_JID domain types (Baileys' WAJIDDomains) and the server each one stands for. */
struct jid_domain {
    unsigned char type;
    const char *server;
};

static const struct jid_domain jid_domains[] = {
    { 0, "s.whatsapp.net" },
    { 1, "lid" },
    { 128, "hosted" },
    { 129, "hosted.lid" },
};

struct binnode_attr {
    char *key;
    char *value;
};

struct binnode {
    char *tag;
    struct binnode_attr *attrs;
    size_t nattrs;
    size_t attrs_cap;
    enum binnode_kind kind;
    struct binnode **children; /* kind == BINNODE_LIST */
    size_t nchildren;
    size_t children_cap;
    unsigned char *data; /* BYTES or STRING, NUL-terminated; len excludes the NUL */
    size_t len;
};

/* ==== building ========================================================================== */

static struct binnode *
node_new_owned(char *tag)
{
    struct binnode *n = xcalloc(1, sizeof *n);

    n->tag = tag;
    n->kind = BINNODE_NONE;
    return n;
}

struct binnode *
binnode_new(const char *tag)
{
    assert(tag != NULL && tag[0] != '\0');
    return node_new_owned(xstrdup(tag));
}

static void
content_clear(struct binnode *n)
{
    for (size_t i = 0; i < n->nchildren; i++)
        binnode_free(n->children[i]);
    free(n->children);
    free(n->data);
    n->children = NULL;
    n->nchildren = n->children_cap = 0;
    n->data = NULL;
    n->len = 0;
    n->kind = BINNODE_NONE;
}

void
binnode_free(struct binnode *n)
{
    if (n == NULL)
        return;
    content_clear(n);
    for (size_t i = 0; i < n->nattrs; i++) {
        free(n->attrs[i].key);
        free(n->attrs[i].value);
    }
    free(n->attrs);
    free(n->tag);
    free(n);
}

static struct binnode_attr *
attr_find(const struct binnode *n, const char *key)
{
    for (size_t i = 0; i < n->nattrs; i++) {
        if (strcmp(n->attrs[i].key, key) == 0)
            return &n->attrs[i];
    }
    return NULL;
}

/* Takes ownership of key and value. A repeated key keeps its first position and gets the
 * last value, as a JavaScript object would in Baileys. */
static void
attr_put_owned(struct binnode *n, char *key, char *value)
{
    struct binnode_attr *a = attr_find(n, key);

    if (a != NULL) {
        free(a->value);
        a->value = value;
        free(key);
        return;
    }
    if (n->nattrs == n->attrs_cap) {
        n->attrs_cap = n->attrs_cap ? n->attrs_cap * 2 : 4;
        n->attrs = xreallocarray(n->attrs, n->attrs_cap, sizeof *n->attrs);
    }
    n->attrs[n->nattrs].key = key;
    n->attrs[n->nattrs].value = value;
    n->nattrs++;
}

void
binnode_set_attr(struct binnode *n, const char *key, const char *value)
{
    struct binnode_attr *a;

    assert(n != NULL && key != NULL);
    a = attr_find(n, key);
    if (value != NULL) {
        attr_put_owned(n, xstrdup(key), xstrdup(value));
        return;
    }
    if (a == NULL)
        return;
    free(a->key);
    free(a->value);
    n->nattrs--;
    memmove(a, a + 1, (size_t)(n->attrs + n->nattrs - a) * sizeof *a);
}

/* Replaces the content with kind and the owned buffer data (len bytes plus a NUL). */
static void
content_set_owned(struct binnode *n, enum binnode_kind kind, unsigned char *data, size_t len)
{
    content_clear(n);
    n->kind = kind;
    n->data = data;
    n->len = len;
}

static unsigned char *
bytes_dup(const void *data, size_t len)
{
    unsigned char *p = xmalloc(len + 1);

    if (len > 0)
        memcpy(p, data, len);
    p[len] = '\0';
    return p;
}

void
binnode_set_string(struct binnode *n, const char *s)
{
    assert(n != NULL && s != NULL);
    content_set_owned(n, BINNODE_STRING, bytes_dup(s, strlen(s)), strlen(s));
}

void
binnode_set_bytes(struct binnode *n, const void *data, size_t len)
{
    assert(n != NULL && (data != NULL || len == 0));
    content_set_owned(n, BINNODE_BYTES, bytes_dup(data, len), len);
}

void
binnode_set_list(struct binnode *n)
{
    assert(n != NULL);
    content_clear(n);
    n->kind = BINNODE_LIST;
}

static void
children_reserve(struct binnode *n, size_t want)
{
    if (want <= n->children_cap)
        return;
    n->children = xreallocarray(n->children, want, sizeof *n->children);
    n->children_cap = want;
}

struct binnode *
binnode_add_child(struct binnode *parent, struct binnode *child)
{
    assert(parent != NULL && child != NULL && parent != child);
    if (parent->kind != BINNODE_LIST)
        binnode_set_list(parent);
    if (parent->nchildren == parent->children_cap)
        children_reserve(parent, parent->children_cap ? parent->children_cap * 2 : 4);
    parent->children[parent->nchildren++] = child;
    return child;
}

struct binnode *
binnode_add(struct binnode *parent, const char *tag)
{
    return binnode_add_child(parent, binnode_new(tag));
}

/* ==== reading =========================================================================== */

const char *
binnode_tag(const struct binnode *n)
{
    assert(n != NULL);
    return n->tag;
}

enum binnode_kind
binnode_kind(const struct binnode *n)
{
    assert(n != NULL);
    return n->kind;
}

const char *
binnode_attr(const struct binnode *n, const char *key)
{
    const struct binnode_attr *a;

    assert(n != NULL && key != NULL);
    a = attr_find(n, key);
    return a != NULL ? a->value : NULL;
}

size_t
binnode_nattrs(const struct binnode *n)
{
    assert(n != NULL);
    return n->nattrs;
}

const char *
binnode_attr_key(const struct binnode *n, size_t i)
{
    assert(n != NULL && i < n->nattrs);
    return n->attrs[i].key;
}

const char *
binnode_attr_value(const struct binnode *n, size_t i)
{
    assert(n != NULL && i < n->nattrs);
    return n->attrs[i].value;
}

size_t
binnode_nchildren(const struct binnode *n)
{
    assert(n != NULL);
    return n->nchildren;
}

struct binnode *
binnode_child_at(const struct binnode *n, size_t i)
{
    assert(n != NULL && i < n->nchildren);
    return n->children[i];
}

struct binnode *
binnode_child_next(const struct binnode *n, const char *tag, const struct binnode *prev)
{
    size_t i = 0;

    assert(n != NULL && tag != NULL);
    if (prev != NULL) {
        while (i < n->nchildren && n->children[i] != prev)
            i++;
        i++; /* past prev; past the end when prev is not a child */
    }
    for (; i < n->nchildren; i++) {
        if (strcmp(n->children[i]->tag, tag) == 0)
            return n->children[i];
    }
    return NULL;
}

struct binnode *
binnode_child(const struct binnode *n, const char *tag)
{
    return binnode_child_next(n, tag, NULL);
}

const unsigned char *
binnode_content(const struct binnode *n, size_t *len)
{
    assert(n != NULL && len != NULL);
    if (n->kind != BINNODE_BYTES && n->kind != BINNODE_STRING) {
        *len = 0;
        return NULL;
    }
    *len = n->len;
    return n->data;
}

const char *
binnode_text(const struct binnode *n)
{
    assert(n != NULL);
    if (n->kind == BINNODE_STRING)
        return (const char *)n->data;
    if (n->kind == BINNODE_BYTES && memchr(n->data, '\0', n->len) == NULL)
        return (const char *)n->data;
    return NULL;
}

/* ==== encoding ========================================================================== */

struct enc {
    struct strbuf *out;
    struct err *e;
};

static void
enc_byte(struct enc *en, unsigned v)
{
    unsigned char b = (unsigned char)(v & 0xffu);

    strbuf_add(en->out, &b, 1);
}

static void
enc_list_start(struct enc *en, size_t n)
{
    assert(n <= WT_LIST_MAX);
    if (n == 0) {
        enc_byte(en, WT_LIST_EMPTY);
    } else if (n < 256) {
        enc_byte(en, WT_LIST_8);
        enc_byte(en, (unsigned)n);
    } else {
        enc_byte(en, WT_LIST_16);
        enc_byte(en, (unsigned)(n >> 8));
        enc_byte(en, (unsigned)n);
    }
}

/* A byte run: the BINARY_8/20/32 length prefix, then the bytes. */
static int
enc_blob(struct enc *en, const void *data, size_t len)
{
    if ((uint64_t)len > UINT32_MAX)
        return err_set(en->e, RC_INVAL, "nodo binario: %zu bytes no caben en BINARY_32", len);
    if (len >= (size_t)1 << 20) {
        enc_byte(en, WT_BINARY_32);
        for (int shift = 24; shift >= 0; shift -= 8)
            enc_byte(en, (unsigned)(len >> shift));
    } else if (len >= 256) {
        enc_byte(en, WT_BINARY_20);
        enc_byte(en, (unsigned)(len >> 16) & 0x0fu);
        enc_byte(en, (unsigned)(len >> 8));
        enc_byte(en, (unsigned)len);
    } else {
        enc_byte(en, WT_BINARY_8);
        enc_byte(en, (unsigned)len);
    }
    if (len > 0)
        strbuf_add(en->out, data, len);
    return RC_OK;
}

/* Orders (s, len) against the NUL-terminated token t by bytes, shorter prefix first. */
static int
token_cmp(const char *s, size_t len, const char *t)
{
    size_t tlen = strlen(t);
    int c = memcmp(s, t, len < tlen ? len : tlen);

    if (c != 0)
        return c;
    return len < tlen ? -1 : len > tlen ? 1 : 0;
}

static const struct tokens_entry *
token_find(const char *s, size_t len)
{
    size_t lo = 0, hi = TOKENS_SORTED_COUNT;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = token_cmp(s, len, tokens_sorted[mid].s);

        if (c == 0)
            return &tokens_sorted[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* The 4-bit code of c in nibble (0-9 - .) or hex (0-9 A-F) packing, or -1. */
static int
pack_code(char c, bool hex)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (hex)
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    return c == '-' ? 10 : c == '.' ? 11 : -1;
}

static bool
packable(const char *s, size_t len, bool hex)
{
    if (len == 0 || len > WT_PACKED_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (pack_code(s[i], hex) < 0)
            return false;
    }
    return true;
}

static void
enc_packed(struct enc *en, const char *s, size_t len, bool hex)
{
    enc_byte(en, hex ? WT_HEX_8 : WT_NIBBLE_8);
    enc_byte(en, (unsigned)((len + 1) / 2) | (len % 2 ? 0x80u : 0u));
    for (size_t i = 0; i < len; i += 2) {
        unsigned hi = (unsigned)pack_code(s[i], hex);
        unsigned lo = i + 1 < len ? (unsigned)pack_code(s[i + 1], hex) : 15u;

        enc_byte(en, hi << 4 | lo);
    }
}

/* A JID split the way Baileys' jidDecode splits it: user[:device]@server. */
struct jid_parts {
    const char *user;
    size_t user_len;
    const char *server;
    size_t server_len;
    int device; /* -1 when absent */
    int domain; /* AD_JID domain type, -1 when the server has none */
};

/* A canonical decimal 0..255 ("7", not "07"), or -1. */
static int
parse_device(const char *s, size_t len)
{
    int v = 0;

    if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= 255 ? v : -1;
}

static int
jid_domain_of(const char *server, size_t len)
{
    for (size_t i = 0; i < sizeof jid_domains / sizeof jid_domains[0]; i++) {
        if (token_cmp(server, len, jid_domains[i].server) == 0)
            return jid_domains[i].type;
    }
    return -1;
}

/* Splits s into j and returns true when s can travel as a JID_PAIR or AD_JID and decode back
 * to itself (device ":0" aside). Baileys writes some other "@" strings as JIDs too, losing
 * an "_agent" suffix, a bad device or an empty server; those go raw here. */
static bool
jid_split(const char *s, size_t len, struct jid_parts *j)
{
    const char *at = memchr(s, '@', len);
    const char *colon;

    if (at == NULL || at + 1 == s + len || memchr(s, '_', (size_t)(at - s)) != NULL)
        return false;
    j->user = s;
    j->user_len = (size_t)(at - s);
    j->server = at + 1;
    j->server_len = len - j->user_len - 1;
    j->device = -1;
    j->domain = jid_domain_of(j->server, j->server_len);
    colon = memchr(s, ':', j->user_len);
    if (colon == NULL)
        return true;
    j->device = parse_device(colon + 1, (size_t)(at - colon - 1));
    j->user_len = (size_t)(colon - s);
    return j->device >= 0 && j->domain >= 0;
}

static int enc_string(struct enc *en, const char *s, size_t len, int depth);

static int
enc_jid(struct enc *en, const struct jid_parts *j, int depth)
{
    if (j->device >= 0) {
        enc_byte(en, WT_AD_JID);
        enc_byte(en, (unsigned)j->domain);
        enc_byte(en, (unsigned)j->device);
        return enc_string(en, j->user, j->user_len, depth + 1);
    }
    enc_byte(en, WT_JID_PAIR);
    if (j->user_len == 0)
        enc_byte(en, WT_LIST_EMPTY);
    else if (enc_string(en, j->user, j->user_len, depth + 1) != RC_OK)
        return RC_INVAL;
    return enc_string(en, j->server, j->server_len, depth + 1);
}

/* Baileys' writeString order: empty, token, nibble, hex, JID, raw. depth is the nesting the
 * decoder will count; a JID that would nest past BINNODE_MAX_DEPTH goes raw instead. */
static int
enc_string(struct enc *en, const char *s, size_t len, int depth)
{
    const struct tokens_entry *t;
    struct jid_parts j;

    if (len == 0)
        return enc_blob(en, s, 0);
    t = token_find(s, len);
    if (t != NULL) {
        if (t->dict >= 0)
            enc_byte(en, (unsigned)(WT_DICTIONARY_0 + t->dict));
        enc_byte(en, (unsigned)t->index);
        return RC_OK;
    }
    if (packable(s, len, false) || packable(s, len, true)) {
        enc_packed(en, s, len, !packable(s, len, false));
        return RC_OK;
    }
    if (depth + 1 < BINNODE_MAX_DEPTH && jid_split(s, len, &j))
        return enc_jid(en, &j, depth);
    return enc_blob(en, s, len);
}

static int
enc_content(struct enc *en, const struct binnode *n, int depth)
{
    switch (n->kind) {
    case BINNODE_NONE:
        return RC_OK;
    case BINNODE_STRING:
        return enc_string(en, (const char *)n->data, n->len, depth);
    case BINNODE_BYTES:
        return enc_blob(en, n->data, n->len);
    case BINNODE_LIST:
        break;
    }
    if (n->nchildren > WT_LIST_MAX)
        return err_set(en->e, RC_INVAL, "nodo binario: <%s> tiene %zu hijos (máximo %d)", n->tag,
                       n->nchildren, WT_LIST_MAX);
    enc_list_start(en, n->nchildren);
    return RC_OK;
}

static int
enc_node(struct enc *en, const struct binnode *n, int depth)
{
    int rc;

    if (depth >= BINNODE_MAX_DEPTH)
        return err_set(en->e, RC_INVAL, "nodo binario: más de %d niveles", BINNODE_MAX_DEPTH);
    if (n->nattrs > BINNODE_MAX_ATTRS)
        return err_set(en->e, RC_INVAL, "nodo binario: <%s> tiene %zu atributos (máximo %d)",
                       n->tag, n->nattrs, BINNODE_MAX_ATTRS);
    enc_list_start(en, 1 + 2 * n->nattrs + (n->kind != BINNODE_NONE ? 1u : 0u));
    if ((rc = enc_string(en, n->tag, strlen(n->tag), depth)) != RC_OK)
        return rc;
    for (size_t i = 0; i < n->nattrs; i++) {
        const struct binnode_attr *a = &n->attrs[i];

        if ((rc = enc_string(en, a->key, strlen(a->key), depth)) != RC_OK ||
            (rc = enc_string(en, a->value, strlen(a->value), depth)) != RC_OK)
            return rc;
    }
    if ((rc = enc_content(en, n, depth)) != RC_OK)
        return rc;
    for (size_t i = 0; i < n->nchildren; i++) {
        if ((rc = enc_node(en, n->children[i], depth + 1)) != RC_OK)
            return rc;
    }
    return RC_OK;
}

int
binnode_encode(const struct binnode *n, struct strbuf *out, struct err *e)
{
    struct enc en = { .out = out, .e = e };
    size_t start = out->len;
    int rc;

    assert(n != NULL && out != NULL);
    enc_byte(&en, 0x00); /* flags: never compressed */
    rc = enc_node(&en, n, 0);
    if (rc != RC_OK) {
        out->len = start;
        out->buf[start] = '\0';
    }
    return rc;
}

/* ==== decoding ========================================================================== */

struct dec {
    const unsigned char *p;
    size_t len;
    size_t pos;
    size_t items; /* nodes + attributes so far, against BINNODE_MAX_ITEMS */
    struct err *e;
};

static int
dec_fail(struct dec *d, const char *what)
{
    return err_set(d->e, RC_INVAL, "nodo binario: %s (byte %zu)", what, d->pos);
}

static size_t
dec_left(const struct dec *d)
{
    return d->len - d->pos;
}

static int
dec_byte(struct dec *d, unsigned *v)
{
    if (dec_left(d) < 1)
        return dec_fail(d, "datos truncados");
    *v = d->p[d->pos++];
    return RC_OK;
}

/* An n-byte big-endian unsigned integer (n <= 4). */
static int
dec_uint(struct dec *d, size_t n, uint32_t *v)
{
    if (dec_left(d) < n)
        return dec_fail(d, "datos truncados");
    *v = 0;
    for (size_t i = 0; i < n; i++)
        *v = *v << 8 | d->p[d->pos++];
    return RC_OK;
}

/* The length that follows a BINARY_8/20/32 tag, checked against the bytes left. */
static int
dec_blob_len(struct dec *d, unsigned tag, size_t *len)
{
    uint32_t v = 0;
    int rc;

    if (tag == WT_BINARY_8)
        rc = dec_uint(d, 1, &v);
    else if (tag == WT_BINARY_20)
        rc = dec_uint(d, 3, &v);
    else
        rc = dec_uint(d, 4, &v);
    if (rc != RC_OK)
        return rc;
    if (tag == WT_BINARY_20)
        v &= 0xfffffu;
    if ((uint64_t)v > (uint64_t)dec_left(d))
        return dec_fail(d, "longitud mayor que los datos");
    *len = (size_t)v;
    return RC_OK;
}

/* A raw string of len bytes; NUL bytes are refused because strings are C strings here. */
static int
dec_raw(struct dec *d, size_t len, char **out)
{
    if (memchr(d->p + d->pos, '\0', len) != NULL)
        return dec_fail(d, "texto con byte nulo");
    *out = (char *)bytes_dup(d->p + d->pos, len);
    d->pos += len;
    return RC_OK;
}

static int
unpack_code(unsigned code, bool hex, char *c)
{
    static const char nibble_chars[] = "0123456789-.";

    if (hex) {
        *c = "0123456789ABCDEF"[code & 15u];
        return RC_OK;
    }
    if (code < sizeof nibble_chars - 1) {
        *c = nibble_chars[code];
        return RC_OK;
    }
    *c = '\0'; /* 15 is padding; 12..14 are invalid */
    return code == 15 ? RC_OK : RC_INVAL;
}

static int
dec_packed(struct dec *d, unsigned tag, char **out)
{
    unsigned start = 0;
    size_t count, len;
    char *s;

    if (dec_byte(d, &start) != RC_OK)
        return RC_INVAL;
    count = start & 0x7fu;
    if (dec_left(d) < count)
        return dec_fail(d, "empaquetado truncado");
    s = xmalloc(2 * count + 1);
    for (size_t i = 0; i < count; i++) {
        unsigned b = d->p[d->pos++];

        if (unpack_code(b >> 4, tag == WT_HEX_8, &s[2 * i]) != RC_OK ||
            unpack_code(b & 15u, tag == WT_HEX_8, &s[2 * i + 1]) != RC_OK) {
            free(s);
            return dec_fail(d, "nibble inválido");
        }
    }
    len = 2 * count - ((start & 0x80u) && count > 0 ? 1u : 0u);
    s[len] = '\0';
    if (strlen(s) != len) {
        free(s);
        return dec_fail(d, "relleno dentro de un empaquetado");
    }
    *out = s;
    return RC_OK;
}

static int dec_string(struct dec *d, unsigned tag, int depth, char **out);

static int
dec_next_string(struct dec *d, int depth, char **out)
{
    unsigned tag = 0;

    if (dec_byte(d, &tag) != RC_OK)
        return RC_INVAL;
    return dec_string(d, tag, depth, out);
}

static int
dec_jid_pair(struct dec *d, int depth, char **out)
{
    char *user = NULL, *server = NULL;

    if (dec_next_string(d, depth + 1, &user) != RC_OK)
        return RC_INVAL;
    if (dec_next_string(d, depth + 1, &server) != RC_OK) {
        free(user);
        return RC_INVAL;
    }
    if (server[0] == '\0') {
        free(user);
        free(server);
        return dec_fail(d, "JID sin servidor");
    }
    *out = xasprintf("%s@%s", user, server);
    free(user);
    free(server);
    return RC_OK;
}

static int
dec_ad_jid(struct dec *d, int depth, char **out)
{
    const char *server = jid_domains[0].server; /* any unknown type means s.whatsapp.net */
    unsigned type = 0, device = 0;
    char *user = NULL;

    if (dec_byte(d, &type) != RC_OK || dec_byte(d, &device) != RC_OK ||
        dec_next_string(d, depth + 1, &user) != RC_OK)
        return RC_INVAL;
    for (size_t i = 0; i < sizeof jid_domains / sizeof jid_domains[0]; i++) {
        if (jid_domains[i].type == type)
            server = jid_domains[i].server;
    }
    if (device != 0)
        *out = xasprintf("%s:%u@%s", user, device, server);
    else
        *out = xasprintf("%s@%s", user, server);
    free(user);
    return RC_OK;
}

static int
dec_fb_jid(struct dec *d, int depth, char **out)
{
    char *user = NULL, *server = NULL;
    uint32_t device = 0;

    if (dec_next_string(d, depth + 1, &user) != RC_OK)
        return RC_INVAL;
    if (dec_uint(d, 2, &device) != RC_OK || dec_next_string(d, depth + 1, &server) != RC_OK) {
        free(user);
        return RC_INVAL;
    }
    *out = xasprintf("%s:%u@%s", user, (unsigned)device, server);
    free(user);
    free(server);
    return RC_OK;
}

static bool
is_jid_tag(unsigned tag)
{
    return tag == WT_JID_PAIR || tag == WT_AD_JID || tag == WT_FB_JID || tag == WT_INTEROP_JID;
}

/* Baileys reads the server as optional: when no valid string follows, the reader rewinds
 * and the server is "interop". Mirrored, so both sides consume the same bytes, with one
 * restriction: only a plain string (no JID) is tried there. Trying JIDs made the rewinding
 * exponential in the nesting depth (fuzzer: f5 f5 f5 ...); a JID tag now means no server. */
static int
dec_interop_jid(struct dec *d, int depth, char **out)
{
    uint32_t device = 0, integrator = 0;
    struct err quiet;
    struct err *caller = d->e;
    char *user, *server = NULL;
    size_t mark;

    if (dec_next_string(d, depth + 1, &user) != RC_OK)
        return RC_INVAL;
    if (dec_uint(d, 2, &device) != RC_OK || dec_uint(d, 2, &integrator) != RC_OK) {
        free(user);
        return RC_INVAL;
    }
    mark = d->pos;
    d->e = &quiet;
    if (dec_left(d) > 0 && !is_jid_tag(d->p[d->pos]) &&
        dec_next_string(d, depth + 1, &server) != RC_OK)
        d->pos = mark;
    d->e = caller;
    *out = xasprintf("%u-%s:%u@%s", (unsigned)integrator, user, (unsigned)device,
                     server != NULL ? server : "interop");
    free(user);
    free(server);
    return RC_OK;
}

static int
dec_string_jid(struct dec *d, unsigned tag, int depth, char **out)
{
    if (depth + 1 >= BINNODE_MAX_DEPTH)
        return dec_fail(d, "JID anidado demasiado profundo");
    switch (tag) {
    case WT_JID_PAIR:
        return dec_jid_pair(d, depth, out);
    case WT_AD_JID:
        return dec_ad_jid(d, depth, out);
    case WT_FB_JID:
        return dec_fb_jid(d, depth, out);
    default:
        return dec_interop_jid(d, depth, out);
    }
}

/* Any string form: token, dictionary, empty, raw, packed or JID. On success *out is a new
 * NUL-free C string. */
static int
dec_string(struct dec *d, unsigned tag, int depth, char **out)
{
    size_t len = 0;
    unsigned idx = 0;

    if (tag >= 1 && tag < TOKENS_SINGLE_COUNT) {
        *out = xstrdup(tokens_single[tag]);
        return RC_OK;
    }
    if (tag >= WT_DICTIONARY_0 && tag <= WT_DICTIONARY_3) {
        if (dec_byte(d, &idx) != RC_OK)
            return RC_INVAL;
        *out = xstrdup(tokens_double[tag - WT_DICTIONARY_0][idx]);
        return RC_OK;
    }
    switch (tag) {
    case WT_LIST_EMPTY:
        *out = xstrdup("");
        return RC_OK;
    case WT_BINARY_8:
    case WT_BINARY_20:
    case WT_BINARY_32:
        if (dec_blob_len(d, tag, &len) != RC_OK)
            return RC_INVAL;
        return dec_raw(d, len, out);
    case WT_HEX_8:
    case WT_NIBBLE_8:
        return dec_packed(d, tag, out);
    case WT_JID_PAIR:
    case WT_AD_JID:
    case WT_FB_JID:
    case WT_INTEROP_JID:
        return dec_string_jid(d, tag, depth, out);
    default:
        return dec_fail(d, "etiqueta inválida donde se esperaba texto");
    }
}

static int dec_node(struct dec *d, int depth, struct binnode **out);

static int
dec_list_size(struct dec *d, unsigned tag, size_t *size)
{
    uint32_t v = 0;

    if (tag == WT_LIST_EMPTY) {
        *size = 0;
        return RC_OK;
    }
    if (tag != WT_LIST_8 && tag != WT_LIST_16)
        return dec_fail(d, "se esperaba una lista");
    if (dec_uint(d, tag == WT_LIST_8 ? 1 : 2, &v) != RC_OK)
        return RC_INVAL;
    *size = v;
    return RC_OK;
}

static int
dec_children(struct dec *d, struct binnode *n, unsigned tag, int depth)
{
    size_t count = 0;

    if (dec_list_size(d, tag, &count) != RC_OK)
        return RC_INVAL;
    if (count > dec_left(d) / WT_MIN_NODE_BYTES)
        return dec_fail(d, "lista más larga que los datos");
    binnode_set_list(n);
    children_reserve(n, count);
    for (size_t i = 0; i < count; i++) {
        struct binnode *child = NULL;

        if (dec_node(d, depth + 1, &child) != RC_OK)
            return RC_INVAL;
        n->children[n->nchildren++] = child;
    }
    return RC_OK;
}

static int
dec_content(struct dec *d, struct binnode *n, int depth)
{
    unsigned tag = 0;
    size_t len = 0;
    char *s = NULL;

    if (dec_byte(d, &tag) != RC_OK)
        return RC_INVAL;
    if (tag == WT_LIST_EMPTY || tag == WT_LIST_8 || tag == WT_LIST_16)
        return dec_children(d, n, tag, depth);
    if (tag == WT_BINARY_8 || tag == WT_BINARY_20 || tag == WT_BINARY_32) {
        if (dec_blob_len(d, tag, &len) != RC_OK)
            return RC_INVAL;
        content_set_owned(n, BINNODE_BYTES, bytes_dup(d->p + d->pos, len), len);
        d->pos += len;
        return RC_OK;
    }
    if (dec_string(d, tag, depth, &s) != RC_OK)
        return RC_INVAL;
    content_set_owned(n, BINNODE_STRING, (unsigned char *)s, strlen(s));
    return RC_OK;
}

static int
dec_attrs(struct dec *d, struct binnode *n, size_t count, int depth)
{
    if (count > BINNODE_MAX_ATTRS)
        return dec_fail(d, "demasiados atributos");
    if (count > dec_left(d) / 2)
        return dec_fail(d, "atributos más largos que los datos");
    d->items += count;
    if (d->items > BINNODE_MAX_ITEMS)
        return dec_fail(d, "demasiados nodos y atributos");
    for (size_t i = 0; i < count; i++) {
        char *key = NULL, *value = NULL;

        if (dec_next_string(d, depth, &key) != RC_OK)
            return RC_INVAL;
        if (dec_next_string(d, depth, &value) != RC_OK) {
            free(key);
            return RC_INVAL;
        }
        attr_put_owned(n, key, value);
    }
    return RC_OK;
}

/* One node at nesting depth; on failure nothing is left allocated. */
static int
dec_node(struct dec *d, int depth, struct binnode **out)
{
    struct binnode *n;
    unsigned tag = 0;
    size_t size = 0;
    char *name = NULL;

    if (depth >= BINNODE_MAX_DEPTH)
        return dec_fail(d, "demasiados niveles de anidamiento");
    if (++d->items > BINNODE_MAX_ITEMS)
        return dec_fail(d, "demasiados nodos y atributos");
    if (dec_byte(d, &tag) != RC_OK || dec_list_size(d, tag, &size) != RC_OK)
        return RC_INVAL;
    if (size == 0)
        return dec_fail(d, "nodo vacío");
    if (dec_next_string(d, depth, &name) != RC_OK)
        return RC_INVAL;
    if (name[0] == '\0') {
        free(name);
        return dec_fail(d, "nodo sin etiqueta");
    }
    n = node_new_owned(name);
    if (dec_attrs(d, n, (size - 1) / 2, depth) != RC_OK ||
        (size % 2 == 0 && dec_content(d, n, depth) != RC_OK)) {
        binnode_free(n);
        return RC_INVAL;
    }
    *out = n;
    return RC_OK;
}

/* Inflates a zlib stream into *out (caller frees), refusing more than BINNODE_MAX_INFLATED
 * bytes, a truncated stream or bytes after its end. */
static int
inflate_all(const unsigned char *in, size_t inlen, unsigned char **out, size_t *outlen,
            struct err *e)
{
    z_stream zs = { 0 };
    size_t cap = 4096;
    bool full = false;
    unsigned char *buf;
    int zrc;

    if ((uint64_t)inlen > UINT_MAX)
        return err_set(e, RC_INVAL, "nodo binario: bloque comprimido demasiado grande");
    if (inflateInit(&zs) != Z_OK)
        return err_set(e, RC_INVAL, "nodo binario: zlib no se pudo iniciar");
    buf = xmalloc(cap);
    zs.next_in = (Bytef *)(uintptr_t)in; /* zlib's API is not const-correct */
    zs.avail_in = (uInt)inlen;
    zs.next_out = buf;
    zs.avail_out = (uInt)cap;
    while ((zrc = inflate(&zs, Z_NO_FLUSH)) == Z_OK || zrc == Z_BUF_ERROR) {
        if (zs.avail_out > 0)
            break; /* the input ended before the stream did */
        if ((full = cap >= BINNODE_MAX_INFLATED))
            break;
        zs.avail_out = (uInt)cap;
        cap *= 2;
        buf = xrealloc(buf, cap);
        zs.next_out = buf + cap / 2;
    }
    *outlen = zs.total_out;
    inflateEnd(&zs);
    if (zrc == Z_STREAM_END && zs.avail_in == 0) {
        *out = buf;
        return RC_OK;
    }
    free(buf);
    if (zrc == Z_STREAM_END)
        return err_set(e, RC_INVAL, "nodo binario: datos después del bloque comprimido");
    if (full)
        return err_set(e, RC_INVAL, "nodo binario: descomprimido supera %d bytes",
                       BINNODE_MAX_INFLATED);
    return err_set(e, RC_INVAL, "nodo binario: bloque comprimido inválido o truncado");
}

static int
decode_plain(const unsigned char *p, size_t len, struct binnode **out, struct err *e)
{
    struct dec d = { .p = p, .len = len, .e = e };
    struct binnode *n = NULL;

    if (dec_node(&d, 0, &n) != RC_OK)
        return RC_INVAL;
    if (d.pos != d.len) {
        binnode_free(n);
        return dec_fail(&d, "datos sobrantes tras el nodo");
    }
    *out = n;
    return RC_OK;
}

int
binnode_decode(const void *buf, size_t len, struct binnode **out, struct err *e)
{
    const unsigned char *p = buf;
    unsigned char *plain = NULL;
    size_t plain_len = 0;
    int rc;

    assert(out != NULL && (buf != NULL || len == 0));
    *out = NULL;
    if (len == 0)
        return err_set(e, RC_INVAL, "nodo binario: mensaje vacío");
    if (!(p[0] & BINNODE_FLAG_COMPRESSED))
        return decode_plain(p + 1, len - 1, out, e);
    if ((rc = inflate_all(p + 1, len - 1, &plain, &plain_len, e)) != RC_OK)
        return rc;
    rc = decode_plain(plain, plain_len, out, e);
    free(plain);
    return rc;
}

/* ==== dump ============================================================================== */

static void
dump_escaped(struct strbuf *sb, const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];

        if (c == '&')
            strbuf_addstr(sb, "&amp;");
        else if (c == '<')
            strbuf_addstr(sb, "&lt;");
        else if (c == '>')
            strbuf_addstr(sb, "&gt;");
        else if (c == '"')
            strbuf_addstr(sb, "&quot;");
        else if (c == '[' || c < 0x20 || c == 0x7f)
            strbuf_addf(sb, "&#x%02x;", c);
        else
            strbuf_add(sb, &c, 1);
    }
}

static void
dump_str(struct strbuf *sb, const char *s)
{
    dump_escaped(sb, (const unsigned char *)s, strlen(s));
}

static void
dump_node(struct strbuf *sb, const struct binnode *n, int indent)
{
    strbuf_addf(sb, "%*s<", indent, "");
    dump_str(sb, n->tag);
    for (size_t i = 0; i < n->nattrs; i++) {
        strbuf_addch(sb, ' ');
        dump_str(sb, n->attrs[i].key);
        strbuf_addstr(sb, "=\"");
        dump_str(sb, n->attrs[i].value);
        strbuf_addch(sb, '"');
    }
    if (n->kind == BINNODE_NONE) {
        strbuf_addstr(sb, "/>\n");
        return;
    }
    strbuf_addch(sb, '>');
    if (n->kind == BINNODE_STRING) {
        dump_escaped(sb, n->data, n->len);
    } else if (n->kind == BINNODE_BYTES) {
        strbuf_addch(sb, '[');
        for (size_t i = 0; i < n->len; i++)
            strbuf_addf(sb, "%02x", n->data[i]);
        strbuf_addch(sb, ']');
    } else if (n->nchildren > 0) {
        strbuf_addch(sb, '\n');
        for (size_t i = 0; i < n->nchildren; i++)
            dump_node(sb, n->children[i], indent + 2);
        strbuf_addf(sb, "%*s", indent, "");
    }
    strbuf_addstr(sb, "</");
    dump_str(sb, n->tag);
    strbuf_addstr(sb, ">\n");
}

char *
binnode_dump(const struct binnode *n)
{
    struct strbuf sb;
    char *s;

    assert(n != NULL);
    strbuf_init(&sb);
    dump_node(&sb, n, 0);
    s = strbuf_detach(&sb, NULL);
    strbuf_fini(&sb); /* detach re-initialises sb */
    return s;
}
