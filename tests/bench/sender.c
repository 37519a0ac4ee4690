/*
 * bench sender — messages per second through the whole sending pipeline (issue 5, target
 * ≥ 500 messages/s on sim): BENCH_CUENTAS accounts (default 4) sending at once, each with a
 * launched campaign of BENCH_MENSAJES messages (default and maximum 1000 = the largest daily
 * limit, so one account alone cannot show more), each by its own rt/sender (thread, libuv
 * loop, claim → number check → send on sim → server ack → delivered and read receipts, all
 * recorded in PostgreSQL) with pacing "rapido" (zero gaps) and a zero-latency sim.
 *
 * Measured in the same run, on identical campaigns in a second database:
 * * the old per-message path: the same accounts at once, each on its own connection and
 *   thread, one SQL call per step (claim, number, ack, two receipts), no engine;
 * * the raw round trip: `SELECT 1` on one connection, the floor of any per-message call.
 * Prints the aggregate and per-account rates and the ratios; never asserts on time
 * (tests/bench/run.sh).
 */
#include "rt/sender.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "db/db.h"
#include "db/db_sender.h"
#include "db/db_wa.h"
#include "tests/db/dbt.h"
#include "util/err.h"

#define MAX_CUENTAS 16

__attribute__((noreturn, format(printf, 1, 2))) static void
die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("bench sender: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void
must(struct db *db, const char *sql)
{
    struct err e = { 0 };

    if (db_exec(db, sql, &e) != RC_OK)
        die("%s\n  en: %.200s", e.msg, sql);
}

static struct db *
connect_as(const struct dbt *t, const char *login)
{
    struct err e = { 0 };
    struct db *db = dbt_connect_err(t, login, &e);

    if (db == NULL)
        die("no se pudo conectar como %s: %s", login != NULL ? login : "admin", e.msg);
    return db;
}

/* One account of the run: its promoter, and what each measurement saw. */
struct acct {
    char login[16];
    int cuenta;
    const struct dbt *t;
    int m;
    /* old per-message path */
    uv_thread_t thread;
    double base_s;
    /* pipeline */
    struct sender *s;
    struct bench *b;
    int sent, receipts;
    double t1;
    char stopped[256];
};

struct bench {
    uv_loop_t loop;
    uv_timer_t guard;
    struct acct a[MAX_CUENTAS];
    int n, m, running;
    double t0;
};

/* n promoters bs_p1…, m clients each, a linked warmed account and a launched campaign each. */
static void
prepare(struct dbt *t, struct bench *b)
{
    struct db *adm = connect_as(t, NULL);
    struct err e = { 0 };
    static const unsigned char blob[] = { 7 };
    char sql[2048], estado[16], *yo = NULL;
    int total = b->n * b->m;

    snprintf(
        sql, sizeof sql,
        "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('IMSS', 'IMSS', 'FEDERAL');"
        "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id, edad)"
        " SELECT 'Cliente' || i, 'Bench', 1, 9, 30 FROM generate_series(1, %d) i;"
        "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i, 'CELULAR',"
        " '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, %d) i;"
        "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
        "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
        " FROM generate_series(1, 7) d",
        total, total);
    must(adm, sql);
    for (int i = 0; i < b->n; i++) {
        struct acct *a = &b->a[i];
        struct db_campana_nueva nv = { .etapa = "Nuevo", .texto = "{Hola|Buen día} {nombre}" };
        struct db_campana_creada c;
        struct db *p;

        snprintf(a->login, sizeof a->login, "bs_p%d", i + 1);
        if (dbt_role_err(t, a->login, "embudo_promotor", &e) != RC_OK)
            die("rol: %s", e.msg);
        snprintf(sql, sizeof sql,
                 "INSERT INTO crm.usuarios (login, nombre, rol, cupo_diario, cartera_max)"
                 " VALUES ('%s', 'Bench', 'PROMOTOR', 10000, 100000)",
                 a->login);
        must(adm, sql);
        p = connect_as(t, a->login);
        snprintf(sql, sizeof sql, "SELECT * FROM api.solicitar_asignacion(%d)", b->m);
        must(p, sql);
        if (db_wa_guardar_credenciales(p, "5215500000099@s.whatsapp.net", blob, 1, &e) != RC_OK)
            die("credenciales: %s", e.msg);
        must(adm, "UPDATE crm.wa_cuentas SET en_uso_desde = current_date - 60,"
                  " limite_diario = 1000");
        if (db_campana_crear(p, &nv, &c, &e) != RC_OK ||
            db_campana_accion(p, c.id, DB_CAMPANA_LANZAR, estado, &e) != RC_OK)
            die("campaña: %s", e.msg);
        if (c.hoy != b->m)
            die("la campaña de %s tiene %d mensajes para hoy, se pidieron %d", a->login, c.hoy,
                b->m);
        db_campana_creada_fini(&c);
        if (db_query_text(p, "SELECT crm.yo()", 0, NULL, &yo, &e) != RC_OK || yo == NULL)
            die("crm.yo: %s", e.msg);
        a->cuenta = atoi(yo);
        free(yo);
        db_close(p);
    }
    db_close(adm);
}

/* The old per-message path for one account, on its own thread and connection: the
 * engine's former calls for a number never checked (durable claim, the number cached, ack
 * and receipts committed asynchronously, one statement each), no loop, sim or events. */
static void
base_thread(void *arg)
{
    struct acct *a = arg;
    struct db *p = connect_as(a->t, a->login);
    struct db_mensaje m;
    struct err e = { 0 };
    bool found, cambio;
    char id[32], jid[48];
    int omitidos, done = 0;
    double t0 = dbt_now();

    for (;;) {
        if (db_mensaje_reclamar(p, a->cuenta, &m, &found, &e) != RC_OK)
            die("reclamar: %s", e.msg);
        if (!found)
            break;
        snprintf(id, sizeof id, "BASE%lld", (long long)m.id);
        snprintf(jid, sizeof jid, "%s@s.whatsapp.net", m.telefono + 1);
        if (db_wa_numero_guardar(p, m.telefono, true, jid, &omitidos, &e) != RC_OK)
            die("verificación: %s", e.msg);
        if (db_sender_enviado(p, m.id, id, &cambio, &e) != RC_OK ||
            db_sender_recibo(p, id, false, 0, &cambio, &e) != RC_OK ||
            db_sender_recibo(p, id, true, 0, &cambio, &e) != RC_OK)
            die("acuse/recibos: %s", e.msg);
        db_mensaje_fini(&m);
        done++;
    }
    a->base_s = dbt_now() - t0;
    db_close(p);
    if (done != a->m)
        die("ruta anterior, %s: %d mensajes de %d", a->login, done, a->m);
}

/* Every account's old path at once; returns the wall time. */
static double
baseline(struct dbt *t, struct bench *b)
{
    double t0 = dbt_now();

    for (int i = 0; i < b->n; i++) {
        b->a[i].t = t;
        b->a[i].m = b->m;
        if (uv_thread_create(&b->a[i].thread, base_thread, &b->a[i]) != 0)
            die("no se pudo crear un hilo");
    }
    for (int i = 0; i < b->n; i++)
        uv_thread_join(&b->a[i].thread);
    return dbt_now() - t0;
}

/* Milliseconds per `SELECT 1` round trip on one connection. */
static double
round_trip_ms(struct dbt *t)
{
    struct db *p = connect_as(t, "bs_p1");
    double t0 = dbt_now();
    int n = 2000;

    for (int i = 0; i < n; i++)
        must(p, "SELECT 1");
    t0 = dbt_now() - t0;
    db_close(p);
    return 1000.0 * t0 / n;
}

static void
finish(struct acct *a)
{
    struct sender *s = a->s;
    struct bench *b = a->b;

    if (s == NULL)
        return;
    a->s = NULL;
    a->t1 = dbt_now();
    sender_stop(s);
    if (--b->running == 0) {
        uv_timer_stop(&b->guard);
        uv_close((uv_handle_t *)&b->guard, NULL);
    }
}

static void
on_event(void *ctx, const struct sender_event *ev)
{
    struct acct *a = ctx;

    if (ev->kind == SENDER_EV_SENT)
        a->sent++;
    else if (ev->kind == SENDER_EV_RECEIPT)
        a->receipts++;
    else if (ev->kind == SENDER_EV_STOPPED && a->s != NULL)
        snprintf(a->stopped, sizeof a->stopped, "%s", ev->text);
    if ((a->sent == a->m && a->receipts == 2 * a->m) || ev->kind == SENDER_EV_STOPPED)
        finish(a);
}

static void
on_guard(uv_timer_t *h)
{
    struct bench *b = h->data;

    for (int i = 0; i < b->n; i++)
        finish(&b->a[i]);
}

/* Every account's sender at once on this loop; returns the wall time. */
static double
pipeline(struct dbt *t, struct bench *b)
{
    struct sim_config sim;
    struct sender_params p = { 0 };
    struct err e = { 0 };
    double end = 0;

    sim_config_default(&sim);
    sim.latency_min_ms = sim.latency_max_ms = 0;
    sim.deliver_min_ms = sim.deliver_max_ms = 0;
    sim.read_min_ms = sim.read_max_ms = 0;
    sim.read_ppm = 1000000;
    sim.reply_ppm = 0;
    sim.seed = 1;
    p.opt.transport = SENDER_TRANSPORT_SIM;
    p.opt.rapido = true;
    p.opt.seed = 1;
    p.sim = &sim;
    uv_loop_init(&b->loop);
    uv_timer_init(&b->loop, &b->guard);
    b->guard.data = b;
    uv_timer_start(&b->guard, on_guard, 300000, 0);
    b->t0 = dbt_now();
    for (int i = 0; i < b->n; i++) {
        struct acct *a = &b->a[i];
        struct sender_callbacks cb = { .ctx = a, .event = on_event };
        char *ci = dbt_conninfo_fmt(t, a->login);

        a->b = b;
        a->m = b->m;
        p.conninfo = ci;
        if ((a->s = sender_start(&b->loop, &p, &cb, &e)) == NULL)
            die("sender_start: %s", e.msg);
        b->running++;
        free(ci);
    }
    uv_run(&b->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&b->loop) != 0)
        die("el loop no cerró limpio");
    for (int i = 0; i < b->n; i++) {
        if (b->a[i].stopped[0] != '\0')
            die("el envío de %s se detuvo: %s", b->a[i].login, b->a[i].stopped);
        if (b->a[i].t1 - b->t0 > end)
            end = b->a[i].t1 - b->t0;
    }
    return end;
}

