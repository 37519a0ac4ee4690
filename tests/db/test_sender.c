/*
 * test_sender — the sending loop (src/rt/sendcore.c) end to end against the real database and
 * the simulated network, driven by a fake clock (no sleeps): a campaign goes out with the
 * pacing gaps; pause lets at most the message already claimed go out, resume continues; a
 * crash mid-send leaves that message uncertain and the next sender never re-sends it; every
 * close code leads to its reconnect decision and account state; failing typing presence never
 * stalls; a second sender for one account is refused; duplicated receipts change nothing; an
 * opt-out reply stops every later message to that phone; a NOTIFY wakes an idle loop; numbers
 * without WhatsApp are found before sending; sends the server keeps refusing pause the campaign
 * by themselves (sql/102). Batches (sql/045): an ack heard but not recorded
 * when the process dies leaves its message uncertain, never re-sent; a zero-gap campaign with
 * delivered and read receipts in the same batches ends with every message read; a claim's
 * NOTIFY goes out with the next batch; api.envio_lote's duplicates, refusals and repeats.
 * Replies (sql/101): one queued inside a long campaign gap goes out at once and the campaign's
 * next message is still claimed at the gap's original deadline; outside the sending window and
 * with the cap reached a reply goes and the loop is idle again right after it; no per-recipient
 * gap for a reply; the replies-only claim never takes a campaign message.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "core/transport.h"
#include "db/db.h"
#include "db/db_internal.h"
#include "db/db_sender.h"
#include "db/db_wa.h"
#include "db/db_wa_respuesta.h"
#include "dbt.h"
#include "rt/sendcore.h"
#include "util/err.h"

#define T0     INT64_C(1800000000000) /* the fake clock's start, epoch ms */
#define MAX_EV 512

struct rec {
    int64_t now;
    struct sender_event ev[MAX_EV];
    size_t nev;
};

static int64_t
fake_now(void *ctx)
{
    return ((struct rec *)ctx)->now;
}

static void
on_event(void *ctx, const struct sender_event *ev)
{
    struct rec *r = ctx;

    if (r->nev < MAX_EV)
        r->ev[r->nev++] = *ev;
}

static size_t
count_ev(const struct rec *r, enum sender_event_kind k)
{
    size_t n = 0;

    for (size_t i = 0; i < r->nev; i++)
        n += r->ev[i].kind == k;
    return n;
}

/* sx_sup, sx_p1 with n clients (phones +5255000000i), all assigned; 24 h window; linked. */
static int
seed(struct dbt *t, struct db *adm, int n)
{
    struct db *p;
    static const unsigned char blob[] = { 7 };
    struct err e = { 0 };
    int cuenta;

    dbt_role(t, "sx_sup", "embudo_supervisor");
    dbt_role(t, "sx_p1", "embudo_promotor");
    dbt_exec(adm,
             "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
             " ('sx_sup', 'Sara', 'SUPERVISOR');"
             "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id) SELECT 'sx_p1',"
             " 'Pepe', 'PROMOTOR', id FROM crm.usuarios WHERE login = 'sx_sup';"
             "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('IMSS', 'IMSS',"
             " 'FEDERAL');"
             "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id,"
             " edad) SELECT 'Cliente' || i, 'Prueba', 1, 9, 30 FROM generate_series(1, %d) i;"
             "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i, 'CELULAR',"
             " '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, %d) i;"
             "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
             "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
             " FROM generate_series(1, 7) d",
             n, n);
    p = dbt_connect(t, "sx_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(%d)", n);
    assert_int_equal(db_wa_guardar_credenciales(p, "5215500000099@s.whatsapp.net", blob, 1, &e),
                     RC_OK);
    cuenta = (int)dbt_scalar_ll(t, p, "SELECT crm.yo()");
    db_close(p);
    /* A warmed number: the cap (180) is not what these tests are about. */
    dbt_exec(adm, "UPDATE crm.wa_cuentas SET en_uso_desde = current_date - 60");
    return cuenta;
}

/* A launched campaign over every open opportunity of sx_p1; returns its id. */
static int64_t
campaign(struct db *p)
{
    struct db_campana_nueva n = { .etapa = "Nuevo", .texto = "{Hola|Buen día} {nombre}" };
    struct db_campana_creada c;
    struct err e = { 0 };
    char estado[16];
    int64_t id;

    assert_int_equal(db_campana_crear(p, &n, &c, &e), RC_OK);
    id = c.id;
    db_campana_creada_fini(&c);
    assert_int_equal(db_campana_accion(p, id, DB_CAMPANA_LANZAR, estado, &e), RC_OK);
    return id;
}

/* Changes a test's configuration after the defaults below. */
typedef void tweak_fn(struct sendcore_config *c);

static struct sendcore *
core_new_tweaked(struct db *db, int cuenta, struct rec *r, uint32_t presence_fail_ppm,
                 uint32_t not_on_whatsapp_ppm, bool rapido, tweak_fn *tweak)
{
    struct sendcore_config c;
    struct err e = { 0 };
    struct sendcore *sc;

    sendcore_config_default(&c);
    if (rapido) { /* zero gaps and a zero-latency sim that reads everything */
        pacing_config_preset(&c.pacing, PACING_PRESET_RAPIDO);
        c.sim.latency_min_ms = c.sim.latency_max_ms = 0;
        c.sim.deliver_min_ms = c.sim.deliver_max_ms = 0;
        c.sim.read_min_ms = c.sim.read_max_ms = 0;
    }
    c.cuenta = cuenta;
    c.seed = 42;
    c.now_ms = fake_now;
    c.clock_ctx = r;
    c.event = on_event;
    c.event_ctx = r;
    c.sim.seed = 7;
    c.sim.reply_ppm = 0;
    c.sim.read_ppm = rapido ? RNG_PPM_ONE : 0;
    c.sim.presence_fail_ppm = presence_fail_ppm;
    c.sim.not_on_whatsapp_ppm = not_on_whatsapp_ppm;
    if (tweak != NULL)
        tweak(&c);
    sc = sendcore_new(db, &c, &e);
    assert_non_null(sc);
    return sc;
}

