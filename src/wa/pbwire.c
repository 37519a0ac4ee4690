#include "wa/pbwire.h"

#include "util/err.h"
#include "util/strbuf.h"

#define PBWIRE_MAX_FIELD ((1u << 29) - 1)

void
pbwire_reader_init(struct pbwire_reader *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = p == NULL ? 0 : len;
    r->off = 0;
}

/* Reads a base-128 varint of at most 10 bytes whose value fits in 64 bits. */
static int
pbwire_varint(struct pbwire_reader *r, uint64_t *out, struct err *e)
{
    uint64_t v = 0;

    for (unsigned shift = 0; shift < 64; shift += 7) {
        uint8_t b;

        if (r->off >= r->len)
            return err_set(e, RC_INVAL, "protobuf: varint truncado");
        b = r->p[r->off++];
        if (shift == 63 && b > 1)
            return err_set(e, RC_INVAL, "protobuf: varint desbordado");
        v |= (uint64_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            *out = v;
            return RC_OK;
        }
    }
    return err_set(e, RC_INVAL, "protobuf: varint demasiado largo");
}

static int
pbwire_take(struct pbwire_reader *r, size_t n, const uint8_t **out, struct err *e)
{
    if (n > r->len - r->off)
        return err_set(e, RC_INVAL, "protobuf: campo truncado");
    *out = r->p + r->off;
    r->off += n;
    return RC_OK;
}

/* Little-endian fixed-width value of n bytes. */
static int
pbwire_fixed(struct pbwire_reader *r, size_t n, uint64_t *out, struct err *e)
{
    const uint8_t *p = NULL;
    int rc = pbwire_take(r, n, &p, e);

    *out = 0;
    for (size_t i = 0; rc == RC_OK && i < n; i++)
        *out |= (uint64_t)p[i] << (8 * i);
    return rc;
}

int
pbwire_next(struct pbwire_reader *r, struct pbwire_field *f, bool *got, struct err *e)
{
    uint64_t key, n;
    int rc;

    *got = false;
    if (r->off >= r->len)
        return RC_OK;
    if ((rc = pbwire_varint(r, &key, e)) != RC_OK)
        return rc;
    if (key >> 3 == 0 || key >> 3 > PBWIRE_MAX_FIELD)
        return err_set(e, RC_INVAL, "protobuf: número de campo inválido");
    f->num = (uint32_t)(key >> 3);
    f->data = NULL;
    f->len = 0;
    f->varint = 0;
    switch (key & 7) {
    case PBWIRE_VARINT:
        f->type = PBWIRE_VARINT;
        rc = pbwire_varint(r, &f->varint, e);
        break;
    case PBWIRE_FIXED64:
        f->type = PBWIRE_FIXED64;
        rc = pbwire_fixed(r, 8, &f->varint, e);
        break;
    case PBWIRE_FIXED32:
        f->type = PBWIRE_FIXED32;
        rc = pbwire_fixed(r, 4, &f->varint, e);
        break;
    case PBWIRE_BYTES:
        f->type = PBWIRE_BYTES;
        if ((rc = pbwire_varint(r, &n, e)) != RC_OK)
            return rc;
        if (n > r->len - r->off)
            return err_set(e, RC_INVAL, "protobuf: campo truncado");
        f->len = (size_t)n;
        rc = pbwire_take(r, f->len, &f->data, e);
        break;
    default: /* 3 and 4 are deprecated groups, 6 and 7 do not exist */
        return err_set(e, RC_INVAL, "protobuf: tipo de campo no admitido (%u)",
                       (unsigned)(key & 7));
    }
    if (rc == RC_OK)
        *got = true;
    return rc;
}

static void
pbwire_put_varint(struct strbuf *sb, uint64_t v)
{
    char b[10];
    size_t n = 0;

    do {
        b[n] = (char)(v & 0x7f);
        v >>= 7;
        if (v != 0)
            b[n] = (char)(b[n] | 0x80);
        n++;
    } while (v != 0);
    strbuf_add(sb, b, n);
}

void
pbwire_put_uint(struct strbuf *sb, uint32_t num, uint64_t v)
{
    pbwire_put_varint(sb, (uint64_t)num << 3 | PBWIRE_VARINT);
    pbwire_put_varint(sb, v);
}

void
pbwire_put_bytes(struct strbuf *sb, uint32_t num, const uint8_t *data, size_t len)
{
    pbwire_put_varint(sb, (uint64_t)num << 3 | PBWIRE_BYTES);
    pbwire_put_varint(sb, (uint64_t)len);
    if (len > 0)
        strbuf_add(sb, data, len);
}