static int
env_int(const char *name, int def, int lo, int hi)
{
    const char *s = getenv(name);
    int v = s != NULL ? atoi(s) : def;

    if (v < lo || v > hi)
        die("%s debe estar entre %d y %d", name, lo, hi);
    return v;
}

int
main(void)
{
    struct err e = { 0 };
    struct dbt *ta, *tb;
    struct bench *b = calloc(1, sizeof *b);
    double base, full, rtt;
    int total, sent = 0, receipts = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    b->n = env_int("BENCH_CUENTAS", 4, 1, MAX_CUENTAS);
    b->m = env_int("BENCH_MENSAJES", 1000, 1, 1000); /* the largest daily limit */
    total = b->n * b->m;
    if ((ta = dbt_new(NULL, &e)) == NULL || (tb = dbt_new(NULL, &e)) == NULL)
        die("no se pudo crear la base de la prueba: %s (¿corre con tests/bench/run.sh?)", e.msg);
    prepare(ta, b);
    base = baseline(ta, b);
    rtt = round_trip_ms(ta);
    prepare(tb, b);
    full = pipeline(tb, b);
    for (int i = 0; i < b->n; i++) {
        sent += b->a[i].sent;
        receipts += b->a[i].receipts;
    }
    printf("sender: %d cuentas × %d mensajes a la vez, ritmo rapido, sim sin latencia\n", b->n,
           b->m);
    for (int i = 0; i < b->n; i++)
        printf("  cuenta %d: canal completo %6.0f mensajes/s, ruta anterior %6.0f mensajes/s\n",
               i + 1, b->m / (b->a[i].t1 - b->t0), b->m / b->a[i].base_s);
    printf("  ruta anterior (una llamada SQL por paso, sin motor): %7.0f mensajes/s en total\n",
           total / base);
    printf("  canal completo (hilos, loops, sim, eventos, lotes):  %7.0f mensajes/s en total"
           "  (%.2f ms c/u)\n",
           total / full, 1000.0 * full / total);
    printf("  ida y vuelta SELECT 1: %.3f ms (%.0f/s en una conexión)\n", rtt, 1000.0 / rtt);
    printf("  canal completo / ruta anterior: %.2f×; enviados %d, recibos %d"
           " (objetivo ≥ 500 mensajes/s)\n",
           base / full, sent, receipts);
    free(b);
    dbt_free(ta);
    dbt_free(tb);
    return 0;
}
