#include "util/xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set once by the main thread before any other thread starts; read-only after. */
static fatal_hook_fn *fatal_hook;

void
fatal_set_hook(fatal_hook_fn *hook)
{
    fatal_hook = hook;
}

void
fatal(const char *fmt, ...)
{
    va_list ap;

    if (fatal_hook != NULL)
        fatal_hook();
    fputs("embudo: error fatal: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n == 0 ? 1 : n);

    if (p == NULL)
        fatal("sin memoria (%zu bytes)", n);
    return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size);

    if (p == NULL)
        fatal("sin memoria (%zu × %zu bytes)", nmemb, size);
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n == 0 ? 1 : n);

    if (q == NULL)
        fatal("sin memoria (%zu bytes)", n);
    return q;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
    if (size != 0 && nmemb > (size_t)-1 / size)
        fatal("desbordamiento al reservar %zu × %zu bytes", nmemb, size);
    return xrealloc(p, nmemb * size);
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        fatal("sin memoria al formatear");
    return s;
}