static struct sendcore *
core_new_paced(struct db *db, int cuenta, struct rec *r, uint32_t presence_fail_ppm,
               uint32_t not_on_whatsapp_ppm, bool rapido)
{
    return core_new_tweaked(db, cuenta, r, presence_fail_ppm, not_on_whatsapp_ppm, rapido, NULL);
}

static struct sendcore *
core_new(struct db *db, int cuenta, struct rec *r, uint32_t presence_fail_ppm,
         uint32_t not_on_whatsapp_ppm)
{
    return core_new_paced(db, cuenta, r, presence_fail_ppm, not_on_whatsapp_ppm, false);
}

/* One test's world: sx_p1 with n clients and a launched campaign, and a started sender for
 * it on its own connection, driven by the fake clock r. */
struct run {
    struct dbt *t;
    struct db *adm, *p, *sdb; /* admin, the promoter (UI actions), the sender's connection */
    struct rec *r;
    struct sendcore *sc;
    int cuenta;
    int64_t campana;
};

static void
run_start_tweaked(struct run *x, struct dbt *t, int n, uint32_t presence_fail_ppm,
                  uint32_t not_on_whatsapp_ppm, bool rapido, tweak_fn *tweak)
{
    struct err e = { 0 };

    x->t = t;
    x->adm = dbt_connect(t, NULL);
    x->cuenta = seed(t, x->adm, n);
    x->p = dbt_connect(t, "sx_p1");
    x->campana = campaign(x->p);
    x->sdb = dbt_connect(t, "sx_p1");
    x->r = calloc(1, sizeof *x->r);
    x->r->now = T0;
    x->sc = core_new_tweaked(x->sdb, x->cuenta, x->r, presence_fail_ppm, not_on_whatsapp_ppm,
                             rapido, tweak);
    assert_int_equal(sendcore_start(x->sc, &e), RC_OK);
}

static void
run_start(struct run *x, struct dbt *t, int n, uint32_t presence_fail_ppm,
          uint32_t not_on_whatsapp_ppm, bool rapido)
{
    run_start_tweaked(x, t, n, presence_fail_ppm, not_on_whatsapp_ppm, rapido, NULL);
}

static void
run_end(struct run *x)
{
    sendcore_stop(x->sc, NULL);
    sendcore_free(x->sc);
    free(x->r);
    db_close(x->sdb);
    db_close(x->p);
    db_close(x->adm);
}

/* Runs everything due up to `until` (fake ms), in due order. */
static void
drive(struct sendcore *sc, struct rec *r, int64_t until)
{
    int64_t d;

    while (!sendcore_stopped(sc) && sendcore_deadline(sc, &d) && d <= until) {
        if (d > r->now)
            r->now = d;
        sendcore_run(sc, r->now);
    }
    if (r->now < until)
        r->now = until;
}

/* Drives one due step at a time until pred holds (or an hour of fake time passes). */
static void
drive_until(struct sendcore *sc, struct rec *r, bool (*pred)(const struct sendcore_stats *))
{
    struct sendcore_stats st;
    int64_t d, end = r->now + 3600000;

    sendcore_stats(sc, &st);
    while (!pred(&st) && sendcore_deadline(sc, &d) && d <= end) {
        if (d > r->now)
            r->now = d;
        sendcore_run(sc, r->now);
        sendcore_stats(sc, &st);
    }
    assert_true(pred(&st));
}

static long long
estado_n(struct dbt *t, struct db *adm, const char *estado)
{
    return dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.wa_mensajes WHERE estado = '%s'",
                         estado);
}

static bool
sent3_claimed4(const struct sendcore_stats *s)
{
    return s->acked == 3 && s->claimed == 4;
}

static bool
acked2(const struct sendcore_stats *s)
{
    return s->acked == 2 && s->claimed == 2;
}

/* A whole campaign goes out, gaps of the normal pace between sends, receipts recorded. */
static void
test_campana_completa(void **state)
{
    struct run x;
    struct sendcore_stats st;
    int64_t prev = 0;

    run_start(&x, *state, 5, 0, 0, false);
    drive(x.sc, x.r, T0 + 3600000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.acked, 5);
    assert_int_equal(st.receipts, 5);
    assert_int_equal(count_ev(x.r, SENDER_EV_SENT), 5);
    assert_true(st.idle);
    assert_int_equal(estado_n(x.t, x.adm, "ENTREGADO"), 5);
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm, "SELECT estado FROM crm.wa_campanas"),
                        "TERMINADA");
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm, "SELECT estado FROM crm.wa_cuentas"),
                        "CONECTADA");
    for (size_t i = 0; i < x.r->nev; i++) {
        if (x.r->ev[i].kind != SENDER_EV_SENT)
            continue;
        if (prev != 0) /* 25–55 s between sends (no rest within the first burst of 8+) */
            assert_true(x.r->ev[i].at_ms - prev >= 25000);
        prev = x.r->ev[i].at_ms;
    }
    sendcore_stop(x.sc, NULL);
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm, "SELECT estado FROM crm.wa_cuentas"),
                        "DESCONECTADA");
    run_end(&x);
}

/* Pause while the 4th message is claimed (typing): it alone goes out; resume sends the rest. */
static void
test_pausa_reanuda(void **state)
{
    struct run x;
    struct err e = { 0 };
    struct sendcore_stats st;
    char estado[16];
    int64_t id;

    run_start(&x, *state, 6, 0, 0, false);
    id = x.campana;
    drive_until(x.sc, x.r, sent3_claimed4);
    assert_int_equal(db_campana_accion(x.p, id, DB_CAMPANA_PAUSAR, estado, &e), RC_OK);
    drive(x.sc, x.r, x.r->now + 4 * 3600000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.acked, 4); /* the one in flight, no more */
    assert_true(st.idle);
    assert_int_equal(estado_n(x.t, x.adm, "PENDIENTE"), 2);
    /* Paused in a gap: nothing at all goes out. Resume (the UI's direct wake). */
    assert_int_equal(db_campana_accion(x.p, id, DB_CAMPANA_REANUDAR, estado, &e), RC_OK);
    sendcore_wake(x.sc);
    drive(x.sc, x.r, x.r->now + 3600000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.acked, 6);
    assert_int_equal(estado_n(x.t, x.adm, "PENDIENTE"), 0);
    run_end(&x);
}

