/*
 * pbwire — a bounds-checked protobuf wire-format reader and a small writer.
 *
 * For the few tiny messages of the Noise handshake (HandshakeMessage, CertChain and
 * its Details), where protoc-c would add generated code and allocation for five bytes
 * fields. The reader hands out views into the caller's buffer (valid while it lives),
 * never allocates, and rejects truncated input, over-long varints, field number 0 and
 * groups. Pure; any thread, one owner per reader.
 */
#ifndef WA_PBWIRE_H
#define WA_PBWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct strbuf;

enum pbwire_type {
    PBWIRE_VARINT = 0,
    PBWIRE_FIXED64 = 1,
    PBWIRE_BYTES = 2,
    PBWIRE_FIXED32 = 5,
};

struct pbwire_reader {
    const uint8_t *p;
    size_t len;
    size_t off;
};

/* One decoded field: num and type always; varint for VARINT/FIXED*; data/len for BYTES. */
struct pbwire_field {
    uint32_t num;
    enum pbwire_type type;
    uint64_t varint;
    const uint8_t *data; /* view into the reader's buffer */
    size_t len;
};

void pbwire_reader_init(struct pbwire_reader *r, const uint8_t *p, size_t len);

/* Reads the next field into f. Returns RC_OK with *got false at the clean end of the
 * buffer, RC_OK with *got true for a field, or RC_INVAL for malformed input. */
int pbwire_next(struct pbwire_reader *r, struct pbwire_field *f, bool *got, struct err *e)
    __attribute__((warn_unused_result));

/* Appends a varint-typed field (uint32/uint64/bool). */
void pbwire_put_uint(struct strbuf *sb, uint32_t num, uint64_t v);
/* Appends a length-delimited field (bytes, string or an encoded sub-message). */
void pbwire_put_bytes(struct strbuf *sb, uint32_t num, const uint8_t *data, size_t len);

#endif
