/*
 * ia — the HTTP client for an OpenAI-compatible chat endpoint (libcurl + jansson): one
 * blocking POST of a prepared body to <base_url>/chat/completions, and the answer's first
 * choice read as a JSON array of strings. It knows nothing about templates: the body comes
 * from core/variaciones (variaciones_pedido_fmt) and the strings go back to its filter.
 *
 * Blocking, so never on the UI thread: call it from a worker thread (a job). Any number of
 * threads may call it at once; each call uses its own curl handle. The API key is passed
 * in (the caller reads the environment variable the configuration names) and never appears
 * in an error message.
 */
#ifndef RT_IA_H
#define RT_IA_H

#include <stddef.h>

struct err;

struct ia_config {
    const char *base_url; /* "https://api.openai.com/v1"; NULL or "" = not configured */
    const char *model;    /* NULL or "" = not configured */
    const char *api_key;  /* NULL or "" = no Authorization header */
    long timeout_ms;      /* whole request; 0 = 20 s */
};

#define IA_RESPUESTA_MAX (256 * 1024) /* a longer answer is refused as garbage */

/*
 * POSTs body (JSON) and returns the strings of the answer's JSON array in *out (an array of
 * *n malloc'd strings; free with ia_textos_free). RC_INVAL: not configured, or the answer is
 * not a chat completion whose content is a JSON array of strings ("respuesta no válida…");
 * RC_NET: unreachable, timed out, or an HTTP status other than 2xx. e->msg is Spanish.
 */
int ia_chat_pedir(const struct ia_config *c, const char *body, char ***out, size_t *n,
                  struct err *e) __attribute__((warn_unused_result));

void ia_textos_free(char **textos, size_t n);

/*
 * The content of a chat-completions answer (already received) as strings: what
 * ia_chat_pedir does after the transfer, exposed for tests. Same RC_INVAL cases.
 */
int ia_respuesta_textos(const char *json, size_t len, char ***out, size_t *n, struct err *e)
    __attribute__((warn_unused_result));

#endif