/* Paused between sends: no message at all leaves; a NOTIFY (resume from another session)
 * wakes the idle loop without any call from the UI. */
static void
test_pausa_en_espera_y_notify(void **state)
{
    struct run x;
    struct err e = { 0 };
    struct sendcore_stats st;
    char estado[16];
    int64_t id;
    struct pollfd pfd;

    run_start(&x, *state, 4, 0, 0, false);
    id = x.campana;
    drive_until(x.sc, x.r, acked2);
    assert_int_equal(db_campana_accion(x.p, id, DB_CAMPANA_PAUSAR, estado, &e), RC_OK);
    drive(x.sc, x.r, x.r->now + 3600000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.acked, 2);
    assert_int_equal(st.claimed, 2);
    sendcore_db_input(x.sc, false); /* drain what arrived while sending */
    assert_int_equal(db_campana_accion(x.p, id, DB_CAMPANA_REANUDAR, estado, &e), RC_OK);
    /* Wait for the notification on the socket (I/O, not a sleep), then let it wake us. */
    pfd.fd = sendcore_db_fd(x.sc);
    pfd.events = POLLIN;
    assert_int_equal(poll(&pfd, 1, 10000), 1);
    sendcore_db_input(x.sc, true);
    drive(x.sc, x.r, x.r->now + 1); /* well before the 60 s idle re-check */
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.claimed, 3);
    drive(x.sc, x.r, x.r->now + 3600000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.acked, 4);
    run_end(&x);
}

static bool
sent2_acked1(const struct sendcore_stats *s)
{
    return s->sent == 2 && s->acked == 1;
}

/* The process dies after handing message 2 to the network, before its ack: the next sender
 * finds it ENVIANDO, marks it uncertain and never sends it again. */
static void
test_reinicio_no_reenvia(void **state)
{
    struct run x;
    struct err e = { 0 };
    struct sendcore_stats st;
    long long lost;

    run_start(&x, *state, 4, 0, 0, false);
    drive_until(x.sc, x.r, sent2_acked1);
    lost = dbt_scalar_ll(x.t, x.adm, "SELECT id FROM crm.wa_mensajes WHERE estado = 'ENVIANDO'");
    sendcore_free(x.sc); /* the crash: no stop, no more database calls */
    db_close(x.sdb);     /* the session ends: the server releases the lock */
    x.sdb = dbt_connect(x.t, "sx_p1");
    x.r->nev = 0;
    x.sc = core_new(x.sdb, x.cuenta, x.r, 0, 0);
    assert_int_equal(sendcore_start(x.sc, &e), RC_OK);
    assert_int_equal(x.r->ev[0].kind, SENDER_EV_STARTED);
    assert_int_equal(x.r->ev[0].code, 1);
    drive(x.sc, x.r, x.r->now + 3600000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.acked, 2); /* messages 3 and 4 */
    for (size_t i = 0; i < x.r->nev; i++)
        assert_false(x.r->ev[i].kind == SENDER_EV_SENT && x.r->ev[i].mensaje_id == lost);
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm,
                                       "SELECT estado || ' ' || incierto || ' ' ||"
                                       " coalesce(wa_id, '-') FROM crm.wa_mensajes"
                                       " WHERE id = %lld",
                                       lost),
                        "ENVIANDO true -");
    run_end(&x);
}

static bool
opened(const struct sendcore_stats *s)
{
    return s->connects >= 1 && s->claimed >= 1;
}

struct close_case {
    int code;
    enum reconnect_action action;
    const char *estado; /* right after the close */
};

/* One close code from an open connection in the middle of a campaign. */
static void
close_case_run(struct dbt *t, struct db *adm, int cuenta, const struct close_case *c)
{
    struct db *sdb = dbt_connect(t, "sx_p1");
    struct rec *r = calloc(1, sizeof *r);
    struct sendcore *sc;
    struct sendcore_stats st;
    struct err e = { 0 };

    r->now = T0;
    sc = core_new(sdb, cuenta, r, 0, 0);
    assert_int_equal(sendcore_start(sc, &e), RC_OK);
    drive_until(sc, r, opened);
    transport_sim_drop(sendcore_transport(sc), c->code);
    drive(sc, r, r->now); /* the close, nothing after it */
    sendcore_stats(sc, &st);
    assert_int_equal(st.last_action, c->action);
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT estado FROM crm.wa_cuentas"), c->estado);
    if (c->action == RECONNECT_NOW || c->action == RECONNECT_BACKOFF) {
        assert_false(sendcore_stopped(sc));
        drive(sc, r, r->now + (c->action == RECONNECT_NOW ? 1000 : 2000)); /* backoff ≤ 1 s */
        sendcore_stats(sc, &st);
        assert_int_equal(st.connects, 2);
        assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT estado FROM crm.wa_cuentas"),
                            "CONECTADA");
    } else {
        assert_true(sendcore_stopped(sc));
        assert_int_equal(r->ev[r->nev - 1].kind, SENDER_EV_STOPPED);
    }
    sendcore_stop(sc, NULL);
    sendcore_free(sc);
    free(r);
    db_close(sdb);
}

