/*
 * test_ia — the AI-variations client against a fake OpenAI-compatible endpoint: a tiny HTTP
 * server on 127.0.0.1 (a thread of this test) answering each scenario: a good answer, garbage,
 * a timeout, HTTP 500, a variant dropping a variable, near-duplicates, a fenced answer. The
 * strings that come back go through core/variaciones' filter as the wizard does.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/variaciones.h"
#include "rt/ia.h"
#include "util/err.h"
#include "util/xmalloc.h"

struct fake {
    int lsock;
    int port;
    pthread_t th;
    const char *status; /* "200 OK"; NULL = never answer (wait for the client to give up) */
    const char *body;
    char request[16384]; /* what the client sent */
};

static const char plantilla[] = "Hola {nombre}, con {convenio} le prestamos hasta $50,000 al 1.5%.";

/* Reads one request (headers + Content-Length body) into f->request. */
static void
fake_read_request(struct fake *f, int s)
{
    size_t got = 0;
    const char *cl;
    char *hdr_end;

    for (;;) {
        ssize_t r = read(s, f->request + got, sizeof f->request - 1 - got);

        if (r <= 0)
            return;
        got += (size_t)r;
        f->request[got] = '\0';
        hdr_end = strstr(f->request, "\r\n\r\n");
        if (hdr_end == NULL)
            continue;
        cl = strstr(f->request, "Content-Length: ");
        if (cl == NULL || got >= (size_t)(hdr_end + 4 - f->request) + strtoul(cl + 16, NULL, 10))
            return;
    }
}

static void *
fake_main(void *arg)
{
    struct fake *f = arg;
    int s = accept(f->lsock, NULL, NULL);
    char head[256];

    if (s < 0)
        return NULL;
    fake_read_request(f, s);
    if (f->status == NULL) {
        struct pollfd p = { .fd = s, .events = POLLIN };
        char c;

        /* no answer: wait until the client closes (its timeout), never a fixed sleep */
        while (poll(&p, 1, 5000) == 1 && read(s, &c, 1) > 0)
            ;
    } else {
        snprintf(head, sizeof head,
                 "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                 "Connection: close\r\n\r\n",
                 f->status, strlen(f->body));
        assert_true(write(s, head, strlen(head)) > 0);
        assert_true(write(s, f->body, strlen(f->body)) >= 0);
    }
    close(s);
    return NULL;
}

