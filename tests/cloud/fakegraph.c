/*
 * fakegraph — the fake Graph API's process: command line, port file, loop, signals (tests
 * only; the design is in fakegraph.h).
 *
 *   fakegraph --puerto-archivo F --token T --secreto S --webhook URL --registro ARCHIVO
 *             --numero ID:DÍGITOS... [--falla DÍGITOS:CÓDIGO]... [--rechaza DÍGITOS:CÓDIGO]...
 *             [--sin-webhook-lectura]
 *   fakegraph sumidero --puerto-archivo F --secreto S --registro ARCHIVO [--falla-primeros N]
 *
 * Both listen on 127.0.0.1, port 0, and write the port to F (through F.tmp and a rename, so
 * a reader never sees half of it). The Graph server answers, with the token T:
 *   GET  /v<N>.0/<ID>            the phone number (display_phone_number, verified_name…)
 *   POST /v<N>.0/<ID>/messages   a template or a text, checked as Meta checks it; each
 *       accepted one is one JSON line in ARCHIVO (its body plus "_numero_id" and "_wamid"),
 *       then its status webhooks go to URL, ~20 ms apart: sent, delivered, read (no read
 *       with --sin-webhook-lectura); sent, failed CÓDIGO for a --falla recipient; sent,
 *       failed 131047 for a text to a client who has not written in 24 hours. A --rechaza
 *       recipient is refused at once (400, CÓDIGO), nothing recorded.
 *   POST /_fake/entrante   {"numero_id","from","texto"[,"contexto"][,"nombre"]}: the
 *       client's message as a webhook; it opens the client's 24-hour window (a Mexican mobile's
 *       521 + 10 digits and 52 + 10 digits are one client, as at Meta).
 *   POST /_fake/ventana_cerrar {"numero_id","from"}: that window closes now, as if a day had
 *       passed; answers {"cerrada":<it was open>}.
 *   POST /_fake/firma_mala a webhook signed with the wrong secret; answers {"estado":<the
 *       HTTP status the receiver gave>}.
 *   GET  /_fake/estado     {"enviados","webhooks_ok","webhooks_fallidos","pendientes"}.
 *   GET  /_fake/demora?ms=N   answers {"ms":N} N ms later (httpd's deferred answers).
 * Webhooks are signed (X-Hub-Signature-256, HMAC-SHA256 with S); a non-2xx answer or a
 * connection error is retried up to 5 times, 200 ms apart, each attempt logged on stderr.
 * The sink records, one line each in ARCHIVO, the bodies whose signature is right (403
 * otherwise); --falla-primeros N answers 503 to its first N posts.
 * SIGINT/SIGTERM: a clean exit 0. Bad usage: exit 2; failing to start: exit 1.
 */
#include "tests/cloud/fakegraph.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "crypto/digest.h"
#include "crypto/secure.h"
#include "rt/httpd.h"
#include "util/err.h"
#include "util/hex.h"

static const char usage[] =
    "uso: fakegraph --puerto-archivo F --token T --secreto S --webhook URL --registro ARCHIVO\n"
    "                --numero ID:DÍGITOS... [--falla DÍGITOS:CÓDIGO]... "
    "[--rechaza DÍGITOS:CÓDIGO]...\n"
    "                [--sin-webhook-lectura]\n"
    "     fakegraph sumidero --puerto-archivo F --secreto S --registro ARCHIVO "
    "[--falla-primeros N]\n";

/* What main sets up for either mode. */
struct fg_proc {
    uv_loop_t loop;
    uv_signal_t sig_int, sig_term;
    struct httpd *httpd;
    struct fg *fg; /* NULL in sink mode */
};