static void
test_codigos_de_cierre(void **state)
{
    static const struct close_case cases[] = {
        { 0, RECONNECT_BACKOFF, "DESCONECTADA" },      { 408, RECONNECT_BACKOFF, "DESCONECTADA" },
        { 428, RECONNECT_BACKOFF, "DESCONECTADA" },    { 500, RECONNECT_BACKOFF, "DESCONECTADA" },
        { 503, RECONNECT_BACKOFF, "DESCONECTADA" },    { 515, RECONNECT_NOW, "DESCONECTADA" },
        { 401, RECONNECT_RELINK, "REQUIERE_VINCULO" }, { 403, RECONNECT_ASK, "BLOQUEADA" },
        { 411, RECONNECT_ASK, "DESCONECTADA" },        { 440, RECONNECT_ASK, "DESCONECTADA" },
    };
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    static const unsigned char blob[] = { 7 };
    struct err e = { 0 };
    int cuenta = seed(t, adm, 30);

    p = dbt_connect(t, "sx_p1");
    campaign(p);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        close_case_run(t, adm, cuenta, &cases[i]);
        /* 401 dropped the credentials: link again; the ask cases leave it to the user. */
        assert_int_equal(db_wa_guardar_credenciales(p, "5215500000099@s.whatsapp.net", blob, 1, &e),
                         RC_OK);
        /* Whatever was in flight at a close is uncertain, never silently re-sent. */
        dbt_exec(adm, "UPDATE crm.wa_mensajes SET estado = 'FALLIDO', error = 'PRUEBA'"
                      " WHERE estado = 'ENVIANDO'");
    }
    db_close(p);
    db_close(adm);
}

/* Every "escribiendo…" fails: the campaign still goes out at its pace. */
static void
test_presencia_falla(void **state)
{
    struct run x;
    struct sendcore_stats st;

    run_start(&x, *state, 4, RNG_PPM_ONE, 0, false);
    drive(x.sc, x.r, T0 + 3600000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.presence_failures, 4);
    assert_int_equal(st.acked, 4);
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm, "SELECT estado FROM crm.wa_campanas"),
                        "TERMINADA");
    run_end(&x);
}

/* A second sender for the same account, from another session, is refused while the first
 * runs, and starts once the first stops. */
static void
test_dos_remitentes(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *d1, *d2;
    struct rec *r1 = calloc(1, sizeof *r1), *r2 = calloc(1, sizeof *r2);
    struct sendcore *a, *b;
    struct err e = { 0 };
    int cuenta = seed(t, adm, 2);

    d1 = dbt_connect(t, "sx_p1");
    d2 = dbt_connect(t, "sx_p1");
    r1->now = r2->now = T0;
    a = core_new(d1, cuenta, r1, 0, 0);
    b = core_new(d2, cuenta, r2, 0, 0);
    assert_int_equal(sendcore_start(a, &e), RC_OK);
    assert_int_equal(sendcore_start(b, &e), RC_BUSY);
    assert_non_null(strstr(e.msg, "enviando desde otra sesión"));
    assert_true(sendcore_stopped(b));
    sendcore_free(b);
    sendcore_stop(a, NULL);
    b = core_new(d2, cuenta, r2, 0, 0);
    assert_int_equal(sendcore_start(b, &e), RC_OK);
    sendcore_stop(b, NULL);
    sendcore_free(b);
    sendcore_free(a);
    free(r1);
    free(r2);
    db_close(d1);
    db_close(d2);
    db_close(adm);
}

/* Receipts arriving twice (or a delivery after the read) change nothing the second time. */
static void
test_recibos_duplicados(void **state)
{
    struct run x;
    struct sendcore_stats st;
    struct transport *tr;
    char id[24];
    const char *before;

    run_start(&x, *state, 1, 0, 0, false);
    drive(x.sc, x.r, T0 + 600000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.receipts, 1); /* delivered (read_ppm 0) */
    sendcore_msg_id(1, id);
    tr = sendcore_transport(x.sc);
    tr->ev.receipt(tr->ev.ctx, id, TRANSPORT_RECEIPT_READ, x.r->now);
    drive(x.sc, x.r, x.r->now + 1000); /* the batch is recorded */
    before = dbt_scalar_tmp(x.t, x.adm, "SELECT row(m.*)::text FROM crm.wa_mensajes m");
    tr->ev.receipt(tr->ev.ctx, id, TRANSPORT_RECEIPT_READ, x.r->now + 5000);
    tr->ev.receipt(tr->ev.ctx, id, TRANSPORT_RECEIPT_DELIVERED, x.r->now + 6000);
    tr->ev.ack(tr->ev.ctx, id, 0, x.r->now + 7000);
    drive(x.sc, x.r, x.r->now + 1000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.receipts, 2);
    assert_int_equal(count_ev(x.r, SENDER_EV_ERROR), 0); /* a repeated ack is not an error */
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm, "SELECT row(m.*)::text FROM crm.wa_mensajes m"),
                        before);
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm, "SELECT estado FROM crm.wa_mensajes"), "LEIDO");
    run_end(&x);
}

static bool
acked1(const struct sendcore_stats *s)
{
    return s->acked == 1;
}

/* "BAJA" from a recipient still waiting: recorded, its message skipped, never sent; a later
 * campaign skips the phone too. */
static void
test_baja_nunca_mas(void **state)
{
    struct run x;
    struct sendcore_stats st;

    run_start(&x, *state, 3, 0, 0, false);
    drive_until(x.sc, x.r, acked1);
    transport_sim_incoming(sendcore_transport(x.sc), "525500000003@s.whatsapp.net",
                           "NO ME INTERESA, gracias");
    drive(x.sc, x.r, x.r->now + 3600000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.optouts, 1);
    assert_int_equal(st.acked, 2);
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm,
                                       "SELECT estado || ' ' || error FROM crm.wa_mensajes"
                                       " WHERE telefono = '+525500000003'"),
                        "OMITIDO BAJA");
    assert_int_equal(dbt_scalar_ll(x.t, x.adm, "SELECT count(*) FROM crm.wa_bajas"), 1);
    for (size_t i = 0; i < x.r->nev; i++)
        assert_false(x.r->ev[i].kind == SENDER_EV_SENT && x.r->ev[i].mensaje_id == 3);
    run_end(&x);
}

