#include "util/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xmalloc.h"

static void
strbuf_grow(struct strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;

    if (need <= sb->cap)
        return;
    size_t cap = sb->cap < 64 ? 64 : sb->cap;
    while (cap < need)
        cap *= 2;
    sb->buf = xrealloc(sb->buf, cap);
    sb->cap = cap;
}

void
strbuf_init(struct strbuf *sb)
{
    sb->buf = xmalloc(64);
    sb->buf[0] = '\0';
    sb->len = 0;
    sb->cap = 64;
}

void
strbuf_fini(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

void
strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->buf != NULL)
        sb->buf[0] = '\0';
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
    strbuf_grow(sb, n);
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void
strbuf_addstr(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void
strbuf_addch(struct strbuf *sb, char c)
{
    strbuf_add(sb, &c, 1);
}

void
strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    if (sb->buf == NULL)
        strbuf_grow(sb, 0);
    va_copy(ap2, ap);
    n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        fatal("formato inválido");
    if ((size_t)n >= sb->cap - sb->len) {
        strbuf_grow(sb, (size_t)n);
        vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
    }
    sb->len += (size_t)n;
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

void
strbuf_add_copy_text(struct strbuf *sb, const char *s)
{
    if (s == NULL) {
        strbuf_add(sb, "\\N", 2);
        return;
    }
    for (const char *p = s; *p != '\0'; p++) {
        switch (*p) {
        case '\\':
            strbuf_add(sb, "\\\\", 2);
            break;
        case '\t':
            strbuf_add(sb, "\\t", 2);
            break;
        case '\n':
            strbuf_add(sb, "\\n", 2);
            break;
        case '\r':
            strbuf_add(sb, "\\r", 2);
            break;
        default:
            strbuf_addch(sb, *p);
            break;
        }
    }
}

char *
strbuf_detach(struct strbuf *sb, size_t *len_out)
{
    char *p = sb->buf;

    if (len_out != NULL)
        *len_out = sb->len;
    *sb = (struct strbuf){ 0 };
    return p;
}

void
strbuf_drain_fd(struct strbuf *sb, int fd)
{
    char buf[4096];
    ssize_t n;

    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        if (sb != NULL)
            strbuf_add(sb, buf, (size_t)n);
    }
}
