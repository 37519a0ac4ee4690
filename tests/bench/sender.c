/*
 * bench sender — messages per second through the whole sending pipeline (issue 5): a
 * launched campaign of BENCH_MENSAJES messages (1000 = the largest daily limit) sent by
 * rt/sender (its own thread, libuv loop, claim → send on sim → server ack → delivered and
 * read receipts, each recorded in PostgreSQL) with pacing "rapido" (zero gaps) and a
 * zero-latency sim. Next to it, measured in the same run on an identical campaign: the same
 * SQL round trips alone (claim, ack, two receipts per message, one connection, no engine),
 * so the ratio shows what the engine adds. Target ≥ 500 messages/s. Prints figures; never
 * asserts on time (tests/bench/run.sh).
 */
#include "rt/sender.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "db/db.h"
#include "db/db_sender.h"
#include "db/db_wa.h"
#include "tests/db/dbt.h"
#include "util/err.h"

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

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

/* n clients assigned to bs_p1, a linked and warmed account, a launched campaign. */
static int
prepare(struct dbt *t, int n)
{
    struct db *adm = connect_as(t, NULL), *p;
    struct db_campana_nueva nv = { .etapa = "Nuevo", .texto = "{Hola|Buen día} {nombre}" };
    struct db_campana_creada c;
    struct err e = { 0 };
    static const unsigned char blob[] = { 7 };
    char sql[2048], estado[16], *yo = NULL;
    int cuenta;

    if (dbt_role_err(t, "bs_p1", "embudo_promotor", &e) != RC_OK)
        die("rol: %s", e.msg);
    snprintf(
        sql, sizeof sql,
        "INSERT INTO crm.usuarios (login, nombre, rol, cupo_diario, cartera_max)"
        " VALUES ('bs_p1', 'Bench', 'PROMOTOR', 10000, 100000);"
        "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('IMSS', 'IMSS', 'FEDERAL');"
        "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id, edad)"
        " SELECT 'Cliente' || i, 'Bench', 1, 9, 30 FROM generate_series(1, %d) i;"
        "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i, 'CELULAR',"
        " '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, %d) i;"
        "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
        "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
        " FROM generate_series(1, 7) d",
        n, n);
    must(adm, sql);
    p = connect_as(t, "bs_p1");
    snprintf(sql, sizeof sql, "SELECT * FROM api.solicitar_asignacion(%d)", n);
    must(p, sql);
    if (db_wa_guardar_credenciales(p, "5215500000099@s.whatsapp.net", blob, 1, &e) != RC_OK)
        die("credenciales: %s", e.msg);
    must(adm, "UPDATE crm.wa_cuentas SET en_uso_desde = current_date - 60, limite_diario = 1000");
    if (db_campana_crear(p, &nv, &c, &e) != RC_OK ||
        db_campana_accion(p, c.id, DB_CAMPANA_LANZAR, estado, &e) != RC_OK)
        die("campaña: %s", e.msg);
    if (c.hoy != n)
        die("la campaña tiene %d mensajes para hoy, se pidieron %d", c.hoy, n);
    db_campana_creada_fini(&c);
    if (db_query_text(p, "SELECT crm.yo()", 0, NULL, &yo, &e) != RC_OK || yo == NULL)
        die("crm.yo: %s", e.msg);
    cuenta = atoi(yo);
    free(yo);
    db_close(p);
    db_close(adm);
    return cuenta;
}

/* The SQL alone: the engine's own calls for a number never checked (durable claim, the
 * number cached, ack and receipts committed asynchronously, db_sender.h), one connection,
 * no thread, loop, sim or events. */