/* Numbers never checked are asked first: those without WhatsApp fail SIN_WHATSAPP (and are
 * cached, so no later campaign plans them), the rest go out. */
static void
test_sin_whatsapp(void **state)
{
    struct run x;
    int yes = 0, no = 0;
    struct sim_config sim;
    char digits[16];

    run_start(&x, *state, 6, 0, 400000, false);
    drive(x.sc, x.r, T0 + 3600000);
    sim_config_default(&sim); /* what core_new gave the sim */
    sim.seed = 7;
    sim.not_on_whatsapp_ppm = 400000;
    for (int i = 1; i <= 6; i++) {
        bool on;

        snprintf(digits, sizeof digits, "5255%08d", i);
        on = transport_sim_on_whatsapp(&sim, digits);
        yes += on;
        no += !on;
        assert_string_equal(dbt_scalar_tmp(x.t, x.adm,
                                           "SELECT m.estado || ' ' || coalesce(m.error, '-') ||"
                                           " ' ' || n.en_whatsapp FROM crm.wa_mensajes m"
                                           " JOIN crm.wa_numeros n USING (telefono)"
                                           " WHERE m.telefono = '+%s'",
                                           digits),
                            on ? "ENTREGADO - true" : "FALLIDO SIN_WHATSAPP false");
    }
    assert_true(yes > 0 && no > 0);
    run_end(&x);
}

static void
todo_rechazado(struct sendcore_config *c)
{
    c->sim.send_fail_ppm = RNG_PPM_ONE;
}

/* Every send refused by the server (479): the third failure in a row pauses the campaign by
 * itself (sql/102), saying why, and nothing more leaves, not even hours later. */
static void
test_fallos_pausan(void **state)
{
    struct run x;

    run_start_tweaked(&x, *state, 6, 0, 0, false, todo_rechazado);
    drive(x.sc, x.r, T0 + 2 * 3600000);
    assert_int_equal(count_ev(x.r, SENDER_EV_FAILED), 3);
    assert_int_equal(count_ev(x.r, SENDER_EV_SENT), 0);
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm,
                                       "SELECT string_agg(estado || ' ' || coalesce(error, '-'),"
                                       " ', ' ORDER BY id) FROM crm.wa_mensajes"),
                        "FALLIDO 479, FALLIDO 479, FALLIDO 479, PENDIENTE -, PENDIENTE -,"
                        " PENDIENTE -");
    assert_string_equal(dbt_scalar_tmp(x.t, x.p,
                                       "SELECT estado || ': ' || pausa_motivo"
                                       " FROM api.campana_estado(%lld)",
                                       (long long)x.campana),
                        "PAUSADA: Se pausó sola: los últimos 3 envíos de la cuenta fallaron (el"
                        " último, error 479); revise el WhatsApp del teléfono antes de reanudar");
    run_end(&x);
}

/* The process dies right after an ack arrived, before its batch was recorded: that message is
 * still ENVIANDO, so the next sender marks it uncertain and never sends it again. */
static void
test_acuse_sin_registrar_en_duda(void **state)
{
    struct run x;
    struct err e = { 0 };
    struct sendcore_stats st;

    run_start(&x, *state, 3, 0, 0, false);
    drive_until(x.sc, x.r, acked1); /* stops on the step that heard the ack */
    assert_int_equal(count_ev(x.r, SENDER_EV_SENT), 0);
    assert_string_equal(
        dbt_scalar_tmp(x.t, x.adm, "SELECT estado FROM crm.wa_mensajes WHERE id = 1"), "ENVIANDO");
    sendcore_free(x.sc); /* the crash: the batch is lost */
    db_close(x.sdb);
    x.sdb = dbt_connect(x.t, "sx_p1");
    x.r->nev = 0;
    x.sc = core_new(x.sdb, x.cuenta, x.r, 0, 0);
    assert_int_equal(sendcore_start(x.sc, &e), RC_OK);
    assert_int_equal(x.r->ev[0].code, 1); /* one uncertain */
    drive(x.sc, x.r, x.r->now + 3600000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.acked, 2); /* messages 2 and 3 */
    for (size_t i = 0; i < x.r->nev; i++)
        assert_false(x.r->ev[i].kind == SENDER_EV_SENT && x.r->ev[i].mensaje_id == 1);
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm,
                                       "SELECT string_agg(estado || ' ' || incierto, ',' ORDER BY"
                                       " id) FROM crm.wa_mensajes"),
                        "ENVIANDO true,ENTREGADO false,ENTREGADO false");
    run_end(&x);
}

/* Zero gaps, zero latency: acks and both receipts of many messages land in the same batches;
 * every message ends read, each timestamp set once and in order, each event once. */
static void
test_lote_rapido(void **state)
{
    struct run x;
    struct sendcore_stats st;
    int64_t cid;

    run_start(&x, *state, 40, 0, 0, true);
    cid = x.campana;
    drive(x.sc, x.r, T0 + 600000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.acked, 40);
    assert_int_equal(st.receipts, 80);
    assert_int_equal(count_ev(x.r, SENDER_EV_SENT), 40);
    assert_int_equal(count_ev(x.r, SENDER_EV_RECEIPT), 80);
    assert_int_equal(count_ev(x.r, SENDER_EV_ERROR), 0);
    for (size_t i = 0; i < x.r->nev; i++)
        if (x.r->ev[i].kind == SENDER_EV_SENT)
            assert_int_equal(x.r->ev[i].campana_id, cid);
    assert_int_equal(dbt_scalar_ll(x.t, x.adm,
                                   "SELECT count(*) FROM crm.wa_mensajes WHERE estado = 'LEIDO'"
                                   " AND wa_id IS NOT NULL AND reclamado_at <= enviado_at"
                                   " AND enviado_at <= entregado_at AND entregado_at <= leido_at"),
                     40);
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm, "SELECT estado FROM crm.wa_campanas"),
                        "TERMINADA");
    run_end(&x);
}

static bool
claimed1(const struct sendcore_stats *s)
{
    return s->claimed == 1;
}

