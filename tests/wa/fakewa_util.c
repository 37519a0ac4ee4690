/* fakewa_util — the event log and small codecs for the fake server (tests only). */
#include <stdarg.h>
#include <string.h>

#include "fakewa.h"
#include "util/strbuf.h"
#include "wa/pbwire.h"

void
fw_event(struct fw *srv, int conn, const char *ev, const char *fmt, ...)
{
    va_list ap;

    if (srv->events == NULL)
        return;
    fprintf(srv->events, "{\"conn\":%d,\"ev\":\"%s\"", conn, ev);
    if (fmt != NULL && fmt[0] != '\0') {
        fputc(',', srv->events);
        va_start(ap, fmt);
        vfprintf(srv->events, fmt, ap);
        va_end(ap);
    }
    fputs("}\n", srv->events);
    fflush(srv->events);
}

char *
fw_safe(char *dst, size_t cap, const char *s)
{
    size_t i = 0;

    for (; s != NULL && s[i] != '\0' && i + 1 < cap; i++) {
        char ch = s[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || strchr(":._@+-", ch) != NULL;

        dst[i] = ok ? ch : '?';
    }
    dst[i] = '\0';
    return dst;
}

static int
fw_b64_val(char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

long
fw_b64_decode(const char *s, size_t slen, uint8_t *out, size_t cap)
{
    size_t n = 0;

    if (slen % 4 != 0)
        return -1;
    for (size_t i = 0; i < slen; i += 4) {
        int v[4], pad = 0;

        for (int k = 0; k < 4; k++) {
            v[k] = fw_b64_val(s[i + (size_t)k]);
            if (s[i + (size_t)k] == '=' && i + 4 == slen && k >= 2) {
                v[k] = 0;
                pad++;
            } else if (v[k] < 0 || pad > 0) {
                return -1;
            }
        }
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        for (int k = 0; k < 3 - pad; k++) {
            if (n >= cap)
                return -1;
            out[n++] = (uint8_t)(w >> (16 - 8 * k));
        }
    }
    return (long)n;
}

void
fw_pb_bytes_field(struct strbuf *sb, uint32_t num, const uint8_t *p, size_t n)
{
    pbwire_put_bytes(sb, num, p, n);
}
