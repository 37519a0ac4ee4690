#include "core/dinero.h"

#include <stdio.h>
#include <string.h>

bool
dinero_centavos(const char *s, int64_t *out)
{
    bool neg = false;
    int64_t ent = 0, cent = 0;
    size_t n, d;

    if (s == NULL)
        return false;
    if (*s == '-') {
        neg = true;
        s++;
    }
    n = strspn(s, "0123456789");
    if (n < 1 || n > 15)
        return false;
    for (size_t i = 0; i < n; i++)
        ent = ent * 10 + (s[i] - '0');
    s += n;
    if (*s == '.') {
        d = strspn(s + 1, "0123456789");
        if (d < 1 || d > 2 || s[1 + d] != '\0')
            return false;
        cent = (s[1] - '0') * 10 + (d == 2 ? s[2] - '0' : 0);
    } else if (*s != '\0') {
        return false;
    }
    *out = (neg ? -1 : 1) * (ent * 100 + cent);
    return true;
}

const char *
dinero_texto(const char *decimal, char *buf, size_t size)
{
    int64_t c;

    if (dinero_centavos(decimal, &c))
        return dinero_fmt(c, buf, size);
    snprintf(buf, size, "$%s", decimal);
    return buf;
}

const char *
dinero_fmt(int64_t centavos, char *buf, size_t size)
{
    /* The magnitude as unsigned, so INT64_MIN has one too. */
    uint64_t mag = centavos < 0 ? 0 - (uint64_t)centavos : (uint64_t)centavos;
    char digits[24], grouped[40];
    size_t nd, g = 0;

    nd = (size_t)snprintf(digits, sizeof digits, "%llu", (unsigned long long)(mag / 100));
    for (size_t i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            grouped[g++] = ',';
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    snprintf(buf, size, "%s$%s.%02u", centavos < 0 ? "-" : "", grouped, (unsigned)(mag % 100));
    return buf;
}