static double
baseline(struct dbt *t, int cuenta, int n)
{
    struct db *p = connect_as(t, "bs_p1");
    struct db_mensaje m;
    struct err e = { 0 };
    bool found, cambio;
    char id[32], jid[48];
    int omitidos;
    double t0 = now_s();
    int done = 0;

    for (;;) {
        if (db_mensaje_reclamar(p, cuenta, &m, &found, &e) != RC_OK)
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
    t0 = now_s() - t0;
    db_close(p);
    if (done != n)
        die("línea base: %d mensajes de %d", done, n);
    return t0;
}

struct run {
    uv_loop_t loop;
    uv_timer_t guard;
    struct sender *s;
    int n, sent, receipts;
    double t0, t1;
    char stopped[256];
};

static void
finish(struct run *r)
{
    struct sender *s = r->s;

    if (s == NULL)
        return;
    r->s = NULL;
    r->t1 = now_s();
    uv_timer_stop(&r->guard);
    uv_close((uv_handle_t *)&r->guard, NULL);
    sender_stop(s);
}

static void
on_event(void *ctx, const struct sender_event *ev)
{
    struct run *r = ctx;

    if (ev->kind == SENDER_EV_SENT)
        r->sent++;
    else if (ev->kind == SENDER_EV_RECEIPT)
        r->receipts++;
    else if (ev->kind == SENDER_EV_STOPPED && r->s != NULL)
        snprintf(r->stopped, sizeof r->stopped, "%s", ev->text);
    if ((r->sent == r->n && r->receipts == 2 * r->n) || ev->kind == SENDER_EV_STOPPED)
        finish(r);
}

static void
on_guard(uv_timer_t *h)
{
    finish(h->data);
}

static double
pipeline(struct dbt *t, int n, struct run *r)
{
    struct sim_config sim;
    struct sender_params p = { 0 };
    struct sender_callbacks cb = { .ctx = r, .event = on_event };
    struct err e = { 0 };
    char *ci = dbt_conninfo_fmt(t, "bs_p1");

    sim_config_default(&sim);
    sim.latency_min_ms = sim.latency_max_ms = 0;
    sim.deliver_min_ms = sim.deliver_max_ms = 0;
    sim.read_min_ms = sim.read_max_ms = 0;
    sim.read_ppm = 1000000;
    sim.reply_ppm = 0;
    sim.seed = 1;
    p.conninfo = ci;
    p.opt.transport = SENDER_TRANSPORT_SIM;
    p.opt.rapido = true;
    p.opt.seed = 1;
    p.sim = &sim;
    r->n = n;
    uv_loop_init(&r->loop);
    uv_timer_init(&r->loop, &r->guard);
    r->guard.data = r;
    uv_timer_start(&r->guard, on_guard, 300000, 0);
    r->t0 = now_s();
    if ((r->s = sender_start(&r->loop, &p, &cb, &e)) == NULL)
        die("sender_start: %s", e.msg);
    uv_run(&r->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&r->loop) != 0)
        die("el loop no cerró limpio");
    free(ci);
    if (r->stopped[0] != '\0')
        die("el envío se detuvo: %s", r->stopped);
    return r->t1 - r->t0;
}

int
main(void)
{
    struct err e = { 0 };
    struct dbt *a, *b;
    struct run *r = calloc(1, sizeof *r);
    const char *s = getenv("BENCH_MENSAJES");
    int n = s != NULL ? atoi(s) : 1000, cuenta;
    double base, full;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (n < 1 || n > 1000)
        die("BENCH_MENSAJES debe estar entre 1 y 1000 (el límite diario máximo)");
    if ((a = dbt_new(NULL, &e)) == NULL || (b = dbt_new(NULL, &e)) == NULL)
        die("no se pudo crear la base de la prueba: %s (¿corre con tests/bench/run.sh?)", e.msg);
    cuenta = prepare(a, n);
    base = baseline(a, cuenta, n);
    (void)prepare(b, n);
    full = pipeline(b, n, r);
    printf("sender: %d mensajes, ritmo rapido, sim sin latencia\n", n);
    printf(
        "  línea base (solo SQL: reclamar + número + acuse + 2 recibos):%7.0f mensajes/s  (%.2f ms c/u)\n",
        n / base, 1000.0 * base / n);
    printf(
        "  canal completo (hilo, loop, sim, eventos):                   %7.0f mensajes/s  (%.2f ms c/u)\n",
        r->sent / full, 1000.0 * full / (r->sent > 0 ? r->sent : 1));
    printf("  enviados %d, recibos %d; el motor añade %.0f %% sobre la base (objetivo ≥ 500/s)\n",
           r->sent, r->receipts, 100.0 * (full / base - 1.0));
    free(r);
    dbt_free(a);
    dbt_free(b);
    return 0;
}