void
fg_log(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("fakegraph: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void
fg_reply_json(struct httpd_conn *c, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);

    httpd_reply(c, status, "application/json", text, strlen(text));
    free(text);
    json_decref(body);
}

void
fg_sign(char out[FG_SIG_BYTES], const char *secret, const char *body, size_t len)
{
    uint8_t mac[DIGEST_SHA256_BYTES];

    digest_hmac_sha256(mac, (const uint8_t *)secret, strlen(secret), (const uint8_t *)body, len);
    memcpy(out, "sha256=", 7);
    hex_encode(out + 7, mac, sizeof mac);
}

static int __attribute__((format(printf, 1, 2))) bad_usage(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("fakegraph: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fputs(usage, stderr);
    return 2;
}

/* "DIGITS" of 8…20 digits. */
static bool
digits_ok(const char *s, size_t n)
{
    if (n < 8 || n > 20)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* "ID:DIGITS" (ID 1…31 digits). */
static bool
parse_numero(const char *arg, struct fg_numero *n)
{
    const char *colon = strchr(arg, ':');
    size_t idlen = colon != NULL ? (size_t)(colon - arg) : 0;

    if (idlen == 0 || idlen >= sizeof n->id || strspn(arg, "0123456789") != idlen ||
        !digits_ok(colon + 1, strlen(colon + 1)))
        return false;
    memcpy(n->id, arg, idlen);
    n->id[idlen] = '\0';
    snprintf(n->digits, sizeof n->digits, "%s", colon + 1);
    return true;
}

/* "DIGITS:CODE" (CODE 1…9999999). */
static bool
parse_code(const char *arg, struct fg_code *fc)
{
    const char *colon = strchr(arg, ':');
    char *end;
    long code;

    if (colon == NULL || !digits_ok(arg, (size_t)(colon - arg)) || colon[1] < '1' || colon[1] > '9')
        return false;
    errno = 0;
    code = strtol(colon + 1, &end, 10);
    if (errno != 0 || *end != '\0' || code > 9999999)
        return false;
    memcpy(fc->digits, arg, (size_t)(colon - arg));
    fc->digits[colon - arg] = '\0';
    fc->code = (int)code;
    return true;
}

/* One option of the Graph mode with its value; 0, or 2 after saying why. */
static int
graph_option(struct fg *fg, const char *opt, const char *val)
{
    if (strcmp(opt, "--token") == 0)
        fg->token = val;
    else if (strcmp(opt, "--secreto") == 0)
        fg->secret = val;
    else if (strcmp(opt, "--webhook") == 0)
        fg->webhook_url = val;
    else if (strcmp(opt, "--numero") == 0) {
        if (fg->nnumeros == FG_LIST_MAX || !parse_numero(val, &fg->numeros[fg->nnumeros++]))
            return bad_usage("--numero no válido (se espera ID:DÍGITOS): %s", val);
    } else if (strcmp(opt, "--falla") == 0) {
        if (fg->nfallas == FG_LIST_MAX || !parse_code(val, &fg->fallas[fg->nfallas++]))
            return bad_usage("--falla no válido (se espera DÍGITOS:CÓDIGO): %s", val);
    } else if (strcmp(opt, "--rechaza") == 0) {
        if (fg->nrechazos == FG_LIST_MAX || !parse_code(val, &fg->rechazos[fg->nrechazos++]))
            return bad_usage("--rechaza no válido (se espera DÍGITOS:CÓDIGO): %s", val);
    } else
        return bad_usage("opción desconocida: %s", opt);
    return 0;
}

/* One option of the sink mode with its value; 0, or 2 after saying why. */
static int
sink_option(struct fg_sink *sink, const char *opt, const char *val)
{
    char *end;
    unsigned long n;

    if (strcmp(opt, "--secreto") == 0) {
        sink->secret = val;
        return 0;
    }
    if (strcmp(opt, "--falla-primeros") != 0)
        return bad_usage("opción desconocida: %s", opt);
    errno = 0;
    n = strtoul(val, &end, 10);
    if (errno != 0 || *end != '\0' || val[0] < '0' || val[0] > '9' || n > 1000)
        return bad_usage("--falla-primeros no válido: %s", val);
    sink->falla_primeros = (unsigned)n;
    return 0;
}

/*
 * Parses argv (after the mode word, if any) into fg or sink; the options every mode has
 * (--puerto-archivo, --registro) go to port_file and registro. 0 or 2.
 */
static int
parse_args(int argc, char **argv, struct fg *fg, struct fg_sink *sink, const char **port_file,
           const char **registro)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];

        if (fg != NULL && strcmp(opt, "--sin-webhook-lectura") == 0) {
            fg->sin_lectura = true;
            continue;
        }
        if (i + 1 == argc)
            return bad_usage("falta el valor de %s", opt);
        if (strcmp(opt, "--puerto-archivo") == 0) {
            *port_file = argv[i + 1];
        } else if (strcmp(opt, "--registro") == 0) {
            *registro = argv[i + 1];
        } else {
            int st = fg != NULL ? graph_option(fg, opt, argv[i + 1])
                                : sink_option(sink, opt, argv[i + 1]);
            if (st != 0)
                return st;
        }
        i++;
    }
    if (*port_file == NULL || *registro == NULL)
        return bad_usage("faltan opciones obligatorias");
    if (fg != NULL &&
        (fg->token == NULL || fg->secret == NULL || fg->webhook_url == NULL || fg->nnumeros == 0))
        return bad_usage("faltan opciones obligatorias");
    if (sink != NULL && sink->secret == NULL)
        return bad_usage("falta --secreto");
    return 0;
}