/* Notifications on oyente's socket, waiting at most ms for the first (I/O, not a sleep). */
static int
avisos(struct db *oyente, int ms)
{
    PGconn *c = db_pg(oyente);
    struct pollfd pfd = { .fd = PQsocket(c), .events = POLLIN };
    PGnotify *n;
    int vistos = 0;

    (void)poll(&pfd, 1, ms);
    assert_int_equal(PQconsumeInput(c), 1);
    while ((n = PQnotifies(c)) != NULL) {
        vistos += strstr(n->extra, "\"wa_mensajes\"") != NULL;
        PQfreemem(n);
    }
    return vistos;
}

/* The claim's NOTIFY is deferred to the next batch (sql/045): the durable claim takes no
 * notification lock, and the panes still hear of it ≤ 20 ms later. */
static void
test_reclamo_avisa_con_el_lote(void **state)
{
    struct run x;
    struct db *oyente;

    run_start(&x, *state, 2, 0, 0, false);
    oyente = dbt_connect(x.t, NULL);
    dbt_exec(oyente, "LISTEN embudo"); /* before the first claim, which drive_until makes */
    drive_until(x.sc, x.r, claimed1);
    assert_string_equal(
        dbt_scalar_tmp(x.t, x.adm, "SELECT estado FROM crm.wa_mensajes WHERE id = 1"), "ENVIANDO");
    assert_int_equal(avisos(oyente, 200), 0); /* committed, not announced yet */
    drive(x.sc, x.r, x.r->now + 100);         /* the batch; typing (≥ 800 ms) keeps it unsent */
    assert_int_equal(count_ev(x.r, SENDER_EV_SENT), 0);
    assert_int_equal(avisos(oyente, 10000), 1);
    db_close(oyente);
    run_end(&x);
}

static struct db_sender_item
item(enum db_sender_item_kind kind, int64_t id, const char *wa_id, bool leido)
{
    struct db_sender_item it = { .kind = kind, .id = id, .leido = leido };

    snprintf(it.wa_id, sizeof it.wa_id, "%s", wa_id);
    return it;
}

/* api.envio_lote item by item: a repeated ack and a repeated or late receipt change nothing,
 * read before delivered in one batch sets both once, an ack without id or for a message not
 * in flight is refused with its reason, a foreign wa_id is ignored; the same batch again
 * changes nothing. */
static void
test_lote_semantica(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    struct db_mensaje m;
    struct db_sender_numero nu = { .telefono = "+525500000001",
                                   .jid = "5215500000001@s.whatsapp.net" };
    struct db_sender_item it[7];
    struct err e = { 0 };
    int cuenta = seed(t, adm, 3);
    bool found;
    const char *before;

    p = dbt_connect(t, "sx_p1");
    campaign(p);
    dbt_exec(adm, "UPDATE crm.wa_cuentas SET estado = 'CONECTADA'");
    for (int i = 0; i < 2; i++) {
        assert_int_equal(db_sender_reclamar(p, cuenta, false, &m, &found, &e), RC_OK);
        assert_true(found);
        db_mensaje_fini(&m);
    }
    it[0] = item(DB_SENDER_ACK, 1, "W1", false);
    it[1] = item(DB_SENDER_ACK, 1, "W1", false);
    it[2] = item(DB_SENDER_RECIBO, 0, "W1", true);
    it[3] = item(DB_SENDER_RECIBO, 0, "W1", false);
    it[4] = item(DB_SENDER_ACK, 2, " ", false);
    it[5] = item(DB_SENDER_RECIBO, 0, "ZZ", false);
    it[6] = item(DB_SENDER_ACK, 3, "W3", false);
    assert_int_equal(db_sender_lote(p, cuenta, it, 7, &nu, 1, &e), RC_OK);
    assert_true(it[0].cambio && !it[1].cambio && it[2].cambio && !it[3].cambio);
    assert_false(it[4].cambio || it[5].cambio || it[6].cambio);
    assert_string_equal(it[1].motivo, "");
    assert_string_equal(it[3].motivo, "");
    assert_string_equal(it[4].motivo, "falta el identificador de WhatsApp del mensaje");
    assert_string_equal(it[5].motivo, "");
    assert_string_equal(it[6].motivo, "el mensaje 3 no está en envío (PENDIENTE)");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(estado || ' ' || (entregado_at IS NOT"
                                       " DISTINCT FROM leido_at) || ' ' || coalesce(jid, '-'),"
                                       " ',' ORDER BY id) FROM crm.wa_mensajes"),
                        "LEIDO true -,ENVIANDO true -,PENDIENTE true -");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT jid FROM crm.wa_numeros"
                                       " WHERE telefono = '+525500000001' AND en_whatsapp"),
                        "5215500000001@s.whatsapp.net");
    before = dbt_scalar_tmp(t, adm,
                            "SELECT string_agg(row(m.*)::text, ',' ORDER BY id)"
                            " FROM crm.wa_mensajes m");
    assert_int_equal(db_sender_lote(p, cuenta, it, 4, NULL, 0, &e), RC_OK);
    for (int i = 0; i < 4; i++)
        assert_false(it[i].cambio);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(row(m.*)::text, ',' ORDER BY"
                                       " id) FROM crm.wa_mensajes m"),
                        before);
    /* The cap counts the sent one and the one in flight. */
    assert_int_equal(
        dbt_scalar_ll(t, adm, "SELECT crm.wa_en_curso_hoy(%d, crm.fecha_negocio(now()))", cuenta),
        2);
    db_close(p);
    db_close(adm);
}

/* ---- replies (docs/wa-responder.md) ------------------------------------------------------- */

#define GAP_LARGO (10 * 60000) /* a campaign gap no reply should wait: 10 to 20 minutes */

/* A network without latency that delivers at once and never reads; the campaign's gaps drawn
 * from GAP_LARGO to twice that (a pacing step taken by a reply would move the deadline), no
 * rests; typing and the per-recipient gap (1 min) as in production. */
