/*
 * strbuf — a growable, always NUL-terminated byte string.
 *
 * Embedded by its owner (strbuf_init/strbuf_fini). Not thread-safe; one owner.
 * Also holds binary data: len counts bytes, the NUL is an extra byte.
 */
#ifndef UTIL_STRBUF_H
#define UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    char *buf; /* NULL only after strbuf_detach/strbuf_fini, until the next append */
    size_t len;
    size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_fini(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/*
 * Appends s as one field of PostgreSQL's COPY text format: backslash, tab, newline and CR
 * escaped, NULL written as \N. Adds no delimiter.
 */
void strbuf_add_copy_text(struct strbuf *sb, const char *s);
/*
 * Hands the buffer to the caller (who frees it) without allocating a new one: sb is left
 * empty with buf NULL, as after strbuf_fini. Appending to it again works (it allocates on
 * demand), and strbuf_fini on it is a no-op.
 */
char *strbuf_detach(struct strbuf *sb, size_t *len_out);
/*
 * Reads fd until its end (EINTR retried; a read error ends it too) and appends what came to
 * sb; sb NULL discards it — how a child's pipe is emptied so the child never blocks on it.
 */
void strbuf_drain_fd(struct strbuf *sb, int fd);

#endif