static bool
write_port_file(const char *path, int port)
{
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    FILE *f;
    bool ok = false;

    snprintf(tmp, n, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (f != NULL) {
        ok = fprintf(f, "%d\n", port) > 0;
        ok = fclose(f) == 0 && ok;
        ok = ok && rename(tmp, path) == 0;
    }
    if (!ok)
        fg_log("no se pudo escribir el archivo de puerto %s: %s", path, strerror(errno));
    free(tmp);
    return ok;
}

/* Closes every handle of the process; uv_run then returns. */
static void
proc_stop(struct fg_proc *proc)
{
    httpd_close(proc->httpd);
    proc->httpd = NULL;
    if (proc->fg != NULL) {
        fg_delays_drop(proc->fg);
        fg_hooks_stop(proc->fg);
    }
    uv_close((uv_handle_t *)&proc->sig_int, NULL);
    uv_close((uv_handle_t *)&proc->sig_term, NULL);
}

static void
on_signal(uv_signal_t *s, int signum)
{
    fg_log("señal %d: terminando", signum);
    proc_stop(s->data);
}

/*
 * Unless rc says start-up already failed: listens and writes the port file. Then runs until
 * a signal (or at once, closing everything, after a failure). 0, or 1 when it did not start
 * or did not end cleanly.
 */
static int
serve(struct fg_proc *proc, const char *port_file, httpd_handler_fn *fn, void *ctx, int rc)
{
    struct err e;

    if (rc == 0) {
        proc->httpd = httpd_new(&proc->loop, "127.0.0.1", 0, FG_MAX_BODY, fn, ctx, &e);
        if (proc->httpd == NULL)
            fg_log("%s", e.msg);
        if (proc->httpd == NULL || !write_port_file(port_file, httpd_port(proc->httpd)))
            rc = 1;
    }
    if (rc != 0)
        proc_stop(proc);
    else
        fg_log("escuchando en 127.0.0.1:%d", httpd_port(proc->httpd));
    uv_run(&proc->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&proc->loop) != 0) {
        fg_log("quedaron handles abiertos al salir");
        rc = 1;
    }
    return rc;
}

static void
start_signals(struct fg_proc *proc)
{
    uv_signal_init(&proc->loop, &proc->sig_int);
    uv_signal_init(&proc->loop, &proc->sig_term);
    proc->sig_int.data = proc->sig_term.data = proc;
    uv_signal_start(&proc->sig_int, on_signal, SIGINT);
    uv_signal_start(&proc->sig_term, on_signal, SIGTERM);
}

static int
main_graph(int argc, char **argv)
{
    struct fg fg = { 0 };
    struct fg_proc proc = { 0 };
    const char *port_file = NULL, *registro = NULL;
    uint8_t run[8];
    int rc = parse_args(argc, argv, &fg, NULL, &port_file, &registro);

    if (rc != 0)
        return rc;
    fg.registro = fopen(registro, "a");
    if (fg.registro == NULL) {
        fg_log("no se pudo abrir el registro %s: %s", registro, strerror(errno));
        return 1;
    }
    secure_random(run, sizeof run);
    hex_encode(fg.run_id, run, sizeof run);
    uv_loop_init(&proc.loop);
    fg.loop = &proc.loop;
    proc.fg = &fg;
    start_signals(&proc);
    rc = serve(&proc, port_file, fg_graph_handle, &fg, fg_hooks_start(&fg));
    fclose(fg.registro);
    while (fg.windows != NULL) {
        struct fg_window *w = fg.windows;
        fg.windows = w->next;
        free(w);
    }
    return rc;
}

static int
main_sink(int argc, char **argv)
{
    struct fg_sink sink = { 0 };
    struct fg_proc proc = { 0 };
    const char *port_file = NULL, *registro = NULL;
    int rc = parse_args(argc, argv, NULL, &sink, &port_file, &registro);

    if (rc != 0)
        return rc;
    sink.registro = fopen(registro, "a");
    if (sink.registro == NULL) {
        fg_log("no se pudo abrir el registro %s: %s", registro, strerror(errno));
        return 1;
    }
    uv_loop_init(&proc.loop);
    start_signals(&proc);
    rc = serve(&proc, port_file, fg_sink_handle, &sink, 0);
    fclose(sink.registro);
    return rc;
}

int
main(int argc, char **argv)
{
    int rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fg_log("no se pudo iniciar libcurl");
        return 1;
    }
    if (argc > 1 && strcmp(argv[1], "sumidero") == 0)
        rc = main_sink(argc - 1, argv + 1);
    else
        rc = main_graph(argc, argv);
    curl_global_cleanup();
    return rc;
}
