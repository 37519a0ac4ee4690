/*
 * xmalloc — allocation that never fails (it calls fatal()), and fatal() itself.
 *
 * Any thread may call these. fatal() runs the hook set by the UI (to restore the
 * terminal) before printing and aborting; the hook is set once at start-up.
 */
#ifndef UTIL_XMALLOC_H
#define UTIL_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

typedef void fatal_hook_fn(void);
/* Sets the function fatal() calls before printing (e.g. endwin). Main thread, at start-up. */
void fatal_set_hook(fatal_hook_fn *hook);
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