static void
fake_start(struct fake *f, const char *status, const char *body)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t al = sizeof a;

    memset(f, 0, sizeof *f);
    f->status = status;
    f->body = body;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    f->lsock = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(f->lsock >= 0);
    assert_int_equal(bind(f->lsock, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(f->lsock, 1), 0);
    assert_int_equal(getsockname(f->lsock, (struct sockaddr *)&a, &al), 0);
    f->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void
fake_stop(struct fake *f)
{
    pthread_join(f->th, NULL);
    close(f->lsock);
}

/* A chat completion whose content is the JSON text `content` (escaped here). */
static char *
completion(const char *content)
{
    char esc[4096];
    size_t k = 0;

    for (const char *p = content; *p != '\0' && k + 2 < sizeof esc; p++) {
        if (*p == '"' || *p == '\\')
            esc[k++] = '\\';
        if (*p == '\n') {
            esc[k++] = '\\';
            esc[k++] = 'n';
            continue;
        }
        esc[k++] = *p;
    }
    esc[k] = '\0';
    return xasprintf("{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                     "\"content\":\"%s\"}}]}",
                     esc);
}

/* Runs one request against a fake answering status/body; returns rc, fills out/n/e. */
static int
pedir(struct fake *f, const char *status, const char *body, long timeout_ms, char ***out,
      size_t *n, struct err *e)
{
    char url[64];
    struct ia_config c = { .model = "m", .api_key = "sk-prueba", .timeout_ms = timeout_ms };
    char *req = variaciones_pedido_fmt("m", plantilla, 3);
    int rc;

    fake_start(f, status, body);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", f->port);
    c.base_url = url;
    rc = ia_chat_pedir(&c, req, out, n, e);
    fake_stop(f);
    free(req);
    return rc;
}

static void
test_good_answer_is_kept(void **state)
{
    struct fake f;
    struct err e;
    char **t;
    size_t n;
    char *body = completion("[\"{nombre}: por su convenio {convenio} puede recibir hasta $50,000 "
                            "al 1.5%.\", \"Buen día {nombre}. Para {convenio} tenemos créditos "
                            "de hasta $50,000 con tasa de 1.5%, ¿le interesa?\"]");
    struct variacion_veredicto v[2];

    (void)state;
    assert_int_equal(pedir(&f, "200 OK", body, 2000, &t, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_non_null(strstr(f.request, "POST /v1/chat/completions HTTP/1.1"));
    assert_non_null(strstr(f.request, "Authorization: Bearer sk-prueba"));
    assert_non_null(strstr(f.request, "\"model\":\"m\""));
    assert_int_equal(variaciones_filtrar(plantilla, (const char *const *)t, n, v), 2);
    ia_textos_free(t, n);
    free(body);
}

static void
test_dropped_variable_and_near_duplicates_are_filtered(void **state)
{
    struct fake f;
    struct err e;
    char **t;
    size_t n;
    char *body = completion(
        "[\"Hola, con {convenio} le prestamos hasta $50,000 al 1.5%.\","
        " \"Hola {nombre}, con {convenio} le prestamos hasta $50,000 al 1.5%!\","
        " \"{nombre}: por su convenio {convenio} puede recibir hasta $50,000 al 1.5%.\","
        " \"{nombre}, por su convenio {convenio} puede recibir hasta $50,000 al 1.5%\"]");
    struct variacion_veredicto v[4];

    (void)state;
    assert_int_equal(pedir(&f, "200 OK", body, 2000, &t, &n, &e), RC_OK);
    assert_int_equal(n, 4);
    assert_int_equal(variaciones_filtrar(plantilla, (const char *const *)t, n, v), 1);
    assert_int_equal(v[0].motivo, VARIACION_FALTA_VARIABLE);
    assert_int_equal(v[1].motivo, VARIACION_CASI_IGUAL);
    assert_int_equal(v[2].motivo, VARIACION_ACEPTADA);
    assert_int_equal(v[3].motivo, VARIACION_CASI_IGUAL);
    ia_textos_free(t, n);
    free(body);
}

static void
test_fenced_answer_is_read(void **state)
{
    struct fake f;
    struct err e;
    char **t;
    size_t n;
    char *body = completion("```json\n[\"{nombre}, {convenio}: $50,000 al 1.5%\"]\n```");

    (void)state;
    assert_int_equal(pedir(&f, "200 OK", body, 2000, &t, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(t[0], "{nombre}, {convenio}: $50,000 al 1.5%");
    ia_textos_free(t, n);
    free(body);
}

static void
test_garbage_is_refused(void **state)
{
    static const char *const bodies[] = {
        "<html>502 Bad Gateway</html>",
        "{\"choices\":[]}",
        "{\"choices\":[{\"message\":{\"content\":\"Claro, aquí tiene tres variaciones: …\"}}]}",
        "{\"choices\":[{\"message\":{\"content\":\"[1, 2]\"}}]}",
        "{\"choices\":[{\"message\":{\"content\":\"[]\"}}]}",
    };

    (void)state;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct fake f;
        struct err e;
        char **t;
        size_t n;

        assert_int_equal(pedir(&f, "200 OK", bodies[i], 2000, &t, &n, &e), RC_INVAL);
        assert_non_null(strstr(e.msg, "respuesta no válida"));
        assert_null(t);
        assert_int_equal(n, 0);
    }
}

static void
test_timeout_is_a_network_error(void **state)
{
    struct fake f;
    struct err e;
    char **t;
    size_t n;

    (void)state;
    assert_int_equal(pedir(&f, NULL, "", 300, &t, &n, &e), RC_NET);
    assert_non_null(strstr(e.msg, "no respondió"));
}

static void
test_http_error_is_a_network_error(void **state)
{
    struct fake f;
    struct err e;
    char **t;
    size_t n;

    (void)state;
    assert_int_equal(pedir(&f, "500 Internal Server Error", "{}", 2000, &t, &n, &e), RC_NET);
    assert_string_equal(e.msg, "el servicio de IA respondió HTTP 500");
    assert_null(strstr(e.msg, "sk-prueba"));
}

static void
test_unreachable_and_unset(void **state)
{
    struct ia_config c = { .base_url = "http://127.0.0.1:1/v1", .model = "m" };
    struct err e;
    char **t;
    size_t n;

    (void)state;
    assert_int_equal(ia_chat_pedir(&c, "{}", &t, &n, &e), RC_NET);
    assert_string_equal(e.msg,
                        "no se pudo contactar al servicio de IA: el servidor no acepta conexiones");
    c.base_url = "";
    assert_int_equal(ia_chat_pedir(&c, "{}", &t, &n, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "sin configurar"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_answer_is_kept),
        cmocka_unit_test(test_dropped_variable_and_near_duplicates_are_filtered),
        cmocka_unit_test(test_fenced_answer_is_read),
        cmocka_unit_test(test_garbage_is_refused),
        cmocka_unit_test(test_timeout_is_a_network_error),
        cmocka_unit_test(test_http_error_is_a_network_error),
        cmocka_unit_test(test_unreachable_and_unset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