static void
gap_largo(struct sendcore_config *c)
{
    c->pacing.gap_min_ms = GAP_LARGO;
    c->pacing.gap_max_ms = 2 * GAP_LARGO;
    c->pacing.burst_min = c->pacing.burst_max = 0;
    c->sim.latency_min_ms = c->sim.latency_max_ms = 0;
    c->sim.deliver_min_ms = c->sim.deliver_max_ms = 0;
}

/* The same network; a short campaign gap (5 s) and a per-recipient gap of an hour. */
static void
destinatario_largo(struct sendcore_config *c)
{
    gap_largo(c);
    c->pacing.gap_min_ms = c->pacing.gap_max_ms = 5000;
    c->pacing.recipient_gap_ms = 3600000;
}

static int64_t
oportunidad_de(struct run *x, int cliente)
{
    return dbt_scalar_ll(x->t, x->adm, "SELECT id FROM crm.oportunidades WHERE cliente_id = %d",
                         cliente);
}

/* Client n (+5255000000n) writes to the account over the network; the loop records it. */
static void
cliente_escribe(struct run *x, int n, const char *texto)
{
    struct sendcore_stats a, b;
    char from[48];

    sendcore_stats(x->sc, &a);
    snprintf(from, sizeof from, "5255%08d@s.whatsapp.net", n);
    transport_sim_incoming(sendcore_transport(x->sc), from, texto);
    drive(x->sc, x->r, x->r->now); /* no latency: due now */
    sendcore_stats(x->sc, &b);
    assert_int_equal(b.incoming, a.incoming + 1);
}

/*
 * The promoter answers client n from her own session (api.wa_responder) and the loop hears of
 * it as in production, by the NOTIFY on its connection: what arrives until the socket is quiet
 * (I/O, not a sleep; the fake clock does not move). Returns the reply's message.
 */
static int64_t
responder(struct run *x, int n, const char *texto)
{
    struct db_wa_respondido out;
    struct err e = { 0 };
    struct pollfd pfd = { .fd = sendcore_db_fd(x->sc), .events = POLLIN };

    assert_int_equal(db_wa_responder(x->p, oportunidad_de(x, n), texto, NULL, &out, &e), RC_OK);
    assert_false(out.repetido);
    assert_int_equal(poll(&pfd, 1, 10000), 1);
    do
        sendcore_db_input(x->sc, true);
    while (poll(&pfd, 1, 200) == 1);
    return out.mensaje_id;
}

/* A copy of the SENDER_EV_SENT of message id (fails when there is none). */
static struct sender_event
sent_ev(const struct rec *r, int64_t id)
{
    struct sender_event none = { .kind = SENDER_EV_ERROR };

    for (size_t i = 0; i < r->nev; i++)
        if (r->ev[i].kind == SENDER_EV_SENT && r->ev[i].mensaje_id == id)
            return r->ev[i];
    fail_msg("mensaje %lld sin SENDER_EV_SENT", (long long)id);
    return none;
}

static long long
campana_no_pendientes(struct run *x)
{
    return dbt_scalar_ll(x->t, x->adm,
                         "SELECT count(*) FROM crm.wa_mensajes"
                         " WHERE campana_id IS NOT NULL AND estado <> 'PENDIENTE'");
}

/* A reply queued while the loop waits a 10-minute campaign gap goes out at once, to the client
 * who got the campaign's message seconds ago (no per-recipient gap); the replies-only claim
 * leaves the campaign alone, and the campaign's next message is claimed exactly at the gap's
 * original deadline. */
static void
test_respuesta_en_el_intervalo(void **state)
{
    struct run x;
    struct sendcore_stats st;
    struct sender_event ev;
    int64_t gap_end, d, q, resp;

    run_start_tweaked(&x, *state, 3, 0, 0, false, gap_largo);
    drive_until(x.sc, x.r, acked1);
    drive(x.sc, x.r, x.r->now + 2000); /* its batch and receipt */
    assert_true(sendcore_deadline(x.sc, &gap_end));
    assert_true(gap_end > x.r->now + GAP_LARGO - 10000);
    cliente_escribe(&x, 1, "Sí me interesa, ¿qué necesito?");
    q = x.r->now;
    resp = responder(&x, 1, "Solo su INE y su último recibo de nómina");
    drive(x.sc, x.r, q + 10000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.claimed, 2);
    assert_int_equal(st.replies, 1);
    ev = sent_ev(x.r, resp);
    assert_true(ev.at_ms <= q + 5000); /* typing ≤ 4 s, no gap of either kind */
    assert_int_equal(ev.campana_id, 0);
    assert_string_equal(dbt_scalar_tmp(x.t, x.adm,
                                       "SELECT estado || ' ' || (campana_id IS NULL)"
                                       " FROM crm.wa_mensajes WHERE id = %lld",
                                       (long long)resp),
                        "ENTREGADO true");
    assert_int_equal(campana_no_pendientes(&x), 1);
    /* Back to the campaign's gap, its deadline untouched. */
    assert_true(sendcore_deadline(x.sc, &d));
    assert_int_equal(d, gap_end);
    drive(x.sc, x.r, gap_end - 1);
    assert_int_equal(campana_no_pendientes(&x), 1);
    drive(x.sc, x.r, gap_end);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.claimed, 3);
    assert_int_equal(campana_no_pendientes(&x), 2);
    drive(x.sc, x.r, gap_end + 10000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.acked, 3);
    for (size_t i = 0; i < x.r->nev; i++)
        if (x.r->ev[i].kind == SENDER_EV_SENT && x.r->ev[i].mensaje_id != resp)
            assert_int_equal(x.r->ev[i].campana_id, x.campana);
    run_end(&x);
}

/* Outside the sending window the loop is idle; a reply still goes out at once, and the loop is
 * idle again right after it (no campaign gap after a reply), the campaign untouched. */
