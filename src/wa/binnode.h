/*
 * binnode — WhatsApp's binary XML ("WABinary"): build, encode, decode and dump nodes.
 *
 * A node is a tag, string attributes and optional content (child nodes, raw bytes or a
 * string). The wire format is in ../shared/docs/wa-protocol.md §3; the decisions are in
 * docs/wa.md ("Nodos binarios"). Used by the noise transport, pairing and messaging.
 *
 * Pure and reentrant: the only shared data are the read-only token tables, so any thread may
 * use its own nodes. A node owns its tag, attributes, content and children; binnode_free()
 * releases a whole tree. binnode_decode() treats every input byte as hostile: it bounds
 * every read, enforces the limits below, never crashes or leaks, and reports RC_INVAL.
 */
#ifndef WA_BINNODE_H
#define WA_BINNODE_H

#include <stddef.h>

struct err;
struct strbuf;
struct binnode;

enum binnode_kind {
    BINNODE_NONE,   /* no content: <tag/> */
    BINNODE_LIST,   /* child nodes, possibly zero (an explicit empty list) */
    BINNODE_BYTES,  /* raw bytes; decoded raw-string content also lands here */
    BINNODE_STRING, /* text, written as a token, packed digits, a JID or raw UTF-8 */
};

enum {
    BINNODE_MAX_DEPTH = 64,          /* nested nodes, plus JIDs nested inside strings */
    BINNODE_MAX_ATTRS = 256,         /* attributes on one node */
    BINNODE_MAX_ITEMS = 1 << 18,     /* nodes + attributes in one decoded tree */
    BINNODE_MAX_INFLATED = 16 << 20, /* bytes after zlib decompression */
    BINNODE_FLAG_COMPRESSED = 0x02,  /* flags byte: the rest is zlib-wrapped deflate */
};

/* ---- building ------------------------------------------------------------ */

/* Returns a new node with a copy of tag (non-empty) and no attributes or content.
 * The caller frees it with binnode_free(), unless it hands it to binnode_add_child(). */
struct binnode *binnode_new(const char *tag);

/* Frees n, its attributes, its content and all its children. NULL is a no-op. */
void binnode_free(struct binnode *n);

/* Sets attribute key to a copy of value, replacing an existing value in place (the order of
 * first insertion is the wire order). A NULL value removes the attribute. */
void binnode_set_attr(struct binnode *n, const char *key, const char *value);

/* Replaces the content with a copy of the string s. */
void binnode_set_string(struct binnode *n, const char *s);

/* Replaces the content with a copy of len bytes (data may be NULL when len is 0). */
void binnode_set_bytes(struct binnode *n, const void *data, size_t len);

/* Replaces the content with an empty child list (on the wire: LIST_EMPTY, unlike no content). */
void binnode_set_list(struct binnode *n);

/* Appends child (which parent now owns) to parent's child list, turning other content into a
 * list first. Returns child, for chaining. */
struct binnode *binnode_add_child(struct binnode *parent, struct binnode *child);

/* binnode_add_child(parent, binnode_new(tag)): returns the new child, owned by parent. */
struct binnode *binnode_add(struct binnode *parent, const char *tag);

/* ---- reading (all results are borrowed from n and live as long as it) ------------------ */

const char *binnode_tag(const struct binnode *n);
enum binnode_kind binnode_kind(const struct binnode *n);

/* The value of attribute key, or NULL when n has no such attribute. */
const char *binnode_attr(const struct binnode *n, const char *key);

/* Number of attributes, and the i-th key and value in wire order (i < binnode_nattrs(n)). */
size_t binnode_nattrs(const struct binnode *n);
const char *binnode_attr_key(const struct binnode *n, size_t i);
const char *binnode_attr_value(const struct binnode *n, size_t i);

/* Number of children (0 unless the content is a list), and the i-th child. */
size_t binnode_nchildren(const struct binnode *n);
struct binnode *binnode_child_at(const struct binnode *n, size_t i);

/* The first child whose tag is tag, or NULL. */
struct binnode *binnode_child(const struct binnode *n, const char *tag);

/* The next child with tag after child `prev` (NULL = from the start), or NULL when none is
 * left: for (c = binnode_child_next(n, "item", NULL); c; c = binnode_child_next(n, "item", c)). */
struct binnode *binnode_child_next(const struct binnode *n, const char *tag,
                                   const struct binnode *prev);

/* The bytes of BYTES or STRING content and their count in *len; NULL (and *len 0) for other
 * kinds. The bytes are always followed by a NUL that *len does not count. */
const unsigned char *binnode_content(const struct binnode *n, size_t *len);

/* The content as a C string when it is STRING, or BYTES without an embedded NUL (the server
 * sends text such as <contact>+1555…</contact> as raw bytes); NULL otherwise. */
const char *binnode_text(const struct binnode *n);

/* ---- wire format ------------------------------------------------------------------------ */

/* Appends the flags byte 0x00 and the encoding of n to out (Baileys' encodeBinaryNode).
 * RC_INVAL when the tree is deeper than BINNODE_MAX_DEPTH, a node has more than
 * BINNODE_MAX_ATTRS attributes or 65535 children, or a string or byte run is 4 GiB or more;
 * out is then left as it was. Whatever it encodes, binnode_decode() accepts. */
int binnode_encode(const struct binnode *n, struct strbuf *out, struct err *e);

/* Decodes one received buffer (flags byte, then the node, zlib-inflated when the flags say
 * so) into a new tree in *out, which the caller frees. The whole buffer must be exactly one
 * node. RC_INVAL with a short reason on any malformed, truncated, oversized or trailing
 * input; *out is then NULL. */
int binnode_decode(const void *buf, size_t len, struct binnode **out, struct err *e);

/* ---- debugging -------------------------------------------------------------------------- */

/* Renders n as indented XML-like text, one element per line, for tests and logs. The caller
 * frees the result. Format: `<tag k="v">` with children indented by two spaces, `<tag/>` for
 * no content, `<tag></tag>` for an empty list, `<tag>text</tag>` for STRING and
 * `<tag>[0a1b]</tag>` (lowercase hex) for BYTES. In names, values and text the characters
 * & < > " [ and bytes below 0x20 or equal to 0x7f become `&amp;`-style or `&#xNN;` entities;
 * other bytes, UTF-8 included, are copied. */
char *binnode_dump(const struct binnode *n);

#endif
