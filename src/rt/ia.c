#include "rt/ia.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "util/err.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* curl_global_init once per process, whichever thread asks first. */
static pthread_once_t ia_once = PTHREAD_ONCE_INIT;
static CURLcode ia_init_rc; /* written once under ia_once, read after it */

static void
ia_global_init(void)
{
    ia_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct ia_buf {
    struct strbuf sb;
    bool too_long;
};

static size_t
ia_write(char *data, size_t size, size_t nmemb, void *arg)
{
    struct ia_buf *b = arg;
    size_t n = size * nmemb;

    if (b->sb.len + n > IA_RESPUESTA_MAX) {
        b->too_long = true;
        return 0; /* aborts the transfer */
    }
    strbuf_add(&b->sb, data, n);
    return n;
}

/* Strips a ``` fence some models wrap around JSON. Returns a view into s (len updated). */
static const char *
sin_cerco(const char *s, size_t *len)
{
    const char *end;

    while (*len > 0 && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')) {
        s++;
        (*len)--;
    }
    if (*len < 6 || strncmp(s, "```", 3) != 0)
        return s;
    end = memchr(s, '\n', *len);
    if (end == NULL)
        return s;
    *len -= (size_t)(end + 1 - s);
    s = end + 1;
    while (*len > 0 && s[*len - 1] != '`')
        (*len)--;
    while (*len > 0 && s[*len - 1] == '`')
        (*len)--;
    return s;
}

static int
ia_arreglo(const char *content, char ***out, size_t *n, struct err *e)
{
    size_t len = strlen(content), k;
    const char *s = sin_cerco(content, &len);
    json_t *arr = json_loadb(s, len, 0, NULL);
    char **v;

    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        json_decref(arr);
        return err_set(e, RC_INVAL, "respuesta no válida del servicio de IA: se esperaba un "
                                    "arreglo JSON de textos");
    }
    k = json_array_size(arr);
    v = xcalloc(k, sizeof *v);
    for (size_t i = 0; i < k; i++) {
        const char *t = json_string_value(json_array_get(arr, i));

        if (t == NULL) {
            ia_textos_free(v, i);
            json_decref(arr);
            return err_set(e, RC_INVAL, "respuesta no válida del servicio de IA: el elemento %zu "
                                        "no es un texto", i + 1);
        }
        v[i] = xstrdup(t);
    }
    json_decref(arr);
    *out = v;
    *n = k;
    return RC_OK;
}

int
ia_respuesta_textos(const char *json, size_t len, char ***out, size_t *n, struct err *e)
{
    json_t *root = json_loadb(json, len, 0, NULL);
    json_t *msg = json_object_get(json_array_get(json_object_get(root, "choices"), 0), "message");
    const char *content = json_string_value(json_object_get(msg, "content"));
    int rc;

    *out = NULL;
    *n = 0;
    if (content == NULL) {
        json_decref(root);
        return err_set(e, RC_INVAL, "respuesta no válida del servicio de IA: no es una "
                                    "respuesta de chat");
    }
    rc = ia_arreglo(content, out, n, e);
    json_decref(root);
    return rc;
}

/* Why a transfer failed, in Spanish (curl_easy_strerror is English: it goes to the log). */
static const char *
ia_curl_motivo(CURLcode cc)
{
    switch ((int)cc) {
    case CURLE_COULDNT_CONNECT:
        return "el servidor no acepta conexiones";
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return "no se encontró el servidor";
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return "la URL configurada (ia.url) no es válida";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
        return "falló la conexión segura (TLS)";
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return "la conexión se cortó";
    default:
        return "error de red";
    }
}

static int
ia_curl_err(CURLcode cc, const struct ia_buf *b, long timeout_ms, struct err *e)
{
    if (cc == CURLE_OPERATION_TIMEDOUT)
        return err_set(e, RC_NET, "el servicio de IA no respondió en %ld s", timeout_ms / 1000);
    if (b->too_long)
        return err_set(e, RC_INVAL, "respuesta no válida del servicio de IA: demasiado larga");
    log_info("servicio de IA: libcurl %d: %s", (int)cc, curl_easy_strerror(cc));
    return err_set(e, RC_NET, "no se pudo contactar al servicio de IA: %s", ia_curl_motivo(cc));
}

static int
ia_transfer(const struct ia_config *c, const char *body, struct ia_buf *b, struct err *e)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    long timeout = c->timeout_ms > 0 ? c->timeout_ms : 20000, status = 0;
    char *url = xasprintf("%s%schat/completions", c->base_url,
                          c->base_url[strlen(c->base_url) - 1] == '/' ? "" : "/");
    char *auth = NULL;
    CURLcode cc;
    int rc = RC_OK;

    if (c->api_key != NULL && c->api_key[0] != '\0') {
        auth = xasprintf("Authorization: Bearer %s", c->api_key);
        hdr = curl_slist_append(hdr, auth);
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, ia_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    cc = curl_easy_perform(h);
    if (cc != CURLE_OK)
        rc = ia_curl_err(cc, b, timeout, e);
    else if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
             status < 200 || status > 299)
        rc = err_set(e, RC_NET, "el servicio de IA respondió HTTP %ld", status);
    curl_slist_free_all(hdr);
    if (auth != NULL) {
        memset(auth, 0, strlen(auth)); /* the key does not outlive the call */
        free(auth);
    }
    free(url);
    curl_easy_cleanup(h);
    return rc;
}

int
ia_chat_pedir(const struct ia_config *c, const char *body, char ***out, size_t *n,
              struct err *e)
{
    struct ia_buf b = { .too_long = false };
    int rc;

    *out = NULL;
    *n = 0;
    if (c->base_url == NULL || c->base_url[0] == '\0' || c->model == NULL || c->model[0] == '\0')
        return err_set(e, RC_INVAL, "variaciones con IA sin configurar (ia.url, ia.modelo)");
    pthread_once(&ia_once, ia_global_init);
    if (ia_init_rc != CURLE_OK)
        return err_set(e, RC_NET, "no se pudo iniciar libcurl");
    strbuf_init(&b.sb);
    rc = ia_transfer(c, body, &b, e);
    if (rc == RC_OK)
        rc = ia_respuesta_textos(b.sb.buf, b.sb.len, out, n, e);
    strbuf_fini(&b.sb);
    return rc;
}

void
ia_textos_free(char **textos, size_t n)
{
    if (textos == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(textos[i]);
    free(textos);
}