static void
test_respuesta_fuera_de_horario(void **state)
{
    struct run x;
    struct sendcore_stats st;
    int64_t q, resp;

    run_start_tweaked(&x, *state, 2, 0, 0, false, gap_largo);
    dbt_exec(x.adm, "DELETE FROM crm.horario_operativo"); /* before the first claim */
    drive(x.sc, x.r, x.r->now + 2000);
    sendcore_stats(x.sc, &st);
    assert_true(st.idle);
    assert_int_equal(st.claimed, 0);
    cliente_escribe(&x, 1, "Buenas noches, ¿sigue en pie lo del préstamo?");
    q = x.r->now;
    resp = responder(&x, 1, "Sí, mañana a primera hora le llamo");
    drive(x.sc, x.r, q + 10000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.replies, 1);
    assert_int_equal(st.acked, 1);
    assert_true(sent_ev(x.r, resp).at_ms <= q + 5000); /* its number checked first */
    assert_true(st.idle);
    assert_int_equal(count_ev(x.r, SENDER_EV_IDLE), 2);
    assert_int_equal(campana_no_pendientes(&x), 0);
    run_end(&x);
}

/* The day's cap reached: the loop is idle; a reply still goes out (and counts), the loop is idle
 * again right after it, the campaign's next message still waits. */
static void
test_respuesta_con_tope(void **state)
{
    struct run x;
    struct sendcore_stats st;
    int64_t q, resp;

    run_start_tweaked(&x, *state, 2, 0, 0, false, gap_largo);
    dbt_exec(x.adm, "UPDATE crm.wa_cuentas SET limite_diario = 1");
    drive(x.sc, x.r, x.r->now + 2 * GAP_LARGO + 60000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.acked, 1);
    assert_true(st.idle);
    cliente_escribe(&x, 1, "¿Cuánto me pueden prestar?");
    q = x.r->now;
    resp = responder(&x, 1, "Depende de su capacidad de pago; ¿me manda su talón?");
    drive(x.sc, x.r, q + 10000);
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.replies, 1);
    assert_int_equal(st.acked, 2);
    assert_true(sent_ev(x.r, resp).at_ms <= q + 5000);
    assert_true(st.idle);
    assert_int_equal(campana_no_pendientes(&x), 1);
    assert_int_equal(dbt_scalar_ll(x.t, x.adm,
                                   "SELECT crm.wa_en_curso_hoy(%d, crm.fecha_negocio(now()))",
                                   x.cuenta),
                     2);
    run_end(&x);
}

/* A per-recipient gap of an hour holds campaign messages to one phone, never a reply: the
 * client answered the campaign's message seconds after it arrived. */
static void
test_respuesta_sin_espera_por_destinatario(void **state)
{
    struct run x;
    struct sendcore_stats st;
    int64_t q, resp;

    run_start_tweaked(&x, *state, 1, 0, 0, false, destinatario_largo);
    drive(x.sc, x.r, x.r->now + 20000); /* sent, then the campaign is done: idle */
    sendcore_stats(x.sc, &st);
    assert_int_equal(st.acked, 1);
    assert_true(st.idle);
    cliente_escribe(&x, 1, "¿De qué financiera me escribe?");
    q = x.r->now;
    resp = responder(&x, 1, "De Préstamos del Centro, con gusto le explico");
    drive(x.sc, x.r, q + 10000);
    assert_true(sent_ev(x.r, resp).at_ms <= q + 5000);
    run_end(&x);
}

/* db_sender_reclamar with solo_respuestas: nothing while only campaign messages wait, the reply
 * once one is queued, nothing after it; the full claim then takes the campaign's. */
static void
test_reclamo_solo_respuestas(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    struct db_entrante in;
    struct db_wa_respondido out;
    struct db_mensaje m;
    struct err e = { 0 };
    int cuenta = seed(t, adm, 3);
    int64_t cid, opp;
    bool found;

    p = dbt_connect(t, "sx_p1");
    cid = campaign(p);
    dbt_exec(adm, "UPDATE crm.wa_cuentas SET estado = 'CONECTADA'");
    assert_int_equal(db_sender_reclamar(p, cuenta, true, &m, &found, &e), RC_OK);
    assert_false(found);
    assert_int_equal(
        db_wa_entrante(p, 0, "+525500000002", "Hola, ¿me explica?", false, NULL, &in, &e), RC_OK);
    opp = dbt_scalar_ll(t, adm, "SELECT id FROM crm.oportunidades WHERE cliente_id = 2");
    assert_int_equal(db_wa_responder(p, opp, "Claro, le marco en un momento", NULL, &out, &e),
                     RC_OK);
    assert_int_equal(db_sender_reclamar(p, cuenta, true, &m, &found, &e), RC_OK);
    assert_true(found);
    assert_int_equal(m.id, out.mensaje_id);
    assert_int_equal(m.campana_id, 0);
    assert_int_equal(m.oportunidad_id, opp);
    assert_string_equal(m.telefono, "+525500000002");
    db_mensaje_fini(&m);
    assert_int_equal(db_sender_reclamar(p, cuenta, true, &m, &found, &e), RC_OK);
    assert_false(found);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.wa_mensajes"
                                   " WHERE campana_id IS NOT NULL AND estado = 'PENDIENTE'"),
                     3);
    assert_int_equal(db_sender_reclamar(p, cuenta, false, &m, &found, &e), RC_OK);
    assert_true(found);
    assert_int_equal(m.campana_id, cid);
    db_mensaje_fini(&m);
    db_close(p);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_campana_completa, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_pausa_reanuda, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_pausa_en_espera_y_notify, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_reinicio_no_reenvia, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_codigos_de_cierre, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_presencia_falla, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_dos_remitentes, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_recibos_duplicados, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_baja_nunca_mas, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_sin_whatsapp, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_fallos_pausan, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_acuse_sin_registrar_en_duda, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_lote_rapido, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_reclamo_avisa_con_el_lote, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_lote_semantica, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_respuesta_en_el_intervalo, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_respuesta_fuera_de_horario, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_respuesta_con_tope, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_respuesta_sin_espera_por_destinatario, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_reclamo_solo_respuestas, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
